"""Experiment `rt-distributions`: FIT, Guided Search 2.0, Guided Search 6.0 and Competitive Guided
Search fitted to whole RT distributions of every observer in Wolfe, Palmer & Horowitz (2010).

1. Data: the raw Wolfe et al. (2010) trials (feature, conjunction, spatial configuration; set
   sizes 3-18; 9, 10 and 9 observers), correct RTs trimmed to 200-4000 ms (8000 ms spatial).
2. Each model is fitted to each observer x task by the quantile-bin multinomial likelihood
   (correct-RT quantiles .1 .3 .5 .7 .9 of present and absent trials at every set size, plus
   error counts; :mod:`psysim.fitting.quantile_fit`): CGS with its exact likelihood, FIT and
   Guided Search 2.0 and 6.0 by simulation with common random numbers (both Guided Searches on
   generated displays) and the bias-corrected estimator of :mod:`psysim.fitting.simlik`; each
   simulated fit is scored again at its parameters with 8 independent seeds (2000 trials per
   cell), which gives ``loglik`` and its Monte Carlo SE ``loglik_mc_se``. Every model has the
   same search budget (:data:`BUDGETS`, :mod:`psysim.fitting.budget`): 2 independent searches
   per fit, each at most 50 x k likelihood evaluations.
3. Model comparison by BIC per observer and model pair, a win counted only beyond
   :data:`psysim.fitting.comparison.Z_WIN` noise SDs of the BIC difference
   (:mod:`psysim.fitting.comparison`); ``pairwise.csv`` sets each pair beside its noise and
   (``recovery_support``) the status the model recovery gives the pair.
4. Generalisation: leave-one-observer-out prediction (fit the pooled other observers, predict
   the held-out one), scored as held-out log-likelihood per trial beside the observer's
   split-half noise ceiling (odd vs even trials) and the group baseline (the other observers'
   pooled data); :mod:`psysim.fitting.heldout`. The quantile RMSE is kept beside it.
5. Model recovery and parameter recovery (:mod:`psysim.fitting.recovery`): every model
   simulates ``recovery_sets`` data sets per task (default 1) at the fitted parameters of real
   observers (the one closest to the median observer first), with that observer's own trials
   per cell; every model is fitted to every data set with the observers' settings. The BIC
   winners give the confusion matrix; the generating model's own fits give parameter recovery
   (correlation of true and recovered values, bias); each pairwise verdict of the observers is
   set beside the pair's recovery. ``--quick`` does this for the last task only.

Outputs: ``fits.csv`` (with ``loglik_mc_se``, ``loglik_search``, ``n_evaluations``),
``predictions.csv``, ``heldout.csv`` (+ ``heldout_by_subject.csv``), ``bic_by_observer.csv``
(``best``, ``winner`` beyond noise, ``margin_sd``), ``wins.csv``, ``pairwise.csv`` (+
``pairwise_by_observer.csv``), ``model_recovery.csv`` (generator, fitted model, data
set, BIC, winner), ``confusion.csv``, ``recovery.csv`` (per model and parameter: r, bias),
``recovery_estimates.csv``, ``recovery_verdicts.csv``, figures (quantile plots, RT CDFs, error
rates, BIC differences, the model-recovery confusion matrix) and ``report.html``.

Run:  psysim run rt-distributions [--quick] [--seed N] [--out DIR]
      [--set models=cgs,gs,gs6,fit] [--set tasks=feature,conjunction,spatial] [--set recovery_sets=N]
      [--set workers=N | --set scheduler=tcp://HOST:8786 | --set executor=processes --set workers=N]
  or  python -m psysim.experiments.rt_distributions --quick

Executor, seeds and resuming: every search of every fit -- model x task x observer (and
leave-one-out group) x start -- is one task of :func:`psysim.fitting.fit_many` on the run's
executor (:meth:`psysim.runs.RunContext.map_tasks`): serial by default, ``--set workers=N``
local Dask workers, ``--set scheduler=ADDRESS`` a running Dask cluster (``docs/CLUSTER.md``).
Each task's seeds come from the run's root seed (``--seed``) and the task's key, so the tables
are byte-identical on any executor. Finished tasks are checkpointed in ``.OUT.partial/``
beside ``--out``; after an interruption the same command resumes.

Cost: the full run fits 4 models x (28 observers + 28 leave-one-out groups) and, for model
recovery, models x models x tasks x ``recovery_sets`` fits (48 with the defaults: 4 x 4 x 3 x
1). The recovery fits cost what observer fits cost: measured by
``benchmarks/bench_recovery.py`` (2026-12-03, code of 449e726, serial, one thread, load 15-20
on 2 cores; CPU time of the one process, one data set per task from CGS at its defaults with
observer 1's cell counts) as 6.5 (CGS), 5.5 (GS), 19.0 (GS6) and 2.1 (FIT) CPU-s per fit, mean
over the 3 tasks: about 400 CPU-s for the default study (48 fits), i.e. at best about 3.5 min
with 2 workers on an idle 2-core machine, and proportionally more per extra ``recovery_sets``.
In a run (``--set models=cgs,fit --set tasks=spatial --set recovery_sets=3``, serial, load
17-22 on 2 cores, 2026-12-03) the recovery stage's 12 fits took 421 s wall (the whole run 1464
s wall, 348 CPU-s).
Before the budget policy (measured 2026-11-27 and 2026-12-03, machine shared, load 5-15 on
2 cores): FIT, GS and CGS about 20.5 CPU-minutes, GS6 about 731 CPU-s for its 28 observer fits
plus some 500 for the leave-one-out groups. Under the budget policy
(``benchmarks/bench_rt_fits.py``, one conjunction observer's fit per model, CPU time,
2026-12-03, load 15-25 on 2 cores, so on the high side): CGS 0.34 CPU-s per fit instead of 6.4
(x18.9 [17.9, 19.9]; 794 evaluations instead of 24,828, log-likelihood 1.2 units lower), FIT
1.4 instead of 1.8 (x1.24), GS 8.3 instead of 4.5 (x0.54: two searches instead of one) and GS6
17.0 instead of 16.4 (x0.96; GS6 measured before the estimator's last change, which does not
change the evaluations). The observer and leave-one-out fits then cost about 14 (CGS), 61
(FIT), 348 (GS) and 712 (GS6) CPU-s, some 1140 CPU-s, plus the recovery study: about 10 min or
more with 2 workers on an idle 2-core machine, not the 5 min of issue 15. GS6's simulation is
most of it.
``--set models=cgs,gs,fit`` leaves GS6 out; :data:`BUDGETS` and :data:`N_SIM` set the cost.
``--quick`` fits the first 2 observers of each task with tiny budgets (the numbers are not to
be trusted).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.data import WOLFE2010, load_wolfe2010
from psysim.fitting import FitSpec, fit_many, recovery
from psysim.fitting.budget import Budget, budget_settings
from psysim.fitting.comparison import (
    pairwise_bic,
    pairwise_summary,
    win_counts,
    winners,
    with_recovery_status,
)
from psysim.fitting.heldout import heldout_scores
from psysim.fitting.quantile_fit import (
    CellPredictor,
    noise_ceiling_rmse,
    quantile_cells,
    quantile_rmse,
)
from psysim.fitting.tasks import int_seed
from psysim.models import get_model
from psysim.options import Option
from psysim.report import Report
from psysim.report.recovery import confusion_figure, recovery_section
from psysim.report.rt_distributions import (
    budget_section,
    comparison_section,
    failures,
    heldout_section,
)
from psysim.stats import QUANTILE_COLUMNS, WOLFE2010_TRIM
from psysim.tables import TableSpec

NAME = "rt-distributions"
DESCRIPTION = "FIT, Guided Search 2.0 and 6.0 and Competitive Guided Search fitted to every observer's RT distributions (Wolfe et al. 2010)"
USES_EXECUTOR = True  # its work runs as executor tasks: --set workers/scheduler/shard apply, runs resume

TASKS = ("feature", "conjunction", "spatial")
MODELS = ("cgs", "gs", "gs6", "fit")
LABELS = {"cgs": "Competitive Guided Search", "gs": "Guided Search 2.0", "gs6": "Guided Search 6.0",
          "fit": "Feature Integration"}

_FIT = {"model": "str", "task": "str", "subject": "any"}
_PRED = {**_FIT, "set_size": "int", "target_present": "bool", "n": "int", "n_correct": "int", "n_error": "int",
         "error_rate": "float", "pred_error_rate": "float", "p_error": "float"}
HELDOUT_COLUMNS = ["model_ll_per_trial", "split_half_ceiling_ll_per_trial", "group_baseline_ll_per_trial",
                   "rmse_ms", "group_baseline_rmse_ms"]
_HELDOUT = {c: "float" for c in HELDOUT_COLUMNS}
_HELDOUT_NULLABLE = ("rmse_ms", "group_baseline_rmse_ms")
TABLES = {
    "fits": TableSpec("fits.csv", {**_FIT, "data": "str", "loss": "float", "loglik": "float", "loglik_mc_se": "float",
                                   "loglik_search": "float", "aic": "float", "bic": "float", "n_obs": "int", "k": "int",
                                   "converged": "bool"},
                      keys=("model", "data", "task", "subject")),
    "predictions": TableSpec("predictions.csv", _PRED, keys=("model", "subject", "task", "set_size", "target_present")),
    "bic_by_observer": TableSpec("bic_by_observer.csv", {"task": "str", "subject": "any", "best": "str",
                                                         "winner": "str", "margin_sd": "float"},
                                 keys=("task", "subject"), nullable=("margin_sd",)),
    "wins": TableSpec("wins.csv", {"task": "str", "model": "str", "wins": "int", "lowest_bic": "int"},
                      keys=("task", "model")),
    "pairwise_by_observer": TableSpec("pairwise_by_observer.csv", {"task": "str", "subject": "any", "model_a": "str",
                                                                   "model_b": "str", "delta_bic": "float",
                                                                   "noise_sd": "float", "verdict": "str"},
                                      keys=("task", "subject", "model_a", "model_b")),
    "pairwise": TableSpec("pairwise.csv", {"task": "str", "model_a": "str", "model_b": "str", "n_observers": "int",
                                           "median_delta_bic": "float", "median_noise_sd": "float", "a_better": "int",
                                           "b_better": "int", "undecided": "int", "recovery_support": "str"},
                          keys=("task", "model_a", "model_b"), nullable=("recovery_support",)),
    "heldout_by_subject": TableSpec("heldout_by_subject.csv", {**_FIT, **_HELDOUT, "n_trials": "int"},
                                    keys=("model", "task", "subject"), nullable=_HELDOUT_NULLABLE),
    "heldout": TableSpec("heldout.csv", {"model": "str", "task": "str", **_HELDOUT, "n_heldout": "int"},
                         keys=("model", "task"), nullable=_HELDOUT_NULLABLE),
    "model_recovery": TableSpec("model_recovery.csv", {"generator": "str", "fitted": "str", "task": "str", "set": "int",
                                                       "subject": "any", "n_obs": "int", "k": "int", "loglik": "float",
                                                       "loglik_mc_se": "float", "bic": "float", "delta_bic": "float",
                                                       "winner": "str", "margin": "float", "decisive": "bool"},
                                keys=("generator", "fitted", "task", "set"), nullable=("loglik_mc_se", "margin")),
    "confusion": TableSpec("confusion.csv", {"task": "str", "generator": "str", "winner": "str", "count": "int"},
                           keys=("task", "generator", "winner")),
    "recovery": TableSpec("recovery.csv", {"model": "str", "param": "str", "n": "int", "r": "float", "bias": "float",
                                           "rel_bias": "float", "rmse": "float"},
                          keys=("model", "param"), nullable=("r", "rel_bias")),
    "recovery_estimates": TableSpec("recovery_estimates.csv", {"model": "str", "task": "str", "set": "int", "subject": "any",
                                                               "param": "str", "true": "float", "estimate": "float",
                                                               "error": "float", "rel_error": "float"},
                                    keys=("model", "task", "set", "param"), nullable=("rel_error",)),
    "recovery_verdicts": TableSpec("recovery_verdicts.csv", {"task": "str", "model_a": "str", "model_b": "str",
                                                             "observers": "int", "a_wins": "int", "b_wins": "int",
                                                             "median_delta_bic": "float", "winner": "str", "a_n": "int",
                                                             "a_right": "int", "b_n": "int", "b_right": "int",
                                                             "recovered": "int", "n_sets": "int", "power": "float",
                                                             "mimicry": "float", "mimic_lead": "float",
                                                             "beyond_mimicry": "int", "status": "str"},
                                   keys=("task", "model_a", "model_b"),
                                   nullable=("median_delta_bic", "winner", "power", "mimicry", "mimic_lead")),
}
"""The run folder's tables, checked when the run writes them and when `psysim report` reads them."""

