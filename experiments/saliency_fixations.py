"""Experiment `saliency-fixations`: Itti-Koch against human free-viewing fixations.

Data: EToCVD (Bruno et al. 2019), 101 colourful natural images, fixations of observers with
normal colour vision in the first 3 s of free viewing (``fixations/etocvd`` in the data
folder; fixation points are stored as JPEG and thresholded at > 127).

Models, each giving one map per image:

- ``itti-koch``: :class:`psysim.saliency.IttiKoch` (Itti, Koch & Niebur 1998), upsampled to the
  image (bilinear);
- ``itti-koch-onoff``: the same with on- and off-centre intensity and colour maps kept apart
  (``IttiKoch(on_off=True)``, after Frintrop 2005; not in the 1998 paper);
- ``centre-bias``: an isotropic Gaussian at the image centre, sigma a quarter of the shorter side
  (a fixed, not fitted, baseline);
- ``uniform``: a constant map (chance).

Metrics (MIT benchmark definitions, :mod:`psysim.saliency.metrics`): AUC-Judd, AUC-Borji,
shuffled AUC (negatives: fixations of all other images, in normalised coordinates), NSS, CC,
KL divergence and SIM (against the smoothed fixation map), information gain over the
centre-bias baseline (bits per fixated pixel). Per-image values, then the mean over images with
a 95% percentile bootstrap CI over images (``metrics.csv``: ``model, metric, mean, ci_low,
ci_high``) and paired bootstrap CIs of each Itti-Koch variant minus centre bias (``differences.csv``).

Own data: ``--data FILE.toml`` (or ``--set data=FILE.toml``) runs the same models and metrics
on a fixation data set described in a TOML file (:mod:`psysim.data.fixation_describe`;
images plus point lists, binary fixation maps or continuous density maps; see
``docs/own_data.md``). The report names that set, its citation and licence, says where its
fixated points and density come from, and lists the metrics it could not compute (a
density-only set without derived points has no point-based metrics) with the reason.

Options (``OPTIONS``): ``n_images`` (default all; 12 with ``--quick``), ``n_boot`` (2000; 500
quick), ``data`` (a description file; default EToCVD).

Run:  psysim run saliency-fixations [--quick] [--seed N] [--out DIR] [--data FILE.toml]
  or  python -m psysim.experiments.saliency_fixations --quick
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.options import Option
from psysim.report import Report
from psysim.saliency import metrics as M
from psysim.tables import TableSpec

NAME = "saliency-fixations"
DESCRIPTION = "Itti-Koch vs centre-bias and uniform baselines on EToCVD free-viewing fixations, MIT metrics with bootstrap CIs"

MODELS = ("itti-koch", "itti-koch-onoff", "centre-bias", "uniform")
SALIENCY_MODELS = ("itti-koch", "itti-koch-onoff")
METRICS = ("auc_judd", "auc_borji", "auc_shuffled", "nss", "cc", "kl", "sim", "info_gain")
HIGHER_IS_BETTER = {m: m != "kl" for m in METRICS}
CENTRE_SIGMA = 0.25

TABLES = {
    "per_image": TableSpec("per_image.csv", {"image": "any", "model": "str", "metric": "str", "value": "float"},
                           keys=("image", "model", "metric"), nullable=("value",)),
    "metrics": TableSpec("metrics.csv", {"model": "str", "metric": "str", "mean": "float", "ci_low": "float",
                                         "ci_high": "float"}, keys=("model", "metric"), nullable=("mean", "ci_low", "ci_high")),
    "differences": TableSpec("differences.csv", {"model": "str", "metric": "str", "difference": "float",
                                                 "ci_low": "float", "ci_high": "float"},
                             keys=("model", "metric"), nullable=("difference", "ci_low", "ci_high")),
}
"""The run folder's tables, checked when the run writes them and when `psysim report` reads them."""

OPTIONS = (
    Option("n_images", int, None, quick=12, low=2, help="images, spread evenly over the sorted names (default: all)"),
    Option("n_boot", int, 2000, quick=500, low=10, help="bootstrap resamples of images for the 95% CIs"),
    Option("data", str, None, help="fixation data-set description FILE.toml (docs/own_data.md); default: EToCVD"),
)


