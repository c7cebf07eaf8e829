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
2010 trials); every error trial counts. The outermost bins end at the trimming bounds and the
model's probabilities are conditioned on a trial not being a trimmed correct trial (a
truncated likelihood), so trimming does not bias the fit.

Model probabilities come from the model's exact ``correct_cdf`` when it has one (Competitive
Guided Search), otherwise from simulation with common random numbers (the same seed, and for
models that read items the same displays, at every evaluation), so the objective is a
deterministic function of the parameters; the simulated counts are turned into a bias-corrected
log-likelihood (:mod:`psysim.fitting.simlik`: half counts plus a second-order correction, which
removes the ~40 log-likelihood units the plain estimator loses at 300 simulated trials per
cell), and the fitted parameters are scored again with independent seeds, which gives the
reported log-likelihood and its Monte Carlo standard error.

The search is repeated from several seeds. With an exact likelihood (smooth in the
parameters) each seed is a multi-start local search: scrambled Sobol points over the bounds in
log coordinates, and L-BFGS-B from the best of them; a final L-BFGS-B polish refines the best
optimum. With a simulated likelihood (a step function of the parameters) each seed is bounded
differential evolution (Storn & Price 1997, ``scipy.optimize``) with an optional Nelder-Mead
polish, parameters spanning three or more orders of magnitude on a log scale. The result
reports every seed's optimum, how many seeds agree with the best within ``converge_tol``
log-likelihood units (convergence), and a warning for each parameter that ends at a bound.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
from scipy.optimize import differential_evolution, minimize
from scipy.special import gammaln

from psysim.errors import ParameterError, PsysimError
from psysim.fitting.budget import BudgetSpent, Counted
from psysim.fitting.result import FitResult
from psysim.fitting.simlik import ESTIMATORS, replicate_logliks, simulated_loglik
from psysim.models.base import SearchModel, make_design
from psysim.seeds import check_seed
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
        ``n_correct``, ``n_error``, ``error_rate``, the trimming window ``trim_lower,
        trim_upper`` (ms), the quantiles ``q10 .. q90`` (ms) of the correct RTs, and the counts
        ``n_bin0 .. n_bin5`` of correct RTs between them (bin 0 starts at ``trim_lower``, bin 5
        ends at ``trim_upper``).
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
        row.update(trim_lower=float(trim.lower), trim_upper=float(trim.upper_by_task.get(key[0], trim.upper)))
        row.update(zip(QUANTILE_COLUMNS, q))
        row.update(zip(BIN_COLUMNS, counts.astype(int)))
        rows.append(row)
    if not rows:
        raise PsysimError("quantile_cells: no trials left after trimming")
    return pd.DataFrame(rows)


def _edges(cells: pd.DataFrame) -> np.ndarray:
    """(cells, 7) bin edges: the trimming bounds around the five quantiles."""
    lo = cells["trim_lower"].to_numpy(float) if "trim_lower" in cells else np.zeros(len(cells))
    hi = cells["trim_upper"].to_numpy(float) if "trim_upper" in cells else np.full(len(cells), np.inf)
    return np.column_stack([lo, cells[list(QUANTILE_COLUMNS)].to_numpy(float), hi])


def _counts(cells: pd.DataFrame) -> np.ndarray:
    """(cells, 7) observed counts: six RT bins and the error count."""
    return np.column_stack([cells[list(BIN_COLUMNS)].to_numpy(float), cells["n_error"].to_numpy(float)])


