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
from psysim.report import Report
from psysim.softmax import entropy, softmax
from psysim.stats import WOLFE2010_TRIM, cell_summary, search_slopes, slope_ratio
from psysim.tables import TableSpec

NAME = "softmax-temperature"
DESCRIPTION = "Inverse temperature of softmax attention fitted per task and observer to Wolfe et al. (2010), priority maps compared by BIC"
USES_EXECUTOR = True  # its fits run as executor tasks: --set workers/scheduler/shard apply, runs resume

TASKS = ("feature", "conjunction", "spatial")
SET_SIZES = (3, 6, 12, 18)
MODELS = {"target": "softmax", "gs": "softmax-gs", "contrast": "softmax-contrast", "saliency": "softmax-saliency",
          "saliency-onoff": "softmax-saliency-onoff", "cnn": "softmax-cnn"}
NUISANCE = ("dw_quit", "t_item", "item_cv", "t_yes", "t_no", "res_mean", "m")
# optimiser coordinates: log for scale parameters, seconds for the non-decision constants
_LOG = {"dw_quit": (1e-3, 100.0), "t_item": (1.0, 1000.0), "item_cv": (0.05, 5.0), "res_mean": (1.0, 3000.0)}
_LIN = {"t_yes": (50.0, 3000.0, 1e-3), "t_no": (50.0, 3000.0, 1e-3), "m": (0.0, 0.3, 10.0)}
CHI2_95 = 3.841458820694124  # 95% quantile of chi-square with 1 df

_FIT = {"task": "str", "subject": "any", "priority": "str"}
TABLES = {
    "temperature": TableSpec("temperature.csv", {**_FIT, "beta": "float", "ci_low": "float", "ci_high": "float",
                                                 "bic": "float", "loglik": "float", "n_obs": "int", "k": "int"},
                             keys=("priority", "task", "subject")),
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


def _start(cells: pd.DataFrame) -> dict:
    """Data-driven starting values: non-decision times below the fastest deciles."""
    yes = cells.loc[cells["target_present"], "q10"].min()
    no = cells.loc[~cells["target_present"], "q10"].min()
    return {"dw_quit": 0.3, "t_item": 40.0, "item_cv": 0.8, "t_yes": max(60.0, yes - 120.0), "t_no": max(60.0, no - 120.0),
            "res_mean": 100.0, "m": float(np.clip(cells["error_rate"].mean() / 2, 1e-4, 0.2))}


def regime_starts(base: dict) -> dict:
    """Starting values in each of the profile's two regimes: ``short`` (many short, variable
    dwells) and ``long`` (few long dwells with early quitting); ``base`` gives the rest."""
    return {"short": {**base, "dw_quit": 0.005, "t_item": 2.0, "item_cv": 4.0},
            "long": {**base, "dw_quit": 10.0, "t_item": 120.0, "item_cv": 0.5}}


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

    def _negll(self, z, beta):
        m = self.base.with_params(beta=beta, **_from_z(z))
        ll = multinomial_loglik(self.counts, self.predictor.probabilities(m, self.edges))
        return -ll if np.isfinite(ll) else 1e12

    def optimise(self, beta: float, z0, thorough: bool = False, nm_maxiter: int = 300, maxiter: int = 80) -> tuple[float, np.ndarray]:
        """Maximise over the nuisance parameters at ``beta`` from ``z0`` (L-BFGS-B; with
        ``thorough``, Nelder-Mead first): ``(log-likelihood, optimiser coordinates)``, not stored."""
        if thorough:
            z0 = minimize(self._negll, z0, args=(beta,), method="Nelder-Mead",
                          options={"maxiter": nm_maxiter, "xatol": 1e-3, "fatol": 1e-2}).x
        r = minimize(self._negll, z0, args=(beta,), method="L-BFGS-B", bounds=self.bounds,
                     options={"maxiter": maxiter, "ftol": 1e-9, "gtol": 1e-2})
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
                     "n_obs": n_obs, "k": k, **{n: fit[n] for n in NUISANCE}})
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

    figs = [
        (teaching_figure(), "teaching.png", "Figure 1. Softmax selection probabilities of six items with priorities 1, 0.8, 0.5, 0.5, 0.2 and 0 against the inverse temperature beta (left), and the entropy of the selection distribution (right). At beta = 0 every item has probability 1/6 (entropy log2 6 = 2.58 bits); as beta grows the most active item takes over (entropy 0). beta is 1/T: the partition function Z = sum exp(beta a_i) normalises the Boltzmann weights."),
        (sweep_figure(sweep), "sweep.png", "Figure 2. Search slopes (ms/item, 95% CI over trials) and absent:present slope ratios of the softmax model on the Guided Search priority map as functions of beta, with all other parameters at their defaults."),
        (fits_figure(fits), "fits.png", "Figure 3. Fitted beta per task (95% profile-likelihood CIs; arrows: open upper bound) for the pooled group (large markers) and each observer (small markers), per priority map."),
        (profile_figure(profiles), "profiles.png", "Figure 4. Profile log-likelihood of beta for the group fits, relative to the maximum; the dashed line is the 95% cut-off (-1.92)."),
    ]
    for fig, name, _ in figs:
        ctx.save_figure(fig, name)
    report = _report(ctx, fits, order, bic, sweep, maps, n_displays, n_draws, grid)
    for fig, _, cap in figs:
        report.figure(fig, cap)
    report.cite(WOLFE2010.citation, WOLFE2010.licence)
    report.cite(get_model("softmax").citation)
    report.cite("Wolfe, J. M. (1994). Guided Search 2.0: A revised model of visual search. Psychonomic Bulletin & Review, 1(2), 202-238.")
    report.cite("Heathcote, A., Brown, S., & Mewhort, D. J. K. (2002). Quantile maximum likelihood estimation of response time distributions. Psychonomic Bulletin & Review, 9(2), 394-401.")
    from psysim.runs import library_versions

    report.write(ctx.out / "report.html", metadata={"experiment": NAME, "seed": ctx.seed, "quick": ctx.quick, "maps": ",".join(maps),
                                                    "displays per cell": n_displays, "orders per display": n_draws,
                                                    "beta grid": f"{len(grid)} values, 0 to {grid[-1]:g}", "trimming": WOLFE2010_TRIM.describe(),
                                                    **library_versions()})
    ctx.metadata.update({"maps": maps, "n_displays": n_displays, "n_draws": n_draws, "beta_grid": grid.tolist()})


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


