"""Experiment `saliency-popout`: does bottom-up saliency explain pop-out and serial search?

The Itti, Koch & Niebur (1998) model is run on psysim's search displays: colour feature search
(red among green, Wolfe et al. 2010), orientation feature search (45 deg among vertical),
conjunction search (red vertical among green vertical and red horizontal) and spatial
configuration search (2 among 5s), at set sizes 3, 6, 12 and 18.

Two variants of the model run on the same displays: the paper's (``saliency``: one map per
centre-surround difference ``|X(c) - X(s)|``) and the variant with on- and off-centre intensity
and colour cells kept apart (``saliency-onoff``, ``IttiKoch(on_off=True)``, after Frintrop 2005):
with ``|R - G|`` a red and a green bar excite the same map, so the paper's model has no map in
which a red singleton among green bars stands alone.

1. For every target-present display: the target's saliency rank among the items (1 = most
   salient) and whether the first winner-take-all fixation lands on the target (the item
   nearest the saliency-map maximum).
2. The search slopes that the WTA order implies: the `saliency` search model (RT = base +
   visits x dwell, exhaustive on absent trials) on the same displays, beside the human slopes of
   Wolfe, Palmer & Horowitz (2010).
3. Resolution: the strict top-item rate of the item-pooled priority map (as the softmax
   saliency maps read it) on feature displays against render size (128-1024 px).
4. Channels: per conspicuity map and normalisation (``maxnorm``, ``iterative``), the share of
   S at the target vs the best distractor and how often each map peaks on the target; the
   report's explanation of the colour result is written from these figures.
5. Figures: example maps and scanpaths, target rank and first-fixation rate by set size,
   slopes, the resolution curve.

Run:  psysim run saliency-popout [--quick] [--seed N] [--out DIR]
  or  python -m psysim.experiments.saliency_popout --quick
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.displays import make_displays, render
from psysim.models import get_model
from psysim.models.saliency_search import RENDER_SIZE, display_maps, item_saliency
from psysim.options import Option
from psysim.report import Report
from psysim.tables import TableSpec

NAME = "saliency-popout"
DESCRIPTION = "Itti-Koch saliency on feature, conjunction and spatial search displays: target rank, first fixations, implied slopes"

TASKS = ("feature", "orientation", "conjunction", "spatial")
HUMAN_TASKS = ("feature", "conjunction", "spatial")
SET_SIZES = (3, 6, 12, 18)
VARIANTS = {"saliency": False, "saliency-onoff": True}
"""Search-model name -> ``on_off`` of its IttiKoch model."""

_TRIALS = {"source": "str", "subject": "any", "task": "str", "set_size": "int", "target_present": "bool",
           "response": "bool", "correct": "bool", "rt": "float"}
TABLES = {
    "targets": TableSpec("targets.csv", {"model": "str", "display_id": "int", "task": "str", "set_size": "int",
                                          "target_rank": "int", "first_fixation_on_target": "bool"}),
    "first_fixation": TableSpec("first_fixation.csv", {"model": "str", "task": "str", "set_size": "int",
                                                       "first_fixation_rate": "float", "mean_rank": "float",
                                                       "rank1_rate": "float", "n": "int"},
                                keys=("model", "task", "set_size")),
    "trials": TableSpec("trials.csv", {**_TRIALS, "n_attended": "int", "target_rank": "int", "display_id": "int"}),
    "resolution": TableSpec("resolution.csv", {"model": "str", "size_px": "int", "map_px_per_item": "float",
                                               "top_rate": "float", "n": "int"}, keys=("model", "size_px")),
    "channels": TableSpec("channels.csv", {"normalization": "str", "map": "str", "target": "float",
                                           "best_distractor": "float", "peak_on_target": "float", "n": "int"},
                          keys=("normalization", "map")),
    "slopes": TableSpec("slopes.csv", {"source": "str", "task": "str", "target_present": "bool", "slope": "float",
                                       "ci_low": "float", "ci_high": "float", "n_subjects": "int", "method": "str"},
                        keys=("source", "task", "target_present"), nullable=("slope", "ci_low", "ci_high")),
}
"""The run folder's tables, checked when the run writes them and when `psysim report` reads them."""

