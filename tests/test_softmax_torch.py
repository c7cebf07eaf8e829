"""Torch variants of the temperature softmax and the Hinton et al. (2015) distillation loss."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from psysim.errors import PsysimError  # noqa: E402
from psysim.softmax import log_softmax, softmax  # noqa: E402
from psysim.softmax.torch_ops import distillation_loss, log_softmax_t, softmax_t  # noqa: E402


@pytest.mark.parametrize("beta", [0.0, 1e-6, 0.7, 1e6, math.inf])
def test_torch_matches_numpy(beta):
    x = np.array([[1e4, -1e4, 0.0, 1e4 - 1e-3], [0.5, -np.inf, 0.5, 2.0], [np.inf, 1.0, 3.0, np.inf]])
    t = torch.tensor(x, dtype=torch.float64)
    assert np.allclose(softmax_t(t, beta).numpy(), softmax(x, beta), atol=1e-12)
    assert np.allclose(log_softmax_t(t, beta).numpy(), log_softmax(x, beta), atol=1e-9, equal_nan=False)


@pytest.mark.parametrize("beta, msg", [(-1.0, "negative"), (float("nan"), "NaN"), (True, "must be a number")])
def test_torch_bad_beta(beta, msg):
    with pytest.raises(PsysimError, match=msg):
        softmax_t(torch.zeros(3), beta)


def test_distillation_loss_definition():
    g = torch.Generator().manual_seed(3)
    s = torch.randn(8, 2, generator=g)
    t = torch.randn(8, 2, generator=g)
    y = torch.randint(0, 2, (8,), generator=g)
    T, a = 4.0, 0.7
    ps, pt = torch.softmax(s / T, 1), torch.softmax(t / T, 1)
    kl = (pt * (pt.log() - ps.log())).sum(1).mean()
    ce = -torch.log_softmax(s, 1)[torch.arange(8), y].mean()
    want = a * T * T * kl + (1 - a) * ce
    assert distillation_loss(s, t, y, T, a).item() == pytest.approx(want.item(), rel=1e-6)
    # a student equal to its teacher has zero soft loss at any T
    assert distillation_loss(t, t, None, 8.0, 1.0).item() == pytest.approx(0.0, abs=1e-7)
    # hard-label baseline
    assert distillation_loss(s, t, y, 2.0, 0.0).item() == pytest.approx(ce.item(), rel=1e-6)


@pytest.mark.parametrize("T, msg", [(0.0, "finite and > 0"), (float("inf"), "finite and > 0"), (-1.0, "negative"),
                                    (float("nan"), "NaN"), ("warm", "must be a number")])
def test_distillation_bad_temperature(T, msg):
    with pytest.raises(PsysimError, match=msg):
        distillation_loss(torch.zeros(2, 2), torch.zeros(2, 2), torch.zeros(2, dtype=torch.long), T)
