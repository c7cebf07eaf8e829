"""Experiment `distillation`: softening a teacher network's softmax to train a small student.

Hinton, Vinyals & Dean (2015) train a small "student" network on the outputs of a large
"teacher" softened with a temperature ``T``: ``softmax(z / T)`` (inverse temperature
``beta = 1 / T``, :mod:`psysim.softmax`). At high ``T`` the teacher's graded confidence
("dark knowledge") becomes visible to the student, and the soft targets carry more information
per image than hard labels, so the benefit is largest when the student sees few images
(Hinton et al. 2015, Sec. 6, "Soft targets as regularizers": a model trained on 3 % of the
speech data with soft targets kept most of the full model's accuracy). Here both
networks answer the visual-search question (target present?) on rendered psysim displays, and
we ask how ``T`` changes the student's accuracy and whether the student looks where the teacher
looks.

1. **Teacher.** A :class:`psysim.networks.GapCNN` (global-average-pooled, so its class
   activation maps are exact, Zhou et al. 2016) is trained with cross-entropy on the
   conjunction task of Wolfe et al. (2010) (a red vertical bar among green vertical and red
   horizontal bars; set sizes 3, 6, 12), with a validation set for early stopping. Its accuracy
   on new displays is reported. (The spatial-configuration task, a 2 among 5s, is not learnt by
   networks of this size in CPU minutes, see ``cnn-search``, and a teacher at chance has nothing
   to teach; ``--set task=spatial`` still runs it.)
2. **Transfer sets.** For each student seed, ``n`` displays per set size x presence cell are
   drawn from the teacher's training images (nested: the small set is part of the larger one),
   for each ``n`` in ``transfer`` (default 1, 2 and 4 per cell, i.e. 6, 12 and 24 images; with
   48 images every student is at ceiling).
3. **Students**, a GapCNN with about a tenth of the teacher's parameters, are trained on a
   transfer set with the distillation loss
   (:func:`psysim.softmax.torch_ops.distillation_loss`,
   ``alpha T^2 KL(softmax(t/T) || softmax(s/T)) + (1 - alpha) CE(s, y)``) at each ``T`` in
   {1, 2, 4, 8, 16} (``alpha = 0.9``), and with the hard labels only (``alpha = 0``, the
   baseline). Every condition of one seed starts from the same initial weights, sees the same
   transfer images in the same batch order and takes the same number of optimiser steps, so
   conditions are compared *paired by seed*.
4. **Measures** on new test displays: student accuracy; agreement of the student's decisions
   with the teacher's; the agreement of the student's class activation map (CAM, class
   "present", target-present images) with the teacher's: Pearson correlation of the maps
   upsampled to the image, averaged over images; the pointing game of the student's CAM (does
   its maximum fall within 15/224 of the image width of the target box, the tolerance of Zhang et
   al. 2018 scaled from their 224 px images; 4.3 px at 64 px); KL(teacher || student) at
   T = 1. Means over seeds with t-based 95% CIs, paired differences from the hard-label baseline with 95% CIs, and the
   change per doubling of ``T`` (per-seed least-squares slope on log2 T over T = 1..16, mean
   and 95% CI over seeds).

Training uses no augmentation, so that the teacher's soft targets are computed once per image.
Batch-norm statistics of every network are recomputed on its training images after training
(with few batches the running averages lag the weights; :func:`psysim.networks.train_network`,
``recalibrate_bn``).

Writes ``distillation.csv`` (one row per transfer size x condition x seed), ``summary.csv``
(means, CIs and paired differences per transfer size x condition), ``trend.csv`` (change per
doubling of T), ``teacher.csv``, ``teacher_history.csv``, ``distillation.png``, ``cams.png``
and ``report.html``.

Options (``--set key=value``; declared in :data:`OPTIONS`, listed by ``psysim options
distillation``): ``task``, ``size`` (pixels), ``n_teacher`` / ``n_test``
(displays per cell), ``transfer`` (comma-separated displays per cell of the students' transfer
sets), ``seeds``, ``teacher_epochs``, ``steps`` (student optimiser steps), ``batch_size``,
``lr``, ``alpha``, ``threads`` (torch CPU threads; default 1: these networks are small, a second
thread gains little, and on a CPU shared with other jobs two threads made the run several times
slower).

Run:  psysim run distillation [--quick] [--seed N] [--lang ja]
Re-render (e.g. in Japanese):  psysim report DIR --lang ja
  or  python -m psysim.experiments.distillation --quick
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from psysim.errors import PsysimError
from psysim.options import Option
from psysim.report.distillation import findings, headline, summary_figure  # noqa: F401  (public, used by tests)
from psysim.tables import TableSpec

NAME = "distillation"
DESCRIPTION = "Knowledge distillation (Hinton et al. 2015) of a search CNN at temperatures 1-16: student accuracy and CAM agreement"
LANGUAGES = ("en", "ja")  # report languages (psysim.i18n.check_report_language)

TEMPERATURES = (1.0, 2.0, 4.0, 8.0, 16.0)
SET_SIZES = (3, 6, 12)
TEACHER = {"channels": (16, 32, 32), "pool_after": (0, 1)}
STUDENT = {"channels": (8, 16), "pool_after": (0,)}
HARD = "hard labels"
METRICS = ("accuracy", "teacher_agreement", "cam_correlation", "pointing", "kl_teacher_T1")
PAIRED = ("accuracy", "cam_correlation", "pointing")
BOUNDS = {"accuracy": (0.0, 1.0), "teacher_agreement": (0.0, 1.0), "pointing": (0.0, 1.0), "cam_correlation": (-1.0, 1.0)}
POINTING_TOLERANCE = 15 / 224
"""Pointing-game tolerance as a fraction of the image width: 15 px on 224 px (Zhang et al. 2018,
Sec. 5.1). Without it a coarse map (the teacher's CAM has a 4 px grid) whose peak sits on the
target's edge scores a miss."""
CELLS = 2 * len(SET_SIZES)
HINTON = "Hinton, G., Vinyals, O., & Dean, J. (2015). Distilling the knowledge in a neural network. arXiv:1503.02531."
ZHOU = "Zhou, B., Khosla, A., Lapedriza, A., Oliva, A., & Torralba, A. (2016). Learning deep features for discriminative localization. CVPR, 2921-2929."
ZHANG = "Zhang, J., Bargal, S. A., Lin, Z., Brandt, J., Shen, X., & Sclaroff, S. (2018). Top-down neural attention by excitation backprop. International Journal of Computer Vision, 126(10), 1084-1102."
WOLFE = "Wolfe, J. M., Palmer, E. M., & Horowitz, T. S. (2010). Reaction time distributions constrain models of visual search. Vision Research, 50(14), 1304-1311."

_COND = {"transfer_per_cell": "int", "transfer_images": "int", "condition": "str", "temperature": "float",
         "alpha": "float"}
TABLES = {
    "runs": TableSpec("distillation.csv", {**_COND, "seed": "int", "accuracy": "float", "teacher_agreement": "float",
                                            "cam_correlation": "float", "pointing": "float"},
                      keys=("transfer_per_cell", "condition", "temperature", "seed"),
                      nullable=("temperature", "cam_correlation")),
    "summary": TableSpec("summary.csv", {**_COND, "n_seeds": "int", "accuracy": "float"},
                         keys=("transfer_per_cell", "condition", "temperature"), nullable=("temperature",)),
    "trend": TableSpec("trend.csv", {"transfer_per_cell": "int", "metric": "str", "slope_per_doubling": "float",
                                     "ci_low": "float", "ci_high": "float", "n_seeds": "int"},
                       keys=("transfer_per_cell", "metric"), nullable=("slope_per_doubling", "ci_low", "ci_high")),
    "teacher": TableSpec("teacher.csv", {"task": "str", "size_px": "int", "parameters": "int", "accuracy": "float"}),
    "teacher_history": TableSpec("teacher_history.csv", {"epoch": "int", "train_loss": "float", "train_acc": "float"},
                                 keys=("epoch",)),
}
"""The run folder's tables, checked when the run writes them and when `psysim report` reads them."""

OPTIONS = (
    Option("task", str, "conjunction", choices=("feature", "orientation", "conjunction", "spatial"),
           help="search task of teacher and students"),
    Option("size", int, 64, low=16, high=512, help="side of the rendered displays, in pixels"),
    Option("n_teacher", int, 150, quick=60, low=1, high=10_000, help="teacher training displays per set size x presence cell"),
    Option("n_test", int, 100, quick=40, low=1, high=10_000, help="test displays per set size x presence cell"),
    Option("transfer", str, "1,2,4", quick="2",
           help="students' transfer-set sizes, comma-separated displays per cell (each 1..n_teacher)"),
    Option("seeds", int, 8, quick=3, low=1, high=1000, help="student seeds (conditions are paired by seed)"),
    Option("teacher_epochs", int, 10, quick=6, low=1, high=1000, help="teacher training epochs (early stopping may end sooner)"),
    Option("steps", int, 300, quick=150, low=1, high=100_000, help="optimiser steps of every student"),
    Option("batch_size", int, 16, low=1, high=4096, help="images per optimiser step"),
    Option("lr", float, 1e-2, low=1e-8, high=10.0, help="learning rate"),
    Option("alpha", float, 0.9, low=0.0, high=1.0,
           help="weight of the soft-target term of the distilled students, in (0, 1] (Hinton et al. 2015)"),
    Option("threads", int, 1, low=1, high=256, help="torch CPU threads"),
)


def settings(ctx) -> dict:
    """The run's settings from the declared :data:`OPTIONS` (``--set``, quick and full defaults),
    with the checks that involve more than one option."""
    s = {o.name: ctx.option(o.name) for o in OPTIONS}
    try:
        s["transfer"] = tuple(sorted({int(v) for v in str(s["transfer"]).split(",") if v.strip()}))
    except ValueError:
        raise PsysimError(f"option transfer={s['transfer']!r}: expected comma-separated integers, e.g. 2,4,8") from None
    if not s["transfer"] or s["transfer"][0] < 1 or s["transfer"][-1] > s["n_teacher"]:
        raise PsysimError(f"option transfer={s['transfer']}: displays per cell must lie in 1..n_teacher ({s['n_teacher']})")
    if not s["alpha"] > 0.0:  # (the declared range is [0, 1]; 0 would be the hard-label baseline)
        raise PsysimError(f"option alpha={s['alpha']}: the soft-target weight of the distilled students must lie in (0, 1]")
    return s


def _int_seed(seq) -> int:
    return int(seq.generate_state(1)[0])


def transfer_sets(table: pd.DataFrame, sizes, rng: np.random.Generator) -> dict:
    """Nested, stratified transfer sets: ``{n: sorted row indices}`` with ``n`` rows per
    set size x presence cell; the rows for a smaller ``n`` are part of every larger set."""
    cells = table.groupby(["set_size", "target_present"], sort=True).indices
    orders = {key: rng.permutation(idx) for key, idx in cells.items()}
    out = {}
    for n in sizes:
        short = [key for key, idx in orders.items() if len(idx) < n]
        if short:
            raise PsysimError(f"transfer set of {n} per cell: cell {short[0]} has only {len(cells[short[0]])} training displays")
        out[n] = np.sort(np.concatenate([idx[:n] for idx in orders.values()]))
    return out


def train_student(student, images, teacher_logits, temperature, alpha, steps, batch_size=16, lr=1e-2, seed=0,
                  recalibrate=True) -> np.ndarray:
    """Train ``student`` in place on the distillation loss for ``steps`` optimiser steps.

    AdamW (weight decay 1e-4) with a one-cycle learning-rate schedule (as
    :func:`psysim.networks.train_network`); the batch order comes from ``seed`` (reshuffled at
    every pass through the images). ``alpha = 0`` is plain cross-entropy on the hard labels
    (the teacher's logits are then ignored). A fixed number of steps, not of epochs, gives every
    transfer-set size and every condition the same amount of optimisation. The student is put
    in channels-last memory format (same weights; faster CPU convolutions). With
    ``recalibrate``, the batch-norm statistics are recomputed on ``images`` afterwards.

    Returns
    -------
    numpy.ndarray
        The training loss of every step.
    """
    import torch

    from psysim.networks.training import _recalibrate_bn
    from psysim.softmax.torch_ops import distillation_loss

    n = len(images)
    if n == 0:
        raise PsysimError("train_student: no training images")
    if len(teacher_logits) != n:
        raise PsysimError(f"train_student: {len(teacher_logits)} teacher logits for {n} images")
    student.to(memory_format=torch.channels_last)  # same values; PyTorch's faster NHWC kernels on CPU
    g = torch.Generator().manual_seed(int(seed))
    opt = torch.optim.AdamW(student.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(1, int(steps)), pct_start=0.15)
    x_all, y_all = images.tensor(), images.labels
    losses = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        student.train()
        while len(losses) < steps:
            perm = torch.randperm(n, generator=g)
            for b in range(0, n, batch_size):
                if len(losses) >= steps:
                    break
                idx = perm[b : b + batch_size]
                loss = distillation_loss(student(x_all[idx]), teacher_logits[idx], y_all[idx], temperature, alpha)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                sched.step()
                losses.append(loss.item())
    if recalibrate:
        _recalibrate_bn(student, images, 64)
    student.eval()
    return np.asarray(losses)


def logits_of(model, images, batch_size=256):
    """Eval-mode logits of every image of a :class:`~psysim.networks.SearchImages`."""
    import torch

    model.eval()
    with torch.no_grad():
        return torch.cat([model(images.tensor(slice(i, i + batch_size))) for i in range(0, len(images), batch_size)])


def cam_maps(model, images, index):
    """CAMs of the class 'present' (1) for the images ``index``, upsampled to the image size
    and normalised to [0, 1], as numpy ``(N, H, W)``."""
    from psysim.networks import class_activation_maps

    return class_activation_maps(model, images.tensor(index), target=1, method="cam").maps.numpy()


def map_correlation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson correlation of two stacks of maps, image by image (NaN for a constant map)."""
    a = a.reshape(len(a), -1)
    b = b.reshape(len(b), -1)
    a = a - a.mean(1, keepdims=True)
    b = b - b.mean(1, keepdims=True)
    den = np.sqrt((a * a).sum(1) * (b * b).sum(1))
    return np.divide((a * b).sum(1), den, out=np.full(len(a), np.nan), where=den > 0)


def mean_ci(x) -> tuple[float, float, float]:
    """Mean and t-based 95% CI over seeds (NaN CI with one seed; NaNs are dropped)."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return np.nan, np.nan, np.nan
    m = float(x.mean())
    if len(x) < 2:
        return m, np.nan, np.nan
    h = float(stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return m, m - h, m + h


def student_scores(s_test, t_test, labels, s_cam, t_cam, boxes, tolerance=0.0) -> dict:
    """Test measures of one student (logits ``s_test``) against the teacher (``t_test``)."""
    import torch

    from psysim.networks.metrics import pointing_game

    pred = s_test.argmax(1).numpy()
    p_t = torch.softmax(t_test, 1)
    kl = (p_t * (torch.log_softmax(t_test, 1) - torch.log_softmax(s_test, 1))).sum(1).mean()
    return {
        "accuracy": float((pred == labels).mean()),
        "teacher_agreement": float((pred == t_test.argmax(1).numpy()).mean()),
        "cam_correlation": float(np.nanmean(map_correlation(s_cam, t_cam))) if len(t_cam) else np.nan,
        "pointing": float(pointing_game(s_cam, boxes, tolerance).mean()) if len(t_cam) else np.nan,
        "kl_teacher_T1": float(kl),
    }


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    """Per transfer size x condition: mean and 95% CI over seeds of every measure, and the
    paired difference from the hard-label student of the same seed (``*_diff``).

    The t-based CIs of the bounded measures are clipped to their possible range (accuracy,
    agreement and pointing to [0, 1], the correlation to [-1, 1]); the differences are not."""
    base = runs[runs["condition"] == HARD].set_index(["transfer_per_cell", "seed"])
    rows = []
    for (n, label), g in runs.groupby(["transfer_per_cell", "condition"], sort=False):
        row = {"transfer_per_cell": n, "transfer_images": int(g["transfer_images"].iloc[0]), "condition": label,
               "temperature": g["temperature"].iloc[0], "alpha": g["alpha"].iloc[0], "n_seeds": len(g)}
        for col in METRICS:
            m, lo, hi = mean_ci(g[col])
            low, high = BOUNDS.get(col, (-np.inf, np.inf))
            row.update({col: m, f"{col}_ci_low": max(lo, low), f"{col}_ci_high": min(hi, high)})
        for col in PAIRED:
            d = g.set_index(["transfer_per_cell", "seed"])[col] - base[col].reindex(g.set_index(["transfer_per_cell", "seed"]).index)
            m, lo, hi = mean_ci(d)
            row.update({f"{col}_diff": m, f"{col}_diff_ci_low": lo, f"{col}_diff_ci_high": hi})
        rows.append(row)
    return pd.DataFrame(rows)


def temperature_trend(runs: pd.DataFrame) -> pd.DataFrame:
    """Change of each measure per doubling of T among the distilled students: for each seed the
    least-squares slope of the measure on log2 T (T = 1..16), then mean and 95% CI over seeds."""
    d = runs[runs["alpha"] > 0]
    rows = []
    for n, g in d.groupby("transfer_per_cell", sort=True):
        for col in PAIRED:
            slopes = []
            for _, s in g.groupby("seed"):
                x, y = np.log2(s["temperature"].to_numpy(float)), s[col].to_numpy(float)
                ok = np.isfinite(y)
                if ok.sum() >= 2 and np.ptp(x[ok]) > 0:
                    slopes.append(np.polyfit(x[ok], y[ok], 1)[0])
            m, lo, hi = mean_ci(slopes)
            means = g.groupby("temperature")[col].mean()
            rows.append({"transfer_per_cell": n, "metric": col, "slope_per_doubling": m, "ci_low": lo, "ci_high": hi,
                         "n_seeds": len(slopes), "best_temperature": float(means.idxmax()) if means.notna().any() else np.nan,
                         "worst_temperature": float(means.idxmin()) if means.notna().any() else np.nan,
                         "shape": _shape(means.to_numpy(float))})
    return pd.DataFrame(rows)


def _shape(means: np.ndarray) -> str:
    """'flat', 'rising', 'falling' or 'non-monotonic' for the means in T order."""
    d = np.diff(means[np.isfinite(means)])
    if len(d) == 0 or np.all(np.abs(d) < 1e-12):
        return "flat"
    if np.all(d >= 0):
        return "rising"
    if np.all(d <= 0):
        return "falling"
    return "non-monotonic"


def run(ctx):
    import torch

    cfg = settings(ctx)
    threads = torch.get_num_threads()
    torch.set_num_threads(cfg["threads"])
    try:
        _run(ctx, cfg)
    finally:
        torch.set_num_threads(threads)


def _run(ctx, cfg):
    import torch

    from psysim.networks import (
        count_parameters,
        make_search_images,
        seeded_network,
        target_box_array,
        train_network,
    )
    from psysim.networks.metrics import pointing_game

    task, size = cfg["task"], cfg["size"]
    with ctx.timer("images"):
        train = make_search_images((task,), SET_SIZES, cfg["n_teacher"], size=size, seed=ctx.seed_for("images", "train"))
        val = make_search_images((task,), SET_SIZES, max(10, cfg["n_teacher"] // 5), size=size, seed=ctx.seed_for("images", "val"))
        test = make_search_images((task,), SET_SIZES, cfg["n_test"], size=size, seed=ctx.seed_for("images", "test"))

    with ctx.timer("teacher"):
        teacher = seeded_network("gapcnn", seed=_int_seed(ctx.seed_for("teacher", "init")), **TEACHER)
        teacher.to(memory_format=torch.channels_last)  # same values, ~1.5x faster convolutions on CPU
        hist = train_network(teacher, train, val, epochs=cfg["teacher_epochs"], batch_size=32, lr=5e-3, patience=3,
                             seed=_int_seed(ctx.seed_for("teacher", "train")), progress=False, recalibrate_bn=True)
        t_train = logits_of(teacher, train)
        t_test = logits_of(teacher, test)
    y = test.labels.numpy()
    present = np.flatnonzero(y == 1)
    boxes = target_box_array(test.displays, test.table["display_id"].to_numpy()[present], size)
    t_cam = cam_maps(teacher, test, torch.from_numpy(present))
    tol = POINTING_TOLERANCE * size
    n_student = count_parameters(seeded_network("gapcnn", seed=0, **STUDENT))
    teacher_row = {"task": task, "size_px": size, "parameters": count_parameters(teacher), "student_parameters": n_student,
                   "train_images": len(train), "test_images": len(test), "epochs_run": len(hist.history),
                   "train_accuracy": float((t_train.argmax(1) == train.labels).float().mean()),
                   "accuracy": float((t_test.argmax(1).numpy() == y).mean()),
                   "pointing": float(pointing_game(t_cam, boxes, tol).mean()),
                   "median_abs_logit_margin": float((t_train[:, 1] - t_train[:, 0]).abs().median())}

    conditions = [(HARD, np.nan, 0.0)] + [(f"T = {t:g}", t, cfg["alpha"]) for t in TEMPERATURES]
    rows, keep = [], {}
    from psysim.progress import progress

    jobs = [(s, n) for s in range(cfg["seeds"]) for n in cfg["transfer"]]
    with ctx.timer("students"):
        for s in range(cfg["seeds"]):
            subsets = transfer_sets(train.table, cfg["transfer"], ctx.rng_for("transfer", s))
            init_seed = _int_seed(ctx.seed_for("student", "init", s))
            order_seed = _int_seed(ctx.seed_for("student", "batches", s))
            for n in cfg["transfer"]:
                idx = subsets[n]
                sub = train.subset(np.isin(np.arange(len(train)), idx))
                sub_logits = t_train[torch.from_numpy(idx)]
                for label, temp, a in progress(conditions, desc=f"students {len(rows) // len(conditions) + 1}/{len(jobs)}", unit="student"):
                    student = seeded_network("gapcnn", seed=init_seed, **STUDENT)
                    losses = train_student(student, sub, sub_logits, 1.0 if a == 0 else temp, a, cfg["steps"],
                                           batch_size=cfg["batch_size"], lr=cfg["lr"], seed=order_seed)
                    s_test = logits_of(student, test)
                    s_cam = cam_maps(student, test, torch.from_numpy(present))
                    if s == 0 and n == cfg["transfer"][0]:
                        keep[label] = s_cam[:3]
                    tail = losses[-max(1, len(losses) // 10):]
                    rows.append({"transfer_per_cell": n, "transfer_images": len(idx), "condition": label, "temperature": temp,
                                 "alpha": a, "seed": s, **student_scores(s_test, t_test, y, s_cam, t_cam, boxes, tol),
                                 "final_train_loss": float(tail.mean())})
    runs = pd.DataFrame(rows)
    summary = summarise(runs)
    trend = temperature_trend(runs)

    ctx.write_table(runs, "distillation.csv")
    ctx.write_table(summary, "summary.csv")
    ctx.write_table(trend, "trend.csv")
    ctx.write_table(pd.DataFrame([teacher_row]), "teacher.csv")
    ctx.write_table(hist.history, "teacher_history.csv")
    ctx.metadata.update(task=task, image_size_px=size, teacher_parameters=teacher_row["parameters"], student_parameters=n_student,
                        teacher_accuracy=teacher_row["accuracy"], transfer_per_cell=list(cfg["transfer"]), seeds=cfg["seeds"],
                        student_steps=cfg["steps"], alpha=cfg["alpha"], torch_threads=cfg["threads"])
    ctx.metadata["settings"] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in cfg.items()}
    _render(ctx.out, ctx.lang, _info(ctx.metadata["settings"], ctx.seed, ctx.quick), ctx.out / "report.html",
            cams=lambda lang: cam_figure(test, present, t_cam, keep, cfg["transfer"][0], lang), save_figure=ctx.save_figure)


def _info(meta_settings: dict, seed, quick) -> dict:
    from psysim.runs import library_versions

    return {"seed": seed, "quick": quick, "settings": meta_settings, "cells": CELLS, "set_sizes": SET_SIZES,
            "tolerance": POINTING_TOLERANCE, "citations": (HINTON, ZHOU, WOLFE, ZHANG), "versions": library_versions()}


def _render(run_dir, lang, info, out, cams=None, save_figure=None):
    from psysim.report.distillation import render

    return render(run_dir, lang, info, out, TABLES, cams=cams, save_figure=save_figure)


def report(run_dir, lang: str = "en", out=None):
    """Re-render the report of a distillation run folder from its tables, in ``lang``
    (``psysim report RUN_DIR --lang ja``); the CAM figure needs the networks and is left out."""
    from psysim.cli.report import report_inputs

    run_dir, meta, out = report_inputs(run_dir, NAME, lang, out)
    if "settings" not in meta:
        raise PsysimError(f"{run_dir}: made by an older psysim (metadata.json has no 'settings'); run it again to re-render")
    return _render(run_dir, lang, _info(meta["settings"], meta["seed"], meta.get("quick", False)), out)


def cam_figure(test, present, t_cam, student_cams: dict, n_transfer: int, lang: str = "en"):
    """Three target-present test displays with the teacher's CAM and the seed-0 students' CAMs."""
    import matplotlib.pyplot as plt

    from psysim.i18n import label, t

    cams = {"teacher": t_cam[:3], **{k: v for k, v in student_cams.items() if k in (HARD, "T = 1", "T = 4", "T = 16")}}
    n_show = min(3, len(present))
    fig, axes = plt.subplots(max(1, n_show), 1 + len(cams), figsize=(2 * (1 + len(cams)), 2 * max(1, n_show)), squeeze=False)
    imgs = test.images[present[:n_show]].permute(0, 2, 3, 1).numpy()
    for i in range(n_show):
        axes[i, 0].imshow(imgs[i])
        for j, (name, m) in enumerate(cams.items()):
            axes[i, j + 1].imshow(imgs[i])
            im = axes[i, j + 1].imshow(m[i], cmap="viridis", alpha=0.55, vmin=0, vmax=1)
            if i == 0:
                axes[i, j + 1].set_title(t("dt.cam_teacher", lang) if name == "teacher"
                                         else t("dt.cam_student", lang, label=label("cond", name, lang)), fontsize=9)
    for ax in axes.ravel():
        ax.axis("off")
    axes[0, 0].set_title(t("dt.cam_display", lang), fontsize=9)
    fig.tight_layout()
    cb = fig.colorbar(im, ax=list(axes.ravel()), fraction=0.02, pad=0.01)
    cb.set_label(t("dt.cam_colorbar", lang), fontsize=8)
    return fig


if __name__ == "__main__":
    from psysim.cli import main

    raise SystemExit(main(["run", NAME, *__import__("sys").argv[1:]]))
