"""APA-style (7th edition) formatting of statistics as text."""

from __future__ import annotations

import math


def fmt(x: float, digits: int = 1) -> str:
    """A number with fixed decimals; a true minus sign is left to the caller's font.

    Parameters
    ----------
    x : float or None
        The number; ``None`` and NaN give ``"n/a"``.
    digits : int
        Decimals.

    Returns
    -------
    str
        E.g. ``fmt(26.14) == "26.1"``.
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.{digits}f}"


def fmt_p(p: float) -> str:
    """p as APA writes it: ``p < .001`` or ``p = .034`` (no leading zero).

    Parameters
    ----------
    p : float or None
        A p value in [0, 1]; ``None`` and NaN give ``"p = n/a"``.

    Returns
    -------
    str
        Three decimals, or ``"p < .001"`` below .001.
    """
    if p is None or math.isnan(p):
        return "p = n/a"
    if p < 0.001:
        return "p < .001"
    return "p = " + f"{p:.3f}".lstrip("0")


def slope_text(b: float, lo: float, hi: float, unit: str = "ms/item") -> str:
    """``b = 26.1 ms/item, 95% CI [20.3, 31.9]``.

    Parameters
    ----------
    b : float
        The slope.
    lo, hi : float
        Its 95% confidence interval; a NaN or ``None`` ``lo`` leaves the interval out.
    unit : str
        Unit written after the slope.

    Returns
    -------
    str
        The slope (one decimal) with its interval.
    """
    if lo is None or math.isnan(lo):
        return f"b = {fmt(b)} {unit}"
    return f"b = {fmt(b)} {unit}, 95% CI [{fmt(lo)}, {fmt(hi)}]"


def anova_text(F: float, df1: float, df2: float, p: float, eta_p2: float | None = None,
               eps: float | None = None) -> str:
    """``F(3, 24) = 41.20, p < .001, ηp² = .84``.

    With a Greenhouse-Geisser ``eps`` below 1, the degrees of freedom are the corrected ones
    (``eps * df1``, ``eps * df2``, two decimals) and ``ε`` is given; ``p`` must then be the
    corrected p: ``F(1.02, 9.19) = 41.20, p < .001, ε = .34, ηp² = .84``.

    Parameters
    ----------
    F : float
        The F statistic.
    df1, df2 : float
        Uncorrected effect and error degrees of freedom.
    p : float
        The p value (the corrected one when ``eps < 1``).
    eta_p2 : float, optional
        Partial eta squared; left out when None or NaN.
    eps : float, optional
        Greenhouse-Geisser epsilon; below 1 the degrees of freedom are multiplied by it.

    Returns
    -------
    str
        The APA text of the test.
    """
    corrected = eps is not None and not math.isnan(eps) and eps < 1.0
    if corrected:
        s = f"F({df1 * eps:.2f}, {df2 * eps:.2f}) = {F:.2f}, {fmt_p(p)}, ε = " + f"{eps:.2f}".lstrip("0")
    else:
        s = f"F({df1:g}, {df2:g}) = {F:.2f}, {fmt_p(p)}"
    if eta_p2 is not None and not math.isnan(eta_p2):
        s += ", ηp² = " + f"{eta_p2:.2f}".lstrip("0")
    return s


def anova_row_text(row) -> str:
    """One row of :func:`psysim.stats.rm_anova` as APA text, Greenhouse-Geisser corrected where
    the effect has more than one degree of freedom (tables without the correction columns, from
    older runs, are given uncorrected).

    Parameters
    ----------
    row : pandas.Series or mapping
        One row of the :func:`psysim.stats.rm_anova` table (``F, df1, df2, p, eta_p2`` and,
        where present, ``eps_gg, p_gg``).

    Returns
    -------
    str
        As :func:`anova_text`.
    """
    eps = row.get("eps_gg") if hasattr(row, "get") else None
    if eps is not None and not (isinstance(eps, float) and math.isnan(eps)) and row["df1"] > 1:
        return anova_text(row["F"], row["df1"], row["df2"], row["p_gg"], row["eta_p2"], eps=float(eps))
    return anova_text(row["F"], row["df1"], row["df2"], row["p"], row["eta_p2"])


def fit_text(rmse: float, r2: float, n: int) -> str:
    """``RMSE = 35.2 ms, R² = .91 (n = 24 cells)``.

    Parameters
    ----------
    rmse : float
        Root-mean-square error in ms.
    r2 : float
        Coefficient of determination (may be negative).
    n : int
        Number of cells compared.

    Returns
    -------
    str
        The fit in APA style (no leading zero on R²).
    """
    r2s = f"{r2:.2f}"
    r2s = r2s.replace("0.", ".", 1) if r2 >= 0 else r2s.replace("-0.", "-.", 1)
    return f"RMSE = {fmt(rmse)} ms, R² = {r2s} (n = {n} cells)"
