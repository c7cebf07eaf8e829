"""Search driven by bottom-up saliency: Itti, Koch & Niebur (1998) as a visual-search model.

Itti & Koch (2000, Vision Research 40, 1489-1506) used the saliency map's winner-take-all
order as the order in which attention visits locations during search. This model does that on
psysim's displays:

1. each display is rendered (:func:`psysim.displays.render`, ``render_size`` px) and its
   saliency map computed (:class:`psysim.saliency.IttiKoch`); an item's saliency is the
   saliency map (scale 4) after a maximum filter one item wide, read at the item's centre by
   bilinear interpolation, divided by the display's largest item saliency;
2. on each trial item saliencies get independent multiplicative noise
   ``exp(noise * z)``, z ~ N(0, 1) (trial-to-trial variability of the map; ours);
3. attention visits items in decreasing (noisy) saliency, the winner-take-all order of the
   saliency map; inhibition of return keeps a visited item from being visited again in the
   trial (the 500-900 ms IOR of the paper outlasts most searches);
4. identification at an attended item is perfect: reaching the target ends the trial "present";
5. **quitting rule**: search also ends, "absent", when the next item's relative saliency is
   below ``quit_threshold`` (items that weak would never win the WTA; with the default 0 the
   search of an absent display is exhaustive). A target below the threshold is missed.
6. ``RT = base + visits * dwell + e``, e ~ N(0, ``rt_sd``) (truncated so that RT >= base / 2).

Extra columns: ``n_attended`` (visits) and ``target_rank`` (1 = most salient item; 0 on absent
displays).
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd
from scipy import ndimage

from psysim.models.base import Param, SearchModel, register

RENDER_SIZE = 512
"""Pixels of the rendered displays (the saliency map is at 1/16 of it)."""

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Item saliency per DisplaySet (weakly keyed: it goes when the DisplaySet goes). Saliency is a
pure function of the items and the render size, and is costly; parameters do not enter it."""


