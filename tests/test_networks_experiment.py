"""The `cnn-search` experiment: its network learns, its chance flag, noise calibration, slopes, and a tiny run."""

import numpy as np
import pandas as pd
import pytest
import torch

from psysim.networks import (
    evaluate,
    make_search_images,
    seeded_network,
)
from psysim.runs import execute, get_experiment

cnn = get_experiment("cnn-search")


def test_the_experiments_network_learns_feature_search_in_seconds():
    """The experiment's own GapCNN configuration and training recipe, on 128 small feature
    displays, is far above chance (0.5) on fresh ones."""
    torch.set_num_threads(1)
    size = 96
    train = make_search_images(("feature",), (3, 6, 12, 18), 16, size, seed=11)
    val = make_search_images(("feature",), (3, 6, 12, 18), 6, size, seed=12)
    test = make_search_images(("feature",), (3, 6, 12, 18), 12, size, seed=13)
    model = seeded_network("gapcnn", seed=0, **cnn.NETWORKS["gapcnn"])
    settings = {"pretrain_epochs": 2, "epochs": 6, "patience": 2}
    res, first, hist = cnn.train_search_network(model, train, val, settings, seed_of=lambda *key: len(key), task="feature")
    assert list(dict.fromkeys(hist["condition"])) == ["items", "full"] and len(res.history) >= 1
    ev = evaluate(model, test)
    assert ev["correct"].mean() >= 0.9
    assert not cnn.chance_test(ev)["at_chance"].item()


def test_the_experiments_network_cam_points_near_the_feature_target():
    """With the undilated convolution last, the trained network's CAM peaks on the target on
    most held-out feature displays at 192 px (item box 16 px). With the dilation-4 convolution
    last (the former layout, dilations 1, 1, 2, 4) the same training gave 0.02: the evidence of
    the target also lies 16 px to either side of it."""
    from psysim.networks import class_activation_maps, pointing_game, target_box_array

    torch.set_num_threads(1)
    size = 192
    assert cnn.NETWORKS["gapcnn"]["dilation"][-1] == 1
    train = make_search_images(("feature",), (3, 6, 12, 18), 16, size, seed=11)
    val = make_search_images(("feature",), (3, 6, 12, 18), 6, size, seed=12)
    test = make_search_images(("feature",), (3, 6, 12, 18), 12, size, seed=13)
    model = seeded_network("gapcnn", seed=0, **cnn.NETWORKS["gapcnn"])
    settings = {"pretrain_epochs": 2, "epochs": 6, "patience": 2}
    cnn.train_search_network(model, train, val, settings, seed_of=lambda *key: len(key), task="feature")
    assert evaluate(model, test)["correct"].mean() >= 0.9
    present = test.subset(test.table["target_present"].to_numpy())
    boxes = target_box_array(present.displays, present.table["display_id"], size)
    maps = class_activation_maps(model, present.tensor(), target=1, method="cam").maps
    assert pointing_game(maps, boxes).mean() >= 0.5


