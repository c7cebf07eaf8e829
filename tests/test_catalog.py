"""`psysim list` from the committed catalogue: equal to the live registries, clean text."""

import subprocess
import sys

import pytest

from psysim import catalog
from psysim.cli import main


def test_committed_catalogue_equals_the_registries():
    fresh = catalog.build()
    assert catalog.load() == fresh, "psysim/catalog.json is stale: run `python -m psysim.catalog` and commit it"


@pytest.mark.parametrize("doc, text", [
    (":class:`SaliencySearch` on the map.\n\nMore.", "SaliencySearch on the map."),
    (":func:`~psysim.models.make_design` makes it. Then more.", "make_design makes it."),
    ("Guided Search 2.0 (Wolfe 1994).", "Guided Search 2.0 (Wolfe 1994)."),
    ("Fitted to Wolfe et al. (2010) data. Second.", "Fitted to Wolfe et al. (2010) data."),
    ("Weights ``w = exp(beta)``\n    over two lines.", "Weights w = exp(beta) over two lines."),
    (None, ""),
])
def test_describe_gives_a_clean_first_sentence(doc, text):
    assert catalog.describe(doc) == text


def test_list_prints_every_name_with_sources_and_no_markup(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    c = catalog.build()
    for section in ("experiments", "models", "datasets"):
        for name in c[section]:
            assert f"  {name} " in out
    for ds in c["datasets"].values():
        assert ds["source_url"] in out
    assert ":class:" not in out and "``" not in out


def test_list_does_not_import_the_science():
    code = ("import sys; from psysim.cli import main; main(['list']); "
            "heavy = [m for m in ('numpy', 'pandas', 'torch', 'scipy') if m in sys.modules]; "
            "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "HEAVY []"


def test_list_with_a_bad_argument_is_still_checked(capsys):
    assert main(["list", "--bogus"]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err
