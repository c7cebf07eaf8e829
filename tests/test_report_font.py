"""The Japanese web font reports embed (psysim.report.fonts), and a headless-browser check that no
glyph of a Japanese report falls back to another font (tests/_browser.py explains how)."""

from __future__ import annotations

import html
import os
import re

import pandas as pd
import pytest
from _browser import check_page, find_chromium

from psysim import i18n
from psysim.report import Report
from psysim.report.fonts import FAMILY, NOTICE, embedded_font, page_characters, subset_font


def _visible_text(page: str) -> str:
    """What a page shows: the text of <body> and <title>, without tags, styles or data URLs."""
    body = page.split("<body>", 1)[1]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", body, flags=re.S)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    return html.unescape(re.sub(r"<[^>]+>", "", body) + title)


def _catalogue_page(lang="ja") -> str:
    """A report holding every message of the catalogue in ``lang``, a table and the frame."""
    r = Report(i18n.t("vs.title", lang), lang=lang)
    for key in i18n.CATALOGUE:
        r.text(i18n.CATALOGUE[key][lang])  # with its {fields}: the page shows every literal part
    r.table(i18n.translate_table(pd.DataFrame({"task": ["feature"], "target_present": [True], "slope": [-1.25]}), lang))
    return r.render({i18n.t("meta.seed", lang): 3})


def test_every_character_a_japanese_report_shows_is_in_its_embedded_font():
    page = _catalogue_page("ja")
    font = embedded_font(page)
    assert font is not None and font.flavor in ("woff", "woff2")
    cmap = font.getBestCmap()
    shown = page_characters(_visible_text(page))
    assert len(shown) > 400  # the Japanese catalogue: kana, kanji, punctuation, Latin, digits
    assert {c for c in shown if ord(c) not in cmap} == set()
    # only a subset: the full IPAexGothic draws over 12,000 characters
    assert len(cmap) < 2 * len(shown)
    # the page asks for the embedded font first, and names its licence
    assert f'body{{font-family:"{FAMILY}"' in page
    assert NOTICE["ja"] in html.unescape(page)


def test_the_coverage_check_can_fail():
    page = _catalogue_page("ja")
    cmap = embedded_font(page).getBestCmap()
    assert ord("鬱") not in cmap  # not on the page, so not in its subset


def test_english_page_embeds_no_font_unless_it_shows_cjk():
    r = Report("Visual search")
    r.text("Search was efficient: b = -0.5 ms/item.")
    assert embedded_font(r.render()) is None and FAMILY not in r.render()
    r.text("The picture's Japanese name: 犬")
    page = r.render()
    assert ord("犬") in embedded_font(page).getBestCmap() and NOTICE["en"] in html.unescape(page)


def test_subset_is_deterministic_and_keeps_the_licence_records():
    a, fmt = subset_font("逆温度と顕著性マップ", flavor="woff")
    b, _ = subset_font("マップ顕著性と逆温度", flavor="woff")  # same characters, other order
    assert a == b and fmt == "woff"
    import io

    from fontTools.ttLib import TTFont

    names = TTFont(io.BytesIO(a))["name"]
    assert "opensource.org/licenses/IPA" in str(names.getName(13, 3, 1, 0x409))
    with pytest.raises(ValueError, match="flavor"):
        subset_font("x", flavor="otf")


# -- headless Chromium ------------------------------------------------------------------------
CHROMIUM = find_chromium()
# .ci/run installs Chromium and sets PSYSIM_NO_CHROMIUM (the reason) only where it could not
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and (bool(os.environ.get("PSYSIM_NO_CHROMIUM")) or not os.environ.get("CI")),
    reason=os.environ.get("PSYSIM_NO_CHROMIUM")
    or "Chromium is not installed (apt-get install chromium; .ci/run installs it, so CI runs this test)",
)


@pytest.fixture(scope="module")
def chromium():
    if CHROMIUM is None:  # in CI (CI=true) a missing browser is a failure, never a skip
        pytest.fail("CI: chromium not found on PATH, though .ci/run installs it")
    return CHROMIUM


@needs_chromium
def test_browser_draws_every_catalogue_string_with_the_embedded_font(chromium, tmp_path):
    path = tmp_path / "catalogue.ja.html"
    path.write_text(_catalogue_page("ja"), encoding="utf-8")
    res = check_page(path, chromium, workdir=tmp_path)
    assert [FAMILY, "loaded"] in res["fonts"]
    assert res["n_nodes"] > len(i18n.CATALOGUE)
    assert res["firstFamily"] == [] and res["fallback"] == [] and res["unused"] == []


@needs_chromium
def test_browser_check_finds_a_glyph_that_falls_back(chromium, tmp_path):
    page = _catalogue_page("ja").replace("<h1>", "<h1>鬱", 1)  # a character the subset lacks
    path = tmp_path / "broken.ja.html"
    path.write_text(page, encoding="utf-8")
    res = check_page(path, chromium, workdir=tmp_path)
    assert len(res["fallback"]) == 1 and res["fallback"][0].startswith("鬱")


def test_tables_show_booleans_as_words_in_the_report_language():
    df = pd.DataFrame({"made": [True, False], "n": [3, 4], "mixed": [True, "x"]})
    r = Report("t")
    r.table(df)
    page = r.render()
    assert page.count("<td>yes</td>") == 1 and page.count("<td>no</td>") == 1
    assert "<td>True</td>" in page and "<td>x</td>" in page  # a column that is not all booleans keeps its values
    rj = Report("t", lang="ja")
    rj.table(df[["made"]])
    assert "<td>はい</td>" in rj.render() and "<td>いいえ</td>" in rj.render()


def test_text_that_says_data_colon_is_still_in_the_subset():
    r = Report("t", lang="ja")
    r.text("data: 鬱蒼とした森")  # not a data URL: its characters are shown and must be embedded
    cmap = embedded_font(r.render()).getBestCmap()
    assert all(ord(c) in cmap for c in "鬱蒼森")
