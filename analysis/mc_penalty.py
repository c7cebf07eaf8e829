"""The Monte Carlo penalty of the simulated likelihood at the true parameters, before and after.

Competitive Guided Search has an exact likelihood, so it can serve as the generator whose true
log-likelihood is known: simulate an observer-sized data set (500 trials per cell, the eight
cells of one task: set sizes 3, 6, 12, 18 x presence), then score the *true* parameters once
exactly and many times by simulation (``CellPredictor(simulate=True)``, one independent seed per
replicate), with the former estimator (half counts, ``"smoothed"``) and the default one
(``"corrected"``, :mod:`psysim.fitting.simlik`). The penalty is ``exact - mean(simulated)``; the
SD is that of one evaluation, i.e. the Monte Carlo error of a log-likelihood evaluated once.

What it cannot show: the penalty at parameters other than the true ones (where the data are not
distributed as the model says), or for the other models' own simulators (their exact
likelihoods are unknown; the estimator does not depend on the model, only on the counts).

    python -m psysim.analysis.mc_penalty [--n-sim 300 600 2000] [--replicates 20] [--seed 1]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from psysim.fitting.quantile_fit import (
    CellPredictor,
    _counts,
    _edges,
    multinomial_loglik,
    quantile_cells,
)
from psysim.fitting.simlik import ESTIMATORS, replicate_seeds, simulated_loglik
from psysim.models import get_model, make_design

TRUE = dict(w_target=3.0, dw_quit=0.05, mu=0.4, theta=0.03, t_yes=380.0, t_no=450.0, rate_res=10.0, m=0.02)
"""CGS parameters of the generator (a conjunction-like observer: 1.5-8 % errors)."""


def penalty_table(n_sims=(300, 600, 2000), replicates: int = 20, seed: int = 1, n_per_cell: int = 500,
                  params: dict | None = None) -> pd.DataFrame:
    """One row per simulated trials per cell x estimator: ``penalty`` (exact - mean simulated
    log-likelihood), ``penalty_se`` (its Monte Carlo SE), ``sd_one`` (SD of one evaluation)."""
    model = get_model("cgs", **(params or TRUE))
    data = model.simulate(make_design("conjunction", (3, 6, 12, 18), n_per_cell), seed=seed)
    cells = quantile_cells(data)
    edges, counts = _edges(cells), _counts(cells)
    exact = multinomial_loglik(counts, CellPredictor(type(model), cells).probabilities(model, edges))
    rows = []
    for n_sim in n_sims:
        sims = [CellPredictor(type(model), cells, n_sim=n_sim, seed=s, simulate=True).sim_counts(model, edges)
                for s in replicate_seeds(seed * 1000 + n_sim, replicates)]
        for est in ESTIMATORS:
            ll = np.array([simulated_loglik(counts, c, est, n_sim) for c in sims])
            rows.append({"n_sim": n_sim, "estimator": est, "exact_loglik": exact, "penalty": exact - ll.mean(),
                         "penalty_se": ll.std(ddof=1) / np.sqrt(len(ll)), "sd_one": ll.std(ddof=1),
                         "replicates": replicates, "cells": len(cells), "n_obs": int(cells["n"].sum())})
    return pd.DataFrame(rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-sim", type=int, nargs="+", default=[300, 600, 2000])
    ap.add_argument("--replicates", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    t0 = time.process_time()
    table = penalty_table(args.n_sim, args.replicates, args.seed)
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[:3]
    print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print(f"CPU {time.process_time() - t0:.1f} s, load {' '.join(load)}")


if __name__ == "__main__":
    main()
