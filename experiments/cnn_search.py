"""Experiment `cnn-search`: does a CNN that searches show a set-size effect, and where does it look?

A small global-average-pooling CNN (:class:`psysim.networks.GapCNN`, Zhou et al. 2016) is
trained per task to answer "target present?" on psysim's search displays (feature, conjunction
and spatial configuration search of Wolfe, Palmer & Horowitz 2010; mixed set sizes 3-18,
augmentation, early stopping). Then, on fresh displays:

1. **Set-size effect of the network.** Accuracy and confidence (probability of the chosen
   answer) per task x set size, for the fully trained network, for a network trained for one
   epoch only ("limited"), and for the full network with Gaussian pixel noise added ("noise").
   The network answers in one feed-forward pass, so it has no RT; its set-size effect is the
   slope of error rate and of confidence against set size. Beside it: the human RT slopes
   (ms/item) and error-rate slopes of Wolfe et al. (2010).
2. **Where it looks.** CAM (Zhou et al. 2016) and Grad-CAM (Selvaraju et al. 2017) of the
   "present" class on target-present displays; pointing game, energy-based pointing and
   deletion/insertion AUC against the target's box; the same pointing metrics for the Itti, Koch
   & Niebur (1998) saliency map of the same displays.
3. Figures: accuracy and confidence by set size, localisation by set size, maps over displays.

Writes ``accuracy.csv``, ``localisation.csv`` (``network, method, task, set_size, metric,
value``), ``set_size_effect.csv``, ``training.csv`` and ``report.html``.

Options (``--set key=value``, declared in :data:`OPTIONS`; ``psysim options cnn-search`` lists
them): ``n_per_cell`` (training displays per task x set size x presence), ``n_test``,
``epochs``, ``image_size``, ``tasks`` (comma-separated), ``arch`` (gapcnn or mbconv), ``noise``
(pixel noise SD, 0-1 units), ``threads``.

Run:  psysim run cnn-search [--quick] [--seed N] [--out DIR]
  or  python -m psysim.experiments.cnn_search --quick
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.options import Option
from psysim.progress import progress
from psysim.tables import TableSpec

NAME = "cnn-search"
DESCRIPTION = "CNNs trained on search displays: set-size effect of accuracy/confidence, CAM/Grad-CAM localisation vs Itti-Koch and humans"

TASKS = ("feature", "conjunction", "spatial")
SET_SIZES = (3, 6, 12, 18)
SALIENCY_RENDER = 512  # Itti-Koch maps are computed at psysim's standard saliency render size

TABLES = {
    "accuracy": TableSpec("accuracy.csv", {"network": "str", "task": "str", "set_size": "int", "target_present": "bool",
                                           "accuracy": "float", "confidence": "float", "p_present": "float", "n": "int"},
                          keys=("network", "task", "set_size", "target_present")),
    "localisation": TableSpec("localisation.csv", {"network": "str", "method": "str", "task": "str", "set_size": "int",
                                                   "metric": "str", "value": "float"},
                              keys=("network", "method", "task", "set_size", "metric"), nullable=("value",)),
    "set_size_effect": TableSpec("set_size_effect.csv", {"source": "str", "task": "str", "target_present": "bool",
                                                         "error_slope_pct_per_item": "float",
                                                         "confidence_slope_pct_per_item": "float",
                                                         "rt_slope_ms_per_item": "float"},
                                 keys=("source", "task", "target_present"),
                                 nullable=("error_slope_pct_per_item", "confidence_slope_pct_per_item", "rt_slope_ms_per_item")),
    "training": TableSpec("training.csv", {"epoch": "int", "train_loss": "float", "train_acc": "float",
                                           "task": "str", "condition": "str"},
                          keys=("task", "condition", "epoch"), nullable=("train_loss", "train_acc")),
}
"""The run folder's tables, checked when the run writes them and when `psysim report` reads them."""

