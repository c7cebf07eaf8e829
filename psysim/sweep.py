"""Parameter sweeps: simulate a model at every point of a parameter grid and summarise it.

A grid is a TOML file (examples in ``stimuli/grids/``)::

    model = "fit"                 # optional; must match the model swept
    tasks = ["conjunction"]       # optional (default: feature, conjunction, spatial)
    set_sizes = [3, 6, 12, 18]    # optional (default: these)
    n_per_cell = 200              # trials per task x set size x presence cell
    mode = "product"              # every combination ("product", default) or "zip"

    [fixed]                       # held at these values (others at the model's defaults)
    base = 450

    [params]                      # swept: a list of values or a range
    per_item = { start = 0, stop = 100, num = 11 }          # numpy.linspace, ends included
    base_sd = { start = 10, stop = 1000, num = 5, log = true }  # numpy.geomspace
    p_miss = [0.0, 0.05, 0.1]

Every point is checked against the model's declared parameters (names, numbers, bounds)
before anything runs, so a bad grid fails at once with the file and key named.

Each grid point is one task of :func:`psysim.executor.map_tasks`, with its own seed derived
from the root seed, so the sweep gives the same bytes serially or on any number of Dask
workers, and an interrupted sweep resumes where it stopped. Models that read item tables
(Guided Search) see the same displays at every point (generated once per worker from the
root seed), so differences between points are differences of parameters.

Summaries per point and task (no RT trimming: these are model RTs):

* ``slope_present``/``slope_absent`` (ms/item) and intercepts: OLS of the mean correct RT on
  set size (Treisman & Gelade 1980; Wolfe 1998), and their ratio ``slope_ratio`` (absent:present);
* ``error_present`` (misses) and ``error_absent`` (false alarms), pooled over set sizes;
* ``mean_rt_present``/``mean_rt_absent`` and correct-RT quantiles ``q10 .. q90`` pooled over
  set sizes, per presence (ms);
* ``cells.csv``: the same per set size (mean correct RT, error rate, quantiles).
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from psysim.errors import ParameterError, PsysimError
from psysim.resources import read_toml
from psysim.stats.descriptive import QUANTILE_COLUMNS, QUANTILES
from psysim.trials import TASKS

DEFAULT_TASKS = ("feature", "conjunction", "spatial")
DEFAULT_SET_SIZES = (3, 6, 12, 18)
DEFAULT_N_PER_CELL = 200
MAX_POINTS = 1_000_000
_KEYS = {"model", "tasks", "set_sizes", "n_per_cell", "mode", "fixed", "params", "description"}


@dataclass(frozen=True)
class Grid:
    """A parameter grid read from TOML (see the module docstring).

    Attributes
    ----------
    params : dict of str -> tuple of float
        Swept parameters and their values, in file order.
    fixed : dict of str -> float
        Parameters held at a value.
    mode : {"product", "zip"}
        Every combination of the swept values, or the i-th value of each together.
    """

    source: str
    params: dict
    fixed: dict = field(default_factory=dict)
    mode: str = "product"
    model: str | None = None
    tasks: tuple | None = None
    set_sizes: tuple = DEFAULT_SET_SIZES
    n_per_cell: int = DEFAULT_N_PER_CELL
    description: str = ""

    @property
    def n_points(self) -> int:
        lens = [len(v) for v in self.params.values()]
        return int(np.prod(lens)) if self.mode == "product" else lens[0]

    def points(self) -> list[dict]:
        """Swept values of every point, in order (the last parameter varies fastest)."""
        names = list(self.params)
        vals = [self.params[n] for n in names]
        combos = itertools.product(*vals) if self.mode == "product" else zip(*vals)
        return [dict(zip(names, c)) for c in combos]

    def fingerprint(self) -> dict:
        return {
            "params": {k: list(v) for k, v in self.params.items()},
            "fixed": dict(self.fixed),
            "mode": self.mode,
            "set_sizes": list(self.set_sizes),
            "n_per_cell": self.n_per_cell,
        }


def _number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PsysimError(f"{where}: expected a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise PsysimError(f"{where}: expected a finite number, got {value!r}")
    return v


def _whole(value, where: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PsysimError(f"{where}: expected a whole number, got {value!r}")
    if value < minimum:
        raise PsysimError(f"{where}: must be at least {minimum}, got {value}")
    return int(value)


def _values(spec, where: str) -> tuple:
    """A parameter's values from a list or a ``{start, stop, num[, log]}`` range."""
    if isinstance(spec, list):
        if not spec:
            raise PsysimError(f"{where}: empty list, so the grid has no points")
        return tuple(_number(v, f"{where}[{i}]") for i, v in enumerate(spec))
    if isinstance(spec, dict):
        unknown = sorted(set(spec) - {"start", "stop", "num", "log"})
        if unknown:
            raise PsysimError(f"{where}: unknown key(s) {', '.join(unknown)}; a range has start, stop, num and optional log")
        missing = [k for k in ("start", "stop", "num") if k not in spec]
        if missing:
            raise PsysimError(f"{where}: a range needs {', '.join(missing)}")
        start, stop = _number(spec["start"], f"{where}.start"), _number(spec["stop"], f"{where}.stop")
        if isinstance(spec["num"], int) and not isinstance(spec["num"], bool) and spec["num"] == 0:
            raise PsysimError(f"{where}.num: 0 values, so the grid has no points")
        num = _whole(spec["num"], f"{where}.num")
        log = spec.get("log", False)
        if not isinstance(log, bool):
            raise PsysimError(f"{where}.log: expected true or false, got {log!r}")
        if log:
            if start <= 0 or stop <= 0:
                raise PsysimError(f"{where}: a log range needs start and stop > 0, got {start:g} and {stop:g}")
            return tuple(float(v) for v in np.geomspace(start, stop, num))
        return tuple(float(v) for v in np.linspace(start, stop, num))
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        return (_number(spec, where),)
    raise PsysimError(f"{where}: expected a list of numbers or a table {{start, stop, num}}, got {spec!r}")


