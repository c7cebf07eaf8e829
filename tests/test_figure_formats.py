"""Figure files for papers: --figure-format png,svg,pdf and --dpi, byte-reproducible."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from psysim.cli import main  # noqa: E402
from psysim.errors import PsysimError  # noqa: E402
from psysim.runs import RunContext, figure_settings  # noqa: E402


def _fig():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([3, 6, 12, 18], [500, 620, 800, 1050], marker="o", label="Observers")
    ax.set_xlabel("Set size")
    ax.legend()
    return fig


def test_every_format_is_written_at_the_dpi_and_byte_identical_twice(tmp_path):
    files = {}
    for run in ("a", "b"):
        out = tmp_path / run
        out.mkdir()
        ctx = RunContext(name="x", out=out, figure_formats=("png", "svg", "pdf"), dpi=300)
        fig = _fig()
        first = ctx.save_figure(fig, "rt_set_size.png")
        plt.close(fig)
        assert first == out / "rt_set_size.png"
        files[run] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert list(files["a"]) == ["rt_set_size.pdf", "rt_set_size.png", "rt_set_size.svg"]
    assert files["a"] == files["b"]
    with Image.open(tmp_path / "a" / "rt_set_size.png") as im:
        assert round(im.info["dpi"][0]) == 300 and im.width > 3 * 300 * 0.8
    assert b"<dc:date>" not in files["a"]["rt_set_size.svg"]
    assert b"CreationDate" not in files["a"]["rt_set_size.pdf"]


@pytest.mark.parametrize("formats, dpi, msg", [
    ("gif", None, "--figure-format"), ("png,", 0, "--dpi"), ("", None, "--figure-format"),
    (None, True, "--dpi"), (None, 5000, "--dpi"),
])
def test_bad_settings_are_one_line(formats, dpi, msg):
    with pytest.raises(PsysimError, match=msg):
        figure_settings(formats, dpi)


def test_settings_are_normalised():
    assert figure_settings(" PNG, svg,.pdf,svg ", 300) == (("png", "svg", "pdf"), 300)
    assert figure_settings(None, None) == (("png",), 110)


def test_cli_refuses_a_bad_format_before_any_work(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "visual-search", "--quick", "--figure-format", "png,tiff", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "tiff" in err
    assert not out.exists() and list(tmp_path.iterdir()) == []
