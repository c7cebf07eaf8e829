"""Pure parts of the softmax-temperature experiment: the order table and the beta grid."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from psysim.experiments.softmax_temperature import _from_z, _to_z, beta_grid, bic_table, order_table


def _fits():
    rows = [("feature", "group", 5.0, 4.5, 5.5), ("conjunction", "group", 1.0, 0.5, 1.4), ("spatial", "group", 0.6, 0.5, 0.7)]
    rows += [("feature", str(i), 4.0 + i, 0, 0) for i in range(3)]
    rows += [("conjunction", str(i), 1.0 + i, 0, 0) for i in range(3)]
    rows += [("spatial", str(i), 0.5 + i, 0, 0) for i in range(3)]
    f = pd.DataFrame(rows, columns=["task", "subject", "beta", "ci_low", "ci_high"])
    f["priority"] = "target"
    f["bic"] = np.arange(len(f), dtype=float)
    return f


def test_order_table():
    o = order_table(_fits()).set_index("comparison")
    assert o.loc["feature > conjunction", "group_higher"] and o.loc["feature > conjunction", "group_cis_separate"]
    assert o.loc["conjunction > spatial", "group_higher"] and not o.loc["conjunction > spatial", "group_cis_separate"]
    # observers: feature 4, 5, 6 vs conjunction 1, 2, 3 -> every pair ordered
    assert o.loc["feature > conjunction", "prob_superiority"] == 1.0
    assert o.loc["conjunction > spatial", "prob_superiority"] == pytest.approx(6 / 9)


def test_bic_table_marks_the_best_map():
    f = pd.concat([_fits(), _fits().assign(priority="gs", bic=lambda d: d["bic"] - 1)])
    b = bic_table(f)
    assert (b.loc[b["priority"] == "gs", "best"]).all()
    assert np.allclose(b.loc[b["priority"] == "target", "delta_bic"], 1.0)


def test_bic_table_leaves_single_map_data_sets_uncompared():
    # observers fitted with the target map only: no delta, no winner
    f = pd.concat([_fits(), _fits().assign(priority="gs", bic=lambda d: d["bic"] - 1)])
    f = pd.concat([f, _fits().iloc[[0]].assign(subject="7")])
    b = bic_table(f)
    lone = b[b["subject"] == "7"]
    assert len(lone) and lone["delta_bic"].isna().all() and lone["best"].isna().all()
    assert b.loc[b["subject"] != "7", "best"].notna().all()


def test_grid_and_parameter_transforms():
    g = beta_grid(10)
    assert g[0] == 0 and g[-1] == pytest.approx(40) and len(g) == 10 and np.all(np.diff(g) > 0)
    v = {"dw_quit": 0.3, "t_item": 40.0, "item_cv": 0.8, "t_yes": 300.0, "t_no": 350.0, "res_mean": 100.0, "m": 0.01}
    back = _from_z(_to_z(v))
    assert back == pytest.approx(v)


# beta's identifiability in each regime (issue 15 item 4): a task's typical guidance (feature
# strong, conjunction moderate, spatial weak) with long dwells and early quitting, or short,
# variable dwells and late quitting. Target map (exact likelihood), 500 trials per cell.
_LONG = dict(dw_quit=5.0, t_item=120.0, item_cv=0.5)
_SHORT = dict(dw_quit=0.05, t_item=30.0, item_cv=0.9)
REGIMES = {("feature", "long"): (5.0, _LONG), ("feature", "short"): (5.0, _SHORT),
           ("conjunction", "long"): (2.0, _LONG), ("conjunction", "short"): (2.0, _SHORT),
           ("spatial", "long"): (0.5, _LONG), ("spatial", "short"): (0.5, _SHORT)}


@pytest.mark.parametrize("task,dwell", list(REGIMES))
def test_beta_is_identified_in_every_regime(task, dwell):
    """Recovery of beta, tolerance a factor 2: data simulated at known beta and nuisance values
    exclude beta / 2 and 2 beta by the likelihood-ratio test against the true beta (profile
    log-likelihood lower by more than 1.92), and the true beta is inside the 95 % profile CI
    of the betas tried (beta / 2, beta / 1.25, beta, 1.25 beta, 2 beta).

    The nuisance parameters are profiled out at each beta (L-BFGS-B, as in the run). At the two
    excluded values the profile is maximised from three starts (the truth and both regime
    starts of the run, :func:`regime_starts`) and the best kept, so that a poor local optimum
    cannot make a wrong beta look excluded.

    Measured exception: with strong guidance and short dwells (feature, beta 5) the target is
    the first item selected on most displays and a larger beta changes little, so only
    beta / 2 is excluded there; 2 beta is not, and the run's CI is open above (it reported
    [3.7, inf] for this case with a 7-point grid). The test asserts that too: it would fail
    if 2 beta became distinguishable.
    """
    from psysim.experiments.softmax_temperature import Profile, _start, _to_z, regime_starts

    from psysim.displays import make_displays
    from psysim.fitting.quantile_fit import quantile_cells
    from psysim.models import get_model
    from psysim.models.softmax_search import SoftmaxCellPredictor

    beta, dw = REGIMES[(task, dwell)]
    nuisance = dict(**dw, t_yes=300.0, t_no=320.0, res_mean=80.0, m=0.01)
    design = make_displays(task, (3, 6, 12, 18), 500, seed=1)
    trials = get_model("softmax", beta=beta, **nuisance).simulate(design, seed=2)
    cells = quantile_cells(trials)
    predictor = SoftmaxCellPredictor(get_model("softmax").__class__, cells, n_displays=1, n_draws=1, seed=0)
    prof = Profile("softmax", predictor, cells)
    z_true = _to_z(nuisance)
    starts = [z_true, *(_to_z(v) for v in regime_starts(_start(cells)).values())]
    ll = {}
    for f in (0.5, 0.8, 1.0, 1.25, 2.0):
        tries = starts if f in (0.5, 2.0) else starts[:1]
        ll[f] = max(prof.optimise(beta * f, z)[0] for z in tries)
    cut = 3.841458820694124 / 2
    assert ll[1.0] >= max(ll.values()) - cut, ll  # the truth is inside the CI
    assert ll[1.0] - ll[0.5] > cut, ll  # beta / 2 excluded
    if (task, dwell) == ("feature", "short"):
        assert ll[1.0] - ll[2.0] < cut, ll  # not identified above (see the docstring)
    else:
        assert ll[1.0] - ll[2.0] > cut, ll  # 2 beta excluded


def test_multistart_check_starts_and_bad_input():
    from psysim.analysis.check_profile_multistart import main, starts_for

    from psysim.errors import PsysimError

    cells = pd.DataFrame({"target_present": [True, False], "q10": [500.0, 700.0], "error_rate": [0.02, 0.04]})
    fits = pd.DataFrame([{"task": "feature", "subject": "group", "priority": "cnn", "dw_quit": 2.0, "t_item": 50.0, "item_cv": 1.0,
                          "t_yes": 300.0, "t_no": 400.0, "res_mean": 90.0, "m": 0.01},
                         {"task": "spatial", "subject": "group", "priority": "gs", "dw_quit": 2.0, "t_item": 50.0, "item_cv": 1.0,
                          "t_yes": 300.0, "t_no": 400.0, "res_mean": 90.0, "m": 0.01}])
    s = starts_for(cells, "feature", fits)
    assert set(s) == {"default", "short", "long", "mid", "fit_cnn"}  # only this task's group fits
    assert _from_z(s["fit_cnn"])["t_item"] == pytest.approx(50.0)
    assert _from_z(s["short"])["t_item"] < _from_z(s["long"])["t_item"]
    for argv, what in ((["--map", "foo", "--task", "feature", "--betas", "1"], "--map"),
                       (["--map", "gs", "--task", "pop", "--betas", "1"], "--task"),
                       (["--map", "gs", "--task", "feature", "--betas", "1,x"], "--betas"),
                       (["--map", "gs", "--task", "feature", "--betas", "-1"], "--betas")):
        with pytest.raises(PsysimError, match=what):
            main(argv)


def test_misfit_flags_name_bounds_flat_profiles_and_open_cis():
    from psysim.experiments.softmax_temperature import misfit_flags, misfit_notes

    g = beta_grid(6)
    clean = {"beta": 2.0, "ci_low": 1.0, "ci_high": 3.5, "loglik": -100.0, "dw_quit": 0.5, "t_item": 60.0, "item_cv": 0.6,
             "t_yes": 300.0, "t_no": 350.0, "res_mean": 80.0, "m": 0.0}
    peaked = pd.DataFrame({"beta": g, "loglik": [-140.0, -130, -120, -101, -100.5, -125]})
    f = misfit_flags(clean, peaked, g)
    assert f == {"profile_drop": 40.0, "at_bound": "", "misfit": ""}  # m = 0 is no misfit
    flat = pd.DataFrame({"beta": g, "loglik": [-101.0, -100.8, -100.5, -100.2, -100.1, -100.0]})
    bad = {**clean, "beta": 40.0, "ci_high": np.inf, "t_item": 20.0, "item_cv": 1.0}
    f = misfit_flags(bad, flat, g)
    assert f["at_bound"] == "beta,t_item,item_cv" and f["profile_drop"] == pytest.approx(1.0)
    assert "top of the grid (40)" in f["misfit"] and "flat profile" in f["misfit"] and "t_item at its bound (20)" in f["misfit"]
    open_ci = misfit_flags({**clean, "ci_high": np.inf}, peaked, g)
    assert open_ci["misfit"] == "95% CI open above"
    fits = pd.DataFrame([{**clean, "task": "feature", "subject": "group", "priority": "gs", **misfit_flags(bad, flat, g)},
                         {**clean, "task": "feature", "subject": "3", "priority": "target", **f},
                         {**clean, "task": "feature", "subject": "4", "priority": "target", "misfit": np.nan}])
    notes = misfit_notes(fits)
    assert "gs map, feature (beta 2.00): beta at the top" in notes[0]
    assert notes[1].startswith("Observer fits flagged the same way: 1 of 2")
