"""The executor: seeds per task, byte-identical results on every executor, checkpoints, retries.

One 2-worker Dask LocalCluster is shared by the whole module (clusters are slow to start).
"""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

from psysim.errors import PsysimError
from psysim.executor import (
    Checkpoints,
    ProcessExecutor,
    ResumableRun,
    SerialExecutor,
    checkpoint_name,
    make_executor,
    map_tasks,
)
from psysim.seeds import derive_seed


# task functions live at module level so that worker processes can import them
def draw(payload, seed):
    """A few random numbers from the task's seed, plus the payload (a stand-in for a fit)."""
    rng = np.random.default_rng(seed)
    return {"n": payload, "x": rng.normal(size=payload), "k": int(rng.integers(1 << 62))}


def fail_on(payload, seed):
    if payload == "bad":
        raise PsysimError("task got bad input")
    return draw(3, seed)


def die_once(payload, seed):
    """Kill the worker process the first time it runs (simulates a node lost mid-task)."""
    marker = payload["marker"]
    if not os.path.exists(marker):
        with open(marker, "w") as fh:
            fh.write(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return draw(4, seed)


TASKS = {f"obs{o}/task{t}/start{s}": 2 + o + s for o in range(3) for t in range(2) for s in range(2)}


@pytest.fixture(scope="module")
def dask_executor():
    pytest.importorskip("distributed")
    from psysim.executor import DaskExecutor

    ex = DaskExecutor(workers=2)
    yield ex
    ex.close()


def as_bytes(results) -> bytes:
    """The exact bytes of every result (array data, dtypes, shapes and numbers), in order.

    (Not one ``pickle.dumps`` of the list: pickle's memo makes the bytes depend on whether
    equal strings are the same object, which differs after a trip through a worker.)
    """
    out = []
    for r in results:
        for k in sorted(r):
            v = np.asarray(r[k])
            out += [k.encode(), str(v.dtype).encode(), str(v.shape).encode(), v.tobytes()]
    return b"|".join(out)


# -- seeds ---------------------------------------------------------------------------------
def test_derive_seed_depends_only_on_root_and_key():
    a = np.random.default_rng(derive_seed(7, "obs1")).random(4)
    assert np.array_equal(a, np.random.default_rng(derive_seed(7, "obs1")).random(4))
    assert not np.array_equal(a, np.random.default_rng(derive_seed(8, "obs1")).random(4))
    assert not np.array_equal(a, np.random.default_rng(derive_seed(7, "obs2")).random(4))
    # a child of the root: same entropy, a spawn key (as SeedSequence.spawn makes)
    s = derive_seed(7, "obs1")
    assert s.entropy == 7 and len(s.spawn_key) == 4


def test_results_in_task_order_with_per_key_seeds():
    res = map_tasks(draw, TASKS, seed=3)
    assert res.keys == list(TASKS)
    for key, r in zip(res.keys, res):
        assert r["n"] == TASKS[key]
        np.testing.assert_array_equal(r["x"], draw(TASKS[key], derive_seed(3, key))["x"])
    assert (res.loaded, res.computed) == (0, len(TASKS))


def test_order_and_chunking_do_not_change_any_result():
    ref = map_tasks(draw, TASKS, seed=3).as_dict()
    rev = map_tasks(draw, list(reversed(list(TASKS.items()))), seed=3, chunk_size=5).as_dict()
    assert as_bytes(ref.values()) == as_bytes(rev[k] for k in ref)


def test_dask_two_workers_byte_identical_to_serial(dask_executor):
    assert dask_executor.n_workers == 2
    serial = map_tasks(draw, TASKS, seed=11)
    for chunk in (1, 4):
        dask = map_tasks(draw, TASKS, seed=11, executor=dask_executor, chunk_size=chunk)
        assert as_bytes(dask) == as_bytes(serial)
        assert dask.executor["executor"] == "dask"


def test_local_processes_byte_identical_to_serial():
    with ProcessExecutor(2) as ex:
        procs = map_tasks(draw, TASKS, seed=11, executor=ex)
    assert as_bytes(procs) == as_bytes(map_tasks(draw, TASKS, seed=11))


def test_sweep_byte_identical_serial_and_dask(dask_executor, tmp_path):
    from psysim.sweep import read_grid, run_sweep

    grid = tmp_path / "g.toml"
    grid.write_text('n_per_cell = 40\n[params]\nper_item = [10.0, 30.0, 60.0]\np_miss = [0.0, 0.1]\n')
    g = read_grid(grid)
    serial, scells, _ = run_sweep("fit", g, tasks=["conjunction", "feature"], seed=5)
    dask, dcells, res = run_sweep("fit", g, tasks=["conjunction", "feature"], seed=5, executor=dask_executor, chunk_size=2)
    assert res.executor["executor"] == "dask"
    assert serial.to_csv() == dask.to_csv()
    assert scells.to_csv() == dcells.to_csv()


def test_dask_worker_killed_mid_task_is_retried(dask_executor, tmp_path):
    marker = str(tmp_path / "died")
    res = map_tasks(die_once, {"victim": {"marker": marker}}, seed=2, executor=dask_executor)
    assert os.path.exists(marker)  # the first attempt really killed its worker
    assert as_bytes(res) == as_bytes([draw(4, derive_seed(2, "victim"))])


def test_task_error_comes_back_as_the_same_error(dask_executor):
    with pytest.raises(PsysimError, match="task got bad input"):
        map_tasks(fail_on, {"a": "ok", "b": "bad"}, executor=dask_executor)


# -- checkpoints ---------------------------------------------------------------------------
def test_resume_skips_finished_tasks_and_equals_uninterrupted(tmp_path):
    ck = tmp_path / "ck"
    tasks = {k: ("bad" if k == "obs1/task1/start0" else "ok") for k in TASKS}
    with pytest.raises(PsysimError):
        map_tasks(fail_on, tasks, seed=4, checkpoint_dir=ck)
    done = len(list(ck.glob("*.ckpt")))
    assert 0 < done < len(TASKS)  # tasks before the failure were checkpointed
    fixed = dict.fromkeys(TASKS, "ok")
    res = map_tasks(fail_on, fixed, seed=4, checkpoint_dir=ck)
    assert (res.loaded, res.computed) == (done, len(TASKS) - done)
    assert as_bytes(res) == as_bytes(map_tasks(fail_on, fixed, seed=4))
    again = map_tasks(fail_on, fixed, seed=4, checkpoint_dir=ck)
    assert (again.loaded, again.computed) == (len(TASKS), 0)
    assert len(list(ck.glob("*.ckpt"))) == len(TASKS)  # one file per task, nothing duplicated


def test_partial_and_damaged_checkpoints_are_never_read(tmp_path, capsys):
    ck = tmp_path / "ck"
    ref = map_tasks(draw, TASKS, seed=1, checkpoint_dir=ck)
    keys = list(TASKS)
    # a writer killed mid-write leaves a hidden temporary file; a damaged file fails its checksum
    stray = ck / f".{checkpoint_name(keys[0])}.abc123.tmp"
    stray.write_bytes(b"half a checkpoint")
    fresh = ck / f".{checkpoint_name(keys[3])}.def456.tmp"  # maybe another shard writing now
    fresh.write_bytes(b"being written")
    os.utime(stray, (0, 0))  # stale: its writer is long gone
    victim = ck / checkpoint_name(keys[1])
    raw = victim.read_bytes()
    victim.write_bytes(raw[:-5] + b"XXXXX")
    truncated = ck / checkpoint_name(keys[2])
    truncated.write_bytes(truncated.read_bytes()[:40])
    res = map_tasks(draw, TASKS, seed=1, checkpoint_dir=ck)
    assert not stray.exists() and fresh.exists()
    assert (res.loaded, res.computed) == (len(TASKS) - 2, 2)
    assert as_bytes(res) == as_bytes(ref)
    assert "damaged checkpoint" in capsys.readouterr().err


def test_checkpoints_of_another_run_are_refused(tmp_path):
    ck = tmp_path / "ck"
    map_tasks(draw, TASKS, seed=1, checkpoint_dir=ck, fingerprint={"model": "cgs"})
    with pytest.raises(PsysimError, match="different run.*seed 1 there, 2 now"):
        map_tasks(draw, TASKS, seed=2, checkpoint_dir=ck, fingerprint={"model": "cgs"})
    with pytest.raises(PsysimError, match="settings differ: model"):
        map_tasks(draw, TASKS, seed=1, checkpoint_dir=ck, fingerprint={"model": "gs"})


def test_checkpoint_file_records_key_seed_and_checksum(tmp_path):
    c = Checkpoints(tmp_path / "ck", seed=9)
    c.save("a/b c", [1, 2])
    assert c.load("a/b c") == (True, [1, 2])
    assert c.load("missing") == (False, None)
    assert Checkpoints(tmp_path / "ck", seed=9).load("a/b c") == (True, [1, 2])
    assert checkpoint_name("a/b c") != checkpoint_name("a_b c")  # the hash keeps names unique


# -- interface checks ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "tasks, kwargs, message",
    [
        ([("a", 1), ("a", 2)], {}, "duplicate task key 'a'"),
        ([(3, 1)], {}, "task keys must be non-empty strings"),
        ([1, 2], {}, "mapping"),
        ({"a": 1}, {"chunk_size": 0}, "chunk_size"),
        ({"a": 1}, {"seed": -1}, "seed must be a whole number"),
        ({"a": 1}, {"seed": 1.5}, "seed must be a whole number"),
    ],
)
def test_map_tasks_rejects_bad_arguments(tasks, kwargs, message):
    with pytest.raises(PsysimError, match=message):
        map_tasks(draw, tasks, **kwargs)


