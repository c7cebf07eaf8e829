"""Experiment `picture-naming`: CNN picture naming, transfer vs fine-tuning, compared with people.

A backbone gets a new output layer with one unit per picture name and is trained on
augmented views of the pictures, either with the backbone frozen (transfer learning) or with
every layer trained (fine-tuning). It is then tested on *other* views (other augmentation
seeds and strengths; a ledger of training-view fingerprints proves that none is reused), and
its per-item accuracy, top-5 accuracy, probability of the right name and softmax entropy are
compared with human naming norms:

1. naming latency regressed on model entropy with familiarity and visual complexity as
   covariates (standardised coefficients, 95 % CIs, the R² that entropy adds);
2. the softmax temperature chosen on half of the items and tested on the other half, over
   repeated random splits;
3. name agreement (H, % modal name) against model entropy;
4. colour against line-drawing versions of the same items, paired, for model and people.

Built-in pictures: the 260 Snodgrass & Vanderwart (1980) line drawings and the 42 coloured
Rossion & Pourtois (2004) pictures with the R&P norms, read from ``PSYSIM_DATA``. Bring your
own with ``--set manifest=CSV [--set pictures=DIR]`` (format: :mod:`psysim.naming.pictures`), or
``--set manifest=pictures.toml``, a description mapping the file's own norm columns
(:mod:`psysim.naming.describe`). The report and ``comparisons.csv`` say which comparisons the
norms allowed and why the others could not be made (:func:`psysim.naming.norms.norm_coverage`).

Options (``--set KEY=VALUE``; declared in :data:`OPTIONS`, listed by ``psysim options
picture-naming``): ``backbone`` (psysim-glyphs [default, offline], psysim-random,
mnasnet1_0, efficientnet_b0, resnet18; comma-separated for several), ``regime`` (both
[default], transfer, finetune), ``manifest``, ``pictures``, ``crop`` (white margins cut to the ink; default on), ``size`` (px), ``seeds``,
``epochs``, ``finetune_epochs``, ``views`` (evaluation views per picture and strength),
``temperature`` (T of the reported entropy), ``splits``.

Run:  psysim run picture-naming [--quick] [--set backbone=NAME] [--set regime=transfer]
  or  python -m psysim.experiments.picture_naming --quick
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import torch

from psysim.errors import ParameterError
from psysim.naming import (
    REGIMES,
    ViewLedger,
    agreement_relations,
    build_naming_network,
    builtin_picture_set,
    colour_test,
    entropy_by_picture,
    evaluation_views,
    fit_temperature,
    item_scores,
    latency_regressions,
    load_picture_set,
    logits_of,
    relation_text,
    temperature_split_test,
    train_naming,
)
from psysim.naming.model import NAMING_BACKBONES, check_backbone
from psysim.naming.norms import COVARIATES, NORM_COLUMNS, norm_coverage, unused_numeric_columns
from psysim.naming.pictures import INK_THRESHOLD
from psysim.naming.train import stream_seed
from psysim.options import Option
from psysim.report import Report
from psysim.tables import TableSpec

NAME = "picture-naming"
DESCRIPTION = "CNN picture naming (transfer vs fine-tuning) on held-out views, compared with human naming norms"

EVAL_STRENGTHS = (0.7, 1.3)  # training strengths are uniform in 0.4-1.2 (other draws, other strengths)
TRAIN_STRENGTH = (0.4, 1.2)
T_GRID = np.exp(np.linspace(np.log(0.05), np.log(20.0), 41))
NORMS = {"rt": "human_rt", "h": "human_h", "pct_modal": "human_pct_modal"}
_BY = {"backbone": "str", "regime": "str"}
TABLES = {
    "items": TableSpec("items.csv", {**_BY, "item": "any", "name": "str", "accuracy": "float", "top5": "float",
                                     "p_correct": "float", "entropy": "float", "n_views": "int", "n_seeds": "int"},
                       nullable=("entropy",)),
    "regressions": TableSpec("regressions.csv", {**_BY, "model": "str", "outcome": "str", "predictor": "str",
                                                 "coefficient": "float", "n": "int"},
                             keys=("backbone", "regime", "model", "outcome", "predictor"),
                             nullable=("coefficient",)),
    "seeds": TableSpec("seeds.csv", {**_BY, "seed": "int", "accuracy": "float", "top5": "float", "p_correct": "float",
                                     "entropy": "float"}, keys=("backbone", "regime", "seed")),
    "comparisons": TableSpec("comparisons.csv", {"comparison": "str", "needs": "str", "made": "bool", "n_items": "int",
                                                 "reason": "str"}, keys=("comparison",), nullable=("needs", "reason")),
    "training_history": TableSpec("training_history.csv", {"epoch": "int", "stage": "str", **_BY, "seed": "int"}),
    "r2_change": TableSpec("r2_change.csv", {**_BY, "delta_r2": "float", "n": "int"}, optional=True,
                           nullable=("delta_r2",)),
    "temperature_splits": TableSpec("temperature_splits.csv", {"split": "int", "T": "float", **_BY},
                                    optional=True, nullable=("T",)),
    "colour_test": TableSpec("colour_test.csv", _BY, optional=True),
}
"""The run folder's tables (the last three only with reaction times / colour versions), checked when
the run writes them and when `psysim report` reads them."""

OPTIONS = (
    Option("backbone", str, "psysim-glyphs", choices=NAMING_BACKBONES, multiple=True,
           help="backbone(s), comma-separated; torchvision ones need their cached ImageNet weights"),
    Option("regime", str, "both", choices=("both", *REGIMES), help="frozen backbone (transfer), every layer trained (finetune), or both"),
    Option("manifest", str, None, help="your own picture set: a manifest CSV (psysim.naming.pictures); default the built-in set"),
    Option("pictures", str, None, help="folder of the manifest's image files (default: the manifest's folder)"),
    Option("crop", bool, None, help="crop white picture margins to the ink bounding box + 5% pad (default: on, or the manifest TOML's [images] crop)"),
    Option("size", int, 64, quick=48, low=16, high=512, help="side of the square pictures the network sees, in pixels"),
    Option("seeds", int, 5, quick=2, low=1, high=1000, help="networks trained per backbone and regime (one seed each)"),
    Option("epochs", int, 60, quick=30, low=1, high=10_000, help="training epochs of the output layer (transfer stage)"),
    Option("distinct_epochs", int, 6, quick=2, low=1, high=10_000,
           help="distinct sets of augmented training views; later epochs reuse them"),
    Option("finetune_epochs", int, 12, quick=2, low=1, high=10_000, help="further epochs with every layer trained (finetune)"),
    Option("train_views", int, 2, low=1, high=1000, help="augmented training views per picture and epoch"),
    Option("views", int, 5, quick=2, low=1, high=1000, help="held-out evaluation views per picture and strength"),
    Option("temperature", float, 1.0, low=1e-3, high=1000.0, help="softmax temperature T of the reported entropy (bits) and scores"),
    Option("splits", int, 200, quick=20, low=1, high=100_000, help="random half splits of the items for the temperature test"),
)
CITATIONS = [
    "Guo, C., Pleiss, G., Sun, Y., & Weinberger, K. Q. (2017). On calibration of modern neural networks. ICML, 1321-1330.",
    "Hinton, G., Vinyals, O., & Dean, J. (2015). Distilling the knowledge in a neural network. arXiv:1503.02531.",
    "Yosinski, J., Clune, J., Bengio, Y., & Lipson, H. (2014). How transferable are features in deep neural networks? NeurIPS 27.",
    "Kumar, A., Raghunathan, A., Jones, R., Ma, T., & Liang, P. (2022). Fine-tuning can distort pretrained features and underperform out-of-distribution. ICLR.",
    "Selvaraju, R. R., et al. (2017). Grad-CAM: Visual explanations from deep networks via gradient-based localization. ICCV, 618-626.",
]


def settings(ctx) -> dict:
    """Experiment settings from ``--quick`` and ``--set`` options."""
    s = {
        "backbones": list(dict.fromkeys(b.strip() for b in ctx.option("backbone").split(","))),
        "regime": ctx.option("regime"),
        "size": ctx.option("size"),
        "seeds": ctx.option("seeds"),
        "epochs": ctx.option("epochs"),
        "distinct_epochs": ctx.option("distinct_epochs"),
        "finetune_epochs": ctx.option("finetune_epochs"),
        "views_per_picture": ctx.option("train_views"),
        "views": ctx.option("views"),
        "temperature": ctx.option("temperature"),
        "splits": ctx.option("splits"),
    }
    s["regimes"] = list(REGIMES) if s["regime"] == "both" else [s["regime"]]
    for b in s["backbones"]:
        check_backbone(b)
    return s


def load_pictures(ctx, size: int):
    """The built-in set, or the user's manifest (``--set manifest=CSV [--set pictures=DIR]``)."""
    manifest = ctx.option("manifest")
    crop = ctx.option("crop")
    if manifest:
        return load_picture_set(manifest, ctx.option("pictures"), size=size, crop=crop)
    if ctx.option("pictures"):
        raise ParameterError("option pictures=DIR needs manifest=CSV as well")
    ctx.use_dataset("rossion2004")
    ctx.use_dataset("snodgrass1980")
    return builtin_picture_set(size=size, crop=True if crop is None else crop)


