"""``psysim run`` folders: checkpointed executor tasks, resumption, stale checkpoints, shards.

A toy experiment (a few random draws as executor tasks) exercises :func:`psysim.runs.execute`
without fitting anything; ``tests/test_fit_executor.py`` does the same with rt-distributions.
"""

from __future__ import annotations

import json
import types

import numpy as np
import pandas as pd
import pytest

from psysim.errors import PsysimError
from psysim.executor import (
    Checkpoints,
    ProcessExecutor,
    SerialExecutor,
    executor_from_options,
)
from psysim.options import Option
from psysim.runs import RUN_OPTIONS, RunContext, execute, parse_shard
from psysim.seeds import derive_seed

FAIL_AT = {"key": None}  # a task that raises (set by a test): an interrupted run
CALLS = []


def draw(payload, seed):
    """One task: a few numbers from the task's own seed."""
    if payload["key"] == FAIL_AT["key"]:
        raise RuntimeError("interrupted")
    CALLS.append(payload["key"])
    return np.random.default_rng(seed).normal(size=3) * payload["scale"]


def toy_run(ctx):
    n, scale = ctx.option("n"), ctx.option("scale")
    (ctx.out / "early.txt").write_text("written before the tasks\n")
    tasks = [(f"draw/{i}", {"key": f"draw/{i}", "scale": scale}) for i in range(n)]
    res = ctx.map_tasks(draw, tasks, desc="draws", progress=False)
    # a second stage that depends on the first
    res2 = ctx.map_tasks(draw, [("sum", {"key": "sum", "scale": float(np.sum(res))})], desc="sum", progress=False)
    table = pd.DataFrame(np.vstack([*res, *res2]), columns=["a", "b", "c"])
    ctx.write_table(table, "draws.csv")


TOY = types.SimpleNamespace(NAME="toy", DESCRIPTION="toy", run=toy_run, USES_EXECUTOR=True,
                            OPTIONS=(Option("n", int, 6, low=1, help="first-stage tasks"),
                                     Option("scale", float, 1.0, help="factor of the draws")))
PLAIN = types.SimpleNamespace(NAME="plain", DESCRIPTION="no tasks",
                              run=lambda ctx: (ctx.out / "x.txt").write_text(f"{ctx.seed}\n"))


@pytest.fixture(autouse=True)
def _reset():
    FAIL_AT["key"] = None
    CALLS.clear()
    yield
    FAIL_AT["key"] = None


