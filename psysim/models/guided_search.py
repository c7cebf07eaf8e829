"""Guided Search 2.0 (Wolfe 1994) with the adaptive threshold and guessing of Chun & Wolfe (1996).

The model reads the item tables of a :class:`~psysim.displays.DisplaySet`, so it sees the very
displays the other models see.

Activation map (Wolfe 1994, "Guided Search 2.0", sections on bottom-up and top-down activation):

- Each item is coded in **categorical channels** per feature dimension: colour (the colour
  name) and orientation (``steep`` within 30 deg of vertical, ``shallow`` within 30 deg of
  horizontal, ``left``/``right`` tilted otherwise; Wolfe 1994 used steep/shallow/left/right).
  Shape (2 vs 5) is not a guiding feature, so spatial-configuration search is unguided.
- **Bottom-up** activation of item ``i`` on a dimension is its local feature contrast: the
  distance-weighted share of other items whose category differs,
  ``bu_i = sum_j [c_i != c_j] g(d_ij) / sum_j g(d_ij)`` with ``g(d) = exp(-d^2 / 2 r^2)``
  (``r`` = ``bu_radius`` in field units). Normalising by the weights caps it at 1, as Wolfe's
  bottom-up map is bounded (our choice of the exact form).
- **Top-down** activation on a dimension is 1 when the item's category matches the target's
  category (the observer's set for "red" and "steep"), else 0.
- Activation = ``sum over dimensions (w_bu * bu + w_td * td) + N(0, noise_sd)``.

Search: attention visits items in order of decreasing activation, identification is perfect;
search ends when the target is reached ("present"), or when no unvisited item has activation
above the **activation threshold** ("absent"). Misses happen when noise puts the target below
the threshold. The threshold is **adaptive** (Chun & Wolfe 1996): it rises by ``thr_up``
(more liberal, earlier quitting) after every correct trial and falls by ``thr_down`` (more
conservative) after a miss, so at equilibrium the miss rate is about
``thr_up / (thr_up + thr_down)``. Observers also **guess** (Chun & Wolfe 1996): before visiting
the ``k``-th item the search is abandoned with probability ``min(1, (k - 1) * guess_rate)``,
which grows with trial duration, and a guess is "present" or "absent" with equal probability.
So misses and false alarms come out of the mechanism, not from fixed rates.

Timing: RT = ``t_base`` + an exponential residual (mean ``res_mean``) + one Gamma time per
visited item (mean ``t_item``, coefficient of variation ``item_cv``; the sum of ``k`` items is
drawn as one Gamma by inverse CDF).

Vectorisation: the threshold makes consecutive trials of an observer dependent. Trials of one
task are put in a random order and dealt to many independent "observer chains" that run side
by side; each step processes one trial of every chain at once (arrays over chains and items),
after ``burn_in`` unrecorded warm-up trials per chain so that the threshold starts near its
equilibrium. Everything that does not depend on the threshold (activations, their order,
guess times) is computed for all trials at once. Activation is linear in ``w_bu`` and
``w_td``, so the unweighted bottom-up and top-down sums are computed once per design and
``bu_radius`` and cached on the DisplaySet: a fit simulates the same displays at every
evaluation (common random numbers) and only the weights change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import gammaincinv

from psysim.errors import PsysimError
from psysim.models.base import Param, SearchModel, register

ORIENTATION_CATEGORIES = ("steep", "shallow", "left", "right")


def orientation_category(deg) -> np.ndarray:
    """Categorical orientation channel (Wolfe 1994): 0 steep, 1 shallow, 2 left, 3 right.

    ``deg`` is clockwise from vertical. Within 30 deg of vertical is steep, within 30 deg of
    horizontal is shallow, anything else is tilted right (clockwise) or left.
    """
    a = np.mod(np.asarray(deg, dtype=float), 180.0)  # bars are symmetric under 180 deg
    folded = np.minimum(a, 180.0 - a)  # 0 = vertical, 90 = horizontal
    return np.where(folded <= 30.0, 0, np.where(folded >= 60.0, 1, np.where(a < 90.0, 3, 2)))


def activation_maps(x, y, colour, orientation, target_colour, target_orientation,
                    w_bu: float, w_td: float, bu_radius: float) -> np.ndarray:
    """Noise-free Guided Search 2.0 activation of every item (Wolfe 1994).

    Parameters
    ----------
    x, y : ndarray (n_displays, n_items)
        Item positions (field units).
    colour : ndarray of str (n_displays, n_items)
    orientation : ndarray (n_displays, n_items)
        Degrees clockwise from vertical.
    target_colour, target_orientation
        The target's features (what top-down activation is set for).
    w_bu, w_td, bu_radius : float
        Bottom-up and top-down weights; width of the distance weighting (field units).

    Returns
    -------
    ndarray (n_displays, n_items)
    """
    n, k = x.shape
    x, y = np.asarray(x, np.float32), np.asarray(y, np.float32)  # single precision: half the memory traffic
    dx = x[:, :, None] - x[:, None, :]
    dy = y[:, :, None] - y[:, None, :]
    g = np.exp((dx * dx + dy * dy) * np.float32(-0.5 / bu_radius**2))
    g[:, np.arange(k), np.arange(k)] = 0.0
    gsum = g.sum(-1)
    safe = np.where(gsum > 0, gsum, 1.0)
    act = np.zeros((n, k))
    # colour names as integer codes (the target's colour gets its own code even if absent)
    codes, names = pd.factorize(np.append(np.asarray(colour, dtype=object).ravel(), str(target_colour)))
    t_col, col = codes[-1], codes[:-1].reshape(n, k)
    ori = orientation_category(orientation)
    for cat, tcat, n_cat in ((col, t_col, len(names)), (ori, orientation_category(target_orientation), 4)):
        # weight of same-category neighbours by a batched matrix product with one-hot codes
        onehot = (cat[:, :, None] == np.arange(n_cat)).astype(np.float32)
        same = np.take_along_axis(g @ onehot, cat[:, :, None], axis=2)[:, :, 0]
        bu = np.where(gsum > 0, (gsum - same) / safe, 0.0).astype(float)
        td = (cat == tcat).astype(float)
        act += w_bu * bu + w_td * td
    return act


@register
class GuidedSearch(SearchModel):
    """Guided Search 2.0 (Wolfe 1994) with adaptive threshold and guessing (Chun & Wolfe 1996).

    Reads item tables (``needs_items = True``): pass a DisplaySet from
    :func:`psysim.displays.make_displays`. See the module docstring for the mechanism.
    """

    name = "gs"
    needs_items = True
    citation = (
        "Wolfe, J. M. (1994). Guided Search 2.0: A revised model of visual search. Psychonomic "
        "Bulletin & Review, 1(2), 202-238. Chun, M. M., & Wolfe, J. M. (1996). Just say no: How "
        "are visual searches terminated when there is no target present? Cognitive Psychology, "
        "30(1), 39-78."
    )
    parameters = (
        Param("w_bu", 1.0, 0.0, 20.0, "", "weight of bottom-up (local contrast) activation"),
        Param("w_td", 1.0, 0.0, 20.0, "", "weight of top-down (target-match) activation"),
        Param("bu_radius", 0.25, 0.02, 2.0, "field units", "width of the neighbourhood weighting"),
        Param("noise_sd", 0.5, 0.01, 10.0, "", "SD of the Gaussian activation noise"),
        Param("thr0", 1.0, -20.0, 20.0, "", "starting activation threshold"),
        Param("thr_up", 0.02, 0.0, 2.0, "", "threshold rise after a correct trial"),
        Param("thr_down", 0.6, 0.0, 10.0, "", "threshold fall after a miss"),
        Param("guess_rate", 0.0005, 0.0, 0.5, "1/item", "growth of the guessing hazard per visited item"),
        Param("t_item", 50.0, 1.0, 400.0, "ms/item", "mean time to visit one item"),
        Param("item_cv", 0.5, 0.05, 2.0, "", "coefficient of variation of one item's time"),
        Param("t_base", 400.0, 50.0, 2000.0, "ms", "constant base time (encoding and response)"),
        Param("res_mean", 80.0, 1.0, 1500.0, "ms", "mean of the exponential residual time"),
    )
    fit_fixed = {"w_bu": 1.0, "bu_radius": 0.25, "thr0": 1.0, "item_cv": 0.5}
    """Parameters held fixed when fitting: ``w_bu`` sets the scale of the activations (only
    ratios to it matter), the others are weakly identified by RT quantiles."""

    n_steps: int = 64
    """Trials per observer chain (the number of chains is ``ceil(n_trials / n_steps)``)."""
    burn_in: int = 40
    """Unrecorded warm-up trials per chain."""

    def _simulate(self, design: pd.DataFrame, rng: np.random.Generator, displays) -> dict:
        p = self.params
        size = len(design)
        ids = design["display_id"].to_numpy()
        if not np.isin(ids, displays.displays["display_id"].to_numpy()).all():
            raise PsysimError("gs: the design names display_id values that the DisplaySet lacks")
        nmax = int(design["set_size"].max())

        # noise-free activations for every trial, padded to nmax with -inf (no item): the sum
        # over dimensions of bottom-up and of top-down activation, each computed once per
        # design and neighbourhood width and cached on the DisplaySet (a fit simulates the
        # same displays at every evaluation; only the weights change)
        bu_sum, td_sum, is_t = self._features(design, displays, nmax)
        base_act = np.where(np.isfinite(bu_sum), p["w_bu"] * bu_sum + p["w_td"] * td_sum, -np.inf)

        # random numbers, drawn for all trials in a fixed order
        noise = rng.standard_normal((size, nmax))
        u_guess = rng.random((size, nmax))
        u_coin = rng.random(size)
        u_items = rng.random(size)
        resid = rng.standard_exponential(size)
        order_keys = rng.random(size)

        act = base_act + p["noise_sd"] * noise
        present = design["target_present"].to_numpy(bool)
        t_act = np.where(present, np.where(is_t, act, -np.inf).max(axis=1), -np.inf)
        srt = -np.sort(-act, axis=1)  # descending; padding (-inf) last
        rank = (act > t_act[:, None]).sum(axis=1)  # items visited before the target
        # guessing: before the k-th visit (k = 1..nmax) with hazard min(1, (k - 1) * rate)
        hazard = np.minimum(1.0, np.arange(nmax) * p["guess_rate"])
        hit = u_guess < hazard
        guess_after = np.where(hit.any(axis=1), hit.argmax(axis=1), nmax + 1)

        n_vis = np.zeros(size, dtype=np.int64)
        response = np.zeros(size, dtype=bool)
        task_arr = design["task"].to_numpy()
        for task in pd.unique(task_arr):
            idx = np.flatnonzero(task_arr == task)
            idx = idx[np.argsort(order_keys[idx], kind="stable")]  # random trial order
            self._run_chains(idx, srt, t_act, rank, guess_after, u_coin, present, n_vis, response, rng)

        k = 1.0 / p["item_cv"] ** 2
        item_time = np.zeros(size)
        some = n_vis > 0
        item_time[some] = gammaincinv(n_vis[some] * k, u_items[some]) * p["t_item"] / k
        rt = p["t_base"] + resid * p["res_mean"] + item_time
        return {"response": response, "rt": rt, "n_attended": n_vis}

    def _features(self, design, displays, nmax):
        """Summed bottom-up and top-down activation (unweighted) and target flags per trial."""
        p = self.params
        key = (id(design), hash(design["display_id"].to_numpy().tobytes()), float(p["bu_radius"]))
        cache = displays.__dict__.setdefault("_gs_feature_cache", {})
        hit = cache.get(key)
        if hit is not None and hit[0] is design:
            return hit[1:]
        ss = displays.stimulus_set
        items = displays.items
        size = len(design)
        bu_sum = np.full((size, nmax), -np.inf)
        td_sum = np.zeros((size, nmax))
        is_t = np.zeros((size, nmax), dtype=bool)
        for (task, n), rows in design.groupby(["task", "set_size"], sort=True):
            spec = ss.task(task)
            it = items[items["display_id"].isin(rows["display_id"])].sort_values(["display_id", "item"])
            did = it["display_id"].to_numpy().reshape(-1, n)[:, 0]
            shape = (len(did), n)
            args = (it["x"].to_numpy().reshape(shape), it["y"].to_numpy().reshape(shape),
                    it["colour"].to_numpy().reshape(shape), it["orientation"].to_numpy().reshape(shape),
                    spec.target.colour, spec.target.orientation)
            # activation is linear in the two weights: evaluate each part once
            bu = activation_maps(*args, 1.0, 0.0, p["bu_radius"])
            td = activation_maps(*args, 0.0, 1.0, p["bu_radius"])
            # a design may use a display more than once: map each design row to its display
            r = design.index.get_indexer(rows.index)
            where = pd.Series(np.arange(len(did)), index=did).loc[rows["display_id"].to_numpy()].to_numpy()
            bu_sum[r, :n] = bu[where]
            td_sum[r, :n] = td[where]
            is_t[r, :n] = it["is_target"].to_numpy().reshape(shape)[where]
        if len(cache) > 8:
            cache.clear()
        cache[key] = (design, bu_sum, td_sum, is_t)
        return bu_sum, td_sum, is_t

    def _run_chains(self, idx, srt, t_act, rank, guess_after, u_coin, present, n_vis, response, rng):
        """Run the adaptive-threshold chains over the trials ``idx`` of one task (in order)."""
        p = self.params
        n_chains = int(np.ceil(len(idx) / self.n_steps))
        n_steps = int(np.ceil(len(idx) / n_chains))
        # warm-up trials: a random sample (with replacement) of this task's trials
        warm = idx[rng.integers(0, len(idx), size=(self.burn_in, n_chains))]
        thr = np.full(n_chains, p["thr0"])
        steps = [(warm[s], False) for s in range(self.burn_in)]
        padded = np.full(n_steps * n_chains, -1)
        padded[: len(idx)] = idx
        grid = padded.reshape(n_chains, n_steps).T  # step s: trial of each chain
        steps += [(grid[s], True) for s in range(n_steps)]
        for trials, record in steps:
            live = trials >= 0
            tr = np.where(live, trials, 0)
            above = (srt[tr] > thr[:, None]).sum(axis=1)
            found_ok = t_act[tr] > thr
            stop = np.where(found_ok, rank[tr] + 1, above)
            guessed = guess_after[tr] < stop
            visited = np.where(guessed, guess_after[tr], stop)
            resp = np.where(guessed, u_coin[tr] < 0.5, found_ok)
            pres = present[tr]
            correct = resp == pres
            miss = pres & ~resp
            thr = thr + np.where(live & correct, p["thr_up"], 0.0) - np.where(live & miss, p["thr_down"], 0.0)
            if record:
                n_vis[tr[live]] = visited[live]
                response[tr[live]] = resp[live]
