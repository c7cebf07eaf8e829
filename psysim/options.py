"""Declared experiment options (``psysim run NAME --set KEY=VALUE``).

An experiment lists its ``--set`` keys once, as ``OPTIONS = (Option(...), ...)`` in its module.
That one declaration gives the type, the full and quick defaults, the allowed range or choices
and the meaning of every key; :func:`validate_options` refuses unknown keys (with a
did-you-mean) and out-of-range values before any work starts, :meth:`RunContext.option
<psysim.runs.RunContext.option>` reads values through it, and the help listing is made from it.

Example
-------
>>> OPTIONS = (
...     Option("n_per_cell", int, 500, quick=60, low=1, help="displays per task x set size x presence cell"),
...     Option("method", str, "gradcam", choices=("cam", "gradcam"), help="attention map"),
... )
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from psysim.errors import PsysimError

RUN_OPTIONS = ("workers", "scheduler", "executor", "processes", "shard")
"""``--set`` keys that say where and how tasks run, not what they compute (see
:mod:`psysim.executor`); accepted only by experiments that set ``USES_EXECUTOR = True``."""

_NO_DEFAULT = object()


@dataclass(frozen=True)
class Option:
    """One declared ``--set`` key of an experiment.

    Parameters
    ----------
    name : str
        The key, as typed after ``--set``.
    type : type
        ``int``, ``float``, ``str`` or ``bool``; command-line strings are converted to it.
    default : object
        Value of a full run (None: the option is off unless given).
    quick : object, optional
        Value under ``--quick`` (default: the same as ``default``).
    low, high : float, optional
        Inclusive bounds for numbers.
    choices : tuple, optional
        Allowed values (for strings, a comma-separated value is checked item by item when
        ``multiple`` is true).
    multiple : bool
        The value is a comma-separated list whose items must each be in ``choices``.
    help : str
        One line: what the option changes, with its unit.
    """

    name: str
    type: type
    default: object = None
    quick: object = _NO_DEFAULT
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None
    multiple: bool = False
    help: str = ""

    def default_for(self, quick: bool):
        """The default of a full run, or of a ``--quick`` one."""
        if quick and self.quick is not _NO_DEFAULT:
            return self.quick
        return self.default

    def convert(self, value, where: str = "--set"):
        """``value`` (a command-line string or a Python value) checked and converted."""
        v = value
        if isinstance(value, str) and self.type is not str:
            text = value.strip()
            try:
                if self.type is bool:
                    low = text.lower()
                    if low not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                        raise ValueError
                    v = low in ("1", "true", "yes", "on")
                elif self.type is int:
                    v = int(text)
                else:
                    v = self.type(text)
            except (TypeError, ValueError):
                raise PsysimError(f"{where} {self.name}={value!r}: expected {self.type.__name__}") from None
        if self.type is float and isinstance(v, int) and not isinstance(v, bool):
            v = float(v)
        if self.type in (int, float) and v is not None:
            if v != v:  # NaN
                raise PsysimError(f"{where} {self.name}={value!r}: not a number")
            if self.low is not None and v < self.low:
                raise PsysimError(f"{where} {self.name}={value!r}: must be >= {self.low:g}")
            if self.high is not None and v > self.high:
                raise PsysimError(f"{where} {self.name}={value!r}: must be <= {self.high:g}")
        if self.choices is not None and v is not None:
            items = [s.strip() for s in str(v).split(",")] if self.multiple else [v]
            bad = [s for s in items if s not in self.choices]
            if bad:
                raise PsysimError(f"{where} {self.name}={value!r}: {bad[0]!r} is not one of "
                                  f"{', '.join(map(str, self.choices))}")
        return v


def declared(experiment) -> dict[str, Option] | None:
    """The experiment module's declared options by name, or None when it declares none."""
    opts = getattr(experiment, "OPTIONS", None)
    if opts is None:
        return None
    return {o.name: o for o in opts}


def validate_options(experiment, options: dict) -> dict:
    """Refuse unknown or invalid ``--set`` keys of ``experiment``; return the converted values.

    Run options (:data:`RUN_OPTIONS`) are allowed only where ``USES_EXECUTOR`` is true. An
    experiment that declares no ``OPTIONS`` accepts its options unchecked (older experiments).
    """
    decl = declared(experiment)
    if decl is None:
        return dict(options)
    name = getattr(experiment, "NAME", "?")
    allowed_run = RUN_OPTIONS if getattr(experiment, "USES_EXECUTOR", False) else ()
    out = {}
    for key, value in options.items():
        if key in allowed_run:
            out[key] = value
            continue
        if key not in decl:
            known = sorted(decl) + list(allowed_run)
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            if key in RUN_OPTIONS:
                raise PsysimError(f"--set {key}: experiment {name} does not run on an executor{hint}")
            listing = ", ".join(known) if known else "none"
            raise PsysimError(f"--set {key}: unknown option of experiment {name}{hint} (options: {listing})")
        out[key] = decl[key].convert(value)
    return out


def options_table(experiment) -> list[dict]:
    """Rows (name, type, default, quick, range, help) for the help listing of an experiment."""
    rows = []
    for o in (getattr(experiment, "OPTIONS", None) or ()):
        if o.choices is not None:
            rng = ("list of " if o.multiple else "") + "{" + ", ".join(map(str, o.choices)) + "}"
        elif o.low is not None or o.high is not None:
            rng = f"[{'' if o.low is None else f'{o.low:g}'}, {'' if o.high is None else f'{o.high:g}'}]"
        else:
            rng = ""
        rows.append({"name": o.name, "type": o.type.__name__, "default": o.default,
                     "quick": o.default_for(True), "range": rng, "help": o.help})
    return rows
