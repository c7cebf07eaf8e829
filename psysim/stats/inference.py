"""Repeated-measures ANOVA and model-versus-data fit statistics."""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.anova import AnovaRM

from psysim.stats.sphericity import corrected_p, effect_contrasts, sphericity

ANOVA_COLUMNS = ["source", "task", "effect", "F", "df1", "df2", "p", "eta_p2", "eps_gg", "df1_gg", "df2_gg",
                 "p_gg", "eps_hf", "p_hf", "mauchly_w", "mauchly_p"]


def rm_anova(summary: pd.DataFrame, value: str = "mean_rt", within=("set_size", "target_present")) -> pd.DataFrame:
    """Repeated-measures ANOVA per source x task (statsmodels ``AnovaRM``), with sphericity.

    Each subject contributes one value per within-subject cell. Sources with fewer than two
    subjects (models) are skipped, and so are subjects missing a cell.

    Parameters
    ----------
    summary : pandas.DataFrame
        Per-subject cell summary (:func:`psysim.stats.cell_summary`).
    value : str
        The dependent variable's column.
    within : sequence of str
        The within-subject factors.

    Returns
    -------
    pandas.DataFrame
        ``source, task, effect, F, df1, df2, p, eta_p2`` with partial eta squared
        ``F * df1 / (F * df1 + df2)`` (Cohen 1973); the Greenhouse-Geisser correction
        ``eps_gg, df1_gg, df2_gg, p_gg``, the Huynh-Feldt ``eps_hf, p_hf`` and Mauchly's
        ``mauchly_w, mauchly_p`` (:mod:`psysim.stats.sphericity`; ``eps = 1`` and an empty
        Mauchly test for one-df effects).
    """
    within = tuple(within)
    rows = []
    for (src, task), g in summary.groupby(["source", "task"], observed=True):
        if g["subject"].nunique() < 2:
            continue
        d = g[["subject", *within, value]].copy()
        for w in within:
            d[w] = d[w].astype(str)
        # AnovaRM needs a complete, balanced design: keep subjects with every cell
        n_cells = d.groupby(list(within)).ngroups
        complete = d.groupby("subject")[value].count() == n_cells
        d = d[d["subject"].isin(complete[complete].index)]
        if d["subject"].nunique() < 2:
            continue
        res = AnovaRM(d, value, "subject", within=list(within)).fit().anova_table
        wide = d.pivot_table(index="subject", columns=list(within), values=value, aggfunc="mean")
        wide = wide.sort_index(axis=1)  # cells factor by factor, last factor fastest
        levels = tuple(d[w].nunique() for w in within)
        for effect, r in res.iterrows():
            F, df1, df2, p = r["F Value"], r["Num DF"], r["Den DF"], r["Pr > F"]
            factors = tuple(within.index(f) for f in effect.split(":"))
            sph = sphericity(wide.to_numpy(), effect_contrasts(levels, factors))
            gg, hf = sph["eps_gg"], sph["eps_hf"]
            rows.append((src, task, effect, F, df1, df2, p, F * df1 / (F * df1 + df2), gg, gg * df1, gg * df2,
                         corrected_p(F, df1, df2, gg), hf, corrected_p(F, df1, df2, hf), sph["mauchly_w"],
                         sph["mauchly_p"]))
    return pd.DataFrame(rows, columns=ANOVA_COLUMNS)


def fit_statistics(observed, predicted) -> dict:
    """RMSE, R^2 (1 - SS_res / SS_tot) and Pearson r between observed and predicted values.

    R^2 is computed against the observed mean, so it can be negative for a poor model.

    Parameters
    ----------
    observed, predicted : array_like
        Paired values (e.g. cell mean RTs in ms); pairs with a non-finite value are dropped.

    Returns
    -------
    dict
        ``rmse`` (unit of the values), ``r2``, ``r`` (NaN when either side is constant) and
        ``n`` (pairs used); NaN statistics with fewer than two pairs.
    """
    o, p = np.asarray(observed, float), np.asarray(predicted, float)
    ok = np.isfinite(o) & np.isfinite(p)
    o, p = o[ok], p[ok]
    if len(o) < 2:
        return {"rmse": float("nan"), "r2": float("nan"), "r": float("nan"), "n": int(len(o))}
    res = o - p
    ss_tot = float(np.sum((o - o.mean()) ** 2))
    r = float(np.corrcoef(o, p)[0, 1]) if np.std(p) > 0 and np.std(o) > 0 else float("nan")
    return {
        "rmse": float(np.sqrt(np.mean(res**2))),
        "r2": 1.0 - float(np.sum(res**2)) / ss_tot if ss_tot > 0 else float("nan"),
        "r": r,
        "n": int(len(o)),
    }
