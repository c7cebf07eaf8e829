"""Atomic file writes: a file is either absent, the old one, or complete -- never half written.

Each write goes to a hidden temporary file in the same folder (``.NAME.<random>.tmp``) that is
renamed into place with :func:`os.replace` (atomic on one file system). A writer killed
part-way leaves only the hidden temporary file, which readers of run folders and checkpoints
never read.

This module sits below every other psysim module that writes files (:mod:`psysim.runs`,
:mod:`psysim.executor`, :mod:`psysim.checkpoints`, the report, the CLI) and imports nothing
from psysim.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask_mode() -> int:
    """Permissions a plain ``open()`` would give a new file (0o666 less the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _write(path, data, mode: str, **open_kw) -> Path:
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent if str(path.parent) else ".")
    try:
        with os.fdopen(fd, mode, **open_kw) as fh:
            fh.write(data)
        os.chmod(tmp, _umask_mode())  # mkstemp makes 0600 files; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def atomic_write_text(path, text: str, encoding: str = "utf-8") -> Path:
    """Write a text file atomically (a temporary file in the same folder, then a rename).

    Parameters
    ----------
    path : path
        The file to write; its folder must exist.
    text : str
        Written as is (no newline translation).
    encoding : str
        Text encoding.

    Returns
    -------
    Path
    """
    return _write(path, text, "w", encoding=encoding, newline="")


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write a binary file atomically (a temporary file in the same folder, then a rename)."""
    return _write(path, data, "wb")