def display_maps(displays, size: int = RENDER_SIZE, batch: int = 16, on_off: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Saliency maps (scale 4) of every display of a DisplaySet, rendered at ``size`` px.

    Returns ``(display_ids, maps)`` with maps of shape ``(n, ceil(size/16), ceil(size/16))``;
    cached per DisplaySet, size and model variant (``on_off``: on- and off-centre maps kept
    apart, see :class:`psysim.saliency.IttiKoch`).
    """
    from psysim.displays import render
    from psysim.saliency import IttiKoch

    store = _CACHE.setdefault(displays, {})
    key = ("maps", int(size), bool(on_off))
    if key not in store:
        ids = displays.displays["display_id"].to_numpy()
        model = IttiKoch(on_off=bool(on_off))
        maps = [model.saliency_map(render(displays, ids[i : i + batch], size=size)) for i in range(0, len(ids), batch)]
        store[key] = (ids, np.concatenate(maps).astype(np.float64))
    return store[key]


def item_saliency(displays, size: int = RENDER_SIZE, on_off: bool = False) -> pd.Series:
    """Saliency of every item of a DisplaySet (aligned with ``displays.items``), in [0, 1] per
    display (1 = the display's most salient item). See the module docstring for the definition.
    """
    store = _CACHE.setdefault(displays, {})
    key = ("items", int(size), bool(on_off))
    if key in store:
        return store[key]
    ids, maps = display_maps(displays, size, on_off=on_off)
    geo = displays.stimulus_set.geometry
    half = 0.5 * geo.item_size * size / 16.0  # half an item, in map (scale 4) pixels
    win = 2 * int(np.ceil(half)) + 1
    maps = ndimage.maximum_filter(maps, size=(1, win, win), mode="nearest")
    items = displays.items
    out = np.zeros(len(items))
    x_all, y_all = items["x"].to_numpy(), items["y"].to_numpy()
    row_of = {d: k for k, d in enumerate(ids)}
    for did, idx in items.groupby("display_id").indices.items():
        # map pixel j sits at image pixel 16 j (the pyramid keeps even samples)
        coords = [(y_all[idx] * size - 0.5) / 16.0, (x_all[idx] * size - 0.5) / 16.0]
        v = ndimage.map_coordinates(maps[row_of[did]], coords, order=1, mode="nearest")
        out[idx] = v / v.max() if v.max() > 0 else 1.0
    series = pd.Series(out, index=items.index, name="saliency")
    store[key] = series
    return series


@register
class SaliencySearch(SearchModel):
    """Serial search in the winner-take-all order of the Itti-Koch saliency map.

    See the module docstring for the mechanism. Needs a DisplaySet (it reads the rendered
    items).
    """

    name = "saliency"
    needs_items = True
    render_size = RENDER_SIZE
    on_off = False
    citation = (
        "Itti, L., Koch, C., & Niebur, E. (1998). A model of saliency-based visual attention for "
        "rapid scene analysis. IEEE TPAMI, 20(11), 1254-1259; Itti, L., & Koch, C. (2000). A "
        "saliency-based search mechanism for overt and covert shifts of visual attention. Vision "
        "Research, 40, 1489-1506."
    )
    parameters = (
        Param("base", 450.0, 100.0, 2000.0, "ms", "encoding and response time"),
        Param("dwell", 50.0, 0.0, 400.0, "ms/item", "time per attended item"),
        Param("quit_threshold", 0.0, 0.0, 1.0, "", "search ends at items less salient than this fraction of the most salient"),
        Param("noise", 0.1, 0.0, 2.0, "", "SD of the log-normal noise on item saliency per trial"),
        Param("rt_sd", 60.0, 0.0, 1000.0, "ms", "SD of the Gaussian noise on RT"),
    )

    def _simulate(self, design: pd.DataFrame, rng: np.random.Generator, displays) -> dict:
        p = self.params
        sal = item_saliency(displays, self.render_size, on_off=self.on_off)
        items = displays.items.assign(saliency=sal.to_numpy())
        n_trials = len(design)
        rt_noise = rng.standard_normal(n_trials)
        visits = np.zeros(n_trials, dtype=np.int64)
        found = np.zeros(n_trials, dtype=bool)
        rank = np.zeros(n_trials, dtype=np.int64)
        did = design["display_id"].to_numpy()
        sizes = design["set_size"].to_numpy(dtype=np.int64)
        items = items.sort_values(["display_id", "item"])
        item_n = items["display_id"].map(displays.displays.set_index("display_id")["set_size"]).to_numpy()
        for n in np.unique(sizes):  # one vectorised block per set size
            rows = np.flatnonzero(sizes == n)
            block = items[item_n == n]
            ids_n = block["display_id"].to_numpy()[::n]
            at = np.searchsorted(ids_n, did[rows])
            s = block["saliency"].to_numpy().reshape(-1, n)[at]  # (trials, n)
            t = block["is_target"].to_numpy().reshape(-1, n)[at]
            s = s * np.exp(p["noise"] * rng.standard_normal(s.shape))
            rel = s / s.max(axis=1, keepdims=True)
            above = rel >= p["quit_threshold"]
            n_above = np.maximum(above.sum(axis=1), 1)
            # rank of each item in the WTA order (1 = first visited)
            order = np.argsort(-s, axis=1, kind="stable")
            ranks = np.empty_like(order)
            np.put_along_axis(ranks, order, np.arange(1, n + 1)[None, :].repeat(len(rows), 0), axis=1)
            has_t = t.any(axis=1)
            t_rank = np.where(has_t, (ranks * t).sum(axis=1), 0)
            t_ok = has_t & ((rel * t).sum(axis=1) >= p["quit_threshold"])
            found[rows] = t_ok
            visits[rows] = np.where(t_ok, t_rank, n_above)
            rank[rows] = t_rank
        rt = p["base"] + visits * p["dwell"] + p["rt_sd"] * rt_noise
        rt = np.maximum(rt, 0.5 * p["base"])
        return {"response": found, "rt": rt, "n_attended": visits, "target_rank": rank}


@register
class SaliencyOnOffSearch(SaliencySearch):
    """Serial search on the Itti-Koch map with on- and off-centre cells kept apart (Frintrop 2005).

    :class:`SaliencySearch` on the saliency map with on- and off-centre intensity and colour
    cells kept apart (``IttiKoch(on_off=True)``; Frintrop, 2005, VOCUS), the variant in which a
    red singleton among green items pops out. Same parameters and mechanism.
    """

    name = "saliency-onoff"
    on_off = True
    citation = SaliencySearch.citation + (
        " On/off separation: Frintrop, S. (2005). VOCUS: A visual attention system for object "
        "detection and goal-directed search. LNAI 3899, Springer."
    )
