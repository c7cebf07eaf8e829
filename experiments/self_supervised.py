"""Experiment `self-supervised`: where a network learns to look without labels.

For each of ``seeds`` training seeds, four backbones of one architecture (GapCNN by default,
``--set arch=mbconv`` for the MBConv+SE network), all four from the *same* random initial weights
(a new one per seed) and, where trained, for the same number of steps and batch size:

- ``simclr``: NT-Xent instance discrimination (Chen et al. 2020);
- ``byol``: BYOL, no negatives, EMA target (Grill et al. 2020);
- ``supervised``: cross-entropy on the labels of the objects and search displays;
- ``random``: the initial weights, untrained (the control).

Pretraining images (:func:`pretraining_sets`): procedural objects and search displays that
psysim draws and, for simclr and byol only, the naming pictures of a seeded share
(``picture_share``) of the items *without their names* (``pictures.csv``). The naming question
is the one part that allows them: its evaluation views are fresh views, and the ledger
(:class:`psysim.networks.ssl.ViewIdLedger`) records every pretraining image and every view made
of a picture, and refuses (stops the run) any naming evaluation view equal to one of them. The
supervised control cannot use unlabelled pictures, and the probe, fixation and pointing parts
use other images.

Then, with every backbone frozen unless said otherwise:

1. **Representation** (``probe.csv``): linear probe and k-NN accuracy on held-out labelled
   object and search images (the ledger refuses any that is a training image).
2. **Transfer to picture naming** (``naming.csv``, ``naming_items.csv``): a head with one
   output per name of the Snodgrass & Vanderwart / Rossion & Pourtois pictures, trained with the
   backbone frozen (transfer), then every layer (finetune, LP-FT), as in ``picture-naming``;
   held-out views; accuracy, the pretraining-picture split (accuracy on pictures seen
   unlabelled minus the others; supervised and random saw neither group) and naming latency
   regressed on seed-averaged model entropy with familiarity and complexity.
3. **Where each backbone looks** (``fixation_*.csv``): the label-free maps of every backbone
   (feature-norm, Zagoruyko & Komodakis 2017; similarity to the image's mean feature vector;
   :mod:`psysim.networks.ssl_maps`) and Grad-CAM of the supervised one, beside Itti-Koch and the
   centre bias, scored on EToCVD free viewing by the saliency-fixations protocol
   (:mod:`psysim.networks.ssl_fixations`): seeded fitting/test split, blur, centre bias and
   mixture fitted per map and seed, primary ll_bits on test images with Holm-corrected Wilcoxon
   tests (``fixation_tests.csv``), NSS, CC and AUC-Judd secondary.
4. **Pointing game** (``pointing.csv``): is each map's maximum on the target of held-out
   target-present search displays (the ledger refuses any training display)? Chance is the
   target box's share of the image.

Every CI resamples training seeds and units (images, pictures, displays) together (pigeonhole
bootstrap, :func:`psysim.networks.ssl_eval.seed_unit_bootstrap`). ``comparisons.csv`` holds,
per question, the best backbone, the runner-up and their paired difference with its 95 % CI
(and, for fixations, the Holm-adjusted Wilcoxon p), from which the report says which backbone
is best or that none is reliably. Rendering: :mod:`psysim.report.ssl` (``psysim report DIR --lang ja``).

Cost, measured on the shared 2-core machine (one torch thread, ``nice -n 5``, 2026-12-03):
``--quick`` (2 seeds) 37 s user + 4 s system CPU, 3 min 05 s wall at load average 19.8-21.6; the
full run (3 seeds, seed 0) 374 s user + 32 s system CPU, peak RSS 2.2 GB, 37 min 54 s wall at load
average 26.5 falling to 10.2 (other engineers' work). The wall times are the load's, not the
experiment's: on an idle machine the CPU times bound the wall time at about 1 and 7 minutes, but
that was not measured after the seeds, the pictures and the protocol were added (before them, one
seed: 3 min 48 s wall, nearly idle).

Run:  psysim run self-supervised [--quick] [--seed N] [--lang ja] [--set arch=mbconv] [--set seeds=5]
  or  python -m psysim.experiments.self_supervised --quick
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import torch

from psysim.options import Option
from psysim.tables import TableSpec, check_table

NAME = "self-supervised"
DESCRIPTION = "SimCLR, BYOL, supervised and random backbones over several seeds: linear probe, transfer to picture naming, maps against human fixations (protocol) and search targets"
LANGUAGES = ("en", "ja")  # report languages (psysim.i18n.check_report_language)

BACKBONES = ("simclr", "byol", "supervised", "random")
CONFIGS = {"gapcnn": {"channels": [16, 32, 64], "pool_after": [0, 1], "n_classes": 2},
           "mbconv": {"width": 0.5, "depth": 0.5, "n_classes": 2, "head": 64}}
FIX_MEASURES = ("ll_bits", "ll_bits_mixture")
EVAL_STRENGTHS = (0.7, 1.3)
TRAIN_STRENGTH = (0.4, 1.2)
FIXED = ("itti-koch", "centre-bias")

OPTIONS = (
    Option("arch", str, "gapcnn", choices=tuple(CONFIGS), help="architecture of all four backbones"),
    Option("seeds", int, 3, quick=2, low=1, high=50, help="training seeds per backbone (each a new initial network and new training streams); CIs are over seeds and images"),
    Option("size", int, 48, quick=32, low=32, high=256, help="side of the pretraining, probe, display and picture images, in pixels (>= 32: Itti-Koch needs 32)"),
    Option("steps", int, 200, quick=30, low=1, high=100_000, help="training steps of each SSL method and of the supervised control"),
    Option("batch", int, 64, quick=32, low=4, high=4096, help="images per step (SimCLR: 2 x batch views, 2 x batch - 2 negatives each)"),
    Option("objects", int, 48, quick=16, low=2, high=1024, help="procedural object classes in the pretraining images"),
    Option("instances", int, 4, quick=2, low=1, high=1000, help="pretraining instances per object class"),
    Option("displays", int, 4, quick=2, low=1, high=1000, help="pretraining search displays per task, set size and presence"),
    Option("picture_share", float, 0.5, low=0.0, high=1.0, help="share of the naming pictures (seeded draw of items) whose unlabelled views join SimCLR and BYOL pretraining (0: none)"),
    Option("probe_instances", int, 3, quick=2, low=1, high=1000, help="held-out instances per class for the probe's training and for its test"),
    Option("naming_epochs", int, 20, quick=6, low=1, high=10_000, help="epochs of the naming head on the frozen backbone"),
    Option("finetune_epochs", int, 4, quick=1, low=0, high=10_000, help="further epochs with every layer trained (0: transfer only)"),
    Option("views", int, 2, quick=1, low=1, high=1000, help="held-out naming views per picture and strength"),
    Option("n_images", int, None, quick=12, low=4, help="EToCVD images (default all 101), split into fitting and test images"),
    Option("train_fraction", float, 0.5, low=0.1, high=0.9, help="share of the EToCVD images (seeded draw) on which blur, centre bias and mixture weight are fitted"),
    Option("n_grid", int, 9, quick=5, low=2, high=41, help="grid points per fitted protocol parameter (blur, centre-bias sigma, mixture weight)"),
    Option("fixation_side", int, 128, quick=64, low=16, high=1024, help="shorter side (px) the networks see a free-viewing image at, and of the scoring grid"),
    Option("pointing_displays", int, 6, quick=2, low=1, high=1000, help="held-out target-present displays per task and set size"),
    Option("n_boot", int, 2000, quick=200, low=10, high=100_000, help="bootstrap resamples (seeds x images, pictures, displays) for the 95% CIs"),
)
CITATIONS = [
    "Chen, T., Kornblith, S., Norouzi, M., & Hinton, G. (2020). A simple framework for contrastive learning of visual representations. ICML, 1597-1607.",
    "Grill, J.-B., et al. (2020). Bootstrap your own latent: A new approach to self-supervised learning. NeurIPS 33.",
    "Wu, Z., Xiong, Y., Yu, S. X., & Lin, D. (2018). Unsupervised feature learning via non-parametric instance discrimination. CVPR.",
    "Zagoruyko, S., & Komodakis, N. (2017). Paying more attention to attention. ICLR.",
    "Selvaraju, R. R., et al. (2017). Grad-CAM: Visual explanations from deep networks via gradient-based localization. ICCV, 618-626.",
    "Itti, L., Koch, C., & Niebur, E. (1998). A model of saliency-based visual attention for rapid scene analysis. IEEE TPAMI, 20(11), 1254-1259.",
    "Kümmerer, M., Wallis, T. S. A., & Bethge, M. (2015). Information-theoretic model comparison unifies saliency metrics. PNAS, 112(52), 16054-16059.",
    "Judd, T., Durand, F., & Torralba, A. (2012). A benchmark of computational models of saliency to predict human fixations. MIT-CSAIL-TR-2012-001.",
    "Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian Journal of Statistics, 6(2), 65-70.",
    "Owen, A. B. (2007). The pigeonhole bootstrap. Annals of Applied Statistics, 1(2), 386-411.",
    "Bylinskii, Z., Judd, T., Oliva, A., Torralba, A., & Durand, F. (2019). What do different evaluation metrics tell us about saliency models? IEEE TPAMI, 41(3), 740-757.",
    "Zhang, J., et al. (2018). Top-down neural attention by excitation backprop. IJCV, 126, 1084-1102.",
    "Kumar, A., Raghunathan, A., Jones, R., Ma, T., & Liang, P. (2022). Fine-tuning can distort pretrained features and underperform out-of-distribution. ICLR.",
    "Orhan, A. E., Gupta, V. V., & Lake, B. M. (2020). Self-supervised learning through the eyes of a child. NeurIPS 33.",
    "Zhuang, C., et al. (2021). Unsupervised neural network models of the ventral visual stream. PNAS, 118(3), e2014196118.",
]

_B = {"backbone": BACKBONES}
_CI = {"mean": "float", "ci_low": "float", "ci_high": "float", "seed_sd": "float"}
TABLES = {
    "pretraining": TableSpec("pretraining.csv", {"backbone": "str", "seed": "int", "step": "int", "loss": "float"}, keys=("backbone", "seed", "step")),
    "probe": TableSpec("probe.csv", {"task": "str", "backbone": "str", "evaluation": "str", "accuracy": "float", "ci_low": "float",
                                     "ci_high": "float", "seed_sd": "float", "chance": "float", "n_test": "int", "n_seeds": "int"},
                       keys=("task", "backbone", "evaluation"), nullable=("seed_sd",),
                       grid={"task": ("objects", "search"), **_B, "evaluation": ("linear probe", "k-NN")}),
    "pictures": TableSpec("pictures.csv", {"item": "any", "version": "str", "name": "str", "pretraining": "bool"}, keys=("item", "version")),
    "naming": TableSpec("naming.csv", {"backbone": "str", "regime": "str", "accuracy": "float", "ci_low": "float", "ci_high": "float",
                                       "seed_sd": "float", "chance": "float", "acc_pretraining": "float", "acc_other": "float",
                                       "split_diff": "float", "split_ci_low": "float", "split_ci_high": "float",
                                       "entropy": "float", "beta_entropy": "float", "beta_ci_low": "float",
                                       "beta_ci_high": "float", "beta_p": "float", "delta_r2": "float", "delta_r2_p": "float",
                                       "n_items": "int", "n_eval_views": "int", "n_seeds": "int"}, keys=("backbone", "regime"),
                        nullable=("seed_sd", "acc_pretraining", "acc_other", "split_diff", "split_ci_low", "split_ci_high",
                                  "beta_entropy", "beta_ci_low", "beta_ci_high", "beta_p", "delta_r2", "delta_r2_p")),
    "naming_items": TableSpec("naming_items.csv", {"backbone": "str", "regime": "str", "seed": "int", "item": "any", "version": "str",
                                                   "name": "str", "pretraining": "bool", "accuracy": "float", "p_correct": "float",
                                                   "entropy": "float", "human_rt": "float", "familiarity": "float",
                                                   "complexity": "float"},
                              nullable=("human_rt", "familiarity", "complexity")),  # (norms a picture set may lack)
    "fixation_split": TableSpec("fixation_split.csv", {"image": "str", "split": "str"}, keys=("image",)),
    "fixation_fit": TableSpec("fixation_fit.csv", {"map": "str", "seed": "int", "centre_sigma": "float", "blur_alone": "float",
                                                   "blur_mixture": "float", "centre_sigma_mixture": "float", "weight": "float",
                                                   "ll_train": "float", "ll_train_mixture": "float"}, keys=("map", "seed")),
    "fixation_images": TableSpec("fixation_per_image.csv", {"image": "str", "map": "str", "backbone": "str", "method": "str", "seed": "int",
                                                            "metric": "str", "value": "float"},
                                 keys=("image", "map", "seed", "metric")),
    "fixations": TableSpec("fixation_metrics.csv", {"map": "str", "backbone": "str", "method": "str", "metric": "str", **_CI,
                                                    "chance": "float", "n_images": "int", "n_seeds": "int"},
                           keys=("map", "metric"), nullable=("seed_sd",)),
    "fixation_tests": TableSpec("fixation_tests.csv", {"comparison": "str", "a": "str", "b": "str", "metric": "str", "n": "int",
                                                       "mean_diff": "float", "ci_low": "float", "ci_high": "float", "W": "float",
                                                       "p": "float", "p_holm": "float"}, keys=("comparison", "metric"),
                                nullable=("W", "p", "p_holm")),
    "pointing": TableSpec("pointing.csv", {"map": "str", "backbone": "str", "method": "str", "rate": "float", "ci_low": "float",
                                           "ci_high": "float", "seed_sd": "float", "n": "int", "n_seeds": "int", "chance": "float"},
                          keys=("map",), nullable=("seed_sd",)),
    "comparisons": TableSpec("comparisons.csv", {"question": "str", "measure": "str", "best": "str", "runner_up": "str", "best_value": "float",
                                                 "difference": "float", "ci_low": "float", "ci_high": "float", "p_holm": "float",
                                                 "best_at_chance": "bool", "all_at_chance": "bool", "vs": "str", "vs_difference": "float",
                                                 "vs_ci_low": "float", "vs_ci_high": "float"}, keys=("question", "measure"),
                             nullable=("p_holm", "vs_difference", "vs_ci_low", "vs_ci_high")),
}


def _seed(ctx, *key) -> int:
    return int(ctx.seed_for(*key).generate_state(1)[0] % (2**31 - 1))


def settings(ctx) -> dict:
    """The declared options' values (full or ``--quick`` defaults, or ``--set``)."""
    return {o.name: ctx.option(o.name) for o in OPTIONS}


