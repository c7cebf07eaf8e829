"""Run folders: what ``psysim run`` writes, written so that nothing is ever half there.

A run ``OUT`` is written into its hidden sibling ``.OUT.partial/`` and renamed into place only
when the experiment has finished (``os.replace`` of a directory is atomic on one file system),
so ``OUT`` is either absent or complete. Single files are written the same way
(:func:`atomic_write_text`).

Resuming: experiments that run their work as executor tasks (:meth:`RunContext.map_tasks`)
checkpoint every finished task in ``.OUT.partial/checkpoints/``, with a manifest of the
experiment, seed and options. An interrupted run (an error, Ctrl-C, SIGKILL, a cluster time
limit) keeps that folder; the same command run again loads the finished tasks and computes
only the rest, with byte-identical results. A folder left by a run with another seed or other
options is refused (``--force`` starts over); options that only say where tasks run
(:data:`RUN_OPTIONS`: ``workers``, ``scheduler``, ...) may change between the two. A run that
fails before any task finished leaves nothing behind. On success the checkpoints are deleted.

``metadata.json`` records the experiment, its options, the seed, psysim and library versions,
timings, the executor, task counts and the data sources used.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from psysim.atomic import atomic_write_bytes, atomic_write_text  # noqa: F401  (also importable from here)
from psysim.checkpoints import SUFFIX, Checkpoints, ResumableRun
from psysim.errors import PsysimError, did_you_mean
from psysim.executor import executor_from_options, executor_settings, map_tasks
from psysim.options import RUN_OPTIONS, declared, resolve_options
from psysim.paths import check_output, output_files
from psysim.seeds import check_seed, derive_seed
from psysim.tables import check_run_tables, declared_tables


def library_versions() -> dict:
    import platform

    import matplotlib
    import scipy
    import seaborn
    import statsmodels

    import psysim

    v = {
        "psysim": psysim.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
        "statsmodels": statsmodels.__version__,
        "seaborn": seaborn.__version__,
        "matplotlib": matplotlib.__version__,
    }
    try:
        import torch

        v["torch"] = torch.__version__
    except ImportError:  # pragma: no cover
        pass
    return v


FIGURE_FORMATS = ("png", "svg", "pdf")
FIGURE_DPI = 110
# metadata that keeps figure files byte-identical between runs with the same seed
_FIGURE_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                    "pdf": {"CreationDate": None, "Creator": None, "Producer": None}}


@dataclass
class RunContext:
    """What an experiment's ``run(ctx)`` receives.

    Attributes
    ----------
    name : str
        Experiment name.
    out : Path
        The (temporary) folder to write into; it becomes the run folder on success.
    seed : int
        Root seed of the run; derive every random stream from it with :meth:`rng_for` or
        :meth:`seed_for`.
    quick : bool
        Small settings for a fast look (tests, teaching).
    options : dict
        Experiment options: in a run made by :func:`execute`, every declared option with its
        value (declared default or ``--set key=value``) plus the run options given.
    lang : str
        Language of the report, table headers and figure labels: ``"en"`` or ``"ja"``
        (``--lang``; see :mod:`psysim.i18n`). Data files are written in one vocabulary
        whatever the language.
    checkpoint_dir : Path or None
        Where :meth:`map_tasks` checkpoints finished tasks (set by :func:`execute`; None: no
        checkpoints).
    fingerprint : dict or None
        What the run computes (experiment, quick, options but :data:`RUN_OPTIONS`), stored
        with the checkpoints so that another run's are refused.
    shard : (int, int) or None
        ``(i, n)`` from ``--set shard=I/N``: one element of a job array (see
        :meth:`map_tasks`).
    declared : dict or None
        The experiment's declared options by name (:func:`psysim.options.declared`; ``{}``
        for an experiment without ``OPTIONS``), read by :meth:`option`.
    figure_formats : tuple of str
        Formats :meth:`save_figure` writes each figure in (``png``, ``svg``, ``pdf``;
        ``--figure-format``).
    dpi : int
        Resolution of raster figures (``--dpi``; vector formats embed images at it).
    """

    name: str
    out: Path
    seed: int = 0
    quick: bool = False
    options: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    datasets: list = field(default_factory=list)
    _timings: dict = field(default_factory=dict)
    lang: str = "en"
    figure_formats: tuple = ("png",)
    dpi: int = FIGURE_DPI
    checkpoint_dir: Path | None = None
    fingerprint: dict | None = None
    shard: tuple | None = None
    _executor: object = None
    _tasks: list = field(default_factory=list)
    declared: dict | None = None

    @property
    def executor(self):
        """The executor the run's options ask for (``--set workers=N``, ``--set
        scheduler=ADDRESS``, ``--set executor=processes``; default serial), made on first use
        and closed when the run ends (:func:`psysim.executor.executor_from_options`)."""
        if self._executor is None:
            self._executor = executor_from_options(self.options)
        return self._executor

    def map_tasks(self, fn, tasks, *, desc: str | None = None, chunk_size: int = 1, progress=None):
        """Run independent tasks on the run's executor, checkpointed in the run's folder.

        :func:`psysim.executor.map_tasks` with this run's executor, root seed, checkpoint
        folder and fingerprint: ``fn(payload, seed)`` for every ``(key, payload)``, results in
        task order, ``seed`` the task's own :class:`numpy.random.SeedSequence` (from the root
        seed and the key). Keys must be unique within the run (prefix them with the stage,
        e.g. ``"fit/cgs/spatial/3/start0"``) and stable, since they address the checkpoints a
        resumed run reloads. ``fn`` must be a module-level function (workers import it).

        With ``shard`` (a job-array element) only this shard's tasks run; when others' are
        missing the run stops here (:class:`ShardIncomplete`) and :func:`execute` reports it.
        """
        res = map_tasks(fn, tasks, executor=self.executor, seed=self.seed, checkpoint_dir=self.checkpoint_dir,
                        fingerprint=self.fingerprint, chunk_size=chunk_size, progress=progress, desc=desc,
                        shard=self.shard)
        self._tasks.append({"stage": desc, "tasks": len(res), "loaded": int(res.loaded),
                            "computed": int(res.computed), "seconds": res.seconds})
        if not res.complete:
            raise ShardIncomplete(desc)
        return res

    def close(self) -> None:
        """Release the executor's workers (a Dask cluster), if one was started."""
        if self._executor is not None:
            ex, self._executor = self._executor, None
            ex.close()

    def seed_for(self, *key) -> np.random.SeedSequence:
        """The seed of the stream named ``key``: :func:`psysim.seeds.derive_seed` of the root
        seed and the key (stable across runs and workers; ``seed_for("a", "b")`` is the seed of
        the executor task ``"a/b"``, so give streams and tasks distinct names)."""
        return derive_seed(self.seed, *key)

    def rng_for(self, *key) -> np.random.Generator:
        return np.random.default_rng(self.seed_for(*key))

    def option(self, key: str, default=None, cast=None):
        """An experiment option.

        With declared ``OPTIONS`` (:mod:`psysim.options`; every run made by :func:`execute`),
        ``ctx.option("key")`` gives the validated value or the declared full/quick default, and
        reading a key the experiment does not declare is an error. ``default`` and ``cast``
        serve only a context built by hand without declarations (``declared=None``): then
        ``default`` is returned when the key is absent and ``cast`` converts strings.
        """
        if self.declared is not None:
            if key in self.declared:
                if key in self.options:
                    return self.declared[key].convert(self.options[key])
                return self.declared[key].default_for(self.quick)
            if key in RUN_OPTIONS:
                return self.options.get(key, default)
            raise KeyError(f"experiment {self.name} reads option {key!r}, which its OPTIONS do not declare")
        if key not in self.options:
            return default
        v = self.options[key]
        if cast is not None and isinstance(v, str):
            try:
                return cast(v)
            except (TypeError, ValueError):
                raise PsysimError(f"option {key}={v!r}: expected {cast.__name__}") from None
        return v

    def use_dataset(self, name: str):
        """Record that the run uses a registered data set (for metadata and the report)."""
        from psysim.data.registry import get_dataset

        ds = get_dataset(name)
        if ds.name not in [d.name for d in self.datasets]:
            self.datasets.append(ds)
        return ds

    def write_table(self, df: pd.DataFrame, name: str) -> Path:
        """Write a CSV table into the run folder (floats with 10 significant digits)."""
        path = self.out / name
        df.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")
        return path

    def save_figure(self, fig, name: str) -> Path:
        """Save a figure in every format of :attr:`figure_formats` (``name``'s suffix is
        replaced), byte-reproducibly (no dates or tool versions in the files); returns the
        first file written."""
        import matplotlib

        stem = Path(name).stem
        paths = []
        with matplotlib.rc_context({"svg.hashsalt": "psysim", "svg.fonttype": "path", "pdf.fonttype": 42}):
            for fmt in self.figure_formats:
                path = self.out / f"{stem}.{fmt}"
                fig.savefig(path, format=fmt, dpi=self.dpi, bbox_inches="tight", metadata=_FIGURE_METADATA[fmt])
                paths.append(path)
        return paths[0]

    def timer(self, label: str):
        return _Timer(self._timings, label)


