"""Saliency metrics on cases small enough to compute by hand (MIT benchmark definitions)."""

import math

import numpy as np
import pytest

from psysim.errors import PsysimError
from psysim.saliency import metrics as M


def test_auc_judd_by_hand():
    s = np.array([[1.0, 2.0], [3.0, 4.0]])  # scaled: 0, 1/3, 2/3, 1
    fix = np.array([[1, 0], [0, 1]])
    # thresholds 1 and 0: (fp, tp) = (0, 0), (0, .5), (1, 1), (1, 1) -> area 0.75
    assert M.auc_judd(s, fix) == pytest.approx(0.75)
    assert M.auc_judd(s, np.array([[0, 0], [0, 1]])) == pytest.approx(1.0)
    # one fixation on the minimum: the only threshold admits every pixel -> (0,0), (1,1): 0.5
    assert M.auc_judd(s, np.array([[1, 0], [0, 0]])) == pytest.approx(0.5)
    # ties count as above threshold: a constant map gives chance
    assert M.auc_judd(np.ones((3, 3)), np.eye(3)) == pytest.approx(0.5)


def test_auc_borji_and_shuffled_by_hand():
    fix = np.zeros((50, 50))
    fix[10, 10] = 1
    assert M.auc_borji(np.ones((50, 50)), fix) == pytest.approx(0.5)
    # the fixated pixel alone has value 1: each split's AUC is 1 unless it drew that pixel
    assert M.auc_borji(fix, fix) > 0.99
    # negatives identical to positives: tp == fp at every threshold -> 0.5 exactly
    s = np.random.default_rng(0).random((50, 50))
    assert M.auc_shuffled(s, fix, fix) == pytest.approx(0.5)
    other = np.zeros((50, 50))
    other[40, 40] = 1
    s2 = np.zeros((50, 50))
    s2[10, 10] = 1.0
    assert M.auc_shuffled(s2, fix, other) == pytest.approx(1.0)
    assert M.auc_borji(s, fix, seed=1) == M.auc_borji(s, fix, seed=1)


def test_nss_by_hand():
    s = np.array([[0.0, 0.0], [0.0, 4.0]])  # mean 1, std (N-1) = sqrt(12/3) = 2
    assert M.nss(s, np.array([[0, 0], [0, 1]])) == pytest.approx(1.5)
    assert M.nss(s, np.array([[1, 0], [0, 0]])) == pytest.approx(-0.5)
    assert M.nss(np.ones((2, 2)), np.eye(2)) == 0.0


def test_cc_kl_sim_by_hand():
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert M.cc(a, a) == pytest.approx(1.0)
    assert M.cc(a, -a) == pytest.approx(-1.0)
    assert M.cc(a, np.array([[1.0, 2.0], [3.0, 4.0]]).T) == pytest.approx(0.8)  # 4 / 5 by hand
    assert M.kl_divergence(a, a) == pytest.approx(0.0, abs=1e-12)
    # P uniform over two pixels, Q all on one: KL = 1 * ln(1 / 0.5) = ln 2
    assert M.kl_divergence(np.array([[1.0, 1.0]]), np.array([[1.0, 0.0]])) == pytest.approx(math.log(2))
    assert M.sim(a, a) == pytest.approx(1.0)
    assert M.sim(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])) == pytest.approx(0.0)
    # [0, 1, 2] -> scaled [0, .5, 1] -> [0, 1/3, 2/3]; vs [1, 0, 0] scaled -> [1, 0, 0]: min sum 0
    # vs [0, 1, 1] -> [0, .5, .5]: min sum 1/3 + 1/2 = 5/6
    assert M.sim(np.array([[0.0, 1.0, 2.0]]), np.array([[0.0, 1.0, 1.0]])) == pytest.approx(5 / 6)


def test_information_gain_by_hand():
    s = np.array([[1.0, 0.0], [0.0, 0.0]])
    fix = np.array([[1, 0], [0, 0]])
    # P(fixated) = 1, uniform baseline = 1/4: log2(1) - log2(1/4) = 2 bits
    assert M.information_gain(s, fix, M.uniform_map((2, 2))) == pytest.approx(2.0)
    assert M.information_gain(s, fix, s) == pytest.approx(0.0)


def test_baselines_and_helpers():
    cb = M.centre_bias((11, 21))
    assert np.unravel_index(np.argmax(cb), cb.shape) == (5, 10)
    assert M.resize_map(np.ones((4, 4)), (8, 6)).shape == (8, 6)
    assert M.threshold_fixations(np.array([[0, 128, 255]], np.uint8)).tolist() == [[False, True, True]]


def test_metric_errors():
    with pytest.raises(PsysimError, match="differ in shape"):
        M.nss(np.ones((3, 3)), np.ones((2, 2)))
    with pytest.raises(PsysimError, match="no fixated pixel"):
        M.auc_judd(np.ones((3, 3)), np.zeros((3, 3)))
    with pytest.raises(PsysimError, match="NaN"):
        M.cc(np.full((2, 2), np.nan), np.ones((2, 2)))
