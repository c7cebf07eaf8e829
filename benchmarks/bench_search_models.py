"""Speed of the search models and of fitting CGS to Wolfe et al. (2010), under the protocol.

Measures, in one run, with the shared protocol (``benchmarks/protocol.py``: threads fixed,
warm-up, interleaved rounds, per-trial ratio with a bootstrap interval, load and versions):

1. Fast (vectorised) path against the plain per-trial Python reference
   (``benchmarks/reference_models.py``) for CGS, FIT and Guided Search 2.0 at set size 18, each
   at **two** representative settings, conjunction-like and spatial-configuration-like (long
   searches favour the fast path, so both are reported). No public simulator of these models is
   a Python package, so the baseline is the literal reference. Target: >= 50x.
2. CGS trials per second on one core (``simulate_arrays``, and the public ``simulate`` that
   also builds and validates the trial table), from the same timings. Target: >= 500,000/s.
3. Wall time to fit CGS to all 28 observer x task runs of Wolfe et al. (2010) with two worker
   processes, with the default settings of ``psysim fit``, and how many fits have all three
   seeds agreeing within 1 log-likelihood unit. Target: <= 10 min. (Not an A/B comparison:
   recorded with the load.)

Run::

    python benchmarks/bench_search_models.py            # everything (a few minutes)
    python benchmarks/bench_search_models.py --no-fits  # 1 and 2 only
    python benchmarks/bench_search_models.py --quick --no-fits   # small workloads (run_all)

Every number is measured in this run.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import protocol  # noqa: E402,I001  (first: fixes the thread counts before numpy loads)

import argparse  # noqa: E402
import time  # noqa: E402
from multiprocessing import get_context  # noqa: E402

import numpy as np  # noqa: E402
from reference_models import cgs_reference, fit_reference, gs_reference  # noqa: E402

from psysim.displays import make_displays  # noqa: E402
from psysim.models import make_design  # noqa: E402
from psysim.models.cgs import CompetitiveGuidedSearch  # noqa: E402
from psysim.models.fit import FeatureIntegration  # noqa: E402
from psysim.models.guided_search import GuidedSearch  # noqa: E402

# CGS at two regimes: strong guidance and a quick quit (the model's defaults, conjunction-like)
# and weak guidance with a slowly growing quit weight (long, spatial-configuration-like searches)
CGS_SETTINGS = {
    "conjunction": dict(w_target=5.0, dw_quit=0.15, mu=0.25, theta=0.03, t_yes=420, t_no=420, rate_res=12, m=0.01),
    "spatial": dict(w_target=1.5, dw_quit=0.02, mu=0.25, theta=0.03, t_yes=410, t_no=410, rate_res=12, m=0.01),
}


def bench_ratios(quick=False, repeats=5):
    """Fast vs reference, per trial, for each model at both settings."""
    n_ref, n_fast = (2_000, 100_000) if quick else (20_000, 1_000_000)
    out = []
    for setting, params in CGS_SETTINGS.items():
        model = CompetitiveGuidedSearch(**params)
        sizes, pres = np.full(n_fast, 18), np.arange(n_fast) % 2 == 0
        sizes_r, pres_r = sizes[:n_ref], pres[:n_ref]
        out.append(protocol.compare(
            f"CGS {setting}-like, n=18 (simulate_arrays)",
            lambda m=model, s=sizes, p=pres: m.simulate_arrays(s, p, np.random.default_rng(1)),
            lambda m=model, s=sizes_r, p=pres_r: cgs_reference(m.params, s, p, seed=1),
            baseline_name="per-trial reference", items=n_fast, baseline_items=n_ref, unit="trials",
            repeats=repeats))
        design = make_design(setting, 18, n_fast // 20)
        out.append(protocol.compare(
            f"CGS {setting}-like, n=18 (simulate, table)",
            lambda m=model, d=design: m.simulate(d, seed=1),
            lambda m=model, s=sizes_r, p=pres_r: cgs_reference(m.params, s, p, seed=1),
            baseline_name="per-trial reference", items=len(design), baseline_items=n_ref, unit="trials",
            repeats=repeats))
    fit = FeatureIntegration()
    for task in ("conjunction", "spatial"):
        d_ref, d_fast = make_design(task, 18, n_ref // 2), make_design(task, 18, n_fast // 2)
        out.append(protocol.compare(
            f"FIT {task}, n=18 (_simulate)",
            lambda d=d_fast: fit._simulate(d, np.random.default_rng(1), None),
            lambda d=d_ref: fit_reference(fit.params, d["task"], d["set_size"], d["target_present"], seed=1),
            baseline_name="per-trial reference", items=len(d_fast), baseline_items=len(d_ref), unit="trials",
            repeats=repeats))
    gs = GuidedSearch()
    for task in ("conjunction", "spatial"):
        ds_r = make_displays(task, 18, n_per_cell=30 if quick else 300, seed=1)
        ds_f = make_displays(task, 18, n_per_cell=1_000 if quick else 10_000, seed=1)

        def fast(ds=ds_f):
            ds.__dict__.pop("_gs_feature_cache", None)  # cold: features computed as a first simulate does
            return gs._simulate(ds.displays, np.random.default_rng(1), ds)

        out.append(protocol.compare(
            f"GS 2.0 {task}, n=18 (_simulate, cold)", fast, lambda ds=ds_r: gs_reference(gs.params, ds, seed=1),
            baseline_name="per-trial reference", items=len(ds_f), baseline_items=len(ds_r), unit="trials",
            repeats=repeats))
    return out


def _fit_one(job):
    task, subject = job
    from psysim.data import load_wolfe2010
    from psysim.fitting.quantile_fit import fit_quantiles

    trials = load_wolfe2010(tasks=[task])
    data = trials[trials["subject"] == subject]
    t, c = time.perf_counter(), time.process_time()
    res = fit_quantiles(CompetitiveGuidedSearch(), data, data={"task": task, "subject": subject})
    return {"task": task, "subject": subject, "seconds": time.perf_counter() - t,
            "cpu_seconds": time.process_time() - c, "loglik": res.loglik,
            "converged": res.diagnostics["converged"], "n_seeds_agree": res.diagnostics["n_seeds_agree"],
            "warnings": list(res.warnings)}


def bench_fits(processes=2):
    from psysim.data import load_wolfe2010

    trials = load_wolfe2010()
    jobs = [(t, s) for t in ("feature", "conjunction", "spatial")
            for s in sorted(trials.loc[trials["task"] == t, "subject"].unique(), key=lambda s: (len(s), s))]
    t = time.perf_counter()
    with get_context("spawn").Pool(processes) as pool:
        rows = pool.map(_fit_one, jobs, chunksize=1)
    wall = time.perf_counter() - t
    cpu = [r["cpu_seconds"] for r in rows]
    # what the same fits take on `processes` otherwise idle cores: the CPU time of the fits,
    # packed onto the workers in the order the pool hands them out (longest-first is not used)
    loads = [0.0] * processes
    for c in cpu:
        loads[loads.index(min(loads))] += c
    return {"n_fits": len(rows), "processes": processes, "wall_s": wall,
            "cpu_s_total": float(sum(cpu)), "idle_machine_wall_estimate_s": max(loads),
            "fit_s_mean": float(np.mean([r["seconds"] for r in rows])),
            "n_converged": int(sum(r["converged"] for r in rows)), "fits": rows}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-fits", action="store_true", help="skip the 28 CGS fits")
    ap.add_argument("--fits-only", action="store_true", help="only the 28 CGS fits")
    ap.add_argument("--quick", action="store_true", help="small workloads, 3 rounds")
    ap.add_argument("--repeats", type=int, default=5, help="interleaved rounds per workload")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--out", type=Path, default=None, help="write the numbers as JSON here")
    args = ap.parse_args(argv)
    results, record = [], {}
    if not args.fits_only:
        results = bench_ratios(args.quick, repeats=3 if args.quick else args.repeats)
        record["targets"] = {"ratio": ">= 50x", "cgs_trials_per_s": ">= 500,000"}
    if not args.no_fits:
        load0 = protocol.load_average()
        f = record["fits"] = bench_fits(args.processes)
        f["load_before"], f["load_after"] = load0, protocol.load_average()
    doc = protocol.finish(results, args.out, **record)
    for r in results:
        if "simulate" in r.workload and "CGS" in r.workload:
            print(f"  {r.workload}: {r.throughput():,.0f} trials/s on {r.threads} thread(s) (target >= 500,000)")
    if "fits" in record:
        f = record["fits"]
        print(f"CGS fits to all {f['n_fits']} Wolfe 2010 observer x task runs on {f['processes']} processes: "
              f"{f['wall_s']:.0f} s wall ({f['wall_s'] / 60:.1f} min; target <= 10 min); CPU time {f['cpu_s_total']:.0f} s "
              f"in all, i.e. {f['idle_machine_wall_estimate_s'] / 60:.1f} min on {f['processes']} otherwise idle cores; "
              f"{f['n_converged']}/{f['n_fits']} with seeds agreeing within 1 log-lik unit; "
              f"load {f['load_before']:.1f} -> {f['load_after']:.1f}")
    return doc


if __name__ == "__main__":
    main()
