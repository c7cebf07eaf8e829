import json

import pytest

from psysim.cli import main


def test_list(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "visual-search" in out and "fit" in out and "wolfe2010" in out


def test_displays_writes_png(tmp_path):
    from PIL import Image

    out = tmp_path / "d.png"
    assert main(["displays", "--task", "conjunction", "--set-size", "12", "--out", str(out)]) == 0
    img = Image.open(out)
    assert img.size == (512, 512) and img.mode == "RGB"


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("runs")
    a, b = base / "a", base / "b"
    assert main(["run", "visual-search", "--quick", "--seed", "1", "--out", str(a)]) == 0
    assert main(["run", "visual-search", "--quick", "--seed", "1", "--out", str(b)]) == 0
    return a, b


def test_visual_search_run_folder(quick_run):
    a, _ = quick_run
    for f in ("trials.csv", "summary.csv", "slopes.csv", "report.html", "metadata.json", "rt_set_size.png", "error_rates.png"):
        assert (a / f).exists(), f
    meta = json.loads((a / "metadata.json").read_text())
    assert meta["seed"] == 1 and meta["data_sources"][0]["name"] == "wolfe2010"
    html = (a / "report.html").read_text()
    assert "data:image/png;base64," in html and "Wolfe, J. M." in html and "CC BY-NC" in html
    assert "<script src" not in html and "http://" not in html.split("References")[0]


def test_same_seed_gives_byte_identical_trials(quick_run):
    a, b = quick_run
    assert (a / "trials.csv").read_bytes() == (b / "trials.csv").read_bytes()
    assert (a / "slopes.csv").read_bytes() == (b / "slopes.csv").read_bytes()


def test_slopes_show_the_qualitative_pattern(quick_run):
    import pandas as pd

    s = pd.read_csv(quick_run[0] / "slopes.csv").set_index(["source", "task", "target_present"])["slope"]
    for src in ("wolfe2010", "fit"):
        assert abs(s[src, "feature", True]) < 5
        assert s[src, "conjunction", True] > 5 and s[src, "spatial", True] > 20
        assert 1.5 < s[src, "conjunction", False] / s[src, "conjunction", True] < 3.5


@pytest.mark.parametrize(
    "argv, msg",
    [
        (["run", "no-such-experiment"], "unknown experiment"),
        (["run", "visual-search", "--seed", "minus-one"], "seed"),
        (["run", "visual-search", "--set", "n_per_cell=lots"], "n_per_cell"),
        (["displays", "--task", "waldo", "--out", "x.png"], "unknown task"),
        (["displays", "--set-size", "99", "--out", "x.png"], "set size"),
        (["displays", "--out", "x.jpg"], ".png"),
    ],
)
def test_bad_input_one_line_exit_2_nothing_written(argv, msg, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(argv + (["--out", str(tmp_path / "run")] if argv[0] == "run" and "--seed" not in argv else []))
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert msg in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_existing_out_folder_is_not_overwritten(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("precious")
    assert main(["run", "visual-search", "--quick", "--out", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "precious"
