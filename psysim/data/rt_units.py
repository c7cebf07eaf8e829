"""Is an RT column in the unit it claims? Plausibility checks shared by the data loaders.

A file in milliseconds loaded as seconds gives a median RT of hundreds of thousands of ms;
microsecond data loaded as milliseconds the same; seconds loaded as milliseconds a median below
one. Visual-search and naming RTs have medians between a few hundred ms and a few seconds
(e.g. Wolfe, Palmer & Horowitz 2010: 400-3000 ms), so a median outside
:data:`PLAUSIBLE_MEDIAN_MS` means the declared unit is wrong, and the unit that would put it in
range is named. A file whose RTs mix scales (a few in seconds among milliseconds) has single
values hundreds of times below or above its median: :data:`MIXTURE_FACTOR`.

Used by :func:`psysim.data.read_trials_csv` (``check_units=False`` overrides) and meant for any
loader that converts an RT column (:func:`check_rt_units`).
"""

from __future__ import annotations

import numpy as np

from psysim.errors import DataError

RT_UNITS = {"ms": 1.0, "s": 1000.0}
"""Declared RT units and their factor to milliseconds."""

UNIT_NAMES = {"us": "microseconds", "ms": "milliseconds", "s": "seconds"}
_FACTORS = {"us": 0.001, "ms": 1.0, "s": 1000.0}

PLAUSIBLE_MEDIAN_MS = (50.0, 60000.0)
"""The range a median RT in milliseconds must fall in (the same as data-set descriptions')."""

MIXTURE_FACTOR = 300.0
"""A single RT this many times below or above the file's median is on another scale."""


def likely_unit(median_raw: float) -> str | None:
    """The unit (``"us"``, ``"ms"`` or ``"s"``) that puts a raw median RT in the plausible range.

    Of the units that do, the one whose median lies nearest (in log) to 1 s; None when none
    does.
    """
    lo, hi = PLAUSIBLE_MEDIAN_MS
    fits = [u for u, f in _FACTORS.items() if lo <= median_raw * f <= hi]
    if not fits:
        return None
    return min(fits, key=lambda u: abs(np.log10(median_raw * _FACTORS[u] / 1000.0)))


def check_rt_units(rt_raw, unit: str, where: str, column: str = "rt", first_line: int = 2) -> None:
    """Refuse an RT column whose values do not fit the declared unit.

    Parameters
    ----------
    rt_raw : array-like of float
        The RTs as in the file (before conversion), NaNs ignored.
    unit : {"ms", "s"}
        The declared unit.
    where : str
        The file, for the message.
    column : str
        The file's name of the RT column, for the message.
    first_line : int
        Line number of the first value (2 for a CSV with a header).

    Raises
    ------
    DataError
        One line: the median RT in milliseconds outside :data:`PLAUSIBLE_MEDIAN_MS` (naming the
        unit the file seems to use), or a value :data:`MIXTURE_FACTOR` times below or above the
        median (naming its line: the file mixes scales).
    """
    if unit not in RT_UNITS:
        raise DataError(f"{where}: rt_unit must be one of {', '.join(RT_UNITS)}, got {unit!r}")
    rt = np.asarray(rt_raw, dtype=float)
    ok = np.isfinite(rt) & (rt > 0)
    if not ok.any():
        return
    med = float(np.median(rt[ok]))
    med_ms = med * RT_UNITS[unit]
    lo, hi = PLAUSIBLE_MEDIAN_MS
    override = "; check_units=False loads it as it is"
    if not lo <= med_ms <= hi:
        guess = likely_unit(med)
        hint = (f": it looks like {UNIT_NAMES[guess]} (median {med * _FACTORS[guess]:g} ms as such)"
                if guess is not None and guess != unit else "")
        raise DataError(f"{where}: column {column!r}: with rt_unit={unit!r} the median RT is {med_ms:g} ms, outside the "
                        f"plausible {lo:g}-{hi:g} ms{hint}{override}")
    odd = ok & ((rt < med / MIXTURE_FACTOR) | (rt > med * MIXTURE_FACTOR))
    if odd.any():
        i = int(np.argmax(odd))
        ratio = rt[i] / med
        guess = likely_unit(rt[i])
        looks = f", which looks like {UNIT_NAMES[guess]}" if guess is not None and guess != unit else ""
        raise DataError(f"{where}: column {column!r} line {i + first_line}: RT {rt[i]:g} is {ratio:.3g} times the "
                        f"file's median {med:g}{looks}: the file mixes scales ({int(odd.sum())} such value(s)); "
                        f"convert those rows{override}")
