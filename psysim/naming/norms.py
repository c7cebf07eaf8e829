"""Human naming norms a picture set may carry, and which comparisons with people they allow.

:data:`NORM_COLUMNS` are psysim's names of per-picture norms (a manifest uses them directly, or
a picture-set description maps a file's own names onto them: :mod:`psysim.naming.describe`).
:func:`norm_coverage` says, for each comparison the picture-naming experiment makes with
people, whether a picture set allows it and, when it does not, why (no such column, a column
too sparse, no colour and line versions of the same items), so that a report never promises a
comparison it cannot make. Pure functions: tables in, tables out.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

NORM_COLUMNS = {
    "rt": "naming latency, ms",
    "h": "name agreement H (Snodgrass & Vanderwart 1980), bits",
    "pct_modal": "percentage of participants giving the modal name, %",
    "familiarity": "familiarity rating (scale points)",
    "complexity": "visual complexity rating (scale points)",
    "image_agreement": "image agreement rating (scale points)",
    "colour_diagnosticity": "colour diagnosticity rating (scale points)",
}
"""psysim's norm columns and their meaning (unit)."""

COVARIATES = ("familiarity", "complexity")
"""Covariates of the latency regression (predictors of naming latency in the norms:
Snodgrass & Vanderwart 1980; Rossion & Pourtois 2004; Alario et al. 2004)."""

MIN_ITEMS = {"rt": 10, "h": 5, "pct_modal": 5, "colour": 3}
"""Fewest items with a value a comparison is made on (regressions need a few more items than
predictors; the temperature split test halves the items)."""

COVERAGE_COLUMNS = ["comparison", "needs", "made", "n_items", "reason"]


def _absent(col: str, table: pd.DataFrame, mapped: dict | None, where: str) -> str:
    """Why a norm column is missing, with a hint at a similarly named column of the file."""
    if mapped is not None:
        text = f"no '{col}' column: {where} does not map one ([columns] {col} = \"COLUMN\")"
    else:
        text = f"no '{col}' column in {where} (a manifest TOML can map the file's own name onto it: [columns] {col} = \"COLUMN\")"
    others = [c for c in table.columns if c not in NORM_COLUMNS and not str(c).startswith("_")]
    lower = {str(c).lower(): c for c in others}
    close = difflib.get_close_matches(col, list(lower), n=1, cutoff=0.6)
    if not close:
        close = [k for k in lower if col in k.replace("-", "_")][:1]
    if close:
        text += f"; the file has '{lower[close[0]]}'"
    return text


def _count(table: pd.DataFrame, col: str) -> int:
    return int(pd.to_numeric(table[col], errors="coerce").notna().sum()) if col in table.columns else 0


