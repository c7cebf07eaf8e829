"""``psysim fit MODEL --data wolfe2010 [--task T] [--subject S] [--out DIR]``.

Fits one model to every selected observer x task of a human data set with the quantile-bin
likelihood (:func:`psysim.fitting.quantile_fit.fit_quantiles`), with a progress bar, and writes
one ``fit_<model>_<task>_<subject>.json`` per fit (a :class:`~psysim.fitting.FitResult`) and a
``fits.csv`` table (one row per fit: parameters, ``loglik``, ``aic``, ``bic``, ``n_obs``) into
``DIR``. Every file is written atomically after all fits succeeded, so a failed or
interrupted command leaves no half-written output.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from psysim.errors import PsysimError
from psysim.executor import positive_int

DATASETS = ("wolfe2010",)


def add_parser(sub):
    p = sub.add_parser("fit", help="fit a model to human RT distributions and error rates")
    p.add_argument("model", help="registered model name (e.g. cgs, gs, fit)")
    p.add_argument("--data", default="wolfe2010", help="human data set (default wolfe2010)")
    p.add_argument("--task", action="append", default=None, help="task to fit (repeatable; default all)")
    p.add_argument("--subject", action="append", default=None, help="subject id within the task (repeatable; default all)")
    p.add_argument("--out", type=Path, default=None, help="folder for fit_*.json and fits.csv (default fits-MODEL)")
    p.add_argument("--seeds", type=positive_int, default=3, help="differential-evolution seeds per fit (default 3)")
    p.add_argument("--starts", type=positive_int, default=512,
                   help="exact likelihoods (CGS): Sobol starting points per seed (default 512)")
    p.add_argument("--local", type=positive_int, default=8,
                   help="exact likelihoods (CGS): local L-BFGS-B searches per seed from good, spread-out starts (default 8)")
    p.add_argument("--maxiter", type=positive_int, default=60,
                   help="simulated likelihoods: differential-evolution generations per seed (default 60)")
    p.add_argument("--popsize", type=positive_int, default=8,
                   help="simulated likelihoods: population size multiplier (default 8)")
    p.add_argument("--no-polish", action="store_true", help="skip the final local polish")
    p.add_argument("--n-sim", type=positive_int, default=2000, help="simulated trials per cell for models without an exact likelihood")
    p.set_defaults(func=cmd_fit)


def load_human(name: str) -> pd.DataFrame:
    """The trial table of a supported human data set."""
    if name not in DATASETS:
        raise PsysimError(f"--data {name!r}: fitting supports {', '.join(DATASETS)}")
    from psysim.data import load_wolfe2010

    return load_wolfe2010()


def select_runs(trials: pd.DataFrame, tasks=None, subjects=None) -> list[tuple[str, str]]:
    """(task, subject) pairs to fit, checked against the data."""
    have_tasks = list(pd.unique(trials["task"]))
    tasks = list(tasks) if tasks else have_tasks
    bad = [t for t in tasks if t not in have_tasks]
    if bad:
        raise PsysimError(f"--task {', '.join(bad)}: not in the data; tasks are {', '.join(have_tasks)}")
    runs = []
    for t in tasks:
        subs = sorted(pd.unique(trials.loc[trials["task"] == t, "subject"]), key=lambda s: (len(s), s))
        if subjects:
            missing = [s for s in subjects if s not in subs]
            if missing:
                raise PsysimError(f"--subject {', '.join(missing)}: not in task {t!r}; subjects are {', '.join(subs)}")
            subs = [s for s in subs if s in subjects]
        runs += [(t, s) for s in subs]
    return runs


def cmd_fit(args) -> int:
    from tqdm.auto import tqdm

    from psysim.fitting.quantile_fit import fit_quantiles
    from psysim.models import get_model
    from psysim.runs import atomic_write_text

    model = get_model(args.model)
    trials = load_human(args.data)
    runs = select_runs(trials, args.task, args.subject)
    out = Path(args.out) if args.out is not None else Path(f"fits-{model.name}")
    if out.exists() and not out.is_dir():
        raise PsysimError(f"--out {out}: exists and is not a folder")
    seeds = tuple(range(args.seeds))
    results = []
    exact = hasattr(type(model), "correct_cdf")
    steps = args.local if exact else args.maxiter  # progress steps per seed
    with tqdm(total=len(runs) * len(seeds) * steps, desc=f"fit {model.name}", disable=None,
              unit="local search" if exact else "gen") as bar:
        for task, subject in runs:
            bar.set_postfix_str(f"{task} {subject}")
            before = bar.n
            data = trials[(trials["task"] == task) & (trials["subject"] == subject)]
            res = fit_quantiles(model, data, seeds=seeds, maxiter=args.maxiter, popsize=args.popsize,
                                n_starts=args.starts, n_local=args.local,
                                n_sim=args.n_sim, polish=not args.no_polish, progress=bar.update,
                                data={"data": args.data, "task": task, "subject": subject})
            bar.update(before + len(seeds) * steps - bar.n)  # DE may stop early
            results.append(res)
            for w in res.warnings:
                tqdm.write(f"{task} {subject}: {w}")
    out.mkdir(parents=True, exist_ok=True)
    for res in results:
        name = f"fit_{model.name}_{res.data['task']}_{res.data['subject']}.json"
        res.to_json(out / name)
    table = pd.DataFrame([r.summary() for r in results])
    atomic_write_text(out / "fits.csv", table.to_csv(index=False))
    print(f"{len(results)} fit(s) of {model.name} written to {out}")
    return 0
