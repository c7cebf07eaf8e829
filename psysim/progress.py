"""One progress-bar helper for the steps that take more than a few seconds.

Experiments wrap a long loop in :func:`progress`; the bar (tqdm, on stderr) is shown only when
stderr is a terminal, so logs, CI output, notebooks' captured cells and the tables a run writes
are unchanged. ``PSYSIM_PROGRESS=1`` forces the bars on, ``PSYSIM_PROGRESS=0`` off.

Examples
--------
>>> from psysim.progress import progress
>>> total = sum(x for x in progress(range(3), desc="saliency maps"))
"""

from __future__ import annotations

import os

ENV = "PSYSIM_PROGRESS"


def enabled(show: bool | None = None) -> bool | None:
    """Whether a bar is shown: ``show`` if given, else ``PSYSIM_PROGRESS`` (1/0), else None
    (tqdm's rule: only on a terminal)."""
    if show is not None:
        return bool(show)
    value = os.environ.get(ENV, "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    return None


def progress(iterable=None, *, desc: str, total: int | None = None, unit: str = "it", show: bool | None = None, **kwargs):
    """``iterable`` wrapped in a tqdm bar labelled ``desc`` (quiet when not a terminal).

    Parameters
    ----------
    iterable : iterable, optional
        What to iterate; without it, the bar is updated by hand (``bar.update(n)``).
    desc : str
        What the step does, in a few words ("saliency maps", "CAM evaluation").
    total : int, optional
        Number of items, where ``len(iterable)`` does not give it.
    unit : str
        What one item is ("display", "fit", "epoch").
    show : bool, optional
        Force the bar on or off; default :func:`enabled`.

    Returns
    -------
    tqdm.tqdm
        Iterates as ``iterable`` does.
    """
    from tqdm.auto import tqdm

    on = enabled(show)
    return tqdm(iterable, desc=desc, total=total, unit=unit, disable=None if on is None else not on,
                leave=False, dynamic_ncols=True, **kwargs)
