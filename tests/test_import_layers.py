"""No import cycles between psysim's layers (modules and sub-packages).

Two checks: in a static import graph of every module under ``psysim/`` (every ``import``,
including those inside functions), collapsed to layers (``psysim.runs``, ``psysim.models``,
...), no cycle runs through the run machinery (runs, executor, checkpoints, codec, atomic,
seeds), which is stacked in that order; the CLI (``psysim/cli/``) is one package that no
other layer imports; and importing its low modules in a fresh interpreter
does not load the modules above them.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import psysim

ROOT = Path(psysim.__file__).parent


def _modules() -> dict:
    mods = {}
    for p in ROOT.rglob("*.py"):
        parts = ("psysim", *p.relative_to(ROOT).with_suffix("").parts)
        mods[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    return mods


def import_graph() -> dict:
    """``{module: set of psysim modules it imports}`` from the source (all imports, anywhere)."""
    mods = _modules()

    def resolve(name):
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps |= {resolve(a.name) for a in node.names if a.name.split(".")[0] == "psysim"}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                if base.split(".")[0] == "psysim":
                    deps |= {resolve(f"{base}.{a.name}") for a in node.names}
        graph[name] = deps - {None, name}
    return graph


def layer(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_graph_sees_function_level_imports():
    graph = import_graph()
    # runs.py imports psysim.data.registry inside RunContext.use_dataset only
    assert "psysim.data.registry" in graph["psysim.runs"]
    assert {"psysim.executor", "psysim.checkpoints", "psysim.atomic", "psysim.seeds"} <= graph["psysim.runs"]


RUN_MACHINERY = ("psysim.runs", "psysim.executor", "psysim.checkpoints", "psysim.codec", "psysim.atomic", "psysim.seeds")


def layer_graph() -> dict:
    layers = {}
    for mod, deps in import_graph().items():
        layers.setdefault(layer(mod), set()).update(layer(d) for d in deps if layer(d) != layer(mod))
    return layers


def reachable(graph: dict, start: str) -> set:
    seen, todo = set(), [start]
    while todo:
        for d in graph.get(todo.pop(), set()) - seen:
            seen.add(d)
            todo.append(d)
    return seen


def cycle_through(graph: dict, module: str) -> list:
    """The imports of ``module`` from which a chain of imports leads back to it."""
    return [d for d in sorted(graph.get(module, ())) if module in reachable(graph, d)]


def test_cycle_check_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycle_through(graph, "a") == ["b"] and cycle_through(graph, "d") == []


@pytest.mark.parametrize("module", RUN_MACHINERY)
def test_no_import_cycle_through_the_run_machinery(module):
    """No chain of imports (between layers) leads from ``module`` back to itself."""
    graph = layer_graph()
    assert module in graph
    back = cycle_through(graph, module)
    assert not back, f"{module} -> {back[0]} -> ... -> {module}"


def test_no_import_cycle_between_any_layers():
    """Every layer (``psysim.networks``, ``psysim.naming``, ...) sits above or below another,
    never both (networks.ssl once drew objects from naming, which imports networks)."""
    graph = layer_graph()
    cycles = {m: cycle_through(graph, m) for m in sorted(graph)}
    assert {m: c for m, c in cycles.items() if c} == {}


def test_run_machinery_is_layered():
    graph = import_graph()

    def below(mod):
        return reachable(graph, mod)

    assert below("psysim.atomic") <= {"psysim"}  # (the package itself: errors)
    assert below("psysim.seeds") <= {"psysim", "psysim.errors"}
    assert "psysim.runs" not in below("psysim.executor")
    assert not {"psysim.runs", "psysim.executor"} & below("psysim.checkpoints")
    assert below("psysim.codec") <= {"psysim"}  # numpy and pandas only


@pytest.mark.parametrize("module, absent", [
    ("psysim.atomic", ["psysim.runs", "psysim.executor", "psysim.checkpoints", "psysim.seeds"]),
    ("psysim.seeds", ["psysim.runs", "psysim.executor", "psysim.checkpoints"]),
    ("psysim.checkpoints", ["psysim.runs", "psysim.executor"]),
    ("psysim.codec", ["psysim.runs", "psysim.executor", "psysim.checkpoints", "psysim.seeds"]),
    ("psysim.executor", ["psysim.runs"]),
])
def test_fresh_import_loads_nothing_above(module, absent):
    code = f"import json, sys, {module}; print(json.dumps(sorted(m for m in sys.modules if m.startswith('psysim'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = json.loads(out.splitlines()[-1])
    assert module in loaded
    assert not set(absent) & set(loaded)


def test_the_cli_is_one_package_at_the_top():
    """The ``psysim`` command lives in ``psysim/cli/`` only, and no other layer imports it."""
    assert not sorted(p.name for p in ROOT.glob("cli*.py")), "CLI modules outside psysim/cli/"
    assert (ROOT / "cli" / "__init__.py").is_file()
    from psysim.cli import COMMANDS

    assert COMMANDS and all(m.startswith("psysim.cli.") for m in COMMANDS)
    importers = {mod for mod, deps in import_graph().items() if layer(mod) != "psysim.cli"
                 and any(layer(d) == "psysim.cli" for d in deps)}
    assert not importers, f"{sorted(importers)} import the CLI"
