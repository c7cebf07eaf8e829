"""Parameter sweeps: grid files, per-point summaries against exact values, the CLI's output."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from psysim.cli import main
from psysim.errors import PsysimError
from psysim.models import get_model
from psysim.stats import QUANTILES
from psysim.sweep import (
    CELL_COLUMNS,
    ROW_COLUMNS,
    check_grid,
    read_grid,
    run_sweep,
    summarise_trials,
)
from psysim.trials import make_trials

GRIDS = sorted((Path(__file__).resolve().parents[1] / "stimuli" / "grids").glob("*.toml"))


def write(tmp_path, text, name="grid.toml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


@pytest.mark.parametrize("path", GRIDS, ids=lambda p: p.name)
def test_shipped_grids_are_valid_for_their_model(path):
    g = read_grid(path)
    points = check_grid(g, g.model)
    assert len(points) == g.n_points > 1
    assert all(set(p) == set(get_model(g.model).params) for p in points)


def test_bench_grid_has_2000_points():
    g = read_grid(next(p for p in GRIDS if p.name == "bench_fit_2000.toml"))
    assert g.n_points == 2000


def test_ranges_lists_and_modes(tmp_path):
    g = read_grid(write(tmp_path, """
[params]
per_item = { start = 0, stop = 100, num = 5 }
base_sd = { start = 10, stop = 1000, num = 3, log = true }
p_miss = [0.0, 0.1]
"""))
    assert g.params["per_item"] == (0.0, 25.0, 50.0, 75.0, 100.0)
    np.testing.assert_allclose(g.params["base_sd"], (10.0, 100.0, 1000.0))
    assert g.n_points == 5 * 3 * 2 == len(g.points())
    assert g.points()[1] == {"per_item": 0.0, "base_sd": 10.0, "p_miss": 0.1}  # last varies fastest
    z = read_grid(write(tmp_path, 'mode = "zip"\n[params]\nper_item = [10, 20]\nbase = [400, 500]\n'))
    assert z.points() == [{"per_item": 10.0, "base": 400.0}, {"per_item": 20.0, "base": 500.0}]


def test_fixed_values_and_defaults_fill_every_point(tmp_path):
    g = read_grid(write(tmp_path, "[fixed]\nbase = 500\n[params]\nper_item = [10, 20]\n"))
    pts = check_grid(g, "fit")
    defaults = get_model("fit").params
    assert [p["per_item"] for p in pts] == [10.0, 20.0]
    assert all(p["base"] == 500.0 and p["p_miss"] == defaults["p_miss"] for p in pts)


def test_summary_of_a_known_trial_table():
    # RT = 400 + 20 n (present) and 400 + 40 n (absent), plus symmetric +-10 ms jitter
    sizes = np.repeat([4, 8, 16], 4)
    jitter = np.tile([-10.0, 10.0, -10.0, 10.0], 3)
    rt_p, rt_a = 400 + 20 * sizes + jitter, 400 + 40 * sizes + jitter
    tp = np.r_[np.ones(12, bool), np.zeros(12, bool)]
    resp = tp.copy()
    resp[0] = False  # one miss at set size 4
    trials = make_trials(source="t", task="conjunction", set_size=np.r_[sizes, sizes], target_present=tp,
                         response=resp, rt=np.r_[rt_p, rt_a])
    s = summarise_trials(trials)
    rows = pd.DataFrame(s["rows"], columns=ROW_COLUMNS)
    cells = pd.DataFrame(s["cells"], columns=CELL_COLUMNS)
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["error_present"] == pytest.approx(1 / 12) and row["error_absent"] == 0
    assert row["slope_absent"] == pytest.approx(40.0)
    assert row["intercept_absent"] == pytest.approx(400.0)
    # the miss removes a -10 ms trial at n = 4: that cell mean is 400 + 80 + 10/3
    means = np.array([480 + 10 / 3, 560, 720])
    assert row["slope_present"] == pytest.approx(np.polyfit([4, 8, 16], means, 1)[0])
    assert row["slope_ratio"] == pytest.approx(row["slope_absent"] / row["slope_present"])
    ok = np.r_[rt_p][1:]
    np.testing.assert_allclose([row[f"q{int(q * 100)}_present"] for q in QUANTILES], np.quantile(ok, QUANTILES))
    assert len(cells) == 6 and cells["n"].sum() == 24
    c = cells[(cells["set_size"] == 4) & cells["target_present"]].iloc[0]
    assert c["error_rate"] == pytest.approx(0.25) and c["mean_rt"] == pytest.approx(480 + 10 / 3)


def test_fit_sweep_recovers_the_theoretical_slopes(tmp_path):
    """FIT: serial self-terminating search has present slope per_item / 2 and absent slope per_item
    (Treisman & Gelade 1980); pop-out search has slope 0; no errors when p_miss = p_guess = 0."""
    g = read_grid(write(tmp_path, """
