"""Declared experiment options (:mod:`psysim.options`): every experiment declares its ``--set``
keys once; unknown keys and out-of-range values are refused in one line before any work;
``metadata.json`` records the resolved values; ``psysim options NAME`` lists them."""

from __future__ import annotations

import ast
import inspect
import json
import types

import pytest

from psysim.cli import main
from psysim.errors import PsysimError
from psysim.options import (
    RUN_OPTIONS,
    Option,
    check_declarations,
    declared,
    format_options,
    resolve_options,
    validate_options,
)
from psysim.runs import execute, list_experiments

EXPERIMENTS = list_experiments()


# -- every experiment's declaration -------------------------------------------------------------
def option_keys_read(source: str, options=(), where: str = "?") -> set[str]:
    """The keys a module's source passes to ``ctx.option``, found by parsing it.

    A literal key is taken as is; ``ctx.option(o.name) for o in OPTIONS`` reads every declared
    key (``options``). Any other argument is an error, so that no read escapes the check.
    """
    tree = ast.parse(source)
    keys: set[str] = set()
    loops = {}  # comprehension variable -> what it iterates over
    for node in ast.walk(tree):
        if isinstance(node, ast.comprehension) and isinstance(node.target, ast.Name):
            loops[node.target.id] = node.iter
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "option"):
            continue
        arg = node.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            keys.add(arg.value)
        elif (isinstance(arg, ast.Attribute) and arg.attr == "name" and isinstance(arg.value, ast.Name)
              and isinstance(loops.get(arg.value.id), ast.Name) and loops[arg.value.id].id == "OPTIONS"):
            keys.update(o.name for o in options)
        else:
            raise AssertionError(f"{where} line {node.lineno}: ctx.option with a key the test cannot read")
    return keys


def test_every_experiment_declares_options():
    assert len(EXPERIMENTS) >= 8
    for name, mod in EXPERIMENTS.items():
        assert isinstance(getattr(mod, "OPTIONS", None), tuple), name


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_declarations_are_well_formed(name):
    mod = EXPERIMENTS[name]
    check_declarations(mod)  # defaults (full and quick) inside their own ranges, types, help
    for o in mod.OPTIONS:
        assert o.help.strip() and "\n" not in o.help, o.name
        for quick in (False, True):
            v = o.default_for(quick)
            if v is not None and o.type in (int, float):
                assert (o.low is None or v >= o.low) and (o.high is None or v <= o.high), (o.name, quick, v)


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_every_option_read_is_declared_and_every_declared_one_is_read(name):
    mod = EXPERIMENTS[name]
    read = option_keys_read(inspect.getsource(mod), mod.OPTIONS, mod.__name__)
    names = set(declared(mod))
    assert read - names == set(), f"{name} reads undeclared options"
    assert names - read == set(), f"{name} declares options it never reads"
    assert not read & set(RUN_OPTIONS)


def test_the_source_parser():
    opts = (Option("a", int, 1, help="x"), Option("b", int, 1, help="y"))
    assert option_keys_read("def run(ctx):\n    ctx.option('a')\n", opts) == {"a"}
    assert option_keys_read("def s(ctx):\n    return {o.name: ctx.option(o.name) for o in OPTIONS}\n", opts) == {"a", "b"}
    with pytest.raises(AssertionError, match="line 3: ctx.option with a key the test cannot read"):
        option_keys_read("def run(ctx):\n    key = 'a'\n    return ctx.option(key)\n", opts)


def test_check_declarations_refuses_bad_ones():
    def exp(*opts):
        return types.SimpleNamespace(NAME="bad", OPTIONS=opts)

    cases = [
        (exp(Option("n", int, 0, low=1, help="x")), "experiment bad, option 'n': default n=0: out of range, must be >= 1"),
        (exp(Option("n", int, 5, quick=0, low=1, help="x")), "must be >= 1"),
        (exp(Option("n", int, 5, help="")), "needs a one-line help"),
        (exp(Option("n", int, 5, help="a\nb")), "needs a one-line help"),
        (exp(Option("n", int, 2.5, help="x")), "full default 2.5 is not int"),
        (exp(Option("m", str, "a,z", choices=("a", "b"), multiple=True, help="x")), "'z' is not one of a, b"),
        (exp(Option("n", int, 1, help="x"), Option("n", int, 1, help="y")), "declared twice"),
        (exp(Option("workers", int, 1, help="x")), "shadows a run option"),
        (exp(Option("n", list, None, help="x")), "type must be"),
    ]
    for mod, message in cases:
        with pytest.raises(PsysimError, match=message):
            check_declarations(mod)


