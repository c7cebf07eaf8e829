"""Output paths: nothing psysim did not write is deleted or overwritten, and every bad ``--out``
is one line (exit 2) before any work starts (issue 20, items 1, 2 and 5)."""

from __future__ import annotations

import json
import types
from pathlib import Path

import pytest
from PIL import Image

from psysim.cli import main
from psysim.errors import PsysimError
from psysim.paths import (
    HTML_GENERATOR,
    check_output,
    foreign_entries,
    psysim_html,
    psysim_png,
    read_marker,
)
from psysim.runs import execute

GRID = 'tasks = ["feature"]\nn_per_cell = 10\nset_sizes = [3, 6]\n[params]\nper_item = [10, 20]\n'


def _plain_run(ctx):
    (ctx.out / "x.txt").write_text(f"{ctx.seed}\n")
    (ctx.out / "sub").mkdir()
    (ctx.out / "sub" / "y.txt").write_text("y\n")


PLAIN = types.SimpleNamespace(NAME="plain", DESCRIPTION="two files", run=_plain_run)


def _snapshot(root):
    return sorted((p.relative_to(root).as_posix(), p.read_bytes() if p.is_file() else None) for p in root.rglob("*"))


def one_line_exit_2(argv, capsys, *needles):
    capsys.readouterr()
    rc = main([str(a) for a in argv])
    err = capsys.readouterr().err.strip()
    assert rc == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for n in needles:
        assert n in err, err
    return err


@pytest.fixture
def user_dir(tmp_path):
    d = tmp_path / "thesis"
    d.mkdir()
    (d / "thesis.tex").write_text("\\documentclass{article} years of work\n")
    return d


@pytest.fixture
def image(tmp_path):
    path = tmp_path / "img.png"
    Image.new("RGB", (64, 48), (30, 90, 200)).save(path)
    return path


def test_force_replaces_a_run_folder_psysim_wrote_and_records_its_files(tmp_path):
    out = execute(PLAIN, out=tmp_path / "r", seed=1)
    meta = read_marker(out)
    assert meta["files"] == ["sub/y.txt", "x.txt"]
    assert foreign_entries(out, meta) == []
    with pytest.raises(PsysimError, match="already exists; choose another --out or pass --force"):
        execute(PLAIN, out=out, seed=2)
    execute(PLAIN, out=out, seed=2, force=True)
    assert (out / "x.txt").read_text() == "2\n"
    (out / "report.ja.html").write_text(f"<!DOCTYPE html><head>{HTML_GENERATOR}")  # what `psysim report --lang ja` adds
    execute(PLAIN, out=out, seed=3, force=True)
    assert (out / "x.txt").read_text() == "3\n" and not (out / "report.ja.html").exists()
    (out / "report.ja.html").write_text("<!DOCTYPE html><p>mine</p>")  # named like one, but the user's
    with pytest.raises(PsysimError, match="holds 'report.ja.html', which psysim did not write"):
        execute(PLAIN, out=out, seed=4, force=True)


def test_force_replaces_an_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(PsysimError, match=r"already exists \(empty\)"):
        execute(PLAIN, out=tmp_path / "empty")
    execute(PLAIN, out=tmp_path / "empty", force=True)
    assert (tmp_path / "empty" / "x.txt").is_file()


def test_force_keeps_a_user_file_planted_in_a_psysim_run_folder(tmp_path):
    out = execute(PLAIN, out=tmp_path / "r", seed=1)
    (out / "sub" / "notes.md").write_text("mine")
    before = _snapshot(tmp_path)
    with pytest.raises(PsysimError, match=r"holds 'sub/notes.md', which psysim did not write") as err:
        execute(PLAIN, out=out, seed=2, force=True)
    assert "\n" not in str(err.value) and "pass --force" not in str(err.value)
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("marker", [None, "not json", '{"experiment": "x"}', '{"versions": {"numpy": "2"}}'])
def test_a_folder_without_psysim_marker_is_refused_even_with_force(user_dir, marker):
    if marker is not None:
        (user_dir / "metadata.json").write_text(marker)
    before = _snapshot(user_dir.parent)
    for force in (False, True):
        with pytest.raises(PsysimError, match="was not written by psysim") as err:
            execute(PLAIN, out=user_dir, force=force)
        assert "pass --force" not in str(err.value)  # no advice to delete a user's folder
    assert _snapshot(user_dir.parent) == before