def _other_fixations(data, k: int, shape) -> np.ndarray:
    """Fixations of every image except ``k``, mapped to the pixel grid of image ``k``."""
    h, w = shape
    out = np.zeros(shape, dtype=bool)
    for j, d in enumerate(data):
        if j == k:
            continue
        ys, xs = np.nonzero(d.fixations)
        hy, wx = d.fixations.shape
        out[np.minimum((ys + 0.5) / hy * h, h - 1).astype(int), np.minimum((xs + 0.5) / wx * w, w - 1).astype(int)] = True
    return out


def image_metrics(data, seed=0, skip=()) -> pd.DataFrame:
    """Per-image metric values of the models (long table: image, model, metric, value); the
    metrics named in ``skip`` are not computed."""
    from psysim.saliency import IttiKoch

    model, onoff = IttiKoch(), IttiKoch(on_off=True)
    rows = []
    for k, d in enumerate(data):
        shape = d.fixations.shape
        ik = model.compute(d.image, where=d.name).upsampled().astype(np.float64)
        ik2 = onoff.compute(d.image, where=d.name).upsampled().astype(np.float64)
        centre = M.centre_bias(shape, CENTRE_SIGMA)
        maps = {"itti-koch": ik, "itti-koch-onoff": ik2, "centre-bias": centre, "uniform": M.uniform_map(shape)}
        other = None if "auc_shuffled" in skip else _other_fixations(data, k, shape)
        for name, s in maps.items():
            rows += [(d.name, name, m, _metric(m, s, d, other, centre, (seed, k))) for m in METRICS if m not in skip]
    return pd.DataFrame(rows, columns=["image", "model", "metric", "value"])


def _metric(m: str, s, d, other, centre, seed) -> float:
    """Metric ``m`` of map ``s`` on image ``d`` (``other``: fixations of the other images)."""
    if m == "auc_judd":
        return M.auc_judd(s, d.fixations)
    if m == "auc_borji":
        return M.auc_borji(s, d.fixations, seed=seed)
    if m == "auc_shuffled":
        return M.auc_shuffled(s, d.fixations, other, seed=seed)
    if m == "nss":
        return M.nss(s, d.fixations)
    if m == "info_gain":
        return M.information_gain(s, d.fixations, centre)
    return {"cc": M.cc, "kl": M.kl_divergence, "sim": M.sim}[m](s, d.density)


def bootstrap_summary(per_image: pd.DataFrame, rng, n_boot: int = 2000) -> pd.DataFrame:
    """Mean over images with a 95% percentile bootstrap CI (images resampled with replacement)."""
    wide = per_image.pivot_table(index="image", columns=["model", "metric"], values="value")
    x = wide.to_numpy()
    idx = rng.integers(0, len(wide), size=(n_boot, len(wide)))
    boots = x[idx].mean(axis=1)
    lo, hi = np.percentile(boots, [2.5, 97.5], axis=0)
    out = pd.DataFrame({"model": wide.columns.get_level_values(0), "metric": wide.columns.get_level_values(1),
                        "mean": x.mean(axis=0), "ci_low": lo, "ci_high": hi})
    order = {m: i for i, m in enumerate(MODELS)}, {m: i for i, m in enumerate(METRICS)}
    return out.sort_values(["model", "metric"], key=lambda c: c.map(order[0] if c.name == "model" else order[1])).reset_index(drop=True)


def paired_differences(per_image: pd.DataFrame, rng, models=SALIENCY_MODELS, b="centre-bias", n_boot: int = 2000) -> pd.DataFrame:
    """Mean per-image difference (model - ``b``) per model and metric with a paired bootstrap 95%
    CI (the same image resamples for every model and metric); ``verdict``: does the model win
    against ``b``, lose, or is there no clear difference."""
    wide = per_image.pivot_table(index="image", columns=["model", "metric"], values="value")
    rows = []
    idx = rng.integers(0, len(wide), size=(n_boot, len(wide)))
    present = set(wide.columns.get_level_values(1))
    for a in models:
        for m in (m for m in METRICS if m in present):
            d = (wide[(a, m)] - wide[(b, m)]).to_numpy()
            boots = d[idx].mean(axis=1)
            lo, hi = np.percentile(boots, [2.5, 97.5])
            better = HIGHER_IS_BETTER[m]
            verdict = "loses" if (hi < 0 if better else lo > 0) else "wins" if (lo > 0 if better else hi < 0) else "no clear difference"
            rows.append((a, m, d.mean(), lo, hi, verdict))
    return pd.DataFrame(rows, columns=["model", "metric", "difference", "ci_low", "ci_high", f"verdict_vs_{b}"])


