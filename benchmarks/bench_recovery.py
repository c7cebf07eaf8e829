"""Cost of the model-recovery study of ``rt-distributions`` (:mod:`psysim.fitting.recovery`).

The study fits every model to every simulated data set: models x models x tasks x
``recovery_sets`` fits (48 with the defaults). This script measures what one such fit costs per
fitted model and task, with the run's own settings (``experiments/rt_distributions.fit_settings``,
full or ``--quick``), on data sets simulated by one generator with an observer's cell counts,
and from those per-fit CPU times the cost of the whole study at a given size. It is a cost
record, not a speed target (there is no baseline to compare with), so it does not use the
interleaved A/B protocol; it records CPU time (``time.process_time``, serial executor, numpy
threads fixed at 1 by ``protocol``), wall time and the load average before and after.

The extrapolation assumes a fit costs the same whichever model generated its data; the
measured generator is named in the JSON so that a second run with another can check that.

Run::

    python benchmarks/bench_recovery.py [--generator cgs] [--tasks feature,conjunction,spatial]
        [--models cgs,gs,gs6,fit] [--sets 1] [--quick] [--out bench_recovery.json]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import protocol  # noqa: E402,I001  (first: fixes the thread counts before numpy loads)

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--generator", default="cgs")
    ap.add_argument("--tasks", default="feature,conjunction,spatial")
    ap.add_argument("--models", default="cgs,gs,gs6,fit")
    ap.add_argument("--sets", type=int, default=1, help="recovery_sets of the extrapolated study")
    ap.add_argument("--quick", action="store_true", help="the run's --quick settings")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None)
    a = ap.parse_args(argv)

    from psysim.experiments import rt_distributions as rt

    from psysim.data import load_wolfe2010
    from psysim.fitting import fit_many
    from psysim.fitting import recovery as rec
    from psysim.models import get_model
    from psysim.seeds import derive_seed

    tasks, models = a.tasks.split(","), a.models.split(",")
    mode = 1 if a.quick else 0
    trials = load_wolfe2010(tasks=tasks)
    load0, wall0, cpu0 = protocol.load_average(), time.perf_counter(), time.process_time()
    rows = []
    for t in tasks:
        first = sorted(trials.loc[trials["task"] == t, "subject"].unique(), key=str)[0]
        obs = trials[(trials["task"] == t) & (trials["subject"] == first)]
        c0 = time.process_time()
        sim = rec.simulate_like(get_model(a.generator), t, rec.cell_counts(obs), derive_seed(a.seed, "bench", t))
        sim_cpu = time.process_time() - c0
        for m in models:
            spec = rt.fit_spec(f"bench/{a.generator}/{t}/{m}", m, t, sim, rt.fit_settings(m, t, bool(mode)),
                               {"generator": a.generator, "task": t, "set": 0, "subject": first})
            c0, w0 = time.process_time(), time.perf_counter()
            res = fit_many([spec], seed=a.seed, progress=False)[0]
            rows.append({"task": t, "fitted": m, "cpu_s": time.process_time() - c0, "wall_s": time.perf_counter() - w0,
                         "simulate_cpu_s": sim_cpu, "bic": res.bic, "load": protocol.load_average()})
            print(f"{t:12s} {m:4s} cpu {rows[-1]['cpu_s']:7.1f} s  wall {rows[-1]['wall_s']:7.1f} s  "
                  f"load {rows[-1]['load']:.1f}", flush=True)
    cpu = time.process_time() - cpu0
    per = {m: float(np.mean([r["cpu_s"] for r in rows if r["fitted"] == m])) for m in models}
    n_data = len(models) * len(tasks) * a.sets
    study_cpu = n_data * sum(per.values())
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).resolve().parent).stdout.strip()
    except OSError:  # pragma: no cover
        commit = ""
    doc = {"environment": protocol.environment(), "commit": commit, "generator": a.generator, "quick": a.quick,
           "settings": {m: rt.fit_settings(m, tasks[0], bool(mode)) for m in models}, "fits": rows,
           "mean_cpu_s_per_fit": per, "measured_cpu_s": cpu, "measured_wall_s": time.perf_counter() - wall0,
           "load_before": load0, "load_after": protocol.load_average(),
           "study": {"models": models, "tasks": tasks, "recovery_sets": a.sets, "data_sets": n_data,
                     "fits": n_data * len(models), "cpu_s_extrapolated": study_cpu}}
    print(f"mean CPU s per fit: {', '.join(f'{m} {v:.1f}' for m, v in per.items())}")
    print(f"study of {n_data} data sets x {len(models)} models: ~{study_cpu:.0f} CPU-s "
          f"(~{study_cpu / 2:.0f} s wall with 2 workers on an idle 2-core machine)")
    print(f"load {load0:.1f} -> {doc['load_after']:.1f}; measured {cpu:.0f} CPU-s, {doc['measured_wall_s']:.0f} s wall")
    if a.out:
        Path(a.out).write_text(json.dumps(doc, indent=2, default=float))
    return doc


if __name__ == "__main__":
    main()