OPTIONS = (
    Option("n_per_cell", int, 40, quick=8, low=1, high=10_000,
           help="generated displays per task x set size x presence cell"),
    Option("n_resolution", int, 20, quick=4, low=1, high=10_000,
           help="feature displays per set size (6, 12, 18) for the resolution curve and the channel figures"),
)
RESOLUTION_SIZES = (128, 256, 512, 1024)
"""Render sizes (px) of the top-item-rate curve."""


def target_table(displays, size: int = RENDER_SIZE, on_off: bool = False) -> pd.DataFrame:
    """Per target-present display: target saliency rank and whether the first fixation hits it."""
    sal = item_saliency(displays, size, on_off=on_off)
    items = displays.items.assign(saliency=sal.to_numpy())
    ids, maps = display_maps(displays, size, on_off=on_off)
    flat = maps.reshape(len(ids), -1).argmax(axis=1)
    my, mx = np.divmod(flat, maps.shape[2])
    # the WTA winner of the map, in unit-square display coordinates (map pixel j = image px 16 j)
    win = pd.DataFrame({"display_id": ids, "wx": (mx * 16 + 0.5) / size, "wy": (my * 16 + 0.5) / size})
    items = items.merge(win, on="display_id")
    items["dist"] = np.hypot(items["x"] - items["wx"], items["y"] - items["wy"])
    nearest = items.loc[items.groupby("display_id")["dist"].idxmin(), ["display_id", "is_target"]]
    t = items[items["is_target"]].copy()
    higher = items.merge(t[["display_id", "saliency"]].rename(columns={"saliency": "t_sal"}), on="display_id")
    rank = (higher["saliency"] > higher["t_sal"]).groupby(higher["display_id"]).sum() + 1
    out = displays.displays[displays.displays["target_present"]].merge(
        rank.rename("target_rank").reset_index(), on="display_id"
    )
    out = out.merge(nearest.rename(columns={"is_target": "first_fixation_on_target"}), on="display_id")
    return out[["display_id", "task", "set_size", "target_rank", "first_fixation_on_target"]]