n_per_cell = 400
[fixed]
p_miss = 0.0
p_guess = 0.0
base_sd = 20.0
item_cv = 0.2
[params]
per_item = [20.0, 60.0]
"""))
    table, cells, _ = run_sweep("fit", g, tasks=["conjunction", "feature"], seed=1)
    assert len(table) == 4 and list(table["point"]) == [0, 0, 1, 1]
    serial = table[table["task"] == "conjunction"].set_index("per_item")
    for per_item in (20.0, 60.0):
        assert serial.loc[per_item, "slope_present"] == pytest.approx(per_item / 2, abs=1.5)
        assert serial.loc[per_item, "slope_absent"] == pytest.approx(per_item, abs=1.5)
    popout = table[table["task"] == "feature"]
    assert np.all(np.abs(popout["slope_present"]) < 1.5) and np.all(np.abs(popout["slope_absent"]) < 1.5)
    assert (table[["error_present", "error_absent"]].to_numpy() == 0).all()
    assert len(cells) == 2 * 2 * 4 * 2


def test_same_seed_same_table_other_seed_other_table(tmp_path):
    g = read_grid(write(tmp_path, "n_per_cell = 30\n[params]\nper_item = [10, 40]\n"))
    a = run_sweep("fit", g, tasks=["conjunction"], seed=3)[0]
    b = run_sweep("fit", g, tasks=["conjunction"], seed=3)[0]
    c = run_sweep("fit", g, tasks=["conjunction"], seed=4)[0]
    assert a.to_csv() == b.to_csv() != c.to_csv()


def test_models_that_read_items_share_displays_across_points(tmp_path):
    g = read_grid(write(tmp_path, 'n_per_cell = 6\nset_sizes = [3, 6]\n[params]\nt_item = [30.0, 90.0]\n'))
    table, _, _ = run_sweep("gs", g, tasks=["conjunction"], seed=2)
    assert list(table["t_item"]) == [30.0, 90.0]
    assert np.isfinite(table["mean_rt_absent"]).all()


def test_cli_writes_one_row_per_point_and_refuses_to_overwrite(tmp_path, capsys):
    grid = write(tmp_path, 'tasks = ["spatial"]\nn_per_cell = 20\n[params]\nper_item = [10, 20, 30]\n')
    out = tmp_path / "sw"
    assert main(["sweep", "fit", "--grid", str(grid), "--out", str(out), "--task", "conjunction", "--no-progress"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["cells.csv", "grid.toml", "metadata.json", "sweep.csv"]
    table = pd.read_csv(out / "sweep.csv")
    assert list(table["point"]) == [0, 1, 2] and set(table["task"]) == {"conjunction"}  # --task wins
    assert (out / "grid.toml").read_text() == grid.read_text()
    meta = pd.read_json(out / "metadata.json", typ="series")
    assert meta["n_points"] == 3 and meta["seed"] == 0 and meta["tasks_computed"] == 3
    capsys.readouterr()
    assert main(["sweep", "fit", "--grid", str(grid), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["sweep", "fit", "--grid", str(grid), "--out", str(out), "--force", "--seed", "1", "--no-progress"]) == 0
    assert not pd.read_csv(out / "sweep.csv").equals(table)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no partial folder left


def test_run_sweep_rejects_model_mismatch(tmp_path):
    g = read_grid(write(tmp_path, 'model = "cgs"\n[params]\nw_target = [2, 4]\n'))
    with pytest.raises(PsysimError, match="grid is for model 'cgs', not 'fit'"):
        run_sweep("fit", g)


@pytest.mark.parametrize("model", ["fit", "gs"])
def test_point_summary_equals_summary_of_the_public_simulate(model):
    """simulate_point skips building a trial table per point; it must give the same numbers."""
    from psysim.displays import make_displays
    from psysim.models import make_design
    from psysim.sweep import simulate_point

    m = get_model(model)
    payload = {"model": model, "params": m.params, "tasks": ("conjunction", "feature"), "set_sizes": (3, 6),
               "n_per_cell": 8, "display_state": (1, 2, 3, 4)}
    seed = np.random.SeedSequence(21)
    if m.needs_items:
        design = make_displays(["conjunction", "feature"], [3, 6], 8, seed=np.random.SeedSequence([1, 2, 3, 4]))
    else:
        design = make_design(("conjunction", "feature"), (3, 6), 8)
    assert simulate_point(payload, seed) == summarise_trials(m.simulate(design, seed=seed))


def test_shipped_grids_are_found_by_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not a checkout: the grid comes from the installed package
    assert read_grid("fit_per_item").source.endswith("fit_per_item.toml")
    assert read_grid("cgs_quit.toml").n_points == 45
    with pytest.raises(PsysimError, match="nope.toml: file not found .*fit_per_item.toml"):
        read_grid("nope.toml")


def test_cli_job_array_shards_then_collect_equals_one_run(tmp_path, capsys):
    grid = write(tmp_path, 'tasks = ["conjunction"]\nn_per_cell = 20\n[params]\nper_item = [10, 20, 30, 40, 50]\n')
    base = ["sweep", "fit", "--grid", str(grid), "--no-progress", "--seed", "4"]
    assert main([*base, "--out", str(tmp_path / "one")]) == 0
    arr = tmp_path / "arr"
    for i in range(2):
        assert main([*base, "--out", str(arr), "--shard", f"{i}/2"]) == 0
        assert not arr.exists()  # a shard never writes the output folder
    assert "shard 1/2: 2 grid point(s) computed" in capsys.readouterr().out
    assert main([*base, "--out", str(arr)]) == 0
    assert "5 grid point(s) taken from checkpoints, 0 computed" in capsys.readouterr().out
    for name in ("sweep.csv", "cells.csv"):
        assert (arr / name).read_bytes() == (tmp_path / "one" / name).read_bytes()
