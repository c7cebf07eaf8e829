"""Picture-naming norms: Rossion & Pourtois (2004) for the Snodgrass & Vanderwart (1980) pictures.

The raw files are the levenik transcriptions of the R&P (2004) appendix tables (see the
registry entry ``rossion2004``); they are read at run time from ``PSYSIM_DATA`` and never
shipped. :func:`load_rossion2004_norms` returns one row per item and picture version
(``line``, ``grey``, ``colour``) with psysim's norm column names:

===================== ====================================================================
column                meaning
===================== ====================================================================
item                  S&V item number (1-260), the same numbering as the GIF file names
name, name_fr         English concept (S&V) and French name (R&P participants were French
                      speakers, so ``rt``, ``h`` and ``pct_modal`` are French naming norms)
version               ``line`` (original S&V drawing), ``grey``, ``colour``
rt                    mean naming latency, ms (3 cells missing in the source)
h                     name agreement H statistic (Snodgrass & Vanderwart 1980, Eq. 1;
                      ``sum p_i log2(1/p_i)`` over the names given, 0 = perfect agreement), bits
pct_modal             % of participants giving the most frequent name
familiarity,          mean ratings on 1-5 scales, per version
complexity,
image_agreement
colour_diagnosticity  0-5 rating (one value per item)
===================== ====================================================================
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from psysim.data.registry import get_dataset
from psysim.errors import DataError

VERSIONS = {"line": "line-drawing", "grey": "gray", "colour": "color"}
"""psysim version name -> R&P column suffix."""

# spellings of the colour-diagnosticity file that differ from names.csv (checked by hand
# against the item order of names.csv)
_DIAGNOSTICITY_ALIASES = {
    "accordeon": "accordion",
    "baby cariage": "baby carriage",
    "buttton": "button",
    "flut": "flute",
    "glove": "gloves",
    "helmet": "football helmet",
    "kangourou": "kangaroo",
}


def _read(path, encoding="utf-8") -> pd.DataFrame:
    try:
        return pd.read_csv(path, encoding=encoding)
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(f"{path}: not a readable {encoding} CSV file ({type(exc).__name__})") from None


def _rating(path, what: str) -> pd.DataFrame:
    d = _read(path)
    m = d["id"].astype(str).str.extract(r"^\s*(\d+)\.?\s+(.+?)\s*$")
    if m[0].isna().any():
        bad = d["id"][m[0].isna()].iloc[0]
        raise DataError(f"{path}: id {bad!r} is not 'NUMBER. concept'")
    out = pd.DataFrame({"item": m[0].astype(int)})
    for v, suffix in VERSIONS.items():
        out[f"{what}:{v}"] = pd.to_numeric(d[f"mean_{suffix}"], errors="coerce").to_numpy()
    return out


def load_rossion2004_norms(root=None) -> pd.DataFrame:
    """Per-item, per-version naming norms of Rossion & Pourtois (2004).

    Parameters
    ----------
    root : path, optional
        The data folder holding ``naming/`` (default :func:`psysim.resources.data_dir`).

    Returns
    -------
    pandas.DataFrame
        780 rows (260 items x 3 versions), columns as in the module docstring.
    """
    folder = get_dataset("rossion2004").path(root)
    names = _read(folder / "rp2004_names.csv", encoding="latin-1")  # the transcription is Latin-1
    need = {"item_number", "concept", "french_concept"}
    if not need <= set(names.columns):
        raise DataError(f"{folder / 'rp2004_names.csv'}: expected columns {sorted(need)}, found {list(names.columns)}")
    wide = pd.DataFrame({"item": names["item_number"].astype(int), "name": names["concept"].str.strip(), "name_fr": names["french_concept"].str.strip()})
    for v, suffix in VERSIONS.items():
        wide[f"rt:{v}"] = pd.to_numeric(names[f"RTs_{suffix}"], errors="coerce")
        wide[f"h:{v}"] = pd.to_numeric(names[f"agreement_{suffix}"], errors="coerce")
        wide[f"pct_modal:{v}"] = pd.to_numeric(names[f"accuracy_{suffix}"], errors="coerce")
    for what, fname in (("familiarity", "rp2004_familiarity.csv"), ("complexity", "rp2004_complexity.csv"), ("image_agreement", "rp2004_imagery.csv")):
        wide = wide.merge(_rating(folder / fname, what), on="item", how="left", validate="one_to_one")
    diag = _read(folder / "rp2004_colour_diagnosticity.csv")
    diag["name"] = diag["concept"].str.strip().replace(_DIAGNOSTICITY_ALIASES)
    missing = sorted(set(wide["name"]) - set(diag["name"]))
    if missing:
        raise DataError(f"{folder / 'rp2004_colour_diagnosticity.csv'}: no rating for {', '.join(missing[:5])}")
    wide = wide.merge(diag[["name", "rating"]].rename(columns={"rating": "colour_diagnosticity"}), on="name", how="left", validate="one_to_one")
    rows = []
    for v in VERSIONS:
        part = wide[["item", "name", "name_fr", "colour_diagnosticity"]].copy()
        part.insert(3, "version", v)
        for what in ("rt", "h", "pct_modal", "familiarity", "complexity", "image_agreement"):
            part[what] = wide[f"{what}:{v}"].to_numpy(dtype=float)
        rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    return out[["item", "name", "name_fr", "version", "rt", "h", "pct_modal", "familiarity", "complexity", "image_agreement", "colour_diagnosticity"]]


def snodgrass_rossion_manifest(root=None, versions=("line", "colour")) -> tuple[pd.DataFrame, object]:
    """Manifest of the built-in picture set, in psysim's manifest format, and its picture folder.

    ``line``: the 260 original S&V drawings (``snodgrass_vanderwart_1980_images/NNN.gif``);
    ``colour``: the 42 coloured R&P pictures of the levenik subset
    (``rossion_pourtois_2004/images_colour_subset42/NNN.png``). Grey pictures are not
    available (their norms are). Norms are those of the same version.

    Returns
    -------
    (pandas.DataFrame, pathlib.Path)
        Columns ``item, name, file, version, name_fr`` and the norms; the folder the ``file``
        paths are relative to (the ``naming/`` data folder).
    """
    norms = load_rossion2004_norms(root)
    lines = get_dataset("snodgrass1980").path(root)
    base = lines.parent
    colour_dir = get_dataset("rossion2004").path(root) / "images_colour_subset42"
    parts = []
    for v in versions:
        if v == "line":
            n = norms[norms["version"] == "line"].copy()
            n["file"] = [f"{lines.name}/{i:03d}.gif" for i in n["item"]]
        elif v == "colour":
            have = sorted(int(re.match(r"(\d+)", p.stem).group(1)) for p in colour_dir.glob("*.png") if re.match(r"\d+$", p.stem))
            if not have:
                raise DataError(f"{colour_dir}: no colour pictures NNN.png found")
            n = norms[(norms["version"] == "colour") & norms["item"].isin(have)].copy()
            n["file"] = [f"rossion_pourtois_2004/images_colour_subset42/{i:03d}.png" for i in n["item"]]
        else:
            raise DataError(f"picture version {v!r} is not available in the built-in set (line, colour)")
        parts.append(n)
    man = pd.concat(parts, ignore_index=True)
    man["item"] = man["item"].map(lambda i: f"{i:03d}")
    cols = ["item", "name", "file", "version", "name_fr"]
    man = man[cols + [c for c in man.columns if c not in cols]]
    return man.reset_index(drop=True), base


def colour_subset_items(manifest: pd.DataFrame) -> np.ndarray:
    """Item ids that have both a ``line`` and a ``colour`` picture."""
    v = manifest.groupby("item")["version"].agg(set)
    return np.asarray(sorted(i for i, s in v.items() if {"line", "colour"} <= s))
