"""Networks, backbones, data, training and checkpoints."""

import numpy as np
import pytest
import torch

from psysim.errors import OfflineError, ParameterError, PsysimError
from psysim.networks import (
    BACKBONES,
    GapCNN,
    MBConvNet,
    augment,
    build_network,
    centre_logits,
    class_activation_maps,
    count_parameters,
    evaluate,
    item_crops,
    load_backbone,
    load_checkpoint,
    make_search_images,
    pointing_game,
    predict,
    save_checkpoint,
    seeded_network,
    shipped_checkpoint,
    target_box_array,
    train_network,
    weights_path,
)

torch.set_num_threads(1)


def test_networks_output_logits_and_share_the_cam_layout():
    x = torch.rand(2, 3, 64, 64)
    for model in (GapCNN(), MBConvNet(width=0.5), MBConvNet(n_classes=5)):
        out = model.eval()(x)
        assert out.shape == (2, model.config["n_classes"])
        assert isinstance(model.classifier, torch.nn.Linear)
        assert model.features(x).shape[1] == model.classifier.in_features


def test_gapcnn_stride_follows_pooling():
    x = torch.rand(1, 3, 64, 64)
    assert GapCNN(pool_after=()).features(x).shape[-1] == 64
    assert GapCNN(channels=(4, 4, 4), pool_after=(0, 2)).features(x).shape[-1] == 16
    assert GapCNN(channels=(4, 4), pool_after=(1,), stem=4).features(x).shape[-1] == 8  # 4 * 2 ** 1


def _receptive_field(model, size=64) -> int:
    """Width (px) of the input region that the centre unit of the last map depends on (SiLU:
    no unit is cut off by a zero gradient)."""
    x = torch.rand(1, 3, size, size, requires_grad=True)
    y = model.eval().features(x)
    y[0, :, y.shape[-2] // 2, y.shape[-1] // 2].sum().backward()
    cols = torch.nonzero(x.grad[0].abs().sum((0, 1)) > 0)
    return int(cols.max() - cols.min() + 1)


def test_gapcnn_stem_and_dilation_set_the_receptive_field():
    # 3x3 convolutions with dilations 1 and 3: 1 + 2 * 1 + 2 * 3 = 9 px
    assert _receptive_field(GapCNN(channels=(2, 2), pool_after=(), dilation=(1, 3), activation="silu")) == 9
    # a 4x4 stride-4 stem, then a 3x3 convolution with dilation 2 on the 4 px grid: 4 + 2 * 2 * 4 = 20 px
    assert _receptive_field(GapCNN(channels=(2, 2), pool_after=(), stem=4, dilation=(1, 2), activation="silu")) == 20
    with pytest.raises(PsysimError, match="dilation"):
        GapCNN(channels=(2, 2), dilation=(1,))
    with pytest.raises(PsysimError, match="stem"):
        GapCNN(channels=(2,), pool_after=(), stem=0)


def test_mbconv_width_and_depth_multipliers():
    base = MBConvNet()
    wide, deep = MBConvNet(width=2.0), MBConvNet(depth=2.0)
    assert count_parameters(wide) > 2.5 * count_parameters(base)
    n_blocks = [sum(len(stage) for stage in m.features[1:-1]) for m in (base, deep, MBConvNet(depth=0.5))]
    repeats = [s[2] for s in base.config["stages"]]
    assert n_blocks == [sum(repeats), 2 * sum(repeats), sum(int(np.ceil(r / 2)) for r in repeats)]
    assert wide.classifier.in_features == 2 * base.classifier.in_features
    # squeeze-and-excitation is present and can be switched off
    names = [type(m).__name__ for m in base.modules()]
    assert "SqueezeExcite" in names
    assert "SqueezeExcite" not in [type(m).__name__ for m in MBConvNet(se_ratio=0).modules()]


def test_bad_network_settings():
    with pytest.raises(ParameterError, match="unknown network"):
        build_network("vgg")
    with pytest.raises(ParameterError, match="width and depth"):
        MBConvNet(width=0)
    with pytest.raises(ParameterError, match="activation"):
        GapCNN(activation="tanh")
    with pytest.raises(ParameterError, match="bad configuration"):
        build_network("gapcnn", colour=3)


def test_seeded_network_is_reproducible():
    a, b, c = (seeded_network("mbconv", seed=s, width=0.5) for s in (1, 1, 2))
    assert all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values()))
    assert not torch.equal(a.classifier.weight, c.classifier.weight)


def test_backbone_missing_weights_is_one_line_offline_error(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.hub, "_hub_dir", str(tmp_path))
    path, url = weights_path("resnet18")
    assert path.parent == tmp_path / "checkpoints" and url.startswith("https://") and url.endswith(path.name)
    with pytest.raises(OfflineError) as err:
        load_backbone("resnet18")
    msg = str(err.value)
    assert "\n" not in msg and str(path) in msg and url in msg
    with pytest.raises(ParameterError, match="unknown backbone"):
        load_backbone("alexnet")


