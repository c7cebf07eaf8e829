"""Guided Search 2.0 (Wolfe 1994; Chun & Wolfe 1996): activation, termination, adaptation, and
the fast simulation against the plain per-trial reference."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from psysim.displays import make_displays
from psysim.errors import PsysimError
from psysim.models import get_model, make_design
from psysim.models.guided_search import GuidedSearch, activation_maps, orientation_category

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from reference_models import gs_reference  # noqa: E402


def test_registered_and_needs_items():
    m = get_model("gs")
    assert isinstance(m, GuidedSearch) and m.needs_items
    with pytest.raises(PsysimError, match="DisplaySet"):
        m.simulate(make_design("feature", 6, 5))


def test_orientation_categories():
    np.testing.assert_array_equal(orientation_category([0, 180, 10, 90, 100, 45, 135, -45]), [0, 0, 0, 1, 1, 3, 2, 2])


def test_activation_bottom_up_and_top_down():
    # one red item among greens: full colour contrast (bu = 1) and the only colour match
    x = np.array([[0.1, 0.5, 0.9]])
    y = np.array([[0.5, 0.5, 0.5]])
    colour = np.array([["red", "green", "green"]])
    ori = np.zeros((1, 3))
    bu_only = activation_maps(x, y, colour, ori, "red", 0.0, w_bu=1.0, w_td=0.0, bu_radius=0.3)
    assert bu_only[0, 0] == pytest.approx(1.0)  # differs from every neighbour
    assert 0 < bu_only[0, 1] < 1 and bu_only[0, 1] > bu_only[0, 2]  # nearer the odd item
    td_only = activation_maps(x, y, colour, ori, "red", 0.0, w_bu=0.0, w_td=1.0, bu_radius=0.3)
    np.testing.assert_allclose(td_only, [[2.0, 1.0, 1.0]])  # colour + orientation matches


def test_guided_feature_search_visits_target_first(seed):
    ds = make_displays("feature", (6, 18), n_per_cell=200, seed=seed)
    m = GuidedSearch(noise_sd=0.05, thr0=-5.0, thr_up=0.0, thr_down=0.0, guess_rate=0.0)
    t = m.simulate(ds, seed=seed)
    present = t[t["target_present"]]
    assert (present["n_attended"] == 1).all() and present["correct"].all()


def test_unguided_search_is_random_order_and_exhaustive(seed):
    # spatial configuration (2 vs 5): no guiding feature, so the order is random; with the
    # threshold far below every activation and no guessing, absent trials are exhaustive
    ds = make_displays("spatial", (12,), n_per_cell=1500, seed=seed)
    m = GuidedSearch(thr0=-20.0, thr_up=0.0, thr_down=0.0, guess_rate=0.0)
    t = m.simulate(ds, seed=seed)
    absent = t[~t["target_present"]]
    assert (absent["n_attended"] == 12).all() and absent["correct"].all()
    present = t[t["target_present"]]
    assert present["n_attended"].mean() == pytest.approx(6.5, abs=0.3)  # (n + 1) / 2
    assert stats.chisquare(np.bincount(present["n_attended"], minlength=13)[1:]).pvalue > 0.001


def test_adaptive_threshold_sets_the_miss_rate(seed):
    # Chun & Wolfe (1996): up after correct trials, down after misses. With no guessing the
    # only errors are misses, and at equilibrium P(correct) * up = P(miss) * down.
    up, down = 0.05, 0.95
    ds = make_displays("conjunction", (6, 12), n_per_cell=1500, seed=seed)
    t = GuidedSearch(thr_up=up, thr_down=down, guess_rate=0.0, noise_sd=0.7).simulate(ds, seed=seed)
    assert not (~t["target_present"] & t["response"]).any()  # no false alarms without guessing
    miss_share = (t["target_present"] & ~t["response"]).mean()
    assert miss_share == pytest.approx(up / (up + down), abs=0.015)


def test_guessing_makes_false_alarms_that_grow_with_set_size(seed):
    ds = make_displays("spatial", (3, 18), n_per_cell=1500, seed=seed)
    t = GuidedSearch(guess_rate=0.01).simulate(ds, seed=seed)
    fa = t[~t["target_present"]].groupby("set_size")["response"].mean()
    assert fa[3] < fa[18] and fa[18] > 0.01


def test_same_seed_same_trials(seed):
    ds = make_displays(("feature", "conjunction"), (6,), n_per_cell=30, seed=1)
    m = GuidedSearch()
    assert m.simulate(ds, seed=seed).equals(m.simulate(ds, seed=seed))


def test_fast_agrees_with_reference_in_distribution():
    ds = make_displays("conjunction", (6,), n_per_cell=600, seed=3)
    m = GuidedSearch(noise_sd=0.6, guess_rate=0.01, thr_up=0.03, thr_down=0.6)
    fast = m.simulate(ds, seed=4)
    ref = gs_reference(m.params, ds, seed=5)
    present = ds.displays["target_present"].to_numpy()
    for tp in (True, False):
        sel = present == tp
        f_rt = fast["rt"].to_numpy()[sel]
        assert stats.ks_2samp(f_rt, ref["rt"][sel]).pvalue > 0.001
        assert stats.ks_2samp(fast["n_attended"].to_numpy()[sel], ref["n_attended"][sel]).pvalue > 0.001
        e_fast = (fast["response"].to_numpy()[sel] != tp).mean()
        e_ref = (ref["response"][sel] != tp).mean()
        assert abs(e_fast - e_ref) < 4 * np.sqrt(max(e_fast, 0.01) * 2 / sel.sum())


def test_cached_features_do_not_leak_between_parameter_sets():
    """Activations are cached per design and neighbourhood width on the DisplaySet; a second
    model (other weights, other width) on the same displays must match a fresh DisplaySet."""
    ds = make_displays("conjunction", (6, 12), n_per_cell=40, seed=3)
    table = ds.displays
    a = GuidedSearch(w_td=2.0)._simulate(table, np.random.default_rng(1), ds)
    b = GuidedSearch(w_td=0.5, bu_radius=0.1)._simulate(table, np.random.default_rng(1), ds)
    fresh = make_displays("conjunction", (6, 12), n_per_cell=40, seed=3)
    b_fresh = GuidedSearch(w_td=0.5, bu_radius=0.1)._simulate(fresh.displays, np.random.default_rng(1), fresh)
    a_again = GuidedSearch(w_td=2.0)._simulate(table, np.random.default_rng(1), ds)
    for k in ("rt", "response", "n_attended"):
        np.testing.assert_array_equal(b[k], b_fresh[k])
        np.testing.assert_array_equal(a[k], a_again[k])
    assert not np.array_equal(a["n_attended"], b["n_attended"])
