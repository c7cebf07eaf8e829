"""Localisation metrics for attention maps: does the map point at the search target?

All metrics are pure functions of maps (``(N, H, W)``, one per image, in image pixels) and target
boxes (``(N, 4)`` pixel boxes ``x0, y0, x1, y1`` with exclusive upper edges, as returned by
:func:`psysim.displays.target_boxes`). They return one value per image; average them per cell.

- :func:`pointing_game`: the map's maximum falls on the target (Zhang et al. 2018, Sec. 5.1).
- :func:`energy_pointing`: the share of the map's total mass inside the target box
  (Wang et al. 2020, Score-CAM, Sec. 4.3, "energy-based pointing game").
- :func:`deletion_insertion`: areas under the curves of the class probability as the most
  salient pixels are deleted from, or inserted into, the image (Petsiuk et al. 2018, RISE,
  Sec. 4.1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from psysim.errors import PsysimError


def _as_numpy(a) -> np.ndarray:
    return a.detach().cpu().numpy() if torch.is_tensor(a) else np.asarray(a)


def _check(maps, boxes):
    maps = _as_numpy(maps).astype(np.float64, copy=False)
    boxes = _as_numpy(boxes)
    if maps.ndim == 2:
        maps = maps[None]
    if boxes.ndim == 1:
        boxes = boxes[None]
    if maps.ndim != 3:
        raise PsysimError(f"maps must have shape (N, H, W), got {maps.shape}")
    if boxes.shape != (maps.shape[0], 4):
        raise PsysimError(f"boxes must have shape ({maps.shape[0]}, 4) (x0, y0, x1, y1 per map), got {boxes.shape}")
    if not np.isfinite(boxes).all():
        raise PsysimError("boxes contain NaN: pass only target-present displays to localisation metrics")
    return maps, boxes.astype(np.int64)


def target_box_array(displays, display_ids, size) -> np.ndarray:
    """Target boxes ``(N, 4)`` of the given displays, in the order of ``display_ids``.

    Uses :func:`psysim.displays.target_boxes`; a display without a target raises.

    Parameters
    ----------
    displays : DisplaySet
        The displays the images were rendered from.
    display_ids : array_like of int
        Which displays, in the order of the images.
    size : int
        Side of the rendered images in pixels.

    Returns
    -------
    numpy.ndarray of int
        ``(N, 4)``: ``x0, y0, x1, y1`` in pixels.
    """
    from psysim.displays import target_boxes

    b = target_boxes(displays, size).set_index("display_id")
    ids = np.asarray(display_ids)
    missing = ~np.isin(ids, b.index.to_numpy())
    if missing.any():
        raise PsysimError(f"display {int(ids[missing][0])} has no target, so no target box")
    return b.loc[ids, ["x0", "y0", "x1", "y1"]].to_numpy()


def pointing_game(maps, boxes, tolerance: float = 0.0) -> np.ndarray:
    """Pointing-game hits: is each map's maximum inside the target box?

    Zhang et al. (2018, "Top-down neural attention by excitation backprop", Sec. 5.1) count a
    hit when the maximum lies within ``tolerance`` pixels of the annotated region (they used 15
    px on 224 px images). Pixel ``(i, j)`` has its centre at ``(j + 0.5, i + 0.5)``; the
    distance is measured from that centre to the box. Ties take the first maximum in row-major
    order.

    Parameters
    ----------
    maps : array (N, H, W)
    boxes : array (N, 4)
        ``x0, y0, x1, y1`` in pixels, upper edges exclusive.
    tolerance : float
        Allowed distance (pixels) between the maximum and the box.

    Returns
    -------
    numpy.ndarray of bool, shape (N,)
    """
    maps, boxes = _check(maps, boxes)
    n, h, w = maps.shape
    flat = maps.reshape(n, -1).argmax(1)
    i, j = np.divmod(flat, w)
    cx, cy = j + 0.5, i + 0.5
    dx = np.maximum(np.maximum(boxes[:, 0] - cx, cx - boxes[:, 2]), 0)
    dy = np.maximum(np.maximum(boxes[:, 1] - cy, cy - boxes[:, 3]), 0)
    return np.hypot(dx, dy) <= tolerance


def energy_pointing(maps, boxes) -> np.ndarray:
    """Share of each map's total mass that falls inside the target box (0 to 1).

    Wang et al. (2020, Score-CAM, Sec. 4.3): ``sum_{inside box} L / sum L``. Maps must be
    non-negative (normalised CAM / Grad-CAM maps are); an all-zero map scores 0.

    Parameters
    ----------
    maps : array_like
        ``(N, H, W)`` non-negative maps (tensors are converted).
    boxes : array_like
        ``(N, 4)`` target boxes ``x0, y0, x1, y1`` in pixels of the maps.

    Returns
    -------
    numpy.ndarray of float, shape (N,)
        The share of each map's mass inside its box.
    """
    maps, boxes = _check(maps, boxes)
    if (maps < 0).any():
        raise PsysimError("energy-based pointing needs non-negative maps (use the normalised maps)")
    n, h, w = maps.shape
    ys, xs = np.arange(h)[None, :, None], np.arange(w)[None, None, :]
    inside = (
        (xs >= boxes[:, 0, None, None])
        & (xs < boxes[:, 2, None, None])
        & (ys >= boxes[:, 1, None, None])
        & (ys < boxes[:, 3, None, None])
    )
    total = maps.sum((1, 2))
    return np.divide((maps * inside).sum((1, 2)), total, out=np.zeros(n), where=total > 0)


def _blur(images: torch.Tensor, sigma: float) -> torch.Tensor:
    k = int(2 * round(3 * sigma) + 1)
    x = torch.arange(k, dtype=images.dtype, device=images.device) - k // 2
    g = torch.exp(-0.5 * (x / sigma) ** 2)
    g = g / g.sum()
    c = images.shape[1]
    pad = F.pad(images, (k // 2,) * 4, mode="replicate")
    out = F.conv2d(pad, g.view(1, 1, 1, k).expand(c, 1, 1, k), groups=c)
    return F.conv2d(out, g.view(1, 1, k, 1).expand(c, 1, k, 1), groups=c)


@torch.no_grad()
def deletion_insertion(
    model,
    images: torch.Tensor,
    maps,
    targets,
    steps: int = 16,
    deletion_baseline: str = "zero",
    insertion_baseline: str = "blur",
    blur_sigma: float = 5.0,
    batch_size: int = 256,
) -> pd.DataFrame:
    """Deletion and insertion AUC of each map (Petsiuk et al. 2018, RISE, Sec. 4.1).

    Pixels are ranked by map value (highest first). *Deletion* replaces the top fraction
    ``k / steps`` of pixels (k = 0..steps) by a baseline and records the softmax probability of
    the target class: a good map makes it fall fast (low AUC). *Insertion* starts from a
    baseline image and puts the top pixels back: a good map makes it rise fast (high AUC).
    AUC is the trapezoid area under probability against fraction of pixels, on [0, 1].
    Petsiuk et al. delete to zero and insert into a blurred copy; those are the defaults.

    Parameters
    ----------
    model : torch.nn.Module
        Classifier returning logits; run in eval mode (mode restored afterwards).
    images : torch.Tensor (N, C, H, W)
    maps : array (N, H, W)
        Saliency maps at image resolution.
    targets : array (N,)
        Class whose probability is tracked.
    steps : int
        Number of deletion / insertion steps.
    deletion_baseline, insertion_baseline : {"zero", "blur"}
    blur_sigma : float
        Standard deviation (pixels) of the Gaussian blur baseline.
    batch_size : int
        Images per forward pass.

    Returns
    -------
    pandas.DataFrame
        One row per image: ``deletion_auc``, ``insertion_auc``.
    """
    maps_t = torch.as_tensor(_as_numpy(maps), dtype=images.dtype, device=images.device)
    n, _, h, w = images.shape
    if maps_t.shape != (n, h, w):
        raise PsysimError(f"maps must have shape ({n}, {h}, {w}) to match the images, got {tuple(maps_t.shape)}")
    targets = torch.as_tensor(_as_numpy(targets), device=images.device).long().reshape(-1)
    if targets.shape != (n,):
        raise PsysimError(f"targets must have one class per image ({n}), got {targets.numel()}")
    steps = int(steps)
    if steps < 1:
        raise PsysimError(f"steps must be at least 1, got {steps}")

    def baseline(kind):
        if kind == "zero":
            return torch.zeros_like(images)
        if kind == "blur":
            return _blur(images, blur_sigma)
        raise PsysimError(f"unknown baseline {kind!r}; use zero or blur")

    # rank of each pixel by saliency (0 = most salient); ties broken by position, stably
    order = torch.argsort(maps_t.reshape(n, -1), dim=1, descending=True, stable=True)
    rank = torch.empty_like(order)
    rank.scatter_(1, order, torch.arange(h * w, device=images.device).expand(n, -1))
    rank = rank.reshape(n, 1, h, w)
    fractions = torch.linspace(0, 1, steps + 1, dtype=images.dtype)
    counts = torch.round(fractions * h * w).long()

    modes = [(m, m.training) for m in model.modules()]
    try:
        model.eval()
        result = {}
        for name, kind, insert in (
            ("deletion_auc", deletion_baseline, False),
            ("insertion_auc", insertion_baseline, True),
        ):
            base = baseline(kind)
            probs = torch.empty(steps + 1, n, dtype=images.dtype)
            for s, k in enumerate(counts.tolist()):
                top = rank < k  # the k most salient pixels
                x = torch.where(top, images, base) if insert else torch.where(top, base, images)
                p = torch.cat([
                    torch.softmax(model(x[i : i + batch_size]), 1).gather(1, targets[i : i + batch_size, None])[:, 0]
                    for i in range(0, n, batch_size)
                ])
                probs[s] = p.cpu()
            result[name] = torch.trapezoid(probs, fractions, dim=0).numpy()
    finally:
        for m, training in modes:
            m.training = training
    return pd.DataFrame(result)
