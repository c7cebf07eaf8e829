"""The report of ``psysim run compare-models``, drawn from the tables of its run folder.

:func:`render` reads ``exclusions.csv``, ``cells.csv``, ``slopes.csv``, ``slope_ratios.csv``,
``anova.csv``, ``anova_observers.csv``, ``fits.csv``, ``predictions.csv``, ``bic.csv`` and
``notes.csv`` and writes one self-contained HTML file: the data set's citation and licence, the
exclusions by rule, every cell kept with fewer observers or left out, slopes with CIs, the
ANOVA, how each task was fitted (per observer or pooled, and why), every fixed parameter with
its reason, BIC comparisons and figures, in English or Japanese (``--lang ja``: every heading,
sentence, table header, figure label and caption, and the plan's and loader's lines from the
``key``/``fields`` of ``notes.csv``, ``fixed.csv`` and ``exclusions.csv``; a line without a
translation is quoted in English, and the report says so).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from psysim.errors import PsysimError
from psysim.report.html import Report
from psysim.stats import anova_row_text, slope_text

LABELS = {"cgs": "Competitive Guided Search", "gs": "Guided Search 2.0", "gs6": "Guided Search 6.0",
          "fit": "Feature Integration Theory"}
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


def _figures(cells, preds, source, lang="en"):
    from psysim.i18n import plot_labels, translator
    from psysim.plots import rt_set_size_plot

    _ = translator(lang)
    labels = {**plot_labels(lang), "Median correct RT (ms)": _("cm.axis_median")}
    figs = {}
    ok = cells.dropna(subset=["mean_rt"])
    if len(ok):
        figs["rt_set_size.png"] = (rt_set_size_plot(ok, labels=labels), _("cm.fig_rt"))
    if len(preds):
        keys = ["task", "set_size", "target_present"]
        obs = preds.drop_duplicates(["subject", *keys]).groupby(keys, as_index=False)["q50"].mean().assign(source=source)
        mod = preds.groupby(["model", *keys], as_index=False)["pred_q50"].mean()
        mod = mod.rename(columns={"pred_q50": "q50"}).assign(source=lambda d: d["model"].map(LABELS))
        if labels is not None:
            labels.update({LABELS[m]: _model(m, lang) for m in LABELS})
        both = pd.concat([obs, mod.drop(columns="model")], ignore_index=True)
        figs["median_fits.png"] = (rt_set_size_plot(both, value="q50", err=None, ylabel="Median correct RT (ms)", labels=labels),
                                   _("cm.fig_median"))
    return figs


def _model(m: str, lang: str) -> str:
    from psysim.i18n import label

    return LABELS.get(m, m) if lang == "en" else label("source", m, lang)


def _task(task: str, lang: str) -> str:
    from psysim.i18n import label

    return label("task", task, lang)


def _slope_lines(slopes, lang="en"):
    from psysim.i18n import label, t

    out = []
    for _i, s in slopes.iterrows():
        pres = label("target", bool(s["target_present"]), lang)
        stat = slope_text(s["slope"], s["ci_low"], s["ci_high"], unit="ms/item" if lang == "en" else "ms/項目")
        out.append(t("cm.slope_line", lang, task=_task(s["task"], lang), presence=pres, stat=stat, n=int(s["n_subjects"]),
                     method=label("method", s["method"], lang)))
    return out


def _fit_lines(fits, bic, lang="en"):
    from psysim.i18n import t

    out = []
    if fits.empty:
        return [t("cm.no_fits", lang)]
    sep = ", " if lang == "en" else "，"
    for task, b in bic.groupby("task"):
        models = [m for m in LABELS if m in b.columns]
        if len(models) < 2:
            out.append(t("cm.only_one", lang, task=_task(task, lang), models=sep.join(_model(m, lang) for m in models)))
            continue
        wins = b["best"].value_counts()
        decisive = b[b["delta_bic"] > DECISIVE_BIC]["best"].value_counts()
        parts = [t("cm.bic_part", lang, model=_model(m, lang), wins=int(wins.get(m, 0)), decisive=int(decisive.get(m, 0)),
                   lead=f"{DECISIVE_BIC:g}") for m in models]
        out.append(t("cm.bic_line", lang, task=_task(task, lang), n=len(b), parts=sep.join(parts)))
    return out


def fixed_reason(model: str, param: str, reason: str, lang: str) -> str | None:
    """A fixed parameter's reason (as :func:`psysim.fitting.identify.identify` words it) in ``lang``;
    None when it is not one of the rules' own sentences (then the English line is shown)."""
    import re

    from psysim.fitting.identify import RULES
    from psysim.i18n import has, t

    if reason == t("rule.held_fixed", "en"):
        return t("rule.held_fixed", lang)
    rule = next((r for r in RULES.get(model, ()) if r.param == param), None)
    key = f"rule.{model}.{param}"
    if rule is None or not has(key) or not reason.endswith(": " + rule.reason):
        return None
    parts = []
    for lack in reason[: -len(rule.reason) - 2].split(", "):
        m = re.fullmatch(r"(\d+) set size", lack)
        need = "set_sizes" if m else next((n for n in rule.needs if has(f"lacks.{n}") and t(f"lacks.{n}", "en") == lack), None)
        if need is None:
            return None
        parts.append(t("lacks.set_sizes", lang, n=m.group(1)) if m else t(f"lacks.{need}", lang))
    sep = ", " if lang == "en" else "，"
    return f"{sep.join(parts)}: {t(key, lang)}" if lang == "en" else f"{sep.join(parts)}：{t(key, lang)}"


