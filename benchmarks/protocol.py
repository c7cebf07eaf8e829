"""One benchmark protocol for every script in ``benchmarks/``.

Import this module **before numpy or torch** so that the thread counts hold::

    import protocol                      # sets OMP/OpenBLAS/MKL threads (default 1)
    ...
    res = protocol.compare("GS6 set size 18", psysim=fast, baseline=reference,
                           baseline_name="per-trial reference", items=20_000, unit="trials")
    protocol.finish([res], "bench_gs6.json")

The protocol (the one a sceptical reviewer asks for):

- **threads fixed**: ``PSYSIM_BENCH_THREADS`` (default 1) for OpenMP, OpenBLAS, MKL and torch;
  a second row with 2 threads is the caller's choice (``--threads 2``);
- **warm-up until timings settle**: each side is called, alternately, until its last two
  timings differ by less than ``settle`` (relative) or ``max_warmup`` calls are spent;
- **interleaved repeats**: ``A B``, then ``B A``, and so on, so that drift in the machine's load
  falls on both sides alike;
- **median and spread** per side (median, min, max, interquartile range over repeats);
- **ratio with an interval**: baseline time / psysim time per round (both from the same
  round), its median, and a percentile-bootstrap 95 % interval of that median (seeded);
- **load and versions**: the 1-minute load average before and after, CPU count, thread
  setting, and the versions of Python, numpy, torch and psysim, written to a JSON beside the
  printout.

Nothing here is a pass/fail test: the scripts print and record what they measured.
"""

from __future__ import annotations

import os

THREADS = int(os.environ.get("PSYSIM_BENCH_THREADS", "1"))
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_v] = str(THREADS)

import json  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402


def set_torch_threads(n: int = THREADS) -> None:
    """Fix torch's intra-op threads (a no-op without torch)."""
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return
    torch.set_num_threads(n)


def load_average() -> float:
    """The 1-minute load average (NaN where the platform has none)."""
    try:
        return float(os.getloadavg()[0])
    except (OSError, AttributeError):  # pragma: no cover
        return float("nan")


def environment() -> dict:
    """Machine, threads and library versions, for the JSON record."""
    import numpy

    env = {"python": platform.python_version(), "platform": platform.platform(), "machine": platform.machine(),
           "cpus": os.cpu_count(), "threads": THREADS, "numpy": numpy.__version__}
    for mod in ("torch", "scipy", "psysim", "torchcam", "pysaliency"):
        try:
            env[mod] = __import__(mod).__version__
        except Exception:  # noqa: BLE001 - absent peers are simply not recorded
            pass
    return env


CLOCKS = {"wall": "perf_counter", "cpu": "process_time"}
"""``wall``: elapsed time; ``cpu``: this process's CPU time (steadier on a shared machine, but
blind to time spent waiting or in other processes)."""


def _timed(fn: Callable, clock: str = "wall") -> float:
    now = getattr(time, CLOCKS[clock])
    t = now()
    fn()
    return now() - t


def warm_up(fns: list[Callable], settle: float = 0.1, min_calls: int = 2, max_calls: int = 10) -> list[int]:
    """Call each function, alternately, until its last two timings agree within ``settle``.

    Returns the number of warm-up calls each needed.
    """
    last = [[] for _ in fns]
    done = [False] * len(fns)
    for _ in range(max_calls):
        for i, fn in enumerate(fns):
            if not done[i]:
                last[i].append(_timed(fn))
                t = last[i]
                if len(t) >= min_calls and abs(t[-1] - t[-2]) <= settle * min(t[-1], t[-2]):
                    done[i] = True
        if all(done):
            break
    return [len(t) for t in last]


def _spread(v: np.ndarray) -> dict:
    q1, q3 = np.percentile(v, [25, 75])
    return {"median": float(np.median(v)), "min": float(v.min()), "max": float(v.max()), "iqr": float(q3 - q1),
            "n": int(len(v))}