def multinomial_loglik(counts, probs) -> float:
    """Multinomial log-likelihood summed over cells (rows), with the multinomial coefficient.

    ``counts`` and ``probs`` have shape (cells, categories); probabilities are floored at
    :data:`P_FLOOR` and each row renormalised.

    Parameters
    ----------
    counts : array_like, shape (cells, categories)
        Observed counts.
    probs : array_like, shape (cells, categories)
        Predicted probabilities.

    Returns
    -------
    float
        The log-likelihood.
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

    def __init__(self, model_cls: type[SearchModel], cells: pd.DataFrame, n_sim: int = 2000, seed=0,
                 simulate: bool = False):
        self.model_cls = model_cls
        self.cells = cells[CELL_KEYS].reset_index(drop=True)
        # ``simulate=True`` scores even a model with an exact likelihood by simulation (used to
        # measure the simulated estimator against the exact one: analysis/mc_penalty.py)
        self.exact = hasattr(model_cls, "correct_cdf") and not simulate
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
                # a categorical task column makes per-task look-ups (``.map``) in the model's
                # simulation cheap; the design is reused at every evaluation
                d["task"] = d["task"].astype("category")
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
        """(cells, 7) probabilities of the six correct-RT bins and of an error.

        ``edges`` (cells, 7) are the trimming bounds and the five quantiles. The data hold no
        correct RTs outside the trimming window, so the model's probabilities are conditioned
        on a trial not being such an outlier (renormalised over the seven categories).
        """
        out = np.zeros((len(self.cells), edges.shape[1]))
        if self.exact:
            n, tp = self.cells["set_size"].to_numpy(), self.cells["target_present"].to_numpy()
            fin = np.where(np.isfinite(edges), edges, 1e9)
            if hasattr(model, "correct_cdf_cells"):
                pc, cdf = model.correct_cdf_cells(n, tp, fin)
            else:
                res = [model.correct_cdf(int(a), bool(b), e) for a, b, e in zip(n, tp, fin)]
                pc, cdf = np.array([r[0] for r in res]), np.array([r[1] for r in res])
            out[:, :-1] = np.diff(cdf, axis=1)
            out[:, -1] = 1.0 - pc
        else:
            # half-count smoothing: the p_bin columns of the predictions; the objective of a
            # simulated likelihood is psysim.fitting.simlik's bias-corrected estimator
            out = self.sim_counts(model, edges) + 0.5
        out = np.clip(out, 0.0, None)
        tot = out.sum(axis=1, keepdims=True)
        return out / np.where(tot > 0, tot, 1.0)

    def sim_counts(self, model: SearchModel, edges: np.ndarray) -> np.ndarray:
        """(cells, 7) simulated trials in each correct-RT bin and errors (correct trials
        outside the trimming window left out), for the estimators of :mod:`psysim.fitting.simlik`."""
        # plain arrays (no DataFrame per evaluation): the cell of each simulated trial
        table, ds = self.design()
        if getattr(self, "_cell_of", None) is None:
            key = pd.MultiIndex.from_frame(self.cells[CELL_KEYS])
            self._cell_of = key.get_indexer(pd.MultiIndex.from_frame(table[CELL_KEYS]))
            self._present = table["target_present"].to_numpy(bool)
        res = model._simulate(table, np.random.default_rng(self.seed), ds)
        rt = np.asarray(res["rt"], float)
        correct = np.asarray(res["response"], bool) == self._present
        out = np.zeros((len(self.cells), edges.shape[1]))
        for i in range(len(self.cells)):
            sel = self._cell_of == i
            r = rt[sel & correct]
            b = np.searchsorted(edges[i], r, side="left")
            counts = np.bincount(b, minlength=edges.shape[1] + 1)[1:-1]  # drop outliers
            out[i, :-1] = counts
            out[i, -1] = sel.sum() - len(r)
        return out

    def _groups(self, sim):
        groups = dict(tuple(sim.groupby(CELL_KEYS, sort=False)))
        for key in self.cells.itertuples(index=False, name=None):
            yield key, groups[key]

    def quantiles(self, model: SearchModel, window=None) -> pd.DataFrame:
        """Predicted error rate and correct-RT quantiles (ms) for each cell.

        ``window`` (cells, 2) restricts the quantiles to correct RTs inside the trimming
        window, like the observed ones; default: no restriction.
        """
        rows = []
        if window is None:
            window = np.column_stack([np.zeros(len(self.cells)), np.full(len(self.cells), np.inf)])
        if self.exact:
            grid = np.linspace(0.0, 20000.0, 4001)
            for (n, tp), (lo, hi) in zip(zip(self.cells["set_size"], self.cells["target_present"]), window):
                pc, cdf = model.correct_cdf(int(n), bool(tp), grid)
                f_lo, f_hi = np.interp([lo, min(hi, grid[-1])], grid, cdf)
                if f_hi > f_lo:
                    q = np.interp(f_lo + np.asarray(QUANTILES) * (f_hi - f_lo), cdf, grid)
                else:
                    q = np.full(len(QUANTILES), np.nan)
                rows.append([1.0 - pc, *q])
        else:
            sim = self.simulate(model)
            for (_, g), (lo, hi) in zip(self._groups(sim), window):
                rt = g["rt"].to_numpy()[g["correct"].to_numpy()]
                rt = rt[(rt >= lo) & (rt <= hi)]
                q = np.quantile(rt, QUANTILES) if len(rt) else np.full(len(QUANTILES), np.nan)
                rows.append([1.0 - g["correct"].mean(), *q])
        pred = pd.DataFrame(rows, columns=["pred_error_rate", *(f"pred_{c}" for c in QUANTILE_COLUMNS)])
        return pd.concat([self.cells, pred], axis=1)


def _window(cells: pd.DataFrame):
    if "trim_lower" in cells:
        return cells[["trim_lower", "trim_upper"]].to_numpy(float)
    return None


# -- parameter transforms -------------------------------------------------------------------
class _Space:
    """Free parameters <-> optimiser coordinates.

    ``log="wide"`` (differential evolution on simulated likelihoods): parameters whose
    non-negative bounds span three or more orders of magnitude are searched as
    ``log(v - lower + shift)``, the rest linearly. ``log="all"`` (multi-start local search on
    exact likelihoods): every parameter with a non-negative lower bound is searched as
    ``log(v)``, or ``log(v + shift)`` when the lower bound is 0 (``shift`` = 1e-5 of the upper
    bound), so that scale parameters (weights, rates, times) move by ratios and the optimiser
    sees a better-conditioned surface.
    """

    def __init__(self, model_cls, free, bounds, log: str = "wide"):
        self.free = list(free)
        self.lo = np.array([bounds[n][0] for n in self.free], float)
        self.hi = np.array([bounds[n][1] for n in self.free], float)
        span = self.hi - self.lo
        if log == "all":
            self.log = self.lo >= 0
            self.base = np.zeros_like(self.lo)
            self.shift = np.where(self.lo > 0, 0.0, self.hi * 1e-5)
        else:
            self.log = (self.lo >= 0) & (self.hi >= 1000.0 * np.maximum(self.lo, span * 1e-6))
            self.base = self.lo.copy()
            self.shift = np.maximum(span * 1e-5, 1e-12)

    def to_params(self, z):
        """Parameter values of a point ``z`` (n_free,), or arrays of values for ``z`` (P, n_free)."""
        lo, hi = np.array(self.z_bounds).T
        z = np.clip(np.asarray(z, float), lo, hi)
        v = np.where(self.log, self.base + np.exp(np.where(self.log, z, 0.0)) - self.shift, z)
        v = np.clip(v, self.lo, self.hi)
        return dict(zip(self.free, v.T))

    def to_z(self, values):
        v = np.asarray([values[n] for n in self.free], float)
        return np.where(self.log, np.log(np.maximum(v - self.base + self.shift, 1e-300)), v)

    @property
    def z_bounds(self):
        zlo = np.where(self.log, np.log(np.maximum(self.lo - self.base + self.shift, 1e-300)), self.lo)
        zhi = np.where(self.log, np.log(self.hi - self.base + self.shift), self.hi)
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
    estimator : {"corrected", "smoothed"}
        Estimator of a simulated likelihood (:mod:`psysim.fitting.simlik`): the bias-corrected
        one (default) or the former half-count smoothing alone.
    simulate : bool
        Score a model that has an exact likelihood by simulation all the same (for measuring
        the simulated estimators against the exact likelihood).
    """

    def __init__(self, model: SearchModel, cells: pd.DataFrame, free, n_sim: int = 2000, seed=0,
                 estimator: str = "corrected", simulate: bool = False):
        if estimator not in ESTIMATORS:
            raise PsysimError(f"fit_quantiles: estimator must be one of {', '.join(ESTIMATORS)}, got {estimator!r}")
        self.model = model
        self.cells = cells.reset_index(drop=True)
        self.free = list(free)
        self.edges = _edges(self.cells)
        self.counts = _counts(self.cells)
        self.estimator = estimator
        self.predictor = CellPredictor(type(model), self.cells, n_sim=n_sim, seed=seed, simulate=simulate)
        self.n_eval = 0

    def loglik(self, values: dict) -> float:
        """Log-likelihood at parameter values (free ones; the rest from ``model``)."""
        try:
            m = self.model.with_params(**values)
        except ParameterError:
            return -1e12
        self.n_eval += 1
        if self.predictor.exact:
            ll = multinomial_loglik(self.counts, self.predictor.probabilities(m, self.edges))
        else:
            ll = simulated_loglik(self.counts, self.predictor.sim_counts(m, self.edges), self.estimator,
                                  self.predictor.n_sim)
        return ll if np.isfinite(ll) else -1e12

    def __call__(self, values: dict) -> float:
        return -self.loglik(values)

    @property
    def batched(self) -> bool:
        """Whether the model computes exact probabilities for many parameter sets at once."""
        return hasattr(type(self.model), "correct_cdf_batch") and self.predictor.exact

    def loss_batch(self, values: dict) -> np.ndarray:
        """Negative log-likelihoods of ``P`` parameter sets (``values``: free name -> (P,)).

        Uses the model class's vectorised ``correct_cdf_batch``; the values must lie inside
        the declared bounds (the fitter guarantees this), as the model constructor is skipped.
        """
        full = {k: np.asarray(values.get(k, v), float) for k, v in self.model.params.items()}
        n, tp = self.cells["set_size"].to_numpy(), self.cells["target_present"].to_numpy()
        fin = np.where(np.isfinite(self.edges), self.edges, 1e9)
        pc, cdf = type(self.model).correct_cdf_batch(full, n, tp, fin)
        probs = np.concatenate([np.diff(cdf, axis=2), (1.0 - pc)[:, :, None]], axis=2)
        # as probabilities() then multinomial_loglik(): clip at 0, normalise, floor, normalise
        probs = np.clip(probs, 0.0, None)
        tot = probs.sum(axis=2, keepdims=True)
        probs = np.clip(probs / np.where(tot > 0, tot, 1.0), P_FLOOR, None)
        probs = probs / probs.sum(axis=2, keepdims=True)
        if not hasattr(self, "_coef"):
            self._coef = float(np.sum(gammaln(self.counts.sum(axis=1) + 1) - gammaln(self.counts + 1).sum(axis=1)))
        ll = self._coef + np.einsum("ck,pck->p", self.counts, np.log(probs))
        self.n_eval += len(ll)
        return np.where(np.isfinite(ll), -ll, 1e12)


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


