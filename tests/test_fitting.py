import math

import numpy as np
import pandas as pd
import pytest

from psysim.fitting import FitResult, aic, bic, fit_cell_means
from psysim.models import get_model


def _summary_from(model, subjects=6, noise=10.0, seed=0):
    """Per-subject cell means: the model's exact predictions plus subject noise."""
    rng = np.random.default_rng(seed)
    cells = pd.DataFrame([(t, n, p) for t in ("conjunction",) for n in (3, 6, 12, 18) for p in (True, False)], columns=["task", "set_size", "target_present"])
    pred = model.predict_cells(cells)
    rows = []
    for s in range(subjects):
        d = pred.copy()
        d["subject"] = str(s)
        d["source"] = "synthetic"
        d["mean_rt"] += rng.normal(0, noise, len(d))
        d["error_rate"] = np.clip(d["error_rate"] + rng.normal(0, 0.003, len(d)), 0, 1)
        rows.append(d)
    return pd.concat(rows, ignore_index=True)


def test_fit_recovers_known_parameters():
    truth = get_model("fit", base=520, per_item=33, p_miss=0.04, p_guess=0.02)
    s = _summary_from(truth, noise=5)
    start = get_model("fit")
    res = fit_cell_means(start, s, free=start.free_parameters("conjunction"))
    assert res.params["base"] == pytest.approx(520, abs=10)
    assert res.params["per_item"] == pytest.approx(33, abs=1.5)
    assert res.params["p_miss"] == pytest.approx(0.04, abs=0.01)
    assert res.diagnostics["success"]


def test_fit_result_is_immutable_and_round_trips(tmp_path):
    s = _summary_from(get_model("fit"))
    res = fit_cell_means(get_model("fit"), s, free=("base", "per_item"), data={"task": "conjunction"})
    with pytest.raises(TypeError):
        res.params["base"] = 1.0
    with pytest.raises(AttributeError):
        res.loss = 0.0
    again = FitResult.from_json(res.to_json())
    assert again.params == res.params and again.aic == res.aic and again.bic == res.bic
    pd.testing.assert_frame_equal(again.predictions, res.predictions, check_dtype=False)
    path = tmp_path / "fit.json"
    res.to_json(path)
    assert FitResult.from_json(path).summary() == res.summary()


def test_information_criteria_by_hand():
    assert aic(-100.0, 3) == pytest.approx(206.0)
    assert bic(-100.0, 3, 50) == pytest.approx(3 * math.log(50) + 200.0)


def test_bound_warning():
    truth = get_model("fit", per_item=33)
    s = _summary_from(truth)
    start = get_model("fit")
    # an upper bound on base far below the data's intercept forces the estimate onto it
    res = fit_cell_means(start.with_params(base=160), s, free=("base",))
    assert res.params["base"] <= 2000
    s2 = s.assign(mean_rt=s.mean_rt - 1000)  # intercept below the lower bound of 150 ms
    res2 = fit_cell_means(start, s2, free=("base", "per_item"))
    assert any("'base' ended at its bound" in w for w in res2.warnings)


def test_fit_result_pickles_for_worker_processes():
    import pickle

    res = fit_cell_means(get_model("fit"), _summary_from(get_model("fit")), free=("base",))
    again = pickle.loads(pickle.dumps(res))
    assert again.params == res.params and again.bic == res.bic