def coverage_of(pictures, primary: str) -> pd.DataFrame:
    """Which comparisons with human norms the picture set allows, and why not (:func:`norm_coverage`)."""
    desc = pictures.meta.get("description")
    where = "the built-in norms" if pictures.source == "builtin" else (desc["path"] if desc else pictures.source)
    return norm_coverage(pictures.table, primary, mapped=desc["columns"] if desc else None, where=where)


def _score(model, pictures, ledger, seed, s):
    """Per-picture scores of a trained network on held-out views, and a calibration temperature."""
    ev = evaluation_views(pictures, s["views"], EVAL_STRENGTHS, seed=stream_seed(seed, "held-out"), ledger=ledger, on_overlap="drop")
    z = logits_of(model, ev.views).numpy()
    # calibration temperature: maximum likelihood on a separate set of held-out views
    cal = evaluation_views(pictures, 1, (1.0,), seed=stream_seed(seed, "calibration"), ledger=ledger, on_overlap="drop")
    t_cal = fit_temperature(logits_of(model, cal.views).numpy(), cal.table["label"].to_numpy())
    return item_scores(z, ev.table, T=s["temperature"]), z, ev.table, t_cal, ev.n_dropped + cal.n_dropped


def run_networks(pictures, backbone: str, regimes, seed: int, s: dict) -> dict:
    """Train one network for each regime with one seed and score it on held-out views.

    Both regimes start alike: the new head is trained on the frozen backbone (this *is* the
    transfer network). The fine-tuned network continues from a copy of it with every layer
    trainable (LP-FT). Returns ``{regime: (scores, logits, view table, summary, history, model)}``.
    """
    import copy

    out = {}
    t0 = time.perf_counter()
    model = build_naming_network(backbone, pictures.names, "transfer", seed=seed)
    ledger = ViewLedger()
    hist = train_naming(model, pictures, "transfer", epochs=s["epochs"], views_per_picture=s["views_per_picture"], strength=TRAIN_STRENGTH,
                        lr=1e-2, seed=seed, ledger=ledger, distinct_epochs=min(s["epochs"], s["distinct_epochs"]))
    stages = {"transfer": (model, hist, ledger.n_views, time.perf_counter() - t0)}
    if "finetune" in regimes:
        t1 = time.perf_counter()
        ft = copy.deepcopy(model).unfreeze_backbone()
        h2 = train_naming(ft, pictures, "finetune", epochs=s["finetune_epochs"], views_per_picture=s["views_per_picture"], strength=TRAIN_STRENGTH,
                          lr=3e-3, backbone_lr_factor=0.3, seed=stream_seed(seed, "finetune"), ledger=ledger)
        h2 = pd.concat([hist.assign(stage="probe"), h2.assign(stage="finetune", epoch=h2["epoch"] + len(hist))], ignore_index=True)
        stages["finetune"] = (ft, h2, ledger.n_views, stages["transfer"][3] + time.perf_counter() - t1)
    stages["transfer"][1]["stage"] = "probe"
    for regime in regimes:
        m, h, n_views, secs = stages[regime]
        t2 = time.perf_counter()
        scores, z, vt, t_cal, n_dropped = _score(m, pictures, ledger, seed, s)
        summary = {"backbone": backbone, "regime": regime, "seed": seed, "accuracy": scores["accuracy"].mean(), "top5": scores["top5"].mean(),
                   "p_correct": scores["p_correct"].mean(), "entropy": scores["entropy"].mean(), "T_calibrated": t_cal,
                   "final_train_acc": h["train_acc"].iloc[-1], "n_training_views": n_views, "n_eval_views": len(vt),
                   "eval_views_dropped_equal_to_training": n_dropped, "seconds": round(secs + time.perf_counter() - t2, 1)}
        out[regime] = (scores, z, vt, summary, h.assign(backbone=backbone, regime=regime, seed=seed), m)
    return out


