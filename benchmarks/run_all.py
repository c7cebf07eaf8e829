"""Run every benchmark under the protocol and print one table.

Each script runs in its own process (so that its thread settings hold) with ``--quick``, writes
its JSON record into ``--out`` (default ``benchmarks/results/``), and the rows of all of them
are printed together: workload, psysim, baseline (peer or reference), ratio [95 % CI], threads
and the load average before/after each row.

Run::

    python benchmarks/run_all.py --quick             # a few minutes on an idle 2-core machine
    python benchmarks/run_all.py --only cam,saliency  # some of them
    python benchmarks/run_all.py --threads 2          # the second row of thread counts

Without ``--quick`` each script runs at its full settings (much longer; the 28 CGS fits are
still left out: run ``bench_search_models.py`` alone for them).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# script -> (extra arguments, name of its JSON option)
SCRIPTS = {
    "search_models": ("bench_search_models.py", ["--no-fits"], "--out"),
    "gs6": ("bench_gs6.py", [], "--out"),
    "cam": ("bench_cam.py", [], "--json"),
    "saliency": ("bench_saliency.py", [], "--json"),
    "saliency_metrics": ("bench_saliency_metrics.py", [], "--json"),
    "sweep": ("bench_sweep.py", [], "--json"),
    "ssl": ("bench_ssl.py", [], "--json"),
    "list": ("bench_list.py", [], "--json"),
    "rt_fits": ("bench_rt_fits.py", [], "--out"),
    "softmax_fit": ("bench_softmax_fit.py", [], "--json"),
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="each script's --quick settings")
    ap.add_argument("--only", default="", help="comma-separated subset of: " + ", ".join(SCRIPTS))
    ap.add_argument("--threads", type=int, default=1, help="threads for numpy/BLAS/torch (PSYSIM_BENCH_THREADS)")
    ap.add_argument("--out", type=Path, default=HERE / "results", help="folder for the JSON records")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(SCRIPTS)
    unknown = [n for n in names if n not in SCRIPTS]
    if unknown:
        ap.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(SCRIPTS)}")
    args.out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PSYSIM_BENCH_THREADS": str(args.threads)}

    import protocol

    rows, failed = [], []
    for name in names:
        script, extra, json_opt = SCRIPTS[name]
        if not (HERE / script).exists():
            failed.append(f"{name}: {script} is not there")
            continue
        out = args.out / f"{name}.json"
        cmd = [sys.executable, str(HERE / script), *extra, *(["--quick"] if args.quick else []), json_opt, str(out)]
        print(f"== {name}: {' '.join(cmd[1:])}", flush=True)
        done = subprocess.run(cmd, env=env)
        if done.returncode != 0 or not out.exists():
            failed.append(f"{name}: exit {done.returncode}")
            continue
        doc = json.loads(out.read_text())
        if "results" not in doc:
            failed.append(f"{name}: its JSON has no protocol results (not yet under the protocol)")
            continue
        for r in doc["results"]:
            r["ratio_ci"] = tuple(r["ratio_ci"])
            rows.append(protocol.Result(**r))
    print()
    protocol.print_table(rows)
    for f in failed:
        print("not measured:", f)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
