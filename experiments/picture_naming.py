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

Run:  psysim run picture-naming [--quick] [--set backbone=NAME] [--set regime=transfer] [--lang ja]
Re-render (e.g. in Japanese):  psysim report DIR --lang ja
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
    temperature_split_test,
    train_naming,
)
from psysim.naming.model import NAMING_BACKBONES, check_backbone
from psysim.naming.norms import COVARIATES, NORM_COLUMNS, norm_coverage, unused_numeric_columns
from psysim.naming.pictures import INK_THRESHOLD
from psysim.naming.train import stream_seed
from psysim.options import Option
from psysim.tables import TableSpec

NAME = "picture-naming"
DESCRIPTION = "CNN picture naming (transfer vs fine-tuning) on held-out views, compared with human naming norms"
LANGUAGES = ("en", "ja")  # report languages (psysim.i18n.check_report_language)

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

    ctx.metadata["unused_columns"] = list(unused_numeric_columns(pictures.table))
    meta = {**ctx.metadata, "data_sources": [{"citation": d.citation, "licence": d.licence} for d in ctx.datasets]}
    _render(ctx.out, ctx.lang, _info(meta, ctx.seed, ctx.quick), ctx.out / "report.html",
            network_figures=lambda lang: _network_figures(pictures, items, models, lang), save_figure=ctx.save_figure)


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


def _info(meta: dict, seed, quick) -> dict:
    cites = [(d.get("citation", ""), d.get("licence", "")) for d in meta.get("data_sources", []) if isinstance(d, dict)]
    desc = meta["pictures"].get("description")
    if desc and desc.get("citation"):
        cites.append((desc["citation"], desc.get("licence", "")))
    return {"seed": seed, "quick": quick, "settings": meta["settings"], "pictures": meta["pictures"],
            "train_strength": TRAIN_STRENGTH, "eval_strengths": EVAL_STRENGTHS, "ink_threshold": INK_THRESHOLD,
            "unused": meta.get("unused_columns", []), "norm_columns": NORM_COLUMNS,
            "citations": cites + [(c, "") for c in CITATIONS]}


def _render(run_dir, lang, info, out, network_figures=None, save_figure=None):
    from psysim.report.naming import render

    return render(run_dir, lang, info, out, TABLES, network_figures=network_figures, save_figure=save_figure)


def report(run_dir, lang: str = "en", out=None):
    """Re-render the report of a picture-naming run folder from its tables, in ``lang``
    (``psysim report RUN_DIR --lang ja``); the confusion and Grad-CAM figures need the pictures
    and networks and stay in the run folder."""
    from psysim.cli.report import report_inputs

    run_dir, meta, out = report_inputs(run_dir, NAME, lang, out)
    return _render(run_dir, lang, _info(meta, meta["seed"], meta.get("quick", False)), out)


def _network_figures(pictures, items, models, lang):
    """Confusions and Grad-CAM of each trained network (first seed): needs the pictures and networks."""
    from psysim.naming import plots

    out = []
    for (bb, reg), model in models.items():
        d = items[(items["backbone"] == bb) & (items["regime"] == reg)]
        out.append(("confusions", bb, reg, plots.confusion_plot(pictures, d)))
        try:
            out.append(("cam", bb, reg, _cam_figure(model, pictures, d)))
        except Exception as exc:  # a CAM failure must not lose the run; the report says so
            out.append(("cam", bb, reg, exc))
    return out


if __name__ == "__main__":
    from psysim.cli import main

    raise SystemExit(main(["run", NAME, *__import__("sys").argv[1:]]))
