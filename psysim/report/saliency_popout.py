"""The report of ``psysim run saliency-popout``, drawn from the tables of its run folder.

:func:`render` reads ``targets.csv``, ``first_fixation.csv``, ``slopes.csv``,
``resolution.csv`` and ``channels.csv`` (each checked against the experiment's ``TABLES``) and
writes one self-contained HTML file in English or Japanese. Every sentence is written from those
tables; the figure of example maps is computed again from the run's seed (deterministic).
"""

from __future__ import annotations

import pandas as pd

from psysim.i18n import label, plot_style, translate_table, translator
from psysim.plots.saliency import first_fixation_plot, resolution_plot, slopes_bar_plot
from psysim.report.html import Report
from psysim.tables import read_table

CHANNELS = ("colour", "intensity", "orientation")
VALUES = ("source", "task", "target_present", "method", "model", "map")


def first_fixation_by_task(targets: pd.DataFrame, tasks) -> dict:
    """Per model: the first-fixation rate on the target and the number of displays, per task."""
    return {
        name: g.groupby("task")["first_fixation_on_target"].agg(["mean", "size"]).reindex(list(tasks))
        for name, g in targets.groupby("model", sort=False)
    }


def verdict(by_task: dict, lang: str) -> str:
    _ = translator(lang)
    parts = []
    for name, tab in by_task.items():
        f = tab["mean"]

        def word(x):
            return _("sp.w_always") if x >= 0.9 else _("sp.w_often") if x >= 0.6 else _("sp.w_not")

        parts.append(_("sp.verdict", name=name, w1=word(f["feature"]), p1=f"{100 * f['feature']:.0f}",
                       w2=word(f["orientation"]), p2=f"{100 * f['orientation']:.0f}",
                       pc=f"{100 * f['conjunction']:.0f}", ps=f"{100 * f['spatial']:.0f}"))
    return ("" if lang == "ja" else " ").join(parts)


def channel_text(ch: pd.DataFrame, size: int, lang: str) -> str:
    """The explanation of the colour result, from the channel table (no fixed claims)."""
    _ = translator(lang)
    parts = []
    for norm, g in ch.groupby("normalization", sort=False):
        tab = g.set_index("map")
        chans = [_("sp.chan_item", map=label("map", m, lang), pct=f"{100 * tab.loc[m, 'peak_on_target']:.0f}",
                   t=f"{tab.loc[m, 'target']:.2f}", d=f"{tab.loc[m, 'best_distractor']:.2f}") for m in CHANNELS]
        carriers = [label("map", m, lang) for m in CHANNELS if tab.loc[m, "peak_on_target"] > 0.5]
        dilute = [label("map", m, lang) for m in CHANNELS if tab.loc[m, "best_distractor"] > tab.loc[m, "target"]]
        text = _("sp.chan_norm", norm=norm, chans=_("sp.item_sep").join(chans),
                 pct=f"{100 * tab.loc['saliency', 'peak_on_target']:.0f}", n=int(tab.loc["saliency", "n"]))
        text += _("sp.carried", maps=_("sp.list_sep").join(carriers)) if carriers else _("sp.no_carrier")
        text += _("sp.dilute", maps=_("sp.list_sep").join(dilute)) if dilute else _("sp.end")
        parts.append(text)
    parts.append(_("sp.chan_caveat", size=size))
    return ("" if lang == "ja" else " ").join(parts)


def resolution_text(res: pd.DataFrame, lang: str) -> str:
    _ = translator(lang)
    lines = []
    for model, g in res.groupby("model", sort=False):
        pts = _("sp.item_sep").join(
            _("sp.res_point", pct=f"{100 * r.top_rate:.0f}", size=r.size_px, per=f"{r.map_px_per_item:.1f}") for r in g.itertuples()
        )
        lines.append(_("sp.res_model", model=model, pts=pts))
    return _("sp.resolution_text", n=int(res["n"].iloc[0]), lines=("" if lang == "ja" else " ").join(lines))


