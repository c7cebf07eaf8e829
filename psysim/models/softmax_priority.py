"""Priority maps for softmax-selection search: one number in [0, 1] per item of a display.

The maps (target indicator, feature contrast, Guided Search 2.0 activation, Itti-Koch saliency
with and without on/off channels, the shipped CNN's CAM) and :func:`item_priorities`, which
computes a map for a set of displays once and caches it. The selection process that uses them
is :mod:`psysim.models.softmax_search`, which re-exports these names.
"""

from __future__ import annotations

import weakref

import numpy as np

from psysim.errors import PsysimError

PRIORITY_MAPS: dict = {}
"""Name -> function ``(cell, spec, displays) -> (n_displays, set_size)`` priorities in [0, 1]."""


def priority_map(name: str):
    """Decorator: register a priority-map function under ``name``."""

    def deco(fn):
        PRIORITY_MAPS[name] = fn
        return fn

    return deco


@priority_map("target")
def target_priority(cell: dict, spec, displays) -> np.ndarray:
    """1 for the target, 0 for every distractor: an observer who knows what to look for.

    With this map ``beta`` alone sets the guidance: the target's Luce weight relative to a
    distractor is ``exp(beta)`` (CGS's ``w_target``).
    """
    return np.asarray(cell["is_target"], dtype=float)


@priority_map("contrast")
def contrast_priority(cell: dict, spec, displays) -> np.ndarray:
    """Plain bottom-up feature contrast: the Guided Search 2.0 bottom-up map, no top-down set.

    Mean over the colour and orientation dimensions of the local share of differing items
    (:func:`psysim.models.guided_search.activation_maps` with ``w_bu = 1, w_td = 0``, radius 0.25
    field units), so it lies in [0, 1]. Shape is no guiding feature: the 2-vs-5 task is flat.
    """
    from psysim.models.guided_search import activation_maps

    return activation_maps(cell["x"], cell["y"], cell["colour"], cell["orientation"], spec.target.colour,
                           spec.target.orientation, 1.0, 0.0, 0.25) / 2.0


@priority_map("gs")
def gs_priority(cell: dict, spec, displays) -> np.ndarray:
    """Guided Search 2.0 activations (Wolfe 1994), noise-free, bottom-up plus top-down.

    :func:`psysim.models.guided_search.activation_maps` with ``w_bu = w_td = 1`` and radius 0.25,
    divided by 4 (two dimensions, each at most 2) so that it lies in [0, 1].
    """
    from psysim.models.guided_search import activation_maps

    return activation_maps(cell["x"], cell["y"], cell["colour"], cell["orientation"], spec.target.colour,
                           spec.target.orientation, 1.0, 1.0, 0.25) / 4.0


SALIENCY_IMAGE_SIZE = 512
"""Pixels of the rendered display for the saliency priority maps.

At 512 px an item (0.085 of the field) spans about 43 image pixels and 2.7 pixels of the
scale-4 saliency map (1/16 of the image), so every item is resolved in the map. At 128 px
the map is 8 x 8 for up to 18 items (about 1.2 map pixels per item) and the item priorities
are an artefact of resolution: the paper's map puts the red singleton strictly first on
about 20 % of feature displays at 128 px, about 50 % at 256 px and about 67-70 % at 512 and
1024 px (``python analysis/saliency_resolution.py``; the curve is in the ``saliency-popout``
report). 512 px is where the curve levels off, at a quarter of the cost of 1024 px.
"""


@priority_map("saliency")
def saliency_priority(cell: dict, spec, displays) -> np.ndarray:
    """Itti, Koch & Niebur (1998) saliency at the items.

    Each display is rendered at :data:`SALIENCY_IMAGE_SIZE` px and its saliency map computed
    (:class:`psysim.saliency.IttiKoch`). **Read-out rule**: the map is upsampled to the image
    and pooled over the item's own footprint, a disc of radius half an item size around the
    item centre, by its maximum. This is the quantity the model's winner-take-all network
    acts on: the focus of attention goes to the map's maximum (Itti, Koch & Niebur 1998,
    Sect. 2.3), so an item's priority is the highest saliency it holds anywhere in its
    footprint, not the value at one pixel. Values are divided by the display's largest map
    value (saliency maps are defined up to scale, and IK normalise per image), so they lie
    in [0, 1].
    """
    return _saliency_at_items(cell, displays, on_off=False)


