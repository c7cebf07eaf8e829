"""Load a described fixation data set (:mod:`psysim.data.fixation_describe`) as
:class:`~psysim.data.fixations.FixationImage` objects, the shape the EToCVD loader gives.

>>> from psysim.data.fixation_sets import load_described_fixations
>>> data = load_described_fixations("mylab.toml")          # doctest: +SKIP

Every error is one line naming the TOML file (or the CSV file and row) and what is wrong:
an image without fixations, a point outside its image, a map of another size, a fixation of an
image that is not in the images folder.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from psysim.data.fixation_describe import (
    IMAGE_EXTENSIONS,
    FixationDescription,
    read_fixation_description,
)
from psysim.data.fixations import FixationImage
from psysim.errors import DataError


def _description(desc) -> FixationDescription:
    return desc if isinstance(desc, FixationDescription) else read_fixation_description(desc)


def image_files(desc) -> dict[str, Path]:
    """Image name (file stem) -> file, sorted by name, of the description's images folder."""
    desc = _description(desc)
    out: dict[str, Path] = {}
    for p in sorted(desc.images.iterdir()):
        if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS and not p.name.startswith("."):
            if p.stem in out:
                raise DataError(f"{desc.path}: [files] images: two images named {p.stem!r} ({out[p.stem].name}, {p.name})")
            out[p.stem] = p
    if not out:
        raise DataError(f"{desc.path}: [files] images: no images ({', '.join(IMAGE_EXTENSIONS)}) in {desc.images}")
    return out


def fixation_names(desc) -> list[str]:
    """The image names of a described set, sorted."""
    return list(image_files(desc))


def _open(path: Path, where: str, mode: str | None):
    """An image as uint8 in ``mode``; with ``mode=None`` a grey float64 array and its full scale
    (255 for 8-bit images, 65535 for 16-bit ones, the maximum for float images)."""
    from psysim.images import DECODE_ERRORS, first_line, open_image

    with open_image(path, what="a fixation data set", where=f"{where}: {path}") as im:
        try:
            if mode is not None:
                return np.asarray(im.convert(mode))
            if im.mode.startswith("I;16"):
                return np.asarray(im, dtype=np.float64), 65535.0
            if im.mode in ("I", "F"):
                a = np.asarray(im, dtype=np.float64)
                return a, float(a.max())
            return np.asarray(im.convert("L"), dtype=np.float64), 255.0
        except DECODE_ERRORS as exc:
            raise DataError(f"{where}: {path} is not a readable image ({first_line(exc)})") from None


def _map_file(desc: FixationDescription, key: str, folder: Path, name: str, allow_npy: bool) -> Path:
    exts = IMAGE_EXTENSIONS + ((".npy",) if allow_npy else ())
    for ext in exts:
        for cand in (folder / f"{name}{ext}", folder / f"{name}{ext.upper()}"):
            if cand.is_file():
                return cand
    raise DataError(f"{desc.path}: [files] {key}: image {name!r} has no map in {folder} ({name}.png, .jpg, ...)")


def _read_map(desc: FixationDescription, key: str, folder: Path, name: str, shape) -> tuple[np.ndarray, float]:
    """A fixation-point or density map as float64 and its full scale (255 for 8-bit images: the
    values are grey levels; the maximum for ``.npy`` arrays)."""
    path = _map_file(desc, key, folder, name, allow_npy=True)
    where = f"{desc.path}: [files] {key}"
    if path.suffix.lower() == ".npy":
        try:
            m = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise DataError(f"{where}: {path} is not a readable .npy array ({exc})") from None
        if m.ndim != 2 or not np.issubdtype(m.dtype, np.number):
            raise DataError(f"{where}: {path} must hold a 2-D numeric array, got shape {m.shape} {m.dtype}")
        m = m.astype(np.float64)
        scale = float(m.max()) if m.size and np.isfinite(m).all() else 1.0
    else:
        m, scale = _open(path, where, None)
    if m.shape != tuple(shape):
        raise DataError(f"{where}: {path} is {m.shape[1]}x{m.shape[0]} px, its image {name!r} is {shape[1]}x{shape[0]}")
    if not np.isfinite(m).all() or (m < 0).any():
        raise DataError(f"{where}: {path} has negative or non-finite values")
    if m.max() <= 0:
        raise DataError(f"{where}: the map of image {name!r} ({path.name}) is zero everywhere")
    return m, scale


