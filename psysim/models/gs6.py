"""Guided Search 6.0 (Wolfe 2021): a priority map, an asynchronous diffuser, a quitting signal.

Wolfe, J. M. (2021). Guided Search 6.0: An updated model of visual search. *Psychonomic
Bulletin & Review*, 28(4), 1060-1092 (doi:10.3758/s13423-020-01859-9). The model reads the
item tables of a :class:`~psysim.displays.DisplaySet`, so it searches the very displays the
other models search.

**What of these citations was checked, and what was not** (checked on 3 December 2026 with the
project's search tool, which reaches the paper's publisher and index pages but only the start
of each page): the title, journal, volume, issue, pages and DOI; and the abstract's account of
the model: guidance from five sources of preattentive information (top-down and bottom-up
feature guidance, prior history such as priming, reward, scene syntax and semantics) combined
into a spatial priority map, attention guided to its most active location about 20 times per
second, and three functional visual fields (which psysim does not model: its items are all
equally resolvable). The section names quoted below ("Guidance", "The guiding template",
"History", "Selection", "The asynchronous diffuser", "Memory in search", "Quitting") and the
figure numbers (Fig. 2, Fig. 7, the car-wash analogy) are those this module was written from;
the search tool could not reach the paper's body to confirm them, so each is marked
*(unverified)*: read them as pointers to look up, not as checked references.

**Priority map** (the five sources of guidance: abstract; section "Guidance" and Fig. 2 *(unverified)*). Priority of item
``i`` = ``w_bu * BU_i + w_td * TD_i + w_prime * prime * TD_i + N(0, noise_sd)``:

- bottom-up salience ``BU``: local feature contrast in categorical colour and orientation
  channels, distance-weighted (:func:`psysim.models.guided_search.activation_maps`, the
  Guided Search 2.0 map that GS6 keeps);
- top-down guidance ``TD``: the match of each item to the *guiding template*, which GS6 says
  is coarse and categorical ("steep", "red"; section "The guiding template" *(unverified)*): one per
  matching channel;
- selection history ("prior history (e.g., priming)": abstract; section "History" *(unverified)*):
  priming by the previous trial's target. Within one
  task the target's features never change, so the term is the template match boosted by
  ``w_prime`` when the previous trial of the observer had a target (``prime`` = 1). Off by
  default (``w_prime = 0``). Reward and scene guidance have no counterpart in psysim's
  displays and are left out.

**Selection into the asynchronous diffuser** (sections "Selection", "The asynchronous
diffuser"; the car-wash analogy, Fig. 7 *(unverified)*): every ``select_ms`` (GS6's abstract:
about 20 selections per second, i.e. about 50 ms) the
available item of highest priority enters a diffuser that holds at most ``capacity`` items;
when it is full, the next selection waits for an item to leave. Each item's identity
accumulates as a diffusion toward a target bound or a distractor bound (drift ``drift`` toward
the correct bound, bounds at ``+-bound``, unit noise; :mod:`psysim.models.gs6_diffusion` computes the
exact exit-time distribution, and the simulation draws from 65,536 equally likely quantiles of
it). An item reaching the target bound ends the search with "present" (a
distractor doing so is a false alarm); an item reaching the distractor bound is released.
Memory for rejected items is imperfect (section "Memory in search" *(unverified)*): a released item is
forgotten with probability ``recheck`` and may then be selected again, with a fresh draw of
its priority noise; otherwise it is never selected again on that trial. An item is never
reselected while in the diffuser.

**The quitting signal** (section "Quitting" *(unverified)*): an accumulator that starts with the search; when
it reaches the quitting threshold the trial ends with "absent". The threshold grows with the
number of items that guidance leaves as candidates, ``theta = (quit_base + quit_item * N_c) *
exp(c)`` with ``N_c`` the items whose noisy priority exceeds ``act_thr``, and ``c`` adapts from trial
to trial: up by ``quit_up`` after a miss (search longer), down by ``quit_down`` after a correct
response (quit sooner), as GS6 describes observers setting the threshold from feedback to
balance errors against time. When no item is left to select and the diffuser is empty, search
is exhaustive and ends with "absent" too.

**Response**: non-decision time ``t_nd`` plus an exponential residual (mean ``res_mean``), and
a motor error that flips the response with probability ``motor_error``.

Choices the paper leaves open, and what psysim takes (the posted MATLAB simulation's details
could not be consulted here, so these follow the paper's text):

- *Selection noise*: a Gaussian per item and trial (GS2.0's form), redrawn for an item when it
  is forgotten; selection takes the maximum (not a softmax).
- *Capacity and clock*: ``capacity`` items (default 4, rounded to an integer) and a selection
  every ``select_ms``, or as soon as a place frees if the diffuser is full. GS6 states the
  ~50 ms rate and a diffuser holding several items, not the number.
- *Item diffusion*: one drift for targets and distractors (symmetric bounds, start midway), so
  identification errors are ``1 / (1 + exp(2 drift bound))`` per item. GS6 lets drift depend on
  target-distractor similarity; with psysim's per-observer-and-task fits, a drift per task
  plays that role.
- *What the threshold scales with*: GS6 scales quitting with the number of items but also lets
  the priority map end searches that guidance makes easy. psysim counts the items above an
  activation threshold (``act_thr``, GS2.0's threshold in this role), so a feature search with
  no target, where every distractor's priority is low, ends quickly, and an unguided search
  scales with the whole set size.
- *Quitting signal*: a time-driven accumulator whose quitting time is ``theta`` times a
  unit-mean Wald variable with coefficient of variation ``quit_cv`` (scalar variability: the
  signal's noise grows with the threshold). This makes the quitting time monotone in the
  adaptive threshold, which lets the diffuser be simulated once for all trials before the
  threshold chains run. ``c`` is clipped to ``[-ln quit_range, ln quit_range]`` (default a
  factor of 2 either way): the diffuser is simulated until the latest quitting time the
  clipped threshold allows.
- *Feedback*: the threshold moves on misses (up) and on every correct trial (down), as in
  psysim's Guided Search 2.0 (Chun & Wolfe 1996); false alarms leave it unchanged. At
  equilibrium the miss share of all trials is about ``quit_down / (quit_up + quit_down)``.

Vectorisation (:mod:`psysim.models.gs6_diffuser`): the diffuser is stepped for all trials at
once (arrays over items x trials, one step per selection, finished trials masked and compacted
as the loop goes), with one raw 64-bit random number drawn per step for every trial so that a
fit's simulations share them (common random numbers): 16 bits pick the item's exit time among
65,536 equiprobable quantiles, 16 bits the fresh priority noise of a forgotten item among
65,536 standard-normal quantiles (so that noise is cut at +-4.3 SD), 32 bits decide the
identification and the forgetting. The adaptive threshold then runs as many observer chains side
by side, as for Guided Search 2.0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.errors import ParameterError, PsysimError
from psysim.models.base import Param, SearchModel, register
from psysim.models.gs6_diffuser import diffuse
from psysim.models.guided_search import GuidedSearch

CITATION = ("Wolfe, J. M. (2021). Guided Search 6.0: An updated model of visual search. Psychonomic "
            "Bulletin & Review, 28(4), 1060-1092. https://doi.org/10.3758/s13423-020-01859-9")


@register
class GuidedSearch6(SearchModel):
    """Guided Search 6.0 (Wolfe 2021): priority map, asynchronous diffuser, quitting signal.

    Reads item tables (``needs_items = True``): pass a DisplaySet from
    :func:`psysim.displays.make_displays`. See the module docstring for the mechanism, the
    paper's sections and the choices the paper leaves open.
    """

    name = "gs6"
    needs_items = True
    citation = CITATION
    parameters = (
        Param("w_bu", 1.0, 0.0, 20.0, "", "weight of bottom-up (local contrast) priority"),
        Param("w_td", 2.0, 0.0, 20.0, "", "weight of top-down (template match) priority"),
        Param("bu_radius", 0.25, 0.02, 2.0, "field units", "width of the neighbourhood weighting"),
        Param("noise_sd", 0.7, 0.01, 10.0, "", "SD of the Gaussian priority noise"),
        Param("w_prime", 0.0, 0.0, 10.0, "", "priming: extra template weight after a target-present trial"),
        Param("select_ms", 50.0, 5.0, 500.0, "ms", "time between selections into the diffuser"),
        Param("capacity", 4.0, 1.0, 32.0, "items", "items the diffuser holds at once (rounded)"),
        Param("drift", 6.0, 0.1, 100.0, "1/s", "drift of an item's diffusion toward its correct bound"),
        Param("bound", 1.0, 0.1, 10.0, "", "distance from the start to the target and distractor bounds"),
        Param("recheck", 0.8, 0.0, 1.0, "", "probability a rejected item is forgotten and may be selected again"),
        Param("act_thr", 3.4, -20.0, 20.0, "", "priority an item needs to count toward the quitting threshold"),
        Param("quit_base", 600.0, 0.0, 10000.0, "ms", "quitting threshold at zero items (in ms of signal)"),
        Param("quit_item", 90.0, 0.0, 2000.0, "ms/item", "growth of the quitting threshold per item"),
        Param("quit_cv", 0.2, 0.01, 2.0, "", "coefficient of variation of the quitting time"),
        Param("quit_up", 0.3, 0.0, 3.0, "", "rise of the log threshold after a miss"),
        Param("quit_down", 0.01, 0.0, 1.0, "", "fall of the log threshold after a correct response"),
        Param("t_nd", 350.0, 50.0, 2000.0, "ms", "non-decision time (encoding and response)"),
        Param("res_mean", 80.0, 1.0, 1500.0, "ms", "mean of the exponential residual time"),
        Param("motor_error", 0.01, 0.0, 0.5, "", "probability the response is flipped"),
    )
    fit_fixed = {"w_bu": 1.0, "bu_radius": 0.25, "w_prime": 0.0, "select_ms": 50.0, "capacity": 4.0,
                 "bound": 1.0, "act_thr": 3.4, "quit_cv": 0.2, "quit_up": 0.3}
    """Held fixed when fitting: ``w_bu`` sets the priority scale, the clock and capacity are
    GS6's stated values, ``act_thr`` trades off with ``w_td``, ``bound`` off with ``drift``, ``quit_up`` with ``quit_down``
    (only their ratio sets the equilibrium miss rate), ``quit_cv`` is weakly identified."""

    fit_bounds = {
        "w_td": (0.0, 6.0), "noise_sd": (0.1, 3.0), "drift": (2.0, 30.0), "recheck": (0.0, 1.0),
        "quit_base": (0.0, 3000.0), "quit_item": (0.0, 300.0), "quit_down": (0.001, 0.1),
        "t_nd": (150.0, 900.0), "res_mean": (5.0, 600.0), "motor_error": (0.0, 0.1),
    }
    """Search bounds for fitting (plausible ranges inside the declared bounds: item
    identification between ~30 and ~500 ms, GS6's "> 150 ms per item" inside)."""

    n_steps: int = 64
    """Trials per observer chain (chains = ``ceil(n_trials / n_steps)``)."""
    burn_in: int = 300
    """Unrecorded warm-up trials per chain. Warm-up trials reuse searches already simulated
    (the diffuser does not depend on the threshold), so they cost only the chain step; the
    threshold moves by ``quit_down`` per correct trial and needs ~``ln(quit_range) /
    quit_down`` trials to cross its range."""
    quit_range: float = 2.0
    """The adaptive threshold stays within this factor of its starting value, either way."""
    max_steps: int = 2000
    """Safety cap on selections per trial (never reached with the declared bounds)."""

    def __init__(self, **params):
        super().__init__(**params)
        if self.params["capacity"] != round(self.params["capacity"]):
            raise ParameterError(f"gs6 parameter 'capacity'={self.params['capacity']:g}: expected a whole number of items")

    # -- simulation ---------------------------------------------------------------------------
    def _simulate(self, design: pd.DataFrame, rng: np.random.Generator, displays) -> dict:
        p = self.params
        size = len(design)
        ids = design["display_id"].to_numpy()
        if not np.isin(ids, displays.displays["display_id"].to_numpy()).all():
            raise PsysimError("gs6: the design names display_id values that the DisplaySet lacks")
        nmax = int(design["set_size"].max())
        bu_sum, td_sum, is_t = GuidedSearch._features(self, design, displays, nmax)
        valid = np.isfinite(bu_sum)
        present = design["target_present"].to_numpy(bool)

        # per-trial random numbers, in a fixed order
        noise = rng.standard_normal((size, nmax))
        tau = rng.wald(1.0, 1.0 / p["quit_cv"] ** 2, size)  # unit-mean quitting time
        resid = rng.standard_exponential(size)
        u_motor = rng.random(size)
        order_keys = rng.random(size)

        # observer chains: the order of trials (and so each trial's predecessor) is fixed before
        # the search runs, so priming is known for every trial
        task_arr = design["task"].to_numpy()
        chains = []
        prev_present = np.zeros(size, dtype=bool)
        for task in pd.unique(task_arr):
            idx = np.flatnonzero(task_arr == task)
            idx = idx[np.argsort(order_keys[idx], kind="stable")]
            grid, warm = self._chain_layout(idx, rng)
            chains.append((grid, warm))
            seq = np.vstack([warm, grid])  # steps x chains
            prev = np.vstack([present[warm[-1:]] if len(warm) else np.zeros((1, seq.shape[1]), bool),
                              np.where(grid[:-1] >= 0, present[np.maximum(grid[:-1], 0)], False)])
            live = grid >= 0
            prev_present[grid[live]] = prev[live]

        base = np.where(valid, p["w_bu"] * bu_sum + (p["w_td"] + p["w_prime"] * prev_present[:, None]) * td_sum, -np.inf)
        # the quitting threshold grows with the items guidance leaves as candidates: those whose
        # (noisy) priority is above the activation threshold
        n_cand = ((base + p["noise_sd"] * noise) > p["act_thr"]).sum(axis=1)
        theta0 = p["quit_base"] + p["quit_item"] * n_cand
        horizon = theta0 * self.quit_range * tau
        t_det, t_ex, sel_rows, sel_times = diffuse(base, noise, is_t, horizon, p, rng, self.max_steps)

        response = np.zeros(size, dtype=bool)
        search = np.zeros(size)
        for grid, warm in chains:
            self._run_chains(grid, warm, theta0, tau, t_det, t_ex, present, u_motor, response, search)
        rt = p["t_nd"] + p["res_mean"] * resid + search
        n_att = np.bincount(sel_rows, weights=sel_times < search[sel_rows], minlength=size).astype(np.int64)
        return {"response": response, "rt": rt, "n_attended": n_att}

    def _chain_layout(self, idx, rng):
        """Trials of one task dealt to chains: (steps x chains) grid (-1 = no trial) and warm-up."""
        n_chains = int(np.ceil(len(idx) / self.n_steps))
        n_steps = int(np.ceil(len(idx) / n_chains))
        padded = np.full(n_steps * n_chains, -1)
        padded[: len(idx)] = idx
        warm = idx[rng.integers(0, len(idx), size=(self.burn_in, n_chains))]
        return padded.reshape(n_chains, n_steps).T, warm

    def _run_chains(self, grid, warm, theta0, tau, t_det, t_ex, present, u_motor, response, search):
        """The adaptive quitting threshold, one trial of every chain per step."""
        p = self.params
        lim = np.log(self.quit_range)
        c = np.zeros(grid.shape[1])
        steps = [(w, False) for w in warm] + [(g, True) for g in grid]
        for trials, record in steps:
            live = trials >= 0
            tr = np.where(live, trials, 0)
            t_quit = theta0[tr] * np.exp(c) * tau[tr]
            found = t_det[tr] < np.minimum(t_quit, t_ex[tr])
            end = np.where(found, t_det[tr], np.minimum(t_quit, t_ex[tr]))
            resp = found ^ (u_motor[tr] < p["motor_error"])
            pres = present[tr]
            miss = pres & ~resp
            correct = resp == pres
            c = c + np.where(live & miss, p["quit_up"], 0.0) - np.where(live & correct, p["quit_down"], 0.0)
            c = np.clip(c, -lim, lim)
            if record:
                response[tr[live]] = resp[live]
                search[tr[live]] = end[live]