OPTIONS = (
    Option("models", str, ",".join(MODELS), choices=MODELS, multiple=True, help="models to fit, comma-separated"),
    Option("tasks", str, ",".join(TASKS), choices=TASKS, multiple=True, help="tasks of Wolfe et al. (2010) to fit, comma-separated"),
    Option("recovery_sets", int, 1, low=0, high=50,
           help="simulated data sets per generating model and task in the model/parameter recovery (0: none); "
                "each is fitted by every model"),
)

# the budget policy (psysim.fitting.budget), the same for every model: per fit ``starts``
# independent searches (each an executor task with its own seed), each at most
# ``evals_per_param`` x k likelihood evaluations. CGS (exact likelihood) is searched by multi-start
# L-BFGS-B, FIT and Guided Search (simulated) by differential evolution; (full run, quick run)
BUDGETS = (Budget(starts=2, evals_per_param=50), Budget(starts=1, evals_per_param=6))
# leave-one-out group fits only predict the held-out observer: one start each, same budget per start
LOO_BUDGETS = (Budget(starts=1, evals_per_param=50), Budget(starts=1, evals_per_param=6))
N_SIM = {"gs": (300, 100), "gs6": (300, 100), "fit": (600, 200)}
"""Simulated trials per cell in the search (full, quick); every simulated fit is then scored at
2000 per cell with 8 independent seeds (``n_sim_score``, ``n_replicates``; quick: 500 and 2)."""
SCORE = ({"n_replicates": 8, "n_sim_score": 2000}, {"n_replicates": 2, "n_sim_score": 500})