def shipped_grids() -> dict:
    """Example grids shipped with psysim (``stimuli/grids/*.toml``), by file name."""
    from importlib import resources

    folder = Path(str(resources.files("psysim.stimuli").joinpath("grids")))
    return {p.name: p for p in sorted(folder.glob("*.toml"))}


def resolve_grid(path) -> Path:
    """A grid path as given, or, for a bare name that is not a file here, a shipped grid
    (``fit_per_item.toml`` or ``fit_per_item``), so an installed psysim finds its examples."""
    path = Path(path)
    if path.exists() or str(path.parent) not in ("", "."):
        return path
    grids = shipped_grids()
    for name in (path.name, f"{path.name}.toml"):
        if name in grids:
            return grids[name]
    return path


def read_grid(path) -> Grid:
    """Read and check a grid file (structure and types; see :func:`check_grid` for the model).

    Raises
    ------
    PsysimError
        One line naming the file and the key: unknown keys, wrong TOML types, empty lists, a
        grid with no points, set sizes below 1, unknown task names, unequal lengths in zip mode.
    """
    path = resolve_grid(path)
    if not path.exists():
        raise PsysimError(f"{path}: file not found (example grids shipped with psysim: {', '.join(shipped_grids())})")
    if path.is_dir():
        raise PsysimError(f"{path}: is a folder, expected a grid TOML file")
    if path.exists() and path.stat().st_size == 0:
        raise PsysimError(f"{path}: the file is empty; a grid needs a [params] table")
    if path.is_file():
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PsysimError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); a grid is a TOML file") from None
    doc = read_toml(path)
    w = str(path)
    unknown = sorted(set(doc) - _KEYS)
    if unknown:
        raise PsysimError(f"{w}: unknown key(s) {', '.join(unknown)}; expected some of {', '.join(sorted(_KEYS))}")
    params = doc.get("params")
    if params is None:
        raise PsysimError(f"{w}: no [params] table, so the grid has no points")
    if not isinstance(params, dict):
        raise PsysimError(f"{w}: 'params' must be a table of parameter = values, got {params!r}")
    if not params:
        raise PsysimError(f"{w}: [params] is empty, so the grid has no points")
    values = {str(k): _values(v, f"{w}: params.{k}") for k, v in params.items()}
    fixed_doc = doc.get("fixed", {})
    if not isinstance(fixed_doc, dict):
        raise PsysimError(f"{w}: 'fixed' must be a table of parameter = value, got {fixed_doc!r}")
    fixed = {str(k): _number(v, f"{w}: fixed.{k}") for k, v in fixed_doc.items()}
    both = sorted(set(fixed) & set(values))
    if both:
        raise PsysimError(f"{w}: parameter(s) {', '.join(both)} are both swept and fixed")
    mode = doc.get("mode", "product")
    if mode not in ("product", "zip"):
        raise PsysimError(f"{w}: mode = {mode!r}; expected 'product' or 'zip'")
    if mode == "zip" and len({len(v) for v in values.values()}) > 1:
        lens = ", ".join(f"{k}: {len(v)}" for k, v in values.items())
        raise PsysimError(f"{w}: mode = 'zip' needs lists of equal length ({lens})")
    model = doc.get("model")
    if model is not None and not isinstance(model, str):
        raise PsysimError(f"{w}: model must be a string, got {model!r}")
    tasks = doc.get("tasks")
    if tasks is not None:
        tasks = check_tasks(tasks, f"{w}: tasks")
    sizes = doc.get("set_sizes", list(DEFAULT_SET_SIZES))
    if not isinstance(sizes, list) or not sizes:
        raise PsysimError(f"{w}: set_sizes must be a non-empty list of whole numbers, got {sizes!r}")
    sizes = tuple(_whole(s, f"{w}: set_sizes[{i}]") for i, s in enumerate(sizes))
    if len(set(sizes)) != len(sizes):
        raise PsysimError(f"{w}: set_sizes has repeated values {list(sizes)}")
    n_per_cell = _whole(doc.get("n_per_cell", DEFAULT_N_PER_CELL), f"{w}: n_per_cell")
    desc = doc.get("description", "")
    if not isinstance(desc, str):
        raise PsysimError(f"{w}: description must be a string")
    grid = Grid(source=w, params=values, fixed=fixed, mode=mode, model=model, tasks=tasks,
                set_sizes=sizes, n_per_cell=n_per_cell, description=desc)
    if grid.n_points > MAX_POINTS:
        raise PsysimError(f"{w}: {grid.n_points} points is more than the limit of {MAX_POINTS}")
    return grid


