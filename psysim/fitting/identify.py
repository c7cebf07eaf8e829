"""Identifiability: which parameters a kind of data can tell, and what a fit fixes otherwise.

Each search model states, parameter by parameter, what data identify it (:data:`RULES`): trials
of both presences, more than one set size, any errors, whole RT distributions (quantile bins
rather than cell means), a pop-out or a serial task. :func:`identify` checks a data set's
:class:`DataFeatures` against those statements and returns an :class:`Identification`: the
parameters left free and, for every other one, the value it is fixed at and why. A fit on data
without target-absent trials therefore fixes FIT's ``p_guess`` and ``absent_offset`` and CGS's
``t_no`` at stated values instead of letting them wander, and the report prints the reasons.

:func:`check_enough_cells` refuses a fit with fewer observed values than free parameters.

The statements follow from each model's equations: FIT (Treisman & Gelade 1980; see
:mod:`psysim.models.fit`), Guided Search 2.0 (Wolfe 1994; :mod:`psysim.models.guided_search`),
Competitive Guided Search (Moran et al. 2013; :mod:`psysim.models.cgs`), Guided Search 6.0
(Wolfe 2021; :mod:`psysim.models.gs6`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from psysim.errors import PsysimError

NEEDS = ("absent", "present", "set_sizes", "errors", "distributions", "popout", "serial", "displays")
"""Kinds of data a parameter may need: ``absent``/``present`` trials, two or more
``set_sizes``, any ``errors``, RT ``distributions`` (a quantile-bin fit, not cell means), a
``popout`` or a ``serial`` task (FIT uses some parameters in one kind only), ``displays`` (the
model reads item tables, so the task's display must be known)."""


@dataclass(frozen=True)
class Rule:
    """A model parameter needs ``needs`` to be identified; otherwise it is fixed at ``value``
    (None: the parameter's declared default) for the stated ``reason``."""

    param: str
    needs: tuple
    reason: str
    value: float | None = None


RULES: dict[str, tuple[Rule, ...]] = {
    "fit": (
        Rule("per_item", ("serial", "set_sizes"), "the time per item shows only in how serial-search RTs grow with set size"),
        Rule("absent_offset", ("popout", "absent"), "only target-absent RTs of a pop-out search show the extra 'absent' time"),
        Rule("p_guess", ("absent",), "only target-absent trials show how often a failed search ends in a 'present' guess"),
        Rule("p_miss", ("present", "errors"), "without misses on target-present trials the miss probability is 0", 0.0),
        Rule("base_sd", ("distributions",), "cell means do not depend on the SD of the base time"),
        Rule("item_cv", ("distributions",), "cell means do not depend on the variability of item times"),
    ),
    "cgs": (
        Rule("t_no", ("absent",), "only correct 'absent' responses (target-absent trials) carry the 'no' residual time"),
        Rule("w_target", ("set_sizes",), "with one set size the target weight trades off against identification time"),
        Rule("dw_quit", ("set_sizes",), "with one set size the quit-weight growth trades off against the target weight"),
        Rule("m", ("errors",), "without errors the motor-error probability is 0", 0.0),
    ),
    "gs": (
        Rule("t_item", ("set_sizes",), "the time per visited item shows only in how RTs grow with set size"),
        Rule("thr_down", ("errors",), "the threshold falls only after a miss, and there are no errors"),
        Rule("guess_rate", ("errors",), "without errors the guessing hazard is 0", 0.0),
    ),
    "gs6": (
        Rule("quit_item", ("set_sizes", "absent"), "the growth of the quitting threshold per item shows only in how target-absent RTs grow with set size"),
        Rule("quit_down", ("errors",), "the quitting threshold rises only after a miss, and there are no errors"),
        Rule("motor_error", ("errors",), "without errors the motor-error probability is 0", 0.0),
    ),
}
"""Per model: what each parameter needs to be identified. A rule whose ``param`` is the model's
own name states what the model as a whole needs (no fit without it)."""

NEEDS_POPOUT = {"fit": "Feature Integration Theory needs to know whether the target pops out, and this task's kind is 'unknown'"}


@dataclass(frozen=True)
class DataFeatures:
    """What a set of trials holds, as far as identifiability goes.

    Parameters
    ----------
    present, absent : bool
        Whether there are target-present / target-absent trials.
    n_set_sizes : int
        Number of distinct set sizes.
    errors : bool
        Whether any trial is an error.
    distributions : bool
        Whether RT distributions (not only cell means) are fitted.
    popout : bool or None
        Whether the task is a pop-out search (None: not known).
    displays : bool
        Whether the displays are known (models that read items need them).
    """

    present: bool
    absent: bool
    n_set_sizes: int
    errors: bool
    distributions: bool = True
    popout: bool | None = None
    displays: bool = True

    @classmethod
    def of(cls, trials: pd.DataFrame, popout: bool | None = None, distributions: bool = True, displays: bool = True):
        """Features of a trial table (one task)."""
        tp = trials["target_present"].astype(bool)
        return cls(present=bool(tp.any()), absent=bool((~tp).any()), n_set_sizes=int(trials["set_size"].nunique()),
                   errors=bool((~trials["correct"].astype(bool)).any()), distributions=distributions,
                   popout=popout, displays=displays)

    def has(self, need: str) -> bool:
        if need == "set_sizes":
            return self.n_set_sizes >= 2
        if need == "popout":
            return self.popout is True
        if need == "serial":
            return self.popout is False
        return bool(getattr(self, need))

    def lacks(self, need: str) -> str:
        return {"absent": "no target-absent trials", "present": "no target-present trials",
                "set_sizes": f"{self.n_set_sizes} set size", "errors": "no errors",
                "distributions": "cell means only", "popout": "not a pop-out task", "serial": "a pop-out task",
                "displays": "displays not known"}[need]


@dataclass(frozen=True)
class Identification:
    """The outcome of :func:`identify`: free parameters, fixed ones with value and reason.

    Attributes
    ----------
    model : str
        The model's name.
    free : tuple of str
        Parameters the data identify (estimated).
    fixed : dict
        Parameter -> the value it is held at.
    reasons : dict
        Parameter -> why it is fixed (for reports).
    fittable : bool
        False when the model cannot be fitted to these data at all.
    why_not : str
        Why not, when ``fittable`` is False.
    """

    model: str
    free: tuple
    fixed: dict
    reasons: dict = field(default_factory=dict)
    fittable: bool = True
    why_not: str = ""

    def lines(self) -> list[str]:
        """One sentence per fixed parameter (for reports)."""
        return [f"{self.model}: {n} fixed at {v:g} ({self.reasons[n]})" for n, v in self.fixed.items() if n in self.reasons]


def identify(model, features: DataFeatures, free=None) -> Identification:
    """Which of ``model``'s parameters ``features`` identify.

    Parameters
    ----------
    model : SearchModel
        Supplies the declared defaults and ``fit_fixed`` values.
    features : DataFeatures
    free : sequence of str, optional
        The parameters the caller would leave free (default: all but the model's
        ``fit_fixed``).

    Returns
    -------
    Identification
        ``fittable`` is False (with ``why_not``) when the model cannot be fitted at all (Guided
        Search without displays, FIT on a task of unknown kind, no parameter left free).
    """
    name = model.name
    base_fixed = dict(getattr(model, "fit_fixed", {}))
    free = [p.name for p in model.parameters if p.name not in base_fixed] if free is None else list(free)
    if getattr(model, "needs_items", False) and not features.displays:
        return Identification(name, (), {}, {}, False, f"{name} reads the items of each display, and this task's displays are not known")
    if name in NEEDS_POPOUT and features.popout is None:
        return Identification(name, (), {}, {}, False, NEEDS_POPOUT[name])
    fixed = {n: float(v) for n, v in base_fixed.items() if n not in free}
    reasons = {n: "held fixed in every fit of this model" for n in fixed}
    for rule in RULES.get(name, ()):
        missing = [n for n in rule.needs if not features.has(n)]
        if not missing:
            continue
        if rule.param == name:
            return Identification(name, (), {}, {}, False, f"{rule.reason} ({', '.join(features.lacks(n) for n in missing)})")
        if rule.param not in free:
            continue
        free.remove(rule.param)
        fixed[rule.param] = float(model.params[rule.param] if rule.value is None else rule.value)
        reasons[rule.param] = f"{', '.join(features.lacks(n) for n in missing)}: {rule.reason}"
    if not free:
        return Identification(name, (), fixed, reasons, False, "the data identify none of its parameters")
    return Identification(name, tuple(free), fixed, reasons)


def check_enough_cells(n_values: int, free, where: str) -> None:
    """Refuse a fit with fewer observed values than free parameters (one-line error).

    Parameters
    ----------
    n_values : int
        Observed values the fit would use.
    free : sequence of str
        The free parameters.
    where : str
        What is being fitted, starting the error message.

    Raises
    ------
    PsysimError
        When ``n_values < len(free)``.
    """
    free = list(free)
    if n_values < len(free):
        raise PsysimError(f"{where}: {n_values} observed value(s) for {len(free)} free parameters "
                          f"({', '.join(free)}); fix some parameters or add cells")
