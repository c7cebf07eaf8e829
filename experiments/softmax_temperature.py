"""Experiment `softmax-temperature`: how sharply does attention pick the most active item?

The softmax-selection search model (:mod:`psysim.models.softmax_search`) selects items one at
a time with probability ``exp(beta a_i) / Z`` over a priority map ``a`` (plus a CGS quit unit),
so its inverse temperature ``beta`` measures guidance: ``beta -> inf`` is pop-out
(winner-take-all), ``beta = 0`` random, unguided serial search.

1. **Teaching figure**: selection probabilities of a few items against beta, with the entropy
   of the distribution (the partition-function view: ``Z(beta) = sum_i exp(beta a_i)``).
2. **Beta sweep**: search slopes (ms/item, 95% CI) and the absent:present slope ratio as
   functions of beta, for each task, on the Guided Search priority map (other parameters at
   their defaults).
3. **Fits to Wolfe, Palmer & Horowitz (2010)**: beta is estimated per task, for the pooled
   group and per observer, by maximising the quantile multinomial likelihood (correct-RT bins
   at .1 .3 .5 .7 .9 and errors per cell; :mod:`psysim.fitting.quantile_fit`) with the other
   seven parameters (quit-weight growth, dwell mean and CV, two non-decision constants,
   residual mean, motor errors) profiled out. The 95% CI is the profile-likelihood interval
   ``{beta: 2 (l_max - l_p(beta)) <= 3.84}`` on a grid of beta values. Each priority map
   (target indicator, Guided Search activations, bottom-up contrast, Itti-Koch saliency as in
   the paper and with on/off-centre maps (Frintrop 2005), the class activation map of psysim's shipped feature-search CNN) is
   fitted to the same data and compared by BIC (same number of parameters, so BIC differences
   are likelihood-ratio differences).
4. **Order**: the expected order of beta is feature > conjunction > spatial. The report says
   whether it holds for the group, and, because observer numbers denote different people in
   different tasks (SOURCE.md of the data), compares the observers' betas between tasks by
   the probability of superiority and a one-sided Mann-Whitney test.

Writes ``temperature.csv`` (``task, subject, priority, beta, ci_low, ci_high, bic`` plus the
other fitted parameters), ``profiles.csv``, ``sweep.csv``, ``order.csv``, figures and
``report.html``.

The fits run as executor tasks (:meth:`psysim.runs.RunContext.map_tasks`): serial by default,
``--set workers=N`` for a local Dask cluster, ``--set scheduler=ADDRESS`` to join one; an
interrupted run given the same ``--out`` resumes from its finished fits.

Options (``--set key=value``; declared in :data:`OPTIONS`, listed by ``psysim options
softmax-temperature``): ``maps`` (comma list), ``observers`` (``all`` or ``none``;
default ``none`` with ``--quick``), ``observer_maps`` (maps fitted per observer, default
``target``; the others are fitted to the pooled group only),
``tasks`` (comma list, default all three), ``n_displays`` (displays per cell for the sampled
likelihood), ``n_draws`` (selection orders per
display), ``grid`` (number of beta grid points), ``sweep_displays``.

Run:  psysim run softmax-temperature [--quick] [--seed N]
  or  python -m psysim.experiments.softmax_temperature --quick
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.stats import mannwhitneyu

from psysim.data import WOLFE2010, load_wolfe2010
from psysim.displays import make_displays
from psysim.fitting.quantile_fit import _counts, _edges, multinomial_loglik, quantile_cells
from psysim.models import get_model
from psysim.models.softmax_search import SoftmaxCellPredictor
from psysim.options import Option
from psysim.report.softmax import misfit_notes  # noqa: F401  (public: the report's misfit sentences)
from psysim.stats import WOLFE2010_TRIM, cell_summary, search_slopes, slope_ratio
from psysim.tables import TableSpec

NAME = "softmax-temperature"
DESCRIPTION = "Inverse temperature of softmax attention fitted per task and observer to Wolfe et al. (2010), priority maps compared by BIC"
LANGUAGES = ("en", "ja")  # report languages (psysim.i18n.check_report_language)
USES_EXECUTOR = True  # its fits run as executor tasks: --set workers/scheduler/shard apply, runs resume

TASKS = ("feature", "conjunction", "spatial")
SET_SIZES = (3, 6, 12, 18)
MODELS = {"target": "softmax", "gs": "softmax-gs", "contrast": "softmax-contrast", "saliency": "softmax-saliency",
          "saliency-onoff": "softmax-saliency-onoff", "cnn": "softmax-cnn"}
NUISANCE = ("dw_quit", "t_item", "item_cv", "t_yes", "t_no", "res_mean", "m")
# optimiser coordinates: log for scale parameters, seconds for the non-decision constants
# the bounds of dw_quit, t_item and item_cv are the model's fit bounds (their reasons are in
# psysim.models.softmax_search.SoftmaxSearch.fit_bounds)
_FB = get_model("softmax").fit_bounds
_LOG = {"dw_quit": _FB["dw_quit"], "t_item": _FB["t_item"], "item_cv": _FB["item_cv"], "res_mean": (1.0, 3000.0)}
_LIN = {"t_yes": (50.0, 3000.0, 1e-3), "t_no": (50.0, 3000.0, 1e-3), "m": (0.0, 0.3, 10.0)}
CHI2_95 = 3.841458820694124  # 95% quantile of chi-square with 1 df

_FIT = {"task": "str", "subject": "any", "priority": "str"}
TABLES = {
    "temperature": TableSpec("temperature.csv", {**_FIT, "beta": "float", "ci_low": "float", "ci_high": "float",
                                                 "bic": "float", "loglik": "float", "n_obs": "int", "k": "int"},
                             keys=("priority", "task", "subject")),  # + profile_drop, at_bound, misfit (misfit_flags),
    # not required, so that run folders written before them still render
    "profiles": TableSpec("profiles.csv", {"priority": "str", "task": "str", "subject": "any", "beta": "float",
                                           "loglik": "float"}, keys=("priority", "task", "subject", "beta")),
    "sweep": TableSpec("sweep.csv", {"task": "str", "beta": "float", "target_present": "bool", "slope": "float",
                                     "ci_low": "float", "ci_high": "float", "ratio": "float", "error_rate": "float"},
                       keys=("task", "beta", "target_present"), nullable=("slope", "ci_low", "ci_high", "ratio")),
    "order": TableSpec("order.csv", {"priority": "str", "comparison": "str"}),
    "bic": TableSpec("bic.csv", {**_FIT, "bic": "float", "delta_bic": "float", "best": "bool"},
                     keys=("task", "subject", "priority"), nullable=("delta_bic", "best")),
}
"""The run folder's tables, checked when the run writes them and when `psysim report` reads them."""

