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


@pytest.mark.slow
def test_profile_fit_recovers_a_guided_search_with_long_dwells():
    """Parameter recovery: data simulated in the long-dwell, early-quitting regime (beta 4)
    give a profile CI that holds the true beta and the true dwell time."""
    from psysim.experiments.softmax_temperature import profile_fit

    from psysim.displays import make_displays
    from psysim.fitting.quantile_fit import quantile_cells
    from psysim.models import get_model
    from psysim.models.softmax_search import SoftmaxCellPredictor

    truth = dict(beta=4.0, dw_quit=5.0, t_item=120.0, item_cv=0.5, t_yes=300.0, t_no=320.0, res_mean=80.0, m=0.01)
    design = make_displays("feature", (3, 6, 12, 18), 400, seed=1)
    trials = get_model("softmax", **truth).simulate(design, seed=2)
    cells = quantile_cells(trials)
    predictor = SoftmaxCellPredictor(get_model("softmax").__class__, cells, n_displays=10, n_draws=4, seed=0)
    _, fit = profile_fit("softmax", predictor, cells, beta_grid(8))
    assert fit["ci_low"] <= truth["beta"] <= fit["ci_high"]
    assert fit["t_item"] == pytest.approx(truth["t_item"], rel=0.3)


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
