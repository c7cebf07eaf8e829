"""Bring-your-own picture sets: UTF-8 manifests (Japanese names) end to end, and bad manifests."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import pytest
import torch
from PIL import Image, ImageDraw

from psysim.errors import DataError, PsysimError
from psysim.naming import load_picture_set, read_manifest

JA = ["りんご", "いぬ", "ねこ", "くるま", "いえ", "とり", "さかな", "はな", "やま", "ほし", "つき", "かさ"]


def _draw(path, k: int, size: int = 40, colour=False):
    im = Image.new("RGB", (size, size + 8), "white")  # not square: the loader pads
    d = ImageDraw.Draw(im)
    rng = np.random.default_rng(k)
    for _ in range(2 + k % 3):
        x0, y0 = rng.integers(2, size // 2, 2)
        x1, y1 = x0 + rng.integers(8, size // 2), y0 + rng.integers(8, size // 2)
        fill = tuple(int(v) for v in rng.integers(0, 255, 3)) if colour else None
        [d.ellipse, d.rectangle][int(rng.integers(2))]([x0, y0, x1, y1], outline="black", width=2, fill=fill)
    im.save(path)


def make_set(folder, n: int = 12, norms: bool = True) -> pd.DataFrame:
    """A tiny picture set with Japanese names and made-up norms, written to ``folder``."""
    (folder / "img").mkdir(parents=True, exist_ok=True)
    rows = []
    rng = np.random.default_rng(0)
    for k in range(n):
        f = f"img/p{k:02d}.png"
        _draw(folder / f, k)
        row = {"item": f"{k + 1:03d}", "name": JA[k], "file": f, "version": "line", "name_en": f"thing {k}"}
        if norms:
            row.update(rt=float(800 + 40 * k + rng.normal(0, 30)), familiarity=float(rng.uniform(1, 5)), complexity=float(rng.uniform(1, 5)))
        rows.append(row)
    df = pd.DataFrame(rows)
    df.to_csv(folder / "manifest.csv", index=False, encoding="utf-8")
    return df


def test_japanese_manifest_loads(tmp_path):
    df = make_set(tmp_path)
    # one name typed with a decomposed (NFD) dakuten must still be the same name
    df.loc[0, "name"] = unicodedata.normalize("NFD", "ぶどう")
    df.to_csv(tmp_path / "manifest.csv", index=False, encoding="utf-8")
    ps = load_picture_set(tmp_path / "manifest.csv", size=24)
    assert len(ps) == 12 and ps.names[0] == unicodedata.normalize("NFC", "ぶどう")
    assert ps.names[1:] == tuple(JA[1:12])
    assert ps.images.shape == (12, 3, 24, 24) and ps.images.dtype == torch.uint8
    assert ps.table["rt"].dtype == float and ps.table["name_en"].iloc[3] == "thing 3"
    assert ps.labels.tolist() == list(range(12))
    # white padding of a non-square image: the corners stay white
    assert (ps.images[:, :, 0, 0] == 255).all()


def test_japanese_manifest_end_to_end(tmp_path):
    """The experiment on a bring-your-own set with Japanese names writes items.csv in UTF-8."""
    from psysim.runs import execute, get_experiment

    make_set(tmp_path / "set")
    opts = {"manifest": str(tmp_path / "set" / "manifest.csv"), "backbone": "psysim-random", "size": "24", "seeds": "1",
            "epochs": "2", "finetune_epochs": "1", "views": "1", "splits": "3", "distinct_epochs": "1"}
    out = execute(get_experiment("picture-naming"), out=tmp_path / "run", quick=True, options=opts)
    items = pd.read_csv(out / "items.csv", encoding="utf-8")
    assert set(items["regime"]) == {"transfer", "finetune"}
    assert set(items["name"]) == set(JA)
    assert {"accuracy", "top5", "p_correct", "entropy", "human_rt", "familiarity", "complexity"} <= set(items.columns)
    assert items["p_correct"].between(0, 1).all() and (items["entropy"] <= np.log2(12) + 1e-6).all()
    regs = pd.read_csv(out / "regressions.csv")
    assert {"predictor", "coefficient", "ci_low", "ci_high", "p", "r2"} <= set(regs.columns)
    assert (regs["ci_low"] <= regs["coefficient"]).all() and (regs["coefficient"] <= regs["ci_high"]).all()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "picture-naming" in html or "Picture naming" in html
    # re-rendered from the tables in Japanese; in headless Chromium no glyph falls back
    ja = get_experiment("picture-naming").report(out, "ja").read_text(encoding="utf-8")
    assert "絵画命名：CNN と人間の命名規準" in ja and "評価用ビューでの命名の正答率" in ja and "ファインチューニング" in ja
    assert "held-out views" not in ja and "実行フォルダにのみある" in ja  # (network figures: run only)
    from _browser import assert_renders_without_fallback

    assert_renders_without_fallback(out / "report.ja.html", tmp_path)


# ---- bad manifests: each gets one clear line naming the file, row and problem -------------


def _bad(tmp_path, edit=None, text=None, encoding="utf-8"):
    df = make_set(tmp_path, n=4, norms=False)
    if edit is not None:
        df = edit(df)
    path = tmp_path / "manifest.csv"
    if text is not None:
        path.write_bytes(text.encode(encoding))
    else:
        df.to_csv(path, index=False, encoding=encoding)
    with pytest.raises(DataError) as ei:
        load_picture_set(path, size=16)
    msg = str(ei.value)
    assert "\n" not in msg and str(path) in msg
    return msg


def test_missing_image_file(tmp_path):
    msg = _bad(tmp_path, lambda d: d.assign(file=d["file"].where(d.index != 2, "img/nowhere.png")))
    assert "row 4" in msg and "nowhere.png" in msg and "not found" in msg


def test_duplicate_ids(tmp_path):
    msg = _bad(tmp_path, lambda d: d.assign(item=["001", "002", "002", "004"]))
    assert "duplicate item id '002'" in msg and "rows 3, 4" in msg


def test_unreadable_image(tmp_path):
    def edit(d):
        (tmp_path / "img" / "broken.png").write_bytes(b"this is not a picture")
        return d.assign(file=d["file"].where(d.index != 1, "img/broken.png"))

    msg = _bad(tmp_path, edit)
    assert "row 3" in msg and "broken.png" in msg and "not a readable image" in msg


def test_names_do_not_match_across_versions(tmp_path):
    def edit(d):
        extra = d.iloc[[0]].assign(version="colour", name="林檎")
        return pd.concat([d, extra], ignore_index=True)

    msg = _bad(tmp_path, edit)
    assert "names do not match for item '001'" in msg and "りんご" in msg and "林檎" in msg


def test_one_name_for_two_items(tmp_path):
    msg = _bad(tmp_path, lambda d: d.assign(name=[JA[0], JA[1], JA[1], JA[3]]))
    assert f"name '{JA[1]}' is given to several items" in msg


def test_not_utf8(tmp_path):
    msg = _bad(tmp_path, text="item,name,file\n1,accordéon,img/p00.png\n", encoding="latin-1")
    assert "not UTF-8" in msg and "0xe9" in msg


def test_missing_column_and_empty_name(tmp_path):
    msg = _bad(tmp_path, text="item,label,file\n1,x,img/p00.png\n")
    assert "missing column(s) name" in msg
    msg = _bad(tmp_path, text="item,name,file\n1,いぬ,img/p00.png\n2,,img/p01.png\n")
    assert "row 3: empty 'name'" in msg


def test_manifest_not_found(tmp_path):
    with pytest.raises(PsysimError, match="manifest file not found"):
        read_manifest(tmp_path / "none.csv")


def test_cli_bad_manifest_one_line_and_no_output(tmp_path, capsys):
    from psysim.cli import main

    make_set(tmp_path, n=4, norms=False)
    df = pd.read_csv(tmp_path / "manifest.csv", dtype=str)
    df.loc[1, "item"] = "001"
    df.to_csv(tmp_path / "manifest.csv", index=False)
    rc = main(["run", "picture-naming", "--quick", "--out", str(tmp_path / "run"), "--set", f"manifest={tmp_path / 'manifest.csv'}"])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "duplicate item id '001'" in err
    assert not (tmp_path / "run").exists()