# ---------------------------------------------------------------------------------------------
# 1. backbones and probes


def pretraining_sets(ctx, s):
    """Labelled objects and search displays (the supervised control's images), the naming
    pictures and the seeded split of their items into pretraining and other pictures."""
    from psysim.naming import builtin_picture_set
    from psysim.networks.ssl import ImageSet, object_images, search_images

    img_seed = _seed(ctx, "images")
    objs = object_images(s["objects"], s["instances"], s["size"], img_seed, stream=0)
    srch = search_images(n_per_cell=s["displays"], size=s["size"], seed=img_seed)[0]
    srch.labels = srch.labels + s["objects"]
    labelled = ImageSet.concat(objs, srch)
    ctx.use_dataset("rossion2004")
    ctx.use_dataset("snodgrass1980")
    pictures = builtin_picture_set(size=s["size"])
    tab = pictures.table.reset_index(drop=True)
    items = tab["item"].astype(str).unique()
    chosen = ctx.rng_for("pictures").permutation(len(items))[: int(round(s["picture_share"] * len(items)))]
    in_pre = tab["item"].astype(str).isin(set(items[chosen])).to_numpy()
    idx = np.flatnonzero(in_pre)
    pics = ImageSet(pictures.images[torch.from_numpy(idx)], np.asarray([f"picture:{tab['item'][i]}:{tab['version'][i]}" for i in idx]),
                    np.zeros(len(idx), bool), np.full(len(idx), -1, np.int64), np.full(len(idx), "picture"))
    unlabelled = ImageSet.concat(labelled, pics) if len(idx) else copy.copy(labelled)
    unlabelled.labels = np.full(len(unlabelled), -1, np.int64)
    split = pd.DataFrame({"item": tab["item"], "version": tab["version"], "name": tab["name"], "pretraining": in_pre})
    ctx.metadata["pretraining_images"] = {"objects": len(objs), "search_displays": len(srch), "pictures": int(len(idx)),
                                          "picture_items": int(len(chosen)), "all_pictures": len(tab)}
    return labelled, unlabelled, pictures, split


