"""The Itti, Koch & Niebur (1998) saliency model, vectorised over images and maps.

Itti, L., Koch, C., & Niebur, E. (1998). A model of saliency-based visual attention for rapid
scene analysis. IEEE Transactions on Pattern Analysis and Machine Intelligence, 20(11),
1254-1259. Equation numbers below refer to that paper.

The computation, as the paper defines it:

1. **Channels** at full resolution (Eq. 1-4 context): intensity ``I = (r + g + b) / 3``; r, g, b
   divided by I where I exceeds a tenth of its image maximum (zero elsewhere); broadly tuned
   ``R = r - (g + b)/2``, ``G = g - (r + b)/2``, ``B = b - (r + g)/2``,
   ``Y = (r + g)/2 - |r - g|/2 - b``, negative values set to zero.
2. **Dyadic Gaussian pyramids** with 9 levels (scale 0 = image, scale 8 = 1/256): each level is
   the previous one low-pass filtered with the 5-tap binomial kernel [1 4 6 4 1]/16 (Burt &
   Adelson 1983) and sub-sampled by two, keeping the even samples. Borders are
   half-sample symmetric (``scipy.ndimage`` mode ``reflect``).
3. **Orientation** ``O(sigma, theta)``: magnitude of a zero-mean complex Gabor filter (wavelength
   4 px, Gaussian envelope sigma 2 px at every level) applied to ``I(sigma)``, theta = 0, 45, 90,
   135 degrees, clockwise from vertical (0 deg prefers vertical bars, like psysim's displays).
4. **Centre-surround** (Eq. 1-4): centre scales c in {2, 3, 4}, surround s = c + delta, delta in
   {3, 4}; the surround level is interpolated to the centre level (bilinear, level-s pixel j
   sits at level-c pixel ``j * 2**(s-c)``, clamped at the far border) and subtracted point by
   point: ``I(c,s) = |I(c) - I(s)|``, ``RG(c,s) = |(R-G)(c) - (R-G)(s)|``,
   ``BY(c,s) = |(B-Y)(c) - (B-Y)(s)|``, ``O(c,s,theta) = |O(c,theta) - O(s,theta)|``:
   6 + 12 + 24 = 42 feature maps.
5. **Normalisation** ``N(.)`` (Section 2.2): scale each map to [0, M]; find the global maximum M
   and the mean m-bar of its *other* local maxima; multiply the map by ``(M - m-bar)**2``.
   Optionally the iterative difference-of-Gaussians normalisation of Itti & Koch (2001).
6. **Conspicuity maps** at scale 4 (Eq. 5-7), across-scale addition reducing each map to scale 4
   with the pyramid filter: ``Ibar = (+) N(I(c,s))``, ``Cbar = (+) [N(RG(c,s)) + N(BY(c,s))]``,
   ``Obar = sum_theta N((+) N(O(c,s,theta)))``; **saliency** (Eq. 8)
   ``S = (N(Ibar) + N(Cbar) + N(Obar)) / 3``.

Where this deviates from the paper or chooses what it leaves open
---------------------------------------------------------------
* **Colour double opponency.** Eq. 4 as printed reads ``|(R(c) - G(c)) (-) (G(s) - R(s))|``;
  taken literally with (-) as subtraction that is the *sum* ``|(R-G)(c) + (R-G)(s)|``, which
  responds to a uniform red field and is no centre-surround operator. The paper's text describes
  double-opponent cells (centre excited by red and inhibited by green, the converse in the
  surround), i.e. ``(R-G)(c) - (R-G)(s)``; we compute that, as iNVT and the SaliencyToolbox do.
* **On- and off-centre cells (option ``on_off``, off by default).** The paper merges the two
  signs of every intensity and colour centre-surround difference in one map ``|d|``, so a red
  bar and a green bar both excite the R-G map (with psysim's colours, not equally: the red
  one more), and the singleton's colour peak is diluted in S by the intensity and orientation
  maps, which have a peak at every item (``psysim run saliency-popout`` measures both; at 512 px
  the paper's map puts the red singleton first on about two thirds of feature displays).
  ``on_off=True`` keeps ``max(d, 0)`` and ``max(-d, 0)`` apart, as VOCUS does (Frintrop 2005);
  see :class:`IttiKoch`.
* **Gabor pyramid.** The paper takes orientation from Greenspan et al.'s (1994) oriented pyramid
  (Laplacian levels modulated by oriented carriers). We filter the Gaussian levels with a complex
  Gabor whose DC response is removed exactly, which gives the same band-pass orientation energy
  without building the Laplacian; the filter constants are ours (one octave bandwidth).
* **Local maxima in N(.).** The paper does not say what counts as a local maximum. We take
  pixels not smaller than their 8 neighbours (to within ``LM_TOL * M``, so that ties on flat
  plateaus do not hinge on rounding; each plateau pixel counts) and at least ``lm_threshold * M`` (default a tenth,
  the threshold of iNVT and the SaliencyToolbox, which keeps noise maxima from dominating m-bar).
  Unlike those toolkits, m-bar excludes the global maximum, as the paper says ("its other local
  maxima"); a map with a single maximum gets m-bar = 0.
* **Normalisation range.** M = 1 (the range is arbitrary; iNVT uses 10). A constant map stays 0.
* **Rounding guards** (not in the paper, which assumes exact arithmetic): centre-surround values
  below :data:`FEATURE_RTOL` of the channel maximum and opponent values below
  :data:`COLOUR_EPS` are set to 0, so that a uniform image has zero saliency instead of
  range-normalised float noise.

The reference implementation in :mod:`psysim.saliency.reference` computes the same definitions
directly (loops, ``scipy.ndimage`` filters, explicit interpolation); the tests check that the two
agree to 1e-5.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import scipy.fft
from scipy import ndimage

from psysim.errors import ParameterError, PsysimError
from psysim.saliency.image import as_rgb

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


def _reduce_axis(x: np.ndarray, axis: int) -> np.ndarray:
    """Binomial [1 4 6 4 1]/16 blur along ``axis`` evaluated at the even samples only.

    Interior outputs are sums of strided slices of ``x`` (no padded copy of the array); the one
    or two outputs at each border read the half-sample symmetric extension explicitly.
    """
    n = x.shape[axis]
    m = (n + 1) // 2
    dt = x.dtype.type
    w = (dt(1 / 16), dt(4 / 16), dt(6 / 16), dt(4 / 16), dt(1 / 16))
    shape = list(x.shape)
    shape[axis] = m
    out = np.empty(shape, dtype=x.dtype)
    lo, hi = 1, (n - 3) // 2  # outputs whose 5 taps lie inside the axis
    xm = np.moveaxis(x, axis, 0)
    om = np.moveaxis(out, axis, 0)
    if hi >= lo:
        k = hi - lo + 1
        acc = om[lo : hi + 1]
        np.add(xm[0 : 2 * k - 1 : 2], xm[4 : 4 + 2 * k - 1 : 2], out=acc)
        acc *= w[0]
        t = xm[1 : 1 + 2 * k - 1 : 2] + xm[3 : 3 + 2 * k - 1 : 2]
        t *= w[1]
        acc += t
        t = xm[2 : 2 + 2 * k - 1 : 2] * w[2]
        acc += t
    border = [i for i in range(m) if not lo <= i <= hi]
    for i in border:
        acc = om[i]
        acc[...] = 0
        for k in range(5):
            acc += w[k] * xm[_sym(2 * i + k - 2, n)]
    return out


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


# ----------------------------------------------------------------------------- the model
@dataclass
class SaliencyResult:
    """Output of :meth:`IttiKoch.compute` for one image or a batch.

    Attributes
    ----------
    saliency : numpy.ndarray
        Saliency map S at scale 4, ``(h4, w4)`` or ``(N, h4, w4)``.
    conspicuity : dict of str -> numpy.ndarray
        ``intensity``, ``colour``, ``orientation`` conspicuity maps (before the final N).
    image_shape : (int, int)
        Input image height and width in pixels.
    feature_maps : dict, optional
        ``(c, s) -> (..., 7, h_c, w_c)`` centre-surround maps (channels :data:`FEATURES`), when
        asked for.
    """

    saliency: np.ndarray
    conspicuity: dict
    image_shape: tuple[int, int]
    feature_maps: dict | None = field(default=None, repr=False)
    level: int = MAP_LEVEL

    def upsampled(self) -> np.ndarray:
        """The saliency map interpolated (bilinear) to the input image size."""
        return upsample(self.saliency, self.image_shape, 2**self.level)


NORMALIZATIONS = ("maxnorm", "iterative")


class IttiKoch:
    """Itti, Koch & Niebur (1998) bottom-up saliency (see the module docstring for the steps).

    Parameters
    ----------
    normalization : {"maxnorm", "iterative"}
        How each feature, conspicuity and the final map is normalised before maps are summed.
        ``"maxnorm"`` (**the default**) is N(.) of the 1998 paper (Sect. 2.2, :func:`maxnorm`):
        scale to [0, 1], multiply by ``(1 - m-bar)**2`` with m-bar the mean of the other local
        maxima. It is the default because it is the model the paper defines and the one the
        saliency experiments claim to test, it takes one pass per map, and it is checked against
        an independent implementation of the paper's equations (CC 0.91 on a photograph,
        ``tests/test_saliency_normalisation.py``). ``"iterative"`` is the iterative
        difference-of-Gaussians competition of Itti & Koch (2001, J. Electronic Imaging 10(1),
        :func:`dog_normalize`), the scheme later toolkits offer; it suppresses spread-out activity
        more strongly, costs about 1 s per 512 x 512 image with 10 iterations, and gives a
        different map (CC 0.42 with the same independent paper map; on psysim's colour feature
        displays it moves S's peak off the red singleton on most displays, see
        ``channels.csv`` of ``psysim run saliency-popout``). Choose it to compare with maps made
        by such toolkits, not to reproduce the 1998 model.
    iterations : int
        Iterations of the DoG normalisation (ignored for ``maxnorm``).
    lm_threshold : float
        Local maxima below this fraction of the map range are ignored by N(.).
    gabor_wavelength, gabor_sigma : float
        Gabor carrier wavelength and envelope sigma in pixels of each pyramid level.
    dtype : {"float32", "float64"}
        Arithmetic precision.
    on_off : bool
        Keep on-centre and off-centre cells apart (a deviation from the paper, off by default):
        each intensity and colour centre-surround difference ``d = X(c) - X(s)`` gives two
        half-wave rectified maps, ``max(d, 0)`` (on-centre: brighter, redder, bluer than the
        surround) and ``max(-d, 0)`` (off-centre: darker, greener, yellower), each normalised
        by N(.) on its own, instead of the paper's single map ``|d|``. The two maps of a
        feature are scaled by their common range (N(.)'s range step removes amplitude
        differences *between modalities*, and on and off maps are one modality), so the weak
        off-responses in the dark gaps around bright items are not stretched to full range. This is the separation of
        the VOCUS system (Frintrop, 2005, *VOCUS: A visual attention system for object detection
        and goal-directed search*, LNAI 3899, Springer; Frintrop, Rome & Christensen, 2010, ACM
        TAP 7(1), Sec. 4): with ``|d|`` a red item and a green item excite the same R-G map
        equally, so N(.) sees as many peaks as items and a red singleton among green items does
        not pop out; kept apart, the red-on map holds a single peak, which N(.) promotes.
        Orientation maps are unchanged.

    Examples
    --------
    >>> model = IttiKoch()
    >>> smap = model.saliency_map(image)          # (H/16, W/16) for an (H, W, 3) image
    >>> res = model.compute(batch)                # SaliencyResult for (N, H, W, 3)
    """

    def __init__(
        self,
        normalization: str = "maxnorm",
        iterations: int = 10,
        lm_threshold: float = 0.1,
        gabor_wavelength: float = 4.0,
        gabor_sigma: float = 2.0,
        dtype: str = "float32",
        on_off: bool = False,
    ):
        self.normalization = normalization
        self.on_off = on_off
        self.iterations = iterations
        self.lm_threshold = lm_threshold
        self.gabor_wavelength = gabor_wavelength
        self.gabor_sigma = gabor_sigma
        self.dtype = dtype

    def __repr__(self) -> str:
        return (
            f"IttiKoch(normalization={self.normalization!r}, iterations={self.iterations}, "
            f"lm_threshold={self.lm_threshold}, dtype={self.dtype!r}, on_off={self.on_off!r})"
        )

    def _check(self):
        if self.normalization not in NORMALIZATIONS:
            raise ParameterError(
                f"IttiKoch normalization={self.normalization!r}; expected one of {', '.join(NORMALIZATIONS)}"
            )
        if self.dtype not in ("float32", "float64"):
            raise ParameterError(f"IttiKoch dtype={self.dtype!r}; expected 'float32' or 'float64'")
        if not 0 <= float(self.lm_threshold) < 1:
            raise ParameterError(f"IttiKoch lm_threshold={self.lm_threshold}; expected 0 <= value < 1")
        if int(self.iterations) < 0:
            raise ParameterError(f"IttiKoch iterations={self.iterations}; expected >= 0")
        if not (self.gabor_wavelength > 0 and self.gabor_sigma > 0):
            raise ParameterError("IttiKoch gabor_wavelength and gabor_sigma must be positive")
        if not isinstance(self.on_off, (bool, np.bool_)):
            raise ParameterError(f"IttiKoch on_off={self.on_off!r}; expected True or False")

    # -- public -----------------------------------------------------------------------------
    def saliency_map(self, image, where=None):
        """Saliency map at scale 4 (1/16 of the image size).

        Parameters
        ----------
        image : array_like or list of array_like
            One image ``(H, W[, C])``, a same-size batch ``(N, H, W[, C])``, or a list of images
            of any sizes (see :func:`psysim.saliency.image.as_rgb` for accepted types).
        where : str, optional
            Name used in error messages.

        Returns
        -------
        numpy.ndarray or list of numpy.ndarray
            ``(ceil(H/16), ceil(W/16))`` per image; non-negative; the same batch structure as
            the input.
        """
        if isinstance(image, (list, tuple)):
            return [r.saliency for r in self.compute(image, where=where)]
        return self.compute(image, where=where).saliency

    def compute(self, image, where=None, keep_features: bool = False):
        """Saliency, conspicuity (and optionally feature) maps; see :class:`SaliencyResult`.

        A list of images returns a list of results; same-size images are computed as one batch.
        """
        self._check()
        if isinstance(image, (list, tuple)):
            rgbs = [
                as_rgb(im, where=f"{where or 'image'}[{i}]", dtype=self.dtype, channels_first=True)
                for i, im in enumerate(image)
            ]
            out: list = [None] * len(rgbs)
            by_shape: dict = {}
            for i, a in enumerate(rgbs):
                if a.ndim != 3:
                    raise PsysimError(f"{where or 'image'}[{i}]: expected one image per list element, got a batch")
                by_shape.setdefault(a.shape, []).append(i)
            for idx in by_shape.values():
                res = self._compute(np.stack([rgbs[i] for i in idx]), keep_features)
                for j, i in enumerate(idx):
                    out[i] = SaliencyResult(
                        res.saliency[j],
                        {k: v[j] for k, v in res.conspicuity.items()},
                        res.image_shape,
                        None if res.feature_maps is None else {k: v[j] for k, v in res.feature_maps.items()},
                    )
            return out
        rgb = as_rgb(image, where=where, dtype=self.dtype, channels_first=True)
        single = rgb.ndim == 3
        res = self._compute(rgb[None] if single else rgb, keep_features)
        if single:
            res.saliency = res.saliency[0]
            res.conspicuity = {k: v[0] for k, v in res.conspicuity.items()}
            if res.feature_maps is not None:
                res.feature_maps = {k: v[0] for k, v in res.feature_maps.items()}
        return res

    # -- computation ------------------------------------------------------------------------
    def _norm(self, maps: np.ndarray, level: int, width: int, span: np.ndarray | None = None) -> np.ndarray:
        if self.normalization == "iterative":
            return dog_normalize(maps, level, width, int(self.iterations), span=span)
        return maxnorm(maps, 1.0, float(self.lm_threshold), span=span)

    def _compute(self, rgb: np.ndarray, keep_features: bool) -> SaliencyResult:
        """rgb: (B, 3, H, W) float -> SaliencyResult with batch axis.

        Large batches are computed in chunks of about :data:`BATCH_PIXELS` pixels: batching
        removes per-call overhead for small images, but beyond a few hundred thousand pixels
        the arrays leave the CPU caches and a batch becomes slower per image than one image.
        """
        B, _, H, W = rgb.shape
        step = max(1, BATCH_PIXELS // (H * W))
        if B > step:
            parts = [self._compute_chunk(rgb[i : i + step], keep_features) for i in range(0, B, step)]
            cat = lambda xs: np.concatenate(xs, axis=0)  # noqa: E731
            return SaliencyResult(
                saliency=cat([p.saliency for p in parts]),
                conspicuity={k: cat([p.conspicuity[k] for p in parts]) for k in CONSPICUITY},
                image_shape=(H, W),
                feature_maps=None if not keep_features else {k: cat([p.feature_maps[k] for p in parts]) for k in parts[0].feature_maps},
            )
        return self._compute_chunk(rgb, keep_features)

    def _compute_chunk(self, rgb: np.ndarray, keep_features: bool) -> SaliencyResult:
        B, _, H, W = rgb.shape
        dt = rgb.dtype
        base = colour_channels(rgb)  # (B, 3, H, W): I, R-G, B-Y
        peak = np.abs(base).max(axis=(-2, -1))  # (B, 3)
        # channel order of the centre-surround stack: I, RG, BY, O0..O135, or with on_off
        # I+, RG+, BY+, I-, RG-, BY-, O0..O135 (see the on_off parameter)
        chan = [0, 1, 2, 0, 1, 2, 0, 0, 0, 0] if self.on_off else [0, 1, 2, 0, 0, 0, 0]
        tol = (FEATURE_RTOL * peak[:, chan])[:, :, None, None].astype(rgb.dtype)
        pyr = [base]
        for _ in range(N_LEVELS - 1):
            pyr.append(reduce(pyr[-1]))
        feats = {}
        for lev in range(CENTRE_LEVELS[0], N_LEVELS):
            ori = gabor_energy(pyr[lev][:, 0], self.gabor_wavelength, self.gabor_sigma)
            feats[lev] = np.concatenate([pyr[lev], ori], axis=1)  # (B, 7, h, w)
        acc = None
        kept = {} if keep_features else None
        for c in CENTRE_LEVELS:
            centre = feats[c]
            hc, wc = centre.shape[-2:]
            summed = None
            for d in DELTAS:
                s = c + d
                diff = centre - upsample(feats[s], (hc, wc), 2 ** (s - c))
                if self.on_off:
                    cs = np.concatenate([np.maximum(diff[:, :3], 0), np.maximum(-diff[:, :3], 0), np.abs(diff[:, 3:])], axis=1)
                else:
                    cs = np.abs(diff, out=diff)
                cs[cs <= tol] = 0  # rounding guard, see FEATURE_RTOL
                if kept is not None:
                    kept[(c, s)] = cs
                span = None
                if self.on_off:  # on and off maps of a feature share one range (see on_off)
                    span = cs.max(axis=(-2, -1), keepdims=True) - cs.min(axis=(-2, -1), keepdims=True)
                    pair = np.maximum(span[:, :3], span[:, 3:6])
                    span[:, :3] = pair
                    span[:, 3:6] = pair
                n = self._norm(cs, c, W, span)
                summed = n if summed is None else summed + n
            for _ in range(MAP_LEVEL - c):
                summed = reduce(summed)
            acc = summed if acc is None else acc + summed
        if self.on_off:
            ibar = acc[:, 0] + acc[:, 3]
            cbar = acc[:, 1] + acc[:, 2] + acc[:, 4] + acc[:, 5]
            obar = self._norm(acc[:, 6:], MAP_LEVEL, W).sum(axis=1)
        else:
            ibar = acc[:, 0]
            cbar = acc[:, 1] + acc[:, 2]
            obar = self._norm(acc[:, 3:], MAP_LEVEL, W).sum(axis=1)
        consp = np.stack([ibar, cbar, obar], axis=1)
        sal = self._norm(consp, MAP_LEVEL, W).sum(axis=1) / dt.type(3.0)
        return SaliencyResult(
            saliency=sal.astype(dt, copy=False),
            conspicuity={k: consp[:, i] for i, k in enumerate(CONSPICUITY)},
            image_shape=(H, W),
            feature_maps=kept,
        )


def colour_channels(rgb: np.ndarray) -> np.ndarray:
    """Intensity and the two opponent channels at full resolution (Itti et al. 1998, Sec. 2.1).

    Parameters
    ----------
    rgb : numpy.ndarray
        ``(B, 3, H, W)`` non-negative float planes.

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
    out = np.empty_like(rgb)
    inten, rg, by = out[:, 0], out[:, 1], out[:, 2]
    np.add(r, g, out=inten)
    inten += b
    inten *= dt(1.0 / 3.0)
    imax = inten.max(axis=(-2, -1), keepdims=True)
    u = np.zeros_like(inten)
    np.divide(dt(1.0), inten, out=u, where=inten > imax * dt(0.1))
    tmp = np.empty_like(inten)
    # R - G
    np.subtract(r, inten, out=rg)
    np.maximum(rg, 0, out=rg)
    np.subtract(g, inten, out=tmp)
    np.maximum(tmp, 0, out=tmp)
    rg -= tmp
    # B - Y
    np.subtract(b, inten, out=by)
    np.maximum(by, 0, out=by)
    by *= dt(1.5)
    np.minimum(r, g, out=tmp)
    tmp -= b
    np.maximum(tmp, 0, out=tmp)
    by -= tmp
    by *= u
    u *= dt(1.5)
    rg *= u
    # Rounding guard: the opponent channels are dimensionless O(1) numbers; |values| below
    # COLOUR_EPS are floating-point noise (e.g. Y of a pure red pixel), which N(.) would
    # otherwise stretch into a full-range map.
    for ch in (rg, by):
        ch[np.abs(ch) < COLOUR_EPS] = 0
    return out


def saliency_map(image, **params):
    """Saliency map at scale 4 with an :class:`IttiKoch` model made from ``params``."""
    return IttiKoch(**params).saliency_map(image)