def run(ctx):
    from psysim.data import load_wolfe2010_summary
    from psysim.stats import WOLFE2010_TRIM, cell_summary, search_slopes

    n_per_cell = ctx.option("n_per_cell")
    with ctx.timer("saliency"):
        displays = make_displays(TASKS, SET_SIZES, n_per_cell, seed=ctx.seed_for("displays"))
        targets = pd.concat(
            [target_table(displays, on_off=on_off).assign(model=name) for name, on_off in VARIANTS.items()],
            ignore_index=True,
        )
        targets = targets[["model"] + [c for c in targets.columns if c != "model"]]
    rates = (
        targets.groupby(["model", "task", "set_size"])
        .agg(first_fixation_rate=("first_fixation_on_target", "mean"), mean_rank=("target_rank", "mean"),
             rank1_rate=("target_rank", lambda r: float((r == 1).mean())), n=("display_id", "size"))
        .reset_index()
    )
    by_task = {
        name: g.groupby("task")["first_fixation_on_target"].agg(["mean", "size"]).reindex(TASKS)
        for name, g in targets.groupby("model", sort=False)
    }
    with ctx.timer("search model"):
        trials = pd.concat(
            [get_model(name).simulate(displays, seed=ctx.seed_for("simulate")) for name in VARIANTS], ignore_index=True
        )
    with ctx.timer("resolution and channels"):
        from psysim.models.saliency_readout import channel_peaks, top_item_rates

        feat = make_displays(("feature",), (6, 12, 18), ctx.option("n_resolution"), seed=ctx.seed_for("resolution"),
                             target_present=(True,))
        resolution = pd.concat([top_item_rates(feat, RESOLUTION_SIZES, on_off=on_off).assign(model=name)
                                for name, on_off in VARIANTS.items()], ignore_index=True)
        resolution = resolution[["model", "size_px", "map_px_per_item", "top_rate", "n"]]
        channels = channel_peaks(feat, RENDER_SIZE)
    ctx.use_dataset("wolfe2010")
    human = load_wolfe2010_summary()
    human = human[human["task"].isin(HUMAN_TASKS)]
    model_summary = cell_summary(trials, WOLFE2010_TRIM)
    slopes = search_slopes(pd.concat([human, model_summary], ignore_index=True), trials=trials)
    slopes = slopes[["source", "task", "target_present", "slope", "ci_low", "ci_high", "n_subjects", "method"]]

    ctx.write_table(targets, "targets.csv")
    ctx.write_table(rates, "first_fixation.csv")
    ctx.write_table(trials, "trials.csv")
    ctx.write_table(slopes, "slopes.csv")
    ctx.write_table(resolution, "resolution.csv")
    ctx.write_table(channels, "channels.csv")
    ctx.metadata["displays_per_cell"] = n_per_cell
    ctx.metadata["render_size_px"] = RENDER_SIZE

    figs = {
        "examples.png": _example_figure(ctx.seed_for("examples")),
        "first_fixation.png": _rates_figure(rates),
        "slopes.png": _slopes_figure(slopes),
        "resolution.png": _resolution_figure(resolution),
    }
    for name, fig in figs.items():
        ctx.save_figure(fig, name)

    r = Report("Saliency pop-out: the Itti-Koch model on search displays")
    r.text(
        f"{n_per_cell} displays per task x set size x target presence, rendered at {RENDER_SIZE} px; "
        "saliency maps from the Itti, Koch & Niebur (1998) model (psysim.saliency.IttiKoch), as the paper "
        "defines it ('saliency') and with on- and off-centre intensity and colour maps kept apart "
        "('saliency-onoff', Frintrop 2005; a deviation from the paper). "
        "The first fixation is the winner-take-all winner (the map maximum), assigned to the nearest item."
    )
    r.heading("First fixation on the target")
    for name, tab in by_task.items():
        r.text(f"Model '{name}':")
        r.bullets(
            [
                f"{task}: the first fixation lands on the target on {100 * row['mean']:.0f}% of {int(row['size'])} target-present displays"
                for task, row in tab.iterrows()
            ]
        )
    r.text(_verdict(by_task))
    r.heading("Why: the channels at the target")
    r.text(_channel_text(channels, RENDER_SIZE))
    r.table(channels, caption=f"Feature displays at {RENDER_SIZE} px: each channel's share of S (N(map)/3, in units of "
            "the display's saliency maximum, pooled over the item by its maximum) at the target and at the best "
            "distractor (means over displays), and the fraction of displays on which the map is strictly highest at "
            "the target", digits=3)
    r.heading("Resolution: the top-item rate against render size")
    r.text(_resolution_text(resolution))
    r.table(resolution, caption="Fraction of target-present feature displays on which the item-pooled map puts the "
            "target strictly first, by render size", digits=3)
    r.figure(figs["resolution.png"], "Strict top-item rate of the item-pooled saliency map against render size")
    r.table(rates, caption="First-fixation rate, mean target rank and rate of rank 1 by model, task and set size", digits=2)
    r.figure(figs["first_fixation.png"], "First-fixation rate and mean target saliency rank by set size")
    r.heading("Search slopes implied by the WTA order")
    r.text(
        "The saliency search model visits items in decreasing saliency (RT = 450 ms + visits x 50 ms, "
        "exhaustive on absent trials; default parameters, not fitted). Human slopes: Wolfe, Palmer & "
        "Horowitz (2010), t-based 95% CIs over observers; model CIs are OLS over trials."
    )
    r.bullets(_slope_lines(slopes))
    r.table(slopes, caption="Search slopes (ms/item) with 95% CIs", digits=1)
    r.figure(figs["slopes.png"], "Search slopes: model vs. human observers")
    r.figure(figs["examples.png"], "Example displays with the first five WTA fixations (paper's model), and the saliency maps of both variants")
    r.cite("Frintrop, S. (2005). VOCUS: A visual attention system for object detection and goal-directed search. LNAI 3899. Springer.")
    r.cite("Itti, L., Koch, C., & Niebur, E. (1998). A model of saliency-based visual attention for rapid scene analysis. IEEE TPAMI, 20(11), 1254-1259.")
    from psysim.data import WOLFE2010

    r.cite(WOLFE2010.citation, WOLFE2010.licence)
    r.write(ctx.out / "report.html", metadata={"experiment": NAME, "seed": ctx.seed, "quick": ctx.quick, "displays per cell": n_per_cell})


