"""The saliency experiments end to end (tiny settings) and the EToCVD loader."""

import json

import numpy as np
import pandas as pd
import pytest
from _browser import assert_renders_without_fallback

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
def test_saliency_fixations_experiment_follows_the_protocol(tmp_path):
    out = execute(get_experiment("saliency-fixations"), out=tmp_path / "run", seed=1, quick=True,
                  options={"n_images": "5", "n_boot": "50", "n_grid": "3"})
    split = pd.read_csv(out / "split.csv")
    train, test = set(split.query("split == 'train'")["image"]), set(split.query("split == 'test'")["image"])
    assert len(train) == 2 and len(test) == 3 and not train & test  # round(0.5 * 5) = 2 to fit
    per = pd.read_csv(out / "per_image.csv")
    assert set(per["image"]) == test  # scored on held-out images only
    m = pd.read_csv(out / "metrics.csv")
    assert set(m["model"]) == {"itti-koch", "centre-bias", "mixture", "uniform"} and len(m) == 4 * 9
    assert (m["ci_low"] <= m["mean"] + 1e-12).all() and (m["mean"] <= m["ci_high"] + 1e-12).all()
    uni = m[m["model"] == "uniform"].set_index("metric")["mean"]
    assert uni["auc_judd"] == pytest.approx(0.5) and uni["ll_bits"] == pytest.approx(0.0, abs=1e-9)
    assert uni["nss"] == 0.0 and uni["cc"] == 0.0  # a constant map, exactly
    fit = pd.read_csv(out / "fit.csv").set_index("parameter")
    assert set(fit.index) == {"centre_sigma", "blur_alone", "blur_mixture", "centre_sigma_mixture", "weight"}
    assert fit.loc["weight", "value"] in (0.0, 0.5, 1.0) and fit.loc["blur_alone", "grid_high"] == pytest.approx(0.12)
    pri = pd.read_csv(out / "primary.csv")
    assert list(pri["comparison"]) == ["mixture - centre-bias", "itti-koch - centre-bias", "mixture - itti-koch"]
    assert (pri["metric"] == "ll_bits").all() and (pri["p_holm"].isna() == pri["p"].isna()).all()
    ok = pri["p"].notna()  # NaN: no non-zero difference (a fitted weight of 0 makes mixture = centre bias)
    assert (pri.loc[ok, "p_holm"] >= pri.loc[ok, "p"] - 1e-15).all()
    # the primary differences are the per-image log-likelihood differences
    ll = per.query("metric == 'll_bits'").pivot(index="image", columns="model", values="value")
    assert pri.loc[1, "mean_diff"] == pytest.approx((ll["itti-koch"] - ll["centre-bias"]).mean())
    assert len(pd.read_csv(out / "secondary.csv")) == 3 * 8
    published = pd.read_csv(out / "published.csv")
    assert list(published.columns) == ["source", "model", "metric", "value"]
    html = (out / "report.html").read_text()
    assert "2 training and 3 held-out images" in html and "Primary metric, chosen before the run: ll_bits" in html
    assert "Holm" in html and "MIT300" in html and "What this cannot show" in html
    if published.empty:  # (unchecked published values are never shown)
        assert "could not be checked against the benchmark" in html
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["n_images"] == 5 and meta["n_test"] == 3
    assert meta["fitted"]["weight"] == fit.loc["weight", "value"]
    # re-rendered from the tables in Japanese (psysim report DIR --lang ja) and in English again
    exp = get_experiment("saliency-fixations")
    ja = exp.report(out, "ja").read_text(encoding="utf-8")
    assert "学習用 2 枚，評価用 3 枚" in ja and "この結果から言えないこと" in ja and "混合モデル − 中心バイアス（推定）" in ja
    assert "What this cannot show" not in ja and "held-out" not in ja
    assert_renders_without_fallback(out / "report.ja.html", tmp_path)
    en = exp.report(out, "en", out=tmp_path / "en.html").read_text(encoding="utf-8")
    assert "2 training and 3 held-out images" in en and "What this cannot show" in en


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
    # the same tables in Japanese (psysim report DIR --lang ja), every sentence from the catalogue
    ja = get_experiment("saliency-popout").report(out, "ja").read_text(encoding="utf-8")
    assert '<html lang="ja">' in ja and "標的への最初の注視" in ja and f"色 {100 * colour:.0f}%" in ja
    assert "first fixation lands" not in ja and "Itti-Koch（論文どおり）" in ja
    assert_renders_without_fallback(out / "report.ja.html", tmp_path)  # headless Chromium, no system CJK font needed
