"""Reading a described search data set: files -> trial table + exclusions report.

:func:`load_described` applies a :class:`~psysim.data.describe.Description` to its files:
column and value mapping, RT unit (checked by the median RT), the missing- and zero-RT
policies, the trimming window and the observer-exclusion rule. It returns a
:class:`SearchData` whose ``trials`` is a validated trial table (``source`` is the data set's
name; task names are the data set's own) and whose ``exclusions`` table says how many trials
and observers each rule removed.

What counts as an *excluded trial* of an observer (for ``[exclusion] max_excluded_percent``):
rows whose RT is empty or <= 0 under the ``exclude`` policy, and trials whose RT lies outside
the trimming window (which stay in the trial table for error rates but not in RT statistics).
Rows removed by the ``drop`` policy are not counted (as if they were not in the file).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from psysim.data.describe import Description, read_description
from psysim.data.loaders import _near_names, _read_csv
from psysim.data.rt_units import PLAUSIBLE_MEDIAN_MS, RT_UNITS
from psysim.errors import DataError
from psysim.trials import TRIAL_COLUMNS, _as_bool, _as_int, show_value, validate_trials

BOOL_COLUMNS = ("target_present", "response", "correct", "error")


@dataclass
class SearchData:
    """A described search data set, loaded.

    Attributes
    ----------
    description : Description
    trials : pandas.DataFrame
        Validated trial table of the observers kept (RTs in ms).
    exclusions : pandas.DataFrame
        One row per rule: ``rule, trials, observers, detail``.
    observers : pandas.DataFrame
        One row per observer in the files: ``observer`` (the subject id, or ``task/subject``
        where ``[dataset] subject_ids = "per-task"``), ``n_trials, n_excluded,
        excluded_percent, kept``.
    notes : list
        Remarks made while loading, for the report (empty unless a loader adds some).
    """

    description: Description
    trials: pd.DataFrame
    exclusions: pd.DataFrame
    observers: pd.DataFrame
    notes: list = field(default_factory=list)

    @property
    def trim(self):
        return self.description.trim_rule()


def _file_values(s: pd.Series) -> pd.Series:
    """Cell values as the strings a ``[values]`` table keys them by (1.0 -> "1")."""
    if pd.api.types.is_bool_dtype(s):
        return s.map({True: "true", False: "false"})
    if pd.api.types.is_numeric_dtype(s):
        whole = np.isfinite(s.to_numpy(float)) & (s.to_numpy(float) == np.round(s.to_numpy(float)))
        if whole.all():
            return s.astype("int64").astype(str)
    return s.astype(str).str.strip()


def _observer_key(desc: Description, df: pd.DataFrame) -> pd.Series:
    """Who an observer is: the subject id, or task + subject where ids are per task."""
    subject = df["subject"].astype(str)
    if desc.subject_ids == "per-task":
        return df["task"].astype(str) + "/" + subject
    return subject


def _column(desc: Description, raw: pd.DataFrame, file, col: str) -> pd.Series | None:
    """The file's column for psysim column ``col`` (mapped, constant, or same name), or None."""
    if col in desc.columns:
        name = desc.columns[col]
        if name not in raw.columns:
            near = _near_names([name], raw.columns)
            raise DataError(f"{desc.path}: [columns] {col}: column {name!r} is not in {file} "
                            f"(it has {', '.join(map(str, raw.columns))}){near}")
        s = raw[name]
        bad = s.isna().to_numpy() if col != "rt" else np.zeros(len(s), bool)
        if bad.any():
            raise DataError(f"{file}: column {name!r} line {int(np.argmax(bad)) + 2}: an empty value "
                            f"(mapped by {desc.path} [columns] {col})")
        return s
    if col in desc.constants:
        return pd.Series([desc.constants[col]] * len(raw), index=raw.index)
    if col in raw.columns and col != "error":
        return _column(_with_column(desc, col), raw, file, col)
    return None


def _with_column(desc: Description, col: str) -> Description:
    from dataclasses import replace

    return replace(desc, columns={**desc.columns, col: col})


def _bools(desc: Description, s: pd.Series, file, col: str) -> pd.Series:
    mapping = desc.values.get(col)
    name = desc.columns.get(col, col)
    if mapping is None:
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) and s.isin([0, 1]).all():
            return s.astype(bool)  # 1/0 columns: no string round trip (a third of the load time)
        return _as_bool(s, col, f"{file}: ", lambda i: f"line {int(i) + 2} (column {name!r})")
    keys = _file_values(s)
    bad = ~keys.isin(list(mapping)).to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(f"{desc.path}: [values.{col}]: no entry for {show_value(s.iloc[i])} "
                        f"({file} line {i + 2}, column {name!r}); entries: {', '.join(mapping)}")
    return keys.map(mapping).astype(bool)


