"""The softmax-selection search model: CGS equivalence, limits, vectorised paths, likelihoods."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from psysim.displays import make_displays
from psysim.errors import ParameterError, PsysimError
from psysim.models import get_model, make_design
from psysim.models.cgs import SIGMA
from psysim.models.cgs import outcome_probabilities as cgs_outcomes
from psysim.models.softmax_search import (
    SoftmaxCellPredictor,
    item_priorities,
    outcome_probabilities,
    softmax_model,
)
from psysim.softmax import gumbel


def cgs_equivalent(beta=1.6, dw_quit=0.3, w_quit0=0.0, mu=0.3, theta=0.04, rate_res=10.0, m=0.02, t_yes=400.0, t_no=450.0):
    """A CGS model and the softmax model with the target map that should be the same model."""
    cgs = get_model("cgs", w_target=float(np.exp(beta)), dw_quit=dw_quit, w_quit0=w_quit0, mu=mu, theta=theta,
                    t_yes=t_yes, t_no=t_no, rate_res=rate_res, m=m)
    # Wald of CGS: mean theta/mu s, shape theta^2/sigma^2 s -> CV^2 = mean/shape = sigma^2/(theta mu)
    sm = get_model("softmax", beta=beta, dw_quit=dw_quit, w_quit0=w_quit0, t_item=1000 * theta / mu,
                   item_cv=SIGMA / np.sqrt(theta * mu), t_yes=t_yes, t_no=t_no, res_mean=1000 / rate_res, m=m)
    return cgs, sm


# -- CGS's selection stage is softmax selection on the target map --------------------------------
@pytest.mark.parametrize("n, present", [(3, True), (6, False), (12, True), (18, False)])
def test_cgs_selection_stage_is_softmax_on_the_target_map(n, present, seed):
    """The Plackett-Luce/hazard decomposition, with sampled orders on real displays, reproduces
    CGS's exact Luce-choice outcome probabilities (w_target = exp(beta))."""
    beta, dw, w0 = 1.3, 0.4, 0.2
    want_f, want_q = (np.pad(x, (0, n + 1 - len(x))) for x in cgs_outcomes(n, present, np.exp(beta), dw, w0))
    ds = make_displays("conjunction", n, 400, seed=seed, target_present=(present,))
    a, t, _ = item_priorities(ds, "target")
    a, t = np.repeat(a, 50, axis=0), np.repeat(t, 50, axis=0)
    pf, pq = outcome_probabilities(a, t, beta, w0, dw, gumbel(seed, a.shape))
    # 20 000 sampled orders: a Monte Carlo error of at most ~0.004 per outcome
    assert np.allclose(pf, want_f, atol=0.012)
    assert np.allclose(pq, want_q, atol=0.012)
    assert pf.sum() + pq.sum() == pytest.approx(1.0)


def test_cgs_exact_rt_distribution_is_the_softmax_one():
    cgs, sm = cgs_equivalent()
    t = np.linspace(200, 4000, 60)
    for n in (3, 6, 12, 18):
        for present in (True, False):
            pc_c, cdf_c = cgs.correct_cdf(n, present, t)
            pc_s, cdf_s = sm.correct_cdf(n, present, t)
            assert pc_s == pytest.approx(pc_c, abs=1e-12)
            assert np.allclose(cdf_s, cdf_c, atol=1e-10)


def test_cgs_and_softmax_simulations_agree(seed):
    cgs, sm = cgs_equivalent(beta=0.9, dw_quit=0.2)
    ds = make_displays("spatial", (6, 18), 1500, seed=seed)
    a = sm.simulate(ds, seed=seed + 1)
    b = cgs.simulate(ds.displays, seed=seed + 2)
    for (key, ga), (_, gb) in zip(a.groupby(["set_size", "target_present"]), b.groupby(["set_size", "target_present"])):
        assert stats.ks_2samp(ga["rt"], gb["rt"]).pvalue > 1e-4, key
        assert stats.ks_2samp(ga["n_attended"], gb["n_attended"]).pvalue > 1e-4, key
        assert abs(ga["correct"].mean() - gb["correct"].mean()) < 0.04, key


