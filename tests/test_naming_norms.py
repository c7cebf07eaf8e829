"""Naming norms of one's own picture set: a column mapping (manifest TOML), which comparisons
with people the norms allow, and cropping of white picture margins. Every file is written
by the test itself."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from PIL import Image, ImageDraw

from psysim.errors import DataError
from psysim.naming import agreement_relations, latency_regressions, load_picture_set
from psysim.naming.norms import norm_coverage, unused_numeric_columns
from psysim.naming.pictures import ink_box, load_image_array

NAMES = ["apple", "dog", "cat", "car", "house", "bird", "fish", "flower", "hill", "star", "moon", "umbrella"]
RENAME = {"item": "ItemNo", "name": "ModalName", "file": "Image", "rt": "NamingRT_s", "h": "H_stat",
          "familiarity": "Fam", "complexity": "VisComp"}


def _draw(path, k: int):
    """A small drawing on a wide white page (margins of about a third on every side)."""
    im = Image.new("RGB", (90, 70), "white")
    d = ImageDraw.Draw(im)
    rng = np.random.default_rng(k)
    for _ in range(2 + k % 3):
        x0, y0 = rng.integers(28, 42, 2)
        d.ellipse([int(x0), int(y0) - 5, int(x0) + int(rng.integers(6, 18)), int(y0) + int(rng.integers(4, 12))], outline="black", width=2)
    im.save(path)


def native_set(folder, n: int = 12) -> pd.DataFrame:
    """Pictures and a manifest with psysim's column names (rt in whole ms)."""
    (folder / "img").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(3)
    rows = []
    for k in range(n):
        _draw(folder / "img" / f"p{k:02d}.png", k)
        rows.append({"item": f"{k + 1:03d}", "name": NAMES[k], "file": f"img/p{k:02d}.png", "rt": float(700 + 25 * k + int(rng.integers(-40, 40))),
                     "h": round(float(rng.uniform(0, 2)), 3), "familiarity": round(float(rng.uniform(1, 5)), 2), "complexity": round(float(rng.uniform(1, 5)), 2)})
    df = pd.DataFrame(rows)
    df.to_csv(folder / "manifest.csv", index=False)
    return df


def renamed_set(folder, native: pd.DataFrame, **toml_extra) -> str:
    """The same manifest under a lab's own column names, latencies in seconds, and its TOML."""
    lab = native.copy()
    lab["rt"] = lab["rt"] / 1000.0
    lab = lab.rename(columns=RENAME)[["Image", "ItemNo", "ModalName", "VisComp", "NamingRT_s", "Fam", "H_stat"]]
    lab.to_csv(folder / "lab_norms.csv", index=False)
    cols = "\n".join(f'{k} = "{v}"' for k, v in RENAME.items())
    extra = "".join(f"\n[{sec}]\n" + "\n".join(f"{k} = {v}" for k, v in keys.items()) + "\n" for sec, keys in toml_extra.items())
    text = ('[dataset]\nname = "lab-pictures"\ncitation = "Lab, A. (2024). Pictures. J, 1, 1-2."\nlicence = "CC BY 4.0"\n\n'
            f'[files]\nmanifest = "lab_norms.csv"\n\n[columns]\n{cols}\n\n[rt]\nunit = "s"\n{extra}')
    (folder / "pictures.toml").write_text(text, encoding="utf-8")
    return str(folder / "pictures.toml")


