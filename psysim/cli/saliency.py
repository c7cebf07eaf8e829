"""``psysim saliency IMAGE... --out DIR``: Itti-Koch saliency maps and scanpaths of images.

For each image ``NAME.ext`` it writes, into ``DIR``:

- ``NAME_saliency.npy``: the raw saliency map at scale 4 (float32, 1/16 of the image size);
- ``NAME_overlay.png``: the image with the map (upsampled, colour-coded) and the scanpath drawn
  on it (numbered fixations, FOA circles);
- ``NAME_scanpath.csv``: fixation, x, y (image pixels), onset_ms, duration_ms, saliency.

All images are read and computed before anything is written; the files are written into a
temporary folder inside ``DIR`` and moved into place at the end, so a bad image (reported in one
line, exit code 2) leaves ``DIR`` as it was. Files of these names already in ``DIR`` are
replaced only with ``--force`` (:func:`psysim.paths.check_output`).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from psysim.errors import PsysimError


def add_parser(sub):
    p = sub.add_parser("saliency", help="Itti-Koch saliency maps and scanpaths of images")
    p.add_argument("images", nargs="+", type=Path, metavar="IMAGE", help="image files (PNG, JPEG, TIFF, .npy, ...)")
    p.add_argument("--out", type=Path, required=True, help="folder to write the maps, overlays and scanpaths")
    p.add_argument("--fixations", type=int, default=10, help="number of attention shifts (default 10)")
    p.add_argument(
        "--normalization",
        choices=("maxnorm", "iterative"),
        default="maxnorm",
        help="N(.) of Itti et al. 1998 (default) or the iterative DoG of Itti & Koch 2001",
    )
    p.add_argument(
        "--on-off",
        action="store_true",
        help="keep on- and off-centre intensity/colour maps apart (Frintrop 2005; not in the 1998 paper)",
    )
    p.add_argument("--force", action="store_true", help="replace maps, overlays and scanpaths already in --out")
    p.set_defaults(func=main)


def overlay(rgb: np.ndarray, smap_full: np.ndarray, path_df, radius: float) -> np.ndarray:
    """The image (float RGB) blended with a heat map of the saliency and the scanpath drawn."""
    from PIL import Image, ImageDraw

    img = np.clip(rgb / max(float(rgb.max()), 1e-12), 0, 1)
    s = smap_full / smap_full.max() if smap_full.max() > 0 else smap_full
    heat = np.stack([np.clip(2 * s, 0, 1), np.clip(2 * s - 1, 0, 1), np.zeros_like(s)], axis=-1)
    alpha = 0.6 * s[..., None]
    blend = (0.55 * img) * (1 - alpha) + heat * alpha
    im = Image.fromarray(np.round(blend * 255).astype(np.uint8))
    draw = ImageDraw.Draw(im)
    pts = list(zip(path_df["x"], path_df["y"]))
    if len(pts) > 1:
        draw.line(pts, fill=(0, 200, 255), width=max(1, im.width // 300))
    for k, (x, y) in enumerate(pts):
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], outline=(255, 255, 255), width=max(1, im.width // 400))
        draw.text((x + 3, y + 3), str(k + 1), fill=(255, 255, 255))
    return np.asarray(im)


def main(args) -> int:
    from PIL import Image

    from psysim.paths import check_output, publish_outputs
    from psysim.saliency import IttiKoch, load_image
    from psysim.saliency.wta import scanpath

    if args.fixations < 1:
        raise PsysimError(f"--fixations {args.fixations}: must be at least 1")
    stems = [p.stem for p in args.images]
    dup = sorted({s for s in stems if stems.count(s) > 1})
    if dup:
        raise PsysimError(f"two input images share the name {dup[0]!r}; their outputs would overwrite each other")
    outputs = [f"{s}{suffix}" for s in stems for suffix in ("_saliency.npy", "_scanpath.csv", "_overlay.png")]
    check_output(args.out, kind="folder", force=args.force, outputs=outputs)
    model = IttiKoch(normalization=args.normalization, on_off=args.on_off)
    results = []
    for path in args.images:  # read and compute everything first: nothing written on error
        rgb = load_image(path)
        res = model.compute(rgb, where=str(path))
        h, w = rgb.shape[:2]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # said below, in one line
            sp = scanpath(res.saliency, image_shape=(h, w), n_fixations=args.fixations)
        if len(sp) == 0:
            print(f"psysim: warning: {path}: the saliency map is zero everywhere (a flat image?); "
                  "its scanpath is empty", file=sys.stderr)
        ov = overlay(rgb, res.upsampled(), sp, min(h, w) / 6.0)
        results.append((path.stem, res.saliency.astype(np.float32), sp, ov))
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".saliency-", dir=args.out))
    try:
        for stem, smap, sp, ov in results:
            np.save(tmp / f"{stem}_saliency.npy", smap)
            sp.to_csv(tmp / f"{stem}_scanpath.csv", index=False, float_format="%.3f")
            Image.fromarray(ov).save(tmp / f"{stem}_overlay.png")
        publish_outputs(tmp, args.out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"wrote saliency maps, overlays and scanpaths of {len(results)} image(s) to {args.out}")
    return 0
