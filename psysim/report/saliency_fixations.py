"""The report of ``psysim run saliency-fixations``, drawn from the tables of its run folder.

:func:`render` reads ``fit.csv``, ``metrics.csv``, ``primary.csv``, ``secondary.csv`` and
``published.csv`` (checked against the experiment's ``TABLES``) and writes one HTML file in
English or Japanese. The figure of example images needs the images, so it is drawn only during
the run (``examples``); a re-rendered report has the metric figure only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.i18n import label, plot_style, translate_table, translator
from psysim.report.html import Report
from psysim.tables import read_table

VALUES = ("model", "source")


def protocol_lines(info: dict, lang: str) -> list[str]:
    _ = translator(lang)
    b, c, w = info["grid"]["blur"], info["grid"]["centre_sigma"], info["grid"]["weight"]
    primary = _("sf.primary_metric", metric=info["primary"]) + ("" if info["points"] else _("sf.no_points"))
    return [
        _("sf.split", n_train=info["n_train"], n_test=info["n_test"], frac=info["train_fraction"], seed=info["seed"]),
        _("sf.grid", n=len(b), b0=f"{b[0]:g}", b1=f"{b[-1]:g}", c0=f"{c[0]:g}", c1=f"{c[-1]:g}", w0=f"{w[0]:g}", w1=f"{w[-1]:g}"),
        primary,
        _("sf.test"),
    ]


def _comparison(text: str, lang: str) -> tuple[str, str, str]:
    a, b = text.split(" - ")
    la, lb = label("model", a, lang), label("model", b, lang)
    return la, lb, f"{la} − {lb}"


def primary_lines(primary: pd.DataFrame, lang: str) -> list[str]:
    _ = translator(lang)
    lines = []
    for _i, row in primary.iterrows():
        a, b, both = _comparison(row["comparison"], lang)
        if not np.isfinite(row["p_holm"]):
            verdict = _("sf.no_test")
        elif row["p_holm"] < 0.05:
            verdict = _("sf.higher" if row["median_diff"] > 0 else "sf.lower", a=a, b=b)
        else:
            verdict = _("sf.no_diff", a=a, b=b)
        lines.append(_("sf.primary_line", comparison=both, mean=f"{row['mean_diff']:+.4f}", lo=f"{row['ci_low']:+.4f}",
                       hi=f"{row['ci_high']:+.4f}", median=f"{row['median_diff']:+.4f}", W=f"{row['W']:g}", p=f"{row['p']:.3g}",
                       p_holm=f"{row['p_holm']:.3g}", n=row["n"], verdict=verdict))
    return lines


def beside(summary: pd.DataFrame, published: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Our held-out means beside the published MIT300 values, one row per metric."""
    ours = summary.pivot_table(index="metric", columns="model", values="mean")
    pub = published.pivot_table(index="metric", columns="model", values="value")
    out = pd.DataFrame({"metric": pub.index})
    for src in ("itti-koch", "centre-bias", "mixture"):
        out[label("model", src, lang)] = out["metric"].map(ours[src]) if src in ours else np.nan
    for col in pub.columns:
        out[f"MIT300: {col}"] = out["metric"].map(pub[col])
    return out