def _fixed_lines(fixed: pd.DataFrame, notes: pd.DataFrame, lang: str) -> list[str]:
    """The fixed-parameter lines: the plan's notes in English; in another language one line per
    model, task, parameter and reason from ``fixed.csv`` (a reason without a translation keeps
    the plan's English line)."""
    english = notes[notes["kind"] == "fixed"]["text"].tolist() if len(notes) else []
    if lang == "en" or fixed is None or not len(fixed):
        return english
    from psysim.i18n import t

    out = []
    for _i, f in fixed.drop_duplicates(["model", "task", "param", "value", "reason"]).iterrows():
        why = fixed_reason(f["model"], f["param"], str(f["reason"]), lang)
        if why is None:
            out.append(f"{f['task']}: {f['model']}: {f['param']} fixed at {float(f['value']):g} ({f['reason']})")
        else:
            out.append(t("cm.fixed_line", lang, task=_task(f["task"], lang), model=_model(f["model"], lang), param=f["param"],
                         value=f"{float(f['value']):g}", why=why))
    return out


def _where(set_size, present: bool, lang: str) -> str:
    from psysim.i18n import label, t

    pres = ("present" if present else "absent") if lang == "en" else label("target", bool(present), lang)
    return t("plan.cell_where", lang, set_size=int(set_size), presence=pres)


def _why(why: str, model: str, lang: str) -> str | None:
    """A whole-model reason of :func:`psysim.fitting.identify.identify` in ``lang`` (None: unknown)."""
    from psysim.i18n import t

    for key in ("why.displays", "why.popout", "why.none"):
        if why == t(key, "en", **({"model": model} if key == "why.displays" else {})):
            return t(key, lang, **({"model": _model(model, lang)} if key == "why.displays" else {}))
    return None


def note_text(note, lang: str) -> str | None:
    """A plan note (a row of ``notes.csv``: ``kind, task, text, model, key, fields``) in ``lang``;
    None when the note has no translation (older run folders, a reason the catalogue lacks)."""
    import json

    from psysim.i18n import has, t

    key = note.get("key")
    if not isinstance(key, str) or not key or not has(f"plan.{key}"):
        return None
    raw = note.get("fields")
    f = json.loads(raw) if isinstance(raw, str) and raw else {}
    task = str(note["task"]) if lang == "en" else _task(str(note["task"]), lang)
    model = note.get("model") if isinstance(note.get("model"), str) else ""
    try:
        if key in ("pooled", "cell"):
            cell = _where(f["set_size"], f["target_present"], lang)
            rest = {k: v for k, v in f.items() if k not in ("set_size", "target_present")}
            return t(f"plan.{key}", lang, task=task, cell=cell, **rest)
        if key == "no_trials":
            return t("plan.no_trials", lang, task=task)
        if key in ("observers", "observers_some"):
            mode = t("plan.mode_pooled" if f["pooled"] else "plan.mode_per_observer", lang)
            if key == "observers":
                return t("plan.observers", lang, task=task, mode=mode, n_fits=f["n_fits"])
            parts = ([t("plan.left_by_name", lang)] if f["by_name"] else []) + (
                [t("plan.left_max", lang, max=f["max_observers"])] if f["max_observers"] and f["n_fits"] == f["max_observers"] else [])
            return t("plan.observers_some", lang, task=task, mode=mode, n_fits=f["n_fits"], n_all=f["n_all"],
                     left_out=(", " if lang == "en" else "，").join(parts))
        label = model if lang == "en" else _model(model, lang)
        if key == "too_few_values":
            return t("plan.too_few_values", lang, model=label, task=task, n_values=f["n_values"], n_free=f["n_free"])
        if key == "not_fitted":
            why = f["why"] if lang == "en" else _why(f["why"], model, lang)
            return None if why is None else t("plan.not_fitted", lang, model=label, task=task, why=why)
    except (KeyError, TypeError, ValueError):
        return None
    return None


