"""Loaders that turn human data files into validated trial tables.

- :func:`load_wolfe2010`: the Wolfe, Palmer & Horowitz (2010) trial file.
- :func:`read_trials_csv`: any lab's CSV, with a column mapping, a condition-name mapping and
  an RT unit.
- :func:`load_wolfe2010_summary`: the derived per-cell summary psysim ships, so experiments run
  without the raw file.

Every loader ends in :func:`psysim.trials.validate_trials`, so errors name the file, the line
and the column.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from psysim.data.registry import WOLFE2010
from psysim.data.rt_units import RT_UNITS, check_rt_units
from psysim.errors import DataError
from psysim.trials import TRIAL_COLUMNS, show_value, validate_trials

WOLFE2010_TASKS = {"RVvGV": "feature", "RVvRHGV": "conjunction", "2_vs_5": "spatial"}
"""Wolfe lab file/task codes and psysim's canonical task names."""



def _read_csv(path: Path, **kwargs) -> pd.DataFrame:
    if not path.exists():
        raise DataError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty")
    try:
        df = pd.read_csv(path, **kwargs)
        header = list(pd.read_csv(path, **{k: v for k, v in kwargs.items() if k in ("sep", "encoding")},
                                  header=None, nrows=1, dtype=str, keep_default_na=False).iloc[0])
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: {_decode_error(path, kwargs.get('encoding') or 'utf-8', exc)}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        msg = str(exc).strip().splitlines()[-1] if str(exc).strip() else "unreadable"
        raise DataError(f"{path}: malformed CSV ({msg})") from None
    seen = set()
    for name in header:
        if name in seen:
            raise DataError(f"{path}: line 1: the column name {name!r} appears twice in the header; rename one")
        seen.add(name)
    if "index_col" not in kwargs and not isinstance(df.index, pd.RangeIndex):
        # pandas silently turns surplus leading fields into an index: a shifted, wrong table
        raise DataError(
            f"{path}: the data rows have more fields than the header's {len(df.columns)} column names "
            "(from line 2); check the header and the delimiter"
        )
    if len(df.columns) == 1 and len(df) > 0:
        only = str(df.columns[0])
        for delim in (";", "\t", "|"):
            if delim in only:
                raise DataError(
                    f"{path}: only one column found ({only[:40]!r}...); the file seems to use "
                    f"{delim!r} as delimiter: pass sep={delim!r}"
                )
    return df


def _decode_error(path: Path, encoding: str, exc: UnicodeDecodeError) -> str:
    """Where the file stops being ``encoding`` text: byte offset and line in the whole file.

    (pandas decodes in chunks, so the position in its error is within a chunk.)
    """
    data = path.read_bytes()
    try:
        data.decode(encoding)
        start, reason = exc.start, exc.reason  # pragma: no cover - pandas and Python disagree
    except UnicodeDecodeError as whole:
        start, reason = whole.start, whole.reason
    line = data.count(b"\n", 0, start) + 1
    name = "UTF-8" if encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig") else encoding
    col = start - (data.rfind(b"\n", 0, start) + 1) + 1
    return (f"line {line}: not {name} text ({reason}: byte 0x{data[start]:02x} at byte offset {start} of the "
            f"file, byte {col} of the line); pass encoding=, e.g. encoding='latin-1'")


def read_trials_csv(
    path,
    source: str | None = None,
    columns: dict | None = None,
    tasks: dict | None = None,
    rt_unit: str = "ms",
    defaults: dict | None = None,
    sep: str = ",",
    encoding: str = "utf-8",
    check_units: bool = True,
) -> pd.DataFrame:
    """Read another lab's trial-level CSV into a trial table.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    source : str, optional
        Value of the ``source`` column (default: the file's stem).
    columns : dict, optional
        Map from psysim column names to the file's names, e.g.
        ``{"subject": "subj", "set_size": "size", "rt": "RT_s"}``. Columns not mapped are
        looked up by their psysim name.
    tasks : dict, optional
        Map from the file's condition names to psysim task names (``{"RVvGV": "feature"}``).
    rt_unit : {"ms", "s"}
        Unit of the RT column; seconds are converted to milliseconds.
    defaults : dict, optional
        Constant values for columns the file lacks (``{"target_present": True}`` for a data set
        with target-present trials only; ``{"task": "feature"}``).
    sep, encoding : str
        Passed to :func:`pandas.read_csv`.
    check_units : bool
        Refuse RTs that do not fit ``rt_unit`` (:func:`psysim.data.rt_units.check_rt_units`:
        a median outside 50-60000 ms, or single values on another scale); False loads them as
        they are.

    Notes
    -----
    If the file has ``correct`` but no ``response``, the response is derived as
    ``target_present == correct``; if it has ``response`` but no ``correct``, the reverse.

    Returns
    -------
    pandas.DataFrame
        A validated trial table (:func:`psysim.trials.validate_trials`), RTs in ms.

    Raises
    ------
    DataError
        One line naming the file, the line and the column: missing or misspelt columns, a wrong
        delimiter, a duplicated column name, NaNs, non-numeric RTs, RTs in another unit than
        ``rt_unit`` or on mixed scales, unknown task names.
    """
    path = Path(path)
    if rt_unit not in RT_UNITS:
        raise DataError(f"{path}: rt_unit must be one of {', '.join(RT_UNITS)}, got {rt_unit!r}")
    raw = _read_csv(path, sep=sep, encoding=encoding)
    columns = dict(columns or {})
    defaults = dict(defaults or {})
    df = pd.DataFrame(index=raw.index)
    for col in TRIAL_COLUMNS:
        name = columns.get(col, col)
        if name in raw.columns:
            df[col] = raw[name]
        elif col in defaults:
            df[col] = defaults[col]
        elif col == "source":
            df[col] = source or path.stem
    if "response" not in df and "correct" in df and "target_present" in df:
        tp = validate_bool(df["target_present"], path, "target_present")
        df["response"] = tp == validate_bool(df["correct"], path, "correct")
    if "correct" not in df and "response" in df and "target_present" in df:
        df["correct"] = validate_bool(df["response"], path, "response") == validate_bool(
            df["target_present"], path, "target_present"
        )
    missing = [c for c in TRIAL_COLUMNS if c not in df.columns]
    if missing:
        wanted = [columns.get(c, c) for c in missing]
        near = _near_names(wanted, raw.columns)
        raise DataError(
            f"{path}: missing column(s) {', '.join(repr(w) for w in wanted)}"
            f" (file has {', '.join(map(str, raw.columns))}){near}; map them with columns={{...}} or defaults={{...}}"
        )
    if tasks:
        df["task"] = df["task"].astype(str).map(lambda t: tasks.get(t, t))
    rt = pd.to_numeric(df["rt"], errors="coerce")
    if rt.isna().any():
        i = int(np.argmax(rt.isna().to_numpy()))
        raise DataError(f"{path}: column '{columns.get('rt', 'rt')}' line {i + 2}: {show_value(df['rt'].iloc[i])} is not a number")
    if check_units:
        check_rt_units(rt.to_numpy(), rt_unit, str(path), column=str(columns.get("rt", "rt")))
    df["rt"] = rt * RT_UNITS[rt_unit]
    for c in raw.columns:
        if c not in columns.values() and c not in df.columns and c in ("trial", "display_id", "block"):
            df[c] = raw[c]
    return validate_trials(df, where=str(path), first_row=2, row_word="line")


