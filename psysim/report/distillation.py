"""The report of ``psysim run distillation``, drawn from the tables of its run folder.

:func:`render` reads ``distillation.csv``, ``summary.csv``, ``trend.csv`` and ``teacher.csv``
and writes one HTML file in English or Japanese; every sentence is written from those tables
(:func:`findings`, :func:`headline`). The CAM figure needs the networks, so it is drawn only
during the run (``cams``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.i18n import CATALOGUE, label, plot_style, t, translate_table, translator
from psysim.report.html import Report
from psysim.tables import read_table

HARD = "hard labels"
TEMPERATURES = (1.0, 2.0, 4.0, 8.0, 16.0)


def _pct(v) -> str:
    return f"{100 * v:.1f}"


def ci_text(m, lo, hi, scale=1.0, digits=1, signed=False, lang="en") -> str:
    """``m [lo, hi]`` scaled, or ``m (no CI: one seed)``."""
    f = f"{{:{'+' if signed else ''}.{digits}f}}"
    if not np.isfinite(lo):
        return f.format(scale * m) + t("dt.no_ci", lang)
    return f"{f.format(scale * m)} [{f.format(scale * lo)}, {f.format(scale * hi)}]"


def verdict(lo, hi) -> str:
    """``"higher"``, ``"lower"``, ``"none"`` (the CI includes 0) or ``"untestable"`` (one seed)."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "untestable"
    return "higher" if lo > 0 else "lower" if hi < 0 else "none"


def _cond(c, lang):
    return label("cond", c, lang)


def trend_text(row, name, scale, unit, digits=1, lang="en") -> str:
    _ = translator(lang)
    slope = ci_text(row["slope_per_doubling"], row["ci_low"], row["ci_high"], scale, digits, signed=True, lang=lang)
    v = verdict(row["ci_low"], row["ci_high"])
    says = {"higher": _("dt.t_rose", name=name), "lower": _("dt.t_fell", name=name), "untestable": _("dt.t_untestable"),
            "none": _("dt.t_none")}[v]
    shape = _(f"dt.s_{row['shape']}", **({"best": f"{row['best_temperature']:g}", "worst": f"{row['worst_temperature']:g}"}
                                         if row["shape"] == "non-monotonic" else {}))
    return _("dt.trend", name=name, slope=slope, unit=unit, verdict=says, shape=shape)


def findings(summary: pd.DataFrame, trend: pd.DataFrame, teacher_row: dict, lang: str = "en") -> list:
    """Plain sentences: how T changed accuracy and CAM agreement, per transfer-set size."""
    _ = translator(lang)
    sep = _("dt.sep")
    out = []
    if teacher_row["accuracy"] < 0.65:
        out.append(_("dt.warn_chance", acc=_pct(teacher_row["accuracy"])))
    for n, s in summary.groupby("transfer_per_cell", sort=True):
        s = s.set_index("condition")
        base, dist = s.loc[HARD], s[s.index != HARD]
        tr = trend[trend["transfer_per_cell"] == n].set_index("metric")
        head = _("dt.head", images=int(base["transfer_images"]), n=n, seeds=int(base["n_seeds"]))

        def values(col, scale, digits, pct="", dist=dist):
            return sep.join(_("dt.cond_value", c=_cond(c, lang), v=ci_text(r[col], r[f"{col}_ci_low"], r[f"{col}_ci_high"], scale, digits, lang=lang) + pct)
                            for c, r in dist.iterrows())

        def diffs(col, scale, digits, dist=dist):
            return sep.join(_("dt.diff_value", c=_cond(c, lang),
                              v=ci_text(r[f"{col}_diff"], r[f"{col}_diff_ci_low"], r[f"{col}_diff_ci_high"], scale, digits, True, lang),
                              verdict=_(f"dt.v_{verdict(r[f'{col}_diff_ci_low'], r[f'{col}_diff_ci_high'])}")) for c, r in dist.iterrows())

        out.append(_("dt.acc", head=head,
                     base=ci_text(base["accuracy"], base["accuracy_ci_low"], base["accuracy_ci_high"], 100, lang=lang),
                     conds=values("accuracy", 100, 1, "%"), diffs=diffs("accuracy", 100, 1),
                     trend=trend_text(tr.loc["accuracy"], _("dt.n_accuracy"), 100, _("dt.u_pp"), lang=lang)))
        out.append(_("dt.cam", head=head,
                     base=ci_text(base["cam_correlation"], base["cam_correlation_ci_low"], base["cam_correlation_ci_high"], digits=2, lang=lang),
                     conds=values("cam_correlation", 1, 2), diffs=diffs("cam_correlation", 1, 2),
                     trend=trend_text(tr.loc["cam_correlation"], _("dt.n_cam"), 1, "", digits=3, lang=lang),
                     p=_pct(base["pointing"]), lo=_pct(dist["pointing"].min()), hi=_pct(dist["pointing"].max())))
    return out


