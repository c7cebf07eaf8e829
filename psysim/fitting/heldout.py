"""Held-out prediction scored on one footing: log-likelihood per trial, a split-half noise
ceiling and a leave-one-observer-out group baseline.

The target of every score is one half of an observer's trials (odd or even ``trial`` numbers),
binned like the fitted data (:func:`~psysim.fitting.quantile_fit.quantile_cells`: correct RTs at
the half's own quantiles .1 .3 .5 .7 .9 between the trimming bounds, errors as a seventh
category). A predictor gives every cell's seven log-probabilities, and its score is the mean log
probability per trial of the category the trial fell in,

    score = sum_cells sum_k n_k ln p_k / sum n_k     (nats per trial; higher is better),

averaged over the two directions (odd predicts even, even predicts odd). Three predictors:

- **model**: the model fitted to the pooled trials of the *other* observers (leave one
  observer out), its probabilities exact or simulated (bias-corrected estimator at
  ``n_sim`` trials per cell, mean over independent seeds; :mod:`psysim.fitting.simlik`);
- **group baseline**: the other observers' pooled trials binned at the same edges (their
  proportions, with half counts) -- the best any group model could do if it reproduced the
  group's data exactly. It is *not* a ceiling: a model can beat it by smoothing, and an
  observer unlike the group makes it low;
- **split-half noise ceiling**: the same observer's other half (proportions, with half counts).
  How well an observer predicts themselves from half as many trials: the reliability of the
  data, an approximate ceiling for any predictor that does not see the held-out half. Not a
  hard bound: half a data set is noisy (the half counts are a choice), and a smooth model
  can beat it.

The categories use the target's own quantiles, so every predictor is scored on the same bins.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.fitting.quantile_fit import (
    CELL_KEYS,
    P_FLOOR,
    CellPredictor,
    _counts,
    _edges,
    quantile_cells,
)
from psysim.fitting.simlik import corrected_log_probs, replicate_seeds
from psysim.stats.descriptive import WOLFE2010_TRIM, TrimRule

PREDICTORS = ("model", "group_baseline", "split_half_ceiling")


def counts_at(trials: pd.DataFrame, cells: pd.DataFrame, trim: TrimRule = WOLFE2010_TRIM) -> np.ndarray:
    """(cells, 7) counts of ``trials`` in the bins of ``cells`` (a :func:`quantile_cells` table):
    correct RTs between the cell's edges (those outside the trimming window left out) and errors."""
    edges = _edges(cells)
    keep = trim.mask(trials) | ~trials["correct"].to_numpy(bool)
    t = trials[keep]
    groups = dict(tuple(t.groupby(CELL_KEYS, sort=False)))
    out = np.zeros((len(cells), edges.shape[1]))
    for i, key in enumerate(cells[CELL_KEYS].itertuples(index=False, name=None)):
        g = groups.get(key)
        if g is None:
            continue
        rt = g.loc[g["correct"].to_numpy(bool), "rt"].to_numpy(float)
        b = np.searchsorted(edges[i], rt, side="left")
        out[i, :-1] = np.bincount(b, minlength=edges.shape[1] + 1)[1:-1]
        out[i, -1] = int((~g["correct"].to_numpy(bool)).sum())
    return out


def empirical_log_probs(counts) -> np.ndarray:
    """Log-proportions with half counts (a data set as a predictor)."""
    return corrected_log_probs(counts, "smoothed")


def model_log_probs(model, cells: pd.DataFrame, *, n_sim: int = 2000, seed: int = 0, n_replicates: int = 2) -> np.ndarray:
    """(cells, 7) log-probabilities of ``model`` in the bins of ``cells``: exact where the model
    has an exact likelihood, else the bias-corrected simulated estimate averaged over
    ``n_replicates`` independent seeds."""
    edges = _edges(cells)
    pred = CellPredictor(type(model), cells, n_sim=n_sim, seed=seed)
    if pred.exact:
        return np.log(np.clip(pred.probabilities(model, edges), P_FLOOR, None))
    reps = [corrected_log_probs(CellPredictor(type(model), cells, n_sim=n_sim, seed=s).sim_counts(model, edges),
                                n_total=n_sim) for s in replicate_seeds(seed, n_replicates)]
    return np.mean(reps, axis=0)


def log_score(counts, log_probs) -> float:
    """Mean log-probability per trial (nats) of ``counts`` under ``log_probs`` (both (cells, K))."""
    counts = np.asarray(counts, float)
    return float(np.sum(counts * log_probs) / counts.sum())


def split_halves(trials: pd.DataFrame):
    """An observer's odd and even trials (by the ``trial`` column, else by row order)."""
    order = trials["trial"].to_numpy() if "trial" in trials else np.arange(1, len(trials) + 1)
    odd = np.asarray(order) % 2 == 1
    return trials[odd], trials[~odd]


def heldout_scores(model, observer: pd.DataFrame, others: pd.DataFrame, *, trim: TrimRule = WOLFE2010_TRIM,
                   n_sim: int = 2000, seed: int = 0, n_replicates: int = 2) -> dict:
    """Scores (nats per trial) of the three :data:`PREDICTORS` for one held-out observer.

    Parameters
    ----------
    model : SearchModel
        Fitted to ``others`` (leave one observer out).
    observer, others : pandas.DataFrame
        Trial tables of the held-out observer and of the other observers (one task).

    Returns
    -------
    dict
        ``model_ll_per_trial``, ``group_baseline_ll_per_trial``, ``split_half_ceiling_ll_per_trial``
        (each the mean of the two directions) and ``n_trials`` (held-out trials scored).
    """
    odd, even = split_halves(observer)
    scores = {p: [] for p in PREDICTORS}
    n = 0
    for target, source in ((even, odd), (odd, even)):
        cells = quantile_cells(target, trim)
        c = _counts(cells)
        n += int(c.sum())
        scores["model"].append(log_score(c, model_log_probs(model, cells, n_sim=n_sim, seed=seed,
                                                            n_replicates=n_replicates)))
        scores["group_baseline"].append(log_score(c, empirical_log_probs(counts_at(others, cells, trim))))
        scores["split_half_ceiling"].append(log_score(c, empirical_log_probs(counts_at(source, cells, trim))))
    out = {f"{p}_ll_per_trial": float(np.mean(v)) for p, v in scores.items()}
    out["n_trials"] = n
    return out