def check_tasks(tasks, where: str = "--task") -> tuple:
    """Task names as a tuple; unknown names raise a one-line error naming ``where``."""
    if isinstance(tasks, str):
        tasks = [t for t in tasks.split(",")]
    if not isinstance(tasks, (list, tuple)) or not tasks:
        raise PsysimError(f"{where}: expected a non-empty list of task names, got {tasks!r}")
    out = []
    for t in tasks:
        if not isinstance(t, str):
            raise PsysimError(f"{where}: expected task names (strings), got {t!r}")
        t = t.strip()
        if t not in TASKS:
            raise PsysimError(f"{where}: unknown task {t!r}; expected one of {', '.join(TASKS)}")
        if t not in out:
            out.append(t)
    return tuple(out)


def check_grid(grid: Grid, model_name: str) -> list[dict]:
    """Full parameter sets of every point, each checked against the model's declaration.

    Raises
    ------
    PsysimError
        Unknown model, a grid written for another model, unknown parameter names, values that
        are out of bounds (naming the file, the parameter and the value).
    """
    from psysim.models import MODELS, get_model

    key = str(model_name).lower().replace("_", "-")
    if key not in MODELS:
        raise PsysimError(f"unknown model {model_name!r}; known models: {', '.join(sorted(MODELS))}")
    cls = MODELS[key]
    if grid.model is not None and grid.model.lower().replace("_", "-") != key:
        raise PsysimError(f"{grid.source}: the grid is for model {grid.model!r}, not {model_name!r}")
    known = [p.name for p in cls.parameters]
    for section, names in (("params", grid.params), ("fixed", grid.fixed)):
        bad = [n for n in names if n not in known]
        if bad:
            raise PsysimError(f"{grid.source}: {section}.{bad[0]}: {key} has no parameter {bad[0]!r}; known: {', '.join(known)}")
    for name, vals in grid.params.items():
        spec = cls.param(name)
        for i, v in enumerate(vals):
            try:
                spec.check(v, key)
            except ParameterError as exc:
                raise PsysimError(f"{grid.source}: params.{name}[{i}]: {exc}") from None
    for name, v in grid.fixed.items():
        try:
            cls.param(name).check(v, key)
        except ParameterError as exc:
            raise PsysimError(f"{grid.source}: fixed.{name}: {exc}") from None
    base = get_model(key, **grid.fixed).params
    return [{**base, **pt} for pt in grid.points()]


# -- one point ------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4)
def _design(tasks: tuple, set_sizes: tuple, n_per_cell: int, needs_items: bool, display_state: tuple):
    """The design every point shares (cached per worker process)."""
    if needs_items:
        from psysim.displays import make_displays

        return make_displays(list(tasks), list(set_sizes), n_per_cell, seed=np.random.SeedSequence(list(display_state)))
    from psysim.models import make_design

    return make_design(tasks, set_sizes, n_per_cell)


