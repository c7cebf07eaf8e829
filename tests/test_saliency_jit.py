"""The compiled kernels (psysim.saliency.jit) against the numpy kernels, and both against the
model's outputs before the speed-up (tests/data/saliency_d8886b5.npz, made by
tests/data/make_saliency_fixture.py with the numpy model of commit d8886b5)."""

from pathlib import Path

import numpy as np
import pytest
from test_saliency_model import _natural_like

from psysim.displays import make_displays, render
from psysim.saliency import IttiKoch, jit
from psysim.saliency import model as model_module
from psysim.saliency.kernels import ORIENTATIONS, gabor_energy, gabor_factors, gabor_kernel

FIXTURE = Path(__file__).parent / "data" / "saliency_d8886b5.npz"


def _images():
    ds = make_displays(tasks=("feature", "conjunction"), set_sizes=(6, 18), n_per_cell=1, seed=5, target_present=(True,))
    return {"natural": _natural_like(0, (481, 643)), "small": _natural_like(1, (37, 45)), "displays": render(ds, size=256)}


@pytest.fixture(params=[False, True], ids=["numpy", "compiled"])
def compiled(request, monkeypatch):
    if request.param and not jit.AVAILABLE:
        pytest.skip("numba is not installed (or PSYSIM_NO_JIT is set)")
    monkeypatch.setattr(model_module, "JIT", request.param)
    return request.param


def test_outputs_equal_the_previous_implementation(compiled):
    before = np.load(FIXTURE)
    checked = 0
    for name, img in _images().items():
        for on_off in (False, True):
            for dtype in ("float32", "float64"):
                res = IttiKoch(on_off=on_off, dtype=dtype).compute(img)
                key = f"{name}_{'onoff' if on_off else 'paper'}_{dtype}"
                for part, got in {"S": res.saliency, **res.conspicuity}.items():
                    if f"{key}_{part}" not in before:
                        continue
                    want = before[f"{key}_{part}"]
                    assert got.shape == want.shape and got.dtype == want.dtype
                    # float32 arithmetic in another order: agreement to float32 rounding
                    tol = 1e-5 if dtype == "float32" else 1e-9
                    np.testing.assert_allclose(got, want, rtol=0, atol=tol * np.abs(want).max(), err_msg=f"{key} {part}")
                    checked += 1
    assert checked == len(before.files)


@pytest.mark.skipif(not jit.AVAILABLE, reason="numba is not installed")
def test_compiled_kernels_equal_numpy_kernels():
    rng = np.random.default_rng(2)
    kx, ky, g, kappa = gabor_factors()
    for k, theta in enumerate(ORIENTATIONS):  # the factors rebuild the 2-D kernel
        full = np.outer(ky[k, 0] + 1j * ky[k, 1], kx[k, 0] + 1j * kx[k, 1]) - complex(*kappa[k]) * np.outer(g, g)
        np.testing.assert_allclose(full, gabor_kernel(theta), atol=1e-15)
    for shape in [(1, 1), (2, 3), (5, 8), (37, 50)]:  # kernels wider than the map included
        x = rng.random((3,) + shape)
        out = np.empty((3, 4) + shape)
        jit.gabor_planes(x, kx, ky, g, kappa, out)
        np.testing.assert_allclose(out, gabor_energy(x), atol=1e-12)
        red = np.empty((3, (shape[0] + 1) // 2, (shape[1] + 1) // 2))
        jit.reduce_planes(x, red)
        from psysim.saliency.kernels import maxnorm, reduce

        np.testing.assert_allclose(red, reduce(x), atol=1e-12)
        nm = np.empty_like(x)
        jit.maxnorm_planes(x, 1.0, 0.1, 1e-5, np.full(3, -1.0), nm)
        np.testing.assert_allclose(nm, maxnorm(x), atol=1e-12)


def test_black_and_uniform_images_have_zero_saliency(compiled):
    for img in (np.zeros((64, 80, 3)), np.full((64, 80, 3), 0.4)):
        assert not IttiKoch().saliency_map(img).any()


@pytest.mark.skipif(not jit.AVAILABLE, reason="numba is not installed")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_8bit_images_are_read_in_place_with_the_same_result(dtype):
    # the compiled path reads an 8-bit (H, W, 3) image or batch as it is and scales it as
    # as_rgb does: the maps are the same bits as those of the float image
    from psysim.saliency.image import as_rgb, rgb8_image

    rng = np.random.default_rng(4)
    img = (rng.random((70, 90, 3)) ** 2 * 255).astype(np.uint8)
    assert rgb8_image(img) is not None and rgb8_image(img.astype(float)) is None
    for on_off in (False, True):
        model = IttiKoch(dtype=dtype, on_off=on_off)
        a, b = model.compute(img), model.compute(as_rgb(img, dtype=dtype))
        assert a.saliency.dtype == np.dtype(dtype)
        assert np.array_equal(a.saliency, b.saliency)
        for k in a.conspicuity:
            assert np.array_equal(a.conspicuity[k], b.conspicuity[k])
    batch = np.stack([img, img[::-1]])
    np.testing.assert_array_equal(IttiKoch().saliency_map(batch)[1], IttiKoch().saliency_map(img[::-1].copy()))
    with pytest.raises(Exception, match="saliency model"):
        IttiKoch().saliency_map(np.zeros((8, 8, 3), np.uint8))