def test_step_loop_with_perfect_ior_matches_the_exact_outcomes(seed):
    """The step-by-step selection (the path for ior < 1) at ior = 1 gives CGS's outcomes."""
    beta, dw = 0.7, 0.25
    sm = get_model("softmax", beta=beta, dw_quit=dw)
    n = 6
    ds = make_displays("feature", n, 1, seed=seed, target_present=(True,))
    a, t, sizes = item_priorities(ds, "target")
    reps = 40000
    found, n_att = sm._step_loop(np.repeat(a, reps, 0), np.repeat(t, reps, 0), np.repeat(sizes, reps), np.random.default_rng(seed))
    pf, pq = (np.pad(x, (0, n + 1 - len(x))) for x in cgs_outcomes(n, True, np.exp(beta), dw))
    got_f = np.bincount(n_att[found] - 1, minlength=n + 1)[: n + 1] / reps
    got_q = np.bincount(n_att[~found], minlength=n + 1)[: n + 1] / reps
    assert np.allclose(got_f, pf, atol=0.01) and np.allclose(got_q, pq, atol=0.01)


# -- limits ------------------------------------------------------------------------------------------
def test_beta_zero_is_random_serial_search(seed):
    ds = make_displays("feature", 12, 3000, seed=seed, target_present=(True,))
    tr = get_model("softmax-gs", beta=0.0, dw_quit=0.0, m=0.0).simulate(ds, seed=seed)
    counts = np.bincount(tr["n_attended"], minlength=13)[1:]
    assert tr["correct"].all()  # exhaustive quitting: the target is always found
    assert stats.chisquare(counts).pvalue > 1e-4  # uniform position 1..12
    assert tr["n_attended"].mean() == pytest.approx(6.5, abs=0.2)


def test_beta_inf_is_winner_take_all(seed):
    ds = make_displays(("feature", "conjunction"), (6, 18), 300, seed=seed, target_present=(True,))
    tr = get_model("softmax", beta=np.inf, dw_quit=5.0, m=0.0).simulate(ds, seed=seed)
    assert (tr["n_attended"] == 1).all() and tr["correct"].all()
    assert get_model("softmax", beta=np.inf, m=0.0).correct_cdf(6, True, [1e6])[0] == pytest.approx(1.0)


def test_exhaustive_absent_search_and_quit_weights(seed):
    ds = make_displays("conjunction", 12, 200, seed=seed, target_present=(False,))
    tr = get_model("softmax-contrast", beta=3.0, dw_quit=0.0, w_quit0=0.0, m=0.0).simulate(ds, seed=seed)
    assert (tr["n_attended"] == 12).all() and tr["correct"].all()
    tr2 = get_model("softmax-contrast", beta=3.0, dw_quit=2.0, m=0.0).simulate(ds, seed=seed)
    assert tr2["n_attended"].mean() < 12


def test_amnesic_search_needs_about_n_dwells(seed):
    """With no inhibition of return and beta = 0 the target is found after a geometric number of
    dwells with success probability 1/n (Horowitz & Wolfe 1998): mean n."""
    ds = make_displays("spatial", 6, 4000, seed=seed, target_present=(True,))
    tr = get_model("softmax", beta=0.0, ior=0.0, dw_quit=0.0, m=0.0).simulate(ds, seed=seed)
    assert tr["correct"].all()
    assert tr["n_attended"].mean() == pytest.approx(6.0, rel=0.05)
    assert tr["n_attended"].max() > 12  # revisits happen


# -- determinism, errors ------------------------------------------------------------------------------
def test_same_seed_same_trials_and_validated_table():
    ds = make_displays(("feature", "spatial"), (3, 12), 20, seed=4)
    m = get_model("softmax-gs", beta=4.0)
    a, b = m.simulate(ds, seed=9), m.simulate(ds, seed=9)
    assert a.equals(b)
    assert {"source", "subject", "task", "set_size", "target_present", "response", "correct", "rt", "n_attended", "display_id"} <= set(a.columns)
    assert (a["source"] == "softmax-gs").all()
    assert not a.equals(m.simulate(ds, seed=10))


@pytest.mark.parametrize("beta", [-1.0, float("nan"), -np.inf, "hot", True])
def test_bad_beta_parameter(beta):
    with pytest.raises(ParameterError, match="beta"):
        get_model("softmax", beta=beta)


def test_bad_inputs():
    with pytest.raises(PsysimError, match="DisplaySet"):
        get_model("softmax").simulate(make_design())
    ds = make_displays("feature", 3, 2, seed=0)
    with pytest.raises(PsysimError, match="unknown priority map"):
        item_priorities(ds, "nonsense")
    bad = softmax_model(lambda cell, spec, displays: np.full(cell["x"].shape, np.nan), name="softmax-nan")
    with pytest.raises(PsysimError, match="non-finite"):
        bad().simulate(ds)