OPTIONS = (
    Option("maps", str, ",".join(MODELS), quick="target,gs", choices=tuple(MODELS), multiple=True,
           help="priority maps fitted to the pooled group of each task, comma-separated"),
    Option("tasks", str, ",".join(TASKS), choices=TASKS, multiple=True, help="tasks of Wolfe et al. (2010), comma-separated"),
    Option("observers", str, "all", quick="none", choices=("all", "none"), help="also fit every observer (all) or the group only (none)"),
    Option("observer_maps", str, "target", choices=tuple(MODELS), multiple=True,
           help="maps fitted per observer when observers=all, comma-separated"),
    Option("n_displays", int, 150, quick=25, low=1, high=10_000, help="sampled displays per cell for the likelihood"),
    Option("n_draws", int, 16, quick=8, low=1, high=1000, help="selection orders drawn per display"),
    Option("grid", int, 16, quick=10, low=3, high=1000, help="points of the beta grid (0, then log-spaced 0.05-40)"),
    Option("sweep_displays", int, 300, quick=60, low=0, high=100_000,
           help="displays per cell of the beta sweep (0: a 20-display sweep at beta 0 and 4 only)"),
)


# -- profile likelihood -----------------------------------------------------------------------
def _to_z(values: dict) -> np.ndarray:
    z = []
    for n in NUISANCE:
        if n in _LOG:
            lo, hi = _LOG[n]
            z.append(math.log(min(max(values[n], lo), hi)))
        else:
            lo, hi, s = _LIN[n]
            z.append(min(max(values[n], lo), hi) * s)
    return np.array(z)


