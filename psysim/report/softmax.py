"""The report of ``psysim run softmax-temperature``, drawn from the tables of its run folder.

:func:`render` reads ``temperature.csv``, ``profiles.csv``, ``sweep.csv``, ``order.csv`` and
``bic.csv`` and writes one HTML file in English or Japanese; every sentence is written from those
tables. The figures are drawn from the same tables (the teaching figure from its fixed example).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.i18n import label, plot_style, translate_table, translator, trim_text
from psysim.plots.axes import panel_axes
from psysim.report.html import Report
from psysim.tables import read_table

TASKS = ("feature", "conjunction", "spatial")
CHI2_95 = 3.841458820694124
VALUES = ("task", "target_present", "source")


def _task(task, lang):
    return label("task", task, lang)


def ci_text(r, lang) -> str:
    hi = "inf" if not np.isfinite(r["ci_high"]) else f"{r['ci_high']:.2f}"
    return translator(lang)("st.ci", beta=f"{r['beta']:.2f}", lo=f"{r['ci_low']:.2f}", hi=hi)


def order_lines(fits: pd.DataFrame, order: pd.DataFrame, maps, lang: str) -> list[str]:
    """Does beta follow feature > conjunction > spatial, for the group and between observers?"""
    _ = translator(lang)
    sep = _("st.sep")
    lines = []
    for pmap in maps:
        g = fits[(fits["priority"] == pmap) & (fits["subject"] == "group")].set_index("task")
        if not set(TASKS) <= set(g.index):
            continue
        b = g.loc[list(TASKS), "beta"].to_numpy()
        holds = bool(b[0] > b[1] > b[2])
        apart = bool(g.loc["feature", "ci_low"] > g.loc["conjunction", "ci_high"] and g.loc["conjunction", "ci_low"] > g.loc["spatial", "ci_high"])
        desc = sep.join(_("st.task_ci", task=_task(x, lang), ci=ci_text(g.loc[x], lang)) for x in TASKS)
        tail = _("st.tail_apart") if apart else (_("st.tail_overlap") if holds else _("st.tail_none"))
        lines.append(_("st.group_line", map=pmap, desc=desc, holds=_("st.holds" if holds else "st.not_holds"), tail=tail))
        o = order[(order["priority"] == pmap) & order["prob_superiority"].notna()] if "prob_superiority" in order else order.iloc[0:0]
        if len(o):
            parts = sep.join(_("st.obs_part", comparison=_comparison(row["comparison"], lang), sup=f"{row['prob_superiority']:.2f}",
                                 hi=f"{row['median_high']:.2f}", lo=f"{row['median_low']:.2f}", p=f"{row['mannwhitney_p']:.3g}")
                             for _i, row in o.iterrows())
            per = all(row["prob_superiority"] > 0.5 for _i, row in o.iterrows() if row["comparison"] != "feature > spatial")
            lines.append(_("st.obs_line", map=pmap, parts=parts, holds=_("st.holds" if per else "st.not_holds")))
    return lines


def _comparison(text: str, lang: str) -> str:
    a, b = text.split(" > ")
    return f"{_task(a, lang)} > {_task(b, lang)}"


def misfit_notes(fits: pd.DataFrame, lang: str = "en") -> list[str]:
    """Where beta may be absorbing misfit (the run's ``misfit`` column): each flagged group fit
    by name, the observers' fits counted."""
    _ = translator(lang)
    if "misfit" not in fits:
        return []
    flagged = fits[fits["misfit"].fillna("").astype(str) != ""]
    notes = []
    grp = flagged[flagged["subject"] == "group"]
    if len(grp):
        items = _("st.sep").join(_("st.misfit_item", map=row["priority"], task=_task(row["task"], lang), beta=f"{row['beta']:.2f}",
                                   misfit=row["misfit"]) for _i, row in grp.iterrows())
        notes.append(_("st.misfit_group", items=items))
    obs = flagged[flagged["subject"] != "group"]
    n_obs = int((fits["subject"] != "group").sum())
    if n_obs:
        detail = ""
        if len(obs):
            inner = _("st.sep").join(_("st.misfit_obs_part", map=p, task=_task(t, lang), n=len(g))
                                     for (p, t), g in obs.groupby(["priority", "task"], sort=False))
            detail = f" ({inner})" if lang == "en" else f"（{inner}）"
        notes.append(_("st.misfit_obs", n=len(obs), total=n_obs, detail=detail))
    if notes and lang != "en":
        notes.append(_("st.misfit_english"))
    return notes


def sweep_text(sweep: pd.DataFrame, lang: str) -> str:
    _ = translator(lang)
    s = sweep[sweep["target_present"]].set_index(["task", "beta"])["slope"]
    lo, hi = sweep["beta"].min(), sweep["beta"].max()
    parts = _("st.sep").join(_("st.sweep_part", task=_task(x, lang), lo=f"{s[(x, lo)]:.1f}", hi=f"{s[(x, hi)]:.1f}", top=f"{hi:g}")
                             for x in TASKS if (x, lo) in s.index and (x, hi) in s.index)
    return _("st.sweep_text", parts=parts)


# -- figures (from the tables) ----------------------------------------------------------------------
def _palette(n):
    import seaborn as sns

    return sns.color_palette("colorblind", max(n, 1))


def teaching_figure(lang: str = "en", ax=None):
    """Softmax selection probabilities of six items against beta, and the selection entropy (two axes)."""
    import matplotlib.pyplot as plt

    from psysim.softmax import entropy, softmax

    _ = translator(lang)
    a = np.array([1.0, 0.8, 0.5, 0.5, 0.2, 0.0])
    betas = np.geomspace(0.01, 300, 300)
    p = softmax(a, betas[:, None])
    h = entropy(a, betas[:, None]) / np.log(2)
    if ax is None:
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
    else:
        ax1, ax2 = ax
        fig = ax1.figure
    for i, colour in enumerate(_palette(len(a))):
        ax1.plot(betas, p[:, i], lw=2, color=colour, label=f"a = {a[i]:g}" + (" (×2)" if i == 2 else ""), ls="-" if i != 3 else ":")
    ax1.axhline(1 / len(a), color="grey", lw=0.8, ls="--")
    ax1.text(0.012, 1 / len(a) + 0.02, _("st.uniform"), fontsize=8, color="grey")
    ax1.set(xscale="log", xlabel=_("st.ax_beta"), ylabel=_("st.ax_p"), ylim=(0, 1.02))
    ax1.legend(fontsize=8, frameon=False)
    ax2.plot(betas, h, color="k", lw=2)
    ax2.axhline(np.log2(len(a)), color="grey", ls="--", lw=0.8)
    ax2.set(xscale="log", xlabel=_("st.ax_beta"), ylabel=_("st.ax_entropy"))
    if ax is None:
        fig.tight_layout()
    return fig


def sweep_figure(sweep: pd.DataFrame, lang: str = "en", ax=None):
    """Slopes and absent:present ratios along the beta sweep (two axes)."""
    import matplotlib.pyplot as plt

    _ = translator(lang)
    if ax is None:
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
    else:
        ax1, ax2 = ax
        fig = ax1.figure
    x = sweep["beta"].replace(0, 0.25)
    tasks = list(dict.fromkeys(sweep["task"]))
    colours = dict(zip(tasks, _palette(len(tasks))))
    for (task, tp), g in sweep.assign(x=x).groupby(["task", "target_present"], sort=False):
        ax1.errorbar(g["x"], g["slope"], yerr=[g["slope"] - g["ci_low"], g["ci_high"] - g["slope"]], marker="o" if tp else "s",
                     ls="-" if tp else "--", color=colours[task], label=f"{_task(task, lang)}, {label('target', bool(tp), lang)}", capsize=2)
    ax1.set(xscale="log", xlabel=_("st.ax_beta0", at="0.25"), ylabel=_("st.ax_slope"))
    ax1.legend(fontsize=7, frameon=False)
    r = sweep.assign(x=x).drop_duplicates(["task", "beta"])
    for task, g in r.groupby("task", sort=False):
        ax2.plot(g["x"], g["ratio"], marker="o", color=colours[task], label=_task(task, lang))
    ax2.axhline(2, color="grey", ls="--", lw=0.8)
    ax2.set(xscale="log", xlabel=_("st.ax_beta0", at="0.25"), ylabel=_("st.ax_ratio"))
    ax2.legend(fontsize=8, frameon=False)
    if ax is None:
        fig.tight_layout()
    return fig


def fits_figure(fits: pd.DataFrame, lang: str = "en", ax=None):
    """Fitted beta per task with 95% profile CIs, group (large) and observers (small), one axes per map."""
    _ = translator(lang)
    maps = list(pd.unique(fits["priority"]))
    fig, axes, own = panel_axes(ax, len(maps), (3.8 * len(maps), 3.6))
    blue, red = _palette(4)[0], _palette(4)[3]
    for a, pmap in zip(axes, maps):
        f = fits[fits["priority"] == pmap]
        top = float(np.nanmax(np.where(np.isfinite(f["ci_high"]), f["ci_high"], f["beta"]))) * 1.1 + 0.1
        for i, task in enumerate(TASKS):
            t = f[f["task"] == task]
            for j, (_i, r) in enumerate(t.iterrows()):
                grp = r["subject"] == "group"
                xpos = i + (0.0 if grp else -0.3 + 0.6 * j / max(len(t), 1))
                hi = r["ci_high"] if np.isfinite(r["ci_high"]) else top
                a.plot([xpos, xpos], [r["ci_low"], hi], color="k" if grp else "0.6", lw=2 if grp else 1)
                if not np.isfinite(r["ci_high"]):
                    a.annotate("", (xpos, top), (xpos, top * 0.93), arrowprops={"arrowstyle": "->", "color": "0.4"})
                a.plot(xpos, r["beta"], "o", ms=8 if grp else 4, color=red if grp else blue)
        a.set(xticks=range(len(TASKS)), ylabel=_("st.ax_fit_beta"), title=_("st.map_title", map=pmap))
        a.set_xticklabels([_task(x, lang) for x in TASKS], fontsize=8)
    if own:
        fig.tight_layout()
    return fig


def profile_figure(profiles: pd.DataFrame, lang: str = "en", ax=None):
    """Profile log-likelihood of beta for the group fits, relative to the maximum, one axes per map."""
    _ = translator(lang)
    g = profiles[profiles["subject"] == "group"]
    maps = list(pd.unique(g["priority"]))
    fig, axes, own = panel_axes(ax, len(maps), (3.8 * len(maps), 3.4))
    colours = dict(zip(TASKS, _palette(len(TASKS))))
    for a, pmap in zip(axes, maps):
        for task in TASKS:
            p = g[(g["priority"] == pmap) & (g["task"] == task)]
            a.plot(p["beta"].replace(0, 0.02), p["loglik"] - p["loglik"].max(), marker=".", color=colours[task], label=_task(task, lang))
        a.axhline(-CHI2_95 / 2, color="grey", ls="--", lw=0.8)
        a.set(xscale="log", ylim=(-40, 2), xlabel=_("st.ax_beta0", at="0.02"), ylabel=_("st.ax_profile"), title=_("st.map_title", map=pmap))
        a.legend(fontsize=8, frameon=False)
    if own:
        fig.tight_layout()
    return fig


def render(run_dir, lang: str, info: dict, out, tables: dict, save_figure=None):
    """Figures and report of a softmax-temperature run folder, in ``lang``.

    ``info``: ``seed, quick, maps, n_displays, n_draws, beta_grid`` (list), ``nuisance`` (the
    profiled parameters' names), ``t_item_low`` (the dwell's lower fitting bound, ms), ``trim``
    (a :class:`psysim.stats.TrimRule`), ``citations`` (pairs), ``versions``.
    """
    _ = translator(lang)
    fits, profiles, sweep, order, bic = (read_table(run_dir, tables[k]) for k in ("temperature", "profiles", "sweep", "order", "bic"))
    maps, grid = info["maps"], info["beta_grid"]
    with plot_style(lang):
        figs = [(teaching_figure(lang), "teaching.png", "st.fig_teaching"), (sweep_figure(sweep, lang), "sweep.png", "st.fig_sweep"),
                (fits_figure(fits, lang), "fits.png", "st.fig_fits"), (profile_figure(profiles, lang), "profiles.png", "st.fig_profiles")]
    if save_figure is not None:
        for fig, name, _key in figs:
            save_figure(fig, name)

    def shown(df):
        d = df.copy()
        if "comparison" in d:
            d["comparison"] = [_comparison(c, lang) for c in d["comparison"]]
        return translate_table(d, lang, values=VALUES)

    r = Report(_("st.title"), lang=lang)
    r.text(_("st.intro", trim=trim_text(info["trim"], lang), n_displays=info["n_displays"], n_draws=info["n_draws"],
             n_grid=len(grid), top=f"{grid[-1]:g}"))
    r.heading(_("st.h_order"))
    r.bullets(order_lines(fits, order, maps, lang))
    r.note(_("st.note_between"))
    tg = fits[(fits["priority"] == "target") & (fits["subject"] == "group")].set_index("task")
    if len(tg):
        dwells = _("st.sep").join(_("st.dwell", task=_task(x, lang), t=f"{row['t_item']:.0f}", cv=f"{row['item_cv']:.2f}", beta=f"{row['beta']:.2f}")
                                  for x, row in tg.iterrows())
        r.note(_("st.note_tradeoff", dwells=dwells))
    if "misfit" in fits:  # the run's own misfit flags
        for note in misfit_notes(fits, lang):
            r.note(note)
    else:  # tables without them: the two cases the report has always named
        lo = info.get("t_item_low", 1.0)
        stuck = fits[(fits["subject"] == "group") & (fits["t_item"] <= 1.5 * lo)]
        if len(stuck):
            items = _("st.sep").join(_("st.stuck_item", map=row["priority"], task=_task(row["task"], lang), beta=f"{row['beta']:.2f}")
                                     for _i, row in stuck.iterrows())
            r.note(_("st.stuck", items=items, lo=f"{lo:g}"))
        if len(fits[(fits["priority"].isin(["gs", "contrast"])) & (fits["task"] == "spatial")]):
            r.note(_("st.flat_maps"))
    extra = [c for c in ("misfit",) if c in fits]
    r.table(shown(fits[fits["subject"] == "group"][["priority", "task", "beta", "ci_low", "ci_high", "bic", *info["nuisance"], *extra]]),
            caption=_("st.table_group"), digits=3)
    r.table(shown(order), caption=_("st.table_order"), digits=3)
    r.heading(_("st.h_bic"))
    if len(maps) > 1:
        multi = bic[bic["delta_bic"].notna()]
        best = multi[multi["best"].astype(bool)].groupby(["priority"]).size().reindex(maps, fill_value=0)
        gb = multi[multi["subject"] == "group"]
        gbest = gb["best"].astype(bool)
        txt = [_("st.bic_line", task=_task(x, lang), best=gb[(gb["task"] == x) & gbest]["priority"].iloc[0],
                 others=", ".join(f"{row['priority']} {row['delta_bic']:.0f}" for _i, row in gb[(gb["task"] == x) & ~gbest].iterrows()))
               for x in TASKS if ((gb["task"] == x) & gbest).any()]
        r.bullets(txt + [_("st.bic_all", counts=", ".join(f"{m} {n}×" for m, n in best.items()))])
        r.table(shown(multi.pivot_table(index=["task", "subject"], columns="priority", values="delta_bic").reset_index()),
                caption=_("st.table_bic"), digits=1)
    r.heading(_("st.h_observers"))
    r.table(shown(fits[fits["subject"] != "group"][["priority", "task", "subject", "beta", "ci_low", "ci_high", "bic", *extra]]),
            caption=_("st.table_observers"), digits=3)
    r.heading(_("st.h_sweep"))
    r.text(sweep_text(sweep, lang))
    r.table(shown(sweep), caption=_("st.table_sweep"), digits=2)
    for fig, _name, key in figs:
        r.figure(fig, _(key))
    for citation, licence in info["citations"]:
        r.cite(citation, licence)
    meta = {_("meta.experiment"): "softmax-temperature", _("meta.seed"): info["seed"], _("meta.quick"): _("yes") if info["quick"] else _("no"),
            _("meta.language"): lang, _("st.meta_maps"): ",".join(maps), _("st.meta_displays"): info["n_displays"],
            _("st.meta_orders"): info["n_draws"], _("st.meta_grid"): _("st.grid_text", n=len(grid), top=f"{grid[-1]:g}"),
            _("meta.trimming"): trim_text(info["trim"], lang), **info.get("versions", {})}
    return r.write(out, metadata=meta)
