"""Data-set descriptions: one TOML file says how a lab's search file maps onto the trial table.

A description is the one way a search data set, built-in or a lab's own, enters psysim
(``docs/own_data.md`` is the full key reference; ``psysim/data/descriptions/wolfe2010.toml``
the built-in example)::

    [dataset]                     # who made it, how to cite it
    name = "mylab2024"
    citation = "..."
    licence = "CC BY 4.0"
    source_url = "https://..."

    [files]
    paths = ["search.csv"]        # relative to this TOML file (relative_to = "data": to PSYSIM_DATA)

    [columns]                     # psysim column = the file's column
    subject = "participant"
    task = "condition"
    set_size = "setsize"
    correct = "acc"               # or error = "...", response = "..."
    rt = "RT"
    [constants]
    target_present = true         # the file has present trials only

    [values.task]                 # the file's values -> the data set's task names (optional)
    colour = "color"

    [rt]
    unit = "s"                    # "ms" or "s"; checked against the median RT
    missing = "exclude"           # empty RT: exclude (counted) | drop | error
    zero = "exclude"              # RT <= 0: exclude | drop | error
    trim = [200, 4000]            # ms window of RT statistics

    [exclusion]
    max_excluded_percent = 20     # drop observers with more than 20 % of trials excluded

    [tasks.color]                 # every task the file holds, in the display vocabulary
    kind = "feature-colour"

:func:`read_description` checks the file (unknown keys, wrong types, unknown kinds) and returns
a :class:`Description`; :func:`psysim.data.own_data.load_described` reads the files into a trial
table and an exclusions report. Every error is one line naming the TOML file and the key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from psysim.data.rt_units import RT_UNITS
from psysim.data.toml_checks import check_keys as _check_keys
from psysim.data.toml_checks import check_sections
from psysim.data.toml_checks import err as _err
from psysim.data.toml_checks import number as _number
from psysim.data.toml_checks import string as _str
from psysim.errors import DataError
from psysim.resources import read_toml

TASK_KINDS = {
    "feature-colour": "feature",
    "feature-orientation": "orientation",
    "conjunction": "conjunction",
    "spatial": "spatial",
    "serial": None,
    "unknown": None,
}
"""Task kinds of a description and the psysim display task (``stimuli/search.toml``) each is
simulated on. ``feature-colour``/``feature-orientation``: the target differs from every
distractor in colour / orientation (a pop-out search for Feature Integration Theory);
``conjunction``: colour x orientation conjunction; ``spatial``: a shape or spatial-configuration
search (2 among 5s); ``serial``: a search the description declares serial without saying what
its displays were (no displays: models that read items are not fitted); ``unknown``: nothing is
assumed (only models that need no displays and no pop-out assumption are fitted)."""

POPOUT_KINDS = ("feature-colour", "feature-orientation")
"""Kinds whose target pops out in Feature Integration Theory (Treisman & Gelade 1980)."""

POLICIES = ("exclude", "drop", "error")
"""What to do with a row whose RT is empty (``missing``) or <= 0 (``zero``): ``exclude`` keeps
it out of the trial table but counts it as an excluded trial of its observer (for the exclusion
rule and the report); ``drop`` removes it as if it were not in the file (reported as a count);
``error`` refuses the file."""

COLUMN_KEYS = ("subject", "task", "set_size", "target_present", "response", "correct", "error", "rt")
VALUE_KEYS = ("task", "target_present", "response", "correct", "error")
SECTIONS = {
    "dataset": ("name", "title", "citation", "licence", "source_url", "description", "subject_ids"),
    "files": ("paths", "relative_to", "sep", "encoding"),
    "columns": (*COLUMN_KEYS, "extra"),
    "constants": ("subject", "task", "set_size", "target_present", "response", "correct"),
    "values": VALUE_KEYS,
    "rt": ("unit", "missing", "zero", "trim", "trim_by_task"),
    "exclusion": ("max_excluded_percent",),
    "tasks": None,  # any task name
}
TASK_KEYS = ("kind", "description")


@dataclass(frozen=True)
class TaskDefinition:
    """What one task of a data set is, in psysim's display vocabulary.

    Parameters
    ----------
    name : str
        The task's name in the data set.
    kind : str
        One of :data:`TASK_KINDS` (``feature-colour``, ``conjunction``, ``spatial``, ...).
    description : str
        One line for people.
    """

    name: str
    kind: str
    description: str = ""

    @property
    def display_task(self) -> str | None:
        """The psysim display task it is simulated on (None: no displays known)."""
        return TASK_KINDS[self.kind]

    @property
    def pops_out(self) -> bool | None:
        """Whether FIT treats it as a pop-out search (None: ``unknown``)."""
        if self.kind == "unknown":
            return None
        return self.kind in POPOUT_KINDS


@dataclass(frozen=True)
class Description:
    """A checked data-set description (see the module docstring for the keys).

    Attributes
    ----------
    path : pathlib.Path
        The TOML file.
    name, title, citation, licence, source_url, description : str
        ``[dataset]``.
    files : tuple of pathlib.Path
        ``[files] paths``, resolved.
    sep, encoding : str
        ``[files]`` CSV delimiter and text encoding.
    columns : dict
        ``[columns]``: psysim column -> the file's column.
    extra : tuple of str
        ``[columns] extra``: further columns carried into the trial table.
    constants, values : dict
        ``[constants]`` (column -> one value for every row) and ``[values]`` (column -> the
        file's value -> psysim's).
    rt_unit, missing, zero : str
        ``[rt] unit`` (``ms``/``s``) and the policies for empty and non-positive RTs
        (``exclude``, ``drop`` or ``error``).
    trim : (float, float)
        ``[rt] trim``: the RT window (ms) of RT statistics.
    trim_by_task : dict
        Task -> its own window.
    max_excluded_percent : float or None
        ``[exclusion]``: observers with more excluded trials are dropped.
    tasks : dict of str -> TaskDefinition
        ``[tasks.NAME]``.
    subject_ids : str
        ``global`` (one id names one person across tasks) or ``per-task``.
    raw : dict
        The parsed TOML, for messages.
    """

    path: Path
    name: str
    title: str
    citation: str
    licence: str
    source_url: str
    files: tuple[Path, ...]
    columns: dict
    constants: dict
    values: dict
    extra: tuple[str, ...]
    rt_unit: str
    missing: str
    zero: str
    trim: tuple[float, float]
    trim_by_task: dict
    max_excluded_percent: float | None
    tasks: dict
    subject_ids: str = "global"
    sep: str = ","
    encoding: str = "utf-8"
    description: str = ""
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    def where(self, key: str) -> str:
        """``FILE: key`` for error messages."""
        return f"{self.path}: {key}"

    def trim_rule(self):
        """The :class:`psysim.stats.TrimRule` of the description's trimming window."""
        from psysim.stats.descriptive import TrimRule

        return TrimRule(self.trim[0], self.trim[1], {t: hi for t, (_lo, hi) in self.trim_by_task.items()})


