"""psysim search displays as image tensors for networks, and augmentation.

Images are rendered once (:func:`psysim.displays.render`) and kept as uint8 to save memory;
:meth:`SearchImages.tensor` gives float images in [0, 1]. The label is target presence
(class 0 = absent, 1 = present).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from psysim.displays import DisplaySet, make_displays, render
from psysim.errors import PsysimError
from psysim.images import DECODE_ERRORS, first_line, open_image

CLASSES = ("absent", "present")
"""Class names of the target-present / absent decision, in label order."""


@dataclass
class SearchImages:
    """Rendered search displays with labels.

    Attributes
    ----------
    images : torch.Tensor
        ``(N, 3, H, W)`` uint8.
    labels : torch.Tensor
        ``(N,)`` int64: 1 when the target is present.
    table : pandas.DataFrame
        One row per image: ``display_id, task, set_size, target_present`` (same order).
    displays : DisplaySet
        The display set the images came from (item tables, target boxes).
    """

    images: torch.Tensor
    labels: torch.Tensor
    table: pd.DataFrame
    displays: DisplaySet

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def size(self) -> tuple[int, int]:
        return tuple(self.images.shape[-2:])

    def tensor(self, index=None) -> torch.Tensor:
        """Float images in [0, 1] (all, or the rows in ``index``)."""
        x = self.images if index is None else self.images[index]
        return x.float().div_(255.0)

    def subset(self, mask) -> SearchImages:
        """The images where boolean ``mask`` (length N) is true."""
        m = np.asarray(mask, dtype=bool)
        idx = torch.from_numpy(np.flatnonzero(m))
        return SearchImages(self.images[idx], self.labels[idx], self.table[m].reset_index(drop=True), self.displays)


def images_from_displays(displays: DisplaySet, size: int = 128) -> SearchImages:
    """Render every display of a :class:`~psysim.displays.DisplaySet` (``size`` x ``size`` px).

    Parameters
    ----------
    displays : DisplaySet
        From :func:`psysim.displays.make_displays`.
    size : int
        Side of the square images in pixels.

    Returns
    -------
    SearchImages
        uint8 images, labels (1: target present) and the display table, in display order.
    """
    table = displays.displays.reset_index(drop=True)
    arr = render(displays, table["display_id"].to_numpy(), size=size)
    images = torch.from_numpy(np.ascontiguousarray(arr.transpose(0, 3, 1, 2)))
    labels = torch.from_numpy(table["target_present"].to_numpy().astype(np.int64))
    return SearchImages(images, labels, table, displays)


def make_search_images(tasks=("feature",), set_sizes=(3, 6, 12, 18), n_per_cell=50, size=128, seed=0) -> SearchImages:
    """Generate and render search displays (see :func:`psysim.displays.make_displays`).

    Parameters
    ----------
    tasks : sequence of str
        Task names of the stimulus set (``feature``, ``conjunction``, ...).
    set_sizes : sequence of int
        Numbers of items.
    n_per_cell : int
        Displays per task x set size x presence cell.
    size : int
        Side of the square images in pixels.
    seed : int
        Seed of the displays (the same seed gives the same images).

    Returns
    -------
    SearchImages
        See :func:`images_from_displays`.
    """
    return images_from_displays(make_displays(tasks, set_sizes, n_per_cell, seed=seed), size)


def item_crops(data: SearchImages, crop: int, per_display: int = 1, jitter: int = 2, seed=0) -> SearchImages:
    """Square crops of single items, for a first stage of training on the items alone.

    From each target-present display, ``per_display`` crops centred on the target (label
    present); from each target-absent display, ``per_display`` crops centred on distractors
    chosen at random (label absent), so no absent crop can hold part of a target. Each crop
    centre is shifted by up to ``jitter`` px per axis; outside the image is background (0).
    Training on such crops before whole displays is a curriculum (Bengio et al. 2009, ICML):
    the network first learns what tells a target from a distractor, then, on whole displays,
    to report whether any item is one.

    Parameters
    ----------
    data : SearchImages
        Rendered displays (with their display set, whose item tables give the centres).
    crop : int
        Side of the square crops in pixels.
    per_display : int
        Crops taken from each display.
    jitter : int
        Largest shift of a crop centre per axis, in pixels.
    seed : int
        Seed of the distractor choice and the jitter.

    Returns
    -------
    SearchImages
        ``crop x crop`` images; ``table`` holds the source display's row (``target_present``
        is the crop's label).
    """
    from psysim.seeds import check_seed

    rng = np.random.default_rng(check_seed(seed))
    h, w = data.size
    side = min(h, w)
    ox, oy = (w - side) / 2.0, (h - side) / 2.0
    half = crop // 2
    pad = torch.nn.functional.pad(data.images, (half + jitter + 1,) * 4)
    items = data.displays.items.groupby("display_id")
    rows, crops = [], []
    for i, (did, present) in enumerate(zip(data.table["display_id"], data.table["target_present"])):
        it = items.get_group(did)
        pool = it[it["is_target"]] if present else it[~it["is_target"]]
        picks = pool.iloc[rng.integers(0, len(pool), per_display)]
        shift = rng.integers(-jitter, jitter + 1, (per_display, 2))
        for (x, y), (dx, dy) in zip(picks[["x", "y"]].to_numpy(), shift):
            cx = int(round(ox + x * side)) + dx + half + jitter + 1
            cy = int(round(oy + y * side)) + dy + half + jitter + 1
            crops.append(pad[i, :, cy - half : cy - half + crop, cx - half : cx - half + crop])
            rows.append(i)
    table = data.table.iloc[rows].reset_index(drop=True)
    labels = torch.from_numpy(table["target_present"].to_numpy().astype(np.int64))
    return SearchImages(torch.stack(crops), labels, table, data.displays)


def augment(x: torch.Tensor, generator: torch.Generator, shift: int = 3, noise: float = 0.02, contrast: float = 0.15):
    """Random augmentation of a float batch that keeps every task's answer unchanged.

    Each image is translated by up to ``shift`` px per axis (black fill), scaled in contrast by
    a factor in ``[1 - contrast, 1 + contrast]``, and given Gaussian pixel noise of standard
    deviation ``noise``. Flips and rotations are *not* used: a mirrored digital 2 is a 5 (the
    spatial task) and a rotated bar changes orientation (the conjunction and orientation tasks).

    Parameters
    ----------
    x : torch.Tensor
        ``(N, 3, H, W)`` float images in [0, 1].
    generator : torch.Generator
        Source of every random draw (the same state gives the same views).
    shift : int
        Largest translation per axis, in pixels.
    noise : float
        Standard deviation of the pixel noise (image units, 0-1).
    contrast : float
        Half-width of the contrast factor's range.

    Returns
    -------
    torch.Tensor
        Augmented images, same shape as ``x``.
    """
    n, c, h, w = x.shape
    if shift > 0:
        pad = torch.nn.functional.pad(x, (shift,) * 4)
        dy = torch.randint(0, 2 * shift + 1, (n,), generator=generator).tolist()
        dx = torch.randint(0, 2 * shift + 1, (n,), generator=generator).tolist()
        # one slice per image: a 4-d gather index would cost more than the network's forward pass
        x = torch.stack([pad[i, :, dy[i] : dy[i] + h, dx[i] : dx[i] + w] for i in range(n)])
    if contrast > 0:
        x = x * (1 + contrast * (2 * torch.rand((n, 1, 1, 1), generator=generator) - 1))
    if noise > 0:
        x = x + noise * torch.randn(x.shape, generator=generator)
    return x.clamp_(0, 1)


def load_image(path, size=None) -> torch.Tensor:
    """Read an image file as a ``(1, 3, H, W)`` float tensor in [0, 1], resized to ``size``.

    Parameters
    ----------
    path : str or os.PathLike
        The image file (anything Pillow reads).
    size : int or (int, int), optional
        Resize to ``size`` x ``size`` or ``(height, width)`` pixels; default: keep the size.

    Returns
    -------
    torch.Tensor
        ``(1, 3, H, W)`` float32 in [0, 1].

    Raises
    ------
    PsysimError
        Missing or unreadable file, or an image outside :mod:`psysim.images`' limits (at least
        32 px on a side, at most 8192 x 8192 px), checked on the header before decoding.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with open_image(path, what="a CAM") as im:  # limits checked on the header, before decoding
            im = im.convert("RGB")
            if size is not None:
                h, w = (size, size) if np.ndim(size) == 0 else size
                if im.size != (w, h):
                    im = im.resize((int(w), int(h)), Image.BILINEAR)
            arr = np.asarray(im, dtype=np.uint8)
    except PsysimError:
        raise
    except FileNotFoundError:
        raise PsysimError(f"{path}: image file not found") from None
    except (UnidentifiedImageError, *DECODE_ERRORS) as exc:
        raise PsysimError(f"{path}: not a readable image ({first_line(exc)})") from None
    return torch.from_numpy(arr.transpose(2, 0, 1).copy())[None].float() / 255.0