def _multistart(f, zb, seed, n_starts, n_local, progress=None, fb=None):
    """One seed of the multi-start search: scrambled Sobol points over the box, then L-BFGS-B
    from the ``n_local`` best of them. Returns ``(z, loss, info)``.

    ``fb`` (optional) evaluates many points at once (``(P, n) -> (P,)``); it is used for the
    starting points and for forward-difference gradients (one call per gradient).
    """
    from scipy.stats import qmc

    lo, hi = np.array(zb).T
    m = max(1, int(2 ** math.ceil(math.log2(max(int(n_starts), 2)))))  # Sobol wants powers of 2
    pts = qmc.scale(qmc.Sobol(len(lo), scramble=True, seed=seed).random(m), lo, hi)
    if fb is not None:
        vals = np.concatenate([fb(pts[i:i + 64]) for i in range(0, m, 64)])
        eye = np.eye(len(lo))

        def fun(z):
            h = 1e-7 * np.maximum(1.0, np.abs(z))
            step = np.where(z + h <= hi, h, -h)  # stay inside the box at the upper bound
            out = fb(np.vstack([z, z + eye * step]))
            return float(out[0]), (out[1:] - out[0]) / step

        jac = True
    else:
        vals = np.array([f(x) for x in pts])
        fun, jac = f, None
    losses = []
    best_z, best_f = pts[np.argmin(vals)], float(vals.min())
    for i in _diverse_best(pts, vals, lo, hi, int(n_local)):
        loc = minimize(fun, pts[i], jac=jac, method="L-BFGS-B", bounds=zb, options={"maxiter": 200})
        losses.append(float(loc.fun))
        if loc.fun < best_f:
            best_z, best_f = loc.x, float(loc.fun)
        if progress is not None:
            progress()
    return best_z, best_f, {"n_starts": int(m), "local_losses": losses}


