import numpy as np
import pandas as pd
import pytest

from psysim.displays import load_stimulus_set
from psysim.errors import ParameterError, PsysimError
from psysim.models import FeatureIntegration, get_model, make_design
from psysim.models.fit import pops_out


def test_popout_is_read_from_the_stimulus_definitions():
    ss = load_stimulus_set()
    assert pops_out(ss.task("feature")) and pops_out(ss.task("orientation"))
    assert not pops_out(ss.task("conjunction")) and not pops_out(ss.task("spatial"))


@pytest.mark.parametrize("n", [3, 6, 12, 18])
def test_self_terminating_search_inspects_n_plus_1_over_2_items(n, seed):
    m = get_model("fit", p_miss=0.0, p_guess=0.0)
    t = m.simulate(make_design("conjunction", n, 20000), seed=seed)
    present = t[t.target_present]
    # mean of a discrete uniform on 1..n is (n+1)/2; its SD is sqrt((n^2-1)/12)
    se = np.sqrt((n**2 - 1) / 12 / len(present))
    assert abs(present.n_attended.mean() - (n + 1) / 2) < 4 * se
    assert (t[~t.target_present].n_attended == n).all()  # exhaustive on absent trials
    assert t.correct.all()


def test_feature_search_is_flat_and_serial_search_is_linear(seed):
    m = get_model("fit", p_miss=0.0, p_guess=0.0, base_sd=30, per_item=40)
    t = m.simulate(make_design(["feature", "conjunction"], [3, 18], 4000), seed=seed)
    means = t.groupby(["task", "target_present", "set_size"]).rt.mean()
    assert abs(means["feature", True, 18] - means["feature", True, 3]) < 5
    slope_present = (means["conjunction", True, 18] - means["conjunction", True, 3]) / 15
    slope_absent = (means["conjunction", False, 18] - means["conjunction", False, 3]) / 15
    assert slope_present == pytest.approx(20, rel=0.1)
    assert slope_absent == pytest.approx(40, rel=0.05)


def test_exact_cell_predictions_match_simulation(seed):
    m = get_model("fit", p_miss=0.1, p_guess=0.05, absent_offset=60)
    design = make_design(["feature", "spatial"], [3, 12], 30000)
    t = m.simulate(design, seed=seed)
    sim = t.groupby(["task", "set_size", "target_present"]).agg(err=("correct", lambda c: 1 - c.mean()))
    sim["rt"] = t[t.correct].groupby(["task", "set_size", "target_present"]).rt.mean()
    cells = design.drop_duplicates(["task", "set_size", "target_present"])[["task", "set_size", "target_present"]]
    pred = m.predict_cells(cells).set_index(["task", "set_size", "target_present"])
    for idx, row in pred.iterrows():
        assert sim.loc[idx, "rt"] == pytest.approx(row.mean_rt, rel=0.01)
        assert sim.loc[idx, "err"] == pytest.approx(row.error_rate, abs=0.01)


def test_rt_distribution_moments_follow_the_gamma_assumptions(seed):
    m = get_model("fit", p_miss=0, p_guess=0, base=500, base_sd=50, per_item=30, item_cv=0.5)
    t = m.simulate(make_design("conjunction", 6, 40000), seed=seed)
    a = t[~t.target_present].rt
    # absent: base + Gamma sum of 6 items: mean 500+180, var 50^2 + 6*(0.5*30)^2
    assert a.mean() == pytest.approx(680, rel=0.005)
    assert a.var() == pytest.approx(50**2 + 6 * 15**2, rel=0.05)


def test_same_seed_same_trials_and_misses_come_from_the_mechanism(seed):
    m = get_model("fit", p_miss=0.2)
    d = make_design("conjunction", [6, 18], 500)
    a, b = m.simulate(d, seed=seed), m.simulate(d, seed=seed)
    pd.testing.assert_frame_equal(a, b)
    misses = a[a.target_present & ~a.correct]
    assert (misses.n_attended == misses.set_size).all()  # a missed target means exhaustive search


def test_simulate_on_displays_keeps_display_ids(seed):
    from psysim.displays import make_displays

    ds = make_displays("spatial", [3, 6], 5, seed=seed)
    t = get_model("fit").simulate(ds, seed=seed)
    assert t.display_id.tolist() == ds.displays.display_id.tolist()


@pytest.mark.parametrize(
    "params, msg",
    [({"per_item": -1}, "outside its bounds"), ({"per_item": "fast"}, "expected a number"), ({"speed": 3}, "unknown parameter"), ({"p_miss": float("nan")}, "NaN")],
)
def test_bad_parameters(params, msg):
    with pytest.raises(ParameterError, match=msg):
        FeatureIntegration(**params)


def test_unknown_model():
    with pytest.raises(PsysimError, match="unknown model 'fitt'"):
        get_model("fitt")
