"""The `cnn-search` experiment runs end to end and writes its tables (tiny settings)."""

import pandas as pd
import pytest

from psysim.runs import execute, get_experiment


@pytest.mark.slow
def test_cnn_search_quick_run(tmp_path):
    exp = get_experiment("cnn-search")
    options = {"tasks": "feature", "n_per_cell": "2", "n_test": "2", "epochs": "1", "image_size": "48", "threads": "1"}
    out = execute(exp, out=tmp_path / "run", seed=3, quick=True, options=options)
    loc = pd.read_csv(out / "localisation.csv")
    assert list(loc.columns) == ["network", "method", "task", "set_size", "metric", "value"]
    assert set(loc["network"]) == {"gapcnn-full", "gapcnn-limited", "itti-koch"}
    assert set(loc["metric"]) == {"pointing_game", "energy_pointing", "deletion_auc", "insertion_auc"}
    assert loc["value"].between(0, 1).all()
    acc = pd.read_csv(out / "accuracy.csv")
    assert set(acc["network"]) == {"gapcnn-full", "gapcnn-limited", "gapcnn-noise"}
    assert sorted(acc["set_size"].unique()) == [3, 6, 12, 18]
    effect = pd.read_csv(out / "set_size_effect.csv")
    assert "wolfe2010" in set(effect["source"])
    assert "set-size" in (out / "report.html").read_text().lower()