def test_backbone_loads_from_local_cache_and_replaces_head(tmp_path, monkeypatch):
    import torchvision

    monkeypatch.setattr(torch.hub, "_hub_dir", str(tmp_path))
    path, _ = weights_path("resnet18")
    path.parent.mkdir(parents=True)
    torch.manual_seed(0)
    ref = torchvision.models.resnet18()
    torch.save(ref.state_dict(), path)
    model = load_backbone("resnet18")
    assert torch.equal(model.conv1.weight, ref.conv1.weight) and not model.training
    assert (model.cam_layer, model.cam_fc) == BACKBONES["resnet18"]
    two = load_backbone("resnet18", n_classes=2)
    assert two.fc.out_features == 2
    res = class_activation_maps(two, torch.rand(2, 3, 64, 64), target=[0, 1], method="cam")
    assert res.raw.shape == (2, 2, 2)
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(PsysimError, match="not valid resnet18 weights"):
        load_backbone("resnet18")


def test_untrained_backbones_have_named_cam_layers():
    model = load_backbone("mnasnet1_0", pretrained=False, n_classes=2)
    assert model.get_submodule("classifier.1").out_features == 2
    res = class_activation_maps(model, torch.rand(1, 3, 64, 64), method="cam")
    assert res.maps.shape == (1, 64, 64)


def test_augment_keeps_range_is_seeded_and_shifts():
    x = torch.zeros(3, 3, 20, 20)
    x[:, :, 9:11, 9:11] = 1.0
    g1, g2 = torch.Generator().manual_seed(0), torch.Generator().manual_seed(0)
    a, b = augment(x, g1), augment(x, g2)
    assert torch.equal(a, b) and a.shape == x.shape and a.min() >= 0 and a.max() <= 1
    shifted = augment(x, torch.Generator().manual_seed(1), shift=3, noise=0, contrast=0)
    assert torch.allclose(shifted.sum((1, 2, 3)), x.sum((1, 2, 3)))  # moved, not cut
    assert torch.equal(augment(x, torch.Generator(), shift=0, noise=0, contrast=0), x)


def test_search_images_and_boxes_line_up():
    data = make_search_images(("feature",), (4,), n_per_cell=3, size=48, seed=0)
    assert data.images.shape == (6, 3, 48, 48) and data.images.dtype == torch.uint8
    assert data.labels.tolist() == data.table["target_present"].astype(int).tolist()
    present = data.subset(data.table["target_present"].to_numpy())
    boxes = target_box_array(present.displays, present.table["display_id"], 48)
    img16 = present.images.to(torch.int16)
    red = img16[:, 0] - img16[:, 1] > 40  # the red target's pixels
    for img, (x0, y0, x1, y1) in zip(red, boxes):
        ys, xs = torch.nonzero(img, as_tuple=True)
        assert x0 <= xs.min() and xs.max() < x1 and y0 <= ys.min() and ys.max() < y1
    with pytest.raises(PsysimError, match="has no target"):
        target_box_array(data.displays, data.table["display_id"], 48)


def _tiny_data(seed):
    return make_search_images(("feature",), (2, 4), n_per_cell=8, size=24, seed=seed)


def test_training_is_seeded_and_learns_feature_search(tmp_path):
    train, val = _tiny_data(1), _tiny_data(2)
    runs = []
    for _ in range(2):
        model = seeded_network("gapcnn", seed=0, channels=(8, 8), pool_after=(0,))
        res = train_network(model, train, val, epochs=4, batch_size=16, lr=1e-2, augmentation={}, seed=0,
                            checkpoint=tmp_path / "best.pt", progress=False)
        runs.append(model)
    assert torch.equal(runs[0].classifier.weight, runs[1].classifier.weight)
    h = res.history
    assert list(h.columns) == ["epoch", "train_loss", "train_acc", "val_loss", "val_acc"]
    assert h["train_loss"].iloc[-1] < h["train_loss"].iloc[0]
    saved, info = load_checkpoint(tmp_path / "best.pt")
    assert info["meta"]["epoch"] == res.best_epoch
    x = train.tensor()
    torch.testing.assert_close(saved(x), runs[1].eval()(x))


def test_early_stopping_when_validation_does_not_improve():
    model = seeded_network("gapcnn", seed=0, channels=(4,), pool_after=())
    res = train_network(model, _tiny_data(1), _tiny_data(2), epochs=10, lr=0.0, patience=2, seed=0, progress=False)
    assert res.stopped_early and len(res.history) == 3 and res.best_epoch == 0


def test_min_delta_ends_training_that_improves_only_a_little():
    model = seeded_network("gapcnn", seed=0, channels=(4,), pool_after=())
    res = train_network(model, _tiny_data(1), _tiny_data(2), epochs=10, lr=1e-2, patience=2, min_delta=10.0, seed=0,
                        progress=False, recalibrate_bn=8)
    assert res.stopped_early and len(res.history) == 3 and res.best_epoch == 0


