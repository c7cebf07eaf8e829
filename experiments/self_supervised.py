"""Experiment `self-supervised`: where a network learns to look without labels.

Four backbones of one architecture (GapCNN by default, ``--set arch=mbconv`` for the MBConv+SE
network), all from the *same* random initial weights and, where trained, for the same number of
steps and batch size on the same images (procedural objects and search displays that psysim
draws; :func:`psysim.networks.ssl.unlabelled_images`):

- ``simclr``: NT-Xent instance discrimination (Chen et al. 2020);
- ``byol``: BYOL, no negatives, EMA target (Grill et al. 2020);
- ``supervised``: cross-entropy on the images' labels (object class; search task x presence);
- ``random``: the initial weights, untrained (the control).

Then, with every backbone frozen unless said otherwise:

1. **Representation** (``probe.csv``): linear probe and k-NN accuracy on held-out labelled
   object and search images (other random streams and seeds; the view ledger refuses any
   that is a training image), Wilson 95 % CIs, chance level.
2. **Transfer to picture naming** (``naming.csv``, ``naming_items.csv``): each backbone gets a
   head with one output per name of the Snodgrass & Vanderwart / Rossion & Pourtois pictures,
   trained with the backbone frozen (transfer) and then with every layer trained (finetune,
   LP-FT), as in ``picture-naming``; held-out views; accuracy (bootstrap CI over pictures) and
   naming latency regressed on model entropy with familiarity and complexity (standardised
   beta, 95 % CI, the R² entropy adds), the ``picture-naming`` analysis.
3. **Where each backbone looks** (``fixation_*.csv``): a label-free map for every backbone (the
   activation map ``sum_c A_c^2`` of Zagoruyko & Komodakis 2017,
   :func:`psysim.networks.ssl_maps.feature_norm_maps`) and Grad-CAM of its predicted class for
   the supervised one, on the EToCVD free-viewing images (as ``saliency-fixations``: AUC-Judd,
   shuffled AUC, NSS, CC; mean over images with percentile bootstrap CIs; paired bootstrap
   differences), beside Itti-Koch and the centre bias.
4. **Pointing game** (``pointing.csv``): is each map's maximum on the target of held-out
   target-present search displays? Wilson CIs; chance is the target box's share of the image.

``comparisons.csv`` holds, per question, the best backbone, the runner-up and their paired
difference with its 95 % CI, from which the report says which backbone is best or that none is
reliably. Rendering: :mod:`psysim.report.ssl` (``psysim report DIR --lang ja``).

Run:  psysim run self-supervised [--quick] [--seed N] [--lang ja] [--set arch=mbconv]
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
DESCRIPTION = "SimCLR, BYOL, supervised and random backbones: linear probe, transfer to picture naming, maps against human fixations and search targets"
LANGUAGES = ("en", "ja")  # report languages (psysim.i18n.check_report_language)

BACKBONES = ("simclr", "byol", "supervised", "random")
CONFIGS = {"gapcnn": {"channels": [16, 32, 64], "pool_after": [0, 1], "n_classes": 2},
           "mbconv": {"width": 0.5, "depth": 0.5, "n_classes": 2, "head": 64}}
FIX_METRICS = ("auc_judd", "auc_shuffled", "nss", "cc")
FIX_CHANCE = {"auc_judd": 0.5, "auc_shuffled": 0.5, "nss": 0.0, "cc": 0.0}
EVAL_STRENGTHS = (0.7, 1.3)
TRAIN_STRENGTH = (0.4, 1.2)
CENTRE_SIGMA = 0.25

OPTIONS = (
    Option("arch", str, "gapcnn", choices=tuple(CONFIGS), help="architecture of all four backbones"),
    Option("size", int, 48, quick=32, low=32, high=256, help="side of the pretraining, probe, display and picture images, in pixels (>= 32: Itti-Koch needs 32)"),
    Option("steps", int, 200, quick=40, low=1, high=100_000, help="training steps of each SSL method and of the supervised control"),
    Option("batch", int, 64, quick=32, low=4, high=4096, help="images per step (SimCLR: 2 x batch views, 2 x batch - 2 negatives each)"),
    Option("objects", int, 48, quick=16, low=2, high=1024, help="procedural object classes in the pretraining images"),
    Option("instances", int, 4, quick=2, low=1, high=1000, help="pretraining instances per object class"),
    Option("displays", int, 4, quick=2, low=1, high=1000, help="pretraining search displays per task, set size and presence"),
    Option("probe_instances", int, 3, quick=2, low=1, high=1000, help="held-out instances per class for the probe's training and for its test"),
    Option("naming_epochs", int, 20, quick=8, low=1, high=10_000, help="epochs of the naming head on the frozen backbone"),
    Option("finetune_epochs", int, 4, quick=1, low=0, high=10_000, help="further epochs with every layer trained (0: transfer only)"),
    Option("views", int, 2, quick=1, low=1, high=1000, help="held-out naming views per picture and strength"),
    Option("n_images", int, None, quick=8, low=2, help="EToCVD images (default all 101)"),
    Option("fixation_side", int, 128, quick=64, low=16, high=1024, help="shorter side (px) the networks see a free-viewing image at"),
    Option("pointing_displays", int, 6, quick=2, low=1, high=1000, help="held-out target-present displays per task and set size"),
    Option("n_boot", int, 2000, quick=200, low=10, high=100_000, help="bootstrap resamples (images, pictures) for the 95% CIs"),
)
CITATIONS = [
    "Chen, T., Kornblith, S., Norouzi, M., & Hinton, G. (2020). A simple framework for contrastive learning of visual representations. ICML, 1597-1607.",
    "Grill, J.-B., et al. (2020). Bootstrap your own latent: A new approach to self-supervised learning. NeurIPS 33.",
    "Wu, Z., Xiong, Y., Yu, S. X., & Lin, D. (2018). Unsupervised feature learning via non-parametric instance discrimination. CVPR.",
    "Zagoruyko, S., & Komodakis, N. (2017). Paying more attention to attention. ICLR.",
    "Selvaraju, R. R., et al. (2017). Grad-CAM: Visual explanations from deep networks via gradient-based localization. ICCV, 618-626.",
    "Itti, L., Koch, C., & Niebur, E. (1998). A model of saliency-based visual attention for rapid scene analysis. IEEE TPAMI, 20(11), 1254-1259.",
    "Bylinskii, Z., Judd, T., Oliva, A., Torralba, A., & Durand, F. (2019). What do different evaluation metrics tell us about saliency models? IEEE TPAMI, 41(3), 740-757.",
    "Zhang, J., et al. (2018). Top-down neural attention by excitation backprop. IJCV, 126, 1084-1102.",
    "Kumar, A., Raghunathan, A., Jones, R., Ma, T., & Liang, P. (2022). Fine-tuning can distort pretrained features and underperform out-of-distribution. ICLR.",
    "Orhan, A. E., Gupta, V. V., & Lake, B. M. (2020). Self-supervised learning through the eyes of a child. NeurIPS 33.",
    "Zhuang, C., et al. (2021). Unsupervised neural network models of the ventral visual stream. PNAS, 118(3), e2014196118.",
]

_B = {"backbone": BACKBONES}
TABLES = {
    "pretraining": TableSpec("pretraining.csv", {"backbone": "str", "step": "int", "loss": "float"}, keys=("backbone", "step")),
    "probe": TableSpec("probe.csv", {"task": "str", "backbone": "str", "evaluation": "str", "accuracy": "float", "ci_low": "float",
                                     "ci_high": "float", "chance": "float", "n_test": "int"}, keys=("task", "backbone", "evaluation"),
                       grid={"task": ("objects", "search"), **_B, "evaluation": ("linear probe", "k-NN")}),
    "naming": TableSpec("naming.csv", {"backbone": "str", "regime": "str", "accuracy": "float", "ci_low": "float", "ci_high": "float",
                                       "chance": "float", "entropy": "float", "beta_entropy": "float", "beta_ci_low": "float",
                                       "beta_ci_high": "float", "beta_p": "float", "delta_r2": "float", "delta_r2_p": "float",
                                       "n_items": "int", "n_eval_views": "int"}, keys=("backbone", "regime"),
                        nullable=("beta_entropy", "beta_ci_low", "beta_ci_high", "beta_p", "delta_r2", "delta_r2_p")),
    "naming_items": TableSpec("naming_items.csv", {"backbone": "str", "regime": "str", "item": "any", "version": "str",
                                                   "name": "str", "accuracy": "float", "p_correct": "float",
                                                   "entropy": "float", "human_rt": "float", "familiarity": "float",
                                                   "complexity": "float"},
                              nullable=("human_rt", "familiarity", "complexity")),  # (norms a picture set may lack)
    "fixation_images": TableSpec("fixation_per_image.csv", {"image": "str", "map": "str", "backbone": "str", "method": "str",
                                                            "metric": "str", "value": "float"},
                                 keys=("image", "map", "metric")),
    "fixations": TableSpec("fixation_metrics.csv", {"map": "str", "backbone": "str", "method": "str", "metric": "str", "mean": "float",
                                                    "ci_low": "float", "ci_high": "float", "chance": "float", "n_images": "int"},
                           keys=("map", "metric")),
    "pointing": TableSpec("pointing.csv", {"map": "str", "backbone": "str", "method": "str", "hits": "int", "n": "int", "rate": "float",
                                           "ci_low": "float", "ci_high": "float", "chance": "float"}, keys=("map",)),
    "comparisons": TableSpec("comparisons.csv", {"question": "str", "measure": "str", "best": "str", "runner_up": "str", "best_value": "float",
                                                 "difference": "float", "ci_low": "float", "ci_high": "float", "best_at_chance": "bool",
                                                 "all_at_chance": "bool", "vs": "str", "vs_difference": "float", "vs_ci_low": "float",
                                                 "vs_ci_high": "float"}, keys=("question", "measure"),
                             nullable=("vs_difference", "vs_ci_low", "vs_ci_high")),
}


def _seed(ctx, *key) -> int:
    return int(ctx.seed_for(*key).generate_state(1)[0] % (2**31 - 1))


def settings(ctx) -> dict:
    """The declared options' values (full or ``--quick`` defaults, or ``--set``)."""
    return {
        "arch": ctx.option("arch"),
        "size": ctx.option("size"),
        "steps": ctx.option("steps"),
        "batch": ctx.option("batch"),
        "objects": ctx.option("objects"),
        "instances": ctx.option("instances"),
        "displays": ctx.option("displays"),
        "probe_instances": ctx.option("probe_instances"),
        "naming_epochs": ctx.option("naming_epochs"),
        "finetune_epochs": ctx.option("finetune_epochs"),
        "views": ctx.option("views"),
        "n_images": ctx.option("n_images"),
        "fixation_side": ctx.option("fixation_side"),
        "pointing_displays": ctx.option("pointing_displays"),
        "n_boot": ctx.option("n_boot"),
    }