def headline(trend: pd.DataFrame, summary: pd.DataFrame, lang: str = "en") -> str:
    """One sentence per transfer-set size: did accuracy and CAM agreement rise or fall with T?"""
    _ = translator(lang)
    parts = []
    for n, tr in trend.groupby("transfer_per_cell", sort=True):
        tr = tr.set_index("metric")
        images = int(summary.loc[summary["transfer_per_cell"] == n, "transfer_images"].iloc[0])
        says = []
        for col, name, scale, unit, digits in (("accuracy", _("dt.n_accuracy"), 100, _("dt.u_pp"), 1),
                                               ("cam_correlation", _("dt.n_cam_r"), 1, "", 3)):
            row = tr.loc[col]
            what = _({"higher": "dt.h_rose", "lower": "dt.h_fell", "none": "dt.h_none", "untestable": "dt.h_untestable"}[
                verdict(row["ci_low"], row["ci_high"])])
            slope = ci_text(row["slope_per_doubling"], row["ci_low"], row["ci_high"], scale, digits, signed=True, lang=lang)
            says.append(_("dt.hl_say", name=name, what=what, slope=slope, unit=unit))
        parts.append(_("dt.hl_images", images=images, says=_("dt.hl_and").join(says)))
    return _("dt.headline", parts=_("dt.sep").join(parts))


def header(col: str, lang: str) -> str:
    """A summary column's display name: ``accuracy_diff_ci_low`` -> "accuracy: difference: 95% CI low"."""
    for suffix in ("_ci_low", "_ci_high"):
        if col.endswith(suffix):
            return t(f"suffix.{suffix}", lang, name=header(col[: -len(suffix)], lang))
    if col.endswith("_diff"):
        return t("suffix._diff", lang, name=header(col[:-5], lang))
    return t(f"col.{col}", lang) if f"col.{col}" in CATALOGUE else col