def test_custom_priority_function(seed):
    """Any priority function plugs in: here one that prefers the item nearest the centre."""
    def central(cell, spec, displays):
        d = np.hypot(cell["x"] - 0.5, cell["y"] - 0.5)
        return 1.0 - d / d.max()

    cls = softmax_model(central, name="softmax-central")
    ds = make_displays("feature", 6, 200, seed=seed, target_present=(True,))
    tr = cls(beta=np.inf, dw_quit=0.0).simulate(ds, seed=seed)
    it = ds.items.merge(ds.displays, on="display_id")
    it["d"] = np.hypot(it["x"] - 0.5, it["y"] - 0.5)
    central_target = it[it["is_target"]].set_index("display_id")["d"] == it.groupby("display_id")["d"].min()
    first = tr.set_index("display_id").loc[central_target.index[central_target], "n_attended"]
    assert len(first) > 10 and (first == 1).all()


# -- likelihood predictor --------------------------------------------------------------------------------
def test_cell_predictor_matches_simulation(seed):
    import pandas as pd

    cls = get_model("softmax-gs").__class__
    cells = pd.DataFrame({"task": ["conjunction"] * 2, "set_size": [12, 12], "target_present": [True, False]})
    pred = SoftmaxCellPredictor(cls, cells, n_displays=300, n_draws=20, seed=seed)
    model = cls(beta=4.0, dw_quit=0.3, m=0.02)
    edges = np.array([[500, 600, 700, 900, 1200]] * 2, float)
    probs = pred.probabilities(model, edges)
    assert np.allclose(probs.sum(axis=1), 1.0)
    tr = pd.concat([model.simulate(pred.displays, seed=seed + r) for r in range(6)])  # 1800 trials per cell
    for i, tp in enumerate([True, False]):
        g = tr[(tr["set_size"] == 12) & (tr["target_present"] == tp)]
        rt = g.loc[g["correct"], "rt"].to_numpy()
        counts = np.bincount(np.searchsorted(edges[i], rt), minlength=6) / len(g)
        got = np.append(counts, 1 - g["correct"].mean())
        assert np.allclose(got, probs[i], atol=0.036), (tp, got, probs[i])  # 3 SE of a proportion of 0.5


def test_cnn_priority_map_is_network_attention_at_the_items():
    """The shipped feature-search CNN's CAM puts the red singleton first on feature displays;
    priorities lie in [0, 1] with the display's top item at 1; the model runs on them."""
    ds = make_displays(("feature", "spatial"), 6, 10, seed=3, target_present=(True,))
    pri, tgt, n = item_priorities(ds, "cnn")
    assert pri.shape == (20, 6) and np.all((pri >= 0) & (pri <= 1))
    np.testing.assert_allclose(pri.max(axis=1), 1.0)
    feature = (ds.displays["task"] == "feature").to_numpy()
    assert np.all(np.argmax(pri[feature], axis=1) == np.argmax(tgt[feature], axis=1))
    assert pri[feature][~tgt[feature]].max() < 0.5  # green distractors are far below the target
    tr = get_model("softmax-cnn", beta=np.inf, dw_quit=0.0).simulate(ds, seed=0)
    assert (tr.loc[tr["task"] == "feature", "n_attended"] == 1).all()


def test_item_pooled_saliency_puts_the_colour_singleton_first():
    """Rendered at SALIENCY_IMAGE_SIZE (each item resolved in the map) and pooled over each
    item's footprint, the paper's map puts the red singleton strictly first on most feature
    displays (ties counting as failures) and the on/off variant (Frintrop 2005) on all."""
    from psysim.models.saliency_readout import top_item_rates
    from psysim.models.softmax_search import SALIENCY_IMAGE_SIZE

    ds = make_displays(("feature",), (6, 12), 10, seed=3, target_present=(True,))
    top = {}
    for m in ("saliency", "saliency-onoff"):
        pri, tgt, n = item_priorities(ds, m)
        real = np.arange(pri.shape[1])[None, :] < n[:, None]  # padding slots are -inf
        assert np.all((pri[real] >= 0) & (pri[real] <= 1)) and np.all(pri[~real] == -np.inf)
        top[m] = float(np.mean(np.argmax(pri, axis=1) == np.argmax(tgt, axis=1)))
    assert top["saliency-onoff"] == 1.0 and top["saliency"] >= 0.6, top
    rates = top_item_rates(ds, sizes=(SALIENCY_IMAGE_SIZE,))
    assert rates["top_rate"].iloc[0] >= 0.6 and rates["n"].iloc[0] == 20, rates
    tr = get_model("softmax-saliency-onoff", beta=np.inf, dw_quit=0.0).simulate(ds, seed=0)
    assert (tr["n_attended"] == 1).all()


