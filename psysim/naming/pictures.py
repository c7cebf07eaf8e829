"""Picture sets: a folder of images plus a manifest CSV, checked and loaded for naming networks.

Manifest format (UTF-8 CSV, one row per picture; a byte-order mark is accepted):

=============== ============================================================================
column          content
=============== ============================================================================
item            item id (text; e.g. ``001``). Required.
name            the name the network must give (any script; compared after Unicode NFC
                normalisation and whitespace clean-up). Required. One name per item, and
                one item per name.
file            image path relative to the picture folder. Required. Any format Pillow
                reads (PNG, GIF, JPEG, ...); transparency is composited onto white.
version         optional picture version (``line``, ``grey``, ``colour``, ...); an item may
                have several versions, all with the same name.
name_<lang>     optional names in other languages (``name_ja``, ``name_fr``, ...), kept as text.
anything else   optional per-picture human norms; numeric columns are read as numbers.
                psysim's experiments use ``rt`` (naming latency, ms), ``h`` (name agreement
                H, bits), ``pct_modal``, ``familiarity``, ``complexity`` where present
                (:data:`psysim.naming.norms.NORM_COLUMNS`).
=============== ============================================================================

A manifest whose columns have other names (``ItemNo``, ``NamingRT_s``, ``H_stat``, ...) is
read through a picture-set description TOML that maps them (:mod:`psysim.naming.describe`).
Pictures are composited onto white, their white margins cropped to the ink bounding box plus a
small pad (:func:`square_on_white`; ``crop=False`` keeps them), centred on a white square and
resized.

Every problem is reported as one line naming the manifest, the row (line number in the
file, header = line 1) and what was expected.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from psysim.errors import DataError, PsysimError

REQUIRED = ("item", "name", "file")
TEXT_COLUMNS = ("item", "name", "file", "version")


def clean_name(name: str) -> str:
    """Unicode NFC normalisation and collapsed whitespace (so that the same Japanese name typed
    with composed or decomposed kana, or with stray spaces, is one name)."""
    return " ".join(unicodedata.normalize("NFC", str(name)).split())


@dataclass
class PictureSet:
    """Pictures ready for a naming network.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per picture: ``item, name, file, version`` (``version`` is ``"default"`` when
        the manifest has none), other-language names and norms.
    images : torch.Tensor
        ``(N, 3, size, size)`` uint8, each picture padded to a square with white and resized.
    names : tuple of str
        The distinct names, in label order (the network has one output per name).
    labels : torch.Tensor
        ``(N,)`` int64 index into ``names`` of each picture.
    is_colour : torch.Tensor
        ``(N,)`` bool: the picture has chromatic pixels or a ``colour`` version (gets colour
        jitter).
    source : str
        Where the set came from (manifest path or ``builtin``).

    meta : dict
        How the set was prepared (``crop``, ``crop_pad``).
    """

    table: pd.DataFrame
    images: torch.Tensor
    names: tuple
    labels: torch.Tensor
    is_colour: torch.Tensor
    source: str = ""
    meta: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def size(self) -> int:
        return int(self.images.shape[-1])

    def tensor(self, index=None) -> torch.Tensor:
        """Float images in [0, 1]."""
        x = self.images if index is None else self.images[index]
        return x.float().div_(255.0)

    def subset(self, mask) -> PictureSet:
        """The pictures where boolean ``mask`` is true (names and labels unchanged)."""
        m = np.asarray(mask, dtype=bool)
        idx = torch.from_numpy(np.flatnonzero(m))
        return PictureSet(self.table[m].reset_index(drop=True), self.images[idx], self.names, self.labels[idx], self.is_colour[idx], self.source, dict(self.meta))


def _err(where: str, msg: str):
    return DataError(f"{where}: {msg}")


def read_manifest(path) -> pd.DataFrame:
    """Read and check a manifest CSV (no images opened). Returns the table with an extra
    ``_line`` column (line number in the file).

    Parameters
    ----------
    path : str or os.PathLike
        The manifest CSV (UTF-8).

    Returns
    -------
    pandas.DataFrame
        As :func:`check_manifest`.
    """
    path = Path(path)
    return check_manifest(read_manifest_csv(path), where=str(path))


def read_manifest_csv(path) -> pd.DataFrame:
    """Read a manifest CSV as text columns (header names NFC-cleaned), unchecked."""
    path = Path(path)
    if not path.is_file():
        raise _err(str(path), "manifest file not found")
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _err(str(path), f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save the manifest as UTF-8") from None
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise _err(str(path), f"not a readable CSV file ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from None
    df.columns = [clean_name(c) for c in df.columns]
    return df


def check_manifest(df: pd.DataFrame, where: str = "manifest") -> pd.DataFrame:
    """Check a manifest table; returns a cleaned copy (names NFC-normalised, norm columns
    numeric, ``version`` filled, ``_line`` = line number in the file).

    Parameters
    ----------
    df : pandas.DataFrame
        The manifest as read.
    where : str
        Name used in error messages (the file).

    Returns
    -------
    pandas.DataFrame
        The cleaned copy.
    """
    df = df.copy()
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise _err(where, f"missing column(s) {', '.join(missing)}; a manifest needs item, name, file (found: {', '.join(map(str, df.columns))})")
    if len(df) == 0:
        raise _err(where, "no pictures listed")
    if "_line" not in df.columns:
        df["_line"] = np.arange(len(df)) + 2
    for c in TEXT_COLUMNS:
        if c in df.columns:
            df[c] = df[c].map(lambda v: "" if (v is None or (isinstance(v, float) and np.isnan(v))) else clean_name(v))
    if "version" not in df.columns:
        df["version"] = "default"
    df.loc[df["version"] == "", "version"] = "default"
    for c in REQUIRED:
        blank = df[c] == ""
        if blank.any():
            raise _err(where, f"row {int(df['_line'][blank].iloc[0])}: empty '{c}'")
    for c in df.columns:
        if c.startswith("name_"):
            df[c] = df[c].map(lambda v: clean_name(v) if isinstance(v, str) else v)
        elif c not in TEXT_COLUMNS and c != "_line" and (df[c].dtype == object or pd.api.types.is_string_dtype(df[c])):
            vals = df[c].replace("", np.nan)
            num = pd.to_numeric(vals, errors="coerce")
            if num.notna().sum() == vals.notna().sum():
                df[c] = num.astype(float)
    dup = df.duplicated(["item", "version"], keep=False)
    if dup.any():
        d = df[dup]
        first = d.iloc[0]
        lines = d[(d["item"] == first["item"]) & (d["version"] == first["version"])]["_line"].tolist()
        raise _err(where, f"duplicate item id {first['item']!r} (version {first['version']!r}) in rows {', '.join(map(str, lines))}")
    per_item = df.groupby("item", sort=False)["name"].nunique()
    if (per_item > 1).any():
        item = per_item[per_item > 1].index[0]
        rows = df[df["item"] == item]
        desc = ", ".join(f"row {line}: {name!r}" for line, name in zip(rows["_line"], rows["name"]))
        raise _err(where, f"names do not match for item {item!r} ({desc}); every version of an item needs the same name")
    per_name = df.groupby("name", sort=False)["item"].nunique()
    if (per_name > 1).any():
        name = per_name[per_name > 1].index[0]
        items = df[df["name"] == name]["item"].unique().tolist()
        raise _err(where, f"name {name!r} is given to several items ({', '.join(map(repr, items))}); each item needs its own name (add a qualifier)")
    return df.reset_index(drop=True)


INK_THRESHOLD = 16
"""A pixel is ink when some channel is more than this many levels (of 255) below white, after
transparency is composited onto white: anti-aliased edges count, JPEG noise on a white
background does not."""

CROP_PAD = 0.05
"""White margin kept around the ink bounding box when margins are cropped, as a fraction of the
box's longer side."""


