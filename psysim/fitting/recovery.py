"""Model recovery and parameter recovery: can the fitting tell the models, and their parameters,
apart on this design?

The procedure is the parametric bootstrap of model mimicry (Wagenmakers, Ratcliff, Gomez &
Iverson 2004, *J. Math. Psych.* 48, 28-50) in the form of Wilson & Collins (2019, *eLife* 8,
e49547, "Ten simple rules", rules 5 and 6):

1. **Generators.** For each model and task, parameters fitted to real observers
   (:func:`pick_generators`: the observer whose fitted parameters lie closest to the median
   observer's, then the next closest, ...), and that observer's own cells and trial counts.
2. **Data sets.** Each generator simulates a data set with those counts
   (:func:`simulate_like`).
3. **Fits.** Every model is fitted to every simulated data set with the fitting code and budget
   used for the observers; the lowest BIC wins (:func:`model_recovery_table`).
4. **Confusion matrix** (:func:`confusion_matrix`): rows the generating model, columns the BIC
   winner, cells counts of data sets; each row sums to the data sets of its generator.
5. **Parameter recovery** (:func:`parameter_recovery_summary`): the fit of the generating
   model to its own data sets, per parameter: Pearson correlation of true and recovered values
   over data sets, bias (mean of estimate - true) and relative bias.
6. **Verdicts** (:func:`verdicts`): for a pair of models and a task, the observers' majority
   verdict holds only if, on simulated data, the pair's BIC picks the generator: both when the
   observers' winner generated the data (power) and when the loser did (mimicry: the winner
   also wins on data it did not make).

What this cannot show: a handful of data sets per generator gives counts, not rates (a 3 of 3
recovery is consistent with a true recovery rate well below 1: the exact binomial 95 % lower
bound for 3/3 is 0.29); generators sit at a few observers' parameters, not over the whole range
observers span; and a simulated likelihood's Monte Carlo noise enters the BIC of the simulated
data as it does the observers'.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from psysim.errors import PsysimError

CELL = ("set_size", "target_present")
CITATIONS = (
    "Wagenmakers, E.-J., Ratcliff, R., Gomez, P., & Iverson, G. J. (2004). Assessing model mimicry using the "
    "parametric bootstrap. Journal of Mathematical Psychology, 48(1), 28-50.",
    "Wilson, R. C., & Collins, A. G. E. (2019). Ten simple rules for the computational modeling of behavioral data. "
    "eLife, 8, e49547.",
)
SUPPORT = 0.8
"""Pairwise recovery rate (each direction) at or above which a verdict counts as supported."""
MIMIC = 0.5
"""Rate at or above which the observers' winner also wins on its rival's data: the verdict is not supported."""


def check_sets(n_sets, where: str = "recovery_sets") -> int:
    """``n_sets`` as a whole number >= 0, or a one-line :class:`PsysimError` naming ``where``."""
    if isinstance(n_sets, bool) or not isinstance(n_sets, (int, np.integer)) or n_sets < 0:
        raise PsysimError(f"{where}: expected a whole number >= 0 of simulated data sets, got {n_sets!r}")
    return int(n_sets)


def pick_generators(fits: pd.DataFrame, model: str, task: str, n_sets: int, params=None) -> list[dict]:
    """The observers whose fitted parameters generate the recovery data sets of one model and task.

    Observers are ranked by their distance from the median observer: each parameter in
    ``params`` (default: all the model's parameter columns; a fixed one adds nothing) is turned
    into ranks over observers scaled to [0, 1] (so that no parameter's unit dominates), and the
    distance is the sum of absolute differences from the median rank.
    The first ``n_sets`` observers are taken; past the number of observers the ranking starts
    again (the same parameters, a new simulated data set).

    Parameters
    ----------
    fits : pandas.DataFrame
        One row per fit with ``model, task, subject`` and a column per parameter (``fits.csv``).
    model, task : str
    n_sets : int
    params : sequence of str, optional

    Returns
    -------
    list of dict
        ``{"set": i, "subject": s, "params": {name: value}}`` for ``i = 0 .. n_sets - 1``.
    """
    n_sets = check_sets(n_sets)
    f = fits[(fits["model"] == model) & (fits["task"] == task)]
    if f.empty:
        raise PsysimError(f"recovery: no fits of {model} to {task} to take generating parameters from")
    all_params = _param_columns(f, model)
    params = all_params if params is None else list(params)
    missing = [p for p in params if p not in all_params]
    if missing:
        raise PsysimError(f"recovery: fits of {model} to {task} lack parameter column(s) {', '.join(missing)}")
    f = f.sort_values("subject", key=lambda s: s.astype(str).str.zfill(12), kind="stable").reset_index(drop=True)
    if len(f) > 1 and len(params):
        ranks = f[list(params)].rank(method="average").sub(1).div(len(f) - 1)
        dist = (ranks - ranks.median()).abs().sum(axis=1).to_numpy()
    else:
        dist = np.zeros(len(f))
    order = np.argsort(dist, kind="stable")
    out = []
    for i in range(n_sets):
        row = f.iloc[order[i % len(f)]]
        out.append({"set": i, "subject": row["subject"], "params": {c: float(row[c]) for c in all_params}})
    return out


def _param_columns(f: pd.DataFrame, model: str) -> list[str]:
    from psysim.models import get_model

    return [p.name for p in get_model(model).parameters if p.name in f.columns and f[p.name].notna().all()]


def cell_counts(trials: pd.DataFrame) -> pd.DataFrame:
    """Trials per set size x presence cell of one observer and task: ``set_size, target_present, n``."""
    return trials.groupby(list(CELL), sort=True).size().rename("n").reset_index()


def design_for(model, task: str, n_per_cell: int, seed):
    """What a recovery data set is simulated on: ``n_per_cell`` trials per set size x presence at
    set sizes 3, 6, 12, 18 (Wolfe et al. 2010), as generated displays for models that read items."""
    from psysim.models import make_design

    if model.needs_items:
        from psysim.displays import make_displays

        return make_displays(task, (3, 6, 12, 18), n_per_cell=n_per_cell, seed=seed)
    return make_design(task, (3, 6, 12, 18), n_per_cell)


def simulate_like(model, task: str, counts: pd.DataFrame, seed) -> pd.DataFrame:
    """A data set from ``model`` with the trial count of each cell in ``counts``.

    The model simulates the largest count in every cell (on displays when it reads items), and
    each cell keeps its first ``n`` trials, so every cell is a sample of the model's
    distribution with the observer's own size. ``seed`` (a SeedSequence or int) gives the
    display seed and the simulation seed.
    """
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    design_seed, sim_seed = ss.spawn(2)
    n_max = int(counts["n"].max())
    trials = model.simulate(design_for(model, task, n_max, design_seed), seed=sim_seed)
    want = counts.assign(set_size=counts["set_size"].astype(int), target_present=counts["target_present"].astype(bool))
    cell = trials[list(CELL)].astype({"set_size": int, "target_present": bool})
    n = cell.merge(want, on=list(CELL), how="left")["n"].fillna(0).to_numpy()
    keep = trials.groupby(list(CELL)).cumcount().to_numpy() < n
    return trials[keep].reset_index(drop=True)


def model_recovery_table(results) -> pd.DataFrame:
    """One row per simulated data set x fitted model, with the data set's BIC winner.

    ``results`` are FitResults whose ``data`` holds ``generator, task, set, subject`` (the
    observer whose parameters generated the data set). Columns: ``generator, fitted, task, set,
    subject, n_obs, k, loglik, loglik_mc_se`` (the fit's Monte Carlo standard error of
    ``loglik``: 0 for an exact likelihood, NaN where unknown), ``bic, delta_bic`` (BIC minus the
    data set's lowest), ``winner`` (lowest BIC), ``margin`` (the runner-up's BIC minus the
    winner's) and ``decisive``: the margin exceeds twice its Monte Carlo standard error,
    ``2 sqrt(se_w^2 + se_r^2)`` with ``se = 2 loglik_mc_se`` on the BIC scale (an unknown
    error is never decisive). The winner is the lowest BIC whether decisive or not.
    """
    rows = []
    for r in results:
        d = r.data
        se = (getattr(r, "diagnostics", None) or {}).get("loglik_mc_se", math.nan)
        rows.append({"generator": d["generator"], "fitted": r.model, "task": d["task"], "set": int(d["set"]),
                     "subject": d["subject"], "n_obs": r.n_obs, "k": r.k, "loglik": r.loglik,
                     "loglik_mc_se": math.nan if se is None else float(se), "bic": r.bic})
    cols = ["generator", "fitted", "task", "set", "subject", "n_obs", "k", "loglik", "loglik_mc_se", "bic", "delta_bic",
            "winner", "margin", "decisive"]
    if not rows:
        return pd.DataFrame(columns=cols)
    t = pd.DataFrame(rows)
    keys = ["generator", "task", "set"]
    g = t.groupby(keys)["bic"]
    t["delta_bic"] = t["bic"] - g.transform("min")
    per = []
    for key, d in t.sort_values("bic", kind="stable").groupby(keys, sort=False):
        w = d.iloc[0]
        if len(d) > 1:
            r2 = d.iloc[1]
            margin = float(r2["bic"] - w["bic"])
            se = 2 * math.sqrt(w["loglik_mc_se"] ** 2 + r2["loglik_mc_se"] ** 2)
            decisive = bool(np.isfinite(se) and margin > 2 * se)
        else:
            margin, decisive = math.nan, False
        per.append({**dict(zip(keys, key)), "winner": w["fitted"], "margin": margin, "decisive": decisive})
    return t.merge(pd.DataFrame(per), on=keys, how="left")[cols]


def confusion_matrix(table: pd.DataFrame, models, task: str | None = None) -> pd.DataFrame:
    """Counts of BIC winners: rows the generating model, columns the winner, over ``models``.

    Each row sums to the number of data sets its generator made (in ``task``, or in all tasks).
    """
    models = list(models)
    t = table if task is None else table[table["task"] == task]
    sets = t.drop_duplicates(["generator", "task", "set"])
    m = pd.crosstab(pd.Categorical(sets["generator"], models), pd.Categorical(sets["winner"], models), dropna=False)
    m.index.name, m.columns.name = "generator", "winner"
    return m.astype(int)


def confusion_long(table: pd.DataFrame, models, tasks) -> pd.DataFrame:
    """The confusion matrices as one long table: ``task`` (each task, then ``all``),
    ``generator, winner, count``, every generator x winner pair of ``models`` (zeros included)."""
    rows = []
    for task in [*tasks, "all"]:
        m = confusion_matrix(table, models, None if task == "all" else task)
        for g in m.index:
            for w in m.columns:
                rows.append({"task": task, "generator": g, "winner": w, "count": int(m.loc[g, w])})
    return pd.DataFrame(rows, columns=["task", "generator", "winner", "count"])


def pairwise_recovery(table: pd.DataFrame, a: str, b: str, task: str | None = None) -> dict:
    """How often the pair's BIC picks the generator, when ``a`` or ``b`` made the data.

    Returns ``{"a_n", "a_right", "b_n", "b_right"}``: data sets generated by ``a`` and how
    many ``a`` fitted better than ``b`` (lower BIC), and the same for ``b``. Only these two
    models' BICs count, whatever the other models did.
    """
    t = table if task is None else table[table["task"] == task]
    t = t[t["fitted"].isin((a, b))]
    w = t.pivot_table(index=["generator", "task", "set"], columns="fitted", values="bic")
    out = {}
    for name, other in ((a, b), (b, a)):
        if name not in w.columns or other not in w.columns:
            sub = w.iloc[0:0]
        else:
            sub = w.loc[w.index.get_level_values("generator") == name].dropna(subset=[name, other])
        out[f"{'a' if name == a else 'b'}_n"] = len(sub)
        out[f"{'a' if name == a else 'b'}_right"] = int((sub[name] < sub[other]).sum()) if len(sub) else 0
    return out


def parameter_recovery_summary(estimates: pd.DataFrame) -> pd.DataFrame:
    """Per model and parameter: ``n`` data sets, Pearson ``r`` of true and recovered values,
    ``bias`` (mean estimate - true, in the parameter's unit), ``rel_bias`` (mean of
    (estimate - true) / |true|, over nonzero truths) and ``rmse``.

    ``r`` is NaN with fewer than 3 data sets or when the true or the recovered values do not
    vary (a correlation is then undefined, not zero).
    """
    rows = []
    for (m, p), g in estimates.groupby(["model", "param"], sort=False):
        t, e = g["true"].to_numpy(float), g["estimate"].to_numpy(float)
        err = e - t
        nz = t != 0
        r = float(np.corrcoef(t, e)[0, 1]) if len(t) >= 3 and np.ptp(t) > 0 and np.ptp(e) > 0 else math.nan
        rows.append({"model": m, "param": p, "n": len(t), "r": r, "bias": float(err.mean()),
                     "rel_bias": float(np.mean(err[nz] / np.abs(t[nz]))) if nz.any() else math.nan,
                     "rmse": float(np.sqrt(np.mean(err**2)))})
    return pd.DataFrame(rows, columns=["model", "param", "n", "r", "bias", "rel_bias", "rmse"])


def _leads(table: pd.DataFrame, generator: str, w: str, loser: str, task: str) -> np.ndarray:
    """BIC(loser) - BIC(w) on each data set ``generator`` made in ``task`` (w's lead there)."""
    t = table[(table["task"] == task) & (table["generator"] == generator) & table["fitted"].isin((w, loser))]
    p = t.pivot_table(index="set", columns="fitted", values="bic")
    if w not in p.columns or loser not in p.columns:
        return np.array([])
    return (p[loser] - p[w]).dropna().to_numpy(float)


def verdicts(observer_bic: pd.DataFrame, table: pd.DataFrame, models, tasks) -> pd.DataFrame:
    """What the recovery says about each observed pairwise verdict, per task and model pair.

    ``observer_bic`` has one row per observer and task with a BIC column per model
    (``bic_by_observer.csv``). For a pair, the observers' winner ``W`` is the model with the
    lower BIC for more observers (none on a tie), and ``L`` the other. From the simulated
    data sets: ``power`` = share of W-made data sets on which W beats L; ``mimicry`` = share
    of L-made data sets on which W beats L; ``mimic_lead`` = W's largest BIC lead over L on
    an L-made data set (negative when L always won its own); ``beyond_mimicry`` = observers
    whose lead of W over L exceeds ``mimic_lead``. This is the cross-fitting logic of the
    parametric bootstrap (Wagenmakers et al. 2004): an observed lead that L's own data never
    give W speaks for W even where W sometimes wins on L's data, by less. With a few data sets
    per generator the largest simulated lead is a rough bound of that distribution, not a
    quantile of it.

    - ``supported``: power at least :data:`SUPPORT`, and most observers' leads beyond mimicry;
    - ``not supported``: mimicry at least :data:`MIMIC` and most observers' leads within what
      W gains on L's own data;
    - ``indistinguishable``: otherwise, when the pair picks the generator in at most half of its
      data sets: the design does not tell the two apart;
    - ``split``: no observers' winner, although the pair recovers the generator in at least
      :data:`SUPPORT` of its data sets;
    - ``weak``: anything between, or a pair without simulated data sets of both models.

    Columns: ``task, model_a, model_b, observers, a_wins, b_wins, median_delta_bic`` (median
    over observers of BIC(a) - BIC(b)), ``winner, a_n, a_right, b_n, b_right, recovered``
    (``a_right + b_right``), ``n_sets`` (``a_n + b_n``), ``power, mimicry, mimic_lead,
    beyond_mimicry, status``.
    """
    rows = []
    for task in tasks:
        ob = observer_bic[observer_bic["task"] == task]
        for a, b in itertools.combinations(list(models), 2):
            if a not in ob.columns or b not in ob.columns:
                continue
            o = ob[[a, b]].dropna()
            aw, bw = int((o[a] < o[b]).sum()), int((o[b] < o[a]).sum())
            delta = float((o[a] - o[b]).median()) if len(o) else math.nan
            pr = pairwise_recovery(table, a, b, task)
            n = pr["a_n"] + pr["b_n"]
            rec = pr["a_right"] + pr["b_right"]
            winner = a if aw > bw else b if bw > aw else ""
            power = mimic = lead = math.nan
            beyond = 0
            if winner:
                loser_name = b if winner == a else a
                w, loser = ("a", "b") if winner == a else ("b", "a")
                if pr[f"{w}_n"]:
                    power = pr[f"{w}_right"] / pr[f"{w}_n"]
                if pr[f"{loser}_n"]:
                    mimic = 1 - pr[f"{loser}_right"] / pr[f"{loser}_n"]
                    lead = float(_leads(table, loser_name, winner, loser_name, task).max())
                    beyond = int(((o[loser_name] - o[winner]) > lead).sum())
            most = beyond > len(o) / 2
            if not winner:
                status = ("split" if n and rec / n >= SUPPORT else "indistinguishable" if n and rec <= n / 2
                          else "weak")
            elif math.isnan(power) or math.isnan(mimic):
                status = "weak"
            elif power >= SUPPORT and most:
                status = "supported"
            elif mimic >= MIMIC and not most:
                status = "not supported"
            elif rec <= n / 2:
                status = "indistinguishable"
            else:
                status = "weak"
            rows.append({"task": task, "model_a": a, "model_b": b, "observers": len(o), "a_wins": aw, "b_wins": bw,
                         "median_delta_bic": delta, "winner": winner, **pr, "recovered": rec, "n_sets": n,
                         "power": power, "mimicry": mimic, "mimic_lead": lead, "beyond_mimicry": beyond,
                         "status": status})
    return pd.DataFrame(rows, columns=["task", "model_a", "model_b", "observers", "a_wins", "b_wins", "median_delta_bic",
                                       "winner", "a_n", "a_right", "b_n", "b_right", "recovered", "n_sets", "power",
                                       "mimicry", "mimic_lead", "beyond_mimicry", "status"])


def recovery_study(fits: pd.DataFrame, trials: pd.DataFrame, observer_bic: pd.DataFrame, models, tasks, n_sets: int,
                   spec, *, seed_for, seed: int = 0, mapper=None) -> dict:
    """The whole study: generators, simulated data sets, every model fitted to each, and the tables.

    Parameters
    ----------
    fits : pandas.DataFrame
        The observers' fits (``fits.csv``: ``model, task, subject`` and parameter columns).
    trials : pandas.DataFrame
        The observers' trials (their cell counts size the data sets).
    observer_bic : pandas.DataFrame
        BIC per observer and model (``bic_by_observer.csv``), for :func:`verdicts`.
    models, tasks : sequence of str
    n_sets : int
        Data sets per generating model and task (:func:`check_sets`; 0: no study).
    spec : callable
        ``spec(key, model, task, trials, data) -> FitSpec``: the fit of one model to one data
        set, with the fitting settings the observers got.
    seed_for : callable
        ``seed_for(*key) -> SeedSequence`` (e.g. :meth:`psysim.runs.RunContext.seed_for`); the
        data set of generator ``g``, task ``t``, set ``i`` comes from ``seed_for("recovery-data", g, t, i)``.
    seed, mapper
        Passed to :func:`psysim.fitting.fit_many` (fit keys ``recovery/<g>/<t>/<i>/<model>``).

    Returns
    -------
    dict
        ``model_recovery`` (:func:`model_recovery_table`), ``confusion``
        (:func:`confusion_long`), ``recovery`` (:func:`parameter_recovery_summary`),
        ``recovery_estimates`` (one row per data set and free parameter of the generator's own
        fit: ``model, task, set, subject, param, true, estimate, error, rel_error``) and
        ``recovery_verdicts`` (:func:`verdicts`).
    """
    from psysim.fitting.tasks import fit_many
    from psysim.models import get_model

    n_sets = check_sets(n_sets)
    specs, truths = [], {}
    for g in models:
        for t in tasks:
            if n_sets == 0 or fits[(fits["model"] == g) & (fits["task"] == t)].empty:
                continue
            for gen in pick_generators(fits, g, t, n_sets):
                i, s = gen["set"], gen["subject"]
                true = get_model(g, **gen["params"])
                obs = trials[(trials["task"] == t) & (trials["subject"] == s)]
                if obs.empty:
                    raise PsysimError(f"recovery: observer {s!r} of the {g} fits to {t} has no trials in the data")
                sim = simulate_like(true, t, cell_counts(obs), seed_for("recovery-data", g, t, i))
                truths[(g, t, i)] = true.params
                for m in models:
                    specs.append(spec(f"recovery/{g}/{t}/{i}/{m}", m, t, sim,
                                      {"data": "simulated", "generator": g, "task": t, "set": i, "subject": s}))
    results = fit_many(specs, seed=seed, mapper=mapper, desc="recovery") if specs else []
    table = model_recovery_table(results)
    est = pd.DataFrame([{"model": r.model, "task": r.data["task"], "set": int(r.data["set"]), "subject": r.data["subject"],
                         "param": n, "true": truths[(r.model, r.data["task"], int(r.data["set"]))][n],
                         "estimate": r.params[n]}
                        for r in results if r.model == r.data["generator"] for n in r.free],
                       columns=["model", "task", "set", "subject", "param", "true", "estimate"])
    est["error"] = est["estimate"] - est["true"]
    est["rel_error"] = est["error"] / est["true"].abs().where(est["true"] != 0)
    return {"model_recovery": table, "confusion": confusion_long(table, models, tasks),
            "recovery": parameter_recovery_summary(est), "recovery_estimates": est,
            "recovery_verdicts": verdicts(observer_bic, table, models, tasks)}


def binomial_lower(k: int, n: int, level: float = 0.95) -> float:
    """Exact (Clopper-Pearson) two-sided lower bound of a proportion seen as ``k`` of ``n``."""
    if n <= 0:
        return math.nan
    if k == 0:
        return 0.0
    from scipy.stats import beta

    return float(beta.ppf((1 - level) / 2, k, n - k + 1))
