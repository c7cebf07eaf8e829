"""Pure statistics: DataFrame in, DataFrame (or dict, or text) out. No drawing here."""

from psysim.stats.apa import anova_row_text, anova_text, fit_text, fmt, fmt_p, slope_text
from psysim.stats.descriptive import (
    CELL,
    NO_TRIM,
    QUANTILE_COLUMNS,
    QUANTILES,
    WOLFE2010_TRIM,
    TrimRule,
    cell_summary,
    group_means,
)
from psysim.stats.inference import fit_statistics, rm_anova
from psysim.stats.slopes import search_slopes, slope_ratio, subject_slopes
from psysim.stats.sphericity import sphericity

__all__ = [
    "CELL",
    "NO_TRIM",
    "QUANTILES",
    "QUANTILE_COLUMNS",
    "WOLFE2010_TRIM",
    "TrimRule",
    "anova_row_text",
    "anova_text",
    "cell_summary",
    "fit_statistics",
    "fit_text",
    "fmt",
    "fmt_p",
    "group_means",
    "rm_anova",
    "search_slopes",
    "slope_ratio",
    "slope_text",
    "sphericity",
    "subject_slopes",
]
