"""Fits as executor tasks: the same bytes serially and on Dask, rt-distributions on a scheduler,
and a SIGKILLed ``psysim run rt-distributions`` that resumes to the uninterrupted output.

One 2-worker Dask LocalCluster is shared by the module (clusters are slow to start).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from _helpers import kill_part_way

from psysim.errors import PsysimError
from psysim.fitting import FitSpec, fit_many, fit_quantiles, quantile_cells
from psysim.fitting.tasks import int_seed
from psysim.models import get_model, make_design
from psysim.seeds import derive_seed

TABLES = ("fits.csv", "predictions.csv", "bic_by_observer.csv", "wins.csv", "heldout.csv",
          "heldout_by_subject.csv", "recovery.csv", "recovery_estimates.csv", "model_recovery.csv",
          "confusion.csv", "recovery_verdicts.csv", "pairwise.csv", "pairwise_by_observer.csv")
# a reduced rt-distributions: one task, 2 observers (3 held out), CGS and FIT, tiny searches
REDUCED = {"models": "cgs,fit", "tasks": "spatial"}


@pytest.fixture(scope="module")
def cluster():
    pytest.importorskip("distributed")
    from psysim.executor import DaskExecutor

    ex = DaskExecutor(workers=2)
    yield ex
    ex.close()


def canonical(res) -> str:
    """A FitResult as JSON without its timings (the only thing allowed to differ)."""
    d = json.loads(res.to_json())
    d["diagnostics"].pop("seconds")
    for r in d["diagnostics"]["seeds"]:
        r.pop("seconds")
    return json.dumps(d, sort_keys=True)


@pytest.fixture(scope="module")
def specs():
    """Two simulated observers of one task, fitted by CGS (exact) and FIT (simulated)."""
    out = []
    for m, truth, settings in (
        ("cgs", {"w_target": 2.0, "dw_quit": 0.03}, {"n_starts": 16, "n_local": 1}),
        ("fit", {"per_item": 40.0}, {"maxiter": 3, "popsize": 3, "n_sim": 150, "polish": False,
                                     "free": ("base", "per_item", "base_sd")}),
    ):
        for obs in (1, 2):
            trials = get_model(m, **truth).simulate(make_design("conjunction", (6, 18), 150), seed=10 * obs)
            out.append(FitSpec(key=f"fit/{m}/conjunction/{obs}", model=m, cells=quantile_cells(trials), starts=2,
                               settings=settings, data={"task": "conjunction", "subject": str(obs)}))
    return out


def test_fit_many_is_fit_quantiles_with_derived_seeds(specs):
    res = fit_many(specs, seed=11, progress=False)
    assert [r.data["subject"] for r in res] == ["1", "2", "1", "2"]
    for spec, r in zip(specs, res):
        seeds = [int_seed(derive_seed(11, f"{spec.key}/start{k}")) for k in range(2)]
        direct = fit_quantiles(get_model(spec.model), cells=spec.cells, seeds=seeds,
                               sim_seed=int_seed(derive_seed(11, f"{spec.key}/sim")), data=spec.data, **spec.settings)
        assert canonical(r) == canonical(direct)
        assert [s["seed"] for s in r.diagnostics["seeds"]] == seeds
    # another root seed: other searches
    other = fit_many(specs[:1], seed=12, progress=False)[0]
    assert other.diagnostics["seeds"][0]["seed"] != res[0].diagnostics["seeds"][0]["seed"]


def test_fit_many_serial_and_dask_give_the_same_bytes(specs, cluster, tmp_path):
    serial = fit_many(specs, seed=3, progress=False)
    dask = fit_many(specs, seed=3, executor=cluster, checkpoint_dir=tmp_path / "ck", progress=False)
    assert [canonical(a) for a in serial] == [canonical(b) for b in dask]
    # the checkpoints hold every search and every finished fit; reloading gives the same bytes
    assert len(list((tmp_path / "ck").glob("*.ckpt"))) == 8 + 4
    again = fit_many(specs, seed=3, checkpoint_dir=tmp_path / "ck", progress=False)
    assert [canonical(a) for a in again] == [canonical(b) for b in serial]
    summary = pd.DataFrame([r.summary() for r in serial]).to_csv(index=False)
    assert summary == pd.DataFrame([r.summary() for r in dask]).to_csv(index=False)


def test_fit_specs_are_checked_before_any_task(specs):
    bad = [FitSpec(key="a", model="cgs", cells=specs[0].cells, settings={"n_start": 4})]
    with pytest.raises(PsysimError, match="unknown setting.*n_start"):
        fit_many(bad)
    with pytest.raises(PsysimError, match="duplicate fit key"):
        fit_many([specs[0], specs[0]])
    with pytest.raises(PsysimError, match="unknown parameter"):
        fit_many([FitSpec(key="b", model="cgs", cells=specs[0].cells, settings={"free": ("speed",)})])
    with pytest.raises(PsysimError, match="starts"):
        fit_many([FitSpec(key="c", model="cgs", cells=specs[0].cells, starts=0)])


# -- the experiment ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def serial_run(tmp_path_factory, data_dir):
    from psysim.runs import execute, get_experiment

    out = tmp_path_factory.mktemp("rt") / "serial"
    return execute(get_experiment("rt-distributions"), out=out, seed=2, quick=True, options=REDUCED)


@pytest.mark.slow
def test_rt_distributions_on_a_dask_scheduler_gives_the_serial_tables(serial_run, cluster, tmp_path):
    """``psysim run rt-distributions --set scheduler=ADDRESS`` (docs/CLUSTER.md) joins a running
    cluster and writes byte-identical tables."""
    from psysim.runs import execute, get_experiment

    out = execute(get_experiment("rt-distributions"), out=tmp_path / "dask", seed=2, quick=True,
                  options={**REDUCED, "scheduler": cluster.address})
    for name in TABLES:
        assert (out / name).read_bytes() == (serial_run / name).read_bytes(), name
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["executor"]["executor"] == "dask" and meta["executor"]["scheduler"] == cluster.address
    stages = {t["stage"]: t for t in meta["tasks"]}
    assert stages["fits (searches)"]["tasks"] == 2 + 2 + 3 + 3  # (2 observers + 3 held out) x 2 models
    fits = pd.read_csv(out / "fits.csv")
    assert len(fits) == 4 and set(fits["model"]) == {"cgs", "fit"} and "seconds" not in fits


@pytest.mark.slow
def test_rt_distributions_sigkill_then_resume_equals_uninterrupted(serial_run, data_dir, tmp_path):
    out = tmp_path / "resumed"
    cmd = [sys.executable, "-m", "psysim.cli", "run", "rt-distributions", "--quick", "--seed", "2", "--out", str(out)]
    cmd += [a for k, v in REDUCED.items() for a in ("--set", f"{k}={v}")]
    env = {**os.environ, "PSYSIM_DATA": str(data_dir)}
    checkpoints = tmp_path / ".resumed.partial" / "checkpoints"
    done = kill_part_way(cmd, tmp_path, checkpoints, at_least=3, env=env)
    assert 3 <= done < 20, done
    assert not out.exists()  # nothing half-written where the output goes
    p = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "resuming from" in p.stderr
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["tasks"][0]["loaded"] >= 3 and meta["tasks"][0]["loaded"] + meta["tasks"][0]["computed"] == 10
    for name in TABLES:
        assert (out / name).read_bytes() == (serial_run / name).read_bytes(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["resumed"]  # no checkpoints, nothing hidden


def test_rt_distributions_rejects_bad_options(tmp_path, data_dir):
    from psysim.runs import execute, get_experiment

    for options, message in (({"models": "cgs,nope"}, "--set models='cgs,nope': 'nope' is not one of cgs, gs, gs6, fit"),
                             ({"tasks": "colour"}, "--set tasks='colour': 'colour' is not one of feature"),
                             ({"modles": "cgs"}, "unknown option of experiment rt-distributions; did you mean 'models'"),
                             ({"workers": "lots"}, "option workers='lots'")):
        with pytest.raises(PsysimError, match=message):
            execute(get_experiment("rt-distributions"), out=tmp_path / "run", quick=True, options=options)
        assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_psysim_fit_resumes_and_shards_to_the_serial_output(tmp_path, data_dir, capsys):
    from psysim.cli import main

    base = ["fit", "cgs", "--task", "spatial", "--subject", "1", "--subject", "2", "--seeds", "2", "--starts", "8",
            "--local", "1", "--no-progress", "--seed", "7"]
    assert main(base + ["--out", str(tmp_path / "serial")]) == 0
    out = tmp_path / "sharded"
    assert main(base + ["--out", str(out), "--shard", "0/2"]) == 0
    assert not out.exists() and len(list((tmp_path / ".sharded.partial" / "checkpoints").glob("*.ckpt"))) == 2
    assert main(base + ["--out", str(out), "--seed", "8"]) == 2  # another seed: refused
    assert "seed 7 there, 8 now" in capsys.readouterr().err
    assert main(base + ["--out", str(out)]) == 0
    assert "resuming from" in capsys.readouterr().out
    assert (out / "fits.csv").read_bytes() == (tmp_path / "serial" / "fits.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["serial", "sharded"]
