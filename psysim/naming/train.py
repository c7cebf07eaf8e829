"""Training naming networks on augmented views, and evaluating them on held-out views.

Training views and evaluation views come from separate random streams: training views of
epoch ``e`` from ``torch.Generator`` seeded by ``(seed, "train", e)``, evaluation views from
``(seed, "eval", strength)`` and drawn at other strengths. A :class:`ViewLedger` keeps a
fingerprint of every training view (the view quantised to 8 bits, hashed with BLAKE2b), and
:func:`evaluate_naming` refuses any evaluation view whose fingerprint is in it, or that equals
an untransformed picture, so the network is never scored on an image it was trained on.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from psysim.errors import ParameterError, PsysimError
from psysim.naming.augment import augment_pictures
from psysim.naming.model import NamingNetwork
from psysim.naming.pictures import PictureSet
from psysim.seeds import check_seed


def stream_seed(seed, *key) -> int:
    """A 63-bit torch seed from a root seed and a key (CRC-32 of the key's text: stable
    across processes)."""
    ss = np.random.SeedSequence([check_seed(seed), *(zlib.crc32(str(k).encode("utf-8")) for k in key)])
    return int(ss.generate_state(1, np.uint64)[0] >> np.uint64(1))


def fingerprints(views: torch.Tensor) -> list[bytes]:
    """One 16-byte BLAKE2b digest per view of the view quantised to uint8."""
    q = (views.clamp(0, 1) * 255).round_().to(torch.uint8).reshape(len(views), -1).numpy()
    return [hashlib.blake2b(row.tobytes(), digest_size=16).digest() for row in q]


@dataclass
class ViewLedger:
    """Fingerprints of every image a network was trained on.

    Attributes
    ----------
    seen : set of bytes
        Fingerprints (hash of the 8-bit quantised pixels) of the training views.
    n_views : int
        How many views were added (repeats included).
    """

    seen: set = field(default_factory=set)
    n_views: int = 0

    def add(self, views: torch.Tensor):
        self.seen.update(fingerprints(views))
        self.n_views += len(views)

    def overlap(self, views: torch.Tensor) -> np.ndarray:
        """Boolean mask of the views whose fingerprint is in the ledger."""
        return np.array([f in self.seen for f in fingerprints(views)], dtype=bool)


def training_views(pictures: PictureSet, views_per_picture: int, strength, seed, epoch: int):
    """The augmented training views of one epoch: ``(views, labels, picture index)``.

    Parameters
    ----------
    pictures : PictureSet
        The pictures.
    views_per_picture : int
        Views of each picture in the epoch.
    strength : float or (float, float)
        One augmentation strength, or a range drawn from uniformly per view.
    seed : int
        Seed of the training stream.
    epoch : int
        The epoch (each has its own views).

    Returns
    -------
    tuple of torch.Tensor
        Views ``(N * views_per_picture, 3, H, W)``, their labels and picture indices.
    """
    g = torch.Generator().manual_seed(stream_seed(seed, "train", epoch))
    idx = torch.arange(len(pictures)).repeat(int(views_per_picture))
    s = torch.as_tensor(strength, dtype=torch.float32)
    if s.ndim == 1 and len(s) == 2:  # a range: one strength per view, uniform in it
        s = s[0] + (s[1] - s[0]) * torch.rand(len(idx), generator=g)
    x = augment_pictures(pictures.tensor(idx), g, s, pictures.is_colour[idx])
    return x, pictures.labels[idx], idx


def train_naming(
    model: NamingNetwork,
    pictures: PictureSet,
    regime: str,
    epochs: int = 10,
    views_per_picture: int = 2,
    strength=(0.4, 1.2),
    lr: float = 3e-3,
    backbone_lr_factor: float = 0.3,
    batch_size: int = 64,
    weight_decay: float = 1e-4,
    seed=0,
    ledger: ViewLedger | None = None,
    distinct_epochs: int | None = None,
    progress=None,
) -> pd.DataFrame:
    """Train a naming network in place; returns the per-epoch history.

    Every epoch shows each picture ``views_per_picture`` times as a freshly augmented view
    (strength uniform in the ``strength`` range). AdamW with a cosine learning-rate schedule;
    under ``finetune`` the backbone's learning rate is ``backbone_lr_factor * lr``
    (discriminative fine-tuning, Howard & Ruder 2018). Under ``transfer`` the backbone is
    frozen, so its features of each epoch's views are computed once, without gradients.

    ``distinct_epochs`` (default: ``epochs``) bounds the number of distinct sets of views:
    epoch ``e`` reuses the views of epoch ``e % distinct_epochs`` (and, under ``transfer``,
    their cached features), which makes long head training cheap.

    Parameters
    ----------
    model : NamingNetwork
        From :func:`build_naming_network`; trained in place.
    pictures : PictureSet
        The training pictures.
    regime : {"transfer", "finetune"}
        Frozen backbone or every layer learning.
    epochs : int
        Passes over the pictures.
    views_per_picture : int
        Fresh views of each picture per epoch.
    strength : (float, float)
        Range of the augmentation strength.
    lr : float
        Learning rate of the head.
    backbone_lr_factor : float
        The backbone's learning rate relative to ``lr`` (``finetune`` only).
    batch_size : int
        Views per step.
    weight_decay : float
        AdamW weight decay.
    seed : int
        Seed of the views and batch order.
    ledger : ViewLedger, optional
        Collects the fingerprints of every training view (for :func:`evaluation_views`).
    distinct_epochs : int, optional
        See above.
    progress : bool, optional
        Progress bar: None (the default) shows it only on a terminal.

    Returns
    -------
    pandas.DataFrame
        ``epoch, train_loss, train_acc``.
    """
    if regime == "transfer" and not model.frozen:
        raise ParameterError("regime 'transfer' needs a network built with regime='transfer' (frozen backbone)")
    if regime == "finetune" and model.frozen:
        raise ParameterError("regime 'finetune' needs a network whose backbone is not frozen")
    if regime not in ("transfer", "finetune"):
        raise ParameterError(f"regime {regime!r} is unknown; use transfer or finetune")
    groups = [{"params": list(model.head.parameters()), "lr": lr}]
    if regime == "finetune":
        groups.append({"params": [p for p in model.backbone.parameters() if p.requires_grad], "lr": lr * backbone_lr_factor})
    opt = torch.optim.AdamW(groups, weight_decay=weight_decay)
    n = len(pictures) * int(views_per_picture)
    n_batches = -(-n // batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[g["lr"] for g in groups], total_steps=max(1, epochs * n_batches), pct_start=0.15)
    g = torch.Generator().manual_seed(stream_seed(seed, "batches"))
    distinct = max(1, int(distinct_epochs or epochs))
    rows, cache = [], {}
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(stream_seed(seed, "dropout"))
        for epoch in tqdm(range(int(epochs)), desc=f"{regime} training", unit="epoch", disable=None if progress is None else not progress):
            key = epoch % distinct
            if key not in cache:
                x, y, _ = training_views(pictures, views_per_picture, strength, seed, key)
                if ledger is not None:
                    ledger.add(x)
                if regime == "transfer":
                    model.train()
                    with torch.no_grad():
                        x = torch.cat([model.features(x[i : i + 256]) for i in range(0, len(x), 256)])
                cache[key] = (x, y)
            x, y = cache[key]
            model.train()
            perm = torch.randperm(len(y), generator=g)
            tot, ok = 0.0, 0
            for b in range(n_batches):
                ib = perm[b * batch_size : (b + 1) * batch_size]
                logits = model.head(x[ib]) if regime == "transfer" else model(x[ib])
                loss = F.cross_entropy(logits, y[ib])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                sched.step()
                tot += loss.item() * len(ib)
                ok += (logits.argmax(1) == y[ib]).sum().item()
            rows.append({"epoch": epoch, "train_loss": tot / len(y), "train_acc": ok / len(y)})
    model.eval()
    return pd.DataFrame(rows)


def logits_of(model: NamingNetwork, x: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """Logits in eval mode, without gradients (train/eval flags restored).

    Parameters
    ----------
    model : NamingNetwork
        The network.
    x : torch.Tensor
        ``(N, 3, H, W)`` float images in [0, 1].
    batch_size : int
        Images per forward pass.

    Returns
    -------
    torch.Tensor
        ``(N, n_names)`` logits.
    """
    was = model.training
    model.eval()
    try:
        with torch.no_grad():
            return torch.cat([model(x[i : i + batch_size]) for i in range(0, len(x), batch_size)])
    finally:
        model.train(was)


@dataclass
class EvalViews:
    """Held-out evaluation views and their description.

    Attributes
    ----------
    views : torch.Tensor
        ``(V, 3, H, W)`` float views in [0, 1].
    table : pandas.DataFrame
        One row per view: ``picture, strength, view, item, version, name, label``.
    n_dropped : int
        Views removed because they equalled a training image (``on_overlap="drop"``).
    """

    views: torch.Tensor
    table: pd.DataFrame  # picture, item, version, name, label, strength, view
    n_dropped: int = 0


def evaluation_views(pictures: PictureSet, n_views: int = 4, strengths=(0.7, 1.3), seed=0, ledger: ViewLedger | None = None, on_overlap: str = "raise") -> EvalViews:
    """``n_views`` held-out views of every picture at each strength (other seeds than training).

    Any evaluation view equal (after 8-bit quantisation) to a training view in ``ledger`` or
    to an untransformed picture is refused: ``on_overlap="raise"`` raises
    :class:`PsysimError`; ``"drop"`` removes those views (their number is in
    ``EvalViews.n_dropped``). Separate seeds make this rare, but it can happen, e.g. when
    strong augmentation turns two views of a faint drawing into the same blank image.

    Parameters
    ----------
    pictures : PictureSet
        The pictures.
    n_views : int
        Views per picture and strength.
    strengths : sequence of float
        Augmentation strengths (0: the picture unchanged).
    seed : int
        Seed of the evaluation streams.
    ledger : ViewLedger, optional
        The training views to keep apart from.
    on_overlap : {"raise", "drop"}
        What to do with a view equal to a training image.

    Returns
    -------
    EvalViews
        The views and their table.
    """
    if on_overlap not in ("raise", "drop"):
        raise ParameterError(f"on_overlap={on_overlap!r}: use 'raise' or 'drop'")
    if not strengths or min(strengths) <= 0:
        raise ParameterError(f"evaluation strengths must be > 0 (an untransformed picture is a training image), got {strengths}")
    xs, rows = [], []
    for s in strengths:
        g = torch.Generator().manual_seed(stream_seed(seed, "eval", float(s)))
        idx = torch.arange(len(pictures)).repeat_interleave(int(n_views))
        xs.append(augment_pictures(pictures.tensor(idx), g, float(s), pictures.is_colour[idx]))
        rows.append(pd.DataFrame({"picture": idx.numpy(), "strength": float(s), "view": np.tile(np.arange(int(n_views)), len(pictures))}))
    views = torch.cat(xs)
    table = pd.concat(rows, ignore_index=True)
    clean = set(fingerprints(pictures.tensor()))
    bad = np.array([f in clean for f in fingerprints(views)])
    if ledger is not None:
        bad |= ledger.overlap(views)
    if bad.any() and on_overlap == "raise":
        raise PsysimError(f"{int(bad.sum())} evaluation view(s) equal a training image; use other evaluation seeds or strengths")
    if bad.any():
        keep = torch.from_numpy(np.flatnonzero(~bad))
        views, table = views[keep], table[~bad].reset_index(drop=True)
    t = pictures.table
    table["item"] = t["item"].to_numpy()[table["picture"]]
    table["version"] = t["version"].to_numpy()[table["picture"]]
    table["name"] = t["name"].to_numpy()[table["picture"]]
    table["label"] = pictures.labels.numpy()[table["picture"]]
    return EvalViews(views, table, int(bad.sum()))