def fit_settings(model_name: str, task: str, quick: bool = False, loo: bool = False) -> dict:
    """The settings of one fit under the budget policy: ``starts`` plus ``fit_quantiles``
    options (method, evaluation budget, simulation sizes)."""
    mode = int(bool(quick))
    model = get_model(model_name)
    free = free_parameters(model_name, task)
    exact = hasattr(model, "correct_cdf")
    k = len(free) if free is not None else sum(p.name not in getattr(model, "fit_fixed", {}) for p in model.parameters)
    out = budget_settings((LOO_BUDGETS if loo else BUDGETS)[mode], k, exact)
    if not exact:
        out.update(n_sim=N_SIM[model_name][mode], **SCORE[mode])
    return out


def free_parameters(model_name: str, task: str):
    """Parameters to fit: FIT fits only what its task uses (plus the distribution shapes)."""
    model = get_model(model_name)
    if hasattr(model, "free_parameters"):
        return tuple(model.free_parameters(task)) + ("base_sd", "item_cv")
    return None  # every parameter except the model's fit_fixed ones


def fit_spec(key: str, model_name: str, task: str, trials: pd.DataFrame, settings: dict | None, data: dict,
             params: dict | None = None) -> FitSpec:
    """The :class:`~psysim.fitting.FitSpec` of one fit: the trials' quantile cells (computed
    here, so that workers need no data) and the settings (``starts`` + ``fit_quantiles``
    options)."""
    settings = fit_settings(model_name, task) if settings is None else settings
    opts = {k: v for k, v in settings.items() if k != "starts"}
    free = free_parameters(model_name, task)
    if free is not None:
        opts["free"] = free
    return FitSpec(key=key, model=model_name, cells=quantile_cells(trials, WOLFE2010_TRIM), starts=settings["starts"],
                   params=dict(params or {}), settings=opts, data=data)


