"""Report sections of `rt-distributions` that state what makes a verdict decidable: the search
budget, the BIC comparison beside its Monte Carlo noise, and held-out prediction against a
split-half noise ceiling and a group baseline, each under its right name.

Pure rendering: the numbers come from the run's tables (``fits.csv``, ``bic_by_observer.csv``,
``wins.csv``, ``pairwise.csv``, ``heldout.csv``), computed by :mod:`psysim.fitting.comparison`
and :mod:`psysim.fitting.heldout`.
"""

from __future__ import annotations

import pandas as pd

from psysim.fitting.comparison import Z_WIN


def budget_section(r, budget_text: str, fits: pd.DataFrame, labels: dict) -> None:
    """The budget policy, with the evaluations and time each model's fits actually used."""
    use = fits.groupby("model").agg(evals=("n_evaluations", "median"), se=("loglik_mc_se", "median"),
                                    gap=("loglik_search", "median"), ll=("loglik", "median"))
    r.text("Search budget, one policy: " + budget_text + ". "
           + "; ".join(f"{labels.get(m, m)}: median {int(u.evals)} evaluations per fit" for m, u in use.iterrows())
           + ". An exact likelihood's evaluation costs far less time than a simulated one, so equal evaluations are "
           "not equal seconds.")
    sim = fits[fits["loglik_mc_se"] > 0]
    if not sim.empty:
        gap = (sim["loglik_search"] - sim["loglik"]).groupby(sim["model"]).median()
        se = sim.groupby("model")["loglik_mc_se"].median()
        r.text("Simulated likelihoods (bias-corrected estimator, psysim.fitting.simlik) are scored again at the fitted "
               "parameters with independent seeds; the reported log-likelihood is the mean of those scores and "
               "loglik_mc_se in fits.csv its Monte Carlo standard error. "
               + "; ".join(f"{labels.get(m, m)}: median MC SE {se[m]:.1f} log-likelihood units, the search's own value "
                           f"higher by a median {gap[m]:.1f}"
                           for m in se.index)
               + ". That gap is the search's optimism: its optimiser tuned the parameters to the noise of one "
               "simulation, and its smaller simulation could not resolve rare categories (a category the model almost "
               "never produces looks less improbable with few simulated trials). The rescored value is free of the tuning, "
               "and of the second only as far as its larger simulation resolves such categories: a category never "
               "simulated is still scored at a floor of about ln(0.5 / 2000), so a model wrong about a rare category "
               "is penalised less than an exact likelihood would penalise it.")


def comparison_section(r, bic: pd.DataFrame, wins: pd.DataFrame, pairwise: pd.DataFrame, models, labels: dict) -> None:
    """BIC verdicts: wins only beyond noise, and every model pair's difference beside its noise."""
    tot = wins.groupby("model")[["wins", "lowest_bic"]].sum()
    n_und = int(tot.loc["undecided", "wins"]) if "undecided" in tot.index else 0
    r.text(
        f"An observer's lowest BIC counts as a win only when it is lower than every other model's by more than {Z_WIN:g} "
        "noise SDs, the noise of a BIC difference being 2 sqrt(se_a^2 + se_b^2) from the two log-likelihoods' Monte "
        "Carlo errors (0 for an exact likelihood). Wins beyond noise: "
        + ", ".join(f"{labels.get(m, m)} {int(tot.loc[m, 'wins']) if m in tot.index else 0} "
                    f"(lowest BIC {int(tot.loc[m, 'lowest_bic']) if m in tot.index else 0})" for m in models)
        + f"; undecided {n_und} of {len(bic)} observers. BIC = k ln n - 2 ln L with n the trials in the likelihood.")
    r.text("What the noise does not include: whether each model's search found its best fit (see the convergence "
           "line below; a search short of the optimum makes a model look worse than it is), and whether this design "
           "can tell the models apart at all, which only model recovery shows (the recovery_support column of "
           "pairwise.csv is for it and is empty where the recovery study has not been run).")
    r.table(wins, caption="Wins beyond noise per model and task (lowest_bic: observers where the model has the lowest BIC, "
            "decided or not)")
    if not pairwise.empty:
        lines = []
        for _, p in pairwise.iterrows():
            a, b = labels.get(p["model_a"], p["model_a"]), labels.get(p["model_b"], p["model_b"])
            lines.append(f"{p['task']}: {a} vs {b}: median BIC difference {p['median_delta_bic']:+.1f} "
                         f"(noise SD {p['median_noise_sd']:.1f}); {a} better beyond noise for {int(p['a_better'])}, "
                         f"{b} for {int(p['b_better'])}, undecided {int(p['undecided'])} of {int(p['n_observers'])} observers")
        r.bullets(lines)
        r.table(pairwise, caption="Every model pair: BIC_a - BIC_b (median over observers) beside its noise SD", digits=1)
    r.table(bic, caption="BIC per observer (winner: beyond noise; margin_sd: the winner's smallest advantage in noise SDs)",
            digits=1)


