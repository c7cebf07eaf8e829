import numpy as np
import pandas as pd
import pytest

from psysim.data import load_wolfe2010_summary, read_trials_csv
from psysim.errors import DataError
from psysim.trials import TRIAL_COLUMNS, make_trials, validate_trials


def _table(n=6):
    tp = np.array([True, False] * (n // 2))
    return make_trials(source="lab", task="feature", set_size=np.full(n, 6), target_present=tp, response=tp, rt=np.linspace(400, 900, n))


def test_validate_round_trip_and_canonical_order():
    df = _table()[list(reversed(TRIAL_COLUMNS))]
    out = validate_trials(df)
    assert list(out.columns[: len(TRIAL_COLUMNS)]) == list(TRIAL_COLUMNS)
    assert out["rt"].dtype == np.float64 and out["set_size"].dtype == np.int64 and out["correct"].all()


@pytest.mark.parametrize(
    "mutate, msg",
    [
        (lambda d: d.drop(columns="rt"), "missing column"),
        (lambda d: d.assign(rt=d.rt / 1000), "seconds"),
        (lambda d: d.assign(rt=[np.nan] + list(d.rt[1:])), "NaN"),
        (lambda d: d.assign(rt=[-5.0] + list(d.rt[1:])), "positive"),
        (lambda d: d.assign(task=["searching"] * len(d)), "unknown task"),
        (lambda d: d.assign(set_size=[0] * len(d)), "below 1"),
        (lambda d: d.assign(correct=~d.correct), "'correct'"),
        (lambda d: d.assign(response=["maybe"] * len(d)), "yes/no"),
        (lambda d: d.iloc[:0], "no rows"),
    ],
)
def test_validator_errors_name_the_problem(mutate, msg):
    with pytest.raises(DataError, match=msg):
        validate_trials(mutate(_table()), where="x.csv")


def test_csv_loader_maps_columns_names_and_seconds(tmp_path):
    p = tmp_path / "lab.csv"
    p.write_text("subj,cond,n,tp,acc,RT_s\n1,pop,4,1,1,0.512\n1,pop,4,0,1,0.603\n2,pop,8,1,0,0.9\n")
    df = read_trials_csv(
        p,
        source="lab",
        columns={"subject": "subj", "task": "cond", "set_size": "n", "target_present": "tp", "correct": "acc", "rt": "RT_s"},
        tasks={"pop": "feature"},
        rt_unit="s",
    )
    assert df["rt"].tolist() == pytest.approx([512.0, 603.0, 900.0])
    assert df["response"].tolist() == [True, False, False]  # a miss on the third row
    assert set(df["task"]) == {"feature"}


def test_csv_loader_present_only_data_with_defaults(tmp_path):
    p = tmp_path / "present.csv"
    p.write_text("subject,task,set_size,correct,rt\n1,conjunction,6,1,700\n1,conjunction,12,1,800\n")
    df = read_trials_csv(p, defaults={"target_present": True})
    assert df["target_present"].all() and df["response"].all()


@pytest.mark.parametrize(
    "text, kwargs, msg",
    [
        ("", {}, "empty"),
        ("subject;task;set_size\n1;feature;3\n", {}, "delimiter"),
        ("subject,task,set_size,target_present,response,correct,rtt\n1,feature,3,1,1,1,500\n", {}, "did you mean 'rtt'"),
        ("subject,task,set_size,target_present,response,correct,rt\n1,feature,3,1,1,1,fast\n", {}, "line 2"),
        ("subject,task,set_size,target_present,response,correct,rt\n1,feature,3,1,1,1,500\n1,feature,3,1,1,1,\n", {}, "line 3"),
        ("subject,task,set_size,target_present,response,correct,rt\n1,feature,3,1,1,1,0.5\n", {}, "seconds"),
        ("subject,task,set_size,target_present,response,correct,rt\n1,feature,3,1,1,1,500\n", {"rt_unit": "minutes"}, "rt_unit"),
    ],
)
def test_csv_loader_errors(tmp_path, text, kwargs, msg):
    p = tmp_path / "bad.csv"
    p.write_text(text)
    with pytest.raises(DataError, match=msg) as exc:
        read_trials_csv(p, **kwargs)
    assert "bad.csv" in str(exc.value) and "\n" not in str(exc.value)


def test_wolfe2010_loader(wolfe_trials):
    t = wolfe_trials
    assert len(t) == 111_777 - t.attrs["dropped_zero_rt"]
    assert t.attrs["dropped_zero_rt"] == 11
    assert t.groupby("task")["subject"].nunique().to_dict() == {"conjunction": 10, "feature": 9, "spatial": 9}
    # overall miss and false-alarm rates stated in SOURCE.md (2.45 / 1.39 % for feature search)
    f = t[t.task == "feature"]
    assert 100 * (1 - f[f.target_present].correct.mean()) == pytest.approx(2.45, abs=0.01)
    assert 100 * (1 - f[~f.target_present].correct.mean()) == pytest.approx(1.39, abs=0.01)


def test_shipped_summary_equals_a_fresh_derivation(wolfe_trials):
    from psysim.stats import WOLFE2010_TRIM, cell_summary

    fresh = cell_summary(wolfe_trials, WOLFE2010_TRIM)
    shipped = load_wolfe2010_summary()
    key = ["subject", "task", "set_size", "target_present"]
    m = fresh.merge(shipped, on=key, suffixes=("", "_s"))
    assert len(m) == len(shipped) == len(fresh) == 224
    for col in ("n_trials", "n_rt", "error_rate", "mean_rt", "q10", "q50", "q90"):
        assert np.allclose(m[col], m[col + "_s"], rtol=1e-5), col


def test_summary_trimming_rule(wolfe_trials):
    s = load_wolfe2010_summary()
    t = wolfe_trials
    sub = t[(t.task == "spatial") & (t.subject == "1") & (t.set_size == 18) & (~t.target_present)]
    keep = sub[sub.correct & (sub.rt >= 200) & (sub.rt <= 8000)]
    row = s[(s.task == "spatial") & (s.subject == "1") & (s.set_size == 18) & (~s.target_present)].iloc[0]
    assert row.n_rt == len(keep)
    assert row.mean_rt == pytest.approx(keep.rt.mean(), rel=1e-5)
    assert row.q50 == pytest.approx(keep.rt.median(), rel=1e-5)
    assert isinstance(s, pd.DataFrame)
