import numpy as np
import pytest

from psysim.displays import load_stimulus_set, make_displays, render, render_items, target_boxes
from psysim.errors import PsysimError


def test_counts_and_presence(seed):
    ds = make_displays(["feature", "conjunction", "spatial", "orientation"], [3, 6, 12, 18], n_per_cell=5, seed=seed)
    assert len(ds) == 4 * 4 * 2 * 5
    n_items = ds.items.groupby("display_id").size()
    assert (n_items.to_numpy() == ds.displays.set_index("display_id").loc[n_items.index, "set_size"].to_numpy()).all()
    n_targets = ds.items.groupby("display_id")["is_target"].sum()
    present = ds.displays.set_index("display_id")["target_present"]
    assert (n_targets[present[present].index] == 1).all()
    assert (n_targets[present[~present].index] == 0).all()


def test_minimum_spacing_and_field(seed):
    ss = load_stimulus_set()
    ds = make_displays("conjunction", [36, 18], n_per_cell=30, seed=seed)
    for _, g in ds.items.groupby("display_id"):
        xy = g[["x", "y"]].to_numpy()
        d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
        d[np.diag_indices_from(d)] = np.inf
        assert d.min() >= ss.geometry.min_spacing - 1e-12
        assert (xy > 0).all() and (xy < 1).all()


def test_item_features_follow_the_task_definitions(seed):
    ds = make_displays(["feature", "conjunction", "spatial"], [12], n_per_cell=10, seed=seed)
    it = ds.items.merge(ds.displays, on="display_id")
    feat = it[it.task == "feature"]
    assert set(feat[feat.is_target].colour) == {"red"} and set(feat[~feat.is_target].colour) == {"green"}
    conj = it[it.task == "conjunction"]
    dis = conj[~conj.is_target]
    assert set(zip(dis.colour, dis.orientation)) == {("green", 0.0), ("red", 90.0)}
    # the two distractor kinds come in equal numbers (12 items, 11 distractors on present trials -> 6/5)
    per = dis.groupby(["display_id", "colour"]).size().unstack()
    assert (abs(per["green"] - per["red"]) <= 1).all()
    sp = it[it.task == "spatial"]
    assert set(sp[sp.is_target]["shape"]) == {"digit2"} and set(sp[~sp.is_target]["shape"]) == {"digit5"}


def test_same_seed_same_displays_and_different_seed_differs():
    a = make_displays("feature", [6], 4, seed=3).items
    b = make_displays("feature", [6], 4, seed=3).items
    c = make_displays("feature", [6], 4, seed=4).items
    assert a.equals(b)
    assert not a[["x", "y"]].equals(c[["x", "y"]])


def test_target_position_is_uniform_over_items(seed):
    ds = make_displays("feature", [6], n_per_cell=3000, seed=seed, target_present=(True,))
    pos = ds.items[ds.items.is_target]["item"].to_numpy()
    counts = np.bincount(pos, minlength=6)
    from scipy.stats import chisquare

    assert chisquare(counts).pvalue > 0.001


def test_render_colours_and_antialiasing(seed):
    ds = make_displays("feature", [6], 1, seed=seed, target_present=(True,))
    img = render(ds, 0, size=200)
    assert img.shape == (200, 200, 3) and img.dtype == np.uint8
    red = (img[..., 0] > 150) & (img[..., 1] < 80)
    green = (img[..., 1] > 150) & (img[..., 0] < 80)
    assert red.sum() > 0 and green.sum() > 4 * red.sum()  # 1 red target, 5 green bars
    # anti-aliased edges: intermediate values exist between background and full colour
    g = img[..., 1]
    assert ((g > 10) & (g < 190)).sum() > 0
    # the target box contains the red pixels
    box = target_boxes(ds, 200).iloc[0]
    ys, xs = np.nonzero(red)
    assert xs.min() >= box.x0 and xs.max() < box.x1 and ys.min() >= box.y0 and ys.max() < box.y1


def test_digits_are_mirror_images():
    import pandas as pd

    def one(shape):
        items = pd.DataFrame({"x": [0.5], "y": [0.5], "colour": ["white"], "orientation": [0.0], "shape": [shape]})
        return render_items(items, 101)[..., 0].astype(int)

    two, five = one("digit2"), one("digit5")
    assert not np.array_equal(two, five)
    assert np.abs(two - five[:, ::-1]).max() <= 2  # 2 is 5 mirrored left-right (up to pixel rounding)


def test_orientation_45_leans_right():
    import pandas as pd

    items = pd.DataFrame({"x": [0.5], "y": [0.5], "colour": ["white"], "orientation": [45.0], "shape": ["bar"]})
    img = render_items(items, 200)[..., 0] > 128
    ys, xs = np.nonzero(img)
    # clockwise from vertical: the top end is to the right of the bottom end
    assert np.corrcoef(xs, ys)[0, 1] < -0.9


@pytest.mark.parametrize(
    "kwargs, msg",
    [
        ({"tasks": "search-for-waldo"}, "unknown task"),
        ({"set_sizes": [0]}, "set size"),
        ({"set_sizes": [37]}, "set size"),
        ({"set_sizes": [2.5]}, "set size"),
        ({"n_per_cell": 0}, "n_per_cell"),
    ],
)
def test_bad_arguments(kwargs, msg):
    with pytest.raises(PsysimError, match=msg):
        make_displays(**kwargs)


def test_bad_stimulus_file(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("[geometry]\ngrid = 'six'\n")
    with pytest.raises(PsysimError, match="bad.toml"):
        load_stimulus_set(p)
    p.write_text("[tasks.x]\ntarget = {shape='bar', colour='red'}\n")
    with pytest.raises(PsysimError, match="distractor"):
        load_stimulus_set(p)
