"""Softmax with an inverse temperature: the bridge between attention models and networks.

The softmax ``p_i = exp(beta a_i) / sum_j exp(beta a_j)`` is Luce's (1959) choice rule, the
selection stage of Competitive Guided Search (Moran et al. 2013), a Boltzmann distribution with
temperature ``1 / beta`` and a network's output layer; the same temperature softens a teacher's
outputs in knowledge distillation (Hinton, Vinyals & Dean 2015).

- :mod:`~psysim.softmax.core` (numpy): :func:`softmax`, :func:`log_softmax`,
  :func:`logsumexp` (log partition function), :func:`entropy`, :func:`luce_choice`,
  :func:`two_choice` (the logistic sigmoid), :func:`check_beta`,
  :func:`beta_from_temperature`. The module docstring lists the exact limits (beta 0 and inf,
  infinite logits) and the errors (negative or NaN beta).
- :mod:`~psysim.softmax.sampling`: :func:`sample_choice`, :func:`selection_order`
  (Plackett-Luce by Gumbel-top-k), :func:`plackett_luce_logprob`.
- :mod:`~psysim.softmax.torch_ops` (imported on use, needs torch): :func:`softmax_t`,
  :func:`log_softmax_t`, :func:`distillation_loss`.
"""

from psysim.softmax.core import (
    beta_from_temperature,
    check_beta,
    entropy,
    log_partition,
    log_softmax,
    logsumexp,
    luce_choice,
    softmax,
    two_choice,
)
from psysim.softmax.sampling import gumbel, plackett_luce_logprob, sample_choice, selection_order

__all__ = [
    "beta_from_temperature",
    "check_beta",
    "entropy",
    "gumbel",
    "log_partition",
    "log_softmax",
    "logsumexp",
    "luce_choice",
    "plackett_luce_logprob",
    "sample_choice",
    "selection_order",
    "softmax",
    "two_choice",
]
