"""Which fits a described search data set allows: per observer or pooled, free and fixed parameters.

:func:`plan_fits` turns a loaded data set (:class:`psysim.data.SearchData`: trials, trimming
rule, task definitions) and a list of models into :class:`~psysim.fitting.FitSpec` objects for
:func:`~psysim.fitting.fit_many` (quantile-bin likelihood, :mod:`psysim.fitting.quantile_fit`),
and into :class:`Note` lines that say everything the plan decided:

- a task is fitted **per observer** when every observer has at least ``min_correct`` correct
  RTs inside the trimming window in every cell; otherwise its observers are **pooled** into one
  fit, and the note names the observer and cell that forced it;
- a pooled cell with fewer correct RTs than quantile bins (6) is left out, with a note;
- :func:`~psysim.fitting.identify.identify` fixes what the fitted cells cannot identify (one
  note per fixed parameter); a model that cannot be fitted at all (Guided Search without
  displays, FIT on a task of unknown kind, fewer observed values than free parameters) gets a
  note instead of a fit.

Each model runs on the task's **display task** (the kind's task in ``stimuli/search.toml``:
``feature-colour`` -> ``feature``, ...), so FIT's pop-out assumption and Guided Search's
displays follow the description, not the data set's task name; a ``serial`` task is fitted by
FIT as a non-pop-out task and not by Guided Search.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from psysim.fitting.identify import DataFeatures, identify
from psysim.fitting.quantile_fit import BIN_COLUMNS, quantile_cells
from psysim.fitting.tasks import FitSpec
from psysim.models import get_model

MIN_BIN_RTS = len(BIN_COLUMNS)
"""Correct RTs a cell needs for quantile bins (one per bin)."""

SETTINGS = {
    "cgs": ({"starts": 1, "n_starts": 128, "n_local": 4}, {"starts": 1, "n_starts": 32, "n_local": 1}),
    "fit": ({"starts": 1, "maxiter": 20, "popsize": 5, "n_sim": 400, "polish": False},
            {"starts": 1, "maxiter": 3, "popsize": 3, "n_sim": 200, "polish": False}),
    "gs": ({"starts": 1, "maxiter": 6, "popsize": 4, "n_sim": 200, "polish": False},
           {"starts": 1, "maxiter": 2, "popsize": 3, "n_sim": 100, "polish": False}),
    "gs6": ({"starts": 1, "maxiter": 6, "popsize": 4, "n_sim": 200, "polish": False},
            {"starts": 1, "maxiter": 2, "popsize": 2, "n_sim": 100, "polish": False}),
}
"""Search settings per model (full run, quick run): CGS by multi-start L-BFGS-B on its exact
likelihood, FIT and Guided Search by differential evolution on simulated likelihoods."""


@dataclass(frozen=True)
class Note:
    """One line of the plan for the report: ``kind`` is ``pooled``, ``cell``, ``fixed``,
    ``not-fitted`` or ``observers``; ``text`` is the English line, ``key`` and ``fields`` the
    same content for other report languages (``plan.<key>`` in :mod:`psysim.i18n`; empty: the
    line exists in English only)."""

    kind: str
    task: str
    text: str
    model: str = ""
    key: str = ""
    fields: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class PlannedFit:
    spec: FitSpec
    model: str
    task: str
    subject: str
    model_task: str
    fixed: dict
    reasons: dict


def model_task(definition, model: str) -> str:
    """The task name ``model`` is run on for a task ``definition`` (see the module docstring)."""
    if definition.display_task is not None:
        return definition.display_task
    if definition.kind == "serial" and model == "fit":
        return "spatial"  # any non-pop-out display task: FIT reads only whether the target pops out
    return definition.name


def _counts(trials: pd.DataFrame, trim) -> pd.DataFrame:
    keep = trim.mask(trials)
    t = trials.assign(_ok=keep)
    return t.groupby(["subject", "set_size", "target_present"], observed=True)["_ok"].sum().rename("n_rt").reset_index()


def _cell(c) -> str:
    return f"set size {int(c['set_size'])}, target {'present' if c['target_present'] else 'absent'}"


def _groups(trials, trim, task, min_correct, notes):
    """(subject label, trials) to fit for one task: per observer if every cell allows it."""
    counts = _counts(trials, trim)
    cells = trials[["set_size", "target_present"]].drop_duplicates()
    subjects = sorted(pd.unique(trials["subject"]), key=lambda s: (len(s), s))
    full = pd.MultiIndex.from_product([subjects, sorted(cells["set_size"].unique()),
                                       sorted(cells["target_present"].unique())],
                                      names=["subject", "set_size", "target_present"])
    grid = counts.set_index(["subject", "set_size", "target_present"])["n_rt"].reindex(full, fill_value=0)
    present_cells = set(map(tuple, cells.to_numpy()))
    grid = grid[[(n, p) in present_cells for _s, n, p in grid.index]]
    if (grid >= min_correct).all():
        return [(s, trials[trials["subject"] == s]) for s in subjects], "per observer"
    worst = grid.idxmin()
    fields = {"subject": str(worst[0]), "n": int(grid.min()), "set_size": int(worst[1]), "target_present": bool(worst[2]),
              "min_correct": int(min_correct), "n_fewer": int((grid < min_correct).sum()), "n_cells": len(grid)}
    notes.append(Note("pooled", task, f"{task}: observers pooled into one fit: observer {worst[0]} has "
                      f"{int(grid.min())} correct RT(s) in the trimming window at "
                      f"{_cell({'set_size': worst[1], 'target_present': worst[2]})} (a per-observer fit needs "
                      f"{min_correct} in every cell; {int((grid < min_correct).sum())} of {len(grid)} observer cells have fewer)",
                      key="pooled", fields=fields))
    pooled = counts.groupby(["set_size", "target_present"])["n_rt"].sum().reset_index()
    small = pooled[pooled["n_rt"] < MIN_BIN_RTS]
    for _i, c in small.iterrows():
        notes.append(Note("cell", task, f"{task}, {_cell(c)}: left out of the fits: {int(c['n_rt'])} correct RT(s) "
                          f"in the trimming window over all observers, fewer than the {MIN_BIN_RTS} quantile bins",
                          key="cell", fields={"set_size": int(c["set_size"]), "target_present": bool(c["target_present"]),
                                              "n": int(c["n_rt"]), "bins": MIN_BIN_RTS}))
    if len(small):
        drop = set(map(tuple, small[["set_size", "target_present"]].to_numpy()))
        trials = trials[[(n, p) not in drop for n, p in zip(trials["set_size"], trials["target_present"])]]
    return ([("pooled", trials)] if len(trials) else []), "pooled"


def plan_fits(data, models, quick: bool = False, min_correct: int = 20, tasks=None, subjects=None,
              max_observers: int | None = None, settings: dict | None = None):
    """Fits a described data set allows, with a note for every decision.

    Parameters
    ----------
    data : SearchData
        From :func:`psysim.data.load_described`.
    models : sequence of str
        Registered model names (``fit``, ``cgs``, ``gs``).
    quick : bool
        Small search settings (:data:`SETTINGS`).
    min_correct : int
        Correct RTs in the trimming window every cell of every observer needs for per-observer
        fits (else the task is pooled).
    tasks, subjects : sequence of str, optional
        Restrict to these tasks / observers (``subjects`` applies to per-observer fits).
    max_observers : int, optional
        Per-observer fits: at most this many observers per task (the first by id).
    settings : dict, optional
        ``{model: settings}`` replacing :data:`SETTINGS`.

    Returns
    -------
    (list of PlannedFit, list of Note)
    """
    trials, trim, desc = data.trials, data.trim, data.description
    notes, planned, keys = [], [], {}
    for task, definition in desc.tasks.items():
        if tasks is not None and task not in tasks:
            continue
        tt = trials[trials["task"] == task]
        if tt.empty:
            notes.append(Note("not-fitted", task, f"{task}: no trials in the data", key="no_trials"))
            continue
        groups, mode = _groups(tt, trim, task, min_correct, notes)
        n_all, left_out = len(groups), []
        if mode == "per observer":
            if subjects is not None:
                groups = [(s, g) for s, g in groups if s in subjects]
                left_out.append("observers chosen by name")
            if max_observers and len(groups) > max_observers:
                groups = groups[:max_observers]
                left_out.append(f"at most {max_observers} per task, the first by id")
        fitted = (f"; {len(groups)} of {n_all} observers fitted ({', '.join(left_out)}), the others are in the "
                  "statistics but not in the fits" if len(groups) < n_all else "")
        notes.append(Note("observers", task, f"{task}: {mode} ({len(groups)} fit(s) per model{fitted})",
                          key="observers_some" if fitted else "observers",
                          fields={"pooled": mode == "pooled", "n_fits": len(groups), "n_all": n_all,
                                  "max_observers": int(max_observers or 0), "by_name": subjects is not None}))
        for m in models:
            model = get_model(m)
            mt = model_task(definition, m)
            said = set()
            for subject, g in groups:
                feats = DataFeatures.of(g, popout=definition.pops_out, displays=definition.display_task is not None)
                ident = identify(model, feats)
                cells = quantile_cells(g, trim).assign(task=mt)
                n_values = len(cells) * len(BIN_COLUMNS)
                if ident.fittable and n_values < len(ident.free):
                    ident_ok, why = False, f"{n_values} observed values for {len(ident.free)} free parameters"
                    key, fields = "too_few_values", {"n_values": n_values, "n_free": len(ident.free)}
                else:
                    ident_ok, why = ident.fittable, ident.why_not
                    key, fields = "not_fitted", {"why": why}
                if not ident_ok:
                    if why not in said:
                        notes.append(Note("not-fitted", task, f"{m} not fitted to {task}: {why}", m, key=key, fields=fields))
                        said.add(why)
                    continue
                for line in ident.lines():
                    if line not in said:
                        notes.append(Note("fixed", task, f"{task}: {line}", m))
                        said.add(line)
                opts = {k: v for k, v in (settings or SETTINGS)[m][1 if quick else 0].items() if k != "starts"}
                opts.update(free=ident.free, fixed=ident.fixed)
                # keyed by the display task, not the data set's name for it, so that the same trials
                # under other task names get the same seeds (and fits); a second task on the same
                # display task adds its own name
                key = f"fit/{m}/{mt}/{subject}"
                if key in keys and keys[key] != task:
                    key = f"fit/{m}/{mt}/{task}/{subject}"
                keys[key] = task
                spec = FitSpec(key=key, model=m, cells=cells,
                               starts=(settings or SETTINGS)[m][1 if quick else 0]["starts"], settings=opts,
                               data={"data": desc.name, "task": task, "subject": subject, "model_task": mt})
                planned.append(PlannedFit(spec, m, task, subject, mt, ident.fixed, ident.reasons))
    return planned, notes


def fits_table(planned, results) -> pd.DataFrame:
    """One row per fit: model, task (the data set's name), subject, parameters, fit statistics."""
    rows = []
    for p, res in zip(planned, results):
        row = res.summary()
        row.update(task=p.task, subject=p.subject, model_task=p.model_task,
                   converged=res.diagnostics.get("converged", True), warnings="; ".join(res.warnings),
                   fixed="; ".join(f"{k}={v:g}" for k, v in p.fixed.items()))
        rows.append(row)
    return pd.DataFrame(rows)


def predictions_table(planned, results) -> pd.DataFrame:
    """Observed and predicted quantiles and error rates of every fitted cell (data task names)."""
    parts = []
    for p, res in zip(planned, results):
        d = res.predictions.copy()
        d["task"] = p.task
        d.insert(0, "model", p.model)
        d.insert(1, "subject", p.subject)
        parts.append(d)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["model", "subject", "task"])


def bic_table(fits: pd.DataFrame) -> pd.DataFrame:
    """BIC per task x subject and model, the best model and its BIC lead over the next."""
    if fits.empty:
        return pd.DataFrame(columns=["task", "subject", "best", "delta_bic"])
    wide = fits.pivot_table(index=["task", "subject"], columns="model", values="bic").reset_index()
    wide.columns.name = None
    models = [c for c in wide.columns if c not in ("task", "subject")]
    vals = wide[models].to_numpy(float)
    wide["best"] = [models[int(np.nanargmin(v))] if np.isfinite(v).any() else "" for v in vals]
    srt = np.sort(np.where(np.isfinite(vals), vals, np.inf), axis=1)
    wide["delta_bic"] = srt[:, 1] - srt[:, 0] if len(models) > 1 else np.nan
    wide.loc[~np.isfinite(wide["delta_bic"]), "delta_bic"] = np.nan
    return wide
