"""The report of ``psysim run picture-naming``, drawn from the tables of its run folder.

:func:`render` reads ``items.csv``, ``seeds.csv``, ``regressions.csv``, ``comparisons.csv``
and, where the norms allowed them, ``r2_change.csv``, ``temperature_splits.csv`` and
``colour_test.csv``; it writes one HTML file in English or Japanese. The figures of confusions
and Grad-CAM maps need the pictures and the networks, so they are drawn only during the run
(``network_figures``); a re-rendered report says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.i18n import label, plot_style, translate_table, translator
from psysim.report.html import Report
from psysim.stats.apa import fmt_p
from psysim.tables import read_table

COVARIATES = ("familiarity", "complexity")
VALUES = ("regime", "version")


def relation_sentence(row, what: str, expected: int, lang: str) -> str:
    """One sentence for a standardised coefficient (as :func:`psysim.naming.relation_text`), in ``lang``."""
    _ = translator(lang)
    b, lo, hi = row["coefficient"], row["ci_low"], row["ci_high"]
    est = _("pn.rel_est", b=f"{b:.2f}", lo=f"{lo:.2f}", hi=f"{hi:.2f}", p=fmt_p(row["p"]), n=int(row["n"]))
    if lo <= 0 <= hi:
        return _("pn.rel_none", what=what, est=est)
    against = _("pn.rel_against") if expected and np.sign(b) != np.sign(expected) else ""
    return _("pn.rel_pos" if b > 0 else "pn.rel_neg", what=what, est=est, against=against)


def _optional(run_dir, tables, key):
    from pathlib import Path

    spec = tables[key]
    return read_table(run_dir, spec) if (Path(run_dir) / spec.name).exists() else pd.DataFrame()


def _shown(df, lang):
    return translate_table(df, lang, values=VALUES)


def coverage_section(r: Report, coverage: pd.DataFrame, info: dict, lang: str):
    """What the norms allowed: every comparison with people, made or not, and why."""
    _ = translator(lang)
    r.heading(_("pn.h_coverage"))
    desc = info["pictures"].get("description")
    if desc:
        mapping = ", ".join(f"{k} = {v!r}" for k, v in desc["columns"].items())
        unit = _("pn.described_unit", unit=desc["rt_unit"]) if desc.get("rt_unit", "ms") != "ms" else ""
        r.text(_("pn.described", manifest=desc["manifest"], path=desc["path"],
                 columns=_("pn.described_columns", mapping=mapping, unit=unit) if mapping else ""))
    made, missing = coverage[coverage["made"]], coverage[~coverage["made"]]
    sep = "; " if lang == "en" else "；"
    listed = sep.join(f"{_('pn.cmp.' + k)} ({why})" for k, why in zip(made["comparison"], made["reason"]))
    r.text(_("pn.made", n=len(made), total=len(coverage), list=(": " if lang == "en" else "：") + listed if len(made) else ""))
    if len(missing):
        r.text(_("pn.not_made", list=sep.join(f"{_('pn.cmp.' + k)}: {why}" for k, why in zip(missing["comparison"], missing["reason"]))))
    if lang != "en":
        r.text(_("pn.reasons_english"))
    if info.get("unused"):
        r.note(_("pn.unused", unused=", ".join(info["unused"]), norms=", ".join(info["norm_columns"])))
    shown = coverage.assign(comparison=[_("pn.cmp." + k) for k in coverage["comparison"]],
                            made=[_("yes") if m else _("no") for m in coverage["made"]])
    r.table(_shown(shown[["comparison", "made", "n_items", "reason"]], lang), caption=_("pn.table_coverage"))


def render(run_dir, lang: str, info: dict, out, tables: dict, network_figures=None, save_figure=None):
    """Figures and report of a picture-naming run folder, in ``lang``.

    ``info``: ``seed, quick, settings`` (the run's settings), ``pictures`` (source, counts, meta),
    ``train_strength``, ``eval_strengths``, ``ink_threshold``, ``unused``, ``norm_columns``,
    ``citations`` (pairs); ``network_figures(lang)`` (during the run): a list of
    ``(kind, backbone, regime, figure or exception)``, kind ``"confusions"`` or ``"cam"``.
    """
    from psysim.naming import plots

    _ = translator(lang)
    s, pic = info["settings"], info["pictures"]
    items, seeds, regressions, coverage = (read_table(run_dir, tables[k]) for k in ("items", "seeds", "regressions", "comparisons"))
    changes, splits, colour = (_optional(run_dir, tables, k) for k in ("r2_change", "temperature_splits", "colour_test"))
    made = dict(zip(coverage["comparison"], coverage["made"]))
    primary = "line" if (items["version"] == "line").any() else items["version"].value_counts().index[0]
    has_rt = bool(made.get("latency"))

    def net(bb, reg):
        return bb, label("regime", reg, lang)

    figs = {}
    with plot_style(lang):
        figs["regimes"] = plots.regime_plot(items, lang=lang)
        if has_rt:
            figs["entropy_vs_rt"] = plots.entropy_latency_plot(items[items["version"] == primary], lang=lang)
        if len(splits):
            figs["temperature_splits"] = plots.temperature_split_plot(splits, lang=lang)
        if len(colour):
            figs["colour_vs_line"] = plots.colour_plot(items, lang=lang)
        extra = network_figures(lang) if network_figures is not None else None
    if save_figure is not None:
        for name, fig in figs.items():
            save_figure(fig, f"{name}.png")

    r = Report(_("pn.title"), lang=lang)
    regimes = _("pn.and").join(label("regime", x, lang) for x in s["regimes"])
    intro = _("pn.intro", backbones=", ".join(s["backbones"]), n_names=pic["n_names"], n_pictures=pic["n_pictures"],
              set=_("pn.builtin_set") if pic["source"] == "builtin" else pic["source"], regimes=regimes,
              s0=info["train_strength"][0], s1=info["train_strength"][1], eval=", ".join(map(str, info["eval_strengths"])),
              views=s["views"], n_train=int(seeds["n_training_views"].sum()),
              dropped=int(seeds["eval_views_dropped_equal_to_training"].sum()), seeds=s["seeds"], T=f"{s['temperature']:g}")
    if pic.get("crop"):
        intro += _("pn.crop", ink=info["ink_threshold"], pad=f"{100 * pic['crop_pad']:g}", size=s["size"])
    else:
        intro += _("pn.no_crop", size=s["size"])
    r.text(intro)
    if "psysim-glyphs" in s["backbones"]:
        r.note(_("pn.glyphs_note"))
    if info["quick"]:
        r.note(_("pn.quick"))

    r.heading(_("pn.h_accuracy"))
    agg = seeds.groupby(["backbone", "regime"], sort=False).agg(
        accuracy=("accuracy", "mean"), accuracy_sd=("accuracy", "std"), top5=("top5", "mean"), p_correct=("p_correct", "mean"),
        entropy=("entropy", "mean"), T_calibrated=("T_calibrated", "mean"), train_acc=("final_train_acc", "mean"),
        n_seeds=("seed", "size")).reset_index()
    r.table(_shown(agg, lang), caption=_("pn.table_accuracy"), digits=3)
    for _i, a in agg.iterrows():
        gap = a["train_acc"] - a["accuracy"]
        sd = a["accuracy_sd"] if pd.notna(a["accuracy_sd"]) else 0
        bb, reg = net(a["backbone"], a["regime"])
        r.text(_("pn.accuracy_line", backbone=bb, regime=reg, acc=f"{100 * a['accuracy']:.1f}", sd=f"{100 * sd:.1f}",
                 top5=f"{100 * a['top5']:.1f}", train=f"{100 * a['train_acc']:.1f}", gap=f"{'+' if gap >= 0 else ''}{100 * gap:.1f}"))
    for bb in s["backbones"]:
        a = agg[agg["backbone"] == bb].set_index("regime")
        if {"transfer", "finetune"} <= set(a.index):
            w = items[items["backbone"] == bb].pivot_table(index=["item", "version"], columns="regime", values="entropy")
            r_ent = np.corrcoef(w["transfer"], w["finetune"])[0, 1]
            diff = 100 * (a.loc["finetune", "accuracy"] - a.loc["transfer", "accuracy"])
            r.text(_("pn.regimes_line", backbone=bb, diff=f"{abs(diff):.1f}", more=_("pn.more" if diff >= 0 else "pn.fewer"),
                     r=f"{r_ent:.2f}", same=_("pn.same" if r_ent > 0.5 else "pn.different")))
    r.figure(figs["regimes"], _("pn.fig_regimes"))

    coverage_section(r, coverage, info, lang)

    if has_rt:
        r.heading(_("pn.h_latency", version=label("version", primary, lang)))
        r.text(_("pn.latency_expect"))
        for (bb, reg), tab in regressions[regressions["outcome"] == "human_rt"].groupby(["backbone", "regime"], sort=False):
            b, g = net(bb, reg)
            alone = tab[tab["model"] == "human_rt ~ entropy"].iloc[0]
            full = tab[(tab["predictor"] == "entropy") & (tab["model"] != "human_rt ~ entropy")]
            r.text(relation_sentence(alone, _("pn.w_alone", backbone=b, regime=g), +1, lang))
            if len(full):
                used = [c for c in COVARIATES if ((tab["predictor"] == c) & (tab["model"] == full.iloc[0]["model"])).any()]
                covs = _("pn.and").join(label("cov", c, lang) for c in used)
                r.text(relation_sentence(full.iloc[0], _("pn.w_with", backbone=b, regime=g, covs=covs), +1, lang))
                ch = changes[(changes["backbone"] == bb) & (changes["regime"] == reg)].iloc[0]
                r.text(_("pn.delta_r2", d=f"{ch['delta_r2']:.3f}", df1=f"{ch['df_num']:.0f}", df2=f"{ch['df_den']:.0f}",
                         F=f"{ch['F']:.2f}", p=f"{ch['p']:.3g}"))
            for cov in COVARIATES:
                c = tab[(tab["predictor"] == cov) & (tab["model"].str.contains("entropy"))]
                if len(c):
                    r.text(relation_sentence(c.iloc[0], _("pn.w_cov", backbone=b, regime=g, cov=label("cov", cov, lang)),
                                             -1 if cov == "familiarity" else +1, lang))
        cols = ["backbone", "regime", "model", "predictor", "coefficient", "ci_low", "ci_high", "p", "r2", "n"]
        r.table(_shown(regressions[regressions["outcome"] == "human_rt"][cols], lang), caption=_("pn.table_latency"), digits=3)
        r.figure(figs["entropy_vs_rt"], _("pn.fig_latency"))

    if len(splits):
        r.heading(_("pn.h_splits"))
        st = splits.groupby(["backbone", "regime"], sort=False).agg(
            T_median=("T", "median"), T_q025=("T", lambda v: v.quantile(0.025)), T_q975=("T", lambda v: v.quantile(0.975)),
            r2_test=("r2_test", "mean"), r2_test_covariates=("r2_test_covariates", "mean"), delta_r2_test=("delta_r2_test", "mean"),
            delta_q025=("delta_r2_test", lambda v: v.quantile(0.025)), delta_q975=("delta_r2_test", lambda v: v.quantile(0.975)),
            share_better=("delta_r2_test", lambda v: (v > 0).mean()), splits=("split", "size")).reset_index()
        r.table(_shown(st, lang), caption=_("pn.table_splits"), digits=3)
        for _i, a in st.iterrows():
            b, g = net(a["backbone"], a["regime"])
            r.text(_("pn.split_line", backbone=b, regime=g, verdict=_("pn.split_yes" if a["delta_q025"] > 0 else "pn.split_no"),
                     d=f"{a['delta_r2_test']:.3f}", lo=f"{a['delta_q025']:.3f}", hi=f"{a['delta_q975']:.3f}",
                     pct=f"{100 * a['share_better']:.0f}", T=f"{a['T_median']:.2f}"))
        r.figure(figs["temperature_splits"], _("pn.fig_splits"))

    ag = regressions[regressions["outcome"].isin(["human_h", "human_pct_modal"])]
    if len(ag):
        r.heading(_("pn.h_agreement"))
        for _i, row in ag.iterrows():
            b, g = net(row["backbone"], row["regime"])
            what = _("pn.w_h" if row["outcome"] == "human_h" else "pn.w_modal", backbone=b, regime=g)
            r.text(relation_sentence(row, what, +1 if row["outcome"] == "human_h" else -1, lang)
                   + _("pn.spearman", rho=f"{row['spearman_rho']:.2f}"))
        if pic["source"] == "builtin":
            r.text(_("pn.h_caution"))

    if len(colour):
        r.heading(_("pn.h_colour"))
        cols = ["backbone", "regime", "measure", "n", "mean_line", "mean_colour", "mean_diff", "ci_low", "ci_high", "t", "p", "d_z",
                "wilcoxon_p", "r_gain_human", "r_gain_p"]
        r.table(_shown(colour[cols], lang), caption=_("pn.table_colour"), digits=3)
        hum = colour[colour["measure"] == "human_rt"]
        if len(hum):
            h = hum.iloc[0]
            r.text(_("pn.people_colour", ms=f"{-h['mean_diff']:.0f}", dir=_("pn.people_faster" if h["mean_diff"] < 0 else "pn.people_slower"),
                     lo=f"{h['ci_low']:.0f}", hi=f"{h['ci_high']:.0f}", df=int(h["n"]) - 1, t=f"{h['t']:.2f}", p=f"{h['p']:.3g}",
                     n=int(h["n"]), end=_("pn.period") if h["ci_high"] < 0 else _("pn.ci_includes_0")))
        for _i, c in colour[colour["measure"] == "entropy"].iterrows():
            verdict = _("pn.colour_gain" if c["ci_high"] < 0 else "pn.colour_loss" if c["ci_low"] > 0 else "pn.colour_none")
            b, g = net(c["backbone"], c["regime"])
            r.text(_("pn.colour_line", backbone=b, regime=g, verdict=verdict, d=f"{c['mean_diff']:.3f}", lo=f"{c['ci_low']:.3f}",
                     hi=f"{c['ci_high']:.3f}", p=f"{c['p']:.3g}", r=f"{c['r_gain_human']:.2f}", rp=f"{c['r_gain_p']:.3g}"))
        r.figure(figs["colour_vs_line"], _("pn.fig_colour"))

    r.heading(_("pn.h_confusions"))
    if extra is None:
        r.note(_("pn.rerendered"))
    for kind, bb, reg, fig in extra or ():
        b, g = net(bb, reg)
        if isinstance(fig, Exception):
            r.note(_("pn.cam_failed", backbone=b, regime=g, error=f"{type(fig).__name__}: {fig}"))
            continue
        if save_figure is not None:
            save_figure(fig, f"{kind}_{bb}_{reg}.png")
        r.figure(fig, _("pn.fig_confusions" if kind == "confusions" else "pn.fig_cam", backbone=b, regime=g))
    for citation, licence in info["citations"]:
        r.cite(citation, licence)
    meta = {_("meta.experiment"): "picture-naming", _("meta.seed"): info["seed"], _("meta.quick"): _("yes") if info["quick"] else _("no"),
            _("meta.language"): lang, **{k: str(v) for k, v in s.items()}}
    return r.write(out, metadata=meta)