def shown(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    d = df.copy()
    if "condition" in d:
        d["condition"] = [_cond(c, lang) for c in d["condition"]]
    d = translate_table(d, lang, columns=False, values=("task",))
    d.columns = [header(c, lang) for c in d.columns]
    return d


def summary_figure(summary: pd.DataFrame, runs: pd.DataFrame, teacher_accuracy: float = np.nan, lang: str = "en", ax=None):
    """Accuracy and CAM correlation against T (top) and paired differences from hard labels (bottom);
    ``ax``: a 2 x 2 array of axes to draw into."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    _ = translator(lang)
    if ax is None:
        fig, axes = plt.subplots(2, 2, figsize=(10, 7), sharex=True)
    else:
        axes = np.asarray(ax).reshape(2, 2)
        fig = axes[0, 0].figure
    sizes = sorted(summary["transfer_per_cell"].unique())
    palette = sns.color_palette("colorblind", len(sizes))
    temps = sorted(summary["temperature"].dropna().unique())
    for k, n in enumerate(sizes):
        s = summary[summary["transfer_per_cell"] == n]
        d, base = s[s["condition"] != HARD], s[s["condition"] == HARD].iloc[0]
        colour = palette[k]
        shift = 2 ** (0.06 * (k - (len(sizes) - 1) / 2))
        name = _("dt.legend_images", n=int(base["transfer_images"]))
        for j, col in enumerate(("accuracy", "cam_correlation")):
            a = axes[0, j]
            x = d["temperature"].to_numpy(float) * shift
            a.errorbar(x, d[col], yerr=[d[col] - d[f"{col}_ci_low"], d[f"{col}_ci_high"] - d[col]], marker="o", capsize=3, color=colour, label=name)
            dots = runs[(runs["transfer_per_cell"] == n) & (runs["alpha"] > 0)]
            hard = runs[(runs["transfer_per_cell"] == n) & (runs["alpha"] == 0)].set_index("seed")[col]
            x_dots = dots["temperature"].to_numpy(float) * shift
            a.plot(x_dots, dots[col], ".", color=colour, alpha=0.5, ms=5)
            axes[1, j].plot(x_dots, dots[col].to_numpy() - hard.reindex(dots["seed"]).to_numpy(), ".", color=colour, alpha=0.5, ms=5)
            a.axhline(base[col], color=colour, ls="--", lw=1)
            if np.isfinite(base[f"{col}_ci_low"]):
                a.axhspan(base[f"{col}_ci_low"], base[f"{col}_ci_high"], color=colour, alpha=0.08)
            axes[1, j].errorbar(x, d[f"{col}_diff"], yerr=[d[f"{col}_diff"] - d[f"{col}_diff_ci_low"], d[f"{col}_diff_ci_high"] - d[f"{col}_diff"]],
                                marker="o", capsize=3, color=colour, label=name)
    for j, (lab, dlab) in enumerate((("dt.ax_acc", "dt.ax_acc_diff"), ("dt.ax_cam", "dt.ax_cam_diff"))):
        axes[0, j].set(ylabel=_(lab))
        axes[1, j].axhline(0, color="k", lw=0.8)
        axes[1, j].set(ylabel=_(dlab), xlabel=_("dt.ax_T"), xscale="log")
        for a in axes[:, j]:
            a.set_xticks(temps, [f"{v:g}" for v in temps])
            a.minorticks_off()
    axes[0, 0].axhline(0.5, color="0.6", ls=":", lw=1)
    if np.isfinite(teacher_accuracy):
        axes[0, 0].axhline(teacher_accuracy, color="k", ls=":", lw=1)
    axes[0, 0].legend(fontsize=8, frameon=False, title=_("dt.legend_title"), title_fontsize=8, loc="best")
    if ax is None:
        fig.tight_layout()
    return fig


def render(run_dir, lang: str, info: dict, out, tables: dict, cams=None, save_figure=None):
    """Figures and report of a distillation run folder, in ``lang``.

    ``info``: ``seed, quick, settings`` (the run's :func:`settings`), ``cells`` (set sizes x
    presence), ``set_sizes``, ``tolerance`` (pointing-game tolerance, fraction of the width),
    ``citations``, ``versions``; ``cams(lang) -> Figure`` only during the run.
    """
    _ = translator(lang)
    runs, summary, trend, teacher = (read_table(run_dir, tables[k]) for k in ("runs", "summary", "trend", "teacher"))
    teacher_row = teacher.iloc[0].to_dict()
    cfg = info["settings"]
    with plot_style(lang):
        figs = {"distillation": summary_figure(summary, runs, teacher_row["accuracy"], lang)}
        if cams is not None:
            figs["cams"] = cams(lang)
    if save_figure is not None:
        for name, fig in figs.items():
            save_figure(fig, f"{name}.png")

    r = Report(_("dt.title"), lang=lang)
    task = label("task", cfg["task"], lang)
    r.text(_("dt.intro", params=int(teacher_row["parameters"]), task=task,
             sizes=", ".join(map(str, info["set_sizes"])), train=int(teacher_row["train_images"]), size=cfg["size"],
             epochs=int(teacher_row["epochs_run"]), acc=_pct(teacher_row["accuracy"]), test=int(teacher_row["test_images"]),
             train_acc=_pct(teacher_row["train_accuracy"]), s_params=int(teacher_row["student_parameters"]),
             share=f"{teacher_row['student_parameters'] / teacher_row['parameters']:.0%}",
             n_imgs=", ".join(f"{info['cells'] * n}" for n in cfg["transfer"]), steps=cfg["steps"],
             temps=", ".join(f"{v:g}" for v in TEMPERATURES), alpha=f"{cfg['alpha']:g}", seeds=cfg["seeds"]))
    r.heading(_("dt.h_T"))
    r.text(headline(trend, summary, lang))
    r.bullets(findings(summary, trend, teacher_row, lang))
    r.text(_("dt.howto", margin=f"{teacher_row['median_abs_logit_margin']:.1f}"))
    cols = ["transfer_images", "condition", "n_seeds", "accuracy", "accuracy_ci_low", "accuracy_ci_high", "accuracy_diff",
            "accuracy_diff_ci_low", "accuracy_diff_ci_high", "cam_correlation", "cam_correlation_ci_low", "cam_correlation_ci_high",
            "cam_correlation_diff", "cam_correlation_diff_ci_low", "cam_correlation_diff_ci_high", "pointing", "teacher_agreement",
            "kl_teacher_T1"]
    r.table(shown(summary[cols], lang), caption=_("dt.table_summary", tol=f"{info['tolerance'] * cfg['size']:.1f}"), digits=3)
    r.table(shown(trend, lang), caption=_("dt.table_trend"), digits=4)
    r.table(shown(teacher, lang), caption=_("dt.table_teacher"), digits=3)
    r.figure(figs["distillation"], _("dt.fig_summary"))
    if "cams" in figs:
        r.figure(figs["cams"], _("dt.fig_cam", n=info["cells"] * cfg["transfer"][0]))
    r.note(_("dt.limitations"))
    for c in info["citations"]:
        r.cite(c)
    meta = {_("meta.experiment"): "distillation", _("meta.seed"): info["seed"], _("meta.quick"): _("yes") if info["quick"] else _("no"),
            _("meta.language"): lang, **{k: (list(v) if isinstance(v, tuple) else v) for k, v in cfg.items()},
            _("dt.meta_teacher"): int(teacher_row["parameters"]), _("dt.meta_student"): int(teacher_row["student_parameters"]),
            **info.get("versions", {})}
    return r.write(out, metadata=meta)
