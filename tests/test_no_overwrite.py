"""No psysim command can delete or overwrite a file it did not create (issue 20, "Done when").

Every command that writes (found from the parser: each has ``--out``) is tried against a target
folder holding a user's file and a user's folder with a file in it, with and without
``--force``, where psysim's output would land on them: the command exits 2 with one line, and
the whole tree is byte-identical afterwards. Where the user's things do not collide with
psysim's output names, a command that writes into an existing folder (and its ``--force`` rerun)
succeeds and leaves them byte-identical too.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from PIL import Image

from psysim.cli import build_parser, main

THESIS = b"\\documentclass{article} years of work\n"
RAW = b"subject,rt\n1,512\n"
GRID = "[params]\nper_item = [10, 20]\n"


def snapshot(root: Path) -> list:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        out += [(os.path.relpath(os.path.join(dirpath, d), root), None) for d in dirnames]
        for f in filenames:
            with open(os.path.join(dirpath, f), "rb") as fh:
                out.append((os.path.relpath(os.path.join(dirpath, f), root), fh.read()))
    return sorted(out, key=lambda e: e[0])


def user_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 200, 10)).save(buf, format="PNG")  # no psysim Software chunk
    return buf.getvalue()


def plant(folder: Path, name: str | None = None, as_folder: bool = False) -> None:
    """A user's file and a user's folder with a file; ``name``: also a user's thing of that name."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "thesis.tex").write_bytes(THESIS)
    (folder / "data").mkdir(exist_ok=True)
    (folder / "data" / "raw.csv").write_bytes(RAW)
    if name is not None:
        if as_folder:
            (folder / name).mkdir()
            (folder / name / "inside.txt").write_bytes(b"mine")
        else:
            (folder / name).write_bytes(user_png() if name.endswith(".png") else b"mine")


def psysim_like_run_folder(folder: Path, experiment: str = "visual-search") -> None:
    """A folder whose marker says psysim wrote it (and ``x.txt``), before the user's things went in."""
    folder.mkdir(parents=True)
    (folder / "x.txt").write_bytes(b"psysim's\n")
    (folder / "metadata.json").write_text(json.dumps({"experiment": experiment, "versions": {"psysim": "0"},
                                                      "files": ["x.txt"]}))


def image(tmp: Path) -> Path:
    im = Image.new("RGB", (64, 48), (128, 128, 128))
    im.paste((200, 20, 20), (16, 12, 32, 24))
    im.save(tmp / "img.png")
    return tmp / "img.png"


def setup_command(command: str, tmp: Path, as_folder: bool) -> list:
    """The target folder ``tmp/target`` for ``command`` with the user's things planted; the argv."""
    t = tmp / "target"
    if command in ("run", "sweep"):  # a folder psysim builds whole: a psysim-looking one, added to
        psysim_like_run_folder(t)
        plant(t, "notes" if as_folder else "notes.md", as_folder)
        (tmp / "g.toml").write_text(GRID)
        return (["run", "visual-search", "--quick", "--out", t] if command == "run"
                else ["sweep", "fit", "--grid", tmp / "g.toml", "--out", t, "--no-progress"])
    if command == "fit":
        plant(t, "fits.csv", as_folder)
        return ["fit", "fit", "--task", "feature", "--subject", "1", "--out", t]
    if command == "saliency":
        plant(t, "img_overlay.png", as_folder)
        return ["saliency", image(tmp), "--out", t]
    if command == "cam":
        plant(t, "img_gradcam_overlay.png", as_folder)
        return ["cam", "--image", image(tmp), "--out", t]
    if command == "displays":
        plant(t, "thesis.png", as_folder)
        return ["displays", "--out", t / "thesis.png", "--size", "64"]
    if command == "report":
        psysim_like_run_folder(t)
        plant(t, "report.html", as_folder)
        if not as_folder:
            (t / "report.html").write_bytes(b"<!DOCTYPE html><p>my own notes, named like a report</p>")
        return ["report", t]
    raise AssertionError(f"no target set up for {command!r}: add it here")


def writing_commands() -> list[str]:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return sorted(name for name, p in sub.choices.items() if any("--out" in a.option_strings for a in p._actions))


