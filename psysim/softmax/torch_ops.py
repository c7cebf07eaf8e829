"""Torch variants of the temperature softmax, and the knowledge-distillation loss.

Same definitions, limits and errors as :mod:`psysim.softmax.core` (scalar ``beta`` only),
differentiable where ``beta`` is finite.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from psysim.errors import PsysimError
from psysim.softmax.core import beta_from_temperature, check_beta


def _scaled_t(logits: torch.Tensor, beta: float, dim: int) -> torch.Tensor:
    if not torch.is_tensor(logits):
        raise PsysimError(f"softmax_t: logits must be a torch tensor, got {type(logits).__name__}")
    if torch.isnan(logits).any():
        raise PsysimError("softmax_t: a logit is NaN")
    if (logits == -torch.inf).all(dim=dim).any():
        raise PsysimError(f"softmax_t: every logit is -inf along dim {dim} (no item can be chosen)")
    b = float(check_beta(beta, "softmax_t"))
    m = logits.amax(dim=dim, keepdim=True)
    is_max = logits == m
    d = logits - m
    fin = torch.isfinite(d)
    neg_inf = torch.full_like(logits, -torch.inf)
    zero = torch.zeros_like(logits)
    if b == 0.0:
        body = torch.where(fin, zero, neg_inf)
    elif b == float("inf"):
        body = neg_inf
    else:
        body = torch.where(fin, b * torch.where(fin, d, zero), neg_inf)
    return torch.where(is_max, zero, body)


def softmax_t(logits: torch.Tensor, beta: float = 1.0, dim: int = -1) -> torch.Tensor:
    """``softmax(beta * logits)`` along ``dim`` with the limits of :mod:`psysim.softmax.core`."""
    return torch.softmax(_scaled_t(logits, beta, dim), dim=dim)


def log_softmax_t(logits: torch.Tensor, beta: float = 1.0, dim: int = -1) -> torch.Tensor:
    """``log_softmax(beta * logits)`` along ``dim`` (``-inf`` where the probability is 0)."""
    return torch.log_softmax(_scaled_t(logits, beta, dim), dim=dim)


def distillation_loss(student_logits, teacher_logits, targets=None, temperature: float = 4.0,
                      alpha: float = 0.9) -> torch.Tensor:
    """Knowledge-distillation loss of Hinton, Vinyals & Dean (2015).

    ``alpha * T**2 * KL(softmax(t / T) || softmax(s / T)) + (1 - alpha) * CE(s, y)``, averaged
    over the batch. The soft targets are the teacher's outputs at temperature ``T``; the factor
    ``T**2`` keeps the size of the soft-target gradients roughly independent of ``T``
    (Hinton et al. 2015, section 2). The cross-entropy with the hard labels ``y`` is at
    temperature 1.

    Parameters
    ----------
    student_logits, teacher_logits : torch.Tensor, shape (N, C)
    targets : torch.Tensor of int, shape (N,), optional
        Hard labels; required when ``alpha < 1``.
    temperature : float
        ``T > 0`` and finite (``T = 0`` or ``inf`` would make the soft-target term degenerate).
    alpha : float
        Weight of the soft-target term, in [0, 1]; ``alpha = 0`` is plain hard-label training.
    """
    beta = float(beta_from_temperature(temperature, "distillation_loss"))
    if not 0.0 < beta < float("inf"):
        raise PsysimError(f"distillation_loss: temperature T={temperature!r} must be finite and > 0")
    if isinstance(alpha, bool) or not 0.0 <= float(alpha) <= 1.0:
        raise PsysimError(f"distillation_loss: alpha must be in [0, 1], got {alpha!r}")
    if student_logits.shape != teacher_logits.shape:
        raise PsysimError(f"distillation_loss: student logits {tuple(student_logits.shape)} and teacher logits "
                          f"{tuple(teacher_logits.shape)} differ in shape")
    t = float(temperature)
    loss = student_logits.new_zeros(())
    if alpha > 0:
        log_p_s = F.log_softmax(student_logits / t, dim=1)
        log_p_t = F.log_softmax(teacher_logits.detach() / t, dim=1)
        kl = F.kl_div(log_p_s, log_p_t, reduction="batchmean", log_target=True)
        loss = loss + alpha * t * t * kl
    if alpha < 1:
        if targets is None:
            raise PsysimError("distillation_loss: hard labels (targets) are needed when alpha < 1")
        loss = loss + (1 - alpha) * F.cross_entropy(student_logits, targets)
    return loss
