"""Where an installed psysim finds its experiments, stimulus definitions and derived data.

The top-level folders ``experiments/``, ``stimuli/`` and ``analysis/`` are installed as the
packages ``psysim.experiments``, ``psysim.stimuli`` and ``psysim.analysis`` (see ``setup.cfg``),
so they are found the same way from a checkout and from a non-editable install.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from psysim.errors import PsysimError


def stimuli_file(name: str) -> Path:
    """Path of a stimulus-set definition shipped with psysim (e.g. ``"search.toml"``)."""
    path = Path(str(resources.files("psysim.stimuli").joinpath(name)))
    if not path.exists():
        raise PsysimError(f"stimulus definition {name!r} not found in {path.parent}")
    return path


def read_toml(path) -> dict:
    """Read a TOML file; a syntax error becomes a one-line :class:`PsysimError`."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise PsysimError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise PsysimError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise PsysimError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); TOML files must be UTF-8") from None
    except IsADirectoryError:
        raise PsysimError(f"{path}: is a folder, not a TOML file") from None


def data_dir(required: bool = True) -> Path | None:
    """The folder holding raw human data sets, from the ``PSYSIM_DATA`` environment variable.

    Falls back to ``../shared/data`` relative to the current directory (the layout of a
    psysim checkout beside its data). Returns ``None`` when ``required`` is false and no
    folder is found.
    """
    env = os.environ.get("PSYSIM_DATA")
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            raise PsysimError(f"PSYSIM_DATA={env}: no such directory")
        return path
    for cand in (Path("../shared/data"), Path(__file__).resolve().parents[2] / "shared" / "data"):
        if cand.is_dir():
            return cand.resolve()
    if required:
        raise PsysimError(
            "no human data directory: set PSYSIM_DATA to the folder that holds the raw data sets"
        )
    return None


QUICK_ENV = "PSYSIM_TUTORIAL_QUICK"
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def tutorial_quick(environ=None) -> bool:
    """Whether a tutorial notebook runs at its small settings.

    Parameters
    ----------
    environ : mapping, optional
        The environment to read (default: :data:`os.environ`).

    Returns
    -------
    bool
        ``PSYSIM_TUTORIAL_QUICK`` decides where it is set (``1``/``true``/``yes``/``on`` or
        ``0``/``false``/``no``/``off``, any case); otherwise small settings on Colab (which sets
        ``COLAB_RELEASE_TAG``, and whose free CPUs are slow) and full settings elsewhere.

    Raises
    ------
    PsysimError
        When ``PSYSIM_TUTORIAL_QUICK`` holds anything else, in one line naming the variable.
    """
    env = os.environ if environ is None else environ
    value = env.get(QUICK_ENV)
    if value is None or not value.strip():
        return "COLAB_RELEASE_TAG" in env
    flag = value.strip().lower()
    if flag in _TRUE:
        return True
    if flag in _FALSE:
        return False
    raise PsysimError(f"{QUICK_ENV}={value!r}: expected 1 (small settings) or 0 (full settings)")