def test_every_command_with_force_on_a_users_folder_leaves_it_alone(tmp_path, user_dir, image, capsys):
    (tmp_path / "g.toml").write_text(GRID)
    (user_dir / "own.png").write_bytes(image.read_bytes())  # a user's picture, not drawn by psysim
    (user_dir / "own.html").write_text("<!DOCTYPE html><p>mine</p>")
    run_dir = tmp_path / "vsrun"
    run_dir.mkdir()
    (run_dir / "metadata.json").write_text(json.dumps({"experiment": "visual-search", "versions": {"psysim": "0"}}))
    (user_dir / "img_saliency.npy").write_bytes(b"mine")
    (user_dir / "img_gradcam.json").write_text("mine")
    (user_dir / "fits.csv").write_text("mine")
    before = _snapshot(tmp_path)
    cases = [
        (["run", "visual-search", "--quick", "--out", user_dir, "--force"], "not written by psysim"),
        (["sweep", "fit", "--grid", tmp_path / "g.toml", "--out", user_dir, "--force", "--no-progress"], "not written by psysim"),
        (["displays", "--out", user_dir / "own.png", "--force"], "did not write"),
        (["report", run_dir, "--out", user_dir / "own.html"], "did not write"),
        (["saliency", image, "--out", user_dir], "img_saliency.npy is already there"),
        (["cam", "--image", image, "--out", user_dir], "img_gradcam"),
        (["fit", "fit", "--task", "feature", "--subject", "1", "--out", user_dir], "fits.csv is already there"),
    ]
    for argv, needle in cases:
        err = one_line_exit_2(argv, capsys, needle)
        assert "pass --force" not in err or argv[0] in ("saliency", "cam", "fit")  # only where it replaces psysim's names
        assert _snapshot(tmp_path) == before, argv


@pytest.mark.parametrize("force", [False, True])
def test_out_an_existing_file_is_refused_before_work_and_leaves_no_partial(tmp_path, capsys, force):
    (tmp_path / "g.toml").write_text(GRID)
    (tmp_path / "results").write_text("mine")
    before = _snapshot(tmp_path)
    extra = ["--force"] if force else []
    one_line_exit_2(["run", "visual-search", "--quick", "--out", tmp_path / "results", *extra], capsys, "is a file, not a folder")
    one_line_exit_2(["sweep", "fit", "--grid", tmp_path / "g.toml", "--out", tmp_path / "results", *extra], capsys,
                    "is a file, not a folder")
    assert _snapshot(tmp_path) == before  # in particular no hidden .results.partial/


def _commands(tmp_path, image, out_dir, out_file):
    (tmp_path / "g.toml").write_text(GRID)
    run_dir = tmp_path / "vsrun"
    run_dir.mkdir(exist_ok=True)
    (run_dir / "metadata.json").write_text(json.dumps({"experiment": "visual-search", "versions": {"psysim": "0"}}))
    return [
        ["run", "visual-search", "--quick", "--out", out_dir],
        ["sweep", "fit", "--grid", tmp_path / "g.toml", "--out", out_dir, "--no-progress"],
        ["fit", "fit", "--task", "feature", "--subject", "1", "--out", out_dir],
        ["saliency", image, "--out", out_dir],
        ["cam", "--image", image, "--out", out_dir],
        ["displays", "--out", f"{out_file}.png"],
        ["report", run_dir, "--out", f"{out_file}.html"],
    ]


@pytest.mark.parametrize("where", ["/proc/psysim-test/out", "under-a-file"])
def test_out_in_an_unwritable_place_or_under_a_file_is_one_line(tmp_path, image, capsys, where):
    (tmp_path / "plain.txt").write_text("a file")
    base = tmp_path / "plain.txt" / "out" if where == "under-a-file" else Path(where)
    needle = "is a file, not a folder" if where == "under-a-file" else "cannot write in /proc"
    commands = _commands(tmp_path, image, base, base.parent if where != "under-a-file" else base)
    before = _snapshot(tmp_path)
    for argv in commands:
        one_line_exit_2(argv, capsys, needle)
    assert _snapshot(tmp_path) == before


def test_displays_and_report_with_out_an_existing_folder(tmp_path, capsys):
    (tmp_path / "pic.png").mkdir()
    (tmp_path / "page.html").mkdir()
    run_dir = tmp_path / "vsrun"
    run_dir.mkdir()
    (run_dir / "metadata.json").write_text(json.dumps({"experiment": "visual-search", "versions": {"psysim": "0"}}))
    one_line_exit_2(["displays", "--out", tmp_path / "pic.png"], capsys, "is a folder")
    one_line_exit_2(["report", run_dir, "--out", tmp_path / "page.html"], capsys, "is a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html", "pic.png", "vsrun"]


