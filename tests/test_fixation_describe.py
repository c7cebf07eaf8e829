"""Fixation data sets through a TOML description: points, binary maps and density maps."""

import json
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from psysim.cli import main
from psysim.data.fixation_describe import POINT_METRICS, read_fixation_description
from psysim.data.fixation_sets import load_described_fixations
from psysim.errors import DataError

H, W, SIGMA = 96, 128, 4.0
NAMES = ("beach", "city", "forest")
CITATION = "Lab, A. (2024). Free viewing of three pictures. Journal of Tests, 1, 1-2."
LICENCE = "CC BY 4.0"


def _points(seed=3):
    """Distinct fixated pixels per image (so a binary map holds the same information)."""
    rng = np.random.default_rng(seed)
    out = {}
    for k, name in enumerate(NAMES):
        flat = rng.choice(H * W, size=12 + 3 * k, replace=False)
        out[name] = np.column_stack([flat % W, flat // W])  # x, y
    return out


def _density(xy):
    from scipy.ndimage import gaussian_filter

    c = np.zeros((H, W))
    c[xy[:, 1], xy[:, 0]] = 1
    d = gaussian_filter(c, SIGMA, mode="constant")
    return d / d.max()


def _toml(path, fixations, body, density=None, extra=""):
    files = f'images = "stimuli"\nfixations = "{fixations}"\n' + (f'density = "{density}"\n' if density else "")
    path.write_text(
        f'[dataset]\nname = "testset"\ncitation = "{CITATION}"\nlicence = "{LICENCE}"\n\n'
        f"[files]\n{files}\n{body}\n{extra}", encoding="utf-8")
    return path


@pytest.fixture
def fixset(tmp_path):
    """One fixation set written in all three formats; returns (folder, points, tomls)."""
    rng = np.random.default_rng(11)
    (tmp_path / "stimuli").mkdir()
    (tmp_path / "maps").mkdir()
    (tmp_path / "density").mkdir()
    pts = _points()
    rows = []
    for name in NAMES:
        img = (rng.random((H, W, 3)) * 60 + 90).astype(np.uint8)
        img[20:50, 30:70] = (230, 40, 30)  # a red patch for the saliency models
        Image.fromarray(img).save(tmp_path / "stimuli" / f"{name}.png")
        m = np.zeros((H, W), np.uint8)
        m[pts[name][:, 1], pts[name][:, 0]] = 255
        Image.fromarray(m).save(tmp_path / "maps" / f"{name}.png")
        np.save(tmp_path / "density" / f"{name}.npy", _density(pts[name]))
        for j, (x, y) in enumerate(pts[name]):
            rows.append({"picture": f"{name}.png", "observer": f"s{j % 3}", "fx": x + 0.5, "fy": y + 0.25,
                         "dur": 200 + j, "nr": j})
    pd.DataFrame(rows).to_csv(tmp_path / "fix.csv", index=False)
    cols = '[columns]\nimage = "picture"\nsubject = "observer"\nx = "fx"\ny = "fy"\nduration = "dur"\norder = "nr"\n'
    tomls = {
        "points": _toml(tmp_path / "points.toml", "fix.csv", '[fixations]\nformat = "points"\n\n' + cols,
                        extra=f"[density]\nsigma_px = {SIGMA}\n"),
        "maps": _toml(tmp_path / "maps.toml", "maps", '[fixations]\nformat = "maps"\n',
                      extra=f"[density]\nsigma_px = {SIGMA}\n"),
        "density": _toml(tmp_path / "density.toml", "density", '[fixations]\nformat = "density"\n'),
    }
    return tmp_path, pts, tomls


def test_three_formats_give_the_same_fixations_and_density(fixset):
    _, pts, tomls = fixset
    by = {f: load_described_fixations(p) for f, p in tomls.items()}
    for k, name in enumerate(NAMES):
        a, b, c = by["points"][k], by["maps"][k], by["density"][k]
        assert a.name == b.name == c.name == name
        assert a.image.shape == (H, W, 3) and a.image.dtype == np.uint8
        expect = np.zeros((H, W), bool)
        expect[pts[name][:, 1], pts[name][:, 0]] = True
        assert (a.fixations == expect).all() and (b.fixations == expect).all()
        assert not c.fixations.any()  # points = "none": no pseudo-fixations
        np.testing.assert_allclose(a.density, _density(pts[name]), atol=1e-12)
        np.testing.assert_array_equal(a.density, b.density)
        np.testing.assert_allclose(c.density, a.density, atol=1e-12)


def test_metrics_equal_across_formats(fixset):
    from experiments.saliency_fixations import image_metrics

    _, _, tomls = fixset
    skip = read_fixation_description(tomls["density"]).skipped_metrics
    assert set(skip) == set(POINT_METRICS) and "continuous fixation-density maps" in skip["nss"]
    pm = image_metrics(load_described_fixations(tomls["points"]), seed=1)
    mm = image_metrics(load_described_fixations(tomls["maps"]), seed=1)
    dm = image_metrics(load_described_fixations(tomls["density"]), seed=1, skip=tuple(skip))
    pd.testing.assert_frame_equal(pm, mm)
    assert set(dm["metric"]) == {"cc", "kl", "sim", "ll_bits"}  # ll_bits: expected under the density
    assert np.isfinite(dm["value"]).all()
    both = pm.merge(dm.query("metric != 'll_bits'"), on=["image", "model", "metric"], suffixes=("_p", "_d"))
    assert len(both) == len(dm) - 3 * 4 == 3 * 4 * 3
    np.testing.assert_allclose(both["value_p"], both["value_d"], rtol=1e-9, atol=1e-12)
    uni = pm.query("model == 'uniform' and metric == 'auc_judd'")["value"]
    np.testing.assert_allclose(uni, 0.5)


def test_points_in_other_units_give_the_same_map(fixset):
    folder, pts, tomls = fixset
    df = pd.read_csv(folder / "fix.csv")
    one = df.assign(fx=df["fx"] + 1, fy=df["fy"] + 1, picture=df["picture"].str.replace(".png", ""))
    one.to_csv(folder / "fix1.csv", index=False)
    norm = df.assign(fx=df["fx"] / W, fy=df["fy"] / H)
    norm.to_csv(folder / "fixn.csv", index=False)
    text = tomls["points"].read_text()
    p1 = folder / "p1.toml"
    p1.write_text(text.replace("fix.csv", "fix1.csv").replace('format = "points"', 'format = "points"\nfirst_pixel = 1'))
    pn = folder / "pn.toml"
    pn.write_text(text.replace("fix.csv", "fixn.csv").replace('format = "points"', 'format = "points"\nunits = "normalised"'))
    ref = load_described_fixations(tomls["points"])
    for p in (p1, pn):
        for a, b in zip(ref, load_described_fixations(p)):
            np.testing.assert_array_equal(a.fixations, b.fixations)


def test_duration_and_first_fixation_filters(fixset):
    folder, pts, tomls = fixset
    text = tomls["points"].read_text().replace('format = "points"', 'format = "points"\nexclude_first = true\nmin_duration = 203')
    p = folder / "filtered.toml"
    p.write_text(text)
    for d, name in zip(load_described_fixations(p), NAMES):
        df = pd.read_csv(folder / "fix.csv")
        df = df[df["picture"] == f"{name}.png"]
        first = df.groupby("observer")["nr"].transform("min")
        keep = df[(df["dur"] >= 203) & (df["nr"] > first)]
        assert d.fixations.sum() == len(keep)
        assert d.fixations[np.floor(keep["fy"]).astype(int), np.floor(keep["fx"]).astype(int)].all()


def test_density_points_threshold_and_sample(fixset):
    folder, _, tomls = fixset
    text = tomls["density"].read_text()
    t = folder / "thr.toml"
    t.write_text(text.replace('format = "density"', 'format = "density"\npoints = "threshold"\nlevel = 0.6'))
    dt = read_fixation_description(t)
    assert dt.skipped_metrics == {} and "thresholded" in dt.points_text()
    for d in load_described_fixations(dt):
        np.testing.assert_array_equal(d.fixations, d.density >= 0.6 * d.density.max())
    masks = {}
    for seed in (0, 0, 1):
        s = folder / f"s{seed}.toml"
        s.write_text(text.replace('format = "density"', f'format = "density"\npoints = "sample"\nn_points = 40\nseed = {seed}'))
        ds = read_fixation_description(s)
        assert "sampled" in ds.points_text()
        got = load_described_fixations(ds)
        for d in got:
            assert 0 < d.fixations.sum() <= 40 and (d.density[d.fixations] > 0).all()
        if seed in masks:
            assert all((a.fixations == b.fixations).all() for a, b in zip(masks[seed], got))
        masks[seed] = got
        # an image's points do not depend on which other images are loaded
        alone = load_described_fixations(ds, names=["forest"])[0]
        np.testing.assert_array_equal(alone.fixations, got[2].fixations)
    assert any((a.fixations != b.fixations).any() for a, b in zip(masks[0], masks[1]))


def _error(path) -> str:
    with pytest.raises(DataError) as info:
        load_described_fixations(path)
    msg = str(info.value)
    assert "\n" not in msg
    return msg


def test_bad_descriptions_name_file_and_key(fixset):
    folder, _, tomls = fixset
    good = tomls["points"].read_text()
    cases = {
        "unknown key": (good.replace('format = "points"', 'format = "points"\nunit = "pixels"'),
                        r"bad\.toml: \[fixations\] unit: unknown key \(did you mean 'units'\?\)"),
        "unknown section": (good + '\n[colums]\nx = "a"\n', r"bad\.toml: \[colums\]: unknown section \(did you mean \[columns\]\?\)"),
        "missing folder": (good.replace('images = "stimuli"', 'images = "pictures"'),
                           r"bad\.toml: \[files\] images: folder .*pictures not found"),
        "missing csv": (good.replace("fix.csv", "nofile.csv"), r"bad\.toml: \[files\] fixations: file .*nofile\.csv not found"),
        "unknown column": (good.replace('x = "fx"', 'x = "gaze_x"'),
                           r"bad\.toml: \[columns\] x: column 'gaze_x' not in fix\.csv"),
        "no density": (good.replace(f"[density]\nsigma_px = {SIGMA}\n", ""),
                       r"bad\.toml: \[density\]: no \[files\] density folder: set sigma_px or pixels_per_degree"),
        "bad format": (good.replace('format = "points"', 'format = "scanpaths"'),
                       r"bad\.toml: \[fixations\] format: 'scanpaths' is not one of points, maps, density"),
        "key of another format": (good.replace('format = "points"', 'format = "points"\nthreshold = 3'),
                                  r"bad\.toml: \[fixations\] threshold: not used by format 'points'"),
    }
    for what, (text, pattern) in cases.items():
        bad = folder / "bad.toml"
        bad.write_text(text)
        assert re.search(pattern, _error(bad)), what


def test_bad_fixations_name_the_image_or_row(fixset):
    folder, pts, tomls = fixset
    df = pd.read_csv(folder / "fix.csv")
    df[df["picture"] != "city.png"].to_csv(folder / "fix.csv", index=False)
    assert re.search(r"points\.toml: \[files\] fixations: image 'city' has no fixations in fix\.csv", _error(tomls["points"]))
    out = df.copy()
    out.loc[5, "fx"] = W + 0.5
    out.to_csv(folder / "fix.csv", index=False)
    assert re.search(rf"fix\.csv row 7: point \({W + 0.5:g}, [0-9.]+\) is outside image 'beach' \({W}x{H} px",
                     _error(tomls["points"]))
    out = df.copy()
    out.loc[2, "picture"] = "lake.png"
    out.to_csv(folder / "fix.csv", index=False)
    assert re.search(r"fix\.csv row 4: image 'lake\.png' \(\[columns\] image\) is not in .*stimuli", _error(tomls["points"]))
    out = df.copy().astype({"fy": object})
    out.loc[3, "fy"] = "n/a"
    out.to_csv(folder / "fix.csv", index=False)
    assert re.search(r"fix\.csv row 5: column 'fy' \(\[columns\] y\) is 'n/a'; expected a number", _error(tomls["points"]))
    Image.fromarray(np.zeros((H, W), np.uint8)).save(folder / "maps" / "forest.png")
    assert re.search(r"maps\.toml: \[files\] fixations: the map of image 'forest' \(forest\.png\) is zero everywhere",
                     _error(tomls["maps"]))
    (folder / "maps" / "forest.png").unlink()
    assert re.search(r"maps\.toml: \[files\] fixations: image 'forest' has no map in", _error(tomls["maps"]))
    np.save(folder / "density" / "city.npy", np.ones((H, W + 1)))
    assert re.search(rf"density\.toml: \[files\] fixations: .*city\.npy is {W + 1}x{H} px, its image 'city' is {W}x{H}",
                     _error(tomls["density"]))


@pytest.mark.slow
def test_saliency_fixations_runs_on_a_description(fixset, capsys):
    folder, _, tomls = fixset
    out = folder / "run"
    assert main(["run", "saliency-fixations", "--data", str(tomls["points"]), "--out", str(out),
                 "--set", "n_boot=50", "--seed", "2"]) == 0
    m = pd.read_csv(out / "metrics.csv")
    assert len(m) == 4 * 9
    html = (out / "report.html").read_text()
    assert CITATION in html and LICENCE in html and "testset" in html
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["options"]["data"] == str(tomls["points"]) and meta["fixation_description"]["format"] == "points"
    assert any(d["citation"] == CITATION for d in meta["data_sources"])
    dens = folder / "run_d"
    assert main(["run", "saliency-fixations", "--set", f"data={tomls['density']}", "--out", str(dens),
                 "--set", "n_boot=50", "--seed", "2"]) == 0
    md = pd.read_csv(dens / "metrics.csv")
    assert set(md["metric"]) == {"cc", "kl", "sim", "ll_bits"}
    html = (dens / "report.html").read_text()
    assert "Metrics not computed" in html and "nss: the data set gives continuous fixation-density maps" in html
    # same seed, same images: the same split; the unfitted uniform map scores the same on both
    pd.testing.assert_frame_equal(pd.read_csv(out / "split.csv"), pd.read_csv(dens / "split.csv"))
    joined = m.merge(md, on=["model", "metric"], suffixes=("_p", "_d")).query("model == 'uniform' and metric != 'll_bits'")
    assert len(joined) == 3
    np.testing.assert_allclose(joined["mean_p"], joined["mean_d"], rtol=1e-9)
    capsys.readouterr()
    bad = folder / "bad.toml"
    bad.write_text(tomls["points"].read_text().replace('images = "stimuli"', 'images = "nothere"'))
    assert main(["run", "saliency-fixations", "--data", str(bad), "--out", str(folder / "run_bad")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "bad.toml: [files] images: folder" in err
    assert not (folder / "run_bad").exists() and not list(folder.glob(".run_bad*"))
    assert main(["run", "visual-search", "--data", str(tomls["points"]), "--out", str(folder / "vs")]) == 2
    assert "does not read a data-set description" in capsys.readouterr().err


def test_images_of_a_fixation_set_are_opened_with_psysims_limits(fixset):
    """Stimuli and maps go through psysim.images.open_image: a decompression-bomb header is
    refused before decoding, and a damaged file gets one line naming it."""
    from psysim.errors import PsysimError
    from tests.test_cli_corpus import claimed_png

    folder, _, tomls = fixset
    good = (folder / "maps" / "forest.png").read_bytes()
    (folder / "maps" / "forest.png").write_bytes(claimed_png(20000, 20000))
    with pytest.raises(PsysimError, match=r"forest\.png.*20000x20000 px.*limit") as info:
        load_described_fixations(tomls["maps"])
    assert "\n" not in str(info.value)
    (folder / "maps" / "forest.png").write_bytes(good[: len(good) // 3])
    with pytest.raises(DataError, match=r"forest\.png.*not a readable image") as info:
        load_described_fixations(tomls["maps"])
    assert "\n" not in str(info.value)