def _load(ctx):
    """The fixation images of the run, the data set's report lines and the skipped metrics."""
    from psysim.data.fixations import etocvd_names, load_etocvd

    data_file = ctx.option("data")
    if data_file is None:
        ds = ctx.use_dataset("etocvd")
        names, loader = etocvd_names(), load_etocvd
        about = ("the EToCVD set (Bruno et al. 2019), fixations of observers with normal colour vision "
                 "(first 3 s; fixation points stored as JPEG, thresholded at grey level > 127; density: the "
                 "data set's smoothed fixation maps)")
        skipped, short = {}, "EToCVD"
    else:
        from psysim.data.fixation_describe import as_dataset, read_fixation_description
        from psysim.data.fixation_sets import fixation_names, load_described_fixations

        desc = read_fixation_description(data_file)
        ds = as_dataset(desc)
        ctx.datasets.append(ds)
        names = fixation_names(desc)
        loader = lambda sel: load_described_fixations(desc, sel)  # noqa: E731
        about = (f"the data set {desc.title!r} (described by {desc.path.name}, format {desc.format!r}). "
                 f"{desc.points_text()} {desc.density_text()}")
        skipped, short = desc.skipped_metrics, desc.name
        ctx.metadata["fixation_description"] = {"file": str(desc.path), "format": desc.format,
                                                "points_from": desc.points_from, "skipped_metrics": sorted(skipped)}
    n_images = ctx.option("n_images")
    if n_images is not None and n_images < len(names):  # an even spread over the sorted list
        names = [names[i] for i in np.linspace(0, len(names) - 1, max(n_images, 2)).round().astype(int)]
    with ctx.timer("load"):
        data = loader(names)
    if len(data) < 2:
        from psysim.errors import DataError

        raise DataError(f"saliency-fixations: {len(data)} image; the bootstrap over images needs at least 2")
    return data, ds, about, skipped, short


def run(ctx):
    data, ds, about, skipped, short = _load(ctx)
    n_boot = ctx.option("n_boot")
    with ctx.timer("metrics"):
        per_image = image_metrics(data, seed=ctx.seed, skip=tuple(skipped))
    summary = bootstrap_summary(per_image, ctx.rng_for("bootstrap"), n_boot)
    diffs = paired_differences(per_image, ctx.rng_for("paired"), n_boot=n_boot)
    ctx.write_table(per_image, "per_image.csv")
    ctx.write_table(summary, "metrics.csv")
    ctx.write_table(diffs, "differences.csv")
    ctx.metadata.update({"n_images": len(data), "n_boot": n_boot, "centre_bias_sigma": CENTRE_SIGMA})

    fig_ex = _examples_figure(data[:4])
    fig_m = _metrics_figure(summary)
    ctx.save_figure(fig_ex, "examples.png")
    ctx.save_figure(fig_m, "metrics.png")

    r = Report(f"Itti-Koch saliency against human fixations ({short})")
    r.text(
        f"{len(data)} images of {about} "
        f"Per-image metrics, mean over images with 95% percentile bootstrap CIs ({n_boot} resamples of images). "
        f"Centre bias: a Gaussian at the image centre with sigma = {CENTRE_SIGMA} x the shorter side (not fitted). "
        + ("" if "info_gain" in skipped else
           "Information gain is in bits per fixated pixel over the centre-bias map (so it is 0 for the centre bias itself).")
    )
    if skipped:
        r.heading("Metrics not computed")
        r.bullets([f"{m}: {why}" for m, why in skipped.items()])
    r.heading("Where Itti-Koch loses to the centre-bias baseline")
    r.bullets(_plain_lines(diffs))
    r.table(diffs, caption="Itti-Koch (the paper's model, and the on/off variant) minus centre bias, mean over images with paired bootstrap 95% CI", digits=3)
    r.heading("All metrics")
    r.table(summary, caption="metrics.csv: mean over images and 95% bootstrap CI", digits=3)
    r.figure(fig_m, "Metric means with 95% CIs")
    r.figure(fig_ex, "Examples: image with fixations, Itti-Koch map, fixation density")
    r.text(
        "Metric definitions follow the MIT saliency benchmark (Bylinskii et al. 2019); see "
        "psysim.saliency.metrics for where pysaliency's definitions differ."
    )
    r.cite(ds.citation or f"{ds.name}: no citation given in the description", ds.licence or "licence: not stated")
    r.cite("Itti, L., Koch, C., & Niebur, E. (1998). A model of saliency-based visual attention for rapid scene analysis. IEEE TPAMI, 20(11), 1254-1259.")
    r.cite("Frintrop, S. (2005). VOCUS: A visual attention system for object detection and goal-directed search. LNAI 3899. Springer.")
    r.cite("Bylinskii, Z., Judd, T., Oliva, A., Torralba, A., & Durand, F. (2019). What do different evaluation metrics tell us about saliency models? IEEE TPAMI, 41(3), 740-757.")
    r.write(ctx.out / "report.html", metadata={"experiment": NAME, "seed": ctx.seed, "quick": ctx.quick, "images": len(data)})