def ink_box(rgb: np.ndarray, threshold: int = INK_THRESHOLD) -> tuple[int, int, int, int] | None:
    """Bounding box of the non-white pixels of an ``(H, W, 3)`` uint8 image.

    Returns
    -------
    (top, bottom, left, right) or None
        Pixel rows ``top:bottom`` and columns ``left:right`` (end exclusive) holding every pixel
        darker than white by more than ``threshold`` levels in some channel; None for an
        all-white image.
    """
    ink = (255 - rgb.min(axis=2).astype(np.int16)) > threshold
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return None
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def square_on_white(rgb: np.ndarray, crop: bool = False, pad: float = CROP_PAD) -> np.ndarray:
    """An ``(H, W, 3)`` uint8 image centred on a white square (the network input is square).

    With ``crop``, the white margins are cut to the ink bounding box (:func:`ink_box`) first and
    ``pad`` times the box's longer side is kept as white margin around it, so that a small
    drawing on a wide white page fills the network input. An all-white image is not cropped.

    Returns
    -------
    numpy.ndarray
        ``(S, S, 3)`` uint8, ``S = max(H, W)`` (``max(box) + 2 round(pad max(box))`` when cropped).
    """
    box = ink_box(rgb) if crop else None
    margin = 0
    if box is not None:
        top, bottom, left, right = box
        rgb = rgb[top:bottom, left:right]
        margin = int(round(float(pad) * max(rgb.shape[:2])))
    h, w = rgb.shape[:2]
    side = max(h, w) + 2 * margin
    out = np.full((side, side, 3), 255, dtype=np.uint8)
    y0, x0 = (side - h) // 2, (side - w) // 2
    out[y0:y0 + h, x0:x0 + w] = rgb
    return out


