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

Run:  psysim run saliency-popout [--quick] [--seed N] [--out DIR] [--lang ja]
Re-render (e.g. in Japanese):  psysim report DIR --lang ja
  or  python -m psysim.experiments.saliency_popout --quick
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.displays import make_displays, render
from psysim.models import get_model
from psysim.models.saliency_search import RENDER_SIZE, display_maps, item_saliency
from psysim.options import Option
from psysim.progress import progress
from psysim.tables import TableSpec

NAME = "saliency-popout"
DESCRIPTION = "Itti-Koch saliency on feature, conjunction and spatial search displays: target rank, first fixations, implied slopes"
LANGUAGES = ("en", "ja")  # report languages (psysim.i18n.check_report_language)

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
    bar = progress(total=3 * len(VARIANTS) + 1, desc="saliency-popout", unit="step")  # quiet unless a terminal
    with ctx.timer("saliency"):
        displays = make_displays(TASKS, SET_SIZES, n_per_cell, seed=ctx.seed_for("displays"))
        targets = []
        for name, on_off in VARIANTS.items():
            bar.set_postfix_str(f"saliency maps ({name})")
            targets.append(target_table(displays, on_off=on_off).assign(model=name))
            bar.update()
        targets = pd.concat(targets, ignore_index=True)
        targets = targets[["model"] + [c for c in targets.columns if c != "model"]]
    rates = (
        targets.groupby(["model", "task", "set_size"])
        .agg(first_fixation_rate=("first_fixation_on_target", "mean"), mean_rank=("target_rank", "mean"),
             rank1_rate=("target_rank", lambda r: float((r == 1).mean())), n=("display_id", "size"))
        .reset_index()
    )
    with ctx.timer("search model"):
        trials = []
        for name in VARIANTS:
            bar.set_postfix_str(f"search model ({name})")
            trials.append(get_model(name).simulate(displays, seed=ctx.seed_for("simulate")))
            bar.update()
        trials = pd.concat(trials, ignore_index=True)
    with ctx.timer("resolution and channels"):
        from psysim.models.saliency_readout import channel_peaks, top_item_rates

        feat = make_displays(("feature",), (6, 12, 18), ctx.option("n_resolution"), seed=ctx.seed_for("resolution"),
                             target_present=(True,))
        resolution = []
        for name, on_off in VARIANTS.items():
            bar.set_postfix_str(f"resolution ({name})")
            resolution.append(top_item_rates(feat, RESOLUTION_SIZES, on_off=on_off).assign(model=name))
            bar.update()
        resolution = pd.concat(resolution, ignore_index=True)[["model", "size_px", "map_px_per_item", "top_rate", "n"]]
        bar.set_postfix_str("channels")
        channels = channel_peaks(feat, RENDER_SIZE)
        bar.update()
        bar.close()
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
    _render(ctx.out, ctx.lang, _info(ctx.seed, ctx.quick, n_per_cell), ctx.out / "report.html", save_figure=ctx.save_figure)


CITATIONS = (
    "Frintrop, S. (2005). VOCUS: A visual attention system for object detection and goal-directed search. LNAI 3899. Springer.",
    "Itti, L., Koch, C., & Niebur, E. (1998). A model of saliency-based visual attention for rapid scene analysis. IEEE TPAMI, 20(11), 1254-1259.",
)


def _info(seed, quick, n_per_cell) -> dict:
    from psysim.data import WOLFE2010

    return {"seed": seed, "quick": quick, "n_per_cell": n_per_cell, "render_size": RENDER_SIZE, "tasks": TASKS,
            "human_tasks": HUMAN_TASKS, "models": tuple(VARIANTS),
            "citations": [(c, "") for c in CITATIONS] + [(WOLFE2010.citation, WOLFE2010.licence)]}


def _render(run_dir, lang, info, out, save_figure=None):
    from psysim.report.saliency_popout import render
    from psysim.seeds import derive_seed

    return render(run_dir, lang, info, out, TABLES, save_figure=save_figure,
                  examples=lambda lang: _example_figure(derive_seed(info["seed"], "examples"), lang))


def report(run_dir, lang: str = "en", out=None):
    """Re-render the report of a saliency-popout run folder from its tables, in ``lang``
    (``psysim report RUN_DIR --lang ja``); the example maps are computed again from the run's seed."""
    from psysim.cli.report import report_inputs

    run_dir, meta, out = report_inputs(run_dir, NAME, lang, out)
    return _render(run_dir, lang, _info(meta["seed"], meta.get("quick", False), meta.get("displays_per_cell")), out)


def _example_figure(seed, lang="en"):
    import matplotlib.pyplot as plt

    from psysim.i18n import label
    from psysim.plots.saliency import saliency_map_panel
    from psysim.saliency import IttiKoch
    from psysim.saliency.wta import scanpath

    fig, axes = plt.subplots(3, len(TASKS), figsize=(3.4 * len(TASKS), 9))
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
        axes[0, k].set_title(label("task", task, lang))
        axes[0, k].axis("off")
        saliency_map_panel(axes[1, k], res.upsampled(), label("model", "saliency", lang), lang)
        saliency_map_panel(axes[2, k], IttiKoch(on_off=True).compute(img).upsampled(), label("model", "saliency-onoff", lang), lang)
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    from psysim.cli import main

    raise SystemExit(main(["run", NAME, *__import__("sys").argv[1:]]))
