"""Experiment `visual-search`: Feature Integration Theory against Wolfe, Palmer & Horowitz (2010).

The three tasks of Wolfe et al. (2010): feature (red vertical among green vertical),
conjunction (red vertical among green vertical and red horizontal) and spatial configuration
(2 among 5s), at set sizes 3, 6, 12 and 18, target present and absent.

1. Human data: the per-observer cell summary psysim ships (derived from the raw trials by
   ``analysis/derive_wolfe2010_summary.py`` with the literature's trimming).
2. FIT is fitted per task to the group cell means and error rates (weighted least squares),
   with only the parameters that the cell means identify free.
3. The fitted model is simulated on freshly generated displays of the same design.
4. Slopes (ms/item, 95% CI), absent:present ratios, a repeated-measures ANOVA of the human data,
   fit statistics and figures go into the run folder and a self-contained report.

Run:  psysim run visual-search [--quick] [--seed N] [--out DIR] [--lang ja]
  or  python -m psysim.experiments.visual_search --quick
Re-render the report of a run folder (e.g. in Japanese):  psysim report DIR --lang ja
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.data import WOLFE2010, load_wolfe2010_summary
from psysim.displays import make_displays, render
from psysim.errors import PsysimError
from psysim.fitting import fit_cell_means
from psysim.i18n import label, translate_table, translator, trim_text
from psysim.models import get_model
from psysim.options import Option
from psysim.report import Report
from psysim.stats import (
    QUANTILE_COLUMNS,
    WOLFE2010_TRIM,
    anova_row_text,
    cell_summary,
    fit_statistics,
    fmt,
    rm_anova,
    search_slopes,
    slope_ratio,
    slope_text,
)
from psysim.tables import TableSpec, check_table, read_table

NAME = "visual-search"
DESCRIPTION = "FIT fitted to and compared with the Wolfe et al. (2010) feature, conjunction and spatial search data"
LANGUAGES = ("en", "ja")  # report languages (psysim.i18n.check_report_language)

TASKS = ("feature", "conjunction", "spatial")
SET_SIZES = (3, 6, 12, 18)
MODEL = "fit"

_CELL = {"source": ("wolfe2010", MODEL), "task": TASKS}
TABLES = {
    "summary": TableSpec(
        "summary.csv",
        {"source": "str", "task": "str", "set_size": "int", "target_present": "bool", "n_subjects": "int",
         "n_trials": "int", "mean_rt": "float", "mean_rt_se": "float", "error_rate": "float",
         **{q: "float" for q in QUANTILE_COLUMNS}},
        keys=("source", "task", "set_size", "target_present"),
        grid={**_CELL, "set_size": SET_SIZES, "target_present": (False, True)},
        nullable=("mean_rt_se",),  # (one simulated observer: no standard error)
    ),
    "slopes": TableSpec(
        "slopes.csv",
        {"source": "str", "task": "str", "target_present": "bool", "slope": "float", "ci_low": "float",
         "ci_high": "float", "n_subjects": "int", "method": "str"},
        keys=("source", "task", "target_present"), grid={**_CELL, "target_present": (False, True)},
    ),
    "ratios": TableSpec(
        "slope_ratios.csv",
        {"source": "str", "task": "str", "absent_slope": "float", "present_slope": "float", "ratio": "float",
         "note": "str"},
        keys=("source", "task"), grid=_CELL,
        nullable=("ratio", "note"),  # (undefined where a slope's CI includes 0; the note says so)
    ),
    "anova": TableSpec(
        "anova.csv",
        {"source": "str", "task": "str", "effect": "str", "F": "float", "df1": "int", "df2": "int", "p": "float",
         "eta_p2": "float", "eps_gg": "float", "df1_gg": "float", "df2_gg": "float", "p_gg": "float",
         "eps_hf": "float", "p_hf": "float", "mauchly_w": "float", "mauchly_p": "float"},
        keys=("source", "task", "effect"),
        grid={"source": ("wolfe2010",), "task": TASKS, "effect": ("set_size", "target_present", "set_size:target_present")},
        nullable=("mauchly_w", "mauchly_p"),  # (undefined for one-df effects)
    ),
    "fit": TableSpec(
        "fit.csv",
        {"task": "str", "rmse_ms": "float", "r2": "float", "n_cells": "int", "error_rmse_pct": "float",
         "chi2": "float", "bic": "float"},
        keys=("task",), grid={"task": TASKS}, prefix={"param_": "float"},
    ),
    "trials": TableSpec(
        "trials.csv",
        {"source": "str", "subject": "any", "task": "str", "set_size": "int", "target_present": "bool",
         "response": "bool", "correct": "bool", "rt": "float"},
    ),
}
"""The tables of a run folder, checked when the run writes them and when `psysim report` reads them (in this
order: the report's own tables first, then the trials)."""

OPTIONS = (
    Option("n_per_cell", int, 500, quick=60, low=1, high=100_000,
           help="model trials (generated displays) per task x set size x presence cell"),
)


def group_cells(summary: pd.DataFrame) -> pd.DataFrame:
    """Equal-weight group means over subjects of every cell statistic (quantiles Vincentized)."""
    keys = ["source", "task", "set_size", "target_present"]
    cols = ["mean_rt", "error_rate", *QUANTILE_COLUMNS]
    g = summary.groupby(keys, observed=True)
    out = g[cols].mean()
    out["mean_rt_se"] = g["mean_rt"].std(ddof=1) / np.sqrt(g["mean_rt"].count())
    out["n_subjects"] = g["subject"].nunique()
    out["n_trials"] = g["n_trials"].sum()
    return out.reset_index()[keys + ["n_subjects", "n_trials", "mean_rt", "mean_rt_se", "error_rate", *QUANTILE_COLUMNS]]


def run(ctx):
    n_per_cell = ctx.option("n_per_cell")
    ctx.use_dataset("wolfe2010")
    human = load_wolfe2010_summary()
    human = human[human["task"].isin(TASKS)]

    # 1. fit FIT to each task's group cell means
    fits, model_trials = [], []
    with ctx.timer("fit"):
        for task in TASKS:
            start = get_model(MODEL)
            res = fit_cell_means(start, human[human["task"] == task], free=start.free_parameters(task), data={"data": "wolfe2010", "task": task})
            fits.append(res)
    # 2. simulate the fitted model on generated displays
    with ctx.timer("simulate"):
        for task, res in zip(TASKS, fits):
            displays = make_displays(task, SET_SIZES, n_per_cell, seed=ctx.seed_for("displays", task))
            model_trials.append(res.make_model().simulate(displays, seed=ctx.seed_for("simulate", task)))
    trials = pd.concat(model_trials, ignore_index=True)
    model_summary = cell_summary(trials, WOLFE2010_TRIM)

    # 3. statistics
    both = pd.concat([human, model_summary], ignore_index=True)
    cells = group_cells(both)
    slopes = search_slopes(both, trials=trials)
    ratios = slope_ratio(slopes)
    anova = rm_anova(human)
    fitq = []
    for task, res in zip(TASKS, fits):
        h = cells[(cells["source"] == "wolfe2010") & (cells["task"] == task)].set_index(["set_size", "target_present"])
        m = cells[(cells["source"] == MODEL) & (cells["task"] == task)].set_index(["set_size", "target_present"]).reindex(h.index)
        rt = fit_statistics(h["mean_rt"], m["mean_rt"])
        er = fit_statistics(100 * h["error_rate"], 100 * m["error_rate"])
        fitq.append({"task": task, "rmse_ms": rt["rmse"], "r2": rt["r2"], "n_cells": rt["n"], "error_rmse_pct": er["rmse"], **{f"param_{k}": v for k, v in res.params.items()}, "chi2": res.loss, "bic": res.bic})
    fitq = pd.DataFrame(fitq)

    ctx.write_table(trials, "trials.csv")
    slopes = slopes[["source", "task", "target_present", "slope", "ci_low", "ci_high", "n_subjects", "method"]]
    for key, table in (("summary", cells), ("slopes", slopes), ("ratios", ratios), ("anova", anova), ("fit", fitq)):
        spec = TABLES[key]
        ctx.write_table(check_table(table, spec), spec.name)  # the checks `psysim report` makes when it reads them
    for res in fits:
        res.to_json(ctx.out / f"fit_{res.data['task']}.json")
    ctx.metadata["simulated_displays_per_cell"] = n_per_cell

    # 4. figures and report, drawn from the tables just written (as `psysim report` does)
    from psysim.runs import library_versions

    info = {"seed": ctx.seed, "quick": ctx.quick, "simulated_displays_per_cell": n_per_cell, "versions": library_versions()}
    _render(ctx.out, getattr(ctx, "lang", "en"), info, ctx.out / "report.html", save_figures=ctx.save_figure)


def report(run_dir, lang: str = "en", out=None):
    """Re-render the report of a visual-search run folder from its tables, in ``lang``.

    Used by ``psysim report RUN_DIR --lang ja``. Nothing is simulated again: figures and text
    are drawn from ``summary.csv``, ``slopes.csv``, ``slope_ratios.csv``, ``anova.csv``,
    ``fit.csv``, ``fit_<task>.json`` and ``metadata.json``.

    Parameters
    ----------
    run_dir : path
        A folder written by ``psysim run visual-search``.
    lang : {"en", "ja"}
        Language of the text, table headers and figure labels.
    out : path, optional
        HTML file (default ``run_dir/report.html``, or ``report.<lang>.html`` for other
        languages).

    Returns
    -------
    Path
        The report written.
    """

    from psysim.cli.report import report_inputs

    run_dir, meta, out = report_inputs(run_dir, NAME, lang, out)
    info = {k: meta.get(k, "?") for k in ("seed", "quick", "simulated_displays_per_cell", "versions")}
    return _render(run_dir, lang, info, out)


def _read_fit(run_dir, task):
    """A run's ``fit_<task>.json``; any defect is one line naming the file."""
    from psysim.fitting import FitResult

    path = run_dir / f"fit_{task}.json"
    if not path.is_file():
        raise PsysimError(f"{path} not found: the run folder is incomplete")
    try:
        res = FitResult.from_json(path)
    except PsysimError as exc:
        raise PsysimError(str(exc) if str(path) in str(exc) else f"{path}: {exc}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PsysimError(f"{path}: not a complete fit result ({type(exc).__name__}: {exc})") from None
    if res.data.get("task") != task:
        raise PsysimError(f"{path}: a fit of task {res.data.get('task')!r}, not {task!r}")
    return res


def _render(run_dir, lang, info, out, save_figures=None):
    """Figures and report from a run folder's tables; ``save_figures(fig, name)`` keeps PNGs."""
    from psysim.i18n import plot_labels, plot_style
    from psysim.plots import error_rates_plot, rt_set_size_plot

    # every table checked as the run checked it before writing: a truncated one is refused
    cells, slopes, ratios, anova, fitq = (read_table(run_dir, TABLES[k]) for k in ("summary", "slopes", "ratios", "anova", "fit"))
    fits = [_read_fit(run_dir, task) for task in TASKS]

    labels = plot_labels(lang)
    with plot_style(lang):
        fig_rt = rt_set_size_plot(cells, labels=labels)
        fig_err = error_rates_plot(cells, labels=labels)
        fig_disp = _display_figure(info["seed"], lang)
    if save_figures is not None:
        save_figures(fig_rt, "rt_set_size.png")
        save_figures(fig_err, "error_rates.png")
        save_figures(fig_disp, "displays.png")

    _ = translator(lang)
    r = _report(lang, info, cells, slopes, ratios, anova, fitq, fits)
    r.figure(fig_rt, _("vs.fig_rt"))
    r.figure(fig_err, _("vs.fig_err"))
    r.figure(fig_disp, _("vs.fig_displays"))
    r.cite(WOLFE2010.citation, WOLFE2010.licence)
    r.cite(get_model(MODEL).citation)
    return r.write(out, metadata=_meta(lang, info))


def _meta(lang, info):
    _ = translator(lang)
    quick = info["quick"]
    return {
        _("meta.experiment"): NAME,
        _("meta.seed"): info["seed"],
        _("meta.quick"): (_("yes") if quick else _("no")) if isinstance(quick, bool) else quick,
        _("meta.displays_per_cell"): info["simulated_displays_per_cell"],
        _("meta.trimming"): trim_text(WOLFE2010_TRIM, lang),
        **(info["versions"] if isinstance(info["versions"], dict) else {}),
    }


def _display_figure(seed, lang="en"):
    import matplotlib.pyplot as plt

    from psysim.seeds import derive_seed

    fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
    for ax, task in zip(axes, TASKS):
        ds = make_displays(task, 12, 1, seed=derive_seed(seed, "example", task), target_present=(True,))
        ax.imshow(render(ds, 0, size=240))
        ax.set_title(label("task", task, lang))
        ax.axis("off")
    fig.tight_layout()
    return fig


def _r2(r2: float) -> str:
    s = f"{r2:.2f}"
    return s.replace("0.", ".", 1) if r2 >= 0 else s.replace("-0.", "-.", 1)


def _report(lang, info, cells, slopes, ratios, anova, fitq, fits) -> Report:
    _ = translator(lang)
    unit = "ms/item" if lang == "en" else "ms/項目"
    r = Report(_("vs.title"), lang=lang)
    r.text(_("vs.intro", trim=trim_text(WOLFE2010_TRIM, lang), n_per_cell=info["simulated_displays_per_cell"], seed=info["seed"]))
    r.heading(_("vs.h_slopes"))
    lines = []
    for _i, s in slopes.iterrows():
        who = _("vs.observers") if s["source"] == "wolfe2010" else _("vs.model")
        pres = _("vs.present") if s["target_present"] else _("vs.absent")
        stat = slope_text(s["slope"], s["ci_low"], s["ci_high"], unit=unit)
        lines.append(_("vs.slope_line", who=who, task=label("task", s["task"], lang), presence=pres, stat=stat))
    r.bullets(lines)
    r.table(translate_table(slopes.drop(columns=["intercept"], errors="ignore"), lang), caption=_("vs.table_slopes"))
    r.table(translate_table(ratios, lang), caption=_("vs.table_ratios"))
    r.heading(_("vs.h_anova"))
    txt = []
    for task in TASKS:
        for _i, row in anova[anova["task"] == task].iterrows():
            stat = anova_row_text(row)
            txt.append(_("vs.anova_line", task=label("task", task, lang), effect=label("effect", row["effect"], lang), stat=stat))
    r.bullets(txt)
    r.text(_("vs.anova_gg"))
    r.heading(_("vs.h_fit"))
    for _i, f in fitq.iterrows():
        stat = _("vs.fit_stat", rmse=fmt(f["rmse_ms"]), r2=_r2(f["r2"]), n=int(f["n_cells"]))
        task = label("task", f["task"], lang)
        r.text(_("vs.fit_line", task=task.capitalize() if lang == "en" else task, stat=stat, err=f"{f['error_rmse_pct']:.2f}"))
    r.table(translate_table(fitq, lang), caption=_("vs.table_fit"), digits=3)
    units = {p.name: p.unit for p in get_model(MODEL).parameters}
    for res in fits:  # parameters the task's data cannot identify were held at their defaults
        fixed = [k for k in res.params if k not in res.free]
        if fixed:
            vals = ", ".join(f"{k} = {res.params[k]:g}" + (f" {units[k]}" if units.get(k) else "") for k in fixed)
            r.text(_("vs.fixed", task=label("task", res.data["task"], lang), params=vals))
    r.text(_misses(cells, ratios, lang))
    for res in fits:
        for w in res.warnings:
            r.note(_("vs.warning", task=label("task", res.data["task"], lang), warning=w))
    return r


def _misses(cells: pd.DataFrame, ratios: pd.DataFrame, lang: str = "en") -> str:
    """Plain-language account of FIT's systematic misses, computed from the tables."""
    _ = translator(lang)
    out = []
    rat = ratios.set_index(["source", "task"])["ratio"]
    for task in ("conjunction", "spatial"):
        if ("wolfe2010", task) in rat and (MODEL, task) in rat:
            hr, mr = rat[("wolfe2010", task)], rat[(MODEL, task)]
            if np.isfinite(hr) and np.isfinite(mr):  # (a ratio of slopes whose CI includes 0 is undefined)
                out.append(_("vs.miss_ratio", task=label("task", task, lang), human=f"{hr:.2f}", model=f"{mr:.2f}"))
    h = cells[cells["source"] == "wolfe2010"].set_index(["task", "set_size", "target_present"])
    m = cells[cells["source"] == MODEL].set_index(["task", "set_size", "target_present"]).reindex(h.index)
    resid = (h["mean_rt"] - m["mean_rt"]).dropna()
    if len(resid):
        worst = resid.abs().idxmax()
        out.append(_("vs.miss_worst", diff=f"{resid[worst]:+.0f}", task=label("task", worst[0], lang), n=worst[1], presence=label("target", bool(worst[2]), lang)))
    he = h["error_rate"]
    serial = he[he.index.get_level_values("task") != "feature"]
    if len(serial):
        lo, hi = serial.xs(3, level="set_size"), serial.xs(18, level="set_size")
        present_rise = (hi.xs(True, level="target_present") - lo.xs(True, level="target_present")).mean() * 100
        out.append(_("vs.miss_errors", rise=f"{present_rise:.1f}"))
    out.append(_("vs.miss_flat"))
    return ("" if lang == "ja" else " ").join(out)


if __name__ == "__main__":
    from psysim.cli import main

    raise SystemExit(main(["run", NAME, *__import__("sys").argv[1:]]))
