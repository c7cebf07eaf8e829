"""A catalogue of malformed input: every case gives one line naming the problem and the place.

Command-line cases run ``psysim.cli.main`` and check: exit code 2, exactly one line on stderr
starting ``psysim: error:``, the expected words (what and where), no traceback, and that
nothing was written (the folder holds only the input files afterwards). Data-file, data-folder
and image cases call the library functions that every command uses to read them and check the
one-line :class:`PsysimError` the command would print.
"""

from __future__ import annotations

import os
import struct
import zlib

import numpy as np
import pytest

from psysim.cli import main
from psysim.errors import PsysimError

GOOD_GRID = "[params]\nper_item = [10, 20]\n"


def grid_case(id_, text, *fragments, extra=(), model="fit"):
    """A sweep run on a grid file ``g.toml`` holding ``text``."""
    files = {"g.toml": text}
    argv = ["sweep", model, "--grid", "{tmp}/g.toml", "--out", "{tmp}/out", "--no-progress", *extra]
    return pytest.param(files, argv, fragments, id=id_)


def cli_case(id_, argv, *fragments, files=None):
    return pytest.param(files or {}, argv, fragments, id=id_)


CLI_CASES = [
    # -- grid files (config / TOML) ------------------------------------------------------
    cli_case("grid-missing", ["sweep", "fit", "--grid", "{tmp}/nope.toml", "--out", "{tmp}/out"], "nope.toml", "file not found"),
    grid_case("grid-empty-file", "", "g.toml", "empty"),
    grid_case("grid-bad-toml", "[params\nper_item = [1", "g.toml", "not valid TOML", "line 1"),
    grid_case("grid-not-utf8", b"\xff\xfe[params]\n", "g.toml", "not UTF-8"),
    grid_case("grid-no-params-table", 'model = "fit"\n', "g.toml", "no [params]", "no points"),
    grid_case("grid-empty-params", "[params]\n", "g.toml", "[params] is empty", "no points"),
    grid_case("grid-empty-list", "[params]\nper_item = []\n", "g.toml", "params.per_item", "empty list", "no points"),
    grid_case("grid-range-num-0", "[params]\nper_item = {start = 0, stop = 9, num = 0}\n", "params.per_item.num", "no points"),
    grid_case("grid-range-missing-stop", "[params]\nper_item = {start = 0, num = 3}\n", "params.per_item", "needs stop"),
    grid_case("grid-non-numeric-value", '[params]\nper_item = [10, "fast"]\n', "params.per_item[1]", "expected a number", "'fast'"),
    grid_case("grid-bool-value", "[fixed]\nbase = true\n" + GOOD_GRID, "fixed.base", "expected a number"),
    grid_case("grid-nan-value", "[params]\nper_item = [nan]\n", "params.per_item[0]", "finite number"),
    grid_case("grid-out-of-bounds", "[params]\nper_item = [10, 500]\n", "params.per_item[1]", "per_item", "outside its bounds"),
    grid_case("grid-negative-probability", "[params]\np_miss = [-0.1]\n", "params.p_miss[0]", "outside its bounds"),
    grid_case("grid-unknown-parameter", "[params]\nper_itme = [10]\n", "params.per_itme", "no parameter 'per_itme'"),
    grid_case("grid-misspelt-key", "parms = 1\n" + GOOD_GRID, "g.toml", "unknown key(s) parms"),
    grid_case("grid-wrong-type-set-sizes", 'set_sizes = "3,6"\n' + GOOD_GRID, "g.toml", "set_sizes", "list"),
    grid_case("grid-set-size-0", "set_sizes = [0, 6]\n" + GOOD_GRID, "set_sizes[0]", "at least 1, got 0"),
    grid_case("grid-fractional-n-per-cell", "n_per_cell = 2.5\n" + GOOD_GRID, "n_per_cell", "whole number"),
    grid_case("grid-unknown-task", 'tasks = ["conj"]\n' + GOOD_GRID, "tasks", "unknown task 'conj'"),
    grid_case("grid-log-range-from-0", "[params]\nper_item = {start = 0, stop = 9, num = 3, log = true}\n", "params.per_item", "log range"),
    grid_case("grid-zip-unequal", 'mode = "zip"\n[params]\nper_item = [1, 2]\nbase = [400]\n', "zip", "equal length"),
    grid_case("grid-other-model", 'model = "cgs"\n' + GOOD_GRID, "g.toml", "for model 'cgs'"),
    grid_case("grid-swept-and-fixed", "[fixed]\nper_item = 5\n" + GOOD_GRID, "per_item", "both swept and fixed"),
    # -- command line ----------------------------------------------------------------------
    grid_case("unknown-model", GOOD_GRID, "unknown model 'fitt'", model="fitt"),
    grid_case("unknown-task-option", GOOD_GRID, "--task", "unknown task 'conj'", extra=("--task", "conj")),
    grid_case("workers-zero", GOOD_GRID, "--workers", ">= 1", extra=("--workers", "0")),
    grid_case("workers-not-a-number", GOOD_GRID, "--workers", "'two'", extra=("--workers", "two")),
    grid_case("workers-and-scheduler", GOOD_GRID, "not both", extra=("--workers", "2", "--scheduler", "tcp://127.0.0.1:8786")),
    grid_case("scheduler-bad-address", GOOD_GRID, "--scheduler", "cannot connect", extra=("--scheduler", "no-port-here")),
    grid_case("n-per-cell-negative", GOOD_GRID, "--n-per-cell", ">= 1", extra=("--n-per-cell", "-5")),
    grid_case("seed-not-a-number", GOOD_GRID, "seed", "'x'", extra=("--seed", "x")),
    grid_case("shard-out-of-range", GOOD_GRID, "--shard", "'3/2'", extra=("--shard", "3/2")),
    grid_case("shard-with-force", GOOD_GRID, "--force with --shard", extra=("--shard", "0/2", "--force")),
    grid_case("out-inside-a-file", GOOD_GRID, "afile", "not a folder", extra=("--out", "{tmp}/afile/out")),
    grid_case("grid-is-a-folder", GOOD_GRID, "is a folder", extra=("--grid", "{tmp}")),
    cli_case("sweep-missing-grid-option", ["sweep", "fit", "--out", "{tmp}/out"], "--grid"),
    cli_case("run-unknown-experiment", ["run", "visual-serch"], "unknown experiment 'visual-serch'"),
    cli_case("run-negative-seed", ["run", "visual-search", "--seed", "-1"], "seed", "-1"),
    cli_case("run-bad-set-option", ["run", "visual-search", "--set", "n_per_cell", "--out", "{tmp}/out"], "--set", "KEY=VALUE"),
    cli_case("run-bad-option-value", ["run", "visual-search", "--quick", "--set", "n_per_cell=many", "--out", "{tmp}/out"], "n_per_cell", "'many'"),
    cli_case("run-out-inside-a-file", ["run", "visual-search", "--quick", "--out", "{tmp}/afile/run"], "afile", "not a folder"),
    cli_case("displays-unknown-task", ["displays", "--task", "nope", "--out", "{tmp}/d.png"], "unknown task 'nope'"),
    cli_case("displays-set-size-0", ["displays", "--set-size", "0", "--out", "{tmp}/d.png"], "set size 0"),
    cli_case("displays-not-png", ["displays", "--out", "{tmp}/d.jpg"], "d.jpg", ".png"),
    cli_case("displays-missing-folder", ["displays", "--out", "{tmp}/nodir/d.png"], "nodir", "does not exist"),
]