# -- converting and checking values -------------------------------------------------------------
@pytest.mark.parametrize("opt, text, value", [
    (Option("n", int, 1, low=1), " 12 ", 12),
    (Option("x", float, 0.5, low=0, high=1), "1", 1.0),
    (Option("x", float, 0.5, low=0, high=1), "0", 0.0),
    (Option("b", bool, False), "yes", True),
    (Option("b", bool, True), "Off", False),
    (Option("m", str, "a", choices=("a", "b"), multiple=True), "b, a", "b, a"),
    (Option("s", str, None), "path/to/file.csv", "path/to/file.csv"),
])
def test_values_convert(opt, text, value):
    v = opt.convert(text)
    assert v == value and type(v) is type(value)


@pytest.mark.parametrize("opt, text, message", [
    (Option("n", int, 1, low=1), "1.5", "--set n='1.5': expected int"),
    (Option("n", int, 1, low=1), "0", "--set n='0': out of range, must be >= 1"),
    (Option("n", int, 1, high=9), "10", "--set n='10': out of range, must be <= 9"),
    (Option("x", float, 0.5, low=0, high=1), "1.01", r"--set x='1.01': out of range, must be in \[0, 1\]"),
    (Option("x", float, 0.5), "nan", "--set x='nan': not a finite number"),
    (Option("x", float, 0.5), "-inf", "--set x='-inf': not a finite number"),
    (Option("b", bool, False), "maybe", "--set b='maybe': expected bool"),
    (Option("c", str, "a", choices=("a", "b")), "c", "--set c='c': 'c' is not one of a, b"),
    (Option("m", str, "a", choices=("a", "b"), multiple=True), "a,,b", "--set m='a,,b': '' is not one of a, b"),
    (Option("s", str, None), "", "--set s='': empty value"),
    (Option("s", str, None), "  ", "empty value"),
])
def test_bad_values_are_one_line_errors(opt, text, message):
    with pytest.raises(PsysimError, match=message) as err:
        opt.convert(text)
    assert "\n" not in str(err.value)


EXP = types.SimpleNamespace(NAME="exp", OPTIONS=(Option("n_per_cell", int, 40, quick=8, low=1, help="displays"),
                                                 Option("noise", float, 0.1, low=0, high=1, help="pixel SD")))


def test_unknown_keys_are_refused_with_a_did_you_mean():
    with pytest.raises(PsysimError, match=r"--set n_per_cel: unknown option of experiment exp; did you mean "
                                          r"'n_per_cell'\? \(options: n_per_cell, noise\)"):
        validate_options(EXP, {"n_per_cel": "10"})
    with pytest.raises(PsysimError, match=r"--set zzz: unknown option of experiment exp \(options: n_per_cell, noise\)"):
        validate_options(EXP, {"zzz": "1"})
    none = types.SimpleNamespace(NAME="bare", run=lambda ctx: None)
    with pytest.raises(PsysimError, match=r"--set n: unknown option of experiment bare \(options: none\)"):
        validate_options(none, {"n": "1"})


def test_run_options_only_where_the_experiment_uses_the_executor():
    with pytest.raises(PsysimError, match="--set workers: experiment exp does not run on an executor"):
        validate_options(EXP, {"workers": "0"})
    uses = types.SimpleNamespace(NAME="tasks", OPTIONS=EXP.OPTIONS, USES_EXECUTOR=True)
    assert validate_options(uses, {"workers": "2", "noise": "0.5"}) == {"workers": "2", "noise": 0.5}
    with pytest.raises(PsysimError, match="did you mean 'workers'"):
        validate_options(uses, {"worker": "2"})


def test_resolved_options_are_defaults_plus_given_values():
    assert resolve_options(EXP, {}) == {"n_per_cell": 40, "noise": 0.1}
    assert resolve_options(EXP, {}, quick=True) == {"n_per_cell": 8, "noise": 0.1}
    assert resolve_options(EXP, {"noise": "0.25"}, quick=True) == {"n_per_cell": 8, "noise": 0.25}


# -- through execute and the command line -------------------------------------------------------
def _seen_run(ctx):
    (ctx.out / "seen.json").write_text(json.dumps({"n": ctx.option("n_per_cell"), "noise": ctx.option("noise")}))


SEEN = types.SimpleNamespace(NAME="seen", OPTIONS=EXP.OPTIONS, run=_seen_run)


