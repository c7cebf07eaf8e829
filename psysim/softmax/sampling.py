"""Sampling from the softmax: one choice, and selection orders without replacement.

Selecting items one at a time, each time by softmax among the items not yet selected, gives
the Plackett-Luce distribution over orders (Luce 1959; Plackett 1975):

    P(order o) = prod_k exp(beta a_{o_k}) / sum_{j not in o_1..o_{k-1}} exp(beta a_j)

The Gumbel-max trick draws it in one step: add independent standard Gumbel noise
``g_i = -log(-log u_i)`` to ``beta a_i`` and sort in decreasing order ("Gumbel-top-k"; Yellott
1977 showed that Luce's rule is the only random-utility model with this property for
double-exponential noise; Kool, van Hoof & Welling 2019 for the top-k form). The first element
alone is a softmax draw. Everything is vectorised over leading axes (trials, displays).

Limits follow :mod:`psysim.softmax.core`: ``beta = 0`` gives a uniformly random permutation of
the selectable items; ``beta = inf`` gives the items in decreasing order of logit, with ties
in random order; ``-inf`` items come after every selectable item and ``+inf`` items before
every other item (each group in random order).
"""

from __future__ import annotations

import numpy as np

from psysim.errors import PsysimError
from psysim.softmax.core import _prepare


def _rng(rng):
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        raise PsysimError("selection sampling needs a seed or a numpy.random.Generator (got None)")
    return np.random.default_rng(rng)


def gumbel(rng, shape) -> np.ndarray:
    """Standard Gumbel noise ``-log(-log u)`` with ``u`` uniform on (0, 1).

    Parameters
    ----------
    rng : numpy.random.Generator or int
        Source of randomness (a seed makes a new generator; ``None`` is refused).
    shape : int or tuple of int
        Shape of the sample.

    Returns
    -------
    numpy.ndarray
        Finite Gumbel(0, 1) draws of that shape (``u`` is clipped away from 0 and 1).
    """
    u = _rng(rng).random(shape)
    return -np.log(-np.log(np.clip(u, np.finfo(float).tiny, 1.0 - np.finfo(float).eps)))


def _keys(x, b, g):
    """Sort keys (primary, secondary) whose descending lexicographic order is a PL sample."""
    finite = np.isfinite(x)
    mf = np.max(np.where(finite, x, -np.inf), axis=-1, keepdims=True)
    mf = np.where(np.isfinite(mf), mf, 0.0)
    binf = np.isinf(b) & np.ones_like(x, dtype=bool)
    with np.errstate(invalid="ignore"):
        scaled = np.where(binf, x, np.where(b == 0, 0.0, b * np.where(finite, x - mf, 0.0)) + g)
    primary = np.where(finite, scaled, x)  # +inf first, -inf last
    return primary, g


def selection_order(logits, beta=1.0, rng=None, k: int | None = None) -> np.ndarray:
    """Random selection orders without replacement (Plackett-Luce), by Gumbel-top-k.

    Parameters
    ----------
    logits : array_like, shape (..., n_items)
        Item activations; ``-inf`` marks items that cannot be selected.
    beta : float or array_like
        Inverse temperature (broadcasts against ``logits[..., :1]``).
    rng : numpy.random.Generator or int
        Source of randomness (a seed makes a new generator).
    k : int, optional
        Return only the first ``k`` selections (default: all items).

    Returns
    -------
    numpy.ndarray of int, shape (..., k)
        Item indices in order of selection.
    """
    x, b, _ = _prepare(logits, beta, -1, "selection_order")
    n = x.shape[-1]
    if k is None:
        k = n
    if isinstance(k, bool) or not 1 <= int(k) <= n:
        raise PsysimError(f"selection_order: k must be a whole number from 1 to {n}, got {k!r}")
    g = gumbel(rng, x.shape)
    primary, secondary = _keys(x, b, g)
    order = np.lexsort((-secondary, -primary), axis=-1)
    return order[..., : int(k)]


def sample_choice(logits, beta=1.0, rng=None) -> np.ndarray:
    """One softmax draw per row (the Gumbel-max trick).

    Parameters
    ----------
    logits : array_like, shape (..., n_items)
        Item activations; ``-inf`` marks items that cannot be chosen.
    beta : float or array_like
        Inverse temperature ``>= 0`` (broadcasts against ``logits[..., :1]``).
    rng : numpy.random.Generator or int
        Source of randomness (a seed makes a new generator).

    Returns
    -------
    numpy.ndarray of int, shape logits.shape[:-1]
        The chosen item's index in each row, drawn with probability ``softmax(beta a)``.
    """
    return selection_order(logits, beta, rng, k=1)[..., 0]


def plackett_luce_logprob(order, logits, beta=1.0) -> np.ndarray:
    """Exact log-probability of the first ``k`` selections of an order under Plackett-Luce.

    Parameters
    ----------
    order : array_like of int, shape (..., k)
        Selected item indices, first to last (distinct within a row).
    logits : array_like, shape (..., n_items)
        Item activations (broadcast against ``order``'s leading axes).
    beta : float
        Inverse temperature ``>= 0``.

    Returns
    -------
    numpy.ndarray, shape order.shape[:-1]
        ``sum_t log softmax(beta a over the items not yet selected)[o_t]``.
    """
    from psysim.softmax.core import log_softmax

    x, b, _ = _prepare(logits, beta, -1, "plackett_luce_logprob")
    o = np.asarray(order)
    if o.ndim == 0 or not np.issubdtype(o.dtype, np.integer):
        raise PsysimError("plackett_luce_logprob: order must be an integer array of item indices")
    n = x.shape[-1]
    if (o < 0).any() or (o >= n).any():
        raise PsysimError(f"plackett_luce_logprob: order has indices outside 0..{n - 1}")
    try:
        lead = np.broadcast_shapes(x.shape[:-1], o.shape[:-1])
    except ValueError:
        raise PsysimError(f"plackett_luce_logprob: order of shape {o.shape} does not match logits of shape {x.shape}") from None
    x = np.array(np.broadcast_to(x, lead + (n,)), dtype=float)
    o = np.broadcast_to(o, lead + o.shape[-1:])
    out = np.zeros(lead)
    for t in range(o.shape[-1]):  # k steps, each vectorised over rows
        idx = o[..., t : t + 1]
        if (np.take_along_axis(x, idx, -1) == -np.inf).any():
            raise PsysimError("plackett_luce_logprob: an order selects an item twice or an item with logit -inf")
        lp = log_softmax(x, b, axis=-1)
        out = out + np.take_along_axis(lp, idx, -1)[..., 0]
        np.put_along_axis(x, idx, -np.inf, -1)
        if t + 1 < o.shape[-1] and np.all(x == -np.inf, axis=-1).any():
            raise PsysimError("plackett_luce_logprob: the order is longer than the number of selectable items")
    return out
