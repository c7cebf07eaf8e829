"""The distillation experiment's building blocks (the experiment itself runs in minutes)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from psysim.experiments.distillation import map_correlation, mean_ci, train_student  # noqa: E402

from psysim.networks import make_search_images, seeded_network  # noqa: E402


def test_map_correlation():
    rng = np.random.default_rng(0)
    a = rng.random((3, 5, 5))
    r = map_correlation(a, a)
    assert np.allclose(r, 1.0)
    assert np.allclose(map_correlation(a, 1 - a), -1.0)
    assert np.isnan(map_correlation(np.ones((1, 5, 5)), a[:1])).all()


def test_mean_ci():
    m, lo, hi = mean_ci([1.0, 2.0, 3.0])
    assert m == 2.0
    assert hi - m == pytest.approx(4.302652729911275 * 1.0 / np.sqrt(3))  # t(0.975, 2) * sd / sqrt(n)
    assert np.isnan(mean_ci([5.0])[1])


def test_student_learns_the_teachers_soft_targets_and_is_deterministic():
    torch.set_num_threads(1)
    images = make_search_images(("feature",), (3,), 8, size=16, seed=3)
    teacher = seeded_network("gapcnn", seed=1, channels=(4,), pool_after=())
    with torch.no_grad():
        t_logits = 3 * teacher(images.tensor())

    def kl(student):
        with torch.no_grad():
            s = student(images.tensor())
        p = torch.softmax(t_logits / 4, 1)
        return float((p * (torch.log_softmax(t_logits / 4, 1) - torch.log_softmax(s / 4, 1))).sum(1).mean())

    a = seeded_network("gapcnn", seed=2, channels=(4,), pool_after=())
    before = kl(a.eval())
    losses = train_student(a, images, t_logits, 4.0, 1.0, epochs=15, batch_size=8, lr=2e-2, seed=5)
    assert kl(a) < before and losses[-1] < losses[0]
    b = seeded_network("gapcnn", seed=2, channels=(4,), pool_after=())
    train_student(b, images, t_logits, 4.0, 1.0, epochs=15, batch_size=8, lr=2e-2, seed=5)
    for pa, pb in zip(a.state_dict().values(), b.state_dict().values()):
        assert torch.equal(pa, pb)
