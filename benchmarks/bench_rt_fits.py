"""rt-distributions fits: the budget policy and fairer likelihoods against the former settings.

One observer's fit (Wolfe et al. 2010, one task) per model, in CPU time under the shared
protocol (interleaved rounds, warm-up, ratio former / new with a bootstrap interval, load
recorded):

- **new**: ``experiments/rt_distributions.fit_settings`` -- the same budget for every model
  (2 searches, each at most 50 x k likelihood evaluations), the bias-corrected simulated
  estimator, and 8 replicate scores at 2000 trials per cell;
- **former**: the settings before the policy (:data:`FORMER`, copied from the experiment as it
  was): CGS 3 x (512 Sobol points + 8 L-BFGS-B runs) + polish, GS and GS6 one differential
  evolution of 15 generations x popsize 4 at 300 simulated trials per cell, FIT 25 x 5 at 600;
  the half-count estimator, no replicate scores.

The full run's time is about (fits per model) x (CPU-s per fit) / workers: 28 observer fits
and 28 leave-one-out group fits per model (the leave-one-out budget per search is the same,
with one search), plus the recovery fits. The script prints that estimate beside the rows.

    python benchmarks/bench_rt_fits.py [--quick] [--models gs gs6] [--repeats N] [--task conjunction] [--out FILE.json]

``--quick``: CGS and FIT only, 2 rounds (about a minute on an idle core). Needs PSYSIM_DATA.
"""

import protocol  # noqa: E402,I001  (first: fixes the thread counts before numpy loads)

import argparse  # noqa: E402
import time  # noqa: E402

from psysim.data import load_wolfe2010  # noqa: E402
from psysim.experiments.rt_distributions import BUDGETS, LOO_BUDGETS, fit_settings, free_parameters  # noqa: E402
from psysim.fitting.quantile_fit import fit_quantiles, quantile_cells  # noqa: E402
from psysim.models import get_model  # noqa: E402

FORMER = {
    "cgs": {"starts": 3, "n_starts": 512, "n_local": 8},
    "gs": {"starts": 1, "maxiter": 15, "popsize": 4, "n_sim": 300, "polish": False},
    "gs6": {"starts": 1, "maxiter": 15, "popsize": 4, "n_sim": 300, "polish": False},
    "fit": {"starts": 1, "maxiter": 25, "popsize": 5, "n_sim": 600, "polish": False},
}
"""Settings per model before the budget policy (experiments/rt_distributions.py, 2026-12-03)."""


def _fit(model_name, task, cells, settings, former):
    st = dict(settings)
    starts = st.pop("starts")
    if former:
        st.update(estimator="smoothed", n_replicates=0)
    return fit_quantiles(get_model(model_name), cells=cells, free=free_parameters(model_name, task),
                         seeds=tuple(range(starts)), sim_seed=7, **st)


def run(models=("cgs", "gs", "gs6", "fit"), task="conjunction", repeats=3):
    trials = load_wolfe2010(tasks=[task])
    subject = sorted(trials["subject"].unique(), key=lambda s: (len(s), s))[0]
    cells = quantile_cells(trials[trials["subject"] == subject])
    results, per_fit = [], {}
    for m in models:
        new, old = fit_settings(m, task), FORMER[m]
        out = {}

        def fnew(m=m, new=new, out=out):
            out["new"] = _fit(m, task, cells, new, False)

        def fold(m=m, old=old, out=out):
            out["old"] = _fit(m, task, cells, old, True)

        r = protocol.compare(f"{m} {task} observer {subject} fit (cpu)", fnew, fold,
                             baseline_name="former settings", repeats=repeats, max_warmup=1, clock="cpu",
                             extra={"new": new, "former": old})
        r.extra.update(new_loglik=out["new"].loglik, new_loglik_mc_se=out["new"].diagnostics["loglik_mc_se"],
                       new_evals=out["new"].diagnostics["n_evaluations"], former_loglik=out["old"].loglik,
                       former_evals=out["old"].diagnostics["n_evaluations"])
        results.append(r)
        per_fit[m] = r.psysim["median"]
    return results, per_fit


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="CGS and FIT only, 2 rounds")
    ap.add_argument("--task", default="conjunction")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--models", nargs="+", default=None, help="models to time (default: all four; --quick: cgs fit)")
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    models = args.models or (("cgs", "fit") if args.quick else ("cgs", "gs", "gs6", "fit"))
    t0 = time.process_time()
    results, per_fit = run(models, args.task, 2 if args.quick else args.repeats)
    # 28 observer fits (2 searches) + 28 leave-one-out fits (1 search, so about half the cost)
    ratio = LOO_BUDGETS[0].starts / BUDGETS[0].starts
    est = {m: 28 * t * (1 + ratio) for m, t in per_fit.items()}
    doc = protocol.finish(results, args.out, estimate_full_run_cpu_s=est, bench_cpu_s=time.process_time() - t0)
    for r in results:
        e = r.extra
        print(f"  {r.workload}: new LL {e['new_loglik']:.1f} (MC SE {e['new_loglik_mc_se']:.1f}, {e['new_evals']} evals), "
              f"former LL {e['former_loglik']:.1f} ({e['former_evals']} evals)")
    print("  estimated CPU-s of the full run's observer + leave-one-out fits: "
          + ", ".join(f"{m} {v:.0f}" for m, v in est.items()) + f"; total {sum(est.values()):.0f} "
          f"(/2 workers: {sum(est.values()) / 2 / 60:.1f} min on an idle 2-core machine, recovery fits not included)")
    return doc


if __name__ == "__main__":
    main()
