"""Speed and memory of the Itti-Koch saliency model (issue targets: 640x480 <= 25 ms median on
one core; 1920x1080 <= 300 MB peak memory), against the literal reference implementation
measured in the same run.

Run (one core, one thread)::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 taskset -c 1 \
        python benchmarks/bench_saliency.py [--repeat 50] [--json out.json]

Reports, for a 640x480 photograph (an EToCVD image if the data folder is present, else a
synthetic one): median wall-clock and CPU time per image of the fast model (``IttiKoch``), of
the reference (``psysim.saliency.reference``) and their ratio; batched throughput (images/s)
for batches of 640x480 images and of 256x256 rendered search displays; and for 1920x1080 and
3840x2160 images the peak memory of one call, both as the peak of Python/numpy allocations
(``tracemalloc``) and as the growth of the process's peak resident set size, measured in a fresh
subprocess so that earlier runs do not hide it. On a shared machine wall-clock times include
waiting for the CPU; CPU time (``time.thread_time``) does not.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np


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


def _time(fn, repeat: int, warmup: int = 3):
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.thread_time()
        fn()
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - t0)
    return {"median_wall_ms": 1000 * float(np.median(wall)), "min_wall_ms": 1000 * float(np.min(wall)),
            "median_cpu_ms": 1000 * float(np.median(cpu)), "n": repeat}


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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = ap.parse_args(argv)

    from psysim.displays import make_displays, render
    from psysim.saliency import IttiKoch
    from psysim.saliency.reference import ref_saliency

    model = IttiKoch()
    img = _photo(480, 640)
    res = {"cpu_affinity": sorted(os.sched_getaffinity(0)), "load_average": os.getloadavg()}
    res["fast_640x480"] = _time(lambda: model.saliency_map(img), args.repeat)
    res["reference_640x480"] = _time(lambda: ref_saliency(img), max(3, args.repeat // 10), warmup=1)
    res["speedup_vs_reference_cpu"] = res["reference_640x480"]["median_cpu_ms"] / res["fast_640x480"]["median_cpu_ms"]

    batch = np.stack([img] * 16)
    t = _time(lambda: model.saliency_map(batch), max(3, args.repeat // 10), warmup=1)
    res["batch16_640x480"] = {**t, "images_per_s_wall": 16 / (t["median_wall_ms"] / 1000), "images_per_s_cpu": 16 / (t["median_cpu_ms"] / 1000)}
    ds = make_displays(("feature", "conjunction"), (6, 18), 16, seed=0)
    disp = render(ds, size=256)
    t = _time(lambda: model.saliency_map(disp), 5, warmup=1)
    n = len(disp)
    res[f"batch{n}_display_256"] = {**t, "images_per_s_wall": n / (t["median_wall_ms"] / 1000), "images_per_s_cpu": n / (t["median_cpu_ms"] / 1000)}
    t = _time(lambda: [model.saliency_map(d) for d in disp[:16]], 3, warmup=1)
    res["loop16_display_256"] = {**t, "images_per_s_cpu": 16 / (t["median_cpu_ms"] / 1000)}
    img4k = _photo(2160, 3840)
    res["fast_3840x2160"] = _time(lambda: model.saliency_map(img4k), 3, warmup=1)
    res["memory_1920x1080"] = memory(1080, 1920)
    res["memory_3840x2160"] = memory(2160, 3840)

    f = res["fast_640x480"]
    print(f"640x480 fast:      median {f['median_wall_ms']:.1f} ms wall (min {f['min_wall_ms']:.1f}), {f['median_cpu_ms']:.1f} ms CPU (target <= 25 ms)")
    r = res["reference_640x480"]
    print(f"640x480 reference: median {r['median_wall_ms']:.0f} ms wall, {r['median_cpu_ms']:.0f} ms CPU; "
          f"fast is {res['speedup_vs_reference_cpu']:.0f}x faster (CPU time)")
    b = res["batch16_640x480"]
    print(f"batch of 16 640x480: {b['images_per_s_cpu']:.1f} images/s CPU, {b['images_per_s_wall']:.1f} wall")
    b = res[f"batch{n}_display_256"]
    print(f"batch of {n} 256x256 displays: {b['images_per_s_cpu']:.0f} images/s CPU, {b['images_per_s_wall']:.0f} wall; "
          f"one at a time {res['loop16_display_256']['images_per_s_cpu']:.0f} images/s CPU")
    print(f"3840x2160: median {res['fast_3840x2160']['median_wall_ms']:.0f} ms wall, {res['fast_3840x2160']['median_cpu_ms']:.0f} ms CPU")
    for k in ("memory_1920x1080", "memory_3840x2160"):
        m = res[k]
        print(f"{k}: tracemalloc peak {m['tracemalloc_peak_mb']:.0f} MB, peak RSS growth during the call {m['rss_growth_mb']:.0f} MB "
              f"(process peak RSS {m['rss_peak_mb']:.0f} MB incl. {m['rss_before_mb']:.0f} MB of Python, numpy, scipy, input); target <= 300 MB")
    print(f"load average during the run: {res['load_average']}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(res, fh, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
