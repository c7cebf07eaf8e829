"""Augmentation of picture batches: the views a naming network is trained and tested on.

Pictures are dark strokes (or coloured surfaces) on a white background. Every transformation
works on the *ink* image ``1 - x`` so that whatever is moved in from outside the picture is
white paper, never black. One call transforms a whole batch, each picture with its own random
parameters drawn from a :class:`torch.Generator`; a single ``strength`` scales every range, so
that held-out test views can be drawn with other strengths than the training views.

Transformations (each range is multiplied by ``strength``):

- affine jitter: rotation (±12°), isotropic scale (±15 %, zoom-in acts as a crop), aspect
  (±8 %), shear (±0.08) and translation (±8 % of the picture side);
- stroke thickness: a 3x3 grey-scale dilation (thicker) or the mean of the ink and its
  erosion (thinner and lighter; a full erosion would erase 1-px strokes), each with
  probability ``0.3 * strength`` (at most 0.5);
- blur: Gaussian, standard deviation uniform in ``[0, 0.8 * strength]`` px;
- contrast: ink multiplied by a factor in ``[1 - 0.35 s, 1 + 0.15 s]``, paper brightness
  shifted by ``±0.06 s``;
- colour jitter (colour pictures only): saturation factor ``1 ± 0.4 s`` and per-channel gains
  ``1 ± 0.1 s``;
- pixel noise: Gaussian luminance noise (the same in all channels), standard deviation
  ``0.015 * strength``.

The ranges follow common practice for data augmentation (e.g. Chen et al. 2020, SimCLR,
Appendix A), narrowed so that a line drawing stays recognisable at ``strength`` 1.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from psysim.errors import ParameterError
from psysim.seeds import check_seed

ROTATION_DEG, SCALE, ASPECT, SHEAR, SHIFT = 12.0, 0.15, 0.08, 0.08, 0.08
STROKE_P, BLUR_SIGMA, CONTRAST_LO, CONTRAST_HI, BRIGHTNESS = 0.3, 0.8, 0.35, 0.15, 0.06
SATURATION, CHANNEL_GAIN, NOISE = 0.4, 0.1, 0.015


def _u(n, generator, lo=-1.0, hi=1.0):
    return lo + (hi - lo) * torch.rand(n, generator=generator)


def _affine(ink: torch.Tensor, s: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    n = ink.shape[0]
    rot = torch.deg2rad(ROTATION_DEG * s * _u(n, g))
    scale = torch.exp(math.log1p(SCALE) * s * _u(n, g))
    aspect = torch.exp(math.log1p(ASPECT) * s * _u(n, g))
    shear = SHEAR * s * _u(n, g)
    tx, ty = 2 * SHIFT * s * _u(n, g), 2 * SHIFT * s * _u(n, g)
    sx, sy = scale * aspect, scale / aspect
    cos, sin = torch.cos(rot), torch.sin(rot)
    # forward map A = R @ Sh @ S; affine_grid wants the inverse (output -> input coordinates)
    a = torch.stack([torch.stack([cos * sx, cos * shear * sy - sin * sy], -1), torch.stack([sin * sx, sin * shear * sy + cos * sy], -1)], -2)
    inv = torch.linalg.inv(a)
    t = -(inv @ torch.stack([tx, ty], -1)[..., None])
    theta = torch.cat([inv, t], -1)
    grid = F.affine_grid(theta, list(ink.shape), align_corners=False)
    return F.grid_sample(ink, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def _dilate(ink: torch.Tensor) -> torch.Tensor:
    """3x3 grey-scale dilation (max over the neighbourhood) as 8 shifted maxima: much faster
    on CPU than ``max_pool2d`` with stride 1. Edges are padded with the image's own edge."""
    h, w = ink.shape[-2:]
    p = F.pad(ink, (1, 1, 1, 1), mode="replicate")
    out = ink.clone()
    for dy in range(3):
        for dx in range(3):
            if dy != 1 or dx != 1:
                torch.maximum(out, p[..., dy : dy + h, dx : dx + w], out=out)
    return out


