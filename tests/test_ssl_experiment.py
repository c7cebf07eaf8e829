"""The `self-supervised` experiment: label-free maps, the naming head on a given backbone, the
report's verdicts ("none reliably", chance) and a tiny end-to-end run in English and Japanese."""

import json

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from psysim.errors import ParameterError
from psysim.i18n import translator
from psysim.networks.ssl_maps import feature_norm_maps, similarity_maps
from psysim.networks.training import seeded_network
from psysim.report.ssl import verdict_lines
from psysim.saliency.metrics import other_fixations

torch.set_num_threads(1)


class _Identity(nn.Module):
    """A 'backbone' whose last feature map is its input."""

    def __init__(self):
        super().__init__()
        self.features = nn.Identity()


def test_feature_norm_map_is_the_channel_sum_of_squares():
    x = torch.zeros(1, 3, 4, 4)
    x[0, :, 1, 2] = torch.tensor([1.0, 2.0, 2.0])  # |a|^2 = 9, the maximum
    x[0, 0, 3, 0] = 1.5  # 2.25
    m = feature_norm_maps(_Identity(), x)
    assert m.shape == (1, 4, 4)
    assert m[0, 1, 2] == pytest.approx(1.0) and m[0, 3, 0] == pytest.approx(2.25 / 9)
    assert m[0, 0, 0] == 0.0
    # p = 1: sum of absolute values
    assert feature_norm_maps(_Identity(), -x, p=1)[0, 3, 0] == pytest.approx(1.5 / 5)
    # a constant feature map gives zeros, not NaN
    assert torch.equal(feature_norm_maps(_Identity(), torch.ones(2, 3, 5, 5)), torch.zeros(2, 5, 5))
    with pytest.raises(ParameterError, match="p must be > 0"):
        feature_norm_maps(_Identity(), x, p=0)
    with pytest.raises(ParameterError, match=r"\(N, C, H, W\)"):
        feature_norm_maps(_Identity(), x[0])


def test_maps_of_a_real_backbone_are_upsampled_and_leave_it_as_it_was():
    net = seeded_network("gapcnn", seed=0, channels=[8, 16], pool_after=[0], n_classes=2).train()
    x = torch.rand(2, 3, 32, 40, generator=torch.Generator().manual_seed(0))
    for fn in (feature_norm_maps, similarity_maps):
        m = fn(net, x, size=(50, 60))
        assert m.shape == (2, 50, 60) and m.min() >= 0 and m.max() == pytest.approx(1.0)
    assert net.training  # flags restored
    # the same direction everywhere: similarity 1 at every location -> a constant (zero) map
    assert torch.equal(similarity_maps(_Identity(), torch.ones(1, 3, 4, 4)), torch.zeros(1, 4, 4))


def test_naming_network_from_module_copies_and_freezes():
    from psysim.naming import naming_network_from_module

    bb = seeded_network("gapcnn", seed=1, channels=[8, 16], pool_after=[0], n_classes=5)
    before = {k: v.clone() for k, v in bb.state_dict().items()}
    m = naming_network_from_module(bb, ["cat", "dog", "cup"], "transfer", seed=3)
    assert m(torch.rand(2, 3, 24, 24)).shape == (2, 3)
    assert m.frozen and not any(p.requires_grad for p in m.backbone.parameters())
    assert all(torch.equal(before[k], v) for k, v in bb.state_dict().items()) and isinstance(bb.classifier, nn.Linear)
    again = naming_network_from_module(bb, ["cat", "dog", "cup"], "transfer", seed=3)
    assert torch.equal(again.head.weight, m.head.weight)
    with pytest.raises(ParameterError, match="at least 2 names"):
        naming_network_from_module(bb, ["cat"])
    with pytest.raises(ParameterError, match="needs features, pool and classifier"):
        naming_network_from_module(nn.Linear(2, 2), ["a", "b"])


def test_other_fixations_pools_the_other_images_by_relative_position():
    a, b = np.zeros((4, 4), bool), np.zeros((8, 8), bool)
    a[0, 0] = True
    b[7, 7] = True
    got = other_fixations([a, b], 0, (4, 4))
    assert got.sum() == 1 and got[3, 3]
    up = other_fixations([a, b], 1, (8, 8))  # pixel centre (0.5, 0.5) of 4 -> 1.0 of 8
    assert up.sum() == 1 and up[1, 1]


def _comparison(**kw):
    row = {"question": "fixations", "measure": "nss", "best": "simclr feature-norm", "runner_up": "byol feature-norm", "best_value": 0.4,
           "difference": 0.1, "ci_low": 0.02, "ci_high": 0.2, "best_at_chance": False, "all_at_chance": False, "vs": "centre-bias",
           "vs_difference": -0.3, "vs_ci_low": -0.5, "vs_ci_high": -0.1}
    return {**row, **kw}


