"""The search-model base class, declared parameters, and the model registry.

A model (scikit-learn style) stores its parameters in the constructor and does nothing else;
``simulate(design, seed)`` returns a trial table (:mod:`psysim.trials`). Parameters are declared
once, with bounds and units, as :class:`Param` objects in the class attribute ``parameters``, so
that validation, fitting, sweeps and reports work for every model without knowing it.

Subclasses implement one private method, ``_simulate(design, rng, displays)``, which returns a
dict of per-trial arrays (``response``, ``rt`` and optional columns such as ``n_attended``);
the public :meth:`SearchModel.simulate` turns the design into arrays, makes the random generator
from the seed, and validates the output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from psysim.errors import ParameterError, PsysimError, did_you_mean
from psysim.seeds import check_seed
from psysim.trials import make_trials, validate_trials


@dataclass(frozen=True)
class Param:
    """A declared model parameter: default value, closed bounds, unit and meaning.

    Parameters
    ----------
    name : str
        The keyword a model takes it by (``get_model("fit", per_item=30)``).
    default : float
        Value when none is given; inside the bounds.
    lower, upper : float
        Closed bounds (``numpy.inf`` where unbounded); :meth:`check` refuses values outside.
    unit : str
        Unit (``"ms"``, ``"ms/item"``, ``"1/s"``, ...); empty for weights, probabilities, ratios.
    doc : str
        One-line meaning, shown in the API docs' parameter tables.
    """

    name: str
    default: float
    lower: float
    upper: float
    unit: str = ""
    doc: str = ""

    def check(self, value, owner: str = "") -> float:
        """Return ``value`` as a float, or raise a one-line :class:`ParameterError`."""
        where = f"{owner} parameter '{self.name}'" if owner else f"parameter '{self.name}'"
        if isinstance(value, bool):
            raise ParameterError(f"{where}: expected a number, got {value!r}")
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ParameterError(f"{where}: expected a number, got {value!r}") from None
        if math.isnan(v):
            raise ParameterError(f"{where}: NaN is not a valid value")
        if not self.lower <= v <= self.upper:
            raise ParameterError(f"{where}={v:g} is outside its bounds [{self.lower:g}, {self.upper:g}] {self.unit}".rstrip())
        return v


PARAMETER_COLUMNS = ("name", "default", "lower", "upper", "unit", "meaning")


def parameter_table(model) -> pd.DataFrame:
    """The declared parameters of a model as a table (the API docs' parameter tables).

    Parameters
    ----------
    model : SearchModel, SearchModel subclass or str
        A model, its class, or a registered name (``"fit"``, ``"gs6"``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per declared :class:`Param`, in declaration order, with columns ``name``,
        ``default``, ``lower``, ``upper`` (closed bounds; ``inf`` where unbounded), ``unit``
        (empty for dimensionless parameters) and ``meaning``.

    Raises
    ------
    PsysimError
        For an unknown model name, or an object that is not a search model.
    """
    if isinstance(model, str):
        key = model.lower().replace("_", "-")
        if key not in MODELS:
            from psysim import models  # noqa: F401  (registers every model)
        if key not in MODELS:
            raise PsysimError(f"unknown model {model!r}; known models: {', '.join(sorted(MODELS))}")
        model = MODELS[key]
    cls = model if isinstance(model, type) else type(model)
    if not issubclass(cls, SearchModel):
        raise PsysimError(f"parameter_table: expected a search model or its name, got {cls.__name__}")
    rows = [(p.name, float(p.default), float(p.lower), float(p.upper), p.unit, p.doc) for p in cls.parameters]
    return pd.DataFrame(rows, columns=list(PARAMETER_COLUMNS))


DESIGN_COLUMNS = ("task", "set_size", "target_present")


def make_design(tasks=("feature", "conjunction", "spatial"), set_sizes=(3, 6, 12, 18), n_per_cell=100):
    """A trial design without item tables: one row per trial (``task, set_size, target_present``).

    Enough for models that need only the set size and the task (FIT, Competitive Guided
    Search). Models that read items (Guided Search, saliency) need a
    :class:`~psysim.displays.DisplaySet` instead.

    Parameters
    ----------
    tasks : str or sequence of str
        Task names (``feature``, ``conjunction``, ``spatial``, ...).
    set_sizes : int or sequence of int
        Numbers of items on a display.
    n_per_cell : int
        Trials per task x set size x presence cell.

    Returns
    -------
    pandas.DataFrame
        ``display_id, task, set_size, target_present``, cells in the order given, present
        before absent.
    """
    if isinstance(tasks, str):
        tasks = (tasks,)
    if np.ndim(set_sizes) == 0:
        set_sizes = (set_sizes,)
    rows = [(t, int(n), p) for t in tasks for n in set_sizes for p in (True, False)]
    cells = pd.DataFrame(rows, columns=list(DESIGN_COLUMNS))
    design = cells.loc[cells.index.repeat(int(n_per_cell))].reset_index(drop=True)
    design.insert(0, "display_id", np.arange(len(design)))
    return design


class SearchModel:
    """Base class for models that turn search displays into trial tables.

    Parameters
    ----------
    **params
        Values for the declared :attr:`parameters`; omitted ones take their defaults. Unknown
        names, non-numbers and out-of-bounds values raise :class:`ParameterError`.
    """

    name: ClassVar[str] = "model"
    parameters: ClassVar[tuple[Param, ...]] = ()
    citation: ClassVar[str] = ""
    needs_items: ClassVar[bool] = False
    """True when the model reads item tables (then ``simulate`` needs a DisplaySet)."""

    def __init__(self, **params):
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(params) - set(known))
        if unknown:
            raise ParameterError(
                f"{self.name}: unknown parameter(s) {', '.join(unknown)}; known: {', '.join(known)}"
            )
        self.params = {n: p.check(params.get(n, p.default), self.name) for n, p in known.items()}

    # -- parameters -------------------------------------------------------------------------
    @classmethod
    def param(cls, name: str) -> Param:
        for p in cls.parameters:
            if p.name == name:
                return p
        raise ParameterError(f"{cls.name}: unknown parameter {name!r}; known: {', '.join(p.name for p in cls.parameters)}")

    def get_params(self) -> dict:
        return dict(self.params)

    def with_params(self, **params):
        """A new model of the same class with some parameters changed."""
        return type(self)(**{**self.params, **params})

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v:g}" for k, v in self.params.items())
        return f"{type(self).__name__}({args})"

    # -- simulation -------------------------------------------------------------------------
    def simulate(self, design, seed=0, source: str | None = None) -> pd.DataFrame:
        """Simulate one trial per row of the design.

        Parameters
        ----------
        design : DisplaySet or pandas.DataFrame
            Displays from :func:`psysim.displays.make_displays`, or a design table with columns
            ``task, set_size, target_present`` (see :func:`make_design`).
        seed : int or numpy.random.SeedSequence
            The same seed gives the same trials, byte for byte.
        source : str, optional
            Value of the ``source`` column (default: the model's name).

        Returns
        -------
        pandas.DataFrame
            A validated trial table, in design order, with ``display_id`` and any extra columns
            the model reports (e.g. ``n_attended``).
        """
        displays = None
        if hasattr(design, "displays") and hasattr(design, "items"):
            displays, table = design, design.displays
        elif isinstance(design, pd.DataFrame):
            table = design
        else:
            raise PsysimError(f"{self.name}: design must be a DisplaySet or a DataFrame, got {type(design).__name__}")
        missing = [c for c in DESIGN_COLUMNS if c not in table.columns]
        if missing:
            raise PsysimError(f"{self.name}: design is missing column(s) {', '.join(missing)}")
        if self.needs_items and displays is None:
            raise PsysimError(f"{self.name} reads item tables: pass a DisplaySet from psysim.displays.make_displays")
        table = table.reset_index(drop=True)
        rng = np.random.default_rng(check_seed(seed, generators=True))
        out = self._simulate(table, rng, displays)
        extra = {k: v for k, v in out.items() if k not in ("response", "rt")}
        if "display_id" in table.columns and "display_id" not in extra:
            extra["display_id"] = table["display_id"].to_numpy()
        trials = make_trials(
            source=source or self.name,
            task=table["task"].to_numpy(),
            set_size=table["set_size"].to_numpy(),
            target_present=table["target_present"].to_numpy(),
            response=out["response"],
            rt=out["rt"],
            **extra,
        )
        return validate_trials(trials, where=self.name)

    def _simulate(self, design: pd.DataFrame, rng: np.random.Generator, displays) -> dict:
        raise NotImplementedError


MODELS: dict[str, type[SearchModel]] = {}


def register(cls: type[SearchModel]) -> type[SearchModel]:
    """Class decorator: add a model to the registry under ``cls.name``.

    Parameters
    ----------
    cls : type
        A :class:`SearchModel` subclass with a unique ``name``.

    Returns
    -------
    type
        ``cls`` itself, now in :data:`MODELS` (and so found by :func:`get_model`).
    """
    MODELS[cls.name] = cls
    return cls


def get_model(name: str, **params) -> SearchModel:
    """Make a registered model by name, e.g. ``get_model("fit", per_item=30)``.

    Parameters
    ----------
    name : str
        A registered name (``psysim list`` shows them; ``_`` and ``-`` are the same, any case).
    **params : float
        Values of the model's declared parameters (the others take their defaults; see
        :func:`parameter_table`).

    Returns
    -------
    SearchModel
        The model, its parameters checked against their bounds.

    Raises
    ------
    PsysimError
        For an unknown name (listing the known ones) or a bad parameter value.
    """
    from psysim import models  # noqa: F401  (importing the package registers every model)

    key = str(name).lower().replace("_", "-")
    if key not in MODELS:
        raise PsysimError(f"unknown model {name!r}{did_you_mean(name, MODELS)}; known models: {', '.join(sorted(MODELS))}")
    return MODELS[key](**params)
