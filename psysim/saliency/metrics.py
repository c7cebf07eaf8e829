"""Saliency metrics against human fixations, as pure functions.

Definitions follow the MIT Saliency Benchmark code and Bylinskii, Judd, Oliva, Torralba &
Durand (2019). What do different evaluation metrics tell us about saliency models? IEEE
TPAMI, 41(3), 740-757; information gain follows Kümmerer, Wallis & Bethge (2015). Information-
theoretic model comparison unifies saliency metrics. PNAS, 112(52), 16054-16059.

Inputs are a saliency map ``s`` (any non-negative or real 2-D array) and a *fixation map*
``fix`` of the same shape whose non-zero pixels are fixated (a binary map, as the MIT benchmark
uses), or a continuous *fixation density* ``density`` (for CC, KL, SIM). Use :func:`resize_map`
to bring a model map to the fixation map's size first (the MIT code resizes with ``imresize``).

Differences from pysaliency (as its documentation describes it), stated so that numbers are
compared like with like:

* pysaliency evaluates *probabilistic* models (log densities) on fixation lists, counting a pixel
  fixated twice twice; the MIT definitions used here take a binary fixation map, so repeated
  fixations on one pixel count once.
* AUC: the MIT AUC-Judd uses as negatives all non-fixated pixels and thresholds at the saliency
  values of fixated pixels; pysaliency's AUC compares fixated values against all pixels with an
  exact rank (Mann-Whitney) formula. The MIT code also adds tiny random jitter to break ties
  (without it, its true-positive count ``i`` is wrong when fixated values tie); we count tied
  pixels together at each threshold instead (the exact ROC), so the function is deterministic
  and equals the MIT value whenever there are no ties.
* NSS: the MIT code standardises with MATLAB's ``std`` (N - 1 denominator); numpy's default is
  N. We follow MIT (``ddof=1``).
* KL and information gain: MIT regularises with MATLAB ``eps`` (2.2e-16); pysaliency works with
  log densities and reports information gain in bits per fixation relative to a baseline model.
* SIM: MIT (and psysim) scale each map to [0, 1], subtracting its minimum, before making it a
  density; pysaliency subtracts the minimum only when it is negative.
* shuffled AUC: MIT draws 100 random splits of other images' fixations; pysaliency uses all of
  them at once.
"""

from __future__ import annotations

import numpy as np

from psysim.errors import PsysimError
from psysim.seeds import check_seed

EPS = np.finfo(np.float64).eps
"""Regulariser of the MIT code (MATLAB ``eps``)."""


def _as_map(a, name: str) -> np.ndarray:
    m = np.asarray(a, dtype=np.float64)
    if m.ndim != 2 or m.size == 0:
        raise PsysimError(f"{name}: expected a non-empty 2-D map, got shape {m.shape}")
    if not np.isfinite(m).all():
        raise PsysimError(f"{name}: map has NaN or infinite values")
    return m


def _pair(s, fix, name: str):
    s = _as_map(s, f"{name} saliency map")
    f = _as_map(fix, f"{name} fixation map")
    if s.shape != f.shape:
        raise PsysimError(
            f"{name}: saliency map {s.shape} and fixation map {f.shape} differ in shape; use resize_map first"
        )
    return s, f


def _fixated(fix: np.ndarray, name: str) -> np.ndarray:
    mask = fix > 0
    if not mask.any():
        raise PsysimError(f"{name}: the fixation map has no fixated pixel")
    return mask


def _unit_range(s: np.ndarray) -> np.ndarray:
    lo, hi = s.min(), s.max()
    return (s - lo) / (hi - lo) if hi > lo else np.zeros_like(s)


def resize_map(m, shape) -> np.ndarray:
    """Resize a map to ``shape`` (H, W) by bilinear interpolation of pixel centres."""
    from scipy import ndimage

    m = _as_map(m, "resize_map")
    if m.shape == tuple(shape):
        return m
    zoom = (shape[0] / m.shape[0], shape[1] / m.shape[1])
    return ndimage.zoom(m, zoom, order=1, mode="nearest", grid_mode=True)


