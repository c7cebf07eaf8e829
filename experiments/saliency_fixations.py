"""Experiment `saliency-fixations`: Itti-Koch against human free-viewing fixations, scored by
the benchmark protocol (blur and centre bias fitted on training images, scored on held-out ones).

Data: EToCVD (Bruno et al. 2019), 101 colourful natural images, fixations of observers with
normal colour vision in the first 3 s of free viewing (``fixations/etocvd`` in the data
folder; fixation points are stored as JPEG and thresholded at > 127).

Protocol (:mod:`psysim.saliency.protocol`; Judd, Durand & Torralba 2012; Kümmerer et al. 2015,
2018): the images are split at random (seeded, ``train_fraction``) into training and test
images. On the training images, by maximum likelihood over a grid, the run fits the centre-bias
sigma, the blur of the Itti-Koch map alone, and jointly the blur, centre-bias sigma and weight of
the mixture ``w * IK + (1 - w) * centre`` (densities). All scores are on the test images only:

- ``itti-koch``: :class:`psysim.saliency.IttiKoch` (Itti, Koch & Niebur 1998), blurred by the
  fitted sigma at map resolution, upsampled to the image (bilinear);
- ``centre-bias``: an isotropic Gaussian at the image centre, fitted sigma;
- ``mixture``: the fitted mixture of the two;
- ``uniform``: a constant map (chance).

Primary metric, fixed before looking at the results: the log-likelihood of the fixations in bits
per fixation relative to a uniform map (``ll_bits``; information gain over the uniform baseline,
Kümmerer et al. 2015). Why: it is the one metric under which a saliency map is read as what it
claims to be, a prediction of where fixations fall, and for which the fitted parameters are the
ones that score best; every other metric prefers a different map from the same model (Kümmerer
et al. 2018), and the eight MIT metrics are correlated views of one ranking (Bylinskii et al.
2019), so counting them separately counts one finding several times. The three comparisons
(mixture - centre bias, Itti-Koch - centre bias, mixture - Itti-Koch) are two-sided Wilcoxon
signed-rank tests over test images, Holm-corrected over the three (``primary.csv``). The eight
MIT metrics (:mod:`psysim.saliency.metrics`) are secondary: the same comparisons, Holm-corrected
over their own family of 24 tests (``secondary.csv``), reported as descriptive.

Tables: ``split.csv`` (image, split), ``fit.csv`` (the fitted values, their grids and training
log-likelihoods), ``per_image.csv`` (test images), ``metrics.csv`` (mean over test images with a
95% percentile bootstrap CI over images), ``primary.csv``, ``secondary.csv``, ``published.csv``
(MIT300 values of Itti-Koch and the centre baseline, a different data set; see
:data:`PUBLISHED`).

Own data: ``--data FILE.toml`` (or ``--set data=FILE.toml``) runs the same protocol on a fixation
data set described in a TOML file (:mod:`psysim.data.fixation_describe`; see
``docs/own_data.md``). For a density-only set the log-likelihood is the expected one under the
given density, and the metrics that need points are listed as not computed, with the reason.

Options (``OPTIONS``): ``n_images`` (default all; 12 with ``--quick``), ``n_boot`` (2000; 500
quick), ``data`` (a description file; default EToCVD), ``train_fraction`` (0.5), ``blur_max``
(0.12 of the map's shorter side), ``n_grid`` (grid points per fitted parameter, 9; 5 quick).

Run:  psysim run saliency-fixations [--quick] [--seed N] [--out DIR] [--data FILE.toml] [--lang ja]
Re-render (e.g. in Japanese):  psysim report DIR --lang ja
  or  python -m psysim.experiments.saliency_fixations --quick
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.options import Option
from psysim.progress import progress
from psysim.saliency import metrics as M
from psysim.saliency import protocol as P
from psysim.seeds import derive_seed
from psysim.tables import TableSpec

NAME = "saliency-fixations"
DESCRIPTION = ("Itti-Koch, fitted centre bias and their fitted mixture on held-out EToCVD images: "
               "log-likelihood (primary) with Holm-corrected Wilcoxon tests, MIT metrics secondary")
LANGUAGES = ("en", "ja")  # report languages (psysim.i18n.check_report_language)

MODELS = ("itti-koch", "centre-bias", "mixture", "uniform")
METRICS = ("auc_judd", "auc_borji", "auc_shuffled", "nss", "cc", "kl", "sim", "info_gain")
PRIMARY = "ll_bits"
HIGHER_IS_BETTER = {m: m != "kl" for m in (*METRICS, PRIMARY)}
COMPARISONS = (("mixture", "centre-bias"), ("itti-koch", "centre-bias"), ("mixture", "itti-koch"))
SIGMA_GRID = (0.1, 0.5)
"""Range of the centre-bias sigma grid (fraction of the image's shorter side)."""

PUBLISHED: tuple = ()
"""MIT300 values of Itti-Koch and the centre baseline, as ``(model, metric, value)``, to frame ours.

Empty on purpose: the values must be copied from the benchmark's results page
(saliency.mit.edu/results_mit300.html) and checked there, which could not be done on the offline
machines this version was built on; numbers from memory are not shipped. When filled, the report
shows them beside ours (MIT300 is a different data set: 300 scenes, 39 observers, other screen
and eye tracker, and the benchmark blurs and centre-biases by its own optimisation, so the values
frame ours and are not a replication target)."""
PUBLISHED_SOURCE = ("Bylinskii, Z., Judd, T., Borji, A., Itti, L., Durand, F., Oliva, A., & Torralba, A. "
                    "MIT Saliency Benchmark, MIT300 results (saliency.mit.edu/results_mit300.html); "
                    "Judd, T., Durand, F., & Torralba, A. (2012). A benchmark of computational models of "
                    "saliency to predict human fixations. MIT-CSAIL-TR-2012-001.")

TABLES = {
    "split": TableSpec("split.csv", {"image": "any", "split": "str"}, keys=("image",)),
    "fit": TableSpec("fit.csv", {"parameter": "str", "value": "float", "grid_low": "float", "grid_high": "float",
                                 "n_grid": "int", "train_ll_bits": "float"}, keys=("parameter",)),
    "per_image": TableSpec("per_image.csv", {"image": "any", "model": "str", "metric": "str", "value": "float"},
                           keys=("image", "model", "metric"), nullable=("value",)),
    "metrics": TableSpec("metrics.csv", {"model": "str", "metric": "str", "mean": "float", "ci_low": "float",
                                         "ci_high": "float"}, keys=("model", "metric"), nullable=("mean", "ci_low", "ci_high")),
    "primary": TableSpec("primary.csv", {"comparison": "str", "metric": "str", "n": "int", "mean_diff": "float",
                                         "ci_low": "float", "ci_high": "float", "median_diff": "float", "W": "float",
                                         "p": "float", "p_holm": "float"}, keys=("comparison", "metric"),
                         nullable=("mean_diff", "ci_low", "ci_high", "median_diff", "W", "p", "p_holm")),
    "secondary": TableSpec("secondary.csv", {"comparison": "str", "metric": "str", "n": "int", "mean_diff": "float",
                                             "ci_low": "float", "ci_high": "float", "median_diff": "float",
                                             "W": "float", "p": "float", "p_holm": "float"},
                           keys=("comparison", "metric"),
                           nullable=("mean_diff", "ci_low", "ci_high", "median_diff", "W", "p", "p_holm")),
    "published": TableSpec("published.csv", {"source": "str", "model": "str", "metric": "str", "value": "float"},
                           keys=("model", "metric")),
}
"""The run folder's tables, checked when the run writes them and when `psysim report` reads them."""

OPTIONS = (
    Option("n_images", int, None, quick=12, low=3, help="images, spread evenly over the sorted names (default: all)"),
    Option("n_boot", int, 2000, quick=500, low=10, help="bootstrap resamples of images for the 95% CIs"),
    Option("data", str, None, help="fixation data-set description FILE.toml (docs/own_data.md); default: EToCVD"),
    Option("train_fraction", float, 0.5, low=0.1, high=0.9,
           help="fraction of the images (seeded draw) used to fit blur, centre bias and mixture weight"),
    Option("blur_max", float, 0.12, low=0.0, high=0.5,
           help="largest blur sigma of the grid, fraction of the map's shorter side (grid from 0)"),
    Option("n_grid", int, 9, quick=5, low=2, high=41,
           help="grid points per fitted parameter (blur sigma, centre-bias sigma, mixture weight)"),
)


DEFAULT_PARAMS = {"centre_sigma": 0.25, "blur_alone": 0.0, "blur_mixture": 0.0, "centre_sigma_mixture": 0.25,
                  "weight": 0.5}
"""Unfitted parameters (:func:`image_metrics` without ``params``): the old fixed centre bias."""


def grids(blur_max: float, n_grid: int) -> dict:
    """The fitting grids: blur sigma 0..``blur_max`` (fraction of the map's shorter side),
    centre-bias sigma over :data:`SIGMA_GRID` (fraction of the image's shorter side), weight 0..1."""
    return {"blur": np.linspace(0.0, blur_max, n_grid), "centre_sigma": np.linspace(*SIGMA_GRID, n_grid),
            "weight": np.linspace(0.0, 1.0, n_grid)}


def raw_maps(data) -> list:
    """Itti-Koch map of each image at map resolution (scale 4), clipped at 0, and its upsampling factor."""
    from psysim.saliency import IttiKoch

    model = IttiKoch()
    out = []
    for d in progress(data, desc="saliency maps", unit="image"):
        res = model.compute(d.image, where=d.name)
        out.append((np.clip(res.saliency.astype(np.float64), 0, None), 2**res.level))
    return out


def _on_image(small, factor, shape):
    from psysim.saliency.model import upsample

    return np.clip(upsample(small, tuple(shape), factor), 0, None)


def _weights(d, points: bool) -> np.ndarray:
    return P.fixation_weights(d.fixations) if points else P.fixation_weights(dens=d.density)


def fit(data, raw, grid: dict, points: bool = True) -> dict:
    """Fitted parameters on the training images ``data`` (with their :func:`raw_maps`)."""
    items = [(m, _weights(d, points)) for d, (m, _) in zip(data, raw)]
    factor = raw[0][1] if raw else 16
    return P.fit_protocol(items, grid["blur"], grid["centre_sigma"], grid["weight"], M.centre_bias,
                          resize=lambda m, shape: _on_image(m, factor, shape))


def model_maps(small, factor, shape, params) -> dict:
    """The four model maps on one image's grid: densities (unit sum), the uniform map as ones."""
    cb = P.density(M.centre_bias(shape, params["centre_sigma"]))
    cb_mix = P.density(M.centre_bias(shape, params["centre_sigma_mixture"]))
    ik = P.density(_on_image(P.blur_map(small, params["blur_alone"]), factor, shape))
    ik_mix = P.density(_on_image(P.blur_map(small, params["blur_mixture"]), factor, shape))
    return {"itti-koch": ik, "centre-bias": cb, "mixture": P.mixture(ik_mix, cb_mix, params["weight"]),
            "uniform": M.uniform_map(shape)}  # exact ones: a floored density is not exactly constant (NSS 0/0)


def image_metrics(data, seed=0, skip=(), params=None, raw=None) -> pd.DataFrame:
    """Per-image values of the primary metric and the MIT metrics for the four models (long
    table: image, model, metric, value); the metrics named in ``skip`` are not computed; without
    ``params`` the unfitted :data:`DEFAULT_PARAMS`. Information gain (MIT) is over the centre bias."""
    params = params or DEFAULT_PARAMS
    raw = raw if raw is not None else raw_maps(data)
    points = "nss" not in skip
    rows = []
    for k, (d, (small, factor)) in progress(enumerate(zip(data, raw)), desc="metrics", total=len(data), unit="image"):
        shape = d.fixations.shape
        maps = model_maps(small, factor, shape, params)
        other = None if "auc_shuffled" in skip else M.other_fixations([x.fixations for x in data], k, shape)
        w = _weights(d, points)
        for name, s in maps.items():
            rows.append((d.name, name, PRIMARY, P.log_likelihood(s / s.sum(), w)))
            rows += [(d.name, name, m, _metric(m, s, d, other, maps["centre-bias"], derive_seed(seed, "auc", d.name)))
                     for m in METRICS if m not in skip]
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


def _order(df: pd.DataFrame) -> pd.DataFrame:
    order = {m: i for i, m in enumerate(MODELS)}, {m: i for i, m in enumerate((PRIMARY, *METRICS))}
    return df.sort_values(["model", "metric"], key=lambda c: c.map(order[0] if c.name == "model" else order[1])).reset_index(drop=True)


def bootstrap_summary(per_image: pd.DataFrame, rng, n_boot: int = 2000) -> pd.DataFrame:
    """Mean over images with a 95% percentile bootstrap CI (images resampled with replacement)."""
    wide = per_image.pivot_table(index="image", columns=["model", "metric"], values="value")
    x = wide.to_numpy()
    idx = rng.integers(0, len(wide), size=(n_boot, len(wide)))
    lo, hi = np.percentile(x[idx].mean(axis=1), [2.5, 97.5], axis=0)
    return _order(pd.DataFrame({"model": wide.columns.get_level_values(0), "metric": wide.columns.get_level_values(1),
                                "mean": x.mean(axis=0), "ci_low": lo, "ci_high": hi}))


def compare(per_image: pd.DataFrame, metrics, rng, n_boot: int = 2000, comparisons=COMPARISONS) -> pd.DataFrame:
    """Paired comparisons across images, one family: for each comparison ``a - b`` and metric,
    the mean difference with a paired bootstrap 95% CI (the same image resamples throughout), the
    Wilcoxon signed-rank test (:func:`psysim.saliency.protocol.paired_test`) and its Holm-adjusted
    p over every test in the table."""
    wide = per_image.pivot_table(index="image", columns=["model", "metric"], values="value")
    idx = rng.integers(0, len(wide), size=(n_boot, len(wide)))
    present = set(wide.columns.get_level_values(1))
    rows = []
    for a, b in comparisons:
        for m in (m for m in metrics if m in present):
            d = (wide[(a, m)] - wide[(b, m)]).to_numpy()
            lo, hi = np.percentile(d[idx].mean(axis=1), [2.5, 97.5])
            t = P.paired_test(wide[(a, m)], wide[(b, m)])
            rows.append((f"{a} - {b}", m, t["n"], t["mean_diff"], lo, hi, t["median_diff"], t["W"], t["p"]))
    out = pd.DataFrame(rows, columns=["comparison", "metric", "n", "mean_diff", "ci_low", "ci_high", "median_diff", "W", "p"])
    out["p_holm"] = P.holm(out["p"].to_numpy())
    return out


def fit_table(params: dict, grid: dict) -> pd.DataFrame:
    """fit.csv: each fitted value with its grid and the training log-likelihood it reached."""
    g = {"centre_sigma": "centre_sigma", "blur_alone": "blur", "blur_mixture": "blur",
         "centre_sigma_mixture": "centre_sigma", "weight": "weight"}
    ll = {"centre_sigma": "ll_centre", "blur_alone": "ll_alone", "blur_mixture": "ll_mixture",
          "centre_sigma_mixture": "ll_mixture", "weight": "ll_mixture"}
    return pd.DataFrame([(k, params[k], grid[g[k]][0], grid[g[k]][-1], len(grid[g[k]]), params[ll[k]]) for k in g],
                        columns=["parameter", "value", "grid_low", "grid_high", "n_grid", "train_ll_bits"])


def published_table() -> pd.DataFrame:
    return pd.DataFrame([("MIT300", m, k, v) for m, k, v in PUBLISHED], columns=["source", "model", "metric", "value"])


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
    if len(data) < 3:
        from psysim.errors import DataError

        raise DataError(f"saliency-fixations: {len(data)} image(s); the protocol needs at least 3 (1 to fit, 2 to test)")
    return data, ds, about, skipped, short


def run(ctx):
    data, ds, about, skipped, short = _load(ctx)
    n_boot, frac = ctx.option("n_boot"), ctx.option("train_fraction")
    grid = grids(ctx.option("blur_max"), ctx.option("n_grid"))
    train_names, test_names = P.train_test_split([d.name for d in data], frac, ctx.rng_for("split"))
    with ctx.timer("maps"):
        raw = dict(zip([d.name for d in data], raw_maps(data)))
    train = [d for d in data if d.name in set(train_names)]
    test = [d for d in data if d.name in set(test_names)]
    points = "nss" not in skipped
    with ctx.timer("fit"):
        params = fit(train, [raw[d.name] for d in train], grid, points)
    with ctx.timer("metrics"):
        per_image = image_metrics(test, seed=ctx.seed, skip=tuple(skipped), params=params, raw=[raw[d.name] for d in test])
    summary = bootstrap_summary(per_image, ctx.rng_for("bootstrap"), n_boot)
    primary = compare(per_image, (PRIMARY,), ctx.rng_for("primary"), n_boot)
    secondary = compare(per_image, METRICS, ctx.rng_for("secondary"), n_boot)
    fits, published = fit_table(params, grid), published_table()
    split = pd.DataFrame({"image": [d.name for d in data],
                          "split": ["train" if d.name in set(train_names) else "test" for d in data]})
    for df, name in ((split, "split.csv"), (fits, "fit.csv"), (per_image, "per_image.csv"), (summary, "metrics.csv"),
                     (primary, "primary.csv"), (secondary, "secondary.csv"), (published, "published.csv")):
        ctx.write_table(df, name)
    ctx.metadata.update({"n_images": len(data), "n_train": len(train), "n_test": len(test), "n_boot": n_boot,
                         "primary_metric": PRIMARY, "fitted": {k: params[k] for k in DEFAULT_PARAMS}})

    ctx.metadata["report"] = {"builtin": ctx.option("data") is None, "short": short, "about": about, "skipped": dict(skipped), "points": points,
                              "train_fraction": frac, "grid": {k: [float(v) for v in g] for k, g in grid.items()},
                              "citation": [ds.citation or f"{ds.name}: no citation given in the description",
                                           ds.licence or "licence: not stated"]}
    _render(ctx.out, ctx.lang, _info(ctx.metadata, ctx.seed, ctx.quick), ctx.out / "report.html",
            examples=lambda lang: _examples_figure(test[:4], lang), save_figure=ctx.save_figure)


CITATIONS = (
    "Itti, L., Koch, C., & Niebur, E. (1998). A model of saliency-based visual attention for rapid scene analysis. IEEE TPAMI, 20(11), 1254-1259.",
    "Kümmerer, M., Wallis, T. S. A., & Bethge, M. (2015). Information-theoretic model comparison unifies saliency metrics. PNAS, 112(52), 16054-16059.",
    "Kümmerer, M., Wallis, T. S. A., & Bethge, M. (2018). Saliency benchmarking made easy: Separating models, maps and metrics. ECCV 2018, LNCS 11220, 798-814.",
    "Bylinskii, Z., Judd, T., Oliva, A., Torralba, A., & Durand, F. (2019). What do different evaluation metrics tell us about saliency models? IEEE TPAMI, 41(3), 740-757.",
    PUBLISHED_SOURCE,
    "Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian Journal of Statistics, 6(2), 65-70.",
    "Wilcoxon, F. (1945). Individual comparisons by ranking methods. Biometrics Bulletin, 1(6), 80-83.",
)


def _info(meta: dict, seed, quick) -> dict:
    rep = meta["report"]
    return {"seed": seed, "quick": quick, "n_images": meta["n_images"], "n_train": meta["n_train"], "n_test": meta["n_test"],
            "primary": PRIMARY, "metrics": METRICS, "models": MODELS, "published_source": PUBLISHED_SOURCE, **rep,
            "citations": [tuple(rep["citation"])] + [(c, "") for c in CITATIONS]}


def _render(run_dir, lang, info, out, examples=None, save_figure=None):
    from psysim.i18n import t
    from psysim.report.saliency_fixations import render

    if info.get("builtin"):  # the built-in set: its description is in the catalogue
        info = {**info, "about": t("sf.about_etocvd", lang)}
    return render(run_dir, lang, info, out, TABLES, examples=examples, save_figure=save_figure)


def report(run_dir, lang: str = "en", out=None):
    """Re-render the report of a saliency-fixations run folder from its tables, in ``lang``
    (``psysim report RUN_DIR --lang ja``); the example images are left out (they need the data)."""
    from psysim.cli.report import report_inputs
    from psysim.errors import PsysimError

    run_dir, meta, out = report_inputs(run_dir, NAME, lang, out)
    if "report" not in meta:
        raise PsysimError(f"{run_dir}: made by an older psysim (metadata.json has no 'report' entry); run it again to re-render")
    return _render(run_dir, lang, _info(meta, meta["seed"], meta.get("quick", False)), out)


def _examples_figure(data, lang="en"):
    import matplotlib.pyplot as plt

    from psysim.i18n import label, t
    from psysim.plots.saliency import saliency_map_panel
    from psysim.saliency import IttiKoch

    fig, axes = plt.subplots(3, len(data), figsize=(3.2 * len(data), 7))
    axes = np.asarray(axes).reshape(3, -1)
    for k, d in enumerate(data):
        ys, xs = np.nonzero(d.fixations)
        axes[0, k].imshow(d.image)
        axes[0, k].scatter(xs, ys, s=4, c="cyan")
        axes[0, k].set_title(d.name, fontsize=8)
        axes[0, k].axis("off")
        saliency_map_panel(axes[1, k], IttiKoch().compute(d.image).upsampled(), label("model", "saliency", lang), lang)
        im = axes[2, k].imshow(d.density, cmap="gray")
        axes[2, k].axis("off")
        fig.colorbar(im, ax=axes[2, k], fraction=0.046, pad=0.02).set_label(t("sf.density", lang), fontsize=8)
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    from psysim.cli import main

    raise SystemExit(main(["run", NAME, *__import__("sys").argv[1:]]))
