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


def _described(tmp_path, trials, kinds):
    """Write a trial table as a lab CSV with a description whose tasks have ``kinds``."""
    trials.rename(columns={"subject": "id"}).to_csv(tmp_path / "t.csv", index=False)
    tasks = "".join(f'[tasks.{t}]\nkind = "{k}"\n' for t, k in kinds.items())
    (tmp_path / "t.toml").write_text(
        '[dataset]\nname = "sim"\n[files]\npaths = ["t.csv"]\n[columns]\nsubject = "id"\n'
        '[rt]\ntrim = [100, 10000]\n' + tasks)
    from psysim.data import load_described

    return load_described(tmp_path / "t.toml")


def _check_translations(notes, expect_keys=()):
    """Every plan note with a key renders back to its own English line and has a Japanese one
    (compare-models --lang ja)."""
    import json

    from psysim.report.compare import note_text

    keys = set()
    for n in notes:
        if not n.key:
            continue
        row = {"kind": n.kind, "task": n.task, "text": n.text, "model": n.model, "key": n.key,
               "fields": json.dumps(n.fields) if n.fields else ""}
        assert note_text(row, "en") == n.text, n.text
        ja = note_text(row, "ja")
        assert ja is not None and not ja.isascii(), (n.text, ja)
        keys.add(n.key)
    assert set(expect_keys) <= keys, keys


def test_plan_follows_the_task_kind_not_its_name(tmp_path, seed):
    from psysim.fitting.plan import plan_fits

    model = get_model("fit", per_item=30)
    parts = []
    for i, (task, display) in enumerate((("blobs", "conjunction"), ("mystery", "conjunction"), ("redbar", "feature"))):
        t = model.simulate(make_design(display, (4, 8), 30), seed=seed + i).assign(task=task)
        parts.append(pd.concat([t.assign(subject="1"), t.assign(subject="2")]))
    data = _described(tmp_path, pd.concat(parts, ignore_index=True),
                      {"blobs": "serial", "mystery": "unknown", "redbar": "feature-colour"})
    planned, notes = plan_fits(data, ["fit", "cgs", "gs"], quick=True, min_correct=5)
    fitted = {(p.model, p.task) for p in planned}
    assert ("fit", "blobs") in fitted and ("gs", "blobs") not in fitted  # serial: FIT yes, Guided Search no
    assert ("cgs", "mystery") in fitted and ("fit", "mystery") not in fitted and ("gs", "mystery") not in fitted
    assert {p.model_task for p in planned if p.task == "redbar"} == {"feature"}
    assert {p.model_task for p in planned if p.model == "fit" and p.task == "blobs"} == {"spatial"}
    texts = [n.text for n in notes if n.kind == "not-fitted"]
    assert any(t.startswith("gs not fitted to blobs") and "displays" in t for t in texts)
    assert any(t.startswith("fit not fitted to mystery") and "unknown" in t for t in texts)
    # a pop-out task: FIT's per_item is fixed, with its reason
    red = next(p for p in planned if p.model == "fit" and p.task == "redbar")
    assert "per_item" in red.fixed and "pop-out" in red.reasons["per_item"]
    assert all(p.subject in ("1", "2") for p in planned)  # 30 trials per cell: per observer
    assert [n.text for n in notes if n.kind == "observers" and n.task == "redbar"] == ["redbar: per observer (2 fit(s) per model)"]
    _check_translations(notes, ("observers", "not_fitted"))
    # observers left out of per-observer fits (max_observers) are said, not silently dropped
    planned, notes = plan_fits(data, ["cgs"], quick=True, min_correct=5, tasks=["redbar"], max_observers=1)
    assert [p.subject for p in planned] == ["1"]
    assert [n.text for n in notes if n.kind == "observers"] == [
        "redbar: per observer (1 fit(s) per model; 1 of 2 observers fitted (at most 1 per task, the first by id), "
        "the others are in the statistics but not in the fits)"]
    _check_translations(notes, ("observers_some",))


def test_plan_pools_and_leaves_out_cells_too_small_for_quantile_bins(tmp_path, seed):
    from psysim.fitting.plan import plan_fits

    t = get_model("fit", per_item=30, p_miss=0, p_guess=0).simulate(make_design("conjunction", (4, 8, 16), 16), seed=seed)
    t = t.assign(task="c", subject=np.tile(["1", "2"], len(t) // 2))
    keep = ~((t["set_size"] == 16) & ~t["target_present"] & (t.groupby(["set_size", "target_present"]).cumcount() >= 1))
    data = _described(tmp_path, t[keep].reset_index(drop=True), {"c": "conjunction"})
    planned, notes = plan_fits(data, ["cgs"], quick=True)
    assert [p.subject for p in planned] == ["pooled"]
    cells = planned[0].spec.cells
    assert not ((cells["set_size"] == 16) & ~cells["target_present"]).any()
    assert any(n.kind == "cell" and "set size 16, target absent: left out of the fits" in n.text for n in notes)
    assert any(n.kind == "pooled" for n in notes)
    _check_translations(notes, ("pooled", "cell"))


def test_a_cell_some_observers_never_saw_is_kept_and_said(seed):
    summary = _summary_with_gaps(seed)
    summary = summary[~((summary["subject"] == "a") & (summary["set_size"] == 4) & ~summary["target_present"])]
    cells = observed_cells(summary)
    c = cells[(cells["set_size"] == 4) & ~cells["target_present"]].iloc[0]
    assert (c["n_subjects"], c["n_rt_subjects"], c["n_task_subjects"], c["rt_status"]) == (2, 2, 3, "partial")
    assert "conjunction, set size 4, target absent: mean RT over the 2 of 3 observers that have one (1 of the " \
           "task's 3 observers have no trial in it)" in cell_notes(cells)
