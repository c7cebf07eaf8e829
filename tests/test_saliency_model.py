"""The Itti-Koch model: agreement with the literal reference, analytic cases, invariants."""

import numpy as np
import pytest
from scipy import ndimage

from psysim.displays import make_displays, render
from psysim.errors import ParameterError
from psysim.saliency import IttiKoch, saliency_map
from psysim.saliency.model import (
    colour_channels,
    dog_normalize,
    gabor_energy,
    gabor_kernel,
    gaussian_zero,
    level_shapes,
    maxnorm,
    reduce,
    upsample,
)
from psysim.saliency.reference import (
    ref_gabor,
    ref_interpolate,
    ref_N,
    ref_reduce,
    ref_saliency,
)


def _natural_like(seed=0, shape=(136, 184)):
    """Smooth coloured noise with a red square and a tilted bar: every channel is non-trivial."""
    rng = np.random.default_rng(seed)
    img = ndimage.gaussian_filter(rng.random(shape + (3,)), (4, 4, 0))
    img = (img - img.min()) / (img.max() - img.min())
    img[30:50, 40:60] = [0.95, 0.1, 0.1]
    yy, xx = np.mgrid[: shape[0], : shape[1]]
    bar = np.abs((xx - 130) * np.cos(0.7) + (yy - 90) * np.sin(0.7)) < 2
    bar &= np.hypot(xx - 130, yy - 90) < 15
    img[bar] = [0.2, 0.3, 0.9]
    return img


def _unit(m):
    return m / m.max()


@pytest.mark.parametrize("dtype,tol", [("float64", 1e-5), ("float32", 1e-5)])
def test_fast_model_matches_reference_on_a_natural_like_image(dtype, tol):
    img = _natural_like()
    fast = IttiKoch(dtype=dtype).compute(img)
    ref, ref_consp = ref_saliency(img)
    assert fast.saliency.shape == ref.shape == (9, 12)
    np.testing.assert_allclose(_unit(fast.saliency), _unit(ref), atol=tol)
    for name in ("intensity", "colour", "orientation"):
        np.testing.assert_allclose(_unit(fast.conspicuity[name]), _unit(ref_consp[name]), atol=tol)


@pytest.mark.parametrize("task", ["feature", "conjunction"])
def test_on_off_variant_matches_reference(task):
    img = _natural_like() if task == "conjunction" else None
    if img is None:
        ds = make_displays(tasks=(task,), set_sizes=(12,), n_per_cell=1, seed=5, target_present=(True,))
        img = render(ds, 0, size=256)
    fast = IttiKoch(dtype="float64", on_off=True).compute(img)
    ref, ref_consp = ref_saliency(img, on_off=True)
    np.testing.assert_allclose(_unit(fast.saliency), _unit(ref), atol=1e-5)
    for name in ("intensity", "colour", "orientation"):
        np.testing.assert_allclose(_unit(fast.conspicuity[name]), _unit(ref_consp[name]), atol=1e-5)
    # and it is a different model from the paper's
    assert np.abs(_unit(fast.saliency) - _unit(IttiKoch(dtype="float64").saliency_map(img))).max() > 1e-3


def test_maxnorm_with_a_shared_range():
    on = np.zeros((9, 9))
    on[4, 4] = 2.0  # single peak, half the shared range: scaled to 0.5, weight (0.5 - 0)^2
    np.testing.assert_allclose(maxnorm(on, span=np.array([[4.0]])), on / 4.0 * 0.25)
    off = np.zeros((9, 9))
    off[2, 2], off[6, 6] = 0.2, 0.1  # 0.05 and 0.025 of the range: below 10 %, no competitors
    np.testing.assert_allclose(maxnorm(off, span=np.array([[4.0]])), off / 4.0 * 0.05**2)
    np.testing.assert_allclose(ref_N(off, 1.0, 0.1, 4.0), maxnorm(off, span=np.array([[4.0]])))


