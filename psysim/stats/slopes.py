"""Search slopes (ms/item) with 95% confidence intervals, and the absent:present ratio.

The slope of the mean-correct-RT x set-size function is the classic measure of search
efficiency (Treisman & Gelade 1980; Wolfe 1998). Per observer it is the OLS slope over that
observer's cell means; for a group of observers it is the mean of the observers' slopes, with a
t-based CI over observers (equivalent to a random-slopes summary with equal weights). For a
single simulated observer the CI comes from an OLS regression over the individual trials.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as sps

from psysim.stats.descriptive import WOLFE2010_TRIM, TrimRule

_KEY = ["source", "task", "target_present"]


def _ols(x, y):
    X = sm.add_constant(np.asarray(x, float), has_constant="add")
    res = sm.OLS(np.asarray(y, float), X).fit()
    lo, hi = res.conf_int(0.05)[1]
    return float(res.params[1]), float(lo), float(hi), float(res.params[0])


def subject_slopes(summary: pd.DataFrame) -> pd.DataFrame:
    """OLS slope of mean correct RT on set size, per source x subject x task x presence.

    A CI needs at least three set sizes; with two it is NaN. Cells with one set size are left
    out.

    Parameters
    ----------
    summary : pandas.DataFrame
        Per-subject cell summary (:func:`psysim.stats.cell_summary`) with ``mean_rt``.

    Returns
    -------
    pandas.DataFrame
        ``source, subject, task, target_present, slope, ci_low, ci_high, intercept`` (ms/item
        and ms), 95% CIs.
    """
    rows = []
    for key, g in summary.dropna(subset=["mean_rt"]).groupby(["source", "subject", "task", "target_present"], observed=True):
        if g["set_size"].nunique() < 2:
            continue
        b, lo, hi, a = _ols(g["set_size"], g["mean_rt"])
        if g["set_size"].nunique() < 3:
            lo = hi = np.nan
        rows.append((*key, b, lo, hi, a))
    return pd.DataFrame(rows, columns=["source", "subject", "task", "target_present", "slope", "ci_low", "ci_high", "intercept"])


def search_slopes(summary: pd.DataFrame, trials: pd.DataFrame | None = None, trim: TrimRule = WOLFE2010_TRIM) -> pd.DataFrame:
    """Group search slopes with 95% CIs, per source x task x target presence.

    Parameters
    ----------
    summary : pandas.DataFrame
        Per-subject cell summary (:func:`psysim.stats.cell_summary`).
    trials : pandas.DataFrame, optional
        Trial tables; used for the CI of sources with a single subject (models).
    trim : TrimRule
        Trials entering the trial-level regression.

    Returns
    -------
    pandas.DataFrame
        ``source, task, target_present, slope, ci_low, ci_high, intercept, n_subjects, method``
        where ``method`` says how the CI was obtained.
    """
    subj = subject_slopes(summary)
    rows = []
    for key, g in subj.groupby(_KEY, observed=True):
        n = len(g)
        if n > 1:
            m, se = g["slope"].mean(), g["slope"].std(ddof=1) / np.sqrt(n)
            t = sps.t.ppf(0.975, n - 1)
            rows.append((*key, m, m - t * se, m + t * se, g["intercept"].mean(), n, "t over subjects"))
            continue
        b, lo, hi, a = g.iloc[0][["slope", "ci_low", "ci_high", "intercept"]]
        method = "OLS over cell means"
        if trials is not None:
            src, task, tp = key
            t_ = trials[(trials["source"] == src) & (trials["task"] == task) & (trials["target_present"] == tp)]
            t_ = t_[trim.mask(t_)]
            if len(t_) > 2:
                b, lo, hi, a = _ols(t_["set_size"], t_["rt"])
                method = "OLS over trials"
        rows.append((*key, b, lo, hi, a, 1, method))
    return pd.DataFrame(rows, columns=_KEY + ["slope", "ci_low", "ci_high", "intercept", "n_subjects", "method"])


def slope_ratio(slopes: pd.DataFrame) -> pd.DataFrame:
    """Absent:present slope ratio per source x task (about 2 for serial self-terminating search).

    A ratio is only meaningful when both slopes are reliably different from zero: the ratio of
    two near-zero slopes (feature search) can take any value and sign. Where the slopes carry
    95 % CIs (``ci_low``, ``ci_high``) and either interval includes 0, ``ratio`` is left empty
    (NaN) and ``note`` says why; ``note`` is empty (None) where the ratio is defined.

    Parameters
    ----------
    slopes : pandas.DataFrame
        Group slopes from :func:`search_slopes` (``source, task, target_present, slope`` and
        optionally ``ci_low, ci_high``).

    Returns
    -------
    pandas.DataFrame
        ``source, task, absent_slope, present_slope, ratio, note``.
    """
    wide = slopes.pivot_table(index=["source", "task"], columns="target_present", values="slope")
    out = wide.rename(columns={True: "present_slope", False: "absent_slope"}).reset_index()
    out.columns.name = None
    for col in ("absent_slope", "present_slope"):
        if col not in out:
            out[col] = np.nan
    out["ratio"] = out["absent_slope"] / out["present_slope"]
    out["note"] = None
    if {"ci_low", "ci_high"} <= set(slopes.columns):
        spans = slopes.assign(zero=(slopes["ci_low"] <= 0) & (slopes["ci_high"] >= 0))
        zero = spans.pivot_table(index=["source", "task"], columns="target_present", values="zero", aggfunc="max")
        for i, row in out.iterrows():
            key = (row["source"], row["task"])
            which = [name for tp, name in ((False, "absent"), (True, "present"))
                     if tp in zero.columns and key in zero.index and bool(zero.loc[key, tp])]
            if which:
                out.loc[i, "ratio"] = np.nan
                out.loc[i, "note"] = f"undefined: the {' and the '.join(which)} slope's 95% CI includes 0"
    return out[["source", "task", "absent_slope", "present_slope", "ratio", "note"]]