def test_metadata_records_the_resolved_options_and_the_run_sees_them(tmp_path):
    out = execute(SEEN, out=tmp_path / "a", quick=True, options={"noise": "0.3"})
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["options"] == {"n_per_cell": 8, "noise": 0.3}
    assert json.loads((out / "seen.json").read_text()) == {"n": 8, "noise": 0.3}
    full = execute(SEEN, out=tmp_path / "b")
    assert json.loads((full / "metadata.json").read_text())["options"] == {"n_per_cell": 40, "noise": 0.1}


def test_reading_an_undeclared_option_is_a_bug_not_a_default(tmp_path):
    bad = types.SimpleNamespace(NAME="reads-more", OPTIONS=EXP.OPTIONS, run=lambda ctx: ctx.option("threads", 2, int))
    with pytest.raises(KeyError, match="reads option 'threads', which its OPTIONS do not declare"):
        execute(bad, out=tmp_path / "r")
    assert list(tmp_path.iterdir()) == []


def _cli(argv, tmp_path, capsys):
    before = sorted(p.name for p in tmp_path.iterdir())
    rc = main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    out, err = capsys.readouterr()
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written, nothing partial
    return rc, out, err.strip().splitlines()


@pytest.mark.parametrize("argv, message", [
    (["run", "visual-search", "--quick", "--set", "n_per_cel=10"],
     "psysim: error: --set n_per_cel: unknown option of experiment visual-search; did you mean 'n_per_cell'? "
     "(options: n_per_cell)"),
    (["run", "visual-search", "--set", "workers=0"],
     "psysim: error: --set workers: experiment visual-search does not run on an executor"),
    (["run", "visual-search", "--set", "n_per_cell=0"],
     "psysim: error: --set n_per_cell='0': out of range, must be in [1, 100000]"),
    (["run", "saliency-popout", "--set", "n_per_cell=-3"],
     "psysim: error: --set n_per_cell='-3': out of range, must be in [1, 10000]"),
    (["run", "cnn-search", "--set", "arch=resnet"],
     "psysim: error: --set arch='resnet': 'resnet' is not one of gapcnn, mbconv"),
    (["run", "distillation", "--set", "alpha=1.5"],
     "psysim: error: --set alpha='1.5': out of range, must be in [0, 1]"),
    (["run", "softmax-temperature", "--set", "maps=target,gss"],
     "psysim: error: --set maps='target,gss': 'gss' is not one of target, gs, contrast, saliency, saliency-onoff, cnn"),
    (["run", "rt-distributions", "--set", "shard=0/2", "--set", "tasks=spatial", "--set", "model=cgs"],
     "psysim: error: --set model: unknown option of experiment rt-distributions; did you mean 'models'? "
     "(options: models, recovery_sets, tasks, workers, scheduler, executor, processes, shard)"),
    (["run", "picture-naming", "--set", "regime=frozen"],
     "psysim: error: --set regime='frozen': 'frozen' is not one of both, transfer, finetune"),
])
def test_cli_refuses_bad_options_in_one_line_before_any_work(tmp_path, capsys, argv, message):
    rc, out, lines = _cli([*argv, "--out", "{tmp}/run"], tmp_path, capsys)
    assert rc == 2 and lines == [message] and out == ""


def test_options_listing(capsys):
    assert main(["options", "visual-search"]) == 0
    text = capsys.readouterr().out
    assert text == format_options(EXPERIMENTS["visual-search"]) + "\n"
    lines = text.splitlines()
    assert lines[0].startswith("visual-search: options for 'psysim run visual-search --set KEY=VALUE'")
    assert lines[1].split() == ["n_per_cell", "int,", "default", "500", "/", "60,", "in", "[1,", "100000]"]
    assert "per task x set size x presence cell" in lines[2]


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_options_listing_names_every_key(name, capsys):
    assert main(["options", name]) == 0
    text = capsys.readouterr().out
    mod = EXPERIMENTS[name]
    for o in mod.OPTIONS:
        assert f"  {o.name} " in text and o.help in text
    assert ("run options" in text) == bool(getattr(mod, "USES_EXECUTOR", False))


def test_options_listing_of_an_unknown_experiment(capsys):
    assert main(["options", "visual-serch"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("psysim: error: unknown experiment 'visual-serch'")


def test_run_help_of_an_experiment_lists_its_set_keys(capsys):
    from psysim.cli import main

    assert main(["run", "--out", "somewhere", "visual-search", "--help"]) == 0
    out = capsys.readouterr().out
    assert "usage: psysim run" in out and "--set keys of visual-search" in out and "n_per_cell" in out
    assert main(["run", "--help"]) == 0 and "--set keys" not in capsys.readouterr().out
