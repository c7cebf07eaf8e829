"""Identifiability (psysim.fitting.identify) and cells kept for some observers (observed_cells)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from psysim.errors import PsysimError
from psysim.fitting import fit_cell_means, observed_cells
from psysim.fitting.cell_means import cell_notes
from psysim.fitting.identify import DataFeatures, check_enough_cells, identify
from psysim.models import get_model, make_design
from psysim.stats import NO_TRIM, cell_summary

FULL = DataFeatures(present=True, absent=True, n_set_sizes=4, errors=True, popout=False)


def test_full_data_leave_every_parameter_free_but_the_models_own_fixed_ones():
    cgs = identify(get_model("cgs"), FULL)
    assert set(cgs.free) == {p.name for p in get_model("cgs").parameters} - {"w_quit0"}
    assert cgs.fixed == {"w_quit0": 0.0}
    fit = identify(get_model("fit"), FULL)  # serial task: absent_offset is not used
    assert "absent_offset" not in fit.free and "per_item" in fit.free and "p_guess" in fit.free


def test_present_only_fixes_the_absent_only_parameters_with_reasons():
    present_only = DataFeatures(present=True, absent=False, n_set_sizes=4, errors=True, popout=True)
    fit = identify(get_model("fit"), present_only)
    assert "p_guess" not in fit.free and "absent_offset" not in fit.free
    assert fit.fixed["p_guess"] == get_model("fit").params["p_guess"]
    assert "no target-absent trials" in fit.reasons["p_guess"]
    cgs = identify(get_model("cgs"), present_only)
    assert "t_no" not in cgs.free and cgs.fixed["t_no"] == 420.0
    assert any("t_no fixed at 420" in line for line in cgs.lines())


def test_one_set_size_and_no_errors():
    f = DataFeatures(present=True, absent=True, n_set_sizes=1, errors=False, popout=False)
    fit = identify(get_model("fit"), f)
    assert "per_item" not in fit.free and fit.fixed["p_miss"] == 0.0
    cgs = identify(get_model("cgs"), f)
    assert {"w_target", "dw_quit", "m"}.isdisjoint(cgs.free) and cgs.fixed["m"] == 0.0


def test_models_that_cannot_be_fitted_say_why():
    assert not identify(get_model("fit"), DataFeatures(True, True, 4, True, popout=None)).fittable
    gs = identify(get_model("gs"), DataFeatures(True, True, 4, True, popout=False, displays=False))
    assert not gs.fittable and "displays" in gs.why_not


def test_features_of_a_trial_table():
    t = get_model("fit").simulate(make_design("conjunction", (4, 8), 20), seed=1)
    f = DataFeatures.of(t[t["target_present"]], popout=False)
    assert (f.present, f.absent, f.n_set_sizes) == (True, False, 2)


def _summary_with_gaps(seed):
    """Three observers; observer 'c' has no correct RT in one cell (all its trials errors)."""
    model = get_model("fit", per_item=30, p_miss=0.05)
    parts = [model.simulate(make_design("conjunction", (4, 8, 16), 3), seed=seed + i).assign(subject=s)
             for i, s in enumerate("abc")]
    t = pd.concat(parts, ignore_index=True)
    hole = (t["subject"] == "c") & (t["set_size"] == 16) & t["target_present"]
    t.loc[hole, "correct"] = False
    t.loc[hole, "response"] = False
    return cell_summary(t, NO_TRIM)


def test_observed_cells_keeps_cells_missing_for_some_observers(seed):
    summary = _summary_with_gaps(seed)
    cells = observed_cells(summary)
    assert len(cells) == 6  # every cell kept
    hole = cells[(cells["set_size"] == 16) & cells["target_present"]].iloc[0]
    assert hole["rt_status"] == "partial" and hole["n_rt_subjects"] == 2 and hole["n_subjects"] == 3
    s = summary[(summary["set_size"] == 16) & summary["target_present"] & summary["subject"].isin(["a", "b"])]
    assert hole["mean_rt"] == pytest.approx(s["mean_rt"].mean())
    assert hole["error_rate"] == pytest.approx(summary[(summary["set_size"] == 16) & summary["target_present"]]["error_rate"].mean())
    notes = cell_notes(cells)
    assert notes == ["conjunction, set size 16, target present: mean RT over the 2 of 3 observers that have one"]
    res = fit_cell_means(get_model("fit"), summary, free=("base", "per_item"))
    assert res.n_obs == 12 and res.diagnostics["cells"] == notes


def test_no_fit_on_fewer_values_than_free_parameters(seed):
    t = get_model("fit").simulate(make_design("conjunction", (8,), 20), seed=seed)
    summary = cell_summary(t[t["target_present"]].assign(subject="1"), NO_TRIM)
    with pytest.raises(PsysimError, match=r"fit fit.*2 observed value\(s\) for 4 free parameters"):
        fit_cell_means(get_model("fit"), summary, free=("base", "per_item", "p_miss", "p_guess"))
    with pytest.raises(PsysimError, match="1 observed value"):
        check_enough_cells(1, ["a", "b"], "here")
    # a single observer's cell: within-observer standard errors, so the fit is defined
    cells = observed_cells(summary)
    assert np.isfinite(cells["mean_rt_se"]).all() and (cells["mean_rt_se"] > 1).all()
