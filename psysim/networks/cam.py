"""Class Activation Maps (CAM) and Grad-CAM: batched, one target per image, leak-free.

CAM (Zhou et al. 2016, Eq. 2). For a network whose last feature map ``f_k(x, y)`` is
global-average-pooled and fed to a linear layer with weights ``w_k^c``, the map of class ``c`` is

    M_c(x, y) = sum_k w_k^c f_k(x, y),

so that the class score is ``S_c = mean_xy M_c(x, y) + b_c``. No ReLU is applied (as in the
paper); the bias is left out of the map.

Grad-CAM (Selvaraju et al. 2017, Eqs. 1-2). For any layer with activations ``A^k`` (K x h x w)
and the pre-softmax score ``y^c``,

    alpha_k^c = (1 / (h w)) sum_ij d y^c / d A^k_ij,      L^c = ReLU(sum_k alpha_k^c A^k).

On a GAP + linear network ``d y^c / d A^k_ij = w_k^c / (h w)``, so Grad-CAM equals
``ReLU(M_c) / (h w)`` at the last feature map (Selvaraju et al. 2017, Sec. 3.1).

Implementation notes (the usual faults of CAM libraries, and how they are avoided here):

- **Per-image targets in a batch.** The score summed for the gradient is ``sum_n y_n^{c_n}``.
  The model runs in eval mode, so images do not interact (batch norm uses running statistics)
  and the gradient of that sum with respect to image ``n``'s activations is the gradient of
  ``y_n^{c_n}`` alone: one backward pass gives every image's map.
- **In-place ReLU.** A forward hook keeps the layer's output and hands a *clone* to the rest of
  the network, so an in-place operation downstream (``nn.ReLU(inplace=True)``) changes the clone,
  never the stored activation, and the gradient is taken with respect to the stored tensor with
  ``torch.autograd.grad`` (no tensor hooks, no ``.grad`` left on parameters).
- **Only the graph that is needed.** The forward pass runs under ``torch.no_grad()``; the hook
  turns the stored activation into a leaf that requires a gradient and switches autograd on for
  the rest of the pass. The layers below the mapped one record no graph (faster, less memory),
  and frozen models (``requires_grad=False``) work as they are.
- **Clean-up.** The hook is removed and every module's train/eval flag restored in a
  ``finally`` block, so an exception (a bad target, a failing model) leaves the model as it was.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from psysim.errors import PsysimError
from psysim.seeds import check_seed

METHODS = ("cam", "gradcam")


@dataclass(frozen=True)
class CamResult:
    """Class activation maps of a batch.

    Attributes
    ----------
    raw : torch.Tensor
        ``(N, h, w)`` maps at the resolution of the chosen layer, unnormalised (CAM: no ReLU;
        Grad-CAM: after the ReLU).
    maps : torch.Tensor
        ``(N, H, W)`` maps bilinearly upsampled to the image size (or ``size``) and min-max
        normalised per image to [0, 1]; a constant map becomes all zeros.
    targets : torch.Tensor
        ``(N,)`` class index of each image's map.
    scores : torch.Tensor
        ``(N, n_classes)`` the model's logits.
    method, layer : str
        What made the maps.
    """

    raw: torch.Tensor
    maps: torch.Tensor
    targets: torch.Tensor
    scores: torch.Tensor
    method: str
    layer: str


def _module(model: nn.Module, name: str, what: str) -> nn.Module:
    modules = dict(model.named_modules())
    if name not in modules:
        close = difflib.get_close_matches(name, [n for n in modules if n], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see model.named_modules()"
        raise PsysimError(f"{what} {name!r} is not a layer of {type(model).__name__}{hint}")
    return modules[name]


def _targets(target, scores: torch.Tensor) -> torch.Tensor:
    n, n_classes = scores.shape
    if target is None:
        return scores.argmax(1)
    t = torch.as_tensor(np.asarray(target), device=scores.device)
    if t.dtype.is_floating_point or t.dtype == torch.bool:
        raise PsysimError(f"target must be a class index or a sequence of class indices, got dtype {t.dtype}")
    t = t.long()
    if t.ndim == 0:
        t = t.expand(n)
    if t.shape != (n,):
        raise PsysimError(f"target has {t.numel()} entries for a batch of {n} images")
    bad = (t < 0) | (t >= n_classes)
    if bad.any():
        raise PsysimError(f"target class {int(t[bad][0])} is outside 0..{n_classes - 1}")
    return t


def _normalise_upsampled(raw: torch.Tensor, size) -> torch.Tensor:
    up = F.interpolate(raw[:, None], size=size, mode="bilinear", align_corners=False)[:, 0]
    lo = up.amin((1, 2), keepdim=True)
    span = up.amax((1, 2), keepdim=True) - lo
    return torch.where(span > 0, (up - lo) / span.clamp_min(torch.finfo(up.dtype).tiny), torch.zeros_like(up))


def class_activation_maps(
    model: nn.Module,
    images: torch.Tensor,
    target=None,
    method: str = "gradcam",
    layer: str | None = None,
    fc: str | None = None,
    size=None,
    channels_last: bool = True,
) -> CamResult:
    """CAM or Grad-CAM maps for a batch of images, one target class per image.

    Parameters
    ----------
    model : torch.nn.Module
        Any classifier returning logits ``(N, n_classes)``. It is run in eval mode; every
        module's train/eval flag is restored afterwards.
    images : torch.Tensor
        ``(N, C, H, W)`` or ``(C, H, W)`` floating-point images, as the model expects them.
    target : None, int or sequence of int
        Class of each image's map: ``None`` for the predicted class, one int for all images,
        or one per image.
    method : {"gradcam", "cam"}
        Grad-CAM (Selvaraju et al. 2017) or CAM (Zhou et al. 2016).
    layer : str, optional
        Name of the layer (as in ``model.named_modules()``) whose output is mapped. Default:
        ``model.cam_layer`` if set, else ``"features"``. The layer must run once per forward
        pass. For CAM it must be the feature map that is global-average-pooled into ``fc``.
    fc : str, optional
        CAM only: name of the final linear layer (default ``model.cam_fc`` or ``"classifier"``).
    size : (int, int), optional
        Size of the upsampled maps; default the image size.
    channels_last : bool
        Pass the images to the model in channels-last memory layout (same values, different
        strides). On CPU this lets PyTorch use its faster NHWC convolution kernels for batches;
        the model's weights are not touched.

    Returns
    -------
    CamResult
        Detached tensors on the model's device.
    """
    if method not in METHODS:
        raise PsysimError(f"unknown CAM method {method!r}; use one of {', '.join(METHODS)}")
    if not torch.is_tensor(images) or not images.is_floating_point() or images.ndim not in (3, 4):
        raise PsysimError("images must be a floating-point tensor of shape (N, C, H, W) or (C, H, W)")
    if images.ndim == 3:
        images = images[None]
    layer = layer or getattr(model, "cam_layer", "features")
    module = _module(model, layer, "layer")
    weight = None
    if method == "cam":
        fc_name = fc or getattr(model, "cam_fc", "classifier")
        fc_module = _module(model, fc_name, "fc layer")
        if not isinstance(fc_module, nn.Linear):
            raise PsysimError(f"CAM needs a linear layer as fc; {fc_name!r} is a {type(fc_module).__name__}")
        weight = fc_module.weight
    size = tuple(images.shape[-2:]) if size is None else (int(size[0]), int(size[1]))

    store: list[torch.Tensor] = []
    need_grad = method == "gradcam"

    def hook(_module, _inputs, output):
        if not torch.is_tensor(output) or output.ndim != 4:
            raise PsysimError(f"layer {layer!r} must output a (N, K, h, w) tensor for CAM")
        act = output.detach()
        if need_grad:
            # Everything before the layer ran without autograd (it cannot depend on the
            # layer's output); from here on the graph is recorded, starting at this leaf. The
            # caller's torch.no_grad() block restores the grad mode when the forward ends.
            act.requires_grad_(True)
            torch.set_grad_enabled(True)
        store.append(act)
        # downstream in-place operations act on this clone, never on the stored activation
        return act.clone()

    modes = [(m, m.training) for m in model.modules()]
    handle = module.register_forward_hook(hook)
    try:
        model.eval()
        x = images.contiguous(memory_format=torch.channels_last) if channels_last else images
        with torch.no_grad():
            scores = model(x)
        _check_store(store, layer)
        _check_scores(scores, images)
        act = store[0]
        targets = _targets(target, scores.detach())
        if method == "cam":
            with torch.no_grad():
                if weight.shape[1] != act.shape[1]:
                    raise PsysimError(
                        f"CAM: layer {layer!r} has {act.shape[1]} channels but the fc layer takes "
                        f"{weight.shape[1]} inputs; choose the layer that feeds global average pooling"
                    )
                raw = torch.einsum("nk,nkhw->nhw", weight[targets], act)
        else:
            if not scores.requires_grad:
                raise PsysimError(f"the model's output does not depend on layer {layer!r}, so Grad-CAM has no gradient")
            picked = scores.gather(1, targets[:, None]).sum()
            (grad,) = torch.autograd.grad(picked, act)
            alpha = grad.mean((2, 3))
            raw = F.relu(torch.einsum("nk,nkhw->nhw", alpha, act.detach()))
            scores = scores.detach()
        maps = _normalise_upsampled(raw, size)
    finally:
        handle.remove()
        for m, training in modes:
            m.training = training
        store.clear()
    return CamResult(raw=raw, maps=maps, targets=targets, scores=scores, method=method, layer=layer)


def _check_scores(scores, images):
    if not torch.is_tensor(scores) or scores.ndim != 2 or scores.shape[0] != images.shape[0]:
        raise PsysimError("the model must return logits of shape (N, n_classes) for CAM")


def _check_store(store, layer):
    if not store:
        raise PsysimError(f"layer {layer!r} did not run in the forward pass")
    if len(store) > 1:
        raise PsysimError(f"layer {layer!r} runs {len(store)} times per forward pass; choose a layer that runs once")


def n_hooks(model: nn.Module) -> int:
    """Number of forward, pre-forward and backward hooks registered anywhere in ``model``.

    Parameters
    ----------
    model : torch.nn.Module
        The network to inspect.

    Returns
    -------
    int
        0 after :func:`class_activation_maps` returns (it removes its hook even on error).
    """
    return sum(
        len(m._forward_hooks) + len(m._forward_pre_hooks) + len(m._backward_hooks) + len(m._backward_pre_hooks)
        for m in model.modules()
    )


def randomised_copy(model: nn.Module, layers=None, seed=0) -> nn.Module:
    """A copy of ``model`` with the weights of some layers replaced by random values.

    The model-parameter randomisation test of Adebayo et al. (2018, Sec. 3.1): a saliency map
    that does not change when the trained weights are randomised does not explain the model.
    Every convolution and linear weight inside the named modules (all of the model when
    ``layers`` is None) is redrawn from a normal distribution with the same standard deviation
    as the trained weight (a stand-in for the initialisation distribution), biases set to zero;
    batch-norm statistics are kept.

    Parameters
    ----------
    model : torch.nn.Module
    layers : sequence of str, optional
        Module names whose weights are randomised (e.g. ``["classifier", "features.6"]`` for a
        cascading test from the top).
    seed : int
        Seed of the ``torch.Generator``.

    Returns
    -------
    torch.nn.Module
        A deep copy; ``model`` itself is unchanged.
    """
    import copy

    out = copy.deepcopy(model)
    g = torch.Generator().manual_seed(check_seed(seed))
    roots = [out] if layers is None else [_module(out, name, "layer") for name in layers]
    seen = set()
    with torch.no_grad():
        for root in roots:
            for m in root.modules():
                if id(m) in seen or not isinstance(m, (nn.Conv2d, nn.Linear)):
                    continue
                seen.add(id(m))
                std = float(m.weight.std()) or 0.1
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * std)
                if m.bias is not None:
                    m.bias.zero_()
    return out