def test_spread_keeps_evenly_spaced_images():
    from psysim.networks.training import _spread

    data = _tiny_data(1)  # 32 images
    assert _spread(data, True) is data and _spread(data, 100) is data
    part = _spread(data, 4)
    assert part.table["display_id"].tolist() == data.table["display_id"].iloc[[0, 10, 21, 31]].tolist()


def test_predict_temperature_and_evaluate():
    model = seeded_network("gapcnn", seed=1, channels=(4,), pool_after=())
    model.train()
    x = torch.rand(5, 3, 16, 16)
    p1, p5 = predict(model, x), predict(model, x, temperature=5.0)
    assert model.training  # mode restored
    assert torch.equal(p1.argmax(1), p5.argmax(1))
    assert (p5.max(1).values <= p1.max(1).values + 1e-6).all()
    torch.testing.assert_close(p1.sum(1), torch.ones(5))
    with pytest.raises(PsysimError, match="temperature"):
        predict(model, x, temperature=0)
    ev = evaluate(model, _tiny_data(3), noise=0.1)
    assert {"display_id", "set_size", "p_present", "response", "correct", "confidence"} <= set(ev.columns)
    assert (ev["confidence"] >= 0.5).all()


def test_checkpoint_round_trip_and_bad_files(tmp_path):
    model = seeded_network("mbconv", seed=2, width=0.5)
    path = save_checkpoint(tmp_path / "m.pt", model, {"image_size": [32, 32]})
    loaded, info = load_checkpoint(path)
    x = torch.rand(2, 3, 32, 32)
    torch.testing.assert_close(loaded(x), model.eval()(x))
    assert info["meta"]["image_size"] == [32, 32] and info["classes"] == ["absent", "present"]
    assert list(tmp_path.iterdir()) == [path]  # no temporary files left
    with pytest.raises(PsysimError, match="not found"):
        load_checkpoint(tmp_path / "none.pt")
    (tmp_path / "bad.pt").write_text("hello")
    with pytest.raises(PsysimError, match="not a readable checkpoint"):
        load_checkpoint(tmp_path / "bad.pt")
    torch.save({"a": torch.zeros(1)}, tmp_path / "other.pt")
    with pytest.raises(PsysimError, match="not a psysim network checkpoint"):
        load_checkpoint(tmp_path / "other.pt")
    with pytest.raises(PsysimError, match="only psysim networks"):
        save_checkpoint(tmp_path / "x.pt", torch.nn.Linear(2, 2))


def test_shipped_checkpoint_is_small_and_points_at_feature_targets():
    """The issue's bar: pointing game >= 0.9 on held-out feature displays (seed never used in
    training: the training script uses seeds 1-3)."""
    path = shipped_checkpoint()
    assert path.stat().st_size < 2 * 1024 * 1024
    model, info = load_checkpoint(path)
    size = info["meta"]["image_size"][0]
    data = make_search_images(("feature",), (3, 12, 24), n_per_cell=15, size=size, seed=9001)
    assert evaluate(model, data)["correct"].mean() >= 0.9
    present = data.subset(data.table["target_present"].to_numpy())
    boxes = target_box_array(present.displays, present.table["display_id"], size)
    for method in ("cam", "gradcam"):
        maps = class_activation_maps(model, present.tensor(), target=1, method=method).maps
        assert pointing_game(maps, boxes).mean() >= 0.9


def test_item_crops_hold_the_target_exactly_when_labelled_present():
    data = make_search_images(("feature",), (6,), n_per_cell=4, size=96, seed=4)
    crops = item_crops(data, 12, per_display=3, jitter=1, seed=0)
    assert crops.images.shape == (24, 3, 12, 12) and crops.labels.sum() == 12
    img16 = crops.images.to(torch.int16)
    red = (img16[:, 0] - img16[:, 1] > 100).flatten(1).any(1)  # the red target; distractors are green
    green = (img16[:, 1] - img16[:, 0] > 100).flatten(1).any(1)
    assert torch.equal(red, crops.labels.bool())
    assert green[crops.labels == 0].all()  # an absent crop is centred on a distractor
    centre = img16[:, :, 4:8, 4:8].sum((1, 2, 3)) > 0  # every crop is centred on an item (bar: 8 x 2 px)
    assert centre.all()
    again = item_crops(data, 12, per_display=3, jitter=1, seed=0)
    assert torch.equal(again.images, crops.images)


def test_centre_logits_keeps_the_answers_and_centres_the_classifier():
    model = seeded_network("gapcnn", seed=3, channels=(4,), pool_after=())
    with torch.no_grad():
        model.classifier.bias += torch.tensor([2.0, -1.0])
    x = torch.rand(6, 3, 16, 16)
    before = predict(model, x)
    w_diff = (model.classifier.weight[1] - model.classifier.weight[0]).clone()
    centre_logits(model)
    torch.testing.assert_close(predict(model, x), before)
    torch.testing.assert_close(model.classifier.weight[1], w_diff / 2)  # class 1 = half the logit difference
    assert abs(model.classifier.bias.sum().item()) < 1e-6
