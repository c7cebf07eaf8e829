"""The benchmark protocol of saliency-fixations: fit recovers planted parameters, the paired test
with Holm responds to a planted difference, and the log-likelihood has its analytic values."""

import numpy as np
import pandas as pd
import pytest

from psysim.errors import PsysimError
from psysim.saliency import metrics as M
from psysim.saliency import protocol as P

SHAPE = (48, 64)
BLUR = (0.0, 0.03, 0.06, 0.09)
SIGMA = (0.15, 0.25, 0.35)
WEIGHT = tuple(np.linspace(0, 1, 11))


def _spikes(rng, n=4):
    m = np.zeros(SHAPE)
    m[rng.integers(4, SHAPE[0] - 4, n), rng.integers(4, SHAPE[1] - 4, n)] = 1.0
    return m


def _truth(raw, blur, sigma, weight):
    return P.mixture(P.density(P.blur_map(raw, blur)), P.density(M.centre_bias(SHAPE, sigma)), weight)


def test_log_likelihood_analytic_values():
    fix = np.zeros(SHAPE, dtype=bool)
    fix[3, 5] = True
    w = P.fixation_weights(fix)
    assert P.log_likelihood(P.density(np.ones(SHAPE)), w) == pytest.approx(0.0, abs=1e-12)
    spike = np.zeros(SHAPE)
    spike[3, 5] = 1
    n = SHAPE[0] * SHAPE[1]  # all the mass on the fixated pixel: log2 N bits (less the floor)
    assert P.log_likelihood(P.density(spike), w) == pytest.approx(np.log2(n), abs=1e-4)
    assert P.log_likelihood(P.density(1 - spike), w) < -10  # no mass there: heavily penalised, finite
    with pytest.raises(PsysimError, match="log_likelihood: density"):
        P.log_likelihood(P.density(np.ones((4, 4))), w)


def test_fit_recovers_planted_blur_weight_and_centre_from_exact_densities():
    rng = np.random.default_rng(3)
    raws = [_spikes(rng) for _ in range(6)]
    items = [(r, P.fixation_weights(dens=_truth(r, 0.06, 0.25, 0.6))) for r in raws]
    fit = P.fit_protocol(items, BLUR, SIGMA, WEIGHT, M.centre_bias)
    assert fit["blur_mixture"] == 0.06 and fit["centre_sigma_mixture"] == 0.25
    assert fit["weight"] == pytest.approx(0.6)
    assert fit["ll_mixture"] >= max(fit["ll_centre"], fit["ll_alone"])


def test_fit_recovers_planted_values_from_sampled_fixations():
    rng = np.random.default_rng(5)
    items = []
    for _ in range(8):
        r = _spikes(rng)
        p = _truth(r, 0.03, 0.15, 0.3).ravel()
        counts = np.bincount(rng.choice(p.size, size=1500, p=p / p.sum()), minlength=p.size).reshape(SHAPE)
        items.append((r, counts / counts.sum()))
    fit = P.fit_protocol(items, BLUR, SIGMA, WEIGHT, M.centre_bias)
    assert fit["blur_mixture"] == 0.03 and fit["centre_sigma_mixture"] == 0.15
    assert abs(fit["weight"] - 0.3) <= 0.1 + 1e-9
    # with no saliency signal in the fixations the fitted weight goes to 0
    items0 = [(r, P.fixation_weights(dens=P.density(M.centre_bias(SHAPE, 0.25)))) for r, _ in items]
    assert P.fit_protocol(items0, BLUR, SIGMA, WEIGHT, M.centre_bias)["weight"] == 0.0


def test_holm_analytic_case_and_nan():
    np.testing.assert_allclose(P.holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])
    out = P.holm([0.2, np.nan, 0.6])
    assert np.isnan(out[1]) and out[0] == pytest.approx(0.4) and out[2] == pytest.approx(0.6)
    with pytest.raises(PsysimError, match="holm"):
        P.holm([1.5])


def _per_image(shift, n=20, seed=0):
    rng = np.random.default_rng(seed)
    base = rng.normal(0.3, 0.2, n)
    noise = rng.normal(0, 0.05, n)
    rows = []
    for i in range(n):
        for model, v in (("centre-bias", base[i]), ("mixture", base[i] + shift + noise[i]),
                         ("itti-koch", base[i] + (noise[i] if i % 2 else -noise[i]))):
            rows.append((f"im{i}", model, "ll_bits", v))
    return pd.DataFrame(rows, columns=["image", "model", "metric", "value"])


def test_primary_corrected_p_responds_to_a_planted_difference():
    from experiments.saliency_fixations import compare

    planted = compare(_per_image(0.2), ("ll_bits",), np.random.default_rng(1), n_boot=200).set_index("comparison")
    none = compare(_per_image(0.0), ("ll_bits",), np.random.default_rng(1), n_boot=200).set_index("comparison")
    assert planted.loc["mixture - centre-bias", "p_holm"] < 0.001
    assert planted.loc["mixture - centre-bias", "ci_low"] > 0.15
    assert none.loc["mixture - centre-bias", "p_holm"] > 0.05
    assert (planted["p_holm"] >= planted["p"] - 1e-15).all() and len(planted) == 3


def test_split_is_seeded_disjoint_and_sized():
    names = [f"im{i}" for i in range(11)]
    tr, te = P.train_test_split(names, 0.5, np.random.default_rng(7))
    tr2, te2 = P.train_test_split(names, 0.5, np.random.default_rng(7))
    assert (tr, te) == (tr2, te2) and len(tr) == 6 and len(te) == 5 and not set(tr) & set(te)
    assert sorted(tr + te) == sorted(names)
    assert len(P.train_test_split(names[:3], 0.9, np.random.default_rng(0))[1]) == 2
    with pytest.raises(PsysimError, match="train_fraction"):
        P.train_test_split(names, 1.0, np.random.default_rng(0))
    with pytest.raises(PsysimError, match="at least 3"):
        P.train_test_split(names[:2], 0.5, np.random.default_rng(0))


def test_blur_and_density_bad_input():
    with pytest.raises(PsysimError, match="blur_map: sigma_frac"):
        P.blur_map(np.ones(SHAPE), -1)
    with pytest.raises(PsysimError, match="density"):
        P.density(-np.ones(SHAPE))
    spike = np.zeros(SHAPE)
    spike[24, 32] = 1
    b = P.blur_map(spike, 0.05)  # sigma 2.4 px: mass kept, peak 1 / (2 pi sigma^2)
    assert b.sum() == pytest.approx(1.0, rel=1e-6)
    assert b.max() == pytest.approx(1 / (2 * np.pi * 2.4**2), rel=0.03) and b.argmax() == 24 * 64 + 32