def _from_z(z) -> dict:
    out = {}
    for n, v in zip(NUISANCE, z):
        if n in _LOG:
            lo, hi = _LOG[n]
            out[n] = float(math.exp(np.clip(v, math.log(lo), math.log(hi))))  # clip first: exp(v) may overflow
        else:
            lo, hi, s = _LIN[n]
            out[n] = float(np.clip(v / s, lo, hi))
    return out


def _z_bounds():
    b = []
    for n in NUISANCE:
        if n in _LOG:
            b.append(tuple(math.log(x) for x in _LOG[n]))
        else:
            lo, hi, s = _LIN[n]
            b.append((lo * s, hi * s))
    return b


def misfit_flags(fit: dict, profile: pd.DataFrame, grid) -> dict:
    """When beta may be absorbing misfit instead of measuring guidance: computed from one fit.

    - ``profile_drop``: the maximum log-likelihood minus the lowest profile value on the
      grid. Under 1.92 (half the 95 % chi-square cut) no grid value of beta is excluded: the
      profile is flat, and beta is not identified by these data.
    - ``at_bound``: the parameters at a bound of their fitting range (within 0.5 % of it, on
      the optimiser's scale): ``beta`` at 0 or at the top of the grid, and the nuisance
      parameters at the bounds of :data:`_LOG` / :data:`_LIN` (the psychologically motivated
      ones are documented at :attr:`psysim.models.softmax_search.SoftmaxSearch.fit_bounds`);
      a motor-error rate of 0 is no misfit and is not listed. A parameter at its bound means
      the best fit wanted a value outside what we accept, and the other parameters,
      beta among them, compensate for it.
    - ``misfit``: one line naming each of these (and an open CI), empty when there is none.
    """
    grid = np.asarray(grid, float)
    on_grid = profile[profile["beta"].isin(grid)]
    drop = float(fit["loglik"] - on_grid["loglik"].min()) if len(on_grid) else float("nan")
    at = []
    if fit["beta"] <= grid[0] + 1e-9:
        at.append("beta")
    elif fit["beta"] >= grid[-1] * (1 - 1e-6):
        at.append("beta")
    for n in NUISANCE:
        v = fit[n]
        if n in _LOG:
            lo, hi = _LOG[n]
            near_lo, near_hi = math.log(v / lo) < 0.005, math.log(hi / v) < 0.005
        else:
            lo, hi, _ = _LIN[n]
            near_lo, near_hi = v - lo < 0.005 * (hi - lo), hi - v < 0.005 * (hi - lo)
        if near_hi or (near_lo and n != "m"):
            at.append(n)
    why = []
    if "beta" in at:
        why.append(f"beta at {'0 (random search)' if fit['beta'] <= grid[0] + 1e-9 else f'the top of the grid ({grid[-1]:g})'}")
    elif not np.isfinite(fit["ci_high"]):
        why.append("95% CI open above")
    if drop < CHI2_95 / 2:
        why.append(f"flat profile (log-likelihood varies by {drop:.2f} < {CHI2_95 / 2:.2f} over the grid)")
    for n in at:
        if n != "beta":
            why.append(f"{n} at its bound ({fit[n]:.3g})")
    return {"profile_drop": drop, "at_bound": ",".join(at), "misfit": "; ".join(why)}


def _start(cells: pd.DataFrame) -> dict:
    """Data-driven starting values: non-decision times below the fastest deciles."""
    yes = cells.loc[cells["target_present"], "q10"].min()
    no = cells.loc[~cells["target_present"], "q10"].min()
    return {"dw_quit": 0.3, "t_item": 40.0, "item_cv": 0.8, "t_yes": max(60.0, yes - 120.0), "t_no": max(60.0, no - 120.0),
            "res_mean": 100.0, "m": float(np.clip(cells["error_rate"].mean() / 2, 1e-4, 0.2))}