def test_colour_conspicuity_peaks_on_the_red_singleton_at_a_resolving_size():
    """Red among green at 512 px (an item spans 2.7 map pixels): the colour conspicuity map
    peaks on the singleton on most displays, while the intensity and orientation maps, which
    respond to every bar alike, do not; the on/off variant's saliency map peaks on it always."""
    from psysim.models.saliency_readout import channel_peaks

    ds = make_displays(tasks=("feature",), set_sizes=(6, 12), n_per_cell=8, seed=11, target_present=(True,))
    peaks = channel_peaks(ds, size=512, normalizations=("maxnorm",)).set_index("map")
    assert peaks.loc["colour", "peak_on_target"] >= 0.8, peaks
    assert peaks.loc["colour", "target"] > peaks.loc["colour", "best_distractor"]
    for other in ("intensity", "orientation"):
        assert peaks.loc[other, "peak_on_target"] <= 0.5, peaks
    imgs = render(ds, size=512)
    up = IttiKoch(on_off=True).compute(imgs).upsampled()
    for k, did in enumerate(ds.displays["display_id"]):
        items = ds[did]
        y, x = np.unravel_index(np.argmax(up[k]), up[k].shape)
        assert items["is_target"].iloc[np.argmin(np.hypot(items["x"] * 512 - x, items["y"] * 512 - y))]


def test_fast_model_matches_reference_on_a_rendered_display():
    ds = make_displays(tasks=("conjunction",), set_sizes=(12,), n_per_cell=1, seed=3, target_present=(True,))
    img = render(ds, 0, size=256)
    fast = IttiKoch(dtype="float64").saliency_map(img)
    ref, _ = ref_saliency(img)
    np.testing.assert_allclose(_unit(fast), _unit(ref), atol=1e-5)


def test_building_blocks_match_reference():
    rng = np.random.default_rng(1)
    for shape in [(1, 1), (2, 3), (5, 8), (37, 50)]:
        x = rng.random(shape)
        np.testing.assert_allclose(reduce(x), ref_reduce(x), atol=1e-12)
        ori = gabor_energy(x)
        for k, theta in enumerate((0, 45, 90, 135)):
            np.testing.assert_allclose(ori[k], ref_gabor(x, theta, 4.0, 2.0), atol=1e-12)
    x = rng.random((5, 7))
    np.testing.assert_allclose(upsample(x, (20, 28), 4), ref_interpolate(x, (20, 28), 4), atol=1e-12)
    m = rng.random((20, 30))
    np.testing.assert_allclose(maxnorm(m), ref_N(m), atol=1e-12)


def test_level_shapes_and_map_size():
    assert level_shapes(480, 640)[4] == (30, 40)
    assert level_shapes(480, 640)[8] == (2, 3)
    img = np.zeros((100, 70, 3))
    img[40:60, 30:40] = 1
    assert saliency_map(img).shape == (7, 5)


def test_pyramid_kernel_preserves_a_constant():
    x = np.full((9, 13), 2.5)
    np.testing.assert_allclose(reduce(x), 2.5)