def simulate_point(payload: dict, seed) -> dict:
    """Simulate one grid point and summarise it (the task function of a sweep).

    Parameters
    ----------
    payload : dict
        ``model``, ``params`` (full parameter set), ``tasks``, ``set_sizes``, ``n_per_cell``,
        ``display_state`` (entropy of the shared displays).
    seed : numpy.random.SeedSequence
        The point's seed.

    Returns
    -------
    dict
        ``rows`` (one summary row per task) and ``cells`` (per set size): see
        :func:`summarise_trials`.
    """
    from psysim.models import get_model

    model = get_model(payload["model"], **payload["params"])
    design = _design(tuple(payload["tasks"]), tuple(payload["set_sizes"]), int(payload["n_per_cell"]),
                     bool(model.needs_items), tuple(payload["display_state"]))
    # model._simulate with the generator model.simulate would make: the same trials, without
    # building and validating a trial table per point (a third of the time); the checks that
    # matter for the summaries are made here
    table, displays = (design.displays, design) if hasattr(design, "displays") else (design, None)
    table = table.reset_index(drop=True)
    out = model._simulate(table, np.random.default_rng(seed), displays)
    rt = np.asarray(out["rt"], float)
    bad = ~np.isfinite(rt) | (rt <= 0)
    if bad.any():
        raise PsysimError(f"{model!r}: simulated RT {rt[np.argmax(bad)]} ms is not a positive finite number")
    present = table["target_present"].to_numpy(bool)
    return summarise_arrays(table["task"].to_numpy(str), table["set_size"].to_numpy(np.int64), present,
                            np.asarray(out["response"], bool) == present, rt)


ROW_COLUMNS = ("task", "n_trials", "slope_present", "intercept_present", "slope_absent", "intercept_absent",
               "slope_ratio", "error_present", "error_absent", "mean_rt_present", "mean_rt_absent",
               *(f"{q}_present" for q in QUANTILE_COLUMNS), *(f"{q}_absent" for q in QUANTILE_COLUMNS))
"""Summary columns of ``sweep.csv`` (after ``point`` and the parameters)."""

CELL_COLUMNS = ("task", "set_size", "target_present", "n", "error_rate", "mean_rt", *QUANTILE_COLUMNS)
"""Columns of ``cells.csv`` (after ``point``)."""


def summarise_trials(trials: pd.DataFrame) -> dict:
    """Per-task summary rows (slopes, error rates, quantiles) and per-cell rows of a trial table.

    Returns plain tuples (``rows`` in :data:`ROW_COLUMNS` order, ``cells`` in
    :data:`CELL_COLUMNS` order, sorted by task, set size, presence): small and quick to send
    between processes and to checkpoint; :func:`summary_tables` makes DataFrames of them.
    Plain numpy over the (few) design cells: this runs once per grid point.
    """
    return summarise_arrays(trials["task"].to_numpy(str), trials["set_size"].to_numpy(np.int64),
                            trials["target_present"].to_numpy(bool), trials["correct"].to_numpy(bool),
                            trials["rt"].to_numpy(float))


def summarise_arrays(task, size, present, correct, rt) -> dict:
    """:func:`summarise_trials` on per-trial arrays (task, set size, presence, correct, RT in ms)."""
    qcols = list(QUANTILE_COLUMNS)
    tasks = list(dict.fromkeys(task))
    cell_rows, rows = [], []
    for t in tasks:
        in_t = task == t
        row = {"task": t, "n_trials": int(in_t.sum())}
        for tp, label in ((True, "present"), (False, "absent")):
            sel = in_t & (present == tp)
            xs, ys = [], []
            for n in np.unique(size[sel]):
                c = sel & (size == n)
                ok = rt[c & correct]
                q = np.quantile(ok, QUANTILES) if len(ok) else np.full(len(QUANTILES), np.nan)
                m = float(ok.mean()) if len(ok) else np.nan
                cell_rows.append((t, int(n), tp, int(c.sum()), float(1.0 - correct[c].mean()), m, *map(float, q)))
                if len(ok):
                    xs.append(float(n))
                    ys.append(m)
            if len(xs) >= 2:
                slope, icpt = np.polyfit(xs, ys, 1)
            else:
                slope = icpt = np.nan
            ok = rt[sel & correct]
            q = np.quantile(ok, QUANTILES) if len(ok) else np.full(len(QUANTILES), np.nan)
            row[f"slope_{label}"] = float(slope)
            row[f"intercept_{label}"] = float(icpt)
            row[f"error_{label}"] = float(1.0 - correct[sel].mean()) if sel.any() else np.nan
            row[f"mean_rt_{label}"] = float(ok.mean()) if len(ok) else np.nan
            row.update({f"{qc}_{label}": float(v) for qc, v in zip(qcols, q)})
        sp = row["slope_present"]
        row["slope_ratio"] = float(row["slope_absent"] / sp) if np.isfinite(sp) and abs(sp) > 1e-9 else np.nan
        rows.append(row)
    cell_rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return {"rows": [tuple(r[c] for c in ROW_COLUMNS) for r in rows], "cells": cell_rows}