def regime_starts(base: dict) -> dict:
    """Starting values in each of the profile's two regimes: ``short`` (many short, variable
    dwells) and ``long`` (few long dwells with early quitting); ``base`` gives the rest."""
    return {"short": {**base, "dw_quit": 0.005, "t_item": 25.0, "item_cv": 0.9},
            "long": {**base, "dw_quit": 8.0, "t_item": 120.0, "item_cv": 0.5}}


class Profile:
    """The profile log-likelihood of beta for one data set: ``loglik(beta)`` maximises over the
    other parameters, warm-started from the nearest beta evaluated so far; every evaluation is
    kept (``table()``)."""

    def __init__(self, model_name: str, predictor, cells: pd.DataFrame, start: dict | None = None):
        self.edges, self.counts = _edges(cells), _counts(cells)
        self.base = get_model(model_name)
        self.predictor = predictor
        self.bounds = _z_bounds()
        self.z_start = _to_z(start or _start(cells))
        self.done: dict = {}  # beta -> (loglik, z)
        self._runs: dict = {}  # (beta, start bytes, settings) -> result: the optimiser is deterministic
        self.n_optimisations = 0  # optimiser runs actually made (not answered from _runs)

    def _negll(self, z, beta):
        m = self.base.with_params(beta=beta, **_from_z(z))
        ll = multinomial_loglik(self.counts, self.predictor.probabilities(m, self.edges))
        return -ll if np.isfinite(ll) else 1e12

    def optimise(self, beta: float, z0, thorough: bool = False, nm_maxiter: int = 300, maxiter: int = 80) -> tuple[float, np.ndarray]:
        """Maximise over the nuisance parameters at ``beta`` from ``z0`` (L-BFGS-B; with
        ``thorough``, Nelder-Mead first): ``(log-likelihood, optimiser coordinates)``, not stored
        in the profile. The optimisers are deterministic, so a run from a start already tried
        at this ``beta`` (a sweep step whose neighbour has not changed since) is answered from
        memory: the result is the one the run would give again."""
        key = (float(beta), np.asarray(z0, float).tobytes(), bool(thorough), nm_maxiter, maxiter)
        if key in self._runs:
            ll, z = self._runs[key]
            return ll, z.copy()
        self.n_optimisations += 1
        if thorough:
            z0 = minimize(self._negll, z0, args=(beta,), method="Nelder-Mead",
                          options={"maxiter": nm_maxiter, "xatol": 1e-3, "fatol": 1e-2}).x
        r = minimize(self._negll, z0, args=(beta,), method="L-BFGS-B", bounds=self.bounds,
                     options={"maxiter": maxiter, "ftol": 1e-9, "gtol": 1e-2})
        self._runs[key] = (-float(r.fun), r.x.copy())
        return -float(r.fun), r.x

    def loglik(self, beta: float, thorough: bool = False) -> float:
        beta = float(beta)
        if beta in self.done:
            return self.done[beta][0]
        if self.done:
            near = min(self.done, key=lambda b: abs(math.log(b + 0.05) - math.log(beta + 0.05)))
            z0 = self.done[near][1]
        else:
            z0 = self.z_start
        self.done[beta] = self.optimise(beta, z0, thorough)
        return self.done[beta][0]

    def improve(self, beta: float, z0) -> bool:
        """Re-optimise the nuisance parameters at ``beta`` from ``z0``; keep the result if it is
        better than the stored one (returns whether it was, by more than 0.01)."""
        beta = float(beta)
        ll, z = self.optimise(beta, z0)
        old = self.done.get(beta, (-np.inf, None))[0]
        if ll > old:
            self.done[beta] = (ll, z)
        return ll > old + 0.01

    def sweep(self, betas, rounds: int = 2) -> None:
        """Sweeps up and down ``betas`` (already evaluated), warm-starting each from its
        neighbour's solution and keeping the better optimum, until no value improves.

        The profile has two regimes (few long dwells at high beta, many short and variable
        dwells at low beta); a one-way walk carries its starting regime along, so a profile
        walked from low beta can miss the other regime's maximum at high beta (and vice versa).
        """
        betas = sorted(float(b) for b in betas)
        for _ in range(rounds):
            changed = False
            for seq in (betas, betas[::-1]):
                for prev, b in zip(seq[:-1], seq[1:]):
                    changed |= self.improve(b, self.done[prev][1])
            if not changed:
                break

    def table(self) -> pd.DataFrame:
        rows = [{"beta": b, "loglik": ll, **_from_z(z)} for b, (ll, z) in sorted(self.done.items())]
        return pd.DataFrame(rows)


