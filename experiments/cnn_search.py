"""Experiment `cnn-search`: does a CNN that searches show a set-size effect, and where does it look?

A small global-average-pooling CNN (:class:`psysim.networks.GapCNN`, Zhou et al. 2016) is
trained per task to answer "target present?" on psysim's search displays (feature, conjunction
and spatial configuration search of Wolfe, Palmer & Horowitz 2010; mixed set sizes 3-18,
augmentation, early stopping on the loss of a separate validation set). The displays are
rendered at 288 px, where the strokes of the digital 2 and 5 are 2.2 px wide (0.0077 of the
side); the network reads every pixel through a 4 x 4 stride-4 "patchify" stem and widens its
receptive field with dilated convolutions (an undilated one last), so its class activation map
keeps a 4 px grid.
CNNs trained on the same three stimulus types learn all three, the 2-vs-5 task included
(Nicholson & Prinz 2022). Training has two stages (a curriculum, Bengio et al. 2009): first on
crops of single items (the target of a present display, or a distractor of an absent one),
where a 2 and a 5 are told apart within an epoch, then on whole displays with early stopping
on a validation split. Trained on whole displays only, the spatial network was still at 69 %
validation accuracy after 4 epochs (about 200 s of CPU) in our trials, too slow for a
run of 10 minutes; the item stage costs about 15 s of CPU.

Measured with the defaults (seed 0, 2 threads, load average 19-21 falling to 4.5 on a shared
2-core machine): 609 s user + 313 s system CPU, 39 min 40 s wall, so the run is not yet within
10 minutes. Held-out accuracy: feature 100 %, conjunction 100 %, spatial 84.6 % (100, 100,
81.7 and 56.7 % at set sizes 3, 6, 12, 18), short of 90 % at every set size. Under the
calibrated noise, errors rose with set size for conjunction (4.1 %/item, 95 % CI 3.2 to 5.0)
and spatial (4.8, 4.2 to 5.3) but not for feature (0.0). Pointing game of the CAM: spatial
0.99, feature 0.23, conjunction 0.01 (measured before :func:`psysim.networks.centre_logits`
was added, and with the dilations in the order 1, 2, 4, the largest last).

That order was the cause of the CAM's misses: the CAM of a GAP network shows where the last
map holds the evidence (Zhou et al. 2016, Eq. 2), and with a dilation-4 convolution last, a
target's evidence also appears 16 px to either side of it (4 cells), while the target's box is
about 24 px wide. The coordinate mapping is exact (``tests/test_cam.py``: a stem cell covers
pixels [4i, 4i + 4), its value upsampled to the centre 4i + 1.5). In ``--quick`` with
``tasks=feature`` (seed 0), the trained network's CAM peaked a median 13.5 px left of the
target's centre (10th-90th percentile 14.5 to 11.8 px), pointing game 0.33, 0.42, 0.17, 0.42
at set sizes 3, 6, 12, 18, held-out accuracy 96.9 %. With the undilated convolution last
(dilations 2, 4, 1, same receptive field): pointing game 1.00 at every set size, accuracy
92.7 % (89 of 96; 70 s user + 29 s system CPU, 2 min 3 s wall, for the whole ``--quick``
run at load average 1.6 to 3.5).
With dilations 1, 1, 1 or 1, 1, 2 (receptive field 28 or 36 px) the pointing game was also
1.00, but accuracy fell to 80 and 76 %. Each figure is from one seed; the full run (three
tasks, the spatial network's accuracy) has not been measured with the new order. At smaller
renders the 60 px receptive field spans several items and the CAM still misses: with the same
small training set, pointing game 0.19 at 96 px, 0.44 at 144 px, 0.63 at 192 px (0.00, 0.00,
0.02 with the former order).

Then, on fresh displays:

1. **Did each network learn?** Held-out accuracy per task against chance (one-sided binomial
   test, p < .05; target presence is balanced, so chance is 0.5). Every statistic of a network
   that is not above chance is flagged in the tables (``at_chance``) and in the report
   ("network at chance: statistic not interpretable").
2. **Set-size effect.** Accuracy and confidence (probability of the chosen answer) per
   task x set size for the trained network ("full"), for the same network after its first
   epoch ("limited"), and for the trained network tested under external noise ("noisy"). The
   network answers in one feed-forward pass, so it has no RT; its set-size effect is the slope
   of its error rate against set size (with a parametric-bootstrap 95 % interval). On clean
   displays a network far above chance may have none. The noisy condition is the human-like
   one: in search with brief, masked or noisy displays, accuracy falls with set size because
   every added distractor is one more chance of a false alarm (signal detection theory of
   search: Palmer, Verghese & Pavel 2000; Eckstein 1998, who added external noise to the
   items). Gaussian pixel noise is added to the test displays; its SD is chosen per task on
   the validation displays of the smallest set size, so that accuracy there is about
   ``noise_target`` (bisection, the same noise pattern at each step). Whether accuracy then
   falls at larger set sizes is left to the data. Beside it: the human RT slopes (ms/item) and
   error-rate slopes of Wolfe et al. (2010).
3. **Where it looks.** CAM (Zhou et al. 2016) and Grad-CAM (Selvaraju et al. 2017) of the
   "present" class on target-present displays; pointing game, energy-based pointing and
   deletion/insertion AUC against the target's box; the same pointing metrics for the Itti, Koch
   & Niebur (1998) saliency map of the same displays.

Writes ``networks.csv`` (one row per network x task: accuracy, binomial test, flag),
``accuracy.csv``, ``localisation.csv`` (``network, method, task, set_size, metric, value,
at_chance``), ``set_size_effect.csv``, ``training.csv`` and ``report.html`` (rendered by
:mod:`psysim.report.cnn_search`).

Options (``--set key=value``, declared in :data:`OPTIONS`; ``psysim options cnn-search`` lists
them): ``n_per_cell`` (training displays per task x set size x presence), ``n_test``,
``epochs``, ``patience``, ``image_size``, ``tasks`` (comma-separated), ``arch`` (gapcnn or
mbconv), ``noise`` (pixel noise SD; 0 = chosen per task), ``noise_target``, ``threads``.

Run:  psysim run cnn-search [--quick] [--seed N] [--out DIR] [--lang ja]
Re-render (e.g. in Japanese):  psysim report DIR --lang ja
  or  python -m psysim.experiments.cnn_search --quick
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from psysim.options import Option
from psysim.progress import progress
from psysim.tables import TableSpec

NAME = "cnn-search"
LANGUAGES = ("en", "ja")  # report languages (psysim.i18n.check_report_language)
DESCRIPTION = "CNNs trained on search displays: set-size effect of accuracy/confidence, CAM/Grad-CAM localisation vs Itti-Koch and humans"

TASKS = ("feature", "conjunction", "spatial")
SET_SIZES = (3, 6, 12, 18)
SALIENCY_RENDER = 512  # Itti-Koch maps are computed at psysim's standard saliency render size
ALPHA = 0.05  # one-sided binomial test of held-out accuracy against chance
MIN_DELTA = 0.005  # smallest fall of the validation loss (nats/display) that counts for early stopping
RECALIBRATE = 512  # batch-norm statistics recomputed after each epoch from this many training images
NETWORKS = {
    # patchify stem (4 px grid), then 3x3 convolutions with dilations 2, 4, 1: receptive field
    # 4 + 16 + 32 + 8 = 60 px, about 2.5 items at 288 px; CAM on a 72 x 72 map. The undilated
    # convolution comes last (the "degridding" order of Yu, Koltun & Funkhouser 2017, DRN, Sec. 4):
    # with dilation 4 last, each CAM cell reads cells 16 px to either side, the evidence of a
    # target appears there too, and the CAM peaked 13.5 px (median) left of the target's centre,
    # outside its 24 px box (pointing game 0.33 in --quick; 1.00 with this order, see the docstring)
    "gapcnn": {"channels": (16, 24, 32, 32), "pool_after": (), "stem": 4, "dilation": (1, 2, 4, 1)},
    "mbconv": {},
}
"""Network configuration per ``arch`` option (keyword arguments of :func:`psysim.networks.build_network`)."""

_EFFECT_NULLABLE = ("error_slope_pct_per_item", "error_slope_ci_low", "error_slope_ci_high",
                    "confidence_slope_pct_per_item", "rt_slope_ms_per_item")
TABLES = {
    "networks": TableSpec("networks.csv", {"network": "str", "condition": "str", "task": "str", "n": "int",
                                           "accuracy": "float", "min_set_size_accuracy": "float", "p_value": "float",
                                           "at_chance": "bool", "noise_sd": "float", "best_epoch": "int", "epochs_run": "int"},
                          keys=("network", "task")),
    "accuracy": TableSpec("accuracy.csv", {"network": "str", "task": "str", "set_size": "int", "target_present": "bool",
                                           "accuracy": "float", "confidence": "float", "p_present": "float", "n": "int"},
                          keys=("network", "task", "set_size", "target_present")),
    "localisation": TableSpec("localisation.csv", {"network": "str", "method": "str", "task": "str", "set_size": "int",
                                                   "metric": "str", "value": "float", "at_chance": "bool"},
                              keys=("network", "method", "task", "set_size", "metric"), nullable=("value",)),
    "set_size_effect": TableSpec("set_size_effect.csv", {"source": "str", "task": "str", "target_present": "bool",
                                                         **{c: "float" for c in _EFFECT_NULLABLE}, "at_chance": "bool"},
                                 keys=("source", "task", "target_present"), nullable=_EFFECT_NULLABLE),
    "training": TableSpec("training.csv", {"epoch": "int", "train_loss": "float", "train_acc": "float",
                                           "val_loss": "float", "val_acc": "float", "task": "str", "condition": "str"},
                          keys=("task", "condition", "epoch"), nullable=("train_loss", "train_acc", "val_loss", "val_acc")),
}
"""The run folder's tables, checked when the run writes them and when `psysim report` reads them."""

