"""The built-in Rossion & Pourtois (2004) norms and Snodgrass & Vanderwart (1980) pictures.

Values checked against the source files' documentation (``naming/rossion_pourtois_2004/SOURCE.md``:
item means and correlations computed by whoever fetched the data, independently of psysim)
and the R&P (2004) appendix as transcribed (item 1 accordion: 860 ms line drawing).
"""

from __future__ import annotations

import numpy as np
import pytest

from psysim.resources import data_dir

pytestmark = pytest.mark.skipif(
    data_dir(required=False) is None or not (data_dir(required=False) / "naming" / "rossion_pourtois_2004").is_dir(),
    reason="naming data not available (set PSYSIM_DATA)",
)


@pytest.fixture(scope="module")
def norms():
    from psysim.data.naming import load_rossion2004_norms

    return load_rossion2004_norms()


def test_norms_shape_and_items(norms):
    assert len(norms) == 780 and set(norms["version"]) == {"line", "grey", "colour"}
    line = norms[norms["version"] == "line"].set_index("item")
    assert line.loc[1, "name"] == "accordion" and line.loc[1, "name_fr"] == "accordéon"  # Latin-1 decoded
    assert line.loc[1, "rt"] == 860 and line.loc[260, "name"] == "zebra"
    assert line["name"].is_unique and norms["colour_diagnosticity"].notna().all()
    assert norms["rt"].isna().sum() == 3  # barn grey, toe line and grey (SOURCE.md)


def test_norms_match_documented_summaries(norms):
    line = norms[norms["version"] == "line"]
    colour = norms[norms["version"] == "colour"]
    assert line["rt"].count() == 259 and round(line["rt"].mean()) == 1002 and round(colour["rt"].mean()) == 903
    d = line[["rt", "familiarity", "complexity"]].dropna()
    assert round(np.corrcoef(d["rt"], d["familiarity"])[0, 1], 2) == -0.47
    assert round(np.corrcoef(d["rt"], d["complexity"])[0, 1], 2) == 0.23


def test_builtin_picture_set():
    from psysim.naming import builtin_picture_set

    ps = builtin_picture_set(size=32)
    assert len(ps) == 302 and len(ps.names) == 260
    t = ps.table
    assert (t["version"] == "colour").sum() == 42 and ps.is_colour[(t["version"] == "colour").to_numpy()].all()
    assert not ps.is_colour[(t["version"] == "line").to_numpy()].any()
    # both versions of an item share one label (one output per name)
    apple = t.index[t["name"] == "apple"].tolist()
    assert len(apple) == 2 and ps.labels[apple[0]] == ps.labels[apple[1]]
    assert {"rt", "h", "pct_modal", "familiarity", "complexity"} <= set(t.columns)
