"""Self-supervised pretraining of psysim's backbones: SimCLR (NT-Xent) and BYOL.

A network learns features from unlabelled images by making two augmented *views* of the same
image agree:

- :func:`nt_xent`: the normalised temperature-scaled cross-entropy of SimCLR (Chen et al. 2020,
  Eq. 1): each view must pick out its partner among the other ``2N - 1`` views of the batch
  (instance discrimination with in-batch negatives);
- :func:`byol_loss`: BYOL (Grill et al. 2020, Eq. 2-3), a method of another family: no
  negatives; an online network with a predictor regresses the projection of the other view made
  by a slowly moving (exponential moving average) target network.

:func:`ssl_augment` (:mod:`psysim.networks.ssl_augment`, re-exported here) is the SimCLR augmentation pipeline (Chen et al. 2020, Appendix A: random
resized crop, colour jitter, random greyscale, Gaussian blur, horizontal mirror) with the
task-safe rule: an image is mirrored only where that keeps its class. A mirrored
seven-segment 2 is a 5 and a bar tilted 45 degrees becomes one tilted -45, so
:func:`mirror_safe_task` derives from the stimulus definitions which search tasks may be
mirrored (only those whose every item type is its own mirror image).

:func:`pretrain_ssl` trains :class:`SSLNetwork` (a psysim backbone, :class:`GapCNN` or
:class:`MBConvNet`, plus a projection head) on unlabelled search displays and procedural objects
(:func:`unlabelled_images`); :class:`ViewIdLedger` records the id and content fingerprint of every
training image and refuses (one-line :class:`~psysim.errors.PsysimError`) any evaluation image that
is one of them.
"""

from __future__ import annotations

import copy
import hashlib
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from psysim.errors import ParameterError, PsysimError
from psysim.networks.ssl_augment import (  # noqa: F401  (re-exported: the augmentation's public names)
    DEFAULT_AUGMENTATION,
    NO_AUGMENTATION,
    Augmentation,
    mirror_safe_task,
    ssl_augment,
)
from psysim.seeds import check_seed

METHODS = ("simclr", "byol")

# ---------------------------------------------------------------------------------------------
# losses


def nt_xent(z1: torch.Tensor, z2: torch.Tensor, temperature: float = 0.5) -> torch.Tensor:
    """NT-Xent loss of SimCLR (Chen et al. 2020, Eq. 1 and Algorithm 1).

    With ``z = [z1; z2]`` (``2N`` projections, view ``k`` of image ``i`` in row ``i + kN``) and
    ``sim(u, v) = u.v / (|u| |v|)``, the loss of the positive pair ``(i, j)`` is

    ``l(i, j) = -log( exp(sim(z_i, z_j)/tau) / sum_{k != i} exp(sim(z_i, z_k)/tau) )``

    and the batch loss is the mean of ``l`` over all ``2N`` ordered positive pairs.

    Parameters
    ----------
    z1, z2 : torch.Tensor
        ``(N, D)`` projections of the first and second view of each image (``N >= 2``).
    temperature : float
        ``tau`` > 0.

    Returns
    -------
    torch.Tensor
        Scalar loss (nats).
    """
    if z1.shape != z2.shape or z1.ndim != 2 or len(z1) < 2:
        raise ParameterError(f"nt_xent needs two (N, D) batches with N >= 2 of the same shape, got {tuple(z1.shape)} and {tuple(z2.shape)}")
    if not temperature > 0:
        raise ParameterError(f"nt_xent temperature must be > 0, got {temperature}")
    n = len(z1)
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    logits = z @ z.T / temperature
    logits = logits.masked_fill(torch.eye(2 * n, dtype=torch.bool, device=z.device), float("-inf"))
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(n)]).to(z.device)
    return F.cross_entropy(logits, target)


def byol_loss(p1: torch.Tensor, z2: torch.Tensor, p2: torch.Tensor | None = None, z1: torch.Tensor | None = None) -> torch.Tensor:
    """BYOL regression loss (Grill et al. 2020, Eq. 2), symmetrised as in their Eq. 3.

    ``L = |q/|q| - z'/|z'||^2 = 2 - 2 q.z' / (|q| |z'|)`` between the online prediction ``q`` of
    one view and the target projection ``z'`` of the other, averaged over the batch; with
    ``p2, z1`` given, the loss of the swapped views is added (``L + L~``). Targets are
    detached (stop-gradient).
    """
    def one(p, z):
        return (2 - 2 * F.cosine_similarity(p, z.detach(), dim=1)).mean()

    loss = one(p1, z2)
    if p2 is not None:
        loss = loss + one(p2, z1)
    return loss