def _plain_lines(diffs: pd.DataFrame) -> list[str]:
    col = diffs.columns[-1]
    lines = []
    for model, g in diffs.groupby("model", sort=False):
        name = {"itti-koch": "Itti-Koch", "itti-koch-onoff": "Itti-Koch (on/off)"}.get(model, model)
        for _, d in g.iterrows():
            direction = "higher is better" if HIGHER_IS_BETTER[d["metric"]] else "lower is better"
            what = {"loses": f"{name} loses to the centre bias", "wins": f"{name} beats the centre bias",
                    "no clear difference": f"no clear difference between {name} and the centre bias"}[d[col]]
            lines.append(f"{d['metric']} ({direction}): {what}; difference {d['difference']:+.3f} [{d['ci_low']:+.3f}, {d['ci_high']:+.3f}]")
        losses = g.loc[g[col] == "loses", "metric"].tolist()
        lines.append(f"In short: {name} loses to a plain centre-bias Gaussian on " + (", ".join(losses) if losses else "no metric") + ".")
    return lines


def _metrics_figure(summary: pd.DataFrame):
    import matplotlib.pyplot as plt

    present = [m for m in METRICS if m in set(summary["metric"])]
    fig, axes = plt.subplots(2, 4, figsize=(12, 5.5))
    for ax in axes.ravel()[len(present):]:
        ax.axis("off")
    for ax, m in zip(axes.ravel(), present):
        g = summary[summary["metric"] == m].set_index("model").reindex(MODELS)
        x = np.arange(len(MODELS))
        ax.bar(x, g["mean"], color=["tab:orange", "tab:red", "tab:blue", "tab:gray"])
        ax.errorbar(x, g["mean"], yerr=[g["mean"] - g["ci_low"], g["ci_high"] - g["mean"]], fmt="none", color="k")
        ax.set_xticks(x, ["IK", "IK on/off", "centre", "uniform"], fontsize=8)
        ax.set_title(m)
    fig.tight_layout()
    return fig


def _examples_figure(data):
    import matplotlib.pyplot as plt

    from psysim.saliency import IttiKoch

    fig, axes = plt.subplots(3, len(data), figsize=(3.2 * len(data), 7))
    axes = np.asarray(axes).reshape(3, -1)
    for k, d in enumerate(data):
        ys, xs = np.nonzero(d.fixations)
        axes[0, k].imshow(d.image)
        axes[0, k].scatter(xs, ys, s=4, c="cyan")
        axes[0, k].set_title(d.name, fontsize=8)
        axes[1, k].imshow(IttiKoch().compute(d.image).upsampled(), cmap="inferno")
        axes[2, k].imshow(d.density, cmap="gray")
        for ax in axes[:, k]:
            ax.axis("off")
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    from psysim.cli import main

    raise SystemExit(main(["run", NAME, *__import__("sys").argv[1:]]))
