"""The installed package must contain every subpackage and the top-level folders it maps."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cfg():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    return cfg


def test_every_subpackage_is_listed_in_setup_cfg():
    listed = set(_cfg()["options"]["packages"].split())
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "psysim").rglob("__init__.py")}
    assert found <= listed, f"add to setup.cfg [options] packages: {sorted(found - listed)}"


def test_mapped_folders_exist_and_are_packages():
    mapping = dict(
        line.split("=") for line in _cfg()["options"]["package_dir"].strip().splitlines() if "=" in line
    )
    for pkg, folder in mapping.items():
        assert (ROOT / folder.strip() / "__init__.py").exists(), pkg


def test_readme_commands_and_ci_agree():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'pip install -e ".[dev]" && psysim run visual-search' in readme
    assert "python -m pytest" in readme and "python -m pytest" in ci and '-e ".[dev]"' in ci
