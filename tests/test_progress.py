"""psysim.progress: one tqdm helper, quiet unless stderr is a terminal (or PSYSIM_PROGRESS says)."""

import io

import pytest

from psysim.progress import enabled, progress


@pytest.mark.parametrize("value, expected", [("1", True), ("on", True), ("0", False), ("off", False), ("", None), ("maybe", None)])
def test_environment_switch(monkeypatch, value, expected):
    monkeypatch.setenv("PSYSIM_PROGRESS", value)
    assert enabled() is expected
    assert enabled(True) is True and enabled(False) is False  # an explicit choice wins


def test_quiet_when_not_a_terminal_and_shown_when_asked(monkeypatch):
    monkeypatch.delenv("PSYSIM_PROGRESS", raising=False)
    quiet = io.StringIO()  # not a terminal: tqdm's disable=None rule
    assert list(progress(range(4), desc="maps", file=quiet)) == [0, 1, 2, 3]
    assert quiet.getvalue() == ""
    shown = io.StringIO()
    assert sum(progress(range(4), desc="maps", unit="display", file=shown, show=True)) == 6
    assert "maps" in shown.getvalue() and "/4" in shown.getvalue()  # (the bar is cleared when done: leave=False)
    bar = progress(total=2, desc="steps", file=io.StringIO(), show=True)  # updated by hand
    bar.update(2)
    assert bar.n == 2
    bar.close()
