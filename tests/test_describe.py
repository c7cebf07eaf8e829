"""Data-set descriptions (psysim.data.describe, psysim.data.own_data): the built-in Wolfe 2010
description, a foreign re-expression of it, exclusions, and every bad description."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _own_data import FOREIGN_TASKS, write_foreign

from psysim.data.describe import builtin_description, read_description, resolve_description
from psysim.data.own_data import load_described
from psysim.errors import DataError
from psysim.stats import WOLFE2010_TRIM, cell_summary, search_slopes


def _native_wolfe2010(root, tasks=None):
    """The hand-written Wolfe 2010 reader that load_wolfe2010 was before it read the built-in
    description (kept here, verbatim in what it computes, as the reference)."""
    from psysim.data.loaders import WOLFE2010_TASKS, _read_csv
    from psysim.trials import validate_trials

    raw = _read_csv(root / "search" / "wolfe2010" / "wolfe2010RawDataAllTasks.csv")
    zero = raw["rt"] <= 0
    raw = raw[~zero]
    present = raw["target"].to_numpy() == 1
    error = raw["error"].to_numpy() == 1
    df = pd.DataFrame({
        "source": "wolfe2010", "subject": raw["subj"].astype(str).to_numpy(),
        "task": raw["task"].map(WOLFE2010_TASKS).to_numpy(), "set_size": raw["size"].to_numpy(),
        "target_present": present, "response": present ^ error, "correct": ~error,
        "rt": raw["rt"].to_numpy(dtype=float), "trial": raw["trial"].to_numpy(),
    })
    if tasks is not None:
        df = df[df["task"].isin(list(tasks))]
    out = validate_trials(df, where="wolfe2010")
    out.attrs["dropped_zero_rt"] = int(zero.sum())
    return out


def test_builtin_wolfe2010_is_byte_identical_to_the_native_loader(data_dir, wolfe_trials):
    from psysim.data import load_wolfe2010

    native = _native_wolfe2010(data_dir)
    got = load_described(builtin_description("wolfe2010"))
    for table in (got.trials, wolfe_trials):  # wolfe_trials: load_wolfe2010, which reads the description
        assert table.to_csv(index=False) == native.to_csv(index=False)
        assert table.dtypes.to_dict() == native.dtypes.to_dict()
        assert table.attrs["dropped_zero_rt"] == native.attrs["dropped_zero_rt"] == 11
    one = load_wolfe2010(data_dir, tasks=["spatial"])
    assert one.to_csv(index=False) == _native_wolfe2010(data_dir, ["spatial"]).to_csv(index=False)
    assert one.attrs["dropped_zero_rt"] == 11
    assert got.description.trim_rule() == WOLFE2010_TRIM
    ex = got.exclusions.set_index("rule")
    assert ex.loc["RT <= 0 (dropped)", "trials"] == 11
    # 28 observers: Wolfe's subject numbers are per task
    assert len(got.observers) == 28 and got.observers["kept"].all()
    assert resolve_description("wolfe2010") == builtin_description("wolfe2010")


def _sorted(t):
    return t.sort_values(["task", "subject", "set_size", "trial"], kind="stable").reset_index(drop=True)


def test_foreign_file_gives_the_native_trials_and_byte_identical_slopes(tmp_path, wolfe_trials):
    toml, native = write_foreign(tmp_path, wolfe_trials)
    got = load_described(toml)
    t = got.trials.rename(columns={"trialnum": "trial"})
    back = {v: k for k, v in FOREIGN_TASKS.items()}
    t["task"] = t["task"].map(back)
    t["source"] = "wolfe2010"
    pd.testing.assert_frame_equal(_sorted(t), _sorted(native), check_exact=True)
    s_native = search_slopes(cell_summary(native, WOLFE2010_TRIM))
    s_foreign = search_slopes(cell_summary(got.trials, got.trim))
    s_foreign["task"] = s_foreign["task"].map(back)
    s_foreign["source"] = "wolfe2010"
    cols = ["task", "target_present", "slope", "ci_low", "ci_high", "intercept", "n_subjects"]
    a = s_native.sort_values("task")[cols].reset_index(drop=True)
    b = s_foreign.sort_values("task")[cols].reset_index(drop=True)
    assert a.to_csv(index=False, float_format="%.17g") == b.to_csv(index=False, float_format="%.17g")
    # one empty and one zero RT row per observer, counted as excluded trials of that observer
    ex = got.exclusions.set_index("rule")
    assert ex.loc["empty RT (excluded)", "trials"] == 28 and ex.loc["empty RT (excluded)", "observers"] == 28
    assert ex.loc["RT <= 0 (excluded)", "trials"] == 28
    n_cells = native.groupby(["task", "subject"]).size()
    obs = got.observers.set_index("observer")
    assert obs.loc["color/1", "n_trials"] == n_cells[("feature", "1")] + 2
    assert (obs["n_excluded"] >= 2).all()


def test_exclusion_rule_counts_excluded_rows_and_drops_observers(tmp_path):
    rows = []
    for subj, n_bad in (("a", 1), ("b", 4)):
        for i in range(10):
            rt = "" if i < n_bad else str(0.5 + 0.01 * i)
            rows.append(f"{subj},x,{4 + 4 * (i % 2)},1,{rt}")
    (tmp_path / "d.csv").write_text("s,t,n,ok,rt\n" + "\n".join(rows) + "\n")
    body = """