def bootstrap_median_ci(values, n_boot: int = 4000, seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """Percentile-bootstrap interval of the median (Efron & Tibshirani 1993, ch. 13), seeded."""
    v = np.asarray(values, float)
    if len(v) < 2:
        return float(v[0]), float(v[0])
    rng = np.random.default_rng(seed)
    meds = np.median(v[rng.integers(0, len(v), size=(n_boot, len(v)))], axis=1)
    a = (1 - level) / 2
    return float(np.quantile(meds, a)), float(np.quantile(meds, 1 - a))


@dataclass
class Result:
    """One workload measured under the protocol (times in seconds per call)."""

    workload: str
    psysim: dict
    baseline: dict
    baseline_name: str
    ratio: float
    ratio_ci: tuple
    items: int = 1
    unit: str = "calls"
    threads: int = THREADS
    load_before: float = float("nan")
    load_after: float = float("nan")
    warmup_calls: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def throughput(self, side: str = "psysim") -> float:
        """Items per second of one side, from its median time."""
        return self.items / getattr(self, side)["median"]

    def per_item_ms(self, side: str) -> float:
        n = self.items if side == "psysim" else self.extra.get("baseline_items", self.items)
        return getattr(self, side)["median"] * 1e3 / n

    def row(self) -> str:
        lo, hi = self.ratio_ci
        return (f"{self.workload:<46} {self.per_item_ms('psysim'):11.4g} ms {self.per_item_ms('baseline'):11.4g} ms"
                f"  {self.baseline_name[:24]:<24} x{self.ratio:7.2f} [{lo:.2f}, {hi:.2f}]  {self.threads:>2}  "
                f"{self.load_before:4.1f}/{self.load_after:4.1f}")


HEADER = (f"{'workload (time per item)':<46} {'psysim':>13} {'baseline':>14}  {'baseline is':<24} {'ratio [95% CI]':>23}  th"
          "  load")


def compare(workload: str, psysim: Callable, baseline: Callable, *, baseline_name: str, repeats: int = 7,
            items: int = 1, baseline_items: int | None = None, unit: str = "calls", settle: float = 0.1,
            max_warmup: int = 10, seed: int = 0, extra: dict | None = None, threads: int | None = None,
            clock: str = "wall") -> Result:
    """Time ``psysim`` against ``baseline`` under the protocol.

    Parameters
    ----------
    workload : str
        What is measured (one line in the table).
    psysim, baseline : callable
        Zero-argument callables doing the same work (same inputs, same outputs).
    baseline_name : str
        What the baseline is: a peer package and version, or the in-repo reference.
    repeats : int
        Interleaved rounds; the order alternates (A B, B A, ...).
    items : int
        Items (trials, images) per psysim call, for throughput.
    baseline_items : int, optional
        Items per baseline call, where a slow reference does fewer of the same items; the ratio
        is then per item. Default: ``items``.
    seed : int
        Seed of the bootstrap.
    threads : int, optional
        The thread count the caller set (torch), when not the protocol's default.
    clock : {"wall", "cpu"}
        What is timed (:data:`CLOCKS`); recorded in ``extra``.

    Returns
    -------
    Result
        Per-side medians and spread (seconds per call) and the per-item ratio baseline / psysim
        with its bootstrap interval (> 1: psysim is faster).
    """
    load0 = load_average()
    warm = warm_up([psysim, baseline], settle=settle, max_calls=max_warmup)
    ta, tb = [], []
    for r in range(repeats):
        if r % 2 == 0:
            ta.append(_timed(psysim, clock))
            tb.append(_timed(baseline, clock))
        else:
            tb.append(_timed(baseline, clock))
            ta.append(_timed(psysim, clock))
    ta, tb = np.asarray(ta), np.asarray(tb)
    nb = items if baseline_items is None else baseline_items
    ratios = (tb / nb) / (ta / items)
    extra = {**(extra or {}), "baseline_items": nb, "clock": clock}
    return Result(workload=workload, psysim=_spread(ta), baseline=_spread(tb), baseline_name=baseline_name,
                  ratio=float(np.median(ratios)), ratio_ci=bootstrap_median_ci(ratios, seed=seed), items=items,
                  unit=unit, load_before=load0, load_after=load_average(), warmup_calls=warm, extra=extra,
                  threads=THREADS if threads is None else threads)


def print_table(results: list[Result]) -> None:
    """One table: workload, psysim, baseline, ratio [CI], threads, load before/after."""
    print(HEADER)
    for r in results:
        print(r.row())


def finish(results: list[Result], out: str | os.PathLike | None, **record) -> dict:
    """Print the table and write the JSON record (results, environment, anything in ``record``)."""
    print_table(results)
    doc = {"environment": environment(), "results": [asdict(r) for r in results], **record}
    if out:
        Path(out).write_text(json.dumps(doc, indent=2, default=float))
        print(f"recorded in {out}")
    return doc
