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
        ``accuracy``, ``n_test``, ``train_accuracy``, ``correct`` (bool per test vector).
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
        correct = ((b @ w + c).argmax(1) == y_test).numpy()
        tr = ((a @ w + c).argmax(1) == y_train).double().mean().item()
    return {"accuracy": float(correct.mean()), "n_test": len(y_test), "train_accuracy": tr, "correct": correct}


def knn_accuracy(f_train, y_train, f_test, y_test, k: int = 10, temperature: float = 0.1, per_item: bool = False):
    """Weighted k-NN accuracy (Wu et al. 2018): each test vector's ``k`` most cosine-similar
    training vectors vote for their labels with weight ``exp(sim / temperature)``; with
    ``per_item`` the bool array of correct test vectors instead of the mean."""
    a = F.normalize(torch.as_tensor(f_train, dtype=torch.float64), dim=1)
    b = F.normalize(torch.as_tensor(f_test, dtype=torch.float64), dim=1)
    y_train = torch.tensor(np.asarray(y_train), dtype=torch.int64)
    y_test = torch.tensor(np.asarray(y_test), dtype=torch.int64)
    k = min(int(k), len(a))
    sim, idx = (b @ a.T).topk(k, dim=1)
    n_classes = int(max(y_train.max(), y_test.max())) + 1
    votes = torch.zeros(len(b), n_classes, dtype=torch.float64).scatter_add_(1, y_train[idx], torch.exp(sim / temperature))
    correct = (votes.argmax(1) == y_test).numpy()
    return correct if per_item else float(correct.mean())


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
                      k: int = 10, per_item: bool = False):
    """Linear-probe and k-NN accuracy of each frozen backbone on held-out labelled images.

    ``test`` must share no image with ``ledger`` (the pretraining images and the supervised
    control's training images) nor with ``train`` (the probe's training images): otherwise a
    one-line :class:`~psysim.errors.PsysimError`.

    Returns
    -------
    pandas.DataFrame
        ``task, backbone, evaluation, accuracy, ci_low, ci_high, chance, n_test``; with
        ``per_item`` also a second table ``task, backbone, evaluation, item, value`` (1 when
        test image ``item`` was classified correctly).
    """
    if ledger is not None:
        ledger.check_disjoint(test, "probe test images")
    ViewIdLedger().add(train).check_disjoint(test, "probe test images (against the probe's training images)")
    chance = 1.0 / len(np.unique(np.concatenate([train.labels, test.labels])))
    rows, items = [], []
    for name, net in backbones.items():
        a, b = embed(net, train.tensor()), embed(net, test.tensor())
        res = {"linear probe": linear_probe(a, train.labels, b, test.labels)["correct"],
               "k-NN": knn_accuracy(a, train.labels, b, test.labels, k=k, per_item=True)}
        for ev, correct in res.items():
            acc = float(correct.mean())
            lo, hi = wilson_ci(acc, len(test))
            rows.append({"task": task, "backbone": name, "evaluation": ev, "accuracy": acc, "ci_low": lo, "ci_high": hi,
                         "chance": chance, "n_test": len(test)})
            items.append(pd.DataFrame({"task": task, "backbone": name, "evaluation": ev, "item": np.arange(len(test)),
                                       "value": correct.astype(float)}))
    return (pd.DataFrame(rows), pd.concat(items, ignore_index=True)) if per_item else pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# CIs over training seeds and items


def seed_unit_bootstrap(x, rng, n_boot: int, seed_draw=None) -> np.ndarray:
    """Bootstrap means of ``x`` (``(n_seeds, n_units, n_columns)``: one value per training seed,
    unit (image, picture, display) and column (map x measure)) with seeds *and* units resampled
    independently, the pigeonhole bootstrap for two crossed random factors (Owen 2007, Ann. Appl.
    Stat. 1(2), 386-411): ``(n_boot, n_columns)``. Every column gets the same resamples, so a
    difference of two columns' replicates is a paired bootstrap of the difference. With one seed
    this is the ordinary bootstrap over units. ``seed_draw`` (``(n_boot, n_seeds)`` indices)
    reuses one draw of seeds for several calls (e.g. two groups of units compared)."""
    x = np.asarray(x, dtype=np.float64)
    n_s, n_u, _ = x.shape
    iu = rng.integers(0, n_u, size=(n_boot, n_u))
    if seed_draw is not None:
        i_s = np.asarray(seed_draw)
    else:
        i_s = rng.integers(0, n_s, size=(n_boot, n_s)) if n_s > 1 else np.zeros((n_boot, 1), int)
    per_seed = np.stack([x[k][iu].mean(1) for k in range(n_s)])  # (n_s, n_boot, C): units resampled
    return per_seed[i_s.T, np.arange(n_boot)[None, :]].mean(0)


