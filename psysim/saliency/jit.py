"""Compiled (numba) versions of the Itti-Koch model's array kernels, used when numba is installed.

Each function computes exactly what its numpy counterpart in :mod:`psysim.saliency.kernels`
computes (same definitions, same order of operations per pixel), but in one pass per output
instead of one numpy call per operation, so the full-resolution work and the 42 maps stay in
the CPU's cache. Arithmetic inside is float64 and the results are stored in the arrays' dtype,
so a float32 model agrees with the numpy path to float32 rounding (``tests/test_saliency_jit.py``
compares the two, and both with the literal reference).

numba is optional (``pip install psysim[fast]``); without it, or with the environment variable
``PSYSIM_NO_JIT=1``, :data:`AVAILABLE` is False and the model runs the numpy kernels. The
compiled functions are cached on disk (numba ``cache=True``), so only the first call on a
machine pays the compilation: 14 s of CPU time for the float and 8-bit signatures together on
the development machine (41 s of wall time at load 17), then under a millisecond to load.
"""

from __future__ import annotations

import os

import numpy as np

try:
    if os.environ.get("PSYSIM_NO_JIT"):
        raise ImportError("PSYSIM_NO_JIT is set")
    import numba
except ImportError:  # the numpy kernels are used instead
    numba = None

AVAILABLE = numba is not None
"""Whether the compiled kernels can be used (numba importable and ``PSYSIM_NO_JIT`` unset)."""

W0, W1, W2 = 1.0 / 16.0, 4.0 / 16.0, 6.0 / 16.0  # the binomial [1 4 6 4 1] / 16


def _njit(fn):
    # no NaN or infinity reaches these kernels (images are checked finite), which lets the
    # compiler vectorise the max/min loops; no reassociation or fused multiply-add, so every
    # sum is rounded in the order written
    if not AVAILABLE:
        return fn
    opts = {"nogil": True, "fastmath": {"nnan", "ninf", "nsz"}}
    try:
        return numba.njit(cache=True, **opts)(fn)
    except RuntimeError:  # no writable place for numba's cache: compile once per process instead
        return numba.njit(**opts)(fn)


@_njit
def _sym(i, n):
    """Index i of the half-sample symmetric extension of an axis of length n."""
    p = 2 * n
    i = i % p
    return i if i < n else p - 1 - i


@_njit
def _channels(r, g, bl, thr, eps, row, x):
    """I, R-G, B-Y of one pixel into column x of ``row`` (3, W)."""
    inten = (r + g + bl) / 3.0
    u = 1.0 / max(inten, 1e-300) if inten > thr else 0.0
    rg = 1.5 * u * (max(r - inten, 0.0) - max(g - inten, 0.0))
    by = u * (1.5 * max(bl - inten, 0.0) - max(min(r, g) - bl, 0.0))
    row[0, x] = inten
    row[1, x] = rg if abs(rg) >= eps else 0.0
    row[2, x] = by if abs(by) >= eps else 0.0


@_njit
def _row_peaks(row, peak):
    for c in range(3):
        pk = peak[c]
        for x in range(row.shape[1]):
            pk = max(pk, abs(row[c, x]))
        peak[c] = pk


@_njit
def _colour_row(rgb, b, y, thr, eps, row, peak):
    """Channels of row y of planes ``rgb`` (B, 3, H, W) into ``row`` (3, W); |max| in ``peak``."""
    for x in range(row.shape[1]):
        _channels(np.float64(rgb[b, 0, y, x]), np.float64(rgb[b, 1, y, x]), np.float64(rgb[b, 2, y, x]), thr, eps, row, x)
    _row_peaks(row, peak)


@_njit
def _colour_row8(rgb, scale, b, y, thr, eps, row, peak, buf):
    """The same for 8-bit ``rgb`` (B, H, W, 3), each value times ``scale`` in the type of ``scale``
    (as :func:`~psysim.saliency.image.as_rgb` scales it), then widened; ``buf`` (3, W) holds
    the row's planes."""
    W = row.shape[1]
    flat = rgb[b, y].reshape(3 * W)
    for x in range(W):
        buf[0, x] = np.float64(flat[3 * x] * scale)
        buf[1, x] = np.float64(flat[3 * x + 1] * scale)
        buf[2, x] = np.float64(flat[3 * x + 2] * scale)
    for x in range(W):
        _channels(buf[0, x], buf[1, x], buf[2, x], thr, eps, row, x)
    _row_peaks(row, peak)


