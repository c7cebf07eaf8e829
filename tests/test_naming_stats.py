"""Temperature, entropy, per-item scores and the human-comparison statistics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from psysim.naming import (
    colour_test,
    entropy_bits,
    entropy_by_picture,
    fit_temperature,
    item_scores,
    latency_regressions,
    log_probs,
    standardized_ols,
    temperature_split_test,
)


@pytest.mark.parametrize("T_true", [0.3, 1.0, 2.5, 8.0])
def test_fit_temperature_recovers_known_T(T_true):
    rng = np.random.default_rng(int(T_true * 10))
    z = rng.normal(0, 4, (6000, 12))
    p = np.exp(log_probs(z, T_true))
    labels = (p.cumsum(1) > rng.random((len(z), 1))).argmax(1)  # sampled from softmax(z / T_true)
    T_hat = fit_temperature(z, labels)
    assert abs(np.log(T_hat / T_true)) < 0.06


def test_entropy_limits():
    K = 16
    assert entropy_bits(np.zeros((1, K)))[0] == pytest.approx(np.log2(K))
    z = np.array([[50.0] + [0.0] * (K - 1)])
    assert entropy_bits(z, 1.0)[0] < 1e-15 * 1e6
    assert entropy_bits(z, 1e4)[0] == pytest.approx(np.log2(K), abs=1e-3)
    assert entropy_bits([[np.log(3), 0.0]])[0] == pytest.approx(-(0.75 * np.log2(0.75) + 0.25 * np.log2(0.25)))
    with pytest.raises(ValueError):
        entropy_bits(z, 0.0)


def test_item_scores_by_hand():
    # picture 0: right name (0) is top in view 1, third in view 2; picture 1: right name (1) always top
    z = np.array([[3.0, 1.0, 0.0], [0.0, 2.0, 1.0], [0.0, 5.0, 0.0], [1.0, 2.0, 0.0]])
    views = pd.DataFrame({"picture": [0, 0, 1, 1], "label": [0, 0, 1, 1], "item": ["a", "a", "b", "b"]})
    s = item_scores(z, views, T=1.0)
    assert s["accuracy"].tolist() == [0.5, 1.0]
    assert s["top5"].tolist() == [1.0, 1.0]
    p = np.exp(log_probs(z))
    assert s["p_correct"].iloc[0] == pytest.approx((p[0, 0] + p[1, 0]) / 2)
    assert s["entropy"].iloc[1] == pytest.approx(entropy_bits(z[2:]).mean())
    assert s["confused_index"].iloc[0] == 1  # mean probability of name 1 is highest among wrong names


def test_standardized_ols_recovers_betas_and_r():
    rng = np.random.default_rng(0)
    n = 4000
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    y = 0.5 * x1 - 0.3 * x2 + rng.normal(scale=np.sqrt(1 - 0.34), size=n)
    t = standardized_ols(pd.DataFrame({"y": y * 100 + 900, "a": x1 * 3, "b": x2 + 7}), "y", ["a", "b"]).set_index("predictor")
    assert t.loc["a", "coefficient"] == pytest.approx(0.5, abs=0.03)
    assert t.loc["b", "coefficient"] == pytest.approx(-0.3, abs=0.03)
    assert (t["ci_low"] < t["coefficient"]).all() and (t["coefficient"] < t["ci_high"]).all()
    one = standardized_ols(pd.DataFrame({"y": y, "a": x1}), "y", ["a"]).iloc[0]
    assert one["coefficient"] == pytest.approx(np.corrcoef(x1, y)[0, 1])  # one z-scored predictor: beta = r


def test_latency_regressions_r2_change():
    rng = np.random.default_rng(1)
    n = 300
    d = pd.DataFrame({"familiarity": rng.normal(size=n), "complexity": rng.normal(size=n), "entropy": rng.normal(size=n)})
    d["human_rt"] = 900 - 60 * d["familiarity"] + 40 * d["entropy"] + rng.normal(0, 80, n)
    t, ch = latency_regressions(d)
    full = t[t["model"].str.startswith("human_rt ~ entropy +")]
    base = t[t["model"] == "human_rt ~ familiarity + complexity"]
    assert ch["delta_r2"] == pytest.approx(full["r2"].iloc[0] - base["r2"].iloc[0])
    assert ch["p"] < 1e-6 and ch["df_num"] == 1 and ch["n"] == n


def test_temperature_split_recovers_generating_temperature():
    rng = np.random.default_rng(2)
    n_items, n_views, K = 200, 4, 30
    z = rng.normal(0, 1, (n_items * n_views, K)) * rng.uniform(0.5, 6, (n_items * n_views, 1))
    pic = np.repeat(np.arange(n_items), n_views)
    grid = np.exp(np.linspace(np.log(0.1), np.log(10), 41))
    E = entropy_by_picture(z, pic, grid)
    T0 = 2.0
    e0 = entropy_by_picture(z, pic, [T0])[0]
    y = 700 + 120 * e0 + rng.normal(0, 5, n_items)
    sp = temperature_split_test(E, grid, y, n_splits=20, seed=0)
    assert abs(np.log(sp["T"].median() / T0)) < 0.25
    assert (sp["delta_r2_test"] > 0.5).all()
    # no relation: entropy does not help out of sample on average
    sp0 = temperature_split_test(E, grid, rng.normal(900, 100, n_items), n_splits=20, seed=0)
    assert sp0["delta_r2_test"].mean() < 0.02


def test_colour_test_paired():
    rng = np.random.default_rng(3)
    n = 42
    line = rng.uniform(1, 3, n)
    colour = line - 0.2 + rng.normal(0, 0.1, n)
    rt_line = rng.normal(1000, 100, n)
    items = pd.concat([
        pd.DataFrame({"item": range(n), "version": "line", "entropy": line, "human_rt": rt_line}),
        pd.DataFrame({"item": range(n), "version": "colour", "entropy": colour, "human_rt": rt_line - 100}),
    ])
    t = colour_test(items, measures=("entropy",)).set_index("measure")
    assert t.loc["entropy", "mean_diff"] == pytest.approx((colour - line).mean())
    assert t.loc["entropy", "t"] == pytest.approx(stats.ttest_rel(colour, line).statistic)
    assert t.loc["entropy", "ci_high"] < 0 and t.loc["human_rt", "mean_diff"] == pytest.approx(-100)
