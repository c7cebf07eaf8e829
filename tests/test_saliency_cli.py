"""``psysim saliency``: outputs, and one-line errors that leave the output folder untouched."""

import numpy as np
import pandas as pd
from PIL import Image

from psysim.cli import main
from psysim.paths import LEDGER, psysim_wrote


def _image(path, seed=0, size=(96, 128)):
    rng = np.random.default_rng(seed)
    img = (rng.random(size + (3,)) * 60).astype(np.uint8)
    img[30:50, 40:60] = [230, 30, 30]
    Image.fromarray(img).save(path)


def test_writes_map_overlay_and_scanpath(tmp_path, capsys):
    _image(tmp_path / "a.png")
    _image(tmp_path / "b.jpg", seed=1)
    out = tmp_path / "out"
    assert main(["saliency", str(tmp_path / "a.png"), str(tmp_path / "b.jpg"), "--out", str(out), "--fixations", "3"]) == 0
    smap = np.load(out / "a_saliency.npy")
    assert smap.shape == (6, 8) and smap.dtype == np.float32
    assert Image.open(out / "a_overlay.png").size == (128, 96)
    sp = pd.read_csv(out / "a_scanpath.csv")
    assert list(sp.columns) == ["fixation", "x", "y", "onset_ms", "duration_ms", "saliency"]
    assert 1 <= len(sp) <= 3
    # the red square is the first fixation
    assert 40 <= sp["x"].iloc[0] <= 60 and 30 <= sp["y"].iloc[0] <= 50
    written = sorted(f"{s}_{k}" for s in "ab" for k in ("saliency.npy", "overlay.png", "scanpath.csv"))
    assert sorted(p.name for p in out.iterdir()) == sorted([*written, LEDGER])
    assert all(psysim_wrote(out, name) for name in written)  # what --force may replace later


def test_on_off_flag_selects_the_variant(tmp_path):
    from psysim.saliency import IttiKoch, load_image

    _image(tmp_path / "a.png")
    assert main(["saliency", str(tmp_path / "a.png"), "--out", str(tmp_path / "o"), "--on-off"]) == 0
    expected = IttiKoch(on_off=True).saliency_map(load_image(tmp_path / "a.png"))
    np.testing.assert_allclose(np.load(tmp_path / "o" / "a_saliency.npy"), expected, rtol=1e-6)


def test_bad_image_is_one_line_and_writes_nothing(tmp_path, capsys):
    _image(tmp_path / "good.png")
    data = (tmp_path / "good.png").read_bytes()
    (tmp_path / "bad.png").write_bytes(data[: len(data) // 3])
    out = tmp_path / "out"
    code = main(["saliency", str(tmp_path / "good.png"), str(tmp_path / "bad.png"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "bad.png: corrupt or truncated" in err and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())
    (tmp_path / "tiny.png").write_bytes(b"")
    assert main(["saliency", str(tmp_path / "tiny.png"), "--out", str(out)]) == 2
    assert "file is empty" in capsys.readouterr().err
