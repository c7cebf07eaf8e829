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

Options: ``n_images`` (default all 101; 12 with ``--quick``), ``n_boot`` (2000; 500 quick).

Run:  psysim run saliency-fixations [--quick] [--seed N] [--out DIR]
  or  python -m psysim.experiments.saliency_fixations --quick
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.report import Report
from psysim.saliency import metrics as M

NAME = "saliency-fixations"
DESCRIPTION = "Itti-Koch vs centre-bias and uniform baselines on EToCVD free-viewing fixations, MIT metrics with bootstrap CIs"

MODELS = ("itti-koch", "itti-koch-onoff", "centre-bias", "uniform")
SALIENCY_MODELS = ("itti-koch", "itti-koch-onoff")
METRICS = ("auc_judd", "auc_borji", "auc_shuffled", "nss", "cc", "kl", "sim", "info_gain")
HIGHER_IS_BETTER = {m: m != "kl" for m in METRICS}
CENTRE_SIGMA = 0.25


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


def image_metrics(data, seed=0) -> pd.DataFrame:
    """Per-image metric values of the three models (long table: image, model, metric, value)."""
    from psysim.saliency import IttiKoch

    model, onoff = IttiKoch(), IttiKoch(on_off=True)
    rows = []
    for k, d in enumerate(data):
        shape = d.fixations.shape
        ik = model.compute(d.image, where=d.name).upsampled().astype(np.float64)
        ik2 = onoff.compute(d.image, where=d.name).upsampled().astype(np.float64)
        centre = M.centre_bias(shape, CENTRE_SIGMA)
        maps = {"itti-koch": ik, "itti-koch-onoff": ik2, "centre-bias": centre, "uniform": M.uniform_map(shape)}
        other = _other_fixations(data, k, shape)
        for name, s in maps.items():
            vals = {
                "auc_judd": M.auc_judd(s, d.fixations),
                "auc_borji": M.auc_borji(s, d.fixations, seed=(seed, k)),
                "auc_shuffled": M.auc_shuffled(s, d.fixations, other, seed=(seed, k)),
                "nss": M.nss(s, d.fixations),
                "cc": M.cc(s, d.density),
                "kl": M.kl_divergence(s, d.density),
                "sim": M.sim(s, d.density),
                "info_gain": M.information_gain(s, d.fixations, centre),
            }
            rows += [(d.name, name, m, v) for m, v in vals.items()]
    return pd.DataFrame(rows, columns=["image", "model", "metric", "value"])


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
    for a in models:
        for m in METRICS:
            d = (wide[(a, m)] - wide[(b, m)]).to_numpy()
            boots = d[idx].mean(axis=1)
            lo, hi = np.percentile(boots, [2.5, 97.5])
            better = HIGHER_IS_BETTER[m]
            verdict = "loses" if (hi < 0 if better else lo > 0) else "wins" if (lo > 0 if better else hi < 0) else "no clear difference"
            rows.append((a, m, d.mean(), lo, hi, verdict))
    return pd.DataFrame(rows, columns=["model", "metric", "difference", "ci_low", "ci_high", f"verdict_vs_{b}"])


def run(ctx):
    from psysim.data.fixations import etocvd_names, load_etocvd

    ctx.use_dataset("etocvd")
    names = etocvd_names()
    n_images = ctx.option("n_images", 12 if ctx.quick else len(names), int)
    if n_images < len(names):  # an even spread over the (alphabetical, mixed-source) list
        names = [names[i] for i in np.linspace(0, len(names) - 1, max(n_images, 2)).round().astype(int)]
    n_boot = ctx.option("n_boot", 500 if ctx.quick else 2000, int)
    with ctx.timer("load"):
        data = load_etocvd(names)
    with ctx.timer("metrics"):
        per_image = image_metrics(data, seed=ctx.seed)
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

    r = Report("Itti-Koch saliency against human fixations (EToCVD)")
    r.text(
        f"{len(data)} images of the EToCVD set, fixations of observers with normal colour vision (first 3 s). "
        f"Per-image metrics, mean over images with 95% percentile bootstrap CIs ({n_boot} resamples of images). "
        f"Centre bias: a Gaussian at the image centre with sigma = {CENTRE_SIGMA} x the shorter side (not fitted). "
        "Information gain is in bits per fixated pixel over the centre-bias map (so it is 0 for the centre bias itself)."
    )
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
    from psysim.data.registry import get_dataset

    ds = get_dataset("etocvd")
    r.cite(ds.citation, ds.licence)
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

    fig, axes = plt.subplots(2, 4, figsize=(12, 5.5))
    for ax, m in zip(axes.ravel(), METRICS):
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