def load_image_array(path, size: int, where: str = "", crop: bool = False, pad: float = CROP_PAD) -> np.ndarray:
    """Read an image as ``(3, size, size)`` uint8: transparency composited onto white, white
    margins cropped to the ink (``crop``, see :func:`square_on_white`), padded to a square with
    white (centred), resized with a Lanczos filter."""
    from PIL import Image, UnidentifiedImageError

    from psysim.images import DECODE_ERRORS, open_image

    try:
        with open_image(path, what="a picture", min_side=1, where=f"{where}{path}") as im:  # size checked before decoding
            im.load()
            rgba = im.convert("RGBA")
    except PsysimError:
        raise
    except FileNotFoundError:
        raise DataError(f"{where}image file {path} not found") from None
    except (UnidentifiedImageError, *DECODE_ERRORS) as exc:
        raise DataError(f"{where}{path} is not a readable image ({type(exc).__name__})") from None
    flat = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")
    square = Image.fromarray(square_on_white(np.asarray(flat, dtype=np.uint8), crop=crop, pad=pad))
    rgb = square.resize((int(size), int(size)), Image.LANCZOS)
    return np.asarray(rgb, dtype=np.uint8).transpose(2, 0, 1).copy()


def _chromatic(img: np.ndarray) -> bool:
    """True when more than 1 % of the pixels have a channel spread above 30 (of 255)."""
    spread = img.max(0).astype(int) - img.min(0).astype(int)
    return bool((spread > 30).mean() > 0.01)


