"""Where psysim may write: one check of every output path, made before any work starts.

Every command that writes (``run``, ``sweep``, ``fit``, ``displays``, ``saliency``, ``cam``,
``report``) passes its output path through :func:`check_output`. The rules:

- an output *folder* that psysim builds whole (``kind="run"``: a run or sweep folder) must not
  exist; ``--force`` replaces only a folder psysim itself wrote (its ``metadata.json`` names a
  psysim version and every file in it is one the run recorded, see :func:`foreign_entries`) or
  an empty folder. Anything else is refused, ``--force`` or not;
- an output folder psysim writes *into* (``kind="folder"``: saliency maps, CAM, fits) may exist
  but must be a folder; a file of a name the command writes is replaced only with ``--force``
  and only when psysim wrote it: the folder's :data:`LEDGER` (``.psysim-outputs.json``,
  written by :func:`record_outputs`) lists it with the SHA-256 of the bytes psysim wrote, and
  the file still has them. A user's file of that name, or a psysim file edited since, is
  refused, ``--force`` or not;
- an output *file* (``kind="file"``: a display PNG, a report) must not be a folder; an existing
  file is replaced only when ``owned(path)`` says psysim wrote it (and, for commands with
  ``--force``, only with ``--force``);
- a parent that is a file, or a place where nothing can be created (``/proc``, a read-only
  mount), is refused.

Each refusal is one :class:`~psysim.errors.PsysimError` line naming the path. Only
:mod:`psysim.errors` and :mod:`psysim.atomic` are imported here, so every layer may use this
module.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from psysim.errors import PsysimError

KINDS = ("run", "folder", "file")

MARKER = "metadata.json"
"""The file that marks a folder psysim wrote (with ``versions.psysim`` inside)."""

LEDGER = ".psysim-outputs.json"
"""The file in a folder psysim writes into (``kind="folder"``) that lists the files psysim wrote
there, each with the SHA-256 of its bytes (:func:`record_outputs`, :func:`psysim_wrote`)."""

REPORT_NAMES = ("report.html",)
"""Files ``psysim report`` may add to a run folder after the run (also ``report.LANG.html``)."""


def read_marker(folder) -> dict | None:
    """The folder's psysim ``metadata.json`` as a dict, or None when it has none.

    A ``metadata.json`` that is not valid JSON, or that does not name a psysim version under
    ``versions``, is not psysim's marker (None).
    """
    path = Path(folder) / MARKER
    if not path.is_file() or path.is_symlink():
        return None
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(meta, dict) or not isinstance(meta.get("versions"), dict) or "psysim" not in meta["versions"]:
        return None
    return meta


def output_files(folder, skip=("checkpoints",)) -> list[str]:
    """Every file under ``folder`` as a sorted relative POSIX path (for the marker's ``files``).

    Top-level entries named in ``skip`` are left out.
    """
    folder = Path(folder)
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if not p.is_dir() and p.relative_to(folder).parts[0] not in skip)


def _is_report_name(rel: str) -> bool:
    return rel in REPORT_NAMES or (rel.startswith("report.") and rel.endswith(".html") and "/" not in rel)


def foreign_entries(folder, meta: dict) -> list[str]:
    """Files in a psysim folder that its marker does not list (user files), sorted.

    A marker without a ``files`` list (folders written before psysim recorded one) lists
    nothing to compare with, so nothing is foreign. Reports re-rendered by ``psysim report``
    (``report.html``, ``report.LANG.html``, when :func:`psysim_html` says psysim wrote them) and
    the marker itself belong to the folder.
    """
    recorded = meta.get("files")
    if not isinstance(recorded, list):
        return []
    known = {str(f) for f in recorded} | {MARKER}
    folder = Path(folder)
    return [rel for rel in output_files(folder, skip=()) if rel not in known
            and not (_is_report_name(rel) and psysim_html(folder / rel))]


def _nearest_existing(path: Path) -> Path:
    for above in (path, *path.parents):
        if os.path.lexists(above):
            return above
    return Path(".")  # pragma: no cover - a relative path always ends at "."


def _check_writable(where: Path, what: str, path: Path) -> None:
    """Create and remove an empty folder in ``where``: the only test that also holds for root."""
    try:
        probe = tempfile.mkdtemp(prefix=".psysim-write-test-", dir=where)
    except OSError as exc:
        raise PsysimError(f"{what} {path}: cannot write in {where} ({exc.strerror or exc})") from None
    os.rmdir(probe)


def _check_parents(path: Path, what: str, must_exist: bool) -> Path:
    """The parent folder of ``path`` after checking that no part of it is a file."""
    parent = path.parent if str(path.parent) else Path(".")
    above = _nearest_existing(parent)
    if not above.is_dir():
        raise PsysimError(f"{what} {path}: {above} is a file, not a folder")
    if must_exist and above != parent:
        raise PsysimError(f"{what} {path}: folder {parent} does not exist")
    return above


def check_output(path, *, force: bool = False, kind: str = "run", what: str = "--out", owned=None,
                 has_force: bool = True, outputs=()) -> Path:
    """Check an output path before any work starts; return it as a :class:`~pathlib.Path`.

    Parameters
    ----------
    path : path
        The output folder or file.
    force : bool
        The command's ``--force``: replace an existing output that psysim wrote.
    kind : {"run", "folder", "file"}
        ``"run"``: a folder psysim builds whole and renames into place (``run``, ``sweep``);
        ``"folder"``: a folder psysim writes files into, which may exist (``saliency``,
        ``cam``, ``fit``); ``"file"``: one file (``displays``, ``report``).
    what : str
        How the path was given, for the message (``"--out"``).
    owned : callable, optional
        ``kind="file"``: ``owned(path) -> bool`` says whether an existing file was written by
        psysim; without it no existing file is replaced.
    has_force : bool
        ``kind="file"``: whether the command has ``--force``. Commands without one replace a
        file psysim wrote without asking (``psysim report`` re-renders ``report.html``).
    outputs : sequence of str
        ``kind="folder"``: the names the command will write into the folder; one that is
        already there is refused unless ``force``.

    Raises
    ------
    PsysimError
        One line naming the path: an existing output that may not be replaced, a folder where
        a file is wanted (or the reverse), a parent that is a file, a missing parent folder
        (``kind="file"``), a place where nothing can be written.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    try:
        return _check_output(Path(path), force, kind, what, owned, has_force, outputs)
    except OSError as exc:  # e.g. a path the system cannot even look up
        raise PsysimError(f"{what} {path}: {exc.strerror or exc}") from None


NAME_MARGIN = 16
"""Bytes psysim adds to a name for its temporary files (``.NAME.partial``, ``.NAME.<random>.tmp``)."""


def _check_name_lengths(path: Path, names, what: str) -> None:
    """Refuse a name longer than the file system allows, less :data:`NAME_MARGIN`."""
    try:
        limit = os.pathconf(_nearest_existing(path.parent if str(path.parent) else Path(".")), "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    for name in names:
        n = len(os.fsencode(name))
        if n + NAME_MARGIN > limit:
            raise PsysimError(f"{what} {path}: the name {name[:24]}... is {n} bytes; this file system allows {limit}, "
                              f"and psysim needs {NAME_MARGIN} more for its temporary files: choose a shorter name")


def _check_output(path: Path, force, kind, what, owned, has_force, outputs) -> Path:
    if not path.name or path.name in (".", ".."):
        raise PsysimError(f"{what} {path}: give a {'file' if kind == 'file' else 'folder'} name")
    _check_name_lengths(path, [path.name, *outputs], what)
    if path.is_symlink():
        raise PsysimError(f"{what} {path}: is a symbolic link; psysim writes only to a plain path, choose another {what}")
    above = _check_parents(path, what, must_exist=(kind == "file"))
    if kind == "file":
        if path.is_dir():
            raise PsysimError(f"{what} {path}: is a folder; give a file name inside it, e.g. {path / 'out'}")
        if path.exists():
            if owned is None or not owned(path):
                raise PsysimError(f"{what} {path}: a file psysim did not write is there; choose another {what}")
            if has_force and not force:
                raise PsysimError(f"{what} {path}: already exists; choose another {what} or pass --force to replace it")
            above = path.parent if str(path.parent) else Path(".")
        _check_writable(above, what, path)
        return path
    if path.exists() and not path.is_dir():
        raise PsysimError(f"{what} {path}: is a file, not a folder; choose another {what}")
    if kind == "folder":
        if path.is_dir():
            if _load_ledger(path) is False:
                raise PsysimError(f"{what} {path}: {LEDGER} is there and psysim did not write it; psysim keeps its list "
                                  f"of the files it wrote under that name: move it away or choose another {what}")
            for name in outputs:
                if (path / name).is_dir() and not (path / name).is_symlink():
                    raise PsysimError(f"{what} {path}: {name} is a folder, where psysim would write a file")
            there = [name for name in outputs if os.path.lexists(path / name)]
            foreign = [name for name in there if not psysim_wrote(path, name)]
            if foreign:
                raise PsysimError(f"{what} {path}: {foreign[0]} is already there and psysim did not write it (or it "
                                  f"was changed since); psysim will not replace it, even with --force: move it away "
                                  f"or choose another {what}")
            if there and not force:
                raise PsysimError(f"{what} {path}: {there[0]} is already there; choose another {what} "
                                  "or pass --force to replace it")
        _check_writable(path if path.is_dir() else above, what, path)
        return path
    if path.is_dir():
        _check_replaceable(path, force, what)
    check_partial(path, what)
    _check_writable(above if not path.is_dir() else (path.parent if str(path.parent) else Path(".")), what, path)
    return path


def _sha256(path: Path) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        return None


def _load_ledger(folder: Path):
    """The folder's ledger as a dict; None when there is none; False when the file of that name
    is not psysim's (not a JSON table saying ``written_by = "psysim"``)."""
    path = Path(folder) / LEDGER
    if not os.path.lexists(path):
        return None
    if path.is_symlink() or not path.is_file():
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    if not isinstance(data, dict) or data.get("written_by") != "psysim" or not isinstance(data.get("files"), dict):
        return False
    return data


def _read_ledger(folder: Path) -> dict:
    data = _load_ledger(folder)
    return {str(k): str(v) for k, v in data["files"].items()} if data else {}


def psysim_wrote(folder, name: str) -> bool:
    """Whether ``folder/name`` is a file psysim wrote there and nobody changed since.

    True when the folder's :data:`LEDGER` lists ``name`` with the SHA-256 the file has now.
    """
    path = Path(folder) / name
    if path.is_symlink() or not path.is_file():
        return False
    digest = _read_ledger(Path(folder)).get(name)
    return digest is not None and digest == _sha256(path)


def record_outputs(folder, names) -> Path:
    """Add the files ``names`` (just written into ``folder`` by psysim) to its :data:`LEDGER`.

    Each is recorded with the SHA-256 of its bytes, so a later ``--force`` replaces exactly the
    files psysim wrote (:func:`check_output`, ``kind="folder"``). Entries of files that are
    gone are dropped. The ledger is written atomically.
    """
    from psysim.atomic import atomic_write_text

    folder = Path(folder)
    if _load_ledger(folder) is False:  # a file of that name that is not psysim's: left alone
        return folder / LEDGER
    files = {k: v for k, v in _read_ledger(folder).items() if (folder / k).is_file()}
    for name in names:
        digest = _sha256(folder / name)
        if digest is not None:
            files[str(name)] = digest
    text = json.dumps({"written_by": "psysim", "files": dict(sorted(files.items()))}, indent=1) + "\n"
    return atomic_write_text(folder / LEDGER, text)


def publish_outputs(tmp, folder) -> list[str]:
    """Move every file written into the private folder ``tmp`` into ``folder`` and record them
    in its ledger (:func:`record_outputs`), so that ``--force`` later replaces these and
    nothing else. Returns the names moved."""
    tmp, folder = Path(tmp), Path(folder)
    written = sorted(f.name for f in tmp.iterdir())
    for name in written:
        (tmp / name).replace(folder / name)
    record_outputs(folder, written)
    return written


def partial_path(out) -> Path:
    """``.OUT.partial`` beside ``OUT``: where a run, sweep or fit is built and checkpointed."""
    out = Path(out)
    return (out.parent if str(out.parent) else Path(".")) / f".{out.name}.partial"


def check_partial(out, what: str = "--out") -> None:
    """Refuse a ``.OUT.partial`` beside ``OUT`` that psysim did not make.

    psysim resumes from, and ``--force`` deletes, that hidden folder; one that psysim made
    holds a ``checkpoints/`` folder (made first, before any work). A file of that name, a
    link, or a folder without ``checkpoints/`` belongs to someone else and is refused.
    """
    partial = partial_path(out)
    if not os.path.lexists(partial):
        return
    if partial.is_symlink() or not partial.is_dir() or not (partial / "checkpoints").is_dir():
        raise PsysimError(f"{what} {out}: {partial} is in the way and was not made by psysim (no checkpoints/ "
                          f"inside); psysim will not delete it: move it away or choose another {what}")


def _check_replaceable(path: Path, force: bool, what: str) -> None:
    """An existing run folder: refused unless ``force`` and psysim wrote it (or it is empty)."""
    try:
        entries = sorted(p.name for p in path.iterdir())
    except OSError as exc:
        raise PsysimError(f"{what} {path}: cannot read the existing folder ({exc.strerror or exc})") from None
    meta = read_marker(path) if entries else None
    if not entries:
        if not force:
            raise PsysimError(f"output folder {path} already exists (empty); choose another {what} or pass --force")
        return
    if meta is None:
        raise PsysimError(f"output folder {path} already exists and was not written by psysim (no psysim "
                          f"{MARKER}; it holds {entries[0]!r}); psysim replaces only its own run folders, "
                          f"even with --force: choose another {what}")
    foreign = foreign_entries(path, meta)
    if foreign:
        raise PsysimError(f"output folder {path} holds {foreign[0]!r}, which psysim did not write; psysim will not "
                          f"delete it, even with --force: move it away or choose another {what}")
    if not force:
        raise PsysimError(f"output folder {path} already exists; choose another {what} or pass --force to replace it")


PNG_SOFTWARE = "psysim"
"""The ``Software`` text chunk psysim writes into its PNG files (:func:`psysim_png`)."""

HTML_GENERATOR = '<meta name="generator" content="psysim">'
"""The tag psysim writes into the head of its HTML reports (:func:`psysim_html`)."""


def psysim_png(path) -> bool:
    """Whether ``path`` is a PNG file psysim wrote (its ``Software`` text chunk says psysim)."""
    try:
        from PIL import Image

        with Image.open(path) as im:
            return im.format == "PNG" and str(getattr(im, "text", {}).get("Software", "")).startswith(PNG_SOFTWARE)
    except Exception:  # not an image, unreadable: not psysim's
        return False


def psysim_html(path) -> bool:
    """Whether ``path`` is an HTML report psysim wrote.

    True when its head carries :data:`HTML_GENERATOR`, or when it is ``report.html`` /
    ``report.LANG.html`` in a folder psysim wrote (reports written before the tag existed) and
    the folder's marker lists it, where the marker lists its files.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    if HTML_GENERATOR.encode() in head:
        return True
    meta = read_marker(path.parent) if _is_report_name(path.name) else None
    if meta is None or not head.lstrip().startswith(b"<!DOCTYPE html>"):
        return False
    files = meta.get("files")
    return not isinstance(files, list) or path.name in files
