"""Is a softmax-temperature profile fit at its maximum? A multistart check at fixed betas.

``psysim run softmax-temperature`` profiles beta by a warm-started walk along a grid
(:func:`psysim.experiments.softmax_temperature.profile_fit`). The profile has two regimes
(many short, variable dwells at low beta; few long dwells at high beta), so a walk can stay in
the wrong one. This script re-fits the seven nuisance parameters at each given beta from
several starts (the data-driven default, one start in each regime, one in between, and, with
``--fits``, the parameters of every map fitted to the same task in a run) with Nelder-Mead
then L-BFGS-B, and prints the log-likelihood each start reaches. The predictor (displays and
selection orders) is built from the same seed as the run's, so the numbers compare with the
run's ``profiles.csv``.

    python analysis/check_profile_multistart.py --map saliency --task feature \\
        --betas 0,2,5,10,20,40 --fits runs/st/temperature.csv

About one minute per beta for a feature-based map at the run's full settings on one core.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd
from psysim.experiments import softmax_temperature as st

from psysim.data import load_wolfe2010
from psysim.errors import PsysimError
from psysim.fitting.quantile_fit import quantile_cells
from psysim.models import get_model
from psysim.models.softmax_search import SoftmaxCellPredictor
from psysim.seeds import derive_seed


def starts_for(cells: pd.DataFrame, task: str, fits: pd.DataFrame | None) -> dict:
    """Named starting points (optimiser coordinates) for the nuisance parameters."""
    base = st._start(cells)
    out = {"default": st._to_z(base), **{k: st._to_z(v) for k, v in st.regime_starts(base).items()},
           "mid": st._to_z({**base, "dw_quit": 1.0, "t_item": 40.0, "item_cv": 0.7})}  # between the regimes
    if fits is not None:
        rows = fits[(fits["task"] == task) & (fits["subject"].astype(str) == "group")]
        for _, r in rows.iterrows():
            out[f"fit_{r['priority']}"] = st._to_z({n: r[n] for n in st.NUISANCE})
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--map", required=True, help=f"priority map: {', '.join(st.MODELS)}")
    ap.add_argument("--task", required=True, help=", ".join(st.TASKS))
    ap.add_argument("--betas", required=True, help="comma list of inverse temperatures, e.g. 0,2,5,10,20,40")
    ap.add_argument("--fits", help="a run's temperature.csv: its group fits of this task are extra starts")
    ap.add_argument("--seed", type=int, default=1, help="the run's root seed (default 1)")
    ap.add_argument("--n-displays", type=int, default=150, help="displays per cell (the run's full setting: 150)")
    ap.add_argument("--n-draws", type=int, default=16, help="selection orders per display (full setting: 16)")
    a = ap.parse_args(argv)
    if a.map not in st.MODELS:
        raise PsysimError(f"--map: unknown priority map {a.map!r}; known: {', '.join(st.MODELS)}")
    if a.task not in st.TASKS:
        raise PsysimError(f"--task: unknown task {a.task!r}; known: {', '.join(st.TASKS)}")
    try:
        betas = [float(b) for b in a.betas.split(",")]
    except ValueError:
        raise PsysimError(f"--betas: expected a comma list of numbers, got {a.betas!r}") from None
    if any(not (b >= 0) for b in betas):
        raise PsysimError(f"--betas: inverse temperatures must be >= 0, got {a.betas!r}")
    fits = pd.read_csv(a.fits, dtype={"subject": str}) if a.fits else None

    trials = load_wolfe2010()
    cells = quantile_cells(trials[trials["task"] == a.task])
    model = st.MODELS[a.map]
    predictor = SoftmaxCellPredictor(get_model(model).__class__, cells, n_displays=a.n_displays, n_draws=a.n_draws,
                                     seed=derive_seed(a.seed, "predictor", a.map, a.task))
    prof = st.Profile(model, predictor, cells)
    starts = starts_for(cells, a.task, fits)
    for b in betas:
        t0 = time.perf_counter()
        res = []
        for name, z in starts.items():  # a longer optimisation than the run's
            ll, zb = prof.optimise(b, z, thorough=True, nm_maxiter=400, maxiter=120)
            res.append((ll, name, st._from_z(zb)))
        res.sort(key=lambda x: -x[0])
        print(f"beta {b:g}: " + "  ".join(f"{n} {ll:.1f}" for ll, n, _ in res) + f"  ({time.perf_counter() - t0:.0f} s)", flush=True)
        print("   best: " + ", ".join(f"{k} {v:.4g}" for k, v in res[0][2].items()), flush=True)


if __name__ == "__main__":
    import sys

    try:
        main()
    except PsysimError as e:  # one line, no traceback
        sys.exit(f"error: {e}")