def byol_tau(step: int, total: int, base: float = 0.99) -> float:
    """Target decay rate at ``step`` of ``total``: ``1 - (1 - base) (cos(pi k / K) + 1) / 2``
    (Grill et al. 2020, Sec. 3.2), rising from ``base`` to 1."""
    return 1 - (1 - base) * (math.cos(math.pi * step / max(1, total)) + 1) / 2


# ---------------------------------------------------------------------------------------------
# augmentation: psysim.networks.ssl_augment (re-exported here)


# ---------------------------------------------------------------------------------------------
# unlabelled images and the ledger


@dataclass
class ImageSet:
    """Images with ids, the mirror rule and (for evaluation) labels.

    Attributes
    ----------
    images : torch.Tensor
        ``(N, 3, H, W)`` uint8.
    ids : numpy.ndarray
        ``(N,)`` str: where each image came from (generator, seed, stream, index).
    mirror_ok : numpy.ndarray
        ``(N,)`` bool: a horizontal mirror keeps the class.
    labels : numpy.ndarray
        ``(N,)`` int64 class (-1: none).
    kind : numpy.ndarray
        ``(N,)`` str: ``search``, ``object`` or ``picture`` (a naming picture, unlabelled).
    """

    images: torch.Tensor
    ids: np.ndarray
    mirror_ok: np.ndarray
    labels: np.ndarray
    kind: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def tensor(self, index=None) -> torch.Tensor:
        x = self.images if index is None else self.images[index]
        return x.float().div_(255.0)

    def subset(self, mask) -> ImageSet:
        m = np.asarray(mask)
        idx = np.flatnonzero(m) if m.dtype == bool else m
        t = torch.from_numpy(np.asarray(idx, dtype=np.int64))
        return ImageSet(self.images[t], self.ids[idx], self.mirror_ok[idx], self.labels[idx], self.kind[idx])

    @staticmethod
    def concat(*sets) -> ImageSet:
        return ImageSet(torch.cat([s.images for s in sets]), *(np.concatenate([getattr(s, a) for s in sets]) for a in ("ids", "mirror_ok", "labels", "kind")))


def object_images(n_classes: int, n_instances: int, size: int = 64, seed: int = 0, stream: int = 0) -> ImageSet:
    """Procedural objects (:mod:`psysim.displays.objects`): ``n_instances`` jittered line drawings
    of each of ``n_classes`` prototypes (``seed``), instances from random stream ``stream``.

    Labels are the prototype (class); a mirror never counts as safe (a mirrored object is not
    an instance of its prototype)."""
    from psysim.displays.objects import jitter_instance, make_prototypes, render_glyph

    protos = make_prototypes(n_classes, seed)
    rng = np.random.default_rng([check_seed(seed), 7, check_seed(stream, "stream")])
    imgs, labels, ids = [], [], []
    for k in range(int(n_instances)):
        for c, p in enumerate(protos):
            imgs.append(render_glyph(jitter_instance(p, rng, 1.0), size, stroke=rng.uniform(0.8, 1.8)))
            labels.append(c)
            ids.append(f"object:{seed}:{stream}:{c}:{k}")
    arr = torch.from_numpy(np.stack(imgs).transpose(0, 3, 1, 2).copy())
    n = len(ids)
    return ImageSet(arr, np.asarray(ids), np.zeros(n, bool), np.asarray(labels, np.int64), np.full(n, "object"))


def search_images(tasks=("feature", "conjunction", "spatial", "orientation"), set_sizes=(6, 12), n_per_cell: int = 4, size: int = 64, seed: int = 0):
    """Rendered search displays as an :class:`ImageSet` (label: ``2 * task index + present``)
    and the :class:`~psysim.networks.SearchImages` they came from (item tables, target boxes).

    ``mirror_ok`` comes from :func:`mirror_safe_task` per display's task."""
    from psysim.networks.data import make_search_images

    si = make_search_images(tasks, set_sizes, n_per_cell, size=size, seed=seed)
    task_index = {t: i for i, t in enumerate(tasks)}
    safe = {t: mirror_safe_task(t) for t in tasks}
    tab = si.table
    labels = (2 * tab["task"].map(task_index) + tab["target_present"].astype(int)).to_numpy(np.int64)
    ids = np.asarray([f"search:{seed}:{d}" for d in tab["display_id"]])
    return ImageSet(si.images, ids, np.array(tab["task"].map(safe), dtype=bool), labels, np.full(len(ids), "search")), si


