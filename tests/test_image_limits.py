"""Image limits: a header claiming a huge image, a 1x1 image and a flat image are one line
(or one warning) for saliency and cam alike, with the limit stated (issue 20, items 5 and 8)."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from psysim.cli import main
from psysim.errors import PsysimError
from psysim.images import MAX_PIXELS, MAX_SIDE, MIN_SIDE, check_size, open_image


def claimed_png(path, width, height):
    """A tiny PNG whose header claims ``width`` x ``height`` px (a decompression bomb's header)."""
    buf = io.BytesIO()
    Image.new("RGB", (1, 1)).save(buf, format="PNG")
    b = bytearray(buf.getvalue())
    i = b.index(b"IHDR")
    b[i + 4:i + 12] = struct.pack(">II", width, height)
    b[i + 17:i + 21] = struct.pack(">I", zlib.crc32(bytes(b[i:i + 17])))
    path.write_bytes(bytes(b))
    return path


def one_line_exit_2(argv, capsys, *needles):
    capsys.readouterr()
    rc = main([str(a) for a in argv])
    err = capsys.readouterr().err.strip()
    assert rc == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for n in needles:
        assert n in err, err
    return err


@pytest.mark.parametrize("side", [20000, MAX_SIDE + 1])
@pytest.mark.parametrize("command", ["saliency", "cam"])
def test_a_header_claiming_a_huge_image_is_one_line_with_the_limit(tmp_path, capsys, side, command):
    png = claimed_png(tmp_path / "bomb.png", side, side)
    out = tmp_path / "out"
    argv = ["saliency", png, "--out", out] if command == "saliency" else ["cam", "--image", png, "--out", out]
    one_line_exit_2(argv, capsys, f"{side}x{side} px", f"limit of {MAX_PIXELS} pixels ({MAX_SIDE}x{MAX_SIDE})")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.png"]


@pytest.mark.parametrize("command", ["saliency", "cam"])
def test_a_1x1_image_is_refused_by_saliency_and_cam(tmp_path, capsys, command):
    png = tmp_path / "dot.png"
    Image.new("RGB", (1, 1), (200, 0, 0)).save(png)
    out = tmp_path / "out"
    argv = ["saliency", png, "--out", out] if command == "saliency" else ["cam", "--image", png, "--out", out]
    one_line_exit_2(argv, capsys, "1x1 px", f"at least {MIN_SIDE} px on each side")
    assert not out.exists()


def test_check_size_bounds():
    check_size(MIN_SIDE, MIN_SIDE)
    check_size(MAX_SIDE, MAX_SIDE)
    with pytest.raises(PsysimError, match=f"31x40 px; psysim needs at least {MIN_SIDE}"):
        check_size(31, 40)
    with pytest.raises(PsysimError, match="more than the limit"):
        check_size(MAX_SIDE, MAX_SIDE + 1)
    check_size(1, 1, min_side=1)


def test_open_image_checks_the_header_before_decoding(tmp_path):
    png = claimed_png(tmp_path / "b.png", 30000, 30000)  # 900 M px: Pillow itself would raise its bomb error
    with pytest.raises(PsysimError, match="30000x30000 px"):
        with open_image(png):
            pass
    Image.new("L", (40, 33)).save(tmp_path / "ok.png")
    with open_image(tmp_path / "ok.png") as im:
        assert im.size == (40, 33)


def test_manifest_pictures_get_the_same_header_check(tmp_path):
    from psysim.naming.pictures import load_image_array

    png = claimed_png(tmp_path / "b.png", 20000, 20000)
    with pytest.raises(PsysimError, match=r"^manifest.csv: row 2: .*b.png: image is 20000x20000 px"):
        load_image_array(png, 32, where="manifest.csv: row 2: ")
    Image.new("RGB", (8, 8), (0, 0, 0)).save(tmp_path / "small.png")  # small line drawings are fine
    assert load_image_array(tmp_path / "small.png", 16).shape == (3, 16, 16)


def test_a_flat_image_gives_a_warning_and_an_empty_scanpath(tmp_path, capsys):
    flat = tmp_path / "flat.png"
    Image.new("RGB", (64, 64), (128, 128, 128)).save(flat)
    capsys.readouterr()
    assert main(["saliency", str(flat), "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err.strip()
    assert err == f"psysim: warning: {flat}: the saliency map is zero everywhere (a flat image?); its scanpath is empty"
    sp = (tmp_path / "o" / "flat_scanpath.csv").read_text().splitlines()
    assert sp == ["fixation,x,y,onset_ms,duration_ms,saliency"]
    assert np.load(tmp_path / "o" / "flat_saliency.npy").max() == 0