def profile_fit(model_name: str, predictor, cells: pd.DataFrame, grid, start: dict | None = None,
                joint: bool = False, beta0: float = 2.0, thorough: bool = True) -> tuple[pd.DataFrame, dict]:
    """Maximum-likelihood beta and its 95% profile-likelihood CI.

    With ``joint`` and an exact likelihood (the target map), all parameters are fitted jointly
    (Nelder-Mead then L-BFGS-B from beta = 0.3, 1.5 and 5); in our runs this found worse optima
    than the walk below on the feature task, so it is off by default. Otherwise (and always
    for sampled selection orders, which make the likelihood piecewise constant in beta):

    1. A fit at the grid value nearest ``beta0`` from ``start`` (``thorough``: Nelder-Mead
       before L-BFGS-B; per-observer fits start from the group fit without it).
    2. A walk along the whole grid, up and down, each step warm-started from its neighbour.
       The starting fit is also tried from two starts, one in each regime (many short,
       variable dwells; few long dwells with early quitting; :func:`regime_starts`), keeping
       the better.
    3. The grid's first value (beta = 0, where every priority map predicts the same random
       search) once more from the short-dwell start, the last value from the long-dwell start;
       then sweeps up and down the grid, each value re-optimised from its neighbour's
       solution, keeping the better optimum (:meth:`Profile.sweep`): the profile has two
       regimes and a one-way walk can stay in the wrong one.
    4. The maximum is refined between its grid neighbours (bounded scalar search).

    Then each CI end, ``l_p(beta) = l_max - 1.92``, found by Brent's root finder between the last grid
       value inside and the first outside the interval. An interval that does not end before
       the top of the grid is open (``ci_high = inf``); one that reaches 0 ends at 0.

    Returns
    -------
    profile : pandas.DataFrame
        Every evaluated beta with its profile log-likelihood and profiled parameters.
    fit : dict
        ``beta, ci_low, ci_high, loglik`` and the other parameters at the maximum.
    """
    from scipy.optimize import brentq, minimize_scalar

    prof = Profile(model_name, predictor, cells, start)
    grid = np.asarray(grid, float)
    if joint and getattr(predictor, "exact", False):
        # the likelihood is smooth in beta too: a joint fit from three starting temperatures
        def joint(x):
            return prof._negll(x[1:], x[0])

        bounds = [(float(grid[0]), float(grid[-1]))] + prof.bounds
        best_r = None
        for b0 in (0.3, 1.5, 5.0):
            x0 = np.concatenate([[b0], prof.z_start])
            x0 = minimize(joint, x0, method="Nelder-Mead", options={"maxiter": 400, "xatol": 1e-3, "fatol": 1e-2}).x
            x0[0] = np.clip(x0[0], *bounds[0])
            r = minimize(joint, x0, method="L-BFGS-B", bounds=bounds, options={"maxiter": 200, "ftol": 1e-10})
            if best_r is None or r.fun < best_r.fun:
                best_r = r
        prof.done[float(best_r.x[0])] = (-float(best_r.fun), best_r.x[1:])
    else:
        i0 = int(np.argmin(np.abs(np.log(grid + 0.05) - np.log(beta0 + 0.05))))
        regimes = regime_starts(start or _start(cells))
        short, long = _to_z(regimes["short"]), _to_z(regimes["long"])
        prof.loglik(grid[i0], thorough=thorough)
        for z in (short, long):  # the walk carries its starting regime along: start in the better one
            prof.improve(grid[i0], z)
        for i in [*range(i0 + 1, len(grid)), *range(i0 - 1, -1, -1)]:  # up, then down, warm-started
            prof.loglik(grid[i])
        # the grid's ends once more from the regime that belongs there
        prof.improve(grid[0], short)
        prof.improve(grid[-1], long)
        prof.sweep(grid)
        t = prof.table()
        on_grid = t[t["beta"].isin(grid)]
        j = int(np.argmax(on_grid["loglik"].to_numpy()))
        gi = int(np.flatnonzero(grid == on_grid["beta"].iloc[j])[0])
        lo_b, hi_b = grid[max(gi - 1, 0)], grid[min(gi + 1, len(grid) - 1)]
        if hi_b > lo_b:
            res = minimize_scalar(lambda b: -prof.loglik(b), bounds=(lo_b, hi_b), method="bounded",
                                  options={"xatol": max(0.01 * grid[gi], 1e-3), "maxiter": 12})
            prof.loglik(res.x)
    best_b, best = max(prof.done.items(), key=lambda kv: kv[1][0])
    lmax = best[0]
    cut = lmax - CHI2_95 / 2

    def end(direction):
        inside = best_b
        for b in (grid[grid > best_b] if direction > 0 else grid[grid < best_b][::-1]):
            ll = prof.loglik(b)
            if ll < cut:
                return brentq(lambda x: prof.loglik(x) - cut, min(inside, b), max(inside, b), xtol=max(0.01 * min(inside, b), 1e-3), maxiter=12, disp=False)
            inside = b
        return math.inf if direction > 0 else float(grid[0])

    ci_high, ci_low = end(1), end(-1)
    best_b, best = max(prof.done.items(), key=lambda kv: kv[1][0])  # a CI search may find a higher point
    fit = {"beta": float(best_b), "ci_low": float(ci_low), "ci_high": float(ci_high), "loglik": float(best[0]), **_from_z(best[1])}
    return prof.table(), fit


