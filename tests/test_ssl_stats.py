"""CIs over training seeds and units (pigeonhole bootstrap), and fixation scoring with the
saliency-fixations protocol on a scoring grid (psysim.networks.ssl_eval, ssl_fixations)."""

import numpy as np
import pandas as pd
import pytest
import torch

from psysim.errors import PsysimError
from psysim.networks.ssl_eval import (
    best_vs_runner_up,
    group_difference,
    seed_unit_bootstrap,
    seed_unit_summary,
)
from psysim.networks.ssl_fixations import (
    centre_scores,
    comparisons,
    fit,
    grid_fixations,
    grids,
    score,
)
from psysim.networks.ssl_maps import feature_norm_maps, label_free_maps, similarity_maps
from psysim.networks.training import seeded_network


def test_one_seed_is_the_ordinary_bootstrap_over_units():
    x = np.random.default_rng(0).normal(size=(1, 30, 2))
    got = seed_unit_bootstrap(x, np.random.default_rng(5), 400)
    idx = np.random.default_rng(5).integers(0, 30, size=(400, 30))
    assert np.allclose(got, x[0][idx].mean(1))


def test_seed_spread_enters_the_interval():
    # values constant over units, different per seed: only seed resampling moves the mean
    offsets = np.array([0.0, 1.0, 2.0])
    x = np.broadcast_to(offsets[:, None, None], (3, 20, 1)).copy()
    boots = seed_unit_bootstrap(x, np.random.default_rng(1), 3000)[:, 0]
    assert np.allclose(np.unique(np.round(boots * 3, 9)), np.arange(7))  # means of 3 draws from {0, 1, 2}
    lo, hi = np.percentile(boots, [2.5, 97.5])
    assert lo <= 1 / 3 + 1e-9 and hi >= 5 / 3 - 1e-9
    # the same data over one seed: no spread at all
    assert np.ptp(seed_unit_bootstrap(x[:1], np.random.default_rng(1), 100)) == 0


def test_seed_unit_summary_broadcasts_fixed_maps_and_pairs_differences():
    rows = [(k, u, "net", "m", k + 0.1 * u) for k in range(3) for u in range(4)]
    rows += [(-1, u, "fixed", "m", 0.1 * u) for u in range(4)]  # no training seed changes it
    d = pd.DataFrame(rows, columns=["seed", "image", "map", "metric", "value"])
    sm, boots = seed_unit_summary(d, "image", np.random.default_rng(0), 500)
    sm = sm.set_index("map")
    assert sm.loc["net", "mean"] == pytest.approx(1.15) and sm.loc["fixed", "mean"] == pytest.approx(0.15)
    assert sm.loc["net", "seed_sd"] == pytest.approx(1.0) and sm.loc["fixed", "seed_sd"] == 0
    assert (sm["n_units"] == 4).all() and (sm["n_seeds"] == 3).all()
    # net - fixed is the seed offset alone: the paired replicates carry no image noise
    diff = boots[("net", "m")] - boots[("fixed", "m")]
    assert np.allclose(np.round(diff * 3, 9) % 1, 0)
    row = best_vs_runner_up(sm.reset_index(), boots, "m", ["net", "fixed"], chance=0.0, vs=None)
    assert row["best"] == "net" and row["difference"] == pytest.approx(1.0) and row["ci_low"] >= 0


def test_grid_fixations_counts_each_fixation_in_its_cell():
    f = np.zeros((4, 6), bool)
    f[0, 0] = f[1, 2] = f[3, 5] = True
    w, fixated = grid_fixations(f, (2, 3))
    assert np.allclose(w, np.array([[1, 1, 0], [0, 0, 1]]) / 3)
    assert fixated.sum() == 3
    with pytest.raises(PsysimError, match="no fixated pixel"):
        grid_fixations(np.zeros((4, 4), bool), (2, 2))