@_njit
def _column_taps(half, out_row):
    """Binomial taps at every second sample of ``half`` (n,) into ``out_row`` ((n + 1) // 2,)."""
    n = half.shape[0]
    m = out_row.shape[0]
    hi = (n - 3) // 2  # outputs 1..hi have all five taps inside
    for k in range(1, hi + 1):
        out_row[k] = W0 * (half[2 * k - 2] + half[2 * k + 2]) + W1 * (half[2 * k - 1] + half[2 * k + 1]) + W2 * half[2 * k]
    for k in range(m):
        if 1 <= k <= hi:
            continue
        a0, a1, a2 = half[_sym(2 * k - 2, n)], half[_sym(2 * k - 1, n)], half[_sym(2 * k, n)]
        a3, a4 = half[_sym(2 * k + 1, n)], half[_sym(2 * k + 2, n)]
        out_row[k] = W0 * (a0 + a4) + W1 * (a1 + a3) + W2 * a2


@_njit
def _rgb_max(rgb, interleaved, scale, b):
    """max(r + g + b) of image b (planes, or 8-bit interleaved times ``scale``)."""
    smax = 0.0
    if interleaved:
        for y in range(rgb.shape[1]):
            for x in range(rgb.shape[2]):
                sm = np.float64(rgb[b, y, x, 0] * scale) + np.float64(rgb[b, y, x, 1] * scale)
                smax = max(smax, sm + np.float64(rgb[b, y, x, 2] * scale))
    else:
        for y in range(rgb.shape[2]):
            for x in range(rgb.shape[3]):
                sm = np.float64(rgb[b, 0, y, x]) + np.float64(rgb[b, 1, y, x])
                smax = max(smax, sm + np.float64(rgb[b, 2, y, x]))
    return smax


@_njit
def level1_channels(rgb, interleaved, scale, eps, out, peak):
    """Level 1 of the colour channels of ``rgb`` into ``out`` (B, 3, h1, w1) and each channel's
    full-resolution |max| into ``peak`` (B, 3); see
    :func:`psysim.saliency.kernels.level1_channels`. ``rgb``: float planes (B, 3, H, W), or,
    when ``interleaved``, an 8-bit (B, H, W, 3) image as it comes, read as ``rgb * scale``.
    Rows stream through a ring of five."""
    B = rgb.shape[0]
    H, W = (rgb.shape[1], rgb.shape[2]) if interleaved else (rgb.shape[2], rgb.shape[3])
    ring = np.empty((5, 3, W))
    tags = np.empty(5, np.int64)
    half = np.empty(W)
    buf = np.empty((3, W))
    pk = np.zeros(3)
    for b in range(B):
        thr = _rgb_max(rgb, interleaved, scale, b) / 3.0 * 0.1
        tags[:] = -1
        pk[:] = 0.0
        for i in range(out.shape[2]):
            for j in range(5):
                y = _sym(2 * i + j - 2, H)
                s = y % 5  # the rows of one window are < 5 apart: distinct slots
                if tags[s] != y:
                    tags[s] = y
                    if interleaved:
                        _colour_row8(rgb, scale, b, y, thr, eps, ring[s], pk, buf)
                    else:
                        _colour_row(rgb, b, y, thr, eps, ring[s], pk)
            s0, s1, s2 = _sym(2 * i - 2, H) % 5, _sym(2 * i - 1, H) % 5, _sym(2 * i, H) % 5
            s3, s4 = _sym(2 * i + 1, H) % 5, _sym(2 * i + 2, H) % 5
            for c in range(3):
                for x in range(W):
                    half[x] = W0 * (ring[s0, c, x] + ring[s4, c, x]) + W1 * (ring[s1, c, x] + ring[s3, c, x]) + W2 * ring[s2, c, x]
                _column_taps(half, out[b, c, i])
        for c in range(3):
            peak[b, c] = pk[c]