def builtin_description(name: str) -> Path:
    """Path of a description shipped with psysim (``"wolfe2010"``)."""
    path = Path(str(resources.files("psysim.data").joinpath("descriptions", f"{name}.toml")))
    if not path.is_file():
        raise DataError(f"no built-in data-set description {name!r}")
    return path


def resolve_description(ref) -> Path:
    """A ``--data`` argument as a description file: a path to a ``.toml`` or a built-in name.

    Parameters
    ----------
    ref : str or os.PathLike
        A file ending in ``.toml`` (or any existing file), or a built-in name (``wolfe2010``).

    Returns
    -------
    pathlib.Path
        The description file.

    Raises
    ------
    DataError
        For a missing file or an unknown name.
    """
    text = str(ref)
    if text.endswith(".toml") or Path(text).is_file():
        path = Path(text)
        if not path.is_file():
            raise DataError(f"{path}: data-set description not found")
        return path
    try:
        return builtin_description(text)
    except DataError:
        raise DataError(f"--data {text!r}: neither a description file (FILE.toml) nor a built-in data set") from None








def _window(path, key, v) -> tuple[float, float]:
    if not isinstance(v, list) or len(v) != 2:
        raise _err(path, key, f"expected [lower, upper] in ms, got {v!r}")
    lo, hi = (_number(path, key, x) for x in v)
    if not 0 <= lo < hi:
        raise _err(path, key, f"expected 0 <= lower < upper, got {v!r}")
    return lo, hi




