"""Outputs of IttiKoch before the blocked full-resolution stage (commit d8886b5)."""
import sys

import numpy as np

sys.path.insert(0, "tests")
from test_saliency_model import _natural_like

from psysim.displays import make_displays, render
from psysim.saliency import IttiKoch

out = {}
imgs = {"natural": _natural_like(0, (481, 643)), "small": _natural_like(1, (37, 45))}
ds = make_displays(tasks=("feature", "conjunction"), set_sizes=(6, 18), n_per_cell=1, seed=5, target_present=(True,))
disp = render(ds, size=256)
imgs["displays"] = disp
for name, img in imgs.items():
    for on_off in (False, True):
        for dtype in ("float32", "float64"):
            r = IttiKoch(on_off=on_off, dtype=dtype).compute(img)
            key = f"{name}_{'onoff' if on_off else 'paper'}_{dtype}"
            out[key + "_S"] = r.saliency
            if dtype == "float32":
                for c, v in r.conspicuity.items():
                    out[key + "_" + c] = v
np.savez_compressed("tests/data/saliency_d8886b5.npz", **out)
print({k: v.shape for k, v in list(out.items())[:6]}, len(out))
