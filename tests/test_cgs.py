"""Competitive Guided Search (Moran et al. 2013): analytic limits, exact predictions, and the
fast simulation against the plain per-trial reference."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from scipy.signal import fftconvolve

from psysim.errors import ParameterError, PsysimError
from psysim.models import get_model, make_design
from psysim.models.cgs import (
    CompetitiveGuidedSearch,
    correct_cdf_batch,
    exwald_cdf,
    exwald_cdf_quadrature,
    outcome_probabilities,
    wald_cdf,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from reference_models import cgs_reference  # noqa: E402

SPATIAL = dict(w_target=1.5, dw_quit=0.02, mu=0.25, theta=0.03, t_yes=410, t_no=410, rate_res=12, m=0.01)


def test_registered_and_bad_parameters():
    assert isinstance(get_model("cgs"), CompetitiveGuidedSearch)
    with pytest.raises(ParameterError, match="w_target"):
        CompetitiveGuidedSearch(w_target=-1)
    with pytest.raises(ParameterError, match="unknown"):
        CompetitiveGuidedSearch(w_targte=2)


def test_luce_probabilities_hand_computed():
    # two items, target weight 2, quit grows by 1 per rejection, starts at 0:
    # step 0: target 2/3, distractor 1/3, quit 0; step 1: target 2/3, quit 1/3 (of the 1/3 left)
    pf, pq = outcome_probabilities(2, True, w_target=2.0, dw_quit=1.0, w_quit0=0.0)
    np.testing.assert_allclose(pf, [2 / 3, 2 / 9])
    np.testing.assert_allclose(pq, [0.0, 1 / 9])
    # absent, 3 items, quit starts at 1 and grows by 2: quit 1/4, then 3/5 of the rest, then 5/6
    pf, pq = outcome_probabilities(3, False, w_target=9.0, dw_quit=2.0, w_quit0=1.0)
    assert not pf.any()
    np.testing.assert_allclose(pq, [1 / 4, 3 / 4 * 3 / 5, 3 / 4 * 2 / 5 * 5 / 6, 3 / 4 * 2 / 5 * 1 / 6])
    for n in (1, 3, 18):
        for tp in (True, False):
            pf, pq = outcome_probabilities(n, tp, 3.0, 0.1, 0.0)
            assert pf.sum() + pq.sum() == pytest.approx(1.0)


def test_overwhelming_target_weight_selects_target_first(seed):
    model = CompetitiveGuidedSearch(w_target=1000.0, dw_quit=0.5, m=0.0)
    design = make_design("conjunction", (3, 18), 4000)
    t = model.simulate(design, seed=seed)
    present = t[t["target_present"]]
    for n, g in present.groupby("set_size"):
        first = (g["n_attended"] == 1).mean()
        expected = 1000.0 / (1000.0 + n - 1)  # Luce: target chosen on the first selection
        assert first == pytest.approx(expected, abs=4 * np.sqrt(expected * (1 - expected) / len(g)) + 1e-3)
        assert first > 0.98


def test_no_quit_growth_makes_absent_search_exhaustive(seed):
    model = CompetitiveGuidedSearch(dw_quit=0.0, w_quit0=0.0, m=0.0)
    t = model.simulate(make_design("spatial", (3, 6, 12, 18), 300), seed=seed)
    absent = t[~t["target_present"]]
    assert (absent["n_attended"] == absent["set_size"]).all()
    assert not absent["response"].any()
    # and no target is ever missed: the quit unit cannot win while the target is in play
    assert t.loc[t["target_present"], "response"].all()


def test_same_seed_same_trials_and_validated_output():
    model = CompetitiveGuidedSearch(**SPATIAL)
    design = make_design(("feature", "spatial"), (6, 12), 50)
    a, b = model.simulate(design, seed=5), model.simulate(design, seed=5)
    assert a.equals(b)
    assert not a.equals(model.simulate(design, seed=6))
    assert {"n_attended", "display_id"} <= set(a.columns)
    assert (a["rt"] > 0).all()
    with pytest.raises(PsysimError):
        model.simulate("not a design")


def test_wald_cdf_matches_scipy():
    t = np.array([0.05, 0.1, 0.3, 0.8, 2.0])
    mean, shape = 0.12, 0.09
    ref = stats.invgauss(mu=mean / shape, scale=shape).cdf(t)
    np.testing.assert_allclose(wald_cdf(t, mean, shape), ref, atol=1e-10)
    assert wald_cdf(-1.0, mean, shape) == 0.0


def test_exwald_cdf_against_numerical_convolution():
    mean, shape, rate = 0.5, 0.3, 10.0
    grid = np.linspace(0, 6, 60001)
    dt = grid[1] - grid[0]
    f_w = stats.invgauss(mu=mean / shape, scale=shape).pdf(grid)
    f_e = rate * np.exp(-rate * grid)
    conv = np.cumsum(fftconvolve(f_w, f_e)[: len(grid)]) * dt * dt
    for s in (0.2, 0.5, 1.0, 2.0):
        assert exwald_cdf(s, mean, shape, rate) == pytest.approx(np.interp(s, grid, conv), abs=1e-3)


@pytest.mark.parametrize("mean, shape, rate", [(0.5, 0.3, 10.0), (0.05, 30.0, 40.0), (0.3, 2.0, 3.0)])
def test_closed_form_exwald_against_dense_integration(mean, shape, rate):
    # both the real (2 a^2 r < l) and the complex (2 a^2 r > l) branch of the closed form
    # against F_W(s) - int_0^s exp(-r (s - w)) f_W(w) dw on a dense grid, and the quadrature
    wald = stats.invgauss(mu=mean / shape, scale=shape)
    for s in (0.05, 0.3, 0.8, 2.5):
        w = np.geomspace(1e-9, s, 200_001)
        ref = wald.cdf(s) - np.trapezoid(np.exp(-rate * (s - w)) * wald.pdf(w), w)
        assert exwald_cdf(s, mean, shape, rate) == pytest.approx(ref, abs=1e-7)
        assert exwald_cdf_quadrature(s, mean, shape, rate) == pytest.approx(ref, abs=2e-2)
    assert exwald_cdf(0.3, 0.0, shape, rate) == pytest.approx(1 - np.exp(-rate * 0.3))  # no search time
    assert exwald_cdf(-0.1, mean, shape, rate) == 0.0


def test_batch_cdf_matches_single_models():
    cells_n, cells_tp = [3, 18, 6, 12], [True, True, False, False]
    t = np.tile([300.0, 450.0, 600.0, 900.0, 1500.0, 4000.0], (4, 1))
    sets = [SPATIAL, dict(SPATIAL, w_target=40.0, dw_quit=3.0, mu=0.7, m=0.0), dict(SPATIAL, w_quit0=0.4)]
    batch = {k: np.array([p.get(k, 0.0) for p in sets]) for k in CompetitiveGuidedSearch().params}
    pc_b, cdf_b = correct_cdf_batch(batch, cells_n, cells_tp, t)
    for i, p in enumerate(sets):
        model = CompetitiveGuidedSearch(**p)
        for c, (n, tp) in enumerate(zip(cells_n, cells_tp)):
            pf, pq = model.outcomes(n, tp)
            pc_hand = pf.sum() * (1 - model.params["m"]) + pq.sum() * model.params["m"] if tp else pq.sum() * (1 - model.params["m"])
            assert pc_b[i, c] == pytest.approx(pc_hand, abs=1e-12)
            pc1, cdf1 = model.correct_cdf(n, tp, t[c])
            assert pc1 == pytest.approx(pc_b[i, c]) and np.allclose(cdf1, cdf_b[i, c], atol=1e-12)


def test_exact_cdf_agrees_with_simulation(seed):
    model = CompetitiveGuidedSearch(**SPATIAL)
    rng = np.random.default_rng(seed)
    for n, tp in ((6, True), (18, False)):
        out = model.simulate_arrays(np.full(100_000, n), np.full(100_000, tp), rng)
        correct = out["response"] == tp
        rt = out["rt"][correct]
        edges = np.quantile(rt, [0.1, 0.3, 0.5, 0.7, 0.9])
        pc, cdf = model.correct_cdf(n, tp, edges)
        assert pc == pytest.approx(correct.mean(), abs=0.004)
        np.testing.assert_allclose(cdf / pc, [0.1, 0.3, 0.5, 0.7, 0.9], atol=0.006)


@pytest.mark.parametrize("params", [SPATIAL, dict(SPATIAL, w_target=5.0, dw_quit=0.2, m=0.03)])
def test_fast_agrees_with_reference_in_distribution(params):
    model = CompetitiveGuidedSearch(**params)
    n = 4000
    for set_size, tp in ((12, True), (12, False), (3, True)):
        sizes, pres = np.full(n, set_size), np.full(n, tp)
        fast = model.simulate_arrays(sizes, pres, np.random.default_rng(11))
        ref = cgs_reference(model.params, sizes, pres, seed=12)
        assert stats.ks_2samp(fast["rt"], ref["rt"]).pvalue > 0.001
        assert stats.ks_2samp(fast["n_attended"], ref["n_attended"]).pvalue > 0.001
        e_fast, e_ref = (fast["response"] != tp).mean(), (ref["response"] != tp).mean()
        se = np.sqrt(max(e_fast * (1 - e_fast), 1e-4) * 2 / n)
        assert abs(e_fast - e_ref) < 4 * se + 1e-3


def test_fit_reference_agrees_with_fast_fit():
    """The per-trial FIT reference of ``benchmarks/reference_models.py`` (kept with the CGS and
    GS references) agrees in distribution with psysim's vectorised FIT."""
    from reference_models import fit_reference

    from psysim.models.fit import FeatureIntegration

    model = FeatureIntegration(p_miss=0.05, p_guess=0.03)
    design = make_design(("feature", "conjunction"), (6, 18), 1500)
    fast = model.simulate(design, seed=1)
    ref = fit_reference(model.params, design["task"], design["set_size"], design["target_present"], seed=2)
    for (_task, _n, tp), idx in design.groupby(["task", "set_size", "target_present"]).groups.items():
        idx = np.asarray(idx)
        assert stats.ks_2samp(fast["rt"].to_numpy()[idx], ref["rt"][idx]).pvalue > 0.001
        e_fast = (fast["response"].to_numpy()[idx] != tp).mean()
        e_ref = (ref["response"][idx] != tp).mean()
        assert abs(e_fast - e_ref) < 4 * np.sqrt(max(e_fast, 0.01) * 2 / len(idx))
