"""Softmax with an inverse temperature: probabilities, log-probabilities, entropy, log Z.

For logits (activations, priorities) ``a_i`` and inverse temperature ``beta``, the softmax is
the Boltzmann (Gibbs) distribution of statistical physics with energies ``-a_i`` and
temperature ``T = 1 / beta``:

    p_i = exp(beta a_i) / Z,        Z = sum_j exp(beta a_j)          (the partition function)

It is Luce's (1959) choice rule with strengths ``w_i = exp(beta a_i)``
(:func:`luce_choice`), the selection stage of Competitive Guided Search (Moran et al. 2013),
and a network's output layer (with ``beta = 1 / T``, Hinton, Vinyals & Dean 2015).

Numerics (log-sum-exp). Everything is computed from ``z_i = beta (a_i - max_j a_j)``, so the
largest exponent is ``exp(0) = 1``, ``Z' = sum exp(z) >= 1`` and ``log Z' >= 0``: nothing
overflows, and ``log p_i = z_i - log Z'`` is exact to rounding, for logits up to +-1e4 and
beta from 1e-6 to 1e6 (and further: shifting before scaling keeps ``beta * a`` itself from
ever being formed).

Limits and bad values (the same in every function of :mod:`psysim.softmax`)
--------------------------------------------------------------------------
``beta = 0``
    The exact limit beta -> 0+: uniform over the selectable items (every item whose logit is
    not ``-inf``).
``beta = +inf``
    The exact limit beta -> +inf (winner-take-all): uniform over the items with the largest
    logit (ties share the probability equally), 0 elsewhere.
``beta < 0`` (including ``-inf``)
    :class:`~psysim.errors.PsysimError`. A negative beta would prefer the *least* active item;
    if that is meant, negate the logits.
``beta`` NaN, not a number, or a bool
    :class:`~psysim.errors.PsysimError`.
logit ``-inf``
    The item cannot be chosen (probability 0): the way to mask items (e.g. inhibition of
    return, padding).
logit ``+inf``
    The exact limit of a logit growing without bound: the ``+inf`` items share all the
    probability, at any beta (including 0, taken as the limit beta -> 0+).
logit NaN, or every logit along the axis ``-inf``
    :class:`~psysim.errors.PsysimError`.

``beta`` may be an array that broadcasts against the logits (e.g. shape ``(n_beta, 1)`` with
logits of shape ``(n_items,)``) but must have size 1 along ``axis``: a temperature is shared
by the items it chooses among.
"""

from __future__ import annotations

import numpy as np

from psysim.errors import PsysimError


# -- checks --------------------------------------------------------------------------------
def check_beta(beta, where: str = "softmax") -> np.ndarray:
    """Validate an inverse temperature; return it as a float array (0-d for a scalar).

    Parameters
    ----------
    beta : float or array_like
        The inverse temperature(s) to check: numbers ``>= 0``, ``inf`` allowed.
    where : str
        The caller's name, which starts the error message.

    Returns
    -------
    numpy.ndarray
        ``beta`` as floats (0-d for a scalar).

    Raises
    ------
    PsysimError
        For NaN, negative values (including ``-inf``), bools and non-numbers.
    """
    if beta is None or isinstance(beta, (bool, np.bool_, str, bytes)):
        raise PsysimError(f"{where}: inverse temperature beta must be a number >= 0, got {beta!r}")
    try:
        b = np.asarray(beta, dtype=float)
    except (TypeError, ValueError):
        raise PsysimError(f"{where}: inverse temperature beta must be a number >= 0, got {beta!r}") from None
    if b.dtype == bool:
        raise PsysimError(f"{where}: inverse temperature beta must be a number >= 0, got a bool array")
    if np.isnan(b).any():
        raise PsysimError(f"{where}: inverse temperature beta is NaN; expected a number >= 0 (0 = uniform, inf = winner-take-all)")
    if (b < 0).any():
        bad = float(b[b < 0].flat[0]) if b.ndim else float(b)
        raise PsysimError(
            f"{where}: inverse temperature beta={bad:g} is negative; expected >= 0 "
            "(to prefer the least active items, negate the logits)"
        )
    return b


