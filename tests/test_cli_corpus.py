"""A corpus of bad command lines, one or more for every command (issue 20, "What to build" 6).

Each case runs ``psysim.cli.main`` in-process in a folder of prepared inputs (the working
directory too, so default output paths are watched) and asserts: exit code 2, exactly one line
on stderr, no traceback, nothing on stdout, and the folder afterwards byte-identical to before
(every file and folder, hidden ``.NAME.partial`` ones included). A few cases run the installed
``python -m psysim.cli`` in a subprocess, for the real process exit code and stream handling.

Placeholders in the argument lists: ``{t}`` the prepared folder; ``{run}`` a folder with a
psysim ``metadata.json`` (a visual-search run) for ``report``. See :func:`world` for what the
folder holds.
"""

from __future__ import annotations

import functools
import io
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from psysim.cli import main

GRID = "[params]\nper_item = [10, 20]\n"
DESC = """[dataset]
name = "mine"
[files]
paths = ["trials.csv"]
[columns]
subject = "subject"
task = "task"
set_size = "set_size"
target_present = "target_present"
correct = "correct"
rt = "rt"
[rt]
unit = "ms"
[tasks.feature]
kind = "feature-colour"
"""
TRIALS = "subject,task,set_size,target_present,correct,rt\n" + "".join(
    f"1,feature,{n},{p},1,{500 + 20 * n + 7 * i}\n" for i in range(4) for n in (3, 6) for p in (0, 1))
MANIFEST = "item,name,file\n1,cat,good.png\n2,dog,good.png\n"
TINY_VS_META = {"experiment": "visual-search", "versions": {"psysim": "0"}, "files": ["summary.csv"]}


def claimed_png(width: int, height: int) -> bytes:
    """A 1x1 PNG whose header claims ``width`` x ``height`` px (a decompression bomb's header)."""
    buf = io.BytesIO()
    Image.new("RGB", (1, 1)).save(buf, format="PNG")
    b = bytearray(buf.getvalue())
    i = b.index(b"IHDR")
    b[i + 4:i + 12] = struct.pack(">II", width, height)
    b[i + 17:i + 21] = struct.pack(">I", zlib.crc32(bytes(b[i:i + 17])))
    return bytes(b)