def _cell_lines(cells: pd.DataFrame, lang: str) -> list[str]:
    """The cells kept with fewer observers or without RT (as :func:`psysim.fitting.cell_notes`), in ``lang``."""
    from psysim.i18n import t

    out = []
    if "rt_status" not in cells.columns:
        return out
    for _i, c in cells[cells["rt_status"] != "all"].iterrows():
        where = f"{_task(c['task'], lang)}・{_where(c['set_size'], c['target_present'], lang)}"
        missing = int(c["n_task_subjects"] - c["n_subjects"])
        lacking = t("cm.cell_lacking", lang, missing=missing, n_task=int(c["n_task_subjects"])) if missing else ""
        if c["rt_status"] == "none":
            out.append(t("cm.cell_none", lang, where=where, lacking=lacking))
        else:
            out.append(t("cm.cell_partial", lang, where=where, n_rt=int(c["n_rt_subjects"]), n_task=int(c["n_task_subjects"]), lacking=lacking))
    return out


def exclusion_line(e, ds: dict, lang: str) -> tuple[str, bool]:
    """One row of ``exclusions.csv`` (:func:`psysim.data.load_described`) as a report line in
    ``lang``, and whether all of it is translated (a rule or detail the catalogue lacks stays in
    English)."""
    from psysim.i18n import has, t

    rule, detail, done = str(e["rule"]), str(e["detail"]), True
    if lang != "en":
        m = re.fullmatch(r"observer with more than (\S+) % of trials excluded", rule)
        if m or has(f"excl.{rule}"):
            rule = t("excl.observers", lang, limit=m.group(1)) if m else t(f"excl.{rule}", lang)
        else:
            done = False
        for key in ("excl.counted", "excl.removed", "excl.none"):
            if detail == t(key, "en"):
                detail = t(key, lang)
                break
        else:
            if detail.startswith("RT statistics use ") and ds.get("trim"):
                detail = t("excl.trim", lang, trim=_trimming(ds, lang))
            elif m is None:  # the observer rule's detail is a list of ids and percentages
                done = False
    return t("cm.exclusion_line", lang, rule=rule, trials=int(e["trials"]), observers=int(e["observers"]), detail=detail), done


def _trimming(ds: dict, lang: str) -> str:
    """The trimming window in words, in ``lang`` (older run folders: the English text as recorded)."""
    from types import SimpleNamespace

    from psysim.i18n import t, trim_text

    if lang == "en":
        return ds.get("trimming", "?")
    trim = ds.get("trim")
    if trim:
        return trim_text(SimpleNamespace(lower=trim["lower"], upper=trim["upper"], upper_by_task=trim.get("upper_by_task", {})), lang)
    if ds.get("trimming") == "every correct trial (no trimming)":
        return t("cm.no_trim", lang)
    return ds.get("trimming", "?")


