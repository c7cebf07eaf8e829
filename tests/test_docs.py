"""Documentation: every tutorial notebook runs (nbclient, small settings) and the Sphinx build
has no warnings. Needs the ``docs`` extra (part of ``dev``); skipped without it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from psysim.errors import PsysimError
from psysim.resources import tutorial_quick

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
TUTORIALS = DOCS / "tutorials"
NOTEBOOKS = sorted(TUTORIALS.glob("*.ipynb"))


def _cells(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def test_there_are_tutorials():
    assert len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_tutorial_is_listed_and_opens_with_an_install_cell(nb):
    index = (TUTORIALS / "index.md").read_text(encoding="utf-8")
    assert f"\n{nb.stem}\n" in index, f"{nb.name} is not in docs/tutorials/index.md"
    cells = _cells(nb)
    assert cells[0]["cell_type"] == "markdown" and _source(cells[0]).startswith("# ")  # the title
    code = [c for c in cells if c["cell_type"] == "code"]
    first = _source(code[0])
    assert 'find_spec("psysim")' in first and "%pip install" in first
    # the sources it tries, in order: the override, a wheel beside the notebook or in dist/, the index
    assert 'os.environ.get("PSYSIM_SOURCE")' in first and 'glob.glob("dist/psysim-*.whl")' in first
    assert 'else "psysim")' in first and "<host>" not in first and "git+" not in first
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "commit notebooks without outputs"
    for c in code:  # Colab conventions: nothing that exists only on the author's machine
        src = _source(c)
        assert not re.search(r"[\"'](/(home|work|tmp|Users|root)/|[A-Za-z]:\\\\)", src), f"{nb.name}: a local path in\n{src}"
        assert 'environ.get("PSYSIM_TUTORIAL_QUICK")' not in src, f"{nb.name}: use psysim.resources.tutorial_quick()"
    if any("QUICK" in _source(c) for c in code):
        assert any("QUICK = tutorial_quick()" in _source(c) for c in code)


@pytest.mark.parametrize(
    "env, quick",
    [({}, False), ({"COLAB_RELEASE_TAG": "release-colab-x"}, True), ({"PSYSIM_TUTORIAL_QUICK": "1"}, True),
     ({"PSYSIM_TUTORIAL_QUICK": "0", "COLAB_RELEASE_TAG": "x"}, False), ({"PSYSIM_TUTORIAL_QUICK": " True "}, True),
     ({"PSYSIM_TUTORIAL_QUICK": "off"}, False), ({"PSYSIM_TUTORIAL_QUICK": ""}, False)],
)
def test_tutorial_quick_settings(env, quick):
    assert tutorial_quick(env) is quick


def test_tutorial_quick_refuses_a_bad_value():
    with pytest.raises(PsysimError, match=r"^PSYSIM_TUTORIAL_QUICK='fast': expected 1 .* or 0 ") as err:
        tutorial_quick({"PSYSIM_TUTORIAL_QUICK": "fast"})
    assert "\n" not in str(err.value)


@pytest.mark.slow
@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_tutorial_runs(nb, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("PSYSIM_TUTORIAL_QUICK", "1")  # the kernel inherits the environment
    monkeypatch.setenv("PYTHONWARNINGS", "default")
    notebook = nbformat.read(nb, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    stderr = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("name") == "stderr")
    assert "missing from font" not in stderr  # no tofu boxes in figures (Japanese tutorials)


@pytest.mark.slow
def test_docs_build_without_warnings(tmp_path):
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_nb")
    pytest.importorskip("numpydoc")
    pytest.importorskip("furo")
    env = {**os.environ, "PSYSIM_DOCS_EXECUTE": "0"}  # the notebooks are run by test_tutorial_runs
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "-d", str(tmp_path / "doctrees"), str(DOCS), str(tmp_path / "html")]
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert res.returncode == 0, res.stderr[-4000:]
    html = tmp_path / "html"
    for nb in NOTEBOOKS:
        assert (html / "tutorials" / f"{nb.stem}.html").is_file(), nb.name
    api = (html / "api" / "models.html").read_text(encoding="utf-8")
    assert "FeatureIntegration" in api and "Parameters" in api  # built from the numpydoc docstrings