@pytest.mark.parametrize(
    "args, message",
    [
        (("auto", 0, None), "--workers 0"),
        (("auto", 2, "tcp://127.0.0.1:8786"), "not both"),
        (("serial", 2, None), "one task at a time"),
        (("threads", None, None), "--executor 'threads'"),
        (("processes", None, "tcp://x:1"), "--scheduler needs the dask executor"),
        (("auto", None, "no port here"), "cannot connect to a Dask scheduler"),
    ],
)
def test_make_executor_rejects_bad_choices(args, message):
    if args[2] == "no port here":
        pytest.importorskip("distributed")
    with pytest.raises(PsysimError, match=message):
        make_executor(*args)


def test_make_executor_defaults_to_serial():
    assert isinstance(make_executor(), SerialExecutor)


def test_resumable_run_is_absent_or_complete(tmp_path):
    out = tmp_path / "run"
    with pytest.raises(RuntimeError):
        with ResumableRun(out):
            raise RuntimeError("before any result")
    assert not out.exists() and not any(tmp_path.iterdir())  # nothing left behind
    with pytest.raises(RuntimeError):
        with ResumableRun(out) as run:
            map_tasks(draw, {"a": 1}, checkpoint_dir=run.checkpoints)
            raise RuntimeError("after a result")
    assert not out.exists() and (tmp_path / ".run.partial" / "checkpoints").is_dir()
    run = ResumableRun(out)
    assert run.resuming
    with run:
        res = map_tasks(draw, {"a": 1}, checkpoint_dir=run.checkpoints)
        (run.path / "table.csv").write_text("x\n1\n")
    assert res.loaded == 1
    assert sorted(p.name for p in out.iterdir()) == ["table.csv"]
    assert not (tmp_path / ".run.partial").exists()
    with pytest.raises(PsysimError, match="already exists"):
        ResumableRun(out)


