"""Torchvision backbones with pretrained ImageNet weights, loaded only from the local cache.

psysim never downloads: it looks for the weight file where ``torch.hub`` keeps it
(``$TORCH_HOME/hub/checkpoints``, by default ``~/.cache/torch/hub/checkpoints``) and, when the
file is absent, raises :class:`~psysim.errors.OfflineError` with one line naming the expected
path and the address to fetch it from on a machine with internet.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torchvision
from torch import nn

from psysim.errors import OfflineError, ParameterError, PsysimError

BACKBONES = {
    # name: (CAM layer: last feature map before global average pooling, final linear layer)
    "mnasnet1_0": ("layers", "classifier.1"),
    "efficientnet_b0": ("features", "classifier.1"),
    "resnet18": ("layer4", "fc"),
}
"""Supported torchvision backbones and the layer names CAM needs."""


def _weights(name: str):
    if name not in BACKBONES:
        raise ParameterError(f"unknown backbone {name!r}; known: {', '.join(BACKBONES)}")
    return torchvision.models.get_model_weights(name).DEFAULT


def weights_path(name: str) -> tuple[Path, str]:
    """Where torch keeps the pretrained weights of backbone ``name``, and their download URL.

    Parameters
    ----------
    name : str
        ``mnasnet1_0``, ``efficientnet_b0`` or ``resnet18``.

    Returns
    -------
    tuple of (pathlib.Path, str)
        The file torch hub would load, and the URL it comes from.
    """
    w = _weights(name)
    return Path(torch.hub.get_dir()) / "checkpoints" / Path(w.url).name, w.url


def load_backbone(name: str, pretrained: bool = True, n_classes: int | None = None) -> nn.Module:
    """A torchvision backbone, with ImageNet weights from the local torch hub cache.

    Parameters
    ----------
    name : str
        ``mnasnet1_0``, ``efficientnet_b0`` or ``resnet18``.
    pretrained : bool
        Load the ImageNet weights (from the local cache only); ``False`` gives random weights.
    n_classes : int, optional
        Replace the final linear layer by a new one with this many outputs (for fine-tuning on
        search displays).

    Returns
    -------
    torch.nn.Module
        The model, in eval mode, with attributes ``cam_layer`` and ``cam_fc`` (layer names for
        :func:`psysim.networks.cam.class_activation_maps`).

    Raises
    ------
    OfflineError
        When ``pretrained`` and the weight file is not in the cache.
    """
    _weights(name)
    model = torchvision.models.get_model(name, weights=None)
    if pretrained:
        path, url = weights_path(name)
        if not path.is_file():
            raise OfflineError(
                f"pretrained weights for {name} not found at {path}; download {url} on a machine "
                f"with internet and copy it there (or set TORCH_HOME)"
            )
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
            model.load_state_dict(state)
        except Exception as exc:  # a truncated or foreign file: say which one
            raise PsysimError(f"{path}: not valid {name} weights ({type(exc).__name__}: {exc})") from None
    layer, fc = BACKBONES[name]
    if n_classes is not None:
        parent_name, _, attr = fc.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        old = getattr(parent, attr) if not attr.isdigit() else parent[int(attr)]
        new = nn.Linear(old.in_features, int(n_classes))
        if attr.isdigit():
            parent[int(attr)] = new
        else:
            setattr(parent, attr, new)
    model.cam_layer, model.cam_fc = layer, fc
    return model.eval()
