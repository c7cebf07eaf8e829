"""The report of ``psysim run cnn-search``, drawn from the tables of its run folder.

:func:`render` reads ``networks.csv``, ``accuracy.csv``, ``set_size_effect.csv``,
``localisation.csv`` and ``training.csv`` (each checked against the experiment's ``TABLES``)
and writes one self-contained HTML file in English or Japanese (texts in
:mod:`psysim.i18n_cnn`). Every statistic of a network whose held-out accuracy is not above
chance (``at_chance``) is marked "network at chance: statistic not interpretable"
(ネットワークがチャンス水準：この統計量は解釈できない) in the text and the tables, and no
verdict is drawn from it. The figure of
example maps needs the networks, so it is drawn only during the run (``examples``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from psysim.i18n import plot_style, t, translator
from psysim.report.html import Report
from psysim.tables import read_table

SET_SIZES = (3, 6, 12, 18)
CONDITIONS = ("full", "limited", "noisy")
METRICS = ("pointing_game", "energy_pointing", "deletion_auc", "insertion_auc")
CITATIONS = (
    "Zhou, B., Khosla, A., Lapedriza, A., Oliva, A., & Torralba, A. (2016). Learning deep features for discriminative localization. CVPR, 2921-2929.",
    "Selvaraju, R. R., Cogswell, M., Das, A., Vedantam, R., Parikh, D., & Batra, D. (2017). Grad-CAM: Visual explanations from deep networks via gradient-based localization. ICCV, 618-626.",
    "Itti, L., Koch, C., & Niebur, E. (1998). A model of saliency-based visual attention for rapid scene analysis. IEEE TPAMI, 20(11), 1254-1259.",
    "Petsiuk, V., Das, A., & Saenko, K. (2018). RISE: Randomized input sampling for explanation of black-box models. BMVC.",
    "Nicholson, D. A., & Prinz, A. A. (2022). Could simplified stimuli change how the brain performs visual search tasks? "
    "A deep neural network study. Journal of Vision, 22(7):3.",
    "Palmer, J., Verghese, P., & Pavel, M. (2000). The psychophysics of visual search. Vision Research, 40(10-12), 1227-1268.",
    "Eckstein, M. P. (1998). The lower visual search efficiency for conjunctions is due to noise and not serial attentional "
    "processing. Psychological Science, 9(2), 111-118.",
    "Bengio, Y., Louradour, J., Collobert, R., & Weston, J. (2009). Curriculum learning. ICML, 41-48.",
    "Liu, Z., Mao, H., Wu, C.-Y., Feichtenhofer, C., Darrell, T., & Xie, S. (2022). A ConvNet for the 2020s. CVPR, 11976-11986.",
)


def network_name(source: str, lang: str = "en") -> str:
    """Display name of a ``network`` / ``source`` code (``gapcnn-noisy`` -> "gapcnn, trained, external noise")."""
    if source == "wolfe2010":
        return t("cs.human", lang)
    if source == "itti-koch":
        return t("cs.itti", lang)
    arch, _, cond = source.rpartition("-")
    return t("cs.net_cond", lang, arch=arch, cond=t(f"cs.cond.{cond}", lang)) if arch and cond in CONDITIONS else source


def _task(task: str, lang: str = "en") -> str:
    return t(f"cs.task.{task}", lang) if task in ("feature", "conjunction", "spatial", "orientation") else task


def _method(method: str, lang: str = "en") -> str:
    return t(f"cs.method.{method}", lang) if method in ("cam", "gradcam", "saliency") else method


def _f(v, digits=2) -> str:
    return "–" if v is None or not np.isfinite(v) else f"{v:.{digits}f}".replace("-", "−")


def _set_size_axis(ax, lang):
    ax.set_xticks(SET_SIZES)
    ax.set_xticklabels([str(s) for s in SET_SIZES])
    ax.set_xlabel(t("cs.ax_set_size", lang))


def _legend(fig, axes, ncol, bottom):
    handles = {}
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    fig.legend(list(handles.values()), list(handles), loc="lower center", ncol=ncol, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, bottom, 1, 1))


def accuracy_figure(accuracy: pd.DataFrame, flags: pd.Series, lang: str = "en"):
    """Accuracy and confidence against set size (target-present displays): one column per task,
    one line per network; a network at chance is drawn dashed and named so in the legend."""
    import matplotlib.pyplot as plt

    pres = accuracy[accuracy["target_present"]]
    tasks = list(dict.fromkeys(pres["task"]))
    nets = list(dict.fromkeys(pres["network"]))
    colours = dict(zip(nets, plt.get_cmap("tab10").colors[: len(nets)]))
    fig, axes = plt.subplots(2, len(tasks), figsize=(3.6 * len(tasks), 6), squeeze=False, sharey="row")
    for j, task in enumerate(tasks):
        for net in nets:
            g = pres[(pres["task"] == task) & (pres["network"] == net)].sort_values("set_size")
            if g.empty:
                continue
            chance = bool(flags.get((net, task), False))
            name = network_name(net, lang) + (t("cs.at_chance_tag", lang) if chance else "")
            for i, col in enumerate(("accuracy", "confidence")):
                axes[i, j].plot(g["set_size"], g[col], marker="o", color=colours[net], ls="--" if chance else "-",
                                label=name if (i == 0 and j == 0) or chance else None)
        axes[0, j].set_title(_task(task, lang), fontsize=10)
        for i in range(2):
            _set_size_axis(axes[i, j], lang)
            axes[i, j].axhline(0.5, color="0.6", lw=0.8, ls=":")
    axes[0, 0].set_ylabel(t("cs.ax_accuracy", lang))
    axes[1, 0].set_ylabel(t("cs.ax_confidence", lang))
    _legend(fig, axes[0], min(3, len(nets)), 0.08)
    return fig


def localisation_figure(localisation: pd.DataFrame, lang: str = "en"):
    """Pointing game and energy-based pointing against set size: rows = metric, columns = task."""
    import matplotlib.pyplot as plt

    d = localisation[localisation["metric"].isin(["pointing_game", "energy_pointing"])]
    tasks = list(dict.fromkeys(d["task"]))
    series = list(dict.fromkeys(zip(d["network"], d["method"])))
    colours = dict(zip(series, plt.get_cmap("tab10").colors[: len(series)]))
    fig, axes = plt.subplots(2, len(tasks), figsize=(3.6 * len(tasks), 5.6), squeeze=False, sharey="row")
    for i, metric in enumerate(("pointing_game", "energy_pointing")):
        for j, task in enumerate(tasks):
            ax = axes[i, j]
            for net, method in series:
                g = d[(d["task"] == task) & (d["metric"] == metric) & (d["network"] == net) & (d["method"] == method)]
                if g.empty:
                    continue
                chance = bool(g["at_chance"].any())
                ax.plot(g["set_size"], g["value"], marker="o", color=colours[(net, method)], ls="--" if chance else "-",
                        label=t("cs.series", lang, net=network_name(net, lang), method=_method(method, lang))
                        + (t("cs.at_chance_tag", lang) if chance else ""))
            if metric == "pointing_game":  # a map that picks one item at random
                ax.plot(SET_SIZES, [1 / n for n in SET_SIZES], color="0.5", lw=0.8, ls=":", label=t("cs.random_item", lang))
            ax.set_title(f"{_task(task, lang)}\n{t(f'cs.metric.{metric}', lang)}", fontsize=9)
            _set_size_axis(ax, lang)
            ax.set_ylim(0, 1.02)
    _legend(fig, axes.flat, 2, 0.14)
    return fig


def maps_figure(examples: dict, lang: str = "en"):
    """One display per task with CAM, Grad-CAM and Itti-Koch overlays, each with its colour bar."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(examples), 4, figsize=(12, 2.9 * len(examples)), squeeze=False)
    for row, (task, ex) in zip(axes, examples.items()):
        row[0].imshow(ex["image"])
        row[0].set_title(t("cs.panel_display", lang, task=_task(task, lang)), fontsize=9)
        for ax, key in zip(row[1:], ("cam", "gradcam", "saliency")):
            ax.imshow(ex["image"])
            im = ax.imshow(ex[key], cmap="viridis", alpha=0.55, vmin=0, vmax=1)
            ax.set_title(t("cs.itti", lang) if key == "saliency" else _method(key, lang), fontsize=9)
            bar = fig.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
            bar.set_label(t("cs.colorbar", lang), fontsize=7)
            bar.ax.tick_params(labelsize=7)
        for ax in row:
            ax.set_xticks([])
            ax.set_yticks([])
    fig.tight_layout()
    return fig


