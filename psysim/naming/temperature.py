"""Temperature-scaled softmax, entropy, per-item naming scores and temperature fitting.

``p_i(T) = exp(z_i / T) / sum_j exp(z_j / T)`` (Hinton, Vinyals & Dean 2015, Eq. 1): the
probability a network gives name ``i`` at temperature ``T``. Entropy is in bits, like the
name-agreement statistic H of Snodgrass & Vanderwart (1980).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax

from psysim.errors import ParameterError

T_BOUNDS = (0.01, 100.0)


def _check_t(T):
    if not np.all(np.asarray(T) > 0):
        raise ParameterError(f"temperature must be > 0, got {T}")


def log_probs(logits, T: float = 1.0) -> np.ndarray:
    """``log softmax(logits / T)`` along the last axis (natural log).

    Parameters
    ----------
    logits : array_like, shape (N, K)
        One row of class logits per view.
    T : float
        Softmax temperature ``> 0`` (1: the network's own outputs).

    Returns
    -------
    numpy.ndarray
        Log-probabilities, the shape of ``logits``.
    """
    _check_t(T)
    return log_softmax(np.asarray(logits, dtype=float) / T, axis=-1)


def entropy_bits(logits, T: float = 1.0) -> np.ndarray:
    """Entropy of ``softmax(logits / T)`` in bits, per row.

    Parameters
    ----------
    logits : array_like, shape (N, K)
        One row of class logits per view.
    T : float
        Softmax temperature ``> 0`` (1: the network's own outputs).

    Returns
    -------
    numpy.ndarray, shape (N,)
        Entropy in bits, from 0 (certain) to ``log2 K`` (uniform).
    """
    lp = log_probs(logits, T)
    return -(np.exp(lp) * lp).sum(-1) / np.log(2)


def nll(logits, labels, T: float = 1.0) -> float:
    """Mean negative log-likelihood (nats) of ``labels`` under ``softmax(logits / T)``.

    Parameters
    ----------
    logits : array_like, shape (N, K)
        One row of class logits per view.
    labels : array_like of int, shape (N,)
        The correct class of each row.
    T : float
        Softmax temperature ``> 0`` (1: the network's own outputs).

    Returns
    -------
    float
        The mean of ``-log p(label)`` in nats.
    """
    lp = log_probs(logits, T)
    return float(-lp[np.arange(len(lp)), np.asarray(labels)].mean())


def fit_temperature(logits, labels, bounds=T_BOUNDS) -> float:
    """Maximum-likelihood temperature of a classifier on labelled logits (temperature
    scaling, Guo et al. 2017, Sec. 4.2): ``argmin_T NLL(labels | softmax(logits / T))``,
    searched on ``log T`` within ``bounds`` (bounded Brent).

    Parameters
    ----------
    logits : array_like, shape (N, K)
        One row of class logits per view.
    labels : array_like of int, shape (N,)
        The correct class of each row.
    bounds : (float, float)
        Range of ``T`` searched.

    Returns
    -------
    float
        The temperature that minimises the NLL (at a bound when the optimum lies outside).

    Raises
    ------
    ParameterError
        When the shapes of ``logits`` and ``labels`` do not match.
    """
    logits = np.asarray(logits, dtype=float)
    labels = np.asarray(labels)
    if logits.ndim != 2 or len(labels) != len(logits):
        raise ParameterError(f"fit_temperature needs (N, K) logits and N labels, got {logits.shape} and {labels.shape}")
    res = minimize_scalar(lambda lt: nll(logits, labels, np.exp(lt)), bounds=np.log(bounds), method="bounded", options={"xatol": 1e-6})
    return float(np.exp(res.x))


def item_scores(logits, views: pd.DataFrame, T: float = 1.0, key: str = "picture") -> pd.DataFrame:
    """Per-picture naming scores over its evaluation views.

    Parameters
    ----------
    logits : array (V, K)
        Logits of the V evaluation views.
    views : DataFrame
        One row per view with ``label`` and the grouping column ``key`` (``item``,
        ``version``, ``name`` are carried along when present).
    T : float
        Softmax temperature.
    key : str
        The column of ``views`` that names the picture each view shows.

    Returns
    -------
    pandas.DataFrame
        Per picture: ``accuracy`` (share of views whose top name is right), ``top5`` (share
        with the right name among the 5 highest logits), ``p_correct`` (mean probability of
        the right name), ``entropy`` (mean entropy in bits), ``n_views``, ``confused_index``
        and ``p_confused`` (the wrong name with the highest mean probability).
    """
    z = np.asarray(logits, dtype=float)
    lab = views["label"].to_numpy()
    lp = log_probs(z, T)
    p = np.exp(lp)
    rows = np.arange(len(p))
    rank = (z > z[rows, lab][:, None]).sum(1)  # names scored above the right one
    df = views.copy()
    df["correct"] = rank == 0
    df["top5"] = rank < 5
    df["p_correct"] = p[rows, lab]
    df["entropy"] = -(p * lp).sum(1) / np.log(2)
    carry = [c for c in ("item", "version", "name", "label") if c in df.columns and c != key]
    out = df.groupby(key, sort=True).agg(
        **{c: (c, "first") for c in carry},
        accuracy=("correct", "mean"), top5=("top5", "mean"), p_correct=("p_correct", "mean"), entropy=("entropy", "mean"), n_views=("label", "size"),
    ).reset_index()
    mean_p = pd.DataFrame(p).groupby(df[key].to_numpy(), sort=True).mean().to_numpy().copy()
    mean_p[np.arange(len(out)), out["label"].to_numpy()] = -1.0
    out["confused_index"] = mean_p.argmax(1)
    out["p_confused"] = mean_p.max(1)
    return out


def entropy_by_picture(logits, picture_index, temperatures) -> np.ndarray:
    """Mean entropy (bits) over each picture's views, at each temperature:
    array ``(len(temperatures), n_pictures)``.

    Parameters
    ----------
    logits : array_like, shape (N, K)
        One row of class logits per view.
    picture_index : array_like, shape (N,)
        The picture each row is a view of (any sortable ids).
    temperatures : sequence of float
        The temperatures to evaluate.

    Returns
    -------
    numpy.ndarray, shape (len(temperatures), n_pictures)
        Pictures in sorted id order.
    """
    pic = np.asarray(picture_index)
    uniq, inv = np.unique(pic, return_inverse=True)
    counts = np.bincount(inv)
    out = np.empty((len(temperatures), len(uniq)))
    for k, T in enumerate(temperatures):
        out[k] = np.bincount(inv, weights=entropy_bits(logits, T)) / counts
    return out
