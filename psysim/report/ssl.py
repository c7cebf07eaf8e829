"""The report of ``psysim run self-supervised``, drawn from the tables of its run folder.

:func:`render` reads ``pretraining.csv``, ``probe.csv``, ``pictures.csv``, ``naming.csv``,
``fixation_metrics.csv``, ``fixation_tests.csv``, ``pointing.csv`` and ``comparisons.csv`` (each checked against the
experiment's :data:`TABLES` as the run checked it) and writes one self-contained HTML file in
English or Japanese (:mod:`psysim.i18n`). Verdicts come from ``comparisons.csv``: a backbone is
called best only when its paired bootstrap difference to the runner-up excludes 0, and a
question whose best network is not above chance is answered "none reliably". The figure of
example maps needs the networks, so it is drawn only during the run (``examples``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from psysim.i18n import plot_style, translator
from psysim.report.html import Report
from psysim.tables import read_table


def _f(v, digits=3) -> str:
    return "–" if v is None or (isinstance(v, float) and not np.isfinite(v)) else f"{v:.{digits}f}"


def verdict_lines(comparisons: pd.DataFrame, _) -> list[str]:
    """One sentence per question of ``comparisons.csv`` (and one on the baseline beside it)."""
    lines = []
    for _i, c in comparisons.iterrows():
        q = c["question"]
        if q == "fixations":
            qt = _("ssl.q.fixations", measure=c["measure"])
        elif q == "pointing":
            qt = _("ssl.q.pointing")
        else:
            qt = _("ssl.q.naming", regime=q.split(" ", 1)[1])
        value = _f(c["best_value"])
        if c["all_at_chance"]:
            lines.append(_("ssl.v_none", q=qt, best=c["best"], value=value))
            continue
        if c["best_at_chance"]:
            lines.append(_("ssl.v_chance", q=qt, best=c["best"], value=value))
            continue
        kw = {"q": qt, "best": c["best"], "value": value, "runner": c["runner_up"], "diff": _f(c["difference"]),
              "lo": _f(c["ci_low"]), "hi": _f(c["ci_high"])}
        p = c.get("p_holm", np.nan)
        tested = isinstance(p, float) and np.isfinite(p)
        if c["ci_low"] > 0 and tested and p >= 0.05:
            lines.append(_("ssl.v_tie_p", p=_f(p), **kw))
            continue
        text = _("ssl.v_best", **kw) if c["ci_low"] > 0 else _("ssl.v_tie", **kw)
        if tested:
            text = text[:-1] + _("ssl.v_p", p=_f(p)) + text[-1] if text.endswith((".", "。")) else text + _("ssl.v_p", p=_f(p))
        if isinstance(c["vs"], str) and c["vs"] and np.isfinite(c["vs_difference"]):
            key = "ssl.v_vs_win" if c["vs_ci_low"] > 0 else "ssl.v_vs_lose" if c["vs_ci_high"] < 0 else "ssl.v_vs_tie"
            text += " " + _(key, vs=c["vs"], diff=_f(c["vs_difference"]), lo=_f(c["vs_ci_low"]), hi=_f(c["vs_ci_high"]))
        lines.append(text)
    return lines


def _loss_figure(history):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.2))
    for k, (b, g) in enumerate(history.groupby("backbone", sort=False)):
        for j, (_seed, h) in enumerate(g.groupby("seed", sort=True)):
            ax.plot(h["step"], h["loss"].rolling(5, min_periods=1).mean(), color=f"C{k}", alpha=0.8, lw=1, label=b if j == 0 else None)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.legend()
    fig.tight_layout()
    return fig


def _fixation_figure(fix):
    import matplotlib.pyplot as plt

    metrics = list(dict.fromkeys(fix["metric"]))
    maps = list(dict.fromkeys(fix["map"]))
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.2 * len(metrics), 3.6), squeeze=False)
    for ax, m in zip(axes[0], metrics):
        g = fix[fix["metric"] == m].set_index("map").reindex(maps)
        y = np.arange(len(maps))
        ax.barh(y, g["mean"], color=["tab:gray" if k in ("itti-koch", "centre-bias") else "tab:blue" for k in maps])
        ax.axvline(g.loc["centre-bias", "mean"] if "centre-bias" in g.index else 0, ls=":", color="tab:gray", lw=0.8)
        ax.errorbar(g["mean"], y, xerr=[g["mean"] - g["ci_low"], g["ci_high"] - g["mean"]], fmt="none", color="k")
        ax.axvline(g["chance"].iloc[0], ls="--", color="k", lw=0.8)
        ax.set_yticks(y, maps if ax is axes[0][0] else [""] * len(maps), fontsize=8)
        ax.set_title(m)
        if m.startswith("auc"):
            ax.set_xlim(0.3, 1.0)
    fig.tight_layout()
    return fig


def examples_figure(examples):
    """Rows: images; columns: the image with its fixations, then each map."""
    import matplotlib.pyplot as plt

    names = list(examples[0][3])
    fig, axes = plt.subplots(len(examples), 1 + len(names), figsize=(1.9 * (1 + len(names)), 1.6 * len(examples)), squeeze=False)
    for row, (name, image, fix, maps) in zip(axes, examples):
        ys, xs = np.nonzero(fix)
        row[0].imshow(image)
        row[0].scatter(xs, ys, s=2, c="cyan")
        row[0].set_title(name, fontsize=7)
        for ax, k in zip(row[1:], names):
            ax.imshow(maps[k], cmap="inferno")
            ax.set_title(k, fontsize=7)
        for ax in row:
            ax.axis("off")
    fig.tight_layout()
    return fig


def render(run_dir, lang: str, info: dict, out, specs: dict, save_figure=None, examples=None) -> Path:
    """Write the report of a self-supervised run folder.

    Parameters
    ----------
    run_dir : path
        The run folder (its tables are read and checked against ``specs``).
    lang : {"en", "ja"}
    info : dict
        ``seed, quick, settings, fixation_images, pretraining_images, citations``.
    out : path
        The HTML file.
    specs : dict
        The experiment's :class:`~psysim.tables.TableSpec` by key (``experiments/self_supervised.py: TABLES``).
    save_figure : callable, optional
        ``save_figure(fig, name)``: keep the figures as PNG files too.
    examples : list, optional
        ``(name, image, fixations, {map: array})`` per image, for the figure of example maps.
    """
    run_dir = Path(run_dir)
    hist, probe, naming, fix, point, comps, tests, pics = (read_table(run_dir, specs[k]) for k in
                                                           ("pretraining", "probe", "naming", "fixations", "pointing", "comparisons",
                                                            "fixation_tests", "pictures"))
    s = info.get("settings") or {}
    pre = info.get("pretraining_images") or {}
    _ = translator(lang)
    figs = {}
    with plot_style(lang):
        figs["pretraining_loss.png"] = _loss_figure(hist)
        figs["fixation_metrics.png"] = _fixation_figure(fix)
        if examples:
            figs["maps.png"] = examples_figure(examples)
    if save_figure is not None:
        for name, fig in figs.items():
            save_figure(fig, name)

    r = Report(_("ssl.title"), lang=lang)
    n_seeds = int(hist["seed"].nunique())
    r.text(_("ssl.intro", arch=s.get("arch", "?"), steps=s.get("steps", "?"), batch=s.get("batch", "?"), size=s.get("size", "?"),
             n_objects=pre.get("objects", "?"), n_search=pre.get("search_displays", "?"), n_pictures=pre.get("pictures", "?"),
             n_seeds=n_seeds, seed=info.get("seed")))
    if info.get("quick"):
        r.note(_("ssl.quick"))

    r.heading(_("ssl.h_verdict"))
    r.bullets(verdict_lines(comps, _))

    r.heading(_("ssl.h_pretraining"))
    for b, g in hist.groupby("backbone", sort=False):
        steps = g.groupby("seed")["step"].transform("max")
        r.text(_("ssl.loss_line", backbone=b, first=_f(g.loc[g["step"] < 10, "loss"].mean()), last=_f(g.loc[g["step"] > steps - 10, "loss"].mean())))
    r.figure(figs["pretraining_loss.png"], _("ssl.fig_loss"))

    r.heading(_("ssl.h_probe"))
    r.text(_("ssl.probe_text", n_ledger=pre.get("ledger_ids", "?")))
    r.table(probe, caption=_("ssl.table_probe"), digits=3)
    lines = []
    for (task, ev), g in probe.groupby(["task", "evaluation"], sort=False):
        g = g.set_index("backbone")
        best = g["accuracy"].idxmax()
        lines.append(_("ssl.probe_line", task=task, evaluation=ev, best=best, acc=_f(g.loc[best, "accuracy"]), lo=_f(g.loc[best, "ci_low"]),
                       hi=_f(g.loc[best, "ci_high"]), rand=_f(g.loc["random", "accuracy"]) if "random" in g.index else "–",
                       chance=_f(g["chance"].iloc[0])))
    r.bullets(lines)
    flat = probe[probe["ci_low"] <= probe["chance"]]
    if len(flat):
        r.note(_("ssl.at_chance", which=", ".join(f"{a.task} {a.evaluation} {a.backbone}" for a in flat.itertuples())))

    r.heading(_("ssl.h_naming"))
    r.text(_("ssl.naming_text", n_names=s.get("n_names", "?"), n_pictures=s.get("n_pictures", "?")))
    r.table(naming, caption=_("ssl.table_naming"), digits=3)
    flat = naming[naming["ci_low"] <= naming["chance"]]
    if len(flat):
        r.note(_("ssl.at_chance", which=", ".join(f"{a.backbone} {a.regime}" for a in flat.itertuples())))
    pre_pics = pics[pics["pretraining"]]
    if len(pre_pics):
        names = ", ".join(dict.fromkeys(pre_pics["name"].astype(str)))
        r.text(_("ssl.pictures_text", n_pre=len(pre_pics), n_all=len(pics), n_items=pre_pics["item"].nunique(),
                 n_views=pre.get("ledger_picture_views", "?"), names=names))
        r.text(_("ssl.split_text"))
        r.bullets([_("ssl.split_line", regime=a.regime, backbone=a.backbone, pre=_f(a.acc_pretraining), other=_f(a.acc_other),
                     diff=_f(a.split_diff), lo=_f(a.split_ci_low), hi=_f(a.split_ci_high)) for a in naming.itertuples()])
    else:
        r.text(_("ssl.pictures_none"))
    for regime, g in naming.groupby("regime", sort=False):
        def items(rows):
            return "; ".join(_("ssl.latency_item", backbone=a.backbone, beta=_f(a.beta_entropy), lo=_f(a.beta_ci_low), hi=_f(a.beta_ci_high),
                               dr2=_f(a.delta_r2)) for a in rows.itertuples())

        good, opposite = g[g["beta_ci_low"] > 0], g[g["beta_ci_high"] < 0]
        if len(good):
            r.text(_("ssl.latency_some", regime=regime, which=items(good)))
        if len(opposite):
            r.text(_("ssl.latency_opposite", regime=regime, which=items(opposite)))
        if not len(good) and not len(opposite):
            r.text(_("ssl.latency_none", regime=regime))

    r.heading(_("ssl.h_fixations"))
    fi = info.get("fixation_images") or {}
    fi = fi if isinstance(fi, dict) else {}
    r.text(_("ssl.fix_text", n_fit=fi.get("fit", "?"), n_test=fi.get("test", "?"), side=s.get("fixation_side", "?"), n_boot=s.get("n_boot", "?")))
    wide = fix.pivot_table(index="map", columns="metric", values=["mean", "ci_low", "ci_high"], sort=False)
    tab = pd.DataFrame({m: [f"{wide.loc[k, ('mean', m)]:.3f} [{wide.loc[k, ('ci_low', m)]:.3f}, {wide.loc[k, ('ci_high', m)]:.3f}]"
                            for k in wide.index] for m in dict.fromkeys(fix["metric"])}, index=wide.index).reset_index()
    r.table(tab, caption=_("ssl.table_fix"))
    r.figure(figs["fixation_metrics.png"], _("ssl.fig_fix"))
    net = tests[~tests["a"].isin(("itti-koch", "centre-bias")) & (tests["b"] == "centre-bias")]
    won = net[(net["p_holm"] < 0.05) & (net["mean_diff"] > 0)]
    r.text(_("ssl.tests_text", n_test=fi.get("test", "?"), n_tests=len(tests), n_maps=int((net["metric"] == "ll_bits").sum()),
             n_beat=int((won["metric"] == "ll_bits").sum()), n_add=int((won["metric"] == "ll_bits_mixture").sum())))
    r.table(tests.drop(columns=["a", "b"]), caption=_("ssl.table_tests"), digits=3)
    if "maps.png" in figs:
        r.figure(figs["maps.png"], _("ssl.fig_maps"))

    r.heading(_("ssl.h_pointing"))
    r.text(_("ssl.pointing_text", n=int(point["n"].iloc[0]), chance=_f(point["chance"].iloc[0])))
    r.table(point, caption=_("ssl.table_pointing"), digits=3)

    r.heading(_("ssl.h_limits"))
    r.text(_("ssl.limits", arch=s.get("arch", "?"), size=s.get("size", "?"), n_seeds=n_seeds, share=s.get("picture_share", "?")))
    for c in info.get("citations") or []:
        r.cite(*c) if isinstance(c, (list, tuple)) else r.cite(c)
    for c in info.get("references") or []:
        r.cite(c)
    meta = {"experiment": "self-supervised", "seed": info.get("seed"), "quick": info.get("quick"), **{k: str(v) for k, v in s.items()}}
    r.write(out, metadata=meta)
    return Path(out)
