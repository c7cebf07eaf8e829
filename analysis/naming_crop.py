"""How much of the network's input the drawing fills, with and without margin cropping.

For the built-in Snodgrass & Vanderwart pictures (PSYSIM_DATA), at the network's input size: per
picture, the ink bounding box's longer side as a share of the image side, and the share of ink
pixels (any channel below 250), with ``crop`` on and off; medians per version (line / colour).

Run::

    PSYSIM_DATA=../shared/data python analysis/naming_crop.py [--size 64]
"""

from __future__ import annotations

import argparse

import numpy as np


def spans(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(box side share, ink share) per image of a ``(N, 3, S, S)`` uint8 array."""
    ink = (images < 250).any(axis=1)
    side = images.shape[-1]
    box = np.zeros(len(ink))
    for i, m in enumerate(ink):
        rows, cols = np.flatnonzero(m.any(axis=1)), np.flatnonzero(m.any(axis=0))
        if len(rows):
            box[i] = max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1) / side
    return box, ink.mean(axis=(1, 2))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=64)
    args = ap.parse_args(argv)
    from psysim.naming import builtin_picture_set

    for crop in (False, True):
        ps = builtin_picture_set(size=args.size, crop=crop)
        box, ink = spans(ps.images.numpy())
        for version in ("line", "colour"):
            sel = (ps.table["version"] == version).to_numpy()
            print(f"crop={crop!s:5} {version:6} n={sel.sum():3d}  median box side {np.median(box[sel]):.3f}  "
                  f"(min {box[sel].min():.3f})  median ink {100 * np.median(ink[sel]):.1f} %")


if __name__ == "__main__":
    main()
