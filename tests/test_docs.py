"""Documentation: the committed tutorials (listed, an install cell, no outputs), their small
settings, and the Sphinx build, which runs every notebook and has no warnings. Needs the
``docs`` extra (part of ``dev``); skipped without it."""

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
def test_docs_build_runs_every_tutorial_without_warnings(tmp_path):
    """The site as published: every notebook executed at small settings (a failing cell fails
    the ``-W`` build), each tutorial page with its figures, no figure with a missing glyph."""
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_nb")
    pytest.importorskip("numpydoc")
    pytest.importorskip("furo")
    pytest.importorskip("jupyter_cache")
    env = {**os.environ, "PSYSIM_TUTORIAL_QUICK": "1"}
    env.pop("PSYSIM_DOCS_EXECUTE", None)
    html = tmp_path / "html"  # the notebook cache goes to tmp_path/.jupyter_cache: a fresh run
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "-d", str(tmp_path / "doctrees"), str(DOCS), str(html)]
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=1500)
    assert res.returncode == 0, res.stderr[-4000:]
    for nb in NOTEBOOKS:
        page = html / "tutorials" / f"{nb.stem}.html"
        text = page.read_text(encoding="utf-8")
        images = re.findall(r'<img [^>]*src="([^"]+\.(?:png|svg))"', text)
        assert images, f"{page.name}: no figure rendered"
        assert all((page.parent / src).is_file() for src in images), page.name
        assert "Traceback" not in text, page.name
        executed = json.loads((tmp_path / "jupyter_execute" / "tutorials" / nb.name).read_text(encoding="utf-8"))
        stderr = "".join(_source({"source": o.get("text", "")}) for c in executed["cells"] for o in c.get("outputs", []) if o.get("name") == "stderr")
        assert "missing from font" not in stderr, f"{nb.name}: a glyph missing from the figure font"  # no tofu boxes
    api = (html / "api" / "models.html").read_text(encoding="utf-8")
    assert "FeatureIntegration" in api and "Parameters" in api  # built from the numpydoc docstrings
    from psysim.models import MODELS

    assert api.count('<table class="psysim-parameter-table') == len(MODELS)  # one parameter table per model


# -- the models' parameter tables (psysim.models.parameter_table, docs/_ext/psysim_params.py) --
def test_parameter_table_is_each_models_declared_params():
    from psysim.models import MODELS, parameter_table

    for name, cls in MODELS.items():
        table = parameter_table(name)
        assert list(table["name"]) == [p.name for p in cls.parameters], name
        for row, p in zip(table.itertuples(index=False), cls.parameters):
            assert (row.default, row.lower, row.upper, row.unit, row.meaning) == (p.default, p.lower, p.upper, p.unit, p.doc)
            assert row.lower <= row.default <= row.upper, (name, p.name)
    fit = parameter_table(MODELS["fit"](per_item=31.0))  # a model instance gives its class's declaration
    assert fit.set_index("name").loc["per_item", "unit"] == "ms/item"


def test_parameter_table_refuses_what_is_not_a_model():
    from psysim.models import parameter_table

    with pytest.raises(PsysimError, match=r"unknown model 'fitt'; known models: .*fit"):
        parameter_table("fitt")
    with pytest.raises(PsysimError, match="expected a search model or its name, got int"):
        parameter_table(42)


def test_parameter_directive_renders_one_row_per_param():
    pytest.importorskip("sphinx")
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        from docutils import nodes
        from psysim_params import _number, model_nodes
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    from psysim.models import MODELS

    out = model_nodes("gs6")
    table = next(n for n in out if isinstance(n, nodes.table))
    rows = list(table.findall(nodes.row))
    assert len(rows) == 1 + len(MODELS["gs6"].parameters)  # header + one per Param
    cells = {r.children[0].astext(): [e.astext() for e in r.children[1:]] for r in rows[1:]}
    p = MODELS["gs6"].param("select_ms")
    assert cells["select_ms"] == [_number(p.default), f"[{_number(p.lower)}, {_number(p.upper)}]", "ms", p.doc]
    assert out[0].astext().startswith("gs6: psysim.models.gs6.GuidedSearch6")
    assert (_number(float("inf")), _number(-0.5), _number(1e-4)) == ("∞", "−0.5", "0.0001")