def test_chance_test_is_the_one_sided_binomial_test():
    def ev(k, n=100):
        return pd.DataFrame({"correct": [True] * k + [False] * (n - k), "set_size": [3, 18] * (n // 2)})

    # P(X >= 60 | n = 100, p = .5) = 0.0284; P(X >= 55) = 0.184
    r60, r55 = cnn.chance_test(ev(60)).iloc[0], cnn.chance_test(ev(55)).iloc[0]
    assert r60["p_value"] == pytest.approx(0.0284, abs=5e-4) and not r60["at_chance"]
    assert r55["p_value"] == pytest.approx(0.184, abs=5e-3) and r55["at_chance"]
    assert r60["accuracy"] == 0.6 and r60["n"] == 100
    assert cnn.chance_test(ev(50))["at_chance"].item()  # "always absent" on balanced displays


class _Redness(torch.nn.Module):
    """Answers "present" when the reddest pixel (R - G) passes a threshold: perfect on clean
    feature displays, fooled by pixel noise."""

    def forward(self, x):
        score = (x[:, 0] - x[:, 1]).flatten(1).max(1).values
        return torch.stack([torch.zeros_like(score), 40 * (score - 0.4)], 1)


def test_calibrate_noise_finds_the_sd_that_gives_the_target_accuracy():
    data = make_search_images(("feature",), (3,), 20, 96, seed=5)
    model = _Redness()
    assert evaluate(model, data)["correct"].mean() == 1.0
    sd = cnn.calibrate_noise(model, data, target=0.75, seed=1, steps=10)
    assert 0 < sd < 1
    accuracy = [evaluate(model, data, noise=v, seed=1)["correct"].mean() for v in (sd - 0.02, sd + 0.02)]
    assert accuracy[0] >= 0.75 - 0.05 and accuracy[1] <= 0.75 + 0.05 and accuracy[0] > accuracy[1]
    assert cnn.calibrate_noise(model, data, target=1.0, seed=1) == 0.0  # clean accuracy already at the target


def test_slope_interval_covers_the_true_slope_and_shrinks_with_n():
    rng = np.random.default_rng(0)
    x = np.array([3, 6, 12, 18])
    rate = 0.1 + 0.01 * x  # errors rise by 1 %/item
    wide = cnn.slope_interval(x, np.rint(rate * 100), np.full(4, 100), rng)
    narrow = cnn.slope_interval(x, np.rint(rate * 100_000), np.full(4, 100_000), rng)
    assert wide[0] < 0.01 < wide[1] and narrow[0] < 0.01 < narrow[1]
    assert narrow[1] - narrow[0] < 0.1 * (wide[1] - wide[0])
    assert cnn.slope_interval(x, np.zeros(4), np.full(4, 50), rng) == (0.0, 0.0)


def test_stroke_width_is_resolved_at_the_default_size():
    size = next(o.default for o in cnn.OPTIONS if o.name == "image_size")
    assert cnn.stroke_width(size) >= 2.0  # pixels; 128 px gave about 1 px
    assert cnn.stroke_width(128) == pytest.approx(0.98, abs=0.01)


@pytest.mark.slow
def test_tiny_run_flags_untrained_networks_and_rerenders(tmp_path):
    """Spatial search at 32 px (strokes a quarter pixel wide) on two displays per cell cannot be
    learned: every network is flagged at chance, in every table and in the report."""
    options = {"tasks": "spatial", "n_per_cell": "2", "n_test": "4", "epochs": "1", "image_size": "32", "threads": "1"}
    out = execute(cnn, out=tmp_path / "run", seed=3, quick=True, options=options)
    nets = pd.read_csv(out / "networks.csv")
    assert set(nets["network"]) == {"gapcnn-full", "gapcnn-limited", "gapcnn-noisy"}
    assert (nets["at_chance"] == (nets["p_value"] >= 0.05)).all()
    assert nets["at_chance"].all()
    loc = pd.read_csv(out / "localisation.csv")
    assert set(loc["network"]) == {"gapcnn-full", "gapcnn-limited", "itti-koch"}
    assert loc["value"].between(0, 1).all()
    assert (loc["at_chance"] == (loc["network"] != "itti-koch")).all()
    effect = pd.read_csv(out / "set_size_effect.csv")
    assert (effect["at_chance"] == effect["source"].str.startswith("gapcnn")).all()
    assert "wolfe2010" in set(effect["source"])
    html = (out / "report.html").read_text()
    assert html.count("network at chance: statistic not interpretable") >= len(nets)
    assert "Spearman" not in html
    again = cnn.report(out, out=tmp_path / "again.html")
    assert again.read_text().count("network at chance") == html.count("network at chance")
    ja = cnn.report(out, lang="ja", out=tmp_path / "ja.html").read_text()
    assert ja.count("ネットワークがチャンス水準：この統計量は解釈できない") == html.count("network at chance: statistic not interpretable")
