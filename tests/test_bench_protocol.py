"""The benchmark protocol's bookkeeping (not timings): interleaving, warm-up, seeded intervals."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import protocol  # noqa: E402


def test_sides_are_interleaved_in_alternating_order():
    calls = []
    protocol.warm_up([lambda: None], max_calls=1)  # (a warm-up of one call is allowed)
    res = protocol.compare("x", lambda: calls.append("A"), lambda: calls.append("B"), baseline_name="b",
                           repeats=4, max_warmup=2)
    timed = calls[-8:]
    assert timed == ["A", "B", "B", "A", "A", "B", "B", "A"]
    assert res.psysim["n"] == res.baseline["n"] == 4


def test_warm_up_stops_once_timings_settle_and_never_exceeds_its_budget():
    n = protocol.warm_up([lambda: None, lambda: sum(range(10))], settle=1e9, min_calls=2, max_calls=10)
    assert n == [2, 2]
    n = protocol.warm_up([lambda: None], settle=-1.0, max_calls=5)  # never settles
    assert n == [5]


def test_bootstrap_interval_is_seeded_and_brackets_the_median():
    v = np.random.default_rng(0).lognormal(0, 0.3, 9)
    a, b = protocol.bootstrap_median_ci(v, seed=3), protocol.bootstrap_median_ci(v, seed=3)
    assert a == b
    assert a[0] <= np.median(v) <= a[1]


def test_ratio_is_per_item_when_the_baseline_does_fewer_items(monkeypatch):
    # a fake clock each side advances by a known time: the reference does 1/10 of the items in
    # half the time, so it is 5x slower per item
    clock = [0.0]
    monkeypatch.setattr(protocol.time, "perf_counter", lambda: clock[0])

    def advance(dt):
        return lambda: clock.__setitem__(0, clock[0] + dt)

    res = protocol.compare("x", advance(0.02), advance(0.01), baseline_name="b", repeats=3, items=100,
                           baseline_items=10, max_warmup=2)
    assert res.ratio == pytest.approx(5.0) and res.ratio_ci == pytest.approx((5.0, 5.0))
    assert res.throughput() == pytest.approx(100 / 0.02)
    assert res.extra["baseline_items"] == 10


def test_thread_variables_are_set():
    import os

    assert os.environ["OMP_NUM_THREADS"] == str(protocol.THREADS)
    assert protocol.environment()["threads"] == protocol.THREADS