def _read_one(desc: Description, file) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """One file as a (not yet validated) table, plus the masks of empty and <= 0 RTs."""
    if not file.is_file():
        where = "PSYSIM_DATA" if desc.raw.get("files", {}).get("relative_to") == "data" else "the description's folder"
        raise DataError(f"{desc.path}: [files] paths: {file} not found (paths are relative to {where})")
    raw = _read_csv(file, sep=desc.sep, encoding=desc.encoding)
    for e in desc.extra:
        if e not in raw.columns:
            raise DataError(f"{desc.path}: [columns] extra: column {e!r} is not in {file}")
    df = pd.DataFrame(index=raw.index)
    for col in ("subject", "task", "set_size"):
        s = _column(desc, raw, file, col)
        if s is None:
            raise DataError(f"{desc.path}: [columns] {col}: not given, and {file} has no column {col!r}; "
                            f"map it (or set [constants] {col})")
        df[col] = s
    tp = _column(desc, raw, file, "target_present")
    if tp is None:
        raise DataError(f"{desc.path}: [columns] target_present: not given, and {file} has no column "
                        "'target_present'; map it, or set [constants] target_present = true for present-only data")
    df["target_present"] = _bools(desc, tp, file, "target_present").to_numpy()
    got = {c: _column(desc, raw, file, c) for c in ("response", "correct", "error")}
    if got["error"] is not None and got["correct"] is None:
        got["correct"] = ~_bools(desc, got["error"], file, "error")
    elif got["correct"] is not None:
        got["correct"] = _bools(desc, got["correct"], file, "correct")
    if got["response"] is not None:
        got["response"] = _bools(desc, got["response"], file, "response")
    if got["correct"] is None and got["response"] is None:
        raise DataError(f"{desc.path}: [columns] correct: not given, and {file} has no column 'correct', "
                        "'response' or 'error'; map one of them")
    if got["response"] is None:
        got["response"] = df["target_present"] == got["correct"]
    if got["correct"] is None:
        got["correct"] = got["response"] == df["target_present"]
    df["response"] = got["response"].to_numpy()
    df["correct"] = got["correct"].to_numpy()
    incons = (df["correct"] != (df["response"] == df["target_present"])).to_numpy()
    if incons.any():
        i = int(np.argmax(incons))
        raise DataError(f"{file} line {i + 2}: correct is {bool(df['correct'].iloc[i])} but response is "
                        f"{bool(df['response'].iloc[i])} on a target-{'present' if df['target_present'].iloc[i] else 'absent'} "
                        f"trial (columns mapped by {desc.path} [columns])")
    df["set_size"] = _as_int(df["set_size"], desc.columns.get("set_size", "set_size"), f"{file}: ",
                             lambda i: f"line {int(i) + 2}")
    small = (df["set_size"] < 1).to_numpy()
    if small.any():
        i = int(np.argmax(small))
        raise DataError(f"{file}: column {desc.columns.get('set_size', 'set_size')!r} line {i + 2}: set size "
                        f"{df['set_size'].iloc[i]} is below 1")
    task = _file_values(df["task"])
    if "task" in desc.values:
        task = task.replace(desc.values["task"])
    unknown = ~task.isin(list(desc.tasks)).to_numpy()
    if unknown.any():
        i = int(np.argmax(unknown))
        raise DataError(f"{desc.path}: [tasks]: task {task.iloc[i]!r} ({file} line {i + 2}) has no "
                        f"[tasks.{task.iloc[i]}] definition; defined: {', '.join(desc.tasks)}")
    df["task"] = task.to_numpy()
    rt_raw = _column(desc, raw, file, "rt")
    if rt_raw is None:
        raise DataError(f"{desc.path}: [columns] rt: not given, and {file} has no column 'rt'")
    rt_name = desc.columns.get("rt", "rt")
    blank = rt_raw.isna() | rt_raw.astype(str).str.strip().isin(["", "NA", "NaN", "nan"])
    rt = pd.to_numeric(rt_raw.where(~blank), errors="coerce")
    bad = (rt.isna() & ~blank).to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(f"{file}: column {rt_name!r} line {i + 2}: {show_value(rt_raw.iloc[i])} is not a number")
    rt = rt.astype(float) * RT_UNITS[desc.rt_unit]
    if desc.rt_unit != "ms":
        # decimal seconds times 1000 are not exact in binary floating point: round to the
        # nanosecond so that 0.556 s gives the 556 ms the file meant
        rt = rt.round(6)
    zero = ~blank & (rt <= 0)
    for mask, key, what in ((blank, "missing", "an empty RT"), (zero, "zero", "an RT <= 0")):
        if mask.any() and getattr(desc, key) == "error":
            i = int(np.argmax(mask.to_numpy()))
            raise DataError(f"{file}: column {rt_name!r} line {i + 2}: {what} ({desc.path} [rt] {key} = \"error\"; "
                            "set it to \"exclude\" or \"drop\")")
    df["rt"] = rt.to_numpy()
    for e in desc.extra:
        df[e] = raw[e].to_numpy()
    df["_line"] = raw.index.to_numpy() + 2
    return df, blank, zero


