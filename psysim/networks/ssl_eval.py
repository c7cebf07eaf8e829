"""Evaluating representations as the self-supervised literature does: linear probe and k-NN.

A frozen backbone turns labelled images into feature vectors (global-average-pooled last map,
:func:`embed`); then

- :func:`linear_probe`: multinomial logistic regression on standardised features (L2 penalty,
  full-batch L-BFGS, so the result is deterministic), trained on one set of labelled images
  and scored on held-out images (the linear evaluation protocol, Chen et al. 2020, Sec. 4);
- :func:`knn_accuracy`: cosine-similarity k-nearest-neighbour vote (Wu et al. 2018, weighted
  by ``exp(sim / T)``).

:func:`compare_backbones` scores several backbones this way, with the labelled training and test
images checked against the pretraining ledger, and Wilson 95 % CIs and the chance level beside
each accuracy. :func:`train_supervised` trains the supervised control of the same architecture and
number of steps; :func:`random_control` is the same architecture with random weights.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from scipy import stats

from psysim.errors import ParameterError
from psysim.networks.ssl import (
    DEFAULT_AUGMENTATION,
    Augmentation,
    ImageSet,
    ViewIdLedger,
    ssl_augment,
)
from psysim.seeds import check_seed


def embed(backbone: torch.nn.Module, x: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """``pool(features(x))`` of a psysim backbone in eval mode, without gradients (train/eval
    flags restored)."""
    was = backbone.training
    backbone.eval()
    try:
        with torch.no_grad():
            return torch.cat([backbone.pool(backbone.features(x[i : i + batch_size])).flatten(1) for i in range(0, len(x), batch_size)])
    finally:
        backbone.train(was)


def linear_probe(f_train, y_train, f_test, y_test, weight_decay: float = 1e-3, max_iter: int = 200) -> dict:
    """Held-out accuracy of a logistic-regression probe on frozen features.

    Features are standardised with the training set's mean and SD; the probe minimises
    cross-entropy + ``weight_decay * |W|^2`` by L-BFGS from zero weights (deterministic).

    Returns
    -------
    dict
        ``accuracy``, ``n_test``, ``train_accuracy``.
    """
    f_train, f_test = torch.as_tensor(f_train, dtype=torch.float64), torch.as_tensor(f_test, dtype=torch.float64)
    y_train, y_test = torch.tensor(np.asarray(y_train), dtype=torch.int64), torch.tensor(np.asarray(y_test), dtype=torch.int64)
    if len(f_train) != len(y_train) or len(f_test) != len(y_test):
        raise ParameterError("linear_probe: features and labels differ in length")
    n_classes = int(max(y_train.max(), y_test.max())) + 1
    mu, sd = f_train.mean(0), f_train.std(0).clamp_min(1e-6)
    a, b = (f_train - mu) / sd, (f_test - mu) / sd
    w = torch.zeros(a.shape[1], n_classes, dtype=torch.float64, requires_grad=True)
    c = torch.zeros(n_classes, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, c], lr=1, max_iter=max_iter, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(a @ w + c, y_train) + weight_decay * (w**2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        acc = ((b @ w + c).argmax(1) == y_test).double().mean().item()
        tr = ((a @ w + c).argmax(1) == y_train).double().mean().item()
    return {"accuracy": acc, "n_test": len(y_test), "train_accuracy": tr}


def knn_accuracy(f_train, y_train, f_test, y_test, k: int = 10, temperature: float = 0.1) -> float:
    """Weighted k-NN accuracy (Wu et al. 2018): each test vector's ``k`` most cosine-similar
    training vectors vote for their labels with weight ``exp(sim / temperature)``."""
    a = F.normalize(torch.as_tensor(f_train, dtype=torch.float64), dim=1)
    b = F.normalize(torch.as_tensor(f_test, dtype=torch.float64), dim=1)
    y_train = torch.tensor(np.asarray(y_train), dtype=torch.int64)
    y_test = torch.tensor(np.asarray(y_test), dtype=torch.int64)
    k = min(int(k), len(a))
    sim, idx = (b @ a.T).topk(k, dim=1)
    n_classes = int(max(y_train.max(), y_test.max())) + 1
    votes = torch.zeros(len(b), n_classes, dtype=torch.float64).scatter_add_(1, y_train[idx], torch.exp(sim / temperature))
    return (votes.argmax(1) == y_test).double().mean().item()


def wilson_ci(p: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion ``p`` out of ``n`` (Wilson 1927)."""
    z = stats.norm.ppf(0.5 + level / 2)
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return float(centre - half), float(centre + half)


