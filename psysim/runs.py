"""Run folders: what ``psysim run`` writes, written so that nothing is ever half there.

A run is written into a hidden temporary folder beside the requested one and renamed into
place only when the experiment has finished (``os.replace`` of a directory is atomic on one
file system). An experiment that fails leaves no run folder behind. Single files are written
the same way (:func:`atomic_write_text`).

``metadata.json`` records the experiment, its options, the seed, psysim and library versions,
timings and the data sources used.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from psysim.errors import PsysimError


def _umask_mode() -> int:
    """Permissions a plain ``open()`` would give a new file (0o666 less the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_text(path, text: str, encoding: str = "utf-8") -> Path:
    """Write a text file atomically: a temporary file in the same folder, then a rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
        os.chmod(tmp, _umask_mode())  # mkstemp makes 0600 files; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write a binary file atomically (temporary file in the same folder, then rename)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent if str(path.parent) else ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _umask_mode())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


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


def derive_seed(root: int, *key) -> np.random.SeedSequence:
    """A SeedSequence from a root seed and a key such as ``("fit", "conjunction", 3)``.

    The key is hashed with CRC-32 (stable across Python processes, unlike ``hash``), so the
    same root seed and key give the same stream on any worker.
    """
    return np.random.SeedSequence([int(root), *(zlib.crc32(str(k).encode("utf-8")) for k in key)])


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
        Extra experiment options (``--set key=value`` on the command line).
    lang : str
        Language of the report, table headers and figure labels: ``"en"`` or ``"ja"``
        (``--lang``; see :mod:`psysim.i18n`). Data files are written in one vocabulary
        whatever the language.
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

    def seed_for(self, *key) -> np.random.SeedSequence:
        """A seed derived from the root seed and a key (stable across runs and workers)."""
        return derive_seed(self.seed, *key)

    def rng_for(self, *key) -> np.random.Generator:
        return np.random.default_rng(self.seed_for(*key))

    def option(self, key: str, default=None, cast=None):
        """An experiment option with a default; ``cast`` converts strings from the CLI."""
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
        path = self.out / name
        fig.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None})
        return path

    def timer(self, label: str):
        return _Timer(self._timings, label)


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


def execute(experiment, out=None, seed: int = 0, quick: bool = False, options=None, force: bool = False, lang: str = "en") -> Path:
    """Run an experiment module into a run folder, atomically.

    Parameters
    ----------
    experiment : module
        Defines ``NAME`` and ``run(ctx)``.
    out : path, optional
        Run folder (default ``runs/NAME-YYYYmmdd-HHMMSS``). It must not exist unless ``force``.
    seed, quick, options, lang
        See :class:`RunContext`.

    Returns
    -------
    Path
        The finished run folder.
    """
    from psysim.i18n import check_lang

    check_lang(lang)
    out = Path(out) if out is not None else default_out(experiment.NAME)
    if out.exists() and not force:
        raise PsysimError(f"output folder {out} already exists; choose another --out or pass --force")
    parent = out.parent if str(out.parent) else Path(".")
    for above in (parent, *parent.parents):
        if above.exists():
            if not above.is_dir():
                raise PsysimError(f"cannot write the run folder in {parent}: {above} is a file, not a folder")
            break
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=parent))
    except OSError as exc:
        raise PsysimError(f"cannot write the run folder in {parent}: {exc.strerror}") from None
    ctx = RunContext(name=experiment.NAME, out=tmp, seed=int(seed), quick=bool(quick), options=dict(options or {}), lang=lang)
    t0 = time.perf_counter()
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    try:
        experiment.run(ctx)
        meta = {
            "experiment": experiment.NAME,
            "seed": int(seed),
            "quick": bool(quick),
            "options": ctx.options,
            "lang": ctx.lang,
            "started": started,
            "seconds": round(time.perf_counter() - t0, 3),
            "timings": ctx._timings,
            "versions": library_versions(),
            "data_sources": [
                {"name": d.name, "citation": d.citation, "licence": d.licence, "source": d.source_url} for d in ctx.datasets
            ],
            **ctx.metadata,
        }
        atomic_write_text(tmp / "metadata.json", json.dumps(meta, indent=2, default=str) + "\n")
        os.chmod(tmp, _umask_mode() | 0o111)  # mkdtemp makes 0700 folders
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


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
        raise PsysimError(f"unknown experiment {name!r}; known experiments: {', '.join(exps)}")
    return exps[key]