def _verdict(by_task: pd.DataFrame) -> str:
    parts = []
    for name, tab in by_task.items():
        f = tab["mean"]
        words = []
        for task, what in (("feature", "colour singleton (feature task)"), ("orientation", "orientation singleton")):
            word = "nearly always" if f[task] >= 0.9 else "often but not nearly always" if f[task] >= 0.6 else "not reliably"
            words.append(f"the {what} is {word} the first fixation ({100 * f[task]:.0f}%)")
        parts.append(
            f"In '{name}', {words[0]} and {words[1]}; a conjunction target is first on "
            f"{100 * f['conjunction']:.0f}% of displays and a spatial-configuration target on {100 * f['spatial']:.0f}%."
        )
    return " ".join(parts)


def _channel_text(ch: pd.DataFrame, size: int) -> str:
    """The explanation of the colour result, from the channel table (no fixed claims)."""
    parts = []
    for norm, g in ch.groupby("normalization", sort=False):
        t = g.set_index("map")
        chans = [f"{m} {100 * t.loc[m, 'peak_on_target']:.0f}% (share of S at the target {t.loc[m, 'target']:.2f} vs "
                 f"{t.loc[m, 'best_distractor']:.2f} at the best distractor)" for m in ("colour", "intensity", "orientation")]
        carriers = [m for m in ("colour", "intensity", "orientation") if t.loc[m, "peak_on_target"] > 0.5]
        dilute = [m for m in ("colour", "intensity", "orientation")
                  if t.loc[m, "best_distractor"] > t.loc[m, "target"]]
        parts.append(
            f"With normalization='{norm}', the map peaks on the red target on: {'; '.join(chans)}. "
            f"The saliency map S, their equally weighted sum (Itti et al. 1998, Eq. 8), peaks on the target on "
            f"{100 * t.loc['saliency', 'peak_on_target']:.0f}% of {int(t.loc['saliency', 'n'])} displays. "
            + (f"The singleton is carried by {', '.join(carriers)}" if carriers else "No channel peaks on the target on most displays")
            + (f"; {', '.join(dilute)} put more, on average, at the best distractor than at the target, and so "
               "dilute it in the sum."
               if dilute else ".")
        )
    parts.append(
        f"Rendered at {size} px. These figures show where each channel's map is highest; they cannot show why, "
        "nor how the maps would combine under other channel weights than the paper's equal ones."
    )
    return " ".join(parts)


def _resolution_text(res: pd.DataFrame) -> str:
    lines = []
    for model, g in res.groupby("model", sort=False):
        pts = ", ".join(f"{100 * r.top_rate:.0f}% at {r.size_px} px ({r.map_px_per_item:.1f} map px per item)"
                        for r in g.itertuples())
        lines.append(f"'{model}': {pts}.")
    n = int(res["n"].iloc[0])
    return (
        "The softmax saliency priority maps read the map pooled over each item's footprint (its maximum within "
        "half an item of the centre); the saliency map is at 1/16 of the image, so at small render sizes an item "
        f"spans about one map pixel and the item priorities depend on resolution. Strict top-item rate (ties "
        f"count as failures), {n} target-present feature displays per size: " + " ".join(lines)
        + " psysim's softmax saliency maps and the saliency search model render at 512 px."
    )


def _resolution_figure(res: pd.DataFrame):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    for model, g in res.groupby("model", sort=False):
        ax.plot(g["size_px"], 100 * g["top_rate"], "-o", label="paper" if model == "saliency" else "on/off cells")
    ax.set_xscale("log", base=2)
    ax.set_xticks(sorted(res["size_px"].unique()), [str(v) for v in sorted(res["size_px"].unique())])
    ax.set(xlabel="Render size (px)", ylabel="Target strictly first (%)", ylim=(-5, 105))
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def _slope_lines(slopes: pd.DataFrame) -> list[str]:
    """Model vs human slope per task and presence, in words (from the slopes table)."""
    s = slopes.set_index(["source", "task", "target_present"])
    lines = []
    for name in VARIANTS:
        for task in HUMAN_TASKS:
            for present in (True, False):
                try:
                    m, h = s.loc[(name, task, present)], s.loc[("wolfe2010", task, present)]
                except KeyError:
                    continue
                inside = h["ci_low"] <= m["slope"] <= h["ci_high"]
                word = "within" if inside else "above" if m["slope"] > h["ci_high"] else "below"
                lines.append(
                    f"{name}, {task}, target {'present' if present else 'absent'}: model {m['slope']:.1f} ms/item, "
                    f"human {h['slope']:.1f} [{h['ci_low']:.1f}, {h['ci_high']:.1f}]: the model is {word} the human CI"
                )
    lines.append(
        "With the default quitting rule (threshold 0) target-absent search is exhaustive on every task, "
        "so the model predicts a steep absent slope even for feature search, where observers are flat: "
        "the WTA order alone has no signal that tells it a display holds no singleton."
    )
    return lines


