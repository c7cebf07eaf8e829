"""Grad-CAM speed and memory: psysim against torchcam, under the benchmark protocol.

The workload: Grad-CAM of 64 search displays of 128 x 128 px through the MBConv network
(:class:`psysim.networks.MBConvNet`, width 1, depth 1, random weights), last feature map
(``features``), one target class per image. Both sides run on the same model, layer, images and
targets, in **the same memory format** (two rows: contiguous NCHW for both, and channels-last
for both), so the comparison measures the CAM code, not the layout:

- psysim: one :func:`~psysim.networks.class_activation_maps` call for the batch (includes hook
  registration and removal, mode save/restore, bilinear upsampling to 128 x 128 and
  normalisation; ``channels_last`` set to match the row);
- torchcam: ``torchcam.methods.GradCAM`` created once *outside* the timing (favourable to
  torchcam), then per call a forward pass and the extractor call with the class indices (maps left
  at the layer resolution, also favourable to torchcam);
- a third row: psysim batched against psysim one image at a time.

Memory: resident set size (RSS, from ``/proc/self/statm``) over 1,000 consecutive psysim
Grad-CAM calls (4 images of 64 px each by default), with hook and live-tensor counts.

Run::

    python benchmarks/bench_cam.py [--threads 1] [--repeats 7] [--calls 1000] [--json out.json]
    python benchmarks/bench_cam.py --quick          # fewer rounds and memory calls (run_all)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import protocol  # noqa: E402,I001  (first: fixes the thread counts before torch loads)

import argparse  # noqa: E402
import gc  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402

from psysim.networks import MBConvNet, class_activation_maps, make_search_images, n_hooks  # noqa: E402


def _rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _live_tensors() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if torch.is_tensor(o))


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description="Grad-CAM benchmark: psysim vs torchcam, same memory format")
    p.add_argument("--threads", type=int, default=protocol.THREADS)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--size", type=int, default=128)
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--calls", type=int, default=1000, help="calls in the memory test")
    p.add_argument("--mem-batch", type=int, default=4, help="images per call in the memory test")
    p.add_argument("--mem-size", type=int, default=64, help="image size (px) in the memory test")
    p.add_argument("--quick", action="store_true", help="3 rounds, 200 memory calls")
    p.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = p.parse_args(argv)
    if args.quick:
        args.repeats, args.calls = 3, 200
    protocol.set_torch_threads(args.threads)

    torch.manual_seed(0)
    model = MBConvNet().eval()
    data = make_search_images(("feature", "conjunction"), (6, 12), n_per_cell=max(1, args.batch // 8), size=args.size, seed=0)
    x = data.tensor()[: args.batch].contiguous()
    x_cl = x.contiguous(memory_format=torch.channels_last)
    targets = data.labels[: args.batch].tolist()
    n = len(x)
    common = dict(baseline_items=n, items=n, unit="images", repeats=args.repeats, threads=args.threads)
    results, record = [], {"batch": n, "size": args.size}

    def ours(images, cl):
        return lambda: class_activation_maps(model, images, target=targets, method="gradcam", layer="features",
                                             channels_last=cl)

    def ours_serial():
        for i in range(n):
            class_activation_maps(model, x_cl[i : i + 1], target=targets[i], method="gradcam", layer="features")

    try:
        import torchcam
        from torchcam.methods import GradCAM
    except ImportError:
        GradCAM = None
        print("torchcam not installed: pip install torchcam (comparison skipped)")
    if GradCAM is not None:
        extractor = GradCAM(model, "features", input_shape=(3, args.size, args.size))

        def theirs(images):
            return lambda: extractor(class_idx=targets, scores=model(images))

        # the two agree on the timed batch (raw maps, before either side's normalisation)
        theirs_raw = extractor(class_idx=targets, scores=model(x), normalized=False)[0]
        record["max_abs_diff_vs_torchcam"] = float((ours(x, False)().raw - theirs_raw).abs().max())
        name = f"torchcam {torchcam.__version__}"
        results.append(protocol.compare(f"Grad-CAM {n} x {args.size} px, NCHW both", ours(x, False), theirs(x),
                                        baseline_name=name, **common))
        results.append(protocol.compare(f"Grad-CAM {n} x {args.size} px, NHWC both", ours(x_cl, True), theirs(x_cl),
                                        baseline_name=name, **common))
        extractor.remove_hooks()
    results.append(protocol.compare(f"Grad-CAM {n} x {args.size} px, batch vs 1-by-1", ours(x_cl, True), ours_serial,
                                    baseline_name="psysim one at a time", **common))

    # memory over many calls
    xm = torch.nn.functional.interpolate(x[: args.mem_batch], size=(args.mem_size, args.mem_size), mode="bilinear")
    tm = targets[: args.mem_batch]
    for _ in range(20):
        class_activation_maps(model, xm, target=tm)
    tensors0, rss0 = _live_tensors(), _rss_mib()
    trace = []
    t0 = time.perf_counter()
    for k in range(args.calls):
        class_activation_maps(model, xm, target=tm)
        if (k + 1) % max(1, args.calls // 10) == 0:
            trace.append(round(_rss_mib(), 1))
    record["memory"] = dict(
        calls=args.calls, batch=len(xm), size=args.mem_size, seconds=round(time.perf_counter() - t0, 1),
        rss_before_mib=round(rss0, 1), rss_trace_mib=trace, rss_growth_mib=round(trace[-1] - rss0, 1) if trace else 0.0,
        live_tensors_before=tensors0, live_tensors_after=_live_tensors(), hooks_after=n_hooks(model))
    doc = protocol.finish(results, args.json, **record)
    if "max_abs_diff_vs_torchcam" in record:
        print(f"max |psysim - torchcam| raw map difference: {record['max_abs_diff_vs_torchcam']:.2e}")
    m = record["memory"]
    print(f"memory: {m['calls']} calls of {m['batch']} images of {m['size']} px: RSS {m['rss_before_mib']} MiB -> "
          f"{trace} MiB (growth {m['rss_growth_mib']} MiB); live tensors {tensors0} -> {m['live_tensors_after']}; "
          f"hooks left {m['hooks_after']}")
    return doc


if __name__ == "__main__":
    main()
