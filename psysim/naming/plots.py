"""Figures of the picture-naming experiment (tables in, matplotlib figures out; no statistics)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


_FALLBACK = "IPAexGothic"  # Japanese font of the optional matplotlib-fontja package


def _families() -> list:
    """Font families for figures: the default sans-serif, then a Japanese font when
    matplotlib-fontja is installed (matplotlib falls back glyph by glyph, version >= 3.6)."""
    import matplotlib as mpl
    from matplotlib import font_manager

    fams = ["DejaVu Sans"]
    try:
        saved = mpl.rcParams["font.family"]
        import matplotlib_fontja  # noqa: F401  (registers the font file)

        mpl.rcParams["font.family"] = saved  # importing it changes the global default; undo
    except ImportError:
        pass
    if any(f.name == _FALLBACK for f in font_manager.fontManager.ttflist):
        fams.append(_FALLBACK)
    return fams


def _font_chars() -> set:
    from matplotlib import font_manager, ft2font

    chars = set()
    for fam in _families():
        try:
            chars |= set(ft2font.FT2Font(font_manager.findfont(font_manager.FontProperties(family=fam), fallback_to_default=False)).get_charmap())
        except Exception:  # a family without a usable file
            continue
    return chars


def label(name: str, item, chars=None) -> str:
    """The name if the figure fonts can draw every character, else ``item ID`` (names in
    scripts no installed font covers are still in items.csv)."""
    chars = _font_chars() if chars is None else chars
    return name if all(ord(c) in chars or c.isspace() for c in str(name)) else f"item {item}"


def fonts():
    """Context manager: figure fonts with the Japanese fallback when available."""
    import matplotlib.pyplot as plt

    return plt.rc_context({"font.family": _families()})


def _grid(ax, rows: int, cols: int, figsize, **kw):
    """``(figure, rows x cols axes, made_here)``: the caller's axes (``ax=``, any shape holding
    rows x cols axes) or a new figure's."""
    if ax is None:
        fig, axes = _plt().subplots(rows, cols, figsize=figsize, squeeze=False, **kw)
        return fig, axes, True
    axes = np.asarray(ax, dtype=object).reshape(-1)
    if len(axes) != rows * cols:
        raise ValueError(f"this figure needs {rows * cols} axes, got {len(axes)}")
    return axes[0].figure, axes.reshape(rows, cols), False


def _palette(n: int):
    import seaborn as sns

    return sns.color_palette("colorblind", max(n, 1))


def _net(bb, reg, lang):
    from psysim.i18n import label

    return f"{bb}, {label('regime', reg, lang)}"


def entropy_latency_plot(items: pd.DataFrame, x: str = "entropy", y: str = "human_rt", lang: str = "en", ax=None):
    """Model entropy (bits) against human naming latency (ms), one panel per backbone x regime,
    with an OLS line and its 95 % band (seaborn ``regplot``); labels in ``lang``; ``ax``: one
    axes per panel to draw into."""
    import seaborn as sns

    from psysim.i18n import t

    groups = list(items.groupby(["backbone", "regime"], sort=False))
    fig, axes, own = _grid(ax, 1, len(groups), (4.2 * len(groups), 3.8), sharey=True)
    blue, red = _palette(4)[0], _palette(4)[3]
    for ax, ((bb, reg), d) in zip(axes[0], groups):
        d = d[[x, y]].dropna()
        sns.regplot(data=d, x=x, y=y, ax=ax, color=blue, scatter_kws={"s": 12, "alpha": 0.6}, line_kws={"color": red})
        r = np.corrcoef(d[x], d[y])[0, 1] if len(d) > 2 else np.nan
        ax.set_title(f"{_net(bb, reg, lang)} (r = {r:.2f}, n = {len(d)})", fontsize=10)
        ax.set_xlabel(t("pn.ax_entropy", lang))
        ax.set_ylabel(t("pn.ax_latency", lang) if ax is axes[0][0] else "")
    if own:
        fig.tight_layout()
    return fig


def regime_plot(items: pd.DataFrame, measures=("accuracy", "top5", "p_correct", "entropy"), lang: str = "en", ax=None):
    """Per-item naming scores of each backbone x regime (box plots over items); labels in ``lang``;
    ``ax``: one axes per measure to draw into."""
    import seaborn as sns

    from psysim.i18n import label, t

    d = items.assign(network=[f"{b}\n{label('regime', r, lang)}" for b, r in zip(items["backbone"], items["regime"])])
    fig, axes, own = _grid(ax, 1, len(measures), (3.2 * len(measures), 3.4))
    for ax, m in zip(axes[0], measures):
        sns.boxplot(data=d, x="network", y=m, ax=ax, color="0.85", fliersize=0)
        sns.stripplot(data=d, x="network", y=m, ax=ax, size=2, alpha=0.4, color=_palette(1)[0])
        ax.set_xlabel("")
        ax.set_title(t(f"col.{m}", lang), fontsize=10)
        ax.set_ylabel("")
    if own:
        fig.tight_layout()
    return fig