def train_backbones(ctx, s, rep: int, labelled, unlabelled, ledger):
    """The four backbones of training seed ``rep`` from one initial network, and their histories."""
    from psysim.networks.ssl import pretrain_ssl
    from psysim.networks.ssl_eval import train_supervised
    from psysim.networks.training import seeded_network

    base = seeded_network(s["arch"], seed=_seed(ctx, "init", rep), **CONFIGS[s["arch"]])
    nets, hist = {}, []
    for method in ("simclr", "byol"):
        with ctx.timer(f"pretrain {method} seed {rep}"):
            net, h = pretrain_ssl(copy.deepcopy(base), unlabelled, method=method, steps=s["steps"], batch_size=s["batch"],
                                  seed=_seed(ctx, "pretrain", method, rep), ledger=ledger)
        nets[method] = net.backbone.eval()
        hist.append(h.assign(backbone=method, seed=rep))
    with ctx.timer(f"supervised control seed {rep}"):
        nets["supervised"] = train_supervised(copy.deepcopy(base), labelled, steps=s["steps"], batch_size=s["batch"],
                                              seed=_seed(ctx, "pretrain", "supervised", rep), ledger=ledger)
    nets["random"] = copy.deepcopy(base).eval()
    return nets, pd.concat(hist, ignore_index=True)