def _rates_figure(rates: pd.DataFrame):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    colours = dict(zip(TASKS, plt.rcParams["axes.prop_cycle"].by_key()["color"]))
    for (model, task), g in rates.groupby(["model", "task"]):
        style = dict(marker="o", color=colours.get(task), ls="-" if model == "saliency" else "--")
        label = f"{task} ({'paper' if model == 'saliency' else 'on/off'})"
        axes[0].plot(g["set_size"], 100 * g["first_fixation_rate"], **style)
        axes[1].plot(g["set_size"], g["mean_rank"], label=label, **style)
    axes[0].set(xlabel="Set size", ylabel="First fixation on target (%)", ylim=(-5, 105))
    axes[1].set(xlabel="Set size", ylabel="Mean target saliency rank")
    axes[1].legend(frameon=False, fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig


def _slopes_figure(slopes: pd.DataFrame):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), sharey=True)
    for ax, present in zip(axes, (True, False)):
        s = slopes[slopes["target_present"] == present]
        tasks = [t for t in TASKS if t in set(s["task"])]
        sources = sorted(s["source"].unique())
        w = 0.8 / len(sources)
        for k, src in enumerate(sources):
            g = s[s["source"] == src].set_index("task").reindex(tasks)
            x = np.arange(len(tasks)) + (k - (len(sources) - 1) / 2) * w
            ax.bar(x, g["slope"], width=w, label=src)
            ax.errorbar(x, g["slope"], yerr=[g["slope"] - g["ci_low"], g["ci_high"] - g["slope"]], fmt="none", color="k")
        ax.set_xticks(np.arange(len(tasks)), tasks)
        ax.set_title("target present" if present else "target absent")
    axes[0].set_ylabel("Slope (ms/item)")
    axes[0].legend(frameon=False)
    fig.tight_layout()
    return fig


def _example_figure(seed):
    import matplotlib.pyplot as plt

    from psysim.saliency import IttiKoch
    from psysim.saliency.wta import scanpath

    fig, axes = plt.subplots(3, len(TASKS), figsize=(3 * len(TASKS), 9))
    ds = make_displays(TASKS, 12, 1, seed=seed, target_present=(True,))
    size = RENDER_SIZE
    for k, task in enumerate(TASKS):
        did = int(ds.displays.loc[ds.displays["task"] == task, "display_id"].iloc[0])
        img = render(ds, did, size=size)
        res = IttiKoch().compute(img)
        sp = scanpath(res.saliency, image_shape=img.shape[:2], n_fixations=5)
        axes[0, k].imshow(img)
        axes[0, k].plot(sp["x"], sp["y"], "-o", color="cyan", ms=4, lw=1)
        for i, (x, y) in enumerate(zip(sp["x"], sp["y"])):
            axes[0, k].text(x + 6, y - 6, str(i + 1), color="white", fontsize=9)
        axes[0, k].set_title(task)
        axes[1, k].imshow(res.upsampled(), cmap="inferno")
        axes[1, k].set_title("saliency (paper)", fontsize=9)
        axes[2, k].imshow(IttiKoch(on_off=True).compute(img).upsampled(), cmap="inferno")
        axes[2, k].set_title("saliency (on/off cells)", fontsize=9)
        for ax in axes[:, k]:
            ax.axis("off")
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    from psysim.cli import main

    raise SystemExit(main(["run", NAME, *__import__("sys").argv[1:]]))
