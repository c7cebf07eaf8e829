"""Checkpoints of finished executor tasks, and output folders that resume from them.

:class:`Checkpoints` is a folder of finished-task results: every finished batch of tasks is
written at once, atomically (a hidden temporary file renamed into place), as
``<first key>-<hash>.ckpt``: a magic line naming the format version, a JSON header line
holding the keys, the root seed and a SHA-256 checksum of the body, and the body, the results
as data only (:mod:`psysim.codec`: JSON plus raw array bytes; nothing is unpickled, so a run
folder from someone else cannot execute code when it is resumed). Temporary files left by a
killed writer are deleted, never read; a file whose checksum, key or seed does not match is
recomputed. A folder holding checkpoints of the older pickle format (``*.pkl``, format 2) is
refused with one line: they are never read. A ``manifest.json`` records the
root seed and the caller's ``fingerprint`` (what was being computed), so that a checkpoint
folder of a *different* run is refused instead of mixed in.

:class:`ResumableRun` is an output folder built beside its final place, with its checkpoints
inside, and renamed into place when complete (``psysim sweep``, ``psysim fit``).
:func:`psysim.executor.map_tasks` reads and writes the checkpoints.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

from psysim.atomic import atomic_write_bytes, atomic_write_text
from psysim.codec import decode, encode
from psysim.errors import PsysimError

CHECKPOINT_FORMAT = 3
SUFFIX = ".ckpt"
STALE_TMP_S = 300.0
"""Age (s) after which a checkpoint's temporary file is taken to be left by a killed writer."""
_MAGIC = b"PSYSIM-CHECKPOINT 3\n"
_SAFE = re.compile(r"[^A-Za-z0-9._=+-]+")


def checkpoint_name(key: str) -> str:
    """File name of a task's checkpoint: a readable part of the key plus a hash (unique)."""
    safe = _SAFE.sub("_", str(key)).strip("._")[:60] or "task"
    return f"{safe}-{hashlib.sha256(str(key).encode('utf-8')).hexdigest()[:16]}{SUFFIX}"


def has_checkpoints(folder) -> bool:
    """Whether ``folder`` holds at least one checkpoint file (of this format)."""
    folder = Path(folder)
    return folder.is_dir() and any(folder.glob("*" + SUFFIX))


def _refuse_old_format(folder: Path, manifest: dict | None) -> None:
    """One line naming a checkpoint of the pickle format (psysim before format 3): never read."""
    old = sorted(folder.glob("*.pkl"))
    if old or (isinstance(manifest, dict) and isinstance(manifest.get("format"), int) and manifest["format"] < 3):
        name = old[0] if old else folder / "manifest.json"
        raise PsysimError(
            f"{name}: a checkpoint of an older psysim (pickle format), which is never read; "
            "run again without resuming (--force, or another output folder)"
        )


