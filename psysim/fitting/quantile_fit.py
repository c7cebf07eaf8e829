"""Fitting whole RT distributions and error rates: a multinomial likelihood over quantile bins.

The objective is the one of the RT-distribution literature (quantile maximum probability,
Heathcote, Brown & Mewhort 2002; used for Competitive Guided Search by Moran et al. 2013).
In every design cell (task x set size x target presence) the observed correct RTs are cut at
their own quantiles .1 .3 .5 .7 .9 into six bins, and error trials form a seventh category.
With observed counts ``n_k`` and model probabilities ``p_k = P(correct and RT in bin k)``,
``p_err = P(error)``, the log-likelihood is the multinomial one, summed over cells:

    ln L = sum_cells [ ln(N! / prod_k n_k!) + sum_k n_k ln p_k ]

(``k`` over the six RT bins and the error category, ``N`` the trials of the cell). The
multinomial coefficient does not depend on the parameters; it is kept so that ``loglik`` is the
full log-probability of the binned data (``scipy.stats.multinomial.logpmf`` gives the same).
Probabilities are floored at ``1e-10`` so that an empty predicted bin costs a large, finite
penalty.

Which trials: correct trials outside the trimming window (:data:`psysim.stats.WOLFE2010_TRIM`,
200-4000 ms, 8000 ms for the spatial task) are left out as outliers (0.3 % of the Wolfe et al.
2010 trials); every error trial counts.

Model probabilities come from the model's exact ``correct_cdf`` when it has one (Competitive
Guided Search), otherwise from simulation with common random numbers (the same seed, and for
models that read items the same displays, at every evaluation), so the objective is a
deterministic function of the parameters; simulated bin counts are smoothed by adding 0.5.

The search is bounded differential evolution (Storn & Price 1997, ``scipy.optimize``) from
several seeds, each followed by a local polish (L-BFGS-B for exact likelihoods, Nelder-Mead
for simulated ones). Parameters whose bounds span three or more orders of magnitude are
searched on a log scale. The result reports every seed's optimum, the spread of the optima
(convergence), and a warning for each parameter that ends at a bound.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
from scipy.optimize import differential_evolution, minimize
from scipy.special import gammaln

from psysim.errors import ParameterError, PsysimError
from psysim.fitting.result import FitResult
from psysim.models.base import SearchModel, make_design
from psysim.stats.descriptive import QUANTILE_COLUMNS, QUANTILES, WOLFE2010_TRIM, TrimRule
from psysim.trials import validate_trials

CELL_KEYS = ["task", "set_size", "target_present"]
BIN_COLUMNS = tuple(f"n_bin{k}" for k in range(len(QUANTILES) + 1))
P_FLOOR = 1e-10
OBJECTIVE = "quantile multinomial likelihood (QMP): correct-RT bins at .1 .3 .5 .7 .9 plus errors"


# -- data ----------------------------------------------------------------------------------
def quantile_cells(trials: pd.DataFrame, trim: TrimRule = WOLFE2010_TRIM) -> pd.DataFrame:
    """Observed quantile-bin counts per cell, the data of :func:`fit_quantiles`.

    Parameters
    ----------
    trials : pandas.DataFrame
        A trial table (one observer, or pooled observers for a group fit).
    trim : TrimRule
        Correct trials outside its window are left out; error trials all count.

    Returns
    -------
    pandas.DataFrame
        One row per ``task, set_size, target_present``: ``n`` (trials in the likelihood),
        ``n_correct``, ``n_error``, ``error_rate``, the quantiles ``q10 .. q90`` (ms) of the
        correct RTs, and the counts ``n_bin0 .. n_bin5`` of correct RTs between them.
    """
    trials = validate_trials(trials, where="quantile_cells", tasks=None)
    keep = trim.mask(trials) | ~trials["correct"].to_numpy(bool)
    t = trials[keep]
    rows = []
    for key, g in t.groupby(CELL_KEYS, sort=True):
        rt = g.loc[g["correct"], "rt"].to_numpy(float)
        n_err = int((~g["correct"]).sum())
        if len(rt) < len(QUANTILES) + 1:
            raise PsysimError(
                f"quantile_cells: cell {dict(zip(CELL_KEYS, key))} has only {len(rt)} correct RTs; "
                f"at least {len(QUANTILES) + 1} are needed for quantile bins"
            )
        q = np.quantile(rt, QUANTILES)
        counts = np.bincount(np.searchsorted(q, rt, side="left"), minlength=len(QUANTILES) + 1)
        row = dict(zip(CELL_KEYS, key))
        row.update(n=len(rt) + n_err, n_correct=len(rt), n_error=n_err, error_rate=n_err / (len(rt) + n_err))
        row.update(zip(QUANTILE_COLUMNS, q))
        row.update(zip(BIN_COLUMNS, counts.astype(int)))
        rows.append(row)
    if not rows:
        raise PsysimError("quantile_cells: no trials left after trimming")
    return pd.DataFrame(rows)


def _edges(cells: pd.DataFrame) -> np.ndarray:
    return cells[list(QUANTILE_COLUMNS)].to_numpy(float)


def _counts(cells: pd.DataFrame) -> np.ndarray:
    """(cells, 7) observed counts: six RT bins and the error count."""
    return np.column_stack([cells[list(BIN_COLUMNS)].to_numpy(float), cells["n_error"].to_numpy(float)])


def multinomial_loglik(counts, probs) -> float:
    """Multinomial log-likelihood summed over cells (rows), with the multinomial coefficient.

    ``counts`` and ``probs`` have shape (cells, categories); probabilities are floored at
    :data:`P_FLOOR` and each row renormalised.
    """
    counts = np.asarray(counts, float)
    p = np.clip(np.asarray(probs, float), P_FLOOR, None)
    p = p / p.sum(axis=1, keepdims=True)
    coef = gammaln(counts.sum(axis=1) + 1) - gammaln(counts + 1).sum(axis=1)
    return float(np.sum(coef) + np.sum(counts * np.log(p)))


# -- model predictions ---------------------------------------------------------------------
class CellPredictor:
    """Model probabilities of the quantile bins and errors for fixed cells and bin edges.

    Exact for models with ``correct_cdf(set_size, target_present, t_ms)``; otherwise by
    simulation of ``n_sim`` trials per cell with a fixed seed (common random numbers), on one
    fixed set of displays for models that read items.
    """

    def __init__(self, model_cls: type[SearchModel], cells: pd.DataFrame, n_sim: int = 2000, seed=0):
        self.model_cls = model_cls
        self.cells = cells[CELL_KEYS].reset_index(drop=True)
        self.exact = hasattr(model_cls, "correct_cdf")
        self.n_sim = int(n_sim)
        self.seed = seed
        self._design = None

    def design(self):
        if self._design is None:
            tasks = list(pd.unique(self.cells["task"]))
            sizes = sorted(self.cells["set_size"].unique())
            if self.model_cls.needs_items:
                from psysim.displays import make_displays

                ds = make_displays(tasks, sizes, n_per_cell=self.n_sim, seed=self.seed)
                keep = ds.displays.merge(self.cells, on=CELL_KEYS)["display_id"]
                ds.displays = ds.displays[ds.displays["display_id"].isin(keep)].reset_index(drop=True)
                self._design = (ds.displays, ds)
            else:
                d = make_design(tasks, sizes, self.n_sim).merge(self.cells, on=CELL_KEYS)
                self._design = (d, None)
        return self._design

    def simulate(self, model: SearchModel) -> pd.DataFrame:
        """Simulated trials (a plain DataFrame, not validated: used inside the objective)."""
        table, ds = self.design()
        out = model._simulate(table, np.random.default_rng(self.seed), ds)
        sim = table[CELL_KEYS].copy()
        sim["response"] = np.asarray(out["response"], bool)
        sim["rt"] = np.asarray(out["rt"], float)
        sim["correct"] = sim["response"] == sim["target_present"]
        return sim

    def probabilities(self, model: SearchModel, edges: np.ndarray) -> np.ndarray:
        """(cells, 7) probabilities: six correct-RT bins cut at ``edges`` and the error."""
        out = np.zeros((len(self.cells), edges.shape[1] + 2))
        if self.exact:
            for i, (n, tp) in enumerate(zip(self.cells["set_size"], self.cells["target_present"])):
                pc, cdf = model.correct_cdf(int(n), bool(tp), edges[i])
                out[i, :-1] = np.diff(np.concatenate(([0.0], cdf, [pc])))
                out[i, -1] = 1.0 - pc
            return np.clip(out, 0.0, None)
        sim = self.simulate(model)
        for i, (_, g) in enumerate(self._groups(sim)):
            rt = g["rt"].to_numpy()[g["correct"].to_numpy()]
            counts = np.bincount(np.searchsorted(edges[i], rt, side="left"), minlength=edges.shape[1] + 1)
            counts = np.append(counts, len(g) - len(rt)).astype(float) + 0.5  # smoothing
            out[i] = counts / counts.sum()
        return out

    def _groups(self, sim):
        groups = dict(tuple(sim.groupby(CELL_KEYS, sort=False)))
        for key in self.cells.itertuples(index=False, name=None):
            yield key, groups[key]

    def quantiles(self, model: SearchModel) -> pd.DataFrame:
        """Predicted error rate and correct-RT quantiles (ms) for each cell."""
        rows = []
        if self.exact:
            grid = np.linspace(0.0, 20000.0, 4001)
            for n, tp in zip(self.cells["set_size"], self.cells["target_present"]):
                pc, cdf = model.correct_cdf(int(n), bool(tp), grid)
                q = np.interp(np.asarray(QUANTILES) * pc, cdf, grid) if pc > 0 else np.full(len(QUANTILES), np.nan)
                rows.append([1.0 - pc, *q])
        else:
            sim = self.simulate(model)
            for _, g in self._groups(sim):
                rt = g["rt"].to_numpy()[g["correct"].to_numpy()]
                q = np.quantile(rt, QUANTILES) if len(rt) else np.full(len(QUANTILES), np.nan)
                rows.append([1.0 - g["correct"].mean(), *q])
        pred = pd.DataFrame(rows, columns=["pred_error_rate", *(f"pred_{c}" for c in QUANTILE_COLUMNS)])
        return pd.concat([self.cells, pred], axis=1)


# -- parameter transforms -------------------------------------------------------------------
class _Space:
    """Free parameters <-> optimiser coordinates; wide positive ranges are searched in log."""

    def __init__(self, model_cls, free, bounds):
        self.free = list(free)
        self.lo = np.array([bounds[n][0] for n in self.free], float)
        self.hi = np.array([bounds[n][1] for n in self.free], float)
        span = self.hi - self.lo
        self.log = (self.lo >= 0) & (self.hi >= 1000.0 * np.maximum(self.lo, span * 1e-6))
        self.shift = np.maximum(span * 1e-5, 1e-12)

    def to_params(self, z):
        z = np.asarray(z, float)
        v = np.where(self.log, self.lo + np.exp(z) - self.shift, z)
        return dict(zip(self.free, np.clip(v, self.lo, self.hi)))

    def to_z(self, values):
        v = np.asarray([values[n] for n in self.free], float)
        return np.where(self.log, np.log(np.maximum(v - self.lo + self.shift, self.shift)), v)

    @property
    def z_bounds(self):
        zlo = np.where(self.log, np.log(self.shift), self.lo)
        zhi = np.where(self.log, np.log(self.hi - self.lo + self.shift), self.hi)
        return list(zip(zlo, zhi))


class QuantileObjective:
    """Negative multinomial log-likelihood of quantile-bin data as a function of free parameters.

    Parameters
    ----------
    model : SearchModel
        Supplies the class and the values of the fixed parameters.
    cells : pandas.DataFrame
        From :func:`quantile_cells`.
    free : sequence of str
        Parameters to estimate.
    n_sim, seed : int
        Simulation size and seed for models without an exact likelihood.
    """

    def __init__(self, model: SearchModel, cells: pd.DataFrame, free, n_sim: int = 2000, seed=0):
        self.model = model
        self.cells = cells.reset_index(drop=True)
        self.free = list(free)
        self.edges = _edges(self.cells)
        self.counts = _counts(self.cells)
        self.predictor = CellPredictor(type(model), self.cells, n_sim=n_sim, seed=seed)
        self.n_eval = 0

    def loglik(self, values: dict) -> float:
        """Log-likelihood at parameter values (free ones; the rest from ``model``)."""
        try:
            m = self.model.with_params(**values)
        except ParameterError:
            return -1e12
        probs = self.predictor.probabilities(m, self.edges)
        self.n_eval += 1
        ll = multinomial_loglik(self.counts, probs)
        return ll if np.isfinite(ll) else -1e12

    def __call__(self, values: dict) -> float:
        return -self.loglik(values)


# -- the fit -------------------------------------------------------------------------------
def _resolve(model, free, fixed, bounds):
    names = [p.name for p in model.parameters]
    fixed = dict(getattr(model, "fit_fixed", {}) if fixed is None else fixed)
    if free is None:
        free = [n for n in names if n not in fixed]
    free = list(free)
    unknown = [n for n in list(free) + list(fixed) + list(bounds or {}) if n not in names]
    if unknown:
        raise PsysimError(f"fit {model.name}: unknown parameter(s) {', '.join(unknown)}; known: {', '.join(names)}")
    if not free:
        raise PsysimError(f"fit {model.name}: no free parameters")
    b = {}
    default_bounds = dict(getattr(model, "fit_bounds", {}))
    for n in free:
        spec = model.param(n)
        lo, hi = (bounds or {}).get(n, default_bounds.get(n, (spec.lower, spec.upper)))
        lo, hi = max(float(lo), spec.lower), min(float(hi), spec.upper)
        if not lo < hi:
            raise PsysimError(f"fit {model.name}: bounds for '{n}' are empty ({lo:g}, {hi:g})")
        b[n] = (lo, hi)
    start = model.with_params(**{n: v for n, v in fixed.items() if n not in free})
    return start, free, b


def fit_quantiles(
    model: SearchModel,
    trials: pd.DataFrame | None = None,
    *,
    cells: pd.DataFrame | None = None,
    free=None,
    fixed: dict | None = None,
    bounds: dict | None = None,
    seeds=(0, 1, 2),
    maxiter: int = 150,
    popsize: int = 10,
    tol: float = 1e-6,
    polish: bool = True,
    n_sim: int = 2000,
    sim_seed=0,
    trim: TrimRule = WOLFE2010_TRIM,
    data: dict | None = None,
    progress=None,
) -> FitResult:
    """Fit a model to correct-RT quantile bins and error counts of every cell.

    Parameters
    ----------
    model : SearchModel
        Any registered model; its current parameter values are used for fixed parameters.
    trials : pandas.DataFrame, optional
        Trial table to fit (one observer x task, or pooled observers). Or give ``cells``.
    cells : pandas.DataFrame, optional
        Precomputed :func:`quantile_cells`.
    free : sequence of str, optional
        Parameters to estimate (default: all but ``fixed``).
    fixed : dict, optional
        Values held fixed (default: the model class's ``fit_fixed``, e.g. CGS's initial quit
        weight of 0).
    bounds : dict, optional
        ``{name: (lower, upper)}`` search bounds inside the declared ones (default: the class's
        ``fit_bounds`` where given, else the declared bounds).
    seeds : sequence of int
        One differential-evolution run (and polish) per seed.
    maxiter, popsize, tol : int, int, float
        Differential-evolution settings (``scipy.optimize.differential_evolution``).
    polish : bool
        Local optimisation from each seed's best point.
    n_sim, sim_seed : int
        Trials per cell and seed of the simulation for models without an exact likelihood.
    trim : TrimRule
        Outlier window for correct RTs.
    data : dict, optional
        Description of the data (data set, task, subject), stored in the result.
    progress : callable, optional
        Called with no arguments after each differential-evolution generation (a progress bar's
        ``update``).

    Returns
    -------
    FitResult
        ``loglik`` of the best seed, ``n_obs`` = trials in the likelihood, ``predictions`` with
        observed and predicted error rates and quantiles per cell, ``diagnostics`` with every
        seed's optimum, the spread of the optima, evaluations, time and bound warnings.
    """
    if cells is None:
        if trials is None:
            raise PsysimError("fit_quantiles: give trials or cells")
        cells = quantile_cells(trials, trim)
    start, free, b = _resolve(model, free, fixed, bounds)
    obj = QuantileObjective(start, cells, free, n_sim=n_sim, seed=sim_seed)
    space = _Space(type(model), free, b)
    zb = space.z_bounds
    f = lambda z: obj(space.to_params(z))  # noqa: E731
    t0 = time.perf_counter()
    runs = []
    for s in seeds:
        cb = (lambda *a, **k: progress()) if progress is not None else None
        de = differential_evolution(
            f, zb, seed=int(s), maxiter=int(maxiter), popsize=int(popsize), tol=tol,
            polish=False, init="sobol", updating="immediate", callback=cb,
        )
        z, fun = de.x, float(de.fun)
        if polish:
            method = "L-BFGS-B" if obj.predictor.exact else "Nelder-Mead"
            opts = {"maxiter": 400} if method == "Nelder-Mead" else {}
            loc = minimize(f, z, method=method, bounds=zb, options=opts)
            if loc.fun < fun:
                z, fun = loc.x, float(loc.fun)
        runs.append({"seed": int(s), "loss": fun, "params": {k: float(v) for k, v in space.to_params(z).items()},
                     "de_message": str(de.message), "de_nit": int(de.nit), "de_success": bool(de.success)})
    best = min(runs, key=lambda r: r["loss"])
    fitted = start.with_params(**best["params"])
    losses = np.array([r["loss"] for r in runs])
    spread = float(losses.max() - losses.min())
    warnings = []
    for n in free:
        lo, hi = b[n]
        v = fitted.params[n]
        tol_b = 1e-3 * (hi - lo)
        if v - lo <= tol_b or hi - v <= tol_b:
            warnings.append(f"parameter '{n}' ended at its search bound ({v:g} in [{lo:g}, {hi:g}])")
    if len(runs) > 1 and spread > 1.0:
        warnings.append(f"seeds disagree: best log-likelihoods span {spread:.2f}; the search may not have converged")
    preds = _predictions(obj, fitted)
    loglik = -best["loss"]
    return FitResult(
        model=model.name,
        params=fitted.params,
        free=tuple(free),
        loss=best["loss"],
        loglik=loglik,
        n_obs=int(cells["n"].sum()),
        objective=OBJECTIVE,
        predictions=preds,
        data=dict(data or {}),
        diagnostics={
            "optimizer": f"scipy differential_evolution (maxiter={maxiter}, popsize={popsize}) + "
            + ("local polish" if polish else "no polish"),
            "exact_likelihood": bool(obj.predictor.exact),
            "n_sim": None if obj.predictor.exact else int(n_sim),
            "seeds": runs,
            "loss_spread": spread,
            "converged": bool(spread <= 1.0),
            "bounds": {n: list(v) for n, v in b.items()},
            "fixed": {n: float(start.params[n]) for n in start.params if n not in free},
            "n_evaluations": int(obj.n_eval),
            "seconds": round(time.perf_counter() - t0, 3),
            "warnings": warnings,
        },
    )


def _predictions(obj: QuantileObjective, model: SearchModel) -> pd.DataFrame:
    pred = obj.predictor.quantiles(model)
    probs = obj.predictor.probabilities(model, obj.edges)
    out = obj.cells.copy()
    for c in ["pred_error_rate", *(f"pred_{q}" for q in QUANTILE_COLUMNS)]:
        out[c] = pred[c].to_numpy()
    for k in range(probs.shape[1] - 1):
        out[f"p_bin{k}"] = probs[:, k]
    out["p_error"] = probs[:, -1]
    return out


def quantile_rmse(observed: pd.DataFrame, predicted: pd.DataFrame, pred_prefix: str = "pred_") -> float:
    """Root-mean-square difference (ms) of correct-RT quantiles over matching cells.

    ``observed`` has ``q10 .. q90``; ``predicted`` has ``{pred_prefix}q10 ..`` (or the same
    names when ``pred_prefix`` is ``""``); rows are matched on task, set size and presence.
    """
    pcols = [f"{pred_prefix}{c}" for c in QUANTILE_COLUMNS]
    right = predicted[CELL_KEYS + pcols].rename(columns=dict(zip(pcols, [f"_p_{c}" for c in QUANTILE_COLUMNS])))
    m = observed[CELL_KEYS + list(QUANTILE_COLUMNS)].merge(right, on=CELL_KEYS)
    if m.empty:
        raise PsysimError("quantile_rmse: no cells in common")
    d = m[list(QUANTILE_COLUMNS)].to_numpy(float) - m[[f"_p_{c}" for c in QUANTILE_COLUMNS]].to_numpy(float)
    return float(math.sqrt(np.nanmean(d**2)))