def read_description(path, data_root=None) -> Description:
    """Read and check a data-set description TOML file.

    Parameters
    ----------
    path : str or Path
        The description file.
    data_root : path, optional
        The data folder for ``[files] relative_to = "data"`` (default: ``PSYSIM_DATA``).

    Returns
    -------
    Description

    Raises
    ------
    DataError
        One line ``FILE: [section] key: what is wrong``: unknown sections or keys (with a
        did-you-mean), wrong types, unknown RT units, policies or task kinds, a bad trimming
        window, a missing ``[dataset] name`` or ``[files] paths``, no ``[tasks]``.
    """
    path = Path(path)
    cfg = read_toml(path)
    check_sections(path, cfg, SECTIONS)
    ds = cfg.get("dataset", {})
    if "name" not in ds:
        raise _err(path, "[dataset] name", "missing (a short name for the data set)")
    name = _str(path, "[dataset] name", ds["name"])
    meta = {k: _str(path, f"[dataset] {k}", ds.get(k, ""), allow_empty=True) for k in SECTIONS["dataset"]
            if k not in ("name", "subject_ids")}
    subject_ids = ds.get("subject_ids", "global")
    if subject_ids not in ("global", "per-task"):
        raise _err(path, "[dataset] subject_ids", f"expected 'global' or 'per-task', got {subject_ids!r}")

    files = cfg.get("files", {})
    paths = files.get("paths")
    if isinstance(paths, str):
        paths = [paths]
    if not paths or not isinstance(paths, list) or not all(isinstance(p, str) and p for p in paths):
        raise _err(path, "[files] paths", f"expected a list of file names, got {paths!r}")
    relative_to = files.get("relative_to", "description")
    if relative_to not in ("description", "data"):
        raise _err(path, "[files] relative_to", f"expected 'description' or 'data' (PSYSIM_DATA), got {relative_to!r}")
    if relative_to == "data":
        from psysim.resources import data_dir

        base = Path(data_root) if data_root is not None else data_dir()
    else:
        base = path.parent
    resolved = tuple((base / p) if not Path(p).is_absolute() else Path(p) for p in paths)
    sep = _str(path, "[files] sep", files.get("sep", ","))
    encoding = _str(path, "[files] encoding", files.get("encoding", "utf-8"))

    columns = dict(cfg.get("columns", {}))
    extra = columns.pop("extra", [])
    if isinstance(extra, str):
        extra = [extra]
    if not isinstance(extra, list) or not all(isinstance(e, str) for e in extra):
        raise _err(path, "[columns] extra", f"expected a list of column names, got {extra!r}")
    for k, v in columns.items():
        _str(path, f"[columns] {k}", v)
    if "correct" in columns and "error" in columns:
        raise _err(path, "[columns] error", "give either correct or error, not both")
    constants = dict(cfg.get("constants", {}))
    for k, v in constants.items():
        if k in columns:
            raise _err(path, f"[constants] {k}", f"also mapped in [columns] {k}; give one")
        if isinstance(v, dict | list):
            raise _err(path, f"[constants] {k}", f"expected a single value, got {v!r}")
    values = {}
    for k, v in cfg.get("values", {}).items():
        if not isinstance(v, dict):
            raise _err(path, f"[values] {k}", f"expected a table of file value = psysim value, got {v!r}")
        if k != "task":
            for fv, pv in v.items():
                if not isinstance(pv, bool):
                    raise _err(path, f"[values.{k}] {fv}", f"expected true or false, got {pv!r}")
        else:
            for fv, pv in v.items():
                _str(path, f"[values.task] {fv}", pv)
        values[k] = {str(fv): pv for fv, pv in v.items()}

    rt = cfg.get("rt", {})
    unit = rt.get("unit", "ms")
    if not isinstance(unit, str) or unit not in RT_UNITS:
        raise _err(path, "[rt] unit", f"expected one of {', '.join(RT_UNITS)}, got {unit!r}")
    policies = {}
    for k in ("missing", "zero"):
        v = rt.get(k, "error")
        if v not in POLICIES:
            raise _err(path, f"[rt] {k}", f"expected one of {', '.join(POLICIES)}, got {v!r}")
        policies[k] = v
    trim = _window(path, "[rt] trim", rt["trim"]) if "trim" in rt else (0.0, math.inf)
    tbt = rt.get("trim_by_task", {})
    if not isinstance(tbt, dict):
        raise _err(path, "[rt] trim_by_task", f"expected a table task = [lower, upper], got {tbt!r}")
    trim_by_task = {t: _window(path, f"[rt] trim_by_task.{t}", w) for t, w in tbt.items()}
    for t, (lo, _hi) in trim_by_task.items():
        if lo != trim[0]:
            raise _err(path, f"[rt] trim_by_task.{t}", f"only the upper bound may differ by task (lower {trim[0]:g} ms)")

    exc = cfg.get("exclusion", {})
    mx = exc.get("max_excluded_percent")
    if mx is not None:
        mx = _number(path, "[exclusion] max_excluded_percent", mx)
        if not 0 <= mx <= 100:
            raise _err(path, "[exclusion] max_excluded_percent", f"expected 0 to 100, got {mx:g}")

    tasks_cfg = cfg.get("tasks")
    if not isinstance(tasks_cfg, dict) or not tasks_cfg:
        raise _err(path, "[tasks]", "missing: define every task, e.g. [tasks.color] kind = \"feature-colour\"")
    tasks = {}
    for tname, t in tasks_cfg.items():
        if not isinstance(t, dict):
            raise _err(path, f"[tasks.{tname}]", f"expected a table with kind = ..., got {t!r}")
        _check_keys(path, f"tasks.{tname}", t, TASK_KEYS)
        kind = t.get("kind")
        if not isinstance(kind, str) or kind not in TASK_KINDS:
            raise _err(path, f"[tasks.{tname}] kind", f"unknown task kind {kind!r}; expected one of {', '.join(TASK_KINDS)}")
        tasks[tname] = TaskDefinition(tname, kind, _str(path, f"[tasks.{tname}] description", t.get("description", ""), True))
    for t in trim_by_task:
        if t not in tasks:
            raise _err(path, f"[rt] trim_by_task.{t}", f"no task {t!r} in [tasks] ({', '.join(tasks)})")
    return Description(
        path=path, name=name, files=resolved, columns=columns, constants=constants, values=values,
        extra=tuple(extra), rt_unit=unit, missing=policies["missing"], zero=policies["zero"], trim=trim,
        trim_by_task=trim_by_task, max_excluded_percent=mx, tasks=tasks, subject_ids=subject_ids, sep=sep, encoding=encoding,
        raw=cfg, **meta,
    )