def norm_coverage(table: pd.DataFrame, primary: str, mapped: dict | None = None, where: str = "the manifest") -> pd.DataFrame:
    """Which comparisons with human norms a picture set allows, and why not where it does not.

    Parameters
    ----------
    table : pandas.DataFrame
        The picture set's table (one row per picture: ``item, version`` and the norms under
        psysim's names, :data:`NORM_COLUMNS`).
    primary : str
        The version the item-level regressions use (``line`` when there is one).
    mapped : dict, optional
        The description's column mapping (psysim name -> the file's column), None for a plain
        manifest CSV; only changes the wording of the reasons.
    where : str
        The manifest, for the reasons.

    Returns
    -------
    pandas.DataFrame
        One row per comparison: ``comparison`` (key: ``latency``, ``latency_covariates``,
        ``temperature``, ``h``, ``pct_modal``, ``colour``, ``colour_human``), ``needs`` (the
        norms, in words), ``made`` (bool), ``n_items`` (items it is made on; 0 when not made)
        and ``reason`` (what it uses, or why it cannot be made).
    """
    t = table[table["version"] == primary]
    rows = []

    def add(key, needs, made, n, reason):
        rows.append({"comparison": key, "needs": needs, "made": bool(made), "n_items": int(n) if made else 0, "reason": reason})

    def sparse(col, n, need):
        return f"'{col}' has a value for only {n} {primary} picture(s) (needs {need})"

    n_rt = _count(t, "rt")
    has_rt = n_rt >= MIN_ITEMS["rt"]
    rt_why = (f"'rt' on {n_rt} {primary} pictures" if has_rt else
              _absent("rt", table, mapped, where) if "rt" not in table.columns else sparse("rt", n_rt, MIN_ITEMS["rt"]))
    add("latency", "rt", has_rt, n_rt, rt_why)
    covs = [c for c in COVARIATES if _count(t, c) > 0]
    lacking = [c for c in COVARIATES if c not in covs]
    cov_why = "; ".join(_absent(c, table, mapped, where) if c not in table.columns else f"'{c}' has no value for {primary} pictures" for c in lacking)
    complete = int(t[["rt", *covs]].apply(pd.to_numeric, errors="coerce").notna().all(axis=1).sum()) if has_rt else 0
    if not has_rt:
        add("latency_covariates", "rt, familiarity and/or complexity", False, 0, rt_why)
    elif not covs:
        add("latency_covariates", "rt, familiarity and/or complexity", False, 0, cov_why)
    elif complete < len(covs) + 4:
        add("latency_covariates", "rt, familiarity and/or complexity", False, 0, f"only {complete} {primary} pictures have rt and {', '.join(covs)}")
    else:
        add("latency_covariates", "rt, familiarity and/or complexity", True, complete,
            f"covariates {', '.join(covs)} on {complete} pictures" + (f"; without {', '.join(lacking)}: {cov_why}" if lacking else ""))
    cov_made = rows[-1]["made"]
    n_split = complete if cov_made else n_rt
    if not has_rt:
        add("temperature", "rt (familiarity, complexity as covariates where present)", False, 0, rt_why)
    elif n_split < MIN_ITEMS["rt"]:
        add("temperature", "rt (familiarity, complexity as covariates where present)", False, 0,
            f"only {n_split} {primary} pictures have rt and the covariates (needs {MIN_ITEMS['rt']})")
    else:
        add("temperature", "rt (familiarity, complexity as covariates where present)", True, n_split,
            f"{n_split} pictures" + (f", covariates {', '.join(covs)}" if cov_made else ", no covariates"))
    for col in ("h", "pct_modal"):
        n = _count(t, col)
        made = n >= MIN_ITEMS[col]
        why = (f"'{col}' on {n} {primary} pictures" if made else
               _absent(col, table, mapped, where) if col not in table.columns else sparse(col, n, MIN_ITEMS[col]))
        add(col, col, made, n, why)
    versions = table.groupby("item")["version"].agg(set)
    pairs = int(sum({"line", "colour"} <= v for v in versions))
    made = pairs >= MIN_ITEMS["colour"]
    add("colour", "line and colour versions of the same items", made, pairs,
        f"{pairs} items with both versions" if made else
        f"{pairs} item(s) have both a 'line' and a 'colour' version in the 'version' column (needs {MIN_ITEMS['colour']})")
    if made and "rt" in table.columns:
        wide = table[table["version"].isin(["line", "colour"])].pivot_table(index="item", columns="version", values="rt", aggfunc="mean")
        n_h = int(wide.dropna().shape[0]) if {"line", "colour"} <= set(wide.columns) else 0
        add("colour_human", "rt of both versions", n_h >= MIN_ITEMS["colour"], n_h,
            f"'rt' of both versions on {n_h} items" if n_h >= MIN_ITEMS["colour"] else f"only {n_h} items have 'rt' for both versions (needs {MIN_ITEMS['colour']})")
    else:
        add("colour_human", "rt of both versions", False, 0,
            "no colour comparison" if not made else _absent("rt", table, mapped, where))
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def unused_numeric_columns(table: pd.DataFrame) -> list[str]:
    """Numeric columns of a picture table that are not psysim norms (candidates for a mapping)."""
    skip = {"item", "name", "file", "version"}
    return [c for c in table.columns if c not in NORM_COLUMNS and c not in skip and not str(c).startswith(("_", "name_"))
            and pd.api.types.is_numeric_dtype(table[c]) and np.isfinite(pd.to_numeric(table[c], errors="coerce")).any()]