@priority_map("saliency-onoff")
def saliency_onoff_priority(cell: dict, spec, displays) -> np.ndarray:
    """Itti-Koch saliency with on- and off-centre feature maps kept apart (Frintrop 2005), at the items.

    As :func:`saliency_priority` (same render size and read-out rule) with
    ``IttiKoch(on_off=True)``: a red bar among green bars then excites the red-on map alone
    instead of the ``|R-G|`` map that every item excites, so the colour singleton stands out
    (see ``psysim run saliency-popout``).
    """
    return _saliency_at_items(cell, displays, on_off=True)


def _saliency_at_items(cell: dict, displays, on_off: bool, size: int | None = None) -> np.ndarray:
    """Item priorities of the saliency map at ``size`` px (default :data:`SALIENCY_IMAGE_SIZE`)."""
    from psysim.displays import render
    from psysim.saliency import IttiKoch
    from psysim.saliency.model import upsample

    size = SALIENCY_IMAGE_SIZE if size is None else int(size)
    model = IttiKoch(on_off=on_off)
    out = []
    for i in range(0, len(cell["display_id"]), 32):  # batches keep memory modest at 512+ px
        part = {k: v[i : i + 32] for k, v in cell.items()}
        res = model.compute(render(displays, part["display_id"], size=size))
        sal = upsample(res.saliency, res.image_shape, 2**res.level)  # (n, size, size)
        out.append(_read_at_items(np.asarray(sal, float), part, displays, divide_by="map"))
    return np.concatenate(out) if out else np.zeros(np.shape(cell["x"]))


CNN_IMAGE_SIZE = 128
"""Pixels of the rendered display for the CNN priority map (the shipped network's input size).

The size is fixed by training (the network's filters are tuned to items of this size in
pixels). Items are resolved at it: the network pools once, so its last feature map, and the CAM,
is 64 x 64 and an item (0.085 of the field) spans about 5.4 CAM pixels (the saliency map at the
old 128 px gave 0.7). The CAM is upsampled to the image and read by the same footprint rule as
the saliency maps."""


@priority_map("cnn")
def cnn_priority(cell: dict, spec, displays) -> np.ndarray:
    """Network attention at the items: the class activation map (Zhou et al. 2016) of the class
    "present" of psysim's shipped search CNN.

    The network (:func:`psysim.networks.shipped_checkpoint`, a global-average-pooled CNN,
    ``analysis/train_search_cnn.py``) was trained on feature-search displays only (red vertical
    among green vertical bars), so its CAM is a learned "red item here" detector: on conjunction
    displays it marks every red item (a colour template, like Guided Search's top-down
    colour guidance), and on the 2-among-5 displays, which hold no red, it has no learned
    reason to prefer any item. Each display is rendered at :data:`CNN_IMAGE_SIZE` px; the CAM,
    min-max normalised per image, is read as the maximum within half an item size of each item
    centre and divided by the display's largest item value, so priorities lie in [0, 1].
    """
    import torch

    from psysim.displays import render
    from psysim.networks import class_activation_maps, load_checkpoint, shipped_checkpoint

    size = CNN_IMAGE_SIZE
    model, info = load_checkpoint(shipped_checkpoint())
    present = list(info["classes"]).index("present")
    images = render(displays, cell["display_id"], size=size)
    x = torch.from_numpy(np.ascontiguousarray(images.transpose(0, 3, 1, 2))).float().div_(255.0)
    maps = []
    with torch.random.fork_rng(devices=[]):  # CAM is deterministic; keep the global state untouched
        for i in range(0, len(x), 256):
            maps.append(class_activation_maps(model, x[i : i + 256], target=present, method="cam").maps.numpy())
    cam = np.concatenate(maps).astype(float) if maps else np.zeros((0, size, size))
    return _read_at_items(cam, cell, displays, divide_by="items")


