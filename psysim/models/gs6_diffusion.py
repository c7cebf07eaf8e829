"""First-passage times of the item diffusions of Guided Search 6.0 (Wolfe 2021), sampled exactly.

In GS6 an item selected into the asynchronous diffuser accumulates evidence about its identity
as a diffusion toward a target bound or a distractor bound (Wolfe 2021, section "The
asynchronous diffuser"; Fig. 7; names unverified, see :mod:`psysim.models.gs6`). psysim's version: a Wiener process with drift ``v`` toward the
correct bound (``+v`` for the target, ``-v`` for a distractor), unit noise (per second), start
at 0 and bounds at ``+a`` (target) and ``-a`` (distractor). Because the start is midway, the
exit time has the same distribution whichever bound is reached (the ratio of the two exit-time
densities is the constant ``exp(2 v a)``), so an item's outcome is two independent draws:

- correct identification with probability ``P = 1 / (1 + exp(-2 v a))``;
- exit time ``T`` with survival function (large-time series of the first-passage density,
  Feller 1968; Navarro & Fuss 2009, J. Math. Psychol. 53, 222-230, eq. 1 (the equation number
  could not be checked with the search tool), with width ``w = 2a`` and start ``w / 2``)

  ``S(t) = (2 pi / w^2) cosh(v a) sum_{k odd} k (-1)^((k-1)/2) exp(-lambda_k t) / lambda_k``,
  ``lambda_k = v^2 / 2 + k^2 pi^2 / (2 w^2)``.

:func:`exit_time_table` evaluates the CDF on a time grid once per parameter set,
:func:`inverse_table` turns it into quantiles evenly spaced in probability, and
:func:`sample_exit_times` draws any number of exit times by indexing that table.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np


def p_correct(drift: float, bound: float) -> float:
    """Probability that an item's diffusion ends at its correct bound (symmetric start)."""
    return float(1.0 / (1.0 + np.exp(-2.0 * drift * bound)))


@lru_cache(maxsize=64)
def exit_time_table(drift: float, bound: float, n_grid: int = 4096):
    """The exit-time CDF of the item diffusion on a time grid (cached per parameter pair).

    The density is ``f(t) = 2 cosh(v a) exp(-v^2 t / 2) f0(t)`` with ``f0`` the zero-drift
    density of reaching one bound, evaluated by its small-time series (Navarro & Fuss 2009,
    who give a small-time and a large-time series; "eq. 6" unverified), which has no
    cancellation for strong drifts; the CDF is its cumulative trapezoid
    integral, renormalised to 1 at the end of the grid.

    Parameters
    ----------
    drift : float
        Drift toward the correct bound (units per second; noise SD 1 per square-root second).
    bound : float
        Distance from the start to either bound (units).
    n_grid : int
        Grid points, evenly spaced from 0 to where the survival function is below 1e-9.

    Returns
    -------
    t : ndarray
        Times (ms), starting at 0.
    cdf : ndarray
        ``P(T <= t)``, non-decreasing, from 0 to 1.
    """
    v, a = float(abs(drift)), float(bound)
    w = 2.0 * a
    # the survival function decays as C exp(-lambda_1 t) (large-time series, first term)
    lam1 = v * v / 2.0 + np.pi**2 / (2.0 * w * w)
    log_c = np.log(4.0 * np.pi / w**2) + _log_cosh(v * a) - np.log(lam1)
    t = np.linspace(0.0, (max(log_c, 0.0) + 9.0 * np.log(10.0)) / lam1, n_grid)  # seconds
    u = t[1:] / (w * w)
    k = np.arange(-20, 21)
    m = 0.5 + 2.0 * k
    # log of 2 cosh(v a) exp(-v^2 t / 2) / w^2 (2 pi u^3)^(-1/2) times each term's exp part
    log_front = np.log(2.0) + _log_cosh(v * a) - v * v * t[1:] / 2.0 - 2.0 * np.log(w) - 0.5 * np.log(2.0 * np.pi * u**3)
    dens = (m[None, :] * np.exp(log_front[:, None] - m[None, :] ** 2 / (2.0 * u[:, None]))).sum(axis=1)
    dens = np.concatenate([[0.0], np.maximum(dens, 0.0)])
    cdf = np.concatenate([[0.0], np.cumsum((dens[1:] + dens[:-1]) / 2.0 * np.diff(t))])
    cdf = np.maximum.accumulate(cdf / cdf[-1])
    t, cdf = t * 1000.0, cdf
    t.setflags(write=False)
    cdf.setflags(write=False)
    return t, cdf


def _log_cosh(x: float) -> float:
    x = abs(x)
    return x + np.log1p(np.exp(-2.0 * x)) - np.log(2.0)


N_INVERSE = 8192
"""Points of the tabulated inverse CDF (evenly spaced in probability)."""


@lru_cache(maxsize=64)
def inverse_table(drift: float, bound: float) -> np.ndarray:
    """Exit-time quantiles (ms) at probabilities ``0, 1/(M-1), ..., 1`` (``M = N_INVERSE``)."""
    t, cdf = exit_time_table(drift, bound)
    q = np.interp(np.linspace(0.0, 1.0, N_INVERSE), cdf, t)
    q.setflags(write=False)
    return q


def sample_exit_times(u, drift: float, bound: float) -> np.ndarray:
    """Exit times (ms) for uniforms ``u``: the inverse CDF, linearly interpolated between the
    :data:`N_INVERSE` tabulated quantiles (direct indexing, no search)."""
    q = inverse_table(float(drift), float(bound))
    x = np.asarray(u) * (len(q) - 1)
    i = np.minimum(x.astype(np.intp), len(q) - 2)
    lo = q[i]
    return lo + (x - i) * (q[i + 1] - lo)


N_ATOMS = 65536
"""Equally likely atoms of :func:`midpoint_quantiles` (16 bits of a uniform pick one)."""


@lru_cache(maxsize=64)
def midpoint_quantiles(drift: float, bound: float) -> np.ndarray:
    """Exit-time quantiles (ms) at probabilities ``(i + 1/2) / N_ATOMS``, ``i = 0 .. N_ATOMS - 1``.

    Indexing this table with a uniform integer draws from a discrete distribution of
    :data:`N_ATOMS` equally likely atoms whose CDF is within ``1 / (2 N_ATOMS)`` of the exact
    one everywhere (the fast simulation's exit times; tails beyond the outermost atoms, a
    probability of ``1 / (2 N_ATOMS)`` each side, are cut).
    """
    t, cdf = exit_time_table(float(drift), float(bound))
    q = np.interp((np.arange(N_ATOMS) + 0.5) / N_ATOMS, cdf, t)
    q.setflags(write=False)
    return q