def heldout_section(r, heldout: pd.DataFrame, labels: dict) -> None:
    """Held-out log-likelihood per trial beside the split-half noise ceiling and the group baseline."""
    lines = []
    for _, h in heldout.iterrows():
        lines.append(f"{labels.get(h['model'], h['model'])}, {h['task']}: {h['model_ll_per_trial']:.3f} nats per trial; "
                     f"group baseline {h['group_baseline_ll_per_trial']:.3f}; split-half noise ceiling "
                     f"{h['split_half_ceiling_ll_per_trial']:.3f}")
    r.bullets(lines)
    r.text(
        "Each model is fitted to the pooled trials of all observers but one and predicts the one left out. The score is "
        "the mean log-probability per held-out trial of the category it fell in (its correct-RT bin between the "
        "observer's own quantiles, or an error; higher is better), on each half of the observer's trials (odd and even "
        "trial numbers) and averaged. The group baseline is the other observers' pooled trials used directly as the "
        "prediction: what a model would score if it reproduced the group exactly. It is not a ceiling: a model can beat "
        "it by smoothing, and an observer unlike the others makes it low. The split-half noise ceiling is the same "
        "observer's other half used as the prediction: how well the observer predicts themselves, i.e. how much of the "
        "data is predictable at all. It is approximate, not a hard bound (half a data set is noisy), and a model that "
        "never saw the observer cannot be expected to reach it; the gap between the group baseline and the ceiling is "
        "what observers differ by.")
    r.text("The quantile RMSE columns (ms) are kept for comparison with earlier runs; they leave out error rates and are "
           "not weighted by cell, so the slow cells dominate them.")
    r.table(heldout, caption="Held-out log-likelihood per trial (nats) and quantile RMSE (ms), averaged over held-out "
            "observers", digits=3)


def failures(g: pd.DataFrame, models, labels: dict) -> list[str]:
    """Plain statements of the largest misfits of each model, from the predictions averaged
    over observers per model x cell (``g``)."""
    out = []
    for m in models:
        d = g[g["model"] == m].copy()
        if d.empty:
            continue
        d["q90_err"] = d["pred_q90"] - d["q90"]
        d["q10_err"] = d["pred_q10"] - d["q10"]
        d["err_diff"] = 100 * (d["pred_error_rate"] - d["error_rate"])
        w90 = d.loc[d["q90_err"].abs().idxmax()]
        w10 = d.loc[d["q10_err"].abs().idxmax()]
        we = d.loc[d["err_diff"].abs().idxmax()]
        pres = lambda row: "present" if row["target_present"] else "absent"  # noqa: E731
        out.append(f"{labels.get(m, m)}: worst .9 quantile {w90['q90_err']:+.0f} ms ({w90['task']}, N = {w90['set_size']}, {pres(w90)}); "
                   f"worst .1 quantile {w10['q10_err']:+.0f} ms ({w10['task']}, N = {w10['set_size']}, {pres(w10)}); "
                   f"worst error rate {we['err_diff']:+.1f} points ({we['task']}, N = {we['set_size']}, {pres(we)}).")
    return out
