"""The model-recovery and parameter-recovery section of a report, and its confusion-matrix figure,
drawn from the tables of :mod:`psysim.fitting.recovery` (``model_recovery.csv``,
``confusion.csv``, ``recovery.csv``, ``recovery_estimates.csv``, ``recovery_verdicts.csv``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.fitting.recovery import MIMIC, SUPPORT, binomial_lower

STATUS_TEXT = {
    "supported": "the verdict holds",
    "not supported": "the verdict does not hold: the observers' winner also wins on its rival's simulated data, "
                     "by leads as large as the observers'",
    "indistinguishable": "not distinguishable on this design",
    "split": "the design tells them apart, but the observers are split evenly",
    "weak": "too few or mixed recoveries to judge",
}


def confusion_figure(confusion: pd.DataFrame, models, labels: dict):
    """Heat maps of BIC-winner counts (rows: generating model, columns: winner), one panel per
    task and one for all tasks (only one panel for a single task), with the counts written in
    the cells and one colour bar."""
    import matplotlib.pyplot as plt

    tasks = list(dict.fromkeys(confusion["task"]))
    if len(tasks) == 2:  # one task: its panel is the "all" panel
        tasks = tasks[:1]
    models = list(models)
    vmax = max(1, int(confusion["count"].max()) if len(confusion) else 1)
    fig, axes = plt.subplots(1, len(tasks), figsize=(3.0 * len(tasks) + 2.6, 3.8), squeeze=False, layout="constrained")
    names = [labels.get(m, m) for m in models]
    im = None
    for ax, task in zip(axes[0], tasks):
        c = confusion[confusion["task"] == task].pivot(index="generator", columns="winner", values="count")
        c = c.reindex(index=models, columns=models).fillna(0).to_numpy(int)
        im = ax.imshow(c, cmap="Blues", vmin=0, vmax=vmax)
        for i in range(len(models)):
            for j in range(len(models)):
                ax.text(j, i, str(c[i, j]), ha="center", va="center", fontsize=10,
                        color="white" if c[i, j] > 0.6 * vmax else "black")
        ax.set_xticks(range(len(models)), names, rotation=35, ha="right", fontsize=7)
        ax.set_yticks(range(len(models)), names if ax is axes[0, 0] else [""] * len(models), fontsize=7)
        ax.set_xlabel("lowest BIC (fitted model)")
        ax.set_title(f"{task} ({int(c.sum())} data sets)", fontsize=9)
    axes[0, 0].set_ylabel("generating model")
    from matplotlib.ticker import MaxNLocator

    bar = fig.colorbar(im, ax=list(axes[0]), shrink=0.8, label="simulated data sets")
    bar.locator = MaxNLocator(integer=True)  # counts
    bar.update_ticks()
    return fig


def verdict_lines(verdicts: pd.DataFrame, labels: dict) -> list[str]:
    """One sentence per task and model pair: the observers' verdict, the recovery counts and
    what they support."""
    out = []
    for v in verdicts.itertuples():
        a, b = labels.get(v.model_a, v.model_a), labels.get(v.model_b, v.model_b)
        obs = (f"observers: {a} lower BIC for {v.a_wins}, {b} for {v.b_wins} of {v.observers}"
               + (f" (median BIC difference {a} - {b}: {v.median_delta_bic:+.1f})" if np.isfinite(v.median_delta_bic) else ""))
        if v.n_sets == 0:
            out.append(f"{a} vs {b} on {v.task}: {obs}; no simulated data sets of both models.")
            continue
        rec = (f"recovery: the generator wins the pair in {v.recovered} of {v.n_sets} simulated data sets "
               f"({a}-made {v.a_right}/{v.a_n}, {b}-made {v.b_right}/{v.b_n})")
        if v.winner and np.isfinite(v.mimic_lead):
            lo = b if v.winner == v.model_a else a
            rec += (f"; on {lo}'s own data sets {labels.get(v.winner, v.winner)} led by at most {v.mimic_lead:+.1f} BIC, "
                    f"{v.beyond_mimicry} of {v.observers} observers' leads exceed that")
        lo = binomial_lower(int(v.recovered), int(v.n_sets))
        weak = f"; {v.recovered}/{v.n_sets} is weak evidence (exact 95 % lower bound of the rate {lo:.2f})" \
            if v.n_sets < 10 else ""
        out.append(f"{a} vs {b} on {v.task}: {obs}; {rec} -- {STATUS_TEXT[v.status]}{weak}.")
    return out


def recovery_section(r, *, model_recovery: pd.DataFrame, confusion: pd.DataFrame, summary: pd.DataFrame,
                     estimates: pd.DataFrame, verdicts: pd.DataFrame, models, labels: dict, n_sets: int,
                     settings_text: str, quick: bool = False, fig=None):
    """Add the recovery section to the report ``r`` (a :class:`psysim.report.Report`)."""
    r.heading("Model recovery")
    if model_recovery.empty:
        r.text("No recovery study in this run (--set recovery_sets=0).")
        return
    n_data = model_recovery.drop_duplicates(["generator", "task", "set"])
    tasks = list(dict.fromkeys(n_data["task"]))
    r.text(
        f"Each model generated {n_sets} simulated data set(s) per task ({', '.join(tasks)}) at the parameters fitted "
        "to a real observer (the observer closest to the median observer's fitted parameters, then the next closest), "
        "with that observer's own trials per set size x presence cell; every model was then fitted to every data set "
        f"with the observers' fitting code and budget ({settings_text}). {len(n_data)} data sets, "
        f"{len(model_recovery)} fits. The lowest BIC names each data set's winner; a perfect design puts every count "
        "on the diagonal."
        + (" QUICK RUN: tiny searches; the counts are not to be trusted." if quick else ""))
    if fig is not None:
        r.figure(fig, "Model recovery: counts of simulated data sets by generating model (rows) and the model with "
                      "the lowest BIC (columns), per task and over all tasks.")
    diag = sum(int(c) for c in confusion.loc[(confusion["task"] == "all")
                                             & (confusion["generator"] == confusion["winner"]), "count"])
    n_dec = int(n_data["decisive"].astype(bool).sum())
    r.text(f"Over all tasks the generating model had the lowest BIC in {diag} of {len(n_data)} data sets. "
           f"{n_dec} of the {len(n_data)} winners led the runner-up by more than twice the Monte Carlo standard error "
           "of the BIC difference (exact likelihoods have none; a simulated one whose error is unknown never counts)"
           + ("; the others are wins within the likelihoods' noise. " if n_dec < len(n_data) else ". ")
           +
           f"With {n_sets} data set(s) per generator and task these are counts, not rates: 3 of 3 is consistent with "
           "a true recovery rate as low as 0.29 (exact 95 % interval).")
    r.heading("What the recovery says about the observers' verdicts", level=3)
    r.text("For each pair of models and task, the observers' verdict (the model with the lower BIC for more observers, "
           "W, over the other, L) is set beside the simulated data sets of both. It holds when W wins on at least "
           f"{SUPPORT:.0%} of its own data sets and most observers prefer W by more than the largest lead W reached on "
           "any data set L made (so that L's own data do not give W such leads); it does not hold when W also wins on "
           f"at least {MIMIC:.0%} of L's data sets by leads as large as most observers'; the pair is not "
           "distinguishable when it picks the generator in at most half of its data sets. With a few data sets per "
           "generator the largest simulated lead is a rough bound, not a quantile (Wagenmakers et al. 2004).")
    r.bullets(verdict_lines(verdicts, labels))
    r.table(verdicts, caption="Pairwise verdicts and their recovery (a_right: data sets made by model_a on which "
                              "model_a had the lower BIC)", digits=2)
    r.heading("Parameter recovery", level=3)
    if summary.empty:
        r.text("No generating model was fitted to its own data sets.")
    else:
        few = int(summary["n"].max())
        r.text(f"The generating model's fit to its own data sets, per parameter: correlation of true and recovered "
               f"values over data sets, bias (mean estimate - true) and relative bias. Each correlation rests on at most "
               f"{few} data sets (generators x tasks x sets), whose true values differ between tasks and observers; "
               "with fewer than 3 it is not computed. A high correlation with a large bias is a parameter that moves "
               "with the truth but is mis-scaled; a correlation near 0 is a parameter the data do not identify.")
        poor = summary[(summary["n"] >= 3) & (summary["r"].fillna(-1) < 0.5)]
        if len(poor):
            r.text("Poorly recovered (r < 0.5): " + ", ".join(f"{labels.get(m, m)} {p} (r = {x:.2f})" for m, p, x in
                                                          zip(poor["model"], poor["param"], poor["r"]))
                   + ". Estimates of these are not evidence about observers.")
        r.table(summary, caption="Parameter recovery per model and parameter", digits=3)
        r.table(estimates, caption="True and recovered parameters per simulated data set", digits=3)