def png(w: int, h: int, colour=(30, 90, 200)) -> bytes:
    """A ``w`` x ``h`` PNG: a ``colour`` square on grey (not flat, so it has a saliency peak)."""
    im = Image.new("RGB", (w, h), (128, 128, 128))
    im.paste(colour, (w // 4, h // 4, w // 2, h // 2))
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


@functools.cache
def checkpoints() -> dict:
    """Checkpoints of psysim's network format whose fields are missing or of the wrong type."""
    import torch

    from psysim.networks.training import CHECKPOINT_FORMAT

    fmt = {"format": CHECKPOINT_FORMAT}
    payloads = {
        "ck_format_only.pt": fmt,
        "ck_config_text.pt": {**fmt, "arch": "gapcnn", "config": "x", "state_dict": {}},
        "ck_unknown_arch.pt": {**fmt, "arch": "vgg", "config": {}, "state_dict": {}},
        "ck_bad_config.pt": {**fmt, "arch": "gapcnn", "config": {"bogus": 1}, "state_dict": {}},
        "ck_classes_number.pt": {**fmt, "arch": "gapcnn", "config": {}, "state_dict": {}, "classes": 5},
        "ck_meta_size_text.pt": {**fmt, "arch": "gapcnn", "config": {}, "state_dict": {}, "meta": {"image_size": "big"}},
        "ck_state_wrong.pt": {**fmt, "arch": "gapcnn", "config": {}, "state_dict": {"nope": torch.zeros(2)}},
        "ck_a_list.pt": [1, 2],
    }
    out = {}
    for name, payload in payloads.items():
        buf = io.BytesIO()
        torch.save(payload, buf)
        out[name] = buf.getvalue()
    return out


def world(t: Path) -> None:
    """The prepared inputs: good and bad files of every kind the commands read."""
    files = {
        "afile": b"I am a file, not a folder\n",
        "good.png": png(64, 48),
        "good2.png": png(64, 48, (200, 30, 30)),
        "empty.png": b"",
        "text.png": b"this is text, not a picture\n",
        "trunc.png": png(64, 64)[:60],
        "tiny.png": png(1, 1),
        "small.png": png(16, 40),
        "bomb.png": claimed_png(20000, 20000),
        "user.png": png(64, 64),  # a picture psysim did not draw
        "user.html": b"<!DOCTYPE html><p>mine</p>",
        "g.toml": GRID.encode(),
        "badgrid.toml": b"[params\nper_item = [1",
        "emptygrid.toml": b"",
        "latin1.toml": b"\xff\xfe[params]\n",
        "desc.toml": DESC.encode(),
        "trials.csv": TRIALS.encode(),
        "broken.toml": b"[dataset\nname=",
        "nofiles.toml": DESC.replace('paths = ["trials.csv"]', 'paths = ["missing.csv"]').encode(),
        "badkey.toml": DESC.replace("[rt]", "[rt]\nunits = \"ms\"").encode(),
        "badunit.toml": DESC.replace('unit = "ms"', 'unit = "min"').encode(),
        "manifest.csv": MANIFEST.encode(),
        "manifest_nocol.csv": b"item,label\n1,cat\n",
        "manifest_missing.csv": b"item,name,file\n1,cat,nope.png\n",
        "manifest_dup.csv": b"item,name,file\n1,cat,good.png\n1,cat,good.png\n",
        "manifest_latin1.csv": "item,name,file\n1,caf\xe9,good.png\n".encode("latin-1"),
        "garbage.pt": b"\x00\x01 not a checkpoint",
        "data.npy": b"\x93NUMPY garbage",
        "thesis/thesis.tex": b"\\documentclass{article} years of work\n",
        "run/metadata.json": json.dumps(TINY_VS_META).encode(),
        "run/summary.csv": b"task,set_size\nfeature,3\n",
        "badmeta/metadata.json": b"{not json",
        "nometa/notes.txt": b"mine",
        "noexp/metadata.json": b'{"versions": {"psysim": "0"}}',
        "unknownexp/metadata.json": b'{"experiment": "no-such-experiment", "versions": {"psysim": "0"}}',
        "listmeta/metadata.json": b"[1, 2, 3]",
        "sweepout/metadata.json": b'{"command": "sweep", "versions": {"psysim": "0"}, "files": []}',
        "sweepout/mine.txt": b"mine",
        ".planted.partial/notes.txt": b"mine",
        "fitsdir/fits.csv": b"mine",
        "saldir/good_saliency.npy": b"mine",
        "camdir/good_gradcam.json": b"mine",
    }
    if CHECKPOINTS_USED:
        files.update(checkpoints())
    for name, data in files.items():
        p = t / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    (t / "emptydir").mkdir()
    (t / "pic.png").mkdir()
    (t / "page.html").mkdir()
    (t / ".partialfile.partial").write_bytes(b"mine")


def snapshot(root: Path) -> list:
    """Every entry under ``root`` (hidden ones too): path, kind, bytes of files."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            out.append((os.path.relpath(os.path.join(dirpath, d), root), "dir", None))
        for f in filenames:
            p = os.path.join(dirpath, f)
            with open(p, "rb") as fh:
                out.append((os.path.relpath(p, root), "file", fh.read()))
    return sorted(out)


def c(id_, *argv, needles=()):
    return pytest.param(list(argv), tuple(needles), id=id_)


R = ("run", "visual-search", "--quick")
SW = ("sweep", "fit", "--grid", "{t}/g.toml", "--no-progress")
SWO = (*SW, "--out", "{t}/out")
FIT = ("fit", "fit", "--task", "feature", "--subject", "1")
SAL = ("saliency", "{t}/good.png")
CAM = ("cam", "--image", "{t}/good.png")
D = ("displays",)

CASES = [
    # -- the top level ---------------------------------------------------------------------------
    c("no-command", needles=["give a command"]),
    c("unknown-command", "rnu", needles=["invalid choice: 'rnu'", "did you mean 'run'?"]),
    c("unknown-command-far", "zzz", needles=["invalid choice: 'zzz'"]),
    c("unknown-global-option", "--verbose", "list", needles=["--verbose"]),
    c("option-before-command", "--out", "x", "run", needles=["invalid choice: 'x'"]),
    # -- list, options -----------------------------------------------------------------------------
    c("list-extra-argument", "list", "experiments", needles=["unrecognized arguments: experiments"]),
    c("list-unknown-option", "list", "--all", needles=["--all"]),
    c("options-missing-name", "options", needles=["experiment"]),
    c("options-unknown-experiment", "options", "visual-serch", needles=["unknown experiment 'visual-serch'"]),
    c("options-extra-argument", "options", "visual-search", "more", needles=["more"]),
    # -- run: experiment, seed, language ---------------------------------------------------------
    c("run-missing-experiment", "run", needles=["experiment"]),
    c("run-unknown-experiment", "run", "visual-serch", needles=["unknown experiment 'visual-serch'", "did you mean 'visual-search'?"]),
    c("run-empty-experiment", "run", "", needles=["unknown experiment ''"]),
    c("run-seed-negative", *R, "--seed", "-3", needles=["seed", "-3"]),
    c("run-seed-fraction", *R, "--seed", "1.5", needles=["seed", "'1.5'"]),
    c("run-seed-text", *R, "--seed", "abc", needles=["seed", "'abc'"]),
    c("run-seed-empty", *R, "--seed", "", needles=["seed"]),
    c("run-seed-missing-value", *R, "--seed", needles=["--seed"]),
    c("run-lang-unknown", *R, "--lang", "de", needles=["--lang", "'de'"]),
    c("run-lang-upper", *R, "--lang", "JA", needles=["--lang", "'JA'"]),
    c("run-unknown-option", *R, "--quik", needles=["--quik"]),
    c("run-two-experiments", "run", "visual-search", "saliency-popout", needles=["saliency-popout"]),
    # -- run: --set keys and values ----------------------------------------------------------------
    c("set-no-equals", *R, "--set", "n_per_cell", needles=["--set", "KEY=VALUE"]),
    c("set-empty", *R, "--set", "", needles=["--set", "KEY=VALUE"]),
    c("set-misspelt-key", *R, "--set", "n_per_cel=10", needles=["n_per_cel", "n_per_cell"]),
    c("set-unknown-key", *R, "--set", "colour=red", needles=["colour"]),
    c("set-empty-key", *R, "--set", "=10", needles=["--set"]),
    c("set-empty-value", *R, "--set", "n_per_cell=", needles=["n_per_cell"]),
    c("set-text-for-int", *R, "--set", "n_per_cell=many", needles=["n_per_cell", "'many'"]),
    c("set-fraction-for-int", *R, "--set", "n_per_cell=2.5", needles=["n_per_cell", "2.5"]),
    c("set-zero-below-range", *R, "--set", "n_per_cell=0", needles=["n_per_cell", "0"]),
    c("set-negative", *R, "--set", "n_per_cell=-5", needles=["n_per_cell", "-5"]),
    c("set-above-range", *R, "--set", "n_per_cell=100000000", needles=["n_per_cell", "100000000"]),
    c("set-twice-different", *R, "--set", "n_per_cell=10", "--set", "n_per_cell=20", needles=["n_per_cell"]),
    c("set-workers-not-executor", *R, "--set", "workers=2", needles=["workers"]),
    c("set-workers-zero-not-executor", *R, "--set", "workers=0", needles=["workers"]),
    c("set-executor-key-not-executor", *R, "--set", "executor=dask", needles=["executor"]),
    c("set-workers-zero", "run", "rt-distributions", "--quick", "--set", "workers=0", needles=["workers", "0"]),
    c("set-workers-text", "run", "rt-distributions", "--quick", "--set", "workers=two", needles=["workers", "'two'"]),
    c("set-executor-unknown", "run", "rt-distributions", "--quick", "--set", "executor=threads", needles=["executor", "threads"]),
    c("set-shard-bad", "run", "rt-distributions", "--quick", "--set", "shard=3/2", needles=["shard", "3/2"]),
    c("set-shard-text", "run", "rt-distributions", "--quick", "--set", "shard=half", needles=["shard", "half"]),
    c("set-list-unknown-element", "run", "rt-distributions", "--quick", "--set", "models=fit,lba", needles=["models", "lba"]),
    c("set-list-empty-element", "run", "rt-distributions", "--quick", "--set", "tasks=feature,,spatial", needles=["tasks"]),
    c("set-choice-unknown", "run", "distillation", "--quick", "--set", "task=colour", needles=["task", "colour"]),
    c("set-float-nan", "run", "distillation", "--quick", "--set", "lr=nan", needles=["lr", "nan"]),
    c("set-float-inf", "run", "distillation", "--quick", "--set", "alpha=inf", needles=["alpha", "inf"]),
    c("set-float-above", "run", "distillation", "--quick", "--set", "alpha=1.5", needles=["alpha", "1.5"]),
    c("set-float-text", "run", "distillation", "--quick", "--set", "lr=fast", needles=["lr", "'fast'"]),
    c("set-cnn-image-size-small", "run", "cnn-search", "--quick", "--set", "image_size=8", needles=["image_size", "8"]),
    c("set-cnn-arch", "run", "cnn-search", "--quick", "--set", "arch=vgg", needles=["arch", "vgg"]),
    c("set-popout-key-of-other", "run", "saliency-popout", "--quick", "--set", "epochs=2", needles=["epochs"]),
    c("set-softmax-grid-small", "run", "softmax-temperature", "--quick", "--set", "grid=2", needles=["grid", "2"]),
    c("set-softmax-observers", "run", "softmax-temperature", "--quick", "--set", "observers=some", needles=["observers", "some"]),
    c("set-fixations-n-images", "run", "saliency-fixations", "--quick", "--set", "n_images=1", needles=["n_images", "1"]),
    c("set-naming-backbone", "run", "picture-naming", "--quick", "--set", "backbone=vgg16", needles=["backbone", "vgg16"]),
    c("set-naming-regime", "run", "picture-naming", "--quick", "--set", "regime=all", needles=["regime", "all"]),
    c("set-naming-pictures-alone", "run", "picture-naming", "--quick", "--set", "pictures={t}", "--out", "{t}/o",
      needles=["pictures", "manifest"]),
    c("set-naming-manifest-missing", "run", "picture-naming", "--quick", "--set", "manifest={t}/nope.csv", "--out", "{t}/o",
      needles=["nope.csv", "not found"]),
    c("set-naming-manifest-no-column", "run", "picture-naming", "--quick", "--set", "manifest={t}/manifest_nocol.csv",
      "--out", "{t}/o", needles=["manifest_nocol.csv", "missing column"]),
    c("set-naming-manifest-missing-image", "run", "picture-naming", "--quick", "--set", "manifest={t}/manifest_missing.csv",
      "--out", "{t}/o", needles=["manifest_missing.csv", "nope.png"]),
    c("set-naming-manifest-duplicate", "run", "picture-naming", "--quick", "--set", "manifest={t}/manifest_dup.csv",
      "--out", "{t}/o", needles=["manifest_dup.csv", "duplicate"]),
    c("set-naming-manifest-latin1", "run", "picture-naming", "--quick", "--set", "manifest={t}/manifest_latin1.csv",
      "--out", "{t}/o", needles=["manifest_latin1.csv", "UTF-8"]),
    c("set-naming-manifest-folder", "run", "picture-naming", "--quick", "--set", "manifest={t}", "--out", "{t}/o",
      needles=["not found"]),
    c("set-naming-pictures-missing", "run", "picture-naming", "--quick", "--set", "manifest={t}/manifest.csv",
      "--set", "pictures={t}/nodir", "--out", "{t}/o", needles=["nodir", "not found"]),
    # -- run: --data -------------------------------------------------------------------------------
    c("data-not-taken", *R, "--data", "{t}/desc.toml", needles=["--data", "does not read"]),
    c("data-missing-file", "run", "compare-models", "--quick", "--data", "{t}/nope.toml", "--out", "{t}/o",
      needles=["nope.toml"]),
    c("data-unknown-builtin", "run", "compare-models", "--quick", "--data", "wolfe2011", "--out", "{t}/o",
      needles=["wolfe2011"]),
    c("data-bad-toml", "run", "compare-models", "--quick", "--data", "{t}/broken.toml", "--out", "{t}/o",
      needles=["broken.toml", "TOML"]),
    c("data-files-missing", "run", "compare-models", "--quick", "--data", "{t}/nofiles.toml", "--out", "{t}/o",
      needles=["missing.csv"]),
    c("data-unknown-key", "run", "compare-models", "--quick", "--data", "{t}/badkey.toml", "--out", "{t}/o",
      needles=["badkey.toml", "units"]),
    c("data-unknown-unit", "run", "compare-models", "--quick", "--data", "{t}/badunit.toml", "--out", "{t}/o",
      needles=["badunit.toml", "min"]),
    c("data-is-a-folder", "run", "compare-models", "--quick", "--data", "{t}/thesis", "--out", "{t}/o", needles=["thesis"]),
    c("data-twice", "run", "compare-models", "--quick", "--data", "{t}/desc.toml", "--set", "data={t}/other.toml",
      needles=["give the data set once"]),
    c("data-grid-as-description", "run", "compare-models", "--quick", "--data", "{t}/g.toml", "--out", "{t}/o",
      needles=["g.toml"]),
    c("fixations-data-missing", "run", "saliency-fixations", "--quick", "--data", "{t}/nope.toml", "--out", "{t}/o",
      needles=["nope.toml"]),
    c("fixations-data-broken", "run", "saliency-fixations", "--quick", "--data", "{t}/broken.toml", "--out", "{t}/o",
      needles=["broken.toml"]),
    # -- run: --out ----------------------------------------------------------------------------------
    c("run-out-existing-file", *R, "--out", "{t}/afile", needles=["is a file, not a folder"]),
    c("run-out-existing-file-force", *R, "--out", "{t}/afile", "--force", needles=["is a file, not a folder"]),
    c("run-out-parent-a-file", *R, "--out", "{t}/afile/run", needles=["afile", "not a folder"]),
    c("run-out-proc", *R, "--out", "/proc/psysim-corpus/run", needles=["/proc"]),
    c("run-out-foreign-folder", *R, "--out", "{t}/thesis", needles=["not written by psysim"]),
    c("run-out-foreign-folder-force", *R, "--out", "{t}/thesis", "--force", needles=["not written by psysim"]),
    c("run-out-empty-folder", *R, "--out", "{t}/emptydir", needles=["already exists (empty)"]),
    c("run-out-user-file-in-psysim-folder-force", *R, "--out", "{t}/sweepout", "--force", needles=["mine.txt"]),
    c("run-out-bad-metadata-force", *R, "--out", "{t}/badmeta", "--force", needles=["not written by psysim"]),
    c("run-out-planted-partial-force", *R, "--out", "{t}/planted", "--force", needles=[".planted.partial", "not made by psysim"]),
    c("run-out-partial-is-a-file", *R, "--out", "{t}/partialfile", needles=[".partialfile.partial"]),
    c("run-out-dot", *R, "--out", ".", needles=["give a folder name"]),
    c("run-out-dotdot", *R, "--out", "{t}/..", needles=["give a folder name"]),
    c("run-out-cwd-file", *R, "--out", "afile", needles=["afile"]),
    c("run-out-missing-value", *R, "--out", needles=["--out"]),
    c("run-force-shard", "run", "rt-distributions", "--quick", "--set", "shard=0/2", "--force", "--out", "{t}/o",
      needles=["shard"]),
    # -- sweep -----------------------------------------------------------------------------------------
    c("sweep-missing-model", "sweep", needles=["model"]),
    c("sweep-missing-grid", "sweep", "fit", "--out", "{t}/out", needles=["--grid"]),
    c("sweep-missing-out", *SW, needles=["--out"]),
    c("sweep-unknown-model", "sweep", "fitt", "--grid", "{t}/g.toml", "--out", "{t}/out", needles=["unknown model 'fitt'"]),
    c("sweep-grid-missing", "sweep", "fit", "--grid", "{t}/nope.toml", "--out", "{t}/out", needles=["nope.toml"]),
    c("sweep-grid-folder", "sweep", "fit", "--grid", "{t}/thesis", "--out", "{t}/out", needles=["thesis", "folder"]),
    c("sweep-grid-bad-toml", "sweep", "fit", "--grid", "{t}/badgrid.toml", "--out", "{t}/out", needles=["badgrid.toml", "TOML"]),
    c("sweep-grid-empty", "sweep", "fit", "--grid", "{t}/emptygrid.toml", "--out", "{t}/out", needles=["emptygrid.toml"]),
    c("sweep-grid-not-utf8", "sweep", "fit", "--grid", "{t}/latin1.toml", "--out", "{t}/out", needles=["latin1.toml", "UTF-8"]),
    c("sweep-grid-a-description", "sweep", "fit", "--grid", "{t}/desc.toml", "--out", "{t}/out", needles=["desc.toml"]),
    c("sweep-grid-an-image", "sweep", "fit", "--grid", "{t}/good.png", "--out", "{t}/out", needles=["good.png"]),
    c("sweep-task-unknown", *SWO, "--task", "conj", needles=["unknown task 'conj'"]),
    c("sweep-task-empty", *SWO, "--task", "", needles=["--task"]),
    c("sweep-task-comma-unknown", *SWO, "--task", "feature,colour", needles=["colour"]),
    c("sweep-seed-negative", *SWO, "--seed", "-1", needles=["seed"]),
    c("sweep-n-per-cell-zero", *SWO, "--n-per-cell", "0", needles=["--n-per-cell"]),
    c("sweep-n-per-cell-text", *SWO, "--n-per-cell", "ten", needles=["--n-per-cell", "'ten'"]),
    c("sweep-chunk-size-zero", *SWO, "--chunk-size", "0", needles=["--chunk-size"]),
    c("sweep-workers-zero", *SWO, "--workers", "0", needles=["--workers"]),
    c("sweep-workers-negative", *SWO, "--workers", "-2", needles=["--workers"]),
    c("sweep-executor-unknown", *SWO, "--executor", "threads", needles=["--executor"]),
    c("sweep-workers-and-scheduler", *SWO, "--workers", "2", "--scheduler", "tcp://127.0.0.1:1", needles=["not both"]),
    c("sweep-shard-text", *SWO, "--shard", "a/b", needles=["--shard"]),
    c("sweep-shard-zero-n", *SWO, "--shard", "0/0", needles=["--shard"]),
    c("sweep-shard-negative", *SWO, "--shard", "-1/2", needles=["--shard"]),
    c("sweep-shard-force", *SWO, "--shard", "0/2", "--force", needles=["--force with --shard"]),
    c("sweep-out-file", *SW, "--out", "{t}/afile", needles=["is a file, not a folder"]),
    c("sweep-out-file-force", *SW, "--out", "{t}/afile", "--force", needles=["is a file, not a folder"]),
    c("sweep-out-under-file", *SW, "--out", "{t}/afile/x", needles=["not a folder"]),
    c("sweep-out-proc", *SW, "--out", "/proc/psysim-corpus", needles=["/proc"]),
    c("sweep-out-foreign", *SW, "--out", "{t}/thesis", needles=["not written by psysim"]),
    c("sweep-out-foreign-force", *SW, "--out", "{t}/thesis", "--force", needles=["not written by psysim"]),
    c("sweep-out-user-file-force", *SW, "--out", "{t}/sweepout", "--force", needles=["mine.txt", "did not write"]),
    c("sweep-out-psysim-no-force", *SW, "--out", "{t}/run", needles=["already exists"]),
    c("sweep-out-planted-partial", *SW, "--out", "{t}/planted", "--force", needles=["not made by psysim"]),
    c("sweep-out-empty-folder", *SW, "--out", "{t}/emptydir", needles=["already exists (empty)"]),
    # -- fit ---------------------------------------------------------------------------------------------
    c("fit-missing-model", "fit", needles=["model"]),
    c("fit-unknown-model", "fit", "lba", "--out", "{t}/f", needles=["unknown model 'lba'"]),
    c("fit-misspelt-model", "fit", "gs66", "--out", "{t}/f", needles=["unknown model 'gs66'", "did you mean 'gs6'?"]),
    c("fit-data-missing", "fit", "fit", "--data", "{t}/nope.toml", "--out", "{t}/f", needles=["nope.toml"]),
    c("fit-data-unknown-builtin", "fit", "fit", "--data", "wolfe", "--out", "{t}/f", needles=["wolfe"]),
    c("fit-data-broken", "fit", "fit", "--data", "{t}/broken.toml", "--out", "{t}/f", needles=["broken.toml"]),
    c("fit-data-files-missing", "fit", "fit", "--data", "{t}/nofiles.toml", "--out", "{t}/f", needles=["missing.csv"]),
    c("fit-data-a-csv", "fit", "fit", "--data", "{t}/trials.csv", "--out", "{t}/f", needles=["trials.csv"]),
    c("fit-task-unknown", "fit", "fit", "--task", "colour", "--out", "{t}/f", needles=["--task colour", "not in the data"]),
    c("fit-subject-unknown", "fit", "fit", "--task", "feature", "--subject", "999", "--out", "{t}/f", needles=["--subject 999"]),
    c("fit-min-correct-zero", *FIT, "--min-correct", "0", "--out", "{t}/f", needles=["--min-correct"]),
    c("fit-seeds-zero", *FIT, "--seeds", "0", "--out", "{t}/f", needles=["--seeds"]),
    c("fit-starts-text", *FIT, "--starts", "many", "--out", "{t}/f", needles=["--starts"]),
    c("fit-maxiter-negative", *FIT, "--maxiter", "-1", "--out", "{t}/f", needles=["--maxiter"]),
    c("fit-n-sim-zero", *FIT, "--n-sim", "0", "--out", "{t}/f", needles=["--n-sim"]),
    c("fit-seed-negative", *FIT, "--seed", "-1", "--out", "{t}/f", needles=["seed"]),
    c("fit-shard-force", *FIT, "--shard", "0/2", "--force", "--out", "{t}/f", needles=["--force with --shard"]),
    c("fit-workers-zero", *FIT, "--workers", "0", "--out", "{t}/f", needles=["--workers"]),
    c("fit-out-file", *FIT, "--out", "{t}/afile", needles=["is a file, not a folder"]),
    c("fit-out-under-file", *FIT, "--out", "{t}/afile/f", needles=["not a folder"]),
    c("fit-out-proc", *FIT, "--out", "/proc/psysim-corpus", needles=["/proc"]),
    c("fit-out-user-fits-csv", *FIT, "--out", "{t}/fitsdir", needles=["fits.csv is already there"]),
    c("fit-out-user-fits-csv-force", *FIT, "--out", "{t}/fitsdir", "--force", needles=["fits.csv", "did not write"]),
    c("fit-out-planted-partial", *FIT, "--out", "{t}/planted", "--force", needles=["not made by psysim"]),
    # -- displays ----------------------------------------------------------------------------------------
    c("displays-missing-out", *D, needles=["--out"]),
    c("displays-unknown-task", *D, "--task", "colour", "--out", "{t}/d.png", needles=["unknown task 'colour'"]),
    c("displays-set-size-zero", *D, "--set-size", "0", "--out", "{t}/d.png", needles=["set size 0"]),
    c("displays-set-size-negative", *D, "--set-size", "-4", "--out", "{t}/d.png", needles=["-4"]),
    c("displays-set-size-text", *D, "--set-size", "twelve", "--out", "{t}/d.png", needles=["--set-size", "'twelve'"]),
    c("displays-set-size-huge", *D, "--set-size", "100000", "--out", "{t}/d.png", needles=["100000"]),
    c("displays-size-small", *D, "--size", "8", "--out", "{t}/d.png", needles=["--size 8"]),
    c("displays-size-huge", *D, "--size", "100000", "--out", "{t}/d.png", needles=["--size 100000"]),
    c("displays-size-text", *D, "--size", "big", "--out", "{t}/d.png", needles=["--size", "'big'"]),
    c("displays-seed-negative", *D, "--seed", "-1", "--out", "{t}/d.png", needles=["seed"]),
    c("displays-not-png", *D, "--out", "{t}/d.jpg", needles=["d.jpg", ".png"]),
    c("displays-no-suffix", *D, "--out", "{t}/d", needles=[".png"]),
    c("displays-out-folder", *D, "--out", "{t}/pic.png", needles=["is a folder"]),
    c("displays-out-under-file", *D, "--out", "{t}/afile/d.png", needles=["afile", "not a folder"]),
    c("displays-out-missing-folder", *D, "--out", "{t}/nodir/d.png", needles=["nodir", "does not exist"]),
    c("displays-out-proc", *D, "--out", "/proc/d.png", needles=["/proc"]),
    c("displays-out-user-png", *D, "--out", "{t}/user.png", needles=["did not write"]),
    c("displays-out-user-png-force", *D, "--out", "{t}/user.png", "--force", needles=["did not write"]),
    c("displays-out-user-png-other-software-force", *D, "--out", "{t}/good.png", "--force", needles=["did not write"]),
    c("displays-unknown-option", *D, "--colour", "red", "--out", "{t}/d.png", needles=["--colour"]),
    # -- saliency ----------------------------------------------------------------------------------------
    c("saliency-no-image", "saliency", "--out", "{t}/s", needles=["IMAGE"]),
    c("saliency-missing-out", *SAL, needles=["--out"]),
    c("saliency-missing-image", "saliency", "{t}/nope.png", "--out", "{t}/s", needles=["nope.png", "not found"]),
    c("saliency-image-folder", "saliency", "{t}/thesis", "--out", "{t}/s", needles=["thesis", "folder"]),
    c("saliency-empty-image", "saliency", "{t}/empty.png", "--out", "{t}/s", needles=["empty.png", "empty"]),
    c("saliency-text-image", "saliency", "{t}/text.png", "--out", "{t}/s", needles=["text.png", "not an image"]),
    c("saliency-truncated", "saliency", "{t}/trunc.png", "--out", "{t}/s", needles=["trunc.png"]),
    c("saliency-1x1", "saliency", "{t}/tiny.png", "--out", "{t}/s", needles=["1x1 px"]),
    c("saliency-small", "saliency", "{t}/small.png", "--out", "{t}/s", needles=["16x40 px"]),
    c("saliency-bomb", "saliency", "{t}/bomb.png", "--out", "{t}/s", needles=["20000x20000 px", "limit"]),
    c("saliency-bad-npy", "saliency", "{t}/data.npy", "--out", "{t}/s", needles=["data.npy"]),
    c("saliency-good-then-bad", "saliency", "{t}/good.png", "{t}/text.png", "--out", "{t}/s", needles=["text.png"]),
    c("saliency-duplicate-stem", "saliency", "{t}/good.png", "{t}/run/../good.png", "--out", "{t}/s", needles=["share the name"]),
    c("saliency-fixations-zero", *SAL, "--fixations", "0", "--out", "{t}/s", needles=["--fixations 0"]),
    c("saliency-fixations-negative", *SAL, "--fixations", "-3", "--out", "{t}/s", needles=["--fixations"]),
    c("saliency-fixations-text", *SAL, "--fixations", "ten", "--out", "{t}/s", needles=["--fixations", "'ten'"]),
    c("saliency-normalization", *SAL, "--normalization", "softmax", "--out", "{t}/s", needles=["--normalization"]),
    c("saliency-out-file", *SAL, "--out", "{t}/afile", needles=["is a file, not a folder"]),
    c("saliency-out-under-file", *SAL, "--out", "{t}/afile/s", needles=["not a folder"]),
    c("saliency-out-proc", *SAL, "--out", "/proc/psysim-corpus", needles=["/proc"]),
    c("saliency-out-existing-output", *SAL, "--out", "{t}/saldir", needles=["good_saliency.npy is already there"]),
    c("saliency-out-user-output-force", *SAL, "--out", "{t}/saldir", "--force", needles=["good_saliency.npy", "did not write"]),
    # -- cam ---------------------------------------------------------------------------------------------
    c("cam-missing-image-option", "cam", "--out", "{t}/c", needles=["--image"]),
    c("cam-missing-out", *CAM, needles=["--out"]),
    c("cam-image-missing", "cam", "--image", "{t}/nope.png", "--out", "{t}/c", needles=["nope.png", "not found"]),
    c("cam-image-folder", "cam", "--image", "{t}/thesis", "--out", "{t}/c", needles=["thesis"]),
    c("cam-image-empty", "cam", "--image", "{t}/empty.png", "--out", "{t}/c", needles=["empty.png"]),
    c("cam-image-text", "cam", "--image", "{t}/text.png", "--out", "{t}/c", needles=["text.png"]),
    c("cam-image-truncated", "cam", "--image", "{t}/trunc.png", "--out", "{t}/c", needles=["trunc.png"]),
    c("cam-image-1x1", "cam", "--image", "{t}/tiny.png", "--out", "{t}/c", needles=["1x1 px"]),
    c("cam-image-bomb", "cam", "--image", "{t}/bomb.png", "--out", "{t}/c", needles=["20000x20000 px", "limit"]),
    c("cam-checkpoint-missing", *CAM, "--checkpoint", "{t}/nope.pt", "--out", "{t}/c", needles=["nope.pt", "not found"]),
    c("cam-checkpoint-garbage", *CAM, "--checkpoint", "{t}/garbage.pt", "--out", "{t}/c", needles=["garbage.pt"]),
    c("cam-checkpoint-folder", *CAM, "--checkpoint", "{t}/thesis", "--out", "{t}/c", needles=["thesis"]),
    c("cam-checkpoint-an-image", *CAM, "--checkpoint", "{t}/good.png", "--out", "{t}/c", needles=["good.png"]),
    c("cam-checkpoint-empty", *CAM, "--checkpoint", "{t}/empty.png", "--out", "{t}/c", needles=["empty.png"]),
    *(c(f"cam-checkpoint-{name[3:-3].replace('_', '-')}", *CAM, "--checkpoint", "{t}/" + name, "--out", "{t}/c",
        needles=[name]) for name in ("ck_format_only.pt", "ck_config_text.pt", "ck_unknown_arch.pt", "ck_bad_config.pt",
                                     "ck_classes_number.pt", "ck_meta_size_text.pt", "ck_state_wrong.pt", "ck_a_list.pt")),
    c("cam-target-unknown", *CAM, "--target", "zebra", "--out", "{t}/c", needles=["--target 'zebra'"]),
    c("cam-target-index-out-of-range", *CAM, "--target", "99", "--out", "{t}/c", needles=["--target 99"]),
    c("cam-target-negative", *CAM, "--target", "-1", "--out", "{t}/c", needles=["--target -1"]),
    c("cam-method-unknown", *CAM, "--method", "scorecam", "--out", "{t}/c", needles=["--method"]),
    c("cam-layer-unknown", *CAM, "--layer", "conv99", "--out", "{t}/c", needles=["conv99"]),
    c("cam-out-file", *CAM, "--out", "{t}/afile", needles=["is a file, not a folder"]),
    c("cam-out-under-file", *CAM, "--out", "{t}/afile/c", needles=["not a folder"]),
    c("cam-out-proc", *CAM, "--out", "/proc/psysim-corpus", needles=["/proc"]),
    c("cam-out-existing-output", *CAM, "--out", "{t}/camdir", needles=["good_gradcam.json is already there"]),
    c("cam-out-user-output-force", *CAM, "--out", "{t}/camdir", "--force", needles=["good_gradcam.json", "did not write"]),
    # -- report ------------------------------------------------------------------------------------------
    c("report-missing-run", "report", needles=["run_dir"]),
    c("report-run-missing", "report", "{t}/nope", needles=["nope", "does not exist"]),
    c("report-run-a-file", "report", "{t}/afile", needles=["afile"]),
    c("report-no-metadata", "report", "{t}/nometa", needles=["metadata.json", "not a run folder"]),
    c("report-metadata-not-json", "report", "{t}/badmeta", needles=["metadata.json", "not valid JSON"]),
    c("report-metadata-a-list", "report", "{t}/listmeta", needles=["metadata.json", "experiment"]),
    c("report-metadata-no-experiment", "report", "{t}/noexp", needles=["no 'experiment'"]),
    c("report-unknown-experiment", "report", "{t}/unknownexp", needles=["no-such-experiment"]),
    c("report-sweep-folder", "report", "{t}/sweepout", needles=["experiment"]),
    c("report-truncated-run", "report", "{run}", needles=["summary.csv"]),
    c("report-lang-unknown", "report", "{run}", "--lang", "fr", needles=["--lang", "'fr'"]),
    c("report-out-not-html", "report", "{run}", "--out", "{t}/r.txt", needles=["r.txt", ".html"]),
    c("report-out-folder", "report", "{run}", "--out", "{t}/page.html", needles=["is a folder"]),
    c("report-out-user-html", "report", "{run}", "--out", "{t}/user.html", needles=["did not write"]),
    c("report-out-under-file", "report", "{run}", "--out", "{t}/afile/r.html", needles=["afile", "not a folder"]),
    c("report-out-missing-folder", "report", "{run}", "--out", "{t}/nodir/r.html", needles=["nodir", "does not exist"]),
    c("report-out-proc", "report", "{run}", "--out", "/proc/r.html", needles=["/proc"]),
    c("report-force-unknown", "report", "{run}", "--force", needles=["--force"]),
    # -- names longer than the file system allows (300 bytes), or too long for psysim's temporary names
    c("run-out-name-too-long", *R, "--out", "{t}/{long}", needles=["{long}"]),
    c("run-out-name-no-room-for-partial", *R, "--out", "{t}/{long245}", needles=["choose a shorter name"]),
    c("sweep-out-name-too-long", *SW, "--out", "{t}/{long}", needles=["{long}"]),
    c("sweep-grid-name-too-long", "sweep", "fit", "--grid", "{t}/{long}.toml", "--out", "{t}/out", needles=["{long}"]),
    c("fit-out-name-too-long", *FIT, "--out", "{t}/{long}", needles=["{long}"]),
    c("fit-data-name-too-long", "fit", "fit", "--data", "{t}/{long}.toml", "--out", "{t}/f", needles=["{long}"]),
    c("displays-out-name-too-long", *D, "--out", "{t}/{long}.png", needles=["{long}"]),
    c("displays-out-no-room-for-temporary", *D, "--out", "{t}/{long245}.png", needles=["choose a shorter name"]),
    c("saliency-out-name-too-long", *SAL, "--out", "{t}/{long}", needles=["{long}"]),
    c("saliency-image-name-too-long", "saliency", "{t}/{long}.png", "--out", "{t}/s", needles=["choose a shorter name"]),
    c("cam-out-name-too-long", *CAM, "--out", "{t}/{long}", needles=["{long}"]),
    c("cam-image-name-too-long", "cam", "--image", "{t}/{long}.png", "--out", "{t}/c", needles=["choose a shorter name"]),
    c("report-run-name-too-long", "report", "{t}/{long}", needles=["{long}"]),
    c("report-out-name-too-long", "report", "{run}", "--out", "{t}/{long}.html", needles=["{long}"]),
    c("data-name-too-long", "run", "compare-models", "--quick", "--data", "{t}/{long}.toml", "--out", "{t}/o",
      needles=["{long}"]),
    c("manifest-name-too-long", "run", "picture-naming", "--quick", "--set", "manifest={t}/{long}.csv", "--out", "{t}/o",
      needles=["{long}"]),
]
LONG = {"{long}": "n" * 300, "{long245}": "m" * 245}
CHECKPOINTS_USED = True  # (world() writes them; made once per session)


def _fill(text: str, t: Path) -> str:
    for k, v in LONG.items():
        text = text.replace(k, v)
    return text.replace("{t}", str(t)).replace("{run}", str(t / "run"))


def _argv(argv, t: Path) -> list[str]:
    return [_fill(a, t) for a in argv]


def check_one_line(rc, out: str, err: str, needles) -> str:
    lines = err.strip().splitlines()
    assert rc == 2, err
    assert "Traceback" not in err, err
    assert len(lines) == 1, err
    assert lines[0].startswith("psysim: error: "), err
    assert out == "", out
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


@pytest.fixture
def prepared(tmp_path, monkeypatch):
    t = tmp_path / "w"
    t.mkdir()
    world(t)
    monkeypatch.chdir(t)
    return t


@pytest.mark.parametrize("argv, needles", CASES)
def test_bad_invocation_is_one_line_exit_2_and_leaves_nothing(prepared, capsys, argv, needles):
    argv = _argv(argv, prepared)
    needles = [_fill(n, prepared) for n in needles]
    before = snapshot(prepared.parent)
    capsys.readouterr()
    rc = main(argv)
    out, err = capsys.readouterr()
    check_one_line(rc, out, err, needles)
    assert snapshot(prepared.parent) == before


def test_the_corpus_is_large_and_covers_every_command():
    from psysim.cli import build_parser

    assert len(CASES) >= 150
    firsts = {p.values[0][0] for p in CASES if p.values[0] and not p.values[0][0].startswith("-")}
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert set(sub.choices) <= firsts, set(sub.choices) - firsts
    assert len({p.id for p in CASES}) == len(CASES)


SUBPROCESS_CASES = [
    c("sp-no-command", needles=["give a command"]),
    c("sp-unknown-option", "run", "visual-search", "--bogus", needles=["--bogus"]),
    c("sp-bad-set", "run", "visual-search", "--quick", "--set", "n_per_cel=3", needles=["n_per_cel"]),
    c("sp-saliency-bomb", "saliency", "{t}/bomb.png", "--out", "{t}/s", needles=["20000x20000"]),
    c("sp-report-out-user-html", "report", "{run}", "--out", "{t}/user.html", needles=["did not write"]),
]


@pytest.mark.parametrize("argv, needles", SUBPROCESS_CASES)
def test_bad_invocation_as_a_process(prepared, argv, needles):
    before = snapshot(prepared.parent)
    proc = subprocess.run([sys.executable, "-m", "psysim.cli", *_argv(argv, prepared)], cwd=prepared,
                          capture_output=True, text=True, timeout=120)
    check_one_line(proc.returncode, proc.stdout, proc.stderr, needles)
    assert snapshot(prepared.parent) == before


def test_system_errors_about_a_path_are_one_line_and_others_keep_their_traceback(monkeypatch, capsys):
    import errno

    import psysim.cli.options as options_cli

    def fails_with(exc):
        def cmd(args):
            raise exc
        return cmd

    argv = ["options", "visual-search"]
    monkeypatch.setattr(options_cli, "cmd_options", fails_with(PermissionError(errno.EACCES, "Permission denied", "/srv/x")))
    assert main(argv) == 2
    assert capsys.readouterr().err == "psysim: error: /srv/x: Permission denied\n"
    monkeypatch.setattr(options_cli, "cmd_options", fails_with(FileNotFoundError(errno.ENOENT, "No such file", "/pkg/own.toml")))
    with pytest.raises(FileNotFoundError):  # psysim's own file missing: a bug to report, with its traceback
        main(argv)
    monkeypatch.setattr(options_cli, "cmd_options", fails_with(BrokenPipeError(errno.EPIPE, "Broken pipe")))
    assert main(argv) == 1  # `psysim options NAME | head -1`: the reader left; no traceback, no message
    assert capsys.readouterr().err == ""


def experiment_cases():
    """For every experiment: an unknown --set key, and each declared number below its range."""
    from psysim.options import declared
    from psysim.runs import list_experiments

    cases = []
    for name, mod in list_experiments().items():
        cases.append(pytest.param(name, "no_such_key", "1", ["no_such_key", name], id=f"{name}-unknown-key"))
        for opt in (declared(mod) or {}).values():
            if opt.type in (int, float) and opt.low is not None:
                bad = opt.low - 1
                cases.append(pytest.param(name, opt.name, str(bad), [opt.name], id=f"{name}-{opt.name}-below-range"))
    return cases


@pytest.mark.parametrize("experiment, key, value, needles", experiment_cases())
def test_every_experiments_options_are_checked_before_any_work(prepared, capsys, experiment, key, value, needles):
    before = snapshot(prepared.parent)
    capsys.readouterr()
    rc = main(["run", experiment, "--quick", "--set", f"{key}={value}"])  # default --out: runs/ in the folder
    out, err = capsys.readouterr()
    check_one_line(rc, out, err, needles)
    assert snapshot(prepared.parent) == before