def confusion_plot(pictures, items: pd.DataFrame, n: int = 6):
    """The ``n`` pictures with the lowest probability of the right name, each beside the first
    picture of the name the network preferred."""
    plt = _plt()
    worst = items.nsmallest(n, "p_correct")
    chars = _font_chars()
    items_of = dict(zip(pictures.table["name"], pictures.table["item"]))
    first_of = {}
    for i, name in enumerate(pictures.table["name"]):
        first_of.setdefault(name, i)
    with fonts():
        return _confusion(plt, pictures, worst, chars, items_of, first_of)


def _confusion(plt, pictures, worst, chars, items_of, first_of):
    fig, axes = plt.subplots(2, len(worst), figsize=(2.0 * len(worst), 4.4), squeeze=False)
    for j, (_, r) in enumerate(worst.iterrows()):
        a, b = axes[0][j], axes[1][j]
        a.imshow(pictures.images[int(r["picture"])].permute(1, 2, 0).numpy())
        a.set_title(f"{label(r['name'], r['item'], chars)}\np = {r['p_correct']:.2f}", fontsize=9)
        conf = pictures.names[int(r["confused_index"])]
        b.imshow(pictures.images[first_of[conf]].permute(1, 2, 0).numpy())
        b.set_title(f"said: {label(conf, items_of[conf], chars)}\np = {r['p_confused']:.2f}", fontsize=9)
        a.axis("off")
        b.axis("off")
    fig.suptitle("top: picture and p(right name); bottom: the name preferred instead", fontsize=9)
    fig.tight_layout()
    return fig


def cam_plot(images, maps, titles):
    """Pictures with their class activation maps overlaid."""
    plt = _plt()
    n = len(images)
    with fonts():
        fig, axes = plt.subplots(1, n, figsize=(2.0 * n, 2.4), squeeze=False)
        for ax, im, m, t in zip(axes[0], images, maps, titles):
            ax.imshow(im.permute(1, 2, 0).numpy())
            shown = ax.imshow(m.numpy(), cmap="viridis", alpha=0.5, vmin=0, vmax=1,
                              extent=(-0.5, im.shape[-1] - 0.5, im.shape[-2] - 0.5, -0.5))
            ax.set_title(t, fontsize=9)
            ax.axis("off")
        fig.tight_layout()
        fig.colorbar(shown, ax=list(axes[0]), fraction=0.02, pad=0.01).set_label("Grad-CAM", fontsize=8)
    return fig


def colour_plot(items: pd.DataFrame, measure: str = "entropy", human: str = "human_rt", lang: str = "en", ax=None):
    """Line drawing vs colour picture of the same items: the model's measure and the human
    latency, one line per item; labels in ``lang``; ``ax``: one axes per network, then one for people."""
    from psysim.i18n import label, t

    groups = list(items.groupby(["backbone", "regime"], sort=False))
    fig, axes, own = _grid(ax, 1, len(groups) + 1, (3.2 * (len(groups) + 1), 3.4))
    mean_colour = _palette(4)[3]
    panels = [(_net(bb, reg, lang), d, measure) for (bb, reg), d in groups] + [(t("pn.people", lang), groups[0][1], human)]
    for ax, (title, d, m) in zip(axes[0], panels):
        w = d[d["version"].isin(["line", "colour"])].pivot_table(index="item", columns="version", values=m).dropna()
        for _, r in w.iterrows():
            ax.plot([0, 1], [r["line"], r["colour"]], color="0.6", lw=0.7)
        ax.plot([0, 1], [w["line"].mean(), w["colour"].mean()], color=mean_colour, lw=2.5, marker="o")
        ax.set_xticks([0, 1], [label("version", "line", lang), label("version", "colour", lang)])
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(t("pn.ax_latency", lang) if m == human else t("pn.ax_model", lang, measure=t(f"col.{m}", lang)))
    if own:
        fig.tight_layout()
    return fig


def temperature_split_plot(splits: pd.DataFrame, lang: str = "en", ax=None):
    """Chosen temperatures and out-of-sample R² gains over the random half splits; labels in ``lang``;
    ``ax``: 2 x networks axes to draw into."""
    from psysim.i18n import t

    groups = list(splits.groupby(["backbone", "regime"], sort=False))
    fig, axes, own = _grid(ax, 2, len(groups), (3.6 * len(groups), 5.0))
    pal = _palette(3)
    for j, ((bb, reg), d) in enumerate(groups):
        axes[0][j].hist(np.log10(d["T"]), bins=20, color=pal[0])
        axes[0][j].set_xlabel(t("pn.ax_logT", lang))
        axes[0][j].set_title(_net(bb, reg, lang), fontsize=10)
        axes[1][j].hist(d["delta_r2_test"], bins=20, color=pal[2])
        axes[1][j].axvline(0, color="k", lw=1)
        axes[1][j].set_xlabel(t("pn.ax_gain", lang))
    if own:
        fig.tight_layout()
    return fig
