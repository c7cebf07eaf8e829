"""The report of ``psysim run compare-models``, drawn from the tables of its run folder.

:func:`render` reads ``exclusions.csv``, ``cells.csv``, ``slopes.csv``, ``slope_ratios.csv``,
``anova.csv``, ``anova_observers.csv``, ``fits.csv``, ``predictions.csv``, ``bic.csv`` and
``notes.csv`` and writes one self-contained HTML file: the data set's citation and licence, the
exclusions by rule, every cell kept with fewer observers or left out, slopes with CIs, the
ANOVA, how each task was fitted (per observer or pooled, and why), every fixed parameter with
its reason, BIC comparisons and figures. The text is in English (``--lang ja`` translates the
report's frame only).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from psysim.errors import PsysimError
from psysim.report.html import Report
from psysim.stats import anova_row_text, slope_text

LABELS = {"cgs": "Competitive Guided Search", "gs": "Guided Search 2.0", "fit": "Feature Integration Theory"}
DECISIVE_BIC = 10.0
"""A BIC lead above 10 counts as very strong evidence (Kass & Raftery 1995)."""
QUANTILE_CITATION = ("Heathcote, A., Brown, S., & Mewhort, D. J. K. (2002). Quantile maximum likelihood estimation "
                     "of response time distributions. Psychonomic Bulletin & Review, 9(2), 394-401.")


def _read(run_dir: Path, name: str) -> pd.DataFrame:
    path = run_dir / name
    if not path.is_file():
        raise PsysimError(f"{path} not found: the run folder is incomplete")
    try:
        return pd.read_csv(path, dtype={"subject": str})
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def _figures(cells, preds, source):
    from psysim.plots import rt_set_size_plot

    figs = {}
    ok = cells.dropna(subset=["mean_rt"])
    if len(ok):
        figs["rt_set_size.png"] = (rt_set_size_plot(ok), "Mean correct RT by set size (±1 SE over observers), "
                                   "target present and absent, per task.")
    if len(preds):
        keys = ["task", "set_size", "target_present"]
        obs = preds.drop_duplicates(["subject", *keys]).groupby(keys, as_index=False)["q50"].mean().assign(source=source)
        mod = preds.groupby(["model", *keys], as_index=False)["pred_q50"].mean()
        mod = mod.rename(columns={"pred_q50": "q50"}).assign(source=lambda d: d["model"].map(LABELS))
        both = pd.concat([obs, mod.drop(columns="model")], ignore_index=True)
        figs["median_fits.png"] = (rt_set_size_plot(both, value="q50", err=None, ylabel="Median correct RT (ms)"),
                                   "Median correct RT of the fitted cells, averaged over fits: observers and each "
                                   "model's predictions.")
    return figs


def _slope_lines(slopes):
    out = []
    for _i, s in slopes.iterrows():
        pres = "present" if s["target_present"] else "absent"
        stat = slope_text(s["slope"], s["ci_low"], s["ci_high"], unit="ms/item")
        out.append(f"{s['task']}, target {pres}: {stat} ({int(s['n_subjects'])} observer(s), {s['method']})")
    return out


def _fit_lines(fits, bic):
    out = []
    if fits.empty:
        return ["No model could be fitted (see the notes above)."]
    for task, b in bic.groupby("task"):
        models = [m for m in LABELS if m in b.columns]
        if len(models) < 2:
            out.append(f"{task}: only {', '.join(LABELS[m] for m in models)} fitted; no comparison.")
            continue
        wins = b["best"].value_counts()
        decisive = b[b["delta_bic"] > DECISIVE_BIC]["best"].value_counts()
        parts = [f"{LABELS[m]} {int(wins.get(m, 0))} ({int(decisive.get(m, 0))} with a BIC lead > {DECISIVE_BIC:g})"
                 for m in models]
        out.append(f"{task}: lowest BIC in {len(b)} fit(s): " + ", ".join(parts) + ".")
    return out


def render(run_dir, lang: str = "en", info: dict | None = None, out=None, save_figure=None) -> Path:
    """Write the compare-models report of ``run_dir`` to ``out`` (default ``report.html``)."""
    run_dir = Path(run_dir)
    info = info or {}
    ds = info.get("data_set") or {}
    exclusions, cells = _read(run_dir, "exclusions.csv"), _read(run_dir, "cells.csv")
    slopes, ratios = _read(run_dir, "slopes.csv"), _read(run_dir, "slope_ratios.csv")
    anova, anova_n = _read(run_dir, "anova.csv"), _read(run_dir, "anova_observers.csv")
    fits, preds, bic = _read(run_dir, "fits.csv"), _read(run_dir, "predictions.csv"), _read(run_dir, "bic.csv")
    notes = _read(run_dir, "notes.csv")
    observers = _read(run_dir, "observers.csv")
    name = ds.get("name", "data")

    r = Report(f"Search models fitted to {ds.get('title') or name}", lang=lang)
    kinds = ", ".join(f"{t} ({k})" for t, k in (ds.get("tasks") or {}).items())
    r.text(f"Data set {name}: tasks {kinds}. RT statistics use {ds.get('trimming', '?')}. Seed {info.get('seed')}."
           + (" QUICK RUN: few observers and tiny searches; the fits are not to be trusted." if info.get("quick") is True else ""))
    r.heading("Exclusions")
    kept = int(observers["kept"].sum()) if len(observers) else 0
    r.text(f"{kept} of {len(observers)} observers kept.")
    r.bullets([f"{e['rule']}: {int(e['trials'])} trial(s), {int(e['observers'])} observer(s); {e['detail']}"
               for _i, e in exclusions.iterrows()])
    r.heading("Cells")
    lines = notes[notes["kind"].isin(["cell-mean"])]["text"].tolist() if len(notes) else []
    r.text("Every cell of the data is kept in the group means." if not lines else
           "Cells kept with fewer observers or without a mean RT:")
    if lines:
        r.bullets(lines)
    r.heading("Search slopes")
    r.bullets(_slope_lines(slopes) or ["No task has two set sizes with mean RTs: no slopes."])
    r.table(slopes.drop(columns=["intercept"], errors="ignore"), caption="Search slopes (ms/item) with 95% CIs")
    if len(ratios):
        r.table(ratios, caption="Absent:present slope ratios")
    r.heading("Repeated-measures ANOVA")
    a_lines = []
    for _i, row in anova.iterrows():
        a_lines.append(f"{row['task']}, {row['effect']}: {anova_row_text(row)}")
    for _i, n in anova_n.iterrows():
        a_lines.append(f"{n['task']}: {int(n['complete'])} of {int(n['observers'])} observers have a mean RT in every "
                       "cell and enter the ANOVA" + ("" if n["complete"] >= 2 else "; too few, no ANOVA"))
    r.bullets(a_lines)
    r.heading("Model fits")
    from psysim.fitting.plan import SETTINGS

    mode = 1 if info.get("quick") is True else 0
    used = sorted(set(fits["model"])) if len(fits) else []
    r.text("Each model is fitted by a multinomial likelihood over correct-RT quantile bins (.1 .3 .5 .7 .9) and error "
           "counts of every cell (Heathcote et al. 2002); BIC = k ln n - 2 ln L. CGS has an exact likelihood (multi-start "
           "L-BFGS-B); FIT and Guided Search are fitted by simulation with common random numbers and short differential "
           "evolution runs, so their BIC is a pessimistic bound on what these models can do, Guided Search's most of all "
           f"(settings: {'; '.join(f'{m}: {SETTINGS[m][mode]}' for m in used if m in SETTINGS)}).")
    for kind, title in (("observers", None), ("pooled", None), ("cell", "Cells left out of the fits:"),
                        ("not-fitted", "Not fitted:"), ("fixed", "Parameters fixed because the data cannot identify them:")):
        lines = notes[notes["kind"] == kind]["text"].tolist() if len(notes) else []
        if lines:
            if title:
                r.text(title)
            r.bullets(lines)
    r.bullets(_fit_lines(fits, bic))
    if len(fits):
        warn = fits[fits["warnings"].fillna("").str.len() > 0]
        for _i, w in warn.iterrows():
            r.note(f"{LABELS.get(w['model'], w['model'])}, {w['task']}, {w['subject']}: {w['warnings']}")
        show = [c for c in ("model", "task", "subject", "loglik", "bic", "k", "n_obs", "converged") if c in fits.columns]
        r.table(fits[show], caption="Fits (quantile-bin likelihood)", digits=1)
        r.table(bic, caption="BIC per fit and the lead of the best model", digits=1)
    figs = _figures(cells, preds, name)
    for fname, (fig, caption) in figs.items():
        if save_figure is not None:
            save_figure(fig, fname)
        r.figure(fig, caption)
    if ds.get("citation"):
        r.cite(ds["citation"], ds.get("licence", ""))
    from psysim.models import get_model

    for m in sorted(set(fits["model"])) if len(fits) else []:
        r.cite(get_model(m).citation)
    r.cite(QUANTILE_CITATION)
    meta = {"experiment": "compare-models", "seed": info.get("seed"), "quick": info.get("quick"),
            "options": info.get("options"), "source": ds.get("source_url", "")}
    out = Path(out) if out is not None else run_dir / "report.html"
    return r.write(out, metadata=meta)