@_njit
def reduce_planes(x, out):
    """One pyramid step of every plane of ``x`` (P, h, w) into ``out`` (P, (h+1)//2, (w+1)//2)."""
    P, h, w = x.shape
    half = np.empty(w)
    res = np.empty(out.shape[2])
    for p in range(P):
        for i in range(out.shape[1]):
            r0, r1, r2 = _sym(2 * i - 2, h), _sym(2 * i - 1, h), _sym(2 * i, h)
            r3, r4 = _sym(2 * i + 1, h), _sym(2 * i + 2, h)
            for j in range(w):
                half[j] = (W0 * (np.float64(x[p, r0, j]) + np.float64(x[p, r4, j]))
                           + W1 * (np.float64(x[p, r1, j]) + np.float64(x[p, r3, j])) + W2 * np.float64(x[p, r2, j]))
            _column_taps(half, res)
            for k in range(res.shape[0]):
                out[p, i, k] = res[k]


@_njit
def centre_surround(centre, surround, factor, on_off, tol, out):
    """Centre-surround maps of all channels: ``centre`` (B, 7, hc, wc) minus ``surround``
    (B, 7, hs, ws) interpolated bilinearly to the centre level (level-s pixel j at level-c
    pixel ``j * factor``, clamped at the far border), then ``|d|``, or with ``on_off`` the
    on/off split of the first three channels (``max(d, 0)``, ``max(-d, 0)``) and ``|d|`` of
    the orientations; values ``<= tol`` (B, channels out) set to 0. ``out``: (B, 7 or 10, hc, wc)."""
    B, C, hc, wc = centre.shape
    hs, ws = surround.shape[2], surround.shape[3]
    iy0, iy1, fy = np.empty(hc, np.int64), np.empty(hc, np.int64), np.empty(hc)
    for i in range(hc):
        py = min(i / factor, hs - 1.0)
        iy0[i] = int(np.floor(py))
        iy1[i] = min(iy0[i] + 1, hs - 1)
        fy[i] = py - iy0[i]
    ix0, ix1, fx = np.empty(wc, np.int64), np.empty(wc, np.int64), np.empty(wc)
    for j in range(wc):
        px = min(j / factor, ws - 1.0)
        ix0[j] = int(np.floor(px))
        ix1[j] = min(ix0[j] + 1, ws - 1)
        fx[j] = px - ix0[j]
    for b in range(B):
        for c in range(C):
            split = on_off and c < 3
            k = c + 3 if on_off and not split else c
            t0, t1 = tol[b, k], tol[b, c + 3] if split else 0.0
            for i in range(hc):
                i0, i1, wy = iy0[i], iy1[i], fy[i]
                for j in range(wc):
                    j0, j1, wx = ix0[j], ix1[j], fx[j]
                    a0 = np.float64(surround[b, c, i0, j0])
                    a1 = np.float64(surround[b, c, i0, j1])
                    a0 = a0 + (np.float64(surround[b, c, i1, j0]) - a0) * wy
                    a1 = a1 + (np.float64(surround[b, c, i1, j1]) - a1) * wy
                    d = np.float64(centre[b, c, i, j]) - (a0 + (a1 - a0) * wx)
                    if split:
                        v = max(d, 0.0)
                        out[b, c, i, j] = v if v > t0 else 0.0
                        v = max(-d, 0.0)
                        out[b, c + 3, i, j] = v if v > t1 else 0.0
                    else:
                        v = abs(d)
                        out[b, k, i, j] = v if v > t0 else 0.0


