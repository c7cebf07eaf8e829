"""Localisation metrics: pointing game, energy-based pointing, deletion / insertion AUC."""

import numpy as np
import pytest
import torch
from torch import nn

from psysim.errors import PsysimError
from psysim.networks import deletion_insertion, energy_pointing, pointing_game

torch.set_num_threads(1)


def delta_maps(points, h=10, w=12):
    maps = np.zeros((len(points), h, w))
    for n, (i, j) in enumerate(points):
        maps[n, i, j] = 1.0
    return maps


def test_pointing_game_hits_misses_and_exclusive_edges():
    box = [2, 3, 5, 6]  # x0, y0, x1, y1: pixels x 2..4, y 3..5
    maps = delta_maps([(3, 2), (5, 4), (6, 4), (4, 5), (0, 0)])
    hits = pointing_game(maps, np.tile(box, (5, 1)))
    assert hits.tolist() == [True, True, False, False, False]


def test_pointing_game_tolerance_in_pixels():
    box = np.array([[2, 3, 5, 6]])
    m = delta_maps([(3, 8)])  # pixel centre x = 8.5, 3.5 px right of the box edge x = 5
    assert not pointing_game(m, box, tolerance=3.4)[0]
    assert pointing_game(m, box, tolerance=3.5)[0]


def test_pointing_game_accepts_tensors_and_first_maximum():
    maps = torch.zeros(1, 4, 4)
    maps[0, 1, 1] = maps[0, 3, 3] = 1.0  # tie: first in row-major order wins
    assert pointing_game(maps, torch.tensor([[1, 1, 2, 2]]))[0]
    assert not pointing_game(maps, torch.tensor([[3, 3, 4, 4]]))[0]


def test_energy_pointing():
    box = np.array([[0, 0, 3, 2]])  # 6 of 24 pixels
    assert energy_pointing(np.ones((1, 4, 6)), box)[0] == pytest.approx(6 / 24)
    inside = np.zeros((1, 4, 6))
    inside[0, :2, :3] = np.arange(6).reshape(2, 3)
    assert energy_pointing(inside, box)[0] == pytest.approx(1.0)
    assert energy_pointing(np.zeros((1, 4, 6)), box)[0] == 0.0
    with pytest.raises(PsysimError, match="non-negative"):
        energy_pointing(-np.ones((1, 4, 6)), box)


def test_metric_shapes_are_checked():
    with pytest.raises(PsysimError, match="boxes must have shape"):
        pointing_game(np.zeros((2, 4, 4)), np.zeros((3, 4)))
    with pytest.raises(PsysimError, match="NaN"):
        pointing_game(np.zeros((1, 4, 4)), np.array([[np.nan, 0, 1, 1]]))


class RedMass(nn.Module):
    """logit(present) = k * (mean red - 0.05): a model whose evidence is the red pixels."""

    def __init__(self, k=80.0):
        super().__init__()
        self.k = k

    def forward(self, x):
        s = self.k * (x[:, 0].mean((1, 2)) - 0.05)
        return torch.stack([torch.zeros_like(s), s], 1)


def red_images():
    x = torch.zeros(2, 3, 16, 16)
    x[0, 0, 2:6, 3:7] = 1.0
    x[1, 0, 9:14, 8:12] = 1.0
    return x


def test_deletion_insertion_exact_with_one_step():
    """With one step the AUC is the mean of the probability before and after (trapezoid)."""
    model, x = RedMass(), red_images()
    maps = x[:, 0]
    res = deletion_insertion(model, x, maps, [1, 1], steps=1, insertion_baseline="zero")
    p_full = torch.softmax(model(x), 1)[:, 1]
    p_empty = torch.softmax(model(torch.zeros_like(x)), 1)[:, 1]
    np.testing.assert_allclose(res["deletion_auc"], ((p_full + p_empty) / 2).numpy(), rtol=1e-6)
    np.testing.assert_allclose(res["insertion_auc"], ((p_full + p_empty) / 2).numpy(), rtol=1e-6)


def test_good_map_beats_inverted_map():
    model, x = RedMass(), red_images()
    good = x[:, 0] + 0.01 * torch.rand(2, 16, 16, generator=torch.Generator().manual_seed(0))
    bad = -good
    model.train()
    g = deletion_insertion(model, x, good, [1, 1], steps=16)
    b = deletion_insertion(model, x, bad, [1, 1], steps=16)
    assert model.training
    assert (g["deletion_auc"] < b["deletion_auc"]).all()
    assert (g["insertion_auc"] > b["insertion_auc"]).all()
    assert ((g.to_numpy() >= 0) & (g.to_numpy() <= 1)).all()


def test_deletion_insertion_bad_input():
    model, x = RedMass(), red_images()
    with pytest.raises(PsysimError, match="maps must have shape"):
        deletion_insertion(model, x, torch.zeros(2, 8, 8), [1, 1])
    with pytest.raises(PsysimError, match="baseline"):
        deletion_insertion(model, x, x[:, 0], [1, 1], deletion_baseline="mean")
