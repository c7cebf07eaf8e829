"""Procedural "objects": line drawings psysim generates to pretrain its own offline backbones.

Each class is a random composite object: a smooth closed outline (a radial Fourier contour)
plus one to five parts (ellipses, rings, rectangles, segments, arcs, zig-zags, small blobs).
A class is a fixed *prototype*; its instances jitter every position and size a little and
vary the stroke width, the way two artists draw the same object. Half of the classes also
have a colour version (surfaces filled with the class's colours), like the coloured
Snodgrass & Vanderwart pictures of Rossion & Pourtois (2004), so the backbone learns both
line and surface features. Everything comes from a seeded :class:`numpy.random.Generator`;
these images are the only ones psysim's shipped naming backbone was trained on.

They are stimuli, so they live with the search displays: both ``psysim.naming`` (the shipped
backbone, :mod:`psysim.naming.pretrain`) and ``psysim.networks.ssl`` (unlabelled pretraining
images) draw them from here, and neither layer imports the other for them.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from psysim.seeds import check_seed

PART_KINDS = ("ellipse", "ring", "rect", "segment", "arc", "zigzag", "blob")


def _blob_points(cx, cy, r, aspect, rot, coef, phase, n=48):
    th = np.linspace(0, 2 * np.pi, n, endpoint=False)
    k = np.arange(2, 2 + len(coef))[:, None]
    rad = r * (1 + (coef[:, None] * np.cos(k * th + phase[:, None])).sum(0))
    x, y = rad * np.cos(th) * aspect, rad * np.sin(th) / aspect
    c, s = np.cos(rot), np.sin(rot)
    return np.stack([cx + c * x - s * y, cy + s * x + c * y], 1)


def make_prototypes(n_classes: int, seed=0) -> list[dict]:
    """Random class prototypes (plain data: numbers and lists), one per class."""
    rng = np.random.default_rng(check_seed(seed, generators=True))
    protos = []
    for _ in range(int(n_classes)):
        body = {
            "cx": rng.uniform(0.42, 0.58), "cy": rng.uniform(0.42, 0.58), "r": rng.uniform(0.16, 0.32),
            "aspect": np.exp(rng.uniform(-0.45, 0.45)), "rot": rng.uniform(0, np.pi),
            "coef": rng.uniform(0, 0.22, 4) / np.arange(1, 5) ** 0.5, "phase": rng.uniform(0, 2 * np.pi, 4),
        }
        parts = []
        for _ in range(rng.integers(1, 6)):
            parts.append({
                "kind": PART_KINDS[rng.integers(len(PART_KINDS))],
                "x": rng.uniform(0.15, 0.85), "y": rng.uniform(0.15, 0.85), "size": rng.uniform(0.04, 0.16),
                "aspect": np.exp(rng.uniform(-0.6, 0.6)), "rot": rng.uniform(0, np.pi),
                "filled": bool(rng.random() < 0.3), "coef": rng.uniform(0, 0.25, 3), "phase": rng.uniform(0, 2 * np.pi, 3),
            })
        colours = rng.integers(20, 236, (1 + len(parts), 3)).tolist()
        protos.append({"body": body, "parts": parts, "colours": colours, "has_colour": bool(rng.random() < 0.5)})
    return protos


def jitter_instance(proto: dict, rng: np.random.Generator, amount: float) -> dict:
    """One instance of a prototype: every position, size and angle jittered by Gaussian noise
    (``amount`` scales all; 0 returns the prototype's geometry)."""
    b = dict(proto["body"])
    b["cx"] += amount * 0.03 * rng.standard_normal()
    b["cy"] += amount * 0.03 * rng.standard_normal()
    b["r"] *= np.exp(amount * 0.08 * rng.standard_normal())
    b["coef"] = np.asarray(b["coef"]) * np.exp(amount * 0.15 * rng.standard_normal(len(b["coef"])))
    parts = []
    for p in proto["parts"]:
        p = dict(p)
        p["x"] += amount * 0.025 * rng.standard_normal()
        p["y"] += amount * 0.025 * rng.standard_normal()
        p["size"] *= np.exp(amount * 0.1 * rng.standard_normal())
        p["rot"] += amount * 0.15 * rng.standard_normal()
        parts.append(p)
    return {**proto, "body": b, "parts": parts}


def render_glyph(proto: dict, size: int = 64, colour: bool = False, stroke: float = 1.0, oversample: int = 2) -> np.ndarray:
    """Draw one prototype (or jittered instance) as a ``(size, size, 3)`` uint8 RGB image."""
    S = size * oversample
    im = Image.new("RGB", (S, S), (255, 255, 255))
    d = ImageDraw.Draw(im)
    w = max(1, int(round(stroke * oversample)))
    cols = [tuple(int(v) for v in c) for c in proto["colours"]]
    b = proto["body"]
    pts = _blob_points(b["cx"], b["cy"], b["r"], b["aspect"], b["rot"], np.asarray(b["coef"]), np.asarray(b["phase"])) * S
    poly = [tuple(p) for p in pts]
    if colour:
        d.polygon(poly, fill=cols[0])
    d.line(poly + [poly[0]], fill=(0, 0, 0), width=w, joint="curve")
    for i, p in enumerate(proto["parts"]):
        fill = cols[i + 1] if colour else ((0, 0, 0) if p["filled"] else None)
        x, y, s = p["x"] * S, p["y"] * S, p["size"] * S
        sx, sy = s * p["aspect"], s / p["aspect"]
        kind = p["kind"]
        if kind in ("ellipse", "ring"):
            d.ellipse([x - sx, y - sy, x + sx, y + sy], fill=fill, outline=(0, 0, 0), width=w)
            if kind == "ring":
                d.ellipse([x - sx / 2, y - sy / 2, x + sx / 2, y + sy / 2], fill=(255, 255, 255) if fill else None, outline=(0, 0, 0), width=w)
        elif kind == "rect":
            c, sn = np.cos(p["rot"]), np.sin(p["rot"])
            corners = [(x + c * u - sn * v, y + sn * u + c * v) for u, v in ((-sx, -sy), (sx, -sy), (sx, sy), (-sx, sy))]
            d.polygon(corners, fill=fill)
            d.line(corners + [corners[0]], fill=(0, 0, 0), width=w, joint="curve")
        elif kind == "segment":
            dx, dy = 2 * sx * np.cos(p["rot"]), 2 * sx * np.sin(p["rot"])
            d.line([(x - dx, y - dy), (x + dx, y + dy)], fill=(0, 0, 0), width=w)
        elif kind == "arc":
            start = np.degrees(p["rot"]) * 2
            d.arc([x - sx, y - sy, x + sx, y + sy], start, start + 120 + 100 * p["coef"][0] / 0.25, fill=(0, 0, 0), width=w)
        elif kind == "zigzag":
            t = np.linspace(-1, 1, 6)
            u, v = t * 2 * sx, np.where(np.arange(6) % 2, 1, -1) * sy * 0.5
            c, sn = np.cos(p["rot"]), np.sin(p["rot"])
            d.line([(x + c * a - sn * bb, y + sn * a + c * bb) for a, bb in zip(u, v)], fill=(0, 0, 0), width=w, joint="curve")
        else:  # blob
            q = _blob_points(x, y, s, p["aspect"], p["rot"], np.asarray(p["coef"]), np.asarray(p["phase"]), n=24)
            q = [tuple(v) for v in q]
            if fill:
                d.polygon(q, fill=fill)
            d.line(q + [q[0]], fill=(0, 0, 0), width=w, joint="curve")
    if oversample > 1:
        im = im.resize((size, size), Image.LANCZOS)
    return np.asarray(im, dtype=np.uint8)


def glyph_bank(n_classes: int = 256, n_line: int = 3, n_colour: int = 2, size: int = 64, seed=0, jitter: float = 1.0):
    """Render every class: ``n_line`` jittered line drawings each, plus ``n_colour`` colour
    drawings for the classes that have colour.

    Returns
    -------
    images : numpy.ndarray
        ``(M, 3, size, size)`` uint8.
    labels : numpy.ndarray
        ``(M,)`` class index.
    is_colour : numpy.ndarray
        ``(M,)`` bool.
    """
    protos = make_prototypes(n_classes, seed)
    rng = np.random.default_rng([check_seed(seed), 1])
    imgs, labels, col = [], [], []
    for c, proto in enumerate(protos):
        kinds = [False] * n_line + ([True] * n_colour if proto["has_colour"] else [])
        for is_col in kinds:
            inst = jitter_instance(proto, rng, jitter)
            imgs.append(render_glyph(inst, size, colour=is_col, stroke=rng.uniform(0.8, 1.8)))
            labels.append(c)
            col.append(is_col)
    arr = np.stack(imgs).transpose(0, 3, 1, 2).copy()
    return arr, np.asarray(labels, dtype=np.int64), np.asarray(col, dtype=bool)
