"""Declared experiment options (``psysim run NAME --set KEY=VALUE``).

An experiment lists its ``--set`` keys once, as ``OPTIONS = (Option(...), ...)`` in its module.
That one declaration gives the type, the full and quick defaults, the allowed range or choices
and the meaning of every key; :func:`validate_options` refuses unknown keys (with a
did-you-mean) and out-of-range values before any work starts, :meth:`RunContext.option
<psysim.runs.RunContext.option>` reads values through it, and the help listing is made from it.

For example, in an experiment module::

    OPTIONS = (
        Option("n_per_cell", int, 500, quick=60, low=1, help="displays per task x set size x presence cell"),
        Option("method", str, "gradcam", choices=("cam", "gradcam"), help="attention map"),
    )
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

    def range_text(self) -> str:
        """The allowed values in words: ``"in [0, 1]"``, ``">= 1"``, ``"one of a, b"`` (``"each one of a, b"``
        for a comma list), or ``""``."""
        if self.choices is not None:
            return ("each one of " if self.multiple else "one of ") + ", ".join(map(str, self.choices))
        if self.low is not None and self.high is not None:
            return f"in [{self.low:g}, {self.high:g}]"
        if self.low is not None:
            return f">= {self.low:g}"
        if self.high is not None:
            return f"<= {self.high:g}"
        return ""

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
            if v != v or v in (float("inf"), float("-inf")):
                raise PsysimError(f"{where} {self.name}={value!r}: not a finite number")
            if (self.low is not None and v < self.low) or (self.high is not None and v > self.high):
                raise PsysimError(f"{where} {self.name}={value!r}: out of range, must be {self.range_text()}")
        if self.type is str and isinstance(v, str) and not v.strip():
            raise PsysimError(f"{where} {self.name}={value!r}: empty value" + (f", expected {self.range_text()}" if self.choices else ""))
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

    Only the keys the experiment declares in ``OPTIONS`` are accepted (none when it declares
    none), and run options (:data:`RUN_OPTIONS`) only where ``USES_EXECUTOR`` is true. Raises
    :class:`~psysim.errors.PsysimError` (one line, with a did-you-mean) for anything else.
    """
    decl = declared(experiment) or {}
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


def resolve_options(experiment, options: dict, quick: bool = False) -> dict:
    """Every declared option of ``experiment`` with its value in this run.

    The declared full or ``--quick`` default, replaced by the (validated, converted) value given
    in ``options``; run options given are kept as given. This is what ``metadata.json``
    records and what a run's checkpoint fingerprint compares.
    """
    given = validate_options(experiment, options)
    out = {name: opt.default_for(quick) for name, opt in (declared(experiment) or {}).items()}
    out.update(given)
    return out


def check_declarations(experiment) -> None:
    """Check an experiment's ``OPTIONS`` (the tests run it on every experiment).

    Every option needs a unique name that is not a run option, a supported type, a non-empty
    one-line help, and full and quick defaults that pass its own checks (None is allowed for an
    option that is off unless given).
    """
    name = getattr(experiment, "NAME", "?")
    seen = set()
    for o in getattr(experiment, "OPTIONS", None) or ():
        where = f"experiment {name}, option {o.name!r}"
        if not isinstance(o, Option):
            raise PsysimError(f"experiment {name}: OPTIONS holds {o!r}, not an Option")
        if o.name in seen or o.name in RUN_OPTIONS:
            raise PsysimError(f"{where}: declared twice or shadows a run option")
        seen.add(o.name)
        if o.type not in (int, float, str, bool):
            raise PsysimError(f"{where}: type must be int, float, str or bool")
        if not o.help.strip() or "\n" in o.help:
            raise PsysimError(f"{where}: needs a one-line help text")
        if o.multiple and o.choices is None:
            raise PsysimError(f"{where}: multiple=True needs choices")
        for quick in (False, True):
            v = o.default_for(quick)
            if v is None:
                continue
            if o.type is float and isinstance(v, int) and not isinstance(v, bool):
                v = float(v)
            if not isinstance(v, o.type) or (o.type is int and isinstance(v, bool)):
                raise PsysimError(f"{where}: {'quick' if quick else 'full'} default {v!r} is not {o.type.__name__}")
            o.convert(v, where=f"{where}: default")


def options_table(experiment) -> list[dict]:
    """Rows (name, type, default, quick, range, help) for the help listing of an experiment."""
    rows = []
    for o in (getattr(experiment, "OPTIONS", None) or ()):
        rows.append({"name": o.name, "type": ("list of " if o.multiple else "") + o.type.__name__, "default": o.default,
                     "quick": o.default_for(True), "range": o.range_text(), "help": o.help})
    return rows


def format_options(experiment) -> str:
    """The help listing of an experiment's ``--set`` keys (``psysim options NAME``), as text."""
    name = getattr(experiment, "NAME", "?")
    rows = options_table(experiment)
    lines = [f"{name}: options for 'psysim run {name} --set KEY=VALUE' (default: full run / --quick)"]
    if not rows:
        lines.append("  (no options)")
    width = max([len(r["name"]) for r in rows] + [4])

    def show(v):
        return "(none)" if v is None else str(v)

    for r in rows:
        default = show(r["default"]) if r["default"] == r["quick"] else f"{show(r['default'])} / {show(r['quick'])}"
        lines.append(f"  {r['name']:<{width}}  {r['type']}, default {default}" + (f", {r['range']}" if r["range"] else ""))
        lines.append(f"  {'':<{width}}  {r['help']}")
    if getattr(experiment, "USES_EXECUTOR", False):
        lines.append(f"  run options (where tasks run, not what they compute): {', '.join(RUN_OPTIONS)} "
                     "(docs/CLUSTER.md)")
    return "\n".join(lines)
