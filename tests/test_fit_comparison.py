"""Wins only beyond noise (psysim.fitting.comparison) and held-out scores against a split-half
noise ceiling and a group baseline (psysim.fitting.heldout)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from psysim.fitting.comparison import pairwise_bic, pairwise_summary, win_counts, winners
from psysim.fitting.heldout import counts_at, heldout_scores, log_score, split_halves
from psysim.fitting.quantile_fit import _counts, quantile_cells
from psysim.models import make_design
from psysim.models.cgs import CompetitiveGuidedSearch


def _fits(rows):
    return pd.DataFrame(rows, columns=["task", "subject", "model", "bic", "loglik_mc_se"])


def test_win_needs_a_difference_beyond_two_noise_sds():
    fits = _fits([
        # observer 1: a beats b by 30 with noise SD 2 sqrt(0^2 + 50) = 14.1 -> 2.1 SDs: a wins
        ("t", "1", "a", 1000.0, 0.0), ("t", "1", "b", 1030.0, 5.0 * math.sqrt(2)), ("t", "1", "c", 1100.0, 0.0),
        # observer 2: a beats b by 20 with the same noise -> 1.4 SDs: undecided
        ("t", "2", "a", 1000.0, 0.0), ("t", "2", "b", 1020.0, 5.0 * math.sqrt(2)), ("t", "2", "c", 1100.0, 0.0),
        # observer 3: exact likelihoods (SE 0): any difference decides
        ("t", "3", "a", 1000.5, 0.0), ("t", "3", "b", 2000.0, 0.0), ("t", "3", "c", 1000.0, 0.0),
    ])
    pairs = pairwise_bic(fits, ["a", "b", "c"])
    ab = pairs[(pairs["model_a"] == "a") & (pairs["model_b"] == "b")].set_index("subject")
    assert ab.loc["1", "noise_sd"] == pytest.approx(2 * 5.0 * math.sqrt(2))
    assert ab.loc["1", "delta_bic"] == -30.0 and ab.loc["1", "verdict"] == "a"
    assert ab.loc["2", "verdict"] == "undecided"
    by = winners(fits, ["a", "b", "c"]).set_index("subject")
    assert list(by["best"]) == ["a", "a", "c"] and list(by["winner"]) == ["a", "undecided", "c"]
    assert by.loc["1", "margin_sd"] == pytest.approx(30 / (10 * math.sqrt(2)))  # (vs c: exact, inf)
    wins = win_counts(by.reset_index(), ["a", "b", "c"]).set_index("model")
    assert wins["wins"].to_dict() == {"a": 1, "b": 0, "c": 1, "undecided": 1}
    assert wins.loc["a", "lowest_bic"] == 2
    summ = pairwise_summary(pairs).set_index(["model_a", "model_b"])
    assert summ.loc[("a", "b"), ["a_better", "b_better", "undecided"]].tolist() == [2, 0, 1]
    assert summ.loc[("a", "b"), "recovery_support"] == ""  # the hook for the recovery study


def test_counts_at_round_trip_and_split_halves():
    m = CompetitiveGuidedSearch()
    trials = m.simulate(make_design("conjunction", (6, 18), 300), seed=5)
    trials["trial"] = np.arange(1, len(trials) + 1)
    cells = quantile_cells(trials)
    assert np.array_equal(counts_at(trials, cells), _counts(cells))
    odd, even = split_halves(trials)
    assert len(odd) + len(even) == len(trials) and set(odd["trial"] % 2) == {1} and set(even["trial"] % 2) == {0}
    assert log_score([[1.0, 3.0]], np.log([[0.5, 0.5]])) == pytest.approx(math.log(0.5))


def test_true_model_scores_above_split_half_ceiling_and_near_a_large_group():
    """Data from one CGS: the true model is the best predictor, so it beats the observer's own
    noisy half; a large group from the same generator predicts about as well as the model."""
    m = CompetitiveGuidedSearch(w_target=3.0, dw_quit=0.05, m=0.02)
    design = make_design("conjunction", (3, 6, 12, 18), 500)
    obs = m.simulate(design, seed=11).assign(trial=lambda d: np.arange(1, len(d) + 1))
    others = m.simulate(make_design("conjunction", (3, 6, 12, 18), 4000), seed=12)
    s = heldout_scores(m, obs, others)
    assert 0.99 * len(obs) <= s["n_trials"] <= len(obs)  # every trial scored once, a few trimmed
    assert s["model_ll_per_trial"] > s["split_half_ceiling_ll_per_trial"]
    assert abs(s["group_baseline_ll_per_trial"] - s["model_ll_per_trial"]) < 0.02
    # a wrong model scores below the true one
    wrong = heldout_scores(m.with_params(t_yes=600.0), obs, others)
    assert wrong["model_ll_per_trial"] < s["model_ll_per_trial"] - 0.05