def _slope_text(row, lang: str = "en") -> str:
    lo, hi = row["error_slope_ci_low"], row["error_slope_ci_high"]
    verdict = t("cs.rises" if lo > 0 else "cs.falls" if hi < 0 else "cs.no_effect", lang)
    return t("cs.slope", lang, b=_f(row["error_slope_pct_per_item"]), lo=_f(lo), hi=_f(hi), verdict=verdict)


def verdict_lines(networks, effect, tasks, lang: str = "en") -> list[str]:
    """Plain-language answers computed from the tables, one per task; at-chance networks are
    named and given no verdict."""
    _ = translator(lang)
    eff = effect[effect["target_present"]].set_index(["source", "task"])
    lines = []
    for task in tasks:
        nets = networks[networks["task"] == task].set_index("condition")
        parts = []
        for cond in ("full", "noisy"):
            if cond not in nets.index:
                continue
            n = nets.loc[cond]
            head = _("cs.head", cond=_(f"cs.cond.{cond}"), noise=_("cs.noise_sd", sd=f"{n['noise_sd']:.3f}") if cond == "noisy" else "",
                     pct=f"{100 * n['accuracy']:.1f}", low=f"{100 * n['min_set_size_accuracy']:.1f}", p=f"{n['p_value']:.2g}")
            if n["at_chance"]:
                parts.append(_("cs.head_chance", head=head, note=_("cs.chance_note")))
            elif (n["network"], task) in eff.index:
                parts.append(_("cs.head_slope", head=head, slope=_slope_text(eff.loc[(n["network"], task)], lang)))
        if ("wolfe2010", task) in eff.index:
            h = eff.loc[("wolfe2010", task)]
            parts.append(_("cs.people", rt=_f(h["rt_slope_ms_per_item"], 1), err=_f(h["error_slope_pct_per_item"])))
        lines.append(_("cs.task_line", task=_task(task, lang), parts=("" if lang == "ja" else " ").join(parts)))
    learned = networks[(networks["condition"] == "noisy") & ~networks["at_chance"]]["task"].tolist()
    common = [t_ for t_ in learned if ("wolfe2010", t_) in eff.index]
    if len(common) >= 2:
        by = networks.set_index(["condition", "task"])
        net = pd.Series({k: eff.loc[(by.loc[("noisy", k), "network"], k), "error_slope_pct_per_item"] for k in common})
        hum = pd.Series({k: eff.loc[("wolfe2010", k), "rt_slope_ms_per_item"] for k in common})
        same = list(net.sort_values().index) == list(hum.sort_values().index)
        lines.append(_("cs.order", net=_("cs.order_sep").join(_task(k, lang) for k in net.sort_values().index),
                       hum=_("cs.order_sep").join(_task(k, lang) for k in hum.sort_values().index),
                       same=_("cs.same_order" if same else "cs.other_order"), n=len(common)))
    return lines


