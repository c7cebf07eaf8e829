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

Protocol: the shared one (``benchmarks/protocol.py``: warm-up until settled, interleaved
rounds with alternating order, per-trial ratio with a bootstrap interval, load and versions in
the JSON).

Run::

    python benchmarks/bench_gs6.py [--repeats 3] [--out bench_gs6.json]
    python benchmarks/bench_gs6.py --quick        # fewer trials (run_all)

Every number is measured in this run; nothing is hard-coded. Each figure is given twice: by
wall clock, and by the CPU time of this process (``time.process_time``; with one thread, the
time the work took on one core). On a shared machine (load average above the core count) the
wall-clock figures measure the share of a core the process got, and the CPU-time ones are the
ones to read; both are recorded with the load.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import protocol  # noqa: E402,I001  (first: fixes the thread counts before numpy loads)

import argparse  # noqa: E402

import numpy as np  # noqa: E402
from reference_gs6 import gs6_reference  # noqa: E402

from psysim.displays import make_displays  # noqa: E402
from psysim.models.gs6 import GuidedSearch6  # noqa: E402


def run(repeats=3, n_fast=20_000, n_ref=100, tasks=("feature", "conjunction", "spatial")):
    """Rows under the protocol: per task, the array path and the cold ``simulate`` against the
    per-trial reference, each in wall-clock and in CPU time."""
    model = GuidedSearch6()
    results = []
    for task in tasks:
        fast_ds = make_displays(task, (18,), n_per_cell=n_fast // 2, seed=1)
        ref_ds = make_displays(task, (18,), n_per_cell=n_ref // 2, seed=2)
        table = fast_ds.displays

        def fast_core(table=table, ds=fast_ds):
            model._simulate(table, np.random.default_rng(1), ds)

        def fast_cold(ds=fast_ds):
            # features computed afresh; the array path's cache is put back afterwards, so that
            # the array-path timing stays warm as in a fit
            saved = ds.__dict__.pop("_gs_feature_cache", None)
            model.simulate(ds, seed=1)
            if saved is not None:
                ds.__dict__["_gs_feature_cache"] = saved

        def ref(ds=ref_ds):
            gs6_reference(model.params, ds, seed=1, burn_in=0)

        for clock in ("wall", "cpu"):
            for label, fn in (("array path", fast_core), ("simulate, cold", fast_cold)):
                results.append(protocol.compare(
                    f"GS6 {task}, n=18, {label} ({clock})", fn, ref, baseline_name="per-trial reference",
                    items=len(table), baseline_items=len(ref_ds.displays), unit="trials", repeats=repeats,
                    max_warmup=3, clock=clock))
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--n-fast", type=int, default=20_000)
    ap.add_argument("--n-ref", type=int, default=100)
    ap.add_argument("--quick", action="store_true", help="5,000 fast and 40 reference trials per task")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.quick:
        args.n_fast, args.n_ref = 5_000, 40
    results = run(args.repeats, args.n_fast, args.n_ref)
    doc = protocol.finish(results, args.out, params=GuidedSearch6().params,
                          targets={"array_path_trials_per_s": 200_000, "ratio": 50})
    for r in results:
        if "array path" in r.workload:
            print(f"  {r.workload}: {r.throughput():,.0f} trials/s (target >= 200,000 on one core)")
    return doc


if __name__ == "__main__":
    main()
