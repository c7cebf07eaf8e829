"""Many fits as independent tasks of :mod:`psysim.executor`: observers x tasks x models x starts.

A fit by :func:`~psysim.fitting.quantile_fit.fit_quantiles` is several independent searches
(one per seed) and a last step that takes the best, polishes it and predicts every cell.
:func:`fit_many` runs the searches of all fits as the tasks of one
:func:`psysim.executor.map_tasks` call, then the last steps as a second call, so that they
spread over local processes or a Dask cluster, are checkpointed one by one and resume after an
interruption.

Keys and seeds
    A fit is named by its :attr:`FitSpec.key`, e.g. ``"fit/cgs/spatial/3"``. Start ``k`` of
    it is the task ``"<key>/start<k>"``; its search seed is drawn from that task's seed
    (:func:`psysim.seeds.derive_seed`, a child of the run's root seed addressed by the key).
    The simulated likelihood of a model without an exact one uses common random numbers: one
    simulation seed per fit, drawn from ``derive_seed(root, "<key>/sim")`` and shared by all its
    starts, so that they optimise the same objective. The last step is the task ``"<key>"``.
    So the fits depend only on the root seed, the keys and the settings -- not on the
    executor, the number of workers or resumption -- and a different root seed gives different
    searches (and simulations).

What travels
    Each task carries its :class:`FitSpec`, whose data are the observer's quantile cells (a
    few dozen rows, from :func:`~psysim.fitting.quantile_fit.quantile_cells`), not the trials:
    workers on a cluster need neither the data folder nor a shared file system. Searches
    return plain dicts; the last step returns the FitResult as JSON text (every path -- in this
    process, from a worker, from a checkpoint -- then gives the same bytes).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from psysim.errors import PsysimError
from psysim.fitting.quantile_fit import finish_fit, prepare_fit, search_once
from psysim.fitting.result import FitResult

SETTINGS = ("free", "fixed", "bounds", "method", "n_sim", "trim", "estimator", "maxiter", "popsize", "tol", "polish",
            "n_polish", "n_starts", "n_local", "converge_tol", "n_replicates", "n_sim_score", "max_evals")
"""Keys a :attr:`FitSpec.settings` dict may hold (the options of ``fit_quantiles`` but the seeds)."""
_PROBLEM = ("free", "fixed", "bounds", "method", "n_sim", "trim", "estimator")
_SEARCH = ("maxiter", "popsize", "tol", "polish", "n_polish", "n_starts", "n_local", "max_evals")
_FINISH = ("maxiter", "popsize", "polish", "n_starts", "n_local", "converge_tol", "n_replicates", "n_sim_score",
           "max_evals")


@dataclass(eq=False)
class FitSpec:
    """One fit to run as executor tasks.

    Attributes
    ----------
    key : str
        Unique, stable name of the fit (``"fit/cgs/spatial/3"``); addresses its seeds and
        checkpoints, so it must not change between a run and its resumption.
    model : str
        Registered model name.
    cells : pandas.DataFrame
        The data: :func:`~psysim.fitting.quantile_fit.quantile_cells` of the trials to fit.
    starts : int
        Independent searches (``len(seeds)`` of ``fit_quantiles``).
    params : dict
        Parameter values of the model before fitting (fixed parameters keep them); default:
        the model's defaults.
    settings : dict
        Other ``fit_quantiles`` options (:data:`SETTINGS`: ``free``, ``maxiter``,
        ``n_starts``, ``n_sim``, ...).
    data : dict
        Description of the data, stored in the FitResult.
    """

    key: str
    model: str
    cells: pd.DataFrame
    starts: int = 3
    params: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)


def int_seed(seed_sequence) -> int:
    """A 32-bit integer seed (for scipy's optimisers and the simulations) from a SeedSequence."""
    return int(seed_sequence.generate_state(1, np.uint32)[0])


def _problem(spec: FitSpec, sim_seed: int):
    from psysim.models import get_model

    opts = {k: v for k, v in spec.settings.items() if k in _PROBLEM}
    return prepare_fit(get_model(spec.model, **spec.params), cells=spec.cells, sim_seed=sim_seed, **opts)


def search_task(payload, seed) -> dict:
    """Executor task: start ``k`` of a fit. ``payload = (spec, k, sim_seed)``."""
    spec, _k, sim_seed = payload
    opts = {k: v for k, v in spec.settings.items() if k in _SEARCH}
    return search_once(_problem(spec, sim_seed), int_seed(seed), **opts)


def finish_task(payload, seed) -> str:
    """Executor task: the last step of a fit from its searches. ``payload = (spec, sim_seed,
    runs)``; returns the FitResult as JSON text."""
    spec, sim_seed, runs = payload
    opts = {k: v for k, v in spec.settings.items() if k in _FINISH}
    return finish_fit(_problem(spec, sim_seed), runs, data=spec.data, **opts).to_json()


def check_specs(specs) -> list[FitSpec]:
    """The specs as a list, checked (unique keys, known settings, model and parameters) before
    any task starts."""
    specs = list(specs)
    seen = set()
    for s in specs:
        if not isinstance(s, FitSpec):
            raise PsysimError(f"fit_many: expected FitSpec objects, got {type(s).__name__}")
        if not isinstance(s.key, str) or not s.key:
            raise PsysimError(f"fit_many: fit keys must be non-empty strings, got {s.key!r}")
        if s.key in seen:
            raise PsysimError(f"fit_many: duplicate fit key {s.key!r}")
        seen.add(s.key)
        if isinstance(s.starts, bool) or not isinstance(s.starts, (int, np.integer)) or s.starts < 1:
            raise PsysimError(f"fit {s.key}: starts must be a whole number >= 1, got {s.starts!r}")
        bad = sorted(set(s.settings) - set(SETTINGS))
        if bad:
            raise PsysimError(f"fit {s.key}: unknown setting(s) {', '.join(bad)}; known: {', '.join(SETTINGS)}")
        _problem(s, 0)  # model name, parameter names and values, bounds: one-line errors now
    return specs


def fit_many(specs, *, seed: int = 0, mapper=None, executor=None, checkpoint_dir=None, fingerprint=None,
             progress=None, desc: str = "fits", shard=None) -> list[FitResult] | None:
    """Run many fits, their starts spread over an executor; FitResults in the order of ``specs``.

    Parameters
    ----------
    specs : iterable of FitSpec
    seed : int
        Root seed of the run (see the module notes for how every seed derives from it).
    mapper : callable, optional
        ``mapper(fn, tasks, desc=...)`` that runs tasks like :func:`psysim.executor.map_tasks`
        with this root seed, e.g. :meth:`psysim.runs.RunContext.map_tasks` (which brings the
        run's executor and checkpoints). Default: ``map_tasks`` with the arguments below.
    executor, checkpoint_dir, fingerprint, progress, shard
        Passed to :func:`psysim.executor.map_tasks` when ``mapper`` is not given.
    desc : str
        Progress-bar label.

    Returns
    -------
    list of FitResult, or None
        None when a shard of a job array (``shard``) left tasks to other shards; a final call
        without ``shard`` collects them.
    """
    from psysim.executor import map_tasks
    from psysim.seeds import derive_seed

    specs = check_specs(specs)
    if mapper is None:
        mapper = functools.partial(map_tasks, executor=executor, seed=seed, checkpoint_dir=checkpoint_dir,
                                   fingerprint=fingerprint, progress=progress, shard=shard)
    sim = {s.key: int_seed(derive_seed(seed, s.key, "sim")) for s in specs}
    searches = [(f"{s.key}/start{k}", (s, k, sim[s.key])) for s in specs for k in range(int(s.starts))]
    runs = mapper(search_task, searches, desc=f"{desc} (searches)")
    if not getattr(runs, "complete", True):
        return None
    by_key = dict(zip((k for k, _ in searches), runs))
    finishes = [(s.key, (s, sim[s.key], [by_key[f"{s.key}/start{k}"] for k in range(int(s.starts))])) for s in specs]
    texts = mapper(finish_task, finishes, desc=desc)
    if not getattr(texts, "complete", True):
        return None
    return [FitResult.from_json(t) for t in texts]
