"""``psysim cam``: files written, one-line errors, nothing half-written."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

from psysim.cli import main
from psysim.displays import make_displays, render
from psysim.networks import save_checkpoint, seeded_network
from psysim.paths import LEDGER, psysim_wrote

torch.set_num_threads(1)


@pytest.fixture
def display_png(tmp_path):
    ds = make_displays("feature", 6, 1, seed=0, target_present=(True,))
    path = tmp_path / "disp.png"
    Image.fromarray(render(ds, 0, size=80)).save(path)
    return path


@pytest.fixture
def tiny_ckpt(tmp_path):
    model = seeded_network("gapcnn", seed=0, channels=(4, 6), pool_after=(0,))
    return save_checkpoint(tmp_path / "tiny.pt", model, {"image_size": [32, 32]})


@pytest.mark.parametrize("method", ["cam", "gradcam"])
def test_cam_command_writes_overlay_raw_map_and_summary(tmp_path, display_png, tiny_ckpt, method, capsys):
    out = tmp_path / "out"
    code = main(["cam", "--checkpoint", str(tiny_ckpt), "--image", str(display_png), "--method", method,
                 "--target", "present", "--out", str(out)])
    assert code == 0
    written = [f"disp_{method}.json", f"disp_{method}_overlay.png", f"disp_{method}_raw.npy"]
    assert sorted(p.name for p in out.iterdir()) == sorted([*written, LEDGER])
    assert all(psysim_wrote(out, name) for name in written)  # what --force may replace later
    raw = np.load(out / f"disp_{method}_raw.npy")
    assert raw.shape == (16, 16)  # 32 px input, one 2x2 pooling
    overlay = np.asarray(Image.open(out / f"disp_{method}_overlay.png"))
    assert overlay.shape == (80, 80, 3)  # the image's own size
    summary = json.loads((out / f"disp_{method}.json").read_text())
    assert summary["target"] == 1 and summary["target_class"] == "present"
    assert sum(summary["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)
    assert "written to" in capsys.readouterr().out


def test_cam_command_bad_input_is_one_line_and_writes_nothing(tmp_path, display_png, tiny_ckpt, capsys):
    out = tmp_path / "out"
    cases = [
        ["--checkpoint", str(tiny_ckpt), "--image", str(display_png), "--target", "maybe"],
        ["--checkpoint", str(tiny_ckpt), "--image", str(display_png), "--target", "5"],
        ["--checkpoint", str(tiny_ckpt), "--image", str(tmp_path / "none.png")],
        ["--checkpoint", str(tmp_path / "none.pt"), "--image", str(display_png)],
        ["--checkpoint", str(tiny_ckpt), "--image", str(display_png), "--layer", "nope"],
    ]
    for argv in cases:
        assert main(["cam", *argv, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("psysim: error:") and err.count("\n") == 1
        assert not out.exists()


def test_cam_command_default_is_the_shipped_network(tmp_path, display_png):
    out = tmp_path / "out"
    assert main(["cam", "--image", str(display_png), "--out", str(out)]) == 0
    summary = json.loads((out / "disp_gradcam.json").read_text())
    assert summary["checkpoint"].endswith("gapcnn_feature.pt")
    assert summary["target_class"] == "present"  # a feature display with a target
