"""Array kernels of the Itti-Koch model (:mod:`psysim.saliency.model`): colour channels, the
dyadic pyramid, Gabor energy, across-scale interpolation, local maxima and the normalisations.

Each works on the last two axes of an array of any leading shape (images x maps), so the model
computes a batch of images and all maps of a level in one call. The equations and the choices
the paper leaves open are in the docstring of :mod:`psysim.saliency.model`; the literal,
one-map-at-a-time versions are in :mod:`psysim.saliency.reference`.
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.fft
from scipy import ndimage

N_LEVELS = 9
CENTRE_LEVELS = (2, 3, 4)
DELTAS = (3, 4)
MAP_LEVEL = 4
ORIENTATIONS = (0.0, 45.0, 90.0, 135.0)
PYRAMID_KERNEL = np.array([1.0, 4.0, 6.0, 4.0, 1.0]) / 16.0
FEATURES = ("intensity", "rg", "by", "o0", "o45", "o90", "o135")
"""Feature channels in the order of the stacked feature-map arrays."""
CONSPICUITY = ("intensity", "colour", "orientation")
BATCH_PIXELS = 1 << 18
"""Pixels per internal chunk of a batch (see :meth:`IttiKoch._compute`)."""
LM_TOL = 1e-5
"""Values within ``LM_TOL * M`` of their largest neighbour count as local maxima in N(.): on the
flat plateaus of rendered displays the choice between tied pixels must not depend on rounding."""
FEATURE_RTOL = 1e-5
"""Centre-surround differences smaller than ``FEATURE_RTOL`` times the channel's image maximum
(max I for intensity and orientation, max |R-G|, max |B-Y| for colour) are rounding noise and
set to 0 in both implementations: otherwise N(.), which rescales every map to [0, M], would
stretch the float noise of a uniform region (a constant image) into a full-range map."""
COLOUR_EPS = 1e-6
"""Opponent-channel values smaller than this are rounding noise and set to 0 (both the fast and
the reference implementation)."""


def gabor_kernel(theta_deg: float, wavelength: float = 4.0, sigma: float = 2.0) -> np.ndarray:
    """Zero-mean complex Gabor kernel (float64 complex, odd square size).

    ``g(x, y) = exp(-(x^2 + y^2) / (2 sigma^2)) * (exp(i k (x cos t + y sin t)) - kappa) / Z``
    with ``k = 2 pi / wavelength`` (px), t the preferred bar orientation in degrees clockwise
    from vertical (y points down), kappa chosen so that the discrete kernel sums to exactly 0,
    ``Z`` the sum of the envelope. Truncated at ``ceil(3 sigma)`` px.
    """
    r = int(np.ceil(3.0 * sigma))
    y, x = np.mgrid[-r : r + 1, -r : r + 1].astype(np.float64)
    env = np.exp(-(x**2 + y**2) / (2.0 * sigma**2))
    t = np.deg2rad(theta_deg)
    carrier = np.exp(1j * (2.0 * np.pi / wavelength) * (x * np.cos(t) + y * np.sin(t)))
    kappa = (env * carrier).sum() / env.sum()
    return env * (carrier - kappa) / env.sum()


def level_shapes(height: int, width: int) -> list[tuple[int, int]]:
    """Sizes of the 9 pyramid levels of an image (each level keeps the even samples)."""
    shapes = [(int(height), int(width))]
    for _ in range(N_LEVELS - 1):
        h, w = shapes[-1]
        shapes.append(((h + 1) // 2, (w + 1) // 2))
    return shapes


# ----------------------------------------------------------------------------- array kernels
def _sym(i: int, n: int) -> int:
    """Index i of the half-sample symmetric extension of an axis of length n."""
    period = 2 * n
    i %= period
    return i if i < n else period - 1 - i


def _taps(xm: np.ndarray, start: int, k: int, out: np.ndarray | None = None) -> np.ndarray:
    """``sum_j w_j xm[start + 2 i + j]`` for i < k (axis 0), the binomial taps at every second
    sample, as ``w0 (x0 + x4) + w1 (x1 + x3) + w2 x2`` (one rounding order for every output)."""
    dt = xm.dtype.type
    stop = start + 2 * k - 1
    acc = np.add(xm[start:stop:2], xm[start + 4 : stop + 4 : 2], out=out)
    acc *= dt(1 / 16)
    t = xm[start + 1 : stop + 1 : 2] + xm[start + 3 : stop + 3 : 2]
    t *= dt(4 / 16)
    acc += t
    np.multiply(xm[start + 2 : stop + 2 : 2], dt(6 / 16), out=t)
    acc += t
    return acc


@functools.lru_cache(maxsize=1024)
def _border_taps(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Outputs of a reduced axis of length n whose taps leave the axis, and the half-sample
    symmetric input indices of their 5 taps (outputs x 5, flattened)."""
    m = (n + 1) // 2
    border = [i for i in range(m) if not 1 <= i <= (n - 3) // 2]
    idx = [_sym(2 * i + j - 2, n) for i in border for j in range(5)]
    return np.array(border, dtype=np.intp), np.array(idx, dtype=np.intp)


def _reduce_axis(x: np.ndarray, axis: int) -> np.ndarray:
    """Binomial [1 4 6 4 1]/16 blur along ``axis`` evaluated at the even samples only.

    Interior outputs are sums of strided slices of ``x`` (no padded copy of the array); the one
    or two outputs at each border gather their taps from the half-sample symmetric extension
    (one small copy) and sum them in the same order.
    """
    n = x.shape[axis]
    m = (n + 1) // 2
    shape = list(x.shape)
    shape[axis] = m
    out = np.empty(shape, dtype=x.dtype)
    lo, hi = 1, (n - 3) // 2  # outputs whose 5 taps lie inside the axis
    xm = np.moveaxis(x, axis, 0)
    om = np.moveaxis(out, axis, 0)
    if hi >= lo:
        _taps(xm, 0, hi - lo + 1, out=om[lo : hi + 1])
    border, idx = _border_taps(n)
    if len(border):
        om[border] = _border_sum(xm[idx], len(border))
    return out


def _border_sum(e: np.ndarray, nb: int) -> np.ndarray:
    """The taps of :func:`_taps` for ``nb`` outputs whose 5 inputs each are rows ``5 b + j`` of ``e``."""
    dt = e.dtype.type
    e = e.reshape((nb, 5) + e.shape[1:])
    acc = e[:, 0] + e[:, 4]
    acc *= dt(1 / 16)
    t = e[:, 1] + e[:, 3]
    t *= dt(4 / 16)
    acc += t
    np.multiply(e[:, 2], dt(6 / 16), out=t)
    acc += t
    return acc


def reduce(x: np.ndarray) -> np.ndarray:
    """One pyramid step on the last two axes: blur with [1 4 6 4 1]/16 and keep even samples."""
    return _reduce_axis(_reduce_axis(x, x.ndim - 2), x.ndim - 1)


@functools.lru_cache(maxsize=256)
def _lin_index(n_out: int, n_in: int, factor: int):
    pos = np.minimum(np.arange(n_out, dtype=np.float64) / factor, n_in - 1)
    i0 = np.floor(pos).astype(np.intp)
    i1 = np.minimum(i0 + 1, n_in - 1)
    return i0, i1, pos - i0


def upsample(x: np.ndarray, shape: tuple[int, int], factor: int) -> np.ndarray:
    """Bilinear interpolation of the last two axes to ``shape``; output pixel i reads input
    position ``i / factor`` (the pyramid's sample alignment), clamped at the far border."""
    i0, i1, w = _lin_index(shape[0], x.shape[-2], factor)
    w = w.astype(x.dtype)[:, None]
    a = x[..., i0, :]
    a += (x[..., i1, :] - a) * w
    j0, j1, v = _lin_index(shape[1], x.shape[-1], factor)
    b = a[..., j0]
    b += (a[..., j1] - b) * v.astype(x.dtype)
    return b


@functools.lru_cache(maxsize=64)
def _gabor_fft(shape: tuple[int, int], wavelength: float, sigma: float, dtype: str):
    """FFTs of the four Gabor kernels, centred at (0, 0) on a ``shape`` grid."""
    ks = []
    for theta in ORIENTATIONS:
        k = gabor_kernel(theta, wavelength, sigma)
        r = k.shape[0] // 2
        grid = np.zeros(shape, dtype=np.complex128)
        grid[: k.shape[0], : k.shape[1]] = k
        grid = np.roll(grid, (-r, -r), axis=(0, 1))
        ks.append(scipy.fft.fft2(grid))
    return np.stack(ks).astype(np.complex64 if dtype == "float32" else np.complex128)


def gabor_energy(x: np.ndarray, wavelength: float = 4.0, sigma: float = 2.0) -> np.ndarray:
    """|Gabor * x| for the four orientations: ``(..., H, W) -> (..., 4, H, W)``.

    Convolution by FFT on the image padded half-sample symmetrically by the kernel radius (plus
    zeros-free extra symmetric padding up to a fast FFT length), so that the cropped result is
    exactly the direct convolution with ``scipy.ndimage`` mode ``reflect``.
    """
    r = int(np.ceil(3.0 * sigma))
    h, w = x.shape[-2:]
    ph, pw = scipy.fft.next_fast_len(h + 2 * r), scipy.fft.next_fast_len(w + 2 * r)
    pad = [(0, 0)] * (x.ndim - 2) + [(r, ph - h - r), (r, pw - w - r)]
    p = np.pad(x, pad, mode="symmetric")
    spec = scipy.fft.fft2(p, workers=1)
    kf = _gabor_fft((ph, pw), float(wavelength), float(sigma), str(x.dtype))
    out = scipy.fft.ifft2(spec[..., None, :, :] * kf, workers=1)[..., r : r + h, r : r + w]
    return np.abs(out).astype(x.dtype, copy=False)


def local_maxima(maps: np.ndarray, tol: float = 0.0) -> np.ndarray:
    """Boolean mask of pixels not smaller than any of their 8 neighbours minus ``tol`` (last two
    axes); pixels beyond the border count as minus infinity."""
    pad = [(0, 0)] * (maps.ndim - 2) + [(1, 1), (1, 1)]
    p = np.pad(maps, pad, mode="constant", constant_values=-np.inf)
    rowmax = np.maximum(p[..., :, :-2], p[..., :, 2:])
    np.maximum(rowmax, p[..., :, 1:-1], out=rowmax)  # max over the 3 columns, all rows
    nb = np.maximum(rowmax[..., :-2, :], rowmax[..., 2:, :])
    np.maximum(nb, rowmax[..., 1:-1, :], out=nb)  # 3 x 3 neighbourhood maximum
    if tol:
        nb -= maps.dtype.type(tol)
    return maps >= nb


def _range01(maps: np.ndarray, top: float, span: np.ndarray | None = None) -> np.ndarray:
    axes = (-2, -1)
    mn = maps.min(axis=axes, keepdims=True)
    if span is None:
        span = maps.max(axis=axes, keepdims=True) - mn
    scale = np.where(span > 0, top / np.where(span > 0, span, 1), 0).astype(maps.dtype)
    out = maps - mn
    out *= scale
    return out


def maxnorm(maps: np.ndarray, top: float = 1.0, lm_threshold: float = 0.1, span: np.ndarray | None = None) -> np.ndarray:
    """The normalisation operator N(.) of Itti, Koch & Niebur (1998), per map on the last two axes.

    Scale to [0, top]; m-bar = mean of the local maxima (>= ``lm_threshold * top``) other than
    the global maximum (one instance removed; 0 when there is none); multiply by
    ``(top - m-bar)**2``.

    ``span`` (broadcastable to ``maps.shape[:-2] + (1, 1)``) replaces each map's own range in
    the scaling step, so that maps of one modality keep their relative amplitude (the on- and
    off-centre maps of :class:`IttiKoch` with ``on_off=True``); the weight is then
    ``(max - m-bar)**2`` with the map's own scaled maximum.
    """
    m = _range01(maps, top, span)
    lm = local_maxima(m, LM_TOL * top) & (m >= lm_threshold * top)
    axes = (-2, -1)
    count = lm.sum(axis=axes, keepdims=True)
    total = np.where(lm, m, 0).sum(axis=axes, keepdims=True, dtype=np.float64)
    others = count - 1
    gmax = m.max(axis=axes, keepdims=True).astype(np.float64)
    mbar = np.where(others > 0, (total - gmax) / np.maximum(others, 1), 0.0)
    m *= (((top if span is None else gmax) - mbar) ** 2).astype(m.dtype)
    return m


def dog_normalize(
    maps: np.ndarray,
    level: int,
    image_width: int,
    iterations: int = 10,
    sigma_ex: float = 0.02,
    sigma_inh: float = 0.25,
    c_ex: float = 0.5,
    c_inh: float = 1.5,
    c_const: float = 0.02,
    span: np.ndarray | None = None,
) -> np.ndarray:
    """Iterative DoG normalisation of Itti & Koch (2001), per map on the last two axes.

    Itti, L., & Koch, C. (2001). Feature combination strategies for saliency-based visual
    attention systems. Journal of Electronic Imaging, 10(1), 161-169. Each map is scaled to
    [0, 1] and then iterated ``M <- max(M + M * DoG - C_inh, 0)`` with
    ``DoG = c_ex^2 G(sigma_ex) - c_inh^2 G(sigma_inh)`` (unit-mass Gaussians), sigma_ex = 2 % and
    sigma_inh = 25 % of the input image width (divided by ``2**level`` on a level-``level`` map).
    Borders are zero (mode ``constant``): activity near an edge gets less inhibition, as in a
    cortical sheet that ends there. Costly: about 1 s for a 512 x 512 image with 10 iterations
    (the 25 % Gaussian is applied by FFT, :func:`gaussian_zero`). ``span`` as in
    :func:`maxnorm`.
    """
    m = _range01(maps, 1.0, span)
    s_ex = sigma_ex * image_width / 2**level
    s_in = sigma_inh * image_width / 2**level
    for _ in range(int(iterations)):
        ex = gaussian_zero(m, s_ex)
        inh = gaussian_zero(m, s_in)
        m = np.maximum(m + c_ex**2 * ex - c_inh**2 * inh - c_const, 0).astype(maps.dtype)
    return m


def _gauss_1d(x: np.ndarray, sigma: float, axis: int) -> np.ndarray:
    n = x.shape[axis]
    radius = int(3.0 * sigma + 0.5)  # scipy.ndimage.gaussian_filter(truncate=3) support
    t = np.arange(-radius, radius + 1, dtype=np.float64)
    w = np.exp(-0.5 * (t / sigma) ** 2)
    w /= w.sum()
    r = min(radius, n - 1)  # taps farther than the map is wide only ever meet the zero border
    w = w[radius - r : radius + r + 1]
    if r <= 16:
        return ndimage.correlate1d(x, w.astype(x.dtype), axis=axis, mode="constant")
    size = scipy.fft.next_fast_len(n + 2 * r, real=True)
    xf = scipy.fft.rfft(x, n=size, axis=axis, workers=1)
    k = np.zeros(size)
    k[: 2 * r + 1] = w
    kf = scipy.fft.rfft(np.roll(k, -r))  # kernel centred at 0; padding >= r keeps wrap-around out
    shape = [1] * x.ndim
    shape[axis] = -1
    y = scipy.fft.irfft(xf * kf.reshape(shape), n=size, axis=axis, workers=1)
    return np.take(y, np.arange(n), axis=axis).astype(x.dtype, copy=False)


def gaussian_zero(x: np.ndarray, sigma: float) -> np.ndarray:
    """Unit-mass Gaussian blur of the last two axes with zeros beyond the border; equal to
    ``scipy.ndimage.gaussian_filter(mode="constant", truncate=3)`` but by FFT for wide
    kernels (the 25 %-of-width inhibitory Gaussian of the DoG normalisation)."""
    return _gauss_1d(_gauss_1d(x, sigma, x.ndim - 2), sigma, x.ndim - 1)


def colour_channels(rgb: np.ndarray, imax: np.ndarray | None = None, out: np.ndarray | None = None) -> np.ndarray:
    """Intensity and the two opponent channels at full resolution (Itti et al. 1998, Sec. 2.1).

    Parameters
    ----------
    rgb : numpy.ndarray
        ``(B, 3, H, W)`` non-negative float planes (or any rows of them).
    imax : numpy.ndarray, optional
        ``(B, 1, 1)``: each image's maximum intensity, when ``rgb`` holds only some of its rows
        (the r, g, b normalisation is off where I <= imax / 10). Default: the maximum of ``rgb``.
    out : numpy.ndarray, optional
        Where to write the result (the shape of ``rgb``).

    Returns
    -------
    numpy.ndarray
        ``(B, 3, H, W)``: I, R - G, B - Y (R, G, B, Y clipped at zero before the differences).

    Notes
    -----
    With ``I = (r + g + b)/3`` and ``u = 1/I`` (0 where I <= max(I)/10) the paper's channels
    simplify exactly to ``R = 1.5 u max(r - I, 0)``, ``G = 1.5 u max(g - I, 0)``,
    ``B = 1.5 u max(b - I, 0)`` and ``Y = u max(min(r, g) - b, 0)`` (since ``u >= 0``), which
    saves most of the full-resolution passes; the reference implementation uses the
    paper's form.
    """
    dt = rgb.dtype.type
    r, g, b = rgb[:, 0], rgb[:, 1], rgb[:, 2]
    out = np.empty_like(rgb) if out is None else out
    inten, rg, by = out[:, 0], out[:, 1], out[:, 2]
    np.add(r, g, out=inten)
    inten += b
    inten *= dt(1.0 / 3.0)
    if imax is None:
        imax = inten.max(axis=(-2, -1), keepdims=True)
    thr = imax * dt(0.1)
    # u = 1 / I where I > thr, else 0 (thr floored at the smallest normal number, so that a black
    # image gives 0 * finite, not 0 * inf)
    u = np.maximum(inten, np.maximum(thr, np.finfo(dt).tiny))
    np.divide(dt(1.0), u, out=u)
    u *= inten > thr
    tmp = np.empty_like(inten)
    # R - G
    np.subtract(r, inten, out=rg)
    np.maximum(rg, dt(0), out=rg)
    np.subtract(g, inten, out=tmp)
    np.maximum(tmp, dt(0), out=tmp)
    rg -= tmp
    # B - Y
    np.subtract(b, inten, out=by)
    np.maximum(by, dt(0), out=by)
    by *= dt(1.5)
    np.minimum(r, g, out=tmp)
    tmp -= b
    np.maximum(tmp, dt(0), out=tmp)
    by -= tmp
    by *= u
    u *= dt(1.5)
    rg *= u
    # Rounding guard: the opponent channels are dimensionless O(1) numbers; |values| below
    # COLOUR_EPS are floating-point noise (e.g. Y of a pure red pixel), which N(.) would
    # otherwise stretch into a full-range map.
    opp = out[:, 1:]
    np.copyto(opp, dt(0), where=np.abs(opp) < COLOUR_EPS)
    return out


BLOCK_PIXELS = 1 << 15
"""Full-resolution pixels per row block of :func:`level1_channels` (all images of a batch chunk
together): small enough that a block's temporaries stay in the CPU's L2 cache and are reused
from the allocator's heap instead of fresh pages."""


def _sym_range(lo: int, hi: int, n: int) -> np.ndarray:
    """Indices lo..hi-1 of the half-sample symmetric extension of an axis of length n."""
    i = np.arange(lo, hi) % (2 * n)
    return np.where(i < n, i, 2 * n - 1 - i)


def level1_channels(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pyramid level 1 of :func:`colour_channels`, computed in row blocks.

    Equal to ``reduce(colour_channels(rgb))`` (to rounding), without the full-resolution
    channel planes: each block of level-1 rows is made from the input rows its taps need (two
    more on each side, mirrored at the borders), so the full-resolution work stays in cache and
    the memory of a call is about the input plus a quarter of it.

    Returns
    -------
    level1 : numpy.ndarray
        ``(B, 3, ceil(H/2), ceil(W/2))``: I, R-G, B-Y at level 1.
    peak : numpy.ndarray
        ``(B, 3)``: each channel's largest absolute value at full resolution (the scale of the
        rounding guard :data:`FEATURE_RTOL`).
    """
    B, _, H, W = rgb.shape
    dt = rgb.dtype.type
    m = (H + 1) // 2
    rows = max(1, BLOCK_PIXELS // (2 * W * B))  # level-1 rows per block
    # each image's maximum intensity: max((r + g + b) / 3) = max(r + g + b) / 3 (rounding is
    # monotone), from the sums of row blocks
    smax = np.full((B,), -np.inf, dtype=rgb.dtype)
    for a in range(0, H, 2 * rows):
        blk = rgb[:, :, a : a + 2 * rows]
        s = blk[:, 0] + blk[:, 1]
        s += blk[:, 2]
        np.maximum(smax, s.max(axis=(-2, -1)), out=smax)
    imax = (smax * dt(1.0 / 3.0))[:, None, None]
    level1 = np.empty((B, 3, m, (W + 1) // 2), dtype=rgb.dtype)
    peak = np.zeros((B, 3), dtype=rgb.dtype)
    buf = np.empty((B, 3, 2 * rows + 3, W), dtype=rgb.dtype)
    for i0 in range(0, m, rows):
        i1 = min(m, i0 + rows)
        lo, hi = 2 * i0 - 2, 2 * i1 + 1  # input rows of the taps of outputs i0..i1-1
        src = rgb[:, :, lo:hi] if lo >= 0 and hi <= H else rgb[:, :, _sym_range(lo, hi, H)]
        ch = colour_channels(src, imax, out=buf[:, :, : hi - lo])
        own = ch[:, :, max(0, -lo) : (hi - lo) - max(0, hi - H)]  # the block's own rows, once
        np.maximum(peak, own.max(axis=(-2, -1)), out=peak)
        np.maximum(peak[:, 1:], -own[:, 1:].min(axis=(-2, -1)), out=peak[:, 1:])
        half = _taps(np.moveaxis(ch, 2, 0), 0, i1 - i0)  # (rows, B, 3, W): the row taps
        level1[:, :, i0:i1] = np.moveaxis(_reduce_axis(half, half.ndim - 1), 0, 2)
    return level1, peak


@functools.lru_cache(maxsize=16)
def gabor_factors(wavelength: float = 4.0, sigma: float = 2.0):
    """The separable factors of :func:`gabor_kernel` for the four orientations.

    ``gabor_kernel(theta) = outer(ky, kx) - kappa * outer(g, g)`` (rows y, columns x), with
    ``kx = g(x) exp(i k x cos t) / Z``, ``ky = g(y) exp(i k y sin t)``, ``g`` the 1-D envelope
    and ``kappa`` the zero-mean constant divided by ``Z``. Returns ``kx, ky`` as (4, 2, T) real
    and imaginary taps, ``g`` (T,) and ``kappa`` (4, 2).
    """
    r = int(np.ceil(3.0 * sigma))
    t = np.arange(-r, r + 1, dtype=np.float64)
    g = np.exp(-(t**2) / (2.0 * sigma**2))
    z = g.sum() ** 2  # the 2-D envelope's sum
    k = 2.0 * np.pi / wavelength
    kx, ky, kappa = [], [], []
    for theta in ORIENTATIONS:
        a = np.deg2rad(theta)
        fx = g * np.exp(1j * k * t * np.cos(a)) / z
        fy = g * np.exp(1j * k * t * np.sin(a))
        kap = (np.outer(fy, fx)).sum() / g.sum() ** 2  # kernel sum 0: kappa * sum(env) / Z = sum(env * carrier) / Z
        kx.append([fx.real, fx.imag])
        ky.append([fy.real, fy.imag])
        kappa.append([kap.real, kap.imag])
    return np.array(kx), np.array(ky), g, np.array(kappa)