def run(ctx):
    s = settings(ctx)
    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    with ctx.timer("load pictures"):
        pictures = load_pictures(ctx, s["size"])
    table = pictures.table.reset_index(drop=True)
    per_item, summaries, histories, splits, logits_store, models = [], [], [], [], {}, {}
    for backbone in s["backbones"]:
        seed_scores, E = {r: [] for r in s["regimes"]}, {r: [] for r in s["regimes"]}
        with ctx.timer(f"{backbone}"):
            for k in range(s["seeds"]):
                seed = int(stream_seed(ctx.seed, backbone, k) % (2**31))
                for regime, (sc, z, vt, summ, hist, model) in run_networks(pictures, backbone, s["regimes"], seed, s).items():
                    seed_scores[regime].append(sc.assign(seed=k))
                    summaries.append(summ)
                    histories.append(hist)
                    E[regime].append(entropy_by_picture(z, vt["picture"].to_numpy(), T_GRID))
                    if k == 0:
                        models[(backbone, regime)] = model
        for regime in s["regimes"]:
            per_item.append(_aggregate(seed_scores[regime], table, pictures, backbone, regime))
            logits_store[(backbone, regime)] = np.mean(E[regime], axis=0)  # (n_T, n_pictures), mean over seeds
    items = pd.concat(per_item, ignore_index=True)
    seeds = pd.DataFrame(summaries)
    primary = _primary_version(items)

    # comparison with people: only those the norms allow (coverage says which and why not)
    coverage = coverage_of(pictures, primary)
    made = dict(zip(coverage["comparison"], coverage["made"]))
    regs, changes, agree, colour = [], [], [], []
    has_rt = made["latency"]
    cov = [c for c in COVARIATES if c in table.columns and table.loc[table["version"] == primary, c].notna().any()] if made["latency_covariates"] else []
    for (bb, reg), d in items.groupby(["backbone", "regime"], sort=False):
        d1 = d[d["version"] == primary]
        if has_rt:
            t, ch = latency_regressions(d1, "entropy", covariates=cov)
            regs.append(t.assign(backbone=bb, regime=reg))
            changes.append({"backbone": bb, "regime": reg, **ch})
            mask = (table["version"] == primary).to_numpy()
            if made["temperature"]:
                sp = temperature_split_test(logits_store[(bb, reg)][:, mask], T_GRID, d1["human_rt"].to_numpy(),
                                            d1[cov].to_numpy() if cov else None, n_splits=s["splits"], seed=ctx.seed_for("splits", bb, reg))
                splits.append(sp.assign(backbone=bb, regime=reg))
        ag = agreement_relations(d1, "entropy")
        if len(ag):
            agree.append(ag.assign(backbone=bb, regime=reg))
        if made["colour"]:
            ct = colour_test(d)
            if len(ct):
                colour.append(ct.assign(backbone=bb, regime=reg))
    regressions = _regression_table(regs + agree)
    changes = pd.DataFrame(changes)
    splits = pd.concat(splits, ignore_index=True) if splits else pd.DataFrame()
    colour = pd.concat(colour, ignore_index=True) if colour else pd.DataFrame()

    ctx.write_table(items.drop(columns=["picture", "label", "confused_index"], errors="ignore"), "items.csv")
    ctx.write_table(regressions, "regressions.csv")
    ctx.write_table(seeds, "seeds.csv")
    ctx.write_table(coverage, "comparisons.csv")
    ctx.write_table(pd.concat(histories, ignore_index=True), "training_history.csv")
    if len(changes):
        ctx.write_table(changes, "r2_change.csv")
    if len(splits):
        ctx.write_table(splits, "temperature_splits.csv")
    if len(colour):
        ctx.write_table(colour, "colour_test.csv")
    ctx.metadata["settings"] = {k: v for k, v in s.items()}
    ctx.metadata["pictures"] = {"source": pictures.source, "n_pictures": len(pictures), "n_names": len(pictures.names), **pictures.meta}
    ctx.metadata["comparisons"] = {r["comparison"]: {"made": bool(r["made"]), "reason": r["reason"]} for _, r in coverage.iterrows()}

    _figures_and_report(ctx, s, pictures, items, seeds, regressions, changes, splits, colour, models, primary, has_rt, coverage)