@_njit
def maxnorm_planes(x, top, lm_threshold, lm_tol, span, out):
    """N(.) of every plane of ``x`` (P, h, w) into ``out``; see
    :func:`psysim.saliency.kernels.maxnorm`. ``span`` (P,): the range to scale by, negative for
    the plane's own range (no NaN: the kernels are compiled assuming none)."""
    P, h, w = x.shape
    m = np.full((h + 2, w + 2), -1.0)  # the scaled map inside a border below every value (>= 0)
    rowmax = np.empty((h + 2, w))
    floor = lm_threshold * top
    tolv = lm_tol * top
    for p in range(P):
        lo, hi = np.inf, -np.inf
        for i in range(h):
            for j in range(w):
                v = np.float64(x[p, i, j])
                lo = min(lo, v)
                hi = max(hi, v)
        own = span[p] < 0  # the plane's own range
        rng = hi - lo if own else span[p]
        scale = top / rng if rng > 0 else 0.0
        for i in range(h):
            for j in range(w):
                m[i + 1, j + 1] = (np.float64(x[p, i, j]) - lo) * scale
        gmax = (hi - lo) * scale
        for i in range(h + 2):
            for j in range(w):
                rowmax[i, j] = max(max(m[i, j], m[i, j + 1]), m[i, j + 2])
        count = 0
        total = 0.0
        for i in range(h):
            for j in range(w):
                v = m[i + 1, j + 1]
                nb = max(max(rowmax[i, j], rowmax[i + 1, j]), rowmax[i + 2, j])
                hit = v >= floor and v >= nb - tolv
                count += 1 if hit else 0
                total += v if hit else 0.0
        mbar = (total - gmax) / (count - 1) if count > 1 else 0.0
        weight = ((top if own else gmax) - mbar) ** 2
        for i in range(h):
            for j in range(w):
                out[p, i, j] = m[i + 1, j + 1] * weight


@_njit
def gabor_planes(x, kx, ky, g, kappa, out):
    """|Gabor * x| of every plane of ``x`` (P, h, w) for the four orientations into ``out``
    (P, 4, h, w), as separable convolutions (borders half-sample symmetric, as
    :func:`psysim.saliency.kernels.gabor_energy`).

    The kernel of :func:`psysim.saliency.kernels.gabor_kernel` is
    ``(kx(dx) ky(dy) - kappa g(dx) g(dy))`` with ``kx, ky`` the 1-D complex Gabor factors of
    one orientation (the envelope and the carrier both factor over x and y), ``g`` the 1-D
    envelope and ``kappa`` the zero-mean constant (the envelope's sum is folded into ``kx``
    and ``kappa``). ``kx, ky``: (4, 2, T) real and imaginary taps; ``g``: (T,); ``kappa``:
    (4, 2), all of one float type, in which the sums are computed.
    """
    P, h, w = x.shape
    T = g.shape[0]
    r = T // 2
    dt = g.dtype  # the taps' type (the model passes float64), in which the sums are computed
    row = np.empty(w + 2 * r, dt)
    A = np.empty((4, 2, h, w), dt)  # row pass of the complex factors
    G = np.empty((h, w), dt)  # row pass of the envelope
    cre = np.empty(w, dt)
    cim = np.empty(w, dt)
    for p in range(P):
        for i in range(h):
            for j in range(r):  # mirrored borders, then the row itself
                row[j] = x[p, i, _sym(j - r, w)]
                row[w + r + j] = x[p, i, _sym(w + j, w)]
            for j in range(w):
                row[r + j] = x[p, i, j]
            for j in range(w):
                G[i, j] = 0.0
            for o in range(4):
                for j in range(w):
                    A[o, 0, i, j] = 0.0
                    A[o, 1, i, j] = 0.0
            for t in range(T):
                off = 2 * r - t
                gt = g[t]
                for j in range(w):
                    G[i, j] += gt * row[j + off]
                for o in range(4):
                    a, b = kx[o, 0, t], kx[o, 1, t]
                    for j in range(w):
                        v = row[j + off]
                        A[o, 0, i, j] += a * v
                        A[o, 1, i, j] += b * v
        for o in range(4):
            for i in range(h):
                for j in range(w):
                    cre[j] = 0.0
                    cim[j] = 0.0
                for t in range(T):
                    y = _sym(i + r - t, h)
                    a, b = ky[o, 0, t], ky[o, 1, t]
                    ga, gb = kappa[o, 0] * g[t], kappa[o, 1] * g[t]
                    for j in range(w):
                        c, d, e = A[o, 0, y, j], A[o, 1, y, j], G[y, j]
                        cre[j] += a * c - b * d - ga * e
                        cim[j] += a * d + b * c - gb * e
                for j in range(w):
                    out[p, o, i, j] = np.sqrt(cre[j] * cre[j] + cim[j] * cim[j])
