"""Experiment `distillation`: softening a teacher network's softmax to train a small student.

Hinton, Vinyals & Dean (2015) train a small "student" network on the outputs of a large
"teacher" softened with a temperature ``T``: ``softmax(z / T)`` (inverse temperature
``beta = 1 / T``, :mod:`psysim.softmax`). At high ``T`` the teacher's relative confidence
about wrong answers ("dark knowledge") becomes visible to the student. Here both networks
answer the visual-search question (target present?) on rendered psysim displays, and we ask
how ``T`` changes the student's accuracy and whether the student looks where the teacher looks.

1. A teacher CNN (:class:`psysim.networks.GapCNN`, global-average-pooled, so its class
   activation maps are exact, Zhou et al. 2016) is trained with cross-entropy on the spatial
   configuration task (a 2 among 5s), the hardest of the Wolfe et al. (2010) tasks for a small
   network.
2. Students, a much smaller GapCNN, are trained on the same images with the distillation loss
   (:func:`psysim.softmax.torch_ops.distillation_loss`)
   ``alpha T^2 KL(softmax(t/T) || softmax(s/T)) + (1 - alpha) CE(s, y)`` for each ``T`` in
   {1, 2, 4, 8, 16} (``alpha = 0.9``), and with the hard labels only (``alpha = 0``, the
   baseline), each from several seeds (initial weights and batch order).
3. On new test displays: student accuracy, agreement of the student's decisions with the
   teacher's, and the agreement of the student's CAMs of the class "present" with the
   teacher's (Pearson correlation of the upsampled maps, target-present images), plus the
   pointing game of the student's CAM (does its maximum fall on the target?). Means over seeds
   with t-based 95% CIs.

Training uses no augmentation, so that the teacher's soft targets can be computed once per
image. Writes ``distillation.csv`` (one row per condition and seed), ``summary.csv``,
``teacher.csv``, figures and ``report.html``.

Options (``--set key=value``): ``task``, ``size`` (pixels), ``n_train`` / ``n_test`` (displays
per cell), ``seeds``, ``teacher_epochs``, ``student_epochs``, ``alpha``.

Run:  psysim run distillation [--quick] [--seed N]
  or  python -m psysim.experiments.distillation --quick
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from psysim.report import Report

NAME = "distillation"
DESCRIPTION = "Knowledge distillation (Hinton et al. 2015) of a search CNN at temperatures 1-16: student accuracy and CAM agreement"

TEMPERATURES = (1.0, 2.0, 4.0, 8.0, 16.0)
SET_SIZES = (3, 6, 12)
TEACHER = {"channels": (16, 32, 32), "pool_after": (0, 1)}
STUDENT = {"channels": (8, 16), "pool_after": (0,)}
HINTON = "Hinton, G., Vinyals, O., & Dean, J. (2015). Distilling the knowledge in a neural network. arXiv:1503.02531."
ZHOU = "Zhou, B., Khosla, A., Lapedriza, A., Oliva, A., & Torralba, A. (2016). Learning deep features for discriminative localization. CVPR, 2921-2929."


def train_student(student, images, teacher_logits, temperature, alpha, epochs, batch_size=32, lr=5e-3, seed=0):
    """Train ``student`` in place on the distillation loss; returns per-epoch training loss.

    AdamW with a one-cycle learning-rate schedule (as :func:`psysim.networks.train_network`),
    batch order from ``seed``. ``alpha = 0`` is plain cross-entropy on the hard labels.
    """
    import torch

    from psysim.softmax.torch_ops import distillation_loss

    g = torch.Generator().manual_seed(int(seed))
    opt = torch.optim.AdamW(student.parameters(), lr=lr, weight_decay=1e-4)
    n = len(images)
    n_batches = -(-n // batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(1, epochs * n_batches), pct_start=0.15)
    losses = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        for _ in range(epochs):
            student.train()
            perm = torch.randperm(n, generator=g)
            tot = 0.0
            for b in range(n_batches):
                idx = perm[b * batch_size : (b + 1) * batch_size]
                logits = student(images.tensor(idx))
                loss = distillation_loss(logits, teacher_logits[idx], images.labels[idx], temperature, alpha)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                sched.step()
                tot += loss.item() * len(idx)
            losses.append(tot / n)
    student.eval()
    return losses


def logits_of(model, images, batch_size=256):
    import torch

    with torch.no_grad():
        return torch.cat([model(images.tensor(slice(i, i + batch_size))) for i in range(0, len(images), batch_size)])


def cam_maps(model, images, index):
    """Normalised CAMs of the class 'present' (1) for the images ``index``, as numpy."""
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
    """Mean and t-based 95% CI over seeds (NaN CI with one seed)."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return np.nan, np.nan, np.nan
    m = float(x.mean())
    if len(x) < 2:
        return m, np.nan, np.nan
    h = float(stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return m, m - h, m + h


def run(ctx):
    import torch

    from psysim.networks import (
        count_parameters,
        make_search_images,
        seeded_network,
        target_box_array,
        train_network,
    )
    from psysim.networks.metrics import pointing_game

    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    task = ctx.option("task", "spatial", str)
    size = ctx.option("size", 64 if ctx.quick else 96, int)
    n_train = ctx.option("n_train", 80 if ctx.quick else 250, int)
    n_test = ctx.option("n_test", 40 if ctx.quick else 150, int)
    n_seeds = ctx.option("seeds", 2 if ctx.quick else 5, int)
    t_epochs = ctx.option("teacher_epochs", 8 if ctx.quick else 20, int)
    s_epochs = ctx.option("student_epochs", 8 if ctx.quick else 20, int)
    alpha = ctx.option("alpha", 0.9, float)

    root = int(ctx.seed_for("distillation").generate_state(1)[0])
    with ctx.timer("images"):
        train = make_search_images((task,), SET_SIZES, n_train, size=size, seed=root + 1)
        val = make_search_images((task,), SET_SIZES, max(10, n_test // 2), size=size, seed=root + 2)
        test = make_search_images((task,), SET_SIZES, n_test, size=size, seed=root + 3)

    with ctx.timer("teacher"):
        teacher = seeded_network("gapcnn", seed=root, **TEACHER)
        hist = train_network(teacher, train, val, epochs=t_epochs, batch_size=32, lr=5e-3, patience=max(3, t_epochs // 3), seed=root, progress=False)
        t_train = logits_of(teacher, train)
        t_test = logits_of(teacher, test)
    t_pred = t_test.argmax(1).numpy()
    y = test.labels.numpy()
    present = np.flatnonzero(y == 1)
    boxes = target_box_array(test.displays, test.table["display_id"].to_numpy()[present], size)
    t_cam = cam_maps(teacher, test, torch.from_numpy(present))
    teacher_row = {"task": task, "size_px": size, "parameters": count_parameters(teacher), "epochs_run": len(hist.history),
                   "accuracy": float((t_pred == y).mean()), "pointing": float(pointing_game(t_cam, boxes).mean()),
                   "train_accuracy": float((t_train.argmax(1) == train.labels).float().mean())}

    rows, keep = [], {}
    conditions = [("hard labels", 1.0, 0.0)] + [(f"T = {t:g}", t, alpha) for t in TEMPERATURES]
    from tqdm.auto import tqdm

    with ctx.timer("students"):
        for label, temp, a in tqdm(conditions, desc="students", disable=None):
            for s in range(n_seeds):
                sseed = root + 1000 + s
                student = seeded_network("gapcnn", seed=sseed, **STUDENT)
                losses = train_student(student, train, t_train, temp, a, s_epochs, seed=sseed)
                s_test = logits_of(student, test)
                pred = s_test.argmax(1).numpy()
                s_cam = cam_maps(student, test, torch.from_numpy(present))
                if s == 0 and label in ("hard labels", "T = 4"):
                    keep[label] = s_cam[:3]
                p_t = torch.softmax(t_test, 1)
                kl = float((p_t * (torch.log_softmax(t_test, 1) - torch.log_softmax(s_test, 1))).sum(1).mean())
                rows.append({"condition": label, "temperature": temp if a > 0 else np.nan, "alpha": a, "seed": s,
                             "accuracy": float((pred == y).mean()), "teacher_agreement": float((pred == t_pred).mean()),
                             "cam_correlation": float(np.nanmean(map_correlation(s_cam, t_cam))),
                             "pointing": float(pointing_game(s_cam, boxes).mean()), "kl_teacher_T1": kl,
                             "final_train_loss": losses[-1]})
    runs = pd.DataFrame(rows)
    summary = []
    for label, g in runs.groupby("condition", sort=False):
        row = {"condition": label, "temperature": g["temperature"].iloc[0], "n_seeds": len(g)}
        for col in ("accuracy", "teacher_agreement", "cam_correlation", "pointing", "kl_teacher_T1"):
            m, lo, hi = mean_ci(g[col])
            row.update({col: m, f"{col}_ci_low": lo, f"{col}_ci_high": hi})
        summary.append(row)
    summary = pd.DataFrame(summary)

    ctx.write_table(runs, "distillation.csv")
    ctx.write_table(summary, "summary.csv")
    ctx.write_table(pd.DataFrame([teacher_row]), "teacher.csv")
    ctx.write_table(hist.history, "teacher_history.csv")
    fig = summary_figure(summary, runs, teacher_row)
    ctx.save_figure(fig, "distillation.png")
    fig_cam = cam_figure(test, present, t_cam, keep)
    ctx.save_figure(fig_cam, "cams.png")

    r = Report("Knowledge distillation: the temperature of soft targets")
    r.text(
        f"A teacher CNN ({teacher_row['parameters']} parameters) was trained on the {task} search task ({len(SET_SIZES)} set sizes, "
        f"{len(train)} training images of {size}x{size} px) and reached {100 * teacher_row['accuracy']:.1f}% accuracy on {len(test)} new "
        f"test displays. Students with {count_parameters(seeded_network('gapcnn', seed=0, **STUDENT))} parameters were trained for "
        f"{s_epochs} epochs with the loss of Hinton, Vinyals and Dean (2015) at temperatures {', '.join(f'{t:g}' for t in TEMPERATURES)} "
        f"(soft-target weight alpha = {alpha:g}, the T^2 scaling of the paper) and with hard labels only, each from {n_seeds} seeds. "
        "Means over seeds with t-based 95% CIs."
    )
    r.heading("How T changes the student")
    r.bullets(_findings(summary))
    r.table(summary, caption="Table 1. Student test accuracy, agreement with the teacher's decisions, correlation of the student's CAM with the "
            "teacher's (target-present images), pointing game of the student's CAM and KL(teacher || student) at T = 1; means and 95% CIs over seeds.", digits=3)
    r.table(pd.DataFrame([teacher_row]), caption="Table 2. The teacher.", digits=3)
    r.figure(fig, "Figure 1. Student accuracy and CAM agreement with the teacher against the distillation temperature (dots: seeds; bars: 95% CI; "
             "dashed: the hard-label baseline; dotted: the teacher's accuracy).")
    r.figure(fig_cam, "Figure 2. Test displays with the teacher's CAM and the CAMs of one hard-label and one T = 4 student (class 'present').")
    r.note("Limitations: one teacher (seed fixed by the run seed); small networks and few epochs so that the experiment runs on a laptop CPU; "
           "no augmentation. The spread over student seeds is shown; the teacher's own variability is not.")
    r.cite(HINTON)
    r.cite(ZHOU)
    from psysim.runs import library_versions

    r.write(ctx.out / "report.html", metadata={"experiment": NAME, "seed": ctx.seed, "quick": ctx.quick, "task": task, "image size": size,
                                                "train displays per cell": n_train, "test displays per cell": n_test, "seeds": n_seeds,
                                                "teacher epochs": t_epochs, "student epochs": s_epochs, **library_versions()})


def _findings(summary: pd.DataFrame) -> list:
    s = summary.set_index("condition")
    base = s.loc["hard labels"]
    out = []
    distilled = s[s.index != "hard labels"]
    best = distilled["accuracy"].idxmax()
    out.append(f"Accuracy: hard labels {100 * base['accuracy']:.1f}% (95% CI {100 * base['accuracy_ci_low']:.1f} to {100 * base['accuracy_ci_high']:.1f}); "
               + "; ".join(f"{c}: {100 * r['accuracy']:.1f}% [{100 * r['accuracy_ci_low']:.1f}, {100 * r['accuracy_ci_high']:.1f}]" for c, r in distilled.iterrows())
               + f". Best: {best}.")
    out.append("CAM correlation with the teacher: hard labels " + f"{base['cam_correlation']:.2f} [{base['cam_correlation_ci_low']:.2f}, {base['cam_correlation_ci_high']:.2f}]; "
               + "; ".join(f"{c}: {r['cam_correlation']:.2f} [{r['cam_correlation_ci_low']:.2f}, {r['cam_correlation_ci_high']:.2f}]" for c, r in distilled.iterrows()) + ".")
    t = distilled["temperature"].to_numpy(float)
    for col, name in (("accuracy", "accuracy"), ("cam_correlation", "CAM agreement")):
        v = distilled[col].to_numpy(float)
        if np.isfinite(v).sum() > 2:
            rho = stats.spearmanr(np.log2(t), v).statistic
            out.append(f"Across T, the rank correlation of {name} with log2 T is {rho:+.2f} (over {len(t)} temperatures, means over seeds).")
    return out


def summary_figure(summary, runs, teacher_row):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    d = summary[summary["condition"] != "hard labels"]
    base = summary[summary["condition"] == "hard labels"].iloc[0]
    for ax, col, lab in ((axes[0], "accuracy", "student test accuracy"), (axes[1], "cam_correlation", "CAM correlation with teacher")):
        ax.errorbar(d["temperature"], d[col], yerr=[d[col] - d[f"{col}_ci_low"], d[f"{col}_ci_high"] - d[col]], marker="o", capsize=3, color="C0", label="distilled")
        r = runs[runs["alpha"] > 0]
        ax.plot(r["temperature"], r[col], ".", color="C0", alpha=0.4)
        ax.axhline(base[col], color="C3", ls="--", label="hard labels")
        if col == "accuracy":
            ax.axhline(teacher_row["accuracy"], color="k", ls=":", label="teacher")
        ax.set(xscale="log", xlabel="distillation temperature T", ylabel=lab)
        ax.set_xticks(list(TEMPERATURES))
        ax.set_xticklabels([f"{t:g}" for t in TEMPERATURES])
        ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def cam_figure(test, present, t_cam, student_cams: dict):
    """Three test displays with the teacher's CAM and the seed-0 students' CAMs."""
    import matplotlib.pyplot as plt

    cams = {"teacher": t_cam[:3], **student_cams}
    fig, axes = plt.subplots(3, 1 + len(cams), figsize=(2 * (1 + len(cams)), 6))
    imgs = test.images[present[:3]].permute(0, 2, 3, 1).numpy()
    for i in range(3):
        axes[i, 0].imshow(imgs[i])
        for j, (label, m) in enumerate(cams.items()):
            axes[i, j + 1].imshow(imgs[i])
            axes[i, j + 1].imshow(m[i], cmap="jet", alpha=0.5, vmin=0, vmax=1)
            if i == 0:
                axes[i, j + 1].set_title(label, fontsize=9)
        for ax in axes[i]:
            ax.axis("off")
    axes[0, 0].set_title("display", fontsize=9)
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    from psysim.cli import main

    raise SystemExit(main(["run", NAME, *__import__("sys").argv[1:]]))
