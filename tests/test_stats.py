import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from psysim.stats import (
    anova_text,
    cell_summary,
    fit_statistics,
    fit_text,
    fmt_p,
    rm_anova,
    search_slopes,
    slope_ratio,
    slope_text,
    subject_slopes,
)
from psysim.trials import make_trials


def _summary(slopes, noise=0.0, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for s, b in enumerate(slopes):
        for n in (3, 6, 12, 18):
            for tp in (True, False):
                rows.append(("lab", str(s), "conjunction", n, tp, 500 + b * n * (1 if tp else 2) + noise * rng.normal(), 0.02))
    return pd.DataFrame(rows, columns=["source", "subject", "task", "set_size", "target_present", "mean_rt", "error_rate"])


def test_subject_slope_equals_numpy_polyfit():
    s = _summary([10, 20, 30], noise=15, seed=1)
    sub = subject_slopes(s)
    for _, r in sub.iterrows():
        g = s[(s.subject == r.subject) & (s.target_present == r.target_present)]
        b = np.polyfit(g.set_size, g.mean_rt, 1)[0]
        assert r.slope == pytest.approx(b)
        assert r.ci_low < b < r.ci_high


def test_group_slope_is_mean_with_t_interval():
    s = _summary([10, 20, 30, 40])
    g = search_slopes(s).set_index("target_present")
    assert g.loc[True, "slope"] == pytest.approx(25)
    sd = np.std([10, 20, 30, 40], ddof=1)
    half = sps.t.ppf(0.975, 3) * sd / 2
    assert g.loc[True, "ci_high"] - 25 == pytest.approx(half)
    r = slope_ratio(search_slopes(s)).iloc[0]
    assert r.ratio == pytest.approx(2.0)


def test_single_source_slope_ci_from_trials(seed):
    rng = np.random.default_rng(seed)
    n = rng.choice([3, 6, 12, 18], 4000)
    rt = 400 + 25 * n + rng.normal(0, 50, 4000)
    t = make_trials(source="m", task="conjunction", set_size=n, target_present=np.ones(4000, bool), response=np.ones(4000, bool), rt=rt)
    s = cell_summary(t)
    g = search_slopes(s, trials=t).iloc[0]
    assert g.method == "OLS over trials"
    assert g.ci_low < 25 < g.ci_high and g.ci_high - g.ci_low < 2


def test_cell_summary_quantiles_and_errors():
    rt = np.arange(100, 1100, 10.0)  # 100 RTs; trimming removes the 10 below 200
    tp = np.ones(100, bool)
    resp = tp.copy()
    resp[:5] = False  # five misses
    t = make_trials(source="x", task="feature", set_size=np.full(100, 3), target_present=tp, response=resp, rt=rt)
    s = cell_summary(t).iloc[0]
    assert s.n_trials == 100 and s.error_rate == pytest.approx(0.05)
    kept = rt[(rt >= 200)]
    assert s.n_rt == len(kept)
    assert s.q50 == pytest.approx(np.quantile(kept, 0.5)) and s.q90 == pytest.approx(np.quantile(kept, 0.9))


def test_rm_anova_matches_hand_computation():
    # one within factor with two levels: F equals the squared paired t statistic
    rng = np.random.default_rng(2)
    rows = []
    for s in range(8):
        base = rng.normal(600, 50)
        for tp in (True, False):
            rows.append(("lab", str(s), "feature", 6, tp, base + (40 if not tp else 0) + rng.normal(0, 20)))
    d = pd.DataFrame(rows, columns=["source", "subject", "task", "set_size", "target_present", "mean_rt"])
    a = rm_anova(d, within=("target_present",)).iloc[0]
    x = d[d.target_present].mean_rt.to_numpy()
    y = d[~d.target_present].mean_rt.to_numpy()
    t, p = sps.ttest_rel(y, x)
    assert a.F == pytest.approx(t**2) and a.p == pytest.approx(p)
    assert (a.df1, a.df2) == (1, 7)


def test_fit_statistics_hand_values():
    f = fit_statistics([1, 2, 3, 4], [1, 2, 3, 5])
    assert f["rmse"] == pytest.approx(0.5)
    assert f["r2"] == pytest.approx(1 - 1 / 5)
    assert fit_statistics([1, 2, 3], [3, 2, 1])["r2"] < 0


def test_apa_text():
    assert slope_text(26.14, 20.33, 31.91) == "b = 26.1 ms/item, 95% CI [20.3, 31.9]"
    assert fmt_p(0.0004) == "p < .001" and fmt_p(0.0341) == "p = .034"
    assert anova_text(41.2, 3, 24, 0.0001, 0.84) == "F(3, 24) = 41.20, p < .001, ηp² = .84"
    assert fit_text(35.24, 0.912, 24) == "RMSE = 35.2 ms, R² = .91 (n = 24 cells)"


def test_slope_ratio_is_undefined_when_a_slope_ci_includes_zero():
    sl = pd.DataFrame([
        # feature-like: both slopes near 0
        ("lab", "feature", False, -0.7, -1.1, -0.4), ("lab", "feature", True, 0.3, -0.4, 1.0),
        # serial: both slopes clearly positive
        ("lab", "conj", False, 26.0, 12.0, 40.0), ("lab", "conj", True, 9.0, 6.4, 11.9),
    ], columns=["source", "task", "target_present", "slope", "ci_low", "ci_high"])
    r = slope_ratio(sl).set_index("task")
    assert np.isnan(r.loc["feature", "ratio"])
    assert r.loc["feature", "note"] == "undefined: the present slope's 95% CI includes 0"
    assert r.loc["conj", "ratio"] == pytest.approx(26.0 / 9.0) and pd.isna(r.loc["conj", "note"])
    both = sl.assign(ci_low=-1.0, ci_high=1.0)
    assert "absent and the present" in slope_ratio(both).iloc[0]["note"]
