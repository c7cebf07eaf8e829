"""Strict top-item rate of the Itti-Koch priority map on feature displays against render size.

The softmax saliency priority maps (:mod:`psysim.models.softmax_search`) read the saliency map
pooled over each item's footprint. Whether the red singleton comes out strictly first depends
on how many map pixels an item spans (the map is at 1/16 of the image); this prints the rate
for a few render sizes, for the paper's map and the on/off variant::

    python analysis/saliency_resolution.py --sizes 128,256,512,1024 --n-per-cell 20 --seed 0

``psysim run saliency-popout`` computes the same curve (``resolution.csv``). About 20 s per
100 displays at 1024 px on one core.
"""

from __future__ import annotations

import argparse

import pandas as pd

from psysim.displays import make_displays
from psysim.models.saliency_readout import top_item_rates


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="128,256,512,1024", help="render sizes in px, comma-separated")
    ap.add_argument("--n-per-cell", type=int, default=20, help="displays per set size (6, 12, 18)")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    sizes = [int(s) for s in a.sizes.split(",")]
    ds = make_displays(("feature",), (6, 12, 18), a.n_per_cell, seed=a.seed, target_present=(True,))
    tab = pd.concat([top_item_rates(ds, sizes, on_off=v).assign(model=m)
                     for m, v in (("saliency", False), ("saliency-onoff", True))], ignore_index=True)
    print(tab.to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
