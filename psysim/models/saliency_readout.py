"""Where the Itti-Koch map puts a feature singleton: resolution and channels, measured.

Two measurements behind ``psysim run saliency-popout`` and ``analysis/saliency_resolution.py``:

* :func:`top_item_rates`: how often the item-pooled saliency priorities of
  :mod:`psysim.models.softmax_search` put the target **strictly** first (its priority above
  every distractor's, ties counting as failures) against the render size. Below about 2 map
  pixels per item the rate is an artefact of resolution; it levels off once each item is
  resolved.
* :func:`channel_peaks`: per conspicuity map (colour, intensity, orientation; Itti, Koch &
  Niebur 1998, Eqs. 5-7) and per normalisation of :class:`psysim.saliency.IttiKoch`, the map's
  value at the target against the best distractor (each pooled over the item's footprint by
  its maximum, as the priority maps are) and how often the map peaks on the target. This
  says which channel carries the singleton and which channels dilute it in the sum
  ``S = (N(I) + N(C) + N(O)) / 3`` (Eq. 8).
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

CHANNELS = ("colour", "intensity", "orientation")


def _strict_first(pri: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    """Per display: the target's priority is above every other item's (ties fail)."""
    t = np.where(tgt, pri, -np.inf).max(axis=1)
    d = np.where(tgt, -np.inf, pri).max(axis=1)
    return t > d


def top_item_rates(displays, sizes=(128, 256, 512, 1024), on_off: bool = False) -> pd.DataFrame:
    """Strict top-item rate of the item-pooled saliency priorities against render size.

    Parameters
    ----------
    displays : DisplaySet
        Target-present displays are used (others are ignored).
    sizes : sequence of int
        Render sizes (px, square).
    on_off : bool
        ``IttiKoch(on_off=...)``.

    Returns
    -------
    DataFrame
        One row per size: ``size_px``, ``map_px_per_item`` (item size in scale-4 map pixels),
        ``top_rate`` (fraction of displays with the target strictly first), ``n``.
    """
    from psysim.models.softmax_priority import _saliency_at_items, item_priorities

    ids = displays.displays.loc[displays.displays["target_present"], "display_id"].to_numpy()
    item = displays.stimulus_set.geometry.item_size
    rows = []
    for size in sizes:
        fn = partial(_saliency_at_items, on_off=on_off, size=int(size))
        pri, tgt, _ = item_priorities(displays, lambda cell, spec, ds, fn=fn: fn(cell, ds), display_ids=ids)
        hit = _strict_first(pri, tgt)
        rows.append({"size_px": int(size), "map_px_per_item": item * size / 16.0, "top_rate": float(hit.mean()),
                     "n": int(len(hit))})
    return pd.DataFrame(rows)


def channel_peaks(displays, size: int = 512, normalizations=("maxnorm", "iterative")) -> pd.DataFrame:
    """Per channel and normalisation: conspicuity at the target vs the best distractor.

    Parameters
    ----------
    displays : DisplaySet
        Target-present displays are used.
    size : int
        Render size (px).
    normalizations : sequence of str
        ``IttiKoch(normalization=...)`` settings to compare.

    Returns
    -------
    DataFrame
        One row per normalisation x map (the three conspicuity maps after N(.) and divided by 3,
        i.e. each channel's share of S, and the saliency map S): ``target`` and
        ``best_distractor`` (mean over displays of the map pooled over the item, in units of the
        display's saliency-map maximum, so the channels are on the scale at which they enter
        the sum), ``peak_on_target`` (fraction of displays where
        the target holds the map's highest item value, strictly), ``n``.
    """
    from psysim.displays import render
    from psysim.models.softmax_priority import _read_at_items
    from psysim.saliency import IttiKoch
    from psysim.saliency.model import MAP_LEVEL, upsample

    present = displays.displays[displays.displays["target_present"]]
    rows = []
    for norm in normalizations:
        model = IttiKoch(normalization=norm)
        acc = {m: {"t": [], "d": [], "hit": []} for m in (*CHANNELS, "saliency")}
        for (_task, n), g in present.groupby(["task", "set_size"]):
            ids = g["display_id"].to_numpy()
            it = displays.items[displays.items["display_id"].isin(ids)].sort_values(["display_id", "item"])
            cell = {"display_id": ids}
            for col in ("x", "y", "is_target"):
                cell[col] = it[col].to_numpy().reshape(len(ids), int(n))
            tgt = cell["is_target"].astype(bool)
            res = model.compute(render(displays, ids, size=size))
            scale = res.saliency.reshape(len(ids), -1).max(axis=1)
            scale = np.where(scale > 0, scale, 1.0)
            # each channel's share of S = (N(I) + N(C) + N(O)) / 3 (Eq. 8); N(.) rescales a map as a
            # whole, so where a map peaks is the same before and after it
            consp = np.stack([res.conspicuity[m] for m in CHANNELS], axis=1)
            normed = model._norm(consp, MAP_LEVEL, res.image_shape[1]) / 3.0
            for m in acc:
                raw = res.saliency if m == "saliency" else normed[:, CHANNELS.index(m)]
                up = upsample(np.asarray(raw, float) / scale[:, None, None], res.image_shape, 2**res.level)
                v = _read_at_items(up, cell, displays, divide_by="none")
                acc[m]["t"].append(np.where(tgt, v, -np.inf).max(axis=1))
                acc[m]["d"].append(np.where(tgt, -np.inf, v).max(axis=1))
                acc[m]["hit"].append(_strict_first(v, tgt))
        for m, a in acc.items():
            t, d, hit = (np.concatenate(a[k]) for k in ("t", "d", "hit"))
            rows.append({"normalization": norm, "map": m, "target": float(t.mean()), "best_distractor": float(d.mean()),
                         "peak_on_target": float(hit.mean()), "n": int(len(hit))})
    return pd.DataFrame(rows)

