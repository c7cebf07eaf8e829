"""The cnn-search report in English and Japanese, rendered from small hand-made tables
(no network is trained here): its sentences come from the tables, every statistic of a network
at chance is flagged in both languages, and the Japanese page draws every glyph with its
embedded font in headless Chromium."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from _browser import assert_renders_without_fallback

from psysim import i18n
from psysim.report.cnn_search import render, verdict_lines
from psysim.runs import get_experiment

cnn = get_experiment("cnn-search")
SIZES = (3, 6, 12, 18)
NETS = ("gapcnn-full", "gapcnn-limited", "gapcnn-noisy")
# feature: every network learned; spatial: the limited and noisy networks are at chance
CHANCE = {("gapcnn-limited", "spatial"), ("gapcnn-noisy", "spatial")}


def _tables(run_dir):
    nets, acc, loc, eff = [], [], [], []
    for task in ("feature", "spatial"):
        for net in NETS:
            chance = (net, task) in CHANCE
            nets.append(dict(network=net, condition=net.split("-")[1], task=task, n=160, accuracy=0.5 if chance else 0.9,
                             min_set_size_accuracy=0.45 if chance else 0.85, p_value=0.6 if chance else 1e-6,
                             at_chance=chance, noise_sd=0.125 if net.endswith("noisy") else 0.0, best_epoch=2, epochs_run=4))
            for k, n in enumerate(SIZES):
                for present in (True, False):
                    acc.append(dict(network=net, task=task, set_size=n, target_present=present, accuracy=0.9 - 0.01 * k,
                                    confidence=0.8, p_present=0.5, n=20))
            if not net.endswith("noisy"):
                for method in ("cam", "gradcam"):
                    for n in SIZES:
                        for m in ("pointing_game", "energy_pointing", "deletion_auc", "insertion_auc"):
                            loc.append(dict(network=net, method=method, task=task, set_size=n, metric=m, value=0.5, at_chance=chance))
            for present in (True, False):  # noisy feature network: errors rise, 0.40 %/item [0.10, 0.70]
                eff.append(dict(source=net, task=task, target_present=present, error_slope_pct_per_item=0.4,
                                error_slope_ci_low=0.1, error_slope_ci_high=0.7, confidence_slope_pct_per_item=-0.2,
                                rt_slope_ms_per_item=np.nan, at_chance=chance))
        for n in SIZES:
            for m in ("pointing_game", "energy_pointing", "deletion_auc", "insertion_auc"):
                loc.append(dict(network="itti-koch", method="saliency", task=task, set_size=n, metric=m, value=0.3, at_chance=False))
        for present in (True, False):
            eff.append(dict(source="wolfe2010", task=task, target_present=present, error_slope_pct_per_item=0.05,
                            error_slope_ci_low=np.nan, error_slope_ci_high=np.nan, confidence_slope_pct_per_item=np.nan,
                            rt_slope_ms_per_item=1.5 if task == "feature" else 40.0, at_chance=False))
    frames = {"networks": nets, "accuracy": acc, "localisation": loc, "set_size_effect": eff}
    for key, rows in frames.items():
        spec = cnn.TABLES[key]
        pd.DataFrame(rows)[list(spec.columns)].to_csv(run_dir / spec.name, index=False)
    return {k: pd.DataFrame(v) for k, v in frames.items()}


INFO = {"seed": 7, "quick": True, "settings": {"arch": "gapcnn", "image_size": 288, "epochs": 4, "n_test": 20},
        "glyph_stroke_px": 2.2}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    d = tmp_path_factory.mktemp("cnn")
    tabs = _tables(d)
    out = {lang: render(d, INFO, d / f"report.{lang}.html", cnn.TABLES, lang=lang).read_text(encoding="utf-8")
           for lang in ("en", "ja")}
    return d, tabs, out


def _text(page):
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page, flags=re.S))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_statistic_of_a_network_at_chance_is_flagged(pages, lang):
    _, tabs, out = pages
    text = _text(out[lang])
    note = i18n.t("cs.chance_note", lang)
    # networks table (2 rows), effect table (2 nets x 2 presences), localisation (limited: cam, gradcam),
    # the noisy network's verdict line and the list under "Did the networks learn?"
    assert text.count(note) == len(CHANCE) + 2 * len(CHANCE) + 2 + 1 + 1
    if lang == "ja":
        assert "network at chance" not in text and "above chance" not in text


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_verdicts_come_from_the_tables(pages, lang):
    _, tabs, _ = pages
    lines = verdict_lines(tabs["networks"], tabs["set_size_effect"], ["feature", "spatial"], lang)
    feature, spatial = lines
    assert i18n.t("cs.rises", lang) in feature and "0.40" in feature and "0.10" in feature and "0.70" in feature
    assert i18n.t("cs.chance_note", lang) in spatial and i18n.t("cs.rises", lang) in spatial  # the clean network learned
    assert spatial.count(i18n.t("cs.rises", lang)) == 1  # the noisy one (at chance) gets no verdict
    assert "40.0" in spatial and "1.5" in feature  # people's RT slopes
    assert len(lines) == 2  # only one task's noisy network learned: no order of tasks is claimed


def test_a_falling_or_flat_error_slope_is_said_so():
    tabs = _tables_in_memory()
    eff = tabs["set_size_effect"].copy()
    eff.loc[eff["source"] == "gapcnn-full", ["error_slope_ci_low", "error_slope_ci_high"]] = (-0.2, 0.9)
    eff.loc[eff["source"] == "gapcnn-noisy", ["error_slope_ci_low", "error_slope_ci_high"]] = (-0.9, -0.1)
    for lang in ("en", "ja"):
        line = verdict_lines(tabs["networks"], eff, ["feature"], lang)[0]
        assert i18n.t("cs.no_effect", lang) in line and i18n.t("cs.falls", lang) in line
        assert "−0.90" in line and "-0.90" not in line  # a true minus sign


def _tables_in_memory():
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        return _tables(Path(d))


def test_japanese_page_has_japanese_headers_and_no_english_texts(pages):
    _, _, out = pages
    ja = out["ja"]
    assert '<html lang="ja"' in ja or "lang='ja'" in ja or 'lang="ja"' in ja
    for key in ("cs.title", "cs.h_learn", "cs.h_effect", "cs.h_where", "cs.col.lowest", "cs.cannot", "cs.task.spatial"):
        assert i18n.t(key, "ja") in ja, key
    for key in ("cs.title", "cs.h_effect", "cs.col.lowest", "cs.task.spatial"):
        assert i18n.t(key, "en") not in ja


def test_japanese_report_draws_every_glyph_with_its_embedded_font(pages, tmp_path):
    d, _, _ = pages
    assert_renders_without_fallback(d / "report.ja.html", tmp_path)


def test_another_language_is_refused_and_nothing_written(pages, tmp_path):
    d, _, _ = pages
    from psysim.errors import PsysimError

    with pytest.raises(PsysimError, match="not supported"):
        render(d, INFO, tmp_path / "x.html", cnn.TABLES, lang="de")
    assert not (tmp_path / "x.html").exists()