def threshold_fixations(img, level: float = 127) -> np.ndarray:
    """Binary fixation map from a fixation image saved lossily (JPEG halos): ``img > level``."""
    a = np.asarray(img)
    if a.ndim == 3:
        a = a.mean(axis=-1)
    return a > level


# ----------------------------------------------------------------------------- location-based
def auc_judd(s, fix) -> float:
    """AUC-Judd (Judd et al. 2009; MIT benchmark): ROC area with thresholds at the saliency
    values of fixated pixels; true positives are fixated pixels at or above the threshold, false
    positives non-fixated pixels at or above it."""
    s, f = _pair(s, fix, "auc_judd")
    mask = _fixated(f, "auc_judd")
    s = _unit_range(s)
    sth = np.sort(s[mask])[::-1]
    n_fix, n_pix = len(sth), s.size
    if n_pix == n_fix:
        raise PsysimError("auc_judd: every pixel is fixated; no negatives")
    allv = np.sort(s.ravel())
    above = n_pix - np.searchsorted(allv, sth, side="left")  # pixels >= each threshold
    fix_above = n_fix - np.searchsorted(sth[::-1], sth, side="left")  # fixated pixels >= it
    tp = np.concatenate([[0.0], fix_above / n_fix, [1.0]])
    fp = np.concatenate([[0.0], (above - fix_above) / (n_pix - n_fix), [1.0]])
    return float(np.trapezoid(tp, fp))


def _auc_sampled(s_fix: np.ndarray, s_neg_splits: np.ndarray, step: float) -> float:
    aucs = []
    for neg in s_neg_splits:
        top = max(s_fix.max(), neg.max())
        thr = np.arange(0.0, top + step * 1e-9, step)[::-1]
        tp = (s_fix[None, :] >= thr[:, None]).mean(axis=1)
        fp = (neg[None, :] >= thr[:, None]).mean(axis=1)
        tp = np.concatenate([[0.0], tp, [1.0]])
        fp = np.concatenate([[0.0], fp, [1.0]])
        aucs.append(np.trapezoid(tp, fp))
    return float(np.mean(aucs))


def auc_borji(s, fix, n_splits: int = 100, step: float = 0.1, seed=0) -> float:
    """AUC-Borji (Borji et al. 2013; MIT benchmark): negatives are as many pixels as there are
    fixations, drawn uniformly from the whole image (with replacement), ``n_splits`` times;
    thresholds every ``step`` on the [0, 1]-scaled map; the mean AUC over splits."""
    s, f = _pair(s, fix, "auc_borji")
    mask = _fixated(f, "auc_borji")
    s = _unit_range(s)
    sf = s[mask]
    rng = np.random.default_rng(check_seed(seed, generators=True))
    idx = rng.integers(0, s.size, size=(int(n_splits), len(sf)))
    return _auc_sampled(sf, s.ravel()[idx], step)


def auc_shuffled(s, fix, other_fix, n_splits: int = 100, step: float = 0.1, seed=0) -> float:
    """Shuffled AUC (Zhang et al. 2008; MIT benchmark): like AUC-Borji, but negatives are the
    saliency values at fixations from *other* images (``other_fix``, a map of the same shape),
    which discounts centre bias."""
    s, f = _pair(s, fix, "auc_shuffled")
    _, o = _pair(s, other_fix, "auc_shuffled other")
    mask = _fixated(f, "auc_shuffled")
    omask = _fixated(o, "auc_shuffled other-image")
    s = _unit_range(s)
    sf = s[mask]
    oth = s[omask]
    k = min(len(sf), len(oth))
    rng = np.random.default_rng(check_seed(seed, generators=True))
    splits = np.stack([oth[rng.permutation(len(oth))[:k]] for _ in range(int(n_splits))])
    return _auc_sampled(sf, splits, step)


