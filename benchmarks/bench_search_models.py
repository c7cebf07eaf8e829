"""Speed of the search models and of fitting CGS to Wolfe et al. (2010), as ratios in one run.

Measures, on this machine, in one process run:

1. Competitive Guided Search trials per second at set size 18 on one core (the fast core
   ``simulate_arrays``, and the public ``simulate`` that also builds and validates the trial
   table). Target: >= 500,000 trials/s.
2. Fast (vectorised) vs plain per-trial Python reference (``benchmarks/reference_models.py``)
   for FIT, Guided Search 2.0 and CGS: time per trial of each, and the ratio. Target: >= 50x.
3. Wall time to fit CGS to all 28 observer x task runs of Wolfe et al. (2010) with two worker
   processes (the machine's 2 cores), with the default fitting settings of ``psysim fit``
   (exact likelihood; 3 independent seeds, each 512 Sobol points and L-BFGS-B from 8 good,
   spread-out starts; final polish), and how many fits have all three seeds agreeing within 1
   log-likelihood unit. Target: <= 10 min.

Run::

    python benchmarks/bench_search_models.py            # everything (a few minutes)
    python benchmarks/bench_search_models.py --no-fits  # 1 and 2 only (about 1 min)

Writes a JSON summary to ``--out`` when given. Every number is measured in this run.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from multiprocessing import get_context  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference_models import cgs_reference, fit_reference, gs_reference  # noqa: E402

from psysim.displays import make_displays  # noqa: E402
from psysim.models import make_design  # noqa: E402
from psysim.models.cgs import CompetitiveGuidedSearch  # noqa: E402
from psysim.models.fit import FeatureIntegration  # noqa: E402
from psysim.models.guided_search import GuidedSearch  # noqa: E402

CGS_PARAMS = dict(w_target=1.5, dw_quit=0.02, mu=0.25, theta=0.03, t_yes=410, t_no=410, rate_res=12, m=0.01)


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bench_cgs_rate(n=1_000_000):
    model = CompetitiveGuidedSearch(**CGS_PARAMS)
    sizes = np.full(n, 18)
    present = np.arange(n) % 2 == 0
    rng = np.random.default_rng(0)
    core = best_of(lambda: model.simulate_arrays(sizes, present, rng))
    design = make_design("spatial", 18, n // 10)
    public = best_of(lambda: model.simulate(design, seed=0), repeat=2)
    return {"cgs_trials_per_s_core": n / core, "cgs_trials_per_s_simulate": len(design) / public,
            "n_core": n, "n_simulate": len(design)}


def _ratio(t_ref, n_ref, model, design, displays=None):
    """Per-trial times of the reference, of the model core (``_simulate``: arrays out) and of
    the public ``simulate`` (which also builds and validates the trial table)."""
    table = displays.displays if displays is not None else design

    def cold(fn):
        # Guided Search caches its activation features on the DisplaySet (for fitting, which
        # simulates the same displays again and again); time cold calls here
        if displays is not None:
            displays.__dict__.pop("_gs_feature_cache", None)
        return fn()

    core = best_of(lambda: cold(lambda: model._simulate(table, np.random.default_rng(1), displays)), repeat=2) / len(table)
    public = best_of(lambda: cold(lambda: model.simulate(displays if displays is not None else design, seed=1)), repeat=2) / len(table)
    ref = t_ref / n_ref
    return {"ref_us_per_trial": ref * 1e6, "core_us_per_trial": core * 1e6, "simulate_us_per_trial": public * 1e6,
            "ratio_core": ref / core, "ratio_simulate": ref / public}


def bench_ratios():
    out = {}
    n_ref, n_fast = 20_000, 1_000_000
    # CGS, spatial-like parameters, set size 18
    model = CompetitiveGuidedSearch(**CGS_PARAMS)
    sizes_r, pres_r = np.full(n_ref, 18), np.arange(n_ref) % 2 == 0
    t_ref = best_of(lambda: cgs_reference(model.params, sizes_r, pres_r, seed=1), repeat=1)
    out["cgs"] = _ratio(t_ref, n_ref, model, make_design("spatial", 18, n_fast // 2))
    # FIT, conjunction search at set size 18 (serial self-terminating)
    model = FeatureIntegration()
    d = make_design("conjunction", 18, n_ref // 2)
    t_ref = best_of(lambda: fit_reference(model.params, d["task"], d["set_size"], d["target_present"], seed=1), repeat=1)
    out["fit"] = _ratio(t_ref, len(d), model, make_design("conjunction", 18, n_fast // 2))
    # Guided Search 2.0, conjunction displays at set size 18
    model = GuidedSearch()
    ds_r = make_displays("conjunction", 18, n_per_cell=300, seed=1)
    t_ref = best_of(lambda: gs_reference(model.params, ds_r, seed=1), repeat=1)
    out["gs"] = _ratio(t_ref, len(ds_r), model, None, make_displays("conjunction", 18, n_per_cell=10_000, seed=1))
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
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--out", type=Path, default=None, help="write the numbers as JSON here")
    args = ap.parse_args(argv)
    res = {"cpu_count": os.cpu_count()}
    if os.path.exists("/proc/loadavg"):
        res["loadavg_start"] = open("/proc/loadavg").read().split()[:3]
        print("load average at start (1, 5, 15 min):", " ".join(res["loadavg_start"]))
    if not args.fits_only:
        _speed(res)
    if not args.no_fits:
        res["fits"] = bench_fits(args.processes)
        f = res["fits"]
        print(f"CGS fits to all {f['n_fits']} Wolfe 2010 observer x task runs on {f['processes']} processes: "
              f"{f['wall_s']:.0f} s wall ({f['wall_s'] / 60:.1f} min; target <= 10 min); CPU time {f['cpu_s_total']:.0f} s "
              f"in all, i.e. {f['idle_machine_wall_estimate_s'] / 60:.1f} min on {f['processes']} otherwise idle cores; "
              f"mean {f['fit_s_mean']:.0f} s wall per fit; "
              f"{f['n_converged']}/{f['n_fits']} with seeds agreeing within 1 log-lik unit")
    if os.path.exists("/proc/loadavg"):
        res["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
        print("load average at end (1, 5, 15 min):", " ".join(res["loadavg_end"]))
    if args.out:
        args.out.write_text(json.dumps(res, indent=1))
    return res


def _speed(res):
    res["cgs_rate"] = bench_cgs_rate()
    r = res["cgs_rate"]
    print(f"CGS, set size 18, one core: {r['cgs_trials_per_s_core']:,.0f} trials/s (simulate_arrays), "
          f"{r['cgs_trials_per_s_simulate']:,.0f} trials/s (simulate with trial table); target >= 500,000")
    res["ratios"] = bench_ratios()
    for name, v in res["ratios"].items():
        print(f"{name:4s} reference {v['ref_us_per_trial']:9.2f} us/trial; fast core {v['core_us_per_trial']:7.3f} "
              f"us/trial = {v['ratio_core']:7.1f}x; fast simulate() {v['simulate_us_per_trial']:7.3f} us/trial = "
              f"{v['ratio_simulate']:6.1f}x (target >= 50x)")


if __name__ == "__main__":
    main()