def _stroke(ink: torch.Tensor, s: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    n = ink.shape[0]
    p = (STROKE_P * s).clamp(max=0.5)
    r = torch.rand(n, generator=g)
    # thinning: half-way to the erosion, so a 1-px stroke becomes lighter and thinner but
    # never vanishes (a full erosion erases thin drawings at 48-64 px)
    thick, thin = _dilate(ink), 0.5 * (ink - _dilate(-ink))
    m_thick = (r < p)[:, None, None, None]
    m_thin = ((r >= p) & (r < 2 * p))[:, None, None, None]
    return torch.where(m_thick, thick, torch.where(m_thin, thin, ink))


def _blur(ink: torch.Tensor, s: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    n, c, h, w = ink.shape
    sigma = (BLUR_SIGMA * s * torch.rand(n, generator=g)).clamp(min=1e-3)
    k = 2 * math.ceil(2 * float(sigma.max())) + 1
    xs = torch.arange(k, dtype=ink.dtype) - k // 2
    k1 = torch.exp(-0.5 * (xs[None] / sigma[:, None]) ** 2)
    k1 = k1 / k1.sum(1, keepdim=True)  # (n, k); separable
    flat = ink.reshape(1, n * c, h, w)
    kx = k1.repeat_interleave(c, 0)[:, None, None, :]
    ky = k1.repeat_interleave(c, 0)[:, None, :, None]
    flat = F.conv2d(F.pad(flat, (k // 2, k // 2, 0, 0), mode="replicate"), kx, groups=n * c)
    flat = F.conv2d(F.pad(flat, (0, 0, k // 2, k // 2), mode="replicate"), ky, groups=n * c)
    return flat.reshape(n, c, h, w)


def augment_pictures(x: torch.Tensor, generator: torch.Generator, strength=1.0, colour=None) -> torch.Tensor:
    """Random views of a batch of pictures (white background), one parameter draw per picture.

    Parameters
    ----------
    x : torch.Tensor
        ``(N, 3, H, W)`` float images in [0, 1] (white = 1).
    generator : torch.Generator
        Source of every random draw (same generator state, same views).
    strength : float or tensor of shape (N,)
        Multiplies every range (0 = the picture unchanged).
    colour : bool tensor of shape (N,), optional
        Which pictures are colour pictures (colour jitter is applied to those only).

    Returns
    -------
    torch.Tensor
        ``(N, 3, H, W)`` float views in [0, 1].
    """
    if x.ndim != 4 or x.shape[1] != 3:
        raise ParameterError(f"augment_pictures expects (N, 3, H, W) images, got shape {tuple(x.shape)}")
    n = x.shape[0]
    s = torch.as_tensor(strength, dtype=x.dtype).expand(n).clone() if torch.as_tensor(strength).ndim == 0 else torch.as_tensor(strength, dtype=x.dtype)
    if bool((s < 0).any()):
        raise ParameterError(f"augmentation strength must be >= 0, got {float(s.min())}")
    ink = 1.0 - x
    ink = _affine(ink, s, generator)
    ink = _stroke(ink, s, generator)
    ink = _blur(ink, s, generator)
    contrast = 1 + s * _u(n, generator, -CONTRAST_LO, CONTRAST_HI)
    bright = BRIGHTNESS * s * _u(n, generator)
    out = 1.0 - ink * contrast[:, None, None, None] + bright[:, None, None, None]
    sat = 1 + SATURATION * s * _u(n, generator)
    gains = 1 + CHANNEL_GAIN * s[:, None] * _u((n, 3), generator)
    if colour is not None:
        cm = torch.as_tensor(colour, dtype=torch.bool).reshape(n)[:, None, None, None]
        grey = out.mean(1, keepdim=True)
        jit = (grey + sat[:, None, None, None] * (out - grey)) * gains[:, :, None, None]
        out = torch.where(cm, jit, out)
    n_, _, h, w = out.shape  # luminance noise: the same in every channel, so grey stays grey
    out = out + NOISE * s[:, None, None, None] * torch.randn((n_, 1, h, w), generator=generator)
    return out.clamp_(0.0, 1.0)


def make_views(x: torch.Tensor, n_views: int, strength, seed, colour=None) -> tuple[torch.Tensor, torch.Tensor]:
    """``n_views`` augmented views of every picture, drawn from ``torch.Generator(seed)``.

    Returns the views ``(N * n_views, 3, H, W)`` (picture-major: the views of picture 0 first)
    and the picture index of each view.

    Parameters
    ----------
    x : torch.Tensor
        ``(N, 3, H, W)`` float pictures in [0, 1] (ink on white).
    n_views : int
        Views per picture.
    strength : float or torch.Tensor
        Scale of every augmentation range (0: unchanged); a tensor gives one per view.
    seed : int
        Seed of the generator.
    colour : torch.Tensor, optional
        ``(N,)`` bool: which pictures get colour jitter (default: none).

    Returns
    -------
    tuple of torch.Tensor
        The views and the ``(N * n_views,)`` picture index.
    """
    g = torch.Generator().manual_seed(check_seed(seed))
    idx = torch.arange(x.shape[0]).repeat_interleave(int(n_views))
    col = None if colour is None else torch.as_tensor(colour, dtype=torch.bool)[idx]
    return augment_pictures(x[idx], g, strength, col), idx
