"""Sweep scaling on Dask: 2,000 grid points on 1 and on 2 local workers, and scheduling overhead.

Target (issue 8): on a 2-core machine, the 2,000-point sweep runs at least 1.7x faster on 2 Dask
workers than on 1.

What is measured (all in one run, on the same machine):

1. ``serial``: the sweep in this process (no Dask) -- the baseline of the overhead;
2. ``dask-1`` and ``dask-2``: the same sweep, same seed, on a ``LocalCluster`` of 1 and of 2
   single-threaded worker processes, with checkpoints written (as ``psysim sweep`` does), after
   a warm-up that imports psysim in every worker; the outputs are checked to be byte-identical
   to the serial one;
3. per-task scheduling overhead: (a) no-op tasks on ``dask-1`` one per message (round trip of
   one task through client, scheduler and worker: time / tasks), and (b) the sweep's own
   ``(dask-1 - serial) / points``.

Run::

    python benchmarks/bench_sweep.py              # 2,000 points (about 2 minutes on 2 cores)
    python benchmarks/bench_sweep.py --points 200 # quick look

Wall-clock timings; a busy machine slows the 2-worker run most (it needs both cores), so run it
on an otherwise idle machine (``taskset -c 0,1`` emulates a 2-core machine on a larger one).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRID = ROOT / "stimuli" / "grids" / "bench_fit_2000.toml"


def noop(payload, seed):
    return payload


def worker_cpu() -> float:
    """CPU seconds (user + system) used so far by this process's children (Dask workers)."""
    import psutil

    total = 0.0
    for p in psutil.Process().children(recursive=True):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


class Clock:
    """Wall time, this process's CPU time (client + scheduler) and the workers' CPU time."""

    def __enter__(self):
        self.w0, self.c0, self.k0 = time.perf_counter(), time.process_time(), worker_cpu()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.w0
        self.client = time.process_time() - self.c0
        self.workers = worker_cpu() - self.k0


def timed_sweep(grid, executor, seed, chunk_size=None, checkpoint=True):
    from psysim.sweep import run_sweep

    with tempfile.TemporaryDirectory() as d, Clock() as clock:
        table, cells, res = run_sweep("fit", grid, seed=seed, executor=executor, progress=False,
                                      chunk_size=chunk_size, checkpoint_dir=(Path(d) / "ck") if checkpoint else None)
    return clock, table.to_csv(index=False) + cells.to_csv(index=False), res


def load_note() -> str:
    try:
        la = os.getloadavg()[0]
    except OSError:
        return ""
    return f"load average {la:.1f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=2000, help="grid points to run (first N of the 2,000)")
    ap.add_argument("--noop-tasks", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args(argv)

    from dataclasses import replace

    from psysim.executor import DaskExecutor, map_tasks
    from psysim.sweep import read_grid

    grid = read_grid(GRID)
    if args.points < grid.n_points:
        # keep the first `points` points: shorten the slower-varying axis
        names = list(grid.params)
        fast = len(grid.params[names[-1]])
        keep = max(1, args.points // fast)
        grid = replace(grid, params={names[0]: grid.params[names[0]][:keep], names[-1]: grid.params[names[-1]]})
    n = grid.n_points
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"sweep of {n} grid points (FIT, conjunction, {grid.n_per_cell} trials per cell); {cpus} CPUs available")

    print(load_note())
    c_serial, ref, _ = timed_sweep(grid, None, args.seed)
    t_serial = c_serial.wall
    print(f"serial (this process)    wall {t_serial:7.2f} s  {1000 * t_serial / n:6.2f} ms/point   "
          f"CPU {1000 * c_serial.client / n:5.2f} ms/point")
    out = {"points": n, "cpus": cpus, "serial_s": t_serial, "serial_cpu_ms_per_point": 1000 * c_serial.client / n}
    for w in (1, 2):
        with DaskExecutor(workers=w) as ex:
            timed_sweep(replace(grid, params={k: v[:2] for k, v in grid.params.items()}), ex, args.seed)  # warm-up
            if w == 1:
                with Clock() as c:
                    map_tasks(noop, {f"t{i}": i for i in range(args.noop_tasks)}, executor=ex, chunk_size=1, progress=False)
                out["noop_wall_ms_per_task"] = 1000 * c.wall / args.noop_tasks
                out["noop_client_cpu_ms_per_task"] = 1000 * c.client / args.noop_tasks
                out["noop_worker_cpu_ms_per_task"] = 1000 * c.workers / args.noop_tasks
                c1, txt1c, _ = timed_sweep(grid, ex, args.seed, chunk_size=1)
                assert txt1c == ref, "dask-1 (chunk 1) output differs from serial"
                out["dask1_chunk1_s"] = c1.wall
            c, txt, res = timed_sweep(grid, ex, args.seed)
            assert txt == ref, f"dask-{w} output differs from serial"
            out[f"dask{w}_s"] = c.wall
            out[f"dask{w}_client_cpu_ms_per_point"] = 1000 * c.client / n
            out[f"dask{w}_worker_cpu_ms_per_point"] = 1000 * c.workers / n
            out[f"dask{w}_chunk_size"] = res.chunk_size
            print(f"dask, {w} worker(s)      wall {c.wall:7.2f} s  {1000 * c.wall / n:6.2f} ms/point   "
                  f"CPU {1000 * c.workers / n:5.2f} ms/point in workers + {1000 * c.client / n:4.2f} in client/scheduler   "
                  f"({res.chunk_size} points per task; byte-identical to serial)")
    speedup = out["dask1_s"] / out["dask2_s"]
    out["speedup_2_vs_1"] = speedup
    out["sweep_overhead_ms_per_point_chunk1"] = 1000 * (out["dask1_chunk1_s"] - t_serial) / n
    out["sweep_overhead_ms_per_point_auto"] = 1000 * (out["dask1_s"] - t_serial) / n
    out["load_after"] = load_note()
    print(f"speed-up 2 workers vs 1  {speedup:7.2f} x   (target >= 1.7 on an otherwise idle 2-core machine)")
    print(f"per-task scheduling overhead (one no-op task per message, dask-1): wall {out['noop_wall_ms_per_task']:.2f} ms, "
          f"CPU {out['noop_client_cpu_ms_per_task']:.2f} ms client/scheduler + {out['noop_worker_cpu_ms_per_task']:.2f} ms worker")
    print(f"sweep wall overhead vs serial (dask-1): {out['sweep_overhead_ms_per_point_chunk1']:.2f} ms/point with one point "
          f"per task, {out['sweep_overhead_ms_per_point_auto']:.2f} ms/point with automatic chunks")
    print(load_note())
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n")
    return 0 if speedup >= 1.7 else 1


if __name__ == "__main__":
    sys.exit(main())
