"""APA-style (7th edition) formatting of statistics as text."""

from __future__ import annotations

import math


def fmt(x: float, digits: int = 1) -> str:
    """A number with fixed decimals; a true minus sign is left to the caller's font."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.{digits}f}"


def fmt_p(p: float) -> str:
    """p as APA writes it: ``p < .001`` or ``p = .034`` (no leading zero)."""
    if p is None or math.isnan(p):
        return "p = n/a"
    if p < 0.001:
        return "p < .001"
    return "p = " + f"{p:.3f}".lstrip("0")


def slope_text(b: float, lo: float, hi: float, unit: str = "ms/item") -> str:
    """``b = 26.1 ms/item, 95% CI [20.3, 31.9]``."""
    if lo is None or math.isnan(lo):
        return f"b = {fmt(b)} {unit}"
    return f"b = {fmt(b)} {unit}, 95% CI [{fmt(lo)}, {fmt(hi)}]"


def anova_text(F: float, df1: float, df2: float, p: float, eta_p2: float | None = None) -> str:
    """``F(3, 24) = 41.20, p < .001, ηp² = .84``."""
    s = f"F({df1:g}, {df2:g}) = {F:.2f}, {fmt_p(p)}"
    if eta_p2 is not None and not math.isnan(eta_p2):
        s += ", ηp² = " + f"{eta_p2:.2f}".lstrip("0")
    return s


def fit_text(rmse: float, r2: float, n: int) -> str:
    """``RMSE = 35.2 ms, R² = .91 (n = 24 cells)``."""
    r2s = f"{r2:.2f}"
    r2s = r2s.replace("0.", ".", 1) if r2 >= 0 else r2s.replace("-0.", "-.", 1)
    return f"RMSE = {fmt(rmse)} ms, R² = {r2s} (n = {n} cells)"
