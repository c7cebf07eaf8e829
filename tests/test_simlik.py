"""The simulated likelihood: bias at the true parameters, its correction, and the Monte Carlo error
of a fit's log-likelihood (psysim.fitting.simlik, finish_fit's replicate evaluations)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from psysim.analysis.mc_penalty import penalty_table

from psysim.errors import PsysimError
from psysim.fitting.quantile_fit import fit_quantiles, quantile_cells
from psysim.fitting.simlik import corrected_log_probs, replicate_seeds, simulated_loglik
from psysim.models import make_design
from psysim.models.cgs import CompetitiveGuidedSearch
from psysim.models.fit import FeatureIntegration


def test_penalty_at_true_parameters_smoothed_matches_theory_corrected_near_zero():
    """CGS as the generator (exact likelihood known): the former estimator loses about
    N (K - 1) / (2 M) units (Miller 1955's bias; 4000 trials, K = 7, M = 1000: 12 units), the
    corrected one is within its Monte Carlo error of 0."""
    t = penalty_table(n_sims=(1000,), replicates=40, seed=2).set_index("estimator")
    theory = 4000 * 6 / (2 * 1000)
    sm, co = t.loc["smoothed"], t.loc["corrected"]
    assert abs(sm["penalty"] - theory) < 3 * sm["penalty_se"] + 1.0
    assert abs(co["penalty"]) < 3 * co["penalty_se"] + 0.5
    assert co["sd_one"] > 0  # the noise is not removed, only the bias


def test_corrected_log_probs_monotone_and_close_to_plain_for_large_counts():
    c = np.arange(0, 60, dtype=float)
    rest = 400.0 - c
    lp = corrected_log_probs(np.column_stack([c, rest]))[:, 0]
    assert np.all(np.diff(lp) >= 0)  # never rewards predicting a category less often
    big = corrected_log_probs([[50000.0, 50000.0]])
    assert big == pytest.approx(np.log([[0.5, 0.5]]), abs=1e-4)
    with pytest.raises(ValueError, match="estimator"):
        corrected_log_probs([[1.0, 2.0]], "plain")


def test_a_model_that_predicts_almost_nothing_inside_the_window_scores_badly():
    """Every value <= 0, and 3 of 2000 simulated trials inside the trimming window do not look
    like the data's even bin proportions (the degenerate optimum a search once found)."""
    data = np.array([[50.0, 100, 100, 100, 100, 50, 10]])
    fitted = np.array([[200.0, 400, 400, 400, 400, 200, 40]])  # proportional to the data: 2040 kept
    degenerate = np.array([[1.0, 1, 0, 0, 1, 0, 0]])  # 3 kept of 2000 simulated
    assert np.all(corrected_log_probs(degenerate, n_total=2000) <= 0)
    assert np.all(corrected_log_probs(np.zeros((1, 7)), n_total=2000) == pytest.approx(np.log(0.5 / 2003.5)))
    good = simulated_loglik(data, fitted, n_total=2040)
    bad = simulated_loglik(data, degenerate, n_total=2000)
    assert bad < good - 1000


def test_simulated_loglik_hand_computed():
    counts = np.array([[3.0, 1.0]])
    sim = np.array([[6.0, 2.0]])
    p = np.array([6.5, 2.5]) / 9.0
    lp = np.log(p) + (1 - p) / (2 * 8 * p)
    expected = math.log(4) + 3 * lp[0] + lp[1]
    assert simulated_loglik(counts, sim) == pytest.approx(expected, rel=1e-12)
    # 8 kept of 16 simulated: half counts scaled by 8 / 16
    p = np.array([6.25, 2.25]) / 8.5
    lp = np.log(p) + (1 - p) / (2 * 8 * p)
    assert simulated_loglik(counts, sim, n_total=16) == pytest.approx(math.log(4) + 3 * lp[0] + lp[1], rel=1e-12)


def test_replicate_seeds_distinct_and_reproducible():
    a = replicate_seeds(7, 5)
    assert len(set(a)) == 5 and a == replicate_seeds(7, 5) and a != replicate_seeds(8, 5)


def _timeless(d):
    """A fit's dict without its timings (and versions), for comparing two runs."""
    if isinstance(d, dict):
        return {k: _timeless(v) for k, v in d.items() if k not in ("seconds", "versions")}
    if isinstance(d, list):
        return [_timeless(v) for v in d]
    return d


def _fit_data():
    true = FeatureIntegration(per_item=45.0, base=500.0)
    return quantile_cells(true.simulate(make_design("conjunction", (6, 18), 300), seed=2))


def test_fit_reports_mc_se_and_replicate_mean_and_same_seed_same_bytes():
    cells = _fit_data()
    kw = dict(cells=cells, free=["per_item", "base"], seeds=(0,), maxiter=3, popsize=4, n_sim=200, polish=False,
              n_replicates=4, n_sim_score=500)
    res = fit_quantiles(FeatureIntegration(), **kw)
    d = res.diagnostics
    reps = np.array(d["loglik_replicates"])
    assert len(reps) == 4 and len(set(reps)) == 4  # independent seeds give different scores
    assert res.loglik == pytest.approx(reps.mean())
    assert d["loglik_mc_se"] == pytest.approx(reps.std(ddof=1) / 2.0)
    assert d["loglik_search"] == -res.loss and d["n_sim_score"] == 500
    assert res.summary()["loglik_mc_se"] == d["loglik_mc_se"] > 0
    assert res.bic == pytest.approx(res.k * math.log(res.n_obs) - 2 * reps.mean())
    again = fit_quantiles(FeatureIntegration(), **kw)
    assert _timeless(again.to_dict()) == _timeless(res.to_dict())  # same seeds, same numbers
    none = fit_quantiles(FeatureIntegration(), **{**kw, "n_replicates": 0})
    assert none.loglik == -none.loss and math.isnan(none.diagnostics["loglik_mc_se"])
    with pytest.raises(PsysimError, match="n_replicates"):
        fit_quantiles(FeatureIntegration(), **{**kw, "n_replicates": 1})


def test_exact_likelihood_has_zero_mc_error():
    true = CompetitiveGuidedSearch()
    cells = quantile_cells(true.simulate(make_design("conjunction", (6, 18), 200), seed=3))
    res = fit_quantiles(true, cells=cells, free=["t_yes", "t_no"], seeds=(0,), n_starts=16, n_local=1)
    assert res.diagnostics["loglik_mc_se"] == 0.0 and res.loglik == -res.loss
    assert res.diagnostics["estimator"] == "exact"
