"""Scoring a network's maps against human fixations with the saliency-fixations protocol.

The protocol is :mod:`psysim.saliency.protocol` (Judd, Durand & Torralba 2012; Kümmerer, Wallis
& Bethge 2015, 2018), used as ``saliency-fixations`` uses it: the images are split at random
(seeded) into training and test images; on the training images the centre-bias sigma, the blur
of a map alone, and the blur, centre-bias sigma and weight of the mixture ``w * map + (1 - w) *
centre`` (densities) are fitted by maximum likelihood over a grid; every score is on the test
images. Primary measure: the log-likelihood of the fixations in bits per fixation relative to a
uniform map (``ll_bits``, the map alone; ``ll_bits_mixture``, the fitted mixture with the centre
bias: what the map adds to it); paired comparisons are Wilcoxon signed-rank tests over test
images, Holm-corrected over their family (:func:`comparisons`).

Deviation from ``saliency-fixations``, and why: there the fixations are scored on the image's
own pixel grid (up to 1440 x 1082). Here, where every backbone is scored for several training
seeds and two or three maps, each is scored on a *scoring grid* of the size the networks see the
image at (shorter side ``fixation_side`` px): each fixated pixel is counted in the grid cell it
falls in (:func:`grid_fixations`), so the log-likelihood is that of a density constant within
each cell, and the grid, not the image, is the uniform baseline. For maps smoother than a cell
(the network maps are upsampled from a last feature map 4-8 x coarser) this changes little; it
costs a sharp map (unblurred Itti-Koch) some of the likelihood it would get at full resolution,
so the Itti-Koch value here is not the ``saliency-fixations`` value. The secondary metrics (NSS,
CC and AUC-Judd of the fitted map alone) are computed on the same grid and are descriptive.

Pure functions of arrays; no drawing, no file I/O.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.errors import PsysimError
from psysim.saliency import metrics as M
from psysim.saliency import protocol as P

SECONDARY = ("nss", "cc", "auc_judd")
"""Secondary metrics, descriptive (MIT benchmark definitions, on the scoring grid)."""
CHANCE = {"ll_bits": 0.0, "ll_bits_mixture": 0.0, "nss": 0.0, "cc": 0.0, "auc_judd": 0.5}


def grids(blur_max: float = 0.12, n_grid: int = 9) -> dict:
    """The fitting grids of ``saliency-fixations``: blur sigma 0..``blur_max`` (fraction of the
    map's shorter side), centre-bias sigma 0.1..0.5 (fraction of the shorter side), weight 0..1."""
    if n_grid < 2:
        raise PsysimError(f"grids: n_grid must be >= 2, got {n_grid}")
    return {"blur": np.linspace(0.0, blur_max, n_grid), "centre_sigma": np.linspace(0.1, 0.5, n_grid),
            "weight": np.linspace(0.0, 1.0, n_grid)}


def grid_fixations(fixations, shape) -> tuple[np.ndarray, np.ndarray]:
    """Fixated pixels of an ``(H, W)`` bool map counted in the cells of a ``shape`` grid (cell of
    pixel ``(y, x)``: ``floor((y + 0.5) h / H)``, likewise x). Returns ``(weights, fixated)``:
    counts / total (for :func:`psysim.saliency.protocol.log_likelihood`) and the bool map of cells
    with at least one fixation (for NSS and AUC-Judd)."""
    f = np.asarray(fixations, dtype=bool)
    ys, xs = np.nonzero(f)
    if ys.size == 0:
        raise PsysimError("grid_fixations: no fixated pixel")
    h, w = int(shape[0]), int(shape[1])
    cy = np.minimum(((ys + 0.5) * h / f.shape[0]).astype(int), h - 1)
    cx = np.minimum(((xs + 0.5) * w / f.shape[1]).astype(int), w - 1)
    counts = np.zeros((h, w))
    np.add.at(counts, (cy, cx), 1.0)
    return counts / counts.sum(), counts > 0


def _on_grid(m, shape):
    m = np.clip(np.asarray(m, dtype=np.float64), 0, None)
    return m if m.shape == tuple(shape) else np.clip(M.resize_map(m, shape), 0, None)


def fit(train_maps, train_weights, grid: dict) -> dict:
    """The protocol's fitted parameters of one map type on the training images
    (:func:`psysim.saliency.protocol.fit_protocol`; ``train_maps``: raw maps, any resolution;
    ``train_weights``: fixation weights on each image's scoring grid)."""
    items = list(zip(train_maps, train_weights))
    return P.fit_protocol(items, grid["blur"], grid["centre_sigma"], grid["weight"], M.centre_bias, resize=_on_grid)


def score(m, weights, fixated, density, params: dict) -> dict:
    """Scores of one raw map on one test image: ``ll_bits`` (blurred by ``blur_alone``),
    ``ll_bits_mixture`` (the fitted mixture with the centre bias) and the secondary metrics of
    the map alone; ``density`` is the human fixation density on the scoring grid (for CC)."""
    shape = weights.shape
    alone = P.density(_on_grid(P.blur_map(m, params["blur_alone"]), shape))
    mix = P.mixture(P.density(_on_grid(P.blur_map(m, params["blur_mixture"]), shape)),
                    P.density(M.centre_bias(shape, params["centre_sigma_mixture"])), params["weight"])
    out = {"ll_bits": P.log_likelihood(alone, weights), "ll_bits_mixture": P.log_likelihood(mix, weights)}
    out.update(nss=M.nss(alone, fixated), cc=M.cc(alone, density), auc_judd=M.auc_judd(alone, fixated))
    return out


def centre_scores(weights, fixated, density, params: dict) -> dict:
    """The fitted centre bias alone, scored like :func:`score` (its mixture is itself)."""
    c = P.density(M.centre_bias(weights.shape, params["centre_sigma"]))
    ll = P.log_likelihood(c, weights)
    return {"ll_bits": ll, "ll_bits_mixture": ll, "nss": M.nss(c, fixated), "cc": M.cc(c, density), "auc_judd": M.auc_judd(c, fixated)}


def score_maps(maps: dict, test_grid: list, params: dict) -> pd.DataFrame:
    """Long table ``image, key, metric, value`` of every map type on every test image.

    Parameters
    ----------
    maps : dict
        ``{key: [raw map of test image i, ...]}``.
    test_grid : list of (str, weights, fixated, density)
        Per test image: name and its fixations on the scoring grid.
    params : dict
        ``{key: fitted parameters}`` (:func:`fit`).
    """
    rows = []
    for key, ms in maps.items():
        for (name, w, f, d), m in zip(test_grid, ms):
            rows += [(name, key, k, v) for k, v in score(m, w, f, d, params[key]).items()]
    return pd.DataFrame(rows, columns=["image", "key", "metric", "value"])


def prepare(data, side: int, train_names) -> list[dict]:
    """Per fixation image (:class:`psysim.data.fixations.FixationImage`): the image as a
    ``(1, 3, h, w)`` float tensor with shorter side ``side`` px (antialiased bilinear), the
    fixations on that grid (``weights``, ``fixated``; :func:`grid_fixations`), the human density
    on it, the raw Itti-Koch map (scale 4, clipped at 0) and whether it is a fitting image."""
    import torch
    import torch.nn.functional as F

    from psysim.saliency import IttiKoch

    ik, out, train = IttiKoch(), [], set(train_names)
    for d in data:
        x = torch.from_numpy(np.array(d.image)).permute(2, 0, 1)[None].float() / 255
        f = side / min(x.shape[-2:])
        shape = (max(16, round(x.shape[-2] * f)), max(16, round(x.shape[-1] * f)))
        x = F.interpolate(x, size=shape, mode="bilinear", antialias=True, align_corners=False).clamp(0, 1)
        w, fixated = grid_fixations(d.fixations, shape)
        out.append({"name": d.name, "x": x, "weights": w, "fixated": fixated, "density": _on_grid(d.density, shape),
                    "itti-koch": np.clip(ik.compute(d.image, where=d.name).saliency.astype(np.float64), 0, None),
                    "train": d.name in train})
    return out


def protocol_scores(map_sets, images: list, grid: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit and score every map type of every set on the images of :func:`prepare`.

    ``map_sets`` yields ``(seed, {(backbone, method): [raw map per image]})``; seed -1 for maps
    no training seed changes. The fitted centre bias alone is scored too (backbone and method
    ``centre-bias``, seed -1, its sigma fitted with the first set). Returns ``(per_image, fit)``:
    ``image, backbone, method, seed, metric, value`` on the test images, and one row of fitted
    parameters per map type and seed (``ll_train``, ``ll_train_mixture``: training log-likelihoods).
    """
    train = [im for im in images if im["train"]]
    test = [im for im in images if not im["train"]]
    if not train or len(test) < 2:
        raise PsysimError(f"protocol_scores: {len(train)} fitting and {len(test)} test images; need >= 1 and >= 2")
    tgrid = [(im["name"], im["weights"], im["fixated"], im["density"]) for im in test]
    per, fits = [], []
    for seed, maps in map_sets:
        params = {k: fit([m for m, im in zip(ms, images) if im["train"]], [im["weights"] for im in train], grid) for k, ms in maps.items()}
        sc = score_maps({k: [m for m, im in zip(ms, images) if not im["train"]] for k, ms in maps.items()}, tgrid, params)
        per.append(sc.assign(seed=seed))
        fits += [{"key": k, "seed": seed, **p} for k, p in params.items()]
        if len(fits) == len(params):  # the first set: the centre bias alone, with its fitted sigma
            p0 = next(iter(params.values()))
            cb = [(im["name"], ("centre-bias", "centre-bias"), k, v) for im in test
                  for k, v in centre_scores(im["weights"], im["fixated"], im["density"], p0).items()]
            per.append(pd.DataFrame(cb, columns=["image", "key", "metric", "value"]).assign(seed=-1))
            fits.append({"key": ("centre-bias", "centre-bias"), "seed": -1, **p0})
    per = pd.concat(per, ignore_index=True)
    fit_t = pd.DataFrame(fits).rename(columns={"ll_alone": "ll_train", "ll_mixture": "ll_train_mixture"})
    for t in (per, fit_t):
        t["backbone"], t["method"] = [k[0] for k in t["key"]], [k[1] for k in t["key"]]
    return per.drop(columns="key"), fit_t.drop(columns="key")


def comparisons(wide: pd.DataFrame, pairs, rng, n_boot: int = 2000) -> pd.DataFrame:
    """One family of paired comparisons over test images: for each ``(a, b, metric)``, the mean
    of ``a - b`` with a paired bootstrap 95 % CI over images, the two-sided Wilcoxon signed-rank
    test (:func:`psysim.saliency.protocol.paired_test`) and its Holm-adjusted p over the family
    (:func:`psysim.saliency.protocol.holm`). ``wide``: one row per image, columns ``(map,
    metric)``, each value already averaged over training seeds."""
    idx = rng.integers(0, len(wide), size=(n_boot, len(wide)))
    rows = []
    for a, b, m in pairs:
        d = (wide[(a, m)] - wide[(b, m)]).to_numpy()
        lo, hi = np.percentile(d[idx].mean(axis=1), [2.5, 97.5])
        t = P.paired_test(wide[(a, m)], wide[(b, m)])
        rows.append((f"{a} - {b}", a, b, m, t["n"], t["mean_diff"], lo, hi, t["W"], t["p"]))
    out = pd.DataFrame(rows, columns=["comparison", "a", "b", "metric", "n", "mean_diff", "ci_low", "ci_high", "W", "p"])
    out["p_holm"] = P.holm(out["p"].to_numpy())
    return out


def primary_family(per: pd.DataFrame, summary: pd.DataFrame, fixed, measures=("ll_bits", "ll_bits_mixture"), rng=None,
                   n_boot: int = 2000) -> pd.DataFrame:
    """The primary family of tests, Holm-corrected together (:func:`comparisons`): every map
    alone and mixed with the centre bias against the centre bias, and the best network map
    (highest mean in ``summary``) against the runner-up, per measure. ``per`` is the long
    per-image table (``image, map, seed, metric, value``), averaged here over training seeds;
    ``fixed`` names the maps that are not networks (``itti-koch``, ``centre-bias``)."""
    wide = per[per["metric"].isin(measures)].groupby(["image", "map", "metric"])["value"].mean().unstack(["map", "metric"])
    network = [m for m in wide.columns.get_level_values(0).unique() if m not in fixed]
    pairs = [(m, "centre-bias", k) for k in measures for m in [*network, *(f for f in fixed if f != "centre-bias")]]
    for k in measures:
        g = summary[(summary["metric"] == k) & summary["map"].isin(network)].sort_values("mean", ascending=False, kind="stable")
        if len(g) >= 2:
            pairs.append((g["map"].iloc[0], g["map"].iloc[1], k))
    return comparisons(wide, pairs, rng if rng is not None else np.random.default_rng(0), n_boot)
