"""Loader for the EToCVD free-viewing fixation set (registry entry ``etocvd``).

Bruno, Gugliuzza, Ardizzone, Giunta & Pirrone (2019), i-Perception 10(3): 101 colourful
images with fixations of observers with normal colour vision, first 3 s of free viewing. The
files are read at run time from the data folder (``PSYSIM_DATA``, see
:func:`psysim.resources.data_dir`), folder ``fixations/etocvd/``:

- ``stimuli/NAME.jpeg``: the image (RGB);
- ``fixation_locs/full/NAME.jpeg`` (or ``excluding_200ms/``): fixation points, stored as JPEG,
  so compression halos surround every point; :func:`load_etocvd_image` thresholds at
  ``> 127`` (the SOURCE.md advice) to recover a binary fixation map;
- ``fixation_maps_full/NAME.jpeg``: the smoothed fixation density (grey, 0-255).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from psysim.data.registry import get_dataset
from psysim.errors import DataError

FIXATION_SETS = ("full", "excluding_200ms")
FIXATION_THRESHOLD = 127
"""Grey level above which a pixel of a JPEG-stored fixation-point map counts as fixated."""


@dataclass(frozen=True)
class FixationImage:
    """One EToCVD image with its fixations.

    Attributes
    ----------
    name : str
    image : numpy.ndarray
        ``(H, W, 3)`` uint8 RGB stimulus.
    fixations : numpy.ndarray
        ``(H, W)`` bool, fixated pixels (thresholded).
    density : numpy.ndarray
        ``(H, W)`` float64 in [0, 1], the smoothed fixation map.
    """

    name: str
    image: np.ndarray
    fixations: np.ndarray
    density: np.ndarray


def etocvd_folder(root=None) -> Path:
    """The data set's folder, checked (one-line error naming what is missing)."""
    folder = get_dataset("etocvd").path(root)
    for sub in ("stimuli", "fixation_locs/full", "fixation_maps_full"):
        if not (folder / sub).is_dir():
            raise DataError(f"data set 'etocvd': folder {folder / sub} not found")
    return folder


def etocvd_names(root=None) -> list[str]:
    """Image names (file stems), sorted."""
    folder = etocvd_folder(root)
    names = sorted(p.stem for p in (folder / "stimuli").glob("*.jpeg"))
    if not names:
        raise DataError(f"data set 'etocvd': no .jpeg images in {folder / 'stimuli'}")
    return names


def _read(path: Path, mode: str) -> np.ndarray:
    """One image of the set as a uint8 array, through :func:`psysim.images.open_image` (size
    limits checked on the header, before decoding)."""
    from psysim.images import DECODE_ERRORS, first_line, open_image

    where = f"data set 'etocvd': {path}"
    with open_image(path, what="a fixation data set", where=where) as im:
        try:
            return np.asarray(im.convert(mode))
        except DECODE_ERRORS as exc:
            raise DataError(f"{where}: not a readable image ({first_line(exc)})") from None


def load_etocvd_image(name: str, fixation_set: str = "full", root=None) -> FixationImage:
    """One image, its binary fixation map and its fixation density; see :class:`FixationImage`."""
    if fixation_set not in FIXATION_SETS:
        raise DataError(f"fixation_set={fixation_set!r}; expected one of {', '.join(FIXATION_SETS)}")
    folder = etocvd_folder(root)
    img = _read(folder / "stimuli" / f"{name}.jpeg", "RGB")
    locs = _read(folder / "fixation_locs" / fixation_set / f"{name}.jpeg", "L")
    dens = _read(folder / "fixation_maps_full" / f"{name}.jpeg", "L")
    if not img.shape[:2] == locs.shape == dens.shape:
        raise DataError(
            f"data set 'etocvd' image {name!r}: stimulus {img.shape[:2]}, fixation map {locs.shape} "
            f"and density {dens.shape} differ in size"
        )
    fix = locs > FIXATION_THRESHOLD
    if not fix.any():
        raise DataError(f"data set 'etocvd' image {name!r}: no fixated pixel above {FIXATION_THRESHOLD}")
    return FixationImage(name, img, fix, dens.astype(np.float64) / 255.0)


def load_etocvd(names=None, fixation_set: str = "full", root=None) -> list[FixationImage]:
    """Load several (default: all 101) EToCVD images with their fixations."""
    names = etocvd_names(root) if names is None else list(names)
    return [load_etocvd_image(n, fixation_set, root) for n in names]
