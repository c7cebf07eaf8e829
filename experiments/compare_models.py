"""Experiment `compare-models`: every search model fitted to a described search data set.

One command for a whole data set, a lab's own or a built-in one::

    psysim run compare-models --data mylab.toml        # a description file (docs/own_data.md)
    psysim run compare-models --data wolfe2010         # the built-in Wolfe et al. (2010) description

1. Data: the description's files through :func:`psysim.data.load_described` (column and value
   mapping, RT unit, missing/zero-RT policy, trimming, observer exclusion); the exclusions
   report (trials and observers by rule).
2. Statistics: per-observer cell summaries under the description's trimming window; group cell
   means (cells missing for some observers kept, with a note); search slopes with 95% CIs and
   absent:present ratios (when both presences exist); the repeated-measures ANOVA over the
   within-subject factors the data have (observers with every cell).
3. Fits: FIT, Competitive Guided Search and Guided Search 2.0 (and Guided Search 6.0 with
   ``--set models=fit,cgs,gs,gs6``) by the quantile-bin likelihood
   (:mod:`psysim.fitting.quantile_fit`), per observer where every cell has ``min_correct``
   correct RTs, pooled otherwise (:mod:`psysim.fitting.plan` says why); parameters the data do
   not identify are fixed with a stated reason (:mod:`psysim.fitting.identify`); BIC per fit.
4. Tables, figures and ``report.html`` (rendered by :mod:`psysim.report.compare`), citing the
   data set's own citation and licence; ``--lang ja`` writes it in Japanese, and ``psysim report
   RUN --lang ja`` re-renders a finished run in Japanese from its tables.

Options (``--set KEY=VALUE``): see ``OPTIONS``; ``--set workers=N`` runs the fits on N
processes, and an interrupted run resumes.

Cost, measured (2026-12-02, serially, 2-core machine): ``--data wolfe2010`` full run (28
observers x 3 models = 84 per-observer fits) 120 s wall with the machine otherwise idle (fits
111 s); ``--quick`` 16 s. The 3-trials-per-cell foreign re-expression of the Wolfe data in
``tests/_own_data.py`` (pooled: 9 fits) 17 s idle, 128 s with the machine loaded 7-12 by
other work. ``--set workers=N`` divides the fits.
"""

from __future__ import annotations

import json

import pandas as pd

from psysim.data import load_described, resolve_description
from psysim.data.registry import Dataset
from psysim.fitting import cell_notes, fit_many, observed_cells
from psysim.fitting.plan import bic_table, fits_table, plan_fits, predictions_table
from psysim.options import Option
from psysim.stats import cell_summary, rm_anova, search_slopes, slope_ratio
from psysim.stats.inference import ANOVA_COLUMNS
from psysim.tables import TableSpec

NAME = "compare-models"
DESCRIPTION = "FIT, Guided Search and Competitive Guided Search fitted to a described search data set (--data FILE.toml)"
LANGUAGES = ("en", "ja")  # report languages (psysim.i18n.check_report_language)
USES_EXECUTOR = True
MODELS = ("fit", "cgs", "gs")
AVAILABLE = MODELS + ("gs6",)  # gs6 on request (--set models=fit,cgs,gs,gs6): it is the costliest to fit