def test_colour_channels_by_hand():
    # pixels: pure red, yellow, white, nearly black (below a tenth of the max intensity)
    rgb = np.array([[[1.0, 0, 0], [1.0, 1.0, 0], [1.0, 1.0, 1.0], [0.05, 0.0, 0.0]]])
    out = colour_channels(np.moveaxis(rgb[None], -1, 1))[0]
    np.testing.assert_allclose(out[0, 0], [1 / 3, 2 / 3, 1.0, 0.05 / 3])
    # red: r' = 3 -> R = 3, G = 0 (clipped), B = 0, Y = 0
    # yellow: r' = g' = 1.5 -> R = G = 0.75, B = 0, Y = 1.5
    # white: r' = g' = b' = 1 -> all channels 0; dark pixel: normalisation off -> 0
    np.testing.assert_allclose(out[1, 0], [3.0, 0.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(out[2, 0], [0.0, -1.5, 0.0, 0.0], atol=1e-12)


def test_maxnorm_analytic_cases():
    m = np.zeros((9, 9))
    m[4, 4] = 3.0  # a single peak: scaled to 1, m-bar = 0, factor 1
    np.testing.assert_allclose(maxnorm(m), m / 3.0)
    two = np.zeros((9, 9))
    two[2, 2] = two[6, 6] = 1.0  # two equal peaks: m-bar = M, the map is suppressed to 0
    np.testing.assert_allclose(maxnorm(two), 0.0)
    unequal = np.zeros((9, 9))
    unequal[2, 2], unequal[6, 6] = 1.0, 0.5  # factor (1 - 0.5)^2
    np.testing.assert_allclose(maxnorm(unequal), unequal * 0.25)
    low = unequal.copy()
    low[6, 6] = 0.05  # below the 10 % threshold: not a competitor
    np.testing.assert_allclose(maxnorm(low), low)
    np.testing.assert_allclose(maxnorm(np.full((5, 5), 7.0)), 0.0)  # constant -> 0


def test_dog_normalization_favours_a_unique_peak():
    one = np.zeros((32, 32))
    one[16, 16] = 1.0
    many = np.zeros((32, 32))
    many[4::6, 4::6] = 1.0
    a = dog_normalize(ndimage.gaussian_filter(one, 1.0), level=4, image_width=512, iterations=5)
    b = dog_normalize(ndimage.gaussian_filter(many, 1.0), level=4, image_width=512, iterations=5)
    assert a.max() > 0
    assert a.max() > 1.3 * b.max()  # measured 1.85 vs 1.30 after 5 iterations


def test_fft_gaussian_equals_scipy_with_zero_border():
    rng = np.random.default_rng(4)
    for shape, sigma in [((2, 40, 50), 0.7), ((1, 128, 96), 32.0), ((1, 8, 10), 30.0)]:
        x = rng.random(shape)
        expected = ndimage.gaussian_filter(x, (0, sigma, sigma), mode="constant", truncate=3.0)
        np.testing.assert_allclose(gaussian_zero(x, sigma), expected, atol=1e-12)


def test_gabor_kernel_is_zero_mean_and_oriented():
    for theta in (0, 45, 90, 135):
        assert abs(gabor_kernel(theta).sum()) < 1e-12
    xx = np.arange(64)[None, :] * np.ones((64, 1))
    vertical_grating = np.cos(2 * np.pi * xx / 4.0)  # stripes are vertical
    e = gabor_energy(vertical_grating)[:, 20:44, 20:44].mean(axis=(1, 2))
    assert e[0] > 10 * e[2]  # 0 deg (vertical) >> 90 deg (horizontal)


def test_orientation_singleton_is_the_maximum():
    ds = make_displays(tasks=("orientation",), set_sizes=(12,), n_per_cell=5, seed=7, target_present=(True,))
    imgs = render(ds, size=512)
    up = IttiKoch().compute(imgs).upsampled()
    for k, did in enumerate(ds.displays["display_id"]):
        items = ds[did]
        y, x = np.unravel_index(np.argmax(up[k]), up[k].shape)
        nearest = np.argmin(np.hypot(items["x"] * 512 - x, items["y"] * 512 - y))
        assert items["is_target"].iloc[nearest]


def test_batch_list_and_single_agree():
    a, b = _natural_like(1), _natural_like(2)
    c = _natural_like(3, shape=(96, 128))
    model = IttiKoch()
    batch = model.saliency_map(np.stack([a, b]))
    listed = model.saliency_map([a, c, b])
    np.testing.assert_allclose(batch[0], model.saliency_map(a), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(listed[2], batch[1], rtol=1e-6, atol=1e-9)
    assert listed[1].shape == (6, 8)


def test_gain_and_bit_depth_invariance():
    img = _natural_like()
    u8 = np.round(img * 255).astype(np.uint8)
    model = IttiKoch(dtype="float64")
    ref = model.saliency_map(u8)
    np.testing.assert_allclose(model.saliency_map(u8.astype(np.uint16) * 257), ref, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(model.saliency_map(u8.astype(float)), ref, rtol=1e-9, atol=1e-12)
    rgba = np.concatenate([u8, np.full(u8.shape[:2] + (1,), 255, np.uint8)], axis=-1)
    np.testing.assert_allclose(model.saliency_map(rgba), ref, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "image",
    [np.full((64, 64), 0.5), np.full((64, 80, 3), [0.9, 0.1, 0.1]), np.full((48, 48, 3), 200, np.uint8)],
)
def test_uniform_image_has_zero_saliency(image):
    # no centre-surround difference anywhere: rounding noise must not be stretched by N(.)
    assert IttiKoch().saliency_map(image).max() == 0
    assert ref_saliency(image)[0].max() == 0


def test_grey_image_has_no_colour_conspicuity():
    grey = _natural_like()[..., 0]
    res = IttiKoch().compute(grey)
    assert np.all(res.conspicuity["colour"] == 0)
    assert res.saliency.max() > 0


def test_bad_parameters():
    img = _natural_like()
    with pytest.raises(ParameterError, match="normalization"):
        IttiKoch(normalization="softmax").saliency_map(img)
    with pytest.raises(ParameterError, match="dtype"):
        IttiKoch(dtype="int8").saliency_map(img)
    with pytest.raises(ParameterError, match="on_off"):
        IttiKoch(on_off="yes").saliency_map(img)
