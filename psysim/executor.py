"""One way to run many independent tasks: serially, on local processes, or on Dask.

Fitting (observers x tasks x models x starts), parameter sweeps and repeated runs are all
"apply one function to many independent inputs". :func:`map_tasks` does that, whichever
executor runs it:

* :class:`SerialExecutor` -- one after another in this process (the default; easiest to debug);
* :class:`ProcessExecutor` -- local worker processes (``concurrent.futures``, no extra package);
* :class:`DaskExecutor` -- ``dask.distributed``: a ``LocalCluster`` of ``workers`` processes, or an
  existing scheduler (``scheduler="tcp://host:8786"``, e.g. one started by ``dask-jobqueue`` on a
  SLURM cluster, see ``docs/CLUSTER.md``).

Same results everywhere
    Each task gets its own :class:`numpy.random.SeedSequence`, ``derive_seed(root, key)``
    (:mod:`psysim.seeds`): a child of the root seed addressed by the task's *key*, not its
    position, so a task's random numbers depend only on the root seed and its key -- not on the
    executor, the number of workers, the order tasks finish in, or whether the run was resumed.
    Results are returned in task order. So the output is byte-identical serially and on any
    number of Dask workers.

Checkpoint and resume
    With ``checkpoint_dir``, every finished batch of tasks (``chunk_size`` tasks, one by
    default) is written there at once (:class:`psysim.checkpoints.Checkpoints`: atomic,
    checksummed, refused when it belongs to another run). Calling :func:`map_tasks` again with
    the same tasks and seed loads finished tasks instead of running them, and runs only the
    rest: nothing is computed twice, nothing is lost.

Worker failures
    On Dask, a task whose worker dies (killed, out of memory, node lost) is rescheduled on
    another worker by the scheduler (up to ``distributed.scheduler.allowed-failures`` times,
    default 3). A Python exception inside a task is not retried: it is a bug or bad input, and
    running it again would give the same error. Finished tasks are already checkpointed.

The function must be importable by the workers (a module-level function, not a lambda, for
:class:`ProcessExecutor`); it is called as ``fn(payload, seed)`` with ``seed`` a
``SeedSequence`` (pass it to ``numpy.random.default_rng`` or to ``model.simulate``), and its
result must be plain data (numbers, text, lists, dicts, tuples, numpy arrays, data frames: what
:mod:`psysim.codec` stores in a checkpoint; payloads and results travel to and from worker
processes by pickle, in memory, between processes this run started).

Example
-------
>>> from psysim.executor import map_tasks
>>> def draw(n, seed):
...     import numpy as np
...     return np.random.default_rng(seed).normal(size=n).sum()
>>> out = map_tasks(draw, {"a": 3, "b": 5}, seed=1)   # doctest: +SKIP
>>> out = map_tasks(draw, {"a": 3, "b": 5}, seed=1, executor=make_executor(workers=2))  # +SKIP
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping

import numpy as np

from psysim.checkpoints import Checkpoints, ResumableRun, checkpoint_name  # noqa: F401  (public here too)
from psysim.errors import PsysimError
from psysim.seeds import check_seed, derive_seed


# -- executors -----------------------------------------------------------------------------
def _run_batch(fn, batch):
    """Run a batch of ``(index, payload, seed)`` items in one worker; return ``(index, result)``."""
    return [(i, fn(payload, seed)) for i, payload, seed in batch]


class Executor:
    """Runs batches of tasks and hands each finished batch to a callback in this process.

    Subclasses implement :meth:`run`. Executors are context managers; :meth:`close` releases
    workers. ``n_workers`` is the number of tasks that run at once.
    """

    name = "executor"
    n_workers = 1

    def run(self, fn: Callable, batches: list, on_done: Callable) -> None:
        """Call ``on_done(_run_batch(fn, batch))`` for every batch, in any order."""
        raise NotImplementedError

    def close(self) -> None:
        pass

    def describe(self) -> dict:
        return {"executor": self.name, "workers": self.n_workers}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class SerialExecutor(Executor):
    """Every task in this process, in order."""

    name = "serial"

    def run(self, fn, batches, on_done):
        for batch in batches:
            on_done(_run_batch(fn, batch))


class ProcessExecutor(Executor):
    """Local worker processes (``concurrent.futures.ProcessPoolExecutor``, ``spawn`` start).

    No extra package needed. A worker that dies breaks the pool (no retry, unlike Dask); the
    finished tasks are checkpointed, so running again resumes.
    """

    name = "processes"

    def __init__(self, workers: int | None = None):
        self.n_workers = int(workers or os.cpu_count() or 1)
        if self.n_workers < 1:
            raise PsysimError(f"workers must be at least 1, got {workers}")
        self._pool = None

    def _get_pool(self):
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(self.n_workers, mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    def run(self, fn, batches, on_done):
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        pool = self._get_pool()
        futs = [pool.submit(_run_batch, fn, b) for b in batches]
        try:
            for f in as_completed(futs):
                on_done(f.result())
        except BrokenProcessPool:
            self.close()
            raise RuntimeError(
                "a worker process died; finished tasks are checkpointed: run the same command again to resume"
            ) from None
        finally:
            for f in futs:
                f.cancel()

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskExecutor(Executor):
    """Tasks on a ``dask.distributed`` cluster.

    Parameters
    ----------
    workers : int, optional
        Start a ``LocalCluster`` with this many single-threaded worker processes.
    scheduler : str, optional
        Address of a running scheduler to join (``tcp://host:8786``), e.g. one made by
        ``dask-jobqueue``'s ``SLURMCluster`` or ``dask scheduler``.
    client : distributed.Client, optional
        An existing client (not closed by :meth:`close`).
    connect_timeout : float
        Seconds to wait for the scheduler (``scheduler=``) before giving up.

    Notes
    -----
    A task whose worker dies is rerun elsewhere by the scheduler (``allowed-failures``).
    Each task is submitted with a unique key, ``pure=False``, so that two runs never share
    results through the scheduler's cache.
    """

    name = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None, client=None, connect_timeout: float = 20.0):
        try:
            import distributed
        except ImportError:
            raise PsysimError(
                "the Dask executor needs dask.distributed: pip install 'psysim[dask]' (or use --executor processes)"
            ) from None
        self._own_client = client is None
        self._cluster = None
        if client is not None:
            self.client = client
        elif scheduler:
            try:
                self.client = distributed.Client(str(scheduler), timeout=connect_timeout)
            except (OSError, ValueError, TimeoutError) as exc:
                msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise PsysimError(f"--scheduler {scheduler}: cannot connect to a Dask scheduler ({msg})") from None
        else:
            import logging

            n = int(workers or os.cpu_count() or 1)
            if n < 1:
                raise PsysimError(f"workers must be at least 1, got {workers}")
            import dask

            # Dask's statistical profiler samples every worker thread every 10 ms; psysim's
            # tasks do not need it, and on small machines it costs a few % of the CPU
            with dask.config.set({"distributed.worker.profile.enabled": False}):
                self._cluster = distributed.LocalCluster(
                    n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self.client = distributed.Client(self._cluster)
        self.address = self.client.scheduler.address

    @property
    def n_workers(self) -> int:
        """Worker threads connected now (at least 1; a cluster still starting may have none)."""
        try:
            return max(1, int(sum(self.client.nthreads().values())))
        except Exception:  # pragma: no cover - informational only
            return 1

    def describe(self):
        return {"executor": self.name, "workers": self.n_workers, "scheduler": self.address}

    def run(self, fn, batches, on_done):
        from distributed import as_completed

        token = hashlib.sha256(f"{os.getpid()}-{time.time_ns()}".encode()).hexdigest()[:12]
        futs = [
            self.client.submit(_run_batch, fn, b, key=f"psysim-{token}-{i}", pure=False)
            for i, b in enumerate(batches)
        ]
        try:
            for fut in as_completed(futs):
                on_done(fut.result())
                fut.release()
        finally:
            self.client.cancel([f for f in futs if not f.done()])

    def close(self):
        if self._own_client:
            self.client.close()
            if self._cluster is not None:
                self._cluster.close()


EXECUTORS = ("auto", "serial", "processes", "dask")


def make_executor(kind: str = "auto", workers: int | None = None, scheduler: str | None = None) -> Executor:
    """An executor from command-line style choices.

    Parameters
    ----------
    kind : {"auto", "serial", "processes", "dask"}
        ``auto``: Dask when ``scheduler`` or ``workers`` is given (local processes when
        ``workers`` is given and Dask is not installed), else serial.
    workers : int, optional
        Local workers (a Dask ``LocalCluster``, or processes).
    scheduler : str, optional
        A running Dask scheduler to join.
    """
    if kind not in EXECUTORS:
        raise PsysimError(f"--executor {kind!r}: expected one of {', '.join(EXECUTORS)}")
    if workers is not None:
        if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
            raise PsysimError(f"--workers {workers}: expected a whole number >= 1")
    if scheduler is not None and workers is not None:
        raise PsysimError("give either --workers (start a local cluster) or --scheduler (join one), not both")
    if scheduler is not None and kind not in ("auto", "dask"):
        raise PsysimError(f"--scheduler needs the dask executor, not --executor {kind}")
    if kind == "auto":
        if scheduler is not None:
            kind = "dask"
        elif workers is not None:
            try:
                import distributed  # noqa: F401

                kind = "dask"
            except ImportError:
                print("psysim: dask is not installed; using local processes", file=sys.stderr)
                kind = "processes"
        else:
            kind = "serial"
    if kind == "serial":
        if workers not in (None, 1):
            raise PsysimError(f"--executor serial runs one task at a time; --workers {workers} needs processes or dask")
        return SerialExecutor()
    if kind == "processes":
        return ProcessExecutor(workers)
    return DaskExecutor(workers=workers, scheduler=scheduler)


def add_executor_arguments(parser) -> None:
    """Add ``--workers``, ``--scheduler`` and ``--executor`` to an argparse (sub)parser."""
    parser.add_argument("--workers", type=positive_int, default=None, metavar="N",
                        help="run on N local workers (a Dask LocalCluster; processes without Dask)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="join a running Dask scheduler, e.g. tcp://node12:8786 (see docs/CLUSTER.md)")
    parser.add_argument("--executor", default="auto", choices=EXECUTORS,
                        help="serial, processes or dask (default: dask with --workers/--scheduler, else serial)")


def executor_from_args(args) -> Executor:
    """The executor an argparse namespace from :func:`add_executor_arguments` asks for."""
    return make_executor(getattr(args, "executor", "auto"), getattr(args, "workers", None), getattr(args, "scheduler", None))


def executor_from_options(options: dict) -> Executor:
    """The executor that experiment options ask for (``psysim run NAME --set workers=4`` or
    ``--set scheduler=tcp://host:8786``, optionally ``--set executor=processes``;
    ``--set processes=N`` is short for ``--set executor=processes --set workers=N``)."""
    return make_executor(*executor_settings(options))


def executor_settings(options: dict) -> tuple:
    """``(kind, workers, scheduler)`` from experiment options, checked; no executor is started.

    ``psysim run`` calls it before any folder is made, so a bad ``--set workers=0`` or
    ``--set executor=threads`` is one line and leaves nothing behind.
    """
    workers = options.get("workers")
    kind = str(options.get("executor", "auto"))
    if options.get("processes") is not None:
        if workers is not None or kind not in ("auto", "processes"):
            raise PsysimError("option processes=N is short for executor=processes workers=N; give one or the other")
        workers, kind = options["processes"], "processes"
        name = "processes"
    else:
        name = "workers"
    if workers is not None:
        try:
            workers = int(workers)
        except (TypeError, ValueError):
            raise PsysimError(f"option {name}={workers!r}: expected a whole number >= 1") from None
        if workers < 1:
            raise PsysimError(f"option {name}={workers}: expected a whole number >= 1")
    if kind not in EXECUTORS:
        raise PsysimError(f"option executor={kind!r}: expected one of {', '.join(EXECUTORS)}")
    scheduler = options.get("scheduler")
    scheduler = None if scheduler in (None, "") else str(scheduler)
    if scheduler is not None and workers is not None:
        raise PsysimError("options scheduler= and workers=: give one (join a cluster, or start a local one), not both")
    if kind == "serial" and workers not in (None, 1):
        raise PsysimError(f"option executor=serial runs one task at a time; workers={workers} needs processes or dask")
    return kind, workers, scheduler


def positive_int(text: str) -> int:
    """argparse type for counts (workers, seeds, trials): a whole number of at least 1."""
    import argparse

    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {v}")
    return v


# -- the one entry point -------------------------------------------------------------------
class TaskResults(list):
    """The results of :func:`map_tasks`, in task order, with counts of how they were obtained.

    Attributes
    ----------
    keys : list of str
    loaded : int
        Tasks whose result came from the checkpoint folder.
    computed : int
        Tasks run now.
    seconds : float
        Wall time of the call.
    executor : dict
        What ran them.
    chunk_size : int
        Tasks per scheduled message.
    complete : bool
        False when a shard left other shards' tasks (None) in the list.
    """

    keys: list
    loaded: int = 0
    computed: int = 0
    seconds: float = 0.0
    executor: dict

    def as_dict(self) -> dict:
        return dict(zip(self.keys, self))


def _normalise_tasks(tasks) -> list:
    items = list(tasks.items()) if isinstance(tasks, Mapping) else list(tasks)
    out, seen = [], set()
    for t in items:
        if not (isinstance(t, tuple) and len(t) == 2):
            raise PsysimError("map_tasks: tasks must be a mapping {key: payload} or (key, payload) pairs")
        key = t[0]
        if not isinstance(key, str) or not key:
            raise PsysimError(f"map_tasks: task keys must be non-empty strings, got {key!r}")
        if key in seen:
            raise PsysimError(f"map_tasks: duplicate task key {key!r}")
        seen.add(key)
        out.append((key, t[1]))
    return out


def map_tasks(
    fn: Callable,
    tasks: Mapping | Iterable,
    *,
    executor: Executor | str | None = None,
    seed: int = 0,
    checkpoint_dir=None,
    fingerprint=None,
    chunk_size: int = 1,
    progress: bool | None = None,
    desc: str | None = None,
    shard: tuple[int, int] | None = None,
) -> TaskResults:
    """Run ``fn(payload, seed)`` for every task, on any executor, with optional checkpoints.

    Parameters
    ----------
    fn : callable
        A module-level function ``fn(payload, seed) -> result``; ``seed`` is the task's
        :class:`numpy.random.SeedSequence` (:func:`psysim.seeds.derive_seed` of the root seed and
        the key). The result must be plain data (:mod:`psysim.codec`).
    tasks : mapping or iterable of (key, payload)
        Task keys are unique non-empty strings naming the task, e.g. ``"fit/cgs/obs3/conj/start2"``;
        they address the seed and the checkpoint file, so they must stay the same between a run
        and its resumption.
    executor : Executor, str or None
        An :class:`Executor` (left open), or ``"serial"``/``"processes"``/``"dask"`` (made and
        closed here); None is serial.
    seed : int
        Root seed of the whole run.
    checkpoint_dir : path, optional
        Folder for per-task results (see :class:`Checkpoints`). Finished tasks found there are
        loaded, not rerun.
    fingerprint : JSON-able, optional
        A description of the computation stored with the checkpoints; a later call with a
        different one is refused rather than mixing results.
    chunk_size : int
        Tasks sent to a worker at a time (fewer, larger messages when tasks take only
        milliseconds). Results are the same for any value.
    progress : bool, optional
        A tqdm progress bar; None shows it only on a terminal.
    desc : str, optional
        Progress-bar label.
    shard : (int, int), optional
        ``(i, n)``: run only the tasks whose position ``p`` has ``p % n == i`` (one element of
        a job array, see ``docs/CLUSTER.md``); needs ``checkpoint_dir``. The results of other
        shards' tasks are loaded when already there, else left as None (``complete`` False).
        A final call without ``shard`` then loads everything.

    Returns
    -------
    TaskResults
        A list of results in task order (with ``keys``, ``loaded``, ``computed``, ``seconds``).
    """
    t0 = time.perf_counter()
    root = check_seed(seed)
    items = _normalise_tasks(tasks)
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise PsysimError(f"chunk_size must be a whole number >= 1, got {chunk_size!r}")
    if shard is not None:
        try:
            si, sn = (int(v) for v in shard)
        except (TypeError, ValueError):
            raise PsysimError(f"shard must be (index, count), got {shard!r}") from None
        if not 0 <= si < sn:
            raise PsysimError(f"shard {si}/{sn}: the index must be 0 to {sn - 1}")
        if checkpoint_dir is None:
            raise PsysimError("a shard of a job array needs a checkpoint folder to put its results in")
    ckpt = Checkpoints(checkpoint_dir, root, fingerprint) if checkpoint_dir is not None else None
    results: list = [None] * len(items)
    todo = []
    n_loaded = n_missing = 0
    done = ckpt.load_all([k for k, _ in items]) if ckpt is not None else {}
    for i, (key, payload) in enumerate(items):
        if key in done:
            results[i] = done.pop(key)
            n_loaded += 1
            continue
        if shard is not None and i % sn != si:
            n_missing += 1  # another shard's task, not finished yet
            continue
        todo.append((i, payload, derive_seed(root, key)))
    batches = [todo[j:j + chunk_size] for j in range(0, len(todo), chunk_size)]

    own = not isinstance(executor, Executor)
    ex = make_executor(executor) if isinstance(executor, str) else (executor or SerialExecutor())
    try:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(items) - n_missing, initial=n_loaded, desc=desc, unit="task", disable=(None if progress is None else not progress),
                   file=sys.stderr, leave=False)

        def on_done(batch_out):
            if ckpt is not None:
                ckpt.save_many([items[i][0] for i, _ in batch_out], [r for _, r in batch_out])
            for i, res in batch_out:
                results[i] = res
            bar.update(len(batch_out))

        try:
            if batches:
                ex.run(fn, batches, on_done)
        finally:
            bar.close()
        info = ex.describe()
    finally:
        if own:
            ex.close()
    out = TaskResults(results)
    out.keys = [k for k, _ in items]
    out.loaded, out.computed = n_loaded, len(todo)
    out.seconds = round(time.perf_counter() - t0, 3)
    out.executor = info
    out.chunk_size = int(chunk_size)
    out.complete = n_missing == 0
    return out