def _primary_version(items: pd.DataFrame) -> str:
    v = items["version"]
    return "line" if (v == "line").any() else v.value_counts().index[0]


def _aggregate(seed_scores, table, pictures, backbone, regime) -> pd.DataFrame:
    """Mean over training seeds of each picture's scores, their spread, and the norms."""
    all_ = pd.concat(seed_scores, ignore_index=True)
    g = all_.groupby("picture", sort=True)
    out = g[["accuracy", "top5", "p_correct", "entropy", "p_confused"]].mean()
    out["accuracy_sd_seeds"] = g["accuracy"].std(ddof=1)
    out["entropy_sd_seeds"] = g["entropy"].std(ddof=1)
    out["n_views"] = g["n_views"].first()
    out["n_seeds"] = g["seed"].nunique()
    out["confused_index"] = g["confused_index"].agg(lambda s: s.value_counts().index[0])
    out = out.reset_index()
    out["confused_with"] = [pictures.names[i] for i in out["confused_index"]]
    meta = table.iloc[out["picture"].to_numpy()].reset_index(drop=True).rename(columns=NORMS)
    front = pd.DataFrame({"backbone": backbone, "regime": regime, "item": meta["item"], "name": meta["name"], "version": meta["version"]})
    norms = meta.drop(columns=["item", "name", "version", "file"])
    body = out.drop(columns=["picture"])
    res = pd.concat([front, body, norms], axis=1)
    res.insert(0, "picture", out["picture"].to_numpy())
    res["label"] = pictures.labels.numpy()[out["picture"].to_numpy()]
    return res


