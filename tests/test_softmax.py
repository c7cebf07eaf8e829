"""Softmax with inverse temperature: properties (hypothesis), exact limits, errors, sampling."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import expit
from scipy.special import logsumexp as sp_logsumexp

from psysim.errors import PsysimError
from psysim.softmax import (
    beta_from_temperature,
    entropy,
    log_softmax,
    logsumexp,
    luce_choice,
    plackett_luce_logprob,
    sample_choice,
    selection_order,
    softmax,
    two_choice,
)

logit_arrays = arrays(
    np.float64,
    st.integers(1, 12),
    elements=st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False),
)
betas = st.one_of(st.floats(1e-6, 1e6), st.sampled_from([0.0, 1e-6, 1.0, 1e6, math.inf]))


# -- properties ----------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(logit_arrays, betas)
def test_probabilities_sum_to_one_and_are_never_nan(x, beta):
    p = softmax(x, beta)
    assert not np.isnan(p).any()
    assert (p >= 0).all() and (p <= 1).all()
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    lp = log_softmax(x, beta)
    assert not np.isnan(lp).any()
    assert np.allclose(np.exp(lp), p, atol=1e-12)
    h = entropy(x, beta)
    assert 0.0 <= h <= math.log(len(x)) + 1e-12


@settings(max_examples=300, deadline=None)
@given(logit_arrays, betas)
def test_order_of_probabilities_matches_order_of_logits(x, beta):
    p = softmax(x, beta)
    i, j = np.meshgrid(np.arange(len(x)), np.arange(len(x)), indexing="ij")
    bigger = x[i] > x[j]
    assert (p[i][bigger] >= p[j][bigger]).all()
    assert (p[i][x[i] == x[j]] == p[j][x[i] == x[j]]).all()
    # the most active item is always (one of) the most probable
    assert p[np.argmax(x)] == p.max()


@settings(max_examples=150, deadline=None)
@given(logit_arrays, st.floats(1e-3, 1e3), st.floats(-1e3, 1e3))
def test_shift_invariance_and_reference_logsumexp(x, beta, c):
    assert np.allclose(softmax(x + c, beta), softmax(x, beta), atol=1e-9)
    assert logsumexp(x, beta) == pytest.approx(sp_logsumexp(beta * x), rel=1e-12, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4), betas)
def test_two_alternative_softmax_is_the_logistic_of_the_difference(a, b, beta):
    p = softmax([a, b], beta)[0]
    assert p == pytest.approx(two_choice(a, b, beta), abs=1e-12)
    if math.isfinite(beta) and beta > 0:
        assert p == pytest.approx(expit(beta * (a - b)), abs=1e-12)


def test_extreme_logits_and_betas_do_not_overflow():
    x = np.array([1e4, -1e4, 0.0, 1e4 - 1e-3])
    for beta in (1e-6, 1.0, 1e6):
        p = softmax(x, beta)
        assert np.isfinite(p).all() and p.sum() == pytest.approx(1.0)
        assert np.isfinite(logsumexp(x, beta))
    # at beta = 1e6 a difference of 1e-3 is exp(-1000): the top item takes everything
    assert softmax(x, 1e6)[0] == pytest.approx(1.0)
    # at beta = 1e-6 differences of 2e4 give factors exp(0.02): nearly uniform
    assert np.allclose(softmax(x, 1e-6), 0.25, atol=0.01)
    assert logsumexp([1e4, 1e4], 1e6) == pytest.approx(1e10 + math.log(2), rel=1e-15)


# -- exact limits --------------------------------------------------------------------------
def test_beta_zero_is_uniform_over_selectable_items():
    x = [3.0, -np.inf, 1.0, 7.0]
    assert np.array_equal(softmax(x, 0.0), [1 / 3, 0, 1 / 3, 1 / 3])
    assert entropy(x, 0.0) == pytest.approx(math.log(3))
    assert logsumexp(x, 0.0) == pytest.approx(math.log(3))
    assert two_choice(5.0, -5.0, 0.0) == 0.5


def test_beta_inf_is_winner_take_all_with_shared_ties():
    x = [3.0, 7.0, 1.0, 7.0]
    assert np.array_equal(softmax(x, np.inf), [0, 0.5, 0, 0.5])
    assert entropy(x, np.inf) == pytest.approx(math.log(2))
    assert entropy([1.0, 2.0], np.inf) == 0.0
    assert np.array_equal(log_softmax([1.0, 2.0], np.inf), [-np.inf, 0.0])
    assert logsumexp([1.0, 2.0], np.inf) == np.inf
    assert logsumexp([-1.0, -2.0], np.inf) == -np.inf
    assert logsumexp([0.0, 0.0, -1.0], np.inf) == pytest.approx(math.log(2))
    assert two_choice(1.0, 0.0, np.inf) == 1.0 and two_choice(0.0, 1.0, np.inf) == 0.0
    # approaching the limit
    assert np.allclose(softmax(x, 1e3), softmax(x, np.inf), atol=1e-12)
    assert np.allclose(softmax(x, 1e-9), softmax(x, 0.0), atol=1e-8)


def test_infinite_logits_win_at_any_beta():
    x = [np.inf, 1.0, np.inf, -np.inf]
    for beta in (0.0, 1.0, np.inf):
        assert np.array_equal(softmax(x, beta), [0.5, 0, 0.5, 0])
    assert logsumexp(x, 1.0) == np.inf
    assert two_choice(np.inf, 3.0, 0.0) == 1.0


def test_array_beta_broadcasts_a_sweep():
    x = np.array([0.0, 1.0, 2.0])
    betas = np.array([0.0, 0.5, 2.0, np.inf])[:, None]
    p = softmax(x, betas)
    assert p.shape == (4, 3)
    for row, b in zip(p, betas[:, 0]):
        assert np.array_equal(row, softmax(x, b))
    with pytest.raises(PsysimError, match="size 1 along the item axis"):
        softmax(x, [1.0, 2.0, 3.0])


def test_luce_choice_is_softmax_of_log_weights():
    w = np.array([1.0, 2.0, 0.0, 5.0])
    assert np.allclose(luce_choice(w), w / w.sum())
    assert np.allclose(luce_choice(w, exponent=2.0), w**2 / (w**2).sum())
    assert np.allclose(luce_choice(w), softmax(np.log(np.where(w > 0, w, 1)) + np.where(w > 0, 0, -np.inf)))
    assert np.array_equal(luce_choice(w, exponent=0.0), [1 / 3, 1 / 3, 0, 1 / 3])
    for bad, msg in (([1.0, -1.0], ">= 0"), ([0.0, 0.0], "every weight is 0"), ([np.nan, 1.0], "NaN")):
        with pytest.raises(PsysimError, match=msg):
            luce_choice(bad)


# -- errors: every bad temperature ---------------------------------------------------------
@pytest.mark.parametrize("beta, msg", [
    (-1.0, "beta=-1 is negative"),
    (-np.inf, "beta=-inf is negative"),
    (-1e-300, "is negative"),
    (np.nan, "beta is NaN"),
    (True, "must be a number"),
    ("hot", "must be a number"),
    (None, "must be a number"),
    ([1.0, -2.0], "beta=-2 is negative"),
])
@pytest.mark.parametrize("fn", [softmax, log_softmax, logsumexp, entropy])
def test_bad_beta_is_a_one_line_error(fn, beta, msg):
    with pytest.raises(PsysimError, match=msg) as info:
        fn(np.zeros((2, 1)) if np.ndim(beta) else [1.0, 2.0], beta, axis=0 if np.ndim(beta) else -1)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("T, msg", [(-2.0, "T=-2 is negative"), (np.nan, "T is NaN"), (False, "must be a number"), ("x", "must be a number")])
def test_bad_temperature_is_a_one_line_error(T, msg):
    with pytest.raises(PsysimError, match=msg):
        beta_from_temperature(T)


def test_temperature_limits():
    assert beta_from_temperature(0.0) == np.inf
    assert beta_from_temperature(np.inf) == 0.0
    assert beta_from_temperature(4.0) == 0.25


@pytest.mark.parametrize("logits, msg", [([1.0, np.nan], "index 1 is NaN"), ([-np.inf, -np.inf], "every logit is -inf"), ([], "no items"), (3.0, "at least one dimension")])
def test_bad_logits(logits, msg):
    with pytest.raises(PsysimError, match=msg):
        softmax(logits, 1.0)


def test_bad_beta_in_sampling_and_two_choice():
    with pytest.raises(PsysimError, match="negative"):
        selection_order([1.0, 2.0], -1.0, rng=0)
    with pytest.raises(PsysimError, match="NaN"):
        two_choice(1.0, 2.0, np.nan)
    with pytest.raises(PsysimError, match="seed or a numpy.random.Generator"):
        sample_choice([1.0, 2.0], 1.0, rng=None)


# -- sampling ------------------------------------------------------------------------------
def test_sample_choice_frequencies_match_softmax(seed):
    x = np.array([0.0, 1.0, 2.0, -np.inf, 0.5])
    n = 200_000
    draws = sample_choice(np.broadcast_to(x, (n, 5)), 1.3, rng=seed)
    freq = np.bincount(draws, minlength=5) / n
    p = softmax(x, 1.3)
    se = np.sqrt(p * (1 - p) / n)
    assert np.all(np.abs(freq - p) <= 5 * se + 1e-12)
    assert freq[3] == 0


def test_gumbel_top_k_orders_follow_plackett_luce(seed):
    x = np.array([0.3, -0.4, 1.2, 0.0])
    n = 120_000
    orders = selection_order(np.broadcast_to(x, (n, 4)), 0.8, rng=seed)
    assert (np.sort(orders, axis=1) == np.arange(4)).all()  # permutations
    codes, counts = np.unique(orders @ (4 ** np.arange(4)), return_counts=True)
    assert len(codes) == 24
    firsts = np.array([[c // 4**k % 4 for k in range(4)] for c in codes])
    p = np.exp(plackett_luce_logprob(firsts, x, 0.8))
    assert p.sum() == pytest.approx(1.0)  # the PL probabilities of all 24 orders
    chi2 = np.sum((counts - n * p) ** 2 / (n * p))
    assert chi2 < 60  # df = 23: chi2 > 60 has p < 1e-4


def test_order_limits(seed):
    rng = np.random.default_rng(seed)
    x = np.array([1.0, 3.0, 3.0, -np.inf, 2.0])
    o = selection_order(np.broadcast_to(x, (500, 5)), np.inf, rng=rng)
    assert set(map(tuple, o[:, :2])) == {(1, 2), (2, 1)}  # ties in random order
    assert (o[:, 2] == 4).all() and (o[:, 3] == 0).all() and (o[:, 4] == 3).all()
    o0 = selection_order(np.broadcast_to(x, (4000, 5)), 0.0, rng=rng)
    assert (o0[:, 4] == 3).all()
    first = np.bincount(o0[:, 0], minlength=5) / 4000
    assert np.allclose(first[[0, 1, 2, 4]], 0.25, atol=0.03)
    assert selection_order(x, 1.0, rng=1).tolist() == selection_order(x, 1.0, rng=1).tolist()
    with pytest.raises(PsysimError, match="k must be"):
        selection_order(x, 1.0, rng=1, k=6)