@pytest.mark.parametrize("files, argv, fragments", CLI_CASES)
def test_cli_bad_input(tmp_path, capsys, files, argv, fragments):
    (tmp_path / "afile").write_text("I am a file, not a folder\n")
    for name, content in files.items():
        p = tmp_path / name
        p.write_bytes(content) if isinstance(content, bytes) else p.write_text(content)
    before = sorted(p.name for p in tmp_path.iterdir())
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse usage errors
        rc = exc.code
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert rc == 2, err
    assert len(lines) == 1 and lines[0].startswith("psysim: error:"), err
    assert "Traceback" not in err and out == ""
    for f in fragments:
        assert f.replace("{tmp}", str(tmp_path)) in lines[0], (f, lines[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written, nothing partial


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write anywhere")
def test_cli_output_folder_not_writable(tmp_path, capsys):
    (tmp_path / "g.toml").write_text(GOOD_GRID)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        rc = main(["sweep", "fit", "--grid", str(tmp_path / "g.toml"), "--out", str(locked / "out"), "--no-progress"])
    finally:
        locked.chmod(0o700)
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1 and "cannot write the output folder" in err
    assert list(locked.iterdir()) == []


# -- data files and folders ------------------------------------------------------------------
HEAD = "subject,task,set_size,target_present,response,rt\n"
ROW = "1,feature,3,1,1,512\n"

DATA_CASES = [
    pytest.param("", {}, ("d.csv", "empty"), id="data-empty-file"),
    pytest.param(HEAD, {}, ("d.csv", "no rows"), id="data-header-only"),
    pytest.param(HEAD.replace(",", ";") + ROW.replace(",", ";"), {}, ("d.csv", "';' as delimiter"), id="data-wrong-delimiter"),
    pytest.param(HEAD.replace(",response", "") + "1,feature,3,1,512\n", {}, ("d.csv", "missing column", "'response'"), id="data-missing-column"),
    pytest.param(HEAD.replace("set_size", "setsize") + ROW, {}, ("d.csv", "'set_size'", "did you mean 'setsize'"), id="data-misspelt-column"),
    pytest.param(HEAD + "1,feature,3,1,1,0.52\n1,feature,6,1,1,0.61\n", {}, ("d.csv", "'rt'", "looks like seconds"), id="data-rt-in-seconds"),
    pytest.param(HEAD + ROW + "1,feature,3,1,1,-40\n", {}, ("d.csv", "line 3", "not a positive"), id="data-negative-rt"),
    pytest.param(HEAD + ROW + "1,feature,3,1,1,\n", {}, ("d.csv", "'rt' line 3", "empty value"), id="data-nan-rt"),
    pytest.param(HEAD + ROW + "1,feature,3,1,1,quick\n", {}, ("d.csv", "line 3", "'quick' is not a number"), id="data-text-rt"),
    pytest.param(HEAD + "1,featur,3,1,1,500\n", {}, ("d.csv", "line 2", "unknown task 'featur'"), id="data-unknown-task"),
    pytest.param(HEAD + "1,feature,0,1,1,500\n", {}, ("d.csv", "'set_size' line 2", "below 1"), id="data-set-size-0"),
    pytest.param(HEAD + "1,feature,3.5,1,1,500\n", {}, ("d.csv", "'set_size' line 2", "3.5 is not a whole number"), id="data-fractional-set-size"),
    pytest.param(HEAD + "1,feature,3,maybe,1,500\n", {}, ("d.csv", "'target_present' line 2", "'maybe'"), id="data-bad-yes-no"),
    pytest.param(HEAD + "1,feature,3,1,1,500,9,9\n", {}, ("d.csv", "more fields than the header"), id="data-ragged-rows"),
    pytest.param("subject,task\n\"unclosed,feature\n", {}, ("d.csv",), id="data-malformed-quotes"),
    pytest.param((HEAD + "1,f\xe9ature,3,1,1,500\n").encode("latin-1"), {}, ("d.csv", "not UTF-8"), id="data-not-utf8"),
    pytest.param(HEAD + ROW, {"rt_unit": "min"}, ("d.csv", "rt_unit", "'min'"), id="data-unknown-rt-unit"),
]


@pytest.mark.parametrize("content, kwargs, fragments", DATA_CASES)
def test_data_file_bad_input(tmp_path, content, kwargs, fragments):
    from psysim.data import read_trials_csv

    p = tmp_path / "d.csv"
    p.write_bytes(content) if isinstance(content, bytes) else p.write_text(content)
    with pytest.raises(PsysimError) as info:
        read_trials_csv(p, **kwargs)
    msg = str(info.value)
    assert "\n" not in msg
    for f in fragments:
        assert f in msg, (f, msg)


def test_data_file_missing(tmp_path):
    from psysim.data import read_trials_csv

    with pytest.raises(PsysimError, match="nope.csv: file not found"):
        read_trials_csv(tmp_path / "nope.csv")


def test_data_directory_that_does_not_exist(tmp_path, monkeypatch):
    from psysim.data import load_wolfe2010
    from psysim.resources import data_dir

    monkeypatch.setenv("PSYSIM_DATA", str(tmp_path / "no-such-dir"))
    with pytest.raises(PsysimError, match="PSYSIM_DATA=.*no-such-dir: no such directory"):
        data_dir()
    with pytest.raises(PsysimError, match="wolfe2010.*not found; download it from"):
        load_wolfe2010(root=tmp_path)


# -- images ----------------------------------------------------------------------------------
def png_bytes(w: int, h: int) -> bytes:
    """A valid 8-bit grey PNG written by hand (no Pillow), for truncation cases."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(range(w)) for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


IMAGE_FILE_CASES = [
    pytest.param(b"", ("im.png", "empty"), id="image-empty-file"),
    pytest.param(b"this is text, not a picture\n", ("im.png", "not an image"), id="image-not-an-image"),
    pytest.param(png_bytes(64, 64)[:60], ("im.png", "corrupt or truncated"), id="image-truncated"),
    pytest.param(png_bytes(8, 8), ("im.png", "8x8 px", "at least"), id="image-too-small"),
]


@pytest.mark.parametrize("content, fragments", IMAGE_FILE_CASES)
def test_image_file_bad_input(tmp_path, content, fragments):
    from psysim.saliency import load_image

    p = tmp_path / "im.png"
    p.write_bytes(content)
    with pytest.raises(PsysimError) as info:
        load_image(p)
    msg = str(info.value)
    assert "\n" not in msg
    for f in fragments:
        assert f in msg, (f, msg)


def test_image_good_png_loads(tmp_path):
    """The hand-written PNG of the cases above is itself valid (so the cases test what they say)."""
    from psysim.saliency import load_image

    p = tmp_path / "ok.png"
    p.write_bytes(png_bytes(64, 48))
    assert load_image(p).shape == (48, 64, 3)


@pytest.mark.parametrize(
    "array, fragment",
    [
        pytest.param(np.full((64, 64, 3), np.nan), "NaN", id="image-array-nan"),
        pytest.param(-np.ones((64, 64)), "negative", id="image-array-negative"),
        pytest.param(np.zeros((2, 64, 64, 5)), "5 channels", id="image-array-5-channels"),
        pytest.param(np.zeros((0, 64, 3)), "empty", id="image-array-empty"),
    ],
)
def test_image_array_bad_input(array, fragment):
    from psysim.saliency import as_rgb

    with pytest.raises(PsysimError) as info:
        as_rgb(array, where="stimulus 3")
    msg = str(info.value)
    assert msg.startswith("stimulus 3: ") and fragment in msg and "\n" not in msg




# -- images through the command line (the saliency command) ---------------------------------
IMAGE_CLI_CASES = [
    pytest.param(None, ("im.png", "file not found"), id="saliency-missing-image"),
    pytest.param(b"", ("im.png", "empty"), id="saliency-empty-image"),
    pytest.param(b"GIF89a not really", ("im.png", "not an image"), id="saliency-unreadable-image"),
    pytest.param(png_bytes(64, 64)[:70], ("im.png", "corrupt or truncated"), id="saliency-truncated-png"),
    pytest.param(png_bytes(16, 40), ("im.png", "16x40 px"), id="saliency-image-too-small"),
]


@pytest.mark.parametrize("content, fragments", IMAGE_CLI_CASES)
def test_cli_image_bad_input(tmp_path, capsys, content, fragments):
    from psysim.cli import COMMANDS

    if "psysim.cli.saliency" not in COMMANDS:
        pytest.skip("no saliency command")
    good = tmp_path / "good.png"
    good.write_bytes(png_bytes(64, 64))
    if content is not None:
        (tmp_path / "im.png").write_bytes(content)
    before = sorted(p.name for p in tmp_path.iterdir())
    rc = main(["saliency", str(good), str(tmp_path / "im.png"), "--out", str(tmp_path / "sal")])
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert rc == 2 and len(lines) == 1 and lines[0].startswith("psysim: error:"), err
    for f in fragments:
        assert f in lines[0], (f, lines[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # the good image's outputs neither


def test_catalogue_is_large():
    n = len(CLI_CASES) + len(DATA_CASES) + len(IMAGE_FILE_CASES) + len(IMAGE_CLI_CASES) + 4 + 2
    assert n >= 30


def test_cli_resuming_with_other_settings_is_refused_in_one_line(tmp_path, capsys):
    """An interrupted sweep's checkpoints are never mixed with a run of other settings."""
    from psysim.executor import Checkpoints

    (tmp_path / "g.toml").write_text(GOOD_GRID)
    partial = tmp_path / ".out.partial" / "checkpoints"
    Checkpoints(partial, seed=1, fingerprint={"model": "fit"}).save("point-0", {"rows": [], "cells": []})
    before = sorted(p.name for p in partial.iterdir())
    rc = main(["sweep", "fit", "--grid", str(tmp_path / "g.toml"), "--out", str(tmp_path / "out"), "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1, err
    assert "holds checkpoints of a different run" in err and "seed 1 there, 0 now" in err
    assert sorted(p.name for p in partial.iterdir()) == before and not (tmp_path / "out").exists()


def test_did_you_mean_suggests_only_a_close_name():
    from psysim.errors import did_you_mean

    assert did_you_mean("gs66", ["cgs", "gs", "gs6", "fit"]) == " (did you mean 'gs6'?)"
    assert did_you_mean("visual-serch", ["visual-search", "cnn-search"]) == " (did you mean 'visual-search'?)"
    assert did_you_mean("lba", ["cgs", "gs6", "saliency"]) == ""
    assert did_you_mean("zzz", []) == ""
