"""Loading and checking images for the saliency model.

Every image that enters :mod:`psysim.saliency` goes through :func:`as_rgb` (arrays) or
:func:`load_image` (files), which return float RGB arrays ``(..., H, W, 3)`` and raise a one-line
:class:`~psysim.errors.PsysimError` naming the image for anything the model cannot use:
an unreadable or truncated file, a zero-size or too small image, NaN or infinite values,
negative values, an unknown channel layout.

Accepted inputs
---------------
* layouts ``(H, W)`` grey, ``(H, W, 1)`` grey, ``(H, W, 3)`` RGB, ``(H, W, 4)`` RGBA, and the
  same with a leading batch axis ``(N, H, W[, C])``;
* dtypes ``uint8`` (divided by 255), ``uint16`` (divided by 65535), other integers (divided by
  their maximum), ``bool`` and floats. Floats may have any non-negative finite range: the
  Itti-Koch model is invariant to a global gain (every map is range-normalised and the
  intensity threshold is relative to the image maximum), so 0..1 and 0..255 give the same map.
* RGBA is composited over black (colour times alpha): a transparent pixel is dark, like the
  background of psysim's rendered displays.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from psysim.errors import PsysimError
from psysim.images import DECODE_ERRORS, MAX_PIXELS, MIN_SIDE, check_size, open_image

__all__ = ["MAX_PIXELS", "MIN_SIDE", "as_rgb", "load_image", "rgb8_image"]


def _name(where) -> str:
    return f"{where}: " if where else ""


def as_rgb(image, where=None, dtype=np.float32, channels_first: bool = False) -> np.ndarray:
    """Validate an image (or a batch) and return it as float RGB.

    Parameters
    ----------
    image : array_like
        ``(H, W)``, ``(H, W, C)`` with C in 1, 3, 4, or a batch ``(N, H, W[, C])``
        (a 3-D array whose last axis is not 1, 3 or 4 is read as a batch of grey images).
    where : str, optional
        Name of the image (file name, index) used in error messages.
    dtype : numpy dtype
        Output float type.
    channels_first : bool
        Return ``(3, H, W)`` / ``(N, 3, H, W)`` planes instead (what the model computes on).

    Returns
    -------
    numpy.ndarray
        ``(H, W, 3)`` or ``(N, H, W, 3)`` float array, non-negative and finite.

    Raises
    ------
    PsysimError
        Zero-size, smaller than :data:`MIN_SIDE` px on a side, NaN/inf or negative values,
        complex or object dtypes, unknown channel counts.
    """
    w = _name(where)
    dtype = np.dtype(dtype)
    arr = np.asarray(image)
    if arr.dtype == object or np.iscomplexobj(arr) or arr.dtype.kind not in "biuf":
        raise PsysimError(f"{w}image has dtype {arr.dtype}; expected an integer, bool or float array")
    if arr.size == 0:
        raise PsysimError(f"{w}image is empty (shape {arr.shape})")
    if arr.ndim == 2:
        arr = arr[..., None]
    elif arr.ndim == 3 and arr.shape[-1] not in (1, 3, 4):
        arr = arr[..., None]  # a batch of grey images
    elif arr.ndim not in (3, 4):
        raise PsysimError(
            f"{w}image has shape {arr.shape}; expected (H, W), (H, W, C) or (N, H, W, C) with C in 1, 3, 4"
        )
    if arr.shape[-1] not in (1, 3, 4):
        raise PsysimError(f"{w}image has {arr.shape[-1]} channels; expected 1 (grey), 3 (RGB) or 4 (RGBA)")
    h, wd = arr.shape[-3], arr.shape[-2]
    check_size(wd, h, where=where, what="the saliency model")
    c = arr.shape[-1]
    if channels_first:
        arr = np.moveaxis(arr, -1, -3)  # the dtype conversion below writes planar memory
    if arr.dtype.kind == "f":
        out = np.array(arr, dtype=dtype, order="C")
        bad = ~np.isfinite(out)
        if bad.any():
            idx = np.unravel_index(int(np.argmax(bad)), out.shape)
            if channels_first:
                idx = idx[:-3] + idx[-2:] + idx[-3:-2]
            raise PsysimError(
                f"{w}image has NaN or infinite values (first at index {tuple(int(i) for i in idx)})"
            )
        if (out < 0).any():
            raise PsysimError(f"{w}image has negative values (min {float(out.min()):g}); expected intensities >= 0")
    elif arr.dtype.kind == "b":
        out = np.array(arr, dtype=dtype, order="C")
    else:
        info = np.iinfo(arr.dtype)
        if info.min < 0 and (arr < 0).any():
            raise PsysimError(f"{w}image has negative values; expected intensities >= 0")
        scale = 255.0 if arr.dtype == np.uint8 else float(info.max)
        out = np.array(arr, dtype=dtype, order="C")
        out *= dtype.type(1.0 / scale)
    ax = -3 if channels_first else -1
    if c == 1:
        out = np.repeat(out, 3, axis=ax)
    elif c == 4:
        alpha = out[..., 3:4, :, :] if channels_first else out[..., 3:4]
        amax = float(alpha.max())
        colour = out[..., :3, :, :] if channels_first else out[..., :3]
        out = colour * (alpha / amax if amax > 0 else alpha)
    return np.ascontiguousarray(out)


def rgb8_image(image, where=None) -> np.ndarray | None:
    """An 8-bit RGB image ``(H, W, 3)`` or batch ``(N, H, W, 3)`` as it is (no copy), after the
    size check of :func:`as_rgb`; None for anything else (then use :func:`as_rgb`).

    For the compiled Itti-Koch kernels, which read the 8-bit values and scale them by 1/255 as
    they go, exactly as :func:`as_rgb` scales them, so that the float copy of the image is
    never made.
    """
    if not (isinstance(image, np.ndarray) and image.dtype == np.uint8 and image.ndim in (3, 4) and image.shape[-1] == 3):
        return None
    check_size(image.shape[-2], image.shape[-3], where=where, what="the saliency model")
    return np.ascontiguousarray(image)


def load_image(path, dtype=np.float32) -> np.ndarray:
    """Read an image file into float RGB ``(H, W, 3)``.

    Reads everything Pillow reads (PNG 8/16-bit, JPEG, TIFF including float, GIF, BMP, ...).
    Files ending in ``.npy`` are read with numpy and checked like arrays.

    Parameters
    ----------
    path : str or os.PathLike
        The image file.
    dtype : numpy dtype
        Output float type.

    Returns
    -------
    numpy.ndarray
        ``(H, W, 3)`` float RGB, non-negative and finite, as :func:`as_rgb` returns it.

    Raises
    ------
    PsysimError
        File missing, empty, not an image, truncated or otherwise corrupt, or failing the checks
        of :func:`as_rgb`; the message names the file.
    """
    from PIL import ImageFile, UnidentifiedImageError

    path = Path(path)
    if not path.exists():
        raise PsysimError(f"{path}: file not found")
    if path.is_dir():
        raise PsysimError(f"{path}: is a folder, expected an image file")
    if path.stat().st_size == 0:
        raise PsysimError(f"{path}: file is empty (0 bytes)")
    if path.suffix.lower() == ".npy":
        try:
            arr = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as exc:
            raise PsysimError(f"{path}: not a readable .npy array ({exc})") from None
        return as_rgb(arr, where=str(path), dtype=dtype)
    old = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False  # a truncated file must fail, never load half grey
    try:
        with open_image(path, what="the saliency model") as im:  # size checked before decoding
            im.load()
            arr = _pil_to_array(im)
    except PsysimError:
        raise
    except UnidentifiedImageError:
        raise PsysimError(f"{path}: not an image file Pillow can read") from None
    except DECODE_ERRORS as exc:
        msg = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PsysimError(f"{path}: corrupt or truncated image ({msg})") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = old
    return as_rgb(arr, where=str(path), dtype=dtype)


def _pil_to_array(im) -> np.ndarray:
    """Pillow image -> numpy array keeping bit depth (16-bit grey stays uint16)."""
    mode = im.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        return np.asarray(im).astype(np.uint16)
    if mode == "I":
        a = np.asarray(im)
        # 16-bit PNGs open as mode "I" with values up to 65535
        return a.astype(np.uint16) if a.min() >= 0 and a.max() <= 65535 else a.astype(np.float64)
    if mode == "F":
        return np.asarray(im, dtype=np.float32)
    if mode in ("L", "RGB", "RGBA"):
        return np.asarray(im)
    if mode in ("LA", "PA") or (mode == "P" and "transparency" in im.info):
        return np.asarray(im.convert("RGBA"))
    if mode == "1":
        return np.asarray(im.convert("L"))
    return np.asarray(im.convert("RGB"))
