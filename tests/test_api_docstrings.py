"""Every public function and class of the packages users call most has a numpydoc docstring
with a ``Parameters`` section naming each of its arguments and, for a function that returns
something, a ``Returns`` (or ``Yields``) section. Public means re-exported by the package
(its ``__all__``, or its names without a leading underscore). A dataclass may name its fields
in an ``Attributes`` section instead (the record a function returns).

Covered: the packages in ``PACKAGES``. Not covered: the top-level modules (``psysim.trials``,
``psysim.runs``, ...), ``psysim.cli`` and the experiments' ``run(ctx)`` (whose one argument is
the run context, the same for all): add a package to ``PACKAGES`` once its docstrings are
complete.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re

import pytest

numpydoc = pytest.importorskip("numpydoc.docscrape")

PACKAGES = ("psysim.softmax", "psysim.stats", "psysim.models", "psysim.saliency", "psysim.networks", "psysim.displays", "psysim.data", "psysim.naming", "psysim.fitting", "psysim.plots", "psysim.report")


def public_api(package: str):
    """(qualified name, object) for each public function and class a package exports."""
    mod = importlib.import_module(package)
    names = getattr(mod, "__all__", None) or [n for n in dir(mod) if not n.startswith("_")]
    for name in names:
        obj = getattr(mod, name)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and getattr(obj, "__module__", "").startswith("psysim"):
            yield f"{package}.{name}", obj


def _documented(section) -> set[str]:
    names = set()
    for item in section:
        names.update(n.strip().lstrip("*") for n in re.split(r",\s*", item.name))
    return names


def docstring_problems(obj) -> list[str]:
    """What the object's docstring lacks, as short phrases (empty when complete)."""
    doc = inspect.getdoc(obj)
    if not doc:
        return ["no docstring"]
    try:
        parsed = numpydoc.NumpyDocString(doc)
    except Exception as exc:  # numpydoc raises ValueError and friends on malformed sections
        return [f"docstring does not parse ({exc})"]
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return []
    args = [p.name for p in sig.parameters.values() if p.name not in ("self", "cls")]
    problems = []
    sections = [parsed["Parameters"], parsed["Other Parameters"]]
    if inspect.isclass(obj) and dataclasses.is_dataclass(obj):
        sections.append(parsed["Attributes"])  # a result record documents its fields as attributes
    documented = set().union(*(_documented(sec) for sec in sections))
    if args and not any(sections):
        problems.append("no Parameters section")
    elif args:
        missing = [a for a in args if a not in documented]
        if missing:
            problems.append(f"Parameters does not name {', '.join(missing)}")
    if inspect.isfunction(obj) and sig.return_annotation not in (None, "None", inspect.Signature.empty) and not (parsed["Returns"] or parsed["Yields"]):
        problems.append("no Returns section")
    if inspect.isfunction(obj) and sig.return_annotation is inspect.Signature.empty and not (parsed["Returns"] or parsed["Yields"]):
        problems.append("no Returns section (annotate '-> None' where it returns nothing)")
    return problems


API = [item for package in PACKAGES for item in public_api(package)]


def test_the_api_is_found():
    names = {name for name, _ in API}
    assert {"psysim.softmax.softmax", "psysim.softmax.selection_order"} <= names


@pytest.mark.parametrize("name, obj", API, ids=[name for name, _ in API])
def test_public_docstring_is_complete(name, obj):
    problems = docstring_problems(obj)
    assert not problems, f"{name}: {'; '.join(problems)}"


def test_the_check_finds_what_is_missing():
    def undocumented(x, y=1):
        """Add."""
        return x + y

    def half(x, y=1) -> float:
        """Half of it.

        Parameters
        ----------
        x : float
            A number.
        """
        return x / 2

    def whole(x, *, scale) -> None:
        """Nothing back.

        Parameters
        ----------
        x, scale : float
            Numbers.
        """

    assert docstring_problems(undocumented) == ["no Parameters section", "no Returns section (annotate '-> None' where it returns nothing)"]
    assert docstring_problems(half) == ["Parameters does not name y", "no Returns section"]
    assert docstring_problems(whole) == []
