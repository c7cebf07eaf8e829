"""Helpers shared by the kill-and-resume tests."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest


def kill_part_way(cmd, cwd, checkpoints: Path, at_least: int = 3, timeout: float = 120.0, env=None) -> int:
    """Start ``cmd``, SIGKILL it once ``at_least`` tasks are checkpointed; return how many were."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t0 = time.monotonic()
    try:
        while time.monotonic() - t0 < timeout:
            if proc.poll() is not None:
                pytest.fail(f"the run ended (rc {proc.returncode}) before it could be killed: {proc.stderr.read()!r}")
            if checkpoints.is_dir() and len(list(checkpoints.glob("*.ckpt"))) >= at_least:
                break
            time.sleep(0.005)
        else:
            pytest.fail("no checkpoints appeared")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    return len(list(checkpoints.glob("*.ckpt")))