def _profile_task(spec: dict, seed) -> tuple[pd.DataFrame, dict, int]:
    """One profile fit as an executor task: ``(profile table, fit, number of observations)``.

    The predictor is rebuilt from its own seed (``spec["predictor_seed"]``, the same for the
    group and every observer of a map and task, so all of them are fitted against the same
    sampled displays and selection orders); the task's ``seed`` is not needed (the fit is
    deterministic).
    """
    predictor = SoftmaxCellPredictor(get_model(spec["model"]).__class__, spec["group_cells"], n_displays=spec["n_displays"],
                                     n_draws=spec["n_draws"], seed=spec["predictor_seed"])
    start = spec["start"]
    if start is None:
        prof, fit = profile_fit(spec["model"], predictor, spec["cells"], spec["grid"])
    else:  # an observer starts from the group's estimates
        prof, fit = profile_fit(spec["model"], predictor, spec["cells"], spec["grid"], start=start, beta0=start["beta"], thorough=False)
    return prof, fit, int(spec["cells"]["n"].sum())


# -- the experiment -----------------------------------------------------------------------------
def beta_grid(n: int) -> np.ndarray:
    """0 and ``n - 1`` values from 0.05 to 40, evenly spaced in log beta."""
    return np.concatenate([[0.0], np.geomspace(0.05, 40.0, max(n - 1, 2))])


