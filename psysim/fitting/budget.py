"""One optimiser budget policy for every model: the same starts and likelihood evaluations.

A model comparison by BIC is fair only if no model was given a longer search than another
(Issue: CGS had 3 x 512 Sobol starts + 8 L-BFGS-B runs, Guided Search one differential
evolution of 15 generations). :class:`Budget` states the policy once: every fit has ``starts``
independent searches, and each search may evaluate the likelihood at most
``evals_per_param x k`` times (``k`` free parameters, since a search needs more evaluations in
more dimensions), counted by the objective itself (a batched evaluation of ``P`` points counts
``P``). :func:`budget_settings` turns it into the settings of each search method:

- differential evolution (simulated likelihoods): population ``popsize x k`` (scipy rounds a
  Sobol population up to a power of 2) and as many generations as the budget allows, no polish;
- multi-start L-BFGS-B (exact likelihoods): a quarter of the budget for scrambled-Sobol points
  (rounded down to a power of 2), the rest for L-BFGS-B from the ``n_local`` best of them,
  stopped where the budget ends (forward-difference gradients cost ``k + 1`` evaluations), no
  final polish.

Evaluations are the unit because they are what each search method spends; an exact
likelihood's evaluation costs far less time than a simulated one, so equal evaluations are
not equal seconds (a fit's ``diagnostics`` has both).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Budget:
    """The search budget of every fit.

    Attributes
    ----------
    starts : int
        Independent searches per fit, each from its own seed (convergence: their optima agree).
    evals_per_param : int
        Likelihood evaluations per search and free parameter.
    popsize : int
        Differential evolution: population per free parameter.
    n_local : int
        Multi-start: local searches from the best Sobol points.
    """

    starts: int = 2
    evals_per_param: int = 60
    popsize: int = 4
    n_local: int = 2

    def evals(self, k: int) -> int:
        """Likelihood evaluations per search for ``k`` free parameters."""
        return int(self.evals_per_param) * int(k)

    def describe(self) -> str:
        return (f"every model: {self.starts} independent search(es) per fit, each at most "
                f"{self.evals_per_param} x k likelihood evaluations (k free parameters); differential "
                f"evolution with {self.popsize} x k members, or Sobol points on a quarter of the budget and "
                f"L-BFGS-B from the best {self.n_local}; no polish")

    def as_dict(self) -> dict:
        return asdict(self)


def budget_settings(budget: Budget, k: int, exact: bool) -> dict:
    """``fit_quantiles`` / :class:`~psysim.fitting.FitSpec` settings (with ``starts``) that keep
    a search of ``k`` free parameters within ``budget``."""
    evals = budget.evals(k)
    out = {"starts": int(budget.starts), "max_evals": evals, "polish": False}
    if exact:
        out.update(method="multistart", n_starts=max(2, 2 ** int(math.floor(math.log2(max(evals // 4, 2))))),
                   n_local=int(budget.n_local))
    else:
        # generations end where the budget does (scipy rounds a Sobol population up to a power of 2)
        out.update(method="de", popsize=int(budget.popsize), maxiter=evals)
    return out


class BudgetSpent(Exception):
    """Raised by :class:`Counted` when a search has used its evaluations (caught by the search)."""


class Counted:
    """A loss (and its batched form) that counts evaluations, remembers the best point seen and
    raises :class:`BudgetSpent` once ``max_evals`` are used (None: no limit)."""

    def __init__(self, f, fb=None, max_evals: int | None = None):
        import numpy as np

        self._np = np
        self.f, self._fb, self.max_evals = f, fb, max_evals
        self.n, self.best_z, self.best_f = 0, None, float("inf")

    def _spend(self, n):
        if self.max_evals is not None and self.n + n > self.max_evals:
            raise BudgetSpent
        self.n += n

    def __call__(self, z):
        self._spend(1)
        v = float(self.f(z))
        if v < self.best_f:
            self.best_z, self.best_f = self._np.array(z, float), v
        return v

    @property
    def fb(self):
        if self._fb is None:
            return None

        def batch(Z):
            Z = self._np.atleast_2d(Z)
            self._spend(len(Z))
            v = self._fb(Z)
            i = int(self._np.argmin(v))
            if v[i] < self.best_f:
                self.best_z, self.best_f = self._np.array(Z[i], float), float(v[i])
            return v

        return batch
