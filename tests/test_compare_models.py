"""`psysim run compare-models --data FILE.toml` and `psysim fit MODEL --data FILE.toml` on a
foreign re-expression of Wolfe et al. (2010), against the native path on the same trials."""

from __future__ import annotations

import pandas as pd
import pytest
from _own_data import FOREIGN_TASKS, native_subset, write_foreign

from psysim.cli import main
from psysim.data import load_described
from psysim.fitting import fit_many
from psysim.fitting.plan import plan_fits
from psysim.stats import WOLFE2010_TRIM, cell_summary, search_slopes

NATIVE_TOML = """
[dataset]
name = "wolfe-subset"
subject_ids = "per-task"
citation = "Wolfe et al. (2010)"
[files]
paths = ["native.csv"]
[columns]
subject = "subj"
task = "task"
set_size = "size"
target_present = "target"
error = "error"
rt = "rt"
extra = ["trial"]
[values.task]
RVvGV = "feature"
RVvRHGV = "conjunction"
2_vs_5 = "spatial"
[rt]
trim = [200, 4000]
trim_by_task = { spatial = [200, 8000] }
[tasks.feature]
kind = "feature-colour"
[tasks.conjunction]
kind = "conjunction"
[tasks.spatial]
kind = "spatial"
"""


def _write_native(folder, native):
    codes = {"feature": "RVvGV", "conjunction": "RVvRHGV", "spatial": "2_vs_5"}
    pd.DataFrame({"subj": native["subject"], "task": native["task"].map(codes), "trial": native["trial"],
                  "size": native["set_size"], "target": native["target_present"].astype(int),
                  "error": (~native["correct"]).astype(int), "rt": native["rt"]}).to_csv(folder / "native.csv", index=False)
    (folder / "native.toml").write_text(NATIVE_TOML)
    return folder / "native.toml"


def test_foreign_file_gives_the_same_fits_as_the_native_format(tmp_path, wolfe_trials):
    foreign, native = write_foreign(tmp_path, wolfe_trials)
    nat = load_described(_write_native(tmp_path, native))
    pd.testing.assert_frame_equal(nat.trials.drop(columns="source"), native.drop(columns="source"), check_exact=True)
    fits = {}
    for name, data, task in (("native", nat, "feature"), ("foreign", load_described(foreign), FOREIGN_TASKS["feature"])):
        planned, notes = plan_fits(data, ["fit", "cgs"], quick=True, tasks=[task])
        assert [p.subject for p in planned] == ["pooled", "pooled"]  # three trials per cell: pooled, and said so
        assert any(n.kind == "pooled" and "observers pooled" in n.text for n in notes)
        fits[name] = fit_many([p.spec for p in planned], seed=3, progress=False)
    for a, b in zip(fits["native"], fits["foreign"]):
        assert a.params == b.params and a.loglik == b.loglik and a.free == b.free
        assert "t_no" not in b.free or b.model != "cgs"
    cgs = fits["foreign"][1]
    assert cgs.model == "cgs" and "t_no" not in cgs.free and cgs.params["t_no"] == 420.0


def test_per_observer_fits_of_the_foreign_file_equal_the_native_ones(tmp_path, wolfe_trials):
    """With enough trials per cell the same observers are fitted one by one, and each fit of the
    foreign file is the native path's fit of the same observer."""
    foreign, native = write_foreign(tmp_path, wolfe_trials, per_cell=40)
    nat = load_described(_write_native(tmp_path, native))
    fits, subjects = {}, {}
    for name, data, task in (("native", nat, "conjunction"), ("foreign", load_described(foreign), FOREIGN_TASKS["conjunction"])):
        planned, notes = plan_fits(data, ["cgs"], quick=True, tasks=[task], min_correct=6, max_observers=2)
        subjects[name] = [p.subject for p in planned]
        assert any(n.kind == "observers" and "per observer (2 fit(s) per model; 2 of" in n.text for n in notes)
        fits[name] = fit_many([p.spec for p in planned], seed=4, progress=False)
    assert subjects["native"] == subjects["foreign"] and len(subjects["native"]) == 2 and "pooled" not in subjects["native"]
    for a, b in zip(fits["native"], fits["foreign"]):
        assert a.params == b.params and a.loglik == b.loglik and a.free == b.free and "t_no" not in b.free