def test_every_writing_command_is_tried():
    assert writing_commands() == sorted(["run", "sweep", "fit", "displays", "saliency", "cam", "report"])


@pytest.mark.parametrize("as_folder", [False, True], ids=["user-file", "user-folder"])
@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
@pytest.mark.parametrize("command", writing_commands())
def test_a_users_file_where_psysim_would_write_survives(tmp_path, capsys, monkeypatch, command, force, as_folder):
    monkeypatch.chdir(tmp_path)
    argv = [str(a) for a in setup_command(command, tmp_path, as_folder)] + (["--force"] if force else [])
    if command == "report" and force:
        argv = argv[:-1]  # report has no --force: it never replaces what psysim did not write
    before = snapshot(tmp_path)
    capsys.readouterr()
    rc = main(argv)
    out, err = capsys.readouterr()
    assert rc == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("psysim: error: ") and "Traceback" not in err, err
    assert ("is a folder" if as_folder and command not in ("run", "sweep") else "did not write") in lines[0], err
    assert snapshot(tmp_path) == before
    assert (tmp_path / "target" / "thesis.tex").read_bytes() == THESIS


@pytest.mark.parametrize("command", ["saliency", "cam"])
def test_writing_into_a_users_folder_and_forcing_again_keeps_the_users_files(tmp_path, capsys, command):
    t = tmp_path / "target"
    plant(t)
    img = image(tmp_path)
    argv = ["saliency", str(img), "--out", str(t)] if command == "saliency" else ["cam", "--image", str(img), "--out", str(t)]
    mine = {p: p.read_bytes() for p in (t / "thesis.tex", t / "data" / "raw.csv")}
    assert main(argv) == 0
    written = sorted(p.name for p in t.iterdir() if p.name.startswith("img_"))
    assert written
    assert main(argv) == 2  # its own outputs are replaced only with --force
    assert main([*argv, "--force"]) == 0
    assert {p: p.read_bytes() for p in mine} == mine
    assert sorted(p.name for p in t.iterdir() if p.name.startswith("img_")) == written
    (t / written[0]).write_bytes(b"edited by the user")  # psysim's file, changed since: the user's now
    before = snapshot(tmp_path)
    capsys.readouterr()
    assert main([*argv, "--force"]) == 2
    assert "psysim did not write it (or it was changed since)" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("name, text", [
    ("report.draft.html", b"<!DOCTYPE html><p>my draft</p>"),  # named like psysim's reports
    ("report.html", b"<!DOCTYPE html><p>mine, not listed in metadata.json</p>"),
])
@pytest.mark.parametrize("command", ["run", "sweep"])
def test_a_users_html_named_like_a_report_keeps_a_folder_from_being_replaced(tmp_path, capsys, command, name, text):
    t = tmp_path / "target"
    psysim_like_run_folder(t)
    (t / name).write_bytes(text)
    (tmp_path / "g.toml").write_text(GRID)
    argv = (["run", "visual-search", "--quick", "--out", t] if command == "run"
            else ["sweep", "fit", "--grid", tmp_path / "g.toml", "--out", t, "--no-progress"])
    before = snapshot(tmp_path)
    capsys.readouterr()
    assert main([str(a) for a in [*argv, "--force"]]) == 2
    assert f"holds {name!r}, which psysim did not write" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", ["saliency", "cam", "fit"])
def test_a_users_file_named_like_psysims_ledger_is_left_alone(tmp_path, capsys, command):
    from psysim.paths import LEDGER

    t = tmp_path / "target"
    plant(t)
    (t / LEDGER).write_bytes(b"my own notes")
    img = image(tmp_path)
    argv = {"saliency": ["saliency", img, "--out", t], "cam": ["cam", "--image", img, "--out", t],
            "fit": ["fit", "fit", "--task", "feature", "--subject", "1", "--out", t]}[command]
    before = snapshot(tmp_path)
    capsys.readouterr()
    assert main([str(a) for a in [*argv, "--force"]]) == 2
    assert f"{LEDGER} is there and psysim did not write it" in capsys.readouterr().err
    assert snapshot(tmp_path) == before
