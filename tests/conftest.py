"""Shared fixtures: deterministic seeds per test, and the human-data folder."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest


@pytest.fixture
def seed(request) -> int:
    """A seed derived from the test's name: stable across runs, different between tests (Nengo's habit)."""
    return zlib.crc32(request.node.nodeid.encode()) % (2**31)


def _data_dir():
    env = os.environ.get("PSYSIM_DATA")
    cand = [Path(env)] if env else []
    cand.append(Path(__file__).resolve().parents[2] / "shared" / "data")
    for c in cand:
        if c.is_dir():
            return c
    return None


@pytest.fixture(scope="session")
def data_dir():
    d = _data_dir()
    if d is None:
        pytest.skip("human data folder not found (set PSYSIM_DATA)")
    return d


@pytest.fixture(scope="session")
def wolfe_trials(data_dir):
    from psysim.data import load_wolfe2010

    if not (data_dir / "search" / "wolfe2010" / "wolfe2010RawDataAllTasks.csv").exists():
        pytest.skip("Wolfe 2010 raw file not in the data folder")
    return load_wolfe2010(data_dir)
