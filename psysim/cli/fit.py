"""``psysim fit MODEL --data wolfe2010|FILE.toml [--task T] [--subject S] [--out DIR] [--workers N | --scheduler ADDRESS]``.

Fits one model to every selected observer x task of a described search data set (the built-in
``wolfe2010`` or a lab's description file, ``docs/own_data.md``) with the quantile-bin
likelihood (:func:`psysim.fitting.quantile_fit.fit_quantiles`), planned by
:func:`psysim.fitting.plan.plan_fits`: per observer where every cell has ``--min-correct``
correct RTs, else one pooled fit per task; parameters the data cannot identify are fixed and
printed with their reason. With a progress bar, it writes
one ``fit_<model>_<task>_<subject>.json`` per fit (a :class:`~psysim.fitting.FitResult`) and a
``fits.csv`` table (one row per fit: parameters, ``loglik``, ``aic``, ``bic``, ``n_obs``) into
``DIR``. Every file is written atomically after all fits succeeded, so a failed or
interrupted command leaves no half-written output.

Every search (observer x task x seed) is one task of :func:`psysim.fitting.fit_many` on the
executor that ``--workers`` / ``--scheduler`` / ``--executor`` ask for (serial by default);
its seed derives from ``--seed`` and the task's name, so the output is the same on every
executor. Finished tasks are checkpointed in ``.DIR.partial/checkpoints/`` beside ``DIR``: run
the same command again after an interruption and it resumes. ``--shard I/N`` runs one element
of a job array into those checkpoints (``docs/CLUSTER.md``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from psysim.checkpoints import has_checkpoints
from psysim.errors import PsysimError
from psysim.executor import add_executor_arguments, positive_int


def add_parser(sub):
    from psysim.cli.core import _seed
    from psysim.cli.sweep import _shard

    p = sub.add_parser("fit", help="fit a model to human RT distributions and error rates")
    p.add_argument("model", help="registered model name (e.g. cgs, gs, fit)")
    p.add_argument("--data", default="wolfe2010", metavar="NAME|FILE.toml",
                   help="data set: a description file (docs/own_data.md) or a built-in name (default wolfe2010)")
    p.add_argument("--min-correct", type=positive_int, default=20,
                   help="correct RTs every cell of every observer needs for per-observer fits; else the task is pooled (default 20)")
    p.add_argument("--task", action="append", default=None, help="task to fit (repeatable; default all)")
    p.add_argument("--subject", action="append", default=None, help="subject id within the task (repeatable; default all)")
    p.add_argument("--out", type=Path, default=None, help="folder for fit_*.json and fits.csv (default fits-MODEL)")
    p.add_argument("--seed", type=_seed, default=0, help="root seed: every search's seed derives from it (default 0)")
    p.add_argument("--seeds", type=positive_int, default=3,
                   help="independent searches (starts) per fit, each an executor task with its own seed (default 3)")
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
    p.add_argument("--force", action="store_true",
                   help="replace fits.csv and fit_*.json already in DIR and discard the checkpoints of an interrupted "
                        "fit into DIR (they are refused when the settings differ)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--shard", type=_shard, default=None, metavar="I/N",
                   help="job arrays: run only the searches p with p %% N == I into the shared checkpoints; "
                        "run once more without --shard to write the output (docs/CLUSTER.md)")
    add_executor_arguments(p)
    p.set_defaults(func=cmd_fit)


def load_human(name: str):
    """A described search data set (:class:`psysim.data.SearchData`) from ``--data``."""
    from psysim.data import load_described, resolve_description

    return load_described(resolve_description(name))


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
    import shutil

    from psysim.atomic import atomic_write_text
    from psysim.executor import Checkpoints, executor_from_args
    from psysim.fitting import fit_many
    from psysim.fitting.plan import plan_fits
    from psysim.models import get_model
    from psysim.paths import check_output, check_partial, record_outputs

    # every check before anything is written or started
    model = get_model(args.model)
    data = load_human(args.data)
    runs = select_runs(data.trials, args.task, args.subject)
    if args.shard is not None and args.force:
        raise PsysimError("--force with --shard would delete the other shards' results; remove the folder yourself")
    settings = {"maxiter": args.maxiter, "popsize": args.popsize, "n_starts": args.starts, "n_local": args.local,
                "n_sim": args.n_sim, "polish": not args.no_polish}
    plan_settings = {model.name: ({"starts": args.seeds, **settings},) * 2}
    planned, notes = plan_fits(data, [model.name], tasks=sorted({t for t, _s in runs}),
                               subjects=sorted({s for _t, s in runs}) if args.subject else None,
                               min_correct=args.min_correct, settings=plan_settings)
    if not planned:
        why = "; ".join(n.text for n in notes if n.kind == "not-fitted") or "no fit possible"
        raise PsysimError(f"fit {model.name} --data {args.data}: {why}")
    specs = [p.spec for p in planned]
    out = check_output(Path(args.out) if args.out is not None else Path(f"fits-{model.name}"), kind="folder",
                       force=args.force or args.shard is not None,  # (a shard writes only checkpoints)
                       outputs=["fits.csv", *(f"fit_{model.name}_{p.task}_{p.subject}.json" for p in planned)])
    check_partial(out)  # the checkpoints folder beside it is psysim's, or left alone
    fingerprint = {"command": "fit", "model": model.name, "data": data.description.name, "fits": [s.key for s in specs],
                   "starts": args.seeds, "settings": settings}

    # checkpoints beside the output folder (which may exist and hold other fits)
    partial = out.parent / f".{out.name}.partial"
    checkpoints = partial / "checkpoints"
    if args.force:
        shutil.rmtree(partial, ignore_errors=True)
    resuming = has_checkpoints(checkpoints)
    if args.shard is None and not resuming and partial.exists():
        shutil.rmtree(partial, ignore_errors=True)  # nothing finished there: start afresh
    Checkpoints(checkpoints, args.seed, fingerprint)  # refuses another fit's checkpoints, keeps them
    if resuming:
        print(f"resuming from {partial}")
    ex = None
    try:
        ex = executor_from_args(args)
        results = fit_many(specs, seed=args.seed, executor=ex, checkpoint_dir=checkpoints, fingerprint=fingerprint,
                           progress=False if args.no_progress else None, desc=f"fit {model.name}", shard=args.shard)
    except BaseException as exc:
        if args.shard is None and not has_checkpoints(checkpoints):
            shutil.rmtree(partial, ignore_errors=True)  # nothing to resume from: leave nothing behind
        elif not isinstance(exc, PsysimError):
            print(f"psysim: {partial} keeps the finished searches; run the same command again to resume",
                  file=sys.stderr)
        raise
    finally:
        if ex is not None:
            ex.close()
    if args.shard is not None:
        i, n = args.shard
        print(f"shard {i}/{n}: " + ("every fit is done; " if results is not None else
                                    f"searches computed into {checkpoints}; when every shard is done, ")
              + "run the same command without --shard to write the output")
        return 0
    for n in notes:
        if n.kind != "observers":
            print(n.text)
    for res in results:
        for w in res.warnings:
            print(f"{res.data['task']} {res.data['subject']}: {w}")
    out.mkdir(parents=True, exist_ok=True)
    for res in results:
        res.to_json(out / f"fit_{model.name}_{res.data['task']}_{res.data['subject']}.json")
    table = pd.DataFrame([r.summary() for r in results])
    atomic_write_text(out / "fits.csv", table.to_csv(index=False))
    record_outputs(out, ["fits.csv", *(f"fit_{model.name}_{r.data['task']}_{r.data['subject']}.json" for r in results)])
    shutil.rmtree(partial, ignore_errors=True)  # every result is written: the checkpoints go
    print(f"{len(results)} fit(s) of {model.name} written to {out}")
    return 0
