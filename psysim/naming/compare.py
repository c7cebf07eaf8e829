"""Comparing a naming network with people, item by item. Pure functions: tables in, tables out.

- :func:`standardized_ols`: OLS on z-scored variables (standardised coefficients with 95 %
  CIs, p, R²), e.g. naming latency on model entropy with familiarity and visual complexity
  as covariates (the covariates that predict naming latency in the norms: Snodgrass &
  Vanderwart 1980; Rossion & Pourtois 2004; Alario et al. 2004).
- :func:`latency_regressions`: the covariates-only and covariates + model regressions, the
  R² change and its F test.
- :func:`agreement_relations`: name agreement (H, % modal name) against model entropy.
- :func:`temperature_split_test`: the temperature chosen on half of the items and tested on the
  other half, over repeated random splits.
- :func:`colour_test`: colour against line-drawing versions of the same items, paired.
- :func:`relation_text`: one sentence per relation, saying plainly when it is absent.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from psysim.errors import DataError
from psysim.seeds import check_seed
from psysim.stats.apa import fmt_p

COLUMNS = ["model", "outcome", "predictor", "coefficient", "ci_low", "ci_high", "se", "p", "r2", "adj_r2", "n"]


def _z(x: pd.Series) -> pd.Series:
    sd = x.std(ddof=1)
    return (x - x.mean()) / sd if sd > 0 else x * np.nan


def standardized_ols(df: pd.DataFrame, outcome: str, predictors, model: str = "") -> pd.DataFrame:
    """OLS of z-scored ``outcome`` on z-scored ``predictors`` (rows with a missing value dropped).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per item.
    outcome : str
        The outcome column.
    predictors : sequence of str
        Predictor columns.
    model : str
        Label of the model in the table (default ``outcome ~ predictors``).

    Returns
    -------
    pandas.DataFrame
        One row per predictor: ``model, outcome, predictor, coefficient`` (standardised beta),
        ``ci_low, ci_high`` (95 %, t distribution), ``se, p, r2, adj_r2, n``.

    Raises
    ------
    DataError
        A missing column, fewer than ``len(predictors) + 3`` complete rows, or a column that
        does not vary.
    """
    predictors = list(predictors)
    missing = [c for c in [outcome, *predictors] if c not in df.columns]
    if missing:
        raise DataError(f"regression {model or outcome}: missing column(s) {', '.join(missing)}")
    d = df[[outcome, *predictors]].apply(pd.to_numeric, errors="coerce").dropna()
    if len(d) < len(predictors) + 3:
        raise DataError(f"regression {model or outcome}: only {len(d)} complete items for {len(predictors)} predictor(s)")
    z = d.apply(_z)
    if z.isna().any().any():
        const = [c for c in z.columns if z[c].isna().all()]
        raise DataError(f"regression {model or outcome}: {', '.join(const)} does not vary over items")
    fit = sm.OLS(z[outcome], sm.add_constant(z[predictors])).fit()
    ci = fit.conf_int(0.05)
    rows = [
        {"model": model or f"{outcome} ~ {' + '.join(predictors)}", "outcome": outcome, "predictor": p, "coefficient": fit.params[p],
         "ci_low": ci.loc[p, 0], "ci_high": ci.loc[p, 1], "se": fit.bse[p], "p": fit.pvalues[p], "r2": fit.rsquared, "adj_r2": fit.rsquared_adj, "n": int(fit.nobs)}
        for p in predictors
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def latency_regressions(items: pd.DataFrame, predictor: str = "entropy", rt: str = "human_rt", covariates=("familiarity", "complexity")) -> tuple[pd.DataFrame, dict]:
    """Naming latency regressed on a model measure, alone and with covariates.

    Returns the stacked coefficient table of three models (model alone, covariates only,
    covariates + model) and the R² change of adding the model measure with its F test
    (nested models on the same items).

    Parameters
    ----------
    items : pandas.DataFrame
        One row per picture: the model measures and the human norms (``psysim.naming.item_scores``
        joined with the norms).
    predictor : str
        The model measure's column.
    rt : str
        The naming-latency column (ms).
    covariates : sequence of str
        Covariate columns; those absent or empty are left out (then only the first model is fitted).

    Returns
    -------
    tuple of (pandas.DataFrame, dict)
        The coefficients (:func:`standardized_ols`'s columns) and the change: ``delta_r2, F, p,
        df_num, df_den, n`` (NaN without covariates).
    """
    covariates = [c for c in covariates if c in items.columns and items[c].notna().any()]
    d = items[[rt, predictor, *covariates]].apply(pd.to_numeric, errors="coerce").dropna()
    tabs = [standardized_ols(d, rt, [predictor], f"{rt} ~ {predictor}")]
    change = {"delta_r2": np.nan, "F": np.nan, "p": np.nan, "df_num": np.nan, "df_den": np.nan, "n": len(d)}
    if covariates:
        base = standardized_ols(d, rt, covariates, f"{rt} ~ {' + '.join(covariates)}")
        full = standardized_ols(d, rt, [predictor, *covariates], f"{rt} ~ {predictor} + {' + '.join(covariates)}")
        tabs += [base, full]
        z = d.apply(_z)
        f_full = sm.OLS(z[rt], sm.add_constant(z[[predictor, *covariates]])).fit()
        f_base = sm.OLS(z[rt], sm.add_constant(z[covariates])).fit()
        F, p, dfd = f_full.compare_f_test(f_base)
        change = {"delta_r2": f_full.rsquared - f_base.rsquared, "F": F, "p": p, "df_num": dfd, "df_den": f_full.df_resid, "n": len(d)}
    return pd.concat(tabs, ignore_index=True), change


def agreement_relations(items: pd.DataFrame, predictor: str = "entropy", measures=("human_h", "human_pct_modal")) -> pd.DataFrame:
    """Name agreement against the model measure: a standardised one-predictor regression per
    measure (its coefficient is Pearson's r, with the regression CI), plus Spearman's rho.

    Parameters
    ----------
    items : pandas.DataFrame
        One row per picture: the model measures and the human norms (``psysim.naming.item_scores``
        joined with the norms).
    predictor : str
        The model measure's column.
    measures : sequence of str
        Human name-agreement columns; those absent or with fewer than 5 values are skipped.

    Returns
    -------
    pandas.DataFrame
        :func:`standardized_ols`'s columns plus ``spearman_rho, spearman_p``, one row per measure.
    """
    out = []
    for m in measures:
        if m not in items.columns or items[m].notna().sum() < 5:
            continue
        t = standardized_ols(items, m, [predictor], f"{m} ~ {predictor}")
        d = items[[m, predictor]].dropna()
        rho, p_rho = stats.spearmanr(d[m], d[predictor])
        t["spearman_rho"], t["spearman_p"] = rho, p_rho
        out.append(t)
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=COLUMNS)


def _design(E, covs):
    n = len(E)
    return np.column_stack([np.ones(n), E, covs]) if covs is not None and covs.size else np.column_stack([np.ones(n), E])


def temperature_split_test(entropy_by_t: np.ndarray, temperatures, y, covariates=None, n_splits: int = 100, seed=0) -> pd.DataFrame:
    """Choose the softmax temperature on half of the items, test it on the other half.

    For each random split, the temperature ``T`` whose mean entropy best predicts ``y`` (OLS
    of ``y`` on entropy at ``T`` and the covariates, largest R²) in the *fitting* half is
    chosen, the regression coefficients are estimated in that half, and both are used to
    predict ``y`` in the *test* half. Out-of-sample R² is ``1 - SSE / sum (y - mean_fit)^2``,
    with the fitting half's mean (so a useless predictor scores below 0). The same is done
    with the covariates alone, and ``delta_r2_test`` is what entropy adds out of sample.

    Parameters
    ----------
    entropy_by_t : array (n_T, n_items)
        Model entropy of each item at each temperature
        (:func:`psysim.naming.temperature.entropy_by_picture`).
    temperatures : array (n_T,)
    y : array (n_items,)
        Human measure (e.g. naming latency in ms); items with NaN are dropped.
    covariates : array (n_items, k), optional
    n_splits : int
    seed : int or SeedSequence

    Returns
    -------
    pandas.DataFrame
        One row per split: ``split, T, r2_fit, r2_test, r2_test_covariates, delta_r2_test,
        r_test`` (Pearson r of entropy at the chosen T with ``y`` in the test half).
    """
    E = np.asarray(entropy_by_t, dtype=float)
    y = np.asarray(y, dtype=float)
    C = None if covariates is None else np.asarray(covariates, dtype=float).reshape(len(y), -1)
    ok = np.isfinite(y) & np.isfinite(E).all(0) & (np.isfinite(C).all(1) if C is not None else True)
    E, y = E[:, ok], y[ok]
    C = C[ok] if C is not None else None
    n = len(y)
    if n < 10:
        raise DataError(f"temperature split test: only {n} items with complete data")
    rng = np.random.default_rng(check_seed(seed, generators=True))
    rows = []
    for s in range(int(n_splits)):
        perm = rng.permutation(n)
        a, b = perm[: n // 2], perm[n // 2 :]
        best = (-np.inf, None, None)
        for k in range(len(E)):
            X = _design(E[k, a], None if C is None else C[a])
            beta, *_ = np.linalg.lstsq(X, y[a], rcond=None)
            r2 = 1 - np.sum((y[a] - X @ beta) ** 2) / np.sum((y[a] - y[a].mean()) ** 2)
            if r2 > best[0]:
                best = (r2, k, beta)
        r2_fit, k, beta = best
        sst = np.sum((y[b] - y[a].mean()) ** 2)
        r2_test = 1 - np.sum((y[b] - _design(E[k, b], None if C is None else C[b]) @ beta) ** 2) / sst
        if C is not None:
            Xc = np.column_stack([np.ones(len(a)), C[a]])
            bc, *_ = np.linalg.lstsq(Xc, y[a], rcond=None)
            r2_cov = 1 - np.sum((y[b] - np.column_stack([np.ones(len(b)), C[b]]) @ bc) ** 2) / sst
        else:
            r2_cov = 1 - np.sum((y[b] - y[a].mean()) ** 2) / sst
        rows.append({"split": s, "T": float(np.asarray(temperatures)[k]), "r2_fit": r2_fit, "r2_test": r2_test, "r2_test_covariates": r2_cov,
                     "delta_r2_test": r2_test - r2_cov, "r_test": float(np.corrcoef(E[k, b], y[b])[0, 1])})
    return pd.DataFrame(rows)


def colour_test(items: pd.DataFrame, measures=("entropy", "p_correct", "accuracy"), human: str = "human_rt") -> pd.DataFrame:
    """Colour minus line-drawing version of the same items, paired over items.

    ``items`` holds one row per picture with ``item, version`` (``line``/``colour``) and the
    measures. Returns one row per measure: ``measure, n, mean_line, mean_colour, mean_diff``
    (colour - line), its 95 % CI, paired t, its p, Cohen's d_z and the Wilcoxon signed-rank p;
    plus ``r_gain_human``: Pearson r over items between the model's and the people's colour
    differences (for the model measures), with its p.

    Parameters
    ----------
    items : pandas.DataFrame
        One row per picture and version.
    measures : sequence of str
        Model measure columns.
    human : str
        The human measure's column (its colour difference is tested too, when present).

    Returns
    -------
    pandas.DataFrame
        One row per measure with at least 3 complete pairs.
    """
    wide = items[items["version"].isin(["line", "colour"])].pivot_table(index="item", columns="version", values=[*measures, human] if human in items.columns else list(measures), aggfunc="mean")
    rows = []
    hd = None
    if human in items.columns and (human, "colour") in wide.columns:
        hd = (wide[(human, "colour")] - wide[(human, "line")])
    for m in [*measures, *([human] if hd is not None else [])]:
        if (m, "colour") not in wide.columns or (m, "line") not in wide.columns:
            continue
        d = pd.DataFrame({"line": wide[(m, "line")], "colour": wide[(m, "colour")]}).dropna()
        if len(d) < 3:
            continue
        diff = d["colour"] - d["line"]
        t, p = stats.ttest_rel(d["colour"], d["line"])
        se = diff.std(ddof=1) / np.sqrt(len(diff))
        q = stats.t.ppf(0.975, len(diff) - 1)
        try:
            w_p = stats.wilcoxon(diff).pvalue if (diff != 0).any() else np.nan
        except ValueError:
            w_p = np.nan
        row = {"measure": m, "n": len(d), "mean_line": d["line"].mean(), "mean_colour": d["colour"].mean(), "mean_diff": diff.mean(),
               "ci_low": diff.mean() - q * se, "ci_high": diff.mean() + q * se, "t": t, "p": p, "d_z": diff.mean() / diff.std(ddof=1) if diff.std(ddof=1) > 0 else np.nan,
               "wilcoxon_p": w_p, "r_gain_human": np.nan, "r_gain_p": np.nan}
        if hd is not None and m != human:
            j = pd.concat([diff, hd], axis=1, join="inner").dropna()
            if len(j) >= 5 and j.iloc[:, 0].std() > 0:
                r, rp = stats.pearsonr(j.iloc[:, 0], j.iloc[:, 1])
                row["r_gain_human"], row["r_gain_p"] = r, rp
        rows.append(row)
    return pd.DataFrame(rows)


def relation_text(row, what: str, expected: int = 0) -> str:
    """One sentence for a standardised coefficient, saying plainly when the CI includes 0,
    and when a reliable relation runs against the ``expected`` sign (+1 or -1; 0: none).

    Parameters
    ----------
    row : mapping
        A row of :func:`standardized_ols` (``coefficient, ci_low, ci_high, p, n``).
    what : str
        What is related to what, starting the sentence.
    expected : int
        The expected sign (+1 or -1), or 0 for none.

    Returns
    -------
    str
        The sentence.
    """
    b, lo, hi, p = row["coefficient"], row["ci_low"], row["ci_high"], row["p"]
    est = f"β = {b:.2f}, 95% CI [{lo:.2f}, {hi:.2f}], {fmt_p(p)}, n = {int(row['n'])}"
    if lo <= 0 <= hi:
        return f"{what}: no reliable relation ({est}); the data do not show one."
    direction = "positive" if b > 0 else "negative"
    against = " — opposite to the expected direction" if expected and np.sign(b) != np.sign(expected) else ""
    return f"{what}: a reliable {direction} relation ({est}){against}."
