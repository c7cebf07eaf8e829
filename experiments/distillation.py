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

Run:  psysim run distillation [--quick] [--seed N]
  or  python -m psysim.experiments.distillation --quick
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from psysim.errors import PsysimError
from psysim.options import Option
from psysim.report import Report
from psysim.tables import TableSpec

NAME = "distillation"
DESCRIPTION = "Knowledge distillation (Hinton et al. 2015) of a search CNN at temperatures 1-16: student accuracy and CAM agreement"

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
    from tqdm.auto import tqdm

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
                for label, temp, a in tqdm(conditions, desc=f"students {len(rows) // len(conditions) + 1}/{len(jobs)}", disable=None, leave=False):
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
    fig = summary_figure(summary, runs, teacher_row["accuracy"])
    ctx.save_figure(fig, "distillation.png")
    fig_cam = cam_figure(test, present, t_cam, keep, cfg["transfer"][0])
    ctx.save_figure(fig_cam, "cams.png")
    _report(ctx, cfg, teacher_row, summary, trend, fig, fig_cam)


def _pct(v) -> str:
    return f"{100 * v:.1f}"


def _ci(m, lo, hi, scale=1.0, digits=1, signed=False) -> str:
    f = f"{{:{'+' if signed else ''}.{digits}f}}"
    if not np.isfinite(lo):
        return f.format(scale * m) + " (no CI: one seed)"
    return f"{f.format(scale * m)} [{f.format(scale * lo)}, {f.format(scale * hi)}]"


def _verdict(lo, hi, up="higher", down="lower") -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "not testable with one seed"
    if lo > 0:
        return f"reliably {up}"
    if hi < 0:
        return f"reliably {down}"
    return "no reliable difference, the CI includes 0"


def findings(summary: pd.DataFrame, trend: pd.DataFrame, teacher_row: dict) -> list:
    """Plain sentences: how T changed accuracy and CAM agreement, per transfer-set size."""
    out = []
    if teacher_row["accuracy"] < 0.65:
        out.append(f"Warning: the teacher is near chance ({_pct(teacher_row['accuracy'])}% on new displays), so its soft targets carry "
                   "almost no knowledge of the task and the comparison below says little about distillation.")
    for n, s in summary.groupby("transfer_per_cell", sort=True):
        s = s.set_index("condition")
        base, dist = s.loc[HARD], s[s.index != HARD]
        tr = trend[trend["transfer_per_cell"] == n].set_index("metric")
        head = f"{int(base['transfer_images'])} transfer images ({n} per cell), {int(base['n_seeds'])} seeds."
        acc = (f"{head} Accuracy: hard labels {_ci(base['accuracy'], base['accuracy_ci_low'], base['accuracy_ci_high'], 100)}%; "
               + "; ".join(f"{c} {_ci(r['accuracy'], r['accuracy_ci_low'], r['accuracy_ci_high'], 100)}%" for c, r in dist.iterrows()) + ". "
               + "Paired difference from hard labels (percentage points): "
               + "; ".join(f"{c} {_ci(r['accuracy_diff'], r['accuracy_diff_ci_low'], r['accuracy_diff_ci_high'], 100, signed=True)} "
                           f"({_verdict(r['accuracy_diff_ci_low'], r['accuracy_diff_ci_high'])})" for c, r in dist.iterrows()) + ". "
               + _trend_text(tr.loc["accuracy"], "accuracy", 100, "percentage points"))
        cam = (f"{head} CAM correlation with the teacher: hard labels {_ci(base['cam_correlation'], base['cam_correlation_ci_low'], base['cam_correlation_ci_high'], digits=2)}; "
               + "; ".join(f"{c} {_ci(r['cam_correlation'], r['cam_correlation_ci_low'], r['cam_correlation_ci_high'], digits=2)}" for c, r in dist.iterrows()) + ". "
               + "Paired difference from hard labels: "
               + "; ".join(f"{c} {_ci(r['cam_correlation_diff'], r['cam_correlation_diff_ci_low'], r['cam_correlation_diff_ci_high'], digits=2, signed=True)} "
                           f"({_verdict(r['cam_correlation_diff_ci_low'], r['cam_correlation_diff_ci_high'])})" for c, r in dist.iterrows()) + ". "
               + _trend_text(tr.loc["cam_correlation"], "CAM correlation", 1, "", digits=3)
               + f" Pointing game: hard labels {_pct(base['pointing'])}%, distilled {_pct(dist['pointing'].min())}-{_pct(dist['pointing'].max())}%.")
        out += [acc, cam]
    return out


