"""``psysim sweep``: simulate a model over a parameter grid, on any executor, resumably."""

from __future__ import annotations

import json
import time
from pathlib import Path

from psysim.errors import PsysimError


def add_parser(sub):
    from psysim.cli.core import _seed
    from psysim.executor import add_executor_arguments, positive_int

    p = sub.add_parser(
        "sweep",
        help="simulate a model over a parameter grid (one row per grid point)",
        description=(
            "Simulate MODEL at every point of the grid in GRID.toml and write sweep.csv (one row per "
            "grid point and task: parameters, search slopes, error rates, RT quantiles), cells.csv "
            "(per set size), grid.toml and metadata.json into --out. An interrupted sweep resumes "
            "when the same command is run again. Example grids: stimuli/grids/."
        ),
    )
    p.add_argument("model", help="model name (see 'psysim list')")
    p.add_argument("--grid", type=Path, required=True, metavar="GRID.toml", help="parameter grid")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    p.add_argument("--task", action="append", default=None, metavar="T",
                   help="task(s) to simulate (repeat or comma-separate); default: the grid's, else feature,conjunction,spatial")
    p.add_argument("--seed", type=_seed, default=0, help="root seed (default 0)")
    p.add_argument("--n-per-cell", type=positive_int, default=None, metavar="N",
                   help="trials per task x set size x presence cell (default: the grid's n_per_cell)")
    p.add_argument("--chunk-size", type=positive_int, default=None, metavar="K",
                   help="grid points per scheduled task (default: automatic)")
    p.add_argument("--force", action="store_true", help="replace an existing output folder that psysim wrote and discard an interrupted run")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--shard", type=_shard, default=None, metavar="I/N",
                   help="job arrays: run only grid points p with p %% N == I into the shared checkpoints; "
                        "run once more without --shard to write the output (docs/CLUSTER.md)")
    add_executor_arguments(p)
    p.set_defaults(func=cmd_sweep)


def _shard(text: str) -> tuple[int, int]:
    import argparse

    try:
        i, n = (int(v) for v in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected I/N such as 3/10, got {text!r}") from None
    if n < 1 or not 0 <= i < n:
        raise argparse.ArgumentTypeError(f"{text!r}: need N >= 1 and 0 <= I < N")
    return i, n


def cmd_sweep(args) -> int:
    from psysim.atomic import atomic_write_text
    from psysim.executor import ResumableRun, executor_from_args
    from psysim.paths import check_output, output_files
    from psysim.runs import library_versions
    from psysim.sweep import check_grid, check_tasks, read_grid, run_sweep

    # every check before anything is written or started
    grid = read_grid(args.grid)
    check_grid(grid, args.model)
    tasks = None
    if args.task:
        tasks = check_tasks([t for item in args.task for t in item.split(",")], "--task")
    if args.shard is not None and args.force:
        raise PsysimError("--force with --shard would delete the other shards' results; remove the folder yourself")
    check_output(args.out, force=args.force, kind="run")
    run = ResumableRun(args.out, force=args.force)
    ex = executor_from_args(args)
    t0 = time.perf_counter()
    if args.shard is not None:
        try:
            run.start()
            _, _, res = run_sweep(
                args.model, grid, tasks=tasks, seed=args.seed, n_per_cell=args.n_per_cell, executor=ex,
                checkpoint_dir=run.checkpoints, chunk_size=args.chunk_size, shard=args.shard,
                progress=False if args.no_progress else None,
            )
        finally:
            ex.close()
        i, n = args.shard
        print(f"shard {i}/{n}: {res.computed} grid point(s) computed into {run.checkpoints}; "
              + ("all points are done: " if res.complete else "when every shard is done, ")
              + "run the same command without --shard to write the output")
        return 0
    try:
        with run:
            if run.resuming:
                print(f"resuming from {run.path}")
            table, cells, res = run_sweep(
                args.model, grid, tasks=tasks, seed=args.seed, n_per_cell=args.n_per_cell, executor=ex,
                checkpoint_dir=run.checkpoints, chunk_size=args.chunk_size,
                progress=False if args.no_progress else None,
            )
            fmt = {"index": False, "float_format": "%.10g", "lineterminator": "\n"}
            atomic_write_text(run.path / "sweep.csv", table.to_csv(**fmt))
            atomic_write_text(run.path / "cells.csv", cells.to_csv(**fmt))
            atomic_write_text(run.path / "grid.toml", Path(grid.source).read_text(encoding="utf-8"))
            meta = {
                "command": "sweep",
                "model": args.model,
                "grid": grid.source,
                "tasks": sorted(set(table["task"]), key=list(table["task"]).index),
                "n_points": int(grid.n_points),
                "n_per_cell": int(args.n_per_cell or grid.n_per_cell),
                "set_sizes": list(grid.set_sizes),
                "seed": int(args.seed),
                "executor": res.executor,
                "tasks_loaded_from_checkpoints": int(res.loaded),
                "tasks_computed": int(res.computed),
                "seconds": round(time.perf_counter() - t0, 3),
                "versions": library_versions(),
            }
            meta["files"] = output_files(run.path, skip=(run.checkpoints.name,))  # what --force may replace later
            atomic_write_text(run.path / "metadata.json", json.dumps(meta, indent=2, default=str) + "\n")
    finally:
        ex.close()
    if res.loaded:
        print(f"{res.loaded} grid point(s) taken from checkpoints, {res.computed} computed")
    print(f"wrote {args.out} ({len(table)} rows)")
    return 0

