"""Simulated likelihoods of quantile-bin data: a bias-corrected estimator and its Monte Carlo error.

A model without an exact cell distribution (FIT, Guided Search 2.0 and 6.0) is scored by
simulating ``M`` trials per cell and counting how many fall in each of the ``K = 7`` categories
of :mod:`psysim.fitting.quantile_fit` (six correct-RT bins and errors). Plugging the simulated
proportions ``p^_k = c_k / M`` into ``sum_k n_k ln p_k`` is biased downwards: ``ln`` is concave,
so by a second-order Taylor expansion (the delta method)

    E[ln p^_k] ~ ln p_k - (1 - p_k) / (2 M p_k),

and at the true parameters, where ``n_k ~ N p_k``, the log-likelihood of a cell of ``N``
observed trials loses about ``N (K - 1) / (2 M)`` units: the same bias as that of the plug-in
entropy, which Miller (1955) corrected by ``(K - 1) / (2 M)``. Summed over eight cells of 500
observed trials this is some 40 units at ``M`` = 300, a penalty that only the simulated models
pay and that an exact-likelihood model (CGS) does not.

:func:`corrected_log_probs` (the default estimator, ``"corrected"``) removes the first-order
bias term, in the manner of Miller (1955):

    ln p~_k = ln p^_k + (1 - p^_k) / (2 M p^_k),   p^_k = (c_k + 1/2) / (M + K/2),

where the half counts keep an empty category finite (the correction is applied only where
``c_k >= 1``: an empty category is a floor, not an estimate). ``ln p~`` is then <= 0 and
non-decreasing in ``c_k``, so the correction never rewards predicting a category less often.
The half counts are scaled by the share of the cell's simulated trials inside the trimming
window, so that a model whose simulated RTs fall almost all outside it is not scored as if it
predicted the data's own (even) bin proportions. The former estimator, ``ln p^_k`` with the half
counts alone (``"smoothed"``), is kept for comparisons (``analysis/mc_penalty.py``,
``benchmarks/bench_rt_fits.py``).

Measured with ``python -m psysim.analysis.mc_penalty --replicates 200`` (Competitive Guided
Search as the generator, whose exact likelihood is known: 500 trials per cell, the 8 cells of
one task, 200 independent simulation seeds per row; 2026-12-03, load 8.2-8.7 on 2 cores), the
penalty ``exact LL - mean simulated LL`` at the true parameters (+- its Monte Carlo SE), and the
SD of one evaluation:

=====================  ====================  ====================  ==========
simulated trials/cell   smoothed (former)     corrected (default)   SD of one
=====================  ====================  ====================  ==========
300                     39.9 +- 0.8           -1.0 +- 0.8           11.2
600                     20.3 +- 0.5           0.1 +- 0.5            6.9
2000                    5.9 +- 0.2            -0.1 +- 0.2           3.4
=====================  ====================  ====================  ==========

With another simulated data set (``--seed 2``) the corrected penalty was -3.0 +- 0.9 at 300 and
-0.9 +- 0.4 at 1000 (smoothed: 39.6 and 11.5): at a few hundred trials per cell the rare
categories (errors) leave a residual of a few units, of either sign, which the next order of
the expansion would carry. The SD is the noise of one evaluation; it falls as 1/sqrt(M). So a
fit searches with a few hundred simulated trials per cell and is then scored by
:func:`replicate_logliks` at 2000 (``n_sim_score``) with fresh seeds: the reported
log-likelihood is their mean, free of the optimiser's tuning to one simulation's noise (common
random numbers), and its Monte Carlo SE is about 3.4 / sqrt(8) = 1.2 units. What neither can
remove: the search's own noise, which may leave the optimiser short of the best parameters (a
fit that is worse than it could be, not a biased score of the one found), and the floor: a
category the simulation never produces is scored at about ``ln(0.5 / M)``, however improbable
it really is, so a model wrong about a rare category is penalised less than its exact
likelihood would penalise it. Seen with FIT on one conjunction observer (2026-12-03): its
false-alarm rate went to about 1e-5, the search at 600 simulated trials per cell scored -400.5,
the 8 replicate scores at 2000 gave -449.6 +- 3.9; an exact likelihood would be lower still.

Miller, G. A. (1955). Note on the bias of information estimates. In H. Quastler (Ed.),
Information Theory in Psychology (pp. 95-100). Free Press.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

ESTIMATORS = ("corrected", "smoothed")
"""Estimators of the simulated log-likelihood (see the module docstring)."""


def corrected_log_probs(sim_counts, estimator: str = "corrected", n_total=None) -> np.ndarray:
    """Log-probabilities of each category from simulated counts.

    Parameters
    ----------
    sim_counts : array_like (cells, K)
        Simulated trials per category (correct-RT bins and errors; trimmed outliers left out).
    estimator : {"corrected", "smoothed"}
        ``"corrected"``: half-count smoothing plus the second-order bias correction of the
        module docstring; ``"smoothed"``: half-count smoothing alone (the former estimator).
    n_total : int or array_like (cells,), optional
        Simulated trials of each cell *including* the trimmed outliers (default: the kept ones,
        ``sim_counts.sum(axis=1)``). The half counts are scaled by kept / total, so a cell whose
        simulated correct RTs fall mostly outside the trimming window carries little prior mass:
        a category the simulation never produced then costs about ``ln(0.5 / n_total)``, not
        ``ln(1/K)`` (otherwise the half counts, which spread evenly over categories that sit at the
        data's own quantiles, would make a model that predicts almost nothing inside the window
        look as good as a fitted one).

    Returns
    -------
    numpy.ndarray (cells, K)
        ``"corrected"`` applies the correction only to categories with at least one simulated
        trial (an empty one is a floor, not an estimate), which keeps every value <= 0.
    """
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {ESTIMATORS}, got {estimator!r}")
    c = np.asarray(sim_counts, float)
    k = c.shape[1]
    m = c.sum(axis=1, keepdims=True)
    total = m if n_total is None else np.maximum(np.broadcast_to(np.asarray(n_total, float), (len(c),))[:, None], m)
    a = 0.5 * np.where(total > 0, m / np.where(total > 0, total, 1.0), 1.0)
    empty = m <= 0  # nothing inside the window: every category at the floor of n_total trials
    p = np.where(empty, 0.5 / (total + 0.5 * k), (c + a) / np.where(empty, 1.0, m + k * a))
    lp = np.log(p)
    if estimator == "corrected":
        lp = lp + np.where(c >= 1, (1.0 - p) / (2.0 * np.maximum(m, 1.0) * p), 0.0)
    return lp


def multinomial_coefficient(counts) -> float:
    """``sum over cells of ln(N! / prod_k n_k!)`` of observed counts (cells, K)."""
    counts = np.asarray(counts, float)
    return float(np.sum(gammaln(counts.sum(axis=1) + 1) - gammaln(counts + 1).sum(axis=1)))


def simulated_loglik(counts, sim_counts, estimator: str = "corrected", n_total=None) -> float:
    """Multinomial log-likelihood of observed ``counts`` with probabilities estimated from
    ``sim_counts`` (both (cells, K); ``n_total`` as in :func:`corrected_log_probs`), including
    the multinomial coefficient."""
    counts = np.asarray(counts, float)
    lp = corrected_log_probs(sim_counts, estimator, n_total)
    return multinomial_coefficient(counts) + float(np.sum(counts * lp))


def replicate_seeds(sim_seed: int, n: int) -> list[int]:
    """``n`` simulation seeds independent of ``sim_seed`` and of each other (children of
    ``SeedSequence(sim_seed)``), for replicate evaluations at fitted parameters."""
    children = np.random.SeedSequence(int(sim_seed)).spawn(int(n))
    return [int(c.generate_state(1, np.uint32)[0]) for c in children]


def replicate_logliks(model, cells, counts, edges, *, n_sim, sim_seed: int, n_replicates: int,
                      estimator: str = "corrected") -> np.ndarray:
    """The simulated log-likelihood of ``model`` at its parameters, once per independent seed.

    Each replicate builds its own :class:`~psysim.fitting.quantile_fit.CellPredictor` (its own
    displays for models that read items) from one of :func:`replicate_seeds`, so the replicates
    are independent of each other and of the simulation the optimiser saw. Their mean is an
    estimate of the log-likelihood free of the optimiser's tuning to one simulation's noise, and
    ``std(ddof=1) / sqrt(n_replicates)`` its Monte Carlo standard error.
    """
    from psysim.fitting.quantile_fit import CellPredictor

    out = []
    for s in replicate_seeds(sim_seed, n_replicates):
        pred = CellPredictor(type(model), cells, n_sim=n_sim, seed=s)
        out.append(simulated_loglik(counts, pred.sim_counts(model, edges), estimator, pred.n_sim))
    return np.asarray(out, float)
