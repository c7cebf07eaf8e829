"""Naming networks: one output per name, frozen backbone under transfer, held-out views."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from psysim.errors import OfflineError, ParameterError, PsysimError
from psysim.naming import (
    PictureSet,
    ViewLedger,
    augment_pictures,
    build_naming_network,
    evaluation_views,
    glyph_checkpoint,
    item_scores,
    logits_of,
    train_naming,
    training_views,
)


def tiny_set(n: int = 6, size: int = 20, colour_last: bool = True) -> PictureSet:
    """``n`` synthetic pictures: a black bar at a different angle each (white background)."""
    yy, xx = torch.meshgrid(torch.linspace(-1, 1, size), torch.linspace(-1, 1, size), indexing="ij")
    imgs = []
    for k in range(n):
        a = np.pi * k / n
        d = (xx * np.sin(a) - yy * np.cos(a)).abs()
        img = torch.where(d < 0.15, 0.0, 1.0).expand(3, size, size).clone()
        if colour_last and k == n - 1:
            img[0] = torch.where(d < 0.15, 0.9, 1.0)
        imgs.append(img)
    x = (torch.stack(imgs) * 255).round().to(torch.uint8)
    names = tuple(f"name{k}" for k in range(n))
    table = pd.DataFrame({"item": [f"{k:02d}" for k in range(n)], "name": names, "file": "", "version": "line"})
    colour = torch.zeros(n, dtype=torch.bool)
    colour[-1] = colour_last
    return PictureSet(table, x, names, torch.arange(n), colour, "test")


@pytest.mark.parametrize("backbone", ["psysim-glyphs", "psysim-random"])
def test_head_has_one_output_per_name(backbone):
    names = [f"n{i}" for i in range(7)]
    m = build_naming_network(backbone, names, "transfer", seed=1)
    assert m.head.out_features == 7 and m.names == tuple(names)
    out = logits_of(m, torch.rand(3, 3, 32, 32))
    assert out.shape == (3, 7)
    # the head is new: two seeds give two different heads but the same pretrained backbone
    m2 = build_naming_network(backbone, names, "transfer", seed=2)
    assert not torch.equal(m.head.weight, m2.head.weight)
    if backbone == "psysim-glyphs":
        for (k, v), (_, v2) in zip(m.backbone.state_dict().items(), m2.backbone.state_dict().items()):
            assert torch.equal(v, v2), k


def test_frozen_backbone_unchanged_under_transfer_and_changed_under_finetune():
    ps = tiny_set()
    m = build_naming_network("psysim-glyphs", ps.names, "transfer", seed=0)
    before = {k: v.clone() for k, v in m.backbone.state_dict().items()}  # weights and BN statistics
    head0 = m.head.weight.detach().clone()
    train_naming(m, ps, "transfer", epochs=2, views_per_picture=2, seed=0)
    after = m.backbone.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert not torch.equal(head0, m.head.weight)
    assert not any(p.requires_grad for p in m.backbone.parameters())

    f = build_naming_network("psysim-glyphs", ps.names, "finetune", seed=0)
    train_naming(f, ps, "finetune", epochs=1, views_per_picture=2, seed=0)
    changed = [k for k, v in f.backbone.state_dict().items() if not torch.equal(before[k], v)]
    assert any("weight" in k for k in changed) and any("running_mean" in k for k in changed)


def test_regime_mismatch_and_unknown_names():
    ps = tiny_set()
    m = build_naming_network("psysim-random", ps.names, "finetune")
    with pytest.raises(ParameterError, match="frozen backbone"):
        train_naming(m, ps, "transfer", epochs=1)
    with pytest.raises(ParameterError, match="unknown naming backbone"):
        build_naming_network("alexnet", ps.names)
    with pytest.raises(ParameterError, match="regime"):
        build_naming_network("psysim-random", ps.names, "scratch")


def test_torchvision_backbone_offline_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(OfflineError) as ei:
        build_naming_network("mnasnet1_0", ["a", "b"], "transfer")
    assert "\n" not in str(ei.value) and "mnasnet1_0" in str(ei.value)


def test_evaluation_views_never_equal_training_views():
    ps = tiny_set(n=5, size=16)
    ledger = ViewLedger()
    m = build_naming_network("psysim-random", ps.names, "finetune", seed=0)
    train_naming(m, ps, "finetune", epochs=3, views_per_picture=2, seed=0, ledger=ledger)
    assert ledger.n_views == 3 * 2 * 5
    ev = evaluation_views(ps, n_views=3, strengths=(0.7, 1.3), seed=99, ledger=ledger)
    assert len(ev.views) == 5 * 3 * 2 and ev.table["picture"].value_counts().eq(6).all()
    train = torch.cat([training_views(ps, 2, (0.4, 1.2), 0, e)[0] for e in range(3)])
    # pixel-exact comparison against every training view and every clean picture
    flat_e = ev.views.reshape(len(ev.views), -1)
    for ref in (train.reshape(len(train), -1), ps.tensor().reshape(len(ps), -1)):
        same = (flat_e[:, None, :] == ref[None, :, :]).all(-1)
        assert not same.any()
    # the check bites: views already in the ledger are refused
    ledger.add(ev.views)
    with pytest.raises(PsysimError, match="equal a training image"):
        evaluation_views(ps, n_views=3, strengths=(0.7, 1.3), seed=99, ledger=ledger)
    with pytest.raises(ParameterError, match="strengths must be > 0"):
        evaluation_views(ps, 1, (0.0,), seed=1)


def test_augmentation_invariants():
    ps = tiny_set(n=4, size=24)
    x = ps.tensor()
    g = lambda s: torch.Generator().manual_seed(s)  # noqa: E731
    assert torch.allclose(augment_pictures(x, g(0), 0.0), x, atol=1e-5)  # strength 0: the picture itself
    a, b = augment_pictures(x, g(1), 1.0, ps.is_colour), augment_pictures(x, g(1), 1.0, ps.is_colour)
    assert torch.equal(a, b)  # same seed, same views
    assert not torch.equal(a, augment_pictures(x, g(2), 1.0, ps.is_colour))
    grey = augment_pictures(x[:3], g(3), 1.5, torch.zeros(3, dtype=torch.bool))
    assert torch.allclose(grey[:, 0], grey[:, 1]) and torch.allclose(grey[:, 1], grey[:, 2])  # no colour jitter on grey pictures
    assert grey.min() >= 0 and grey.max() <= 1
    # paper stays paper: most of each view is near white, as in the picture
    assert ((grey > 0.8).float().mean() > 0.6).item()


def test_training_is_reproducible_and_learns():
    ps = tiny_set(n=4, size=16)
    runs = []
    for _ in range(2):
        m = build_naming_network("psysim-random", ps.names, "finetune", seed=3)
        h = train_naming(m, ps, "finetune", epochs=2, views_per_picture=4, seed=3, batch_size=8)
        runs.append((h, m.head.weight.detach().clone()))
    pd.testing.assert_frame_equal(runs[0][0], runs[1][0])
    assert torch.equal(runs[0][1], runs[1][1])
    ev = evaluation_views(ps, 2, (0.7,), seed=5)
    s = item_scores(logits_of(m, ev.views).numpy(), ev.table)
    assert len(s) == 4 and s["n_views"].eq(2).all() and s["p_correct"].between(0, 1).all()


def test_shipped_backbone_is_small_and_generated_only():
    from psysim.networks import load_checkpoint

    path = glyph_checkpoint()
    assert path.stat().st_size < 3e6
    _, info = load_checkpoint(path)
    assert "psysim-generated" in info["meta"]["trained_on"] and info["meta"]["script"] == "python -m psysim.naming.pretrain"


def test_lpft_keeps_batchnorm_statistics_and_learns_weights():
    ps = tiny_set()
    m = build_naming_network("psysim-glyphs", ps.names, "transfer", seed=0)
    train_naming(m, ps, "transfer", epochs=1, views_per_picture=2, seed=0)
    before = {k: v.clone() for k, v in m.backbone.state_dict().items()}
    m.unfreeze_backbone()
    train_naming(m, ps, "finetune", epochs=1, views_per_picture=2, seed=1)
    after = m.backbone.state_dict()
    stats = [k for k in before if "running_" in k]
    weights = [k for k in before if k.endswith("weight")]
    assert stats and all(torch.equal(before[k], after[k]) for k in stats)
    assert any(not torch.equal(before[k], after[k]) for k in weights)


def test_overlapping_evaluation_views_can_be_dropped():
    ps = tiny_set(n=3, size=16)
    ev = evaluation_views(ps, 2, (0.7,), seed=4)
    ledger = ViewLedger()
    ledger.add(ev.views[:2])
    ev2 = evaluation_views(ps, 2, (0.7,), seed=4, ledger=ledger, on_overlap="drop")
    assert ev2.n_dropped == 2 and len(ev2.views) == 4 and ev2.table["picture"].tolist() == [1, 1, 2, 2]