def _regression_table(tabs) -> pd.DataFrame:
    if not tabs:
        return pd.DataFrame(columns=["backbone", "regime", "model", "outcome", "predictor", "coefficient", "ci_low", "ci_high", "p", "r2", "n"])
    t = pd.concat(tabs, ignore_index=True)
    front = ["backbone", "regime", "model", "outcome", "predictor", "coefficient", "ci_low", "ci_high", "se", "p", "r2", "adj_r2", "n"]
    return t[front + [c for c in t.columns if c not in front]]


def _cam_figure(model, pictures, items):
    from psysim.naming.plots import cam_plot
    from psysim.networks import class_activation_maps

    d = items.sort_values("p_correct", ascending=False)
    pick = list(d["picture"].head(3)) + list(d["picture"].tail(3))
    x = pictures.tensor(torch.tensor(pick))
    res = class_activation_maps(model, x, target=pictures.labels[pick].tolist(), method="gradcam")
    from psysim.naming.plots import label

    titles = [label(pictures.table["name"].iloc[i], pictures.table["item"].iloc[i]) for i in pick]
    return cam_plot(x, res.maps, titles)


COMPARISON_TITLES = {
    "latency": "naming latency on model entropy",
    "latency_covariates": "naming latency on entropy with familiarity / complexity as covariates (R² change)",
    "temperature": "softmax temperature chosen on half of the items, tested on the other half",
    "h": "name agreement H on model entropy",
    "pct_modal": "% modal name on model entropy",
    "colour": "colour against line drawings of the same items (model)",
    "colour_human": "colour against line drawings: people's latency gain and the model's",
}


def _coverage_section(r, pictures, coverage):
    """What the norms allowed: every comparison with people, made or not, and why."""
    r.heading("Comparisons with human norms: made and not made")
    desc = pictures.meta.get("description")
    if desc:
        mapping = ", ".join(f"{k} = {v!r}" for k, v in desc["columns"].items())
        r.text(f"The manifest {desc['manifest']} was read through the description {desc['path']}"
               + (f" (columns: {mapping}" + (f"; latencies in {desc['rt_unit']}, converted to ms" if desc["rt_unit"] != "ms" else "") + ")." if mapping else "."))
    made = coverage[coverage["made"]]
    missing = coverage[~coverage["made"]]
    r.text(f"Made: {len(made)} of {len(coverage)} comparisons" + (": " + "; ".join(f"{COMPARISON_TITLES[k]} ({why})" for k, why in zip(made["comparison"], made["reason"])) if len(made) else "") + ".")
    if len(missing):
        r.text("Not made, and why: " + "; ".join(f"{COMPARISON_TITLES[k]}: {why}" for k, why in zip(missing["comparison"], missing["reason"])) + ".")
    unused = unused_numeric_columns(pictures.table)
    if unused:
        r.note(f"Numeric manifest column(s) not used as norms: {', '.join(unused)}. psysim's norm columns are {', '.join(NORM_COLUMNS)}; "
               "a manifest TOML maps a file's own column onto one ([columns] rt = \"COLUMN\", see psysim.naming.describe).")
    r.table(coverage.assign(comparison=coverage["comparison"].map(COMPARISON_TITLES))[["comparison", "made", "n_items", "reason"]],
            caption="Every comparison with people this experiment makes, whether the picture set's norms allowed it, on how many items, and why not.")


