"""What ``psysim list`` shows, read without importing the science.

Importing every experiment (torch, pandas, scipy) to print a list took seconds. The list is
instead kept in ``psysim/catalog.json``: experiment names and descriptions, model names and
one-sentence descriptions, and each data set's title, source and licence. It is written from the
live registries by ``python -m psysim.catalog`` and a test checks that the committed file equals
a freshly built one, so it cannot drift from the code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

CATALOG = Path(__file__).with_name("catalog.json")

_ROLE = re.compile(r":(?:class|func|meth|attr|mod|obj|data|exc|ref):`~?(?:[\w.]+\.)?([^`<]+?)(?:\s*<[^>]*>)?`")


def describe(doc: str | None) -> str:
    """The first sentence of a docstring as plain text (Sphinx roles and literals unwrapped)."""
    if not doc:
        return ""
    para = " ".join(doc.strip().split("\n\n", 1)[0].split())
    para = _ROLE.sub(r"\1", para).replace("``", "")
    # first sentence: a full stop followed by a space and a capital (not "et al. (2010)", "2.0")
    m = re.search(r"(?<!\bal)(?<!\be\.g)(?<!\bi\.e)\.\s+(?=[A-Z])", para)
    return para[: m.start() + 1] if m else para


def build() -> dict:
    """The catalogue from the live registries (imports everything; used to write the file)."""
    from psysim.data import DATASETS
    from psysim.models import MODELS
    from psysim.runs import list_experiments

    return {
        "experiments": {name: getattr(mod, "DESCRIPTION", "") for name, mod in list_experiments().items()},
        "models": {name: describe(cls.__doc__) for name, cls in sorted(MODELS.items())},
        "datasets": {name: {"title": ds.title, "source_url": ds.source_url, "licence": ds.licence}
                     for name, ds in sorted(DATASETS.items())},
    }


def load() -> dict:
    """The committed catalogue (fast: JSON only)."""
    return json.loads(CATALOG.read_text(encoding="utf-8"))


def text(catalog: dict | None = None) -> str:
    """The listing ``psysim list`` prints."""
    c = load() if catalog is None else catalog
    lines = ["Experiments:"]
    lines += [f"  {n:22s} {d}" for n, d in c["experiments"].items()]
    lines.append("Models:")
    lines += [f"  {n:22s} {d}" for n, d in c["models"].items()]
    lines.append("Data sets (download them yourself; psysim reads them from PSYSIM_DATA):")
    for n, d in c["datasets"].items():
        lines.append(f"  {n:22s} {d['title']}")
        lines.append(f"  {'':22s} source: {d['source_url']}  licence: {d['licence']}")
    return "\n".join(lines)


def write() -> Path:
    """Rebuild ``catalog.json`` from the registries."""
    from psysim.atomic import atomic_write_text

    atomic_write_text(CATALOG, json.dumps(build(), indent=1, ensure_ascii=False) + "\n")
    return CATALOG


if __name__ == "__main__":
    print(f"wrote {write()}")