def _recovery(ctx, trials, fits_df, bic, models, tasks) -> dict:
    """Model and parameter recovery (:func:`psysim.fitting.recovery.recovery_study`) with the
    observers' fitting settings, on the run's executor."""
    def spec(key, m, t, sim, data):
        return fit_spec(key, m, t, sim, fit_settings(m, t, ctx.quick), data)

    return recovery.recovery_study(fits_df, trials, bic, models, tasks, ctx.option("recovery_sets"), spec,
                                   seed_for=ctx.seed_for, seed=ctx.seed, mapper=ctx.map_tasks)


def _subjects(trials, task, quick):
    subs = sorted(pd.unique(trials.loc[trials["task"] == task, "subject"]), key=lambda s: (len(s), s))
    return subs[:2] if quick else subs


def _choice(value: str) -> list:
    """The items of a comma-separated option (declared with its choices), in the order given, each once."""
    return list(dict.fromkeys(v.strip() for v in value.split(",")))


def run(ctx):
    models = _choice(ctx.option("models"))
    tasks = [t for t in TASKS if t in _choice(ctx.option("tasks"))]
    ctx.use_dataset("wolfe2010")
    trials = load_wolfe2010(tasks=tasks)
    loo_tasks = tasks[-1:] if ctx.quick else tasks

    # 1. per-observer fits and leave-one-observer-out group fits: one executor task per start
    specs, loo_keys = [], []
    for m in models:
        for t in tasks:
            task_trials = trials[trials["task"] == t]
            for s in _subjects(trials, t, ctx.quick):
                specs.append(fit_spec(f"fit/{m}/{t}/{s}", m, t, task_trials[task_trials["subject"] == s],
                                      fit_settings(m, t, ctx.quick), {"data": "wolfe2010", "task": t, "subject": s}))
    n_fits = len(specs)
    for m in models:
        for t in loo_tasks:
            task_trials = trials[trials["task"] == t]
            subs = _subjects(trials, t, False)
            for s in (subs[:3] if ctx.quick else subs):
                specs.append(fit_spec(f"loo/{m}/{t}/{s}", m, t, task_trials[task_trials["subject"] != s],
                                      fit_settings(m, t, ctx.quick, loo=True),
                                      {"data": "wolfe2010", "task": t, "subject": f"all-but-{s}"}))
                loo_keys.append((m, t, s))
    with ctx.timer("fits"):
        results = fit_many(specs, seed=ctx.seed, mapper=ctx.map_tasks, desc="fits")
    fits, loo_fits = results[:n_fits], results[n_fits:]
    ctx.metadata["fit_seconds"] = {s.key: r.diagnostics["seconds"] for s, r in zip(specs, results)}
    rows, preds = [], []
    for res in fits:
        row = res.summary()
        row.update(loglik_search=res.diagnostics["loglik_search"], converged=res.diagnostics["converged"],
                   n_evaluations=res.diagnostics["n_evaluations"], warnings="; ".join(res.warnings))
        rows.append(row)
        p = res.predictions.copy()
        p.insert(0, "model", res.model)
        p.insert(1, "subject", res.data["subject"])
        preds.append(p)
    fits_df = pd.DataFrame(rows)
    preds_df = pd.concat(preds, ignore_index=True)
    ctx.write_table(fits_df, "fits.csv")
    ctx.write_table(preds_df, "predictions.csv")

    # 2. BIC per observer and pair, wins only beyond the likelihoods' Monte Carlo noise
    bic = winners(fits_df, models)
    pairs = pairwise_bic(fits_df, models)
    wins = win_counts(bic, models)
    ctx.write_table(bic, "bic_by_observer.csv")
    ctx.write_table(wins, "wins.csv")
    ctx.write_table(pairs, "pairwise_by_observer.csv")

    # 3. leave-one-observer-out prediction: held-out log-likelihood per trial against the
    # observer's split-half noise ceiling and the group baseline (psysim.fitting.heldout)
    with ctx.timer("leave_one_out"):
        cells_by = {(t, s): quantile_cells(trials[(trials["task"] == t) & (trials["subject"] == s)], WOLFE2010_TRIM)
                    for t in loo_tasks for s in _subjects(trials, t, False)}
        loo_rows = []
        for (m, t, s), res in zip(loo_keys, loo_fits):
            held = cells_by[(t, s)]
            model = res.make_model()
            sim_seed = int_seed(ctx.seed_for("loo", m, t, s, "predict"))
            pred = CellPredictor(type(model), held, n_sim=2000, seed=sim_seed).quantiles(
                model, held[["trim_lower", "trim_upper"]].to_numpy())
            others = pd.concat([c.assign(subject=k[1]) for k, c in cells_by.items() if k[0] == t and k[1] != s])
            task_trials = trials[trials["task"] == t]
            scores = heldout_scores(model, task_trials[task_trials["subject"] == s],
                                    task_trials[task_trials["subject"] != s], n_sim=500 if ctx.quick else 2000,
                                    seed=sim_seed, n_replicates=2)
            loo_rows.append({"model": m, "task": t, "subject": s, **scores, "rmse_ms": quantile_rmse(held, pred),
                             "group_baseline_rmse_ms": noise_ceiling_rmse(held, others)})
    loo = pd.DataFrame(loo_rows)
    heldout = loo.groupby(["model", "task"], as_index=False)[HELDOUT_COLUMNS].mean()
    # held-out observers with a defined model RMSE (NaN: no predicted correct RT in the window)
    heldout["n_heldout"] = loo.groupby(["model", "task"])["rmse_ms"].count().to_numpy()
    ctx.write_table(loo, "heldout_by_subject.csv")
    ctx.write_table(heldout, "heldout.csv")

    # 4. model recovery and parameter recovery (psysim.fitting.recovery)
    with ctx.timer("recovery"):
        rec = _recovery(ctx, trials, fits_df, bic, models, tasks[-1:] if ctx.quick else tasks)
    for key, df in rec.items():
        ctx.write_table(df, TABLES[key].name)
    pairwise = with_recovery_status(pairwise_summary(pairs), rec["recovery_verdicts"])
    ctx.write_table(pairwise, "pairwise.csv")

    # 5. figures and report
    figs = _figures(trials, preds_df, fits_df, models, tasks)
    for name, fig in figs.items():
        ctx.save_figure(fig, f"{name}.png")
    rec_fig = confusion_figure(rec["confusion"], models, LABELS) if not rec["model_recovery"].empty else None
    if rec_fig is not None:
        ctx.save_figure(rec_fig, "model_recovery.png")
    r = _report(ctx, fits_df, bic, wins, pairwise, heldout, rec, rec_fig, preds_df, models)
    for name, caption in FIGURE_CAPTIONS.items():
        if name in figs:
            r.figure(figs[name], caption)
    r.cite(WOLFE2010.citation, WOLFE2010.licence)
    for m in models:
        r.cite(get_model(m).citation)
    r.cite("Heathcote, A., Brown, S., & Mewhort, D. J. K. (2002). Quantile maximum likelihood estimation of response time distributions. Psychonomic Bulletin & Review, 9(2), 394-401.")
    if not rec["model_recovery"].empty:
        r.cite(recovery.CITATIONS[0])
        r.cite(recovery.CITATIONS[1])
    r.write(ctx.out / "report.html", metadata={"experiment": NAME, "seed": ctx.seed, "quick": ctx.quick, "models": ", ".join(models)})