def picture_set_from_table(table: pd.DataFrame, folder, size: int = 64, where: str = "manifest", source: str = "",
                           crop: bool = True, pad: float = CROP_PAD) -> PictureSet:
    """Load the pictures of a manifest table (see :func:`check_manifest`) from ``folder``.

    ``crop``: cut each picture's white margins to its ink bounding box plus ``pad`` times the
    box's longer side (:func:`square_on_white`) before it is resized to ``size`` px, so that
    the drawing fills the network input; ``meta["crop"]`` records the setting."""
    folder = Path(folder)
    df = check_manifest(table, where)
    paths = [folder / f for f in df["file"]]
    missing = [i for i, p in enumerate(paths) if not p.is_file()]
    if missing:
        i = missing[0]
        more = f" (and {len(missing) - 1} more missing)" if len(missing) > 1 else ""
        raise _err(where, f"row {int(df['_line'][i])}: image file {paths[i]} not found{more}")
    imgs = np.stack([load_image_array(p, size, where=f"{where}: row {int(line)}: ", crop=crop, pad=pad) for p, line in zip(paths, df["_line"])])
    names = tuple(dict.fromkeys(df["name"]))
    index = {n: i for i, n in enumerate(names)}
    labels = torch.tensor([index[n] for n in df["name"]], dtype=torch.int64)
    named = df["version"].str.lower().str.contains("colou?r", regex=True).to_numpy()
    colour = torch.tensor([_chromatic(im) or bool(v) for im, v in zip(imgs, named)], dtype=torch.bool)
    meta = {"crop": bool(crop), "crop_pad": float(pad) if crop else None}
    return PictureSet(df.drop(columns="_line"), torch.from_numpy(imgs), names, labels, colour, source or where, meta)


def load_picture_set(manifest, pictures=None, size: int = 64, crop: bool | None = None) -> PictureSet:
    """Read a bring-your-own picture set.

    Parameters
    ----------
    manifest : path
        UTF-8 manifest CSV (format in the module docstring) with psysim's column names, or a
        picture-set description TOML (:mod:`psysim.naming.describe`) that names the CSV and maps
        its columns (item, name, file, norms) onto psysim's.
    pictures : path, optional
        Folder the ``file`` column is relative to (default: the description's ``[files]
        pictures``, else the manifest's folder).
    size : int
        Side of the square images given to the network, px.
    crop : bool, optional
        Crop white margins to the ink bounding box (+ :data:`CROP_PAD`). None: as the
        description's ``[images] crop`` says; on for a plain CSV.

    Returns
    -------
    PictureSet
        ``meta`` holds ``crop``, ``crop_pad`` and, for a description, ``description`` (its
        path, the column mapping, the data set's citation and licence).
    """
    manifest = Path(manifest)
    pad, meta = CROP_PAD, {}
    if manifest.suffix.lower() == ".toml":
        from psysim.naming.describe import described_manifest, read_picture_description

        desc = read_picture_description(manifest)
        table = described_manifest(desc)
        folder = Path(pictures) if pictures is not None else desc.pictures
        where = f"{desc.manifest} (mapped by {manifest})"
        pad = desc.pad
        crop = desc.crop if crop is None else crop
        meta["description"] = desc.summary()
    else:
        folder = Path(pictures) if pictures is not None else manifest.parent
        table = None
        where = str(manifest)
    if not folder.is_dir():
        raise DataError(f"picture folder {folder} not found")
    if table is None:
        table = read_manifest(manifest)
    ps = picture_set_from_table(table, folder, size, where=where, source=str(manifest), crop=True if crop is None else bool(crop), pad=pad)
    ps.meta.update(meta)
    return ps


def builtin_picture_set(size: int = 64, versions=("line", "colour"), root=None, crop: bool = True) -> PictureSet:
    """The 260 Snodgrass & Vanderwart (1980) line drawings and the 42 coloured Rossion &
    Pourtois (2004) pictures, with the R&P norms of each version (read from ``PSYSIM_DATA``);
    ``crop``: white margins cut to the ink (:func:`picture_set_from_table`).

    Parameters
    ----------
    size : int
        Side of the square pictures in pixels.
    versions : sequence of str
        ``line`` and/or ``colour``.
    root : str or os.PathLike, optional
        The data folder (default ``PSYSIM_DATA``).
    crop : bool
        Cut white margins to the ink before padding.

    Returns
    -------
    PictureSet
        The pictures with their norms.

    Raises
    ------
    PsysimError
        When the files are missing, naming the file and where to download it.
    """
    from psysim.data.naming import snodgrass_rossion_manifest

    table, base = snodgrass_rossion_manifest(root, versions)
    return picture_set_from_table(table, base, size, where="built-in Snodgrass & Vanderwart / Rossion & Pourtois set", source="builtin", crop=crop)