def test_job_array_shards_fill_the_checkpoints_then_one_call_collects(tmp_path):
    ck = tmp_path / "ck"
    parts = [map_tasks(draw, TASKS, seed=6, checkpoint_dir=ck, shard=(i, 3)) for i in range(3)]
    assert [p.computed for p in parts] == [4, 4, 4]
    assert not parts[0].complete and parts[0][1] is None  # shard 0 cannot know shard 1's task
    assert parts[2].complete  # the last shard finds every other task done
    final = map_tasks(draw, TASKS, seed=6, checkpoint_dir=ck)
    assert (final.loaded, final.computed) == (len(TASKS), 0)
    assert as_bytes(final) == as_bytes(map_tasks(draw, TASKS, seed=6))
    with pytest.raises(PsysimError, match="needs a checkpoint folder"):
        map_tasks(draw, TASKS, shard=(0, 2))
    with pytest.raises(PsysimError, match="shard 3/3"):
        map_tasks(draw, TASKS, checkpoint_dir=ck, shard=(3, 3), seed=6)


def test_executor_from_experiment_options():
    from psysim.executor import executor_from_options

    assert isinstance(executor_from_options({}), SerialExecutor)
    with executor_from_options({"workers": "2", "executor": "processes"}) as ex:
        assert isinstance(ex, ProcessExecutor) and ex.n_workers == 2
    with pytest.raises(PsysimError, match="option workers='lots'"):
        executor_from_options({"workers": "lots"})


def test_batched_checkpoints_resume_with_any_chunk_size(tmp_path):
    ck = tmp_path / "ck"
    keys = list(TASKS)
    first = {k: TASKS[k] for k in keys[:7]}
    map_tasks(draw, first, seed=8, checkpoint_dir=ck, chunk_size=3)
    assert len(list(ck.glob("*.ckpt"))) == 3  # batches of 3, 3 and 1 tasks: one file each
    res = map_tasks(draw, TASKS, seed=8, checkpoint_dir=ck, chunk_size=2)
    assert (res.loaded, res.computed) == (7, len(TASKS) - 7)
    assert as_bytes(res) == as_bytes(map_tasks(draw, TASKS, seed=8))