# -- the sweep ------------------------------------------------------------------------------
def run_sweep(
    model_name: str,
    grid: Grid,
    *,
    tasks=None,
    seed: int = 0,
    n_per_cell: int | None = None,
    executor=None,
    checkpoint_dir=None,
    chunk_size: int | None = None,
    progress: bool | None = None,
    shard: tuple[int, int] | None = None,
):
    """Simulate ``model_name`` at every grid point.

    Parameters
    ----------
    model_name : str
        A registered model.
    grid : Grid
        From :func:`read_grid`.
    tasks : sequence of str, optional
        Overrides the grid's ``tasks`` (default :data:`DEFAULT_TASKS`).
    seed : int
        Root seed; point ``i`` uses ``derive_seed(seed, f"point-{i}")`` (:func:`psysim.seeds.derive_seed`).
    n_per_cell : int, optional
        Overrides the grid's trials per cell.
    executor, checkpoint_dir, chunk_size, progress, shard
        See :func:`psysim.executor.map_tasks`. ``chunk_size`` None picks one that keeps
        per-task scheduling overhead small.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame, TaskResults)
        One row per grid point and task (``point``, ``task``, every parameter, summaries);
        the per-cell table; the executor's results (counts, timing). The tables are None when
        a ``shard`` leaves other shards' points unfinished.
    """
    from psysim.executor import SerialExecutor, make_executor, map_tasks
    from psysim.models import MODELS
    from psysim.seeds import derive_seed

    full = check_grid(grid, model_name)
    key = str(model_name).lower().replace("_", "-")
    tasks = check_tasks(tasks) if tasks else (grid.tasks or DEFAULT_TASKS)
    npc = grid.n_per_cell if n_per_cell is None else _whole(n_per_cell, "--n-per-cell")
    display_state = tuple(int(x) for x in derive_seed(seed, "sweep-displays").generate_state(4))
    common = {"model": key, "tasks": tasks, "set_sizes": grid.set_sizes, "n_per_cell": npc, "display_state": display_state}
    items = [(f"point-{i}", {**common, "params": p}) for i, p in enumerate(full)]
    import psysim

    # what the results depend on: resuming with any of it changed is refused
    fingerprint = {**grid.fingerprint(), "model": key, "tasks": list(tasks), "n_per_cell": npc,
                   "psysim": psysim.__version__}
    own = not hasattr(executor, "run")
    ex = make_executor(executor) if isinstance(executor, str) else (executor or SerialExecutor())
    try:
        if chunk_size is None:
            # ~20 messages per worker (load balance, progress) of at most 50 points: each message
            # costs the client and scheduler a few ms of CPU (benchmarks/bench_sweep.py)
            chunk_size = max(1, min(50, len(items) // (20 * max(1, ex.n_workers))))
        res = map_tasks(simulate_point, items, executor=ex, seed=seed, checkpoint_dir=checkpoint_dir,
                        fingerprint=fingerprint, chunk_size=chunk_size, progress=progress,
                        desc=f"sweep {key}", shard=shard)
    finally:
        if own:
            ex.close()
    if not res.complete:
        return None, None, res
    names = [p.name for p in MODELS[key].parameters]
    table, cells = summary_tables(res, full, names)
    return table, cells, res


def summary_tables(results, params: list[dict], names) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``sweep.csv`` and ``cells.csv`` tables from the per-point results of :func:`simulate_point`."""
    rows, cells = [], []
    for i, (p, out) in enumerate(zip(params, results)):
        pv = tuple(p[n] for n in names)
        rows += [(i, r[0], *pv, *r[1:]) for r in out["rows"]]
        cells += [(i, *c) for c in out["cells"]]
    table = pd.DataFrame(rows, columns=["point", "task", *names, *ROW_COLUMNS[1:]])
    cells = pd.DataFrame(cells, columns=["point", *CELL_COLUMNS])
    return table, cells