# ---------------------------------------------------------------------------------------------
# 1. backbones and probes


def train_backbones(ctx, s):
    """The four backbones from one initial network, their training histories and the ledger."""
    from psysim.networks.ssl import (
        ImageSet,
        ViewIdLedger,
        object_images,
        pretrain_ssl,
        search_images,
    )
    from psysim.networks.ssl_eval import train_supervised
    from psysim.networks.training import seeded_network

    img_seed = _seed(ctx, "images")
    objs = object_images(s["objects"], s["instances"], s["size"], img_seed, stream=0)
    srch = search_images(n_per_cell=s["displays"], size=s["size"], seed=img_seed)[0]
    srch.labels = srch.labels + s["objects"]
    labelled = ImageSet.concat(objs, srch)
    unlabelled = copy.copy(labelled)
    unlabelled.labels = np.full(len(labelled), -1, np.int64)
    base = seeded_network(s["arch"], seed=_seed(ctx, "init"), **CONFIGS[s["arch"]])
    ledger, nets, hist = ViewIdLedger(), {}, []
    for method in ("simclr", "byol"):
        with ctx.timer(f"pretrain {method}"):
            net, h = pretrain_ssl(copy.deepcopy(base), unlabelled, method=method, steps=s["steps"], batch_size=s["batch"],
                                  seed=_seed(ctx, "pretrain", method), ledger=ledger)
        nets[method] = net.backbone.eval()
        hist.append(h.assign(backbone=method))
    with ctx.timer("supervised control"):
        nets["supervised"] = train_supervised(copy.deepcopy(base), labelled, steps=s["steps"], batch_size=s["batch"],
                                              seed=_seed(ctx, "pretrain", "supervised"), ledger=ledger)
    nets["random"] = copy.deepcopy(base).eval()
    ctx.metadata["pretraining_images"] = {"objects": len(objs), "search_displays": len(srch), "ledger_ids": len(ledger)}
    return nets, pd.concat(hist, ignore_index=True)[["backbone", "step", "loss"]], ledger, labelled


