"""Small CNNs for visual search: a GAP network for exact CAM and an MBConv+SE network.

Both networks share one layout so that CAM / Grad-CAM and training need no special cases:

- ``features``: the convolutional trunk; its output is the last spatial feature map
  (the default CAM layer);
- ``pool``: global average pooling to one value per channel;
- ``classifier``: a linear layer from channels to class scores (logits).

Because ``classifier(pool(features(x)))`` is a linear function of the averaged last feature
map, the class activation map of Zhou et al. (2016, Eq. 2) is exact for both networks.

Each network records its constructor arguments in ``config`` so that a checkpoint can rebuild it
(:func:`build_network`).
"""

from __future__ import annotations

import math

from torch import nn

from psysim.errors import ParameterError

_ACTIVATIONS = {"relu": nn.ReLU, "relu6": nn.ReLU6, "silu": nn.SiLU}


def _activation(name: str, inplace: bool = True) -> nn.Module:
    try:
        return _ACTIVATIONS[name](inplace=inplace)
    except KeyError:
        raise ParameterError(f"activation {name!r} is unknown; use one of {', '.join(_ACTIVATIONS)}") from None


class GapCNN(nn.Module):
    """A plain convolutional network ending in global average pooling and one linear layer.

    The shape follows the CAM network of Zhou et al. (2016, Sec. 2): convolutions, then global
    average pooling (GAP) of the last feature map, then a fully connected softmax layer. Few
    down-sampling steps keep the last map fine enough to localise small search items
    (Zhou et al. removed late layers of their backbones for the same reason).

    Parameters
    ----------
    channels : sequence of int
        Output channels of each 3x3 convolution block (conv, batch norm, ReLU).
    pool_after : sequence of int
        Indices of the blocks followed by 2x2 max pooling; the total stride of the last map
        is ``2 ** len(pool_after)`` pixels.
    n_classes : int
        Number of output classes (2: target absent, target present).
    in_channels : int
        Image channels (3 for RGB).
    activation : str
        ``relu`` (in place, as in most published backbones), ``relu6`` or ``silu``.
    stem : int
        1: block 0 is a 3x3 convolution like the others. ``k`` > 1: block 0 is a ``k x k``
        convolution with stride ``k`` over non-overlapping patches (the "patchify" stem of
        Liu et al. 2022, ConvNeXt, Sec. 2.3), so a display rendered at a high resolution (thin
        strokes resolved) is read by every pixel but the later layers run on a ``k``-times
        smaller map. The total stride becomes ``k * 2 ** len(pool_after)``.
    dilation : sequence of int, optional
        Dilation of each block's 3x3 convolution (default 1 everywhere; Yu & Koltun 2016,
        ICLR): widens the receptive field without pooling, so the CAM layer keeps its
        resolution. Ignored for block 0 when ``stem`` > 1.
    """

    def __init__(self, channels=(16, 32, 32), pool_after=(0,), n_classes=2, in_channels=3, activation="relu",
                 stem=1, dilation=None):
        super().__init__()
        channels = [int(c) for c in channels]
        pool_after = sorted(int(i) for i in pool_after)
        if not channels or min(channels) < 1:
            raise ParameterError(f"GapCNN channels must be positive integers, got {channels}")
        if any(not 0 <= i < len(channels) for i in pool_after):
            raise ParameterError(f"GapCNN pool_after indices {pool_after} must lie in 0..{len(channels) - 1}")
        dilation = [1] * len(channels) if dilation is None else [int(d) for d in dilation]
        if len(dilation) != len(channels) or min(dilation) < 1:
            raise ParameterError(f"GapCNN dilation must give one positive integer per block ({len(channels)}), got {dilation}")
        if int(stem) < 1:
            raise ParameterError(f"GapCNN stem must be a positive integer (1: no patchify stem), got {stem}")
        self.config = {
            "channels": channels,
            "pool_after": pool_after,
            "n_classes": int(n_classes),
            "in_channels": int(in_channels),
            "activation": activation,
            "stem": int(stem),
            "dilation": dilation,
        }
        layers, prev = [], int(in_channels)
        for i, (c, d) in enumerate(zip(channels, dilation)):
            if i == 0 and stem > 1:
                conv = nn.Conv2d(prev, c, int(stem), stride=int(stem), bias=False)
            else:
                conv = nn.Conv2d(prev, c, 3, padding=d, dilation=d, bias=False)
            layers += [conv, nn.BatchNorm2d(c), _activation(activation)]
            if i in pool_after:
                layers.append(nn.MaxPool2d(2))
            prev = c
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(prev, int(n_classes))

    def forward(self, x):
        return self.classifier(self.pool(self.features(x)).flatten(1))


class SqueezeExcite(nn.Module):
    """Squeeze-and-excitation channel gating (Hu et al. 2018, Eqs. 2-3):
    ``x * sigmoid(W2 relu(W1 mean_hw(x)))``."""

    def __init__(self, channels: int, reduced: int):
        super().__init__()
        self.reduce = nn.Conv2d(channels, reduced, 1)
        self.act = nn.ReLU(inplace=True)
        self.expand = nn.Conv2d(reduced, channels, 1)
        self.gate = nn.Sigmoid()

    def forward(self, x):
        s = x.mean((2, 3), keepdim=True)
        return x * self.gate(self.expand(self.act(self.reduce(s))))