def figure_settings(formats=None, dpi=None) -> tuple[tuple, int]:
    """``(formats, dpi)`` checked: formats from ``"png,svg,pdf"`` or a sequence, dpi 50-1200."""
    if formats is None:
        fmts = ("png",)
    else:
        items = formats.split(",") if isinstance(formats, str) else list(formats)
        fmts = tuple(dict.fromkeys(f.strip().lower().lstrip(".") for f in items if f.strip()))
        bad = [f for f in fmts if f not in FIGURE_FORMATS]
        if bad or not fmts:
            raise PsysimError(f"--figure-format {formats!r}: expected a comma-separated list of {', '.join(FIGURE_FORMATS)}")
    if dpi is None:
        dpi = FIGURE_DPI
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 50 <= dpi <= 1200:
        raise PsysimError(f"--dpi {dpi!r}: expected a whole number from 50 to 1200")
    return fmts, dpi


class ShardIncomplete(Exception):
    """Raised by :meth:`RunContext.map_tasks` in a job-array element (``shard``) when other
    shards' tasks are not finished yet: the element's work is done."""


# RUN_OPTIONS (psysim.options) are left out of the checkpoint fingerprint, so an interrupted run
# may resume on another executor.


def run_fingerprint(name: str, quick: bool, options: dict) -> dict:
    """What a run computes, for its checkpoint manifest (the seed is stored beside it)."""
    import psysim

    return {
        "experiment": name,
        "quick": bool(quick),
        "options": {str(k): str(v) for k, v in sorted(options.items()) if k not in RUN_OPTIONS},
        "psysim": psysim.__version__,
    }