def probe_table(ctx, nets, ledger, s) -> pd.DataFrame:
    from psysim.networks.ssl import object_images, search_images
    from psysim.networks.ssl_eval import compare_backbones

    img_seed = _seed(ctx, "images")
    tr = object_images(s["objects"], s["probe_instances"], s["size"], img_seed, stream=1)
    te = object_images(s["objects"], s["probe_instances"], s["size"], img_seed, stream=2)
    a = compare_backbones(nets, tr, te, ledger, task="objects")
    n_cell = max(1, s["probe_instances"])
    tr = search_images(n_per_cell=n_cell, size=s["size"], seed=_seed(ctx, "probe", "search", "train"))[0]
    te = search_images(n_per_cell=n_cell, size=s["size"], seed=_seed(ctx, "probe", "search", "test"))[0]
    b = compare_backbones(nets, tr, te, ledger, task="search")
    return pd.concat([a, b], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# 2. picture naming


def _boot_mean(x, rng, n_boot):
    x = np.asarray(x, dtype=float)
    idx = rng.integers(0, len(x), size=(n_boot, len(x)))
    return x[idx].mean(1)


def naming_tables(ctx, nets, ledger, s):
    """Transfer and fine-tuning of every backbone to picture naming, against the norms."""
    from psysim.naming import (
        ViewLedger,
        builtin_picture_set,
        evaluation_views,
        item_scores,
        logits_of,
        naming_network_from_module,
        train_naming,
    )
    from psysim.networks.ssl import ImageSet

    ctx.use_dataset("rossion2004")
    ctx.use_dataset("snodgrass1980")
    pictures = builtin_picture_set(size=s["size"])
    n = len(pictures)
    # no naming picture was a pretraining image (the ledger checks ids and pixels)
    ledger.check_disjoint(ImageSet(pictures.images, np.asarray([f"naming:{i}" for i in range(n)]), np.zeros(n, bool),
                                   np.full(n, -1, np.int64), np.full(n, "picture")), "naming pictures")
    tab = pictures.table.reset_index(drop=True)
    regimes = ["transfer"] + (["finetune"] if s["finetune_epochs"] > 0 else [])
    rows, items = [], []
    for name, bb in nets.items():
        seed = _seed(ctx, "naming", name)
        views = ViewLedger()
        with ctx.timer(f"naming {name}"):
            model = naming_network_from_module(bb, pictures.names, "transfer", seed=seed, backbone_name=name)
            train_naming(model, pictures, "transfer", epochs=s["naming_epochs"], views_per_picture=2, strength=TRAIN_STRENGTH, lr=1e-2,
                         seed=seed, ledger=views, distinct_epochs=min(s["naming_epochs"], 4))
            models = {"transfer": model}
            if "finetune" in regimes:
                ft = copy.deepcopy(model).unfreeze_backbone()
                train_naming(ft, pictures, "finetune", epochs=s["finetune_epochs"], views_per_picture=2, strength=TRAIN_STRENGTH, lr=3e-3,
                             backbone_lr_factor=0.3, seed=seed + 1, ledger=views)
                models["finetune"] = ft
            ev = evaluation_views(pictures, s["views"], EVAL_STRENGTHS, seed=seed + 2, ledger=views, on_overlap="drop")
            for regime, m in models.items():
                sc = item_scores(logits_of(m, ev.views).numpy(), ev.table)
                meta = tab.iloc[sc["picture"].to_numpy()].reset_index(drop=True)
                d = pd.DataFrame({"backbone": name, "regime": regime, "item": meta["item"], "version": meta["version"], "name": meta["name"],
                                  "accuracy": sc["accuracy"], "p_correct": sc["p_correct"], "entropy": sc["entropy"],
                                  "human_rt": meta.get("rt"), "familiarity": meta.get("familiarity"), "complexity": meta.get("complexity")})
                items.append(d)
                boots = _boot_mean(d["accuracy"], ctx.rng_for("naming", "boot", name, regime), s["n_boot"])
                row = {"backbone": name, "regime": regime, "accuracy": d["accuracy"].mean(), "ci_low": np.percentile(boots, 2.5),
                       "ci_high": np.percentile(boots, 97.5), "chance": 1 / len(pictures.names), "entropy": d["entropy"].mean(),
                       "n_eval_views": len(ev.table)}
                row.update(_latency(d[d["version"] == "line"]))
                rows.append(row)
    return pd.DataFrame(rows), pd.concat(items, ignore_index=True)


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


def network_maps(nets, x: torch.Tensor, size, target=None) -> dict:
    """``{(backbone, method): (N, H, W) numpy maps}``: the label-free activation map of every
    backbone, and Grad-CAM of the supervised one (``target``: class per image, None = predicted)."""
    from psysim.networks import class_activation_maps
    from psysim.networks.ssl_maps import feature_norm_maps

    out = {(name, "feature-norm"): feature_norm_maps(bb, x, size=size).numpy() for name, bb in nets.items()}
    out[("supervised", "grad-cam")] = class_activation_maps(nets["supervised"], x, target=target, method="gradcam", size=size).maps.numpy()
    return out


def _map_name(backbone: str, method: str) -> str:
    return backbone if method in ("itti-koch", "centre-bias") else f"{backbone} {method}"


def fixation_per_image(ctx, nets, s) -> tuple[pd.DataFrame, int]:
    """Per-image metric values of every map on EToCVD (long table)."""
    import torch.nn.functional as F

    from psysim.data.fixations import etocvd_names, load_etocvd
    from psysim.saliency import IttiKoch
    from psysim.saliency import metrics as M

    ctx.use_dataset("etocvd")
    names = etocvd_names()
    if s["n_images"] is not None and s["n_images"] < len(names):
        names = [names[i] for i in np.linspace(0, len(names) - 1, s["n_images"]).round().astype(int)]
    data = load_etocvd(names)
    fix_maps = [d.fixations for d in data]
    ik, rows = IttiKoch(), []
    for k, d in enumerate(data):
        h, w = d.fixations.shape
        x = torch.from_numpy(np.ascontiguousarray(d.image)).permute(2, 0, 1)[None].float() / 255
        f = s["fixation_side"] / min(x.shape[-2:])
        x = F.interpolate(x, size=(max(16, round(x.shape[-2] * f)), max(16, round(x.shape[-1] * f))), mode="bilinear", antialias=True,
                          align_corners=False).clamp(0, 1)
        maps = {key: m[0].astype(np.float64) for key, m in network_maps(nets, x, (h, w)).items()}
        centre = M.centre_bias((h, w), CENTRE_SIGMA)
        maps[("itti-koch", "itti-koch")] = ik.compute(d.image, where=d.name).upsampled().astype(np.float64)
        maps[("centre-bias", "centre-bias")] = centre
        other = M.other_fixations(fix_maps, k, (h, w))
        for (bb, method), m in maps.items():
            vals = {"auc_judd": M.auc_judd(m, d.fixations), "auc_shuffled": M.auc_shuffled(m, d.fixations, other, seed=ctx.seed_for("auc_shuffled", d.name)),
                    "nss": M.nss(m, d.fixations), "cc": M.cc(m, d.density)}
            rows += [(d.name, _map_name(bb, method), bb, method, metric, v) for metric, v in vals.items()]
    return pd.DataFrame(rows, columns=["image", "map", "backbone", "method", "metric", "value"]), len(data)


def summarise_paired(per_unit: pd.DataFrame, unit: str, rng, n_boot: int):
    """Mean over units (images, pictures, displays) with percentile bootstrap 95 % CIs, and the
    bootstrap replicates (the same resamples of units for every map and measure, so that
    differences are paired)."""
    wide = per_unit.pivot_table(index=unit, columns=["map", "metric"], values="value", aggfunc="first").dropna()
    x = wide.to_numpy(dtype=float)
    idx = rng.integers(0, len(wide), size=(n_boot, len(wide)))
    boots = x[idx].mean(1)
    lo, hi = np.percentile(boots, [2.5, 97.5], axis=0)
    summary = pd.DataFrame({"map": wide.columns.get_level_values(0), "metric": wide.columns.get_level_values(1), "mean": x.mean(0),
                            "ci_low": lo, "ci_high": hi})
    return summary, pd.DataFrame(boots, columns=wide.columns), x.mean(0)


def pointing_per_display(ctx, nets, s) -> pd.DataFrame:
    """Pointing-game hits of every map on held-out target-present displays (one row per display
    and map) and the chance level of each display (target box area / image area)."""
    from psysim.networks import pointing_game, target_box_array
    from psysim.networks.ssl import search_images
    from psysim.saliency import IttiKoch

    imgs, si = search_images(n_per_cell=s["pointing_displays"], size=s["size"], seed=_seed(ctx, "pointing"))
    tab = si.table.reset_index(drop=True)
    present = np.flatnonzero(tab["target_present"].to_numpy(dtype=bool))
    ids = tab["display_id"].to_numpy()[present]
    boxes = target_box_array(si.displays, ids, s["size"])
    x = imgs.tensor(torch.from_numpy(present))
    target = torch.from_numpy(imgs.labels[present] + s["objects"])  # the supervised label of the display's task, present
    maps = network_maps(nets, x, (s["size"], s["size"]), target=target)
    ik = IttiKoch()
    maps[("itti-koch", "itti-koch")] = np.stack([ik.compute(im).upsampled() for im in x.permute(0, 2, 3, 1).numpy()])
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]) / s["size"] ** 2
    rows = []
    for (bb, method), m in maps.items():
        hits = pointing_game(m, boxes)
        rows.append(pd.DataFrame({"display": ids, "task": tab["task"].to_numpy()[present], "map": _map_name(bb, method), "backbone": bb,
                                  "method": method, "metric": "hit", "value": hits.astype(float), "chance": area}))
    return pd.concat(rows, ignore_index=True)


