"""Kill a sweep with SIGKILL part-way, run the same command again, get the uninterrupted output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from _helpers import kill_part_way

GRID = """\
model = "fit"
tasks = ["conjunction"]
n_per_cell = 300  # ~10 ms per point: the kill lands well before the end
[params]
per_item = { start = 5.0, stop = 120.0, num = 8 }
p_miss = [0.0, 0.02, 0.05, 0.1, 0.2]
"""
N_POINTS = 40


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The grid file and the output of an uninterrupted serial sweep."""
    d = tmp_path_factory.mktemp("resume")
    grid = d / "grid.toml"
    grid.write_text(GRID)
    run_ok(sweep_cmd(grid, d / "full"), d)
    return grid, d / "full"


def sweep_cmd(grid: Path, out: Path, *extra) -> list[str]:
    return [sys.executable, "-m", "psysim.cli", "sweep", "fit", "--grid", str(grid), "--out", str(out),
            "--seed", "13", "--chunk-size", "1", "--no-progress", *extra]


def run_ok(cmd, cwd) -> subprocess.CompletedProcess:
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return p


def test_sigkill_then_resume_equals_uninterrupted(reference, tmp_path):
    grid, full = reference
    resumed = tmp_path / "resumed"

    partial = tmp_path / ".resumed.partial"
    done = kill_part_way(sweep_cmd(grid, resumed), tmp_path, partial / "checkpoints")
    assert 3 <= done < N_POINTS, done
    assert not resumed.exists()  # the output folder appears only when complete

    p = run_ok(sweep_cmd(grid, resumed), tmp_path)
    assert "resuming" in p.stdout
    loaded = int(p.stdout.split(" grid point(s) taken")[0].split()[-1])
    assert loaded >= done  # every finished task was reused, none recomputed ...
    meta = pd.read_json(resumed / "metadata.json", typ="series")
    assert meta["tasks_loaded_from_checkpoints"] + meta["tasks_computed"] == N_POINTS  # ... and none twice
    assert not partial.exists()
    for name in ("sweep.csv", "cells.csv"):
        assert (resumed / name).read_bytes() == (full / name).read_bytes(), name
    table = pd.read_csv(resumed / "sweep.csv")
    assert list(table["point"]) == list(range(N_POINTS))  # one row per point, nothing duplicated


@pytest.mark.slow
def test_sigkill_of_a_dask_run_then_serial_resume(reference, tmp_path):
    pytest.importorskip("distributed")
    grid, full = reference
    resumed = tmp_path / "resumed"
    done = kill_part_way(sweep_cmd(grid, resumed, "--workers", "2"), tmp_path,
                         tmp_path / ".resumed.partial" / "checkpoints")
    assert 3 <= done < N_POINTS
    run_ok(sweep_cmd(grid, resumed), tmp_path)
    assert (resumed / "sweep.csv").read_bytes() == (full / "sweep.csv").read_bytes()
