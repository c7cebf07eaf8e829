"""Winner-take-all with inhibition of return: the scanpath of the Itti-Koch model.

Itti, Koch & Niebur (1998, Section 2.3) feed the saliency map (SM) into a 2-D layer of leaky
integrate-and-fire neurons and a winner-take-all (WTA) network. The first WTA neuron to fire
marks the focus of attention (FOA); the WTA is then reset and the SM is inhibited in a disc
the size of the FOA (inhibition of return, IOR), so that attention shifts to the next most
salient location; a small excitation near the FOA biases the next shift towards nearby
locations (proximity preference). The paper sets the constants so that a shift takes about
30-70 ms and an attended area stays inhibited for about 500-900 ms; the FOA radius is a sixth
of the smaller image side.

This module uses the exact discrete equivalent of that network: after a reset, neuron p with
input ``s_p`` (SM value divided by the largest SM value) charges as
``V_p(t) = s_p (1 - exp(-t / tau))`` and fires when it reaches ``threshold``, at
``t_p = tau * ln(s_p / (s_p - threshold))`` (never if ``s_p <= threshold``). The first neuron to
fire is the SM maximum, so the winner and the shift time come out in closed form, with no time
stepping. Constants (ours, chosen to match the paper's ranges):

* ``tau = 135 ms`` and ``threshold = 0.2``: the SM maximum fires after 30 ms, a location at half
  the maximum after 69 ms; locations at or below a fifth of the maximum are never attended (the
  scanpath ends there).
* IOR: the FOA disc is set to zero for ``ior_ms = 700`` ms after it is attended, then restored;
  when every uninhibited location is below threshold, the network waits (no shift) until the
  first inhibited location that could fire is released.
* proximity preference: inputs within two FOA radii of the current FOA are multiplied by
  ``1 + proximity`` (default 0.1) for the next shift.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from psysim.errors import ParameterError, PsysimError

SCANPATH_COLUMNS = ("fixation", "x", "y", "onset_ms", "duration_ms", "saliency")


def scanpath(
    saliency,
    image_shape=None,
    n_fixations: int = 10,
    foa_radius: float | None = None,
    tau_ms: float = 135.0,
    threshold: float = 0.2,
    ior_ms: float = 700.0,
    proximity: float = 0.1,
) -> pd.DataFrame:
    """Attention shifts over one saliency map, in winner-take-all order with IOR.

    Parameters
    ----------
    saliency : array_like
        ``(h, w)`` saliency map (non-negative), e.g. from :meth:`IttiKoch.saliency_map`.
    image_shape : (int, int), optional
        ``(H, W)`` of the image the map was computed from; positions are returned in its pixels
        (default: the map's own pixels).
    n_fixations : int
        Most shifts to return (fewer when every remaining location is below threshold).
    foa_radius : float, optional
        FOA radius in image pixels (default a sixth of the smaller image side, as in the paper).
    tau_ms, threshold, ior_ms, proximity : float
        Integrate-and-fire time constant (ms), firing threshold (fraction of the map maximum),
        IOR duration (ms), proximity excitation (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        One row per fixation: ``fixation`` (0, 1, ...), ``x``, ``y`` (image px, pixel centres;
        for a scale-4 Itti-Koch map, map pixel j is image pixel 16 j as in the pyramid),
        ``onset_ms`` (time the WTA fired), ``duration_ms`` (until the next shift; NaN for the
        last), ``saliency`` (map value at the winner, as a fraction of the map maximum).
        Empty, with a ``RuntimeWarning``, for a map that is zero everywhere (a flat image).
    """
    s = np.asarray(saliency, dtype=np.float64)
    if s.ndim != 2 or s.size == 0:
        raise PsysimError(f"scanpath: saliency map must be a non-empty 2-D array, got shape {s.shape}")
    if not np.isfinite(s).all() or (s < 0).any():
        raise PsysimError("scanpath: saliency map has NaN, infinite or negative values")
    h, w = s.shape
    H, W = (h, w) if image_shape is None else (int(image_shape[0]), int(image_shape[1]))
    if (h, w) == (-(-H // 16), -(-W // 16)) and (H, W) != (h, w):
        # a scale-4 Itti-Koch map: map pixel j sits at image pixel 16 j (even-sample pyramid)
        sy = sx = 16.0
        yc, xc = np.arange(h) * 16.0 + 0.5, np.arange(w) * 16.0 + 0.5
    else:
        sy, sx = H / h, W / w  # any other map: map pixels tile the image
        yc, xc = (np.arange(h) + 0.5) * sy, (np.arange(w) + 0.5) * sx
    radius = min(H, W) / 6.0 if foa_radius is None else float(foa_radius)
    for name, v, lo in (("n_fixations", n_fixations, 1), ("tau_ms", tau_ms, 1e-9), ("ior_ms", ior_ms, 0)):
        if not v >= lo:
            raise ParameterError(f"scanpath: {name}={v} must be >= {lo:g}")
    if not 0 < threshold < 1:
        raise ParameterError(f"scanpath: threshold={threshold} must be between 0 and 1")
    if proximity < 0 or radius <= 0:
        raise ParameterError("scanpath: proximity must be >= 0 and foa_radius > 0")
    smax = s.max()
    rows = []
    if smax <= 0:
        warnings.warn("scanpath: the saliency map is zero everywhere (a flat image?); no location is attended",
                      RuntimeWarning, stacklevel=2)
        return pd.DataFrame(columns=list(SCANPATH_COLUMNS))
    inp = s / smax
    t = 0.0
    inhibited_until = np.full((h, w), -np.inf)
    bias = np.ones((h, w))
    k = 0
    while k < int(n_fixations):
        drive = np.where(inhibited_until > t, 0.0, inp) * bias
        flat = int(np.argmax(drive))
        peak = drive.flat[flat]
        if peak <= threshold:
            # nothing can fire now; wait for the earliest IOR release of a location that could
            waiting = (inhibited_until > t) & (inp * bias > threshold)
            if not waiting.any():
                break
            t = float(inhibited_until[waiting].min())
            continue
        t_fire = tau_ms * np.log(peak / (peak - threshold))
        t += t_fire
        iy, ix = divmod(flat, w)
        fy, fx = yc[iy], xc[ix]
        d2 = (yc[:, None] - fy) ** 2 + (xc[None, :] - fx) ** 2
        inhibited_until[d2 <= radius**2] = t + ior_ms
        bias = np.where(d2 <= (2 * radius) ** 2, 1.0 + proximity, 1.0)
        rows.append((k, fx, fy, t, inp.flat[flat]))
        k += 1
    df = pd.DataFrame(rows, columns=["fixation", "x", "y", "onset_ms", "saliency"])
    df["duration_ms"] = np.append(np.diff(df["onset_ms"].to_numpy()), np.nan) if len(df) else []
    return df[list(SCANPATH_COLUMNS)]