def beta_from_temperature(temperature, where: str = "softmax") -> np.ndarray:
    """Inverse temperature ``beta = 1 / T`` from a temperature ``T``.

    ``T = 0`` gives ``beta = inf`` (winner-take-all) and ``T = inf`` gives ``beta = 0``
    (uniform), the exact limits. ``T`` negative, NaN, a bool or not a number raises a one-line
    :class:`PsysimError` naming the value.

    Parameters
    ----------
    temperature : float or array_like
        Temperature(s) ``T >= 0``.
    where : str
        The caller's name, which starts the error message.

    Returns
    -------
    numpy.ndarray
        ``1 / T`` as floats (0-d for a scalar).
    """
    if temperature is None or isinstance(temperature, (bool, np.bool_, str, bytes)):
        raise PsysimError(f"{where}: temperature T must be a number >= 0, got {temperature!r}")
    try:
        t = np.asarray(temperature, dtype=float)
    except (TypeError, ValueError):
        raise PsysimError(f"{where}: temperature T must be a number >= 0, got {temperature!r}") from None
    if np.isnan(t).any():
        raise PsysimError(f"{where}: temperature T is NaN; expected a number >= 0 (0 = winner-take-all, inf = uniform)")
    if (t < 0).any():
        bad = float(t[t < 0].flat[0]) if t.ndim else float(t)
        raise PsysimError(f"{where}: temperature T={bad:g} is negative; expected >= 0")
    with np.errstate(divide="ignore"):
        return 1.0 / t


def _as_logits(logits, where: str, axis: int) -> np.ndarray:
    if isinstance(logits, (bool, np.bool_)):
        raise PsysimError(f"{where}: logits must be numbers, got {logits!r}")
    try:
        x = np.asarray(logits, dtype=float)
    except (TypeError, ValueError):
        raise PsysimError(f"{where}: logits must be numbers, got {type(logits).__name__}") from None
    if x.ndim == 0:
        raise PsysimError(f"{where}: logits must have at least one dimension (one value per item)")
    if x.shape[axis] == 0:
        raise PsysimError(f"{where}: no items along axis {axis}")
    if np.isnan(x).any():
        idx = tuple(int(i) for i in np.argwhere(np.isnan(x))[0])
        raise PsysimError(f"{where}: logit at index {idx if len(idx) > 1 else idx[0]} is NaN")
    dead = np.all(x == -np.inf, axis=axis)
    if dead.any():
        raise PsysimError(f"{where}: every logit is -inf along axis {axis} (no item can be chosen)"
                          + (f" in row {tuple(int(i) for i in np.argwhere(dead)[0])}" if dead.ndim else ""))
    return x


def _prepare(logits, beta, axis, where):
    """Broadcast logits and beta; return ``x, b, axis`` with ``b`` of size 1 along ``axis``."""
    x = _as_logits(logits, where, axis)
    b = check_beta(beta, where)
    if b.ndim:
        try:
            shape = np.broadcast_shapes(x.shape, b.shape)
        except ValueError:
            raise PsysimError(f"{where}: beta of shape {b.shape} does not broadcast against logits of shape {x.shape}") from None
        x = np.broadcast_to(x, shape)
        b = b.reshape((1,) * (len(shape) - b.ndim) + b.shape)
        ax = axis % len(shape)
        if b.shape[ax] != 1:
            raise PsysimError(f"{where}: beta must have size 1 along the item axis ({axis}); got shape {b.shape}")
    return x, b, axis % x.ndim


def _scaled(x, b, axis):
    """``z = beta (x - max x)`` with the exact limits at beta in {0, inf} and logits +-inf.

    Returns ``z`` (``0`` at the maxima, ``<= 0`` elsewhere, ``-inf`` for items that get
    probability 0) and ``m`` (the maximum logit along the axis, kept dims).
    """
    m = np.max(x, axis=axis, keepdims=True)
    is_max = x == m
    with np.errstate(invalid="ignore", over="ignore"):
        d = x - m  # finite and < 0 off the maxima, -inf for masked items and below a +inf max
        fin = np.isfinite(d)
        z = np.where(is_max, 0.0, np.where(fin, b * np.where(fin, d, 0.0), -np.inf))
    # beta = inf turns any d < 0 into -inf (exact); beta = 0 makes finite d into 0 (exact)
    return z, m


