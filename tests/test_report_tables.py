"""Every experiment declares its tables; ``psysim run`` checks them and records their row counts,
and ``psysim report`` refuses a run folder whose tables are truncated, lack a column or hold an
empty value where none is allowed, in one line naming the table (issue 20, item 5).

The run folders here are built from the specs (small, valid tables), so every experiment is
covered without running it; that the specs fit what each experiment really writes is checked
by every run (``execute`` reads the tables back), so each experiment's own tests check it, and
one real run below.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pandas as pd
import pytest

import psysim
from psysim.cli import main
from psysim.errors import DataError
from psysim.runs import list_experiments
from psysim.tables import check_run_tables, declared_tables

EXPERIMENTS = sorted(list_experiments())
VALUES = {"str": lambda i: f"v{i}", "any": lambda i: f"s{i}", "int": lambda i: i, "float": lambda i: i + 0.5,
          "bool": lambda i: i % 2 == 0}


def example_table(spec, n: int = 3) -> pd.DataFrame:
    """A small table that satisfies ``spec``: every key combination of its grid, else n rows."""
    kinds = {**spec.columns, **{f"{p}x": k for p, k in spec.prefix.items()}}
    combos = list(itertools.product(*spec.grid.values())) if spec.grid else [()] * n
    rows = []
    for i, combo in enumerate(combos):
        row = {c: VALUES[k](i) for c, k in kinds.items()}
        row.update(zip(spec.grid, combo))
        rows.append(row)
    return pd.DataFrame(rows, columns=list(kinds))


def example_run(folder: Path, name: str) -> Path:
    folder.mkdir()
    counts = {}
    for spec in declared_tables(list_experiments()[name]):
        df = example_table(spec)
        df.to_csv(folder / spec.name, index=False)
        counts[spec.name] = len(df)
    meta = {"experiment": name, "versions": {"psysim": psysim.__version__}, "tables": counts,
            "files": sorted(counts) + ["metadata.json"]}
    (folder / "metadata.json").write_text(json.dumps(meta))
    return folder


def refused(run_dir, capsys, *needles) -> str:
    before = sorted((p.name, p.read_bytes()) for p in run_dir.iterdir())
    capsys.readouterr()
    assert main(["report", str(run_dir)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for n in needles:
        assert n in err, err
    assert sorted((p.name, p.read_bytes()) for p in run_dir.iterdir()) == before  # nothing written
    return err


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_experiment_declares_every_table_it_writes(name):
    exp = list_experiments()[name]
    specs = declared_tables(exp)
    names = [s.name for s in specs]
    assert specs and len(set(names)) == len(names)
    written = set(re.findall(r'"(\w+\.csv)"', Path(exp.__file__).read_text(encoding="utf-8")))
    assert written <= set(names), f"{name} writes {sorted(written - set(names))} without declaring them"


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_tables_built_from_the_specs_pass(tmp_path, name):
    run = example_run(tmp_path / "run", name)
    tables = check_run_tables(run, declared_tables(list_experiments()[name]),
                              json.loads((run / "metadata.json").read_text())["tables"])
    assert sorted(tables) == sorted(s.name for s in declared_tables(list_experiments()[name]))


def _cases():
    for name in EXPERIMENTS:
        for spec in declared_tables(list_experiments()[name]):
            yield pytest.param(name, spec, id=f"{name}/{spec.name}")


@pytest.mark.parametrize("name, spec", list(_cases()))
def test_report_refuses_a_damaged_table_naming_it(tmp_path, capsys, name, spec):
    run = example_run(tmp_path / "run", name)
    path = run / spec.name
    original = path.read_text()
    lines = original.splitlines(keepends=True)
    # cut at a line boundary: the row count the run recorded differs (or the grid has a gap)
    path.write_text("".join(lines[:-1]))
    err = refused(run, capsys, str(path))
    assert "truncated" in err
    # cut inside the last line, after its first field: the values after it are empty
    path.write_text("".join(lines[:-1]) + lines[-1][: lines[-1].index(",") + 1])
    refused(run, capsys, str(path), "line", "empty")
    # a column missing
    df = pd.read_csv(pd.io.common.StringIO(original))
    gone = next(iter(spec.columns))
    df.drop(columns=[gone]).to_csv(path, index=False)
    refused(run, capsys, str(path), "missing column", repr(gone))
    # an empty value where none is allowed
    strict = [c for c in spec.columns if c not in spec.nullable]
    if strict:
        df = pd.read_csv(pd.io.common.StringIO(original))
        df[strict[-1]] = df[strict[-1]].astype(object)
        df.loc[0, strict[-1]] = None
        df.to_csv(path, index=False)
        refused(run, capsys, str(path), repr(strict[-1]), "is empty")
    # the table gone
    path.unlink()
    refused(run, capsys, str(path), "not found")


def test_an_optional_table_the_run_did_not_write_is_not_asked_for(tmp_path):
    optional = [(n, s) for n in EXPERIMENTS for s in declared_tables(list_experiments()[n]) if s.optional]
    assert optional  # (picture-naming's tables that need reaction times or colour versions)
    name, spec = optional[0]
    run = example_run(tmp_path / "run", name)
    (run / spec.name).unlink()
    meta = json.loads((run / "metadata.json").read_text())
    del meta["tables"][spec.name]
    check_run_tables(run, declared_tables(list_experiments()[name]), meta["tables"])
    with pytest.raises(DataError, match="not found"):  # recorded by the run, so required
        check_run_tables(run, declared_tables(list_experiments()[name]), {**meta["tables"], spec.name: 3})


def test_a_real_run_records_its_row_counts_and_report_checks_them(tmp_path, capsys, data_dir):
    out = tmp_path / "run"
    assert main(["run", "saliency-popout", "--quick", "--seed", "2", "--set", "n_per_cell=2", "--out", str(out)]) == 0
    meta = json.loads((out / "metadata.json").read_text())
    specs = declared_tables(list_experiments()["saliency-popout"])
    assert meta["tables"] == {s.name: len(pd.read_csv(out / s.name)) for s in specs}
    path = out / "slopes.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]))
    refused(out, capsys, str(path), f"{len(lines) - 2} rows, but the run wrote {len(lines) - 1}")