def headline(trend: pd.DataFrame, summary: pd.DataFrame) -> str:
    """One sentence per transfer-set size: did accuracy and CAM agreement rise or fall with T?"""
    parts = []
    for n, tr in trend.groupby("transfer_per_cell", sort=True):
        tr = tr.set_index("metric")
        images = int(summary.loc[summary["transfer_per_cell"] == n, "transfer_images"].iloc[0])
        says = []
        for col, name, scale, unit, digits in (("accuracy", "accuracy", 100, " percentage points", 1), ("cam_correlation", "CAM agreement (r)", 1, "", 3)):
            row = tr.loc[col]
            v = _verdict(row["ci_low"], row["ci_high"], "rose", "fell")
            what = {"reliably rose": "rose reliably", "reliably fell": "fell reliably"}.get(v, "showed no reliable trend" if v.startswith("no") else "could not be tested")
            says.append(f"{name} {what} with T ({_ci(row['slope_per_doubling'], row['ci_low'], row['ci_high'], scale, digits, signed=True)}{unit} per doubling)")
        parts.append(f"with {images} transfer images, " + " and ".join(says))
    return "In short: " + "; ".join(parts) + ". Means over seeds with 95% CIs; details per temperature below."


def _trend_text(row, name, scale, unit, digits=1) -> str:
    slope = _ci(row["slope_per_doubling"], row["ci_low"], row["ci_high"], scale, digits, signed=True)
    verdict = {"reliably rising": f"{name} rose reliably with T", "reliably falling": f"{name} fell reliably with T",
               "not testable with one seed": "a trend that one seed cannot test"}.get(
        _verdict(row["ci_low"], row["ci_high"], "rising", "falling"), "no reliable linear trend with T (the CI includes 0)")
    shape_text = {"flat": "the means are flat across T",
                  "rising": "the means rise monotonically from T = 1 to 16",
                  "falling": "the means fall monotonically from T = 1 to 16",
                  "non-monotonic": f"the means are non-monotonic in T (highest at T = {row['best_temperature']:g}, "
                                   f"lowest at T = {row['worst_temperature']:g})"}[row["shape"]]
    return f"Change of {name} per doubling of T (T = 1..16): {slope}{(' ' + unit) if unit else ''}, {verdict}; {shape_text}."


