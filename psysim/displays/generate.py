"""Generation of visual-search displays as item tables.

A :class:`DisplaySet` holds many displays at once:

- ``displays``: one row per display (``display_id``, ``task``, ``set_size``, ``target_present``)
- ``items``: one row per item (``display_id``, ``item``, ``x``, ``y``, ``colour``,
  ``orientation``, ``shape``, ``is_target``), positions in normalised field units
  (unit square, x right, y down), orientation in degrees clockwise from vertical.

Items sit on a jittered grid (Treisman & Gelade 1980 and Wolfe et al. 2010 used randomly
placed items on an invisible grid). The jitter is capped so that two items are never closer
than ``min_spacing``: neighbouring grid centres are one cell apart, and each item moves at most
``jitter`` cells per axis, so centres stay at least ``cell * (1 - 2 * jitter)`` apart.

Generation is vectorised over displays: one set of array operations per (task, set size) cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from psysim.errors import PsysimError
from psysim.resources import read_toml, stimuli_file
from psysim.seeds import check_seed

ITEM_COLUMNS = ("display_id", "item", "x", "y", "colour", "orientation", "shape", "is_target")
DISPLAY_COLUMNS = ("display_id", "task", "set_size", "target_present")


@dataclass(frozen=True)
class ItemSpec:
    """What an item looks like: ``shape`` (``bar``, ``digit2``, ``digit5``), colour name,
    orientation in degrees clockwise from vertical.

    Parameters
    ----------
    shape : str
        ``bar``, ``digit2`` or ``digit5``.
    colour : str
        A colour named in the stimulus set's ``[colours]``.
    orientation : float
        Degrees clockwise from vertical (0: a vertical bar, 90: horizontal).
    """

    shape: str
    colour: str
    orientation: float = 0.0


@dataclass(frozen=True)
class TaskSpec:
    """A search task: one target kind and one or more distractor kinds (mixed in equal
    numbers, as in the conjunction displays of Treisman & Gelade 1980).

    Parameters
    ----------
    name : str
        The task's name (``feature``, ``conjunction``, ...).
    target : ItemSpec
        What the target looks like.
    distractors : tuple of ItemSpec
        The distractor kinds.
    description : str
        One line for people.
    """

    name: str
    target: ItemSpec
    distractors: tuple[ItemSpec, ...]
    description: str = ""


@dataclass(frozen=True)
class Geometry:
    """Placement and drawing constants of a stimulus set (normalised field units).

    Parameters
    ----------
    grid : (int, int)
        Rows and columns of the placement grid (at most ``rows * cols`` items).
    jitter : float
        Uniform jitter of each item per axis, as a fraction of a grid cell.
    min_spacing : float
        Minimum centre-to-centre distance (field units), guaranteed by grid and jitter.
    margin : float
        Empty border around the grid (field units).
    item_size : float
        Bar length and glyph height (field units).
    bar_aspect : float
        Bar width / bar length.
    background : str
        Colour name of the background.
    colours : dict
        Colour name -> 8-bit RGB triple.
    """

    grid: tuple[int, int] = (6, 6)
    jitter: float = 0.25
    min_spacing: float = 0.08
    margin: float = 0.06
    item_size: float = 0.085
    bar_aspect: float = 0.22
    background: str = "black"
    colours: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def cell(self) -> tuple[float, float]:
        rows, cols = self.grid
        span = 1.0 - 2 * self.margin
        return span / rows, span / cols

    @property
    def max_items(self) -> int:
        return self.grid[0] * self.grid[1]

    def rgb(self, name: str) -> np.ndarray:
        try:
            return np.asarray(self.colours[name], dtype=np.float64)
        except KeyError:
            raise PsysimError(f"unknown colour {name!r}; known: {', '.join(self.colours)}") from None


@dataclass(frozen=True)
class StimulusSet:
    """A stimulus-set definition, as read from ``stimuli/*.toml``.

    Parameters
    ----------
    geometry : Geometry
        Placement and drawing constants.
    tasks : dict of str -> TaskSpec
        The tasks by name.
    """

    geometry: Geometry
    tasks: dict

    def task(self, name: str) -> TaskSpec:
        try:
            return self.tasks[name]
        except KeyError:
            raise PsysimError(f"unknown task {name!r}; known tasks: {', '.join(self.tasks)}") from None


def _item_spec(d, where) -> ItemSpec:
    try:
        return ItemSpec(str(d["shape"]), str(d["colour"]), float(d.get("orientation", 0.0)))
    except (KeyError, TypeError, ValueError) as exc:
        raise PsysimError(f"{where}: an item needs shape, colour and numeric orientation ({exc})") from None


def load_stimulus_set(path=None) -> StimulusSet:
    """Read a stimulus-set TOML file (default: psysim's ``stimuli/search.toml``).

    Parameters
    ----------
    path : str or os.PathLike, optional
        A stimulus-set TOML file; default the shipped ``search.toml``.

    Returns
    -------
    StimulusSet
        Geometry, colours and tasks, checked (one-line :class:`PsysimError` naming the file and
        key otherwise).
    """
    return _load_stimulus_set(str(path) if path is not None else str(stimuli_file("search.toml")))


@lru_cache(maxsize=8)
def _load_stimulus_set(path: str) -> StimulusSet:
    cfg = read_toml(path)
    g = cfg.get("geometry", {})
    try:
        geometry = Geometry(
            grid=tuple(int(v) for v in g.get("grid", (6, 6))),
            jitter=float(g.get("jitter", 0.25)),
            min_spacing=float(g.get("min_spacing", 0.08)),
            margin=float(g.get("margin", 0.06)),
            item_size=float(g.get("item_size", 0.085)),
            bar_aspect=float(g.get("bar_aspect", 0.22)),
            background=str(g.get("background", "black")),
            colours={k: tuple(int(c) for c in v) for k, v in cfg.get("colours", {}).items()},
        )
    except (TypeError, ValueError) as exc:
        raise PsysimError(f"{path}: [geometry] has a value of the wrong type ({exc})") from None
    cell = min(geometry.cell)
    if geometry.min_spacing > cell:
        raise PsysimError(f"{path}: min_spacing {geometry.min_spacing} exceeds the grid cell {cell:.3f}")
    tasks = {}
    for name, t in cfg.get("tasks", {}).items():
        where = f"{path} [tasks.{name}]"
        if "target" not in t or not t.get("distractors"):
            raise PsysimError(f"{where}: a task needs a target and at least one distractor")
        tasks[name] = TaskSpec(
            name=name,
            target=_item_spec(t["target"], where),
            distractors=tuple(_item_spec(d, where) for d in t["distractors"]),
            description=str(t.get("description", "")),
        )
    for spec in tasks.values():
        for it in (spec.target, *spec.distractors):
            geometry.rgb(it.colour)
    return StimulusSet(geometry, tasks)


class DisplaySet:
    """Many search displays: a display table and an item table (see module docstring).

    Use :func:`make_displays` to create one; index with ``ds[i]`` for the items of display ``i``
    and draw with :func:`psysim.displays.render`.

    Parameters
    ----------
    displays : pandas.DataFrame
        One row per display: ``display_id, task, set_size, target_present``.
    items : pandas.DataFrame
        One row per item: ``display_id, x, y, colour, orientation, shape, is_target``.
    stimulus_set : StimulusSet
        The definitions the displays were drawn from.
    seed : int, optional
        The seed they were generated with (shown in ``repr``).
    """

    def __init__(self, displays: pd.DataFrame, items: pd.DataFrame, stimulus_set: StimulusSet, seed=None):
        self.displays = displays
        self.items = items
        self.stimulus_set = stimulus_set
        self.seed = seed

    def __len__(self) -> int:
        return len(self.displays)

    def __repr__(self) -> str:
        cells = self.displays.groupby(["task", "set_size"]).size()
        return f"DisplaySet({len(self)} displays, {len(cells)} task x set-size cells, seed={self.seed})"

    def __getitem__(self, display_id: int) -> pd.DataFrame:
        return self.items[self.items["display_id"] == display_id].reset_index(drop=True)

    def item_arrays(self, task: str, set_size: int) -> dict:
        """Dense arrays for the displays of one (task, set size) cell, for vectorised models.

        Returns a dict with ``display_id`` (n,), ``target_present`` (n,), and per item
        (n, set_size): ``x``, ``y``, ``orientation``, ``colour`` (names), ``shape``, ``is_target``.
        """
        sel = (self.displays["task"] == task) & (self.displays["set_size"] == set_size)
        ids = self.displays.loc[sel, "display_id"].to_numpy()
        it = self.items[self.items["display_id"].isin(ids)].sort_values(["display_id", "item"])
        n = len(ids)
        out = {"display_id": ids, "target_present": self.displays.loc[sel, "target_present"].to_numpy()}
        for col in ("x", "y", "orientation", "colour", "shape", "is_target"):
            out[col] = it[col].to_numpy().reshape(n, set_size)
        return out


def make_displays(
    tasks=("feature", "conjunction", "spatial"),
    set_sizes=(3, 6, 12, 18),
    n_per_cell: int = 10,
    seed=0,
    target_present=(True, False),
    stimulus_set: StimulusSet | None = None,
) -> DisplaySet:
    """Generate search displays.

    Parameters
    ----------
    tasks : sequence of str
        Task names defined in the stimulus set (``feature``, ``conjunction``, ``spatial``,
        ``orientation``).
    set_sizes : sequence of int
        Numbers of items per display (1 .. grid rows x columns).
    n_per_cell : int
        Displays per task x set size x target presence.
    seed : int or numpy.random.SeedSequence
        Seed; the same seed gives identical displays.
    target_present : sequence of bool
        Which presence conditions to generate.
    stimulus_set : StimulusSet, optional
        Defaults to psysim's ``stimuli/search.toml``.

    Returns
    -------
    DisplaySet
    """
    ss = stimulus_set or load_stimulus_set()
    geo = ss.geometry
    if isinstance(tasks, str):
        tasks = (tasks,)
    if np.ndim(set_sizes) == 0:
        set_sizes = (set_sizes,)
    specs = [ss.task(t) for t in tasks]
    for n in set_sizes:
        if isinstance(n, bool) or not float(n).is_integer() or not 1 <= int(n) <= geo.max_items:
            raise PsysimError(f"set size {n!r} must be a whole number from 1 to {geo.max_items}")
    if int(n_per_cell) < 1:
        raise PsysimError(f"n_per_cell must be at least 1, got {n_per_cell}")
    rng = np.random.default_rng(check_seed(seed, generators=True))
    disp_frames, item_frames = [], []
    next_id = 0
    for spec in specs:
        for n in (int(s) for s in set_sizes):
            for present in target_present:
                d, it = _make_cell(spec, n, bool(present), int(n_per_cell), geo, rng, next_id)
                disp_frames.append(d)
                item_frames.append(it)
                next_id += int(n_per_cell)
    displays = pd.concat(disp_frames, ignore_index=True)
    items = pd.concat(item_frames, ignore_index=True)
    return DisplaySet(displays, items, ss, seed=seed)


def _make_cell(spec: TaskSpec, n: int, present: bool, count: int, geo: Geometry, rng, first_id: int):
    rows, cols = geo.grid
    ch, cw = geo.cell
    # choose n distinct grid cells per display: argsort of random keys is a vectorised permutation
    cells = np.argsort(rng.random((count, rows * cols)), axis=1)[:, :n]
    r, c = np.divmod(cells, cols)
    jit = min(geo.jitter, 0.5 * (1.0 - geo.min_spacing / min(ch, cw)))
    jx = rng.uniform(-jit, jit, size=(count, n))
    jy = rng.uniform(-jit, jit, size=(count, n))
    x = geo.margin + (c + 0.5 + jx) * cw
    y = geo.margin + (r + 0.5 + jy) * ch
    # distractor kinds in equal numbers, randomly assigned to positions
    k = len(spec.distractors)
    kinds = np.tile(np.arange(k), n // k + 1)[:n]
    kinds = kinds[np.argsort(rng.random((count, n)), axis=1)]
    is_target = np.zeros((count, n), dtype=bool)
    if present:
        is_target[np.arange(count), rng.integers(0, n, size=count)] = True
    shape = np.array([d.shape for d in spec.distractors], dtype=object)[kinds]
    colour = np.array([d.colour for d in spec.distractors], dtype=object)[kinds]
    orient = np.array([d.orientation for d in spec.distractors], dtype=float)[kinds]
    shape[is_target] = spec.target.shape
    colour[is_target] = spec.target.colour
    orient[is_target] = spec.target.orientation
    ids = first_id + np.arange(count)
    displays = pd.DataFrame(
        {"display_id": ids, "task": spec.name, "set_size": n, "target_present": present}
    )
    items = pd.DataFrame(
        {
            "display_id": np.repeat(ids, n),
            "item": np.tile(np.arange(n), count),
            "x": x.ravel(),
            "y": y.ravel(),
            "colour": colour.ravel().astype(str),
            "orientation": orient.ravel(),
            "shape": shape.ravel().astype(str),
            "is_target": is_target.ravel(),
        }
    )
    return displays, items
