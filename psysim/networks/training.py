"""Training networks on search displays, evaluation with temperature-scaled softmax, checkpoints.

Everything random comes from the ``seed`` argument: the network's initial weights and dropout
(through a forked global torch RNG seeded with it) and the batch order and augmentation
(through a ``torch.Generator``), so the same seed gives the same trained weights on a given
machine and thread count.
"""

from __future__ import annotations

import copy
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from psysim import __version__
from psysim.errors import PsysimError
from psysim.networks.architectures import build_network
from psysim.networks.data import CLASSES, SearchImages, augment
from psysim.seeds import check_seed

CHECKPOINT_FORMAT = "psysim.network/1"


def seeded_network(arch: str, seed=0, **config) -> nn.Module:
    """Build a network (:func:`~psysim.networks.architectures.build_network`) whose initial
    weights depend only on ``seed``.

    Parameters
    ----------
    arch : str
        ``gapcnn`` or ``mbconv``.
    seed : int
        Seed of the initial weights (the same seed gives the same bytes).
    **config
        The architecture's keyword arguments.

    Returns
    -------
    torch.nn.Module
        The network, in training mode.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(check_seed(seed))
        return build_network(arch, **config)


@dataclass
class TrainResult:
    """What :func:`train_network` returns: per-epoch history and the best epoch."""

    history: pd.DataFrame
    best_epoch: int
    stopped_early: bool


def _epoch_eval(model, data: SearchImages, batch_size: int) -> tuple[float, float]:
    loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(data), batch_size):
            logits = model(data.tensor(slice(i, i + batch_size)))
            y = data.labels[i : i + batch_size]
            loss += F.cross_entropy(logits, y, reduction="sum").item()
            correct += (logits.argmax(1) == y).sum().item()
    return loss / len(data), correct / len(data)


def train_network(
    model: nn.Module,
    train: SearchImages,
    val: SearchImages | None = None,
    epochs: int = 10,
    batch_size: int = 64,
    lr: float = 3e-3,
    weight_decay: float = 1e-4,
    patience: int = 3,
    min_delta: float = 0.0,
    augmentation: dict | None = None,
    seed=0,
    checkpoint=None,
    checkpoint_meta: dict | None = None,
    progress: bool | None = None,
    recalibrate_bn: bool = False,
    on_epoch=None,
) -> TrainResult:
    """Train a classifier on rendered search displays (target present vs absent).

    AdamW on the cross-entropy loss with a cosine learning-rate schedule. After each epoch the
    validation loss is measured; training stops early when it has not improved for
    ``patience`` epochs, and the model ends with the weights of the best epoch.

    Parameters
    ----------
    model : torch.nn.Module
        Network to train in place.
    train, val : SearchImages
        Training and validation images (``val`` None: no early stopping, last epoch kept).
    epochs, batch_size : int
    lr, weight_decay : float
        AdamW learning rate and weight decay.
    patience : int
        Epochs without improvement of the validation loss before stopping.
    min_delta : float
        Smallest fall of the validation loss (nats per image) that counts as an improvement,
        so that a loss creeping towards 0 on a solved task does not keep training going.
    augmentation : dict, optional
        Keyword arguments of :func:`psysim.networks.data.augment` (``{}`` for the defaults,
        ``None`` for no augmentation).
    seed : int
        Seed of batch order, augmentation and dropout.
    checkpoint : path, optional
        Where the best model so far is saved (:func:`save_checkpoint`) after each improvement.
    checkpoint_meta : dict, optional
        Extra JSON-able metadata stored in the checkpoint.
    progress : bool, optional
        Show a tqdm progress bar; default: only when the output is a terminal.
    recalibrate_bn : bool or int
        After each epoch, recompute every batch-norm layer's running mean and variance as the
        plain average over the (unaugmented) training images (an int: over at most that many,
        evenly spaced through the training set). With few batches per epoch the
        exponential running averages lag far behind the weights and an eval-mode network can
        sit at chance while its training accuracy is perfect; recalibration removes that lag.
    on_epoch : callable, optional
        ``on_epoch(epoch, model, row)`` after each epoch's validation (model in eval mode,
        ``row`` the epoch's history row), e.g. to keep a copy of the network after epoch 0.

    Returns
    -------
    TrainResult
    """
    if len(train) == 0:
        raise PsysimError("no training images")
    g = torch.Generator().manual_seed(check_seed(seed))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    n_batches = -(-len(train) // batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(1, epochs * n_batches), pct_start=0.15)
    rows, best_loss, best_state, best_epoch, bad = [], np.inf, None, -1, 0
    stopped = False
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(check_seed(seed))
        bar = tqdm(range(epochs), desc="training", unit="epoch", disable=None if progress is None else not progress)
        for epoch in bar:
            model.train()
            perm = torch.randperm(len(train), generator=g)
            tot, n_ok = 0.0, 0
            for b in range(n_batches):
                idx = perm[b * batch_size : (b + 1) * batch_size]
                x, y = train.tensor(idx), train.labels[idx]
                if augmentation is not None:
                    x = augment(x, g, **augmentation)
                logits = model(x)
                loss = F.cross_entropy(logits, y)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                sched.step()
                tot += loss.item() * len(idx)
                n_ok += (logits.argmax(1) == y).sum().item()
            row = {"epoch": epoch, "train_loss": tot / len(train), "train_acc": n_ok / len(train)}
            if recalibrate_bn:
                _recalibrate_bn(model, _spread(train, recalibrate_bn), 2 * batch_size)
            model.eval()
            if val is not None and len(val):
                row["val_loss"], row["val_acc"] = _epoch_eval(model, val, 2 * batch_size)
            rows.append(row)
            if on_epoch is not None:
                on_epoch(epoch, model, dict(row))
            bar.set_postfix({k: round(v, 3) for k, v in row.items() if k != "epoch"})
            score = row.get("val_loss", -epoch)
            if score < best_loss - (min_delta if np.isfinite(best_loss) else 0.0):
                best_loss, best_epoch, bad = score, epoch, 0
                best_state = copy.deepcopy(model.state_dict())
                if checkpoint is not None:
                    save_checkpoint(checkpoint, model, {**(checkpoint_meta or {}), "epoch": epoch, **row})
            else:
                bad += 1
                if val is not None and bad >= patience:
                    stopped = True
                    break
        bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return TrainResult(pd.DataFrame(rows), best_epoch, stopped)


def centre_logits(model: nn.Module, fc: str = "classifier") -> nn.Module:
    """Subtract the mean over classes from the final linear layer's weights and biases, in place.

    Softmax probabilities do not change (every logit is shifted by the same amount), but each
    class's weights become its evidence against the average class. With two classes, class
    1's weights are then half of ``w_1 - w_0``, the weights of the logit difference that decides
    the answer, so the CAM of "present" (Zhou et al. 2016, Eq. 2, which reads one class's
    weights) and its Grad-CAM both map the evidence for "present" against "absent". Without
    centring, a network may put all of that evidence in ``w_0`` and the CAM of class 1 shows
    nothing of it.

    Parameters
    ----------
    model : torch.nn.Module
        A classifier whose last layer is a :class:`torch.nn.Linear` named ``fc``.
    fc : str
        Name of that layer in ``model.named_modules()``.

    Returns
    -------
    torch.nn.Module
        ``model`` itself, changed in place.
    """
    layer = dict(model.named_modules())[fc]
    with torch.no_grad():
        layer.weight -= layer.weight.mean(0, keepdim=True)
        if layer.bias is not None:
            layer.bias -= layer.bias.mean()
    return model


def _spread(data: SearchImages, limit) -> SearchImages:
    """``data``, or at most ``limit`` of its images evenly spaced through it (``limit`` True: all)."""
    if limit is True or int(limit) >= len(data):
        return data
    keep = np.zeros(len(data), dtype=bool)
    keep[np.linspace(0, len(data) - 1, int(limit)).round().astype(int)] = True
    return data.subset(keep)


def _recalibrate_bn(model: nn.Module, data: SearchImages, batch_size: int) -> None:
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    saved = [(m, m.momentum) for m in bns]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative moving average = plain mean over the batches
    model.train()
    try:
        with torch.no_grad():
            for i in range(0, len(data), batch_size):
                model(data.tensor(slice(i, i + batch_size)))
    finally:
        for m, momentum in saved:
            m.momentum = momentum


def predict(model: nn.Module, images: torch.Tensor, temperature: float = 1.0, batch_size: int = 256) -> torch.Tensor:
    """Class probabilities ``softmax(logits / T)`` in eval mode (train/eval flags restored).

    The temperature ``T`` (> 0) flattens (T > 1) or sharpens (T < 1) the distribution without
    changing the predicted class (Hinton et al. 2015, Eq. 1; Guo et al. 2017, Sec. 4.2).

    Parameters
    ----------
    model : torch.nn.Module
        The network.
    images : torch.Tensor
        ``(N, 3, H, W)`` float images in [0, 1] (e.g. ``SearchImages.tensor()``).
    temperature : float
        ``T > 0``.
    batch_size : int
        Images per forward pass.

    Returns
    -------
    torch.Tensor
        ``(N, n_classes)`` probabilities, rows summing to 1.
    """
    if not temperature > 0:
        raise PsysimError(f"temperature must be > 0, got {temperature}")
    modes = [(m, m.training) for m in model.modules()]
    try:
        model.eval()
        with torch.no_grad():
            out = [model(images[i : i + batch_size]) for i in range(0, len(images), batch_size)]
    finally:
        for m, training in modes:
            m.training = training
    return torch.softmax(torch.cat(out) / temperature, 1)


def evaluate(model: nn.Module, data: SearchImages, temperature: float = 1.0, noise: float = 0.0, seed=0) -> pd.DataFrame:
    """Per-display predictions: ``display_id, task, set_size, target_present, p_present,
    response, correct, confidence``.

    ``noise`` adds Gaussian pixel noise (standard deviation, image units 0-1) before the
    forward pass, seeded by ``seed``. ``confidence`` is the probability of the chosen answer.

    Parameters
    ----------
    model : torch.nn.Module
        A trained two-class network (present, absent).
    data : SearchImages
        The displays to score.
    temperature : float
        Softmax temperature ``T > 0`` (see :func:`predict`).
    noise : float
        Standard deviation of the added pixel noise (0: none).
    seed : int
        Seed of the noise.

    Returns
    -------
    pandas.DataFrame
        One row per display, in the order of ``data``.
    """
    x = data.tensor()
    if noise > 0:
        g = torch.Generator().manual_seed(check_seed(seed))
        x = (x + noise * torch.randn(x.shape, generator=g)).clamp_(0, 1)
    p = predict(model, x, temperature)[:, 1].numpy()
    out = data.table[["display_id", "task", "set_size", "target_present"]].copy()
    out["p_present"] = p
    out["response"] = p >= 0.5
    out["correct"] = out["response"] == out["target_present"]
    out["confidence"] = np.where(out["response"], p, 1 - p)
    return out


def _plain(meta: dict) -> dict:
    """Metadata as plain JSON types (numpy scalars and tuples converted), so that
    ``torch.load(weights_only=True)`` can read it back."""

    def default(o):
        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, (np.ndarray, Path)):
            return o.tolist() if isinstance(o, np.ndarray) else str(o)
        raise PsysimError(f"checkpoint metadata value {o!r} is not plain data")

    return json.loads(json.dumps(meta, default=default))


def save_checkpoint(path, model: nn.Module, meta: dict | None = None) -> Path:
    """Save a psysim network (architecture name, configuration, weights, metadata).

    The file is written to a temporary name and renamed, so it is never half-written.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write (parent folders are made).
    model : GapCNN or MBConvNet
        A psysim network (other modules are refused with :class:`PsysimError`).
    meta : dict, optional
        Plain data stored with it (e.g. ``image_size``, the training displays).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    arch = {"GapCNN": "gapcnn", "MBConvNet": "mbconv"}.get(type(model).__name__)
    if arch is None or not hasattr(model, "config"):
        raise PsysimError(f"only psysim networks (GapCNN, MBConvNet) can be checkpointed, not {type(model).__name__}")
    payload = {
        "format": CHECKPOINT_FORMAT,
        "arch": arch,
        "config": model.config,
        "state_dict": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
        "classes": list(CLASSES),
        "psysim_version": __version__,
        "torch_version": str(torch.__version__),
        "meta": _plain(meta or {}),
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    torch.save(payload, buf)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(buf.getvalue())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _check_payload(path, payload: dict) -> None:
    """Refuse a checkpoint of the right format whose fields are missing or of the wrong type."""
    kinds = {"arch": str, "config": dict, "state_dict": dict}
    for key, kind in kinds.items():
        if not isinstance(payload.get(key), kind):
            raise PsysimError(f"{path}: damaged network checkpoint ('{key}' is {type(payload.get(key)).__name__}, "
                              f"expected {kind.__name__})")
    classes = payload.get("classes", [])
    if not isinstance(classes, list | tuple) or not all(isinstance(c, str) for c in classes):
        raise PsysimError(f"{path}: damaged network checkpoint ('classes' must be a list of class names)")
    meta = payload.get("meta", {})
    size = meta.get("image_size") if isinstance(meta, dict) else None

    def _side(v) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 8192

    # image_size: [H, W] px, or one side for square inputs (the shipped naming backbone says 64)
    ok_size = size is None or _side(size) or (isinstance(size, list | tuple) and len(size) == 2
                                              and all(_side(v) for v in size))
    if not isinstance(meta, dict) or not ok_size:
        raise PsysimError(f"{path}: damaged network checkpoint ('meta' must be a table with image_size = [H, W] "
                          "or one side, in px)")


def load_checkpoint(path) -> tuple[nn.Module, dict]:
    """Load a network saved by :func:`save_checkpoint`; returns ``(model in eval mode, info)``.

    ``info`` holds ``classes``, ``meta`` (e.g. ``image_size``, training data) and versions.
    Only tensors and plain data are unpickled (``weights_only=True``).

    Parameters
    ----------
    path : str or os.PathLike
        A checkpoint file written by :func:`save_checkpoint`.

    Returns
    -------
    tuple of (torch.nn.Module, dict)
        The network in eval mode and ``info``.
    """
    path = Path(path)
    if not path.is_file():
        raise PsysimError(f"{path}: checkpoint file not found")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise PsysimError(f"{path}: not a readable checkpoint ({type(exc).__name__})") from None
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise PsysimError(f"{path}: not a psysim network checkpoint (expected format {CHECKPOINT_FORMAT})")
    _check_payload(path, payload)
    try:
        model = build_network(payload["arch"], **payload["config"])
    except PsysimError as exc:
        raise PsysimError(f"{path}: {exc}") from None
    try:
        model.load_state_dict(payload["state_dict"])
    except (RuntimeError, TypeError, AttributeError, KeyError, ValueError) as exc:
        raise PsysimError(f"{path}: weights do not fit the {payload['arch']} configuration ({str(exc).splitlines()[0]})") from None
    info = {k: v for k, v in payload.items() if k != "state_dict"}
    return model.eval(), info


def shipped_checkpoint() -> Path:
    """Path of the small trained network shipped with psysim (see ``analysis/train_search_cnn.py``).

    Returns
    -------
    pathlib.Path
        ``psysim/networks/checkpoints/gapcnn_feature.pt`` inside the installed package (load it
        with :func:`load_checkpoint`).
    """
    from importlib import resources

    path = Path(str(resources.files("psysim.networks").joinpath("checkpoints", "gapcnn_feature.pt")))
    if not path.is_file():
        raise PsysimError(f"the shipped checkpoint is missing at {path}; run python -m psysim.analysis.train_search_cnn")
    return path