def _report(ctx, cfg, teacher_row, summary, trend, fig, fig_cam):
    from psysim.runs import library_versions

    r = Report("Knowledge distillation: the temperature of soft targets")
    n_imgs = ", ".join(f"{CELLS * n}" for n in cfg["transfer"])
    r.text(
        f"A teacher CNN ({teacher_row['parameters']} parameters) was trained with hard labels on the {cfg['task']} search task "
        f"(Wolfe et al. 2010; set sizes {', '.join(map(str, SET_SIZES))}; {teacher_row['train_images']} training images of {cfg['size']}x{cfg['size']} px, "
        f"{teacher_row['epochs_run']} epochs) and answered {_pct(teacher_row['accuracy'])}% of {teacher_row['test_images']} new test displays correctly "
        f"(chance: 50%; training accuracy {_pct(teacher_row['train_accuracy'])}%). Students with {teacher_row['student_parameters']} parameters "
        f"({teacher_row['student_parameters'] / teacher_row['parameters']:.0%} of the teacher) were trained on small transfer sets drawn from the teacher's "
        f"training images ({n_imgs} images), for {cfg['steps']} optimiser steps each, with the loss of Hinton, Vinyals and Dean (2015) at "
        f"T = {', '.join(f'{t:g}' for t in TEMPERATURES)} (soft-target weight alpha = {cfg['alpha']:g}, T^2 scaling) and with hard labels only. "
        f"Each of {cfg['seeds']} seeds fixes one transfer set, one initialisation and one batch order shared by all conditions, so conditions are "
        "compared paired by seed. Means over seeds with t-based 95% CIs; the spread over seeds is shown as dots in Figure 1."
    )
    r.heading("How T changed the student")
    r.text(headline(trend, summary))
    r.bullets(findings(summary, trend, teacher_row))
    r.text(
        "How to read this. The task has two classes, so the teacher's soft targets carry one number per image: how sure it is that a target is "
        "present (its logit margin; median |margin| on its training images "
        f"{teacher_row['median_abs_logit_margin']:.1f}). At T = 1 a confident teacher's targets are almost the hard labels; at high T the loss "
        "approaches matching the teacher's logits (Hinton et al. 2015, Sec. 2.1). There is no 'dark knowledge' about similar wrong classes as in "
        "many-class problems, so any benefit here comes from graded confidence and from the softer, less overfittable targets."
    )
    cols = ["transfer_images", "condition", "n_seeds", "accuracy", "accuracy_ci_low", "accuracy_ci_high", "accuracy_diff", "accuracy_diff_ci_low",
            "accuracy_diff_ci_high", "cam_correlation", "cam_correlation_ci_low", "cam_correlation_ci_high", "cam_correlation_diff",
            "cam_correlation_diff_ci_low", "cam_correlation_diff_ci_high", "pointing", "teacher_agreement", "kl_teacher_T1"]
    r.table(summary[cols], caption="Table 1. Student test accuracy and CAM correlation with the teacher (target-present test images): means "
            "over seeds with 95% CIs, and paired differences from the hard-label student of the same seed (_diff); pointing game of the "
            f"student's CAM (hit: maximum within {POINTING_TOLERANCE * cfg['size']:.1f} px of the target box), agreement with the teacher's decisions and KL(teacher || student) at T = 1 (means).", digits=3)
    r.table(trend, caption="Table 2. Change per doubling of T among the distilled students (per-seed slope on log2 T over T = 1..16; mean and "
            "95% CI over seeds), the T with the highest and lowest mean, and the shape of the means across T.", digits=4)
    r.table(pd.DataFrame([teacher_row]), caption="Table 3. The teacher: accuracy and pointing game of its CAM on the test displays, and the "
            "median absolute logit margin on its training images.", digits=3)
    r.figure(fig, "Figure 1. Top: student accuracy and CAM correlation with the teacher against T, one colour per transfer-set size (dots: "
             "seeds; bars: 95% CI; dashed line and band: the hard-label students with their 95% CI; dotted black: the teacher; dotted grey: "
             "chance). Bottom: paired "
             "differences from the hard-label student of the same seed (dots: seeds; bars: 95% CI).")
    r.figure(fig_cam, f"Figure 2. Target-present test displays with the CAM (class 'present') of the teacher and of seed-0 students trained "
             f"on the smallest transfer set ({CELLS * cfg['transfer'][0]} images).")
    r.note("Limitations: one teacher (its seed is fixed by the run seed), so the spread shown is over students, transfer sets and batch "
           "orders, not over teachers; small networks, 64 px images and a fixed step budget so that the run fits a laptop CPU; no "
           "augmentation; alpha is fixed; a binary task has no between-class dark knowledge. Every student gets the same number of "
           "optimiser steps; at high T the loss approaches logit matching, which converges more slowly, so with the larger transfer "
           "sets the high-T students may not have fully fitted the soft targets (final_train_loss in distillation.csv).")
    r.cite(HINTON)
    r.cite(ZHOU)
    r.cite(WOLFE)
    r.cite(ZHANG)
    meta = {"experiment": NAME, "seed": ctx.seed, "quick": ctx.quick, **{k: (list(v) if isinstance(v, tuple) else v) for k, v in cfg.items()},
            "teacher parameters": teacher_row["parameters"], "student parameters": teacher_row["student_parameters"], **library_versions()}
    r.write(ctx.out / "report.html", metadata=meta)


