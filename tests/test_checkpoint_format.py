"""The data-only checkpoint format: every result type the tasks return round-trips exactly, a
pickle checkpoint of the older format is refused without being unpickled, and a tampered file
is not read."""

from __future__ import annotations

import hashlib
import json
import math
import pickle

import numpy as np
import pandas as pd
import pytest

from psysim.checkpoints import SUFFIX, Checkpoints, checkpoint_name, has_checkpoints
from psysim.codec import decode, encode
from psysim.errors import PsysimError
from psysim.executor import map_tasks


def same(a, b) -> bool:
    """Equal value, type and dtype, all the way down (NaN equal to NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, pd.DataFrame):
        try:
            pd.testing.assert_frame_equal(a, b, check_exact=True, check_index_type=True, check_column_type=True)
        except AssertionError:
            return False
        return all(type(x) is type(y) for c in range(a.shape[1]) for x, y in zip(a.iloc[:, c], b.iloc[:, c]))
    if isinstance(a, pd.Series):
        try:
            pd.testing.assert_series_equal(a, b, check_exact=True, check_index_type=True)
        except AssertionError:
            return False
        return True
    if isinstance(a, pd.Index):
        return a.equals(b) and a.dtype == b.dtype and a.name == b.name and type(a) is type(b)
    if isinstance(a, (np.ndarray, np.generic)):
        return a.dtype == b.dtype and np.shape(a) == np.shape(b) and np.asarray(a).tobytes() == np.asarray(b).tobytes()
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


def round_trip(value):
    return decode(*encode(value))


def search_result():
    """What :func:`psysim.fitting.quantile_fit.search_once` returns (a plain dict)."""
    from psysim.fitting import FitSpec, quantile_cells
    from psysim.fitting.tasks import search_task
    from psysim.models import get_model, make_design
    from psysim.seeds import derive_seed

    trials = get_model("cgs").simulate(make_design("conjunction", (6, 18), 60), seed=1)
    spec = FitSpec(key="fit/cgs/c/1", model="cgs", cells=quantile_cells(trials), starts=1,
                   settings={"n_starts": 4, "n_local": 1, "maxiter": 2})
    return search_task((spec, 0, 5), derive_seed(1, "fit/cgs/c/1/start0")), spec


@pytest.fixture(scope="module")
def task_results():
    """One result of every kind a psysim task returns."""
    from psysim.fitting.tasks import finish_task
    from psysim.sweep import summarise_arrays  # what simulate_point returns

    run, spec = search_result()
    fit_json = finish_task((spec, 5, [run]), None)
    rng = np.random.default_rng(0)
    n = 40
    sweep = summarise_arrays(np.array(["feature", "conjunction"] * (n // 2)), rng.choice([6, 18], n).astype(np.int64),
                             rng.random(n) < 0.5, rng.random(n) < 0.9, rng.gamma(5, 100, n))
    profile = (pd.DataFrame([{"beta": 0.0, "loglik": -12.5, "w": 1.0}, {"beta": 0.05, "loglik": -np.inf, "w": np.nan}]),
               {"beta": 0.05, "ci_low": 0.0, "ci_high": math.inf, "loglik": -12.5}, 240)
    return {"search": run, "fit_json": fit_json, "sweep": sweep, "profile": profile}


@pytest.mark.parametrize("kind", ["search", "fit_json", "sweep", "profile"])
def test_every_task_result_type_round_trips(task_results, kind):
    value = task_results[kind]
    back = round_trip(value)
    assert same(back, value)
    assert round_trip(back) is not value and same(round_trip(back), value)


def test_a_sweep_resumed_from_its_checkpoints_gives_the_same_tables(tmp_path):
    from psysim.sweep import read_grid, run_sweep

    g = tmp_path / "g.toml"
    g.write_text('n_per_cell = 20\n[params]\nper_item = [10.0, 30.0]\n')
    table, cells, _ = run_sweep("fit", read_grid(g), tasks=["feature"], seed=3, checkpoint_dir=tmp_path / "ck")
    again, cells2, res = run_sweep("fit", read_grid(g), tasks=["feature"], seed=3, checkpoint_dir=tmp_path / "ck")
    assert res.loaded == len(res) and res.computed == 0
    assert table.to_csv() == again.to_csv() and cells.to_csv() == cells2.to_csv()


@pytest.mark.parametrize("value", [
    None, True, 0, -3, 2**70, 1.5, -0.0, math.nan, math.inf, "", "日本語\n\"quoted\"", [], (), {},
    [1, (2, 3.0), {"a": [None]}], {"$tuple": 1, "x": 2}, {1: "one", (2, "b"): [3], None: 0.5},
    np.float64(0.1), np.int32(-7), np.bool_(True), np.str_("conj"), np.datetime64("2026-12-03T10:00"),
    np.arange(12, dtype=np.int16).reshape(3, 4), np.asfortranarray(np.eye(3)), np.array([], dtype=float),
    np.array(["a", "bcd"]), np.array([np.nan, -np.inf, 1e-310]), np.zeros((2, 0, 3), np.uint8),
    pd.DataFrame({"task": ["a", "b"], "n": np.array([1, 2], np.int64), "ok": [True, False], "rt": [np.nan, 1.0]}),
    pd.DataFrame({"x": [1.0, 2.0]}, index=pd.Index(["r1", "r2"], name="row")),
    pd.DataFrame({"o": np.array(["a", 1, None, 2.5], dtype=object)}, index=[3, 3, 1, 0]),
    pd.DataFrame([[1, 2]], columns=["dup", "dup"]),
    pd.DataFrame(index=pd.RangeIndex(2, 8, 2)),
    pd.DataFrame({"s": pd.array(["x", pd.NA], dtype=pd.StringDtype("python", na_value=pd.NA))}),
    pd.Series([1.5, np.nan], index=pd.RangeIndex(5, 7), name="loglik"),
    pd.Index([3, 1, 2], name="k"),
])
def test_plain_values_round_trip_with_types(value):
    assert same(round_trip(value), value)


@pytest.mark.parametrize("value, what", [
    (object(), "builtins.object"),
    (np.array([1, "a"], dtype=object), "dtype object"),
    (pd.DataFrame({"c": pd.Categorical(["a"])}), "dtype category"),
    (pd.MultiIndex.from_tuples([(1, 2)]), "MultiIndex"),
    ({1, 2}, "builtins.set"),
])
def test_what_is_not_plain_data_is_refused_when_written(value, what):
    with pytest.raises(TypeError, match=what):
        encode(value)


def test_reading_never_makes_python_objects_from_arrays():
    doc, blob = encode(np.arange(3))
    bad = json.loads(doc)
    bad["arrays"][0][0] = "|O"
    with pytest.raises(ValueError, match="does not match"):
        decode(json.dumps(bad).encode(), blob)
    bad["arrays"][0][0] = "<i8"
    bad["arrays"][0][3] = 10 ** 9  # claims more bytes than there are
    with pytest.raises(ValueError, match="does not match"):
        decode(json.dumps(bad).encode(), blob)
    with pytest.raises(ValueError, match="unknown tag"):
        decode(b'{"value": {"$pickle": "x"}, "arrays": []}', b"")


def test_checkpoint_file_is_json_and_raw_arrays(tmp_path):
    c = Checkpoints(tmp_path, seed=4)
    path = c.save_many(["k"], [{"x": np.arange(3.0)}])
    assert path.suffix == SUFFIX and path.name == checkpoint_name("k")
    magic, header, body = path.read_bytes().split(b"\n", 2)
    assert magic == b"PSYSIM-CHECKPOINT 3"
    header = json.loads(header)
    assert header == {"keys": ["k"], "seed": 4, "sha256": hashlib.sha256(body).hexdigest()}
    doc, _, blob = body.partition(b"\n")
    assert json.loads(doc)["value"] == [{"x": {"$array": 0}}] and blob == np.arange(3.0).tobytes()
    assert has_checkpoints(tmp_path)


class _Plant:
    """Unpickling this creates a file: proof that a pickle was executed."""

    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return (open, (self.target, "w"))


def _old_checkpoint(path, seed: int, target):
    body = pickle.dumps([_Plant(str(target))])
    header = {"keys": ["a"], "seed": seed, "sha256": hashlib.sha256(body).hexdigest()}
    path.write_bytes(b"PSYSIM-CHECKPOINT\n" + json.dumps(header, sort_keys=True).encode() + b"\n" + body)


def test_a_pickle_checkpoint_of_the_older_format_is_refused_and_not_executed(tmp_path):
    ck, target = tmp_path / "ck", tmp_path / "PWNED"
    ck.mkdir()
    (ck / "manifest.json").write_text(json.dumps({"format": 2, "seed": 1, "fingerprint": None}))
    old = ck / checkpoint_name("a").replace(SUFFIX, ".pkl")
    _old_checkpoint(old, 1, target)
    with pytest.raises(PsysimError) as err:
        map_tasks(_twice, {"a": 1}, seed=1, checkpoint_dir=ck)
    msg = str(err.value)
    assert str(old) in msg and "older psysim" in msg and "without resuming" in msg and "\n" not in msg
    assert not target.exists() and old.exists()
    # an old manifest alone (no results yet) is refused the same way
    old.unlink()
    with pytest.raises(PsysimError, match="manifest.json: a checkpoint of an older psysim"):
        Checkpoints(ck, seed=1)


def test_a_pickle_renamed_to_the_new_suffix_is_not_executed(tmp_path, capsys):
    ck, target = tmp_path / "ck", tmp_path / "PWNED"
    Checkpoints(ck, seed=1)
    path = ck / checkpoint_name("a")
    _old_checkpoint(path, 1, target)  # valid old header and checksum, wrong magic for format 3
    res = map_tasks(_twice, {"a": 1}, seed=1, checkpoint_dir=ck)
    assert list(res) == [2] and (res.loaded, res.computed) == (0, 1)
    assert not target.exists()
    assert "damaged checkpoint" in capsys.readouterr().err


def test_a_tampered_checkpoint_is_not_read(tmp_path, capsys):
    ck = tmp_path / "ck"
    map_tasks(_twice, {"a": 1, "b": 2}, seed=1, checkpoint_dir=ck)
    path = ck / checkpoint_name("a")
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b'"value":[2]', b'"value":[9]'))  # body changed, checksum kept
    assert path.read_bytes() != raw
    res = map_tasks(_twice, {"a": 1, "b": 2}, seed=1, checkpoint_dir=ck)
    assert list(res) == [2, 4] and (res.loaded, res.computed) == (1, 1)
    assert "damaged checkpoint" in capsys.readouterr().err
    # a checksum recomputed to match the change is read as data, and still runs no code
    magic, header, body = raw.split(b"\n", 2)
    body = body.replace(b'"value":[2]', b'"value":[{"$pickle":"cos\\nsystem"}]')
    header = json.loads(header)
    header["sha256"] = hashlib.sha256(body).hexdigest()
    path.write_bytes(b"\n".join([magic, json.dumps(header).encode(), body]))
    res = map_tasks(_twice, {"a": 1, "b": 2}, seed=1, checkpoint_dir=ck)
    assert list(res) == [2, 4] and res.computed == 1


def _twice(x, seed):
    return 2 * x


def test_no_pickle_is_read_anywhere_in_psysim():
    """No reader of pickles in psysim's source (package, experiments, analysis): checkpoints are data only, arrays with
    ``allow_pickle=False``, torch files with ``weights_only=True``."""
    import re
    from pathlib import Path

    import psysim.analysis
    import psysim.experiments

    import psysim

    roots = [Path(m.__file__).parent for m in (psysim, psysim.experiments, psysim.analysis)]
    readers = re.compile(r"pickle\.loads?\(|allow_pickle\s*=\s*True|weights_only\s*=\s*False|read_pickle|"
                         r"joblib\.load|dill\.|cloudpickle\.|shelve\.open|marshal\.loads?|torch\.load\((?![^)]*weights_only=True)")
    found = [f"{p}:{i}" for root in roots for p in sorted(root.rglob("*.py"))
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if readers.search(line)]
    assert found == []
    assert readers.search("x = pickle.loads(b)") and readers.search("torch.load(p, map_location='cpu')")