def seed_unit_summary(per_unit: pd.DataFrame, unit: str, rng, n_boot: int):
    """Mean over training seeds and units, with 95 % percentile CIs of
    :func:`seed_unit_bootstrap`, and the SD across seeds of the per-seed means.

    ``per_unit`` is long: ``seed, <unit>, map, metric, value``; rows with ``seed`` -1 belong
    to maps that no training seed changes (Itti-Koch, the centre bias) and count for every seed.
    Units missing a value in any column are left out. Returns ``(summary, replicates)``:
    summary columns ``map, metric, mean, ci_low, ci_high, seed_sd, n_units, n_seeds``
    (``seed_sd`` NaN with one seed); replicates a DataFrame with one column per ``(map, metric)``.
    """
    seeds = sorted(int(k) for k in per_unit["seed"].unique() if k >= 0) or [-1]
    fixed = per_unit[per_unit["seed"] < 0]
    parts = [per_unit[per_unit["seed"] >= 0]] + [fixed.assign(seed=k) for k in seeds if k >= 0]
    d = pd.concat(parts, ignore_index=True) if seeds != [-1] else per_unit
    wide = d.pivot_table(index=["seed", unit], columns=["map", "metric"], values="value", aggfunc="first")
    wide = wide.unstack("seed").dropna().stack("seed", future_stack=True) if len(seeds) > 1 else wide.dropna()
    wide = wide.sort_index(level=["seed", unit])
    n_u = len(wide) // len(seeds)
    x = wide.to_numpy(dtype=float).reshape(len(seeds), n_u, -1)
    boots = seed_unit_bootstrap(x, rng, n_boot)
    lo, hi = np.percentile(boots, [2.5, 97.5], axis=0)
    sd = x.mean(1).std(0, ddof=1) if len(seeds) > 1 else np.full(x.shape[2], np.nan)
    summary = pd.DataFrame({"map": wide.columns.get_level_values(0), "metric": wide.columns.get_level_values(1), "mean": x.mean((0, 1)),
                            "ci_low": lo, "ci_high": hi, "seed_sd": sd, "n_units": n_u, "n_seeds": len(seeds)})
    return summary, pd.DataFrame(boots, columns=wide.columns)


def best_vs_runner_up(summary: pd.DataFrame, boots: pd.DataFrame, measure: str, candidates, chance: float, vs: str | None,
                      higher: bool = True) -> dict:
    """The best candidate on ``measure``, its paired bootstrap difference to the runner-up and
    to ``vs``, and whether it (or every candidate) is at chance (its CI reaches ``chance``)."""
    g = summary[(summary["metric"] == measure) & summary["map"].isin(candidates)].set_index("map")
    order = g["mean"].sort_values(ascending=not higher, kind="stable").index.tolist()
    best, second = order[0], order[1]

    def at(r):
        return r["ci_low"] <= chance if higher else r["ci_high"] >= chance

    d = boots[(best, measure)] - boots[(second, measure)]
    row = {"measure": measure, "best": best, "runner_up": second, "best_value": g.loc[best, "mean"],
           "difference": g.loc[best, "mean"] - g.loc[second, "mean"], "ci_low": d.quantile(0.025), "ci_high": d.quantile(0.975),
           "best_at_chance": bool(at(g.loc[best])), "all_at_chance": bool(all(at(g.loc[c]) for c in order)),
           "vs": vs or "", "vs_difference": np.nan, "vs_ci_low": np.nan, "vs_ci_high": np.nan}
    if vs is not None and (vs, measure) in boots.columns:
        dv = boots[(best, measure)] - boots[(vs, measure)]
        full = summary[(summary["metric"] == measure)].set_index("map")["mean"]
        row.update(vs_difference=full[best] - full[vs], vs_ci_low=dv.quantile(0.025), vs_ci_high=dv.quantile(0.975))
    return row


def group_difference(per_unit: pd.DataFrame, unit: str, rng, n_boot: int) -> dict:
    """Mean of group True, of group False and their difference with a 95 % CI, per column.

    ``per_unit`` is long: ``seed, <unit>, group (bool), column, value``, each unit in one group
    and every seed x unit x column present. The CI is :func:`seed_unit_bootstrap` within each
    group (units resampled within their group), with *one* draw of seeds for both groups, so
    that the difference is paired over training seeds. Returns ``{column: (mean_true,
    mean_false, difference, ci_low, ci_high)}``.
    """
    seeds = sorted(per_unit["seed"].unique())
    n_s = len(seeds)
    draw = rng.integers(0, n_s, size=(n_boot, n_s)) if n_s > 1 else np.zeros((n_boot, 1), int)
    wide = per_unit.pivot_table(index=["seed", unit], columns="column", values="value", aggfunc="first").sort_index()
    group = per_unit.drop_duplicates(unit).set_index(unit)["group"]
    parts = []
    for flag in (True, False):
        w = wide[wide.index.get_level_values(unit).map(group).to_numpy(bool) == flag]
        x = w.to_numpy(float).reshape(n_s, -1, w.shape[1])
        parts.append((x.mean((0, 1)), seed_unit_bootstrap(x, rng, n_boot, seed_draw=draw)))
    diff = parts[0][1] - parts[1][1]
    lo, hi = np.percentile(diff, [2.5, 97.5], axis=0)
    return {c: (parts[0][0][k], parts[1][0][k], parts[0][0][k] - parts[1][0][k], lo[k], hi[k]) for k, c in enumerate(wide.columns)}
