"""No import cycles between psysim's layers (modules and sub-packages).

Two checks: a static import graph of every module under ``psysim/`` (every ``import``,
including those inside functions), collapsed to layers (``psysim.runs``, ``psysim.models``,
...), must have no cycle; and importing the low modules of the run machinery in a fresh
interpreter must not load the modules above them.
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


def find_cycle(graph: dict) -> list | None:
    """One cycle of ``graph`` as a list of nodes (first == last), or None."""
    state, stack = {}, []

    def visit(v):
        state[v] = "open"
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if state.get(w) == "open":
                return stack[stack.index(w):] + [w]
            if w not in state:
                found = visit(w)
                if found:
                    return found
        state[v] = "done"
        stack.pop()
        return None

    for v in sorted(graph):
        if v not in state:
            found = visit(v)
            if found:
                return found
    return None


def test_cycle_finder_finds_a_planted_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_graph_sees_function_level_imports():
    graph = import_graph()
    # runs.py imports psysim.data.registry inside RunContext.use_dataset only
    assert "psysim.data.registry" in graph["psysim.runs"]
    assert {"psysim.executor", "psysim.checkpoints", "psysim.atomic", "psysim.seeds"} <= graph["psysim.runs"]


def test_no_import_cycle_between_layers():
    layers = {}
    for mod, deps in import_graph().items():
        layers.setdefault(layer(mod), set()).update(layer(d) for d in deps if layer(d) != layer(mod))
    assert find_cycle(layers) is None


def test_run_machinery_is_layered():
    graph = import_graph()

    def below(mod):
        seen, todo = set(), [mod]
        while todo:
            for d in graph[todo.pop()] - seen:
                seen.add(d)
                todo.append(d)
        return seen

    assert below("psysim.atomic") <= {"psysim"}  # (the package itself: errors)
    assert below("psysim.seeds") <= {"psysim", "psysim.errors"}
    assert "psysim.runs" not in below("psysim.executor")
    assert not {"psysim.runs", "psysim.executor"} & below("psysim.checkpoints")


@pytest.mark.parametrize("module, absent", [
    ("psysim.atomic", ["psysim.runs", "psysim.executor", "psysim.checkpoints", "psysim.seeds"]),
    ("psysim.seeds", ["psysim.runs", "psysim.executor", "psysim.checkpoints"]),
    ("psysim.checkpoints", ["psysim.runs", "psysim.executor"]),
    ("psysim.executor", ["psysim.runs"]),
])
def test_fresh_import_loads_nothing_above(module, absent):
    code = f"import json, sys, {module}; print(json.dumps(sorted(m for m in sys.modules if m.startswith('psysim'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = json.loads(out.splitlines()[-1])
    assert module in loaded
    assert not set(absent) & set(loaded)