def read_points(desc) -> pd.DataFrame:
    """The point list of a ``points`` description, checked and filtered.

    Returns
    -------
    pandas.DataFrame
        ``image, subject, x, y, row`` (``row``: line of the CSV file, header = line 1), after
        ``min_duration`` and ``exclude_first``.
    """
    desc = _description(desc)
    path, cols, o = desc.fixations, desc.columns, desc.options
    try:
        df = pd.read_csv(path, sep=o["sep"], encoding=o["encoding"], dtype={cols["image"]: str},
                         keep_default_na=False, na_values=[""])
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not {o['encoding']} text ({exc.reason}); set [fixations] encoding in {desc.path}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: not a readable CSV file ({str(exc).splitlines()[0]})") from None
    for key, col in cols.items():
        if col not in df.columns:
            close = __import__("difflib").get_close_matches(col, [str(c) for c in df.columns], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise DataError(f"{desc.path}: [columns] {key}: column {col!r} not in {path.name}{hint}")
    out = pd.DataFrame({"image": df[cols["image"]].astype(str).str.strip(), "row": np.arange(len(df)) + 2})
    out["subject"] = df[cols["subject"]].astype(str) if "subject" in cols else ""
    for key in ("x", "y", "duration", "order"):
        if key not in cols:
            continue
        v = pd.to_numeric(df[cols[key]], errors="coerce")
        bad = v.isna() & df[cols[key]].notna()
        missing = df[cols[key]].isna()
        if bad.any() or missing.any():
            i = int(np.flatnonzero(bad | missing)[0])
            raise DataError(f"{path} row {i + 2}: column {cols[key]!r} ([columns] {key}) is "
                            f"{'empty' if missing.iloc[i] else repr(df[cols[key]].iloc[i])}; expected a number")
        out[key] = v.to_numpy(dtype=np.float64)
    if o["exclude_first"]:  # the first fixation of each observer on each image (before any other filter)
        first = out.groupby(["image", "subject"])["order"].transform("min")
        out = out[out["order"] > first]
    if o["min_duration"] > 0:
        out = out[out["duration"] >= o["min_duration"]]
    return out.reset_index(drop=True)


def _pixel_index(desc: FixationDescription, pts: pd.DataFrame, name: str, shape) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every point of one image; a point outside the image is an error."""
    h, w = shape
    x, y = pts["x"].to_numpy(), pts["y"].to_numpy()
    if desc.options["units"] == "normalised":
        inside = (x >= 0) & (x <= 1) & (y >= 0) & (y <= 1)
        ix, iy = np.minimum(np.floor(x * w), w - 1), np.minimum(np.floor(y * h), h - 1)
        unit = "normalised, 0 to 1"
    else:
        x, y = x - desc.options["first_pixel"], y - desc.options["first_pixel"]
        inside = (x >= 0) & (x < w) & (y >= 0) & (y < h)
        ix, iy = np.floor(x), np.floor(y)
        unit = f"pixels, first pixel {desc.options['first_pixel']}"
    if not inside.all():
        i = int(np.flatnonzero(~inside)[0])
        r = pts.iloc[i]
        raise DataError(f"{desc.fixations} row {int(r['row'])}: point ({r['x']:g}, {r['y']:g}) is outside image "
                        f"{name!r} ({w}x{h} px; [fixations] units: {unit})")
    return iy.astype(int), ix.astype(int)


def _smoothed(counts: np.ndarray, sigma: float) -> np.ndarray:
    from scipy.ndimage import gaussian_filter

    d = gaussian_filter(counts.astype(np.float64), sigma, mode="constant")
    return d / d.max()


def _sample_points(density: np.ndarray, n: int, seed: int, name: str) -> np.ndarray:
    """``n`` pixels drawn with replacement, probability proportional to the density; the stream
    depends on the seed and the image name only (not on which other images are loaded)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(name.encode("utf-8")),)))
    p = density.ravel() / density.sum()
    idx = rng.choice(p.size, size=n, replace=True, p=p)
    mask = np.zeros(density.size, dtype=bool)
    mask[idx] = True
    return mask.reshape(density.shape)


