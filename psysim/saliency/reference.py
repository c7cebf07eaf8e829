"""A straightforward reference implementation of Itti, Koch & Niebur (1998), for checking.

Written directly from the paper's definitions (see :mod:`psysim.saliency.model` for the
equations and the choices the paper leaves open), one image and one map at a time, in float64,
with plain ``scipy.ndimage`` filters: ``convolve1d`` for the pyramid, ``convolve`` with the
full 2-D complex Gabor kernel, ``map_coordinates`` for across-scale interpolation, and explicit
neighbour comparisons for local maxima. It shares no array code with the fast implementation,
only the definitions, so the tests can compare the two. It is slow (seconds for a 640 x 480
image); use :class:`psysim.saliency.IttiKoch` for work.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from psysim.saliency.image import as_rgb
from psysim.saliency.model import (
    CENTRE_LEVELS,
    COLOUR_EPS,
    DELTAS,
    FEATURE_RTOL,
    LM_TOL,
    MAP_LEVEL,
    N_LEVELS,
    ORIENTATIONS,
    gabor_kernel,
)

_KERNEL = np.array([1.0, 4.0, 6.0, 4.0, 1.0]) / 16.0


def ref_reduce(img: np.ndarray) -> np.ndarray:
    """Blur with [1 4 6 4 1]/16 on both axes (mode reflect) and keep even rows and columns."""
    blurred = ndimage.convolve1d(img, _KERNEL, axis=0, mode="reflect")
    blurred = ndimage.convolve1d(blurred, _KERNEL, axis=1, mode="reflect")
    return blurred[::2, ::2]


def ref_pyramid(img: np.ndarray) -> list[np.ndarray]:
    levels = [img]
    for _ in range(N_LEVELS - 1):
        levels.append(ref_reduce(levels[-1]))
    return levels


def ref_interpolate(img: np.ndarray, shape, factor: int) -> np.ndarray:
    """Across-scale interpolation: output (i, j) samples input position (i/factor, j/factor)."""
    ii, jj = np.meshgrid(np.arange(shape[0]) / factor, np.arange(shape[1]) / factor, indexing="ij")
    return ndimage.map_coordinates(img, [ii, jj], order=1, mode="nearest")


def ref_gabor(img: np.ndarray, theta: float, wavelength: float, sigma: float) -> np.ndarray:
    k = gabor_kernel(theta, wavelength, sigma)
    re = ndimage.convolve(img, k.real, mode="reflect")
    im = ndimage.convolve(img, k.imag, mode="reflect")
    return np.sqrt(re**2 + im**2)


def ref_local_maxima(m: np.ndarray, tol: float = 0.0) -> np.ndarray:
    padded = np.pad(m, 1, mode="constant", constant_values=-np.inf)
    h, w = m.shape
    is_max = np.ones_like(m, dtype=bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dy or dx:
                is_max &= m >= padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w] - tol
    return is_max


def ref_N(m: np.ndarray, top: float = 1.0, lm_threshold: float = 0.1, span: float | None = None) -> np.ndarray:
    """N(.): scale to [0, top], multiply by (top - mean of the other local maxima)^2.

    With ``span`` the map is scaled by ``top / span`` instead of its own range and the weight
    uses the map's own scaled maximum (the on/off pairs of ``IttiKoch(on_off=True)``).
    """
    lo, hi = m.min(), m.max()
    if span is not None:
        if span <= 0:
            return np.zeros_like(m)
        m = (m - lo) / span * top
        lm = ref_local_maxima(m, LM_TOL * top) & (m >= lm_threshold * top)
        values = np.sort(m[lm])[::-1]
        mbar = values[1:].mean() if len(values) > 1 else 0.0
        return m * (m.max() - mbar) ** 2
    if hi == lo:
        return np.zeros_like(m)
    m = (m - lo) / (hi - lo) * top
    lm = ref_local_maxima(m, LM_TOL * top) & (m >= lm_threshold * top)
    values = np.sort(m[lm])[::-1]
    others = values[1:]  # all local maxima except (one instance of) the global maximum
    mbar = others.mean() if len(others) else 0.0
    return m * (top - mbar) ** 2


def ref_saliency(image, lm_threshold: float = 0.1, wavelength: float = 4.0, sigma: float = 2.0, on_off: bool = False):
    """Reference saliency map at scale 4 for one image; returns (S, {conspicuity maps}).

    ``on_off=True`` keeps on- and off-centre intensity and colour maps apart (the documented
    deviation of :class:`psysim.saliency.IttiKoch`, after Frintrop 2005).
    """
    rgb = as_rgb(image, dtype=np.float64)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    I = (r + g + b) / 3.0  # noqa: E741
    mask = I > 0.1 * I.max()
    safe = np.where(mask, I, 1.0)
    rn, gn, bn = (np.where(mask, ch / safe, 0.0) for ch in (r, g, b))
    R = np.clip(rn - (gn + bn) / 2, 0, None)
    G = np.clip(gn - (rn + bn) / 2, 0, None)
    B = np.clip(bn - (rn + gn) / 2, 0, None)
    Y = np.clip((rn + gn) / 2 - np.abs(rn - gn) / 2 - bn, 0, None)
    RG, BY = R - G, B - Y
    RG[np.abs(RG) < COLOUR_EPS] = 0  # rounding guard, see COLOUR_EPS
    BY[np.abs(BY) < COLOUR_EPS] = 0
    pI, pRG, pBY = (ref_pyramid(x) for x in (I, RG, BY))
    pO = {t: {s: ref_gabor(pI[s], t, wavelength, sigma) for s in range(2, N_LEVELS)} for t in ORIENTATIONS}

    def cs(centre, surround, c, s, scale, sign=0):
        d = centre - ref_interpolate(surround, centre.shape, 2 ** (s - c))
        d = np.abs(d) if sign == 0 else np.clip(sign * d, 0, None)
        d[d <= FEATURE_RTOL * scale] = 0  # rounding guard, see FEATURE_RTOL
        return d

    s_I, s_RG, s_BY = np.abs(I).max(), np.abs(RG).max(), np.abs(BY).max()

    def to_scale4(m, c):
        for _ in range(MAP_LEVEL - c):
            m = ref_reduce(m)
        return m

    N = lambda m: ref_N(m, 1.0, lm_threshold)  # noqa: E731
    Ibar = Cbar = 0.0
    Obar_theta = dict.fromkeys(ORIENTATIONS, 0.0)
    for c in CENTRE_LEVELS:
        for d in DELTAS:
            s = c + d
            if on_off:  # on and off maps, each pair scaled by its common range
                for pyr, scale, conspicuity in ((pI, s_I, "I"), (pRG, s_RG, "C"), (pBY, s_BY, "C")):
                    on, off = (cs(pyr[c], pyr[s], c, s, scale, sign) for sign in (1, -1))
                    span = max(np.ptp(on), np.ptp(off))
                    n = to_scale4(ref_N(on, 1.0, lm_threshold, span) + ref_N(off, 1.0, lm_threshold, span), c)
                    if conspicuity == "I":
                        Ibar = Ibar + n
                    else:
                        Cbar = Cbar + n
            else:
                Ibar = Ibar + to_scale4(N(cs(pI[c], pI[s], c, s, s_I)), c)
                rg = cs(pRG[c], pRG[s], c, s, s_RG)
                by = cs(pBY[c], pBY[s], c, s, s_BY)
                Cbar = Cbar + to_scale4(N(rg) + N(by), c)
            for t in ORIENTATIONS:
                Obar_theta[t] = Obar_theta[t] + to_scale4(N(cs(pO[t][c], pO[t][s], c, s, s_I)), c)
    Obar = sum(N(Obar_theta[t]) for t in ORIENTATIONS)
    S = (N(Ibar) + N(Cbar) + N(Obar)) / 3.0
    return S, {"intensity": Ibar, "colour": Cbar, "orientation": Obar}