def probe_items(ctx, nets, ledger, s, rep: int) -> pd.DataFrame:
    """Per test image correctness of every backbone's linear probe and k-NN (seed ``rep``)."""
    from psysim.networks.ssl import object_images, search_images
    from psysim.networks.ssl_eval import compare_backbones

    img_seed = _seed(ctx, "images")
    tr = object_images(s["objects"], s["probe_instances"], s["size"], img_seed, stream=1)
    te = object_images(s["objects"], s["probe_instances"], s["size"], img_seed, stream=2)
    out = [compare_backbones(nets, tr, te, ledger, task="objects", per_item=True)[1].assign(chance=1 / s["objects"])]
    tr = search_images(n_per_cell=s["probe_instances"], size=s["size"], seed=_seed(ctx, "probe", "search", "train"))[0]
    te = search_images(n_per_cell=s["probe_instances"], size=s["size"], seed=_seed(ctx, "probe", "search", "test"))[0]
    out.append(compare_backbones(nets, tr, te, ledger, task="search", per_item=True)[1].assign(chance=1 / 8))
    return pd.concat(out, ignore_index=True).assign(seed=rep)


def probe_table(ctx, items: pd.DataFrame, s) -> pd.DataFrame:
    from psysim.networks.ssl_eval import seed_unit_summary

    rows = []
    for task, d in items.groupby("task", sort=False):
        sm, _ = seed_unit_summary(d.assign(map=d["backbone"], metric=d["evaluation"]), "item", ctx.rng_for("bootstrap", "probe", task), s["n_boot"])
        rows.append(sm.rename(columns={"map": "backbone", "metric": "evaluation", "mean": "accuracy", "n_units": "n_test"})
                    .assign(task=task, chance=d["chance"].iloc[0]))
    return pd.concat(rows, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# 2. picture naming


def naming_items(ctx, nets, ledger, pictures, split, s, rep: int) -> pd.DataFrame:
    """Transfer and fine-tuning of every backbone of seed ``rep`` to picture naming: per-picture
    scores on held-out views, none of which is a pretraining image or view (the ledger refuses)."""
    from psysim.naming import (
        ViewLedger,
        evaluation_views,
        item_scores,
        logits_of,
        naming_network_from_module,
        train_naming,
    )

    tab = pictures.table.reset_index(drop=True)
    items = []
    for name, bb in nets.items():
        seed = _seed(ctx, "naming", name, rep)
        views = ViewLedger()
        with ctx.timer(f"naming {name} seed {rep}"):
            model = naming_network_from_module(bb, pictures.names, "transfer", seed=seed, backbone_name=name)
            train_naming(model, pictures, "transfer", epochs=s["naming_epochs"], views_per_picture=2, strength=TRAIN_STRENGTH, lr=1e-2,
                         seed=seed, ledger=views, distinct_epochs=min(s["naming_epochs"], 4))
            models = {"transfer": model}
            if s["finetune_epochs"] > 0:
                ft = copy.deepcopy(model).unfreeze_backbone()
                train_naming(ft, pictures, "finetune", epochs=s["finetune_epochs"], views_per_picture=2, strength=TRAIN_STRENGTH, lr=3e-3,
                             backbone_lr_factor=0.3, seed=seed + 1, ledger=views)
                models["finetune"] = ft
            ev = evaluation_views(pictures, s["views"], EVAL_STRENGTHS, seed=seed + 2, ledger=views, on_overlap="drop")
            ledger.check_views(ev.views, "naming evaluation views")
            for regime, m in models.items():
                sc = item_scores(logits_of(m, ev.views).numpy(), ev.table)
                pic = sc["picture"].to_numpy()
                meta = tab.iloc[pic].reset_index(drop=True)
                items.append(pd.DataFrame({"backbone": name, "regime": regime, "seed": rep, "item": meta["item"], "version": meta["version"],
                                           "name": meta["name"], "pretraining": split["pretraining"].to_numpy()[pic],
                                           "accuracy": sc["accuracy"], "p_correct": sc["p_correct"], "entropy": sc["entropy"],
                                           "human_rt": meta.get("rt"), "familiarity": meta.get("familiarity"),
                                           "complexity": meta.get("complexity"), "n_eval_views": len(ev.table)}))
    return pd.concat(items, ignore_index=True)


def naming_table(ctx, items: pd.DataFrame, s) -> pd.DataFrame:
    """Accuracy over seeds and pictures per backbone and regime, the pretraining-picture split
    (accuracy on pictures seen unlabelled in pretraining minus the others) and the latency
    regression on seed-averaged entropy."""
    from psysim.networks.ssl_eval import group_difference, seed_unit_summary

    rows = []
    d = items.assign(unit=items["item"].astype(str) + "/" + items["version"])
    for regime, g in d.groupby("regime", sort=False):
        sm, _ = seed_unit_summary(g.assign(map=g["backbone"], metric="accuracy", value=g["accuracy"]), "unit",
                                  ctx.rng_for("bootstrap", "naming", regime), s["n_boot"])
        sm = sm.set_index("map")
        split = {} if g["pretraining"].all() or not g["pretraining"].any() else group_difference(
            g.assign(group=g["pretraining"], column=g["backbone"], value=g["accuracy"]), "unit", ctx.rng_for("bootstrap", "naming split", regime), s["n_boot"])
        split = {b: dict(zip(("acc_pretraining", "acc_other", "split_diff", "split_ci_low", "split_ci_high"), v)) for b, v in split.items()}
        for name, b in g.groupby("backbone", sort=False):
            avg = b.groupby(["item", "version"], sort=False).agg({"entropy": "mean", "human_rt": "first", "familiarity": "first",
                                                                  "complexity": "first"}).reset_index()
            row = {"backbone": name, "regime": regime, "accuracy": sm.loc[name, "mean"], "ci_low": sm.loc[name, "ci_low"],
                   "ci_high": sm.loc[name, "ci_high"], "seed_sd": sm.loc[name, "seed_sd"], "chance": 1 / b["name"].nunique(),
                   "entropy": b["entropy"].mean(), "n_eval_views": int(b["n_eval_views"].iloc[0]), "n_seeds": b["seed"].nunique(),
                   **split.get(name, {})}
            row.update(_latency(avg[avg["version"] == "line"]))
            rows.append(row)
    return pd.DataFrame(rows)


def _latency(d: pd.DataFrame) -> dict:
    """Entropy's standardised beta in latency ~ entropy + familiarity + complexity, and ΔR²."""
    from psysim.errors import DataError
    from psysim.naming import latency_regressions

    out = {"beta_entropy": np.nan, "beta_ci_low": np.nan, "beta_ci_high": np.nan, "beta_p": np.nan, "delta_r2": np.nan,
           "delta_r2_p": np.nan, "n_items": int(d["human_rt"].notna().sum())}
    try:
        t, ch = latency_regressions(d, "entropy")
    except DataError:  # e.g. entropy constant over items: a network at chance everywhere
        return out
    full = t[(t["predictor"] == "entropy") & (t["model"] != "human_rt ~ entropy")]
    r = full.iloc[0] if len(full) else t[t["predictor"] == "entropy"].iloc[0]
    out.update(beta_entropy=r["coefficient"], beta_ci_low=r["ci_low"], beta_ci_high=r["ci_high"], beta_p=r["p"],
               delta_r2=ch["delta_r2"], delta_r2_p=ch["p"], n_items=int(r["n"]))
    return out


# ---------------------------------------------------------------------------------------------
# 3. maps against human fixations, 4. pointing game


def network_maps(nets, x: torch.Tensor, size=None, target=None) -> dict:
    """:func:`psysim.networks.ssl_maps.backbone_maps`: ``{(backbone, method): (N, H, W) maps}``."""
    from psysim.networks.ssl_maps import backbone_maps

    return backbone_maps(nets, x, size=size, target=target, supervised="supervised")


def _map_name(backbone: str, method: str) -> str:
    return backbone if method in FIXED else f"{backbone} {method}"


def fixation_images(ctx, s):
    """EToCVD images at the networks' input size with their fixations on the scoring grid, the
    Itti-Koch map, and the seeded fitting/test split (:func:`psysim.networks.ssl_fixations.prepare`)."""
    from psysim.data.fixations import etocvd_names, load_etocvd
    from psysim.networks.ssl_fixations import prepare
    from psysim.saliency import protocol as P

    ctx.use_dataset("etocvd")
    names = etocvd_names()
    if s["n_images"] is not None and s["n_images"] < len(names):
        names = [names[i] for i in np.linspace(0, len(names) - 1, s["n_images"]).round().astype(int)]
    train, _ = P.train_test_split(names, s["train_fraction"], ctx.rng_for("fixations", "split"))
    return prepare(load_etocvd(names), s["fixation_side"], train)


def fixation_scores(ctx, reps, images, s):
    """Protocol fits (per map type and training seed, on the fitting images) and test-image
    scores of Itti-Koch, the centre bias and every backbone's maps: ``(per_image, fit)``."""
    from psysim.networks.ssl_fixations import grids, protocol_scores

    def sets():
        yield -1, {("itti-koch", "itti-koch"): [im["itti-koch"] for im in images]}
        for rep, nets in enumerate(reps):
            with ctx.timer(f"fixation maps seed {rep}"):
                maps = {}
                for im in images:
                    for k, m in network_maps(nets, im["x"]).items():
                        maps.setdefault(k, []).append(m[0].astype(np.float64))
            yield rep, maps

    with ctx.timer("fixation protocol"):
        per, fit = protocol_scores(sets(), images, grids(n_grid=s["n_grid"]))
    per["map"] = [_map_name(b, m) for b, m in zip(per["backbone"], per["method"])]
    fit["map"] = [_map_name(b, m) for b, m in zip(fit["backbone"], fit["method"])]
    return per, fit


def pointing_per_display(ctx, reps, ledger, s) -> pd.DataFrame:
    """Pointing-game hits of every map on held-out target-present displays (one row per
    display, map and seed; Itti-Koch once, seed -1) and each display's chance (box area share)."""
    from psysim.networks import pointing_game, target_box_array
    from psysim.networks.ssl import search_images
    from psysim.saliency import IttiKoch

    imgs, si = search_images(n_per_cell=s["pointing_displays"], size=s["size"], seed=_seed(ctx, "pointing"))
    tab = si.table.reset_index(drop=True)
    present = np.flatnonzero(tab["target_present"].to_numpy(dtype=bool))
    ledger.check_disjoint(imgs.subset(present), "pointing displays")  # no display the networks trained on
    ids = tab["display_id"].to_numpy()[present]
    boxes = target_box_array(si.displays, ids, s["size"])
    x = imgs.tensor(torch.from_numpy(present))
    target = torch.from_numpy(imgs.labels[present] + s["objects"])  # the supervised label of the display's task, present
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]) / s["size"] ** 2
    ik = IttiKoch()
    maps = [({("itti-koch", "itti-koch"): np.stack([ik.compute(im).upsampled() for im in x.permute(0, 2, 3, 1).numpy()])}, -1)]
    maps += [(network_maps(nets, x, (s["size"], s["size"]), target=target), rep) for rep, nets in enumerate(reps)]
    rows = []
    for ms, rep in maps:
        for (bb, method), m in ms.items():
            rows.append(pd.DataFrame({"display": ids, "map": _map_name(bb, method), "backbone": bb, "method": method, "seed": rep,
                                      "metric": "hit", "value": pointing_game(m, boxes).astype(float), "chance": area}))
    return pd.concat(rows, ignore_index=True)


