"""Naming networks: a backbone and a new linear head with one output per name.

Backbones (:data:`NAMING_BACKBONES`):

- ``psysim-glyphs``: psysim's own offline backbone, a small GAP network
  (:class:`psysim.networks.GapCNN`) pretrained by :mod:`psysim.naming.pretrain` on generated
  objects only (shipped as ``psysim/naming/checkpoints/glyphs_gapcnn.pt``, 0.5 MB);
- ``psysim-random``: the same network with random weights, the control that shows what the
  pretraining is worth;
- ``mnasnet1_0``, ``efficientnet_b0``, ``resnet18``: torchvision ImageNet models, when their
  weights are in the local torch cache (otherwise one-line :class:`~psysim.errors.OfflineError`,
  see :func:`psysim.networks.load_backbone`).

Regimes (Yosinski et al. 2014; Kornblith et al. 2019):

- ``transfer``: the backbone is frozen (no gradient, batch-norm statistics fixed: it stays in
  eval mode) and only the new head is trained;
- ``finetune``: every layer is trained, the backbone with a smaller learning rate. The
  experiment first trains the new head on the frozen backbone (a linear probe) and then
  fine-tunes everything (LP-FT, Kumar et al. 2022: a random head's large early gradients
  would otherwise distort the pretrained features, and few epochs would not suffice).
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from psysim.errors import ParameterError, PsysimError
from psysim.seeds import check_seed

REGIMES = ("transfer", "finetune")
NAMING_BACKBONES = ("psysim-glyphs", "psysim-random", "mnasnet1_0", "efficientnet_b0", "resnet18")
_IMAGENET_MEAN, _IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def glyph_checkpoint() -> Path:
    """Path of the shipped offline backbone (made by ``python -m psysim.naming.pretrain``).

    Returns
    -------
    pathlib.Path
        ``glyphs_gapcnn.pt`` in ``psysim/naming/checkpoints/`` of the installed package.
    """
    from importlib import resources

    path = Path(str(resources.files("psysim.naming").joinpath("checkpoints", "glyphs_gapcnn.pt")))
    if not path.is_file():
        raise PsysimError(f"the offline naming backbone is missing at {path}; make it with: python -m psysim.naming.pretrain")
    return path


class NamingNetwork(nn.Module):
    """``head(backbone(normalise(x)))``: a backbone giving one feature vector per image and a
    linear layer with one output (logit) per name.

    Parameters
    ----------
    backbone : nn.Module
        Maps ``(N, 3, H, W)`` images to ``(N, D)`` pooled features (global average pooling of
        its last feature map, so CAM is exact).
    n_features : int
        ``D``.
    names : sequence of str
        Output names, in output order.
    cam_layer : str
        Name of the backbone's last feature map, inside ``backbone``.
    mean, std : 3-tuples
        Input normalisation the backbone was trained with.
    backbone_name : str
        Name of the backbone, recorded for reports.
    """

    def __init__(self, backbone: nn.Module, n_features: int, names, cam_layer: str, mean=(0.0, 0.0, 0.0), std=(1.0, 1.0, 1.0), backbone_name: str = ""):
        super().__init__()
        self.backbone = backbone
        self.head = nn.Linear(int(n_features), len(names))
        self.names = tuple(names)
        self.backbone_name = backbone_name
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1))
        self.cam_layer = f"backbone.{cam_layer}"
        self.cam_fc = "head"
        self.frozen = False
        self.bn_frozen = False

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.backbone((x - self.mean) / self.std)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))

    def freeze_backbone(self) -> NamingNetwork:
        """Transfer learning: no gradients into the backbone and its batch norm kept in eval mode."""
        self.frozen = True
        for p in self.backbone.parameters():
            p.requires_grad_(False)
        self.backbone.eval()
        return self

    def unfreeze_backbone(self, keep_bn_statistics: bool = True) -> NamingNetwork:
        """Fine-tuning after a linear probe (LP-FT): every layer trainable again.

        With ``keep_bn_statistics`` the backbone's batch-norm layers keep their pretrained
        running statistics (they stay in eval mode; their scale and shift still learn): with
        a few hundred pictures, batch statistics would shift every feature the trained head
        relies on at the first step."""
        self.frozen = False
        self.bn_frozen = bool(keep_bn_statistics)
        for p in self.backbone.parameters():
            p.requires_grad_(True)
        return self

    def train(self, mode: bool = True):
        super().train(mode)
        if self.frozen:
            self.backbone.eval()
        elif self.bn_frozen:
            for m in self.backbone.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm):
                    m.eval()
        return self


def _strip_classifier(model: nn.Module, fc: str) -> int:
    """Replace the final linear layer ``fc`` by an identity; return its input size."""
    parent_name, _, attr = fc.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    old = parent[int(attr)] if attr.isdigit() else getattr(parent, attr)
    if attr.isdigit():
        parent[int(attr)] = nn.Identity()
    else:
        setattr(parent, attr, nn.Identity())
    return int(old.in_features)


def check_backbone(name: str) -> None:
    """Fail early, with one line, for an unknown backbone or absent pretrained weights."""
    if name not in NAMING_BACKBONES:
        raise ParameterError(f"unknown naming backbone {name!r}; known: {', '.join(NAMING_BACKBONES)}")
    if name == "psysim-glyphs":
        glyph_checkpoint()
    elif name != "psysim-random":
        from psysim.errors import OfflineError
        from psysim.networks import weights_path

        path, url = weights_path(name)
        if not path.is_file():
            raise OfflineError(f"pretrained weights for {name} not found at {path}; download {url} on a machine with internet and copy it there (or set TORCH_HOME)")


def build_naming_network(backbone: str, names, regime: str = "transfer", seed=0) -> NamingNetwork:
    """A naming network for ``names`` on a named backbone, set up for a training regime.

    The new head's initial weights depend only on ``seed``.

    Parameters
    ----------
    backbone : str
        One of :data:`NAMING_BACKBONES` (``psysim-glyphs`` needs no download).
    names : sequence of str
        The names, in label order (one output each).
    regime : {"transfer", "finetune"}
        Frozen backbone (only the head learns) or every layer learning.
    seed : int
        Seed of the head's initial weights.

    Returns
    -------
    NamingNetwork
        Backbone + a linear head with one output per name.

    Raises
    ------
    ParameterError
        For an unknown backbone or regime.
    """
    if regime not in REGIMES:
        raise ParameterError(f"regime {regime!r} is unknown; use one of {', '.join(REGIMES)}")
    names = tuple(names)
    if len(names) < 2:
        raise ParameterError(f"a naming network needs at least 2 names, got {len(names)}")
    if backbone in ("psysim-glyphs", "psysim-random"):
        from psysim.naming.pretrain import CONFIG
        from psysim.networks import load_checkpoint, seeded_network

        if backbone == "psysim-random":
            net = seeded_network("gapcnn", seed=seed, **CONFIG)
        else:
            net, _ = load_checkpoint(glyph_checkpoint())
        n_feat = _strip_classifier(net, "classifier")
        kw = {"cam_layer": "features"}
    elif backbone in ("mnasnet1_0", "efficientnet_b0", "resnet18"):
        from psysim.networks import BACKBONES, load_backbone

        net = load_backbone(backbone, pretrained=True)
        layer, fc = BACKBONES[backbone]
        n_feat = _strip_classifier(net, fc)
        kw = {"cam_layer": layer, "mean": _IMAGENET_MEAN, "std": _IMAGENET_STD}
    else:
        raise ParameterError(f"unknown naming backbone {backbone!r}; known: {', '.join(NAMING_BACKBONES)}")
    return _assemble(net, n_feat, names, regime, seed, backbone, kw)


def _assemble(net, n_feat, names, regime, seed, backbone_name, kw) -> NamingNetwork:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(check_seed(seed))
        model = NamingNetwork(net, n_feat, names, backbone_name=backbone_name, **kw)
    if regime == "transfer":
        model.freeze_backbone()
    return model.eval()


def naming_network_from_module(net: nn.Module, names, regime: str = "transfer", seed=0, backbone_name: str = "") -> NamingNetwork:
    """A naming network on a psysim backbone given as a module (a :class:`~psysim.networks.GapCNN`
    or :class:`~psysim.networks.MBConvNet` with ``features``, ``pool`` and ``classifier``), e.g. one
    pretrained by :func:`psysim.networks.ssl.pretrain_ssl`.

    ``net`` is deep-copied (the caller's network is not changed); its ``classifier`` is replaced
    by the new head, which depends only on ``seed``. Inputs are not normalised (psysim
    backbones see images in [0, 1]).

    Parameters
    ----------
    net : torch.nn.Module
        The backbone network.
    names : sequence of str
        The names, in label order (one output each).
    regime : {"transfer", "finetune"}
        Frozen backbone or every layer learning.
    seed : int
        Seed of the head's initial weights.
    backbone_name : str
        Name recorded for the backbone (reports).

    Returns
    -------
    NamingNetwork
        The copy with its new head.
    """
    import copy

    if regime not in REGIMES:
        raise ParameterError(f"regime {regime!r} is unknown; use one of {', '.join(REGIMES)}")
    names = tuple(names)
    if len(names) < 2:
        raise ParameterError(f"a naming network needs at least 2 names, got {len(names)}")
    if not all(hasattr(net, a) for a in ("features", "pool", "classifier")):
        raise ParameterError(f"{backbone_name or type(net).__name__}: a naming backbone module needs features, pool and classifier")
    net = copy.deepcopy(net)
    n_feat = _strip_classifier(net, "classifier")
    return _assemble(net, n_feat, names, regime, seed, backbone_name, {"cam_layer": "features"})