def unlabelled_images(n_objects: int = 64, n_instances: int = 2, n_search_per_cell: int = 4, size: int = 64, seed: int = 0) -> ImageSet:
    """The pretraining images: procedural objects (stream 0) and search displays, labels removed."""
    parts = []
    if n_objects and n_instances:
        parts.append(object_images(n_objects, n_instances, size, seed, stream=0))
    if n_search_per_cell:
        parts.append(search_images(n_per_cell=n_search_per_cell, size=size, seed=seed)[0])
    if not parts:
        raise ParameterError("unlabelled_images: no images asked for")
    s = ImageSet.concat(*parts)
    s.labels = np.full(len(s), -1, np.int64)
    return s


def _fingerprints(images: torch.Tensor) -> list[bytes]:
    a = images.reshape(len(images), -1).contiguous().numpy()
    return [hashlib.blake2b(row.tobytes(), digest_size=16).digest() for row in a]


def view_fingerprints(views: torch.Tensor) -> list[bytes]:
    """One 16-byte BLAKE2b digest per float view in [0, 1], quantised to uint8 first (the
    quantisation of :func:`psysim.naming.train.fingerprints`, so that a view made here and one
    made by the naming code compare equal exactly when their 8-bit pixels do)."""
    return _fingerprints((views.detach().clamp(0, 1) * 255).round_().to(torch.uint8))


@dataclass
class ViewIdLedger:
    """Ids and content fingerprints (BLAKE2b of the uint8 pixels) of every training image and,
    for the image kinds named in ``record_kinds``, of every augmented view made of them.

    A view is a random transformation of an image, so no evaluation view may come from a
    training image: :meth:`check_disjoint` refuses an evaluation image whose id *or* pixels
    equal those of a training image, and :meth:`check_views` refuses an evaluation *view* that
    equals a training image or a recorded training view (after 8-bit quantisation). Views are
    recorded only for the kinds asked for (``pretrain_ssl`` makes ``2 x batch`` views a step),
    i.e. for images whose views are later evaluated: the naming pictures.
    """

    ids: set = field(default_factory=set)
    prints: set = field(default_factory=set)
    record_kinds: tuple = ()
    view_prints: set = field(default_factory=set)
    n_views: int = 0

    def add(self, images: ImageSet) -> ViewIdLedger:
        self.ids.update(map(str, images.ids))
        self.prints.update(_fingerprints(images.images))
        return self

    def add_views(self, views: torch.Tensor) -> ViewIdLedger:
        """Record float training views ``(N, 3, H, W)`` in [0, 1]."""
        self.view_prints.update(view_fingerprints(views))
        self.n_views += len(views)
        return self

    def __len__(self) -> int:
        return len(self.ids)

    def overlap(self, images: ImageSet) -> np.ndarray:
        fp = _fingerprints(images.images)
        return np.array([str(i) in self.ids or f in self.prints for i, f in zip(images.ids, fp)], dtype=bool)

    def view_overlap(self, views: torch.Tensor) -> np.ndarray:
        """Boolean mask of the float views that equal a training image or a recorded view."""
        return np.array([f in self.view_prints or f in self.prints for f in view_fingerprints(views)], dtype=bool)

    def check_disjoint(self, images: ImageSet, where: str = "evaluation images") -> None:
        """Raise :class:`PsysimError` (one line) when any image is a training image."""
        bad = self.overlap(images)
        if bad.any():
            first = images.ids[np.flatnonzero(bad)[0]]
            raise PsysimError(f"{where}: {int(bad.sum())} of {len(images)} are training images (first: {first}); draw them from another seed or stream")

    def check_views(self, views: torch.Tensor, where: str = "evaluation views") -> None:
        """Raise :class:`PsysimError` (one line) when any float view is a pretraining image or view."""
        bad = self.view_overlap(views)
        if bad.any():
            raise PsysimError(f"{where}: {int(bad.sum())} of {len(views)} equal a pretraining image or view (first: view "
                              f"{int(np.flatnonzero(bad)[0])}); draw them from another seed")


# ---------------------------------------------------------------------------------------------
# networks and pretraining


def _mlp(d_in: int, hidden: int, d_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(d_in, hidden), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True), nn.Linear(hidden, d_out))


