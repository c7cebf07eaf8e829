"""Report languages: the en/ja catalogue, the shipped Japanese font, Japanese figures and reports."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

from psysim import i18n
from psysim.cli import main
from psysim.errors import PsysimError

TUTORIALS = Path(__file__).resolve().parents[1] / "docs" / "tutorials"


# -- the catalogue ---------------------------------------------------------------------------
def test_every_message_has_every_language_with_the_same_fields():
    for key, texts in i18n.CATALOGUE.items():
        assert set(texts) == set(i18n.LANGUAGES), key
        assert all(texts[lang].strip() for lang in i18n.LANGUAGES), key
        assert i18n.format_fields(texts["en"]) == i18n.format_fields(texts["ja"]), key


def test_course_terms():
    ja = {k: v["ja"] for k, v in i18n.TERMS.items()}
    assert ja["term.feature_integration_theory"] == "特徴統合理論"
    assert ja["term.guided_search"] == "誘導探索"
    assert ja["term.saliency_map"] == "顕著性マップ"
    assert ja["term.class_activation_map"] == "クラス活性化マップ"
    assert ja["term.softmax"] == "ソフトマックス関数"
    assert ja["term.inverse_temperature"] == "逆温度"


def test_lookup_and_errors():
    assert i18n.t("axis.set_size", "ja") == "セットサイズ（項目数）"
    assert i18n.t("report.licence", "en", licence="MIT") == "Licence: MIT"
    assert i18n.label("task", "conjunction", "ja") == "結合探索"
    assert i18n.label("target", True, "ja") == "標的あり"
    assert i18n.label("task", "no-such-task", "ja") == "no-such-task"
    with pytest.raises(PsysimError, match="not supported"):
        i18n.t("axis.set_size", "fr")
    with pytest.raises(PsysimError, match="not in the psysim catalogue"):
        i18n.t("no.such.key", "ja")


def test_translate_table_headers_and_values_but_not_unknown_columns():
    df = pd.DataFrame({"source": ["wolfe2010", "fit"], "task": ["feature", "spatial"], "target_present": [True, False], "slope": [1.0, 2.0], "extra": ["a", "b"]})
    ja = i18n.translate_table(df, "ja")
    assert list(ja.columns) == ["データ", "課題", "標的", "傾き（ms/項目）", "extra"]
    assert list(ja["課題"]) == ["特徴探索", "空間配置探索"] and list(ja["標的"]) == ["標的あり", "標的なし"]
    assert list(ja["extra"]) == ["a", "b"] and list(df.columns)[0] == "source"  # the input is not changed
    en = i18n.translate_table(df, "en")  # English tables show display names, as the figures do
    assert list(en["source"]) == ["Observers (Wolfe et al., 2010)", "FIT"] and list(en["target"]) == ["present", "absent"]


def test_trim_text_in_both_languages():
    from psysim.stats import WOLFE2010_TRIM

    assert i18n.trim_text(WOLFE2010_TRIM, "en") == WOLFE2010_TRIM.describe().replace("spatial", "spatial configuration")
    assert i18n.trim_text(WOLFE2010_TRIM, "ja") == "RT が 200〜4000 ms の正反応試行（空間配置課題は 200〜8000 ms）"


# -- the font --------------------------------------------------------------------------------
def test_font_ships_and_covers_every_character_of_the_japanese_catalogue():
    path = i18n.japanese_font_path()
    assert path.is_file() and path.stat().st_size > 1_000_000
    text = i18n.catalogue_text("ja")
    assert len(set(text)) > 200  # the check below is not vacuous
    assert i18n.missing_glyphs(text) == set()


def test_glyph_check_can_fail():
    import matplotlib
    from matplotlib import font_manager

    dejavu = font_manager.findfont("DejaVu Sans", fallback_to_default=False)
    assert Path(dejavu).parent == Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    assert i18n.missing_glyphs("逆温度 β", dejavu) == {"逆", "温", "度"}


def _notebook_code_text(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


@pytest.mark.parametrize("nb", sorted(TUTORIALS.glob("*_ja.ipynb")), ids=lambda p: p.name)
def test_font_covers_the_japanese_tutorials_figure_text(nb):
    # figure titles and labels are written in the code cells
    assert i18n.missing_glyphs(_notebook_code_text(nb)) == set()


def _draw(fig):
    import io

    fig.savefig(io.BytesIO(), format="png")


def test_japanese_figure_draws_every_glyph():
    import matplotlib.pyplot as plt

    from psysim.plots import rt_set_size_plot

    cells = pd.DataFrame(
        {
            "source": ["wolfe2010", "fit"] * 4,
            "task": ["conjunction"] * 8,
            "set_size": [3, 3, 18, 18] * 2,
            "target_present": [True] * 4 + [False] * 4,
            "mean_rt": [500.0, 510, 650, 640, 520, 530, 900, 880],
            "mean_rt_se": [10.0] * 8,
        }
    )
    with i18n.plot_style("ja"):
        fig = rt_set_size_plot(cells, labels=i18n.plot_labels("ja"))
        ax = fig.axes[0]
        ax.set_title("−1 " + i18n.catalogue_text("ja")[:400])  # every kind of character, and a minus
    texts = [t.get_text() for t in fig.findobj(plt.Text)]
    assert "結合探索" in texts[0] or "結合探索" in "".join(texts)
    assert "セットサイズ（項目数）" in texts and "標的なし" in texts
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" is a UserWarning
        _draw(fig)  # drawn outside the context: the fonts were fixed when the text was made
    plt.close(fig)


def test_without_the_japanese_font_matplotlib_reports_missing_glyphs():
    import matplotlib
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title("顕著性マップ")
    with pytest.warns(UserWarning, match="missing from font"):
        _draw(fig)
    plt.close(fig)


# -- reports ---------------------------------------------------------------------------------
def test_report_frame_in_japanese():
    from psysim.report import Report

    r = Report("テスト", lang="ja")
    r.cite("Wolfe (1994)", "CC BY 4.0")
    html = r.render({"seed": 1})
    assert '<html lang="ja">' in html and "引用文献とライセンス" in html and "ライセンス：CC BY 4.0" in html
    assert "実行情報" in html and "Noto Sans JP" in html and "References" not in html
    with pytest.raises(PsysimError, match="not supported"):
        Report("x", lang="de")


@pytest.fixture(scope="module")
def ja_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("ja") / "run"
    argv = ["run", "visual-search", "--quick", "--lang", "ja", "--seed", "3", "--set", "n_per_cell=20", "--out", str(out)]
    assert main(argv) == 0
    return out


def test_run_in_japanese(ja_run):
    html = (ja_run / "report.html").read_text(encoding="utf-8")
    for words in ("視覚探索：特徴統合理論と人間のデータ", "探索関数の傾き", "反復測定分散分析", "結合探索", "標的なし", "表1", "図1", "乱数シード"):
        assert words in html, words
    assert "Search slopes" not in html and '<html lang="ja">' in html
    from _browser import assert_renders_without_fallback

    assert_renders_without_fallback(ja_run / "report.html", ja_run.parent)
    meta = json.loads((ja_run / "metadata.json").read_text())
    assert meta["lang"] == "ja" and meta["simulated_displays_per_cell"] == 20
    # data files keep one vocabulary whatever the language
    assert set(pd.read_csv(ja_run / "slopes.csv")["task"]) == {"feature", "conjunction", "spatial"}


def test_report_command_re_renders_both_languages(ja_run, tmp_path):
    written_by_run = (ja_run / "report.html").read_bytes()
    # the Japanese re-render reproduces the report the run wrote, byte for byte
    assert main(["report", str(ja_run), "--lang", "ja"]) == 0
    assert (ja_run / "report.ja.html").read_bytes() == written_by_run
    # English, from the same tables
    en = tmp_path / "en.html"
    assert main(["report", str(ja_run), "--out", str(en)]) == 0
    text = en.read_text(encoding="utf-8")
    assert "Search slopes" in text and "Feature Integration Theory" in text and '<html lang="en">' in text
    assert "探索" not in text


@pytest.mark.parametrize(
    "argv, msg",
    [
        (["report", "no-such-folder"], "does not exist"),
        (["report", "."], "metadata.json"),
        (["report", ".", "--lang", "fr"], "invalid choice"),
        (["run", "visual-search", "--lang", "fr"], "invalid choice"),
    ],
)
def test_report_bad_input_one_line_exit_2(argv, msg, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert msg in err and len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_every_identifiability_reason_has_a_japanese_line():
    """Each rule of psysim.fitting.identify has a catalogue entry whose English is the rule's own
    sentence, and a reason identify() words is translated back and forth (compare-models --lang ja)."""
    from psysim.fitting.identify import RULES, DataFeatures, identify
    from psysim.models import get_model
    from psysim.report.compare import fixed_reason

    for model, rules in RULES.items():
        for rule in rules:
            assert i18n.t(f"rule.{model}.{rule.param}", "en") == rule.reason, (model, rule.param)
    bare = DataFeatures(present=True, absent=False, n_set_sizes=1, errors=False, distributions=True, popout=False)
    for need in ("absent", "present", "errors", "distributions", "popout", "serial", "displays"):
        assert i18n.t(f"lacks.{need}", "en") == bare.lacks(need)
    seen = 0
    for model in ("fit", "cgs", "gs"):
        ident = identify(get_model(model), bare)
        for param, reason in ident.reasons.items():
            ja = fixed_reason(model, param, reason, "ja")
            assert ja is not None and fixed_reason(model, param, reason, "en") == reason, (model, param, reason)
            assert not any(c.isascii() and c.isalpha() for c in ja.replace("RT", "").replace("SD", "")), ja
            seen += 1
    assert seen >= 8
    assert fixed_reason("cgs", "t_no", "some other reason", "ja") is None


def test_no_key_is_in_two_parts_of_the_catalogue():
    seen = {}
    for part, texts in i18n.CATALOGUE_PARTS.items():
        for key in texts:
            assert key not in seen, f"{key!r} is in both {seen[key]} and {part}"
            seen[key] = part
    assert len(seen) == len(i18n.CATALOGUE)


_ROOT = Path(__file__).resolve().parents[1]
# a whole literal key as the first argument (a prefix joined at run time, "pn.cmp." + k, is not one)
_KEY_CALL = __import__("re").compile(r"""(?:\b_|\bt|\btr|\bi18n\.t)\(\s*["']([a-z][a-z0-9_]*\.[A-Za-z0-9_.:-]+)["']\s*[,)]""")


def test_every_message_key_the_code_names_is_in_the_catalogue():
    """A report string added without its entry (or with a typo) fails here, not in a user's run."""
    used = {}
    for path in [*(_ROOT / "psysim").rglob("*.py"), *(_ROOT / "experiments").glob("*.py")]:
        for key in _KEY_CALL.findall(path.read_text(encoding="utf-8")):
            used.setdefault(key, path.relative_to(_ROOT))
    assert len(used) > 100  # the scan finds the reports' keys
    missing = {k: str(p) for k, p in used.items() if k not in i18n.CATALOGUE}
    assert missing == {}


@pytest.mark.parametrize("name", ["rt-distributions"])
def test_japanese_is_refused_where_an_experiment_has_no_japanese_report(name, tmp_path, capsys):
    """Not English written under --lang ja: one line, exit 2, nothing on disk."""
    out = tmp_path / "run"
    assert main(["run", name, "--quick", "--lang", "ja", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{name!r} writes its report in en only" in err
    assert not out.exists() and not list(tmp_path.iterdir())


def test_every_experiment_that_declares_japanese_can_re_render():
    from psysim.runs import list_experiments

    ja = {n: m for n, m in list_experiments().items() if "ja" in getattr(m, "LANGUAGES", ("en",))}
    assert {"visual-search", "saliency-popout", "saliency-fixations", "distillation", "picture-naming", "softmax-temperature", "cnn-search"} <= set(ja)
    assert all(callable(getattr(m, "report", None)) for m in ja.values())