def _best(summary: pd.DataFrame, boots: pd.DataFrame, measure: str, candidates, chance: float, vs: str | None, higher=True) -> dict:
    """The best candidate on ``measure``, its paired bootstrap difference to the runner-up and
    to ``vs``, and whether it (or every candidate) is at chance (its CI reaches chance)."""
    g = summary[(summary["metric"] == measure) & summary["map"].isin(candidates)].set_index("map")
    order = g["mean"].sort_values(ascending=not higher).index.tolist()
    best, second = order[0], order[1]
    at = (lambda r: r["ci_low"] <= chance) if higher else (lambda r: r["ci_high"] >= chance)
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


# ---------------------------------------------------------------------------------------------


def run(ctx):
    s = settings(ctx)
    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    nets, history, ledger, _ = train_backbones(ctx, s)
    with ctx.timer("probe"):
        probe = probe_table(ctx, nets, ledger, s)
    naming, naming_items = naming_tables(ctx, nets, ledger, s)
    with ctx.timer("fixations"):
        fix_img, n_images = fixation_per_image(ctx, nets, s)
    fix_sum, fix_boots, _ = summarise_paired(fix_img, "image", ctx.rng_for("bootstrap", "fixations"), s["n_boot"])
    info = fix_img.drop_duplicates("map").set_index("map")[["backbone", "method"]]
    fix_sum = fix_sum.join(info, on="map").assign(chance=lambda d: d["metric"].map(FIX_CHANCE), n_images=n_images)
    with ctx.timer("pointing"):
        point = pointing_per_display(ctx, nets, s)
    point_sum, point_boots, _ = summarise_paired(point, "display", ctx.rng_for("bootstrap", "pointing"), s["n_boot"])
    pointing = _pointing_table(point)

    network = [m for m in fix_sum["map"].unique() if m not in ("itti-koch", "centre-bias")]
    comps = [{"question": "fixations", **_best(fix_sum, fix_boots, m, network, FIX_CHANCE[m], "centre-bias")} for m in FIX_METRICS]
    chance = float(point.drop_duplicates("display")["chance"].mean())
    comps.append({"question": "pointing", **_best(point_sum, point_boots, "hit", network, chance, "itti-koch")})
    for regime, d in naming_items.groupby("regime", sort=False):
        per = d.assign(map=d["backbone"], metric="accuracy", value=d["accuracy"], unit=d["item"] + "/" + d["version"])
        sm, bt, _ = summarise_paired(per, "unit", ctx.rng_for("bootstrap", "naming", regime), s["n_boot"])
        comps.append({"question": f"naming {regime}", **_best(sm, bt, "accuracy", list(BACKBONES), 1 / d["name"].nunique(), "random")})
    comparisons = pd.DataFrame(comps)[list(TABLES["comparisons"].columns)]

    for key, table in (("pretraining", history), ("probe", probe), ("naming", naming), ("fixations", fix_sum),
                       ("pointing", pointing), ("comparisons", comparisons)):
        spec = TABLES[key]
        ctx.write_table(check_table(table[list(spec.columns)], spec), spec.name)
    ctx.write_table(naming_items, "naming_items.csv")
    ctx.write_table(fix_img, "fixation_per_image.csv")
    ctx.metadata["settings"] = {**s, "n_pictures": int(naming_items["item"].size // max(1, naming["backbone"].size)),
                                "n_names": int(naming_items["name"].nunique())}
    ctx.metadata["fixation_images"] = n_images

    from psysim.report.ssl import render

    render(ctx.out, ctx.lang, _info(ctx.metadata, ctx.metadata["settings"], ctx.seed, ctx.quick, [(d.citation, d.licence) for d in ctx.datasets]),
           ctx.out / "report.html", TABLES, save_figure=ctx.save_figure, examples=_examples(ctx, nets, s))


def _examples(ctx, nets, s, n: int = 3):
    """Images, fixations and maps of ``n`` EToCVD images for the report's figure."""
    import torch.nn.functional as F

    from psysim.data.fixations import etocvd_names, load_etocvd
    from psysim.saliency import IttiKoch

    names = etocvd_names()
    data = load_etocvd([names[i] for i in np.linspace(0, len(names) - 1, n + 2).round().astype(int)[1:-1]])
    out = []
    for d in data:
        x = torch.from_numpy(np.ascontiguousarray(d.image)).permute(2, 0, 1)[None].float() / 255
        f = s["fixation_side"] / min(x.shape[-2:])
        x = F.interpolate(x, size=(round(x.shape[-2] * f), round(x.shape[-1] * f)), mode="bilinear", antialias=True, align_corners=False)
        maps = {_map_name(*k): m[0] for k, m in network_maps(nets, x.clamp(0, 1), x.shape[-2:]).items()}
        maps["itti-koch"] = IttiKoch().compute(d.image).upsampled()
        out.append((d.name, d.image, d.fixations, maps))
    return out


def _pointing_table(point: pd.DataFrame) -> pd.DataFrame:
    from psysim.networks.ssl_eval import wilson_ci

    rows = []
    for m, g in point.groupby("map", sort=False):
        n, hits = len(g), int(g["value"].sum())
        lo, hi = wilson_ci(hits / n, n)
        rows.append({"map": m, "backbone": g["backbone"].iloc[0], "method": g["method"].iloc[0], "hits": hits, "n": n, "rate": hits / n,
                     "ci_low": lo, "ci_high": hi, "chance": g["chance"].mean()})
    return pd.DataFrame(rows)


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