def load_described(description) -> SearchData:
    """Load a described search data set.

    Parameters
    ----------
    description : Description or path
        A :class:`~psysim.data.describe.Description` or the path of its TOML file.

    Returns
    -------
    SearchData
        The trial table, the exclusions report and the per-observer counts.

    Raises
    ------
    DataError
        One line naming the TOML file and key, or the data file, line and column: columns
        that are not in the file, values without a ``[values]`` entry, tasks without a
        ``[tasks]`` definition, an RT unit the median RT contradicts, empty or zero RTs under
        ``error``, an exclusion rule that removes every observer.
    """
    desc = description if isinstance(description, Description) else read_description(description)
    parts, counts = [], {"missing": [0, set()], "zero": [0, set()]}
    dropped = {"missing": 0, "zero": 0}
    excluded_rows = []
    for file in desc.files:
        df, blank, zero = _read_one(desc, file)
        for key, mask in (("missing", blank), ("zero", zero)):
            policy = getattr(desc, key)
            if policy == "exclude":
                counts[key][0] += int(mask.sum())
                counts[key][1].update(_observer_key(desc, df[mask]))
                excluded_rows.append(df.loc[mask, ["subject", "task"]].astype(str))
            elif policy == "drop":
                dropped[key] += int(mask.sum())
        parts.append(df[~(blank | zero)])
    df = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    df["subject"] = df["subject"].astype(str)
    df.insert(0, "source", desc.name)

    if len(df):
        med = float(np.median(df["rt"]))
        lo, hi = PLAUSIBLE_MEDIAN_MS
        if not lo <= med <= hi:
            guess = "ms" if med > hi else "s"
            hint = f"; the file's RTs look like {guess}: set unit = \"{guess}\"" if guess != desc.rt_unit else ""
            raise DataError(f"{desc.path}: [rt] unit: with unit = \"{desc.rt_unit}\" the median RT is {med:g} ms, "
                            f"outside the plausible {lo:g}-{hi:g} ms{hint}")
    else:
        raise DataError(f"{desc.path}: [rt]: no row of {', '.join(map(str, desc.files))} has a usable RT")

    trim = desc.trim_rule()
    upper = df["task"].map(lambda t: trim.upper_by_task.get(t, trim.upper)).to_numpy(float)
    outside = (df["rt"].to_numpy() < trim.lower) | (df["rt"].to_numpy() > upper)

    okey = _observer_key(desc, df)
    excl_keys = pd.concat([_observer_key(desc, r) for r in excluded_rows]) if excluded_rows else pd.Series(dtype=str)
    subjects = pd.unique(pd.concat([okey, excl_keys]))
    n_kept_rows = okey.value_counts()
    n_excl_rows = excl_keys.value_counts()
    n_outside = pd.Series(outside, index=df.index).groupby(okey).sum()
    obs = pd.DataFrame({"observer": subjects})
    obs["n_trials"] = obs["observer"].map(n_kept_rows).fillna(0).astype(int) + obs["observer"].map(n_excl_rows).fillna(0).astype(int)
    obs["n_excluded"] = obs["observer"].map(n_excl_rows).fillna(0).astype(int) + obs["observer"].map(n_outside).fillna(0).astype(int)
    obs["excluded_percent"] = 100.0 * obs["n_excluded"] / obs["n_trials"]
    mx = desc.max_excluded_percent
    obs["kept"] = True if mx is None else obs["excluded_percent"] <= mx
    if not obs["kept"].any():
        raise DataError(f"{desc.path}: [exclusion] max_excluded_percent: {mx:g} % removes every observer "
                        f"(the lowest has {obs['excluded_percent'].min():.1f} % of trials excluded)")

    rows = []
    for key, label in (("missing", "empty RT"), ("zero", "RT <= 0")):
        pol = getattr(desc, key)
        if pol == "exclude":
            rows.append((f"{label} (excluded)", counts[key][0], len(counts[key][1]), "counted as excluded trials of the observer"))
        elif pol == "drop":
            rows.append((f"{label} (dropped)", dropped[key], 0, "removed before counting, as if not in the file"))
    if "trim" in desc.raw.get("rt", {}):
        rows.append(("RT outside the trimming window", int(outside.sum()), int((n_outside > 0).sum()),
                     f"{trim.describe().replace('correct trials with RTs of', 'RT statistics use')}; "
                     "these trials still count for error rates"))
    gone = obs[~obs["kept"]]
    if mx is not None:
        rows.append((f"observer with more than {mx:g} % of trials excluded", int(gone["n_trials"].sum()), len(gone),
                     ", ".join(f"{s} ({p:.1f} %)" for s, p in zip(gone["observer"], gone["excluded_percent"])) or "none"))
    exclusions = pd.DataFrame(rows, columns=["rule", "trials", "observers", "detail"])

    df = df[okey.isin(obs.loc[obs["kept"], "observer"]).to_numpy()]
    df = df.drop(columns="_line")
    cols = list(TRIAL_COLUMNS) + [c for c in df.columns if c not in TRIAL_COLUMNS]
    trials = validate_trials(df[cols], where=str(desc.files[0]) if len(desc.files) == 1 else desc.name, tasks=list(desc.tasks))
    if dropped["zero"]:
        trials.attrs["dropped_zero_rt"] = dropped["zero"]
    return SearchData(desc, trials, exclusions, obs)
