"""A bad seed (negative, not whole, a bool, text) given to the Python API is one PsysimError that
names the seed, wherever it enters: models, displays, networks, experiments (issue 20, item 8).
One checker, :func:`psysim.seeds.check_seed`, is used at every entry."""

from __future__ import annotations

import numpy as np
import pytest

from psysim.errors import PsysimError
from psysim.seeds import check_seed

BAD = [-1, -(2**40), 1.5, 2.0, True, False, "3", None, [1, 2], np.float64(1.0), np.int64(-5)]


@pytest.mark.parametrize("bad", BAD, ids=repr)
def test_check_seed_refuses_in_one_line_naming_the_seed(bad):
    with pytest.raises(PsysimError) as err:
        check_seed(bad)
    msg = str(err.value)
    assert msg.startswith("seed must be a whole number >= 0") and repr(bad) in msg and "\n" not in msg


def test_check_seed_accepts_whole_numbers_and_where_asked_numpy_streams():
    assert check_seed(0) == 0 and check_seed(np.uint32(7)) == 7 and type(check_seed(np.int64(7))) is int
    assert check_seed(2**70) == 2**70
    ss, g = np.random.SeedSequence(1), np.random.default_rng(1)
    assert check_seed(ss, generators=True) is ss and check_seed(g, generators=True) is g
    with pytest.raises(PsysimError, match="whole number >= 0, got SeedSequence"):
        check_seed(ss)  # a torch seed must be a number
    with pytest.raises(PsysimError, match="^stream must be"):
        check_seed(-1, "stream")


def _entries():
    from psysim.displays import make_displays
    from psysim.models import get_model, make_design

    yield "model.simulate", lambda s: get_model("fit").simulate(make_design("feature", (3, 6), 4), seed=s)
    yield "gs.simulate", lambda s: get_model("gs").simulate(make_displays("feature", (3,), 2, seed=1), seed=s)
    yield "make_displays", lambda s: make_displays("feature", (3, 6), 2, seed=s)

    def network(s):
        from psysim.networks.training import seeded_network

        return seeded_network("gapcnn", seed=s)

    yield "seeded_network", network

    def objects(s):
        from psysim.displays.objects import make_prototypes

        return make_prototypes(3, seed=s)

    yield "make_prototypes", objects

    def saliency_metric(s):
        from psysim.saliency.metrics import auc_borji

        return auc_borji(np.random.default_rng(0).random((16, 16)), np.eye(16, dtype=bool), n_splits=2, seed=s)

    yield "auc_borji", saliency_metric


ENTRIES = dict(_entries())


@pytest.mark.parametrize("bad", [-1, 1.5, True], ids=repr)
@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_every_entry_refuses_a_bad_seed_naming_it(entry, bad):
    with pytest.raises(PsysimError, match=r"^seed must be a whole number >= 0.*got " + repr(bad).replace(".", r"\.")):
        ENTRIES[entry](bad)


@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_every_entry_accepts_a_good_seed_and_repeats_itself(entry):
    ENTRIES[entry](np.int64(3))  # a numpy integer is a whole number
    a, b = ENTRIES[entry](3), ENTRIES[entry](3)
    if hasattr(a, "to_csv"):
        assert a.to_csv() == b.to_csv()


def test_a_simulation_from_a_task_seed_sequence_still_works():
    from psysim.models import get_model, make_design
    from psysim.seeds import derive_seed

    design = make_design("feature", (3, 6), 4)
    a = get_model("fit").simulate(design, seed=derive_seed(1, "k"))
    assert a.to_csv() == get_model("fit").simulate(design, seed=derive_seed(1, "k")).to_csv()


def test_an_experiment_run_with_a_bad_seed_writes_nothing(tmp_path):
    from psysim.runs import execute, get_experiment

    for bad in (-1, 2.5, True):
        with pytest.raises(PsysimError, match="seed must be a whole number >= 0"):
            execute(get_experiment("visual-search"), out=tmp_path / "run", seed=bad, quick=True)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kwargs, what", [({"seeds": (0, -1)}, "seeds"), ({"seeds": 1.5}, "seeds"),
                                          ({"sim_seed": -3}, "sim_seed"), ({"sim_seed": True}, "sim_seed")])
def test_a_fit_refuses_bad_search_and_simulation_seeds(kwargs, what):
    from psysim.fitting import fit_quantiles
    from psysim.models import get_model, make_design

    trials = get_model("cgs").simulate(make_design("conjunction", (6, 18), 40), seed=1)
    with pytest.raises(PsysimError, match=f"^{what} must be a whole number >= 0"):
        fit_quantiles(get_model("fit"), trials, maxiter=1, popsize=2, **kwargs)


def test_a_tuple_of_entropy_words_is_a_seed_where_numpy_streams_are():
    # (seed, image index): what saliency-fixations hands the sampled AUCs, as numpy takes it
    assert check_seed((3, 0), generators=True) == (3, 0)
    assert np.random.default_rng(check_seed((3, 1), generators=True)).random() == np.random.default_rng((3, 1)).random()
    with pytest.raises(PsysimError, match="got -1"):
        check_seed((3, -1), generators=True)
    with pytest.raises(PsysimError):
        check_seed((3, 0))  # (a torch seed must be one number)