# -- figures ----------------------------------------------------------------------------------------
def teaching_figure():
    import matplotlib.pyplot as plt

    a = np.array([1.0, 0.8, 0.5, 0.5, 0.2, 0.0])
    betas = np.geomspace(0.01, 300, 300)
    p = softmax(a, betas[:, None])
    h = entropy(a, betas[:, None]) / np.log(2)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
    for i in range(len(a)):
        ax1.plot(betas, p[:, i], lw=2, label=f"a = {a[i]:g}" + (" (x2)" if i == 2 else ""), ls="-" if i != 3 else ":")
    ax1.axhline(1 / len(a), color="grey", lw=0.8, ls="--")
    ax1.text(0.012, 1 / len(a) + 0.02, "beta -> 0: uniform (1/6)", fontsize=8, color="grey")
    ax1.set(xscale="log", xlabel="inverse temperature beta (1/T)", ylabel="selection probability p_i", ylim=(0, 1.02))
    ax1.legend(fontsize=8, frameon=False)
    ax2.plot(betas, h, color="k", lw=2)
    ax2.axhline(np.log2(len(a)), color="grey", ls="--", lw=0.8)
    ax2.set(xscale="log", xlabel="inverse temperature beta (1/T)", ylabel="entropy of selection (bits)")
    fig.tight_layout()
    return fig


def sweep_figure(sweep: pd.DataFrame):
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
    x = sweep["beta"].replace(0, 0.25)
    for (task, tp), g in sweep.assign(x=x).groupby(["task", "target_present"], sort=False):
        ax1.errorbar(g["x"], g["slope"], yerr=[g["slope"] - g["ci_low"], g["ci_high"] - g["slope"]], marker="o" if tp else "s",
                     ls="-" if tp else "--", label=f"{task}, {'present' if tp else 'absent'}", capsize=2)
    ax1.set(xscale="log", xlabel="beta (0 drawn at 0.25)", ylabel="search slope (ms/item)")
    ax1.legend(fontsize=7, frameon=False)
    r = sweep.assign(x=x).drop_duplicates(["task", "beta"])
    for task, g in r.groupby("task", sort=False):
        ax2.plot(g["x"], g["ratio"], marker="o", label=task)
    ax2.axhline(2, color="grey", ls="--", lw=0.8)
    ax2.set(xscale="log", xlabel="beta (0 drawn at 0.25)", ylabel="absent:present slope ratio (present slope > 2 ms/item)")
    ax2.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def fits_figure(fits: pd.DataFrame):
    import matplotlib.pyplot as plt

    maps = list(pd.unique(fits["priority"]))
    fig, axes = plt.subplots(1, len(maps), figsize=(3.6 * len(maps), 3.6), squeeze=False)
    for ax, pmap in zip(axes[0], maps):
        f = fits[fits["priority"] == pmap]
        top = float(np.nanmax(np.where(np.isfinite(f["ci_high"]), f["ci_high"], f["beta"]))) * 1.1 + 0.1
        for i, task in enumerate(TASKS):
            t = f[f["task"] == task]
            for j, (_, r) in enumerate(t.iterrows()):
                grp = r["subject"] == "group"
                xpos = i + (0.0 if grp else -0.3 + 0.6 * j / max(len(t), 1))
                hi = r["ci_high"] if np.isfinite(r["ci_high"]) else top
                ax.plot([xpos, xpos], [r["ci_low"], hi], color="k" if grp else "0.6", lw=2 if grp else 1)
                if not np.isfinite(r["ci_high"]):
                    ax.annotate("", (xpos, top), (xpos, top * 0.93), arrowprops={"arrowstyle": "->", "color": "0.4"})
                ax.plot(xpos, r["beta"], "o", ms=8 if grp else 4, color="C3" if grp else "C0")
        ax.set(xticks=range(len(TASKS)), xticklabels=TASKS, ylabel="beta", title=f"priority map: {pmap}")
    fig.tight_layout()
    return fig