def _read_at_items(maps: np.ndarray, cell: dict, displays, divide_by: str) -> np.ndarray:
    """Maximum of ``(n, size, size)`` image-resolution maps within half an item size of each item
    centre, divided per display by the map maximum (``"map"``) or the largest item value
    (``"items"``), or not at all (``"none"``); 0/0 gives 0."""
    n, size = maps.shape[0], maps.shape[-1]
    r = max(1, int(round(0.5 * displays.stimulus_set.geometry.item_size * size)))
    xs = np.clip(np.rint(cell["x"] * size).astype(int), 0, size - 1)
    ys = np.clip(np.rint(cell["y"] * size).astype(int), 0, size - 1)
    best = np.zeros(xs.shape)
    n_idx = np.arange(n)[:, None]
    for dy in range(-r, r + 1):  # a (2r+1)^2 window, vectorised over displays and items
        for dx in range(-r, r + 1):
            if dx * dx + dy * dy > r * r:
                continue
            v = maps[n_idx, np.clip(ys + dy, 0, size - 1), np.clip(xs + dx, 0, size - 1)]
            best = np.maximum(best, v)
    if divide_by == "none":
        return best
    top = maps.reshape(n, -1).max(axis=1) if divide_by == "map" else best.max(axis=1) if best.size else np.zeros(n)
    top = np.where(top > 0, top, 1.0)
    return best / top[:, None]


# one cache per DisplaySet object (weak: it goes when the DisplaySet goes): priorities are a
# pure function of the items, and some maps (saliency) are expensive
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def item_priorities(displays, priority: str, display_ids=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Priorities of every item of some displays, padded to the largest set size.

    Parameters
    ----------
    displays : DisplaySet
    priority : str or callable
        A name in :data:`PRIORITY_MAPS`, or a function ``(cell, spec, displays) -> array``.
    display_ids : array_like, optional
        Which displays, in this order (default: all).

    Returns
    -------
    priorities : ndarray (n, max_set_size)
        ``-inf`` where a display has no item.
    is_target : ndarray of bool (n, max_set_size)
    set_size : ndarray of int (n,)
    """
    fn = PRIORITY_MAPS.get(priority) if isinstance(priority, str) else priority
    if fn is None:
        raise PsysimError(f"unknown priority map {priority!r}; known: {', '.join(PRIORITY_MAPS)}")
    table = displays.displays
    ids = table["display_id"].to_numpy() if display_ids is None else np.asarray(display_ids)
    info = table.set_index("display_id")
    missing = ~np.isin(ids, info.index.to_numpy())
    if missing.any():
        raise PsysimError(f"softmax search: display_id {ids[missing][0]} is not in the DisplaySet")
    store = _CACHE.setdefault(displays, {}) if isinstance(priority, str) else {}
    sizes = info.loc[ids, "set_size"].to_numpy(dtype=np.int64)
    tasks = info.loc[ids, "task"].to_numpy()
    nmax = int(sizes.max()) if len(ids) else 0
    pri = np.full((len(ids), nmax), -np.inf)
    tgt = np.zeros((len(ids), nmax), dtype=bool)
    for task, n in sorted(set(zip(tasks, sizes))):
        sel = np.flatnonzero((tasks == task) & (sizes == n))
        want = ids[sel]
        key = (priority, task, int(n))
        got = store.get(key)
        if got is None or not np.isin(want, got[0]).all():
            cell_ids = np.unique(np.concatenate([want, got[0]])) if got is not None else np.unique(want)
            got = _compute_cell(displays, fn, task, int(n), cell_ids)
            store[key] = got
        pos = np.searchsorted(got[0], want)
        pri[sel, :n] = got[1][pos]
        tgt[sel, :n] = got[2][pos]
    return pri, tgt, sizes


def _compute_cell(displays, fn, task, n, cell_ids):
    it = displays.items[displays.items["display_id"].isin(cell_ids)].sort_values(["display_id", "item"])
    shape = (len(cell_ids), n)
    if len(it) != shape[0] * n:
        raise PsysimError(f"softmax search: displays of task {task!r}, set size {n} do not all have {n} items")
    cell = {"display_id": cell_ids}
    for col in ("x", "y", "orientation", "colour", "shape", "is_target"):
        cell[col] = it[col].to_numpy().reshape(shape)
    a = np.asarray(fn(cell, displays.stimulus_set.task(task), displays), dtype=float)
    if a.shape != shape:
        raise PsysimError(f"priority map returned shape {a.shape}, expected {shape}")
    if not np.isfinite(a).all():
        raise PsysimError(f"priority map gave non-finite values for task {task!r}, set size {n}")
    return cell_ids, a, cell["is_target"].astype(bool)
