"""Image loading and the one-line errors for malformed images."""

import numpy as np
import pytest
from PIL import Image

from psysim.errors import PsysimError
from psysim.saliency import IttiKoch, as_rgb, load_image


@pytest.fixture
def rgb8():
    rng = np.random.default_rng(0)
    return (rng.random((64, 80, 3)) * 255).astype(np.uint8)


def test_formats_load_to_float_rgb(tmp_path, rgb8):
    Image.fromarray(rgb8).save(tmp_path / "a.png")
    Image.fromarray(rgb8[..., 0]).save(tmp_path / "grey.png")
    Image.fromarray(np.dstack([rgb8, np.full(rgb8.shape[:2], 255, np.uint8)])).save(tmp_path / "rgba.png")
    Image.fromarray(rgb8[..., 0].astype(np.uint16) * 257).save(tmp_path / "g16.png")
    Image.fromarray(rgb8[..., 0].astype(np.float32) / 255).save(tmp_path / "f.tif")
    np.save(tmp_path / "a.npy", rgb8.astype(np.float64) / 255)
    a = load_image(tmp_path / "a.png")
    assert a.shape == (64, 80, 3) and a.dtype == np.float32
    np.testing.assert_allclose(a, rgb8 / 255, atol=1e-6)
    np.testing.assert_allclose(load_image(tmp_path / "rgba.png"), a, atol=1e-6)
    np.testing.assert_allclose(load_image(tmp_path / "a.npy"), a, atol=1e-6)
    grey = load_image(tmp_path / "grey.png")
    np.testing.assert_allclose(grey[..., 1], rgb8[..., 0] / 255, atol=1e-6)
    np.testing.assert_allclose(load_image(tmp_path / "g16.png"), grey, atol=1e-6)
    np.testing.assert_allclose(load_image(tmp_path / "f.tif"), grey, atol=1e-6)


def test_rgba_is_composited_over_black():
    img = np.zeros((40, 40, 4))
    img[..., 0] = 1.0
    img[..., 3] = 0.5
    img[:, :20, 3] = 1.0
    out = as_rgb(img)
    assert out[0, 0, 0] == 1.0 and out[0, 30, 0] == 0.5


def test_truncated_file(tmp_path, rgb8):
    Image.fromarray(rgb8).save(tmp_path / "a.png")
    data = (tmp_path / "a.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    Image.fromarray(rgb8).save(tmp_path / "a.jpg")
    data = (tmp_path / "a.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    for name in ("cut.png", "cut.jpg"):
        with pytest.raises(PsysimError, match=rf"{name}: corrupt or truncated"):
            load_image(tmp_path / name)


def test_zero_size_missing_and_not_an_image(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(PsysimError, match="empty.png: file is empty"):
        load_image(tmp_path / "empty.png")
    with pytest.raises(PsysimError, match="file not found"):
        load_image(tmp_path / "nope.png")
    (tmp_path / "text.png").write_text("hello")
    with pytest.raises(PsysimError, match="not an image"):
        load_image(tmp_path / "text.png")
    with pytest.raises(PsysimError, match="empty"):
        as_rgb(np.zeros((0, 10, 3)))


def test_tiny_images(tmp_path):
    Image.fromarray(np.zeros((1, 1, 3), np.uint8)).save(tmp_path / "dot.png")
    with pytest.raises(PsysimError, match=r"dot.png: image is 1x1 px; .* at least 32 px"):
        load_image(tmp_path / "dot.png")
    with pytest.raises(PsysimError, match="1x1 px"):
        IttiKoch().saliency_map(np.zeros((1, 1)))
    with pytest.raises(PsysimError, match="100x20 px"):
        IttiKoch().saliency_map(np.zeros((20, 100, 3)))


def test_nan_inf_negative_and_bad_layouts():
    img = np.ones((40, 50, 3))
    img[5, 7, 1] = np.nan
    with pytest.raises(PsysimError, match=r"NaN or infinite values \(first at index \(5, 7, 1\)\)"):
        IttiKoch().saliency_map(img)
    img[5, 7, 1] = np.inf
    with pytest.raises(PsysimError, match="NaN or infinite"):
        as_rgb(img)
    with pytest.raises(PsysimError, match="negative"):
        as_rgb(-np.ones((40, 40)))
    with pytest.raises(PsysimError, match="2 channels"):
        as_rgb(np.ones((2, 40, 40, 2)))
    with pytest.raises(PsysimError, match="dtype"):
        as_rgb(np.ones((40, 40), dtype=complex))
    with pytest.raises(PsysimError, match=r"image\[1\]"):
        IttiKoch().saliency_map([np.ones((40, 40)), np.full((40, 40), np.nan)])


def test_batch_of_grey_images_and_rendered_display():
    from psysim.displays import make_displays, render

    grey_batch = np.random.default_rng(0).random((2, 40, 48))
    assert as_rgb(grey_batch).shape == (2, 40, 48, 3)
    ds = make_displays(tasks=("feature",), set_sizes=(6,), n_per_cell=2, seed=0)
    maps = IttiKoch().saliency_map(render(ds, size=128))
    assert maps.shape == (4, 8, 8) and np.isfinite(maps).all()
