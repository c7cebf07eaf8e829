"""Sphinx directive ``psysim-parameters``: each registered model's parameter table, generated
from its declared :class:`~psysim.models.Param` s (name, default, bounds, unit, meaning).

Usage in a MyST page::

    ```{psysim-parameters}
    ```

lists every model in :data:`psysim.models.MODELS` (a newly registered model appears by itself);
``:models: fit gs6`` limits it to some. The rows come from :func:`psysim.models.parameter_table`.
"""

from __future__ import annotations

import math

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

HEADER = ("parameter", "default", "bounds", "unit", "meaning")


def _number(x: float) -> str:
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return f"{x:g}".replace("-", "−")


def _entry(content) -> nodes.entry:
    para = nodes.paragraph()
    para += content if isinstance(content, nodes.Node) else nodes.Text(str(content))
    entry = nodes.entry()
    entry += para
    return entry


def _table(rows, widths=(14, 10, 18, 12, 46)) -> nodes.table:
    table = nodes.table(classes=["psysim-parameter-table"])
    group = nodes.tgroup(cols=len(HEADER))
    table += group
    for w in widths:
        group += nodes.colspec(colwidth=w)
    head = nodes.thead()
    head += nodes.row("", *(_entry(h) for h in HEADER))
    body = nodes.tbody()
    for cells in rows:
        body += nodes.row("", *(_entry(c) for c in cells))
    group += head
    group += body
    return table


def model_nodes(name: str) -> list[nodes.Node]:
    """One model: a rubric with its name and class, its one-sentence description, its
    citation, and the table of its declared parameters."""
    from psysim.catalog import describe
    from psysim.models import MODELS, parameter_table

    cls = MODELS[name]
    rubric = nodes.rubric()
    rubric += nodes.literal(text=name)
    rubric += nodes.Text(f": {cls.__module__}.{cls.__qualname__}")
    out: list[nodes.Node] = [rubric]
    for text in (describe(cls.__doc__), cls.citation):
        if text:
            out.append(nodes.paragraph(text=text))
    table = parameter_table(cls)
    if table.empty:
        return out + [nodes.paragraph(text="This model declares no parameters.")]
    rows = [(nodes.literal(text=r.name), _number(r.default), f"[{_number(r.lower)}, {_number(r.upper)}]", r.unit or "–", r.meaning or "–")
            for r in table.itertuples(index=False)]
    return out + [_table(rows)]


class PsysimParameters(SphinxDirective):
    has_content = False
    option_spec = {"models": directives.unchanged}

    def run(self):
        from psysim.models import MODELS

        wanted = self.options.get("models", "").split() or sorted(MODELS)
        unknown = [m for m in wanted if m not in MODELS]
        if unknown:
            raise self.error(f"psysim-parameters: unknown model(s) {', '.join(unknown)}; known: {', '.join(sorted(MODELS))}")
        container = nodes.container(classes=["psysim-parameters"])
        for name in wanted:
            container.extend(model_nodes(name))
        return [container]


def setup(app):
    app.add_directive("psysim-parameters", PsysimParameters)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
