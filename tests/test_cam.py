"""CAM and Grad-CAM: exact maps on hand-set networks, batching, hooks, modes, torchcam."""

import pytest
import torch
from torch import nn

from psysim.errors import PsysimError
from psysim.networks import (
    GapCNN,
    MBConvNet,
    class_activation_maps,
    n_hooks,
    randomised_copy,
    seeded_network,
)

torch.set_num_threads(1)

W_FC = torch.tensor([[2.0, -1.0], [-1.0, 3.0]])
B_FC = torch.tensor([0.5, -0.5])


class TwoChannel(nn.Module):
    """1x1 conv copying the R and G channels, in-place ReLU, GAP, linear W_FC: maps known exactly."""

    def __init__(self):
        super().__init__()
        conv = nn.Conv2d(3, 2, 1, bias=False)
        with torch.no_grad():
            conv.weight.zero_()
            conv.weight[0, 0] = 1.0
            conv.weight[1, 1] = 1.0
        self.features = nn.Sequential(conv, nn.ReLU(inplace=True))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(2, 2)
        with torch.no_grad():
            self.classifier.weight.copy_(W_FC)
            self.classifier.bias.copy_(B_FC)

    def forward(self, x):
        return self.classifier(self.pool(self.features(x)).flatten(1))


def images(n=3, h=6, w=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand((n, 3, h, w), generator=g) * 2 - 1  # negatives, so the ReLU matters


def test_cam_exact_on_hand_set_network():
    x = images()
    t = [0, 1, 1]
    res = class_activation_maps(TwoChannel(), x, target=t, method="cam")
    f = x[:, :2].clamp(min=0)  # the ReLU'd feature maps
    expected = torch.stack([(W_FC[c][:, None, None] * f[i]).sum(0) for i, c in enumerate(t)])
    torch.testing.assert_close(res.raw, expected)
    # Zhou et al. (2016): the class score is the mean of its CAM plus the bias
    torch.testing.assert_close(res.scores.gather(1, torch.tensor(t)[:, None])[:, 0], expected.mean((1, 2)) + B_FC[t])
    assert res.maps.shape == (3, 6, 5)
    assert float(res.maps.min()) == 0.0 and float(res.maps.amax((1, 2)).min()) == pytest.approx(1.0)


def test_gradcam_is_relu_cam_over_hw_on_gap_linear():
    x = images(4, 7, 9, seed=1)
    model = TwoChannel()
    for target in (0, 1, [1, 0, 0, 1]):
        cam = class_activation_maps(model, x, target=target, method="cam")
        grad = class_activation_maps(model, x, target=target, method="gradcam")
        torch.testing.assert_close(grad.raw, cam.raw.clamp(min=0) / (7 * 9))


def test_gradcam_exact_before_in_place_relu():
    """At the convolution, whose output an in-place ReLU then overwrites, Grad-CAM must use the
    pre-ReLU activations A and the gradient w_k 1[A > 0] / (h w) (Selvaraju et al. 2017, Eq. 1)."""
    x = images(3, 6, 6, seed=2)
    t = torch.tensor([0, 1, 0])
    res = class_activation_maps(TwoChannel(), x, target=t, method="gradcam", layer="features.0")
    a = x[:, :2]  # pre-ReLU activations, with negatives
    alpha = W_FC[t] * (a > 0).float().mean((2, 3)) / 36  # mean_ij of w_k 1[A > 0] / (h w)
    expected = (alpha[:, :, None, None] * a).sum(1).clamp(min=0)
    torch.testing.assert_close(res.raw, expected)
    # the post-ReLU activations would give a different map: the test can tell them apart
    wrong = (alpha[:, :, None, None] * a.clamp(min=0)).sum(1).clamp(min=0)
    assert not torch.allclose(wrong, expected)


@pytest.mark.parametrize("method", ["cam", "gradcam"])
def test_batched_equals_one_at_a_time_with_per_image_targets(method):
    model = seeded_network("mbconv", seed=3, width=0.5)
    x = torch.rand((5, 3, 48, 48), generator=torch.Generator().manual_seed(3))
    t = [1, 0, 0, 1, 1]
    batch = class_activation_maps(model, x, target=t, method=method)
    for i in range(5):
        one = class_activation_maps(model, x[i], target=t[i], method=method)
        torch.testing.assert_close(one.raw[0], batch.raw[i], atol=1e-5, rtol=1e-4)
        torch.testing.assert_close(one.maps[0], batch.maps[i], atol=1e-5, rtol=1e-4)
    assert batch.targets.tolist() == t
    # nothing returned keeps an autograd graph alive
    assert all(v.grad_fn is None and not v.requires_grad for v in (batch.raw, batch.maps, batch.scores))


def test_default_target_is_predicted_class():
    model = seeded_network("gapcnn", seed=4, channels=(4, 4))
    x = torch.rand((6, 3, 16, 16), generator=torch.Generator().manual_seed(4))
    res = class_activation_maps(model, x)
    assert res.targets.tolist() == res.scores.argmax(1).tolist()


def _modes(model):
    return [m.training for m in model.modules()]


def test_hooks_removed_and_modes_restored_even_on_errors():
    model = seeded_network("mbconv", seed=5, width=0.5)
    model.train()
    model.features[2].eval()  # mixed modes must come back exactly
    before = _modes(model)
    x = torch.rand((2, 3, 32, 32))
    for method in ("cam", "gradcam"):
        class_activation_maps(model, x, target=[0, 1], method=method)
        assert n_hooks(model) == 0 and _modes(model) == before
        with pytest.raises(PsysimError, match="outside"):
            class_activation_maps(model, x, target=[0, 7], method=method)
        assert n_hooks(model) == 0 and _modes(model) == before
    assert all(p.grad is None for p in model.parameters())


def test_exception_inside_forward_leaves_model_clean():
    class Boom(nn.Module):
        def forward(self, x):
            raise RuntimeError("boom")

    model = GapCNN(channels=(4,), pool_after=())
    model.features.append(Boom())
    model.train()
    with pytest.raises(RuntimeError, match="boom"):
        class_activation_maps(model, torch.rand(1, 3, 8, 8), layer="features.0")
    assert n_hooks(model) == 0 and model.training and all(_modes(model))


def test_frozen_model_still_gets_gradcam():
    model = TwoChannel().requires_grad_(False)
    x = images()
    res = class_activation_maps(model, x, target=1)
    torch.testing.assert_close(res.raw, class_activation_maps(model, x, target=1, method="cam").raw.clamp(min=0) / 30)


def test_bad_inputs_are_one_line_errors():
    model = TwoChannel()
    x = images()
    with pytest.raises(PsysimError, match="did you mean features"):
        class_activation_maps(model, x, layer="featurs")
    with pytest.raises(PsysimError, match="unknown CAM method"):
        class_activation_maps(model, x, method="scorecam")
    with pytest.raises(PsysimError, match="3 entries for a batch of 3|2 entries for a batch of 3"):
        class_activation_maps(model, x, target=[0, 1])
    with pytest.raises(PsysimError, match="floating-point"):
        class_activation_maps(model, (x * 100).to(torch.uint8))
    with pytest.raises(PsysimError, match="channels"):
        class_activation_maps(MBConvNet(width=0.5), torch.rand(1, 3, 32, 32), layer="features.1", method="cam")


def test_layer_running_twice_is_refused():
    class Twice(TwoChannel):
        def forward(self, x):
            self.features(x)
            return super().forward(x)

    with pytest.raises(PsysimError, match="runs 2 times"):
        class_activation_maps(Twice(), images(), layer="features")


def test_model_randomisation_changes_map():
    """Adebayo et al. (2018): randomising the trained weights must change the explanation."""
    x = images(4, 8, 8, seed=6)
    model = TwoChannel()
    for method in ("cam", "gradcam"):
        base = class_activation_maps(model, x, target=1, method=method).maps
        rand = randomised_copy(model, ["classifier"], seed=1)
        changed = class_activation_maps(rand, x, target=1, method=method).maps
        assert (base - changed).abs().max() > 0.2
    # the original is untouched, and the same seed gives the same copy
    torch.testing.assert_close(model.classifier.weight.detach(), W_FC)
    a, b = randomised_copy(model, seed=2), randomised_copy(model, seed=2)
    torch.testing.assert_close(a.classifier.weight, b.classifier.weight)


@pytest.mark.parametrize("method", ["cam", "gradcam"])
def test_agrees_with_torchcam(method):
    torchcam = pytest.importorskip("torchcam.methods")
    model = seeded_network("mbconv", seed=7, width=0.5).eval()
    x = torch.rand((4, 3, 64, 64), generator=torch.Generator().manual_seed(7))
    t = [0, 1, 1, 0]
    ours = class_activation_maps(model, x, target=t, method=method)
    if method == "cam":
        extractor = torchcam.CAM(model, "features", "classifier", input_shape=(3, 64, 64))
    else:
        extractor = torchcam.GradCAM(model, "features", input_shape=(3, 64, 64))
    with extractor:
        scores = model(x)
        theirs = extractor(class_idx=t, scores=scores, normalized=False)[0]
    torch.testing.assert_close(ours.raw, theirs.detach(), atol=1e-5, rtol=1e-4)


def _hand_set_patchify(tap=(1, 1)):
    """The experiment's GapCNN layout (4 px patchify stem, 3x3 convolutions with dilations 1, 2,
    4), one channel: the stem sums the red channel of each 4 x 4 patch, batch norm is the
    identity, each 3x3 convolution passes one tap ``tap`` (row, column; (1, 1) is the centre)."""
    net = GapCNN(channels=(1, 1, 1, 1), pool_after=(), n_classes=2, stem=4, dilation=(1, 1, 2, 4))
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.zero_(), m.running_var.fill_(1.0 - m.eps), m.weight.fill_(1.0), m.bias.zero_()
            elif isinstance(m, nn.Conv2d):
                m.weight.zero_()
                if m.kernel_size == (4, 4):
                    m.weight[0, 0] = 1.0
                else:
                    m.weight[0, 0, tap[0], tap[1]] = 1.0
        net.classifier.weight.copy_(torch.tensor([[0.0], [1.0]]))
        net.classifier.bias.zero_()
    return net


@pytest.mark.parametrize("method", ["cam", "gradcam"])
def test_stride_4_stem_cam_peaks_in_the_patch_that_holds_the_pixel(method):
    """A lone red pixel at (y, x) falls in stem cell (y // 4, x // 4), which covers image pixels
    [4i, 4i + 4); upsampled (bilinear, half-pixel centres) the map's maximum lies in that patch:
    no shift from the stride, the dilated convolutions' padding or the upsampling."""
    net = _hand_set_patchify()
    for y, x in [(0, 0), (17, 42), (45, 30), (63, 63), (33, 4)]:
        img = torch.zeros(1, 3, 64, 64)
        img[0, 0, y, x] = 1.0
        m = class_activation_maps(net, img, target=1, method=method).maps[0]
        i, j = divmod(int(m.argmax()), 64)
        assert (i // 4, j // 4) == (y // 4, x // 4)
        if 0 < y // 4 < 15 and 0 < x // 4 < 15:  # inside: the cell's value sits at its centre, 4i + 1.5
            ci, cj = 4 * (y // 4) + 1, 4 * (x // 4) + 1
            assert torch.equal(m[ci:ci + 2, cj:cj + 2], torch.ones(2, 2))


def test_an_off_centre_tap_moves_the_cam_by_the_dilations():
    """CAM shows where the last map's evidence lies, not where the item is: when each dilated
    3x3 convolution passes its left-hand tap (1, 0), a unit reads the cell d to its left, so the
    evidence of a pixel in cell j appears at cell j + 1 + 2 + 4 = j + 7, i.e. 28 px to the right.
    This is why a trained network's CAM can peak beside the target (the receptive field of the
    experiment's CAM layer is 60 px, the item about 24 px at 288 px)."""
    net = _hand_set_patchify(tap=(1, 0))
    img = torch.zeros(1, 3, 64, 64)
    img[0, 0, 30, 9] = 1.0
    raw = class_activation_maps(net, img, target=1, method="cam").raw[0]
    i, j = divmod(int(raw.argmax()), raw.shape[1])
    assert (i, j) == (30 // 4, 9 // 4 + 7)
