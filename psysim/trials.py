"""The trial table: one shape for people and models.

One row per trial, long format. Required columns:

==================  ========  ==========================================================
column              dtype     meaning
==================  ========  ==========================================================
``source``          str       human data set or model name (``"wolfe2010"``, ``"fit"``)
``subject``         str       observer id within ``source`` (a model run uses ``"model"``)
``task``            str       a display task (``feature``, ``conjunction``, ``spatial``, ``orientation``) or a described data set's own name
``set_size``        int       number of items in the display (>= 1)
``target_present``  bool      whether the display held a target
``response``        bool      whether the observer answered "present"
``correct``         bool      ``response == target_present``
``rt``              float     response time in **milliseconds**, > 0
==================  ========  ==========================================================

Optional columns (``trial``, ``n_attended``, ``display_id``, ``seed``, ...) pass through.

:func:`validate_trials` is called wherever a table enters psysim (loaders, model output,
statistics), so that later code can rely on the shape.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.errors import DataError

TRIAL_COLUMNS = (
    "source",
    "subject",
    "task",
    "set_size",
    "target_present",
    "response",
    "correct",
    "rt",
)
"""Required columns of a trial table, in their canonical order."""

TASKS = ("feature", "conjunction", "spatial", "orientation")
"""psysim's display tasks (``stimuli/search.toml``); the default of :func:`validate_trials`.
``orientation`` is the orientation-feature task psysim adds. A described data set
(:mod:`psysim.data.describe`) may name its tasks anything: its loader validates against the
description's ``[tasks]``, and each task's ``kind`` maps it onto one of these for the models."""

# Plausible human or simulated search RTs lie between ~100 ms and ~30 s. A median below this
# almost certainly means seconds were given where milliseconds were expected.
_SECONDS_SUSPECT_MEDIAN_MS = 20.0


def _where(where: str | None) -> str:
    return f"{where}: " if where else ""


def show_value(v) -> str:
    """A cell value for an error message: plain Python repr, "an empty value" for NaN."""
    if v is None or (isinstance(v, float | np.floating) and np.isnan(v)):
        return "an empty value"
    if isinstance(v, np.generic):
        v = v.item()
    return repr(v)


def validate_trials(
    df: pd.DataFrame, where: str | None = None, tasks=TASKS, first_row: int = 0, row_word: str = "row"
) -> pd.DataFrame:
    """Check a trial table and return a copy with canonical dtypes and column order.

    Parameters
    ----------
    df : pandas.DataFrame
        The table to check.
    where : str, optional
        Where the table came from (a file name, a model name); used in error messages.
    tasks : sequence of str, optional
        Allowed task names (``None`` allows any).
    first_row, row_word : int, str
        How rows are numbered in messages: a CSV loader passes ``first_row=2, row_word="line"``
        so that the message gives the file's line number.

    Returns
    -------
    pandas.DataFrame
        The required columns first, in :data:`TRIAL_COLUMNS` order, then any optional ones;
        ``source``/``subject``/``task`` as str, ``set_size`` as int64, the flags as bool,
        ``rt`` as float64 milliseconds.

    Raises
    ------
    DataError
        One line naming the column, the first offending row and what was expected: missing
        columns, NaN values, non-numeric or non-positive RTs, RTs that look like seconds,
        unknown task names, set sizes below 1, ``correct`` inconsistent with the response.
    """
    w = _where(where)

    def row(i) -> str:
        return f"{row_word} {int(i) + first_row}"

    if not isinstance(df, pd.DataFrame):
        raise DataError(f"{w}expected a pandas DataFrame of trials, got {type(df).__name__}")
    missing = [c for c in TRIAL_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(
            f"{w}missing column(s) {', '.join(missing)}; a trial table needs {', '.join(TRIAL_COLUMNS)}"
        )
    if len(df) == 0:
        raise DataError(f"{w}the trial table has no rows")
    out = df.reset_index(drop=True).copy()
    for col in TRIAL_COLUMNS:
        bad = out[col].isna().to_numpy()
        if bad.any():
            raise DataError(f"{w}column '{col}' has a missing value (NaN) in {row(np.argmax(bad))}")
    for col in ("source", "subject", "task"):
        out[col] = out[col].astype(str)
    if tasks is not None:
        bad = ~out["task"].isin(tasks).to_numpy()
        if bad.any():
            i = int(np.argmax(bad))
            raise DataError(
                f"{w}column 'task' {row(i)}: unknown task {out['task'].iloc[i]!r}; expected one of {', '.join(tasks)}"
            )
    out["set_size"] = _as_int(out["set_size"], "set_size", w, row)
    bad = (out["set_size"] < 1).to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(f"{w}column 'set_size' {row(i)}: set size {out['set_size'].iloc[i]} is below 1")
    for col in ("target_present", "response", "correct"):
        out[col] = _as_bool(out[col], col, w, row)
    rt = pd.to_numeric(out["rt"], errors="coerce")
    bad = rt.isna().to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(f"{w}column 'rt' {row(i)}: {show_value(out['rt'].iloc[i])} is not a number (ms)")
    rt = rt.astype("float64")
    bad = ~np.isfinite(rt.to_numpy()) | (rt.to_numpy() <= 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(f"{w}column 'rt' {row(i)}: RT {rt.iloc[i]} ms is not a positive finite number")
    med = float(rt.median())
    if med < _SECONDS_SUSPECT_MEDIAN_MS:
        raise DataError(
            f"{w}column 'rt': median RT is {med:g}, which looks like seconds; psysim expects "
            "milliseconds (convert, or load with rt_unit='s')"
        )
    out["rt"] = rt
    incons = (out["correct"] != (out["response"] == out["target_present"])).to_numpy()
    if incons.any():
        i = int(np.argmax(incons))
        raise DataError(
            f"{w}{row(i)}: 'correct' is {bool(out['correct'].iloc[i])} but response="
            f"{bool(out['response'].iloc[i])} and target_present={bool(out['target_present'].iloc[i])}"
        )
    extra = [c for c in out.columns if c not in TRIAL_COLUMNS]
    return out[list(TRIAL_COLUMNS) + extra]


def _as_int(s: pd.Series, col: str, w: str, row) -> pd.Series:
    num = pd.to_numeric(s, errors="coerce")
    bad = (num.isna() | (num != np.round(num))).to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(f"{w}column '{col}' {row(i)}: {show_value(s.iloc[i])} is not a whole number")
    return num.astype("int64")


_TRUE = {"1", "true", "t", "yes", "y", "present", "1.0"}
_FALSE = {"0", "false", "f", "no", "n", "absent", "0.0"}


def _as_bool(s: pd.Series, col: str, w: str, row) -> pd.Series:
    if s.dtype == bool:
        return s
    vals = s.astype(str).str.strip().str.lower()
    is_t, is_f = vals.isin(_TRUE), vals.isin(_FALSE)
    bad = ~(is_t | is_f).to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(f"{w}column '{col}' {row(i)}: {show_value(s.iloc[i])} is not a yes/no value (1/0, true/false)")
    return pd.Series(is_t.to_numpy(), index=s.index, name=col)


def make_trials(
    *,
    source: str,
    task,
    set_size,
    target_present,
    response,
    rt,
    subject="model",
    **extra,
) -> pd.DataFrame:
    """Build a valid trial table from arrays (what a model's ``simulate`` returns).

    ``correct`` is derived as ``response == target_present``. Extra keyword arrays become
    optional columns.
    """
    tp = np.asarray(target_present, dtype=bool)
    resp = np.asarray(response, dtype=bool)
    n = len(tp)
    df = pd.DataFrame(
        {
            "source": np.repeat(str(source), n) if np.ndim(source) == 0 else np.asarray(source, str),
            "subject": np.repeat(str(subject), n) if np.ndim(subject) == 0 else np.asarray(subject).astype(str),
            "task": np.repeat(task, n) if np.ndim(task) == 0 else np.asarray(task, str),
            "set_size": np.asarray(set_size, dtype="int64"),
            "target_present": tp,
            "response": resp,
            "correct": resp == tp,
            "rt": np.asarray(rt, dtype="float64"),
        }
    )
    for k, v in extra.items():
        df[k] = v
    return df