# ---------------------------------------------------------------------------------------------


def run(ctx):

    s = settings(ctx)
    # one intra-op thread: these networks and probes are small, and on a shared machine a second
    # OpenMP thread spins waiting for the first (the linear probe took 20x the CPU time with 2)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        _run(ctx, s)
    finally:
        torch.set_num_threads(threads)


def _run(ctx, s):
    from psysim.networks.ssl import ViewIdLedger
    from psysim.networks.ssl_eval import best_vs_runner_up, seed_unit_summary
    from psysim.networks.ssl_fixations import CHANCE, primary_family

    labelled, unlabelled, pictures, split = pretraining_sets(ctx, s)
    ledger = ViewIdLedger(record_kinds=("picture",))
    reps, hist, probe_i, naming_i = [], [], [], []
    for rep in range(s["seeds"]):
        nets, h = train_backbones(ctx, s, rep, labelled, unlabelled, ledger)
        reps.append(nets)
        hist.append(h)
        with ctx.timer(f"probe seed {rep}"):
            probe_i.append(probe_items(ctx, nets, ledger, s, rep))
        naming_i.append(naming_items(ctx, nets, ledger, pictures, split, s, rep))
    ctx.metadata["pretraining_images"].update(ledger_ids=len(ledger), ledger_picture_views=ledger.n_views)
    history = pd.concat(hist, ignore_index=True)
    probe = probe_table(ctx, pd.concat(probe_i, ignore_index=True), s)
    naming_items_t = pd.concat(naming_i, ignore_index=True)
    naming = naming_table(ctx, naming_items_t, s)

    images = fixation_images(ctx, s)
    fix_img, fix_fit = fixation_scores(ctx, reps, images, s)
    fix_sum, fix_boots = seed_unit_summary(fix_img, "image", ctx.rng_for("bootstrap", "fixations"), s["n_boot"])
    info = fix_img.drop_duplicates("map").set_index("map")[["backbone", "method"]]
    fix_sum = fix_sum.join(info, on="map").assign(chance=lambda d: d["metric"].map(CHANCE), n_images=lambda d: d["n_units"])
    tests = primary_family(fix_img, fix_sum, FIXED, FIX_MEASURES, ctx.rng_for("fixations", "tests"), s["n_boot"])
    with ctx.timer("pointing"):
        point = pointing_per_display(ctx, reps, ledger, s)
    point_sum, point_boots = seed_unit_summary(point, "display", ctx.rng_for("bootstrap", "pointing"), s["n_boot"])
    pinfo = point.drop_duplicates("map").set_index("map")[["backbone", "method"]]
    pointing = point_sum.join(pinfo, on="map").rename(columns={"mean": "rate", "n_units": "n"}).assign(chance=float(point.drop_duplicates("display")["chance"].mean()))

    network = [m for m in fix_sum["map"].unique() if m not in FIXED]
    comps = []
    for m in FIX_MEASURES:
        row = best_vs_runner_up(fix_sum, fix_boots, m, network, CHANCE[m], "centre-bias")
        t = tests[(tests["a"] == row["best"]) & (tests["b"] == row["runner_up"]) & (tests["metric"] == m)]
        comps.append({"question": "fixations", **row, "p_holm": t["p_holm"].iloc[0] if len(t) else np.nan})
    comps.append({"question": "pointing", **best_vs_runner_up(point_sum, point_boots, "hit", network, pointing["chance"].iloc[0], "itti-koch")})
    for regime, d in naming_items_t.groupby("regime", sort=False):
        per = d.assign(map=d["backbone"], metric="accuracy", value=d["accuracy"], unit=d["item"].astype(str) + "/" + d["version"])
        sm, bt = seed_unit_summary(per, "unit", ctx.rng_for("bootstrap", "naming", regime), s["n_boot"])
        comps.append({"question": f"naming {regime}", **best_vs_runner_up(sm, bt, "accuracy", list(BACKBONES), 1 / d["name"].nunique(), "random")})
    comparisons = pd.DataFrame(comps).reindex(columns=list(TABLES["comparisons"].columns))

    fix_split = pd.DataFrame({"image": [im["name"] for im in images], "split": ["fit" if im["train"] else "test" for im in images]})
    for key, table in (("pretraining", history), ("probe", probe), ("pictures", split), ("naming", naming), ("naming_items", naming_items_t),
                       ("fixation_split", fix_split), ("fixation_fit", fix_fit), ("fixation_images", fix_img), ("fixations", fix_sum),
                       ("fixation_tests", tests), ("pointing", pointing), ("comparisons", comparisons)):
        spec = TABLES[key]
        ctx.write_table(check_table(table[list(spec.columns)], spec), spec.name)
    ctx.metadata["settings"] = {**s, "n_pictures": len(split), "n_names": int(naming_items_t["name"].nunique())}
    ctx.metadata["fixation_images"] = {"fit": int(sum(im["train"] for im in images)), "test": int(sum(not im["train"] for im in images))}

    from psysim.report.ssl import render

    render(ctx.out, ctx.lang, _info(ctx.metadata, ctx.metadata["settings"], ctx.seed, ctx.quick, [(d.citation, d.licence) for d in ctx.datasets]),
           ctx.out / "report.html", TABLES, save_figure=ctx.save_figure, examples=_examples(images, reps[0]))


