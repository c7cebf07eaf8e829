"""Where a backbone "looks" without labels: activation-based attention maps.

A self-supervised backbone has no classes, so CAM and Grad-CAM (which need a class score) do
not apply. :func:`feature_norm_maps` is the label-free map used instead: the spatial
attention map of Zagoruyko & Komodakis (2017, "Paying more attention to attention", Sec. 3.1),
``F(A) = sum_c |A_c|^p`` over the channels ``c`` of the last feature map ``A`` (here ``p = 2``,
their choice), upsampled bilinearly to the image and scaled to [0, 1] per image. It applies to
every backbone (self-supervised, supervised and random), so all of them can be compared on one
map; for supervised networks :func:`psysim.networks.class_activation_maps` gives CAM/Grad-CAM
beside it.

:func:`similarity_maps` is a second label-free map, psysim's own choice rather than a
published one: the cosine similarity of each location's feature vector to the image's
global-average-pooled vector, i.e. where the features carry what the image's representation
(the vector a linear probe reads) holds. Feature-norm says where the features are *strong*,
similarity where they are *typical of the whole image*; the two can disagree (a single bright
blob has a high norm but is unlike the image's average). :func:`label_free_maps` gives both from
one forward pass; the ``self-supervised`` experiment scores both against fixations and search
targets.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from psysim.errors import ParameterError


def _features(backbone: torch.nn.Module, x: torch.Tensor, batch_size: int) -> torch.Tensor:
    if x.ndim != 4:
        raise ParameterError(f"attention maps need (N, C, H, W) images, got shape {tuple(x.shape)}")
    was = backbone.training
    backbone.eval()
    try:
        with torch.no_grad():
            return torch.cat([backbone.features(x[i : i + batch_size]) for i in range(0, len(x), batch_size)])
    finally:
        backbone.train(was)


def _unit(m: torch.Tensor) -> torch.Tensor:
    lo = m.amin((1, 2), keepdim=True)
    hi = m.amax((1, 2), keepdim=True)
    return torch.where(hi > lo, (m - lo) / (hi - lo).clamp_min(1e-12), torch.zeros_like(m))


def feature_norm_maps(backbone: torch.nn.Module, x: torch.Tensor, p: float = 2.0, size=None, batch_size: int = 64) -> torch.Tensor:
    """Activation-based attention maps ``sum_c |A_c|^p`` (Zagoruyko & Komodakis 2017).

    Parameters
    ----------
    backbone : torch.nn.Module
        A psysim backbone with a ``features`` module (the last feature map).
    x : torch.Tensor
        ``(N, 3, H, W)`` float images as the backbone expects them (psysim: [0, 1]).
    p : float
        Exponent (> 0); 2 in the paper.
    size : (int, int), optional
        Output ``(height, width)`` in pixels; default the input's.
    batch_size : int
        Images per forward pass.

    Returns
    -------
    torch.Tensor
        ``(N, height, width)`` float maps in [0, 1] (an all-zero feature map gives zeros).
    """
    if not p > 0:
        raise ParameterError(f"feature_norm_maps: p must be > 0, got {p}")
    a = _features(backbone, x, batch_size)
    m = a.abs().pow(p).sum(1, keepdim=True)
    m = F.interpolate(m, size=tuple(size or x.shape[-2:]), mode="bilinear", align_corners=False)[:, 0]
    return _unit(m)


def similarity_maps(backbone: torch.nn.Module, x: torch.Tensor, size=None, batch_size: int = 64) -> torch.Tensor:
    """Cosine similarity of each location's feature vector to the image's global-average-pooled
    feature vector, upsampled bilinearly and scaled to [0, 1] per image: ``(N, height, width)``."""
    a = _features(backbone, x, batch_size)
    g = a.mean((2, 3), keepdim=True)
    m = F.cosine_similarity(a, g.expand_as(a), dim=1, eps=1e-8)[:, None]
    m = F.interpolate(m, size=tuple(size or x.shape[-2:]), mode="bilinear", align_corners=False)[:, 0]
    return _unit(m)


LABEL_FREE = ("feature-norm", "similarity")
"""The label-free maps of :func:`label_free_maps`, in order."""


def label_free_maps(backbone: torch.nn.Module, x: torch.Tensor, size=None, batch_size: int = 64) -> dict:
    """``{"feature-norm": maps, "similarity": maps}`` from one pass of the backbone: the maps of
    :func:`feature_norm_maps` (p = 2) and :func:`similarity_maps`, each ``(N, height, width)``
    in [0, 1]."""
    a = _features(backbone, x, batch_size)
    out = tuple(size or x.shape[-2:])
    norm = a.pow(2).sum(1, keepdim=True)
    sim = F.cosine_similarity(a, a.mean((2, 3), keepdim=True).expand_as(a), dim=1, eps=1e-8)[:, None]
    return {k: _unit(F.interpolate(m, size=out, mode="bilinear", align_corners=False)[:, 0]) for k, m in zip(LABEL_FREE, (norm, sim))}


def backbone_maps(nets: dict, x: torch.Tensor, size=None, target=None, supervised: str | None = "supervised") -> dict:
    """``{(name, method): (N, H, W) numpy maps}``: the two label-free maps of every backbone in
    ``nets`` (:func:`label_free_maps`) and, for the backbone named ``supervised`` (if present),
    Grad-CAM (:func:`psysim.networks.class_activation_maps`) of ``target`` (class per image;
    None = the predicted class)."""
    from psysim.networks import class_activation_maps

    out = {}
    for name, bb in nets.items():
        out.update({(name, k): m.numpy() for k, m in label_free_maps(bb, x, size=size).items()})
    if supervised in nets:
        out[(supervised, "grad-cam")] = class_activation_maps(nets[supervised], x, target=target, method="gradcam",
                                                              size=tuple(size or x.shape[-2:])).maps.numpy()
    return out