def _diverse_best(pts, vals, lo, hi, k, min_dist=0.15):
    """Indices of up to ``k`` good, spread-out starting points: in order of loss, skipping
    points within ``min_dist`` (root-mean-square distance in box-normalised coordinates) of
    one already chosen, so that the local searches explore separate basins; filled up with
    the next best points if too few are far enough apart."""
    order = np.argsort(vals)
    unit = (pts - lo) / np.where(hi > lo, hi - lo, 1.0)
    chosen = []
    for i in order:
        if len(chosen) >= k:
            break
        if all(np.sqrt(np.mean((unit[i] - unit[j]) ** 2)) >= min_dist for j in chosen):
            chosen.append(i)
    chosen += [i for i in order if i not in chosen][: max(0, k - len(chosen))]
    return chosen


def _de_run(f, zb, seed, maxiter, popsize, tol, polish, n_polish, exact, progress=None):
    """One seed of differential evolution (+ local polish of the best members)."""
    cb = (lambda *a, **k: progress()) if progress is not None else None
    de = differential_evolution(
        f, zb, seed=int(seed), maxiter=int(maxiter), popsize=int(popsize), tol=tol,
        polish=False, init="sobol", updating="immediate", callback=cb,
    )
    z, fun = de.x, float(de.fun)
    if polish:
        # local polish from the best few members of the final population (the likelihood
        # surface of search models has separate basins, e.g. strong vs weak guidance)
        method = "L-BFGS-B" if exact else "Nelder-Mead"
        opts = {"maxiter": 400} if method == "Nelder-Mead" else {"maxiter": 100}
        starts = [de.x]
        pop = getattr(de, "population", None)
        if pop is not None and n_polish > 1:
            order = np.argsort(de.population_energies)
            starts += [pop[i] for i in order[1:n_polish]]
        for z0 in starts:
            loc = minimize(f, z0, method=method, bounds=zb, options=opts)
            if loc.fun < fun:
                z, fun = loc.x, float(loc.fun)
    return z, fun, {"de_message": str(de.message), "de_nit": int(de.nit), "de_success": bool(de.success)}


class FitProblem:
    """What one fit needs apart from the search seeds: the objective, the free parameters,
    their bounds and optimiser coordinates, and the search method.

    Made by :func:`prepare_fit`. :func:`search_once` runs one independent search (one seed)
    on it and :func:`finish_fit` turns the searches into a :class:`FitResult`;
    :func:`fit_quantiles` is the three in a row. :mod:`psysim.fitting.tasks` runs the searches
    of many fits as separate executor tasks (other processes or machines), each on a problem
    rebuilt from the same arguments, which gives the same numbers: the objective is a
    deterministic function of the parameters (exact, or common random numbers).

    Parameters
    ----------
    model : SearchModel
        The model; its current values are used for fixed parameters.
    cells : pandas.DataFrame
        The :func:`quantile_cells` to fit.
    free, fixed, bounds, method, n_sim, sim_seed, estimator
        As in :func:`fit_quantiles`.
    simulate : bool
        Use the simulated likelihood even where the model has an exact one.
    """

    def __init__(self, model: SearchModel, cells: pd.DataFrame, free=None, fixed=None, bounds=None,
                 method: str = "auto", n_sim: int = 2000, sim_seed=0, estimator: str = "corrected",
                 simulate: bool = False):
        start, free, b = _resolve(model, free, fixed, bounds)
        self.model, self.start, self.free, self.bounds = model, start, list(free), b
        self.cells = cells
        self.n_sim = n_sim
        self.sim_seed = sim_seed
        self.obj = QuantileObjective(start, cells, free, n_sim=n_sim, seed=sim_seed, estimator=estimator,
                                     simulate=simulate)
        if method == "auto":
            method = "multistart" if self.obj.predictor.exact else "de"
        if method not in ("multistart", "de"):
            raise PsysimError(f"fit_quantiles: method must be 'auto', 'multistart' or 'de', got {method!r}")
        self.method = method
        self.space = _Space(type(model), free, b, log="all" if method == "multistart" else "wide")
        self.zb = self.space.z_bounds

    def f(self, z) -> float:
        """The loss (negative log-likelihood) at optimiser coordinates ``z``."""
        return self.obj(self.space.to_params(z))

    @property
    def fb(self):
        """The loss of many points at once (``(P, n) -> (P,)``), or None without a batched model."""
        if not self.obj.batched:
            return None
        return lambda Z: self.obj.loss_batch(self.space.to_params(np.atleast_2d(Z)))


