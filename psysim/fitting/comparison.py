"""Model comparison by BIC that counts a win only beyond the likelihoods' Monte Carlo noise.

A simulated log-likelihood has a Monte Carlo standard error (``loglik_mc_se`` in ``fits.csv``,
:func:`psysim.fitting.quantile_fit.finish_fit`; 0 for an exact likelihood). The BIC difference
of two models fitted to the same observer, ``d = BIC_a - BIC_b = -2 (ln L_a - ln L_b) + ...``,
then has the noise SD

    sd(d) = 2 sqrt(se_a^2 + se_b^2)

(independent simulations). Model ``a`` beats ``b`` on an observer only where ``d < -Z sd(d)``
(:data:`Z_WIN` = 2, about a two-sided 95 % level under a normal approximation); within
``Z sd(d)`` the pair is undecided. An observer's best model (lowest BIC) is its **winner** only
if it beats every other model so; otherwise the observer is **undecided**.

What the noise leaves out: whether the optimiser found each model's best fit (the fits' seeds
agree or not: ``converged`` in ``fits.csv``), and whether the design can tell the models apart
at all (model recovery). ``recovery_support`` in :func:`pairwise_summary` is the place for the
latter: :func:`with_recovery_status` fills it with the status the model-recovery study
(:func:`psysim.fitting.recovery.verdicts`) gives the pair.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

Z_WIN = 2.0
"""A BIC difference counts as a win when it exceeds this many noise SDs."""


def pairwise_bic(fits: pd.DataFrame, models, z: float = Z_WIN) -> pd.DataFrame:
    """One row per task x subject x model pair (``model_a`` before ``model_b`` in ``models``):
    ``delta_bic`` (BIC_a - BIC_b), ``noise_sd`` and ``verdict`` (``model_a``, ``model_b`` or
    ``"undecided"``)."""
    se = fits["loglik_mc_se"] if "loglik_mc_se" in fits else pd.Series(np.nan, index=fits.index)
    f = fits.assign(_se=se.fillna(0.0).to_numpy(float)).set_index(["task", "subject", "model"])
    have = [m for m in models if m in set(fits["model"])]
    rows = []
    for (task, subject), g in f.groupby(level=["task", "subject"], sort=False):
        g = g.droplevel(["task", "subject"])
        for i, a in enumerate(have):
            for b in have[i + 1:]:
                if a not in g.index or b not in g.index:
                    continue
                d = float(g.at[a, "bic"] - g.at[b, "bic"])
                sd = float(2.0 * np.hypot(g.at[a, "_se"], g.at[b, "_se"]))
                verdict = a if d < -z * sd else b if d > z * sd else "undecided"
                rows.append({"task": task, "subject": subject, "model_a": a, "model_b": b, "delta_bic": d,
                             "noise_sd": sd, "verdict": verdict})
    return pd.DataFrame(rows, columns=["task", "subject", "model_a", "model_b", "delta_bic", "noise_sd", "verdict"])


def winners(fits: pd.DataFrame, models, z: float = Z_WIN) -> pd.DataFrame:
    """Per task x subject: every model's BIC, ``best`` (lowest BIC), ``winner`` (``best`` where
    it beats every other model beyond noise, else ``"undecided"``) and ``margin_sd`` (the
    smallest of best's BIC advantages over the others in noise SDs; inf for exact ones)."""
    bic = fits.pivot_table(index=["task", "subject"], columns="model", values="bic").reset_index()
    bic.columns.name = None
    have = [m for m in models if m in bic.columns]
    bic["best"] = bic[have].idxmin(axis=1)
    pairs = pairwise_bic(fits, models, z)
    win, margin = [], []
    for _, r in bic.iterrows():
        p = pairs[(pairs["task"] == r["task"]) & (pairs["subject"] == r["subject"])
                  & ((pairs["model_a"] == r["best"]) | (pairs["model_b"] == r["best"]))]
        beats = (p["verdict"] == r["best"]).all() if len(p) else False
        win.append(r["best"] if beats else "undecided")
        with np.errstate(divide="ignore", invalid="ignore"):
            m = (p["delta_bic"].abs() / p["noise_sd"]).min() if len(p) else np.nan
        margin.append(float(m))
    bic["winner"] = win
    bic["margin_sd"] = margin
    return bic


def win_counts(by_observer: pd.DataFrame, models) -> pd.DataFrame:
    """Per task: wins of every model (beyond noise) and the undecided observers
    (``model = "undecided"``); every model appears, with 0 where it won nowhere."""
    rows = []
    for task, g in by_observer.groupby("task", sort=False):
        for m in [*models, "undecided"]:
            rows.append({"task": task, "model": m, "wins": int((g["winner"] == m).sum()),
                         "lowest_bic": int((g["best"] == m).sum()) if m != "undecided" else 0})
    return pd.DataFrame(rows, columns=["task", "model", "wins", "lowest_bic"])


def pairwise_summary(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per task x model pair: observers, median BIC difference and noise SD, and how many
    observers favour each model beyond noise or are undecided; ``recovery_support`` (empty) is
    for what the model-recovery study says of the pair."""
    rows = []
    for (task, a, b), g in pairs.groupby(["task", "model_a", "model_b"], sort=False):
        rows.append({"task": task, "model_a": a, "model_b": b, "n_observers": len(g),
                     "median_delta_bic": float(g["delta_bic"].median()), "median_noise_sd": float(g["noise_sd"].median()),
                     "a_better": int((g["verdict"] == a).sum()), "b_better": int((g["verdict"] == b).sum()),
                     "undecided": int((g["verdict"] == "undecided").sum()), "recovery_support": ""})
    return pd.DataFrame(rows, columns=["task", "model_a", "model_b", "n_observers", "median_delta_bic",
                                       "median_noise_sd", "a_better", "b_better", "undecided", "recovery_support"])


def with_recovery_status(pairwise: pd.DataFrame, verdicts: pd.DataFrame) -> pd.DataFrame:
    """``pairwise`` with ``recovery_support`` filled from the recovery study's status of each
    task x pair (``recovery_verdicts.csv``: supported, not supported, indistinguishable, ...)."""
    if verdicts.empty:
        return pairwise
    status = verdicts.set_index(["task", "model_a", "model_b"])["status"]
    keys = list(zip(pairwise["task"], pairwise["model_a"], pairwise["model_b"]))
    return pairwise.assign(recovery_support=[status.get(k, "") for k in keys])