# -- public functions ----------------------------------------------------------------------
def softmax(logits, beta=1.0, axis: int = -1) -> np.ndarray:
    """Softmax probabilities ``p_i = exp(beta a_i) / sum_j exp(beta a_j)``.

    Parameters
    ----------
    logits : array_like
        Activations ``a`` (any units; ``beta`` has the inverse unit). ``-inf`` masks an item.
    beta : float or array_like
        Inverse temperature ``>= 0`` (``0``: uniform; ``inf``: winner-take-all). See the module
        docstring for the limits and errors.
    axis : int
        The item axis.

    Returns
    -------
    numpy.ndarray
        Probabilities summing to 1 along ``axis``; never NaN.

    References
    ----------
    Luce, R. D. (1959). *Individual choice behavior*. Wiley. Bridle, J. S. (1990).
    Probabilistic interpretation of feedforward classification network outputs. In
    *Neurocomputing* (pp. 227-236). Springer.
    """
    x, b, ax = _prepare(logits, beta, axis, "softmax")
    z, _ = _scaled(x, b, ax)
    e = np.exp(z)
    return e / e.sum(axis=ax, keepdims=True)


def log_softmax(logits, beta=1.0, axis: int = -1) -> np.ndarray:
    """Log of :func:`softmax`, ``beta a_i - log Z``, computed without forming ``p``.

    Items with probability 0 get ``-inf``. Same limits as :func:`softmax`.

    Parameters
    ----------
    logits : array_like
        Activations ``a``; ``-inf`` masks an item.
    beta : float or array_like
        Inverse temperature ``>= 0`` (``0``: uniform; ``inf``: winner-take-all); broadcasts
        against ``logits`` with size 1 along ``axis``.
    axis : int
        The item axis.

    Returns
    -------
    numpy.ndarray
        Log-probabilities, the shape of ``logits`` (broadcast with ``beta``).
    """
    x, b, ax = _prepare(logits, beta, axis, "log_softmax")
    z, _ = _scaled(x, b, ax)
    return z - np.log(np.exp(z).sum(axis=ax, keepdims=True))


def logsumexp(logits, beta=1.0, axis: int = -1) -> np.ndarray:
    """Log partition function ``log Z = log sum_i exp(beta a_i)``, stable for large logits.

    Computed as ``beta max(a) + log sum exp(beta (a - max a))``. Limits: ``beta = 0`` gives
    ``log(n)`` (``n`` items that are not ``-inf``); ``beta = inf`` gives ``+inf`` when the
    largest logit is positive, ``-inf`` when it is negative, and ``log(k)`` when it is 0 (``k``
    tied maxima); a ``+inf`` logit gives ``+inf``.

    Parameters
    ----------
    logits : array_like
        Activations ``a``; ``-inf`` masks an item.
    beta : float or array_like
        Inverse temperature ``>= 0`` (``0``: uniform; ``inf``: winner-take-all); broadcasts
        against ``logits`` with size 1 along ``axis``.
    axis : int
        The item axis, summed over.

    Returns
    -------
    numpy.ndarray
        ``log Z``, with ``axis`` removed.
    """
    x, b, ax = _prepare(logits, beta, axis, "logsumexp")
    z, m = _scaled(x, b, ax)
    lse = np.log(np.exp(z).sum(axis=ax, keepdims=True))
    with np.errstate(invalid="ignore"):
        bm = np.where(m == 0, 0.0, np.where(b == 0, 0.0, b * m))
    bm = np.where(m == np.inf, np.inf, bm)
    return np.squeeze(bm + lse, axis=ax)


log_partition = logsumexp
"""Alias of :func:`logsumexp`: ``log Z(beta)``, the log partition function."""