def _scene(rng, shape=(24, 32)):
    """Fixations clustered at an off-centre spot; a 'good' map peaks there, a 'bad' one elsewhere."""
    h, w = shape
    yy, xx = np.mgrid[:h, :w]
    cy, cx = rng.uniform(4, 8), rng.uniform(22, 28)
    fix = np.zeros(shape, bool)
    fix[np.clip(rng.normal(cy, 1.5, 40).astype(int), 0, h - 1), np.clip(rng.normal(cx, 1.5, 40).astype(int), 0, w - 1)] = True
    good = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 8)
    bad = np.exp(-((yy - (h - cy)) ** 2 + (xx - (w - cx)) ** 2) / 8)
    wts, fixated = grid_fixations(fix, shape)
    return good, bad, wts, fixated, good / good.sum()


def test_protocol_scores_a_map_that_peaks_where_people_look_above_the_centre_bias():
    rng = np.random.default_rng(3)
    scenes = [_scene(rng) for _ in range(12)]
    g = grids(n_grid=5)
    train, test = scenes[:6], scenes[6:]
    p_good = fit([s[0] for s in train], [s[2] for s in train], g)
    p_bad = fit([s[1] for s in train], [s[2] for s in train], g)
    assert p_bad["weight"] < p_good["weight"]  # the mixture leans on the centre bias for the bad map
    rows = []
    for k, (good, bad, wts, fixated, dens) in enumerate(test):
        rows += [(k, "good", m, v) for m, v in score(good, wts, fixated, dens, p_good).items()]
        rows += [(k, "bad", m, v) for m, v in score(bad, wts, fixated, dens, p_bad).items()]
        rows += [(k, "centre-bias", m, v) for m, v in centre_scores(wts, fixated, dens, p_good).items()]
    per = pd.DataFrame(rows, columns=["image", "map", "metric", "value"])
    wide = per.pivot_table(index="image", columns=["map", "metric"], values="value")
    assert (wide[("good", "ll_bits")] > 1).all() and (wide[("bad", "ll_bits")] < wide[("centre-bias", "ll_bits")]).all()
    # a mixture is never worse on the training images than its centre bias alone (weight 0 is in the grid)
    assert p_bad["ll_mixture"] >= p_bad["ll_centre"] - 1e-12
    t = comparisons(wide, [("good", "centre-bias", "ll_bits"), ("bad", "centre-bias", "ll_bits"), ("good", "bad", "nss")],
                    np.random.default_rng(0), 200)
    assert (t["p_holm"] >= t["p"] - 1e-15).all() and t.loc[0, "mean_diff"] > 0 and t.loc[1, "mean_diff"] < 0
    assert t.loc[0, "p"] == pytest.approx(2 / 2**6)  # exact Wilcoxon, 6 images all one way: 2 / 2^6


def test_label_free_maps_are_the_two_maps_from_one_pass():
    net = seeded_network("gapcnn", seed=0, channels=[8, 16], pool_after=[0], n_classes=2)
    x = torch.rand(2, 3, 32, 40, generator=torch.Generator().manual_seed(0))
    got = label_free_maps(net, x, size=(20, 25))
    assert torch.allclose(got["feature-norm"], feature_norm_maps(net, x, size=(20, 25)), atol=1e-6)
    assert torch.allclose(got["similarity"], similarity_maps(net, x, size=(20, 25)), atol=1e-6)


def test_group_difference_is_the_difference_of_group_means_paired_over_seeds():
    # seed offsets shared by both groups cancel in the difference; groups differ by 0.5
    rows = [(k, u, u < 3, c, k + (0.5 if u < 3 else 0.0) + (1.0 if c == "b" else 0.0)) for k in range(3) for u in range(7) for c in "ab"]
    d = pd.DataFrame(rows, columns=["seed", "unit", "group", "column", "value"])
    got = group_difference(d, "unit", np.random.default_rng(0), 300)
    for c in "ab":
        m1, m0, diff, lo, hi = got[c]
        assert diff == pytest.approx(0.5) and m1 - m0 == pytest.approx(0.5)
        assert lo == pytest.approx(0.5) and hi == pytest.approx(0.5)  # no unit noise, seeds paired
