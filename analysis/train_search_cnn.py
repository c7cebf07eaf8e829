"""Train the small network shipped with psysim: ``psysim/networks/checkpoints/gapcnn_feature.pt``.

A :class:`~psysim.networks.GapCNN` (three 3x3 convolution blocks of 16, 32, 32 channels, one
2x2 max pooling, so the CAM is computed on a 64 x 64 map of a 128 x 128 image) learns whether a
feature-search display (red vertical bar among green vertical bars, Wolfe et al. 2010 RVvGV)
holds the target. Training uses only psysim-generated displays, with mixed set sizes and the
augmentation of :func:`psysim.networks.augment`; the held-out accuracy and pointing game are
stored in the checkpoint's metadata.

Run (a few minutes on two CPU cores)::

    python -m psysim.analysis.train_search_cnn [--out PATH] [--epochs 5] [--seed 0]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from psysim.networks import (
    class_activation_maps,
    energy_pointing,
    evaluate,
    make_search_images,
    pointing_game,
    save_checkpoint,
    seeded_network,
    target_box_array,
    train_network,
)

SET_SIZES = (3, 6, 12, 18, 24)
IMAGE_SIZE = 128
ARCH = "gapcnn"
CONFIG = {"channels": (16, 32, 32), "pool_after": (0,)}
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "psysim" / "networks" / "checkpoints" / "gapcnn_feature.pt"


def held_out_scores(model, seed: int, n_per_cell: int = 40) -> dict:
    """Accuracy and localisation on fresh feature displays (seed not used in training)."""
    test = make_search_images(("feature",), SET_SIZES, n_per_cell, IMAGE_SIZE, seed=seed)
    acc = float(evaluate(model, test)["correct"].mean())
    present = test.subset(test.table["target_present"].to_numpy())
    boxes = target_box_array(present.displays, present.table["display_id"], IMAGE_SIZE)
    out = {"test_seed": seed, "test_accuracy": acc, "test_n": len(test)}
    for method in ("cam", "gradcam"):
        maps = class_activation_maps(model, present.tensor(), target=1, method=method).maps
        out[f"pointing_game_{method}"] = float(pointing_game(maps, boxes).mean())
        out[f"energy_pointing_{method}"] = float(energy_pointing(maps, boxes).mean())
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--n-per-cell", type=int, default=120)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    train = make_search_images(("feature",), SET_SIZES, args.n_per_cell, IMAGE_SIZE, seed=args.seed + 1)
    val = make_search_images(("feature",), SET_SIZES, max(10, args.n_per_cell // 4), IMAGE_SIZE, seed=args.seed + 2)
    model = seeded_network(ARCH, seed=args.seed, **CONFIG)
    meta = {
        "image_size": [IMAGE_SIZE, IMAGE_SIZE],
        "tasks": ["feature"],
        "set_sizes": list(SET_SIZES),
        "train_displays": len(train),
        "display_seeds": {"train": args.seed + 1, "val": args.seed + 2},
        "seed": args.seed,
        "script": "analysis/train_search_cnn.py",
    }
    result = train_network(model, train, val, epochs=args.epochs, batch_size=64, lr=3e-3, patience=3,
                           augmentation={}, seed=args.seed)
    scores = held_out_scores(model, seed=args.seed + 3)
    meta.update(best_epoch=result.best_epoch, train_seconds=round(time.perf_counter() - t0, 1), **scores)
    path = save_checkpoint(args.out, model, meta)
    print(result.history.to_string(index=False))
    print({k: meta[k] for k in scores})
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
