"""Speed of Guided Search 6.0: the array path against the plain per-trial reference, in one run.

Measures, in one process with numpy threads fixed at 1:

1. Trials per second of the fast path at set size 18 for each task (feature, conjunction,
   spatial configuration; half target-present), through ``GuidedSearch6._simulate`` (arrays
   out) with the display features cached, as a fit uses it, and through the public
   ``simulate`` from cold (features computed, trial table built and validated).
   Target: >= 200,000 trials/s.
2. Per-trial time of the reference (``benchmarks/reference_gs6.py``, without its warm-up
   trials, so that only recorded trials count) against the fast path on the same kind of
   displays, as a ratio. Target: >= 50x.

Protocol: one warm-up call of each, then ``--repeats`` interleaved rounds (reference, fast,
reference, fast, ...); the medians and the range over rounds are reported, the ratio per round
(reference time / fast time in the same round) with its median and range. The load average
before and after, and the library versions, are recorded.

Run::

    python benchmarks/bench_gs6.py [--repeats 3] [--out bench_gs6.json]

Every number is measured in this run; nothing is hard-coded. Each figure is given twice: by
wall clock, and by the CPU time of this process (``time.process_time``; with one thread, the
time the work took on one core). On a shared machine (load average above the core count) the
wall-clock figures measure the share of a core the process got, and the CPU-time ones are the
ones to read; both are recorded with the load.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference_gs6 import gs6_reference  # noqa: E402

from psysim.displays import make_displays  # noqa: E402
from psysim.models.gs6 import GuidedSearch6  # noqa: E402


def _timed(fn):
    """(wall seconds, CPU seconds of this process) of one call."""
    t, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t, time.process_time() - c


def _summary(values):
    v = np.asarray(values, dtype=float)
    return {"median": float(np.median(v)), "min": float(v.min()), "max": float(v.max()), "n": int(len(v))}


def run(repeats=3, n_fast=20_000, n_ref=100, tasks=("feature", "conjunction", "spatial")):
    import pandas
    import scipy

    model = GuidedSearch6()
    out = {"set_size": 18, "params": model.params, "repeats": repeats, "n_fast": n_fast, "n_ref": n_ref,
           "load_before": os.getloadavg(), "python": platform.python_version(), "numpy": np.__version__,
           "scipy": scipy.__version__, "pandas": pandas.__version__, "machine": platform.machine(),
           "threads": os.environ.get("OMP_NUM_THREADS"), "tasks": {}}
    for task in tasks:
        fast_ds = make_displays(task, (18,), n_per_cell=n_fast // 2, seed=1)
        ref_ds = make_displays(task, (18,), n_per_cell=n_ref // 2, seed=2)
        table = fast_ds.displays

        def fast_core(table=table, ds=fast_ds):
            model._simulate(table, np.random.default_rng(1), ds)

        def fast_cold(ds=fast_ds):
            # features computed afresh; the array path's cache is put back afterwards, so that
            # the next round's array-path timing is warm as in a fit
            saved = ds.__dict__.pop("_gs_feature_cache", None)
            model.simulate(ds, seed=1)
            if saved is not None:
                ds.__dict__["_gs_feature_cache"] = saved

        def ref(ds=ref_ds):
            gs6_reference(model.params, ds, seed=1, burn_in=0)

        fast_core(), ref()  # warm-up (tables, caches, imports)
        t_ref, t_core, t_cold = [], [], []
        for _ in range(repeats):
            t_ref.append(np.array(_timed(ref)) / n_ref)
            t_core.append(np.array(_timed(fast_core)) / n_fast)
            t_cold.append(np.array(_timed(fast_cold)) / n_fast)
        t_ref, t_core, t_cold = np.array(t_ref), np.array(t_core), np.array(t_cold)
        res = {}
        for j, clock in enumerate(("wall", "cpu")):
            res[clock] = {
                "fast_trials_per_s_core": _summary(1.0 / t_core[:, j]),
                "fast_trials_per_s_simulate_cold": _summary(1.0 / t_cold[:, j]),
                "reference_ms_per_trial": _summary(1000 * t_ref[:, j]),
                "ratio_reference_over_core": _summary(t_ref[:, j] / t_core[:, j]),
            }
        out["tasks"][task] = res
    out["load_after"] = os.getloadavg()
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--n-fast", type=int, default=20_000)
    ap.add_argument("--n-ref", type=int, default=100)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    res = run(args.repeats, args.n_fast, args.n_ref)
    print(f"Guided Search 6.0 at set size 18, threads {res['threads']}, load {res['load_before'][0]:.1f} -> {res['load_after'][0]:.1f}")
    for task, by_clock in res["tasks"].items():
        for clock, r in by_clock.items():
            c, s, q, x = (r[k] for k in ("fast_trials_per_s_core", "fast_trials_per_s_simulate_cold",
                                          "reference_ms_per_trial", "ratio_reference_over_core"))
            print(f"  {task:12s} {clock:4s} fast {c['median']:9.0f} trials/s [{c['min']:.0f}, {c['max']:.0f}]  "
                  f"simulate (cold) {s['median']:9.0f}  reference {q['median']:.2f} ms/trial  "
                  f"ratio {x['median']:.0f}x [{x['min']:.0f}, {x['max']:.0f}]")
    if args.out:
        args.out.write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