def prepare_fit(
    model: SearchModel,
    trials: pd.DataFrame | None = None,
    *,
    cells: pd.DataFrame | None = None,
    free=None,
    fixed: dict | None = None,
    bounds: dict | None = None,
    method: str = "auto",
    n_sim: int = 2000,
    sim_seed=0,
    trim: TrimRule = WOLFE2010_TRIM,
    estimator: str = "corrected",
    simulate: bool = False,
) -> FitProblem:
    """The :class:`FitProblem` of :func:`fit_quantiles` (same parameters); checks them all.

    Parameters
    ----------
    model, trials, cells, free, fixed, bounds, method, n_sim, sim_seed, trim, estimator
        As in :func:`fit_quantiles`.
    simulate : bool
        Use the simulated likelihood even where the model has an exact one.

    Returns
    -------
    FitProblem
        The checked problem; bad parameters or bounds raise :class:`PsysimError` here.
    """
    if cells is None:
        if trials is None:
            raise PsysimError("fit_quantiles: give trials or cells")
        cells = quantile_cells(trials, trim)
    return FitProblem(model, cells, free, fixed, bounds, method, n_sim, check_seed(sim_seed, "sim_seed"),
                      estimator, simulate)


def search_once(problem: FitProblem, seed: int, *, maxiter: int = 60, popsize: int = 8, tol: float = 1e-6,
                polish: bool = True, n_polish: int = 1, n_starts: int = 512, n_local: int = 8,
                max_evals: int | None = None, progress=None) -> dict:
    """One independent search of a fit from one seed (see :func:`fit_quantiles` for the settings).

    ``max_evals`` (the budget policy of :mod:`psysim.fitting.budget`) stops the search when it
    has evaluated the likelihood that many times; its result is then the best point evaluated.

    Parameters
    ----------
    problem : FitProblem
        From :func:`prepare_fit`.
    seed : int
        Seed of this search.
    maxiter, popsize, tol, polish, n_polish, n_starts, n_local, max_evals, progress
        As in :func:`fit_quantiles`.

    Returns
    -------
    dict
        ``seed, loss, params`` (the search's optimum), ``z`` (its optimiser coordinates), the
        method's own diagnostics, ``n_evaluations`` and ``seconds``. Plain Python values, so
        that it can travel between processes and be checkpointed.
    """
    n0, t0 = problem.obj.n_eval, time.perf_counter()
    f = Counted(problem.f, problem.fb, None if max_evals is None else int(max_evals))
    try:
        if problem.method == "multistart":
            z, fun, info = _multistart(f, problem.zb, int(seed), n_starts, n_local, progress, f.fb)
        else:
            z, fun, info = _de_run(f, problem.zb, int(seed), maxiter, popsize, tol, polish, n_polish,
                                   problem.obj.predictor.exact, progress)
        info["budget_spent"] = False
    except BudgetSpent:
        z, fun, info = f.best_z, f.best_f, {"budget_spent": True}
    run = {"seed": int(seed), "loss": float(fun), **info}
    run["params"] = {k: float(v) for k, v in problem.space.to_params(z).items()}
    run["z"] = [float(v) for v in z]
    run["n_evaluations"] = int(problem.obj.n_eval - n0)
    run["seconds"] = round(time.perf_counter() - t0, 3)
    return run