OPTIONS = (
    Option("n_per_cell", int, 100, quick=32, low=1, high=10_000,
           help="training displays per task x set size x presence cell (validation: a quarter as many, at least 8)"),
    Option("n_test", int, 30, quick=12, low=1, high=10_000, help="test displays per task x set size x presence cell"),
    Option("epochs", int, 6, quick=4, low=1, high=1000, help="most training epochs (early stopping on the validation loss may end sooner)"),
    Option("pretrain_epochs", int, 2, quick=1, low=0, high=100,
           help="epochs of a first training stage on crops of single items (target or distractor); 0: whole displays only"),
    Option("patience", int, 2, low=1, high=100, help="epochs without a lower validation loss before training stops"),
    Option("image_size", int, 288, low=32, high=1024,
           help="side of the rendered displays the network sees, in pixels (glyph strokes are 0.0077 of it: 2.2 px at 288)"),
    Option("arch", str, "gapcnn", choices=("gapcnn", "mbconv"), help="network: GAP CNN (Zhou et al. 2016) or MBConv (Tan & Le 2019)"),
    Option("noise", float, 0.0, low=0.0, high=1.0,
           help="SD of the Gaussian pixel noise of the 'noisy' condition (pixel values 0-1); 0: chosen per task (see noise_target)"),
    Option("noise_target", float, 0.8, low=0.55, high=0.99,
           help="accuracy at the smallest set size that the per-task noise SD is chosen for, on validation displays"),
    Option("tasks", str, ",".join(TASKS), choices=TASKS, multiple=True, help="search tasks to train and test, comma-separated"),
    Option("threads", int, 2, low=1, high=256, help="torch CPU threads"),
)