def test_displays_replaces_only_its_own_png_and_only_with_force(tmp_path, capsys):
    out = tmp_path / "d.png"
    assert main(["displays", "--out", str(out), "--size", "64"]) == 0
    assert psysim_png(out)
    first = out.read_bytes()
    one_line_exit_2(["displays", "--out", out, "--size", "64", "--seed", "1"], capsys, "already exists", "pass --force")
    assert out.read_bytes() == first
    assert main(["displays", "--out", str(out), "--size", "64", "--seed", "1", "--force"]) == 0
    assert out.read_bytes() != first and psysim_png(out)


def test_psysim_html_knows_its_reports(tmp_path):
    from psysim.report import Report

    page = Report("t").write(tmp_path / "anywhere.html")
    assert psysim_html(page)
    (tmp_path / "other.html").write_text("<!DOCTYPE html><p>mine</p>")
    assert not psysim_html(tmp_path / "other.html")
    (tmp_path / "report.html").write_text("<!DOCTYPE html><p>old psysim report</p>")
    assert not psysim_html(tmp_path / "report.html")  # not in a folder psysim wrote
    (tmp_path / "metadata.json").write_text(json.dumps({"versions": {"psysim": "0"}}))
    assert psysim_html(tmp_path / "report.html")


def test_check_output_kinds(tmp_path):
    (tmp_path / "f.txt").write_text("x")
    assert check_output(tmp_path / "new" / "deeper", kind="run") == tmp_path / "new" / "deeper"
    assert not (tmp_path / "new").exists()  # checking writes nothing
    assert check_output(tmp_path, kind="folder") == tmp_path
    with pytest.raises(PsysimError, match="folder .*missing.* does not exist"):
        check_output(tmp_path / "missing" / "a.png", kind="file")
    with pytest.raises(PsysimError, match="give a folder name"):
        check_output(tmp_path / "..", kind="run")
    (tmp_path / "link").symlink_to(tmp_path / "f.txt")
    with pytest.raises(PsysimError, match="symbolic link"):
        check_output(tmp_path / "link", kind="run", force=True)
    with pytest.raises(ValueError, match="kind"):
        check_output(tmp_path / "x", kind="zip")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt", "link"]


def test_sweep_force_replaces_its_own_folder_but_not_a_user_file_put_in_it(tmp_path, capsys):
    (tmp_path / "g.toml").write_text(GRID)
    out = tmp_path / "sw"
    argv = ["sweep", "fit", "--grid", tmp_path / "g.toml", "--out", out, "--no-progress"]
    assert main([str(a) for a in argv]) == 0
    assert read_marker(out)["files"] == ["cells.csv", "grid.toml", "sweep.csv"]
    (out / "thesis.tex").write_text("mine")
    before = _snapshot(tmp_path)
    one_line_exit_2([*argv, "--force", "--seed", "1"], capsys, "holds 'thesis.tex', which psysim did not write")
    assert _snapshot(tmp_path) == before
    (out / "thesis.tex").unlink()
    assert main([str(a) for a in [*argv, "--force", "--seed", "1"]]) == 0
    assert read_marker(out)["seed"] == 1


@pytest.mark.parametrize("planted", ["file", "folder"])
def test_a_hidden_partial_that_psysim_did_not_make_is_left_alone(tmp_path, capsys, planted):
    (tmp_path / "g.toml").write_text(GRID)
    partial = tmp_path / ".out.partial"
    if planted == "file":
        partial.write_text("mine")
    else:
        partial.mkdir()
        (partial / "notes.txt").write_text("mine")
    before = _snapshot(tmp_path)
    out = tmp_path / "out"
    for argv in (["run", "visual-search", "--quick", "--out", out, "--force"],
                 ["sweep", "fit", "--grid", tmp_path / "g.toml", "--out", out, "--force", "--no-progress"],
                 ["fit", "fit", "--task", "feature", "--subject", "1", "--out", out, "--force"]):
        one_line_exit_2(argv, capsys, f"{partial} is in the way and was not made by psysim")
    assert _snapshot(tmp_path) == before
    execute(PLAIN, out=tmp_path / "ok")  # a partial psysim made (with checkpoints/) is its own
    assert not (tmp_path / ".ok.partial").exists()
