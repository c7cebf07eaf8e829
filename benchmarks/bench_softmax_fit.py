"""Speed of the softmax-temperature fits: today's code against the code before issue 15 item 6.

The previous code is the experiment and the model module as they were at commit
``d8886b5`` (read with ``git show``, so this script needs a git checkout), loaded beside
today's into the same process. Two workloads, each timed under the shared protocol
(``benchmarks/protocol.py``: threads fixed at 1, warm-up, interleaved rounds, ratio with a
bootstrap interval, load recorded) by the CPU time of this process (``clock="cpu"``; the
machine is shared, and wall time then measures the share of a core the process got):

1. **One likelihood gradient** at the run's full settings (the ``gs`` priority map, feature
   task, 150 displays per cell x 16 selection orders, the pooled Wolfe 2010 cells): a new point
   and its seven one-coordinate perturbations at a fixed beta, the eight evaluations L-BFGS-B
   makes per step.
2. **One whole profile fit** (``profile_fit``: grid walk, regime restarts, sweeps, refinement
   and CI ends) of the same map and task at reduced settings (10 displays per cell x 2 orders,
   a 16-point grid; ``--quick``: 8 points and one round), so that the old side finishes in minutes;
   without warm-up calls (each call is tens of seconds of work). This
   ratio also holds the changed fit bounds (issue 15 item 4), which change the optimiser's
   path: it is the ratio of the whole fit, not of the code alone. The numbers of likelihood
   evaluations of both sides are recorded.

Run::

    python benchmarks/bench_softmax_fit.py [--repeats 3] [--json bench_softmax_fit.json]
    python benchmarks/bench_softmax_fit.py --quick      # (run_all)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import protocol  # noqa: E402,I001  (first: fixes the thread counts before numpy loads)

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402

import numpy as np  # noqa: E402

BEFORE = "d8886b5"
ROOT = Path(__file__).resolve().parent.parent


def load_previous(commit: str = BEFORE):
    """The experiment and model modules at ``commit``, imported under private names."""
    mods = {}
    tmp = Path(tempfile.mkdtemp(prefix="psysim-bench-"))
    for name, path in (("prev_softmax_search", "psysim/models/softmax_search.py"),
                       ("prev_softmax_temperature", "experiments/softmax_temperature.py")):
        src = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:{path}"], check=True, capture_output=True, text=True).stdout
        if name == "prev_softmax_temperature":  # the old experiment with the old predictor
            src = src.replace("from psysim.models.softmax_search import SoftmaxCellPredictor",
                              "from prev_softmax_search import SoftmaxCellPredictor")
        f = tmp / f"{name}.py"
        f.write_text(src)
        spec = importlib.util.spec_from_file_location(name, f)
        mods[name] = importlib.util.module_from_spec(spec)
        sys.modules[name] = mods[name]
        spec.loader.exec_module(mods[name])
    return mods["prev_softmax_search"], mods["prev_softmax_temperature"]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="an 8-point grid for the whole fit, 1 round of it")
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args(argv)

    from psysim.experiments import softmax_temperature as st

    from psysim.data import load_wolfe2010
    from psysim.fitting.quantile_fit import quantile_cells
    from psysim.models import get_model
    from psysim.models import softmax_search as ss

    prev_ss, prev_st = load_previous()
    trials = load_wolfe2010()
    cells = quantile_cells(trials[trials["task"] == "feature"])
    cls = get_model("softmax-gs").__class__
    results, extra = [], {}

    # 1. one gradient at full settings
    new_p = st.Profile("softmax-gs", ss.SoftmaxCellPredictor(cls, cells, n_displays=150, n_draws=16, seed=1), cells)
    old_p = prev_st.Profile("softmax-gs", prev_ss.SoftmaxCellPredictor(cls, cells, n_displays=150, n_draws=16, seed=1), cells)
    z0 = new_p.z_start
    eye = 1e-4 * np.eye(len(z0))

    def gradient(prof):
        # as in a fit: beta fixed (its selection orders made once, in the warm-up), a new point
        # per call (every coordinate moved, so no outcome is reused from the call before) and
        # its seven one-coordinate perturbations, of which one moves dw_quit
        step = iter(np.linspace(0.0, 0.5, 10_000))

        def run():
            z = z0 + next(step)
            return [prof._negll(x, 2.0) for x in (z, *(z + e for e in eye))]
        return run

    results.append(protocol.compare("softmax-gs likelihood gradient (8 evaluations, 150 x 16 orders, feature)",
                                    psysim=gradient(new_p), baseline=gradient(old_p), baseline_name=f"code at {BEFORE}",
                                    repeats=max(a.repeats, 5), items=8, unit="evaluations", clock="cpu"))

    # 2. one whole profile fit at reduced settings
    grid = st.beta_grid(8 if a.quick else 16)
    counts = {}

    def fit(mod, pred_mod, label):
        def run():
            n = [0]
            orig = mod.Profile._negll

            def counted(self, z, b):
                n[0] += 1
                return orig(self, z, b)

            mod.Profile._negll = counted
            try:
                pred = pred_mod.SoftmaxCellPredictor(cls, cells, n_displays=10, n_draws=2, seed=1)
                _, f = mod.profile_fit("softmax-gs", pred, cells, grid)
            finally:
                mod.Profile._negll = orig
            counts[label] = {"evaluations": n[0], "beta": f["beta"], "loglik": f["loglik"]}
        return run

    results.append(protocol.compare(f"softmax-gs profile fit ({len(grid)}-point grid, 10 x 2 orders, feature)",
                                    psysim=fit(st, ss, "today"), baseline=fit(prev_st, prev_ss, "before"),
                                    baseline_name=f"code and bounds at {BEFORE}", repeats=1 if a.quick else a.repeats,
                                    max_warmup=0, clock="cpu"))  # no warm-up: each call is a minute of work
    extra["profile_fit"] = counts
    print("profile fit, likelihood evaluations and optimum:", counts)
    protocol.finish(results, a.json, **extra)


if __name__ == "__main__":
    main()
