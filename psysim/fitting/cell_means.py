"""Fitting a model to group cell means and error rates by weighted least squares.

The objective is the chi-square of the observed group cell values against the model's
predictions, each residual divided by the standard error of the observed value over subjects:

    chi2 = sum_cells ((mean_rt_obs - mean_rt_pred) / se_rt)^2 + ((err_obs - err_pred) / se_err)^2

Under Gaussian sampling error of the cell means this is -2 ln L up to a constant, so the
log-likelihood reported is ``-chi2/2 - sum(ln(se * sqrt(2 pi)))`` over the residuals used, and
AIC/BIC follow with n = number of residuals. Models with exact cell predictions
(``predict_cells``) are fitted on those; other models on simulated cells with common random
numbers (the same seed at every evaluation), so the objective is a deterministic function of
the parameters.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from psysim.errors import ParameterError, PsysimError
from psysim.fitting.identify import check_enough_cells
from psysim.fitting.result import FitResult
from psysim.models.base import SearchModel, make_design
from psysim.stats.descriptive import WOLFE2010_TRIM, cell_summary, group_means

CELL_KEYS = ["task", "set_size", "target_present"]
_ERR_SE_FLOOR = 0.002  # an error-rate SE of 0 (every observer perfect) would make chi2 infinite
_RT_SE_FLOOR = 1.0  # ms


def observed_cells(summary: pd.DataFrame) -> pd.DataFrame:
    """Group cell means with standard errors over subjects, from a per-subject summary.

    Every cell of the summary is kept. A cell in which some observers have no mean RT (no
    correct trial inside the trimming window) keeps the mean over the observers that have one,
    with its standard error over those observers; a cell with no mean RT at all keeps its error
    rate and has ``mean_rt`` NaN (its RT is left out of a fit). ``n_subjects`` counts the
    observers with the cell, ``n_rt_subjects`` those with a mean RT, ``n_task_subjects`` the
    task's observers, and ``rt_status`` says which case applies (``"all"``, ``"partial"``: fewer
    than the task's observers, ``"none"``). Where a single observer has a
    value, its standard error is the within-observer one (``sd_rt / sqrt(n_rt)`` for RTs,
    ``sqrt(p (1 - p) / n_trials)`` for error rates), when the summary has those columns.

    Parameters
    ----------
    summary : pandas.DataFrame
        Per-subject cell summary (:func:`psysim.stats.cell_summary`).

    Returns
    -------
    pandas.DataFrame
        One row per task x set size x presence: ``error_rate``, ``mean_rt`` with their standard
        errors, the counts and ``rt_status`` above.
    """
    rt = group_means(summary, "mean_rt", by=CELL_KEYS).rename(columns={"n_subjects": "n_rt_subjects"})
    err = group_means(summary, "error_rate", by=CELL_KEYS)
    cells = err.merge(rt, on=CELL_KEYS, how="left")
    cells["n_rt_subjects"] = cells["n_rt_subjects"].fillna(0).astype(int)
    one = summary.groupby(CELL_KEYS, observed=True)
    if {"sd_rt", "n_rt"} <= set(summary.columns):
        within = (one["sd_rt"].first() / np.sqrt(one["n_rt"].first())).rename("_w_rt").reset_index()
        cells = cells.merge(within, on=CELL_KEYS, how="left")
        use = (cells["n_rt_subjects"] == 1) & cells["mean_rt_se"].isna()
        cells.loc[use, "mean_rt_se"] = cells.loc[use, "_w_rt"]
    if "n_trials" in summary.columns:
        n = one["n_trials"].first().rename("_n").reset_index()
        cells = cells.merge(n, on=CELL_KEYS, how="left")
        use = (cells["n_subjects"] == 1) & cells["error_rate_se"].isna()
        p = cells.loc[use, "error_rate"]
        cells.loc[use, "error_rate_se"] = np.sqrt(p * (1 - p) / cells.loc[use, "_n"])
    cells["mean_rt_se"] = cells["mean_rt_se"].fillna(np.inf).clip(lower=_RT_SE_FLOOR)
    cells["error_rate_se"] = cells["error_rate_se"].fillna(np.inf).clip(lower=_ERR_SE_FLOOR)
    # observers of the task (an observer may lack a whole cell: no row of it in the summary)
    cells["n_task_subjects"] = cells["task"].map(summary.groupby("task", observed=True)["subject"].nunique()) \
        if "subject" in summary.columns else cells["n_subjects"]
    cells["rt_status"] = np.where(cells["n_rt_subjects"] == 0, "none",
                                  np.where(cells["n_rt_subjects"] < cells["n_task_subjects"], "partial", "all"))
    return cells[CELL_KEYS + ["n_subjects", "n_rt_subjects", "n_task_subjects", "rt_status", "mean_rt", "mean_rt_se",
                              "error_rate", "error_rate_se"]].reset_index(drop=True)


def cell_notes(cells: pd.DataFrame) -> list[str]:
    """One line per cell that :func:`observed_cells` kept with fewer observers or without RT.

    Parameters
    ----------
    cells : pandas.DataFrame
        The table :func:`observed_cells` returns.

    Returns
    -------
    list of str
        The notes, for the report (empty when every cell has all observers).
    """
    out = []
    for _i, c in cells[cells["rt_status"] != "all"].iterrows():
        where = f"{c['task']}, set size {c['set_size']}, target {'present' if c['target_present'] else 'absent'}"
        lacking = "" if c["n_subjects"] == c["n_task_subjects"] else \
            f" ({c['n_task_subjects'] - c['n_subjects']} of the task's {c['n_task_subjects']} observers have no trial in it)"
        if c["rt_status"] == "none":
            out.append(f"{where}: no observer has a correct RT in the trimming window; only its error rate is used{lacking}")
        else:
            out.append(f"{where}: mean RT over the {c['n_rt_subjects']} of {c['n_task_subjects']} observers that have one{lacking}")
    return out


def predict_cells(model: SearchModel, cells: pd.DataFrame, n_sim: int = 2000, seed=0) -> pd.DataFrame:
    """Model predictions of mean correct RT and error rate for each cell.

    Parameters
    ----------
    model : SearchModel
        The model, at the parameters to predict with.
    cells : pandas.DataFrame
        The cells (``task, set_size, target_present``).
    n_sim : int
        Simulated trials per cell (models without an exact ``predict_cells``).
    seed : int
        Seed of the simulation.

    Returns
    -------
    pandas.DataFrame
        The cells with ``mean_rt`` (ms) and ``error_rate``: the model's own exact predictions
        where it has them, else from simulated trials (correct RTs in the Wolfe et al. 2010
        trimming window).
    """
    if hasattr(model, "predict_cells"):
        return model.predict_cells(cells[CELL_KEYS])
    design = make_design(cells["task"].unique(), sorted(cells["set_size"].unique()), n_sim)
    design = design.merge(cells[CELL_KEYS], on=CELL_KEYS)
    sim = model.simulate(design, seed=seed)
    s = cell_summary(sim, WOLFE2010_TRIM, by=CELL_KEYS)
    return cells[CELL_KEYS].merge(s[CELL_KEYS + ["mean_rt", "error_rate"]], on=CELL_KEYS, how="left")


def fit_cell_means(
    model: SearchModel,
    summary: pd.DataFrame,
    free=None,
    fit_errors: bool = True,
    data: dict | None = None,
    n_sim: int = 2000,
    seed=0,
) -> FitResult:
    """Fit a model's free parameters to group cell means (and error rates) of a summary.

    Parameters
    ----------
    model : SearchModel
        Starting values (its current parameters) and fixed values of the non-free parameters.
    summary : pandas.DataFrame
        Per-subject cell summary (``task, set_size, target_present, subject, mean_rt,
        error_rate``), e.g. :func:`psysim.data.load_wolfe2010_summary` for one task.
    free : sequence of str, optional
        Parameters to estimate (default: all). Bounds come from the model's declarations.
    fit_errors : bool
        Include the error rates in the objective.
    data : dict, optional
        Description of the data, stored in the result.
    n_sim, seed : int
        Trials per cell and the fixed seed for models without exact cell predictions.

    Returns
    -------
    FitResult
        ``objective="chi-square on cell means"``; ``predictions`` holds observed and predicted
        ``mean_rt`` and ``error_rate`` per cell.
    """
    cells = observed_cells(summary)
    if cells.empty:
        raise PsysimError("fit_cell_means: the summary has no cells")
    free = list(free) if free is not None else [p.name for p in model.parameters]
    rt_ok = np.isfinite(cells["mean_rt"].to_numpy(float)) & np.isfinite(cells["mean_rt_se"].to_numpy(float))
    er_ok = np.isfinite(cells["error_rate_se"].to_numpy(float)) if fit_errors else np.zeros(len(cells), bool)
    use = np.concatenate([rt_ok, er_ok]) if fit_errors else rt_ok
    where = f"fit {model.name}" + (f" ({', '.join(f'{k} {v}' for k, v in (data or {}).items())})" if data else "")
    check_enough_cells(int(use.sum()), free, where)
    specs = [model.param(n) for n in free]
    lower = np.array([p.lower for p in specs])
    upper = np.array([p.upper for p in specs])
    x0 = np.clip([model.params[n] for n in free], lower, upper)
    # start strictly inside the bounds (least_squares requires it)
    x0 = np.clip(x0, lower + 1e-9 * (upper - lower + 1), upper - 1e-9 * (upper - lower + 1))

    def residuals(x):
        try:
            m = model.with_params(**dict(zip(free, x)))
        except ParameterError:
            return np.full(len(cells) * (2 if fit_errors else 1), 1e6)
        pred = predict_cells(m, cells, n_sim, seed)
        r = (cells["mean_rt"].to_numpy() - pred["mean_rt"].to_numpy()) / cells["mean_rt_se"].to_numpy()
        if fit_errors:
            e = (cells["error_rate"].to_numpy() - pred["error_rate"].to_numpy()) / cells["error_rate_se"].to_numpy()
            r = np.concatenate([r, e])
        return np.nan_to_num(r[use], nan=1e3)

    sol = least_squares(residuals, x0, bounds=(lower, upper), x_scale="jac", method="trf")
    best = model.with_params(**dict(zip(free, sol.x)))
    pred = predict_cells(best, cells, n_sim, seed)
    chi2 = float(np.sum(sol.fun**2))
    se = cells["mean_rt_se"].to_numpy()
    if fit_errors:
        se = np.concatenate([se, cells["error_rate_se"].to_numpy()])
    se = se[use]
    loglik = -0.5 * chi2 - float(np.sum(np.log(se * math.sqrt(2 * math.pi))))
    preds = cells.copy()
    preds["pred_mean_rt"] = pred["mean_rt"].to_numpy()
    preds["pred_error_rate"] = pred["error_rate"].to_numpy()
    at_bound = [n for n, v, lo, hi in zip(free, sol.x, lower, upper) if np.isclose(v, lo, atol=1e-6 * (hi - lo)) or np.isclose(v, hi, atol=1e-6 * (hi - lo))]
    warnings = [f"parameter '{n}' ended at its bound ({best.params[n]:g})" for n in at_bound]
    return FitResult(
        model=model.name,
        params=best.params,
        free=tuple(free),
        loss=chi2,
        loglik=loglik,
        n_obs=len(se),
        objective="chi-square on cell means" + (" and error rates" if fit_errors else ""),
        predictions=preds,
        data=dict(data or {}),
        diagnostics={
            "optimizer": "scipy.optimize.least_squares (trf)",
            "success": bool(sol.success),
            "message": str(sol.message),
            "nfev": int(sol.nfev),
            "warnings": warnings,
            "cells": cell_notes(cells),
        },
    )
