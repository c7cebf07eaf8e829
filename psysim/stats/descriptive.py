"""Cell summaries of trial tables: error rates, mean correct RT and RT quantiles.

Pure functions, DataFrame in, DataFrame out; the same for human and model trial tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from psysim.trials import validate_trials

QUANTILES = (0.1, 0.3, 0.5, 0.7, 0.9)
"""The RT quantiles of the RT-distribution literature (Ratcliff 1978; Moran et al. 2013)."""

QUANTILE_COLUMNS = tuple(f"q{int(round(q * 100))}" for q in QUANTILES)

CELL = ("source", "subject", "task", "set_size", "target_present")


@dataclass(frozen=True)
class TrimRule:
    """Which trials enter RT statistics: correct trials with ``lower <= rt <= upper`` ms.

    Parameters
    ----------
    lower : float
        Shortest RT kept, in ms.
    upper : float
        Longest RT kept, in ms (``numpy.inf``: no upper bound).
    upper_by_task : dict
        Task name -> upper bound in ms, overriding ``upper`` for those tasks.
    """

    lower: float = 200.0
    upper: float = 4000.0
    upper_by_task: dict = field(default_factory=dict)

    def mask(self, trials: pd.DataFrame) -> np.ndarray:
        upper = trials["task"].map(lambda t: self.upper_by_task.get(t, self.upper)).to_numpy(float)
        rt = trials["rt"].to_numpy(float)
        return trials["correct"].to_numpy(bool) & (rt >= self.lower) & (rt <= upper)

    def describe(self) -> str:
        extra = "".join(f", {lo:g}-{hi:g} ms for the {t} task" for t, hi in self.upper_by_task.items() for lo in [self.lower])
        return f"correct trials with RTs of {self.lower:g}-{self.upper:g} ms{extra}"


WOLFE2010_TRIM = TrimRule(200.0, 4000.0, {"spatial": 8000.0})
"""The trimming used with the Wolfe et al. (2010) data by Lin, Heinke & Humphreys (2015) and
others: correct trials, 200-4000 ms; 200-8000 ms for the spatial (2 vs 5) task."""

NO_TRIM = TrimRule(0.0, np.inf)


def cell_summary(trials: pd.DataFrame, trim: TrimRule = WOLFE2010_TRIM, by=CELL) -> pd.DataFrame:
    """Per-cell trial counts, error rates, mean and SD of correct RT, and RT quantiles.

    Parameters
    ----------
    trials : pandas.DataFrame
        A trial table.
    trim : TrimRule
        Which trials enter the RT statistics (error rates always use every trial).
    by : sequence of str
        Grouping columns (default: source, subject, task, set size, target presence).

    Returns
    -------
    pandas.DataFrame
        ``by`` + ``n_trials, error_rate, n_rt, mean_rt, sd_rt, q10, q30, q50, q70, q90``.
        Quantiles are numpy's default (linear interpolation, Hyndman & Fan type 7).
    """
    trials = validate_trials(trials, where="cell_summary", tasks=None)
    by = list(by)
    keep = trim.mask(trials)
    err = trials.groupby(by, observed=True).agg(n_trials=("correct", "size"), error_rate=("correct", lambda c: 1 - c.mean()))
    rts = trials[keep].groupby(by, observed=True)["rt"]
    stats = rts.agg(n_rt="size", mean_rt="mean", sd_rt="std")
    q = rts.quantile(list(QUANTILES)).unstack()
    q.columns = list(QUANTILE_COLUMNS)
    out = err.join(stats).join(q).reset_index()
    out["n_rt"] = out["n_rt"].fillna(0).astype(int)
    return out


def group_means(summary: pd.DataFrame, value: str = "mean_rt", by=("source", "task", "set_size", "target_present")) -> pd.DataFrame:
    """Equal-weight mean over subjects of a per-subject cell value, with SD, SE and n.

    Parameters
    ----------
    summary : pandas.DataFrame
        Per-subject cell summary (:func:`cell_summary`).
    value : str
        Column to average (e.g. ``mean_rt``, ``error_rate``).
    by : sequence of str
        Columns that define a group cell.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``value`` (the mean over subjects), ``<value>_sd``, ``n_subjects`` and
        ``<value>_se`` (SD / sqrt(n)).
    """
    g = summary.groupby(list(by), observed=True)[value]
    out = g.agg(["mean", "std", "count"]).reset_index()
    out = out.rename(columns={"mean": value, "std": f"{value}_sd", "count": "n_subjects"})
    out[f"{value}_se"] = out[f"{value}_sd"] / np.sqrt(out["n_subjects"])
    return out
