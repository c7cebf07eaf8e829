"""Competitive Guided Search (Moran, Zehetleitner, Müller & Usher 2013).

A trial is a series of selection-and-identification iterations (Moran et al. 2013, "The
model"):

1. **Selection** by Luce's choice rule among the units still in play: every unrejected
   distractor has weight 1 (the scale of the weights), the target has weight ``w_target``
   (guidance), and a **quit unit** has weight ``w_quit``. The probability of selecting unit
   ``i`` is ``w_i / sum(w)``.
2. Selecting the **quit unit** ends the search with an "absent" decision. Selecting an item
   costs an **identification time**; the target ends the search with a "present" decision, a
   distractor is rejected (its weight drops to 0, perfect memory) and the quit weight grows by
   ``dw_quit``. Because the rejected items no longer inhibit the quit unit and the quit unit
   itself grows, the conditional probability of quitting accelerates as the trial goes on.
3. Identification of one item is a single-boundary diffusion with drift ``mu`` and threshold
   ``theta`` and diffusion constant ``sigma = 0.1`` (time in seconds, the usual scaling of
   Ratcliff's diffusion model), so its duration is Wald (inverse Gaussian) distributed with
   mean ``theta / mu`` s and shape ``theta**2 / sigma**2`` s.
4. **Residual time** (encoding and motor) is a constant that differs for "yes" and "no"
   responses (``t_yes``, ``t_no``, ms) plus an exponential component with rate ``rate_res``
   (1/s).
5. With probability ``m`` a **motor error** executes the other response (and its residual
   time).

Misses come from quitting before the target is selected; false alarms only from motor errors.
With ``dw_quit = 0`` and ``w_quit0 = 0`` the quit unit can win only when no item is left, so
target-absent search is exhaustive.

Computation. The state of a trial after ``j`` rejections is fully described by ``j`` (the
number of distractors left, the quit weight and whether the target is still unselected follow
from it), so the distribution of the search outcome (found or quit, after how many
identifications) is a small categorical distribution per (set size, presence) cell, computed
exactly from the Luce probabilities and sampled in one vectorised draw for all trials. The sum
of ``n`` independent Wald(mean ``a``, shape ``l``) times is Wald(``n a``, ``n**2 l``), so each
trial needs one Wald draw. The same structure gives the exact RT distribution
(:meth:`CompetitiveGuidedSearch.correct_cdf`): a mixture over ``n`` of Wald plus exponential
("ex-Wald") times, whose CDF has a closed form (Schwarz 2002; :func:`exwald_cdf`). Moran et al. (2013) also stress that the model is
mathematically tractable; fitting uses this exact likelihood instead of simulation.

Parameterisation. Moran et al. (2013) fix the distractor weight to 1 and the diffusion
constant to 0.1, and fit the target weight, the quit-weight increment, drift, threshold, the
two residual constants, the residual variability and the motor-error rate per observer and
task. We could not check the paper's parameter table offline; names here are descriptive
(``w_target``, ``dw_quit``, ``mu``, ``theta``, ``t_yes``, ``t_no``, ``rate_res``, ``m``) and
the residual variability is an exponential rate, which is our reading of the paper. The
initial quit weight ``w_quit0`` is 0 in the paper; it is a parameter here (default 0) so that
the effect of a non-zero start can be studied, and it is held fixed at 0 when fitting.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import erfcx, ndtr, wofz

from psysim.models.base import Param, SearchModel, register

SIGMA = 0.1
"""Diffusion constant of the identification process (fixed scale; time in seconds)."""

_GL_NODES = 16
_SQRT_HALF = np.sqrt(0.5)
_GL_X, _GL_W = np.polynomial.legendre.leggauss(_GL_NODES)


def outcome_probabilities(set_size: int, target_present: bool, w_target: float, dw_quit: float,
                          w_quit0: float = 0.0):
    """Exact probabilities of how a CGS search ends (Moran et al. 2013, Luce choice).

    Parameters
    ----------
    set_size : int
        Number of items.
    target_present : bool
        Whether one of them is the target.
    w_target, dw_quit, w_quit0 : float
        Target weight (distractors weigh 1), quit-weight increment per rejected distractor, and
        initial quit weight.

    Returns
    -------
    p_found, p_quit : numpy.ndarray
        ``p_found[j]``: probability that the target is selected after ``j`` rejections
        (``j + 1`` identifications); ``p_quit[j]``: probability that the quit unit wins after
        ``j`` rejections (``j`` identifications). Together they sum to 1.
    """
    n = int(set_size)
    d = n - 1 if target_present else n
    j = np.arange(d + 1, dtype=float)
    left = d - j
    quit_w = w_quit0 + dw_quit * j
    tw = float(w_target) if target_present else 0.0
    total = tw + left + quit_w
    safe = np.where(total > 0, total, 1.0)
    pf = np.where(total > 0, tw / safe, 0.0)
    pq = np.where(total > 0, quit_w / safe, 1.0)  # nothing left in play: the search ends
    pc = np.where(total > 0, left / safe, 0.0)
    reach = np.concatenate(([1.0], np.cumprod(pc)[:-1]))
    return reach * pf, reach * pq


def wald_cdf(t, mean, shape):
    """CDF of the Wald (inverse Gaussian) distribution, vectorised; ``t <= 0`` gives 0.

    ``F(t) = Phi(y) + exp(2 l / a) Phi(-sqrt(l/t) (t/a + 1))`` with ``y = sqrt(l/t) (t/a - 1)``,
    mean ``a`` and shape ``l`` (Chhikara & Folks 1989). The second term is computed without
    overflow as ``erfcx(z) exp(-y**2 / 2) / 2`` with ``z = sqrt(l/t) (t/a + 1) / sqrt(2)``
    (because ``2 l / a - z**2 = -y**2 / 2``), which is also cheaper than a log-space
    evaluation.
    """
    t, mean, shape = np.broadcast_arrays(np.asarray(t, float), np.asarray(mean, float),
                                         np.asarray(shape, float))
    pos = t > 0
    tt = np.where(pos, t, 1.0)
    r = np.sqrt(shape / tt)
    y = r * (tt / mean - 1.0)
    z = r * (tt / mean + 1.0) * np.sqrt(0.5)
    second = 0.5 * erfcx(z) * np.exp(-0.5 * y * y)
    return np.where(pos, np.clip(ndtr(y) + second, 0.0, 1.0), 0.0)


def exwald_cdf(s, mean, shape, rate):
    """CDF of a Wald time plus an independent exponential time (seconds), in closed form.

    With ``W`` Wald (mean ``a``, shape ``l``) and ``E`` exponential (rate ``r``),
    ``P(W + E <= s) = F_W(s) - exp(-r s) int_0^s exp(r w) f_W(w) dw``, and
    ``exp(r w) f_W(w; a, l) = exp(l (1 - k) / a) f_W(w; a / k, l)`` with
    ``k = sqrt(1 - 2 a**2 r / l)`` (Schwarz 2002, the "ex-Wald" distribution). ``k`` is
    imaginary when ``2 a**2 r > l``; the formula then holds by analytic continuation, with the
    complex scaled complementary error function (Faddeeva ``w(z)``, ``erfcx(x) = w(i x)``).
    Written with ``erfcx``, every term carries the factor ``exp(-y**2 / 2)``,
    ``y = sqrt(l / s) (s / a - 1)``, so nothing overflows. Agrees with adaptive quadrature to
    about 1e-9. A ``mean`` of 0 stands for no search time (the CDF of the exponential alone).
    ``rate`` (1/s) may be an array that broadcasts with ``s``.

    Schwarz, W. (2002). On the convolution of inverse Gaussian and exponential random
    variables. Communications in Statistics - Theory and Methods, 31(12), 2113-2121.
    """
    s, mean, shape, rate = np.broadcast_arrays(*(np.asarray(x, float) for x in (s, mean, shape, rate)))
    pos = s > 0
    t = np.where(pos, s, 1.0)
    none = mean <= 0
    a = np.where(none, 1.0, mean)
    shape = np.where(none, 1.0, shape)  # (placeholders where there is no search time)
    r = np.sqrt(shape / t)
    y = r * (t / a - 1.0)
    ey = np.exp(-0.5 * y * y)
    f_wald = ndtr(y) + 0.5 * erfcx(r * (t / a + 1.0) * _SQRT_HALF) * ey
    k2 = 1.0 - 2.0 * a * a * rate / shape
    k = np.sqrt(k2.astype(complex))
    yk = r * (t * k / a - 1.0)
    zk = r * (t * k / a + 1.0) * _SQRT_HALF
    with np.errstate(all="ignore"):  # the branch not taken by np.where may overflow
        term_z = 0.5 * ey * wofz(1j * zk).real
        ykr = yk.real
        real_pos = (k2 >= 0) & (ykr > 0)
        term_y = np.where(real_pos, ndtr(ykr) * np.exp(0.5 * (ykr * ykr - y * y)),
                          0.5 * ey * wofz(-1j * yk * _SQRT_HALF).real)
    f = np.where(none, -np.expm1(-rate * t), f_wald - term_y - term_z)
    return np.where(pos, np.clip(f, 0.0, 1.0), 0.0)


def exwald_cdf_quadrature(s, mean, shape, rate):
    """CDF of a Wald time plus an exponential time by 16-point quadrature (a cross-check).

    Kept to check :func:`exwald_cdf` (its closed form) in the tests; the quadrature is less
    accurate (absolute errors up to about 0.02 for very peaked Wald times and fast
    exponentials) and five times slower.

    ``P(W + E <= s) = int_0^U F_W(s + log(1 - u) / rate) du`` with ``U = 1 - exp(-rate s)``
    (substituting ``u = 1 - exp(-rate e)`` for the exponential part), computed with
    16-point Gauss-Legendre (absolute error about 2e-4) quadrature. A ``mean`` of 0 stands for
    no search time (the CDF of the exponential alone). ``rate`` (1/s) may be an array that
    broadcasts with ``s``.
    """
    s, mean, shape, rate = np.broadcast_arrays(np.asarray(s, float), np.asarray(mean, float),
                                               np.asarray(shape, float), np.asarray(rate, float))
    upper = -np.expm1(-rate * np.maximum(s, 0.0))
    u = 0.5 * upper[..., None] * (_GL_X + 1.0)
    arg = s[..., None] + np.log1p(-u) / rate[..., None]
    none = mean <= 0
    m = np.where(none, 1.0, mean)[..., None]
    f = np.where(none[..., None], (arg >= 0).astype(float), wald_cdf(arg, m, shape[..., None]))
    return 0.5 * upper * (f @ _GL_W)


def _cell_structure(set_sizes, target_present):
    """Static layout of the mixture components of every cell (see :func:`correct_cdf_batch`)."""
    rows, j_all, ids, is_found, present, starts = [], [], [], [], [], []
    k = 0
    for i, (n, tp) in enumerate(zip(set_sizes, target_present)):
        n, tp = int(n), bool(tp)
        d = n - 1 if tp else n
        j = np.arange(d + 1)
        starts.append(k)
        if tp:  # found after j rejections (j + 1 ids), then quit after j rejections (j ids)
            j_all += [j, j]
            ids += [j + 1, j]
            is_found += [np.ones(d + 1, bool), np.zeros(d + 1, bool)]
        else:
            j_all.append(j)
            ids.append(j)
            is_found.append(np.zeros(d + 1, bool))
        m = 2 * (d + 1) if tp else d + 1
        rows.append(np.full(m, i))
        present.append(np.full(m, tp))
        k += m
    cat = np.concatenate
    return {"rows": cat(rows), "j": cat(j_all).astype(float), "ids": cat(ids).astype(float),
            "found": cat(is_found), "present": cat(present), "starts": np.array(starts)}


def correct_cdf_batch(params: dict, set_sizes, target_present, t_ms):
    """Exact ``P(correct)`` and defective correct-RT CDFs for many parameter sets at once.

    The same computation as :meth:`CompetitiveGuidedSearch.correct_cdf` (Luce-choice outcome
    probabilities, a mixture over the number of identifications of Wald plus exponential
    times), vectorised over ``P`` parameter sets and all cells, as used by the fitter (one
    call evaluates a whole finite-difference stencil or a batch of starting points).

    Parameters
    ----------
    params : dict
        Every CGS parameter name -> array of shape (P,) (or scalars).
    set_sizes, target_present : sequence
        The cells.
    t_ms : array_like (cells, times)
        Times in ms.

    Returns
    -------
    p_correct : numpy.ndarray (P, cells)
    cdf : numpy.ndarray (P, cells, times)
    """
    t_ms = np.asarray(t_ms, dtype=float)
    v = {k: np.atleast_1d(np.asarray(val, float)) for k, val in params.items()}
    P = max(len(a) for a in v.values())
    v = {k: np.broadcast_to(a, (P,))[:, None] for k, a in v.items()}
    st = _cell_structure(set_sizes, target_present)
    rows, j, pres = st["rows"], st["j"], st["present"]
    # Luce-choice outcome probabilities (outcome_probabilities), per component
    d = np.asarray(set_sizes, float)[rows] - pres
    left = d - j
    quit_w = v["w_quit0"] + v["dw_quit"] * j  # (P, K)
    tw = np.where(pres, v["w_target"], 0.0)
    total = tw + left + quit_w
    safe = np.where(total > 0, total, 1.0)
    p_cont = np.where(total > 0, left / safe, 0.0)
    # reach_j = prod_{i<j} p_cont_i within each run of components (a run restarts at j = 0)
    logc = np.log(np.maximum(p_cont, 1e-300))
    cum = np.cumsum(logc, axis=1)
    first = np.flatnonzero(j == 0)
    run_id = np.cumsum(j == 0) - 1
    before = np.where(first > 0, cum[:, np.maximum(first - 1, 0)], 0.0)  # cum up to run start
    # (p_cont is 0 only at the last component of a run, where nothing is left in play, so the
    # floor at 1e-300 never enters a reach probability)
    reach = np.exp(cum - logc - before[:, run_id])
    pf = np.where(total > 0, tw / safe, 0.0) * reach
    pq = np.where(total > 0, quit_w / safe, 1.0) * reach
    m = v["m"]
    found = st["found"]
    # correct responses: present -> found without motor error or quit with one; absent -> quit
    w = np.where(pres, np.where(found, pf * (1 - m), pq * m), pq * (1 - m))
    pc = np.add.reduceat(w, st["starts"], axis=1)
    # the RT distribution: only components that carry weight in some parameter set (most of
    # the time goes into the Wald CDFs, and strong guidance or fast quitting leaves few)
    keep = (w > 1e-13).any(axis=0)
    w, rows, pres, ids = w[:, keep], rows[keep], pres[keep], st["ids"][keep]
    shift = np.where(pres, v["t_yes"], v["t_no"])  # (P, K)
    mean1 = v["theta"] / v["mu"]
    shape1 = v["theta"] ** 2 / SIGMA**2
    sec = (t_ms[rows][None, :, :] - shift[:, :, None]) / 1000.0
    comp = exwald_cdf(sec, (ids * mean1)[:, :, None], (ids * ids * shape1)[:, :, None], v["rate_res"][:, :, None])
    onehot = (rows[:, None] == np.arange(len(t_ms))).astype(float)
    cdf = np.einsum("pkt,kc->pct", comp * w[:, :, None], onehot)
    return pc, cdf


def correct_mixture(p_found, p_quit, params, target_present: bool):
    """The correct responses of one cell as a mixture over identification counts.

    ``p_found[j]`` / ``p_quit[j]``: probability that search finds the target / quits after
    ``j`` rejections. A correct "yes" is a found target without motor error (``j + 1``
    identifications) or a quit followed by a motor error (``j``); a correct "no" is a quit
    without motor error (Moran et al. 2013). Returns the weights, identification counts and
    the non-decision time (``t_yes`` or ``t_no``) of the components with weight > 1e-12.
    """
    j = np.arange(len(p_found))
    m = params["m"]
    if target_present:
        weights = np.concatenate((p_found * (1 - m), p_quit * m))
        ids = np.concatenate((j + 1, j))
        shift = params["t_yes"]
    else:
        weights, ids, shift = p_quit * (1 - m), j, params["t_no"]
    keep = weights > 1e-12
    return weights[keep], ids[keep].astype(float), shift


@register
class CompetitiveGuidedSearch(SearchModel):
    """Competitive Guided Search (Moran, Zehetleitner, Müller & Usher 2013).

    Luce-choice selection among unrejected items and a quit unit whose weight grows with each
    rejected distractor; Wald identification times; separate residual times for "yes" and "no";
    motor errors. See the module docstring for the equations.
    """

    name = "cgs"
    citation = (
        "Moran, R., Zehetleitner, M., Müller, H. J., & Usher, M. (2013). Competitive guided "
        "search: Meeting the challenge of benchmark RT distributions. Journal of Vision, "
        "13(8):24, 1-31."
    )
    parameters = (
        Param("w_target", 5.0, 0.05, 1000.0, "", "selection weight of the target (distractors weigh 1)"),
        Param("dw_quit", 0.15, 0.0, 1000.0, "", "growth of the quit weight per rejected distractor"),
        Param("w_quit0", 0.0, 0.0, 100.0, "", "quit weight at the start of a trial (0 in the paper)"),
        Param("mu", 0.25, 0.02, 5.0, "1/s", "drift of the identification diffusion"),
        Param("theta", 0.03, 0.003, 0.5, "", "threshold of the identification diffusion (sigma = 0.1)"),
        Param("t_yes", 420.0, 50.0, 2000.0, "ms", "residual-time constant of 'present' responses"),
        Param("t_no", 420.0, 50.0, 2000.0, "ms", "residual-time constant of 'absent' responses"),
        Param("rate_res", 12.0, 0.5, 200.0, "1/s", "rate of the exponential residual-time component"),
        Param("m", 0.01, 0.0, 0.3, "", "probability of a motor error (the other response)"),
    )
    fit_fixed = {"w_quit0": 0.0}
    """Parameters held fixed when fitting (as in Moran et al. 2013)."""
    fit_bounds = {
        "w_target": (0.2, 1000.0), "mu": (0.05, 3.0), "theta": (0.005, 0.3), "t_yes": (100.0, 1200.0),
        "t_no": (100.0, 1200.0), "rate_res": (1.0, 100.0), "m": (0.0, 0.1),
    }
    """Search bounds for fitting (plausible ranges inside the declared bounds)."""

    # -- derived quantities -----------------------------------------------------------------
    def _id_time(self):
        """Mean (s) and shape (s) of one identification time."""
        p = self.params
        return p["theta"] / p["mu"], p["theta"] ** 2 / SIGMA**2

    def outcomes(self, set_size: int, target_present: bool):
        """``(p_found, p_quit)`` of :func:`outcome_probabilities` for this model's weights."""
        p = self.params
        return outcome_probabilities(set_size, target_present, p["w_target"], p["dw_quit"], p["w_quit0"])

    # -- simulation -------------------------------------------------------------------------
    def _simulate(self, design: pd.DataFrame, rng: np.random.Generator, displays) -> dict:
        n_items = design["set_size"].to_numpy(dtype=np.int64)
        present = design["target_present"].to_numpy(dtype=bool)
        return self.simulate_arrays(n_items, present, rng)

    def simulate_arrays(self, set_size, target_present, rng: np.random.Generator) -> dict:
        """Simulate trials from plain arrays (no DataFrame): the fast core of :meth:`simulate`.

        Returns a dict of arrays ``response`` (bool), ``rt`` (ms), ``n_attended``
        (identifications) and ``found`` (whether the target was selected).
        """
        p = self.params
        n_items = np.asarray(set_size, dtype=np.int64)
        present = np.asarray(target_present, dtype=bool)
        size = n_items.shape[0]
        # random numbers, drawn for every trial in a fixed order
        u_outcome = rng.random(size)
        u_motor = rng.random(size)
        resid = rng.standard_exponential(size)

        code = n_items * 2 + present
        n_ident = np.zeros(size, dtype=np.int64)
        found = np.zeros(size, dtype=bool)
        for c in np.unique(code):
            sel = code == c
            pf, pq = outcome_probabilities(c // 2, bool(c % 2), p["w_target"], p["dw_quit"], p["w_quit0"])
            j = np.arange(len(pf))
            # outcomes in one list: found after j rejections (j + 1 ids), then quit after j (j ids)
            probs = np.concatenate((pf, pq))
            ids = np.concatenate((j + 1, j))
            is_found = np.concatenate((np.ones_like(j, bool), np.zeros_like(j, bool)))
            cum = np.cumsum(probs)
            k = np.searchsorted(cum / cum[-1], u_outcome[sel], side="right")
            k = np.minimum(k, len(probs) - 1)
            n_ident[sel] = ids[k]
            found[sel] = is_found[k]

        mean1, shape1 = self._id_time()
        search = np.zeros(size)
        some = n_ident > 0
        if some.any():
            nn = n_ident[some].astype(float)
            search[some] = rng.wald(nn * mean1, nn * nn * shape1)
        response = found ^ (u_motor < p["m"])
        rt = search * 1000.0 + np.where(response, p["t_yes"], p["t_no"]) + resid * (1000.0 / p["rate_res"])
        return {"response": response, "rt": rt, "n_attended": n_ident, "found": found}

    # -- exact predictions ------------------------------------------------------------------
    def _mixture(self, set_size: int, target_present: bool):
        """Weights, identification counts and residual constant of the correct responses."""
        pf, pq = self.outcomes(set_size, target_present)
        return correct_mixture(pf, pq, self.params, target_present)

    def correct_cdf(self, set_size: int, target_present: bool, t_ms) -> tuple[float, np.ndarray]:
        """Exact probability of a correct response and CDF of correct RTs in one cell.

        Parameters
        ----------
        set_size : int
        target_present : bool
        t_ms : array_like
            Times in ms.

        Returns
        -------
        p_correct : float
            Probability of a correct response.
        cdf : numpy.ndarray
            ``P(correct and RT <= t)`` for each ``t`` (a defective CDF ending at ``p_correct``).
        """
        pc, cdf = self.correct_cdf_cells([set_size], [target_present], np.atleast_1d(np.asarray(t_ms, float))[None, :])
        return float(pc[0]), cdf[0]

    def correct_cdf_cells(self, set_sizes, target_present, t_ms):
        """:meth:`correct_cdf` for many cells in one vectorised computation.

        ``t_ms`` has shape (cells, times); returns ``p_correct`` (cells,) and the defective CDF
        (cells, times).
        """
        pc, cdf = correct_cdf_batch(self.params, set_sizes, target_present, t_ms)
        return pc[0], cdf[0]

    correct_cdf_batch = staticmethod(correct_cdf_batch)