def _figures_and_report(ctx, s, pictures, items, seeds, regressions, changes, splits, colour, models, primary, has_rt, coverage):
    from psysim.naming import plots

    r = Report("Picture naming: CNNs against human naming norms")
    builtin = pictures.source == "builtin"
    r.text(
        f"A backbone ({', '.join(s['backbones'])}) was given a new output layer with one unit for each of the "
        f"{len(pictures.names)} names of {len(pictures)} pictures "
        f"({'the Snodgrass & Vanderwart (1980) line drawings and the 42 coloured Rossion & Pourtois (2004) pictures' if builtin else pictures.source}), "
        f"and trained under {' and '.join(s['regimes'])} "
        "(transfer: backbone frozen, only the new layer learns; finetune: the transfer network of the same seed then trained in every layer, "
        "LP-FT after Kumar et al. 2022, with the backbone's batch-norm statistics kept). "
        f"Training used augmented views (affine jitter, crops, stroke thickness, blur, contrast, colour jitter; strength {TRAIN_STRENGTH[0]}-{TRAIN_STRENGTH[1]}). "
        f"Every score below comes from held-out views drawn with other seeds at strengths {', '.join(map(str, EVAL_STRENGTHS))} "
        f"({s['views']} per picture and strength); no evaluation view equals a training view: every one was checked against a ledger of fingerprints of all "
        f"{int(seeds['n_training_views'].sum())} training views and the untransformed pictures, and {int(seeds['eval_views_dropped_equal_to_training'].sum())} equal one(s) were dropped. Networks were trained with {s['seeds']} seed(s); "
        f"entropies are in bits at temperature T = {s['temperature']:g}. "
        + (f"White picture margins were cropped to the ink bounding box (pixels more than {INK_THRESHOLD} levels below white) with a margin of "
           f"{100 * pictures.meta['crop_pad']:g}% of its longer side before resizing to {s['size']} px, so the drawing fills the input (--set crop=false keeps them)."
           if pictures.meta.get("crop") else f"Pictures were resized to {s['size']} px with their margins (crop off).")
    )
    if "psysim-glyphs" in s["backbones"]:
        r.note("psysim-glyphs is psysim's offline backbone: a small GAP network pretrained only on objects psysim draws itself "
               "(python -m psysim.naming.pretrain), never on photographs or on naming-test pictures. It is far weaker than an "
               "ImageNet model; use --set backbone=mnasnet1_0 (or efficientnet_b0, resnet18) where their weights are in the torch cache.")
    if ctx.quick:
        r.note("Quick run: small images, few epochs, seeds, views and splits. Numbers are for a first look only.")

    r.heading("Naming accuracy on held-out views")
    agg = seeds.groupby(["backbone", "regime"], sort=False).agg(
        accuracy=("accuracy", "mean"), accuracy_sd=("accuracy", "std"), top5=("top5", "mean"), p_correct=("p_correct", "mean"),
        entropy=("entropy", "mean"), T_calibrated=("T_calibrated", "mean"), train_acc=("final_train_acc", "mean"), n_seeds=("seed", "size")).reset_index()
    r.table(agg, caption="Mean over training seeds (SD over seeds) of the per-picture scores on held-out views; T_calibrated is the maximum-likelihood temperature (Guo et al. 2017) on separate held-out views.", digits=3)
    for _, a in agg.iterrows():
        gap = a["train_acc"] - a["accuracy"]
        r.text(f"{a['backbone']}, {a['regime']}: {100 * a['accuracy']:.1f}% of held-out views named correctly (SD over seeds {100 * (a['accuracy_sd'] if pd.notna(a['accuracy_sd']) else 0):.1f} points), "
               f"top-5 {100 * a['top5']:.1f}%; on its last training epoch it was {100 * a['train_acc']:.1f}% correct ({'+' if gap >= 0 else ''}{100 * gap:.1f} points above held-out).")
    for bb in s["backbones"]:
        a = agg[agg["backbone"] == bb].set_index("regime")
        if {"transfer", "finetune"} <= set(a.index):
            w = items[items["backbone"] == bb].pivot_table(index="picture", columns="regime", values="entropy")
            r_ent = np.corrcoef(w["transfer"], w["finetune"])[0, 1]
            diff = 100 * (a.loc["finetune", "accuracy"] - a.loc["transfer", "accuracy"])
            r.text(f"{bb}: fine-tuning named {abs(diff):.1f} points {'more' if diff >= 0 else 'fewer'} held-out views correctly than transfer learning; "
                   f"the two regimes' per-picture entropies correlate r = {r_ent:.2f}, i.e. they find {'largely the same' if r_ent > 0.5 else 'different'} pictures hard.")
    fig = plots.regime_plot(items)
    ctx.save_figure(fig, "regimes.png")
    r.figure(fig, "Figure 1. Per-picture scores on held-out views, by backbone and regime.")

    _coverage_section(r, pictures, coverage)

    if has_rt:
        r.heading(f"Naming latency and model entropy ({primary} pictures)")
        r.text("Expected if the network's uncertainty tracks people's: higher entropy, slower naming (β > 0); "
               "familiar pictures are named faster (β < 0) and complex ones more slowly (β > 0).")
        for (bb, reg), t in regressions[regressions["outcome"] == "human_rt"].groupby(["backbone", "regime"], sort=False):
            alone = t[t["model"] == "human_rt ~ entropy"].iloc[0]
            full = t[(t["predictor"] == "entropy") & (t["model"] != "human_rt ~ entropy")]
            r.text(relation_text(alone, f"{bb}, {reg}: latency on entropy alone", expected=+1))
            if len(full):
                used = [c for c in COVARIATES if ((t["predictor"] == c) & (t["model"] == full.iloc[0]["model"])).any()]
                r.text(relation_text(full.iloc[0], f"{bb}, {reg}: latency on entropy with {' and '.join(used)} as covariate(s)", expected=+1))
                ch = changes[(changes["backbone"] == bb) & (changes["regime"] == reg)].iloc[0]
                r.text(f"Entropy adds ΔR² = {ch['delta_r2']:.3f} to the covariates (F({ch['df_num']:.0f}, {ch['df_den']:.0f}) = {ch['F']:.2f}, p = {ch['p']:.3g}).")
            for cov in ("familiarity", "complexity"):
                c = t[(t["predictor"] == cov) & (t["model"].str.contains("entropy"))]
                if len(c):
                    r.text(relation_text(c.iloc[0], f"{bb}, {reg}: latency on {cov} (with entropy)", expected=-1 if cov == "familiarity" else +1))
        r.table(regressions[regressions["outcome"] == "human_rt"][["backbone", "regime", "model", "predictor", "coefficient", "ci_low", "ci_high", "p", "r2", "n"]],
                caption="Standardised OLS coefficients (z-scored variables) with 95% CIs.", digits=3)
        fig = plots.entropy_latency_plot(items[items["version"] == primary])
        ctx.save_figure(fig, "entropy_vs_rt.png")
        r.figure(fig, "Figure 2. Model entropy against human naming latency, one point per item (OLS line, 95% band).")

    if len(splits):
        r.heading("Temperature chosen on half of the items, tested on the other half")
        st = splits.groupby(["backbone", "regime"], sort=False).agg(
            T_median=("T", "median"), T_q025=("T", lambda v: v.quantile(0.025)), T_q975=("T", lambda v: v.quantile(0.975)),
            r2_test=("r2_test", "mean"), r2_test_covariates=("r2_test_covariates", "mean"), delta_r2_test=("delta_r2_test", "mean"),
            delta_q025=("delta_r2_test", lambda v: v.quantile(0.025)), delta_q975=("delta_r2_test", lambda v: v.quantile(0.975)),
            share_better=("delta_r2_test", lambda v: (v > 0).mean()), splits=("split", "size")).reset_index()
        r.table(st, caption="Over random half splits: the temperature that best predicts latency in the fitting half, and what entropy at that temperature adds to familiarity and complexity in the test half (out-of-sample R²).", digits=3)
        for _, a in st.iterrows():
            verdict = ("entropy at the fitted temperature predicts latency out of sample" if a["delta_q025"] > 0 else
                       "entropy does not reliably improve out-of-sample prediction of latency beyond the covariates (the 95% range of the gain includes 0)")
            r.text(f"{a['backbone']}, {a['regime']}: {verdict}; mean gain ΔR² = {a['delta_r2_test']:.3f} [{a['delta_q025']:.3f}, {a['delta_q975']:.3f}], better in {100 * a['share_better']:.0f}% of splits; median T = {a['T_median']:.2f}.")
        fig = plots.temperature_split_plot(splits)
        ctx.save_figure(fig, "temperature_splits.png")
        r.figure(fig, "Figure 3. Temperatures chosen on the fitting halves and the out-of-sample R² gain in the test halves.")

    ag = regressions[regressions["outcome"].isin(["human_h", "human_pct_modal"])]
    if len(ag):
        r.heading("Name agreement and model entropy")
        for _, row in ag.iterrows():
            what = "H (name disagreement, bits)" if row["outcome"] == "human_h" else "% modal name"
            r.text(relation_text(row, f"{row['backbone']}, {row['regime']}: {what} on entropy", expected=+1 if row["outcome"] == "human_h" else -1)
                   + f" Spearman ρ = {row['spearman_rho']:.2f}.")
        if builtin:
            r.text("Caution: the R&P norms come from French speakers, whose alternative names (H) need not be the alternatives a network confuses; in these norms H is also almost unrelated to latency (r ≈ −.03).")

    if len(colour):
        r.heading("Colour against line drawings (same items, paired)")
        r.table(colour[["backbone", "regime", "measure", "n", "mean_line", "mean_colour", "mean_diff", "ci_low", "ci_high", "t", "p", "d_z", "wilcoxon_p", "r_gain_human", "r_gain_p"]],
                caption="Colour minus line drawing, paired over items (95% CI of the mean difference; paired t test; Wilcoxon signed-rank p). r_gain_human: correlation over items of the model's and the people's colour differences.", digits=3)
        hum = colour[colour["measure"] == "human_rt"].iloc[0] if (colour["measure"] == "human_rt").any() else None
        if hum is not None:
            faster = hum["ci_high"] < 0
            r.text(f"People: colour pictures were named {-hum['mean_diff']:.0f} ms {'faster' if hum['mean_diff'] < 0 else 'slower'} than line drawings "
                   f"(95% CI [{hum['ci_low']:.0f}, {hum['ci_high']:.0f}] ms, t({int(hum['n']) - 1}) = {hum['t']:.2f}, p = {hum['p']:.3g}, n = {int(hum['n'])} items)"
                   + ("." if faster else "; the CI includes 0."))
        for _, c in colour[colour["measure"] == "entropy"].iterrows():
            gains = c["ci_high"] < 0
            loses = c["ci_low"] > 0
            verdict = ("the model is more certain on colour pictures, as people are faster on them" if gains else
                       "the model is less certain on colour pictures, unlike people" if loses else
                       "the model shows no reliable gain from colour (the CI of the entropy difference includes 0)")
            r.text(f"{c['backbone']}, {c['regime']}: {verdict}: entropy colour − line = {c['mean_diff']:.3f} bits, 95% CI [{c['ci_low']:.3f}, {c['ci_high']:.3f}], p = {c['p']:.3g}; "
                   f"item-level agreement with people's colour gain r = {c['r_gain_human']:.2f} (p = {c['r_gain_p']:.3g}).")
        fig = plots.colour_plot(items)
        ctx.save_figure(fig, "colour_vs_line.png")
        r.figure(fig, "Figure 4. Line drawing against colour picture of the same items: model entropy and human latency (grey: items; red: means).")

    r.heading("What the networks confuse and where they look")
    for (bb, reg), model in models.items():
        d = items[(items["backbone"] == bb) & (items["regime"] == reg)]
        fig = plots.confusion_plot(pictures, d)
        ctx.save_figure(fig, f"confusions_{bb}_{reg}.png")
        r.figure(fig, f"Confusions of {bb}, {reg}: pictures with the lowest probability of their name, and the name the network preferred.")
        try:
            fig = _cam_figure(model, pictures, d)
        except Exception as exc:  # a CAM failure must not lose the run; say so in the report
            r.note(f"Grad-CAM for {bb}, {reg} failed: {type(exc).__name__}: {exc}")
        else:
            ctx.save_figure(fig, f"cam_{bb}_{reg}.png")
            r.figure(fig, f"Grad-CAM (Selvaraju et al. 2017) of the right name for {bb}, {reg} (first seed): the three best- and three worst-named pictures.")

    for ds in ctx.datasets:
        r.cite(ds.citation, ds.licence)
    desc = pictures.meta.get("description")
    if desc and desc.get("citation"):
        r.cite(desc["citation"], desc.get("licence", ""))
    for c in CITATIONS:
        r.cite(c)
    r.write(ctx.out / "report.html", metadata={"experiment": NAME, "seed": ctx.seed, "quick": ctx.quick, **{k: str(v) for k, v in s.items()}})


if __name__ == "__main__":
    from psysim.cli import main

    raise SystemExit(main(["run", NAME, *__import__("sys").argv[1:]]))