def _examples(images, nets, n: int = 3):
    """Test images, fixations and maps (training seed 0) for the report's figure."""
    test = [im for im in images if not im["train"]]
    out = []
    for im in [test[i] for i in np.linspace(0, len(test) - 1, min(n, len(test))).round().astype(int)]:
        maps = {_map_name(*k): m[0] for k, m in network_maps(nets, im["x"]).items()}
        maps["itti-koch"] = im["itti-koch"]
        out.append((im["name"], im["x"][0].permute(1, 2, 0).numpy(), im["fixated"], maps))
    return out


def _info(meta: dict, s: dict, seed, quick, citations) -> dict:
    return {"seed": seed, "quick": quick, "settings": s, "fixation_images": meta.get("fixation_images"),
            "pretraining_images": meta.get("pretraining_images", {}), "citations": citations, "references": CITATIONS}


def report(run_dir, lang: str = "en", out=None):
    """Re-render the report of a self-supervised run folder from its tables, in ``lang``
    (``psysim report RUN_DIR --lang ja``); figures of maps need the networks and are left out."""

    from psysim.cli.report import report_inputs
    from psysim.report.ssl import render

    run_dir, meta, out = report_inputs(run_dir, NAME, lang, out)
    cites = [(d.get("citation", ""), d.get("licence", "")) for d in meta.get("data_sources", []) if isinstance(d, dict)]
    return render(run_dir, lang, _info(meta, meta.get("settings", {}), meta.get("seed"), meta.get("quick"), cites), out, TABLES)


if __name__ == "__main__":
    from psysim.cli import main

    raise SystemExit(main(["run", NAME, *__import__("sys").argv[1:]]))
