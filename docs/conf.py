"""Sphinx configuration of the psysim documentation.

Build (warnings are errors, as in CI)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The tutorials in ``tutorials/`` are executed during the build by MyST-NB at their small settings
(``PSYSIM_TUTORIAL_QUICK=1``), so every tutorial page shows its figures and outputs; a failing
cell fails the build. Results are cached (jupyter-cache, in ``docs/_build/.jupyter_cache``): a
notebook runs again only when its code changes. ``PSYSIM_DOCS_EXECUTE=0`` builds without running
them (pages without outputs, for a quick look at the text). The committed notebooks stay
without outputs (``tests/test_docs.py``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # a checkout builds without installing psysim first
sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))  # psysim_params: the models' parameter tables

import psysim  # noqa: E402

project = "psysim"
author = "psysim contributors"
copyright = "psysim contributors"
release = version = psysim.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_nb",
    "psysim_params",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "**.ipynb_checkpoints", "ARCHITECTURE.md", "CLUSTER.md", "README.md", "Thumbs.db", ".DS_Store"]
root_doc = "index"

# autodoc + numpydoc: the API pages are built from the numpydoc docstrings
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the numpydoc "Parameters" sections say the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set = set()
suppress_warnings = ["myst.header"]

# MyST and notebooks
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
nb_execution_mode = "off" if os.environ.get("PSYSIM_DOCS_EXECUTE") == "0" else "cache"
nb_execution_in_temp = True  # a tutorial that writes files (06: its report) writes them outside docs/
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_output_stderr = "remove"  # third-party warnings (tqdm without ipywidgets) stay off the pages; tests/test_docs.py reads them
os.environ.setdefault("PSYSIM_TUTORIAL_QUICK", "1")  # small settings when the build runs them

html_theme = "furo"
html_title = f"psysim {version}"
html_static_path: list = []