def _networks_table(networks: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    _ = translator(lang)
    return pd.DataFrame({
        _("cs.col.task"): networks["task"].map(lambda k: _task(k, lang)),
        _("cs.col.network"): networks["network"].map(lambda k: network_name(k, lang)),
        _("cs.col.accuracy"): networks["accuracy"],
        _("cs.col.lowest"): networks["min_set_size_accuracy"],
        _("cs.col.p"): networks["p_value"].map(lambda p: f"{p:.2g}"),
        _("cs.col.noise_sd"): networks["noise_sd"],
        _("cs.col.epochs"): [f"{r} ({b + 1})" for r, b in zip(networks["epochs_run"], networks["best_epoch"])],
        _("cs.col.status"): np.where(networks["at_chance"], _("cs.chance_note"), _("cs.above_chance")),
    })


def _effect_table(effect: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    _ = translator(lang)
    return pd.DataFrame({
        _("cs.col.source"): effect["source"].map(lambda k: network_name(k, lang)),
        _("cs.col.task"): effect["task"].map(lambda k: _task(k, lang)),
        _("cs.col.target"): np.where(effect["target_present"], _("cs.present"), _("cs.absent")),
        _("cs.col.error_slope"): effect["error_slope_pct_per_item"],
        _("cs.col.ci"): [_("cs.interval", lo=_f(a), hi=_f(b)) if np.isfinite(a) else "–"
                         for a, b in zip(effect["error_slope_ci_low"], effect["error_slope_ci_high"])],
        _("cs.col.confidence_slope"): effect["confidence_slope_pct_per_item"],
        _("cs.col.rt_slope"): effect["rt_slope_ms_per_item"],
        _("cs.col.note"): np.where(effect["at_chance"], _("cs.chance_note"), ""),
    })


def _localisation_table(localisation: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    _ = translator(lang)
    s = localisation.groupby(["network", "method", "task", "metric"], sort=False)
    summary = s["value"].mean().unstack("metric").reset_index()
    chance = s["at_chance"].any().groupby(level=[0, 1, 2], sort=False).any().reset_index(drop=True)
    out = pd.DataFrame({_("cs.col.source"): summary["network"].map(lambda k: network_name(k, lang)),
                        _("cs.col.map"): summary["method"].map(lambda k: _method(k, lang)),
                        _("cs.col.task"): summary["task"].map(lambda k: _task(k, lang))})
    for m in METRICS:
        if m in summary:
            out[_(f"cs.metric.{m}")] = summary[m]
    out[_("cs.col.note")] = np.where(chance.to_numpy(), _("cs.chance_note"), "")
    return out


def render(run_dir, info: dict, out, specs: dict, lang: str = "en", save_figure=None, examples=None) -> Path:
    """Write the report of a cnn-search run folder, in ``lang``.

    Parameters
    ----------
    run_dir : path
        The run folder (its tables are read and checked against ``specs``).
    info : dict
        ``seed, quick, settings, glyph_stroke_px, network_config`` (from the run's metadata).
    out : path
        The HTML file.
    specs : dict
        The experiment's :class:`~psysim.tables.TableSpec` by key (``experiments/cnn_search.py: TABLES``).
    lang : {"en", "ja"}
        The report's language (texts in :mod:`psysim.i18n_cnn`); another is refused with one line.
    save_figure : callable, optional
        ``save_figure(fig, name)``: keep the figures as files too.
    examples : dict, optional
        task -> ``{image, cam, gradcam, saliency}``, for the figure of example maps.
    """
    import matplotlib.pyplot as plt

    _ = translator(lang)
    run_dir = Path(run_dir)
    networks, accuracy, effect, localisation = (read_table(run_dir, specs[k]) for k in
                                                ("networks", "accuracy", "set_size_effect", "localisation"))
    tasks = list(dict.fromkeys(networks["task"]))
    flags = networks.set_index(["network", "task"])["at_chance"]
    s = info.get("settings") or {}
    with plot_style(lang):
        figs = {"accuracy_set_size.png": accuracy_figure(accuracy, flags, lang),
                "localisation_set_size.png": localisation_figure(localisation, lang)}
        if examples:
            figs["maps.png"] = maps_figure(examples, lang)
    if save_figure is not None:
        for name, fig in figs.items():
            save_figure(fig, name)

    r = Report(_("cs.title"), lang=lang)
    size = s.get("image_size", "?")
    r.text(_("cs.intro", arch=s.get("arch", "?"), size=size, stroke=info.get("glyph_stroke_px", "?"),
             pre=s.get("pretrain_epochs", "?"), epochs=s.get("epochs", "?"), n_val=s.get("n_val", "?"),
             patience=s.get("patience", "?"), n_per_cell=s.get("n_per_cell", "?"), sizes=", ".join(map(str, SET_SIZES)),
             n_test=s.get("n_test", "?"), smallest=SET_SIZES[0], target=s.get("noise_target", "?"), seed=info.get("seed")))
    if info.get("quick"):
        r.note(_("cs.quick"))
    r.heading(_("cs.h_learn"))
    at_chance = networks[networks["at_chance"]]
    if len(at_chance):
        items = _("cs.item_sep").join(_("cs.chance_item", net=network_name(n, lang), task=_task(k, lang), pct=f"{100 * a:.1f}")
                                      for n, k, a in zip(at_chance["network"], at_chance["task"], at_chance["accuracy"]))
        r.note(_("cs.chance_list", items=items, note=_("cs.chance_note")))
    else:
        r.text(_("cs.all_learned"))
    r.table(_networks_table(networks, lang), caption=_("cs.table_networks"), digits=3)

    r.heading(_("cs.h_effect"))
    for line in verdict_lines(networks, effect, tasks, lang):
        r.text(line)
    r.figure(figs["accuracy_set_size.png"], _("cs.fig_accuracy"))
    r.table(_effect_table(effect, lang), caption=_("cs.table_effect"), digits=2)
    r.text(_("cs.cannot"))

    r.heading(_("cs.h_where"))
    r.figure(figs["localisation_set_size.png"], _("cs.fig_localisation"))
    r.table(_localisation_table(localisation, lang), caption=_("cs.table_localisation"), digits=3)
    if "maps.png" in figs:
        r.figure(figs["maps.png"], _("cs.fig_maps", size=SET_SIZES[-2]))
    for fig in figs.values():
        plt.close(fig)
    for c in CITATIONS:
        r.cite(c)
    from psysim.data import WOLFE2010

    r.cite(WOLFE2010.citation, WOLFE2010.licence)
    meta = {_("meta.experiment"): "cnn-search", _("meta.seed"): info.get("seed"),
            _("meta.quick"): _("yes") if info.get("quick") else _("no"), _("meta.language"): lang, **s}
    return r.write(out, metadata=meta)
