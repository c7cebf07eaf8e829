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
                H, bits), ``pct_modal``, ``familiarity``, ``complexity`` where present.
=============== ============================================================================

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
    ``_line`` column (line number in the file)."""
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
    return check_manifest(df, where=str(path))


def check_manifest(df: pd.DataFrame, where: str = "manifest") -> pd.DataFrame:
    """Check a manifest table; returns a cleaned copy (names NFC-normalised, norm columns
    numeric, ``version`` filled, ``_line`` = line number in the file)."""
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


def load_image_array(path, size: int, where: str = "") -> np.ndarray:
    """Read an image as ``(3, size, size)`` uint8: transparency composited onto white, padded
    to a square with white (centred), resized with a Lanczos filter."""
    from PIL import Image, UnidentifiedImageError

    from psysim.images import open_image

    try:
        with open_image(path, what="a picture", min_side=1, where=f"{where}{path}") as im:  # size checked before decoding
            im.load()
            rgba = im.convert("RGBA")
    except PsysimError:
        raise
    except FileNotFoundError:
        raise DataError(f"{where}image file {path} not found") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise DataError(f"{where}{path} is not a readable image ({type(exc).__name__})") from None
    w, h = rgba.size
    side = max(w, h)
    canvas = Image.new("RGBA", (side, side), (255, 255, 255, 255))
    canvas.alpha_composite(Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba), ((side - w) // 2, (side - h) // 2))
    rgb = canvas.convert("RGB").resize((int(size), int(size)), Image.LANCZOS)
    return np.asarray(rgb, dtype=np.uint8).transpose(2, 0, 1).copy()


def _chromatic(img: np.ndarray) -> bool:
    """True when more than 1 % of the pixels have a channel spread above 30 (of 255)."""
    spread = img.max(0).astype(int) - img.min(0).astype(int)
    return bool((spread > 30).mean() > 0.01)


def picture_set_from_table(table: pd.DataFrame, folder, size: int = 64, where: str = "manifest", source: str = "") -> PictureSet:
    """Load the pictures of a manifest table (see :func:`check_manifest`) from ``folder``."""
    folder = Path(folder)
    df = check_manifest(table, where)
    paths = [folder / f for f in df["file"]]
    missing = [i for i, p in enumerate(paths) if not p.is_file()]
    if missing:
        i = missing[0]
        more = f" (and {len(missing) - 1} more missing)" if len(missing) > 1 else ""
        raise _err(where, f"row {int(df['_line'][i])}: image file {paths[i]} not found{more}")
    imgs = np.stack([load_image_array(p, size, where=f"{where}: row {int(line)}: ") for p, line in zip(paths, df["_line"])])
    names = tuple(dict.fromkeys(df["name"]))
    index = {n: i for i, n in enumerate(names)}
    labels = torch.tensor([index[n] for n in df["name"]], dtype=torch.int64)
    named = df["version"].str.lower().str.contains("colou?r", regex=True).to_numpy()
    colour = torch.tensor([_chromatic(im) or bool(v) for im, v in zip(imgs, named)], dtype=torch.bool)
    return PictureSet(df.drop(columns="_line"), torch.from_numpy(imgs), names, labels, colour, source or where)


def load_picture_set(manifest, pictures=None, size: int = 64) -> PictureSet:
    """Read a bring-your-own picture set.

    Parameters
    ----------
    manifest : path
        UTF-8 manifest CSV (format in the module docstring).
    pictures : path, optional
        Folder the ``file`` column is relative to (default: the manifest's folder).
    size : int
        Side of the square images given to the network, px.
    """
    manifest = Path(manifest)
    folder = Path(pictures) if pictures is not None else manifest.parent
    if not folder.is_dir():
        raise DataError(f"picture folder {folder} not found")
    table = read_manifest(manifest)
    return picture_set_from_table(table, folder, size, where=str(manifest), source=str(manifest))


def builtin_picture_set(size: int = 64, versions=("line", "colour"), root=None) -> PictureSet:
    """The 260 Snodgrass & Vanderwart (1980) line drawings and the 42 coloured Rossion &
    Pourtois (2004) pictures, with the R&P norms of each version (read from ``PSYSIM_DATA``)."""
    from psysim.data.naming import snodgrass_rossion_manifest

    table, base = snodgrass_rossion_manifest(root, versions)
    return picture_set_from_table(table, base, size, where="built-in Snodgrass & Vanderwart / Rossion & Pourtois set", source="builtin")
