"""Axes for a figure of ``n`` panels: the caller's (``ax=``) or a new figure's."""

from __future__ import annotations


def panel_axes(ax, n: int, figsize, **kw):
    """``n`` axes in one row: the caller's (a single axes or a sequence) or a new figure's.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, sequence of Axes, array of Axes or None
        Where to draw; ``None`` makes a new figure.
    n : int
        Number of panels the figure needs.
    figsize : tuple of float
        Size of a new figure (inches).
    **kw
        Passed to :func:`matplotlib.pyplot.subplots` for a new figure.

    Returns
    -------
    tuple of (Figure, list of Axes, bool)
        The figure, its ``n`` axes, and whether the figure is new (then the caller lays it out).

    Raises
    ------
    ValueError
        The caller gave a number of axes other than ``n``.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, axes = plt.subplots(1, n, figsize=figsize, squeeze=False, **kw)
        return fig, list(axes[0]), True
    flat = list(ax.flat) if hasattr(ax, "flat") else (list(ax) if isinstance(ax, (list, tuple)) else [ax])
    if len(flat) != n:
        raise ValueError(f"this figure needs {n} axes, got {len(flat)}")
    return flat[0].figure, flat, False
