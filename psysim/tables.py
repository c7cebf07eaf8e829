"""Result tables with a declared shape, checked where they are written and where they are read.

An experiment declares each CSV table of its run folder once (:class:`TableSpec`: columns and
their kinds, key columns, the key values every complete table holds). ``psysim run`` checks a
table against its spec before writing it (:meth:`psysim.runs.RunContext.write_table` with
``spec=``), and ``psysim report`` checks it again when it reads the run folder
(:func:`read_table`), so a truncated, edited or foreign table is refused in one line naming
the table, the line and the column instead of being rendered with rows missing.

Every experiment declares ``TABLES`` (a dict of specs). :func:`check_run_tables` is the one
check of a run folder: :func:`psysim.runs.execute` makes it on the tables the run has just
written (reading them back as ``psysim report`` will) and records each table's row count in
``metadata.json`` (``tables``); ``psysim report`` makes it again before rendering, so a table
cut at a line boundary, which its spec alone may not notice, differs from the recorded count.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from psysim.errors import DataError

KINDS = ("str", "int", "float", "bool", "any")


@dataclass(frozen=True)
class TableSpec:
    """The shape of one result table.

    Parameters
    ----------
    name : str
        File name in the run folder (``"slopes.csv"``).
    columns : dict
        Column name -> kind: ``"str"``, ``"int"`` (whole numbers), ``"float"``, ``"bool"``
        (``True``/``False``) or ``"any"`` (any non-empty value, e.g. observer ids that are
        numbers in one data set and text in another). Every column is required; more columns are allowed
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
    optional : bool
        The run writes the table only in some settings (e.g. with reaction times); checked
        when it is there, and required by ``psysim report`` when the run recorded it.
    """

    name: str
    columns: dict
    keys: tuple = ()
    grid: dict = field(default_factory=dict)
    nullable: tuple = ()
    prefix: dict = field(default_factory=dict)
    optional: bool = False

    def __post_init__(self):
        bad = [k for k in (*self.columns.values(), *self.prefix.values()) if k not in KINDS]
        if bad:
            raise ValueError(f"TableSpec {self.name}: unknown column kind {bad[0]!r}; use one of {KINDS}")


def _show(v) -> str:
    return repr(v.item() if isinstance(v, np.generic) else v)


def _kind_ok(s: pd.Series, kind: str) -> np.ndarray:
    """Per row: does the (non-missing) value have the kind?"""
    if kind == "any":
        return np.array([not (isinstance(v, str) and v == "") for v in s], dtype=bool)
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


def declared_tables(experiment) -> list[TableSpec]:
    """The :class:`TableSpec` s an experiment module declares in ``TABLES`` (a dict or a list)."""
    tables = getattr(experiment, "TABLES", None) or {}
    return list(tables.values() if isinstance(tables, dict) else tables)


def check_run_tables(folder, specs, rows: dict | None = None) -> dict:
    """Check every declared table of a run folder; ``{file name: table}`` of those there.

    Parameters
    ----------
    folder : path
        The run folder.
    specs : iterable of TableSpec
        The experiment's declared tables (:func:`declared_tables`).
    rows : dict, optional
        ``{file name: row count}`` the run recorded (``metadata.json`` ``tables``). A table
        with another number of rows is refused (truncated or edited); a recorded table that
        is missing is refused even when its spec is ``optional``.

    Raises
    ------
    DataError
        One line naming the table (:func:`read_table`, :func:`check_table`, or the row count).
    """
    folder = Path(folder)
    rows = rows if isinstance(rows, dict) else None
    out = {}
    for spec in specs:
        if spec.optional and not (folder / spec.name).exists() and (rows is None or spec.name not in rows):
            continue
        df = read_table(folder, spec)
        want = rows.get(spec.name) if rows is not None else None
        if want is not None and want != len(df):
            raise DataError(f"{folder / spec.name}: {len(df)} rows, but the run wrote {want} (a truncated or edited table?)")
        out[spec.name] = df
    return out