_CELL = {"task": "str", "set_size": "int", "target_present": "bool"}
_FIT = {"model": "str", "task": "str", "subject": "any"}
TABLES = {
    "exclusions": TableSpec("exclusions.csv", {"rule": "str", "trials": "int", "observers": "int"}),
    "observers": TableSpec("observers.csv", {"observer": "any", "n_trials": "int", "n_excluded": "int", "kept": "bool"},
                           keys=("observer",)),
    "subject_cells": TableSpec("subject_cells.csv", {"source": "str", "subject": "any", **_CELL, "n_trials": "int",
                                                     "error_rate": "float", "n_rt": "int"},
                               keys=("source", "subject", "task", "set_size", "target_present")),
    "cells": TableSpec("cells.csv", {**_CELL, "n_subjects": "int", "rt_status": "str", "error_rate": "float"},
                       keys=("task", "set_size", "target_present")),
    "slopes": TableSpec("slopes.csv", {"source": "str", "task": "str", "target_present": "bool", "slope": "float",
                                       "n_subjects": "int", "method": "str"},
                        keys=("source", "task", "target_present"), nullable=("slope",)),
    "slope_ratios": TableSpec("slope_ratios.csv", {"source": "str", "task": "str", "ratio": "float"},
                              keys=("source", "task"), nullable=("ratio",)),
    "anova": TableSpec("anova.csv", {"source": "str", "task": "str", "effect": "str", "F": "float", "df1": "int",
                                     "df2": "int", "p": "float"}, keys=("source", "task", "effect"),
                       nullable=("F", "p")),
    "anova_observers": TableSpec("anova_observers.csv", {"task": "str", "observers": "int", "complete": "int"},
                                 keys=("task",)),
    "fits": TableSpec("fits.csv", {**_FIT, "data": "str", "loss": "float", "loglik": "float", "bic": "float",
                                   "n_obs": "int", "k": "int", "converged": "bool"}, keys=("model", "task", "subject")),
    "predictions": TableSpec("predictions.csv", {**_FIT, **{c: v for c, v in _CELL.items() if c != "task"}, "n": "int",
                                                 "pred_error_rate": "float"},
                             keys=("model", "subject", "task", "set_size", "target_present")),
    "bic": TableSpec("bic.csv", {"task": "str", "subject": "any"}, keys=("task", "subject")),
    "fixed": TableSpec("fixed.csv", {**_FIT, "param": "str", "value": "float"}, keys=("model", "task", "subject", "param")),
    "notes": TableSpec("notes.csv", {"kind": "str", "text": "str"}),
}
"""The run folder's tables, checked when the run writes them and when `psysim report` reads them
(their columns and keys: which tasks and observers they hold depends on the data set)."""

OPTIONS = (
    Option("data", str, "wolfe2010", help="data-set description: FILE.toml, or a built-in name (wolfe2010)"),
    Option("models", str, ",".join(MODELS), choices=AVAILABLE, multiple=True,
           help="models to fit, comma-separated (gs6, Guided Search 6.0, only when named)"),
    Option("min_correct", int, 20, low=6, help="correct RTs in the trimming window every observer needs in every cell "
           "for per-observer fits (else the task is fitted pooled)"),
    Option("max_observers", int, 0, quick=2, low=0, help="per-observer fits: at most this many observers per task (0 = all)"),
)


def _dataset(desc) -> Dataset:
    return Dataset(name=desc.name, title=desc.title or desc.name, folder=str(desc.path.parent), files=tuple(
        str(f) for f in desc.files), citation=desc.citation, licence=desc.licence, source_url=desc.source_url)


def anova_design(summary: pd.DataFrame) -> tuple:
    """Within-subject factors with more than one level in the data."""
    return tuple(f for f in ("set_size", "target_present") if summary[f].nunique() > 1)


def anova_observers(summary: pd.DataFrame, within) -> pd.DataFrame:
    """Per task: observers, and observers with a mean RT in every cell (those the ANOVA uses)."""
    rows = []
    for task, g in summary.groupby("task"):
        n_cells = g.groupby(list(within)).ngroups if within else 1
        complete = g.dropna(subset=["mean_rt"]).groupby("subject").size() == n_cells
        rows.append({"task": task, "observers": g["subject"].nunique(), "complete": int(complete.sum())})
    return pd.DataFrame(rows, columns=["task", "observers", "complete"])