def parse_shard(text) -> tuple[int, int] | None:
    """``"I/N"`` -> ``(I, N)`` (``--set shard=I/N``); None for None."""
    if text is None:
        return None
    try:
        i, n = (int(v) for v in str(text).split("/"))
    except ValueError:
        raise PsysimError(f"option shard={text!r}: expected I/N such as 3/10") from None
    if n < 1 or not 0 <= i < n:
        raise PsysimError(f"option shard={text!r}: need N >= 1 and 0 <= I < N")
    return i, n


class _Timer:
    def __init__(self, store, label):
        self.store, self.label = store, label

    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.store[self.label] = round(time.perf_counter() - self.t0, 3)


def default_out(name: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{name}-{stamp}"


def execute(experiment, out=None, seed: int = 0, quick: bool = False, options=None, force: bool = False,
            lang: str = "en", figure_formats=None, dpi: int | None = None) -> Path | None:
    """Run an experiment module into a run folder, atomically and resumably.

    Parameters
    ----------
    experiment : module
        Defines ``NAME`` and ``run(ctx)``.
    out : path, optional
        Run folder (default ``runs/NAME-YYYYmmdd-HHMMSS``). It must not exist unless ``force``.
        The run is built in ``.OUT.partial/`` beside it; an interrupted run that had finished
        executor tasks keeps that folder, and the same call resumes from it.
    seed, quick, options, lang
        See :class:`RunContext`. ``options`` may hold :data:`RUN_OPTIONS` (``workers``,
        ``scheduler``, ``executor``, ``shard``) for experiments that use
        :meth:`RunContext.map_tasks`.
    force : bool
        Replace an existing run folder that psysim wrote (or an empty folder) and discard an
        interrupted run's checkpoints; any other existing ``out`` is refused
        (:func:`psysim.paths.check_output`).
    figure_formats, dpi
        Formats and resolution of the figure files (:func:`figure_settings`; default PNG at
        110 dpi). They do not change what is computed, so a run resumes across them.

    Returns
    -------
    Path or None
        The finished run folder; None for a job-array element (``shard``), which only fills
        the checkpoints.
    """
    from psysim.i18n import check_lang, check_report_language

    check_lang(lang)
    check_report_language(experiment, lang)  # an experiment without a Japanese report says so, before any work
    seed = check_seed(seed)  # before any folder is made
    figure_formats, dpi = figure_settings(figure_formats, dpi)
    # unknown / out-of-range keys are refused before any work; the run sees (and metadata.json
    # records) every declared option with its value: the declared default or the one given
    options = resolve_options(experiment, dict(options or {}), quick=bool(quick))
    shard = parse_shard(options.get("shard"))
    if shard is not None:  # (validate_options accepts shard only where USES_EXECUTOR)
        if force:
            raise PsysimError("--force with shard= would delete the other shards' results; remove the folder yourself")
        if out is None:
            raise PsysimError("option shard: give --out, the same for every shard")
    executor_settings(options)  # a bad workers= / executor= is refused before any folder is made
    out = check_output(out if out is not None else default_out(experiment.NAME), force=force, kind="run")
    parent = out.parent if str(out.parent) else Path(".")
    made = [p for p in (parent, *parent.parents) if not os.path.lexists(p)]  # removed again if the run fails
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PsysimError(f"cannot write the run folder in {parent}: {exc.strerror}") from None
    run = ResumableRun(out, force=force)
    fingerprint = run_fingerprint(experiment.NAME, quick, options)
    run.start()  # (--force: deletes an interrupted run's folder first)
    if shard is None and not run.has_results():
        (run.checkpoints / "manifest.json").unlink(missing_ok=True)  # nothing to keep: start afresh
    Checkpoints(run.checkpoints, int(seed), fingerprint)  # refuses another run's checkpoints, keeps them
    n_done = len(list(run.checkpoints.glob("*" + SUFFIX)))
    if run.resuming and n_done:
        print(f"psysim: resuming from {run.path} ({n_done} checkpoint file(s))", file=sys.stderr)
    if shard is not None:
        work = Path(tempfile.mkdtemp(prefix=".shard-", dir=run.path))  # private: shards run at once
    else:
        work = run.path
        for p in work.iterdir():  # what an interrupted run had written, but its checkpoints
            if p.name != run.checkpoints.name:
                shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
    ctx = RunContext(name=experiment.NAME, out=work, seed=int(seed), quick=bool(quick), options=options, lang=lang,
                     figure_formats=figure_formats, dpi=dpi,
                     checkpoint_dir=run.checkpoints, fingerprint=fingerprint, shard=shard,
                     declared=declared(experiment) or {})
    t0 = time.perf_counter()
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    try:
        try:
            experiment.run(ctx)
        except ShardIncomplete:
            done = sum(t["computed"] for t in ctx._tasks)
            print(f"shard {shard[0]}/{shard[1]}: {done} task(s) computed into {run.checkpoints}; when every shard "
                  f"is done, run the same command without shard= to write {out}")
            return None
        if shard is not None:
            print(f"shard {shard[0]}/{shard[1]}: every task is done; run the same command without shard= to write {out}")
            return None
        meta = {
            "experiment": experiment.NAME,
            "seed": int(seed),
            "quick": bool(quick),
            "options": ctx.options,
            "lang": ctx.lang,
            "figures": {"formats": list(figure_formats), "dpi": dpi},
            "started": started,
            "seconds": round(time.perf_counter() - t0, 3),
            "timings": ctx._timings,
            "versions": library_versions(),
            "data_sources": [
                {"name": d.name, "citation": d.citation, "licence": d.licence, "source": d.source_url} for d in ctx.datasets
            ],
        }
        if ctx._tasks:
            meta["executor"] = ctx._executor.describe() if ctx._executor is not None else None
            meta["tasks"] = ctx._tasks
        meta.update(ctx.metadata)
        # the declared tables, read back as `psysim report` reads them; their row counts let it
        # notice a table cut at a line boundary
        tables = check_run_tables(work, declared_tables(experiment))
        meta["tables"] = {name: len(df) for name, df in tables.items()}
        meta["files"] = output_files(work, skip=(run.checkpoints.name,))  # what --force may replace later
        atomic_write_text(work / "metadata.json", json.dumps(meta, indent=2, default=str) + "\n")
    except BaseException as exc:
        if shard is None:
            if not run.has_results():
                run.discard()  # nothing to resume from: leave nothing behind
                _remove_empty(made)
            elif not isinstance(exc, PsysimError):  # (a PsysimError is reported in one line)
                print(f"psysim: {run.path} keeps the finished tasks; run the same command again "
                      f"(--out {out}) to resume", file=sys.stderr)
        raise
    finally:
        ctx.close()
        if shard is not None:
            shutil.rmtree(work, ignore_errors=True)
    return run.finish()


def _remove_empty(folders) -> None:
    """Remove the folders (deepest first) that ``execute`` made, where they are still empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def list_experiments() -> dict:
    """Experiment modules found in ``psysim.experiments`` (the top-level ``experiments/``),
    keyed by their ``NAME``."""
    import importlib
    import pkgutil

    import psysim.experiments as pkg

    found = {}
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"psysim.experiments.{info.name}")
        if hasattr(mod, "NAME") and hasattr(mod, "run"):
            found[mod.NAME] = mod
    return found


def get_experiment(name: str):
    exps = list_experiments()
    key = name.replace("_", "-")
    if key not in exps:
        raise PsysimError(f"unknown experiment {name!r}{did_you_mean(key, exps)}; known experiments: {', '.join(exps)}")
    return exps[key]