def test_renamed_norm_columns_give_the_same_set_and_comparisons(tmp_path):
    native = native_set(tmp_path)
    toml = renamed_set(tmp_path, native)
    a = load_picture_set(tmp_path / "manifest.csv", size=32)
    b = load_picture_set(toml, size=32)
    cols = ["item", "name", "file", "version", "rt", "h", "familiarity", "complexity"]
    pd.testing.assert_frame_equal(a.table[cols], b.table[cols])
    assert b.table["rt"].tolist() == native["rt"].tolist()  # seconds -> ms exactly
    assert torch.equal(a.images, b.images) and a.names == b.names and torch.equal(a.labels, b.labels)
    assert b.meta["description"]["columns"]["rt"] == "NamingRT_s" and b.meta["crop"] is True
    ca, cb = norm_coverage(a.table, "default"), norm_coverage(b.table, "default", mapped=RENAME, where=toml)
    assert ca[["comparison", "made", "n_items"]].equals(cb[["comparison", "made", "n_items"]])
    made = dict(zip(ca["comparison"], ca["made"]))
    assert made["latency"] and made["latency_covariates"] and made["temperature"] and made["h"]
    assert not made["pct_modal"] and not made["colour"]
    # the comparisons themselves, on the same model measure, are identical
    ent = np.random.default_rng(0).uniform(0, 3, len(native))
    items = [t.assign(entropy=ent).rename(columns={"rt": "human_rt", "h": "human_h"}) for t in (a.table, b.table)]
    ra, rb = (latency_regressions(i, "entropy")[0] for i in items)
    pd.testing.assert_frame_equal(ra, rb)
    assert set(ra["predictor"]) == {"entropy", "familiarity", "complexity"}
    pd.testing.assert_frame_equal(agreement_relations(items[0]), agreement_relations(items[1]))


def test_coverage_says_why_a_comparison_is_not_made(tmp_path):
    native = native_set(tmp_path)
    t = native.drop(columns=["h"]).rename(columns={"rt": "RT"}).assign(version="line")
    t["RT"] = t["RT"].astype(float)
    cov = norm_coverage(t, "line", where="m.csv").set_index("comparison")
    assert not cov["made"].any()  # no rt, no h, no colour versions: nothing to compare
    assert "no 'rt' column in m.csv" in cov.loc["latency", "reason"] and "the file has 'RT'" in cov.loc["latency", "reason"]
    assert "no 'h' column" in cov.loc["h", "reason"]
    assert unused_numeric_columns(t) == ["RT"]
    # present but too sparse
    t2 = native.assign(version="line")
    t2.loc[3:, "h"] = np.nan
    cov2 = norm_coverage(t2, "line").set_index("comparison")
    assert not cov2.loc["h", "made"] and "only 3 line picture(s)" in cov2.loc["h", "reason"]
    assert cov2.loc["latency", "made"] and cov2.loc["latency", "n_items"] == 12
    # colour against line needs both versions of the same items
    t3 = pd.concat([t2, t2.head(4).assign(version="colour")], ignore_index=True)
    cov3 = norm_coverage(t3, "line").set_index("comparison")
    assert cov3.loc["colour", "made"] and cov3.loc["colour", "n_items"] == 4 and cov3.loc["colour_human", "made"]


def _page(w=200, h=160, box=(30, 100, 70, 120)):
    a = np.full((h, w, 3), 255, np.uint8)
    x0, y0, x1, y1 = box
    a[y0:y1, x0:x1] = 0
    return a


def test_wide_margins_are_cropped_to_the_ink_box_plus_pad(tmp_path):
    Image.fromarray(_page()).save(tmp_path / "wide.png")
    # ink box 40 x 20 px; pad 5 % of 40 = 2 px: a 44 px square with the box centred
    out = load_image_array(tmp_path / "wide.png", 44, crop=True, pad=0.05)
    want = np.full((44, 44, 3), 255, np.uint8)
    want[12:32, 2:42] = 0
    assert np.array_equal(out.transpose(1, 2, 0), want)
    assert ink_box(out.transpose(1, 2, 0)) == (12, 32, 2, 42)
    # crop off: the page padded to a square (20 px of white above and below), nothing cut
    off = load_image_array(tmp_path / "wide.png", 200, crop=False)
    want = np.full((200, 200, 3), 255, np.uint8)
    want[120:140, 30:70] = 0
    assert np.array_equal(off.transpose(1, 2, 0), want)
    # at network resolution the cropped drawing spans the input, the uncropped one a fifth of it
    on, off = (load_image_array(tmp_path / "wide.png", 32, crop=c).transpose(1, 2, 0) for c in (True, False))
    t, b, left, r = ink_box(on)
    assert r - left >= 28
    t, b, left, r = ink_box(off)
    assert r - left <= 8
    # an all-white picture is left as it is
    Image.fromarray(np.full((50, 30, 3), 255, np.uint8)).save(tmp_path / "blank.png")
    assert (load_image_array(tmp_path / "blank.png", 16, crop=True) == 255).all()


