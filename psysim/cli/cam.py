"""``psysim cam --image IMG --out DIR``: where does a trained network look? (CAM / Grad-CAM)

For an image ``NAME.ext`` it writes, into ``DIR``:

- ``NAME_<method>_overlay.png``: the image with the normalised map (upsampled, colour-coded)
  blended over it;
- ``NAME_<method>_raw.npy``: the raw map at the layer's resolution (float32);
- ``NAME_<method>.json``: target class, class probabilities, layer and checkpoint.

The network comes from ``--checkpoint`` (a file written by
:func:`psysim.networks.save_checkpoint`; default: the small network shipped with psysim, trained
on feature-search displays). The image is resized to the network's input size for the forward
pass; the overlay keeps the image's own size. Everything is computed before anything is
written, and the files are moved into ``DIR`` from a temporary folder, so an error (one line,
exit code 2) leaves ``DIR`` as it was. Files of these names already in ``DIR`` are replaced only
with ``--force``.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import numpy as np

from psysim.errors import PsysimError


def add_parser(sub):
    p = sub.add_parser("cam", help="CAM / Grad-CAM map of a trained network on an image")
    p.add_argument("--checkpoint", type=Path, default=None, help="network checkpoint (default: psysim's shipped feature-search network)")
    p.add_argument("--image", type=Path, required=True, help="image file (PNG, JPEG, ...)")
    p.add_argument("--target", default=None, help="class name or index of the map (default: the predicted class)")
    p.add_argument("--method", choices=("cam", "gradcam"), default="gradcam", help="CAM (Zhou et al. 2016) or Grad-CAM (Selvaraju et al. 2017)")
    p.add_argument("--layer", default=None, help="layer name (default: the network's last feature map)")
    p.add_argument("--out", type=Path, required=True, help="folder to write the overlay, raw map and summary")
    p.add_argument("--force", action="store_true", help="replace this image's overlay, raw map and summary already in --out")
    p.set_defaults(func=main)


def overlay(rgb: np.ndarray, cam: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    """``rgb`` (H, W, 3 uint8) blended with the jet-coloured map ``cam`` (H, W, values 0..1)."""
    from matplotlib import colormaps

    heat = colormaps["jet"](np.clip(cam, 0, 1))[..., :3]
    out = (1 - alpha) * rgb.astype(np.float64) / 255.0 + alpha * heat
    return np.round(np.clip(out, 0, 1) * 255).astype(np.uint8)


def _target(value, classes):
    if value is None:
        return None
    if value in classes:
        return classes.index(value)
    try:
        t = int(value)
    except ValueError:
        raise PsysimError(f"--target {value!r}: not a class of this network ({', '.join(classes)}) nor an index") from None
    if not 0 <= t < len(classes):
        raise PsysimError(f"--target {t}: class index outside 0..{len(classes) - 1}")
    return t


def main(args) -> int:
    import torch
    from PIL import Image

    from psysim.networks import (
        class_activation_maps,
        load_checkpoint,
        load_image,
        shipped_checkpoint,
    )
    from psysim.paths import check_output, publish_outputs

    stem = f"{args.image.stem}_{args.method}"
    check_output(args.out, kind="folder", force=args.force,
                 outputs=[f"{stem}_overlay.png", f"{stem}_raw.npy", f"{stem}.json"])
    ckpt = args.checkpoint or shipped_checkpoint()
    model, info = load_checkpoint(ckpt)
    classes = list(info.get("classes", []))
    target = _target(args.target, classes)
    size = info.get("meta", {}).get("image_size")
    x = load_image(args.image, size=tuple(size) if size else None)
    original = load_image(args.image)
    h, w = original.shape[-2:]
    with torch.no_grad():
        probs = torch.softmax(model.eval()(x), 1)[0]
    res = class_activation_maps(model, x, target=target, method=args.method, layer=args.layer, size=(h, w))
    t = int(res.targets[0])
    rgb = np.round(original[0].permute(1, 2, 0).numpy() * 255).astype(np.uint8)
    over = overlay(rgb, res.maps[0].numpy())
    summary = {
        "image": str(args.image),
        "checkpoint": str(ckpt),
        "method": args.method,
        "layer": res.layer,
        "target": t,
        "target_class": classes[t] if t < len(classes) else str(t),
        "probabilities": {classes[i] if i < len(classes) else str(i): round(float(p), 6) for i, p in enumerate(probs)},
        "raw_map_shape": list(res.raw.shape[1:]),
    }
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".cam-partial-", dir=args.out))
    except OSError as exc:
        raise PsysimError(f"cannot write into --out {args.out}: {exc.strerror}") from None
    try:
        Image.fromarray(over).save(tmp / f"{stem}_overlay.png")
        np.save(tmp / f"{stem}_raw.npy", res.raw[0].numpy().astype(np.float32))
        (tmp / f"{stem}.json").write_text(json.dumps(summary, indent=2) + "\n")
        publish_outputs(tmp, args.out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{args.method} map of class {summary['target_class']!r} (p = {float(probs[t]):.3f}) written to {args.out}/{stem}_*")
    return 0