OPTIONS = (
    Option("n_per_cell", int, 100, quick=12, low=1, high=10_000,
           help="training displays per task x set size x presence cell"),
    Option("n_test", int, 40, quick=6, low=1, high=10_000, help="test displays per task x set size x presence cell"),
    Option("epochs", int, 8, quick=2, low=1, high=1000, help="training epochs of the full network (early stopping may end sooner)"),
    Option("image_size", int, 128, low=32, high=1024, help="side of the rendered displays the network sees, in pixels"),
    Option("arch", str, "gapcnn", choices=("gapcnn", "mbconv"), help="network: GAP CNN (Zhou et al. 2016) or MBConv (Tan & Le 2019)"),
    Option("noise", float, 0.1, low=0.0, high=1.0, help="SD of the Gaussian pixel noise of the 'noise' condition (pixel values 0-1)"),
    Option("tasks", str, ",".join(TASKS), choices=TASKS, multiple=True, help="search tasks to train and test, comma-separated"),
    Option("threads", int, 2, low=1, high=256, help="torch CPU threads"),
)


def _seed(ctx, *key) -> int:
    return int(ctx.seed_for(*key).generate_state(1)[0])


def run(ctx):
    import torch

    from psysim.networks import (
        class_activation_maps,
        evaluate,
        make_search_images,
        seeded_network,
        train_network,
    )

    torch.set_num_threads(ctx.option("threads"))
    n_train = ctx.option("n_per_cell")
    n_test = ctx.option("n_test")
    epochs = ctx.option("epochs")
    size = ctx.option("image_size")
    arch = ctx.option("arch")
    noise = ctx.option("noise")
    tasks = tuple(dict.fromkeys(t.strip() for t in ctx.option("tasks").split(",")))

    acc_rows, loc_rows, hist_rows, examples = [], [], [], {}
    for task in tasks:
        with ctx.timer(f"train {task}"):
            train = make_search_images(task, SET_SIZES, n_train, size, seed=ctx.seed_for("train", task))
            val = make_search_images(task, SET_SIZES, max(4, n_train // 4), size, seed=ctx.seed_for("val", task))
            nets = {}
            for cond, n_ep in (("full", epochs), ("limited", 1)):
                model = seeded_network(arch, seed=_seed(ctx, "init", task))
                res = train_network(model, train, val, epochs=n_ep, augmentation={}, seed=_seed(ctx, "train", task, cond), recalibrate_bn=True)
                nets[cond] = model
                hist_rows.append(res.history.assign(task=task, condition=cond))
        with ctx.timer(f"evaluate {task}"):
            test = make_search_images(task, SET_SIZES, n_test, size, seed=ctx.seed_for("test", task))
            conds = (("full", nets["full"], 0.0), ("limited", nets["limited"], 0.0), ("noise", nets["full"], noise))
            for cond, model, sd in progress(conds, desc=f"evaluate {task}", unit="network"):  # quiet unless a terminal
                ev = evaluate(model, test, noise=sd, seed=_seed(ctx, "noise", task))
                acc_rows.append(ev.assign(network=f"{arch}-{cond}"))
            present = test.subset(test.table["target_present"].to_numpy())
            for cond in ("full", "limited"):
                loc_rows.append(_localisation(nets[cond], present, f"{arch}-{cond}", size))
            loc_rows.append(_saliency_localisation(present, size))
            ex = present.subset(present.table["set_size"].to_numpy() == SET_SIZES[-2])
            x = ex.tensor(slice(0, 1))
            examples[task] = {
                "image": ex.images[0].permute(1, 2, 0).numpy(),
                "cam": class_activation_maps(nets["full"], x, target=1, method="cam").maps[0].numpy(),
                "gradcam": class_activation_maps(nets["full"], x, target=1, method="gradcam").maps[0].numpy(),
                "saliency": _saliency_maps(ex.displays, ex.table["display_id"].to_numpy()[:1], size)[0],
            }

    preds = pd.concat(acc_rows, ignore_index=True)
    accuracy = (
        preds.groupby(["network", "task", "set_size", "target_present"], observed=True)
        .agg(accuracy=("correct", "mean"), confidence=("confidence", "mean"), p_present=("p_present", "mean"), n=("correct", "size"))
        .reset_index()
    )
    localisation = pd.concat(loc_rows, ignore_index=True)[["network", "method", "task", "set_size", "metric", "value"]]
    effect = set_size_effect(accuracy, tasks)
    ctx.write_table(accuracy, "accuracy.csv")
    ctx.write_table(localisation, "localisation.csv")
    ctx.write_table(effect, "set_size_effect.csv")
    ctx.write_table(pd.concat(hist_rows, ignore_index=True), "training.csv")
    ctx.metadata.update(network=arch, image_size_px=size, train_displays_per_cell=n_train, test_displays_per_cell=n_test, epochs=epochs, noise_sd=noise)
    _report(ctx, accuracy, localisation, effect, examples, tasks, dict(arch=arch, size=size, n_train=n_train, n_test=n_test, epochs=epochs, noise=noise))


def _localisation(model, present, network: str, size: int) -> pd.DataFrame:
    """Per set size: mean pointing game, energy-based pointing, deletion and insertion AUC."""
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
        di = deletion_insertion(model, x, maps, np.ones(len(x), dtype=int), steps=8)
        per = pd.DataFrame({
            "set_size": present.table["set_size"].to_numpy(),
            "pointing_game": pointing_game(maps, boxes).astype(float),
            "energy_pointing": energy_pointing(maps, boxes),
            "deletion_auc": di["deletion_auc"].to_numpy(),
            "insertion_auc": di["insertion_auc"].to_numpy(),
        })
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


def set_size_effect(accuracy: pd.DataFrame, tasks) -> pd.DataFrame:
    """Per network x task x presence: slopes of error rate (%/item) and confidence (%/item)
    against set size, beside the human RT slope (ms/item) and error-rate slope (%/item) of
    Wolfe et al. (2010)."""
    from psysim.data import load_wolfe2010_summary
    from psysim.stats import search_slopes

    rows = []
    for (net, task, tp), g in accuracy.groupby(["network", "task", "target_present"]):
        rows.append({
            "source": net, "task": task, "target_present": tp,
            "error_slope_pct_per_item": 100 * _slope(g["set_size"], 1 - g["accuracy"]),
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
                "confidence_slope_pct_per_item": np.nan,
                "rt_slope_ms_per_item": float(rt.get((task, bool(tp)), np.nan)),
            })
    return pd.DataFrame(rows)


def _verdict(effect: pd.DataFrame, arch: str, tasks) -> str:
    """Plain-language answer, computed from the table: is the network's set-size effect human-like?"""
    full = effect[(effect["source"] == f"{arch}-full") & effect["target_present"]].set_index("task")
    human = effect[(effect["source"] == "wolfe2010") & effect["target_present"]].set_index("task")
    lines = []
    for task in tasks:
        if task not in full.index:
            continue
        e, c = full.loc[task, "error_slope_pct_per_item"], full.loc[task, "confidence_slope_pct_per_item"]
        h = human.loc[task, "rt_slope_ms_per_item"] if task in human.index else np.nan
        lines.append(
            f"{task}: the fully trained network's error rate changes by {e:+.2f} %/item and its confidence by "
            f"{c:+.2f} %/item on target-present displays; people's RT slope is {h:.1f} ms/item."
        )
    common = [t for t in tasks if t in full.index and t in human.index]
    if len(common) >= 2:
        net_order = full.loc[common, "error_slope_pct_per_item"] - full.loc[common, "confidence_slope_pct_per_item"]
        hum_order = human.loc[common, "rt_slope_ms_per_item"]
        from scipy.stats import spearmanr

        rho = spearmanr(net_order.to_numpy(), hum_order.to_numpy()).statistic
        flat = (full.loc[common, "error_slope_pct_per_item"].abs() < 0.1).all()
        lines.append(
            f"Ordering of tasks by set-size cost (network: error slope minus confidence slope; people: RT slope): "
            f"Spearman rho = {rho:.2f} over {len(common)} tasks. "
            + (
                "The network's accuracy hardly depends on set size in any task (all error slopes within +/-0.1 %/item): "
                "it does not show a human-like set-size effect in accuracy; any effect is in its confidence."
                if flat
                else "The network loses accuracy with set size in some tasks; whether this mirrors people depends on the "
                "ordering above (rho near 1: the same tasks are hard for both)."
            )
        )
    return "\n\n".join(lines)


def _report(ctx, accuracy, localisation, effect, examples, tasks, info):
    import matplotlib.pyplot as plt
    import seaborn as sns

    from psysim.report import Report

    arch = info["arch"]
    r = Report("Network attention in visual search: set-size effect and CAM localisation")
    r.text(
        f"A {arch} network ({info['size']} x {info['size']} px displays) was trained per task for up to "
        f"{info['epochs']} epochs on {info['n_train']} displays per task x set size x presence (mixed set sizes "
        f"{', '.join(map(str, SET_SIZES))}), and tested on {info['n_test']} fresh displays per cell. 'limited' is "
        f"the same network trained for one epoch; 'noise' is the fully trained network tested with Gaussian "
        f"pixel noise of SD {info['noise']} (image units 0-1)."
    )
    r.heading("Set-size effect")
    r.text(_verdict(effect, arch, tasks))
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    pres = accuracy[accuracy["target_present"]]
    sns.lineplot(pres, x="set_size", y="accuracy", hue="task", style="network", marker="o", ax=axes[0])
    sns.lineplot(pres, x="set_size", y="confidence", hue="task", style="network", marker="o", ax=axes[1], legend=False)
    for ax in axes:
        ax.set_xlabel("set size (items)")
    axes[0].set_title("accuracy, target present")
    axes[1].set_title("confidence (p of chosen answer), target present")
    fig.tight_layout()
    ctx.save_figure(fig, "accuracy_set_size.png")
    r.figure(fig, "Accuracy and confidence of the networks against set size (target-present displays).")
    r.table(effect, caption="Set-size slopes: networks (error and confidence, %/item) and people (Wolfe et al. 2010: RT ms/item, errors %/item).", digits=2)
    r.heading("Where the network looks")
    pg = localisation[localisation["metric"].isin(["pointing_game", "energy_pointing"])]
    g = sns.relplot(pg, x="set_size", y="value", hue="network", style="method", col="task", row="metric", kind="line", marker="o", height=2.8, aspect=1.2)
    g.set_axis_labels("set size (items)", "")
    ctx.save_figure(g.figure, "localisation_set_size.png")
    r.figure(g.figure, "Pointing game (share of maps whose maximum lies on the target) and energy-based pointing (share of the map inside the target box).")
    summary = localisation.groupby(["network", "method", "task", "metric"])["value"].mean().unstack("metric").reset_index()
    r.table(summary, caption="Localisation averaged over set sizes (deletion AUC: lower is better; insertion AUC: higher is better).", digits=3)
    fig, axes = plt.subplots(len(examples), 4, figsize=(11, 2.8 * len(examples)), squeeze=False)
    for row, (task, ex) in zip(axes, examples.items()):
        row[0].imshow(ex["image"])
        row[0].set_title(f"{task}: display")
        for ax, key in zip(row[1:], ("cam", "gradcam", "saliency")):
            ax.imshow(ex["image"])
            ax.imshow(ex[key], cmap="jet", alpha=0.5, vmin=0, vmax=1)
            ax.set_title({"cam": "CAM", "gradcam": "Grad-CAM", "saliency": "Itti-Koch saliency"}[key])
        for ax in row:
            ax.axis("off")
    fig.tight_layout()
    ctx.save_figure(fig, "maps.png")
    r.figure(fig, f"Maps of the fully trained network (class 'present') and Itti-Koch saliency over one display per task (set size {SET_SIZES[-2]}).")
    r.cite("Zhou, B., Khosla, A., Lapedriza, A., Oliva, A., & Torralba, A. (2016). Learning deep features for discriminative localization. CVPR, 2921-2929.")
    r.cite("Selvaraju, R. R., Cogswell, M., Das, A., Vedantam, R., Parikh, D., & Batra, D. (2017). Grad-CAM: Visual explanations from deep networks via gradient-based localization. ICCV, 618-626.")
    r.cite("Itti, L., Koch, C., & Niebur, E. (1998). A model of saliency-based visual attention for rapid scene analysis. IEEE TPAMI, 20(11), 1254-1259.")
    r.cite("Petsiuk, V., Das, A., & Saenko, K. (2018). RISE: Randomized input sampling for explanation of black-box models. BMVC.")
    try:
        from psysim.data import WOLFE2010

        ctx.use_dataset("wolfe2010")
        r.cite(WOLFE2010.citation, WOLFE2010.licence)
    except Exception:  # the derived summary is shipped; the registry entry is only for the citation
        pass
    r.write(ctx.out / "report.html", metadata={"experiment": NAME, "seed": ctx.seed, "quick": ctx.quick, **{k: v for k, v in info.items()}})


if __name__ == "__main__":
    from psysim.cli import main

    raise SystemExit(main(["run", NAME, *__import__("sys").argv[1:]]))