FIGURE_CAPTIONS = {
    "quantiles": "Correct-RT quantiles (.1 .3 .5 .7 .9) by set size, averaged over observers (Vincentized): "
    "observers (points) and each model's fits (lines). Target-present left, absent right.",
    "cdfs": "Defective cumulative distributions of correct RTs at set size 18 (quantile points scaled by accuracy), "
    "averaged over observers: observers (black) and models.",
    "errors": "Error rates by set size (misses on present trials, false alarms on absent trials), averaged over observers.",
    "bic": "BIC of each model minus the best model's, per observer (0 = the best model for that observer).",
}


def _group(preds_df):
    cols = ["error_rate", "pred_error_rate", *QUANTILE_COLUMNS, *(f"pred_{c}" for c in QUANTILE_COLUMNS)]
    return preds_df.groupby(["model", "task", "set_size", "target_present"], as_index=False)[cols].mean()


def _figures(trials, preds_df, fits_df, models, tasks=TASKS):
    import matplotlib.pyplot as plt

    g = _group(preds_df)
    colours = {"cgs": "tab:blue", "gs": "tab:orange", "gs6": "tab:red", "fit": "tab:green"}
    figs = {}
    fig, axes = plt.subplots(len(tasks), 2, figsize=(10, 3.2 * len(tasks)), sharex=True, squeeze=False)
    for i, task in enumerate(tasks):
        for j, present in enumerate((True, False)):
            ax = axes[i, j]
            for m in models:
                d = g[(g["model"] == m) & (g["task"] == task) & (g["target_present"] == present)]
                for k, q in enumerate(QUANTILE_COLUMNS):
                    ax.plot(d["set_size"], d[f"pred_{q}"], color=colours[m], lw=1.5, label=LABELS[m] if k == 0 else None)
                    if m == models[0]:
                        ax.plot(d["set_size"], d[q], "ko", ms=4, label="observers" if k == 0 else None)
            ax.set_title(f"{task}, target {'present' if present else 'absent'}")
            ax.set_ylabel("RT (ms)")
            if i == len(tasks) - 1:
                ax.set_xlabel("set size")
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    figs["quantiles"] = fig

    fig, axes = plt.subplots(2, len(tasks), figsize=(4 * len(tasks), 6.5), squeeze=False)
    probs = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    for j, task in enumerate(tasks):
        for i, present in enumerate((True, False)):
            ax = axes[i, j]
            for m in models:
                d = g[(g["model"] == m) & (g["task"] == task) & (g["target_present"] == present) & (g["set_size"] == 18)]
                if d.empty:
                    continue
                r = d.iloc[0]
                ax.plot([r[f"pred_{q}"] for q in QUANTILE_COLUMNS], probs * (1 - r["pred_error_rate"]), "-", color=colours[m], label=LABELS[m])
                if m == models[0]:
                    ax.plot([r[q] for q in QUANTILE_COLUMNS], probs * (1 - r["error_rate"]), "ko", label="observers")
            ax.set_title(f"{task}, {'present' if present else 'absent'}, N = 18")
            ax.set_xlabel("RT (ms)")
            ax.set_ylabel("P(correct, RT <= t)")
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    figs["cdfs"] = fig

    fig, axes = plt.subplots(1, len(tasks), figsize=(4 * len(tasks), 3.4), squeeze=False)
    for j, task in enumerate(tasks):
        ax = axes[0, j]
        for present, ls in ((True, "-"), (False, "--")):
            for m in models:
                d = g[(g["model"] == m) & (g["task"] == task) & (g["target_present"] == present)]
                ax.plot(d["set_size"], 100 * d["pred_error_rate"], ls, color=colours[m],
                        label=f"{LABELS[m]} ({'miss' if present else 'FA'})")
                if m == models[0]:
                    ax.plot(d["set_size"], 100 * d["error_rate"], "ko" if present else "ks", mfc="none" if not present else "k",
                            label=f"observers ({'miss' if present else 'FA'})")
        ax.set_title(task)
        ax.set_xlabel("set size")
        ax.set_ylabel("error rate (%)")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    figs["errors"] = fig

    bic = fits_df.pivot_table(index=["task", "subject"], columns="model", values="bic")
    if bic.shape[1] > 1:
        delta = bic.sub(bic.min(axis=1), axis=0).reset_index()
        fig, ax = plt.subplots(figsize=(10, 3.6))
        x = np.arange(len(delta))
        w = 0.8 / len(models)
        for k, m in enumerate([m for m in models if m in delta.columns]):
            ax.bar(x + k * w, delta[m], w, color=colours[m], label=LABELS[m])
        ax.set_xticks(x + 0.4 - w / 2, [f"{t[:4]} {s}" for t, s in zip(delta["task"], delta["subject"])], rotation=90, fontsize=7)
        ax.set_yscale("symlog")
        ax.set_ylabel("BIC - best BIC")
        ax.legend(fontsize=8)
        fig.tight_layout()
        figs["bic"] = fig
    return figs


