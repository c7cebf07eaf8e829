"""Speed and memory of the Itti-Koch saliency model, under the benchmark protocol.

Rows (each an interleaved A/B comparison in this run, threads fixed by the protocol):

1. one 640x480 photograph (an EToCVD image if the data folder is present, else a synthetic one):
   ``IttiKoch.saliency_map`` against the literal reference (``psysim.saliency.reference``: one map
   at a time, as the paper writes it). Issue 21's target: >= 20x, about 8 ms per image on an
   idle core. No Python peer is a package on the index (pySaliencyMap is a repository, not a
   package), so the baseline is the in-repo reference.
2. a batch of 256x256 rendered search displays in one call against the same images one at a
   time (target: >= 2x per image).

And, not as A/B: the peak memory of one call at 1920x1080 and 3840x2160 (``tracemalloc`` peak and
the growth of the peak resident set size, each in a fresh subprocess so that earlier runs do
not hide it; targets 100 MB and 300 MB).

The fast side uses the compiled kernels of :mod:`psysim.saliency.jit` when numba is installed
(``pip install -e ".[fast]"``; the JSON records ``jit``), the numpy kernels otherwise
(``PSYSIM_NO_JIT=1`` forces them). On a shared machine time by CPU (``--clock cpu``: this
process's CPU time, blind to waiting for a core) and read the load in each row.

Run (one idle core)::

    OMP_NUM_THREADS=1 taskset -c 1 python benchmarks/bench_saliency.py [--repeats 15] [--json out.json]
    taskset -c 1 python benchmarks/bench_saliency.py --clock cpu     # on a busy machine
    python benchmarks/bench_saliency.py --quick      # fewer rounds, no 4K memory (run_all)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import protocol  # noqa: E402,I001  (first: fixes the thread counts before numpy loads)

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402

import numpy as np  # noqa: E402


def _photo(h: int, w: int) -> np.ndarray:
    from PIL import Image

    from psysim.resources import data_dir

    try:
        path = data_dir() / "fixations" / "etocvd" / "stimuli" / "apples.jpeg"
        with Image.open(path) as im:
            return np.asarray(im.convert("RGB").resize((w, h), Image.BILINEAR))
    except Exception:  # no data folder: a synthetic colourful image
        from scipy import ndimage

        rng = np.random.default_rng(0)
        img = ndimage.gaussian_filter(rng.random((h, w, 3)), (6, 6, 0))
        img = (img - img.min()) / (img.max() - img.min())
        return (img * 255).astype(np.uint8)


_MEMORY_CHILD = r"""
import sys, tracemalloc, json
import numpy as np
from psysim.saliency import IttiKoch
h, w = int(sys.argv[1]), int(sys.argv[2])
sys.path.insert(0, sys.argv[3])
from bench_saliency import _photo

def status(key):  # kB -> MB; VmHWM is this process's peak RSS (reset at exec, unlike ru_maxrss)
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024

img = _photo(h, w)
model = IttiKoch()
model.saliency_map(img[:64, :64])  # import-time and cache allocations out of the way
before, hwm0 = status("VmRSS"), status("VmHWM")
tracemalloc.start()
model.saliency_map(img)
_, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
hwm1 = status("VmHWM")
print(json.dumps({"tracemalloc_peak_mb": peak / 2**20, "rss_growth_mb": hwm1 - before, "rss_before_mb": before,
                  "peak_raised": hwm1 > hwm0, "rss_peak_mb": hwm1, "input_mb": img.nbytes / 2**20}))
"""


def memory(h: int, w: int) -> dict:
    out = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, str(h), str(w), os.path.dirname(os.path.abspath(__file__))],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--quick", action="store_true", help="3 rounds; memory at 1920x1080 only")
    ap.add_argument("--json", default=None, help="also write the results to this JSON file")
    ap.add_argument("--clock", choices=sorted(protocol.CLOCKS), default="wall",
                    help="wall clock, or this process's CPU time (for a busy machine)")
    args = ap.parse_args(argv)
    repeats = 3 if args.quick else args.repeats

    from psysim.displays import make_displays, render
    from psysim.saliency import IttiKoch
    from psysim.saliency.reference import ref_saliency

    model = IttiKoch()
    img = _photo(480, 640)
    results = [protocol.compare("Itti-Koch 640x480, one image", lambda: model.saliency_map(img),
                                lambda: ref_saliency(img), baseline_name="literal reference", unit="images",
                                repeats=repeats, max_warmup=4, clock=args.clock)]
    ds = make_displays(("feature", "conjunction"), (6, 18), 4 if args.quick else 16, seed=0)
    disp = render(ds, size=256)
    n = len(disp)
    results.append(protocol.compare(f"Itti-Koch 256x256, batch of {n}", lambda: model.saliency_map(disp),
                                    lambda: [model.saliency_map(d) for d in disp], baseline_name="one at a time",
                                    items=n, unit="images", repeats=repeats, max_warmup=4, clock=args.clock))
    from psysim.saliency import jit
    from psysim.saliency import model as model_module

    record = {"cpu_affinity": sorted(os.sched_getaffinity(0)), "jit": bool(jit.AVAILABLE and model_module.JIT),
              "targets": {"vs_reference": ">= 20x", "ms_640x480": "<= 8 ms on an idle core", "batch": ">= 2x",
                          "memory_1920x1080_mb": 100, "memory_3840x2160_mb": 300}}
    sizes = [(1080, 1920)] if args.quick else [(1080, 1920), (2160, 3840)]
    for h, w in sizes:
        record[f"memory_{w}x{h}"] = memory(h, w)
    doc = protocol.finish(results, args.json, **record)
    print(f"Itti-Koch 640x480: {results[0].per_item_ms('psysim'):.1f} ms per image ({args.clock} clock, median of "
          f"{repeats}, {results[0].threads} thread(s), compiled kernels: {record['jit']}, load {results[0].load_before:.1f})")
    for h, w in sizes:
        m = record[f"memory_{w}x{h}"]
        print(f"memory {w}x{h}: tracemalloc peak {m['tracemalloc_peak_mb']:.0f} MB, peak RSS growth during the call "
              f"{m['rss_growth_mb']:.0f} MB (process peak RSS {m['rss_peak_mb']:.0f} MB)")
    return doc


if __name__ == "__main__":
    main()
