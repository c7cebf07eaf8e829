"""The SimCLR augmentation pipeline with the task-safe mirror rule (re-exported by
:mod:`psysim.networks.ssl`).

:func:`ssl_augment` makes one random view of every image (Chen et al. 2020, Appendix A: random
resized crop, colour jitter, random greyscale, Gaussian blur, horizontal mirror), mirroring only
where that keeps the image's class: a mirrored seven-segment 2 is a 5, and a bar tilted 45
degrees becomes one tilted -45, so :func:`mirror_safe_task` derives from the stimulus definitions
which search tasks may be mirrored (only those whose every item type is its own mirror image or
another item type of the task).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from psysim.errors import ParameterError

_SEVEN_SEGMENT_MIRROR = {"digit2": "digit5", "digit5": "digit2"}


def _mirrored_item(spec) -> tuple | None:
    """The item type a horizontal mirror turns ``spec`` into, or None when unknown."""
    if spec.shape == "bar":  # a bar at theta (clockwise from vertical) becomes one at -theta
        return ("bar", spec.colour, (-float(spec.orientation)) % 180.0)
    if spec.shape in _SEVEN_SEGMENT_MIRROR and float(spec.orientation) % 180 == 0:
        return (_SEVEN_SEGMENT_MIRROR[spec.shape], spec.colour, 0.0)
    return None


def mirror_safe_task(task: str, stimulus_set=None) -> bool:
    """True when mirroring a display of ``task`` keeps its class (target present or absent).

    That holds when the mirror image of the target is the target and the mirror image of every
    distractor type is a distractor type: a red vertical bar stays one, a bar tilted 45 degrees
    becomes one tilted 135 (another item), a seven-segment 2 becomes a 5. Unknown shapes count
    as unsafe.
    """
    from psysim.displays import load_stimulus_set

    ss = stimulus_set or load_stimulus_set()
    try:
        t = ss.tasks[task]
    except KeyError:
        raise ParameterError(f"unknown search task {task!r}; known: {', '.join(ss.tasks)}") from None

    def key(s):
        return (s.shape, s.colour, float(s.orientation) % 180.0)

    distractors = {key(d) for d in t.distractors}
    mt = _mirrored_item(t.target)
    md = [_mirrored_item(d) for d in t.distractors]
    return mt == key(t.target) and all(m is not None and m in distractors for m in md)


@dataclass(frozen=True)
class Augmentation:
    """Settings of :func:`ssl_augment` (defaults: Chen et al. 2020, Appendix A, for small images).

    Attributes
    ----------
    crop_scale : (float, float)
        Range of the crop's area as a fraction of the image.
    crop_ratio : (float, float)
        Range of the crop's aspect ratio (width / height), drawn log-uniformly.
    p_jitter, brightness, contrast, saturation : float
        Colour jitter probability and strengths (factors uniform in ``1 +- strength``).
    p_grey : float
        Probability of a greyscale view.
    p_blur : float
        Probability of Gaussian blur; ``blur_sigma`` its standard-deviation range as a fraction
        of the image side (SimCLR: 0.1-2.0 px for a kernel of 10 % of 224 px).
    p_mirror : float
        Probability of a horizontal mirror, *for images where it keeps the class only*.
    """

    crop_scale: tuple = (0.35, 1.0)
    crop_ratio: tuple = (3 / 4, 4 / 3)
    p_jitter: float = 0.8
    brightness: float = 0.4
    contrast: float = 0.4
    saturation: float = 0.4
    p_grey: float = 0.2
    p_blur: float = 0.5
    blur_sigma: tuple = (0.1 / 22.4, 2.0 / 22.4)
    p_mirror: float = 0.5


DEFAULT_AUGMENTATION = Augmentation()
"""SimCLR's pipeline (the defaults of :class:`Augmentation`)."""
NO_AUGMENTATION = Augmentation(crop_scale=(1.0, 1.0), crop_ratio=(1.0, 1.0), p_jitter=0.0, p_grey=0.0, p_blur=0.0, p_mirror=0.0)
"""The identity: a view equal to its image (useful in tests and for evaluation features)."""


def _u(n, g, lo, hi):
    return lo + (hi - lo) * torch.rand(n, generator=g)


def _grey(x):
    return (0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3]).expand_as(x)