def finish_fit(problem: FitProblem, runs, *, polish: bool = True, maxiter: int = 60, popsize: int = 8,
               n_starts: int = 512, n_local: int = 8, converge_tol: float = 1.0, n_replicates: int = 8,
               n_sim_score: int | None = 2000, max_evals: int | None = None, data: dict | None = None, seconds: float | None = None, **_ignored) -> FitResult:
    """The :class:`FitResult` of a fit from its searches (:func:`search_once` results, in seed order).

    Picks the best search (the first of equal ones), polishes it (multi-start, with
    ``polish``), checks convergence and bounds and predicts every cell. ``seconds`` is the
    fit's time (default: the searches' times plus this step's). Other search settings
    (``tol``, ``n_polish``) are accepted and ignored, so that one settings dict serves both.

    A simulated likelihood is then evaluated ``n_replicates`` times at the fitted parameters
    with ``n_sim_score`` simulated trials per cell (None: the search's ``n_sim``), each with a
    fresh, independent simulation seed (:func:`psysim.fitting.simlik.replicate_logliks`):
    the result's ``loglik`` (and so AIC and BIC) is their mean, and
    ``diagnostics["loglik_mc_se"]`` its Monte Carlo standard error (SD / sqrt(n_replicates));
    ``diagnostics["loglik_search"]`` keeps the optimiser's own value, which is optimistic by
    the noise it was tuned to. ``n_replicates = 0`` keeps the search value and reports the
    error as unknown (NaN). An exact likelihood has ``loglik_mc_se`` 0.

    Parameters
    ----------
    problem : FitProblem
        The problem the searches ran on.
    runs : sequence of dict
        :func:`search_once` results, in seed order.
    polish, maxiter, popsize, n_starts, n_local, converge_tol, n_replicates, n_sim_score, max_evals, data
        As in :func:`fit_quantiles`.
    seconds : float, optional
        The fit's time, stored in the diagnostics.
    **_ignored
        Search-only settings, accepted so one settings dict serves both steps.

    Returns
    -------
    FitResult
        See :func:`fit_quantiles`.
    """
    runs = [dict(r) for r in runs]
    if not runs:
        raise PsysimError("fit_quantiles: seeds must name at least one search")
    n_replicates = int(n_replicates)
    if n_replicates == 1 or n_replicates < 0:
        raise PsysimError(f"fit_quantiles: n_replicates must be 0 or at least 2, got {n_replicates}")
    t0 = time.perf_counter()
    n0 = problem.obj.n_eval
    zb, space, free, b, start = problem.zb, problem.space, problem.free, problem.bounds, problem.start
    best = min(runs, key=lambda r: r["loss"])
    if problem.method == "multistart" and polish:
        # final polish of the best optimum over all seeds (cheap when it is already a minimum)
        loc = minimize(problem.f, np.asarray(best["z"]), method="L-BFGS-B", bounds=zb, options={"maxiter": 200})
        # (scipy's own finite differences here: an independent check on the batched gradient)
        if loc.fun < best["loss"]:
            best = dict(best, loss=float(loc.fun), params={k: float(v) for k, v in space.to_params(loc.x).items()})
    n_eval = sum(int(r.get("n_evaluations", 0)) for r in runs) + problem.obj.n_eval - n0
    for r in runs:
        r.pop("z", None)
    fitted = start.with_params(**best["params"])
    losses = np.array([r["loss"] for r in runs])
    spread = float(losses.max() - losses.min())
    n_agree = int(np.sum(losses - best["loss"] <= converge_tol))
    warnings = []
    zbest = space.to_z(fitted.params)
    for i, n in enumerate(free):
        zlo, zhi = zb[i]
        if min(zbest[i] - zlo, zhi - zbest[i]) <= 1e-3 * (zhi - zlo):
            lo, hi = b[n]
            warnings.append(f"parameter '{n}' ended at its search bound ({fitted.params[n]:g} in [{lo:g}, {hi:g}])")
    if len(runs) > 1 and n_agree < len(runs):
        warnings.append(f"seeds disagree: {n_agree} of {len(runs)} seeds within {converge_tol:g} of the best "
                        f"log-likelihood (spread {spread:.2f}); the search may not have converged")
    if problem.method == "multistart":
        optimizer = (f"multi-start L-BFGS-B in log coordinates: per seed {n_starts} scrambled-Sobol points, "
                     f"the best {n_local} optimised locally" + ("; final polish of the best" if polish else ""))
    else:
        optimizer = (f"scipy differential_evolution (maxiter={maxiter}, popsize={popsize}) + "
                     + ("local polish" if polish else "no polish"))
    if max_evals is not None:
        optimizer += f"; at most {int(max_evals)} likelihood evaluations per seed"
    preds = _predictions(problem.obj, fitted)
    exact = bool(problem.obj.predictor.exact)
    loglik, mc_se, reps = -best["loss"], (0.0 if exact else float("nan")), []
    if not exact and n_replicates:
        obj = problem.obj
        reps = replicate_logliks(fitted, problem.cells, obj.counts, obj.edges, n_sim=int(n_sim_score or problem.n_sim),
                                 sim_seed=problem.sim_seed, n_replicates=n_replicates, estimator=obj.estimator)
        loglik, mc_se = float(reps.mean()), float(reps.std(ddof=1) / math.sqrt(len(reps)))
    if seconds is None:
        seconds = sum(float(r.get("seconds", 0.0)) for r in runs) + time.perf_counter() - t0
    return FitResult(
        model=problem.model.name,
        params=fitted.params,
        free=tuple(free),
        loss=best["loss"],
        loglik=loglik,
        n_obs=int(problem.cells["n"].sum()),
        objective=OBJECTIVE,
        predictions=preds,
        data=dict(data or {}),
        diagnostics={
            "optimizer": optimizer,
            "method": problem.method,
            "exact_likelihood": exact,
            "n_sim": None if exact else int(problem.n_sim),
            "estimator": "exact" if exact else problem.obj.estimator,
            "loglik_search": -best["loss"],
            "loglik_mc_se": mc_se,
            "loglik_replicates": [float(v) for v in reps],
            "n_sim_score": None if exact or not n_replicates else int(n_sim_score or problem.n_sim),
            "seeds": runs,
            "loss_spread": spread,
            "n_seeds_agree": n_agree,
            "converge_tol": float(converge_tol),
            "converged": bool(n_agree == len(runs)),
            "bounds": {n: list(v) for n, v in b.items()},
            "fixed": {n: float(start.params[n]) for n in start.params if n not in free},
            "n_evaluations": int(n_eval),
            "seconds": round(float(seconds), 3),
            "warnings": warnings,
        },
    )


