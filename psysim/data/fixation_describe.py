"""Fixation data-set descriptions: one TOML file says how a free-viewing set maps onto
:class:`~psysim.data.fixations.FixationImage`.

A lab's images and fixations enter psysim through this file, and come out as the same
``FixationImage`` objects :func:`psysim.data.fixations.load_etocvd` gives, so every saliency
metric runs unchanged (``psysim run saliency-fixations --data FILE.toml``; the key reference
with worked examples is ``docs/own_data.md``)::

    [dataset]                      # who made it, how to cite it
    name = "mylab-freeview"
    citation = "..."
    licence = "CC BY 4.0"
    source_url = "https://..."

    [files]                        # relative to this TOML file (relative_to = "data": to PSYSIM_DATA)
    images = "stimuli"             # folder of images (png, jpg, jpeg, bmp, tif, tiff)
    fixations = "fixations.csv"    # a CSV (format "points") or a folder (formats "maps", "density")
    density = "density_maps"       # optional: smoothed fixation maps, one per image

    [fixations]
    format = "points"              # "points" | "maps" | "density"
    units = "pixels"               # points: "pixels" (pixel k covers [k, k+1)) or "normalised" ([0, 1))
    first_pixel = 0                # points in pixels: 1 for MATLAB-style coordinates

    [columns]                      # format "points": psysim name = the CSV's column
    image = "img"                  # an image's file name or stem
    subject = "participant"        # optional
    x = "fx"
    y = "fy"
    duration = "dur_ms"            # optional (with [fixations] min_duration, in ms)
    order = "fix_index"            # optional (with [fixations] exclude_first)

    [density]                      # without [files] density: smooth the fixation counts
    sigma_px = 25                  # Gaussian sigma in pixels, or
    # pixels_per_degree = 35       # sigma = 1 degree of visual angle (MIT benchmark convention)

Formats:

- ``points``: a CSV of fixations, one row per fixation (image, optional subject, x, y,
  optional duration/order). Each fixation marks the pixel it falls in; a point outside its
  image is an error naming the row.
- ``maps``: one fixation-point image per stimulus (same file stem, e.g. a binary PNG); a pixel
  above ``threshold`` (grey level 0-255, default 127, the EToCVD advice for JPEG-stored maps)
  is fixated.
- ``density``: one continuous fixation-density map per stimulus (grey image, or ``.npy``
  float array). Distribution metrics (CC, KL, SIM) use it directly. Metrics that need fixated
  points (AUC-Judd/Borji/shuffled, NSS, information gain) need ``[fixations] points``:
  ``"none"`` (default: they are skipped, with that reason in the report), ``"threshold"``
  (pixels whose density is at least ``level`` x the image's maximum, default 0.5) or
  ``"sample"`` (``n_points`` pixels drawn with probability proportional to the density, from
  ``seed``; the same seed gives the same points).

The density of ``points`` and ``maps`` sets comes from ``[files] density`` when given, else is
the fixation-count map smoothed by a Gaussian of ``[density] sigma_px`` (or one degree, from
``pixels_per_degree``; zero outside the image) divided by its maximum. Grey maps are divided by
255 (65535 when 16-bit), as the EToCVD loader does, ``.npy`` arrays by their maximum; the
distribution metrics do not depend on that scale. A point list counts a pixel fixated twice twice;
a binary map cannot, so the two formats give the same density when no two fixations share a
pixel. Every error is one line ``FILE: [section] key: what is wrong``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from psysim.data.toml_checks import check_sections
from psysim.data.toml_checks import err as _err
from psysim.data.toml_checks import number as _number
from psysim.data.toml_checks import string as _str
from psysim.resources import read_toml

FORMATS = ("points", "maps", "density")
POINTS_FROM_DENSITY = ("none", "threshold", "sample")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")
POINT_METRICS = ("auc_judd", "auc_borji", "auc_shuffled", "nss", "info_gain")
"""Metrics that score a map at fixated points (skipped for a density set with ``points = "none"``)."""

SECTIONS = {
    "dataset": ("name", "title", "citation", "licence", "source_url", "description"),
    "files": ("relative_to", "images", "fixations", "density"),
    "fixations": ("format", "units", "first_pixel", "sep", "encoding", "threshold", "points", "level",
                  "n_points", "seed", "min_duration", "exclude_first"),
    "columns": ("image", "subject", "x", "y", "duration", "order"),
    "density": ("sigma_px", "pixels_per_degree"),
}


@dataclass(frozen=True)
class FixationDescription:
    """A checked fixation data-set description (see the module docstring for the keys).

    Attributes
    ----------
    path : Path
        The TOML file.
    name, title, citation, licence, source_url : str
        From ``[dataset]``.
    images : Path
        Folder of the stimulus images.
    fixations : Path
        CSV file (``points``) or folder of maps.
    density : Path or None
        Folder of smoothed fixation maps, if given.
    format : str
        ``points``, ``maps`` or ``density``.
    options : dict
        The ``[fixations]`` settings with defaults filled in.
    columns : dict
        ``[columns]`` (psysim name -> CSV column), format ``points`` only.
    sigma_px : float or None
        Smoothing sigma in pixels for a density made from the fixations.
    """

    path: Path
    name: str
    title: str
    citation: str
    licence: str
    source_url: str
    images: Path
    fixations: Path
    density: Path | None
    format: str
    options: dict
    columns: dict = field(default_factory=dict)
    sigma_px: float | None = None

    @property
    def points_from(self) -> str:
        """Where fixated points come from: ``observed``, or for a density set ``none``/``threshold``/``sample``."""
        return "observed" if self.format != "density" else self.options["points"]

    @property
    def skipped_metrics(self) -> dict:
        """Metric -> the reason it cannot be computed on this set (empty when all can)."""
        if self.points_from != "none":
            return {}
        why = ("the data set gives continuous fixation-density maps, not fixated points "
               "([fixations] points = \"none\"; set \"threshold\" or \"sample\" to derive points)")
        return {m: why for m in POINT_METRICS}

    def points_text(self) -> str:
        """One sentence for the report: what the point-based metrics use."""
        o = self.options
        if self.format == "points":
            return "Fixated points: the listed fixations (each marks the pixel it falls in)."
        if self.format == "maps":
            return f"Fixated points: pixels of the fixation maps above grey level {o['threshold']:g}."
        if o["points"] == "threshold":
            return (f"Fixated points: derived from the continuous maps, pixels with density >= {o['level']:g} x "
                    "the image's maximum (thresholded, not observed fixations).")
        if o["points"] == "sample":
            return (f"Fixated points: derived from the continuous maps, {o['n_points']} pixels per image sampled "
                    f"with probability proportional to the density (seed {o['seed']}; sampled, not observed fixations).")
        return "Fixated points: none (continuous maps only); the point-based metrics are skipped."

    def density_text(self) -> str:
        """One sentence for the report: where the fixation density comes from."""
        if self.format == "density":
            return "Fixation density: the data set's continuous maps."
        if self.density is not None:
            return "Fixation density: the data set's smoothed fixation maps."
        return f"Fixation density: fixation counts smoothed by a Gaussian of sigma {self.sigma_px:g} px."










def _choice(path, key, v, choices) -> str:
    if v not in choices:
        raise _err(path, key, f"{v!r} is not one of {', '.join(choices)}")
    return v


def read_fixation_description(path) -> FixationDescription:
    """Read and check a fixation data-set description TOML file.

    Parameters
    ----------
    path : str or Path
        The description file.

    Returns
    -------
    FixationDescription

    Raises
    ------
    DataError
        One line ``FILE: [section] key: what is wrong``: unknown sections or keys (with a
        did-you-mean), wrong types, a missing folder or file, an unknown format, a missing
        column mapping, no way to make the fixation density.
    """
    from psysim.resources import data_dir

    path = Path(path)
    cfg = read_toml(path)
    check_sections(path, cfg, SECTIONS)
    ds = cfg.get("dataset", {})
    if "name" not in ds:
        raise _err(path, "[dataset] name", "missing (a short name for the data set)")
    meta = {k: _str(path, f"[dataset] {k}", ds.get(k, ""), allow_empty=(k != "name")) for k in SECTIONS["dataset"]}

    files = cfg.get("files", {})
    rel = _choice(path, "[files] relative_to", files.get("relative_to", "description"), ("description", "data"))
    base = path.resolve().parent if rel == "description" else data_dir()
    fx = cfg.get("fixations", {})
    if "format" not in fx:
        raise _err(path, "[fixations] format", f"missing; one of {', '.join(FORMATS)}")
    fmt = _choice(path, "[fixations] format", fx["format"], FORMATS)

    def where(key, folder: bool, required=True):
        if key not in files:
            if required:
                raise _err(path, f"[files] {key}", "missing")
            return None
        p = base / _str(path, f"[files] {key}", files[key])
        if folder and not p.is_dir():
            raise _err(path, f"[files] {key}", f"folder {p} not found")
        if not folder and not p.is_file():
            raise _err(path, f"[files] {key}", f"file {p} not found")
        return p

    images = where("images", True)
    fixations = where("fixations", fmt != "points")
    density = where("density", True, required=False)
    if fmt == "density" and density is not None:
        raise _err(path, "[files] density", "format \"density\": the fixation maps are the density; give [files] fixations only")

    allowed_by_format = {
        "points": ("format", "units", "first_pixel", "sep", "encoding", "min_duration", "exclude_first"),
        "maps": ("format", "threshold"),
        "density": ("format", "points", "level", "n_points", "seed"),
    }[fmt]
    for k in fx:
        if k not in allowed_by_format:
            raise _err(path, f"[fixations] {k}", f"not used by format {fmt!r} (its keys: {', '.join(allowed_by_format)})")
    opts = {"format": fmt}
    if fmt == "points":
        opts["units"] = _choice(path, "[fixations] units", fx.get("units", "pixels"), ("pixels", "normalised"))
        opts["first_pixel"] = _number(path, "[fixations] first_pixel", fx.get("first_pixel", 0), integer=True)
        if opts["first_pixel"] not in (0, 1):
            raise _err(path, "[fixations] first_pixel", f"expected 0 or 1, got {opts['first_pixel']!r}")
        opts["sep"] = _str(path, "[fixations] sep", fx.get("sep", ","))
        opts["encoding"] = _str(path, "[fixations] encoding", fx.get("encoding", "utf-8"))
        opts["min_duration"] = _number(path, "[fixations] min_duration", fx.get("min_duration", 0), low=0)
        ef = fx.get("exclude_first", False)
        if not isinstance(ef, bool):
            raise _err(path, "[fixations] exclude_first", f"expected true or false, got {ef!r}")
        opts["exclude_first"] = ef
    elif fmt == "maps":
        opts["threshold"] = _number(path, "[fixations] threshold", fx.get("threshold", 127), low=0)
    else:
        opts["points"] = _choice(path, "[fixations] points", fx.get("points", "none"), POINTS_FROM_DENSITY)
        opts["level"] = _number(path, "[fixations] level", fx.get("level", 0.5), low=0)
        if not 0 < opts["level"] <= 1:
            raise _err(path, "[fixations] level", f"expected 0 < level <= 1 (fraction of the maximum), got {opts['level']!r}")
        opts["n_points"] = _number(path, "[fixations] n_points", fx.get("n_points", 100), low=1, integer=True)
        opts["seed"] = _number(path, "[fixations] seed", fx.get("seed", 0), low=0, integer=True)

    cols = dict(cfg.get("columns", {}))
    if fmt != "points" and cols:
        raise _err(path, "[columns]", f"only format \"points\" reads columns (this is {fmt!r})")
    if fmt == "points":
        for k in ("image", "x", "y"):
            if k not in cols:
                raise _err(path, f"[columns] {k}", "missing (the CSV column that holds it)")
        for k, v in cols.items():
            _str(path, f"[columns] {k}", v)
        if opts["min_duration"] > 0 and "duration" not in cols:
            raise _err(path, "[fixations] min_duration", "needs [columns] duration")
        if opts["exclude_first"] and "order" not in cols:
            raise _err(path, "[fixations] exclude_first", "needs [columns] order")

    dens = cfg.get("density", {})
    sigma = None
    if fmt == "density" or density is not None:
        if dens:
            raise _err(path, f"[density] {next(iter(dens))}", "not used: the density comes from the data set's maps")
    else:
        if "sigma_px" in dens and "pixels_per_degree" in dens:
            raise _err(path, "[density]", "give sigma_px or pixels_per_degree, not both")
        if "sigma_px" in dens:
            sigma = _number(path, "[density] sigma_px", dens["sigma_px"])
        elif "pixels_per_degree" in dens:
            sigma = _number(path, "[density] pixels_per_degree", dens["pixels_per_degree"])
        else:
            raise _err(path, "[density]", "no [files] density folder: set sigma_px or pixels_per_degree "
                                         "to smooth the fixations into a density")
        if sigma <= 0:
            raise _err(path, "[density] " + ("sigma_px" if "sigma_px" in dens else "pixels_per_degree"),
                       f"expected > 0, got {sigma!r}")
    return FixationDescription(path, meta["name"], meta["title"] or meta["name"], meta["citation"], meta["licence"],
                               meta["source_url"], images, fixations, density, fmt, opts, cols, sigma)


def as_dataset(desc: FixationDescription):
    """The description as a :class:`psysim.data.registry.Dataset` (for run metadata and reports)."""
    from psysim.data.registry import Dataset

    return Dataset(desc.name, desc.title, str(desc.images.parent), (), desc.citation, desc.licence,
                   desc.source_url, f"described by {desc.path}")