def nss(s, fix) -> float:
    """Normalised scanpath saliency (Peters et al. 2005): mean of the standardised map
    (zero mean, unit standard deviation with N - 1, as MATLAB ``std``) at fixated pixels."""
    s, f = _pair(s, fix, "nss")
    mask = _fixated(f, "nss")
    sd = s.std(ddof=1)
    if sd == 0:
        return 0.0
    return float(((s - s.mean()) / sd)[mask].mean())


def information_gain(s, fix, baseline) -> float:
    """Information gain over a baseline map (Kümmerer et al. 2015; MIT benchmark), in bits per
    fixated pixel: ``mean(log2(eps + P(x)) - log2(eps + B(x)))`` over fixated pixels, with P and B
    the maps scaled to [0, 1] and then to unit sum."""
    s, f = _pair(s, fix, "information_gain")
    b, _ = _pair(baseline, fix, "information_gain baseline")
    mask = _fixated(f, "information_gain")
    p = _to_density(_unit_range(s))
    q = _to_density(_unit_range(b))
    return float(np.mean(np.log2(EPS + p[mask]) - np.log2(EPS + q[mask])))


# ----------------------------------------------------------------------------- distribution-based
def _to_density(m: np.ndarray) -> np.ndarray:
    total = m.sum()
    return m / total if total > 0 else np.full_like(m, 1.0 / m.size)


def cc(s, density) -> float:
    """Pearson's linear correlation coefficient between the two maps (MIT benchmark)."""
    a, b = _pair(s, density, "cc")
    a, b = a - a.mean(), b - b.mean()
    den = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / den) if den > 0 else 0.0


def kl_divergence(s, density) -> float:
    """KL divergence of the fixation density from the saliency map (MIT benchmark):
    ``sum Q log(eps + Q / (P + eps))`` with P, Q the saliency map and the fixation density each
    scaled to unit sum (natural log; lower is better)."""
    a, b = _pair(s, density, "kl_divergence")
    if (a < 0).any() or (b < 0).any():
        raise PsysimError("kl_divergence: maps must be non-negative")
    p, q = _to_density(a), _to_density(b)
    return float(np.sum(q * np.log(EPS + q / (p + EPS))))


def sim(s, density) -> float:
    """Similarity (histogram intersection; MIT benchmark): both maps scaled to [0, 1], then to
    unit sum; ``sum min(P, Q)``, 1 for identical maps, 0 for disjoint ones."""
    a, b = _pair(s, density, "sim")
    p, q = _to_density(_unit_range(a)), _to_density(_unit_range(b))
    return float(np.minimum(p, q).sum())


# ----------------------------------------------------------------------------- baselines
def centre_bias(shape, sigma_frac: float = 0.25) -> np.ndarray:
    """Isotropic Gaussian centred on the image, sigma a fraction of the smaller side (px)."""
    h, w = int(shape[0]), int(shape[1])
    y = np.arange(h) + 0.5 - h / 2
    x = np.arange(w) + 0.5 - w / 2
    sig = sigma_frac * min(h, w)
    return np.exp(-(y[:, None] ** 2 + x[None, :] ** 2) / (2 * sig**2))


def uniform_map(shape) -> np.ndarray:
    """A constant map (chance: AUC 0.5, NSS 0)."""
    return np.ones((int(shape[0]), int(shape[1])))


LOCATION_METRICS = ("auc_judd", "auc_borji", "auc_shuffled", "nss", "info_gain")
DISTRIBUTION_METRICS = ("cc", "kl", "sim")


def other_fixations(fixation_maps, k: int, shape) -> np.ndarray:
    """The negatives of the shuffled AUC for image ``k``: the fixated pixels of every *other*
    image, mapped (by relative position) onto a boolean grid of ``shape`` = ``(H, W)``."""
    h, w = shape
    out = np.zeros(shape, dtype=bool)
    for j, f in enumerate(fixation_maps):
        if j == k:
            continue
        ys, xs = np.nonzero(f)
        hy, wx = np.shape(f)
        out[np.minimum((ys + 0.5) / hy * h, h - 1).astype(int), np.minimum((xs + 0.5) / wx * w, w - 1).astype(int)] = True
    return out