def load_described_fixations(desc, names=None) -> list[FixationImage]:
    """Load a described fixation set.

    Parameters
    ----------
    desc : FixationDescription or path
        The description (a TOML path is read with :func:`read_fixation_description`).
    names : list of str, optional
        Image names (file stems) to load, default all, in this order.

    Returns
    -------
    list of FixationImage
        ``image`` (H, W, 3) uint8, ``fixations`` (H, W) bool, ``density`` (H, W) float64 in
        [0, 1] (grey maps divided by 255, or 65535 when 16-bit, as the EToCVD loader does;
        ``.npy`` arrays and smoothed fixations divided by their maximum). For a ``density`` set with ``points = "none"`` the fixation maps are all
        False (no point-based metric can be computed; see
        :attr:`FixationDescription.skipped_metrics`).
    """
    desc = _description(desc)
    files = image_files(desc)
    names = list(files) if names is None else list(names)
    for n in names:
        if n not in files:
            raise DataError(f"{desc.path}: [files] images: no image named {n!r} in {desc.images}")
    pts = None
    if desc.format == "points":
        pts = read_points(desc)
        unknown = sorted(set(pts["image"]) - set(files) - {p.name for p in files.values()})
        if unknown:
            row = int(pts.loc[pts["image"] == unknown[0], "row"].iloc[0])
            raise DataError(f"{desc.fixations} row {row}: image {unknown[0]!r} ([columns] image) is not in {desc.images}")
        by_name = {p.name: s for s, p in files.items()}
        pts = pts.assign(image=pts["image"].map(lambda v: by_name.get(v, v)))
    out = []
    for name in names:
        where = f"{desc.path}: [files] images"
        img = _open(files[name], where, "RGB")
        shape = img.shape[:2]
        if desc.format == "points":
            mine = pts[pts["image"] == name]
            if mine.empty:
                filt = " left after [fixations] min_duration / exclude_first" if (
                    desc.options["min_duration"] > 0 or desc.options["exclude_first"]) else ""
                raise DataError(f"{desc.path}: [files] fixations: image {name!r} has no fixations in "
                                f"{desc.fixations.name}{filt}")
            iy, ix = _pixel_index(desc, mine, name, shape)
            counts = np.zeros(shape, dtype=np.float64)
            np.add.at(counts, (iy, ix), 1.0)
            fix = counts > 0
        elif desc.format == "maps":
            m, _ = _read_map(desc, "fixations", desc.fixations, name, shape)
            fix = m > desc.options["threshold"]
            if not fix.any():
                raise DataError(f"{desc.path}: [files] fixations: the map of image {name!r} has no pixel above "
                                f"[fixations] threshold = {desc.options['threshold']:g}")
            counts = fix.astype(np.float64)
        else:
            raw, scale = _read_map(desc, "fixations", desc.fixations, name, shape)
            density = raw / scale
            o = desc.options
            if o["points"] == "threshold":
                fix = density >= o["level"] * density.max()
            elif o["points"] == "sample":
                fix = _sample_points(density, o["n_points"], o["seed"], name)
            else:
                fix = np.zeros(shape, dtype=bool)
            out.append(FixationImage(name, img, fix, density))
            continue
        if desc.density is not None:
            raw, scale = _read_map(desc, "density", desc.density, name, shape)
            density = raw / scale
        else:
            density = _smoothed(counts, desc.sigma_px)
        out.append(FixationImage(name, img, fix, density))
    return out