def run(ctx):
    def comma_list(value):
        return list(dict.fromkeys(v.strip() for v in value.split(",")))

    maps, tasks = comma_list(ctx.option("maps")), tuple(comma_list(ctx.option("tasks")))
    observer_maps = comma_list(ctx.option("observer_maps"))
    observers = ctx.option("observers")
    n_displays = ctx.option("n_displays")
    n_draws = ctx.option("n_draws")
    grid = beta_grid(ctx.option("grid"))
    sweep_displays = ctx.option("sweep_displays")

    ctx.use_dataset("wolfe2010")
    trials = load_wolfe2010()
    trials = trials[trials["task"].isin(TASKS)]

    with ctx.timer("sweep"):
        sweep = beta_sweep(ctx, sweep_displays) if sweep_displays > 0 else beta_sweep(ctx, 20, betas=(0.0, 4.0))
    # Every profile fit is one executor task (--set workers=N / scheduler=ADDRESS; checkpointed,
    # so an interrupted run resumes): first the pooled group per map and task, then each
    # observer, who starts from the group's estimates.
    def spec(pmap, task, cells, start=None):
        return {"model": MODELS[pmap], "group_cells": group_cells[task], "cells": cells, "grid": grid, "start": start,
                "n_displays": n_displays, "n_draws": n_draws, "predictor_seed": ctx.seed_for("predictor", pmap, task)}

    by_task = {task: trials[trials["task"] == task] for task in tasks}
    group_cells = {task: quantile_cells(t) for task, t in by_task.items()}
    results = {}
    with ctx.timer("fits"):
        keys = [(pmap, task, "group") for pmap in maps for task in tasks]
        res = ctx.map_tasks(_profile_task, [("/".join(k), spec(k[0], k[1], group_cells[k[1]])) for k in keys], desc="group fits")
        results.update(zip(keys, res))
        obs_keys = []
        if observers == "all":
            for pmap in [m for m in maps if m in observer_maps]:
                for task in tasks:
                    subj = sorted(by_task[task]["subject"].unique(), key=lambda s: int(s) if str(s).isdigit() else s)
                    obs_keys += [(pmap, task, str(s)) for s in subj]
        payloads = []
        for pmap, task, subj in obs_keys:
            t = by_task[task]
            payloads.append(("/".join((pmap, task, subj)),
                             spec(pmap, task, quantile_cells(t[t["subject"].astype(str) == subj]), start=results[(pmap, task, "group")][1])))
        results.update(zip(obs_keys, ctx.map_tasks(_profile_task, payloads, desc="observer fits") if payloads else []))
    fits, profiles = [], []
    order = [k for pmap in maps for task in tasks for k in results if k[:2] == (pmap, task)]  # group first, then observers
    for pmap, task, subj in order:
        prof, fit, n_obs = results[(pmap, task, subj)]
        k = 1 + len(NUISANCE)
        fits.append({"task": task, "subject": subj, "priority": pmap, "beta": fit["beta"], "ci_low": fit["ci_low"],
                     "ci_high": fit["ci_high"], "bic": k * math.log(n_obs) - 2 * fit["loglik"], "loglik": fit["loglik"],
                     "n_obs": n_obs, "k": k, **{n: fit[n] for n in NUISANCE}, **misfit_flags(fit, prof, grid)})
        profiles.append(prof.assign(subject=subj, task=task, priority=pmap)[["priority", "task", "subject", *prof.columns]])
    fits = pd.DataFrame(fits)
    profiles = pd.concat(profiles, ignore_index=True)
    order = order_table(fits)
    bic = bic_table(fits)

    ctx.write_table(fits, "temperature.csv")
    ctx.write_table(profiles, "profiles.csv")
    ctx.write_table(sweep, "sweep.csv")
    ctx.write_table(order, "order.csv")
    ctx.write_table(bic, "bic.csv")

    ctx.metadata.update({"maps": maps, "n_displays": n_displays, "n_draws": n_draws, "beta_grid": grid.tolist()})
    _render(ctx.out, ctx.lang, _info(ctx.metadata, ctx.seed, ctx.quick), ctx.out / "report.html", save_figure=ctx.save_figure)


def _info(meta: dict, seed, quick) -> dict:
    from psysim.runs import library_versions

    return {"seed": seed, "quick": quick, "maps": list(meta["maps"]), "n_displays": meta["n_displays"], "n_draws": meta["n_draws"],
            "beta_grid": list(meta["beta_grid"]), "nuisance": NUISANCE, "t_item_low": _LOG["t_item"][0], "trim": WOLFE2010_TRIM,
            "versions": library_versions(),
            "citations": [(WOLFE2010.citation, WOLFE2010.licence), (get_model("softmax").citation, "")] + [(c, "") for c in CITATIONS]}


CITATIONS = (
    "Wolfe, J. M. (1994). Guided Search 2.0: A revised model of visual search. Psychonomic Bulletin & Review, 1(2), 202-238.",
    "Heathcote, A., Brown, S., & Mewhort, D. J. K. (2002). Quantile maximum likelihood estimation of response time distributions. Psychonomic Bulletin & Review, 9(2), 394-401.",
)


def _render(run_dir, lang, info, out, save_figure=None):
    from psysim.report.softmax import render

    return render(run_dir, lang, info, out, TABLES, save_figure=save_figure)