def fit_quantiles(
    model: SearchModel,
    trials: pd.DataFrame | None = None,
    *,
    cells: pd.DataFrame | None = None,
    free=None,
    fixed: dict | None = None,
    bounds: dict | None = None,
    seeds=(0, 1, 2),
    maxiter: int = 60,
    popsize: int = 8,
    tol: float = 1e-6,
    polish: bool = True,
    n_polish: int = 1,
    method: str = "auto",
    n_starts: int = 512,
    n_local: int = 8,
    converge_tol: float = 1.0,
    n_sim: int = 2000,
    sim_seed=0,
    trim: TrimRule = WOLFE2010_TRIM,
    estimator: str = "corrected",
    n_replicates: int = 8,
    n_sim_score: int | None = 2000,
    max_evals: int | None = None,
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
        One independent search per seed; the fit is "converged" when every seed's optimum is
        within ``converge_tol`` log-likelihood units of the best.
    maxiter, popsize, tol : int, int, float
        Differential-evolution settings (``scipy.optimize.differential_evolution``;
        ``method="de"`` only).
    polish : bool
        DE: local optimisation from each seed's best point(s). Multi-start: a final L-BFGS-B
        polish of the best optimum over all seeds.
    n_polish : int
        DE: number of members of the final population (best first) polished per seed.
    method : {"auto", "multistart", "de"}
        ``"multistart"`` (the default for models with an exact likelihood, such as CGS):
        per seed, ``n_starts`` scrambled-Sobol points over the box in log coordinates and
        L-BFGS-B from the ``n_local`` best; the likelihood is smooth, so gradient-based local
        search from several good starts finds the basins that a short differential evolution
        misses. ``"de"`` (the default for simulated likelihoods, which are step functions of
        the parameters): differential evolution.
    n_starts, n_local : int
        Multi-start settings (``n_starts`` is rounded up to a power of 2).
    converge_tol : float
        Agreement (log-likelihood units) required of the seeds' optima.
    n_sim, sim_seed : int
        Trials per cell and seed of the simulation for models without an exact likelihood.
    estimator : {"corrected", "smoothed"}
        Estimator of a simulated likelihood (:mod:`psysim.fitting.simlik`).
    n_replicates : int
        Independent evaluations of a simulated likelihood at the fitted parameters, whose mean
        is the result's ``loglik`` and whose standard error is ``diagnostics["loglik_mc_se"]``
        (see :func:`finish_fit`); 0 keeps the optimiser's value.
    max_evals : int, optional
        Likelihood evaluations allowed per search (seed); see :mod:`psysim.fitting.budget`.
    n_sim_score : int or None
        Simulated trials per cell of those evaluations (None: ``n_sim``). Larger than the
        search's, since they are few: at 2000 the estimator's bias is below 0.3 units and one
        evaluation's SD about 3.5 units for eight cells of 500 trials (:mod:`psysim.fitting.simlik`).
    trim : TrimRule
        Outlier window for correct RTs.
    data : dict, optional
        Description of the data (data set, task, subject), stored in the result.
    progress : callable, optional
        Called with no arguments after each differential-evolution generation or local
        optimisation (a progress bar's ``update``).

    Returns
    -------
    FitResult
        ``loglik`` of the best seed, ``n_obs`` = trials in the likelihood, ``predictions`` with
        observed and predicted error rates and quantiles per cell, ``diagnostics`` with every
        seed's optimum, the spread of the optima, evaluations, time and bound warnings.

    Notes
    -----
    The same as :func:`prepare_fit`, :func:`search_once` for every seed, then
    :func:`finish_fit`; :func:`psysim.fitting.tasks.fit_many` runs those steps of many fits
    as tasks of an executor.
    """
    seeds = [check_seed(s, "seeds") for s in (seeds if np.iterable(seeds) and not isinstance(seeds, str) else [seeds])]
    problem = prepare_fit(model, trials, cells=cells, free=free, fixed=fixed, bounds=bounds, method=method,
                          n_sim=n_sim, sim_seed=sim_seed, trim=trim, estimator=estimator)
    t0 = time.perf_counter()
    settings = {"maxiter": maxiter, "popsize": popsize, "polish": polish, "n_starts": n_starts, "n_local": n_local}
    runs = [search_once(problem, s, tol=tol, n_polish=n_polish, max_evals=max_evals, progress=progress, **settings)
            for s in seeds]
    return finish_fit(problem, runs, converge_tol=converge_tol, n_replicates=n_replicates, n_sim_score=n_sim_score, max_evals=max_evals,
                      data=data, **settings,
                      seconds=time.perf_counter() - t0)


def _predictions(obj: QuantileObjective, model: SearchModel) -> pd.DataFrame:
    pred = obj.predictor.quantiles(model, _window(obj.cells))
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

    Parameters
    ----------
    observed : pandas.DataFrame
        Observed cells with ``q10 .. q90``.
    predicted : pandas.DataFrame
        Predicted cells.
    pred_prefix : str
        Prefix of the predicted quantile columns.

    Returns
    -------
    float
        RMSE in ms.
    """
    pcols = [f"{pred_prefix}{c}" for c in QUANTILE_COLUMNS]
    right = predicted[CELL_KEYS + pcols].rename(columns=dict(zip(pcols, [f"_p_{c}" for c in QUANTILE_COLUMNS])))
    m = observed[CELL_KEYS + list(QUANTILE_COLUMNS)].merge(right, on=CELL_KEYS)
    if m.empty:
        raise PsysimError("quantile_rmse: no cells in common")
    d = m[list(QUANTILE_COLUMNS)].to_numpy(float) - m[[f"_p_{c}" for c in QUANTILE_COLUMNS]].to_numpy(float)
    if not np.isfinite(d).any():
        return float("nan")  # the model predicts no correct RT inside the window in any cell
    return float(math.sqrt(np.nanmean(d**2)))


# -- generalisation and recovery -------------------------------------------------------------
def noise_ceiling_rmse(held_out: pd.DataFrame, others: pd.DataFrame) -> float:
    """Quantile RMSE (ms) of the other observers' average quantiles against one observer.

    ``held_out`` and ``others`` are :func:`quantile_cells`-like tables; ``others`` holds one
    row per observer and cell (with a ``subject`` column) and is averaged per cell
    (Vincent averaging of quantiles, Ratcliff 1979).

    Parameters
    ----------
    held_out : pandas.DataFrame
        The held-out observer's cells.
    others : pandas.DataFrame
        The other observers' cells.

    Returns
    -------
    float
        RMSE in ms over the matching cells x quantiles.
    """
    avg = others.groupby(CELL_KEYS, as_index=False)[list(QUANTILE_COLUMNS)].mean()
    return quantile_rmse(held_out, avg, pred_prefix="")


def leave_one_out(model: SearchModel, trials: pd.DataFrame, trim: TrimRule = WOLFE2010_TRIM,
                  progress=None, **fit_kwargs) -> pd.DataFrame:
    """Leave-one-observer-out prediction of correct-RT quantiles, with a noise ceiling.

    For each observer in ``trials`` (one task), the model is fitted to the pooled trials of the
    other observers and its predicted quantiles are compared with the held-out observer's
    (RMSE over cells x quantiles, ms). The ceiling is how well the other observers' average
    quantiles predict the held-out observer: a model cannot be expected to do better than
    this without fitting the held-out observer.

    Parameters
    ----------
    model : SearchModel
        The model to fit.
    trials : pandas.DataFrame
        Trial table of one task, several observers.
    trim : TrimRule
        Outlier window for correct RTs.
    progress : callable, optional
        Called with no arguments after each held-out observer (a progress bar's ``update``).
    **fit_kwargs
        Settings passed to :func:`fit_quantiles`.

    Returns
    -------
    pandas.DataFrame
        One row per held-out subject: ``subject, rmse_ms, ceiling_rmse_ms, loglik_train``.
    """
    trials = validate_trials(trials, where="leave_one_out", tasks=None)
    subjects = sorted(pd.unique(trials["subject"]), key=lambda s: (len(str(s)), str(s)))
    if len(subjects) < 3:
        raise PsysimError(f"leave_one_out: needs at least 3 observers, got {len(subjects)}")
    per_subject = {s: quantile_cells(trials[trials["subject"] == s], trim) for s in subjects}
    rows = []
    for s in subjects:
        train = trials[trials["subject"] != s]
        res = fit_quantiles(model, train, trim=trim, **fit_kwargs)
        pred = CellPredictor(type(model), per_subject[s], n_sim=fit_kwargs.get("n_sim", 2000),
                             seed=fit_kwargs.get("sim_seed", 0)).quantiles(type(model)(**res.params), _window(per_subject[s]))
        others = pd.concat([per_subject[o].assign(subject=o) for o in subjects if o != s])
        rows.append({
            "subject": s,
            "rmse_ms": quantile_rmse(per_subject[s], pred),
            "ceiling_rmse_ms": noise_ceiling_rmse(per_subject[s], others),
            "loglik_train": res.loglik,
        })
        if progress is not None:
            progress()
    return pd.DataFrame(rows)


def parameter_recovery(model: SearchModel, design, seed=0, **fit_kwargs) -> tuple[pd.DataFrame, FitResult]:
    """Simulate from ``model`` (the true parameters), refit, and compare.

    Parameters
    ----------
    model : SearchModel
        The generating model and its true parameters.
    design : DataFrame or DisplaySet
        What to simulate (e.g. :func:`psysim.models.make_design` with ~500 trials per cell,
        the size of a Wolfe et al. 2010 observer's cell).
    seed : int
        Seed of the simulated data set.
    **fit_kwargs
        Passed to :func:`fit_quantiles` (``free``, ``seeds``, ``maxiter``, ...).

    Returns
    -------
    table : pandas.DataFrame
        ``param, true, estimate, error, rel_error`` for the free parameters.
    result : FitResult
    """
    trials = model.simulate(design, seed=seed)
    res = fit_quantiles(model, trials, **fit_kwargs)
    rows = []
    for n in res.free:
        t, e = model.params[n], res.params[n]
        rows.append({"param": n, "true": t, "estimate": e, "error": e - t,
                     "rel_error": (e - t) / abs(t) if t != 0 else np.nan})
    return pd.DataFrame(rows), res
