"""One Guided Search 6.0 trial as a time course: the diffuser's items and the quitting signal.

For teaching and inspection (``docs/tutorials/07_guided_search_6.ipynb``): it runs the
mechanism of :class:`psysim.models.gs6.GuidedSearch6` (Wolfe 2021, sections "Selection", "The
asynchronous diffuser", "Quitting"; names unverified, see :mod:`psysim.models.gs6`) on one display, event by event, and keeps what the fast
simulation throws away: every item's identity diffusion as a path, when it entered and left
the diffuser, and the quitting signal rising toward its threshold. The paths are random walks
in ``dt_ms`` steps (Euler), with the bounds moved in by ``0.5826 sqrt(dt)`` so that a walk
checked once per step crosses when the continuous process would (Siegmund 1979), as in the
plain reference ``benchmarks/reference_gs6.py``. Its random numbers are its own: it shows the
mechanism on one trial, not a trial of a :meth:`~psysim.models.SearchModel.simulate` run.

The quitting signal is drawn as an accumulator that rises by 1 ms of signal per ms with
Gaussian noise of variance ``theta * quit_cv**2`` per ms. Its first passage through the
threshold ``theta`` is Wald distributed with mean ``theta`` and shape ``theta / quit_cv**2``
(first passage of a drifting Wiener process), which is ``theta`` times the unit-mean Wald
variable with coefficient of variation ``quit_cv`` that the fast model draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from psysim.errors import PsysimError

SIEGMUND = 0.5826


@dataclass(frozen=True)
class TrialTimeCourse:
    """What happened on one GS6 trial (times in ms from the start of the search).

    Attributes
    ----------
    visits : pandas.DataFrame
        One row per selection into the diffuser: ``visit, item, is_target, priority, enter_ms,
        leave_ms, place, outcome`` ("target" or "distractor": the bound reached),
        ``forgotten`` (a rejected item that may be selected again).
    paths : pandas.DataFrame
        ``visit, item, t_ms, evidence``: each visit's identity diffusion (target bound at
        ``+bound``, distractor bound at ``-bound``).
    quit_signal : pandas.DataFrame
        ``t_ms, signal``: the quitting accumulator (ms of signal) until it reaches ``threshold``.
    threshold : float
        The quitting threshold of this trial (ms of signal).
    n_candidates : int
        Items whose priority exceeded the activation threshold (they scale the threshold).
    end : str
        How the search ended: "target" (an item reached the target bound), "quit" (the
        quitting signal reached its threshold) or "exhausted" (nothing left to select).
    search_ms, rt_ms : float
        Search time, and the response time (``t_nd`` plus the exponential residual added).
    response : bool
        "Present" or not, after a possible motor error.
    target_present : bool
    """

    visits: pd.DataFrame
    paths: pd.DataFrame
    quit_signal: pd.DataFrame
    threshold: float
    n_candidates: int
    end: str
    search_ms: float
    rt_ms: float
    response: bool
    target_present: bool


def trial_time_course(model, displays, display_id=None, seed=0, threshold_scale: float = 1.0,
                      dt_ms: float = 1.0) -> TrialTimeCourse:
    """Run one GS6 trial on one display and return its time course.

    Parameters
    ----------
    model : GuidedSearch6
        Supplies the parameters.
    displays : DisplaySet
        From :func:`psysim.displays.make_displays`.
    display_id : int, optional
        Which display (default the first).
    seed : int
        Seed of this trial's random numbers.
    threshold_scale : float
        ``exp(c)``, the state of the adaptive threshold (1: its starting value).
    dt_ms : float
        Step of the random walks (ms).

    Returns
    -------
    TrialTimeCourse
    """
    from psysim.models.guided_search import GuidedSearch

    table = displays.displays
    if display_id is None:
        display_id = int(table["display_id"].iloc[0])
    row = table[table["display_id"] == display_id]
    if row.empty:
        raise PsysimError(f"gs6 time course: display_id {display_id} is not in the DisplaySet")
    if not threshold_scale > 0 or not dt_ms > 0:
        raise PsysimError(f"gs6 time course: threshold_scale ({threshold_scale:g}) and dt_ms ({dt_ms:g}) must be > 0")
    p = model.params
    rng = np.random.default_rng(seed)
    design = row.reset_index(drop=True)
    n = int(design["set_size"].iloc[0])
    bu, td, is_t = GuidedSearch._features(model, design, displays, n)
    base = p["w_bu"] * bu[0] + p["w_td"] * td[0]
    is_t = is_t[0]
    prio = base + p["noise_sd"] * rng.standard_normal(n)
    n_cand = int((prio > p["act_thr"]).sum())
    theta = (p["quit_base"] + p["quit_item"] * n_cand) * threshold_scale
    quit_t, quit_x = _quit_path(rng, theta, p["quit_cv"], dt_ms)
    t_quit = quit_t[-1]

    cap = int(round(p["capacity"]))
    places = [-math.inf] * cap  # departure time of each place's item
    selectable = np.ones(n, dtype=bool)
    pending = []  # (departure, item): forgotten items, selectable again when they leave
    visits, paths = [], []
    s, t_det, t_ex = 0.0, math.inf, math.inf
    while True:
        for dep, i in [e for e in pending if e[0] <= s]:
            pending.remove((dep, i))
            selectable[i] = True
            prio[i] = base[i] + p["noise_sd"] * rng.standard_normal()
        if not selectable.any():
            if pending:
                s = min(e[0] for e in pending)
                if s >= min(t_det, t_quit):
                    break
                continue
            t_ex = max([s] + [d for d in places if d > -math.inf])
            break
        i = int(np.flatnonzero(selectable)[np.argmax(prio[selectable])])
        selectable[i] = False
        t_path, x_path = _identity_path(rng, p["drift"], p["bound"], dt_ms)
        if not is_t[i]:
            x_path = -x_path  # a distractor drifts toward the distractor bound, -bound
        dep = s + t_path[-1]
        to_target = bool(x_path[-1] > 0)
        if to_target:
            t_det = min(t_det, dep)
        forget = (not to_target) and rng.random() < p["recheck"]
        if forget:
            pending.append((dep, i))
        place = int(np.argmin(places))
        places[place] = dep
        v = len(visits)
        visits.append({"visit": v, "item": i, "is_target": bool(is_t[i]), "priority": float(prio[i]), "enter_ms": s,
                       "leave_ms": dep, "place": place, "outcome": "target" if to_target else "distractor",
                       "forgotten": forget})
        paths.append(pd.DataFrame({"visit": v, "item": i, "t_ms": s + t_path, "evidence": x_path}))
        s = max(s + p["select_ms"], min(places))
        if s >= min(t_det, t_quit):
            break
    end_t = min(t_det, t_quit, t_ex)
    end = "target" if t_det == end_t else ("quit" if t_quit == end_t else "exhausted")
    response = (end == "target") != (rng.random() < p["motor_error"])
    rt = p["t_nd"] + p["res_mean"] * rng.standard_exponential() + end_t
    keep = quit_t <= end_t
    return TrialTimeCourse(
        visits=pd.DataFrame(visits, columns=["visit", "item", "is_target", "priority", "enter_ms", "leave_ms", "place",
                                             "outcome", "forgotten"]),
        paths=pd.concat(paths, ignore_index=True) if paths else pd.DataFrame(columns=["visit", "item", "t_ms", "evidence"]),
        quit_signal=pd.DataFrame({"t_ms": quit_t[keep], "signal": quit_x[keep]}),
        threshold=float(theta), n_candidates=n_cand, end=end, search_ms=float(end_t), rt_ms=float(rt),
        response=bool(response), target_present=bool(design["target_present"].iloc[0]))


def _identity_path(rng, drift, bound, dt_ms):
    """One identity diffusion toward its correct bound (``+bound``) as a random walk: times (ms
    from entry) and evidence, ending at ``+bound`` (correct) or ``-bound``."""
    dt = dt_ms / 1000.0
    a = bound - SIEGMUND * math.sqrt(dt)
    xs = [0.0]
    while abs(xs[-1]) < a:
        steps = np.cumsum(rng.standard_normal(256) * math.sqrt(dt) + drift * dt) + xs[-1]
        out = np.flatnonzero(np.abs(steps) >= a)
        if len(out):
            xs.extend(steps[: out[0] + 1])
            break
        xs.extend(steps)
    x = np.asarray(xs)
    x[-1] = math.copysign(bound, x[-1])
    return np.arange(len(x)) * dt_ms, x


def _quit_path(rng, theta, cv, dt_ms):
    """The quitting accumulator: drift 1 per ms, variance ``theta * cv**2`` per ms, to ``theta``."""
    sd = math.sqrt(max(theta, 1e-9) * cv * cv * dt_ms)
    xs = [0.0]
    if theta <= 0:
        return np.array([0.0]), np.array([0.0])
    while xs[-1] < theta:
        steps = np.cumsum(rng.standard_normal(1024) * sd + dt_ms) + xs[-1]
        out = np.flatnonzero(steps >= theta)
        if len(out):
            xs.extend(steps[: out[0] + 1])
            break
        xs.extend(steps)
    x = np.asarray(xs)
    x[-1] = theta
    return np.arange(len(x)) * dt_ms, x