def validate_bool(s: pd.Series, path, col) -> pd.Series:
    """A yes/no column as bool (1/0, true/false, yes/no); error names the file and line."""
    from psysim.trials import _as_bool

    return _as_bool(s, col, f"{path}: ", lambda i: f"line {int(i) + 2}")


def _near_names(wanted, have) -> str:
    import difflib

    hints = []
    for w in wanted:
        m = difflib.get_close_matches(str(w), [str(h) for h in have], n=1, cutoff=0.6)
        if m:
            hints.append(f"did you mean {m[0]!r} for {w!r}?")
    return ("; " + " ".join(hints)) if hints else ""


def load_wolfe2010(root=None, tasks=None) -> pd.DataFrame:
    """Load the Wolfe, Palmer & Horowitz (2010) trials as a trial table.

    Reads the built-in description ``psysim/data/descriptions/wolfe2010.toml`` (the same path
    as any lab's data: :func:`psysim.data.load_described`).

    Parameters
    ----------
    root : path, optional
        Data folder (default: ``PSYSIM_DATA``, see :func:`psysim.resources.data_dir`).
    tasks : sequence of str, optional
        Keep only these psysim task names.

    Returns
    -------
    pandas.DataFrame
        Trial table with ``source="wolfe2010"``, ``subject`` the within-task participant
        number as a string (the same number in two tasks is not the same person), task names
        ``feature`` (RVvGV), ``conjunction`` (RVvRHGV), ``spatial`` (2_vs_5), and the optional
        column ``trial``. The 11 rows recorded with ``rt = 0`` cannot be response times and are
        dropped; ``df.attrs["dropped_zero_rt"]`` counts them. No trimming is applied here: see
        :data:`psysim.stats.WOLFE2010_TRIM`.
    """
    from psysim.data.describe import builtin_description, read_description
    from psysim.data.own_data import load_described

    WOLFE2010.path(root)  # a missing file: one line naming where to download it
    df = load_described(read_description(builtin_description("wolfe2010"), data_root=root)).trials
    dropped = df.attrs.get("dropped_zero_rt", 0)
    if tasks is not None:
        df = validate_trials(df[df["task"].isin(list(tasks))], where=str(WOLFE2010.path(root) / WOLFE2010.files[0]))
    df.attrs["dropped_zero_rt"] = int(dropped)
    return df


SUMMARY_FILE = "wolfe2010_summary.csv"


def load_wolfe2010_summary() -> pd.DataFrame:
    """The derived Wolfe 2010 per-cell summary shipped with psysim.

    One row per subject x task x set size x target presence: ``n_trials``, ``error_rate`` (all
    trials), ``n_rt`` and ``mean_rt``, ``sd_rt`` and RT quantiles ``q10 .. q90`` (correct
    trials within the trimming window of :data:`psysim.stats.WOLFE2010_TRIM`). Made by
    ``analysis/derive_wolfe2010_summary.py`` from the raw file; see ``psysim.data.WOLFE2010``
    for the citation and licence.

    Returns
    -------
    pandas.DataFrame
        The cell summary (:func:`psysim.stats.cell_summary`'s columns), ``source`` ``wolfe2010``.
    """
    path = Path(str(resources.files("psysim.data").joinpath("derived", SUMMARY_FILE)))
    df = pd.read_csv(path, dtype={"subject": str})
    df["target_present"] = df["target_present"].astype(bool)
    return df
