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
agree to 1e-5. The array steps live in :mod:`psysim.saliency.kernels` (numpy) and, compiled with
numba where it is installed, in :mod:`psysim.saliency.jit` (same definitions, one pass per
output; :data:`JIT` chooses).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from psysim.errors import ParameterError, PsysimError
from psysim.saliency import jit
from psysim.saliency.image import as_rgb, rgb8_image
from psysim.saliency.kernels import (  # noqa: F401  (re-exported: the model's public building blocks)
    BATCH_PIXELS,
    CENTRE_LEVELS,
    COLOUR_EPS,
    CONSPICUITY,
    DELTAS,
    FEATURE_RTOL,
    FEATURES,
    LM_TOL,
    MAP_LEVEL,
    N_LEVELS,
    ORIENTATIONS,
    PYRAMID_KERNEL,
    colour_channels,
    dog_normalize,
    gabor_energy,
    gabor_factors,
    gabor_kernel,
    gaussian_zero,
    level1_channels,
    level_shapes,
    local_maxima,
    maxnorm,
    reduce,
    upsample,
)


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
    level : int
        Pyramid level of the maps (4: 1/16 of the image side).
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
        rgb = rgb8_image(image, where) if self._kernels().compiled else None
        if rgb is not None:  # (N, H, W, 3) 8-bit, read as it is: the compiled kernels scale it as as_rgb does
            single = rgb.ndim == 3
            res = self._compute(rgb[None] if single else rgb, keep_features, 1.0 / 255.0)
        else:
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
    def _norm(self, maps: np.ndarray, level: int, width: int, span: np.ndarray | None = None,
              fast: _Kernels | None = None) -> np.ndarray:
        if fast is None:
            fast = self._kernels()
        if self.normalization == "iterative":
            return dog_normalize(maps, level, width, int(self.iterations), span=span)
        return fast.maxnorm(maps, float(self.lm_threshold), span)

    def _compute(self, rgb: np.ndarray, keep_features: bool, scale: float | None = None) -> SaliencyResult:
        """rgb: (B, 3, H, W) float, or with ``scale`` (B, H, W, 3) 8-bit values to multiply by it
        (compiled kernels only) -> SaliencyResult with batch axis.

        Large batches are computed in chunks of about :data:`BATCH_PIXELS` pixels: batching
        removes per-call overhead for small images, but beyond a few hundred thousand pixels
        the arrays leave the CPU caches and a batch becomes slower per image than one image.
        """
        B, H, W = rgb.shape[0], *_image_hw(rgb, scale)
        step = max(1, BATCH_PIXELS // (H * W))
        if B > step:
            parts = [self._compute_chunk(rgb[i : i + step], keep_features, scale) for i in range(0, B, step)]
            cat = lambda xs: np.concatenate(xs, axis=0)  # noqa: E731
            return SaliencyResult(
                saliency=cat([p.saliency for p in parts]),
                conspicuity={k: cat([p.conspicuity[k] for p in parts]) for k in CONSPICUITY},
                image_shape=(H, W),
                feature_maps=None if not keep_features else {k: cat([p.feature_maps[k] for p in parts]) for k in parts[0].feature_maps},
            )
        return self._compute_chunk(rgb, keep_features, scale)

    def _kernels(self) -> _Kernels:
        return _Kernels(JIT and jit.AVAILABLE, self.normalization == "maxnorm")

    def _compute_chunk(self, rgb: np.ndarray, keep_features: bool, scale: float | None = None) -> SaliencyResult:
        H, W = _image_hw(rgb, scale)
        dt = np.dtype(self.dtype)
        fast = self._kernels()
        level1, peak = fast.level1(rgb, dt, scale)  # (B, 3, H/2, W/2): I, R-G, B-Y; (B, 3) full-res peaks
        # channel order of the centre-surround stack: I, RG, BY, O0..O135, or with on_off
        # I+, RG+, BY+, I-, RG-, BY-, O0..O135 (see the on_off parameter)
        chan = [0, 1, 2, 0, 1, 2, 0, 0, 0, 0] if self.on_off else [0, 1, 2, 0, 0, 0, 0]
        tol = (FEATURE_RTOL * peak[:, chan]).astype(dt)  # (B, maps)
        pyr = [None, level1]  # level 0 is never kept (no map reads it)
        for _ in range(N_LEVELS - 2):
            pyr.append(fast.reduce(pyr[-1]))
        feats = {}
        for lev in range(CENTRE_LEVELS[0], N_LEVELS):
            ori = fast.gabor(pyr[lev][:, 0], self.gabor_wavelength, self.gabor_sigma)
            feats[lev] = np.concatenate([pyr[lev], ori], axis=1)  # (B, 7, h, w)
        acc = None
        kept = {} if keep_features else None
        for c in CENTRE_LEVELS:
            summed = None
            for d in DELTAS:
                s = c + d
                cs = fast.centre_surround(feats[c], feats[s], 2 ** (s - c), self.on_off, tol)
                if kept is not None:
                    kept[(c, s)] = cs
                span = None
                if self.on_off:  # on and off maps of a feature share one range (see on_off)
                    span = cs.max(axis=(-2, -1), keepdims=True) - cs.min(axis=(-2, -1), keepdims=True)
                    pair = np.maximum(span[:, :3], span[:, 3:6])
                    span[:, :3] = pair
                    span[:, 3:6] = pair
                n = self._norm(cs, c, W, span, fast)
                summed = n if summed is None else summed + n
            for _ in range(MAP_LEVEL - c):
                summed = fast.reduce(summed)
            acc = summed if acc is None else acc + summed
        if self.on_off:
            ibar = acc[:, 0] + acc[:, 3]
            cbar = acc[:, 1] + acc[:, 2] + acc[:, 4] + acc[:, 5]
            obar = self._norm(acc[:, 6:], MAP_LEVEL, W, None, fast).sum(axis=1)
        else:
            ibar = acc[:, 0]
            cbar = acc[:, 1] + acc[:, 2]
            obar = self._norm(acc[:, 3:], MAP_LEVEL, W, None, fast).sum(axis=1)
        consp = np.stack([ibar, cbar, obar], axis=1)
        sal = self._norm(consp, MAP_LEVEL, W, None, fast).sum(axis=1) / dt.type(3.0)
        return SaliencyResult(
            saliency=sal.astype(dt, copy=False),
            conspicuity={k: consp[:, i] for i, k in enumerate(CONSPICUITY)},
            image_shape=(H, W),
            feature_maps=kept,
        )


def _image_hw(rgb: np.ndarray, scale) -> tuple[int, int]:
    """Height and width of planes (B, 3, H, W), or of 8-bit (B, H, W, 3) images (``scale`` set)."""
    return (rgb.shape[1], rgb.shape[2]) if scale is not None else (rgb.shape[2], rgb.shape[3])


JIT = True
"""Use the compiled kernels of :mod:`psysim.saliency.jit` where numba is installed (set False to
run the numpy kernels; the tests compare the two)."""
GABOR_DIRECT_PIXELS = 4096
"""Levels up to this many pixels get the Gabor energy by compiled separable convolution, larger
ones by FFT (:func:`gabor_energy`): the faster of the two on the development machine."""


class _Kernels:
    """The model's array steps, compiled (:mod:`psysim.saliency.jit`) or numpy
    (:mod:`psysim.saliency.kernels`): same definitions, same shapes."""

    def __init__(self, compiled: bool, maxnorm_compiled: bool):
        self.compiled = compiled
        self.maxnorm_compiled = compiled and maxnorm_compiled

    def level1(self, rgb, dtype, scale=None):
        if not self.compiled:
            return level1_channels(rgb)
        B, H, W = rgb.shape[0], *_image_hw(rgb, scale)
        out = np.empty((B, 3, (H + 1) // 2, (W + 1) // 2), dtype=dtype)
        peak = np.empty((B, 3))
        jit.level1_channels(rgb, scale is not None, dtype.type(1.0 if scale is None else scale), COLOUR_EPS, out, peak)
        return out, peak

    def reduce(self, x):
        if not self.compiled:
            return reduce(x)
        h, w = x.shape[-2:]
        out = np.empty(x.shape[:-2] + ((h + 1) // 2, (w + 1) // 2), dtype=x.dtype)
        jit.reduce_planes(np.ascontiguousarray(x).reshape(-1, h, w), out.reshape(-1, *out.shape[-2:]))
        return out

    def gabor(self, x, wavelength, sigma):
        h, w = x.shape[-2:]
        if not self.compiled or h * w > GABOR_DIRECT_PIXELS:
            return gabor_energy(x, wavelength, sigma)
        out = np.empty(x.shape[:-2] + (len(ORIENTATIONS), h, w), dtype=x.dtype)
        jit.gabor_planes(np.ascontiguousarray(x).reshape(-1, h, w), *gabor_factors(float(wavelength), float(sigma)),
                         out.reshape(-1, len(ORIENTATIONS), h, w))
        return out

    def centre_surround(self, centre, surround, factor, on_off, tol):
        B, C, hc, wc = centre.shape
        if self.compiled:
            out = np.empty((B, 10 if on_off else C, hc, wc), dtype=centre.dtype)
            jit.centre_surround(centre, surround, float(factor), bool(on_off), tol, out)
            return out
        diff = centre - upsample(surround, (hc, wc), factor)
        if on_off:
            cs = np.concatenate([np.maximum(diff[:, :3], 0), np.maximum(-diff[:, :3], 0), np.abs(diff[:, 3:])], axis=1)
        else:
            cs = np.abs(diff, out=diff)
        cs[cs <= tol[:, :, None, None]] = 0  # rounding guard, see FEATURE_RTOL
        return cs

    def maxnorm(self, maps, lm_threshold, span):
        if not self.maxnorm_compiled:
            return maxnorm(maps, 1.0, lm_threshold, span=span)
        h, w = maps.shape[-2:]
        planes = np.ascontiguousarray(maps).reshape(-1, h, w)
        sp = np.full(len(planes), -1.0) if span is None else np.broadcast_to(span, maps.shape[:-2] + (1, 1)).reshape(-1).astype(np.float64)
        out = np.empty_like(planes)
        jit.maxnorm_planes(planes, 1.0, float(lm_threshold), LM_TOL, sp, out)
        return out.reshape(maps.shape)


def saliency_map(image, **params):
    """Saliency map at scale 4 with an :class:`IttiKoch` model made from ``params``.

    Parameters
    ----------
    image : array_like or list of array_like
        One image ``(H, W[, C])``, a same-size batch, or a list of images (as
        :meth:`IttiKoch.saliency_map`).
    **params
        Keyword arguments of :class:`IttiKoch` (e.g. ``normalization="iterative"``).

    Returns
    -------
    numpy.ndarray or list of numpy.ndarray
        ``(ceil(H/16), ceil(W/16))`` per image, non-negative.
    """
    return IttiKoch(**params).saliency_map(image)
