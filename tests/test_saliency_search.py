"""The saliency search model: trial table, WTA order, quitting rule, determinism."""

import numpy as np
import pytest

from psysim.displays import make_displays
from psysim.errors import ParameterError, PsysimError
from psysim.models import get_model, make_design
from psysim.models.saliency_search import item_saliency


@pytest.fixture(scope="module")
def displays():
    return make_displays(tasks=("orientation", "conjunction"), set_sizes=(4, 12), n_per_cell=6, seed=5)


def test_trial_table_and_rt_equation(displays):
    model = get_model("saliency", noise=0.0, rt_sd=0.0, base=400, dwell=50)
    trials = model.simulate(displays, seed=1)
    assert len(trials) == len(displays.displays)
    assert {"n_attended", "target_rank", "display_id"} <= set(trials.columns)
    np.testing.assert_allclose(trials["rt"], 400 + 50 * trials["n_attended"])
    absent = trials[~trials["target_present"]]
    # default quitting threshold 0: absent search is exhaustive
    assert (absent["n_attended"] == absent["set_size"]).all()
    assert not absent["response"].any()
    present = trials[trials["target_present"]]
    assert (present["n_attended"] == present["target_rank"]).all() and present["response"].all()


def test_target_rank_follows_item_saliency(displays):
    sal = item_saliency(displays, 512)
    items = displays.items.assign(s=sal.to_numpy())
    trials = get_model("saliency", noise=0.0).simulate(displays, seed=0)
    for _, row in trials[trials["target_present"]].iterrows():
        it = items[items["display_id"] == row["display_id"]]
        expected = 1 + int((it["s"] > it.loc[it["is_target"], "s"].iloc[0]).sum())
        assert row["target_rank"] == expected
    # an orientation singleton is the most salient item; a conjunction target mostly is not
    orient = trials[(trials["task"] == "orientation") & trials["target_present"]]
    conj = trials[(trials["task"] == "conjunction") & trials["target_present"]]
    assert (orient["target_rank"] == 1).mean() >= 0.9
    assert (conj["target_rank"] == 1).mean() < 0.5


def test_quit_threshold_ends_absent_search_early_and_causes_misses(displays):
    lax = get_model("saliency", quit_threshold=0.9, noise=0.0).simulate(displays, seed=0)
    absent = lax[~lax["target_present"]]
    assert (absent["n_attended"] < absent["set_size"]).any()
    assert (lax[lax["target_present"]]["response"] == False).any()  # noqa: E712


def test_same_seed_same_trials(displays):
    a = get_model("saliency").simulate(displays, seed=3)
    b = get_model("saliency").simulate(displays, seed=3)
    c = get_model("saliency").simulate(displays, seed=4)
    assert a.equals(b) and not a["rt"].equals(c["rt"])


def test_needs_displays_and_valid_parameters():
    with pytest.raises(PsysimError, match="reads item tables"):
        get_model("saliency").simulate(make_design(n_per_cell=2))
    with pytest.raises(ParameterError, match="quit_threshold"):
        get_model("saliency", quit_threshold=2)