def _seed(ctx, *key) -> int:
    return int(ctx.seed_for(*key).generate_state(1)[0])


def run(ctx):
    import torch

    from psysim.networks import evaluate, make_search_images, seeded_network

    torch.set_num_threads(ctx.option("threads"))
    s = {"n_per_cell": ctx.option("n_per_cell"), "n_test": ctx.option("n_test"), "epochs": ctx.option("epochs"),
         "patience": ctx.option("patience"), "pretrain_epochs": ctx.option("pretrain_epochs"), "image_size": ctx.option("image_size"), "arch": ctx.option("arch"),
         "noise": ctx.option("noise"), "noise_target": ctx.option("noise_target")}
    size, arch = s["image_size"], s["arch"]
    s["n_val"] = max(8, s["n_per_cell"] // 4)
    tasks = tuple(dict.fromkeys(t.strip() for t in ctx.option("tasks").split(",")))

    preds, net_rows, loc_rows, hist_rows, examples = [], [], [], [], {}
    for task in tasks:
        with ctx.timer(f"train {task}"):
            train = make_search_images(task, SET_SIZES, s["n_per_cell"], size, seed=ctx.seed_for("train", task))
            val = make_search_images(task, SET_SIZES, s["n_val"], size, seed=ctx.seed_for("val", task))
            model = seeded_network(arch, seed=_seed(ctx, "init", task), **NETWORKS[arch])
            res, first, hist = train_search_network(model, train, val, s, seed_of=lambda *key: _seed(ctx, *key), task=task)
            del train
            hist_rows.append(hist.assign(task=task))
        with ctx.timer(f"noise {task}"):
            small = val.subset(val.table["set_size"].to_numpy() == SET_SIZES[0])
            sd = s["noise"] or calibrate_noise(model, small, s["noise_target"], seed=_seed(ctx, "calibrate", task))
        with ctx.timer(f"evaluate {task}"):
            test = make_search_images(task, SET_SIZES, s["n_test"], size, seed=ctx.seed_for("test", task))
            nets = {"full": (model, 0.0), "limited": (first, 0.0), "noisy": (model, sd)}
            for cond, (net, noise_sd) in progress(nets.items(), desc=f"evaluate {task}", unit="network"):  # quiet unless a terminal
                ev = evaluate(net, test, noise=noise_sd, seed=_seed(ctx, "noise", task))
                preds.append(ev.assign(network=f"{arch}-{cond}"))
                net_rows.append(chance_test(ev).assign(network=f"{arch}-{cond}", condition=cond, task=task, noise_sd=noise_sd,
                                                       best_epoch=0 if cond == "limited" else res.best_epoch,
                                                       epochs_run=1 if cond == "limited" else len(res.history)))
            present = test.subset(test.table["target_present"].to_numpy())
            for cond in ("full", "limited"):
                loc_rows.append(_localisation(nets[cond][0], present, f"{arch}-{cond}", size, deletion=cond == "full"))
            loc_rows.append(_saliency_localisation(present, size))
            examples[task] = _example(model, present, size)

    networks = pd.concat(net_rows, ignore_index=True)[list(TABLES["networks"].columns)]
    flags = networks.set_index(["network", "task"])["at_chance"]
    preds = pd.concat(preds, ignore_index=True)
    accuracy = (
        preds.groupby(["network", "task", "set_size", "target_present"], observed=True)
        .agg(accuracy=("correct", "mean"), confidence=("confidence", "mean"), p_present=("p_present", "mean"), n=("correct", "size"))
        .reset_index()
    )
    localisation = pd.concat(loc_rows, ignore_index=True)
    localisation["at_chance"] = _flag(localisation, flags)
    effect = set_size_effect(accuracy, tasks, np.random.default_rng(ctx.seed_for("bootstrap")))
    effect["at_chance"] = _flag(effect.rename(columns={"source": "network"}), flags)
    ctx.write_table(networks, "networks.csv")
    ctx.write_table(accuracy, "accuracy.csv")
    ctx.write_table(localisation[list(TABLES["localisation"].columns)], "localisation.csv")
    ctx.write_table(effect[list(TABLES["set_size_effect"].columns)], "set_size_effect.csv")
    ctx.write_table(pd.concat(hist_rows, ignore_index=True)[list(TABLES["training"].columns)], "training.csv")
    ctx.metadata.update(settings=s, network=arch, network_config=NETWORKS[arch], image_size_px=size,
                        glyph_stroke_px=round(stroke_width(size), 2))
    ctx.use_dataset("wolfe2010")  # the human slopes beside the networks' (shipped derived summary)
    from psysim.report.cnn_search import render

    render(ctx.out, _info(ctx.metadata, ctx.seed, ctx.quick), ctx.out / "report.html", TABLES,
           lang=ctx.lang, save_figure=ctx.save_figure, examples=examples)


def train_search_network(model, train, val, settings: dict, seed_of, task: str):
    """The experiment's training recipe, in place on ``model``.

    Stage 1 (``settings["pretrain_epochs"]`` > 0): single-item crops (:func:`crop_size`, two
    per display, shifted by up to 2 px). Stage 2: whole displays for at most
    ``settings["epochs"]`` epochs, stopping when the validation loss has not fallen by
    :data:`MIN_DELTA` for ``settings["patience"]`` epochs; the weights of the best epoch are
    kept. ``seed_of(*key)`` gives the integer seed of each random stream (``ctx``'s streams in
    the experiment). Returns the stage-2 :class:`~psysim.networks.TrainResult`, a copy of the network after
    its first display epoch, and the history of both stages (``condition`` = ``items`` /
    ``full``).
    """
    from psysim.networks import centre_logits, item_crops, train_network

    size = train.size[0]
    hist = []
    if settings["pretrain_epochs"]:
        crops = item_crops(train, crop_size(size), per_display=2, seed=seed_of("crops", task))
        vcrops = item_crops(val, crop_size(size), seed=seed_of("crops", task, "val"))
        pre = train_network(model, crops, vcrops, epochs=settings["pretrain_epochs"], batch_size=128,
                            augmentation={"shift": 2}, seed=seed_of("train", task, "items"), recalibrate_bn=RECALIBRATE)
        hist.append(pre.history.assign(condition="items"))
    first = {}

    def keep_first(epoch, net, _row):
        if epoch == 0:
            first["net"] = copy.deepcopy(net)

    res = train_network(model, train, val, epochs=settings["epochs"], patience=settings["patience"], augmentation={},
                        min_delta=MIN_DELTA, seed=seed_of("train", task, "full"), recalibrate_bn=RECALIBRATE, on_epoch=keep_first)
    hist.append(res.history.assign(condition="full"))
    for net in (model, first["net"]):
        centre_logits(net)  # same answers; the CAM of "present" maps its evidence against "absent"
    return res, first["net"], pd.concat(hist, ignore_index=True)


def crop_size(size: int) -> int:
    """Side (px) of the single-item crops of the first training stage: about 1.5 item sizes
    (0.125 of the display side), a multiple of the stem's 4 px."""
    return 4 * max(2, round(0.03 * size))


def stroke_width(size: int) -> float:
    """Width in pixels of a digital 2/5 stroke at render size ``size`` (psysim/displays/render.py:
    0.18 glyph units, a glyph unit being half the item size, 0.085 of the field)."""
    from psysim.displays.generate import load_stimulus_set

    return 0.09 * load_stimulus_set().geometry.item_size * size


def chance_test(ev: pd.DataFrame, alpha: float = ALPHA) -> pd.DataFrame:
    """Is held-out accuracy above chance (0.5; target presence is balanced)?

    One-sided exact binomial test of the number of correct answers over all test displays.
    Returns one row: ``n, accuracy, min_set_size_accuracy`` (lowest accuracy of any set size),
    ``p_value`` and ``at_chance`` (``p_value >= alpha``).
    """
    from scipy.stats import binomtest

    k, n = int(ev["correct"].sum()), len(ev)
    p = float(binomtest(k, n, 0.5, alternative="greater").pvalue) if n else 1.0
    low = float(ev.groupby("set_size")["correct"].mean().min()) if n else float("nan")
    return pd.DataFrame([{"n": n, "accuracy": k / n if n else float("nan"), "min_set_size_accuracy": low,
                          "p_value": p, "at_chance": p >= alpha}])


def calibrate_noise(model, data, target: float, seed: int, high: float = 1.0, steps: int = 7) -> float:
    """SD of Gaussian pixel noise (image units 0-1) at which the network's accuracy on ``data``
    is ``target``.

    Bisection on ``[0, high]`` with the same noise pattern at every step (common random
    numbers, so accuracy falls smoothly with the SD). Returns 0 when the clean accuracy is
    already at or below ``target`` and ``high`` when even that much noise leaves it above.
    """
    from psysim.networks import evaluate

    def acc(sd: float) -> float:
        return float(evaluate(model, data, noise=sd, seed=seed)["correct"].mean())

    if acc(0.0) <= target:
        return 0.0
    if acc(high) > target:
        return float(high)
    lo, hi = 0.0, float(high)
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if acc(mid) > target else (lo, mid)
    return round(0.5 * (lo + hi), 4)


def _flag(table: pd.DataFrame, flags: pd.Series) -> np.ndarray:
    """``at_chance`` of each row's (network, task); sources that are no network (Itti-Koch,
    people) are never flagged."""
    keys = pd.MultiIndex.from_frame(table[["network", "task"]])
    return flags.reindex(keys).fillna(False).astype(bool).to_numpy()


def _example(model, present, size: int) -> dict:
    """One display of set size 12 with the full network's CAM and Grad-CAM and its Itti-Koch map."""
    from psysim.networks import class_activation_maps

    ex = present.subset(present.table["set_size"].to_numpy() == SET_SIZES[-2])
    x = ex.tensor(slice(0, 1))
    return {
        "image": ex.images[0].permute(1, 2, 0).numpy(),
        "cam": class_activation_maps(model, x, target=1, method="cam").maps[0].numpy(),
        "gradcam": class_activation_maps(model, x, target=1, method="gradcam").maps[0].numpy(),
        "saliency": _saliency_maps(ex.displays, ex.table["display_id"].to_numpy()[:1], size)[0],
    }


def _localisation(model, present, network: str, size: int, deletion: bool = True) -> pd.DataFrame:
    """Per set size: mean pointing game, energy-based pointing and (``deletion``) deletion and
    insertion AUC (18 forward passes per display, so only for the trained network)."""
    from psysim.networks import (
        class_activation_maps,
        deletion_insertion,
        energy_pointing,
        pointing_game,
        target_box_array,
    )

    boxes = target_box_array(present.displays, present.table["display_id"], size)
    x = present.tensor()
    rows = []
    for method in ("cam", "gradcam"):
        maps = class_activation_maps(model, x, target=1, method=method).maps
        per = pd.DataFrame({
            "set_size": present.table["set_size"].to_numpy(),
            "pointing_game": pointing_game(maps, boxes).astype(float),
            "energy_pointing": energy_pointing(maps, boxes),
        })
        if deletion:
            di = deletion_insertion(model, x, maps, np.ones(len(x), dtype=int), steps=8)
            per["deletion_auc"] = di["deletion_auc"].to_numpy()
            per["insertion_auc"] = di["insertion_auc"].to_numpy()
        rows.append(_long(per, network, method, present.table["task"].iloc[0]))
    return pd.concat(rows, ignore_index=True)


def _saliency_maps(displays, display_ids, size: int) -> np.ndarray:
    """Itti-Koch saliency maps of the displays, resampled onto the ``size`` px image grid."""
    from scipy import ndimage

    from psysim.displays import render
    from psysim.saliency import IttiKoch

    maps = IttiKoch().saliency_map(render(displays, display_ids, size=SALIENCY_RENDER))
    # map pixel j sits at render pixel 16 j (pyramid keeps even samples); image pixel i's centre
    # is at render coordinate (i + 0.5) * SALIENCY_RENDER / size - 0.5
    coord = ((np.arange(size) + 0.5) * SALIENCY_RENDER / size - 0.5) / 16.0
    yy, xx = np.meshgrid(coord, coord, indexing="ij")
    out = np.stack([ndimage.map_coordinates(m, [yy, xx], order=1, mode="nearest") for m in maps])
    lo = out.min((1, 2), keepdims=True)
    span = out.max((1, 2), keepdims=True) - lo
    return np.divide(out - lo, span, out=np.zeros_like(out), where=span > 0)


def _saliency_localisation(present, size: int) -> pd.DataFrame:
    from psysim.networks import energy_pointing, pointing_game, target_box_array

    ids = present.table["display_id"].to_numpy()
    maps = _saliency_maps(present.displays, ids, size)
    boxes = target_box_array(present.displays, ids, size)
    per = pd.DataFrame({
        "set_size": present.table["set_size"].to_numpy(),
        "pointing_game": pointing_game(maps, boxes).astype(float),
        "energy_pointing": energy_pointing(maps, boxes),
    })
    return _long(per, "itti-koch", "saliency", present.table["task"].iloc[0])


def _long(per: pd.DataFrame, network: str, method: str, task: str) -> pd.DataFrame:
    g = per.groupby("set_size").mean().reset_index().melt(id_vars="set_size", var_name="metric", value_name="value")
    return g.assign(network=network, method=method, task=task)


def _slope(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    return float(np.polyfit(x, y, 1)[0]) if len(np.unique(x)) > 1 else float("nan")


def slope_interval(set_sizes, k, n, rng, n_boot: int = 2000, level: float = 0.95) -> tuple[float, float]:
    """Parametric-bootstrap interval of the least-squares slope of error rate on set size.

    Each resample draws the number of errors of every set size from a binomial with that set
    size's observed error rate and count, and refits the slope; the interval holds the central
    ``level`` share of the resampled slopes (units: proportion per item).
    """
    x = np.asarray(set_sizes, float)
    k, n = np.asarray(k, int), np.asarray(n, int)
    if len(np.unique(x)) < 2:
        return float("nan"), float("nan")
    err = rng.binomial(n, k / n, size=(n_boot, len(n))) / n
    xc = x - x.mean()
    slopes = (err - err.mean(1, keepdims=True)) @ xc / (xc @ xc)
    lo, hi = np.quantile(slopes, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def set_size_effect(accuracy: pd.DataFrame, tasks, rng) -> pd.DataFrame:
    """Per network x task x presence: slope of error rate (%/item, with a parametric-bootstrap
    95 % interval) and of confidence (%/item) against set size, beside the human RT slope
    (ms/item) and error-rate slope (%/item) of Wolfe et al. (2010)."""
    from psysim.data import load_wolfe2010_summary
    from psysim.stats import search_slopes

    rows = []
    for (net, task, tp), g in accuracy.groupby(["network", "task", "target_present"]):
        errors = np.rint((1 - g["accuracy"]) * g["n"]).astype(int)
        lo, hi = slope_interval(g["set_size"], errors, g["n"], rng)
        rows.append({
            "source": net, "task": task, "target_present": tp,
            "error_slope_pct_per_item": 100 * _slope(g["set_size"], 1 - g["accuracy"]),
            "error_slope_ci_low": 100 * lo, "error_slope_ci_high": 100 * hi,
            "confidence_slope_pct_per_item": 100 * _slope(g["set_size"], g["confidence"]),
            "rt_slope_ms_per_item": np.nan,
        })
    human = load_wolfe2010_summary()
    human = human[human["task"].isin(tasks)]
    if len(human):
        rt = search_slopes(human).set_index(["task", "target_present"])["slope"]
        err = human.groupby(["task", "target_present", "set_size"])["error_rate"].mean().reset_index()
        for (task, tp), g in err.groupby(["task", "target_present"]):
            rows.append({
                "source": "wolfe2010", "task": task, "target_present": bool(tp),
                "error_slope_pct_per_item": 100 * _slope(g["set_size"], g["error_rate"]),
                "error_slope_ci_low": np.nan, "error_slope_ci_high": np.nan,
                "confidence_slope_pct_per_item": np.nan,
                "rt_slope_ms_per_item": float(rt.get((task, bool(tp)), np.nan)),
            })
    return pd.DataFrame(rows)


def _info(meta: dict, seed, quick) -> dict:
    return {"seed": seed, "quick": quick, "settings": meta.get("settings", {}),
            "glyph_stroke_px": meta.get("glyph_stroke_px"), "network_config": meta.get("network_config", {})}


def report(run_dir, lang: str = "en", out=None):
    """Re-render the report of a cnn-search run folder from its tables (``psysim report
    RUN_DIR [--lang ja]``); the figure of example maps needs the networks and is left out."""
    from psysim.cli.report import report_inputs
    from psysim.report.cnn_search import render

    run_dir, meta, out = report_inputs(run_dir, NAME, lang, out, tables=TABLES.values())
    return render(run_dir, _info(meta, meta.get("seed"), meta.get("quick")), out, TABLES, lang=lang)


if __name__ == "__main__":
    from psysim.cli import main

    raise SystemExit(main(["run", NAME, *__import__("sys").argv[1:]]))