def test_cell_predictor_exact_bins_are_the_models_rt_distribution():
    """The target map's bins from the flat (cell, edge, dwell count) evaluation equal the model's
    own exact RT distribution (``correct_cdf``), cell by cell."""
    import pandas as pd

    cls = get_model("softmax").__class__
    cells = pd.DataFrame({"task": ["feature"] * 4, "set_size": [3, 3, 18, 18], "target_present": [True, False, True, False]})
    pred = SoftmaxCellPredictor(cls, cells, n_displays=1, n_draws=1, seed=0)
    model = cls(beta=2.0, dw_quit=0.5, t_item=60.0, item_cv=0.7, t_yes=350.0, t_no=420.0, res_mean=90.0, m=0.03)
    edges = np.array([[0.0, 450.0, 520.0, 600.0, 750.0, 1000.0, np.inf]] * 4)
    probs = pred.probabilities(model, edges)
    for i, (n, tp) in enumerate(zip(cells["set_size"], cells["target_present"])):
        pc, cdf = model.correct_cdf(int(n), bool(tp), np.where(np.isfinite(edges[i]), edges[i], 1e9))
        want = np.append(np.diff(cdf), 1.0 - pc)
        assert np.allclose(probs[i], want / want.sum(), atol=1e-12), (n, tp)


def test_cell_predictor_cache_gives_what_a_fresh_predictor_gives():
    import pandas as pd

    cls = get_model("softmax-gs").__class__
    cells = pd.DataFrame({"task": ["conjunction"] * 2, "set_size": [6, 6], "target_present": [True, False]})
    edges = np.array([[0, 500, 600, 700, 900, 1200, np.inf]] * 2, float)
    a, b = cls(beta=3.0, dw_quit=0.3), cls(beta=3.0, dw_quit=2.0, t_item=80.0)
    cached = SoftmaxCellPredictor(cls, cells, n_displays=20, n_draws=4, seed=5)
    first = cached.probabilities(a, edges)
    cached.probabilities(b, edges)
    again = cached.probabilities(cls(beta=3.0, dw_quit=0.3, t_item=90.0), edges)  # same outcomes, other timing
    fresh = SoftmaxCellPredictor(cls, cells, n_displays=20, n_draws=4, seed=5)
    assert np.array_equal(cached.probabilities(a, edges), first)
    assert np.array_equal(again, fresh.probabilities(cls(beta=3.0, dw_quit=0.3, t_item=90.0), edges))
    assert not np.allclose(first, again)  # the timing parameters still count


def test_fit_bounds_reasons_hold():
    """The figures SoftmaxSearch.fit_bounds's docstring gives for its bounds."""
    cls = get_model("softmax").__class__
    b = cls.fit_bounds
    assert b["t_item"][0] == 20.0 and b["item_cv"][1] == 1.0 and b["dw_quit"] == (1e-3, 10.0)
    for n, want in ((18, 2.0), (3, 1.2)):  # dwells before quitting an absent display at dw_quit = 10
        _, pq = cls(beta=0.0, dw_quit=10.0).outcomes(n, False)
        assert (pq * np.arange(len(pq))).sum() == pytest.approx(want, abs=0.05)
    _, pq = cls(beta=0.0, dw_quit=1e-3).outcomes(18, False)
    assert (pq * np.arange(len(pq))).sum() == pytest.approx(17.8, abs=0.05)
    rng = np.random.default_rng(0)
    for cv, mode in ((1.0, 0.30), (2.0, 0.08), (4.0, 0.02)):  # Wald mode / mean
        x = rng.wald(1.0, 1.0 / cv**2, 400_000)
        h, e = np.histogram(x[x < 3 * mode + 0.05], bins=300)
        assert e[np.argmax(h)] == pytest.approx(mode, abs=0.25 * mode + 0.005)
