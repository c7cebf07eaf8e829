"""The saliency experiments end to end (tiny settings) and the EToCVD loader."""

import json

import numpy as np
import pandas as pd
import pytest

from psysim.resources import data_dir
from psysim.runs import execute, get_experiment


def _data():
    try:
        return data_dir(required=False)
    except Exception:  # PSYSIM_DATA set to a missing folder
        return None


DATA = _data()
HAS_ETOCVD = DATA is not None and (DATA / "fixations" / "etocvd" / "stimuli").is_dir()
HAS_WOLFE = DATA is not None and (DATA / "search").is_dir()


@pytest.mark.skipif(not HAS_ETOCVD, reason="EToCVD data folder not available")
def test_etocvd_loader_thresholds_jpeg_fixations():
    from psysim.data.fixations import etocvd_names, load_etocvd_image

    names = etocvd_names()
    assert len(names) == 101
    d = load_etocvd_image("apples")
    assert d.image.shape == (536, 810, 3) and d.fixations.shape == (536, 810)
    assert d.fixations.dtype == bool and 0 < d.fixations.sum() < 1000  # points, not JPEG halos
    assert 0 <= d.density.min() and d.density.max() <= 1


@pytest.mark.slow
@pytest.mark.skipif(not HAS_ETOCVD, reason="EToCVD data folder not available")
def test_saliency_fixations_experiment(tmp_path):
    out = execute(get_experiment("saliency-fixations"), out=tmp_path / "run", seed=1, quick=True,
                  options={"n_images": "3", "n_boot": "50"})
    m = pd.read_csv(out / "metrics.csv")
    assert list(m.columns) == ["model", "metric", "mean", "ci_low", "ci_high"]
    assert set(m["model"]) == {"itti-koch", "itti-koch-onoff", "centre-bias", "uniform"} and len(m) == 32
    assert (m["ci_low"] <= m["mean"] + 1e-12).all() and (m["mean"] <= m["ci_high"] + 1e-12).all()
    uni = m[m["model"] == "uniform"].set_index("metric")["mean"]
    assert uni["auc_judd"] == pytest.approx(0.5) and uni["nss"] == pytest.approx(0.0)
    d = pd.read_csv(out / "differences.csv")
    assert set(d["model"]) == {"itti-koch", "itti-koch-onoff"} and len(d) == 16
    assert set(d["verdict_vs_centre-bias"]) <= {"wins", "loses", "no clear difference"}
    info = d[d["metric"] == "info_gain"].set_index("model")["difference"]  # IG is over the centre bias itself
    per = pd.read_csv(out / "per_image.csv").query("metric == 'info_gain'").groupby("model")["value"].mean()
    assert info["itti-koch"] == pytest.approx(per["itti-koch"])
    html = (out / "report.html").read_text()
    assert "loses to" in html or "no metric" in html
    assert json.loads((out / "metadata.json").read_text())["n_images"] == 3


@pytest.mark.slow
@pytest.mark.skipif(not HAS_WOLFE, reason="data folder not available")
def test_saliency_popout_experiment(tmp_path):
    out = execute(get_experiment("saliency-popout"), out=tmp_path / "run", seed=2, quick=True, options={"n_per_cell": "2"})
    rates = pd.read_csv(out / "first_fixation.csv")
    assert set(rates["task"]) == {"feature", "orientation", "conjunction", "spatial"}
    assert set(rates["model"]) == {"saliency", "saliency-onoff"}
    assert rates["first_fixation_rate"].between(0, 1).all()
    orient = rates[rates["task"] == "orientation"]["first_fixation_rate"]
    assert np.mean(orient) >= 0.75
    onoff = rates[rates["model"] == "saliency-onoff"].groupby("task")["first_fixation_rate"].mean()
    assert onoff["feature"] == 1.0 and onoff["conjunction"] < 0.75
    slopes = pd.read_csv(out / "slopes.csv")
    assert {"wolfe2010", "saliency", "saliency-onoff"} <= set(slopes["source"])
    html = (out / "report.html").read_text()
    assert "first fixation lands on the target" in html
    res = pd.read_csv(out / "resolution.csv")
    assert set(res["size_px"]) == {128, 256, 512, 1024} and res["top_rate"].between(0, 1).all()
    ch = pd.read_csv(out / "channels.csv").set_index(["normalization", "map"])
    colour = ch.loc[("maxnorm", "colour"), "peak_on_target"]
    assert colour > ch.loc[("maxnorm", "intensity"), "peak_on_target"]
    assert colour > ch.loc[("maxnorm", "orientation"), "peak_on_target"]
    assert f"colour {100 * colour:.0f}%" in html  # the explanation is written from the measured table
    assert "alike" not in html