def run(ctx):
    path = resolve_description(ctx.option("data")).resolve()
    data = load_described(path)
    desc = data.description
    ctx.datasets.append(_dataset(desc))
    ctx.metadata["description"] = str(path)
    trials, trim = data.trials, data.trim

    # 1. statistics of the people
    with ctx.timer("statistics"):
        summary = cell_summary(trials, trim)
        cells = observed_cells(summary).assign(source=desc.name)
        slopes = search_slopes(summary)
        ratios = slope_ratio(slopes) if trials["target_present"].nunique() == 2 and len(slopes) else pd.DataFrame(
            columns=["source", "task", "absent_slope", "present_slope", "ratio", "note"])
        within = anova_design(summary)
        anova = rm_anova(summary, within=within) if within else pd.DataFrame(columns=ANOVA_COLUMNS)
        anova_n = anova_observers(summary, within)

    # 2. every fittable model, per observer or pooled
    models = [m.strip() for m in ctx.option("models").split(",") if m.strip()]
    planned, notes = plan_fits(data, models, quick=ctx.quick, min_correct=ctx.option("min_correct"),
                               max_observers=ctx.option("max_observers") or None)
    with ctx.timer("fits"):
        results = fit_many([p.spec for p in planned], seed=ctx.seed, mapper=ctx.map_tasks, desc="fits") if planned else []
    ctx.metadata["fit_seconds"] = {p.spec.key: r.diagnostics.get("seconds") for p, r in zip(planned, results)}
    fits = fits_table(planned, results)
    preds = predictions_table(planned, results)
    bic = bic_table(fits)
    notes_df = pd.DataFrame([{**n.__dict__, "fields": json.dumps(n.fields, sort_keys=True) if n.fields else ""} for n in notes],
                            columns=["kind", "task", "text", "model", "key", "fields"])
    cell_lines = pd.DataFrame({"kind": "cell-mean", "task": "", "text": cell_notes(cells), "model": "", "key": "", "fields": ""})
    notes_df = pd.concat([notes_df, cell_lines], ignore_index=True)
    fixed = pd.DataFrame([{"model": p.model, "task": p.task, "subject": p.subject, "param": k, "value": v,
                           "reason": p.reasons.get(k, "")} for p in planned for k, v in p.fixed.items()],
                         columns=["model", "task", "subject", "param", "value", "reason"])

    for df, name in ((data.exclusions, "exclusions.csv"), (data.observers, "observers.csv"), (summary, "subject_cells.csv"),
                     (cells, "cells.csv"), (slopes, "slopes.csv"), (ratios, "slope_ratios.csv"), (anova, "anova.csv"),
                     (anova_n, "anova_observers.csv"), (fits, "fits.csv"), (preds, "predictions.csv"), (bic, "bic.csv"),
                     (fixed, "fixed.csv"), (notes_df, "notes.csv")):
        ctx.write_table(df, name)
    ctx.metadata["data_set"] = {"name": desc.name, "title": desc.title, "citation": desc.citation,
                                "licence": desc.licence, "source_url": desc.source_url,
                                "tasks": {t: d.kind for t, d in desc.tasks.items()},
                                "trimming": trim.describe() if "trim" in desc.raw.get("rt", {}) else "every correct trial (no trimming)"}
    if "trim" in desc.raw.get("rt", {}):  # the window itself, for the report in other languages
        ctx.metadata["data_set"]["trim"] = {"lower": float(trim.lower), "upper": float(trim.upper),
                                            "upper_by_task": {k: float(v) for k, v in trim.upper_by_task.items()}}
    ctx.metadata["models"] = models

    # 3. figures and report from the tables just written (as `psysim report` does)
    from psysim.report.compare import render

    info = {"seed": ctx.seed, "quick": ctx.quick, "options": ctx.options, "data_set": ctx.metadata["data_set"]}
    render(ctx.out, ctx.lang, info, ctx.out / "report.html", save_figure=ctx.save_figure)


def report(run_dir, lang: str = "en", out=None):
    """Re-render the report of a compare-models run folder from its tables (``psysim report``)."""
    from psysim.cli.report import report_inputs
    from psysim.report.compare import render

    # (tables checked here too, for a call without `psysim report`)
    run_dir, meta, out = report_inputs(run_dir, NAME, lang, out, tables=TABLES.values())
    info = {k: meta.get(k, "?") for k in ("seed", "quick", "options", "data_set")}
    return render(run_dir, lang, info, out)


if __name__ == "__main__":
    from psysim.cli import main

    raise SystemExit(main(["run", NAME, *__import__("sys").argv[1:]]))
