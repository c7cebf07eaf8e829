"""Result tables with a declared shape, checked where they are written and where they are read.

An experiment declares each CSV table of its run folder once (:class:`TableSpec`: columns and
their kinds, key columns, the key values every complete table holds). ``psysim run`` checks a
table against its spec before writing it (:meth:`psysim.runs.RunContext.write_table` with
``spec=``), and ``psysim report`` checks it again when it reads the run folder
(:func:`read_table`), so a truncated, edited or foreign table is refused in one line naming
the table, the line and the column instead of being rendered with rows missing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from psysim.errors import DataError

KINDS = ("str", "int", "float", "bool")


@dataclass(frozen=True)
class TableSpec:
    """The shape of one result table.

    Parameters
    ----------
    name : str
        File name in the run folder (``"slopes.csv"``).
    columns : dict
        Column name -> kind: ``"str"``, ``"int"`` (whole numbers), ``"float"`` or ``"bool"``
        (``True``/``False``). Every column is required; more columns are allowed
        (``prefix`` columns below, or extras).
    keys : tuple of str
        Columns that identify a row: no two rows share them.
    grid : dict
        Key column -> the values a complete table holds; every combination must have a row.
    nullable : tuple of str
        Columns that may be empty (NaN), e.g. a standard error over one observer.
    prefix : dict
        Prefix -> kind for families of columns (``{"param_": "float"}``); at least one
        column of each family must be there.
    """

    name: str
    columns: dict
    keys: tuple = ()
    grid: dict = field(default_factory=dict)
    nullable: tuple = ()
    prefix: dict = field(default_factory=dict)

    def __post_init__(self):
        bad = [k for k in (*self.columns.values(), *self.prefix.values()) if k not in KINDS]
        if bad:
            raise ValueError(f"TableSpec {self.name}: unknown column kind {bad[0]!r}; use one of {KINDS}")


def _show(v) -> str:
    return repr(v.item() if isinstance(v, np.generic) else v)


def _kind_ok(s: pd.Series, kind: str) -> np.ndarray:
    """Per row: does the (non-missing) value have the kind?"""
    if kind == "str":
        return np.array([isinstance(v, str) and v != "" for v in s], dtype=bool)
    if kind == "bool":
        return np.array([isinstance(v, (bool, np.bool_)) or (isinstance(v, str) and v in ("True", "False"))
                         for v in s], dtype=bool)
    num = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(num) | np.isinf(num)
    if kind == "int":
        ok &= np.isfinite(num) & (num == np.round(num))
    return ok


def check_table(df: pd.DataFrame, spec: TableSpec, where: str | None = None) -> pd.DataFrame:
    """Check a table against its spec; return it with bool columns as bool.

    Parameters
    ----------
    df : pandas.DataFrame
        The table (as written, or as read back from CSV).
    spec : TableSpec
        Its declared shape.
    where : str, optional
        Where the table is (its path), for the message; default the spec's name.

    Raises
    ------
    DataError
        One line naming the table and, where it applies, the line (CSV line, header = 1) and
        column: a missing column, an empty cell in a column that may not be empty, a value
        of the wrong kind, two rows with the same key, a key combination of the grid
        without a row (a truncated table).
    """
    w = where or spec.name
    missing = [c for c in spec.columns if c not in df.columns]
    if missing:
        raise DataError(f"{w}: missing column(s) {', '.join(map(repr, missing))} (has {', '.join(map(str, df.columns))}); "
                        "the table is truncated or was not written by psysim")
    for pre in spec.prefix:
        if not any(str(c).startswith(pre) for c in df.columns):
            raise DataError(f"{w}: no column named {pre}*; the table is truncated or was not written by psysim")
    kinds = dict(spec.columns)
    for pre, kind in spec.prefix.items():
        kinds.update({c: kind for c in df.columns if str(c).startswith(pre) and c not in kinds})
    out = df.copy()
    for col, kind in kinds.items():
        s = out[col]
        empty = s.isna().to_numpy()
        if empty.any() and col not in spec.nullable:
            i = int(np.argmax(empty))
            raise DataError(f"{w}: line {i + 2}: column {col!r} is empty (a truncated table?)")
        bad = ~empty & ~_kind_ok(s, kind)
        if bad.any():
            i = int(np.argmax(bad))
            raise DataError(f"{w}: line {i + 2}: column {col!r}: {_show(s.iloc[i])} is not a{'n' if kind == 'int' else ''} "
                            f"{kind} value")
        if kind == "bool":
            out[col] = s.map(lambda v: v if isinstance(v, (bool, np.bool_)) else v == "True").astype(bool)
    if spec.keys:
        dup = out.duplicated(list(spec.keys)).to_numpy()
        if dup.any():
            i = int(np.argmax(dup))
            key = ", ".join(f"{k}={_show(out[k].iloc[i])}" for k in spec.keys)
            raise DataError(f"{w}: line {i + 2}: a second row for {key}")
    if spec.grid:
        cols = list(spec.grid)
        have = set(map(tuple, out[cols].astype(object).itertuples(index=False, name=None)))
        for combo in itertools.product(*spec.grid.values()):
            if tuple(combo) not in have:
                key = ", ".join(f"{k}={_show(v)}" for k, v in zip(cols, combo))
                raise DataError(f"{w}: no row for {key} ({len(out)} rows; a truncated table?)")
    return out


def read_table(folder, spec: TableSpec) -> pd.DataFrame:
    """Read ``folder / spec.name`` and check it (:func:`check_table`).

    Raises
    ------
    DataError
        One line naming the file: missing, empty, not UTF-8, malformed CSV (e.g. a row with
        more fields than the header), or any failure of :func:`check_table`.
    """
    path = Path(folder) / spec.name
    if not path.is_file():
        raise DataError(f"{path} not found: the run folder is incomplete")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty (a truncated table?)")
    try:
        df = pd.read_csv(path, encoding="utf-8", keep_default_na=True)
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        msg = str(exc).strip().splitlines()[-1] if str(exc).strip() else "unreadable"
        raise DataError(f"{path}: malformed CSV ({msg})") from None
    if not isinstance(df.index, pd.RangeIndex):
        raise DataError(f"{path}: the rows have more fields than the header's {len(df.columns)} column names")
    return check_table(df, spec, where=str(path))