class MBConv(nn.Module):
    """Inverted residual block with squeeze-and-excitation (MBConv).

    1x1 expansion, depthwise kxk convolution, squeeze-and-excitation, 1x1 linear projection,
    and an identity shortcut when the stride is 1 and the channel count is unchanged
    (Sandler et al. 2018, MobileNetV2, Table 1; SE placement as in Tan & Le 2019, EfficientNet).
    """

    def __init__(self, cin: int, cout: int, expand: int, kernel: int, stride: int, activation: str, se_ratio: float):
        super().__init__()
        mid = cin * expand
        layers = []
        if expand != 1:
            layers += [nn.Conv2d(cin, mid, 1, bias=False), nn.BatchNorm2d(mid), _activation(activation)]
        layers += [
            nn.Conv2d(mid, mid, kernel, stride, padding=kernel // 2, groups=mid, bias=False),
            nn.BatchNorm2d(mid),
            _activation(activation),
        ]
        if se_ratio > 0:
            layers.append(SqueezeExcite(mid, max(1, int(cin * se_ratio))))
        layers += [nn.Conv2d(mid, cout, 1, bias=False), nn.BatchNorm2d(cout)]
        self.block = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.block(x)
        return x + y if self.residual else y


# (expansion, output channels, repeats, stride, kernel) per stage: a shrunken MnasNet/EfficientNet
# layout for 64-128 px search displays (total stride 16)
MBCONV_STAGES = ((1, 16, 1, 1, 3), (4, 24, 2, 2, 3), (4, 40, 2, 2, 5), (4, 80, 2, 2, 3))


def _round_channels(c: float, divisor: int = 4) -> int:
    """Scale-and-round channel counts as EfficientNet does, to a multiple of ``divisor``
    and never more than 10 % below the scaled value."""
    r = max(divisor, int(c + divisor / 2) // divisor * divisor)
    return r + divisor if r < 0.9 * c else r


class MBConvNet(nn.Module):
    """A small MBConv network with squeeze-and-excitation, scaled by width and depth.

    Stem (3x3 convolution, stride 2), stages of :class:`MBConv` blocks, a 1x1 head
    convolution, global average pooling and a linear classifier. ``width`` multiplies every
    channel count and ``depth`` every stage's number of repeats (rounded up), the compound
    scaling knobs of Tan & Le (2019, Eq. 3).

    Parameters
    ----------
    width, depth : float
        Width and depth multipliers (> 0).
    n_classes : int
        Number of classes.
    stages : sequence of (expand, channels, repeats, stride, kernel)
        Stage table before scaling (default :data:`MBCONV_STAGES`).
    stem, head : int
        Channels of the stem and head convolutions before scaling.
    se_ratio : float
        Squeeze ratio relative to the block input channels (0 disables SE).
    activation : str
        ``relu`` (MnasNet), ``relu6`` (MobileNetV2) or ``silu`` (EfficientNet); in place.
    dropout : float
        Dropout before the classifier during training.
    in_channels : int
        Input image channels (3 for RGB).
    """

    def __init__(
        self,
        width=1.0,
        depth=1.0,
        n_classes=2,
        stages=MBCONV_STAGES,
        stem=16,
        head=128,
        se_ratio=0.25,
        activation="relu",
        dropout=0.1,
        in_channels=3,
    ):
        super().__init__()
        if not (width > 0 and depth > 0):
            raise ParameterError(f"MBConvNet width and depth multipliers must be > 0, got {width}, {depth}")
        stages = [tuple(int(v) for v in s) for s in stages]
        self.config = {
            "width": float(width),
            "depth": float(depth),
            "n_classes": int(n_classes),
            "stages": [list(s) for s in stages],
            "stem": int(stem),
            "head": int(head),
            "se_ratio": float(se_ratio),
            "activation": activation,
            "dropout": float(dropout),
            "in_channels": int(in_channels),
        }
        c_stem = _round_channels(stem * width)
        layers = [
            nn.Sequential(
                nn.Conv2d(in_channels, c_stem, 3, 2, padding=1, bias=False),
                nn.BatchNorm2d(c_stem),
                _activation(activation),
            )
        ]
        prev = c_stem
        for expand, c, repeats, stride, kernel in stages:
            cout = _round_channels(c * width)
            blocks = []
            for r in range(int(math.ceil(repeats * depth))):
                blocks.append(MBConv(prev, cout, expand, kernel, stride if r == 0 else 1, activation, se_ratio))
                prev = cout
            layers.append(nn.Sequential(*blocks))
        c_head = _round_channels(head * width)
        layers.append(nn.Sequential(nn.Conv2d(prev, c_head, 1, bias=False), nn.BatchNorm2d(c_head), _activation(activation)))
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(c_head, int(n_classes))

    def forward(self, x):
        return self.classifier(self.dropout(self.pool(self.features(x)).flatten(1)))


ARCHITECTURES = {"gapcnn": GapCNN, "mbconv": MBConvNet}
"""Networks that :func:`build_network` and checkpoints know by name."""


def build_network(arch: str, **config) -> nn.Module:
    """Build a psysim network by name (``gapcnn`` or ``mbconv``) from keyword arguments.

    Parameters
    ----------
    arch : str
        ``gapcnn`` (:class:`GapCNN`) or ``mbconv`` (:class:`MBConvNet`).
    **config
        Keyword arguments of that class (its ``config`` dict, as checkpoints store it).

    Returns
    -------
    torch.nn.Module
        The network, with PyTorch's default (unseeded) initialisation; see
        :func:`psysim.networks.seeded_network` for seeded weights.

    Raises
    ------
    ParameterError
        For an unknown name or a configuration the class does not take.
    """
    try:
        cls = ARCHITECTURES[arch]
    except KeyError:
        raise ParameterError(f"unknown network {arch!r}; known: {', '.join(ARCHITECTURES)}") from None
    try:
        return cls(**config)
    except TypeError as exc:
        raise ParameterError(f"network {arch!r}: bad configuration ({exc})") from None


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters.

    Parameters
    ----------
    model : torch.nn.Module
        Any network.

    Returns
    -------
    int
        Number of elements of the parameters with ``requires_grad``.
    """
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
