"""Model recovery and parameter recovery (psysim.fitting.recovery): a small case whose answer is
known, the confusion matrix's counts, the verdict rules, the parameter-recovery statistics on an
analytic toy, the choice of generators, and the one-line errors of bad sizes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from psysim.errors import PsysimError
from psysim.fitting import FitSpec, fit_many, quantile_cells
from psysim.fitting import recovery as rec
from psysim.models import get_model

COUNTS = pd.DataFrame({"set_size": [6, 6, 18, 18], "target_present": [True, False, True, False],
                       "n": [200, 190, 210, 200]})


def test_two_clearly_different_generators_are_each_recovered():
    # CGS with strong guidance and an early quit (nearly flat present RTs) against FIT's serial
    # self-terminating search (60 ms per item, absent twice the present slope): each must win on
    # its own data and lose on the other's. FIT's search is given enough simulated trials and
    # iterations to reach its truth (at the truth its loss is ~68; a smaller search stops far away)
    gens = {"cgs": get_model("cgs", w_target=20.0, dw_quit=0.2), "fit": get_model("fit", per_item=60.0)}
    settings = {"cgs": {"n_starts": 32, "n_local": 1},
                "fit": {"maxiter": 15, "popsize": 6, "n_sim": 1000, "polish": True, "free": ("base", "per_item", "base_sd")}}
    specs = []
    for i, (g, model) in enumerate(gens.items()):
        sim = rec.simulate_like(model, "conjunction", COUNTS, 100 + 2 * i)
        for m in gens:
            specs.append(FitSpec(key=f"rec/{g}/{m}", model=m, cells=quantile_cells(sim), starts=1, settings=settings[m],
                                 data={"generator": g, "task": "conjunction", "set": 0, "subject": "toy"}))
    table = rec.model_recovery_table(fit_many(specs, seed=1))
    assert len(table) == 4 and (table.groupby(["generator", "set"])["delta_bic"].min() == 0).all()
    winners = table.drop_duplicates("generator").set_index("generator")["winner"]
    assert winners.to_dict() == {"cgs": "cgs", "fit": "fit"}
    cm = rec.confusion_matrix(table, ["cgs", "fit"])
    assert np.array_equal(cm.to_numpy(), np.eye(2, dtype=int))
    assert rec.pairwise_recovery(table, "cgs", "fit") == {"a_n": 1, "a_right": 1, "b_n": 1, "b_right": 1}
    # BIC = k ln n - 2 ln L for every fit of the table; CGS's likelihood is exact (no MC error)
    assert np.allclose(table["bic"], table["k"] * np.log(table["n_obs"]) - 2 * table["loglik"])
    assert (table.loc[table["fitted"] == "cgs", "loglik_mc_se"] == 0).all()
    assert (table.loc[table["fitted"] == "fit", "loglik_mc_se"] > 0).all()


class _Res:
    """The parts of a FitResult that :func:`model_recovery_table` reads."""

    def __init__(self, model, bic, data, se=None):
        self.model, self.bic, self.data, self.n_obs, self.k, self.loglik = model, bic, data, 100, 3, -50.0
        self.diagnostics = {} if se is None else {"loglik_mc_se": se}


def test_a_win_is_decisive_only_beyond_twice_its_monte_carlo_error():
    d = {"generator": "a", "task": "t", "subject": 1}
    # BIC errors 2 and 4 (loglik errors 1 and 2): the difference's SE is sqrt(4 + 16) = 4.47
    res = [_Res("a", 100.0, {**d, "set": 0}, 1.0), _Res("b", 110.0, {**d, "set": 0}, 2.0), _Res("c", 130.0, {**d, "set": 0}, 0.0),
           _Res("a", 100.0, {**d, "set": 1}, 1.0), _Res("b", 108.0, {**d, "set": 1}, 2.0),
           _Res("a", 100.0, {**d, "set": 2}, 0.0), _Res("b", 100.5, {**d, "set": 2}, 0.0),   # exact: any lead
           _Res("a", 100.0, {**d, "set": 3}), _Res("b", 150.0, {**d, "set": 3}, 0.0)]         # unknown error
    t = rec.model_recovery_table(res).drop_duplicates("set").set_index("set")
    assert t["winner"].tolist() == ["a"] * 4 and t["margin"].tolist() == [10.0, 8.0, 0.5, 50.0]
    assert t["decisive"].tolist() == [True, False, True, False]
    assert math.isnan(t.loc[3, "loglik_mc_se"])


def _table(winners: dict, models=("a", "b", "c")) -> pd.DataFrame:
    """A model-recovery table in which the data set (generator, task, set) is won by ``winners[...]``."""
    rows = []
    for (g, task, s), w in winners.items():
        for m in models:
            rows.append({"generator": g, "fitted": m, "task": task, "set": s, "subject": 1, "n_obs": 100, "k": 3,
                         "loglik": -50.0, "bic": 100.0 if m == w else 110.0 + models.index(m)})
    return rec.model_recovery_table([_Res(r["fitted"], r["bic"], {k: r[k] for k in ("generator", "task", "set", "subject")})
                                     for r in rows])


def test_confusion_matrix_rows_sum_to_the_data_sets_of_each_generator():
    winners = {("a", "t1", 0): "a", ("a", "t1", 1): "b", ("a", "t2", 0): "a",
               ("b", "t1", 0): "b", ("b", "t1", 1): "b", ("b", "t2", 0): "b", ("b", "t2", 1): "c",
               ("c", "t2", 0): "a"}
    table = _table(winners)
    assert len(table) == 3 * len(winners) and set(table["winner"]) == {"a", "b", "c"}
    cm = rec.confusion_matrix(table, ["a", "b", "c"])
    assert cm.loc["a"].tolist() == [2, 1, 0] and cm.loc["b"].tolist() == [0, 3, 1] and cm.loc["c"].tolist() == [1, 0, 0]
    assert cm.sum(axis=1).tolist() == [3, 4, 1]  # the data sets each generator made
    t2 = rec.confusion_matrix(table, ["a", "b", "c"], task="t2")
    assert t2.to_numpy().sum() == 4 and t2.loc["b"].tolist() == [0, 1, 1]
    long = rec.confusion_long(table, ["a", "b", "c"], ["t1", "t2"])
    assert len(long) == 3 * 9 and long.groupby("task")["count"].sum().to_dict() == {"all": 8, "t1": 4, "t2": 4}
    # the pair a/b on t1: a-made data sets 2 (a beats b in 1), b-made 2 (b beats a in 2)
    assert rec.pairwise_recovery(table, "a", "b", "t1") == {"a_n": 2, "a_right": 1, "b_n": 2, "b_right": 2}


def test_verdicts_follow_the_recovery_rules():
    # observers: a beats b for 3 of 4 on t1; a and b split 2-2 on t2; a beats c on t1 (4 of 4)
    ob = pd.DataFrame({"task": ["t1"] * 4 + ["t2"] * 4, "subject": list(range(8)),
                       "a": [1.0, 1, 1, 5] + [1.0, 1, 5, 5], "b": [2.0, 2, 2, 2] + [2.0, 2, 2, 2],
                       "c": [9.0] * 8})
    winners = {("a", "t1", 0): "a", ("a", "t1", 1): "a", ("b", "t1", 0): "b", ("b", "t1", 1): "b",   # a/b: 4 of 4
               ("c", "t1", 0): "a", ("c", "t1", 1): "a",                                            # c-made: a wins
               ("a", "t2", 0): "b", ("b", "t2", 0): "a"}                                            # t2: 0 of 2
    v = rec.verdicts(ob, _table(winners), ["a", "b", "c"], ["t1", "t2"]).set_index(["task", "model_a", "model_b"])
    ab = v.loc[("t1", "a", "b")]
    assert (ab["a_wins"], ab["b_wins"], ab["winner"], ab["recovered"], ab["n_sets"]) == (3, 1, "a", 4, 4)
    assert ab["power"] == 1 and ab["mimicry"] == 0 and ab["status"] == "supported"
    assert ab["mimic_lead"] == pytest.approx(-10.0) and ab["beyond_mimicry"] == 4  # b-made: b wins by 10
    assert ab["median_delta_bic"] == pytest.approx(-1.0)
    # a beats c for every observer, but c's own data are won by a, by 12 BIC, more than any
    # observer's lead (4 to 8): a's win says nothing
    ac = v.loc[("t1", "a", "c")]
    assert ac["winner"] == "a" and ac["mimicry"] == 1 and ac["mimic_lead"] == pytest.approx(12.0)
    assert ac["beyond_mimicry"] == 0 and ac["status"] == "not supported"
    # b beats c on c's own data too, but by 1 BIC; every observer prefers b by 7: the verdict holds
    bc = v.loc[("t1", "b", "c")]
    assert bc["winner"] == "b" and bc["power"] == 1 and bc["mimicry"] == 1 and bc["mimic_lead"] == pytest.approx(1.0)
    assert bc["beyond_mimicry"] == 4 and bc["status"] == "supported"
    # t2: the observers are split and the pair never picks its generator
    t2 = v.loc[("t2", "a", "b")]
    assert t2["winner"] == "" and t2["median_delta_bic"] == pytest.approx(1.0)
    assert t2["recovered"] == 0 and t2["n_sets"] == 2 and t2["status"] == "indistinguishable"
    # no c-made data set on t2: the a/c pair there has only a's
    assert v.loc[("t2", "a", "c")]["n_sets"] == 1


def test_parameter_recovery_statistics_on_an_analytic_toy():
    true = np.array([1.0, 2.0, 4.0, 8.0])
    est = pd.DataFrame({"model": "m", "param": "x", "true": true, "estimate": 2 * true + 1})
    short = pd.DataFrame({"model": "m", "param": "y", "true": [1.0, 3.0], "estimate": [1.5, 2.0]})
    flat = pd.DataFrame({"model": "n", "param": "z", "true": [2.0, 2.0, 2.0], "estimate": [1.0, 2.0, 4.0]})
    s = rec.parameter_recovery_summary(pd.concat([est, short, flat])).set_index(["model", "param"])
    x = s.loc[("m", "x")]
    # estimate - true = true + 1: bias = mean(true) + 1 = 4.75; relative error = 1 + 1/true
    assert x["n"] == 4 and x["r"] == pytest.approx(1.0)
    assert x["bias"] == pytest.approx(4.75) and x["rel_bias"] == pytest.approx(1 + np.mean(1 / true))
    assert x["rmse"] == pytest.approx(math.sqrt(np.mean((true + 1) ** 2)))
    y = s.loc[("m", "y")]
    assert math.isnan(y["r"]) and y["bias"] == pytest.approx((0.5 - 1.0) / 2)
    z = s.loc[("n", "z")]  # the truth does not vary: no correlation
    assert math.isnan(z["r"]) and z["bias"] == pytest.approx(1 / 3) and z["rel_bias"] == pytest.approx(1 / 6)
    # a negative relation is a negative r, not a recovery
    neg = est.assign(estimate=-true)
    assert rec.parameter_recovery_summary(neg)["r"].iloc[0] == pytest.approx(-1.0)


def test_generators_start_at_the_median_observer_and_cycle():
    fits = pd.DataFrame({"model": "cgs", "task": "spatial", "subject": [1, 2, 3, 4, 5],
                         **{p.name: p.default for p in get_model("cgs").parameters}})
    fits["w_target"] = [1.0, 5.0, 3.0, 2.0, 9.0]
    fits["mu"] = [0.1, 0.5, 0.3, 0.2, 0.9]  # ranks agree with w_target: observer 3 is the median
    gens = rec.pick_generators(fits, "cgs", "spatial", 7)
    assert [g["subject"] for g in gens] == [3, 2, 4, 1, 5, 3, 2] and [g["set"] for g in gens] == list(range(7))
    assert gens[0]["params"]["w_target"] == 3.0 and set(gens[0]["params"]) == {p.name for p in get_model("cgs").parameters}
    assert rec.pick_generators(fits, "cgs", "spatial", 0) == []
    with pytest.raises(PsysimError, match="no fits of gs to spatial"):
        rec.pick_generators(fits, "gs", "spatial", 1)
    with pytest.raises(PsysimError, match=r"lack parameter column\(s\) nope"):
        rec.pick_generators(fits, "cgs", "spatial", 1, params=["nope"])


def test_simulated_data_sets_have_the_observers_counts_and_the_seed_fixes_them():
    for m in ("cgs", "gs"):  # a design, and generated displays
        a = rec.simulate_like(get_model(m), "spatial", COUNTS, 7)
        assert a.groupby(["set_size", "target_present"]).size().tolist() == [190, 200, 200, 210]
        assert a.equals(rec.simulate_like(get_model(m), "spatial", COUNTS, 7))
        assert not a["rt"].equals(rec.simulate_like(get_model(m), "spatial", COUNTS, 8)["rt"])


@pytest.mark.parametrize("value", [-1, 1.5, True, "2", None])
def test_bad_numbers_of_data_sets_are_one_line(value):
    with pytest.raises(PsysimError, match="recovery_sets: expected a whole number >= 0") as e:
        rec.check_sets(value)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("value,message", [("-1", "--set recovery_sets='-1': out of range, must be in [0, 50]"),
                                           ("two", "--set recovery_sets='two': expected int"),
                                           ("51", "--set recovery_sets='51': out of range, must be in [0, 50]")])
def test_rt_distributions_refuses_bad_recovery_sets_in_one_line(value, message):
    from psysim.options import validate_options
    from psysim.runs import get_experiment

    with pytest.raises(PsysimError) as e:
        validate_options(get_experiment("rt-distributions"), {"recovery_sets": value})
    assert str(e.value) == message


def test_binomial_lower_bound():
    assert rec.binomial_lower(3, 3) == pytest.approx(0.025 ** (1 / 3))  # k = n: the p with p^n = .025
    assert rec.binomial_lower(0, 5) == 0.0 and math.isnan(rec.binomial_lower(0, 0))