def summary_figure(summary: pd.DataFrame, runs: pd.DataFrame, teacher_accuracy: float = np.nan):
    """Accuracy and CAM correlation against T (top) and paired differences from hard labels (bottom)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(10, 7), sharex=True)
    sizes = sorted(summary["transfer_per_cell"].unique())
    for k, n in enumerate(sizes):
        s = summary[summary["transfer_per_cell"] == n]
        d, base = s[s["condition"] != HARD], s[s["condition"] == HARD].iloc[0]
        colour = f"C{k}"
        shift = 2 ** (0.06 * (k - (len(sizes) - 1) / 2))
        label = f"{int(base['transfer_images'])} images"
        for j, col in enumerate(("accuracy", "cam_correlation")):
            ax = axes[0, j]
            t = d["temperature"].to_numpy(float) * shift
            ax.errorbar(t, d[col], yerr=[d[col] - d[f"{col}_ci_low"], d[f"{col}_ci_high"] - d[col]], marker="o", capsize=3, color=colour, label=label)
            dots = runs[(runs["transfer_per_cell"] == n) & (runs["alpha"] > 0)]
            hard = runs[(runs["transfer_per_cell"] == n) & (runs["alpha"] == 0)].set_index("seed")[col]
            t_dots = dots["temperature"].to_numpy(float) * shift
            ax.plot(t_dots, dots[col], ".", color=colour, alpha=0.5, ms=5)
            axes[1, j].plot(t_dots, dots[col].to_numpy() - hard.reindex(dots["seed"]).to_numpy(), ".", color=colour, alpha=0.5, ms=5)
            ax.axhline(base[col], color=colour, ls="--", lw=1)
            if np.isfinite(base[f"{col}_ci_low"]):
                ax.axhspan(base[f"{col}_ci_low"], base[f"{col}_ci_high"], color=colour, alpha=0.08)
            ax = axes[1, j]
            ax.errorbar(t, d[f"{col}_diff"], yerr=[d[f"{col}_diff"] - d[f"{col}_diff_ci_low"], d[f"{col}_diff_ci_high"] - d[f"{col}_diff"]],
                        marker="o", capsize=3, color=colour, label=label)
    for j, (lab, dlab) in enumerate((("student test accuracy", "accuracy - hard-label accuracy"),
                                     ("CAM correlation with teacher", "CAM r - hard-label CAM r"))):
        axes[0, j].set(ylabel=lab)
        axes[1, j].axhline(0, color="k", lw=0.8)
        axes[1, j].set(ylabel=dlab, xlabel="distillation temperature T", xscale="log")
        axes[1, j].set_xticks(list(TEMPERATURES))
        axes[1, j].set_xticklabels([f"{t:g}" for t in TEMPERATURES])
    axes[0, 0].axhline(0.5, color="0.6", ls=":", lw=1)
    if np.isfinite(teacher_accuracy):
        axes[0, 0].axhline(teacher_accuracy, color="k", ls=":", lw=1)
    axes[0, 0].legend(fontsize=8, frameon=False, title="transfer set (dashed: hard labels)", title_fontsize=8, loc="best")
    fig.tight_layout()
    return fig


def cam_figure(test, present, t_cam, student_cams: dict, n_transfer: int):
    """Three target-present test displays with the teacher's CAM and the seed-0 students' CAMs."""
    import matplotlib.pyplot as plt

    cams = {"teacher": t_cam[:3], **{k: v for k, v in student_cams.items() if k in (HARD, "T = 1", "T = 4", "T = 16")}}
    n_show = min(3, len(present))
    fig, axes = plt.subplots(max(1, n_show), 1 + len(cams), figsize=(2 * (1 + len(cams)), 2 * max(1, n_show)), squeeze=False)
    imgs = test.images[present[:n_show]].permute(0, 2, 3, 1).numpy()
    for i in range(n_show):
        axes[i, 0].imshow(imgs[i])
        for j, (label, m) in enumerate(cams.items()):
            axes[i, j + 1].imshow(imgs[i])
            axes[i, j + 1].imshow(m[i], cmap="jet", alpha=0.5, vmin=0, vmax=1)
            if i == 0:
                axes[i, j + 1].set_title(label if label == "teacher" else f"student, {label}", fontsize=9)
    for ax in axes.ravel():
        ax.axis("off")
    axes[0, 0].set_title("display", fontsize=9)
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    from psysim.cli import main

    raise SystemExit(main(["run", NAME, *__import__("sys").argv[1:]]))
