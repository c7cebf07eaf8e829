"""Guided Search 6.0 (Wolfe 2021): item diffusions, the asynchronous diffuser, the quitting
signal, the signature results, and the fast simulation against the plain per-trial reference."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from psysim.displays import make_displays
from psysim.errors import ParameterError, PsysimError
from psysim.models import MODELS, get_model
from psysim.models.gs6 import GuidedSearch6
from psysim.models.gs6_diffusion import exit_time_table, p_correct, sample_exit_times

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from reference_gs6 import gs6_reference, item_diffusion  # noqa: E402

TASKS = ("feature", "conjunction", "spatial")
SIZES = (3, 6, 12, 18)


def _slope(trials, task, present):
    c = trials[(trials["task"] == task) & (trials["target_present"] == present) & trials["correct"]]
    m = c.groupby("set_size")["rt"].mean()
    return np.polyfit(m.index.to_numpy(float), m.to_numpy(), 1)[0]


@pytest.fixture(scope="module")
def default_run():
    ds = make_displays(TASKS, SIZES, n_per_cell=250, seed=11)
    return GuidedSearch6().simulate(ds, seed=12)


def test_registered_and_needs_items():
    assert "gs6" in MODELS
    m = get_model("gs6")
    assert isinstance(m, GuidedSearch6) and m.needs_items and "Wolfe" in m.citation


@pytest.mark.parametrize("drift,bound", [(5.0, 1.0), (1.0, 1.0), (20.0, 2.0), (0.2, 0.5)])
def test_exit_times_match_the_wiener_process(drift, bound):
    # mean exit time of a driftful Wiener process started midway between bounds at +-a:
    # (a / v) tanh(v a); the CDF is a proper distribution
    t, cdf = exit_time_table(drift, bound)
    assert cdf[0] == 0.0 and cdf[-1] == 1.0 and np.all(np.diff(cdf) >= 0)
    x = sample_exit_times(np.random.default_rng(0).random(200_000), drift, bound)
    assert x.mean() == pytest.approx(1000 * bound / drift * np.tanh(drift * bound), rel=0.01)
    assert p_correct(drift, bound) == pytest.approx(1 / (1 + np.exp(-2 * drift * bound)))


def test_exact_exit_times_agree_with_a_random_walk():
    rng = np.random.default_rng(3)
    walk = np.array([item_diffusion(rng, 3.0, 0.8) for _ in range(3000)])
    exact = sample_exit_times(rng.random(3000), 3.0, 0.8)
    assert stats.ks_2samp(walk[:, 0], exact).pvalue > 0.001
    assert walk[:, 1].mean() == pytest.approx(p_correct(3.0, 0.8), abs=0.02)


def test_one_place_diffuser_without_noise_takes_the_feature_target_first(seed):
    ds = make_displays("feature", (6, 18), n_per_cell=100, seed=seed, target_present=(True,))
    m = GuidedSearch6(capacity=1, noise_sd=0.01, drift=20.0, motor_error=0.0, quit_base=5000.0)
    t = m.simulate(ds, seed=seed)
    assert (t["n_attended"] == 1).all() and t["correct"].all()


def test_perfect_memory_makes_absent_search_exhaustive(seed):
    # nothing forgotten, a quitting threshold out of reach: every item is selected exactly once
    ds = make_displays("spatial", (6, 12), n_per_cell=200, seed=seed, target_present=(False,))
    m = GuidedSearch6(recheck=0.0, quit_base=10000.0, quit_up=0.0, quit_down=0.0, motor_error=0.0, drift=20.0)
    t = m.simulate(ds, seed=seed)
    assert (t["n_attended"] == t["set_size"]).all() and t["correct"].all()
    # selection is clocked: the last of n items enters after (n - 1) select_ms at least
    assert (t["rt"] - m.params["t_nd"] > (t["set_size"] - 1) * m.params["select_ms"]).all()


def test_forgetting_rejected_items_brings_reselection(seed):
    ds = make_displays("spatial", (12,), n_per_cell=300, seed=seed, target_present=(False,))
    kw = dict(quit_up=0.0, quit_down=0.0, motor_error=0.0)
    never = GuidedSearch6(recheck=0.0, **kw).simulate(ds, seed=seed)
    often = GuidedSearch6(recheck=1.0, **kw).simulate(ds, seed=seed)
    assert never["n_attended"].max() <= 12
    assert (often["n_attended"] > 12).mean() > 0.5


def test_feature_slopes_are_near_flat(default_run):
    for present in (True, False):
        assert abs(_slope(default_run, "feature", present)) < 5.0


def test_conjunction_and_spatial_slopes_in_the_human_range(default_run):
    # Wolfe, Palmer & Horowitz (2010) group slopes: conjunction 9 / 26 ms/item, spatial
    # configuration 43 / 95 ms/item (present / absent); individual conjunction slopes under
    # 6 ms/item are common (Wolfe, Cave & Franzel 1989)
    assert 0.5 < _slope(default_run, "conjunction", True) < 20
    assert 8 < _slope(default_run, "conjunction", False) < 50
    assert 20 < _slope(default_run, "spatial", True) < 60
    assert 50 < _slope(default_run, "spatial", False) < 150


def test_absent_present_ratio_above_two(default_run):
    for task in ("conjunction", "spatial"):
        assert _slope(default_run, task, False) / _slope(default_run, task, True) > 2.0, task


def test_rts_positively_skewed_and_wider_when_absent(default_run):
    for task in ("conjunction", "spatial"):
        d = default_run[(default_run["task"] == task) & (default_run["set_size"] == 18) & default_run["correct"]]
        pres = d[d["target_present"]]["rt"]
        absent = d[~d["target_present"]]["rt"]
        assert stats.skew(pres) > 0.2 and stats.skew(absent) > 0.2, task
        assert absent.std() > pres.std(), task


def test_miss_rate_rises_with_set_size(default_run):
    d = default_run[(default_run["task"] == "spatial") & default_run["target_present"]]
    miss = 1 - d.groupby("set_size")["correct"].mean()
    assert miss[18] > miss[6] + 0.04 and miss[12] > miss[3]


def test_a_higher_quitting_threshold_trades_misses_for_time(seed):
    # Wolfe (2021, "Quitting"): searching longer before quitting finds more targets and
    # makes target-absent responses slower (adaptation off, so the threshold stays put)
    ds = make_displays("spatial", (12,), n_per_cell=600, seed=seed)
    kw = dict(quit_up=0.0, quit_down=0.0, motor_error=0.0)
    low = GuidedSearch6(quit_item=40.0, **kw).simulate(ds, seed=seed)
    high = GuidedSearch6(quit_item=120.0, **kw).simulate(ds, seed=seed)
    miss = [1 - t[t["target_present"]]["correct"].mean() for t in (low, high)]
    absent_rt = [t[~t["target_present"]]["rt"].mean() for t in (low, high)]
    assert miss[0] > miss[1] + 0.05
    assert absent_rt[1] > absent_rt[0] + 300


def test_adaptive_threshold_settles_at_its_error_balance(seed):
    # at equilibrium misses push the threshold up as often as correct trials pull it down:
    # P(miss) * up = P(correct) * down over all trials (no motor errors; false alarms need a
    # distractor to reach the target bound, about 1e-5 per item at drift 6)
    up, down = 0.3, 0.03
    ds = make_displays("spatial", (6, 12), n_per_cell=1500, seed=seed)
    t = GuidedSearch6(quit_up=up, quit_down=down, motor_error=0.0).simulate(ds, seed=seed)
    miss_share = (t["target_present"] & ~t["response"]).mean()
    assert miss_share == pytest.approx(down / (up + down), abs=0.015)


def test_priming_speeds_guided_search(seed):
    ds = make_displays("conjunction", (18,), n_per_cell=800, seed=seed)
    plain = GuidedSearch6(noise_sd=1.5).simulate(ds, seed=seed)
    primed = GuidedSearch6(noise_sd=1.5, w_prime=2.0).simulate(ds, seed=seed)
    rt = [t[t["target_present"] & t["correct"]]["rt"].mean() for t in (plain, primed)]
    assert rt[1] < rt[0] - 10


def test_same_seed_same_bytes():
    ds = make_displays(("feature", "spatial"), (6, 12), n_per_cell=40, seed=1)
    m = GuidedSearch6()
    a, b = m.simulate(ds, seed=5), m.simulate(ds, seed=5)
    assert a.to_csv(index=False) == b.to_csv(index=False)
    assert not a.equals(m.simulate(ds, seed=6))


def test_bad_parameters_raise_one_line_errors():
    with pytest.raises(ParameterError, match="capacity.*whole number"):
        GuidedSearch6(capacity=2.5)
    with pytest.raises(ParameterError, match="recheck.*outside its bounds"):
        GuidedSearch6(recheck=1.5)
    with pytest.raises(ParameterError, match="unknown parameter"):
        GuidedSearch6(threshold=1.0)
    with pytest.raises(PsysimError, match="DisplaySet"):
        from psysim.models import make_design

        GuidedSearch6().simulate(make_design("feature", 6, 5))


def test_fast_agrees_with_reference_in_distribution():
    # KS on RTs and items attended per presence, error rates within 4 binomial SDs; the
    # reference draws item exit times by a 1 ms random walk, the fast path exactly
    ds = make_displays("conjunction", (6,), n_per_cell=500, seed=3)
    m = GuidedSearch6(quit_down=0.03)
    fast = m.simulate(ds, seed=4)
    ref = gs6_reference(m.params, ds, seed=5)
    present = ds.displays["target_present"].to_numpy()
    for tp in (True, False):
        sel = present == tp
        assert stats.ks_2samp(fast["rt"].to_numpy()[sel], ref["rt"][sel]).pvalue > 0.001
        assert stats.ks_2samp(fast["n_attended"].to_numpy()[sel], ref["n_attended"][sel]).pvalue > 0.001
        e_fast = (fast["response"].to_numpy()[sel] != tp).mean()
        e_ref = (ref["response"][sel] != tp).mean()
        assert abs(e_fast - e_ref) < 4 * np.sqrt(max(e_fast, 0.01) * 2 / sel.sum())


def test_selection_keys_pick_the_highest_priority_and_its_index():
    # the packed keys of the fast diffuser: one integer max gives the best item and its index
    from psysim.models.gs6_diffuser import selection_keys

    rng = np.random.default_rng(0)
    for dtype, bits in ((np.float32, 5), (np.float64, 7)):
        x = rng.normal(0.0, 3.0, (18, 5000)).astype(dtype)
        x[0, :50] = -np.inf
        keys = selection_keys(x, np.arange(18)[:, None], bits)
        best = keys.max(axis=0) & ((1 << bits) - 1)
        top2 = np.sort(x, axis=0)[-2:]
        clear = (top2[1] - top2[0]) > 1e-4 * np.abs(top2[1])  # not tied at the key's precision
        assert clear.mean() > 0.99
        assert (best[clear] == x.argmax(axis=0)[clear]).all()
        order = np.argsort(selection_keys(np.sort(x[:, 0]), np.zeros(18, int), bits), kind="stable")
        assert (order == np.arange(18)).all()


def test_exit_time_atoms_have_the_exact_mean():
    from psysim.models.gs6_diffusion import N_ATOMS, midpoint_quantiles

    q = midpoint_quantiles(6.0, 1.0)
    assert len(q) == N_ATOMS and np.all(np.diff(q) >= 0)
    assert q.mean() == pytest.approx(1000 * 1.0 / 6.0 * np.tanh(6.0), rel=0.005)