def test_verdicts_say_none_reliably_and_at_chance():
    _ = translator("en")
    rows = pd.DataFrame([
        _comparison(),
        _comparison(ci_low=-0.05),
        _comparison(best_at_chance=True),
        _comparison(best_at_chance=True, all_at_chance=True),
        _comparison(question="naming transfer", measure="accuracy", vs="random", vs_difference=0.2, vs_ci_low=0.1, vs_ci_high=0.3),
    ])
    best, tie, chance, none, naming = verdict_lines(rows, _)
    assert "simclr feature-norm is best" in best and "[0.020, 0.200]" in best and "centre-bias" in best and "worse" in best
    assert "no backbone is reliably best" in tie
    assert "not reliably above chance: none predicts reliably" in chance
    assert "no network is above chance" in none and "none predicts reliably" in none
    assert naming.startswith("Naming accuracy, transfer") and "better" in naming
    ja = verdict_lines(rows, translator("ja"))
    assert "確実に最もよいバックボーンはない" in ja[1] and "どれも確実には予測しない" in ja[3]


@pytest.mark.slow
def test_quick_run_writes_tables_and_reports(tmp_path, data_dir):
    from psysim.cli import main
    from psysim.runs import execute, get_experiment

    opts = {"steps": "3", "objects": "4", "instances": "1", "displays": "1", "probe_instances": "1", "naming_epochs": "1",
            "finetune_epochs": "1", "n_images": "4", "fixation_side": "32", "pointing_displays": "1", "n_boot": "20", "size": "32"}
    opts["seeds"] = "2"
    out = execute(get_experiment("self-supervised"), out=tmp_path / "run", seed=2, quick=True, options=opts)
    for name in ("pretraining.csv", "probe.csv", "pictures.csv", "naming.csv", "naming_items.csv", "fixation_split.csv", "fixation_fit.csv",
                 "fixation_metrics.csv", "fixation_per_image.csv", "fixation_tests.csv", "pointing.csv", "comparisons.csv", "report.html",
                 "maps.png", "fixation_metrics.png", "pretraining_loss.png"):
        assert (out / name).is_file(), name
    probe = pd.read_csv(out / "probe.csv")
    assert set(probe["backbone"]) == {"simclr", "byol", "supervised", "random"} and probe["accuracy"].between(0, 1).all()
    assert (probe["n_seeds"] == 2).all() and (probe["ci_low"] <= probe["accuracy"]).all() and (probe["accuracy"] <= probe["ci_high"]).all()
    assert set(pd.read_csv(out / "pretraining.csv")["seed"]) == {0, 1}
    naming = pd.read_csv(out / "naming.csv")
    assert set(naming["regime"]) == {"transfer", "finetune"} and np.allclose(naming["chance"], 1 / 260)
    # half of the items (both versions of an item together) were unlabelled pretraining pictures
    pics = pd.read_csv(out / "pictures.csv")
    assert pics.groupby("item")["pretraining"].nunique().max() == 1 and pics.drop_duplicates("item")["pretraining"].sum() == 130
    items = pd.read_csv(out / "naming_items.csv")
    assert set(items["seed"]) == {0, 1} and items["pretraining"].any() and not items["pretraining"].all()
    # fixations: the protocol's split, one fit per map and seed, scores on test images only
    split = pd.read_csv(out / "fixation_split.csv")
    assert sorted(split["split"].value_counts().tolist()) == [2, 2]
    per = pd.read_csv(out / "fixation_per_image.csv")
    assert set(per["image"]) == set(split.loc[split["split"] == "test", "image"])
    fix = pd.read_csv(out / "fixation_metrics.csv")
    assert {"itti-koch", "centre-bias", "supervised grad-cam", "simclr feature-norm", "byol similarity"} <= set(fix["map"])
    assert (fix["n_images"] == 2).all() and {"ll_bits", "ll_bits_mixture", "nss"} <= set(fix["metric"])
    fits = pd.read_csv(out / "fixation_fit.csv")
    assert set(fits.loc[fits["map"] == "simclr similarity", "seed"]) == {0, 1}
    tests = pd.read_csv(out / "fixation_tests.csv")
    assert (tests["p_holm"].dropna() >= tests["p"].dropna() - 1e-12).all()
    comps = pd.read_csv(out / "comparisons.csv")
    assert set(comps["question"]) == {"fixations", "pointing", "naming transfer", "naming finetune"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Which backbone predicts best" in html and "What this cannot show" in html
    assert "Pretraining views of naming pictures" in html and "Holm-corrected" in html
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["settings"]["n_names"] == 260 and meta["options"]["steps"] == 3
    assert meta["pretraining_images"]["ledger_picture_views"] > 0
    # the Japanese report from the tables alone
    assert main(["report", str(out), "--lang", "ja"]) == 0
    ja = (out / "report.ja.html").read_text(encoding="utf-8")
    assert "どのバックボーンが最もよく予測するか" in ja and 'lang="ja"' in ja
    # an edited table is refused in one line by psysim report
    pd.read_csv(out / "probe.csv").drop(columns="chance").to_csv(out / "probe.csv", index=False)
    assert main(["report", str(out), "--lang", "ja"]) == 2