def test_crop_setting_from_description_and_argument(tmp_path):
    native = native_set(tmp_path)
    toml = renamed_set(tmp_path, native, images={"crop": "false"})
    off = load_picture_set(toml, size=32)
    on = load_picture_set(toml, size=32, crop=True)
    plain = load_picture_set(tmp_path / "manifest.csv", size=32)  # a plain CSV crops by default
    assert off.meta["crop"] is False and on.meta["crop"] is True
    assert torch.equal(on.images, plain.images) and not torch.equal(on.images, off.images)
    ink = lambda ps: ((ps.images.min(1).values < 200).float().mean()).item()  # noqa: E731
    assert ink(on) > 2 * ink(off)


def _bad_toml(tmp_path, edit) -> str:
    native = native_set(tmp_path, n=4)
    path = renamed_set(tmp_path, native)
    text = edit(open(path, encoding="utf-8").read())
    open(path, "w", encoding="utf-8").write(text)
    with pytest.raises(DataError) as ei:
        load_picture_set(path, size=16)
    msg = str(ei.value)
    assert "\n" not in msg and msg.startswith(path)
    return msg


def test_bad_descriptions_name_file_and_key(tmp_path):
    msg = _bad_toml(tmp_path, lambda t: t.replace('rt = "NamingRT_s"', 'rt = "NamingRT_sec"'))
    assert "[columns] rt" in msg and "no column 'NamingRT_sec'" in msg and "did you mean 'NamingRT_s'" in msg
    msg = _bad_toml(tmp_path, lambda t: t.replace('h = "H_stat"', 'agreement = "H_stat"'))
    assert "[columns] agreement" in msg and "unknown psysim column" in msg
    msg = _bad_toml(tmp_path, lambda t: t.replace('unit = "s"', 'unit = "ms"'))
    assert "[rt] unit" in msg and "seconds" in msg
    msg = _bad_toml(tmp_path, lambda t: t + "\n[images]\ncrop = 1\n")
    assert "[images] crop" in msg
    msg = _bad_toml(tmp_path, lambda t: t.replace("[files]", "[file]"))
    assert "[file]" in msg and "did you mean [files]" in msg


def test_cli_bad_description_one_line_and_no_output(tmp_path, capsys):
    from psysim.cli import main

    native = native_set(tmp_path, n=4)
    path = renamed_set(tmp_path, native)
    open(path, "a", encoding="utf-8").write('\n[images]\npadding = 0.1\n')
    rc = main(["run", "picture-naming", "--quick", "--out", str(tmp_path / "run"), "--set", f"manifest={path}"])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "[images] padding" in err and path in err
    assert not (tmp_path / "run").exists() and not list(tmp_path.glob(".run*"))


def test_experiment_on_renamed_norms_equals_native_and_reports_coverage(tmp_path):
    """The whole experiment on the lab's renamed manifest gives the native run's comparisons,
    and its report lists what it could not compare and why."""
    from psysim.runs import execute, get_experiment

    native = native_set(tmp_path)
    toml = renamed_set(tmp_path, native)
    opts = {"backbone": "psysim-random", "size": "24", "seeds": "1", "regime": "transfer", "epochs": "2", "views": "1",
            "splits": "3", "distinct_epochs": "1"}
    runs = [execute(get_experiment("picture-naming"), out=tmp_path / name, quick=True, options={**opts, "manifest": m}, seed=5)
            for name, m in (("native", str(tmp_path / "manifest.csv")), ("lab", toml))]
    for f in ("regressions.csv", "temperature_splits.csv", "r2_change.csv"):
        assert (runs[0] / f).read_bytes() == (runs[1] / f).read_bytes(), f
    cov = pd.read_csv(runs[1] / "comparisons.csv").set_index("comparison")
    assert cov["made"].to_dict() == pd.read_csv(runs[0] / "comparisons.csv").set_index("comparison")["made"].to_dict()
    assert not cov.loc["pct_modal", "made"] and cov.loc["h", "made"]
    html = (runs[1] / "report.html").read_text(encoding="utf-8")
    assert "Comparisons with human norms" in html and "no &#x27;pct_modal&#x27; column" in html
    assert "NamingRT_s" in html and "Lab, A. (2024)" in html and "cropped to the ink bounding box" in html