def test_compare_models_on_a_foreign_file_end_to_end(tmp_path, wolfe_trials, capsys):
    foreign, native = write_foreign(tmp_path, wolfe_trials)
    out = tmp_path / "run"
    assert main(["run", "compare-models", "--data", str(foreign), "--quick", "--set", "models=fit,cgs",
                 "--out", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert "Wolfe, J. M., Palmer, E. M., &amp; Horowitz, T. S. (2010)" in html and "CC BY-NC 4.0" in html
    assert "empty RT (excluded): 28 trial(s), 28 observer(s)" in html
    assert "t_no fixed at 420 (no target-absent trials" in html
    assert "p_guess fixed at 0.015 (no target-absent trials" in html
    assert html.count("observers pooled into one fit") == 3
    # slopes in the run folder: those of the native loader on the same trials
    got = pd.read_csv(out / "slopes.csv").sort_values("task").reset_index(drop=True)
    want = search_slopes(cell_summary(native, WOLFE2010_TRIM))
    want["task"] = want["task"].map(FOREIGN_TASKS)
    want = want.sort_values("task").reset_index(drop=True)
    for col in ("slope", "ci_low", "ci_high"):
        assert [f"{v:.10g}" for v in got[col]] == [f"{v:.10g}" for v in want[col]]
    fixed = pd.read_csv(out / "fixed.csv")
    assert set(fixed.loc[(fixed["model"] == "cgs") & (fixed["param"] == "t_no"), "task"]) == {"color", "conj", "shape"}
    assert len(pd.read_csv(out / "fits.csv")) == 6
    # no ANOVA factor without two levels: set size only
    assert set(pd.read_csv(out / "anova.csv")["effect"]) == {"set_size"}
    # the same run folder re-rendered in Japanese: every heading and sentence of the frame in
    # Japanese, the plan's own lines quoted (and said to be) in English, tables unchanged
    assert main(["report", str(out), "--lang", "ja"]) == 0
    ja = (out / "report.ja.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in ja and "Wolfe, J. M., Palmer, E. M., &amp; Horowitz, T. S. (2010)" in ja
    for heading in ("除外", "セル（条件）", "探索関数の傾き", "反復測定分散分析", "モデルの当てはめ", "引用文献とライセンス"):
        assert f"<h2>{heading}</h2>" in ja, heading
    for english in ("Exclusions", "Search slopes", "Model fits", "Repeated-measures ANOVA", "observers kept", "lowest BIC"):
        assert english not in ja, english
    from _browser import assert_renders_without_fallback

    assert_renders_without_fallback(out / "report.ja.html", tmp_path)  # headless Chromium: no glyph falls back
    assert "RT が 200〜4000 ms の正反応試行" in ja and "空の RT（除外）：28 試行，28 名" in ja
    assert ja.count("参加者をまとめて1つの当てはめにした") == 3 and "翻訳のない文" not in ja
    assert "t_no を 420 に固定（標的なし試行がない：「なし」反応の残余時間は" in ja and "t_no fixed at" not in ja
    assert "p_guess を 0.015 に固定（標的なし試行がない：" in ja
    assert (out / "report.html").read_text() == html  # the English report is left as it was


def test_psysim_fit_takes_a_description(tmp_path, wolfe_trials, capsys):
    foreign, _native = write_foreign(tmp_path, wolfe_trials)
    out = tmp_path / "fits"
    assert main(["fit", "cgs", "--data", str(foreign), "--task", "color", "--seeds", "1", "--starts", "8",
                 "--local", "1", "--no-polish", "--no-progress", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "t_no fixed at 420" in said and "observers pooled" in said
    table = pd.read_csv(out / "fits.csv", dtype={"subject": str})
    assert table[["task", "subject", "model_task"]].values.tolist() == [["color", "pooled", "feature"]]
    assert table["t_no"].iloc[0] == 420.0


BAD = [
    ('rt = "RT_s"', 'rt = "RT"', "[columns] rt"),
    ('kind = "conjunction"', 'kind = "conjunktion"', "[tasks.conj] kind"),
    ('unit = "s"', 'unit = "ms"', "[rt] unit"),
    ('[tasks.color]', '[exclusion]\nmax_excluded_percent = 1\n[tasks.color]', "[exclusion] max_excluded_percent"),
    ('[rt]', '[rt]\nwindow = [1, 2]', "[rt] window"),
    ('[tasks.conj]', '[tasks.conjunction]', "[tasks]: task 'conj'"),
]


@pytest.mark.parametrize("old, new, key", BAD, ids=[b[2] for b in BAD])
def test_bad_descriptions_exit_2_with_one_line_and_write_nothing(tmp_path, wolfe_trials, capsys, old, new, key):
    foreign, _native = write_foreign(tmp_path, wolfe_trials)
    text = foreign.read_text()
    assert old in text
    foreign.write_text(text.replace(old, new))
    before = sorted(p.name for p in tmp_path.iterdir())
    for argv in (["run", "compare-models", "--data", str(foreign), "--quick", "--out", str(tmp_path / "run")],
                 ["fit", "cgs", "--data", str(foreign), "--out", str(tmp_path / "fits")]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and str(foreign) in err[0] and key in err[0]
        assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_run_data_is_refused_by_experiments_that_take_none(tmp_path, capsys):
    assert main(["run", "visual-search", "--data", "x.toml", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "--data: experiment visual-search does not read a data-set description" in err and "compare-models" in err
    assert not (tmp_path / "r").exists()


def test_native_subset_helper_keeps_three_present_trials_per_cell(wolfe_trials):
    sub = native_subset(wolfe_trials)
    assert sub["target_present"].all()
    assert (sub.groupby(["task", "subject", "set_size"]).size() == 3).all()


def test_compare_models_on_one_set_size_fixes_what_it_cannot_tell(tmp_path, seed):
    from psysim.models import get_model, make_design

    t = get_model("fit", per_item=30).simulate(make_design("conjunction", (8,), 60), seed=seed)
    t = t.assign(subject=["1", "2"] * (len(t) // 2), task="search")
    t.drop(columns=["source"]).to_csv(tmp_path / "one.csv", index=False)
    (tmp_path / "one.toml").write_text('[dataset]\nname = "one"\n[files]\npaths = ["one.csv"]\n'
                                       '[tasks.search]\nkind = "conjunction"\n')
    out = tmp_path / "run"
    assert main(["run", "compare-models", "--data", str(tmp_path / "one.toml"), "--quick", "--set", "models=fit,cgs",
                 "--set", "min_correct=6", "--out", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert "w_target fixed at 5 (1 set size" in html and "per_item fixed at 40 (1 set size" in html
    assert "No task has two set sizes" in html
    assert set(pd.read_csv(out / "anova.csv")["effect"]) == {"target_present"}
    assert "every correct trial (no trimming)" in html
    assert pd.read_csv(out / "fits.csv", dtype={"subject": str})["subject"].tolist() == ["1", "2", "1", "2"]
