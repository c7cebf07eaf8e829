"""Figures of the saliency experiments, drawn from their result tables (``saliency-popout``).

Every function takes ``ax=`` (draw into a user's axes, for multi-panel figures) and ``lang``
(labels from :mod:`psysim.i18n`; call inside :func:`psysim.i18n.plot_style` for Japanese),
uses the colour-blind-safe palette, integer set-size ticks and display names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.i18n import CATALOGUE, label, plot_labels, t
from psysim.plots.axes import panel_axes

TASK_ORDER = ("feature", "orientation", "conjunction", "spatial")


def _palette(n: int):
    import seaborn as sns

    return sns.color_palette("colorblind", n)


def resolution_plot(resolution: pd.DataFrame, lang: str = "en", ax=None):
    """Strict top-item rate (%) of each model's item-pooled map against render size (``resolution.csv``)."""
    fig, (ax,), own = panel_axes(ax, 1, (4.8, 3.3))
    models = list(dict.fromkeys(resolution["model"]))
    for colour, model in zip(_palette(len(models)), models):
        g = resolution[resolution["model"] == model]
        ax.plot(g["size_px"], 100 * g["top_rate"], "-o", color=colour, label=label("model", model, lang))
    sizes = sorted(resolution["size_px"].unique())
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(int(v)) for v in sizes])
    ax.minorticks_off()
    ax.set(xlabel=t("sp.ax_render", lang), ylabel=t("sp.ax_top", lang), ylim=(-5, 105))
    ax.legend(frameon=False)
    if own:
        fig.tight_layout()
    return fig


def first_fixation_plot(rates: pd.DataFrame, lang: str = "en", ax=None):
    """First-fixation rate (%) and mean target saliency rank by set size (``first_fixation.csv``):
    colour = task, line style = model; two axes."""
    fig, axes, own = panel_axes(ax, 2, (10, 3.6))
    tasks = [x for x in TASK_ORDER if x in set(rates["task"])]
    models = list(dict.fromkeys(rates["model"]))
    colours = dict(zip(tasks, _palette(len(tasks))))
    styles = dict(zip(models, ("-", "--", ":", "-.")))
    for (model, task), g in rates.groupby(["model", "task"], sort=False):
        style = dict(marker="o", color=colours.get(task), ls=styles[model])
        name = f"{label('task', task, lang)} – {label('model', model, lang)}"
        axes[0].plot(g["set_size"], 100 * g["first_fixation_rate"], **style)
        axes[1].plot(g["set_size"], g["mean_rank"], label=name, **style)
    sizes = sorted(int(v) for v in rates["set_size"].unique())
    for a in axes:
        a.set_xticks(sizes)
        a.set_xlabel(t("axis.set_size", lang))
    axes[0].set(ylabel=t("sp.ax_first", lang), ylim=(-5, 105))
    axes[1].set(ylabel=t("sp.ax_rank", lang))
    axes[1].legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1))
    if own:
        fig.tight_layout()
    return fig


def slopes_bar_plot(slopes: pd.DataFrame, lang: str = "en", ax=None):
    """Search slopes (ms/item) with 95% CIs per task, target present and absent (``slopes.csv``): two axes."""
    fig, axes, own = panel_axes(ax, 2, (10, 3.6), sharey=True)
    sources = list(dict.fromkeys(slopes["source"]))
    colours = dict(zip(sources, _palette(len(sources))))
    for a, present in zip(axes, (True, False)):
        s = slopes[slopes["target_present"] == present]
        tasks = [x for x in TASK_ORDER if x in set(s["task"])]
        w = 0.8 / max(len(sources), 1)
        for k, src in enumerate(sources):
            g = s[s["source"] == src].set_index("task").reindex(tasks)
            x = np.arange(len(tasks)) + (k - (len(sources) - 1) / 2) * w
            a.bar(x, g["slope"], width=w, color=colours[src], label=_source_name(src, lang))
            a.errorbar(x, g["slope"], yerr=[g["slope"] - g["ci_low"], g["ci_high"] - g["slope"]], fmt="none", color="k", lw=1)
        a.set_xticks(np.arange(len(tasks)), [label("task", x, lang) for x in tasks])
        a.set_title(t("vs.present" if present else "vs.absent", lang))
        a.axhline(0, color="0.5", lw=0.8)
    axes[0].set_ylabel(t("sp.ax_slope", lang))
    axes[0].legend(frameon=False, fontsize=8)
    if own:
        fig.tight_layout()
    return fig


def _source_name(src: str, lang: str) -> str:
    """A model's display name ("Itti-Koch (paper)"), else a data source's ("Observers (Wolfe et al., 2010)")."""
    return label("model", src, lang) if f"model.{src}" in CATALOGUE else plot_labels(lang).get(src, src)


def saliency_map_panel(ax, saliency: np.ndarray, title: str = "", lang: str = "en", colorbar: bool = True):
    """One saliency map (upsampled to the image) with its colour bar (arbitrary units)."""
    im = ax.imshow(saliency, cmap="viridis")
    ax.set_title(title, fontsize=9)
    ax.axis("off")
    if colorbar:
        cb = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.02)
        cb.set_label(t("sp.colorbar", lang), fontsize=8)
        cb.ax.tick_params(labelsize=7)
    return im