def _gaussian_blur(x: torch.Tensor, sigma_px: torch.Tensor) -> torch.Tensor:
    """Separable Gaussian blur with one standard deviation (px) per image (reflect padding)."""
    n, c, h, w = x.shape
    r = max(1, int(math.ceil(3 * float(sigma_px.max()))))
    t = torch.arange(-r, r + 1, dtype=x.dtype)
    k = torch.exp(-0.5 * (t[None] / sigma_px[:, None].clamp_min(1e-3)) ** 2)
    k = (k / k.sum(1, keepdim=True)).repeat_interleave(c, 0)  # (n*c, 2r+1)
    y = F.pad(x.reshape(1, n * c, h, w), (r, r, r, r), mode="reflect")
    y = F.conv2d(y, k[:, None, None, :], groups=n * c)
    y = F.conv2d(y, k[:, None, :, None], groups=n * c)
    return y.reshape(n, c, h, w)


def ssl_augment(x: torch.Tensor, generator: torch.Generator, mirror_ok, aug: Augmentation = DEFAULT_AUGMENTATION) -> torch.Tensor:
    """One random view of every image of a float batch in [0, 1] (Chen et al. 2020, App. A).

    In this order: random resized crop (area fraction and log aspect ratio uniform in their
    ranges, position uniform, resampled bilinearly to the input size), horizontal mirror with
    probability ``p_mirror`` **only where** ``mirror_ok`` is true, colour jitter (brightness,
    contrast, saturation; probability ``p_jitter``), greyscale (``p_grey``) and Gaussian blur
    (``p_blur``). Every random number is drawn for every image whatever ``mirror_ok`` says, so
    the mirror rule changes no other part of a view.

    Parameters
    ----------
    x : torch.Tensor
        ``(N, 3, H, W)`` float images in [0, 1].
    generator : torch.Generator
        The only source of randomness.
    mirror_ok : bool or sequence of bool
        Per image (or for all): may a mirror be applied without changing the class?
    aug : Augmentation
        Ranges and probabilities.
    """
    if x.ndim != 4 or x.shape[1] != 3:
        raise ParameterError(f"ssl_augment needs (N, 3, H, W) images, got shape {tuple(x.shape)}")
    n, _, h, w = x.shape
    ok = torch.as_tensor(np.broadcast_to(np.asarray(mirror_ok, dtype=bool), (n,)).copy())
    g = generator
    area = _u(n, g, *aug.crop_scale)
    logr = _u(n, g, math.log(aug.crop_ratio[0]), math.log(aug.crop_ratio[1]))
    cw = torch.sqrt(area * torch.exp(logr)).clamp(max=1.0)
    ch = torch.sqrt(area / torch.exp(logr)).clamp(max=1.0)
    cx = (1 - cw) * _u(n, g, -1.0, 1.0)
    cy = (1 - ch) * _u(n, g, -1.0, 1.0)
    flip = (torch.rand(n, generator=g) < aug.p_mirror) & ok
    jitter = torch.rand(n, generator=g) < aug.p_jitter
    b = 1 + aug.brightness * _u(n, g, -1.0, 1.0)
    c = 1 + aug.contrast * _u(n, g, -1.0, 1.0)
    s = 1 + aug.saturation * _u(n, g, -1.0, 1.0)
    grey = torch.rand(n, generator=g) < aug.p_grey
    blur = torch.rand(n, generator=g) < aug.p_blur
    sigma = _u(n, g, *aug.blur_sigma) * min(h, w)

    sx = torch.where(flip, -cw, cw)
    zero = torch.zeros(n)
    theta = torch.stack([torch.stack([sx, zero, cx], 1), torch.stack([zero, ch, cy], 1)], 1)
    if not (aug.crop_scale == (1.0, 1.0) and aug.crop_ratio == (1.0, 1.0)) or bool(flip.any()):
        grid = F.affine_grid(theta, [n, 3, h, w], align_corners=False)
        x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    if bool(jitter.any()):
        j = jitter[:, None, None, None]
        y = x * b[:, None, None, None]
        m = _grey(y).mean((1, 2, 3), keepdim=True)
        y = (y - m) * c[:, None, None, None] + m
        gy = _grey(y)
        y = gy + (y - gy) * s[:, None, None, None]
        x = torch.where(j, y.clamp(0, 1), x)
    if bool(grey.any()):
        x = torch.where(grey[:, None, None, None], _grey(x), x)
    if bool(blur.any()):
        idx = torch.nonzero(blur).flatten()
        x = x.clone()
        x[idx] = _gaussian_blur(x[idx], sigma[idx])
    return x.clamp(0, 1)


