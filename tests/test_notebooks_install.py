"""Every tutorial installs psysim by its own first cell in a fresh environment, from the wheel
built from this checkout, as a student's hosted notebook would; a documented subset then runs
to the end there (the docs build runs every notebook in the checkout's environment).

The fresh environment is a new venv without psysim. To keep CI time sane it sees the running
interpreter's site-packages folders (torch, pandas, Jupyter, ...) through a ``.pth`` file, as
``--system-site-packages`` would, except that the ``.pth`` startup hooks inside those folders
are not run, so an editable install of psysim there (how CI installs the checkout) stays
invisible. Each notebook starts from a venv with psysim uninstalled, so each install cell
really installs, here from ``dist/`` beside the notebook (the second source the cell tries).
"""

from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

from psysim.resources import read_toml

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = ROOT / "docs" / "tutorials"
NOTEBOOKS = sorted(TUTORIALS.glob("*.ipynb"))
# run to the end in the fresh venv: they read what only the wheel's package data hold (stimuli,
# the shipped derived summary, the shipped CNN checkpoint, the report code and its fonts)
RUN_FULLY = {"02_feature_vs_conjunction", "04_cam_gradcam", "06_writing_a_report_ja"}
KERNEL = "psysim-fresh-venv"


def _tracked_copy(dest: Path) -> None:
    """Copy the checkout's tracked files (what a clean clone holds) to ``dest``."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60).stdout
        files = [f for f in out.decode().split("\0") if f and (ROOT / f).is_file()]
    except (OSError, subprocess.SubprocessError):  # not a git checkout (an unpacked sdist)
        files = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and not {".git", "build", "dist", "docs/_build"} & set(p.relative_to(ROOT).parts)]
    for f in files:
        (dest / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, dest / f)


def build_wheel(out: Path, work: Path) -> Path:
    """Build psysim's wheel with the backend ``pyproject.toml`` names, offline (no isolation)."""
    src = work / "src"
    _tracked_copy(src)
    backend = read_toml(src / "pyproject.toml")["build-system"]["build-backend"]
    code = f"import importlib; print(importlib.import_module({backend!r}).build_wheel({str(out)!r}))"
    res = subprocess.run([sys.executable, "-c", code], cwd=src, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    return out / res.stdout.strip().splitlines()[-1]


def _base_site_dirs() -> list[str]:
    dirs = [*site.getsitepackages(), site.getusersitepackages()]
    return [d for d in dict.fromkeys(dirs) if Path(d).is_dir()]


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory):
    for mod in ("nbformat", "nbclient", "ipykernel"):
        pytest.importorskip(mod)
    work = tmp_path_factory.mktemp("fresh")
    dist = work / "dist"
    dist.mkdir()
    wheel = build_wheel(dist, work)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True).stdout.strip())
    (purelib / "_psysim_test_base_site.pth").write_text("\n".join(_base_site_dirs()) + "\n")
    spec = work / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": KERNEL, "language": "python"}))
    return {"python": python, "purelib": purelib, "wheel": wheel, "jupyter_path": work / "jupyter"}


def _found_in_venv(python: Path) -> str | None:
    code = "import importlib.util as u; s = u.find_spec('psysim'); print(s.origin if s else '')"
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True, cwd=python.parent).stdout.strip()
    return out or None


def test_wheel_holds_the_package_data(tmp_path):
    import zipfile

    wheel = build_wheel(tmp_path, tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("psysim/catalog.json", "psysim/stimuli/search.toml", "psysim/experiments/visual_search.py", "psysim/networks/checkpoints/gapcnn_feature.pt", "psysim/data/descriptions/wolfe2010.toml"):
        assert needed in names, f"{needed} missing from {wheel.name}"
    assert not any(n.startswith(("tests/", "docs/", "benchmarks/")) for n in names)


@pytest.mark.slow
@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_install_cell_installs_the_wheel_in_a_fresh_venv(nb, fresh_venv, tmp_path, monkeypatch):
    import nbclient
    import nbformat

    python = fresh_venv["python"]
    subprocess.run([str(python), "-m", "pip", "uninstall", "-y", "-q", "psysim"], capture_output=True, timeout=120)
    assert _found_in_venv(python) is None, "the fresh venv already sees a psysim: the install cell would do nothing"
    (tmp_path / "dist").mkdir()
    shutil.copy2(fresh_venv["wheel"], tmp_path / "dist")
    for var in ("PSYSIM_SOURCE", "PYTHONPATH", "PYTHONHOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("JUPYTER_PATH", str(fresh_venv["jupyter_path"]))
    monkeypatch.setenv("PSYSIM_TUTORIAL_QUICK", "1")
    notebook = nbformat.read(nb, as_version=4)
    code = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
    check = nbformat.v4.new_code_cell("import psysim\nprint('PSYSIM_FROM', psysim.__file__)")
    full = nb.stem in RUN_FULLY
    notebook.cells = notebook.cells[: code[0] + 1] + [check] + (notebook.cells[code[0] + 1 :] if full else [])
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name=KERNEL, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    install_out = "".join(o.get("text", "") for o in notebook.cells[code[0]].outputs)
    assert f"installing psysim from dist/{fresh_venv['wheel'].name}" in install_out
    where = "".join(o.get("text", "") for o in notebook.cells[code[0] + 1].outputs).split("PSYSIM_FROM", 1)[1].strip()
    assert Path(where).is_relative_to(fresh_venv["purelib"]), where
    if full:
        stderr = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("name") == "stderr")
        assert "missing from font" not in stderr  # no tofu boxes in figures (Japanese tutorial)
        assert sum("image/png" in o.get("data", {}) for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])) >= 1


@pytest.mark.slow
def test_install_cell_says_what_failed(fresh_venv, tmp_path, monkeypatch):
    """A source that does not exist ends the cell with one message naming it and the override."""
    import nbclient
    import nbformat

    python = fresh_venv["python"]
    subprocess.run([str(python), "-m", "pip", "uninstall", "-y", "-q", "psysim"], capture_output=True, timeout=120)
    monkeypatch.setenv("JUPYTER_PATH", str(fresh_venv["jupyter_path"]))
    monkeypatch.setenv("PSYSIM_SOURCE", str(tmp_path / "no-such-psysim.whl"))
    monkeypatch.delenv("PYTHONPATH", raising=False)
    notebook = nbformat.read(NOTEBOOKS[0], as_version=4)
    notebook.cells = [next(c for c in notebook.cells if c.cell_type == "code")]
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name=KERNEL, resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(nbclient.exceptions.CellExecutionError) as err:
        client.execute()
    assert "psysim could not be installed from" in str(err.value) and "no-such-psysim.whl" in str(err.value)
    assert "PSYSIM_SOURCE" in str(err.value)