[dataset]
name = "toy"
[files]
paths = ["d.csv"]
[columns]
subject = "s"
task = "t"
set_size = "n"
correct = "ok"
rt = "rt"
[constants]
target_present = true
[rt]
unit = "s"
missing = "{missing}"
[exclusion]
max_excluded_percent = 30
[tasks.x]
kind = "unknown"
"""
    (tmp_path / "d.toml").write_text(body.format(missing="exclude"))
    got = load_described(tmp_path / "d.toml")
    assert sorted(got.trials["subject"].unique()) == ["a"]
    ex = got.exclusions.set_index("rule")
    assert ex.loc["empty RT (excluded)", "trials"] == 5
    assert ex.loc["observer with more than 30 % of trials excluded", "observers"] == 1
    assert ex.loc["observer with more than 30 % of trials excluded", "trials"] == 10
    assert got.observers.set_index("observer")["excluded_percent"].to_dict() == {"a": 10.0, "b": 40.0}
    # dropping the rows instead hides them from the rule: b passes
    (tmp_path / "d.toml").write_text(body.format(missing="drop"))
    got = load_described(tmp_path / "d.toml")
    assert sorted(got.trials["subject"].unique()) == ["a", "b"]
    assert got.exclusions.set_index("rule").loc["empty RT (dropped)", "trials"] == 5


GOOD = """
[dataset]
name = "toy"
[files]
paths = ["d.csv"]
[columns]
subject = "s"
task = "t"
set_size = "n"
correct = "ok"
rt = "rt"
[constants]
target_present = true
[rt]
unit = "ms"
[tasks.x]
kind = "feature-colour"
"""

BAD = [
    ("unknown column", ('rt = "rt"', 'rt = "RT"'), "[columns] rt", "'RT' is not in"),
    ("unknown task kind", ('kind = "feature-colour"', 'kind = "colour-pop"'), "[tasks.x] kind", "unknown task kind"),
    ("unit mismatch", ('unit = "ms"', 'unit = "s"'), "[rt] unit", "look like ms"),
    ("unknown key", ("[rt]\n", "[rt]\ntrimm = [1, 2]\n"), "[rt] trimm", "unknown key"),
    ("unknown section", ("[tasks.x]", "[exclude]\nx = 1\n[tasks.x]"), "[exclude]", "unknown section"),
    ("exclusion removes everyone", ("[tasks.x]", "[exclusion]\nmax_excluded_percent = 0\n[tasks.x]"),
     "[exclusion] max_excluded_percent", "removes every observer"),
    ("task without definition", ("[tasks.x]", "[tasks.y]"), "[tasks]", "task 'x'"),
    ("missing data file", ('paths = ["d.csv"]', 'paths = ["e.csv"]'), "[files] paths", "e.csv not found"),
    ("bad policy", ('unit = "ms"', 'unit = "ms"\nzero = "ignore"'), "[rt] zero", "expected one of"),
]


@pytest.mark.parametrize("what, change, key, text", BAD, ids=[b[0] for b in BAD])
def test_bad_description_names_file_and_key(tmp_path, what, change, key, text):
    # one row outside the trimming window, so that max_excluded_percent = 0 removes everyone
    (tmp_path / "d.csv").write_text("s,t,n,ok,rt\n1,x,4,1,512\n1,x,8,1,150\n2,x,4,0,70000\n2,x,8,1,580\n")
    trim = "trim = [200, 4000]\n" if what == "exclusion removes everyone" else ""
    body = GOOD.replace("[rt]\n", "[rt]\n" + trim).replace(*change)
    (tmp_path / "d.toml").write_text(body)
    (tmp_path / "ok.toml").write_text(GOOD)
    assert len(load_described(tmp_path / "ok.toml").trials) == 4
    with pytest.raises(DataError) as e:
        load_described(tmp_path / "d.toml")
    msg = str(e.value)
    assert "\n" not in msg and str(tmp_path / "d.toml") in msg
    assert key in msg and text in msg


def test_values_mapping_and_missing_entries(tmp_path):
    (tmp_path / "d.csv").write_text("s,t,n,tp,ok,rt\n1,A,4,yes,1,500\n1,A,8,no,1,600\n1,A,8,maybe,1,600\n")
    body = GOOD.replace("[constants]\ntarget_present = true\n", "[values.target_present]\nyes = true\nno = false\n")
    body = body.replace('rt = "rt"', 'rt = "rt"\ntarget_present = "tp"') + '[values.task]\nA = "x"\n'
    (tmp_path / "d.toml").write_text(body)
    with pytest.raises(DataError, match=r"\[values.target_present\]: no entry for 'maybe' \(.*d.csv line 4"):
        load_described(tmp_path / "d.toml")
    (tmp_path / "d.csv").write_text("s,t,n,tp,ok,rt\n1,A,4,yes,1,500\n1,A,8,no,0,600\n")
    t = load_described(tmp_path / "d.toml").trials
    assert t["task"].tolist() == ["x", "x"]
    assert t["target_present"].tolist() == [True, False]
    assert t["response"].tolist() == [True, True]  # an error on an absent trial is a false alarm


def test_description_reads_task_kinds(tmp_path):
    (tmp_path / "d.toml").write_text(GOOD + '[tasks.y]\nkind = "serial"\n[tasks.z]\nkind = "unknown"\n')
    d = read_description(tmp_path / "d.toml")
    assert d.tasks["x"].pops_out is True and d.tasks["x"].display_task == "feature"
    assert d.tasks["y"].pops_out is False and d.tasks["y"].display_task is None
    assert d.tasks["z"].pops_out is None
    assert np.isinf(d.trim[1]) or d.trim[1] >= 1e12


def test_bad_rows_name_the_data_file_line(tmp_path):
    (tmp_path / "ok.toml").write_text(GOOD)
    for body, text in (("1,x,4,1,512\n1,x,four,1,600\n", "d.csv: column 'n' line 3: 'four' is not a whole number"),
                       ("1,x,4,1,512\n1,x,0,1,600\n", "d.csv: column 'n' line 3: set size 0 is below 1"),
                       ("1,x,4,1,512\n1,x,8,1,abc\n", "d.csv: column 'rt' line 3: 'abc' is not a number"),
                       ("1,x,4,1,512\n1,,8,1,600\n", "d.csv: column 't' line 3: an empty value")):
        (tmp_path / "d.csv").write_text("s,t,n,ok,rt\n" + body)
        with pytest.raises(DataError) as e:
            load_described(tmp_path / "ok.toml")
        assert text in str(e.value)