class Checkpoints:
    """A folder of finished-task results, written atomically and verified when read.

    Parameters
    ----------
    folder : path
        Created if missing.
    seed : int
        Root seed of the run; stored, and checked on resume.
    fingerprint : JSON-able, optional
        What is being computed (model, grid, options). A folder written with a different
        fingerprint or seed is refused with a :class:`PsysimError`.
    """

    def __init__(self, folder, seed: int, fingerprint=None):
        self.folder = Path(folder)
        self.seed = int(seed)
        self.fingerprint = json.loads(json.dumps(fingerprint, default=str)) if fingerprint is not None else None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PsysimError(f"cannot create the checkpoint folder {self.folder}: {exc.strerror}") from None
        if not os.access(self.folder, os.W_OK | os.X_OK):
            raise PsysimError(f"checkpoint folder {self.folder} is not writable")
        manifest = self.folder / "manifest.json"
        want = {"format": CHECKPOINT_FORMAT, "seed": self.seed, "fingerprint": self.fingerprint}
        have = None
        if manifest.exists():
            try:
                have = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                pass
        _refuse_old_format(self.folder, have)
        if manifest.exists():
            if have != want:
                diff = _manifest_difference(have, want)
                raise PsysimError(
                    f"{self.folder} holds checkpoints of a different run ({diff}); "
                    "use the same settings to resume, or another output folder (or --force to start over)"
                )
        else:
            atomic_write_text(manifest, json.dumps(want, indent=1, sort_keys=True) + "\n")
        # temporary files of writers that were killed are never read; delete the stale ones
        # (not fresh ones: another shard of a job array may be writing into this folder now)
        now = time.time()
        for tmp in self.folder.glob(".*.tmp"):
            try:
                if now - tmp.stat().st_mtime > STALE_TMP_S:
                    tmp.unlink()
            except OSError:
                pass

    def path(self, keys) -> Path:
        """File of a batch of tasks: :func:`checkpoint_name` of the first key, plus a hash of
        all keys when there are several (so that no two batches share a name)."""
        keys = [keys] if isinstance(keys, str) else list(keys)
        if len(keys) == 1:
            return self.folder / checkpoint_name(keys[0])
        digest = hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()[:16]
        return self.folder / f"{checkpoint_name(keys[0])[:-len(SUFFIX)]}+{len(keys) - 1}-{digest}{SUFFIX}"

    def save(self, key: str, result) -> None:
        """Checkpoint one task."""
        self.save_many([key], [result])

    def save_many(self, keys, results) -> Path:
        """Checkpoint finished tasks together in one file (one write per batch, not per task:
        cheaper for the process that writes, and kinder to cluster file systems)."""
        keys = [str(k) for k in keys]
        doc, arrays = encode(list(results))
        body = doc + b"\n" + arrays
        header = {"keys": keys, "seed": self.seed, "sha256": hashlib.sha256(body).hexdigest()}
        return atomic_write_bytes(self.path(keys), _MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n" + body)

    def load_all(self, wanted=None) -> dict:
        """``{key: result}`` of every verified finished task (restricted to ``wanted`` keys).

        Only complete files named ``*.ckpt`` are read (temporary files are hidden ``.*.tmp``);
        a file whose magic, seed or SHA-256 checksum does not match is reported, deleted and its
        tasks run again.
        """
        wanted = None if wanted is None else set(wanted)
        found = {}
        for path in sorted(self.folder.glob("*" + SUFFIX)):
            try:
                raw = path.read_bytes()
            except OSError:
                continue
            header, body = {}, b""
            if raw.startswith(_MAGIC):
                head, _, body = raw[len(_MAGIC):].partition(b"\n")
                try:
                    header = json.loads(head)
                except ValueError:
                    header = {}
            keys = header.get("keys") if isinstance(header, dict) else None
            ok = (
                isinstance(keys, list)
                and header.get("seed") == self.seed
                and header.get("sha256") == hashlib.sha256(body).hexdigest()
            )
            if ok:
                doc, _, arrays = body.partition(b"\n")
                try:
                    results = decode(doc, arrays)
                except ValueError:
                    results = None
                ok = isinstance(results, list) and len(results) == len(keys)
            if not ok:
                print(f"psysim: ignoring damaged checkpoint {path}; its tasks will be run again", file=sys.stderr)
                path.unlink(missing_ok=True)
                continue
            for k, r in zip(keys, results):
                if (wanted is None or k in wanted) and k not in found:
                    found[k] = r
        return found

    def load(self, key: str):
        """``(True, result)`` for a verified finished task, ``(False, None)`` otherwise."""
        found = self.load_all([key])
        return (True, found[key]) if key in found else (False, None)


def _manifest_difference(have, want) -> str:
    if not isinstance(have, dict):
        return "unreadable manifest.json"
    parts = []
    for k in ("format", "seed", "fingerprint"):
        if have.get(k) != want.get(k):
            if k == "fingerprint" and isinstance(have.get(k), dict) and isinstance(want.get(k), dict):
                keys = sorted(k2 for k2 in set(have[k]) | set(want[k]) if have[k].get(k2) != want[k].get(k2))
                parts.append(f"settings differ: {', '.join(keys)}")
            else:
                parts.append(f"{k} {have.get(k)!r} there, {want.get(k)!r} now")
    return "; ".join(parts) or "different manifest"




class ResumableRun:
    """An output folder that is written beside its final place and renamed there when complete.

    ``OUT`` is built in its hidden sibling ``.OUT.partial/`` (a fixed name, unlike
    :func:`psysim.runs.execute`'s random one, so that a second run finds it); per-task results
    go to ``.OUT.partial/checkpoints/``. :meth:`finish` deletes the checkpoints and renames the
    folder to ``OUT`` atomically, so ``OUT`` is either absent or complete. An interrupted run
    leaves ``.OUT.partial/``; the same command then resumes from it.

    Parameters
    ----------
    out : path
        The final output folder. It must not exist unless ``force``.
    force : bool
        Replace an existing ``OUT`` and discard an interrupted run's checkpoints.

    Examples
    --------
    >>> with ResumableRun(out, force=False) as run:                      # doctest: +SKIP
    ...     res = map_tasks(fn, tasks, executor=ex, seed=seed,
    ...                     checkpoint_dir=run.checkpoints, fingerprint=settings)
    ...     table.to_csv(run.path / "table.csv")
    ... # leaving the block without an error renames .OUT.partial -> OUT
    """

    def __init__(self, out, force: bool = False):
        self.out = Path(out)
        self.force = bool(force)
        parent = self.out.parent if str(self.out.parent) else Path(".")
        self.path = parent / f".{self.out.name}.partial"
        self.checkpoints = self.path / "checkpoints"
        if not self.out.name or self.out.name in (".", ".."):
            raise PsysimError(f"--out {out}: give a folder name")
        if self.out.exists() and not self.force:
            raise PsysimError(f"output folder {self.out} already exists; choose another --out or pass --force")
        if parent.exists() and not parent.is_dir():
            raise PsysimError(f"--out {self.out}: {parent} is not a folder")
        self.resuming = self.path.is_dir() and not self.force

    def start(self) -> ResumableRun:
        """Create ``.OUT.partial/`` (deleting an old one when ``force``)."""
        import shutil

        if self.force and self.path.exists():
            shutil.rmtree(self.path)
        try:
            self.checkpoints.mkdir(parents=True, exist_ok=True)
            import tempfile

            fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=self.path)  # unique: shards run at once
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise PsysimError(f"cannot write the output folder {self.out}: {exc.strerror or exc}") from None
        return self

    def has_results(self) -> bool:
        return has_checkpoints(self.checkpoints)

    def finish(self) -> Path:
        """Delete the checkpoints and rename ``.OUT.partial`` to ``OUT``."""
        import shutil

        shutil.rmtree(self.checkpoints, ignore_errors=True)
        if self.out.exists():
            shutil.rmtree(self.out)
        os.replace(self.path, self.out)
        return self.out

    def discard(self) -> None:
        import shutil

        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.finish()
        elif not self.has_results():
            self.discard()  # nothing to resume from: leave nothing behind
        elif not issubclass(exc_type, PsysimError):  # (a PsysimError is reported in one line)
            print(
                f"psysim: {self.path} keeps the finished tasks; run the same command again to resume",
                file=sys.stderr,
            )
        return False
