"""Figures for visual-search results: RT x set size and error rates, people beside models."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

TASK_ORDER = ["feature", "orientation", "conjunction", "spatial"]


def _presence(df):
    d = df.copy()
    d["target"] = d["target_present"].map({True: "present", False: "absent"})
    return d


def rt_set_size_plot(cells: pd.DataFrame, value: str = "mean_rt", err: str | None = "mean_rt_se",
                     ylabel: str = "Mean correct RT (ms)", labels=None, ax=None):
    """Mean correct RT against set size, one panel per task; colour = source, style = presence.

    Parameters
    ----------
    cells : pandas.DataFrame
        Columns ``source, task, set_size, target_present`` and ``value`` (and optionally
        ``err``, drawn as ±1 SE bars).
    value, err : str
        Columns drawn (ms) and their error bars (None: no bars).
    ylabel : str
        Y-axis label (translated through ``labels``).
    labels : dict, optional
        Maps every code the figure shows (task and source names, ``present``/``absent``, axis
        labels, the legend titles ``source`` and ``target``) to the text to show, e.g.
        :func:`psysim.i18n.plot_labels` (``"en"``: display names such as "Observers (Wolfe et
        al., 2010)" and "FIT"; ``"ja"``: Japanese, inside :func:`psysim.i18n.plot_style` so
        that the font has the glyphs). Without it the codes are shown.
    ax : matplotlib Axes or sequence of Axes, optional
        Where to draw, one axes per task (a single axes for one task), to build multi-panel
        figures; by default a new figure with one panel per task.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn into. Colours are the colour-blind-safe seaborn palette; set sizes are
        integer ticks.
    """
    lab = (lambda s: labels.get(s, s)) if labels else (lambda s: s)
    d = _presence(cells)
    tasks = [t for t in TASK_ORDER if t in set(d["task"])] + sorted(set(d["task"]) - set(TASK_ORDER))
    if ax is None:
        fig, axes = plt.subplots(1, len(tasks), figsize=(4.2 * len(tasks), 3.8), sharey=True, squeeze=False)
    else:
        flat = list(ax.flat) if hasattr(ax, "flat") else (list(ax) if isinstance(ax, (list, tuple)) else [ax])
        if len(flat) != len(tasks):
            raise ValueError(f"rt_set_size_plot: {len(tasks)} task(s) need {len(tasks)} axes, got {len(flat)}")
        fig, axes = flat[0].figure, [flat]
    palette = dict(zip(sorted(d["source"].unique()), sns.color_palette("colorblind")))
    if labels:  # translated values and legend titles; the colours stay tied to the sources
        palette = {lab(k): v for k, v in palette.items()}
        d["source"] = d["source"].map(lab)
        d["target"] = d["target"].map(lab)
        d = d.rename(columns={"source": lab("source"), "target": lab("target")})
    hue, style = lab("source"), lab("target")
    for ax, task in zip(axes[0], tasks):
        sub = d[d["task"] == task]
        sns.lineplot(data=sub, x="set_size", y=value, hue=hue, style=style, markers=True, dashes=True, ax=ax, palette=palette, errorbar=None)
        if err and err in sub:
            for _, r in sub.iterrows():
                ax.errorbar(r["set_size"], r[value], yerr=r[err], color=palette[r[hue]], alpha=0.6, capsize=2, lw=1)
        ax.set_title(lab(task))
        ax.set_xlabel(lab("Set size (items)"))
        ax.set_ylabel(lab(ylabel))
        ax.set_xticks(sorted(sub["set_size"].unique()))
        if ax is not axes[0][-1] and ax.get_legend():
            ax.get_legend().remove()
    if axes[0][-1].get_legend():
        sns.move_legend(axes[0][-1], "upper left", bbox_to_anchor=(1, 1), frameon=False)
    if ax is None:
        fig.tight_layout()
    return fig


def error_rates_plot(cells: pd.DataFrame, labels=None, ax=None):
    """Error rate (%) against set size, per task; colour = source, style = presence.

    Parameters
    ----------
    cells : pandas.DataFrame
        Columns ``source, task, set_size, target_present, error_rate`` (a proportion).
    labels : dict, optional
        Display names for the codes the figure shows; see :func:`rt_set_size_plot`.
    ax : matplotlib Axes or sequence of Axes, optional
        Where to draw, one axes per task; see :func:`rt_set_size_plot`.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn into.
    """
    d = cells.copy()
    d["error_pct"] = 100 * d["error_rate"]
    return rt_set_size_plot(d, value="error_pct", err=None, ylabel="Errors (%)", labels=labels, ax=ax)