def test_run_writes_only_complete_folders_and_records_the_tasks(tmp_path):
    out = execute(TOY, out=tmp_path / "a", seed=3)
    assert sorted(p.name for p in out.iterdir()) == ["draws.csv", "early.txt", "metadata.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["a"]  # checkpoints deleted, nothing hidden left
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["executor"]["executor"] == "serial"
    assert [(t["stage"], t["tasks"], t["computed"]) for t in meta["tasks"]] == [("draws", 6, 6), ("sum", 1, 1)]
    again = execute(TOY, out=tmp_path / "b", seed=3)
    assert (out / "draws.csv").read_bytes() == (again / "draws.csv").read_bytes()
    other = execute(TOY, out=tmp_path / "c", seed=4)
    assert (out / "draws.csv").read_bytes() != (other / "draws.csv").read_bytes()


def test_interrupted_run_resumes_without_recomputing(tmp_path):
    full = execute(TOY, out=tmp_path / "full", seed=5)
    CALLS.clear()
    out = tmp_path / "run"
    FAIL_AT["key"] = "draw/3"
    with pytest.raises(RuntimeError, match="interrupted"):
        execute(TOY, out=out, seed=5)
    partial = tmp_path / ".run.partial"
    assert not out.exists() and len(list((partial / "checkpoints").glob("*.ckpt"))) == 3
    assert (partial / "early.txt").exists()  # written by the interrupted run, deleted on resume
    FAIL_AT["key"] = None
    CALLS.clear()
    # executor options may change between the runs: they are not part of the fingerprint
    execute(TOY, out=out, seed=5, options={"executor": "serial"})
    assert CALLS == ["draw/3", "draw/4", "draw/5", "sum"]  # finished tasks loaded, not rerun
    assert (out / "draws.csv").read_bytes() == (full / "draws.csv").read_bytes()
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["tasks"][0]["loaded"] == 3 and meta["tasks"][0]["computed"] == 3
    assert not partial.exists()


@pytest.mark.parametrize("change, message", [
    ({"seed": 6}, "seed 5 there, 6 now"),
    ({"options": {"scale": "2"}}, "settings differ: options"),
    ({"quick": True}, "settings differ: quick"),
])
def test_checkpoints_of_another_run_are_refused_then_force_starts_over(tmp_path, change, message):
    out = tmp_path / "run"
    FAIL_AT["key"] = "draw/2"
    with pytest.raises(RuntimeError):
        execute(TOY, out=out, seed=5)
    FAIL_AT["key"] = None
    ck = tmp_path / ".run.partial" / "checkpoints"
    before = sorted(p.name for p in ck.iterdir())
    kw = {"seed": 5, **change}
    with pytest.raises(PsysimError, match=message) as err:
        execute(TOY, out=out, **kw)
    assert "--force" in str(err.value) and "\n" not in str(err.value)
    assert sorted(p.name for p in ck.iterdir()) == before and not out.exists()  # kept, untouched
    CALLS.clear()
    execute(TOY, out=out, force=True, **kw)
    assert len(CALLS) == 7 and not ck.exists()  # everything computed afresh


def test_failure_before_any_task_leaves_nothing(tmp_path):
    FAIL_AT["key"] = "draw/0"
    with pytest.raises(RuntimeError):
        execute(TOY, out=tmp_path / "run")
    assert list(tmp_path.iterdir()) == []


def test_plain_experiment_and_run_context_stay_compatible(tmp_path):
    out = execute(PLAIN, out=tmp_path / "p", seed=9)
    assert (out / "x.txt").read_text() == "9\n" and "tasks" not in json.loads((out / "metadata.json").read_text())
    with pytest.raises(PsysimError, match="--set shard: experiment plain does not run on an executor"):
        execute(PLAIN, out=tmp_path / "q", options={"shard": "0/2"})
    # a RunContext made by hand (no checkpoints) still maps tasks, serially
    ctx = RunContext(name="hand", out=tmp_path, seed=2)
    res = ctx.map_tasks(draw, [("k", {"key": "k", "scale": 1.0})], progress=False)
    assert np.array_equal(res[0], draw({"key": "k", "scale": 1.0}, derive_seed(2, "k")))
    ctx.close()


def test_job_array_shards_then_collect(tmp_path):
    out = tmp_path / "run"
    full = execute(TOY, out=tmp_path / "full", seed=1)
    CALLS.clear()
    assert execute(TOY, out=out, seed=1, options={"shard": "0/2"}) is None
    assert sorted(CALLS) == ["draw/0", "draw/2", "draw/4"] and not out.exists()
    assert execute(TOY, out=out, seed=1, options={"shard": "1/2"}) is None  # finishes stage 1, its part of stage 2
    CALLS.clear()
    execute(TOY, out=out, seed=1)  # the collector: only the second stage's task (shard 0's) is left
    assert CALLS == ["sum"]
    assert (out / "draws.csv").read_bytes() == (full / "draws.csv").read_bytes()
    with pytest.raises(PsysimError, match="--force with shard"):
        execute(TOY, out=tmp_path / "x", options={"shard": "0/2"}, force=True)


@pytest.mark.parametrize("text, message", [("3/3", "0 <= I < N"), ("a/b", "expected I/N"), ("1", "expected I/N")])
def test_bad_shard_option(text, message):
    with pytest.raises(PsysimError, match=message):
        parse_shard(text)


def test_executor_options():
    assert set(RUN_OPTIONS) >= {"workers", "scheduler", "executor", "shard"}
    assert isinstance(executor_from_options({"scheduler": ""}), SerialExecutor)
    with executor_from_options({"processes": "2"}) as ex:  # the old rt-distributions option
        assert isinstance(ex, ProcessExecutor) and ex.n_workers == 2
    for opts, message in (({"processes": "2", "workers": "2"}, "one or the other"),
                          ({"workers": "0"}, "workers=0"), ({"processes": "x"}, "processes='x'")):
        with pytest.raises(PsysimError, match=message):
            executor_from_options(opts)


def test_manifest_records_what_the_run_computes(tmp_path):
    FAIL_AT["key"] = "draw/1"
    with pytest.raises(RuntimeError):
        execute(TOY, out=tmp_path / "run", seed=2, options={"scale": "3", "workers": "1", "executor": "serial"})
    manifest = json.loads((tmp_path / ".run.partial" / "checkpoints" / "manifest.json").read_text())
    assert manifest["seed"] == 2
    assert manifest["fingerprint"]["experiment"] == "toy" and manifest["fingerprint"]["options"] == {"n": "6", "scale": "3.0"}
    Checkpoints(tmp_path / ".run.partial" / "checkpoints", 2, manifest["fingerprint"])  # the same run: accepted
