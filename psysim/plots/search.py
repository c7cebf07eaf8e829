"""Figures for visual-search results: RT x set size and error rates, people beside models."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # figures are written to files and reports; no screen is needed

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

TASK_ORDER = ["feature", "orientation", "conjunction", "spatial"]


def _presence(df):
    d = df.copy()
    d["target"] = d["target_present"].map({True: "present", False: "absent"})
    return d


def rt_set_size_plot(cells: pd.DataFrame, value: str = "mean_rt", err: str | None = "mean_rt_se", ylabel: str = "Mean correct RT (ms)"):
    """Mean correct RT against set size, one panel per task; colour = source, style = presence.

    ``cells`` has columns ``source, task, set_size, target_present`` and ``value`` (and
    optionally ``err``, drawn as ±1 SE bars).
    """
    d = _presence(cells)
    tasks = [t for t in TASK_ORDER if t in set(d["task"])] + sorted(set(d["task"]) - set(TASK_ORDER))
    fig, axes = plt.subplots(1, len(tasks), figsize=(4.2 * len(tasks), 3.8), sharey=True, squeeze=False)
    palette = dict(zip(sorted(d["source"].unique()), sns.color_palette("colorblind")))
    for ax, task in zip(axes[0], tasks):
        sub = d[d["task"] == task]
        sns.lineplot(data=sub, x="set_size", y=value, hue="source", style="target", markers=True, dashes=True, ax=ax, palette=palette, errorbar=None)
        if err and err in sub:
            for _, r in sub.iterrows():
                ax.errorbar(r["set_size"], r[value], yerr=r[err], color=palette[r["source"]], alpha=0.6, capsize=2, lw=1)
        ax.set_title(task)
        ax.set_xlabel("Set size (items)")
        ax.set_ylabel(ylabel)
        ax.set_xticks(sorted(sub["set_size"].unique()))
        if ax is not axes[0][-1] and ax.get_legend():
            ax.get_legend().remove()
    if axes[0][-1].get_legend():
        sns.move_legend(axes[0][-1], "upper left", bbox_to_anchor=(1, 1), frameon=False)
    fig.tight_layout()
    return fig


def error_rates_plot(cells: pd.DataFrame):
    """Error rate (%) against set size, per task; colour = source, style = presence."""
    d = cells.copy()
    d["error_pct"] = 100 * d["error_rate"]
    fig = rt_set_size_plot(d, value="error_pct", err=None, ylabel="Errors (%)")
    return fig