def _report(ctx, fits_df, bic, wins, pairwise, heldout, rec, rec_fig, preds_df, models) -> Report:
    r = Report("Whole RT distributions: FIT, Guided Search 2.0 and 6.0, and Competitive Guided Search")
    n_obs = fits_df.groupby("task")["subject"].nunique().to_dict()
    r.text(
        "Each model was fitted separately to each observer and task of Wolfe, Palmer & Horowitz (2010) "
        f"({', '.join(f'{t}: {n} observers' for t, n in n_obs.items())}) by a multinomial likelihood over "
        "correct-RT quantile bins (.1 .3 .5 .7 .9) and error counts of every set size x presence cell. "
        f"Correct RTs are trimmed to {WOLFE2010_TRIM.describe()}. CGS is fitted with its exact likelihood (closed-form "
        "ex-Wald CDFs) by multi-start L-BFGS-B in log coordinates from independent starts; FIT and "
        "Guided Search 2.0 and 6.0 are fitted by simulation with common random numbers and differential evolution "
        f"(simulated trials per cell in the search: {', '.join(f'{m} {N_SIM[m][int(ctx.quick)]}' for m in models if m in N_SIM)}). Every start has its "
        f"own seed, derived from the run's seed ({ctx.seed}) and the name of the fit."
        + (" QUICK RUN: only the first 2 observers per task and tiny searches; the numbers are not to be trusted." if ctx.quick else "")
    )
    budget_section(r, BUDGETS[int(ctx.quick)].describe(), fits_df, LABELS)
    r.heading("Model comparison (BIC per observer, wins beyond noise)")
    comparison_section(r, bic, wins, pairwise, models, LABELS)
    r.heading("Held-out prediction (leave one observer out)")
    heldout_section(r, heldout, LABELS)
    r.heading("Where each model fails")
    r.bullets(failures(_group(preds_df), models, LABELS))
    r.text(
        "Structural limits, whatever the fit: in CGS false alarms come only from motor errors, so its false-alarm "
        "rate cannot change with set size, and misses come only from quitting, so they must grow with set size. "
        "FIT has no guidance: conjunction search must be a serial random-order search (steep slopes, absent "
        "twice present) and feature search must be flat; its RT shape comes from Gamma timing assumptions, not from "
        "the theory. Guided Search 2.0 and 6.0 are fitted by simulation with small searches and a common-random-numbers "
        "objective that is a step function of their parameters, so their fits are the least converged and their "
        "BIC may be a pessimistic bound on what the models can do. GS6 is fitted with the clock (50 ms), the diffuser's "
        "capacity (4), the bounds, the activation threshold, the quitting signal's variability and its rise after "
        "a miss fixed (GuidedSearch6.fit_fixed says why); its 10 free parameters cost it 10 ln n in BIC.")
    conv = fits_df.groupby("model")["converged"].agg(["sum", "size"])
    r.text("Convergence: " + ", ".join(f"{LABELS[m]} {int(c['sum'])}/{int(c['size'])} fits with seeds agreeing within 1 log-likelihood unit"
                                      for m, c in conv.iterrows()) + ". Single-seed fits count as converged by definition.")
    nwarn = (fits_df["warnings"].str.len() > 0).groupby(fits_df["model"]).sum()
    r.text("Fits with a parameter at a search bound or other warnings: " + ", ".join(f"{LABELS[m]} {int(n)}" for m, n in nwarn.items())
           + " (see the warnings column of fits.csv).")
    recovery_section(r, model_recovery=rec["model_recovery"], confusion=rec["confusion"], summary=rec["recovery"],
                     estimates=rec["recovery_estimates"], verdicts=rec["recovery_verdicts"], models=models, labels=LABELS,
                     n_sets=ctx.option("recovery_sets"), quick=ctx.quick, fig=rec_fig,
                     settings_text=BUDGETS[int(ctx.quick)].describe())
    if "gs6" in set(rec["recovery"]["model"]):
        r.text("GS6: in checks at fixed seeds (tests/test_gs6_fit.py), the template weight, the non-decision time "
               "and the threshold's fall after correct trials were recovered; the item drift was not (while "
               "selection is clocked at 50 ms per item, faster identification shortens only the last items' stay, "
               "which trades off with the non-decision time), nor the threshold's growth per item (the adaptive "
               "threshold settles where misses balance correct trials, whatever its scale).")
    r.heading("Fitted parameters")
    r.table(fits_df.groupby(["model", "task"]).median(numeric_only=True).reset_index(), caption="Median over observers", digits=3)
    return r


if __name__ == "__main__":
    import sys

    from psysim.experiments import rt_distributions

    from psysim.runs import execute

    print(execute(rt_distributions, quick="--quick" in sys.argv))
