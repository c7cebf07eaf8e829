"""Image-size limits shared by everything that reads image files (saliency, CAM, pictures).

:func:`open_image` opens a file with Pillow and checks the size its header claims *before*
any pixel is decoded, so a PNG whose header claims 20000 x 20000 px is one line
(:class:`~psysim.errors.PsysimError`, stating the limit), not Pillow's decompression-bomb
traceback and not 1.2 GB of memory. Only :mod:`psysim.errors` is imported, so every layer may
use it.
"""

from __future__ import annotations

import contextlib
import os
import struct
import warnings

from psysim.errors import DataError, PsysimError

MIN_SIDE = 32
"""Smallest accepted image side in pixels. Below 32 px the coarse pyramid levels 5-8 of the
saliency model are single pixels and the centre-surround maps carry no spatial information;
a CAM of such an image is an upsampled handful of pixels."""

MAX_SIDE = 8192
MAX_PIXELS = MAX_SIDE * MAX_SIDE
"""Largest accepted image (pixels per image, 8192 x 8192), a guard against decompression bombs."""


DECODE_ERRORS = (OSError, SyntaxError, ValueError, TypeError, IndexError, EOFError, struct.error)
"""What Pillow's plugins raise for a damaged file, while opening or decoding it: every loader
built on :func:`open_image` turns these into one line naming the file."""


def _prefix(where) -> str:
    return f"{where}: " if where else ""


def check_size(width: int, height: int, where=None, what: str = "psysim", min_side: int = MIN_SIDE) -> None:
    """Refuse an image smaller than :data:`MIN_SIDE` on a side or larger than :data:`MAX_PIXELS`.

    Parameters
    ----------
    width, height : int
        Image size in pixels.
    where : str, optional
        The image's name (file), for the message.
    what : str
        Who needs the size, for the message (``"the saliency model"``).
    min_side : int
        Smallest side accepted (default :data:`MIN_SIDE`).

    Raises
    ------
    PsysimError
        One line with the image's size and the limit.
    """
    w = _prefix(where)
    if min(width, height) < min_side:
        raise PsysimError(f"{w}image is {width}x{height} px; {what} needs at least {min_side} px on each side")
    if width * height > MAX_PIXELS:
        raise PsysimError(f"{w}image is {width}x{height} px ({width * height} pixels), more than the limit of "
                          f"{MAX_PIXELS} pixels ({MAX_SIDE}x{MAX_SIDE})")


@contextlib.contextmanager
def open_image(path, what: str = "psysim", min_side: int = MIN_SIDE, where=None):
    """``PIL.Image.open(path)`` with psysim's size limits checked on the header, before decoding.

    Pillow's own decompression-bomb check is switched off for this one call: psysim's limit
    (:data:`MAX_PIXELS`) is lower and is checked here, with the size in the message.
    ``where`` names the image in the message (default: the path). Errors while decoding the
    pixels (``im.load()`` inside the ``with``) are the caller's to word.

    Raises
    ------
    DataError
        (a :class:`PsysimError`) One line naming the image: the file is missing, a folder,
        empty, not an image Pillow can identify, or its header is damaged.
    PsysimError
        One line: the image's size is outside the limits.
    """
    from PIL import Image, UnidentifiedImageError

    name = str(path) if where is None else where
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        old, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
        try:
            im = Image.open(path)
        except FileNotFoundError:
            raise DataError(f"{name}: image file not found") from None
        except IsADirectoryError:
            raise DataError(f"{name}: is a folder, expected an image file") from None
        except UnidentifiedImageError:
            empty = os.path.isfile(path) and os.path.getsize(path) == 0
            raise DataError(f"{name}: " + ("file is empty (0 bytes)" if empty else "not a readable image (Pillow "
                                             "cannot identify it: not an image, or a format it does not read)")) from None
        except DECODE_ERRORS as exc:  # a damaged header
            raise DataError(f"{name}: not a readable image, its header is damaged ({first_line(exc)})") from None
        finally:
            Image.MAX_IMAGE_PIXELS = old
    with im:
        check_size(im.width, im.height, where=name, what=what, min_side=min_side)
        yield im


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type's name when it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
