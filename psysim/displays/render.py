"""Rendering item tables to anti-aliased RGB arrays.

Each item is drawn from its signed distance function (distance in pixels to the shape's
edge, negative inside): pixel coverage is ``clip(0.5 - d, 0, 1)``, a one-pixel linear ramp
that anti-aliases edges at any resolution. Bars are rotated rectangles; the digits 2 and 5 are
seven-segment glyphs (the union of their segments), mirror images of each other as in the
``2_vs_5`` task of Wolfe, Palmer & Horowitz (2010).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.displays.generate import DisplaySet, Geometry, load_stimulus_set
from psysim.errors import PsysimError

# seven-segment layout in glyph units (width 1 x height 2, centre at origin, y down):
# name: (centre x, centre y, horizontal?)
_SEGMENTS = {
    "a": (0.0, -1.0, True),
    "b": (0.5, -0.5, False),
    "c": (0.5, 0.5, False),
    "d": (0.0, 1.0, True),
    "e": (-0.5, 0.5, False),
    "f": (-0.5, -0.5, False),
    "g": (0.0, 0.0, True),
}
GLYPHS = {"digit2": "abged", "digit5": "afgcd"}
"""Segments lit in each glyph: 2 = a b g e d, 5 = a f g c d (mirror images)."""


def _box_sdf(px, py, hx, hy):
    """Signed distance to an axis-aligned box with half sizes (hx, hy) centred at the origin."""
    qx, qy = np.abs(px) - hx, np.abs(py) - hy
    outside = np.hypot(np.maximum(qx, 0), np.maximum(qy, 0))
    return outside + np.minimum(np.maximum(qx, qy), 0)


def _shape_sdf(shape: str, u, v, scale: float, aspect: float):
    """Signed distance (pixels) for a shape in its own rotated frame (u right, v down)."""
    if shape == "bar":
        return _box_sdf(u, v, 0.5 * aspect * scale, 0.5 * scale)
    if shape in GLYPHS:
        unit = scale / 2.0  # glyph height = scale = 2 glyph units
        half_len, half_w = 0.5 * unit + 0.06 * unit, 0.09 * unit
        d = np.full(np.shape(u), np.inf)
        for seg in GLYPHS[shape]:
            cx, cy, horiz = _SEGMENTS[seg]
            hx, hy = (half_len, half_w) if horiz else (half_w, half_len)
            d = np.minimum(d, _box_sdf(u - cx * unit, v - cy * unit, hx, hy))
        return d
    raise PsysimError(f"cannot draw unknown shape {shape!r}; known: bar, {', '.join(GLYPHS)}")


def render_items(items: pd.DataFrame, size=256, geometry: Geometry | None = None) -> np.ndarray:
    """Draw one display's items.

    Parameters
    ----------
    items : pandas.DataFrame
        Item table of one display (columns ``x``, ``y``, ``colour``, ``orientation``, ``shape``).
    size : int or (int, int)
        Output size in pixels: ``size`` for a square image or ``(height, width)``. The unit field
        is mapped to the centred square of side ``min(height, width)``.
    geometry : Geometry, optional
        Colours and item sizes; psysim's standard set by default.

    Returns
    -------
    numpy.ndarray
        ``(height, width, 3)`` uint8 RGB image.
    """
    geo = geometry or load_stimulus_set().geometry
    h, w = (int(size), int(size)) if np.ndim(size) == 0 else (int(size[0]), int(size[1]))
    if h < 8 or w < 8:
        raise PsysimError(f"render size {h}x{w} is too small; use at least 8x8 pixels")
    side = min(h, w)
    ox, oy = (w - side) / 2.0, (h - side) / 2.0
    img = np.empty((h, w, 3), dtype=np.float64)
    img[:] = geo.rgb(geo.background)
    scale = geo.item_size * side
    radius = int(np.ceil(scale * 0.75)) + 2
    for x, y, colour, ori, shape in items[["x", "y", "colour", "orientation", "shape"]].itertuples(index=False):
        cx, cy = ox + x * side, oy + y * side
        x0, x1 = max(int(cx) - radius, 0), min(int(cx) + radius + 1, w)
        y0, y1 = max(int(cy) - radius, 0), min(int(cy) + radius + 1, h)
        if x0 >= x1 or y0 >= y1:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1]
        dx, dy = xx + 0.5 - cx, yy + 0.5 - cy
        t = np.deg2rad(ori)  # clockwise from vertical: rotate into the item's frame
        u = dx * np.cos(t) + dy * np.sin(t)
        v = -dx * np.sin(t) + dy * np.cos(t)
        alpha = np.clip(0.5 - _shape_sdf(shape, u, v, scale, geo.bar_aspect), 0.0, 1.0)[..., None]
        patch = img[y0:y1, x0:x1]
        img[y0:y1, x0:x1] = patch * (1 - alpha) + geo.rgb(colour) * alpha
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def render(displays: DisplaySet, display_id=None, size=256) -> np.ndarray:
    """Render displays of a :class:`DisplaySet` to RGB arrays.

    Returns ``(H, W, 3)`` uint8 for one ``display_id``, or ``(n, H, W, 3)`` for a sequence of
    ids (all displays when ``display_id`` is None).

    Parameters
    ----------
    displays : DisplaySet
        From :func:`make_displays`.
    display_id : int or sequence of int, optional
        Which display(s); default all.
    size : int
        Side of the square images in pixels.

    Returns
    -------
    numpy.ndarray of uint8
        ``(size, size, 3)`` or ``(n, size, size, 3)``.
    """
    geo = displays.stimulus_set.geometry
    if display_id is not None and np.ndim(display_id) == 0:
        items = displays[int(display_id)]
        if items.empty:
            raise PsysimError(f"no display with id {display_id}")
        return render_items(items, size, geo)
    ids = displays.displays["display_id"].to_numpy() if display_id is None else np.asarray(display_id)
    groups = dict(tuple(displays.items.groupby("display_id")))
    return np.stack([render_items(groups[int(i)], size, geo) for i in ids])


def target_boxes(displays: DisplaySet, size=256) -> pd.DataFrame:
    """Bounding boxes of the targets in pixel coordinates of a rendered image.

    Returns one row per target-present display: ``display_id, x0, y0, x1, y1`` (pixels,
    exclusive upper edges), for localisation metrics of attention maps.

    Parameters
    ----------
    displays : DisplaySet
        The displays.
    size : int
        Side of the rendered images in pixels.

    Returns
    -------
    pandas.DataFrame
        ``display_id, x0, y0, x1, y1``, integer pixels clipped to the image.
    """
    geo = displays.stimulus_set.geometry
    h, w = (int(size), int(size)) if np.ndim(size) == 0 else (int(size[0]), int(size[1]))
    side = min(h, w)
    ox, oy = (w - side) / 2.0, (h - side) / 2.0
    t = displays.items[displays.items["is_target"]]
    half = 0.5 * geo.item_size * side
    cx, cy = ox + t["x"].to_numpy() * side, oy + t["y"].to_numpy() * side
    return pd.DataFrame(
        {
            "display_id": t["display_id"].to_numpy(),
            "x0": np.clip(np.floor(cx - half), 0, w).astype(int),
            "y0": np.clip(np.floor(cy - half), 0, h).astype(int),
            "x1": np.clip(np.ceil(cx + half), 0, w).astype(int),
            "y1": np.clip(np.ceil(cy + half), 0, h).astype(int),
        }
    )