def random_control(arch: str, config: dict, seed: int = 0) -> torch.nn.Module:
    """The same architecture with random (seeded) weights."""
    from psysim.networks.training import seeded_network

    return seeded_network(arch, seed=seed, **config).eval()


def train_supervised(backbone: torch.nn.Module, images: ImageSet, steps: int = 200, batch_size: int = 64, lr: float = 2e-3,
                     aug: Augmentation = DEFAULT_AUGMENTATION, seed: int = 0, ledger: ViewIdLedger | None = None) -> torch.nn.Module:
    """The supervised control: ``backbone`` with a new linear classifier trained by
    cross-entropy on the labels of ``images`` for the same number of steps and batch size as the
    self-supervised network (one augmented view per image, the same augmentation)."""
    if (images.labels < 0).any():
        raise ParameterError("train_supervised needs labelled images (label -1 found)")
    n_classes = int(images.labels.max()) + 1
    g = torch.Generator().manual_seed(check_seed(seed))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(check_seed(seed))
        backbone.classifier = torch.nn.Linear(backbone.classifier.in_features, n_classes)
        opt = torch.optim.AdamW(backbone.parameters(), lr=lr, weight_decay=1e-4)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, int(steps)))
        y = torch.from_numpy(images.labels)
        backbone.train()
        for _ in range(int(steps)):
            idx = torch.randperm(len(images), generator=g)[: min(batch_size, len(images))]
            x = ssl_augment(images.tensor(idx), g, images.mirror_ok[idx.numpy()], aug)
            loss = F.cross_entropy(backbone(x), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
    if ledger is not None:
        ledger.add(images)
    return backbone.eval()


def compare_backbones(backbones: dict, train: ImageSet, test: ImageSet, ledger: ViewIdLedger | None = None, task: str = "",
                      k: int = 10) -> pd.DataFrame:
    """Linear-probe and k-NN accuracy of each frozen backbone on held-out labelled images.

    ``test`` must share no image with ``ledger`` (the pretraining images and the supervised
    control's training images) nor with ``train`` (the probe's training images): otherwise a
    one-line :class:`~psysim.errors.PsysimError`.

    Returns
    -------
    pandas.DataFrame
        ``task, backbone, evaluation, accuracy, ci_low, ci_high, chance, n_test``.
    """
    if ledger is not None:
        ledger.check_disjoint(test, "probe test images")
    ViewIdLedger().add(train).check_disjoint(test, "probe test images (against the probe's training images)")
    chance = 1.0 / len(np.unique(np.concatenate([train.labels, test.labels])))
    rows = []
    for name, net in backbones.items():
        a, b = embed(net, train.tensor()), embed(net, test.tensor())
        res = {"linear probe": linear_probe(a, train.labels, b, test.labels)["accuracy"],
               "k-NN": knn_accuracy(a, train.labels, b, test.labels, k=k)}
        for ev, acc in res.items():
            lo, hi = wilson_ci(acc, len(test))
            rows.append({"task": task, "backbone": name, "evaluation": ev, "accuracy": acc, "ci_low": lo, "ci_high": hi,
                         "chance": chance, "n_test": len(test)})
    return pd.DataFrame(rows)