def profile_figure(profiles: pd.DataFrame):
    import matplotlib.pyplot as plt

    g = profiles[profiles["subject"] == "group"]
    maps = list(pd.unique(g["priority"]))
    fig, axes = plt.subplots(1, len(maps), figsize=(3.6 * len(maps), 3.4), squeeze=False)
    for ax, pmap in zip(axes[0], maps):
        for task in TASKS:
            p = g[(g["priority"] == pmap) & (g["task"] == task)]
            ax.plot(p["beta"].replace(0, 0.02), p["loglik"] - p["loglik"].max(), marker=".", label=task)
        ax.axhline(-CHI2_95 / 2, color="grey", ls="--", lw=0.8)
        ax.set(xscale="log", ylim=(-40, 2), xlabel="beta (0 drawn at 0.02)", ylabel="profile log-likelihood", title=pmap)
        ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


# -- report ------------------------------------------------------------------------------------------
def _fmt_ci(r) -> str:
    hi = "inf" if not np.isfinite(r["ci_high"]) else f"{r['ci_high']:.2f}"
    return f"beta = {r['beta']:.2f}, 95% CI [{r['ci_low']:.2f}, {hi}]"


def _report(ctx, fits, order, bic, sweep, maps, n_displays, n_draws, grid) -> Report:
    r = Report("Softmax temperature: how sharply attention selects")
    r.text(
        "Attention is modelled as a softmax (Boltzmann) distribution over the items of a search display: item i with "
        "priority a_i is selected with probability exp(beta a_i) / Z, one item at a time, with inhibition of return and a "
        "Competitive Guided Search quit unit (Moran et al., 2013). With the target-indicator priority map the model is CGS "
        "with target weight exp(beta). beta = 0 is random serial search; large beta is pop-out. The inverse temperature was "
        "fitted per task, to the pooled observers and to each observer of Wolfe, Palmer and Horowitz (2010), by quantile "
        f"maximum likelihood with the seven other parameters profiled out ({WOLFE2010_TRIM.describe()}; every error trial counts). "
        f"Likelihoods of the feature-based maps average over {n_displays} generated displays per cell with {n_draws} sampled "
        f"selection orders each; the target map's likelihood is exact. beta was profiled on {len(grid)} grid values from 0 to "
        f"{grid[-1]:g}; a CI that reaches the top of the grid is reported as open (upper bound inf)."
    )
    r.heading("Does beta follow feature > conjunction > spatial?")
    lines = []
    for pmap in maps:
        g = fits[(fits["priority"] == pmap) & (fits["subject"] == "group")].set_index("task")
        if not set(TASKS) <= set(g.index):
            continue
        b = g.loc[list(TASKS), "beta"].to_numpy()
        holds = bool(b[0] > b[1] > b[2])
        sep = bool(g.loc["feature", "ci_low"] > g.loc["conjunction", "ci_high"] and g.loc["conjunction", "ci_low"] > g.loc["spatial", "ci_high"])
        desc = "; ".join(f"{t}: {_fmt_ci(g.loc[t])}" for t in TASKS)
        lines.append(f"{pmap} map, group: {desc}. The expected order {'holds' if holds else 'does NOT hold'}"
                     + (" and the CIs do not overlap." if sep else (" but some CIs overlap." if holds else ".")))
        o = order[(order["priority"] == pmap) & order["prob_superiority"].notna()] if "prob_superiority" in order else order.iloc[0:0]
        if len(o):
            parts = [f"{row['comparison']}: P(superiority) = {row['prob_superiority']:.2f}, median {row['median_high']:.2f} vs {row['median_low']:.2f}, "
                     f"one-sided Mann-Whitney p = {row['mannwhitney_p']:.3g}" for _, row in o.iterrows()]
            per = all(row["prob_superiority"] > 0.5 for _, row in o.iterrows() if row["comparison"] != "feature > spatial")
            lines.append(f"{pmap} map, observers (different people in each task, so compared between groups): " + "; ".join(parts)
                         + f". The expected order {'holds' if per else 'does NOT hold'} for the observers' betas (it holds when the probability of superiority is above 0.5 for both adjacent pairs).")
    r.bullets(lines)
    r.note("Observer numbers denote different people in different tasks (the data set's SOURCE.md), so the per-observer order is "
           "tested between groups of observers, not within people.")
    tg = fits[(fits["priority"] == "target") & (fits["subject"] == "group")].set_index("task")
    if len(tg):
        r.note("beta and the dwell time trade off: a search slope is about the dwell time times the expected number of items "
               "visited, and a low beta (many visits) with short dwells can mimic a high beta with long dwells. What separates "
               "them is the shape of the RT distributions. At the group maximum of the target map the profiled dwell is "
               + "; ".join(f"{t}: t_item {row['t_item']:.0f} ms, CV {row['item_cv']:.2f} (beta {row['beta']:.2f})" for t, row in tg.iterrows())
               + ". A short, highly variable dwell (CV well above 1) at a beta near 0 means the data prefer many fast, variable "
               "identifications of randomly chosen items to a guided search with slower identifications.")
    lo, _ = _LOG["t_item"]
    stuck = fits[(fits["subject"] == "group") & (fits["t_item"] <= 1.5 * lo)]
    if len(stuck):
        r.note("No usable guidance: " + "; ".join(f"{row['priority']} map, {row['task']} (beta {row['beta']:.2f})" for _, row in stuck.iterrows())
               + f". Here the dwell time sits at its lower bound ({lo:g} ms): the best the map allows is to give up searching and "
               "put all of the RT into the non-decision time, because guiding by this map would send attention to the wrong "
               "items first on some displays (long predicted RTs that people do not show). beta = 0 and random search are then "
               "the same model, and beta is not evidence about how sharply people select.")
    flat = fits[(fits["priority"].isin(["gs", "contrast"])) & (fits["task"] == "spatial")]
    if len(flat):
        r.note("The Guided Search and bottom-up contrast maps give every item in the 2-vs-5 task the same priority (shape does not "
               "guide, Wolfe 1994), so beta cannot change the predictions there: its profile is flat and its CI spans the grid. "
               "Their spatial-task beta is not evidence about guidance.")
    r.table(fits[fits["subject"] == "group"][["priority", "task", "beta", "ci_low", "ci_high", "bic", *NUISANCE]],
            caption="Table 1. Group fits (pooled observers): fitted beta with 95% profile-likelihood CI, BIC and the profiled parameters (ms where timed).", digits=3)
    r.table(order, caption="Table 2. The order of beta across tasks: group comparison and between-observer comparison.", digits=3)
    r.heading("Which priority map? (BIC)")
    if len(maps) > 1:
        multi = bic[bic["delta_bic"].notna()]  # data sets where maps compete
        best = multi[multi["best"].astype(bool)].groupby(["priority"]).size().reindex(maps, fill_value=0)
        gb = multi[multi["subject"] == "group"]
        gbest = gb["best"].astype(bool)
        txt = [f"{t}: best map {gb[(gb['task'] == t) & gbest]['priority'].iloc[0]}; ΔBIC of the others: "
               + ", ".join(f"{row['priority']} {row['delta_bic']:.0f}" for _, row in gb[(gb['task'] == t) & ~gbest].iterrows())
               for t in TASKS if (gb["task"] == t).any()]
        r.bullets(txt + ["Across all data sets fitted with more than one map, the map with the lowest BIC: " + ", ".join(f"{m} {n}×" for m, n in best.items())])
        r.table(multi.pivot_table(index=["task", "subject"], columns="priority", values="delta_bic").reset_index(),
                caption="Table 3. BIC of each priority map minus the best map's, per data set fitted with more than one map (0 = best; every map has 8 free parameters).", digits=1)
    r.heading("Observers")
    r.table(fits[fits["subject"] != "group"][["priority", "task", "subject", "beta", "ci_low", "ci_high", "bic"]],
            caption="Table 4. Per-observer fits.", digits=3)
    r.heading("Beta sweep")
    s = sweep[sweep["target_present"]].set_index(["task", "beta"])["slope"]
    r.text("On the Guided Search map, with the other parameters at their defaults, raising beta flattens the target-present slope: "
           + "; ".join(f"{t} {s[(t, sweep['beta'].min())]:.1f} ms/item at beta = 0 to {s[(t, sweep['beta'].max())]:.1f} at beta = {sweep['beta'].max():g}" for t in TASKS)
           + ". The spatial task's map is flat, so its slope does not change with beta.")
    r.table(sweep, caption="Table 5. Slopes (ms/item) with 95% CIs, absent:present ratios and error rates along the beta sweep.", digits=2)
    return r


if __name__ == "__main__":
    from psysim.cli import main

    raise SystemExit(main(["run", NAME, *__import__("sys").argv[1:]]))
