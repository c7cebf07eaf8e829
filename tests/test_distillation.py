"""The distillation experiment: its building blocks, its statistics and a tiny end-to-end run.

The full experiment takes minutes; everything here uses tiny images and a few optimiser steps.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")

import torch.nn.functional as F  # noqa: E402
from psysim.experiments import distillation as dist  # noqa: E402

from psysim.errors import PsysimError  # noqa: E402
from psysim.networks import make_search_images, seeded_network  # noqa: E402
from psysim.options import declared  # noqa: E402
from psysim.runs import RunContext, execute, get_experiment  # noqa: E402

TINY = {"channels": (4,), "pool_after": ()}


@pytest.fixture(autouse=True)
def one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


@pytest.fixture(scope="module")
def easy():
    """The feature task (red among green) at 24 px: trivially easy, rendered once."""
    train = make_search_images(("feature",), (3,), 12, size=24, seed=3)
    test = make_search_images(("feature",), (3,), 20, size=24, seed=4)
    return train, test


def test_map_correlation():
    rng = np.random.default_rng(0)
    a = rng.random((3, 5, 5))
    assert np.allclose(dist.map_correlation(a, a), 1.0)
    assert np.allclose(dist.map_correlation(a, 1 - a), -1.0)
    assert np.allclose(dist.map_correlation(a, 3 * a + 2), 1.0)  # invariant to the maps' normalisation
    assert np.isnan(dist.map_correlation(np.ones((1, 5, 5)), a[:1])).all()


def test_mean_ci():
    m, lo, hi = dist.mean_ci([1.0, 2.0, 3.0])
    assert m == 2.0
    assert hi - m == pytest.approx(4.302652729911275 * 1.0 / np.sqrt(3))  # t(0.975, 2) * sd / sqrt(n)
    assert m - lo == pytest.approx(hi - m)
    assert np.isnan(dist.mean_ci([5.0])[1])
    assert dist.mean_ci([np.nan, 1.0, 3.0])[0] == 2.0


def test_transfer_sets_are_stratified_and_nested():
    table = pd.DataFrame({"set_size": np.repeat([3, 6], 10), "target_present": np.tile([True, False], 10)})
    sets = dist.transfer_sets(table, (1, 3, 5), np.random.default_rng(7))
    for n, idx in sets.items():
        assert len(idx) == 4 * n and len(np.unique(idx)) == len(idx)
        assert (table.iloc[idx].groupby(["set_size", "target_present"]).size() == n).all()
    assert set(sets[1]) <= set(sets[3]) <= set(sets[5])
    again = dist.transfer_sets(table, (1, 3, 5), np.random.default_rng(7))
    assert all(np.array_equal(sets[n], again[n]) for n in sets)
    with pytest.raises(PsysimError, match="only 5"):
        dist.transfer_sets(table, (6,), np.random.default_rng(0))


def test_hard_label_student_ignores_the_teacher_and_starts_from_cross_entropy(easy):
    train, _ = easy
    y = train.labels
    good = torch.stack([-3.0 * (2 * y - 1), 3.0 * (2 * y - 1)], 1).float()
    nets = []
    for teacher in (good, torch.randn(len(y), 2, generator=torch.Generator().manual_seed(0))):
        net = seeded_network("gapcnn", seed=2, **TINY)
        start = seeded_network("gapcnn", seed=2, **TINY).train()
        losses = dist.train_student(net, train, teacher, 4.0, 0.0, steps=6, batch_size=8, lr=2e-2, seed=5)
        # the first step's loss is the plain cross-entropy of the untrained net on the first batch
        first = torch.randperm(len(train), generator=torch.Generator().manual_seed(5))[:8]
        with torch.no_grad():
            ce = F.cross_entropy(start(train.tensor(first)), y[first])
        assert losses[0] == pytest.approx(ce.item(), rel=1e-5)
        assert len(losses) == 6
        nets.append(net)
    for a, b in zip(nets[0].state_dict().values(), nets[1].state_dict().values()):
        assert torch.equal(a, b)


@pytest.mark.parametrize("flip", [False, True])
def test_student_follows_a_perfect_teacher_from_soft_targets_alone(easy, flip):
    """alpha = 1: no hard label is used, so what the student learns comes from the teacher.
    A perfect teacher gives a student far above chance on new displays; a teacher that is
    always wrong gives a student that is (almost) always wrong."""
    train, test = easy
    y = train.labels
    sign = -1 if flip else 1
    teacher = torch.stack([-4.0 * sign * (2 * y - 1), 4.0 * sign * (2 * y - 1)], 1).float()
    student = seeded_network("gapcnn", seed=1, **TINY)
    losses = dist.train_student(student, train, teacher, 4.0, 1.0, steps=60, batch_size=8, lr=3e-2, seed=2)
    acc = float((dist.logits_of(student, test).argmax(1) == test.labels).float().mean())
    assert losses[-5:].mean() < losses[:5].mean()
    assert (acc < 0.2) if flip else (acc > 0.8)


def test_student_training_is_deterministic(easy):
    train, _ = easy
    t = torch.randn(len(train), 2, generator=torch.Generator().manual_seed(1))
    runs = []
    for _ in range(2):
        net = seeded_network("gapcnn", seed=4, **TINY)
        dist.train_student(net, train, t, 2.0, 0.9, steps=10, batch_size=8, seed=9)
        runs.append(net.state_dict())
    for a, b in zip(runs[0].values(), runs[1].values()):
        assert torch.equal(a, b)


def _fake_runs(effect):
    """Runs with known structure: per-seed offsets, a hard-label baseline and ``effect(T)``."""
    rows = []
    for seed, offset in enumerate([0.0, 0.02, -0.01, 0.03]):
        rows.append({"transfer_per_cell": 2, "transfer_images": 12, "condition": dist.HARD, "temperature": np.nan, "alpha": 0.0,
                     "seed": seed, "accuracy": 0.7 + offset, "cam_correlation": 0.5 + offset, "pointing": 0.9,
                     "teacher_agreement": 0.7, "kl_teacher_T1": 0.2})
        for t in dist.TEMPERATURES:
            rows.append({"transfer_per_cell": 2, "transfer_images": 12, "condition": f"T = {t:g}", "temperature": t, "alpha": 0.9,
                         "seed": seed, "accuracy": 0.7 + offset + effect(t), "cam_correlation": 0.5 + offset + 0.5 * effect(t) * (1 + seed),
                         "pointing": 0.9, "teacher_agreement": 0.7, "kl_teacher_T1": 0.1})
    return pd.DataFrame(rows)


def test_summary_pairs_by_seed_and_trend_is_per_doubling():
    runs = _fake_runs(lambda t: 0.01 * np.log2(t) + 0.05)
    s = dist.summarise(runs).set_index("condition")
    # the seed offsets cancel in the paired differences: exact, zero-width CIs
    assert s.loc["T = 4", "accuracy_diff"] == pytest.approx(0.07)
    assert s.loc["T = 4", "accuracy_diff_ci_high"] - s.loc["T = 4", "accuracy_diff_ci_low"] == pytest.approx(0, abs=1e-9)
    assert s.loc[dist.HARD, "accuracy_diff"] == 0
    assert s.loc["T = 1", "accuracy"] == pytest.approx(0.75 + 0.01)  # mean over seeds of 0.7 + offset + 0.05
    assert s.loc["T = 1", "accuracy_ci_high"] > s.loc["T = 1", "accuracy"] > s.loc["T = 1", "accuracy_ci_low"]
    tr = dist.temperature_trend(runs).set_index("metric")
    assert tr.loc["accuracy", "slope_per_doubling"] == pytest.approx(0.01)
    assert tr.loc["accuracy", "shape"] == "rising" and tr.loc["accuracy", "best_temperature"] == 16
    assert tr.loc["pointing", "shape"] == "flat"
    text = " ".join(dist.findings(dist.summarise(runs), tr.reset_index(), {"accuracy": 1.0}))
    assert "T = 4 +7.0 [+7.0, +7.0] (reliably higher)" in text
    assert "accuracy rose reliably with T" in text
    head = dist.headline(tr.reset_index(), dist.summarise(runs))
    assert "with 12 transfer images, accuracy rose reliably with T (+1.0 [+1.0, +1.0] percentage points per doubling)" in head


def test_findings_say_when_there_is_no_effect_and_when_it_is_non_monotonic():
    bump = {1.0: 0.0, 2.0: 0.02, 4.0: 0.04, 8.0: 0.02, 16.0: 0.0}
    runs = _fake_runs(lambda t: bump[t])
    noise = np.random.default_rng(0).normal(0, 0.05, len(runs))
    runs["accuracy"] += np.where(runs["alpha"] > 0, noise, 0)
    summary, trend = dist.summarise(runs), dist.temperature_trend(runs)
    text = " ".join(dist.findings(summary, trend, {"accuracy": 0.55}))
    assert text.startswith("Warning: the teacher is near chance")
    assert "no reliable linear trend with T" in text
    assert "CAM correlation" in text and "non-monotonic in T (highest at T = 4" in text


def _ctx(tmp_path, **options):
    return RunContext(name="distillation", out=tmp_path, options={k: str(v) for k, v in options.items()},
                      declared=declared(dist))


@pytest.mark.parametrize("options, message", [
    ({"transfer": "2,x"}, "comma-separated integers"),
    ({"transfer": "0"}, "1..n_teacher"),
    ({"transfer": "200", "n_teacher": "10"}, "1..n_teacher"),
    ({"alpha": "0"}, "alpha"),
    ({"seeds": "0"}, "seeds"),
    ({"size": "8"}, r"size='8': out of range, must be in \[16, 512\]"),
])
def test_bad_options_are_one_line_errors(tmp_path, options, message):
    with pytest.raises(PsysimError, match=message):
        dist.settings(_ctx(tmp_path, **options))


def test_quick_and_full_defaults(tmp_path):
    full = dist.settings(_ctx(tmp_path))
    assert full["task"] == "conjunction" and full["seeds"] >= 5 and full["transfer"] == (1, 2, 4)
    quick = dist.settings(RunContext(name="distillation", out=tmp_path, quick=True, declared=declared(dist)))
    assert 2 <= quick["seeds"] <= 3


TINY_RUN = {"size": 24, "n_teacher": 3, "n_test": 2, "transfer": "1,2", "seeds": 2, "teacher_epochs": 1, "steps": 3, "threads": 1}


@pytest.mark.slow
def test_tiny_run_writes_its_tables_and_is_reproducible(tmp_path):
    exp = get_experiment("distillation")
    opts = {k: str(v) for k, v in TINY_RUN.items()}
    a = execute(exp, out=tmp_path / "a", seed=5, quick=True, options=opts)
    b = execute(exp, out=tmp_path / "b", seed=5, quick=True, options=opts)
    c = execute(exp, out=tmp_path / "c", seed=6, quick=True, options=opts)
    for name in ("distillation.csv", "summary.csv", "trend.csv", "teacher.csv", "teacher_history.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "distillation.csv").read_bytes() != (c / "distillation.csv").read_bytes()
    runs = pd.read_csv(a / "distillation.csv")
    assert len(runs) == 2 * 2 * (1 + len(dist.TEMPERATURES))  # transfer sizes x seeds x conditions
    assert set(runs["condition"]) == {dist.HARD, *(f"T = {t:g}" for t in dist.TEMPERATURES)}
    assert (runs.loc[runs["condition"] == dist.HARD, "alpha"] == 0).all()
    assert runs["accuracy"].between(0, 1).all() and runs["cam_correlation"].between(-1, 1).all()
    assert sorted(runs["transfer_images"].unique()) == [6, 12]
    teacher = pd.read_csv(a / "teacher.csv").iloc[0]
    assert teacher["student_parameters"] < teacher["parameters"] / 5
    html = (a / "report.html").read_text()
    assert "Paired difference from hard labels" in html and "per doubling of T" in html
    assert (a / "distillation.png").stat().st_size > 0 and (a / "cams.png").stat().st_size > 0
    # the same tables re-rendered in Japanese (psysim report DIR --lang ja): every sentence from the catalogue
    ja = exp.report(a, "ja").read_text(encoding="utf-8")
    assert '<html lang="ja">' in ja and "温度 T は生徒をどう変えたか" in ja and "ハードラベルとの対応のある差" in ja
    assert "Paired difference" not in ja and "hard labels" not in ja
    assert f"{100 * teacher['accuracy']:.1f}%" in ja  # the teacher's measured accuracy, as in English
    from _browser import assert_renders_without_fallback

    assert_renders_without_fallback(a / "report.ja.html", tmp_path)
