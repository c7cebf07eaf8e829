"""Picture-set descriptions: a TOML file that maps a lab's picture manifest onto psysim's.

A manifest CSV with psysim's column names (:mod:`psysim.naming.pictures`) needs no description.
One whose columns are named otherwise, whose latencies are in seconds, or whose pictures should
keep their margins is read through a description (``psysim run picture-naming --set
manifest=pictures.toml``)::

    [dataset]                      # printed in the report
    name = "mylab-pictures"
    citation = "Author, A. (2024). Title. Journal, 1, 1-10."
    licence = "CC BY 4.0"

    [files]
    manifest = "norms.csv"         # relative to this TOML file
    pictures = "img"               # folder the file column is relative to (default: the manifest's)

    [columns]                      # psysim column = the file's column
    item = "ItemNo"
    name = "ModalName"
    file = "Image"
    rt = "NamingRT_s"              # norms: rt, h, pct_modal, familiarity, complexity,
    h = "H_stat"                   #   image_agreement, colour_diagnosticity
    familiarity = "Fam"            # other languages: name_ja = "JapaneseName", ...

    [rt]
    unit = "s"                     # "ms" (default) or "s"; checked against the median latency

    [images]
    crop = true                    # cut white margins to the ink bounding box (default true)
    pad = 0.05                     # margin kept, fraction of the box's longer side

Columns the description does not map keep their names (so a file that already has ``rt`` needs
no ``rt`` key). Every problem is one line naming the TOML file and the key.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from psysim.data.rt_units import RT_UNITS, check_rt_units
from psysim.data.toml_checks import check_sections
from psysim.data.toml_checks import err as _err
from psysim.data.toml_checks import number as _number
from psysim.data.toml_checks import string as _str
from psysim.errors import DataError
from psysim.naming.norms import NORM_COLUMNS
from psysim.naming.pictures import CROP_PAD, check_manifest, read_manifest_csv
from psysim.resources import read_toml

SECTIONS = {
    "dataset": ("name", "title", "citation", "licence", "source_url", "description"),
    "files": ("manifest", "pictures"),
    "columns": None,  # checked against COLUMN_KEYS (and name_<lang>)
    "rt": ("unit",),
    "images": ("crop", "pad"),
}
COLUMN_KEYS = ("item", "name", "file", "version", *NORM_COLUMNS)
"""psysim columns a description may map (plus ``name_<lang>``)."""


@dataclass(frozen=True)
class PictureDescription:
    """A checked picture-set description (keys in the module docstring)."""

    path: Path
    manifest: Path
    pictures: Path
    columns: dict = field(default_factory=dict)
    rt_unit: str = "ms"
    crop: bool = True
    pad: float = CROP_PAD
    name: str = ""
    title: str = ""
    citation: str = ""
    licence: str = ""
    source_url: str = ""

    def summary(self) -> dict:
        """JSON-ready record for ``metadata.json``."""
        return {"path": str(self.path), "manifest": str(self.manifest), "pictures": str(self.pictures), "columns": dict(self.columns),
                "rt_unit": self.rt_unit, "crop": self.crop, "pad": self.pad, "name": self.name, "citation": self.citation,
                "licence": self.licence, "source_url": self.source_url}


def read_picture_description(path) -> PictureDescription:
    """Read and check a picture-set description TOML file.

    Raises
    ------
    DataError
        One line ``FILE: [section] key: what is wrong``: unknown sections or keys (with a
        did-you-mean), wrong types, an unknown RT unit, a pad outside [0, 1], a missing
        ``[files] manifest``, two psysim columns mapped to one file column.
    """
    path = Path(path)
    cfg = read_toml(path)
    check_sections(path, cfg, SECTIONS)
    ds = {k: _str(path, f"[dataset] {k}", v, allow_empty=True) for k, v in cfg.get("dataset", {}).items()}
    files = cfg.get("files", {})
    if "manifest" not in files:
        raise _err(path, "[files] manifest", "missing (the manifest CSV, relative to this file)")
    manifest = path.parent / _str(path, "[files] manifest", files["manifest"])
    pictures = path.parent / _str(path, "[files] pictures", files["pictures"]) if "pictures" in files else manifest.parent
    cols = cfg.get("columns", {})
    if not isinstance(cols, dict):
        raise _err(path, "[columns]", f"expected a table, got {cols!r}")
    for k, v in cols.items():
        if k not in COLUMN_KEYS and not re.fullmatch(r"name_[A-Za-z]{2,8}", k):
            close = difflib.get_close_matches(k, COLUMN_KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise _err(path, f"[columns] {k}", f"unknown psysim column{hint}; allowed: {', '.join(COLUMN_KEYS)}, name_<lang>")
        _str(path, f"[columns] {k}", v)
    seen = {}
    for k, v in cols.items():
        if v in seen:
            raise _err(path, f"[columns] {k}", f"file column {v!r} is already mapped to {seen[v]}")
        seen[v] = k
    unit = cfg.get("rt", {}).get("unit", "ms")
    if unit not in RT_UNITS:
        raise _err(path, "[rt] unit", f"expected one of {', '.join(RT_UNITS)}, got {unit!r}")
    images = cfg.get("images", {})
    crop = images.get("crop", True)
    if not isinstance(crop, bool):
        raise _err(path, "[images] crop", f"expected true or false, got {crop!r}")
    pad = _number(path, "[images] pad", images.get("pad", CROP_PAD))
    if not 0 <= pad <= 1:
        raise _err(path, "[images] pad", f"expected a fraction in [0, 1] of the ink box's longer side, got {pad!r}")
    return PictureDescription(path, manifest, pictures, dict(cols), unit, crop, pad,
                              **{k: ds.get(k, "") for k in ("name", "title", "citation", "licence", "source_url")})


def described_manifest(desc: PictureDescription) -> pd.DataFrame:
    """The manifest a description names, its columns renamed to psysim's and latencies in ms.

    Returns
    -------
    pandas.DataFrame
        The checked manifest table (:func:`psysim.naming.pictures.check_manifest`).

    Raises
    ------
    DataError
        One line naming the description and key: a mapped column the manifest lacks (with a
        did-you-mean and the file's columns), a mapped column that would replace a column of
        the file already under psysim's name, a latency column that is not numeric or not in
        the declared unit.
    """
    raw = read_manifest_csv(desc.manifest)
    for key, col in desc.columns.items():
        if col not in raw.columns:
            close = difflib.get_close_matches(col, list(map(str, raw.columns)), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise _err(desc.path, f"[columns] {key}", f"the manifest {desc.manifest} has no column {col!r}{hint}; its columns: {', '.join(map(str, raw.columns))}")
        if key in raw.columns and key != col and key not in desc.columns.values():
            raise _err(desc.path, f"[columns] {key}", f"maps {col!r} onto {key}, but {desc.manifest} also has a column {key!r}; map or rename one of them")
    df = raw.rename(columns={col: key for key, col in desc.columns.items()})
    df = check_manifest(df, where=f"{desc.manifest} (mapped by {desc.path})")
    if "rt" in df.columns:
        rt = df["rt"]
        if not pd.api.types.is_numeric_dtype(rt):
            bad = rt[pd.to_numeric(rt.replace("", np.nan), errors="coerce").isna() & (rt != "")]
            line = int(df.loc[bad.index[0], "_line"]) if len(bad) else 0
            raise _err(desc.path, "[columns] rt" if "rt" in desc.columns else "rt",
                       f"latency column {desc.columns.get('rt', 'rt')!r} of {desc.manifest} is not numeric (line {line}: {bad.iloc[0]!r})")
        try:
            check_rt_units(rt.to_numpy(dtype=float), desc.rt_unit, where=str(desc.manifest), column=desc.columns.get("rt", "rt"))
        except DataError as exc:
            raise _err(desc.path, "[rt] unit", str(exc)) from None
        df["rt"] = (rt.astype(float) * RT_UNITS[desc.rt_unit]).round(6)  # to the nanosecond: 0.812 s is 812 ms exactly
    return df
