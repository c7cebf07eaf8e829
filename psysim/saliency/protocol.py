"""The benchmark protocol for scoring a saliency map against fixations: a seeded train/test split
of images, blur and centre-bias mixture fitted on the training images by maximum likelihood, the
fitted maps scored on the held-out images, and paired tests across images with Holm's correction.

Following the MIT saliency benchmark (Judd, Durand & Torralba 2012: "we add and optimize a blur
and center bias for each model") and Kümmerer, Wallis & Bethge (2015, PNAS 112(52):16054; 2018,
ECCV "Saliency benchmarking made easy"): a map is turned into a probability density over pixels and
judged by the log-likelihood of the fixations, in bits per fixation relative to a uniform map
(information gain over the uniform baseline). Fitting and scoring use the same quantity, so the
fitted parameters are the ones that score best on it. Where this deviates from the papers:

- the MIT benchmark fits blur and centre-bias weight by its own metrics on a separate data set
  (MIT ICCV images) and mixes by a weighted sum of rescaled maps; here both are fitted on a
  training split of the same data set, and the mixture is of densities (Kümmerer et al. 2015);
- the blur sigma is a fraction of the map's shorter side (the benchmark uses pixels of one
  screen set-up; a fraction carries across image sizes);
- a density is floored by ``FLOOR`` of the uniform density so that an unblurred, sparse map
  (exact zeros) has a finite log-likelihood; the floor is stated, not fitted.

Pure functions; no drawing, no file I/O.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from psysim.errors import PsysimError

FLOOR = 1e-6
"""Mixture weight of a uniform density added to every model density (prevents log 0)."""


def blur_map(m, sigma_frac: float) -> np.ndarray:
    """Gaussian blur of a map, sigma = ``sigma_frac`` x the map's shorter side (pixels of the
    map), nearest-edge padding (as pysaliency); ``sigma_frac`` 0 returns a float copy."""
    m = np.asarray(m, dtype=np.float64)
    if not np.isfinite(sigma_frac) or sigma_frac < 0:
        raise PsysimError(f"blur_map: sigma_frac must be a number >= 0, got {sigma_frac!r}")
    if sigma_frac == 0:
        return m.copy()
    return ndimage.gaussian_filter(m, sigma_frac * min(m.shape[-2:]), mode="nearest")


def density(m) -> np.ndarray:
    """A non-negative map as a probability density over pixels (unit sum), mixed with
    ``FLOOR`` of the uniform density; an all-zero map gives the uniform density."""
    m = np.asarray(m, dtype=np.float64)
    if not np.isfinite(m).all() or (m < 0).any():
        raise PsysimError("density: the map must be finite and non-negative")
    total = m.sum()
    p = m / total if total > 0 else np.full(m.shape, 1.0 / m.size)
    return (1 - FLOOR) * p + FLOOR / m.size


def fixation_weights(fix=None, dens=None) -> np.ndarray:
    """Where the fixations are, as weights summing to 1: the fixated pixels of a boolean map, or,
    for a set that gives only a density, that density (the expected log-likelihood)."""
    if fix is not None:
        f = np.asarray(fix, dtype=bool)
        if not f.any():
            raise PsysimError("fixation_weights: no fixated pixel")
        return f / f.sum()
    if dens is None:
        raise PsysimError("fixation_weights: give fixation points or a density")
    d = np.asarray(dens, dtype=np.float64)
    if not np.isfinite(d).all() or (d < 0).any() or d.sum() <= 0:
        raise PsysimError("fixation_weights: the density must be finite, non-negative and not all zero")
    return d / d.sum()


def log_likelihood(p, weights) -> float:
    """Log-likelihood of the fixations under density ``p`` in bits per fixation, relative to
    a uniform density: ``sum_x w(x) log2(N p(x))`` (Kümmerer et al. 2015), N the number of
    pixels; 0 for the uniform map, positive when the map puts more mass where people looked."""
    p, w = np.asarray(p, dtype=np.float64), np.asarray(weights, dtype=np.float64)
    if p.shape != w.shape:
        raise PsysimError(f"log_likelihood: density {p.shape} and fixations {w.shape} differ in shape")
    nz = w > 0
    return float(np.sum(w[nz] * np.log2(p.size * p[nz])))


def train_test_split(names, train_fraction: float, rng) -> tuple[list, list]:
    """A seeded split of image names: ``round(train_fraction * n)`` training images (at least 1),
    the rest held out (at least 2, for the paired test); both lists in input order."""
    names = list(names)
    n = len(names)
    if not 0 < train_fraction < 1:
        raise PsysimError(f"train_test_split: train_fraction must be in (0, 1), got {train_fraction!r}")
    n_train = int(round(train_fraction * n))
    n_train = min(max(n_train, 1), n - 2)
    if n_train < 1:
        raise PsysimError(f"train_test_split: {n} images; the protocol needs at least 3 (1 to fit, 2 to test)")
    pick = set(rng.permutation(n)[:n_train].tolist())
    return [x for i, x in enumerate(names) if i in pick], [x for i, x in enumerate(names) if i not in pick]


def fit_protocol(items, blur_grid, sigma_grid, weight_grid, centre, resize=None) -> dict:
    """Fit the centre bias alone, the blur of the saliency map alone, and the mixture's blur,
    centre-bias sigma and weight jointly, each by the mean training log-likelihood (bits per
    fixation) over a grid.

    Parameters
    ----------
    items : list of (numpy.ndarray, numpy.ndarray)
        Per training image: the raw saliency map (any resolution; blurred at its own size and
        then brought to the fixation grid by ``upsample``) and the fixation weights
        (:func:`fixation_weights`) on the image grid.
    blur_grid, sigma_grid, weight_grid : sequence of float
        Blur sigma (fraction of the map's shorter side), centre-bias sigma (fraction of the
        image's shorter side) and mixture weight of the saliency map (0 = centre bias only).
    centre : callable
        ``centre(shape, sigma_frac) -> map`` (the centre-bias map).
    resize : callable, optional
        ``resize(map, shape)``: the blurred saliency map on the image grid (default: bilinear
        :func:`psysim.saliency.metrics.resize_map`, identity when the shapes match).

    Returns
    -------
    dict
        ``centre_sigma``, ``blur_alone``, ``blur_mixture``, ``centre_sigma_mixture``, ``weight``,
        and the training
        log-likelihoods ``ll_centre``, ``ll_alone``, ``ll_mixture``; each parameter is the grid
        value with the highest mean (the first one on ties).
    """
    if not items:
        raise PsysimError("fit_protocol: no training image")
    upsample = resize or _resize
    # log-likelihood terms need each density only at the weighted pixels
    cb = [[_at(density(centre(w.shape, s)), w) for (_, w) in items] for s in sigma_grid]
    ll_cb = [np.mean([_ll(v, w) for v, w in row]) for row in cb]
    k_cb = int(np.argmax(ll_cb))
    sal = [[_at(density(upsample(blur_map(m, b), w.shape)), w) for (m, w) in items] for b in blur_grid]
    ll_alone = [np.mean([_ll(v, w) for v, w in row]) for row in sal]
    k_b = int(np.argmax(ll_alone))
    best, arg = -np.inf, (0, 0, 0)
    for i, row in enumerate(sal):
        for k, crow in enumerate(cb):
            for j, a in enumerate(weight_grid):
                ll = np.mean([_ll((a * vs + (1 - a) * vc), w) for (vs, w), (vc, _) in zip(row, crow)])
                if ll > best + 1e-12:
                    best, arg = ll, (i, k, j)
    return {"centre_sigma": float(sigma_grid[k_cb]), "blur_alone": float(blur_grid[k_b]),
            "blur_mixture": float(blur_grid[arg[0]]), "centre_sigma_mixture": float(sigma_grid[arg[1]]),
            "weight": float(weight_grid[arg[2]]),
            "ll_centre": float(ll_cb[k_cb]), "ll_alone": float(ll_alone[k_b]), "ll_mixture": float(best)}


def _resize(m, shape):
    from psysim.saliency.metrics import resize_map

    return m if m.shape == tuple(shape) else resize_map(m, shape)


def _at(p, w):
    """(p at the weighted pixels, their weights, N): all the log-likelihood needs."""
    nz = w > 0
    return p[nz] * p.size, w[nz]


def _ll(v, w) -> float:
    return float(np.sum(w * np.log2(v)))


def mixture(p_sal, p_centre, weight: float) -> np.ndarray:
    """The density ``weight * p_sal + (1 - weight) * p_centre`` (Kümmerer et al. 2015)."""
    if not 0 <= weight <= 1:
        raise PsysimError(f"mixture: weight must be in [0, 1], got {weight!r}")
    return weight * np.asarray(p_sal) + (1 - weight) * np.asarray(p_centre)


def holm(pvalues) -> np.ndarray:
    """Holm (1979) step-down adjusted p values (family-wise error), in the input order; NaN
    entries stay NaN and do not count towards the family size."""
    p = np.asarray(pvalues, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    if ok.size == 0:
        return out
    if ((p[ok] < 0) | (p[ok] > 1)).any():
        raise PsysimError("holm: p values must lie in [0, 1]")
    order = ok[np.argsort(p[ok], kind="stable")]
    m = order.size
    adj = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out[order] = np.minimum(adj, 1.0)
    return out


def paired_test(a, b) -> dict:
    """Two-sided Wilcoxon signed-rank test of the per-image differences ``a - b`` (Wilcoxon
    1945; scipy's exact distribution for small n without ties, else the normal approximation;
    zero differences dropped); ``p`` is NaN when fewer than 2 non-zero differences remain."""
    from scipy import stats

    d = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    d = d[np.isfinite(d)]
    nz = d[d != 0]
    if nz.size < 2:
        return {"n": int(d.size), "mean_diff": float(d.mean()) if d.size else np.nan,
                "median_diff": float(np.median(d)) if d.size else np.nan, "W": np.nan, "p": np.nan}
    r = stats.wilcoxon(nz)
    return {"n": int(d.size), "mean_diff": float(d.mean()), "median_diff": float(np.median(d)),
            "W": float(r.statistic), "p": float(r.pvalue)}