class SSLNetwork(nn.Module):
    """A psysim backbone with a projection head (and, for BYOL, a predictor).

    ``embed(x) = pool(features(x))`` is the representation that probes, maps and transfer use;
    the projection ``g`` (Linear-BN-ReLU-Linear, Chen et al. 2020, Sec. 2.1) is used only by
    the loss. The backbone's own ``classifier`` is kept but not trained.
    """

    def __init__(self, backbone: nn.Module, method: str = "simclr", proj_dim: int = 64, hidden: int = 128):
        super().__init__()
        if method not in METHODS:
            raise ParameterError(f"self-supervised method {method!r} is unknown; use one of {', '.join(METHODS)}")
        self.backbone = backbone
        self.method = method
        d = backbone.classifier.in_features
        self.n_features = d
        self.projector = _mlp(d, hidden, proj_dim)
        self.predictor = _mlp(proj_dim, hidden, proj_dim) if method == "byol" else None

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        return self.backbone.pool(self.backbone.features(x)).flatten(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.projector(self.embed(x))


def pretrain_ssl(
    backbone: nn.Module,
    images: ImageSet,
    method: str = "simclr",
    steps: int = 200,
    batch_size: int = 64,
    lr: float = 2e-3,
    temperature: float = 0.2,
    tau_base: float = 0.99,
    aug: Augmentation = DEFAULT_AUGMENTATION,
    seed: int = 0,
    ledger: ViewIdLedger | None = None,
    progress=None,
):
    """Self-supervised pretraining of ``backbone`` (trained in place) on ``images``.

    Each step draws ``batch_size`` images, makes two views of each (:func:`ssl_augment`) and
    minimises :func:`nt_xent` (SimCLR) or the symmetrised :func:`byol_loss` with an EMA target
    (BYOL, decay :func:`byol_tau`). AdamW with a cosine schedule. Batches, views and initial
    head weights come from ``seed`` only. The images are recorded in ``ledger``, and so is
    every view of an image whose kind is in ``ledger.record_kinds``.

    Returns
    -------
    (SSLNetwork, pandas.DataFrame)
        The network (eval mode) and its history ``step, loss``.
    """
    from tqdm.auto import tqdm

    if len(images) < 2:
        raise ParameterError(f"self-supervised pretraining needs at least 2 images, got {len(images)}")
    batch_size = min(int(batch_size), len(images))
    if batch_size < 2:
        raise ParameterError("self-supervised pretraining needs batch_size >= 2")
    if ledger is not None:
        ledger.add(images)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(check_seed(seed))
        net = SSLNetwork(backbone, method)
        target = copy.deepcopy(nn.ModuleDict({"backbone": net.backbone, "projector": net.projector})) if method == "byol" else None
        if target is not None:
            for p in target.parameters():
                p.requires_grad_(False)
        opt = torch.optim.AdamW([p for p in net.parameters() if p.requires_grad], lr=lr, weight_decay=1e-4)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, int(steps)))
        g = torch.Generator().manual_seed(check_seed(seed))
        rows = []
        net.train()
        for step in tqdm(range(int(steps)), desc=f"{method} pretraining", disable=None if progress is None else not progress):
            idx = torch.randperm(len(images), generator=g)[:batch_size]
            x = images.tensor(idx)
            ok = images.mirror_ok[idx.numpy()]
            v1, v2 = ssl_augment(x, g, ok, aug), ssl_augment(x, g, ok, aug)
            if ledger is not None and ledger.record_kinds:
                keep = torch.from_numpy(np.isin(images.kind[idx.numpy()], ledger.record_kinds))
                if bool(keep.any()):
                    ledger.add_views(v1[keep]).add_views(v2[keep])
            if method == "simclr":
                loss = nt_xent(net(v1), net(v2), temperature)
            else:
                z = net(torch.cat([v1, v2]))
                p = net.predictor(z)
                with torch.no_grad():
                    target.train()
                    zt = target["projector"](target["backbone"].pool(target["backbone"].features(torch.cat([v1, v2]))).flatten(1))
                n = len(v1)
                loss = byol_loss(p[:n], zt[n:], p[n:], zt[:n])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            if target is not None:
                tau = byol_tau(step, int(steps), tau_base)
                with torch.no_grad():
                    online = dict(net.backbone.named_parameters()) | {f"p.{k}": v for k, v in net.projector.named_parameters()}
                    for (k, pt) in list(target["backbone"].named_parameters()) + [(f"p.{k}", v) for k, v in target["projector"].named_parameters()]:
                        pt.mul_(tau).add_(online[k].detach(), alpha=1 - tau)
            rows.append({"step": step, "loss": float(loss.item())})
    net.eval()
    return net, pd.DataFrame(rows)