def report(run_dir, lang: str = "en", out=None):
    """Re-render the report of a softmax-temperature run folder from its tables, in ``lang``
    (``psysim report RUN_DIR --lang ja``)."""
    from psysim.cli.report import report_inputs

    run_dir, meta, out = report_inputs(run_dir, NAME, lang, out)
    return _render(run_dir, lang, _info(meta, meta["seed"], meta.get("quick", False)), out)

# -- analyses -------------------------------------------------------------------------------------
def beta_sweep(ctx, n_per_cell: int, betas=(0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)) -> pd.DataFrame:
    """Slopes and absent:present ratios of the softmax-gs model against beta, per task."""
    rows = []
    for task in TASKS:
        ds = make_displays(task, SET_SIZES, n_per_cell, seed=ctx.seed_for("sweep-displays", task))
        for b in betas:
            tr = get_model("softmax-gs", beta=b).simulate(ds, seed=ctx.seed_for("sweep", task, b), source=f"beta={b:g}")
            sl = search_slopes(cell_summary(tr, WOLFE2010_TRIM), trials=tr)
            ratio = slope_ratio(sl)["ratio"].iloc[0]
            present_slope = sl.loc[sl["target_present"], "slope"].iloc[0]
            if not present_slope > 2.0:  # a ratio to a near-zero slope says nothing
                ratio = np.nan
            for _, s in sl.iterrows():
                rows.append({"task": task, "beta": b, "target_present": bool(s["target_present"]), "slope": s["slope"],
                             "ci_low": s["ci_low"], "ci_high": s["ci_high"], "ratio": ratio,
                             "error_rate": 1 - tr.loc[tr["target_present"] == s["target_present"], "correct"].mean()})
    return pd.DataFrame(rows)


def order_table(fits: pd.DataFrame) -> pd.DataFrame:
    """Is beta ordered feature > conjunction > spatial? Group and between-observer comparisons."""
    rows = []
    for pmap, f in fits.groupby("priority", sort=False):
        g = f[f["subject"] == "group"].set_index("task")
        obs = f[f["subject"] != "group"]
        for hi_t, lo_t in (("feature", "conjunction"), ("conjunction", "spatial"), ("feature", "spatial")):
            row = {"priority": pmap, "comparison": f"{hi_t} > {lo_t}"}
            if hi_t in g.index and lo_t in g.index:
                a, b = g.loc[hi_t], g.loc[lo_t]
                row.update(group_higher=bool(a["beta"] > b["beta"]), group_cis_separate=bool(a["ci_low"] > b["ci_high"]))
            x = obs.loc[obs["task"] == hi_t, "beta"].to_numpy()
            y = obs.loc[obs["task"] == lo_t, "beta"].to_numpy()
            if len(x) and len(y):
                sup = float(np.mean(x[:, None] > y[None, :]) + 0.5 * np.mean(x[:, None] == y[None, :]))
                p = float(mannwhitneyu(x, y, alternative="greater").pvalue) if len(x) > 1 and len(y) > 1 else np.nan
                row.update(n_high=len(x), n_low=len(y), prob_superiority=sup, mannwhitney_p=p,
                           median_high=float(np.median(x)), median_low=float(np.median(y)))
            rows.append(row)
    return pd.DataFrame(rows)


def bic_table(fits: pd.DataFrame) -> pd.DataFrame:
    """BIC of each priority map per task and subject, and the difference from the best map.

    ``delta_bic`` and ``best`` are empty (NaN / NA) where only one map was fitted to a data
    set (the per-observer fits use the target map only): there is nothing to compare.
    """
    t = fits[["task", "subject", "priority", "bic"]].copy()
    by = t.groupby(["task", "subject"])["bic"]
    compared = by.transform("size") > 1
    t["delta_bic"] = (t["bic"] - by.transform("min")).where(compared)
    t["best"] = (t["delta_bic"] == 0).astype("boolean").where(compared, pd.NA)
    return t


# figures, sentences and the report: psysim/report/softmax.py (drawn from the tables, in English or Japanese)


if __name__ == "__main__":
    from psysim.cli import main

    raise SystemExit(main(["run", NAME, *__import__("sys").argv[1:]]))
