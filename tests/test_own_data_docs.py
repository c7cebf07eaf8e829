"""The "Your own data" examples of README.md and docs/own_data.md run as written: their TOML
blocks, verbatim, on a lab-style CSV of the shape they describe (written here), through the
commands they show."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from psysim.cli import main
from psysim.models import get_model, make_design

ROOT = Path(__file__).resolve().parents[1]


def _section(path: Path, heading: str) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.index(heading)
    nxt = re.search(r"^## ", text[start + len(heading):], flags=re.M)  # "# " also starts TOML comments
    return text[start: start + len(heading) + (nxt.start() if nxt else len(text))]


def _blocks(section: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", section, flags=re.S)


def _lab_csv(path: Path, tasks: dict, seed: int):
    """RTs in seconds, accuracy 0/1, present trials only, set sizes 1/5/15/30, an empty and a
    zero RT per observer (timed-out trials), as the README's example file."""
    parts = []
    for i, (task, display) in enumerate(tasks.items()):
        t = get_model("fit", per_item=30).simulate(make_design(display, (1, 5, 15, 30), 24), seed=seed + i)
        t = t[t["target_present"]].reset_index(drop=True)
        parts.append(t.assign(condition=task, participant=t.index % 3 + 1))
    t = pd.concat(parts, ignore_index=True)
    f = pd.DataFrame({"participant": t["participant"], "condition": t["condition"], "setsize": t["set_size"],
                      "acc": t["correct"].astype(int), "RT_s": (t["rt"] / 1000).round(4)})
    f.loc[0, ["acc", "RT_s"]] = [0, np.nan]
    f.loc[1, ["acc", "RT_s"]] = [0, 0.0]
    f.to_csv(path, index=False)


def _commands(section: str) -> list[list[str]]:
    out = []
    for block in _blocks(section, "bash"):
        for line in block.splitlines():
            line = line.split("#")[0].strip()
            if line.startswith("psysim "):
                out.append(shlex.split(line)[1:])
    return out


@pytest.mark.parametrize("doc, heading, tasks", [
    ("README.md", "## Your own data", {"color": "feature", "shape": "spatial"}),
    ("docs/own_data.md", "## A worked example", {"color": "feature", "shape": "spatial", "conjunction": "conjunction"}),
], ids=["README", "own_data"])
def test_own_data_example_runs_as_written(tmp_path, monkeypatch, seed, doc, heading, tasks):
    section = _section(ROOT / doc, heading)
    toml = next(b for b in _blocks(section, "toml") if "[dataset]" in b)
    (tmp_path / "mylab.toml").write_text(toml, encoding="utf-8")
    _lab_csv(tmp_path / "search.csv", tasks, seed)
    commands = _commands(_section(ROOT / doc, "## Your own data") if doc == "README.md" else (ROOT / doc).read_text())
    assert ["run", "compare-models", "--data", "mylab.toml"] in commands
    assert ["fit", "cgs", "--data", "mylab.toml", "--task", "color"] in commands
    monkeypatch.chdir(tmp_path)
    # as written, plus --quick (the documented short run) and an output folder
    assert main(["run", "compare-models", "--data", "mylab.toml", "--quick", "--out", "run"]) == 0
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "empty RT (excluded): 1 trial(s), 1 observer(s)" in html
    assert "CC BY 4.0" in html and "p_guess fixed" in html and "observers pooled" in html
    assert set(pd.read_csv(tmp_path / "run" / "slopes.csv")["task"]) == set(tasks)
    if doc != "README.md":
        return  # the same psysim fit command: run once
    assert main(["fit", "cgs", "--data", "mylab.toml", "--task", "color"]) == 0  # exactly as written
    assert pd.read_csv(tmp_path / "fits-cgs" / "fits.csv", dtype={"subject": str})["task"].tolist() == ["color"]


def _doc_toml(heading: str, marker: str) -> str:
    section = _section(ROOT / "docs/own_data.md", heading)
    return next(b for b in _blocks(section, "toml") if marker in b)


def test_fixation_example_of_the_docs_loads(tmp_path):
    """docs/own_data.md's fixation description, verbatim, on images and a CSV of its shape."""
    from PIL import Image

    from psysim.data.fixation_sets import load_described_fixations

    (tmp_path / "freeview.toml").write_text(_doc_toml("## Fixation data sets", "[fixations]"), encoding="utf-8")
    (tmp_path / "stimuli").mkdir()
    rows = []
    for k in range(2):
        Image.fromarray(np.full((60, 80, 3), 120 + 40 * k, np.uint8)).save(tmp_path / "stimuli" / f"im{k}.png")
        rows += [{"img": f"im{k}.png", "participant": f"p{j}", "fx": 10.0 + 7 * j, "fy": 5.0 + 4 * j} for j in range(5)]
    pd.DataFrame(rows).to_csv(tmp_path / "fixations.csv", index=False)
    images = load_described_fixations(tmp_path / "freeview.toml")
    assert [im.name for im in images] == ["im0", "im1"]
    assert all(int(im.fixations.sum()) == 5 for im in images) and images[0].fixations[5, 10]


def test_picture_norms_example_of_the_docs_loads(tmp_path):
    """docs/own_data.md's picture-set description, verbatim, on a manifest of its shape."""
    from PIL import Image

    from psysim.naming import load_picture_set

    (tmp_path / "pictures.toml").write_text(_doc_toml("## Picture-naming norms", "[images]"), encoding="utf-8")
    rows = []
    for k in range(4):
        a = np.full((50, 50, 3), 255, np.uint8)
        a[20:30, 10 + k:30 + k] = 0
        Image.fromarray(a).save(tmp_path / f"p{k}.png")
        rows.append({"ItemNo": k + 1, "ModalName": f"thing{k}", "Image": f"p{k}.png", "NamingRT_s": 0.8 + k / 10,
                     "H_stat": 0.5, "Fam": 3.0, "VisComp": 2.0})
    pd.DataFrame(rows).to_csv(tmp_path / "lab_norms.csv", index=False)
    ps = load_picture_set(tmp_path / "pictures.toml", size=32)
    assert ps.table["rt"].tolist() == [800.0, 900.0, 1000.0, 1100.0]
    assert ps.meta["crop"] is True and ps.meta["description"]["columns"]["rt"] == "NamingRT_s"