def slope_lines(slopes: pd.DataFrame, models, tasks, lang: str) -> list[str]:
    """Model vs human slope per task and presence, in words (from the slopes table)."""
    _ = translator(lang)
    s = slopes.set_index(["source", "task", "target_present"])
    lines = []
    for name in models:
        for task in tasks:
            for present in (True, False):
                try:
                    m, h = s.loc[(name, task, present)], s.loc[("wolfe2010", task, present)]
                except KeyError:
                    continue
                inside = h["ci_low"] <= m["slope"] <= h["ci_high"]
                word = _("sp.within") if inside else _("sp.above") if m["slope"] > h["ci_high"] else _("sp.below")
                lines.append(_("sp.slope_line", name=name, task=label("task", task, lang), presence=label("target", present, lang),
                               m=f"{m['slope']:.1f}", h=f"{h['slope']:.1f}", lo=f"{h['ci_low']:.1f}", hi=f"{h['ci_high']:.1f}", word=word))
    lines.append(_("sp.exhaustive"))
    return lines


def _shown(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    return translate_table(df.rename(columns={"target": "target_share"}), lang, values=VALUES)


def render(run_dir, lang: str, info: dict, out, tables: dict, examples=None, save_figure=None):
    """Figures and report of a saliency-popout run folder, in ``lang``.

    Parameters
    ----------
    run_dir : path
        The run folder (its tables are read and checked).
    lang : {"en", "ja"}
    info : dict
        ``seed``, ``quick``, ``n_per_cell``, ``render_size``, ``tasks``, ``human_tasks``,
        ``models`` and ``citations`` (pairs of citation and licence).
    out : path
        The HTML file to write.
    tables : dict
        The experiment's ``TABLES``.
    examples : callable, optional
        ``examples(lang) -> Figure``: the example maps (drawn from the run's seed).
    save_figure : callable, optional
        ``save_figure(fig, name)``: keep the figures in the run folder (during the run).
    """
    _ = translator(lang)
    targets, rates, slopes, resolution, channels = (
        read_table(run_dir, tables[k]) for k in ("targets", "first_fixation", "slopes", "resolution", "channels"))
    size = info["render_size"]
    with plot_style(lang):
        figs = {"first_fixation": first_fixation_plot(rates, lang), "slopes": slopes_bar_plot(slopes, lang),
                "resolution": resolution_plot(resolution, lang)}
        if examples is not None:
            figs["examples"] = examples(lang)
    if save_figure is not None:
        for name, fig in figs.items():
            save_figure(fig, f"{name}.png")

    r = Report(_("sp.title"), lang=lang)
    r.text(_("sp.intro", n=info["n_per_cell"], size=size))
    r.heading(_("sp.h_first"))
    by_task = first_fixation_by_task(targets, info["tasks"])
    for name, tab in by_task.items():
        r.text(_("sp.model_line", name=name))
        r.bullets([_("sp.first_line", task=label("task", task, lang), pct=f"{100 * row['mean']:.0f}", n=int(row["size"]))
                   for task, row in tab.iterrows()])
    r.text(verdict(by_task, lang))
    r.heading(_("sp.h_why"))
    r.text(channel_text(channels, size, lang))
    r.table(_shown(channels, lang), caption=_("sp.table_channels", size=size), digits=3)
    r.heading(_("sp.h_resolution"))
    r.text(resolution_text(resolution, lang))
    r.table(_shown(resolution, lang), caption=_("sp.table_resolution"), digits=3)
    r.figure(figs["resolution"], _("sp.fig_resolution"))
    r.table(_shown(rates, lang), caption=_("sp.table_rates"), digits=2)
    r.figure(figs["first_fixation"], _("sp.fig_rates"))
    r.heading(_("sp.h_slopes"))
    r.text(_("sp.slopes_text"))
    r.bullets(slope_lines(slopes, info["models"], info["human_tasks"], lang))
    r.table(_shown(slopes, lang), caption=_("sp.table_slopes"), digits=1)
    r.figure(figs["slopes"], _("sp.fig_slopes"))
    if "examples" in figs:
        r.figure(figs["examples"], _("sp.fig_examples"))
    for citation, licence in info["citations"]:
        r.cite(citation, licence)
    meta = {_("meta.experiment"): "saliency-popout", _("meta.seed"): info["seed"], _("meta.quick"): _("yes") if info["quick"] else _("no"),
            _("meta.language"): lang, _("sp.meta_displays"): info["n_per_cell"]}
    return r.write(out, metadata=meta)
