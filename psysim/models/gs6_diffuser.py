"""The asynchronous diffuser of Guided Search 6.0 (Wolfe 2021), stepped for many trials at once.

Wolfe (2021), sections "Selection" and "The asynchronous diffuser" (the car-wash analogy,
Fig. 7; section and figure names unverified, see :mod:`psysim.models.gs6`): about every 50 ms the item of highest priority enters a stage that holds a few items
at once; each item's identity diffuses to a target or a distractor bound; a rejected item that
is forgotten may be selected again. :class:`psysim.models.gs6.GuidedSearch6` describes the
mechanism and the choices the paper leaves open; this module only steps it.

Layout, for speed: every per-item array is (items, trials) and every per-place array is
(places, trials), so that the reductions made at each selection (the best item, the first
place to free) run along the first axis, vectorised over trials. An item's priority and its
index are packed into one integer *selection key*: the priority's float bits mapped to an
integer of the same order, with the index in the lowest bits. One ``max`` over items then gives
both the winner and its index (``argmax`` along a short axis is an order of magnitude slower in
numpy). The lowest bits of the priority are lost (5 of the 24 bits of a float32 at set size
18): two priorities that close are tied, and the tie goes to the higher index. Finished trials
are masked and compacted only when fewer than :data:`COMPACT` of the rows are still searching.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import ndtri

from psysim.errors import PsysimError
from psysim.models.gs6_diffusion import N_ATOMS, midpoint_quantiles, p_correct

COMPACT = 0.6
"""Compact the state arrays when fewer than this share of their rows are still searching."""


def _key_types(n_items: int):
    """(float type, integer type, index bits) of the selection keys for ``n_items`` items."""
    bits = max(1, int(n_items - 1).bit_length())
    if bits <= 6:
        return np.float32, np.int32, bits
    return np.float64, np.int64, bits


def selection_keys(priority, index, bits: int) -> np.ndarray:
    """Integer keys ordered like ``priority`` (float32 or float64), with ``index`` in the low ``bits``.

    The float's bit pattern, read as a signed integer, orders non-negative floats correctly;
    negative floats have their magnitude bits flipped so that they order too.
    """
    itype = np.int32 if priority.dtype == np.float32 else np.int64
    b = np.ascontiguousarray(priority).view(itype)
    k = b ^ ((b >> (8 * b.itemsize - 1)) & np.iinfo(itype).max)
    return (k & itype(~((1 << bits) - 1))) | np.asarray(index, dtype=itype)


def diffuse(base, noise, is_t, horizon, p, rng, max_steps=2000):
    """Step the asynchronous diffuser of every trial until detection, exhaustion or horizon.

    Parameters
    ----------
    base : ndarray (n_trials, n_items)
        Noise-free priorities; ``-inf`` marks padding (no item).
    noise : ndarray (n_trials, n_items)
        Standard normal priority noise of the first selection of each item (scaled by
        ``noise_sd`` here; a forgotten item gets a fresh draw).
    is_t : ndarray of bool (n_trials, n_items)
        Which item is the target.
    horizon : ndarray (n_trials,)
        Search time (ms) after which no selection matters (the latest possible quitting time).
    p : dict
        Model parameters (``select_ms, capacity, drift, bound, recheck, noise_sd``).
    rng : numpy.random.Generator
        Three arrays of ``n_trials`` numbers are drawn per step, for every trial (finished or
        not), so that step ``k`` of trial ``i`` always gets the same numbers (common random
        numbers across parameter values).
    max_steps : int
        Safety cap on selections per trial.

    Returns
    -------
    t_det : ndarray
        Time (ms) an item first reached the target bound (``inf``: none before the horizon).
    t_ex : ndarray
        Time (ms) the search ran out of items (``inf``: it did not).
    sel_rows, sel_times : ndarray
        Trial and time (ms) of every selection made (to count the items attended before the
        search ended).
    """
    n, k = base.shape
    cap = int(round(p["capacity"]))
    drift, bound = float(p["drift"]), float(p["bound"])
    pc = p_correct(drift, bound)
    exit_q = midpoint_quantiles(drift, bound)
    normal_q = _normal_atoms()
    dt_sel, recheck, sd = float(p["select_ms"]), float(p["recheck"]), float(p["noise_sd"])
    ftype, itype, bits = _key_types(k)
    low = itype((1 << bits) - 1)
    empty = np.iinfo(itype).min  # the key of an item that cannot be selected now
    t_det = np.full(n, np.inf)
    t_ex = np.full(n, np.inf)
    rec_rows, rec_times = [], []

    valid = np.isfinite(base).T
    item = np.arange(k)[:, None]
    bs = np.ascontiguousarray(np.where(valid, base.T, 0.0), dtype=ftype)
    key = np.where(valid, selection_keys((base.T + sd * noise.T).astype(ftype), item, bits), empty)
    tg = np.ascontiguousarray(is_t.T & valid)
    rows = np.arange(n)  # the trial of each row of the state arrays
    live = np.ones(n, dtype=bool)
    n_live = n
    # places of the diffuser, plus one spare place (index cap) where the writes of trials that
    # selected nothing go, so that every step writes every row without masking. A place's
    # departure time is kept as a key too: the float's bits (times are >= 0, so they order as
    # integers) with the place in the lowest ``pbits`` bits, so one min gives the first place to free
    pbits = max(1, cap.bit_length())
    pmask = (1 << pbits) - 1
    sdep = np.tile(np.arange(cap + 1, dtype=np.int64)[:, None], (1, n))  # time 0: free
    sitem = np.zeros((cap + 1, n), dtype=np.intp)  # which item
    sback = np.zeros((cap + 1, n), dtype=bool)  # forgotten: selectable again when it leaves
    snew = np.zeros((cap + 1, n), dtype=np.int64)  # the atom of its fresh priority noise
    s = np.zeros(n)  # time of the next selection
    det = np.full(n, np.inf)
    hz = np.asarray(horizon, dtype=float).copy()
    r = np.arange(n)
    # the identification: the high 32 bits of a raw draw below pc * 2^32; forgetting: below the
    # share recheck of its branch (right / wrong), as integers
    two32 = float(2**32)
    pc_i = np.uint64(min(pc * two32, two32 - 1))
    thr_right = np.uint64(recheck * float(pc_i))
    thr_wrong = np.uint64(float(pc_i) + recheck * (two32 - float(pc_i)))
    m16, sh16, sh32 = np.uint64(0xFFFF), np.uint64(16), np.uint64(32)
    for _step in range(max_steps):
        if n_live == 0:
            break
        # one raw 64-bit draw per trial and step: bits 0-15 pick the exit-time atom, bits 16-31
        # the noise of a forgotten item's next priority, bits 32-63 identification and memory
        raw = rng.bit_generator.random_raw(n).take(rows)
        hi = raw >> sh32
        m = len(rows)
        # forgotten items that have left the diffuser become selectable again
        s_key = s.view(np.int64) | pmask
        due = sback[:cap] & (sdep[:cap] <= s_key)
        if due.any():
            pf = np.flatnonzero(due)
            rr = pf % m
            back = sitem.ravel().take(pf)
            fresh = bs.ravel().take(back * m + rr) + normal_q.take(snew.ravel().take(pf)) * ftype(sd)
            key.ravel()[back * m + rr] = selection_keys(fresh.astype(ftype, copy=False), back, bits)
            sback.ravel()[pf] = False
        kmax = key.max(axis=0)
        sel = kmax != empty
        j = (kmax & low).astype(np.intp)
        flat = j * m + r
        # departure times with the place bits cleared, as the departure keys hold them
        dep_bits = (s + exit_q.take((raw & m16).view(np.int64))).view(np.int64) & ~pmask
        dep = dep_bits.view(np.float64)
        right = hi < pc_i
        to_target = tg.ravel().take(flat) == right  # the target identified, or a distractor mistaken for it
        det = np.minimum(det, np.where(sel & to_target, dep, np.inf))
        forget = ~to_target & (hi < np.where(right, thr_right, thr_wrong))
        # the place that freed first (its item has left by now); nothing selected: the spare place
        slot = (sdep[:cap].min(axis=0) & pmask).view(np.intp)
        slot[~sel] = cap
        key.ravel()[flat] = empty  # (a trial that selected nothing has only empty keys)
        ps = slot * m + r
        sdep.ravel()[ps] = dep_bits | slot
        sitem.ravel()[ps] = j
        sback.ravel()[ps] = forget
        snew.ravel()[ps] = ((raw >> sh16) & m16).view(np.int64)  # its priority is drawn when it returns
        took = np.flatnonzero(sel & live)
        rec_rows.append(rows.take(took))
        rec_times.append(s.take(took))
        s_new = np.maximum(s + dt_sel, _times(pmask, sdep[:cap].min(axis=0)))
        exhausted = np.zeros(m, dtype=bool)
        w = np.flatnonzero(live & ~sel)
        if len(w):
            # nothing selectable: wait for the next forgotten item to leave, or the search has
            # run out of items (exhaustive "absent" once the diffuser is empty)
            pending = np.where(sback[:cap].take(w, axis=1), _times(pmask, sdep[:cap].take(w, axis=1)), np.inf).min(axis=0)
            s_new[w] = pending
            exhausted[w] = ~np.isfinite(pending)
        done = np.flatnonzero(live & (exhausted | (s_new >= np.minimum(det, hz))))
        if len(done):
            fin = rows.take(done)
            t_det[fin] = det.take(done)
            ex = done[exhausted.take(done)]
            if len(ex):
                t_ex[rows.take(ex)] = np.maximum(_times(pmask, sdep[:cap].take(ex, axis=1).max(axis=0)), s.take(ex))
            live[done] = False
            sback[:, done] = False
            n_live -= len(done)
        s = s_new
        if 0 < n_live < COMPACT * m:
            keep = np.flatnonzero(live)
            rows, s, det, hz = rows[keep], s[keep], det[keep], hz[keep]
            key, bs, tg = key.take(keep, axis=1), bs.take(keep, axis=1), tg.take(keep, axis=1)
            sdep, sitem = sdep.take(keep, axis=1), sitem.take(keep, axis=1)
            sback, snew = sback.take(keep, axis=1), snew.take(keep, axis=1)
            live = np.ones(len(keep), dtype=bool)
            r = np.arange(len(keep))
    if n_live:
        raise PsysimError(f"gs6: {n_live} trial(s) still searching after {max_steps} selections")
    return t_det, t_ex, np.concatenate(rec_rows), np.concatenate(rec_times)


def _times(pmask, dep_keys):
    """Departure times (ms) of departure keys (the place bits ``pmask`` cleared)."""
    return (dep_keys & ~pmask).view(np.float64)


@lru_cache(maxsize=1)
def _normal_atoms() -> np.ndarray:
    """Standard normal quantiles at ``(i + 1/2) / N_ATOMS``: 16 bits of a uniform pick one."""
    q = ndtri((np.arange(N_ATOMS) + 0.5) / N_ATOMS)
    q.setflags(write=False)
    return q