def metrics_figure(summary: pd.DataFrame, metrics, primary: str, models, lang: str = "en", ax=None):
    """Each metric's mean over held-out images with its 95% CI, one panel per metric (3 x 3 grid,
    or the caller's axes, one per metric)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    _ = translator(lang)
    present = [m for m in (primary, *metrics) if m in set(summary["metric"])]
    if ax is None:
        fig, axes = plt.subplots(3, 3, figsize=(11, 8.5))
        axes = list(axes.ravel())
        for a in axes[len(present):]:
            a.axis("off")
    else:
        axes = list(np.ravel(ax))
        fig = axes[0].figure
    colours = sns.color_palette("colorblind", len(models))
    for a, m in zip(axes, present):
        g = summary[summary["metric"] == m].set_index("model").reindex(list(models))
        x = np.arange(len(models))
        a.bar(x, g["mean"], color=colours)
        a.errorbar(x, g["mean"], yerr=[g["mean"] - g["ci_low"], g["ci_high"] - g["mean"]], fmt="none", color="k", lw=1)
        a.set_xticks(x, [label("model", s, lang) for s in models], fontsize=7, rotation=20, ha="right")
        a.set_title(m + (_("sf.primary_tag") if m == primary else ""))
    if ax is None:
        fig.tight_layout()
    return fig


def render(run_dir, lang: str, info: dict, out, tables: dict, examples=None, save_figure=None):
    """Figures and report of a saliency-fixations run folder, in ``lang``.

    ``info``: ``seed, quick, short, about, n_images, n_train, n_test, train_fraction, grid``
    (lists ``blur, centre_sigma, weight``), ``points``, ``skipped`` (metric -> reason),
    ``primary``, ``metrics``, ``models``, ``published_source``, ``citations``;
    ``examples(lang) -> Figure`` (during the run only), ``save_figure(fig, name)``.
    """
    _ = translator(lang)
    fits, summary, primary, secondary, published = (
        read_table(run_dir, tables[k]) for k in ("fit", "metrics", "primary", "secondary", "published"))
    with plot_style(lang):
        figs = {"metrics": metrics_figure(summary, info["metrics"], info["primary"], info["models"], lang)}
        if examples is not None:
            figs["examples"] = examples(lang)
    if save_figure is not None:
        for name, fig in figs.items():
            save_figure(fig, f"{name}.png")

    def shown(df):
        d = df.copy()
        if "comparison" in d:
            d["comparison"] = [_comparison(c, lang)[2] for c in d["comparison"]]
        return translate_table(d, lang, values=VALUES)

    r = Report(_("sf.title", short=info["short"]), lang=lang)
    r.text(_("sf.intro", n=info["n_images"], about=info["about"]))
    r.heading(_("sf.h_protocol"))
    r.bullets(protocol_lines(info, lang))
    if info["skipped"]:
        r.heading(_("sf.h_skipped"))
        if lang != "en":
            r.text(_("sf.skipped_english"))
        r.bullets([f"{m}: {why}" for m, why in info["skipped"].items()])
    r.heading(_("sf.h_fit"))
    r.table(shown(fits), caption=_("sf.table_fit"), digits=3)
    r.heading(_("sf.h_primary"))
    r.bullets(primary_lines(primary, lang))
    r.table(shown(primary), caption=_("sf.table_primary"), digits=4)
    r.heading(_("sf.h_secondary"))
    r.text(_("sf.secondary_text", n=int(secondary["p"].notna().sum())))
    r.table(shown(secondary), caption=_("sf.table_secondary"), digits=3)
    r.table(shown(summary), caption=_("sf.table_metrics"), digits=3)
    r.heading(_("sf.h_published"))
    if len(published):
        r.text(_("sf.published_text"))
        r.table(shown(beside(summary, published, lang)), caption=_("sf.table_published", source=info["published_source"]), digits=3)
    else:
        r.text(_("sf.unpublished", source=info["published_source"]))
    r.figure(figs["metrics"], _("sf.fig_metrics"))
    if "examples" in figs:
        r.figure(figs["examples"], _("sf.fig_examples"))
    r.heading(_("sf.h_cannot"))
    r.bullets([_("sf.cannot_images", n=info["n_images"], short=info["short"], n_test=info["n_test"]),
               _("sf.cannot_grid"), _("sf.cannot_split"), _("sf.cannot_maps")])
    r.text(_("sf.definitions"))
    for citation, licence in info["citations"]:
        r.cite(citation, licence)
    meta = {_("meta.experiment"): "saliency-fixations", _("meta.seed"): info["seed"],
            _("meta.quick"): _("yes") if info["quick"] else _("no"), _("meta.language"): lang, _("sf.meta_images"): info["n_images"]}
    return r.write(out, metadata=meta)
