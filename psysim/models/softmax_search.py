"""Softmax-selection search: attention picks items one at a time from a Boltzmann distribution.

Any **priority map** over a display's items (a number ``a_i`` in [0, 1] per item) drives the
selection; the inverse temperature ``beta`` says how sharply attention picks the most active
item (``beta -> inf``: winner-take-all, the most active item first; ``beta = 0``: random,
unguided serial search).

A trial (following the structure of Competitive Guided Search, Moran, Zehetleitner, Müller &
Usher 2013, with Luce's choice rule written as a softmax):

1. **Selection.** Among the items not yet inhibited and a **quit unit**, one unit is chosen with
   probability proportional to its weight: ``exp(beta (a_i - a_min))`` for item ``i`` (the
   softmax, :mod:`psysim.softmax`; ``a_min`` is the display's least active item, which so
   weighs 1 like a CGS distractor) and ``w_quit0 + dw_quit * j`` for the quit unit after ``j``
   identifications (Luce 1959; Moran et al. 2013). Choosing the quit unit ends the search with
   "absent".
2. **Identification** of a selected item takes a **dwell time**; identification is perfect:
   the target ends the search with "present", a distractor is rejected.
3. **Inhibition of return** multiplies a rejected item's weight by ``1 - ior``: ``ior = 1``
   (default) removes it for good (perfect memory, as in CGS), ``ior = 0`` is memory-free
   ("amnesic") search (Horowitz & Wolfe 1998), in which items can be revisited. When no item
   is left, the search ends with "absent".
4. **Timing.** The dwell time of one identification is Wald (inverse Gaussian) with mean
   ``t_item`` ms and coefficient of variation ``item_cv`` (the first-passage time of a
   diffusion, as in CGS), so ``k`` dwells sum to Wald(``k t_item``, ``k^2 lambda``) with
   ``lambda = t_item / item_cv^2``. The **non-decision time** is ``t_yes`` or ``t_no`` (ms, by
   response) plus an exponential component with mean ``res_mean`` ms.
5. With probability ``m`` a **motor error** executes the other response (and its residual time).

The quitting rule is the CGS quit unit: with ``w_quit0 = dw_quit = 0`` the search is
exhaustive on target-absent trials; a growing quit weight gives the accelerating quitting
hazard of CGS.

**CGS is this model with the target-indicator priority map** (``a = 1`` for the target and 0
for distractors, registered as ``softmax``): the item weights are then ``e^beta`` and 1, i.e.
CGS with ``w_target = exp(beta)`` (tests/test_softmax_search.py checks this, outcome by
outcome). Other priority maps (registered as ``softmax-contrast``, ``softmax-gs``,
``softmax-saliency``, ``softmax-saliency-onoff``, ``softmax-cnn``) put the model on the displays' features.

Vectorisation. With ``ior = 1`` the order in which items would be selected (ignoring quitting)
is a Plackett-Luce draw, sampled for all trials at once by Gumbel-top-k; given the order, the
quit unit's hazard at step ``j`` is ``q_j / (q_j + R_j)`` with ``R_j`` the summed weight of the
items still in play, which is exactly the competition of step 1 (choosing the quit unit, or
else the next item in a softmax draw among the rest). The quitting step is then found for all
trials at once. With ``ior < 1`` a step loop, vectorised over trials, runs up to
``max_steps_factor * set_size`` steps (a search still running then quits).

The same decomposition gives cell likelihoods without simulating RTs
(:class:`SoftmaxCellPredictor`): for fixed Gumbel noise, the probability of every outcome
given the order is computed exactly ("Rao-Blackwellised" over the quitting decisions), and RT
distributions are exact Wald + exponential mixtures (:func:`psysim.models.cgs.exwald_cdf`).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from scipy.special import expit

from psysim.errors import PsysimError
from psysim.models.base import Param, SearchModel, register
from psysim.models.softmax_priority import (  # noqa: F401  (re-exported: this module's public names before the split)
    CNN_IMAGE_SIZE,
    PRIORITY_MAPS,
    SALIENCY_IMAGE_SIZE,
    _read_at_items,
    _saliency_at_items,
    cnn_priority,
    contrast_priority,
    gs_priority,
    item_priorities,
    priority_map,
    saliency_onoff_priority,
    saliency_priority,
    target_priority,
)
from psysim.seeds import check_seed


# -- the selection process ------------------------------------------------------------------
def _log_weights(a: np.ndarray, beta: float) -> np.ndarray:
    """Item log-weights ``beta (a - min a)`` per display: the least active item weighs 1.

    Measuring priorities from the display's least active item puts the quit unit on a fixed
    scale (as CGS's distractors weigh 1), so that raising ``beta`` sharpens the competition
    among items without also silencing the quit unit. For the target map (distractors 0) this
    is CGS exactly. ``-inf`` padding stays ``-inf``; at ``beta = inf`` the least active items
    weigh 1 and the others ``inf``.
    """
    fin = np.isfinite(a)
    amin = np.min(np.where(fin, a, np.inf), axis=-1, keepdims=True)
    amin = np.where(np.isfinite(amin), amin, 0.0)
    d = np.where(fin, a - amin, 0.0)
    with np.errstate(invalid="ignore"):
        return np.where(a == -np.inf, -np.inf, np.where(d == 0, 0.0, beta * d))


def _log_quit(w_quit0: float, dw_quit: float, steps: int) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(w_quit0 + dw_quit * np.arange(steps, dtype=float))


def ordered_weights(a: np.ndarray, is_t: np.ndarray, beta: float, g: np.ndarray):
    """Plackett-Luce selection orders from fixed Gumbel noise ``g``; log-weights along them.

    Returns
    -------
    lw_ord : ndarray (n, k)
        Log-weights ``beta a`` of the items in selection order (``-inf`` padding last).
    rank : ndarray of int (n,)
        Position of the target in the order (``k`` when there is none).
    """
    from psysim.softmax.sampling import _keys

    lw = _log_weights(a, beta)
    b = np.asarray(float(beta))
    primary, secondary = _keys(a, b, g)
    order = np.lexsort((-secondary, -primary), axis=-1)
    lw_ord = np.take_along_axis(lw, order, -1)
    t_ord = np.take_along_axis(is_t, order, -1)
    k = a.shape[1]
    rank = np.where(t_ord.any(axis=1), t_ord.argmax(axis=1), k)
    return lw_ord, rank


def remaining_log_weight(lw_ord: np.ndarray) -> np.ndarray:
    """``R_j = log sum_{i >= j} exp(lw_ord[i])`` for ``j = 0..k`` (``R_k = -inf``)."""
    n, _ = lw_ord.shape
    rev = np.logaddexp.accumulate(lw_ord[:, ::-1], axis=1)[:, ::-1]
    return np.concatenate([rev, np.full((n, 1), -np.inf)], axis=1)


def quit_hazards(lw_ord: np.ndarray, w_quit0: float, dw_quit: float, log_r: np.ndarray | None = None) -> np.ndarray:
    """Hazard of quitting at each step ``j = 0..k``, given the selection order.

    ``h_j = q_j / (q_j + R_j)`` with ``q_j = w_quit0 + dw_quit j`` and ``R_j`` the summed
    weight of the items from position ``j`` on; ``h_j = 1`` when no item is left.
    """
    log_r = remaining_log_weight(lw_ord) if log_r is None else log_r
    n, k1 = log_r.shape
    log_q = np.broadcast_to(_log_quit(w_quit0, dw_quit, k1), (n, k1))
    with np.errstate(invalid="ignore"):
        h = expit(log_q - log_r)
    return np.where(log_r == -np.inf, 1.0, np.where(log_q == -np.inf, 0.0, h))


def outcome_probabilities(a, is_t, beta, w_quit0, dw_quit, g):
    """Probabilities of how the search ends, averaged over displays and fixed Gumbel draws.

    Parameters
    ----------
    a, is_t : ndarray (n, k)
        Priorities and target flags of ``n`` displays of one cell (repeat rows for more draws).
    beta, w_quit0, dw_quit : float
    g : ndarray (n, k)
        Standard Gumbel noise (common random numbers: the same at every call).

    Returns
    -------
    p_found, p_quit : ndarray (k + 1,)
        ``p_found[j]``: the target is selected after ``j`` rejections (``j + 1`` dwells);
        ``p_quit[j]``: the search quits after ``j`` dwells. Given each order the
        probabilities are exact; only the orders are sampled.
    """
    lw_ord, rank = ordered_weights(a, is_t, beta, g)
    return _outcomes_from_order(lw_ord, rank, w_quit0, dw_quit)


def _outcomes_from_order(lw_ord, rank, w_quit0, dw_quit, log_r=None):
    n, k = lw_ord.shape
    h = quit_hazards(lw_ord, w_quit0, dw_quit, log_r)
    with np.errstate(divide="ignore"):
        log_surv = np.concatenate([np.zeros((n, 1)), np.cumsum(np.log1p(-np.minimum(h, 1.0)), axis=1)[:, :-1]], axis=1)
    surv = np.exp(log_surv)  # P(still searching at the start of step j)
    j = np.arange(k + 1)
    quit = surv * h * (j[None, :] <= rank[:, None])
    found = np.zeros((n, k + 1))
    has = rank < k
    rows = np.flatnonzero(has)
    found[rows, rank[has]] = surv[rows, rank[has]] * (1.0 - h[rows, rank[has]])
    return found.mean(axis=0), quit.mean(axis=0)


class SoftmaxSearch(SearchModel):
    """Softmax-selection search over a priority map (see the module docstring).

    The registered subclasses differ only in :attr:`priority`: ``softmax`` (target indicator;
    CGS), ``softmax-contrast``, ``softmax-gs``, ``softmax-saliency``, ``softmax-saliency-onoff``,
    ``softmax-cnn``. :func:`softmax_model`
    makes a class for any other priority function.
    """

    name = "softmax-base"
    priority: ClassVar = "target"
    needs_items = True
    citation = (
        "Luce, R. D. (1959). Individual choice behavior. Wiley. Moran, R., Zehetleitner, M., "
        "Müller, H. J., & Usher, M. (2013). Competitive guided search: Meeting the challenge of "
        "benchmark RT distributions. Journal of Vision, 13(8):24."
    )
    parameters = (
        Param("beta", 2.0, 0.0, np.inf, "1/priority", "inverse temperature of the selection softmax"),
        Param("w_quit0", 0.0, 0.0, 100.0, "", "Luce weight of the quit unit at the start of a trial"),
        Param("dw_quit", 0.15, 0.0, 1000.0, "", "growth of the quit weight per identification"),
        Param("ior", 1.0, 0.0, 1.0, "", "inhibition of return: 1 removes rejected items, 0 keeps them"),
        Param("t_item", 60.0, 1.0, 2000.0, "ms", "mean dwell (identification) time per selected item"),
        Param("item_cv", 0.6, 0.05, 5.0, "", "coefficient of variation of one dwell time (Wald)"),
        Param("t_yes", 420.0, 50.0, 3000.0, "ms", "non-decision time constant of 'present' responses"),
        Param("t_no", 420.0, 50.0, 3000.0, "ms", "non-decision time constant of 'absent' responses"),
        Param("res_mean", 80.0, 1.0, 3000.0, "ms", "mean of the exponential non-decision component"),
        Param("m", 0.01, 0.0, 0.3, "", "probability of a motor error (the other response)"),
    )
    fit_fixed = {"w_quit0": 0.0, "ior": 1.0}
    fit_bounds = {"beta": (0.0, 40.0), "dw_quit": (1e-3, 10.0), "t_item": (20.0, 1000.0), "item_cv": (0.05, 1.0)}
    """Bounds a fit searches within: the declared ranges above say what the model can simulate,
    these what a psychologist accepts as an account of search (issue 15 item 4).

    - ``t_item`` >= 20 ms: the fastest serial identification measured directly, with each
      item masked, is about 33 ms per item (Saarinen & Julesz 1991, numerals recognised well
      above chance at 33 ms per numeral); 20 ms leaves room below that. A shorter "dwell"
      turns search into a count of near-instant identifications, and beta can then trade
      guidance for speed without limit. <= 1000 ms: deliberate shifts of attention take
      300-500 ms (Horowitz, Holcombe, Wolfe, Arsenio & DiMase 2004).
    - ``item_cv`` <= 1: a Wald dwell with CV 1 has its mode at 0.30 of its mean; at CV 2 the mode
      is at 0.08 and at CV 4 at 0.02 of the mean (mode / mean ``= sqrt(1 + 9 c^4 / 4) - 3 c^2 / 2``
      for CV ``c``, Chhikara & Folks 1989), i.e. most identifications take almost no time and a
      few take very long: a model of lapses, not of identifying an item. CV 1 (the exponential's
      variability) is our limit, a choice stated here, not a published bound.
    - ``dw_quit`` <= 10: at 10 the quit unit outweighs ten distractors after one rejection, and
      a search of an 18-item target-absent display of equal priorities ends after 2.0 dwells on
      average (1.2 at set size 3): beyond it the accelerating quitting hazard of CGS (Moran et
      al. 2013) becomes no search at all. >= 0.001: 17.8 of 18 items, exhaustive search.

    Fits report when an estimate sits at one of these bounds
    (:func:`psysim.experiments.softmax_temperature.misfit_flags`).

    Saarinen, J., & Julesz, B. (1991). The speed of attentional shifts in the visual field.
    PNAS, 88(5), 1812-1814. Horowitz, T. S., et al. (2004). Attentional pursuit is faster than
    attentional saccade. Journal of Vision, 4(7):6. Chhikara, R. S., & Folks, J. L. (1989). The
    inverse Gaussian distribution. Marcel Dekker.
    """
    max_steps_factor: ClassVar[int] = 10
    """With ``ior < 1``: a search quits after ``max_steps_factor * set_size`` dwells."""

    # -- simulation -------------------------------------------------------------------------
    def _simulate(self, design: pd.DataFrame, rng: np.random.Generator, displays) -> dict:
        p = self.params
        a, is_t, n = item_priorities(displays, self.priority, design["display_id"].to_numpy())
        present = design["target_present"].to_numpy(bool)
        if (is_t.any(axis=1) != present).any():
            raise PsysimError("softmax search: the design's target_present disagrees with the displays' items")
        size, k = a.shape
        from psysim.softmax.sampling import gumbel

        # random numbers, drawn for every trial in a fixed order
        g = gumbel(rng, (size, k))
        u_quit = rng.random((size, k + 1))
        u_motor = rng.random(size)
        resid = rng.standard_exponential(size)
        if p["ior"] >= 1.0:
            lw_ord, rank = ordered_weights(a, is_t, p["beta"], g)
            h = quit_hazards(lw_ord, p["w_quit0"], p["dw_quit"])
            quits = u_quit < h
            j_quit = quits.argmax(axis=1)  # h = 1 once no item is left, so a quit always exists
            found = rank < j_quit
            n_att = np.where(found, rank + 1, j_quit)
        else:
            found, n_att = self._step_loop(a, is_t, n, rng)
        response = found ^ (u_motor < p["m"])
        mean1 = p["t_item"]
        shape1 = p["t_item"] / p["item_cv"] ** 2
        search = np.zeros(size)
        some = n_att > 0
        if some.any():
            kk = n_att[some].astype(float)
            search[some] = rng.wald(kk * mean1, kk * kk * shape1)
        rt = search + np.where(response, p["t_yes"], p["t_no"]) + resid * p["res_mean"]
        return {"response": response, "rt": rt, "n_attended": n_att, "found": found}

    def _step_loop(self, a, is_t, n, rng):
        """Selection with imperfect inhibition of return, one step at a time for all trials."""
        p = self.params
        size, k = a.shape
        lw = _log_weights(a, p["beta"])
        with np.errstate(divide="ignore"):
            damp = np.log1p(-p["ior"]) if p["ior"] < 1 else -np.inf
        found = np.zeros(size, dtype=bool)
        n_att = np.zeros(size, dtype=np.int64)
        live = np.ones(size, dtype=bool)
        max_steps = self.max_steps_factor * n
        step = 0
        rows_all = np.arange(size)
        while live.any():
            rows = rows_all[live]
            u = rng.random(len(rows))
            with np.errstate(divide="ignore"):
                lq = np.log(p["w_quit0"] + p["dw_quit"] * step) * np.ones(len(rows))
            logits = np.concatenate([lw[rows], lq[:, None]], axis=1)
            all_dead = np.all(logits == -np.inf, axis=1)
            logits[all_dead, -1] = 0.0  # nothing left to select: quit
            mx = logits.max(axis=1, keepdims=True)
            w = np.exp(logits - mx)
            c = np.cumsum(w, axis=1)
            pick = (u[:, None] * c[:, -1:] < c).argmax(axis=1)
            quit = (pick == k) | (step >= max_steps[rows])
            pick_item = np.minimum(pick, k - 1)
            hit = ~quit & is_t[rows, pick_item]
            n_att[rows[~quit]] += 1
            found[rows[hit]] = True
            rej = rows[~quit & ~hit]
            lw[rej, pick_item[~quit & ~hit]] += damp
            live[rows[quit | hit]] = False
            step += 1
        return found, n_att

    # -- exact outcome probabilities and RT distributions ---------------------------------------
    def rt_distribution(self, p_found, p_quit, target_present: bool, t_ms):
        """Probability correct and the defective CDF of correct RTs from outcome probabilities.

        ``p_found``/``p_quit`` as returned by :func:`outcome_probabilities`; the RT of an
        outcome with ``j`` dwells is a Wald(``j t_item``, ``j^2 lambda``) plus the non-decision
        time, integrated exactly by :func:`psysim.models.cgs.exwald_cdf`.
        """
        from psysim.models.cgs import correct_mixture, exwald_cdf

        p = self.params
        t = np.atleast_1d(np.asarray(t_ms, dtype=float))
        weights, ids, shift = correct_mixture(p_found, p_quit, p, target_present)
        if not len(weights):
            return 0.0, np.zeros_like(t)
        mean1 = p["t_item"] / 1000.0
        shape1 = mean1 / p["item_cv"] ** 2
        s = (t - shift)[:, None] / 1000.0
        cdf = exwald_cdf(s, ids * mean1, ids * ids * shape1, 1000.0 / p["res_mean"])
        return float(weights.sum()), cdf @ weights


@register
class SoftmaxTargetSearch(SoftmaxSearch):
    """Softmax search on the target-indicator map: CGS with ``w_target = exp(beta)``.

    Distractors are exchangeable here, so the outcome probabilities are exact without
    sampling (:meth:`outcomes`) and :meth:`correct_cdf` gives the exact RT distribution of a
    cell; :func:`psysim.fitting.quantile_fit.fit_quantiles` then uses the exact likelihood.
    """

    name = "softmax"
    priority = "target"

    def outcomes(self, set_size: int, target_present: bool):
        """Exact ``(p_found, p_quit)`` (CGS's Luce recursion with ``w_target = e^beta``)."""
        from psysim.models.cgs import outcome_probabilities as cgs_outcomes

        p = self.params
        if p["ior"] < 1:
            raise PsysimError("softmax: exact outcome probabilities need ior = 1 (perfect inhibition of return)")
        b = p["beta"]
        if np.isinf(b):  # the target wins every competition it enters, the quit unit included
            pf = np.zeros(int(set_size) + 1)
            pq = np.zeros(int(set_size) + 1)
            if target_present:
                pf[0] = 1.0
                return pf, pq
            w_target = 0.0
        else:
            w_target = float(np.exp(b))
        return cgs_outcomes(set_size, target_present, w_target, p["dw_quit"], p["w_quit0"])

    def correct_cdf(self, set_size: int, target_present: bool, t_ms):
        """Exact probability correct and defective CDF of correct RTs (ms) in one cell."""
        pf, pq = self.outcomes(set_size, target_present)
        return self.rt_distribution(pf, pq, target_present, t_ms)


def softmax_model(priority, name: str | None = None, register_it: bool = False) -> type[SoftmaxSearch]:
    """A softmax-search class for a priority map (a registered name or a function).

    ``priority(cell, spec, displays)`` receives a dict of ``(n_displays, set_size)`` item arrays
    (``x, y, colour, orientation, shape, is_target`` and ``display_id``), the task's
    :class:`~psysim.displays.TaskSpec` and the DisplaySet, and returns priorities in [0, 1].
    """
    label = priority if isinstance(priority, str) else getattr(priority, "__name__", "custom")
    cls = type(f"SoftmaxSearch_{label}", (SoftmaxSearch,), {
        "name": name or f"softmax-{label}", "priority": priority if isinstance(priority, str) else staticmethod(priority),
        "__doc__": f"Softmax-selection search on the {label!r} priority map.",
    })
    return register(cls) if register_it else cls


SoftmaxContrastSearch = softmax_model("contrast", register_it=True)
SoftmaxGSSearch = softmax_model("gs", register_it=True)
SoftmaxSaliencySearch = softmax_model("saliency", register_it=True)
SoftmaxSaliencyOnOffSearch = softmax_model("saliency-onoff", register_it=True)
SoftmaxCNNSearch = softmax_model("cnn", register_it=True)


# -- cell likelihoods for fitting --------------------------------------------------------------
class SoftmaxCellPredictor:
    """Quantile-bin and error probabilities of the softmax model for fixed cells and displays.

    The same interface as :class:`psysim.fitting.quantile_fit.CellPredictor`
    (``probabilities(model, edges)``) but without simulating RTs: selection orders are drawn
    once per ``beta`` from fixed Gumbel noise (``n_draws`` per display) and cached, outcome
    probabilities given the orders are exact, and RT distributions are exact mixtures. The
    likelihood is therefore smooth in every parameter except ``beta`` (piecewise constant in
    ``beta``, with steps that shrink as ``n_displays * n_draws`` grows). For the target map,
    whose distractors are exchangeable, the exact outcome probabilities are used instead.

    Parameters
    ----------
    model_cls : type of SoftmaxSearch
    cells : pandas.DataFrame
        ``task, set_size, target_present`` rows.
    n_displays : int
        Displays generated per cell.
    n_draws : int
        Gumbel draws (selection orders) per display.
    seed : int
        Seed of the displays and of the noise.
    displays : DisplaySet, optional
        Use these displays instead of generating new ones.
    """

    def __init__(self, model_cls, cells: pd.DataFrame, n_displays: int = 200, n_draws: int = 8, seed=0, displays=None):
        from psysim.displays import make_displays

        self.model_cls = model_cls
        self.cells = cells[["task", "set_size", "target_present"]].reset_index(drop=True)
        self.exact = hasattr(model_cls, "outcomes")
        rng = np.random.default_rng(check_seed(seed, generators=True))
        if displays is None:
            tasks = list(pd.unique(self.cells["task"]))
            sizes = sorted(int(s) for s in self.cells["set_size"].unique())
            displays = make_displays(tasks, sizes, n_per_cell=int(n_displays), seed=rng.integers(2**32))
        self.displays = displays
        self._cell_data = []
        if not self.exact:
            from psysim.softmax.sampling import gumbel

            d = displays.displays
            for task, n, tp in self.cells.itertuples(index=False, name=None):
                ids = d.loc[(d["task"] == task) & (d["set_size"] == n) & (d["target_present"] == tp), "display_id"].to_numpy()
                if len(ids) == 0:
                    raise PsysimError(f"softmax predictor: no displays for cell {task}, {n}, {'present' if tp else 'absent'}")
                a, t, _ = item_priorities(displays, model_cls.priority, ids)
                a = np.repeat(a[:, : int(n)], n_draws, axis=0)
                t = np.repeat(t[:, : int(n)], n_draws, axis=0)
                self._cell_data.append((a, t, gumbel(rng, a.shape)))
        self._orders: dict = {}
        self._outcome_cache: dict = {}  # (beta, w_quit0, dw_quit) -> outcomes of every cell
        self._present = self.cells["target_present"].to_numpy(bool)
        self._layouts: dict = {}

    def _ordered(self, beta: float):
        key = float(beta)
        if key not in self._orders:
            if len(self._orders) > 64:
                self._orders.clear()
            self._orders[key] = [
                (lw, r, remaining_log_weight(lw)) for lw, r in (ordered_weights(a, t, beta, g) for a, t, g in self._cell_data)
            ]
        return self._orders[key]

    def outcomes(self, model):
        """``[(p_found, p_quit), ...]`` per cell.

        The outcomes depend on ``beta``, ``w_quit0`` and ``dw_quit`` only, so they are kept for
        the last few such triples: a numerical gradient over the timing parameters (six of a
        fit's eight coordinates) then reuses them instead of recomputing every order's hazards.
        """
        p = model.params
        if p["ior"] < 1:
            raise PsysimError("softmax predictor: exact outcome probabilities need ior = 1")
        key = (float(p["beta"]), float(p["w_quit0"]), float(p["dw_quit"]))
        got = self._outcome_cache.get(key)
        if got is not None:
            return got
        if self.exact:
            got = [model.outcomes(int(n), bool(tp)) for _, n, tp in self.cells.itertuples(index=False, name=None)]
        else:
            got = [_outcomes_from_order(lw, r, p["w_quit0"], p["dw_quit"], lr) for lw, r, lr in self._ordered(p["beta"])]
        if len(self._outcome_cache) >= 16:
            self._outcome_cache.pop(next(iter(self._outcome_cache)))  # the oldest
        self._outcome_cache[key] = got
        return got

    def probabilities(self, model, edges: np.ndarray) -> np.ndarray:
        """(cells, n_edges) probabilities: correct RTs between consecutive ``edges``, then errors.

        ``edges`` (ms) are those of :func:`psysim.fitting.quantile_fit._edges`: the trimming
        bounds around the quantiles. The data hold no correct RTs outside the trimming window,
        so the probabilities are conditioned on a trial not being such an outlier (renormalised,
        as in :class:`psysim.fitting.quantile_fit.CellPredictor`). Edges that are only the
        quantiles (no trimming bounds) are taken as ``[0, quantiles..., inf]``.

        A correct RT after ``j`` dwells is ``Wald(j t_item, j^2 lambda)`` plus the non-decision
        time of its response, and on a target-present trial a hit after ``j`` rejections
        (``j + 1`` dwells) and a quit after ``j + 1`` rejections followed by a motor error
        share that distribution; so each cell's mixture is one weight per dwell count
        ``0..L``, and the ex-Wald CDF (:func:`psysim.models.cgs.exwald_cdf`) is evaluated once
        per cell, edge and dwell count, in one call for all cells.
        """
        from psysim.models.cgs import exwald_cdf
        from psysim.stats.descriptive import QUANTILES

        edges = np.asarray(edges, float)
        if edges.shape[1] == len(QUANTILES):
            edges = np.column_stack([np.zeros(len(edges)), edges, np.full(len(edges), np.inf)])
        fin = np.where(np.isfinite(edges), edges, 1e9)
        p = model.params
        outcomes = self.outcomes(model)
        lay = self._layout(tuple(len(pf) for pf, _ in outcomes), edges.shape[1])
        m = p["m"]
        w = np.zeros(lay["n_weights"])  # per cell, the weight of each dwell count 0..L
        for (pf, pq), tp, start in zip(outcomes, self._present, lay["starts"]):
            L = len(pf)
            if tp:
                w[start + 1 : start + L + 1] += pf * (1 - m)
                w[start : start + L] += pq * m
            else:
                w[start : start + L] += pq * (1 - m)
        shift = np.where(self._present, p["t_yes"], p["t_no"])
        mean1 = p["t_item"] / 1000.0
        shape1 = mean1 / p["item_cv"] ** 2
        ids, cell, edge = lay["ids"], lay["cell"], lay["edge"]
        s = (fin[cell, edge] - shift[cell]) / 1000.0  # seconds
        cdf = exwald_cdf(s, ids * mean1, ids * ids * shape1, 1000.0 / p["res_mean"])
        n_cells, n_edges = len(outcomes), edges.shape[1]
        cdf = np.bincount(lay["group"], weights=cdf * w[lay["weight"]], minlength=n_cells * n_edges).reshape(n_cells, n_edges)
        out = np.zeros((n_cells, n_edges))
        out[:, :-1] = np.diff(cdf, axis=1)
        out[:, -1] = 1.0 - np.add.reduceat(w, lay["starts"])
        out = np.clip(out, 0.0, None)
        tot = out.sum(axis=1, keepdims=True)
        return out / np.where(tot > 0, tot, 1.0)

    def _layout(self, lengths: tuple, n_edges: int) -> dict:
        """Index arrays of the flat (cell, edge, dwell count) evaluation, made once per shape."""
        key = (lengths, n_edges)
        lay = self._layouts.get(key)
        if lay is not None:
            return lay
        sizes = [L + 1 for L in lengths]  # dwell counts 0..L
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        cell = np.concatenate([np.full(n_edges * k, i) for i, k in enumerate(sizes)])
        edge = np.concatenate([np.repeat(np.arange(n_edges), k) for k in sizes])
        ids = np.concatenate([np.tile(np.arange(k, dtype=float), n_edges) for k in sizes])
        weight = starts[cell] + ids.astype(np.int64)
        lay = {"starts": starts, "n_weights": int(sum(sizes)), "cell": cell, "edge": edge, "ids": ids,
               "weight": weight, "group": cell * n_edges + edge}
        self._layouts[key] = lay
        return lay
