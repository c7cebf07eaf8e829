"""Checks shared by the description files (search data, fixation sets, picture sets).

Every error is one :class:`~psysim.errors.DataError` line naming the file and the key:
``mylab.toml: [rt] unit: 'sec' is not one of ms, s``.
"""

from __future__ import annotations

import difflib
import math

from psysim.errors import DataError


def err(path, key, msg) -> DataError:
    """The one-line error for ``key`` in description file ``path``."""
    return DataError(f"{path}: {key}: {msg}")


def string(path, key, v, allow_empty=False) -> str:
    """A string value (non-empty unless ``allow_empty``)."""
    if not isinstance(v, str) or (not allow_empty and not v.strip()):
        raise err(path, key, f"expected a non-empty string, got {v!r}")
    return v


def number(path, key, v, low=None, integer=False) -> float:
    """A finite number (a whole one if ``integer``), at least ``low`` if given."""
    ok = not isinstance(v, bool) and isinstance(v, int if integer else (int, float)) and math.isfinite(float(v))
    if not ok:
        raise err(path, key, f"expected {'a whole number' if integer else 'a number'}, got {v!r}")
    if low is not None and v < low:
        raise err(path, key, f"expected >= {low:g}, got {v!r}")
    return int(v) if integer else float(v)


def check_keys(path, section, table, allowed) -> None:
    """``table`` is a TOML table whose keys are all in ``allowed`` (did-you-mean otherwise)."""
    if not isinstance(table, dict):
        raise err(path, f"[{section}]", f"expected a table, got {table!r}")
    for k in table:
        if k not in allowed:
            close = difflib.get_close_matches(k, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise err(path, f"[{section}] {k}", f"unknown key{hint}; allowed: {', '.join(allowed)}")


def check_sections(path, cfg: dict, sections: dict) -> None:
    """Every section of ``cfg`` is in ``sections`` (name -> allowed keys, or None for a table of
    free keys), and each known section's keys are allowed."""
    for sec in cfg:
        if sec not in sections:
            close = difflib.get_close_matches(sec, list(sections), n=1)
            hint = f" (did you mean [{close[0]}]?)" if close else ""
            raise err(path, f"[{sec}]", f"unknown section{hint}; sections: {', '.join(sections)}")
    for sec, allowed in sections.items():
        if allowed is not None and sec in cfg:
            check_keys(path, sec, cfg[sec], allowed)
