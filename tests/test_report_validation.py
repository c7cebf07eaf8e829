"""``psysim report`` checks every table it reads as ``psysim run`` checked it before writing: a
truncated or edited table is refused in one line naming it (issue 20, item 6)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from psysim.cli import main
from psysim.errors import DataError
from psysim.tables import TableSpec, check_table

TABLES = ("summary.csv", "slopes.csv", "slope_ratios.csv", "anova.csv", "fit.csv")


@pytest.fixture(scope="module")
def vs_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("vs") / "run"
    assert main(["run", "visual-search", "--quick", "--seed", "2", "--set", "n_per_cell=20", "--out", str(out)]) == 0
    return out


@pytest.fixture
def run_copy(vs_run, tmp_path):
    dst = tmp_path / "run"
    shutil.copytree(vs_run, dst)
    return dst


def refused(run_dir, capsys, *needles):
    before = sorted((p.name, p.read_bytes()) for p in run_dir.iterdir())
    capsys.readouterr()
    rc = main(["report", str(run_dir)])
    err = capsys.readouterr().err.strip()
    assert rc == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for n in needles:
        assert n in err, err
    assert sorted((p.name, p.read_bytes()) for p in run_dir.iterdir()) == before  # report.html untouched
    return err


def test_a_complete_run_re_renders(run_copy, capsys):
    assert main(["report", str(run_copy), "--out", str(run_copy / "again.html")]) == 0
    assert "Search slopes" in (run_copy / "again.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("table", TABLES)
def test_a_table_cut_at_a_line_is_refused_naming_it(run_copy, capsys, table):
    path = run_copy / table
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]))  # the last row gone
    refused(run_copy, capsys, str(path), "no row for", "a truncated table?")


@pytest.mark.parametrize("table", TABLES)
def test_a_table_cut_inside_its_last_line_is_refused_naming_it(run_copy, capsys, table):
    path = run_copy / table
    data = path.read_bytes()
    cut = data.rstrip(b"\n").rfind(b"\n") + 1 + 12  # 12 bytes into the last row
    path.write_bytes(data[:cut])
    err = refused(run_copy, capsys, str(path))
    assert "line" in err or "no row for" in err


@pytest.mark.parametrize("table", TABLES)
def test_header_only_empty_and_missing_column(run_copy, capsys, table):
    path = run_copy / table
    original = path.read_text()
    path.write_text(original.splitlines()[0] + "\n")
    refused(run_copy, capsys, str(path), "no row for")
    path.write_text("")
    refused(run_copy, capsys, str(path), "the file is empty")
    df = pd.read_csv(pd.io.common.StringIO(original))
    df.drop(columns=[df.columns[1]]).to_csv(path, index=False)
    refused(run_copy, capsys, str(path), "missing column", repr(df.columns[1]))


def test_an_edited_value_is_refused_naming_line_and_column(run_copy, capsys):
    path = run_copy / "slopes.csv"
    df = pd.read_csv(path)
    df["n_subjects"] = df["n_subjects"].astype(float)
    df.loc[3, "n_subjects"] = 2.5
    df.to_csv(path, index=False)
    refused(run_copy, capsys, str(path), "line 5: column 'n_subjects': 2.5 is not an int value")


def test_a_truncated_fit_json_is_refused_naming_it(run_copy, vs_run, capsys):
    path = run_copy / "fit_spatial.json"
    path.write_text(path.read_text()[:200])
    refused(run_copy, capsys, str(path))
    shutil.copy(vs_run / "fit_spatial.json", path)
    df = pd.read_csv(run_copy / "anova.csv")
    pd.concat([df, df.iloc[[0]]]).to_csv(run_copy / "anova.csv", index=False)
    refused(run_copy, capsys, "anova.csv", f"line {len(df) + 2}: a second row for source='wolfe2010'")


def test_check_table_kinds_and_grid():
    spec = TableSpec("t.csv", {"task": "str", "n": "int", "x": "float", "ok": "bool"}, keys=("task",),
                     grid={"task": ("a", "b")}, nullable=("x",))
    good = pd.DataFrame({"task": ["a", "b"], "n": [1, 2], "x": [0.5, float("nan")], "ok": ["True", "False"]})
    assert check_table(good, spec)["ok"].tolist() == [True, False]
    for bad, msg in (
        (good.assign(n=[1, 2.5]), "line 3: column 'n': 2.5 is not an int value"),
        (good.assign(x=["0.5", "wide"]), "line 3: column 'x': 'wide' is not a float value"),
        (good.assign(ok=["True", "yes"]), "line 3: column 'ok': 'yes' is not a bool value"),
        (good.assign(task=["a", "a"]), "line 3: a second row for task='a'"),
        (good.assign(task=["a", "c"]), "no row for task='b' (2 rows; a truncated table?)"),
        (good.assign(n=[1, None]), "line 3: column 'n' is empty"),
        (good.drop(columns="x"), "missing column(s) 'x'"),
    ):
        with pytest.raises(DataError) as err:
            check_table(bad, spec, where="w.csv")
        assert str(err.value) == f"w.csv: {msg}" or str(err.value).startswith(f"w.csv: {msg}"), str(err.value)
    with pytest.raises(ValueError, match="unknown column kind"):
        TableSpec("t.csv", {"a": "date"})


def test_report_states_fixed_parameters_corrected_anova_and_undefined_ratios(vs_run):
    import json

    html = (vs_run / "report.html").read_text(encoding="utf-8")
    feature = json.loads((vs_run / "fit_feature.json").read_text())
    fixed = [k for k in feature["params"] if k not in feature["free"]]
    assert "per_item" in fixed  # (pop-out: cell means cannot identify the per-item time)
    line = next(p for p in html.split("<p>") if "not fitted" in p and "per_item" in p)
    assert all(f"{k} = " in line for k in fixed)
    anova = pd.read_csv(vs_run / "anova.csv")
    row = anova[(anova.task == "conjunction") & (anova.effect == "set_size")].iloc[0]
    assert f"<i>F</i>({3 * row.eps_gg:.2f}, {row.df2 * row.eps_gg:.2f})" in html
    ratios = pd.read_csv(vs_run / "slope_ratios.csv")
    slopes = pd.read_csv(vs_run / "slopes.csv")
    for _i, r in ratios.iterrows():
        s = slopes[(slopes.source == r.source) & (slopes.task == r.task)]
        spans_zero = ((s.ci_low <= 0) & (s.ci_high >= 0)).any()
        assert pd.isna(r.ratio) == spans_zero and (pd.isna(r.note) != spans_zero)
