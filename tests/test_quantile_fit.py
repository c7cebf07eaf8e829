"""The quantile-bin (QMP / multinomial) likelihood, the fitter, generalisation and recovery."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from psysim.errors import PsysimError
from psysim.fitting.quantile_fit import (
    QuantileObjective,
    fit_quantiles,
    leave_one_out,
    multinomial_loglik,
    noise_ceiling_rmse,
    parameter_recovery,
    quantile_cells,
    quantile_rmse,
)
from psysim.fitting.result import FitResult
from psysim.models import make_design
from psysim.models.base import Param, SearchModel
from psysim.models.cgs import CompetitiveGuidedSearch
from psysim.models.fit import FeatureIntegration
from psysim.trials import make_trials


class ExpModel(SearchModel):
    """Toy model with an exact likelihood: correct with probability ``pc``, RT = 100 ms plus an
    exponential with mean ``tau`` ms (not registered)."""

    name = "toy-exp"
    parameters = (Param("tau", 200.0, 10.0, 2000.0, "ms"), Param("pc", 0.9, 0.5, 0.999))

    def correct_cdf(self, set_size, target_present, t_ms):
        t = np.maximum(np.asarray(t_ms, float) - 100.0, 0.0)
        pc = self.params["pc"]
        return pc, pc * (1 - np.exp(-t / self.params["tau"]))

    def _simulate(self, design, rng, displays):
        n = len(design)
        correct = rng.random(n) < self.params["pc"]
        tp = design["target_present"].to_numpy(bool)
        return {"response": np.where(correct, tp, ~tp), "rt": 100.0 + rng.exponential(self.params["tau"], n)}


def _cells_table(edges, counts, n_error):
    row = {"task": "feature", "set_size": 6, "target_present": True, "n": sum(counts) + n_error,
           "n_correct": sum(counts), "n_error": n_error, "error_rate": n_error / (sum(counts) + n_error)}
    row.update(zip(("q10", "q30", "q50", "q70", "q90"), edges))
    row.update({f"n_bin{k}": c for k, c in enumerate(counts)})
    return pd.DataFrame([row])


def test_multinomial_loglik_hand_computed_and_scipy():
    # counts (2, 1), probabilities (1/2, 1/2): ln 3 + 3 ln(1/2)
    assert multinomial_loglik([[2, 1]], [[0.5, 0.5]]) == pytest.approx(math.log(3) - 3 * math.log(2))
    counts = np.array([[3, 5, 6, 4, 5, 2, 1], [1, 2, 2, 2, 2, 1, 0]])
    probs = np.array([[0.1, 0.2, 0.2, 0.2, 0.2, 0.05, 0.05], [0.1, 0.2, 0.2, 0.2, 0.2, 0.09, 0.01]])
    expected = sum(stats.multinomial.logpmf(c, c.sum(), p) for c, p in zip(counts, probs))
    assert multinomial_loglik(counts, probs) == pytest.approx(expected)


def test_objective_against_hand_computed_case():
    # exponential RTs above 100 ms with tau = 200 and P(correct) = 0.9; bins cut at 150..500 ms
    edges = [150.0, 200.0, 300.0, 400.0, 500.0]
    counts, n_err = [4, 3, 6, 2, 1, 4], 2
    cells = _cells_table(edges, counts, n_err)
    obj = QuantileObjective(ExpModel(), cells, free=["tau", "pc"])
    F = [0.9 * (1 - math.exp(-(e - 100) / 200)) for e in edges]
    p = [F[0]] + [F[k] - F[k - 1] for k in range(1, 5)] + [0.9 - F[4], 0.1]
    n = sum(counts) + n_err
    by_hand = math.lgamma(n + 1) - sum(math.lgamma(c + 1) for c in counts + [n_err])
    by_hand += sum(c * math.log(pk) for c, pk in zip(counts + [n_err], p))
    assert obj.loglik({"tau": 200.0, "pc": 0.9}) == pytest.approx(by_hand, rel=1e-12)
    assert obj({"tau": 200.0, "pc": 0.9}) == pytest.approx(-by_hand, rel=1e-12)


def test_quantile_cells_counts_and_trimming(seed):
    rng = np.random.default_rng(seed)
    n = 1000
    rt = 300 + rng.exponential(300, n)
    rt[:5] = 150.0  # below the 200 ms trimming bound: dropped as outliers when correct
    tp = np.ones(n, bool)
    resp = rng.random(n) > 0.05
    trials = make_trials(source="x", task="feature", set_size=6, target_present=tp, response=resp, rt=rt)
    cells = quantile_cells(trials)
    r = cells.iloc[0]
    n_correct_kept = int((resp & (rt >= 200)).sum())
    assert r["n_correct"] == n_correct_kept and r["n_error"] == int((~resp).sum())
    bins = r[[f"n_bin{k}" for k in range(6)]].to_numpy(float)
    assert bins.sum() == n_correct_kept
    np.testing.assert_allclose(bins / bins.sum(), [0.1, 0.2, 0.2, 0.2, 0.2, 0.1], atol=0.01)
    with pytest.raises(PsysimError, match="correct RTs"):
        quantile_cells(trials.iloc[10:14])


def test_fit_recovers_toy_parameters_and_round_trips(tmp_path):
    true = ExpModel(tau=350.0, pc=0.93)
    trials = true.simulate(make_design("feature", (6, 12), 1500), seed=3)
    res = fit_quantiles(ExpModel(), trials, seeds=(0, 1), maxiter=30, popsize=6, data={"task": "feature"})
    assert res.params["tau"] == pytest.approx(350.0, rel=0.05)
    assert res.params["pc"] == pytest.approx(0.93, abs=0.01)
    kept = (~trials["correct"] | trials["rt"].between(200, 4000)).sum()  # trimmed correct RTs out
    assert res.n_obs == kept and res.k == 2
    assert res.bic == pytest.approx(2 * math.log(kept) - 2 * res.loglik)
    assert res.diagnostics["converged"] and len(res.diagnostics["seeds"]) == 2
    assert {"pred_q50", "q50", "pred_error_rate"} <= set(res.predictions.columns)
    back = FitResult.from_json(res.to_json())
    assert back.params == res.params and back.loglik == res.loglik


def test_multistart_and_de_agree_and_seed_diagnostics():
    true = ExpModel(tau=250.0, pc=0.88)
    trials = true.simulate(make_design("feature", (6,), 1500), seed=5)
    ms = fit_quantiles(ExpModel(), trials, seeds=(0, 1, 2), n_starts=16, n_local=2)
    de = fit_quantiles(ExpModel(), trials, seeds=(0,), method="de", maxiter=30, popsize=6)
    assert ms.diagnostics["method"] == "multistart" and de.diagnostics["method"] == "de"
    assert ms.loglik >= de.loglik - 1e-3  # a smooth 2-parameter surface: same optimum
    assert ms.params["tau"] == pytest.approx(de.params["tau"], rel=1e-3)
    d = ms.diagnostics
    assert d["n_seeds_agree"] == 3 and d["converged"] and len(d["seeds"]) == 3
    assert all(len(r["local_losses"]) == 2 for r in d["seeds"])
    with pytest.raises(PsysimError, match="method"):
        fit_quantiles(ExpModel(), trials, method="newton")


def test_cgs_batched_objective_matches_single_evaluations():
    from psysim.fitting.quantile_fit import _resolve, _Space

    model = CompetitiveGuidedSearch(w_target=3.0, dw_quit=0.1, mu=0.3, theta=0.035, m=0.02)
    cells = quantile_cells(model.simulate(make_design("conjunction", (6, 18), 300), seed=4))
    start, free, b = _resolve(CompetitiveGuidedSearch(), None, None, None)
    obj = QuantileObjective(start, cells, free)
    space = _Space(CompetitiveGuidedSearch, free, b, log="all")
    lo, hi = np.array(space.z_bounds).T
    z = lo + (hi - lo) * np.random.default_rng(0).random((5, len(lo)))
    single = np.array([obj(space.to_params(x)) for x in z])
    np.testing.assert_allclose(obj.loss_batch(space.to_params(z)), single, rtol=1e-7)
    # log coordinates round trip
    vals = space.to_params(z[0])
    np.testing.assert_allclose(space.to_z(vals), np.clip(z[0], lo, hi), rtol=1e-9)


def test_bound_warning():
    trials = ExpModel(tau=800.0).simulate(make_design("feature", 6, 1000), seed=1)
    res = fit_quantiles(ExpModel(), trials, bounds={"tau": (10.0, 300.0)}, seeds=(0,), maxiter=15, popsize=5)
    assert any("'tau'" in w and "bound" in w for w in res.warnings)


def test_bad_parameter_names():
    trials = ExpModel().simulate(make_design("feature", 6, 200), seed=1)
    with pytest.raises(PsysimError, match="unknown parameter"):
        fit_quantiles(ExpModel(), trials, free=["tua"])


@pytest.mark.slow
def test_cgs_parameter_recovery():
    """Recovery from 500 trials per cell (the size of a Wolfe et al. 2010 observer's cell) with
    the residual-time rate and motor-error rate held at their true values (to keep the test
    short; the full 8-parameter recovery is in ``experiments/rt_distributions.py``).
    Stated tolerances: target weight and quit increment within 30 %, mean identification time
    (theta / mu) within 10 %, residual constants within 30 ms."""
    true = CompetitiveGuidedSearch(w_target=2.0, dw_quit=0.03, mu=0.3, theta=0.035, t_yes=380,
                                   t_no=420, rate_res=15, m=0.015)
    free = ["w_target", "dw_quit", "mu", "theta", "t_yes", "t_no"]
    table, res = parameter_recovery(true, make_design("spatial", (3, 6, 12, 18), 500), seed=7,
                                    free=free, seeds=(0,), maxiter=40, popsize=8)
    est = res.params
    assert est["w_target"] == pytest.approx(2.0, rel=0.3)
    assert est["dw_quit"] == pytest.approx(0.03, rel=0.3)
    assert est["theta"] / est["mu"] == pytest.approx(0.035 / 0.3, rel=0.1)
    assert est["t_yes"] == pytest.approx(380, abs=30) and est["t_no"] == pytest.approx(420, abs=30)
    assert list(table["param"]) == free and est["m"] == 0.015 and est["w_quit0"] == 0.0


@pytest.mark.slow
def test_simulation_based_fit_works_for_fit_model():
    """The fitter is general: FIT has no exact likelihood and is fitted by simulation."""
    true = FeatureIntegration(per_item=45.0, base=500.0)
    trials = true.simulate(make_design("conjunction", (6, 18), 400), seed=2)
    res = fit_quantiles(FeatureIntegration(), trials, free=["per_item", "base"], seeds=(0,), maxiter=12,
                        popsize=6, n_sim=800, polish=False)
    assert not res.diagnostics["exact_likelihood"]
    assert res.params["per_item"] == pytest.approx(45.0, rel=0.2)
    assert res.params["base"] == pytest.approx(500.0, rel=0.1)


def test_leave_one_out_and_noise_ceiling():
    obs = []
    for s, tau in enumerate((300.0, 330.0, 360.0)):
        t = ExpModel(tau=tau).simulate(make_design("feature", (6,), 400), seed=s)
        t["subject"] = str(s)
        obs.append(t)
    trials = pd.concat(obs, ignore_index=True)
    loo = leave_one_out(ExpModel(), trials, seeds=(0,), maxiter=15, popsize=5)
    assert list(loo["subject"]) == ["0", "1", "2"]
    assert (loo["rmse_ms"] > 0).all() and (loo["ceiling_rmse_ms"] > 0).all()
    # the middle observer is predicted best by the others, both by the model and the ceiling
    assert loo["rmse_ms"].iloc[1] < loo["rmse_ms"].iloc[0]
    # the ceiling is the RMSE of the other observers' mean quantiles, by hand
    cells = {s: quantile_cells(g) for s, g in trials.groupby("subject")}
    others = pd.concat([cells["1"].assign(subject="1"), cells["2"].assign(subject="2")])
    q = ["q10", "q30", "q50", "q70", "q90"]
    mean_q = others.groupby("target_present")[q].mean().reindex(cells["0"]["target_present"].tolist()).to_numpy()
    by_hand = math.sqrt(np.mean((cells["0"][q].to_numpy() - mean_q) ** 2))
    assert noise_ceiling_rmse(cells["0"], others) == pytest.approx(by_hand)
    assert quantile_rmse(cells["0"], cells["0"], pred_prefix="") == 0.0


@pytest.mark.slow
def test_cli_fit_writes_results_and_rejects_bad_input(tmp_path, data_dir, capsys):
    from psysim.cli import main

    out = tmp_path / "fits"
    rc = main(["fit", "cgs", "--task", "spatial", "--subject", "2", "--seeds", "1", "--starts", "8",
               "--local", "1", "--no-polish", "--out", str(out)])
    assert rc == 0
    capsys.readouterr()
    table = pd.read_csv(out / "fits.csv")
    assert len(table) == 1 and {"loglik", "aic", "bic", "n_obs", "w_target"} <= set(table.columns)
    res = FitResult.from_json(out / "fit_cgs_spatial_2.json")
    assert res.data["subject"] == "2" and res.loglik == pytest.approx(table["loglik"].iloc[0])
    for argv, msg in ((["fit", "cgs", "--task", "colour"], "--task colour"),
                      (["fit", "cgs", "--task", "spatial", "--subject", "99"], "--subject 99"),
                      (["fit", "nomodel"], "unknown model"),
                      (["fit", "cgs", "--data", "other"], "--data")):
        assert main(argv + ["--out", str(tmp_path / "bad")]) == 2
        err = capsys.readouterr().err
        assert msg in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "bad").exists()