def render(run_dir, lang: str = "en", info: dict | None = None, out=None, save_figure=None) -> Path:
    """Write the compare-models report of ``run_dir`` to ``out`` (default ``report.html``).

    ``lang="ja"``: everything in Japanese (:data:`psysim.i18n.COMPARE_MODELS`), the plan's
    notes through their ``key`` and ``fields`` (:func:`note_text`), fixed parameters through
    their identify rule (:func:`fixed_reason`), exclusions by rule (:func:`exclusion_line`); a
    line without a translation is quoted in English, and the report says so.
    """
    from psysim.i18n import check_lang, plot_style, translate_table, translator

    check_lang(lang)
    _ = translator(lang)
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
    table = (lambda df: df) if lang == "en" else (lambda df: translate_table(df, lang))

    r = Report(_("cm.title", name=ds.get("title") or name), lang=lang)
    sep = ", " if lang == "en" else "，"
    kinds = sep.join(f"{_task(t_, lang)} ({k})" for t_, k in (ds.get("tasks") or {}).items())
    r.text(_("cm.intro", name=name, kinds=kinds, trim=_trimming(ds, lang), seed=info.get("seed"))
           + (_("cm.quick") if info.get("quick") is True else ""))
    r.heading(_("cm.h_exclusions"))
    kept = int(observers["kept"].sum()) if len(observers) else 0
    r.text(_("cm.kept", kept=kept, n=len(observers)))
    ex_lines = [exclusion_line(e, ds, lang) for _i, e in exclusions.iterrows()]
    if lang != "en" and not all(done for _line, done in ex_lines):
        r.text(_("cm.exclusions_english"))
    r.bullets([line for line, _done in ex_lines])
    r.heading(_("cm.h_cells"))
    lines = notes[notes["kind"].isin(["cell-mean"])]["text"].tolist() if len(notes) else []
    if lang != "en" and lines:
        lines = _cell_lines(cells, lang) or lines
    r.text(_("cm.cells_all") if not lines else _("cm.cells_some"))
    if lines:
        r.bullets(lines)
    r.heading(_("vs.h_slopes"))
    r.bullets(_slope_lines(slopes, lang) or [_("cm.no_slopes")])
    r.table(table(slopes.drop(columns=["intercept"], errors="ignore")), caption=_("cm.table_slopes"))
    if len(ratios):
        r.table(table(ratios), caption=_("cm.table_ratios"))
    r.heading(_("cm.h_anova"))
    a_lines = []
    from psysim.i18n import label

    for _i, row in anova.iterrows():
        a_lines.append(_("vs.anova_line", task=_task(row["task"], lang), effect=label("effect", row["effect"], lang), stat=anova_row_text(row)))
    for _i, n in anova_n.iterrows():
        a_lines.append(_("cm.anova_observers", task=_task(n["task"], lang), complete=int(n["complete"]), n=int(n["observers"]))
                       + ("" if n["complete"] >= 2 else _("cm.anova_too_few")))
    r.bullets(a_lines)
    r.heading(_("cm.h_fits"))
    from psysim.fitting.plan import SETTINGS

    mode = 1 if info.get("quick") is True else 0
    used = sorted(set(fits["model"])) if len(fits) else []
    r.text(_("cm.method", settings="; ".join(f"{m}: {SETTINGS[m][mode]}" for m in used if m in SETTINGS)))
    fixed = _read(run_dir, "fixed.csv") if (run_dir / "fixed.csv").is_file() else None
    sections = []
    for kind, title in (("observers", None), ("pooled", None), ("cell", "cm.notes_cell"),
                        ("not-fitted", "cm.notes_not_fitted"), ("fixed", "cm.notes_fixed")):
        rows = notes[notes["kind"] == kind] if len(notes) else notes
        if kind == "fixed":
            lines = _fixed_lines(fixed, notes, lang)
        elif lang == "en":
            lines = rows["text"].tolist()
        else:
            lines = [note_text(n, lang) or n["text"] for n in rows.to_dict("records")]
        sections.append((title, lines))
    english = [line for _t, lines in sections for line in lines if lang != "en" and line.isascii()]
    if english:
        r.text(_("cm.notes_english"))
    for title, lines in sections:
        if lines:
            if title:
                r.text(_(title))
            r.bullets(lines)
    r.bullets(_fit_lines(fits, bic, lang))
    if len(fits):
        warn = fits[fits["warnings"].fillna("").str.len() > 0]
        for _i, w in warn.iterrows():
            r.note(_("cm.warning", model=_model(w["model"], lang), task=_task(w["task"], lang), subject=w["subject"], warning=w["warnings"]))
        show = [c for c in ("model", "task", "subject", "loglik", "bic", "k", "n_obs", "converged") if c in fits.columns]
        r.table(table(fits[show]), caption=_("cm.table_fits"), digits=1)
        r.table(table(bic), caption=_("cm.table_bic"), digits=1)
    with plot_style(lang):
        figs = _figures(cells, preds, name, lang)
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
    meta = {_("meta.experiment"): "compare-models", _("meta.seed"): info.get("seed"), _("meta.quick"): info.get("quick"),
            _("meta.options"): info.get("options"), _("meta.source"): ds.get("source_url", ""), _("meta.language"): lang}
    out = Path(out) if out is not None else run_dir / "report.html"
    return r.write(out, metadata=meta)