def entropy(logits, beta=1.0, axis: int = -1) -> np.ndarray:
    """Shannon entropy (nats) of the softmax distribution, ``-sum_i p_i log p_i``.

    ``beta = 0`` gives ``log(n)`` (maximal uncertainty over the ``n`` selectable items), ``beta
    = inf`` gives ``log(k)`` for ``k`` tied maxima (0 for a unique winner). Terms with
    ``p_i = 0`` contribute 0 (``0 log 0 = 0``).

    Parameters
    ----------
    logits : array_like
        Activations ``a``; ``-inf`` masks an item.
    beta : float or array_like
        Inverse temperature ``>= 0`` (``0``: uniform; ``inf``: winner-take-all); broadcasts
        against ``logits`` with size 1 along ``axis``.
    axis : int
        The item axis, summed over.

    Returns
    -------
    numpy.ndarray
        Entropy in nats (divide by ``log 2`` for bits), ``>= 0``, with ``axis`` removed.
    """
    x, b, ax = _prepare(logits, beta, axis, "entropy")
    z, _ = _scaled(x, b, ax)
    logp = z - np.log(np.exp(z).sum(axis=ax, keepdims=True))
    p = np.exp(logp)
    terms = np.where(p > 0, -p * np.where(p > 0, logp, 0.0), 0.0)
    return np.maximum(terms.sum(axis=ax), 0.0)


def luce_choice(weights, exponent=1.0, axis: int = -1) -> np.ndarray:
    """Luce's (1959) choice rule ``p_i = w_i^g / sum_j w_j^g`` for strengths ``w >= 0``.

    Equal to ``softmax(log w, beta=g)``, which is how it is computed: a weight of 0 is a logit
    of ``-inf`` (never chosen), an infinite weight wins outright, ``g = 0`` is uniform over the
    items with ``w > 0``, ``g = inf`` picks the largest weights.

    Parameters
    ----------
    weights : array_like
        Response strengths ``w >= 0``.
    exponent : float or array_like
        The exponent ``g >= 0`` (plays the role of ``beta``).
    axis : int
        The item axis.

    Returns
    -------
    numpy.ndarray
        Choice probabilities summing to 1 along ``axis``.

    Raises
    ------
    PsysimError
        For negative or NaN weights, all-zero weights along ``axis``, and bad exponents (as for
        ``beta``).
    """
    try:
        w = np.asarray(weights, dtype=float)
    except (TypeError, ValueError):
        raise PsysimError(f"luce_choice: weights must be numbers, got {type(weights).__name__}") from None
    if np.isnan(w).any():
        raise PsysimError(f"luce_choice: weight at index {tuple(int(i) for i in np.argwhere(np.isnan(w))[0])} is NaN")
    if (w < 0).any():
        raise PsysimError(f"luce_choice: weights must be >= 0, got {float(w[w < 0].flat[0]):g}")
    if w.ndim and (w == 0).all(axis=axis).any():
        raise PsysimError(f"luce_choice: every weight is 0 along axis {axis} (no item can be chosen)")
    with np.errstate(divide="ignore"):
        logw = np.log(w)
    x, b, ax = _prepare(logw, exponent, axis, "luce_choice")
    z, _ = _scaled(x, b, ax)
    e = np.exp(z)
    return e / e.sum(axis=ax, keepdims=True)


def two_choice(a, b, beta=1.0) -> np.ndarray:
    """Probability of choosing ``a`` over ``b``: the logistic sigmoid ``1 / (1 + exp(-beta (a - b)))``.

    The two-alternative softmax equals the logistic function of the difference of the logits
    (Bradley & Terry 1952; Luce 1959): ``exp(beta a) / (exp(beta a) + exp(beta b))``. Computed
    with :func:`scipy.special.expit`, independently of :func:`softmax`. Limits: ``beta = 0``
    and ``a == b`` give 0.5; ``beta = inf`` gives 1, 0 or 0.5 (tie); an infinite logit wins
    at any beta (as in :func:`softmax`).

    Parameters
    ----------
    a, b : float or array_like
        The two logits (broadcast against each other); NaN raises :class:`PsysimError`.
    beta : float or array_like
        Inverse temperature ``>= 0``.

    Returns
    -------
    numpy.ndarray
        ``P(a chosen over b)``, in [0, 1].
    """
    from scipy.special import expit

    bb = check_beta(beta, "two_choice")
    a = np.asarray(a, dtype=float)
    b_ = np.asarray(b, dtype=float)
    if np.isnan(a).any() or np.isnan(b_).any():
        raise PsysimError("two_choice: a logit is NaN")
    with np.errstate(invalid="ignore"):
        d = a - b_
        d = np.where(np.isnan(d), 0.0, d)  # inf - inf: a tie between two certain items
        z = np.where(d == 0, 0.0, np.where(np.isinf(d), d, np.where(bb == 0, 0.0, bb * d)))
    return expit(z)
