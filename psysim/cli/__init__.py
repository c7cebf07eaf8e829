"""The ``psysim`` command: argument parsing, one-line errors and exit codes. No science here.

Exit codes: 0 success; 2 bad input (a one-line message on stderr, no traceback, nothing
half-written); 1 an unexpected internal error (with traceback, so it can be reported).

Subcommands live in ``psysim/cli/<name>.py`` modules listed in :data:`COMMANDS`; each defines
``add_parser(subparsers)`` and ``main(args) -> int``.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import re
import sys

from psysim.errors import PsysimError, did_you_mean

COMMANDS = [
    "psysim.cli.core",
    "psysim.cli.report",
    "psysim.cli.sweep",
    "psysim.cli.saliency",
    "psysim.cli.cam",
    "psysim.cli.fit",
    "psysim.cli.options",
]
"""Modules that add subcommands. Each defines ``add_parser(subparsers)``."""


_PATH_ERRNOS = {errno.ENAMETOOLONG, errno.ELOOP, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EISDIR,
                errno.EROFS, errno.ENOSPC, errno.EDQUOT}
"""System errors about a path the user gave (or a disk that is full): one line, exit 2. Others,
a missing file of psysim's own among them, keep their traceback (exit 1)."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line with exit code 2."""

    def error(self, message):
        self.exit(2, f"psysim: error: {message}{_did_you_mean(message)} (see '{self.prog} --help')\n")


def _did_you_mean(message: str) -> str:
    """`` (did you mean 'run'?)`` for argparse's "invalid choice: 'rn' (choose from ...)"."""
    m = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
    if not m:
        return ""
    choices = re.findall(r"'([^']*)'", m.group(2)) or [c.strip() for c in m.group(2).split(",")]
    return did_you_mean(m.group(1), choices)


def build_parser() -> argparse.ArgumentParser:
    import psysim

    parser = _Parser(prog="psysim", description="Models of visual attention, run on the same stimuli and compared with human data.")
    parser.add_argument("--version", action="version", version=f"psysim {psysim.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for modname in COMMANDS:
        importlib.import_module(modname).add_parser(sub)
    return parser


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv == ["list"]:
        # answered from psysim/catalog.json: building the full parser imports every command's
        # module (numpy, pandas, the executor), which `psysim list` does not need
        from psysim.catalog import text

        return _call(lambda: print(text()))
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # usage errors (2), --help and --version (0)
        if exc.code in (0, None) and _run_help_for(argv):
            return _call(lambda: _print_options(_run_help_for(argv)))
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        commands = next(a for a in parser._actions if a.dest == "command").choices
        print(f"psysim: error: give a command: {', '.join(commands)} (see 'psysim --help')", file=sys.stderr)
        return 2
    return _call(lambda: args.func(args))


def _run_help_for(argv) -> str | None:
    """``NAME`` of ``psysim run NAME --help`` (the help then lists NAME's --set keys)."""
    if len(argv) >= 3 and argv[0] == "run" and ("--help" in argv or "-h" in argv):
        takes_value = {"--seed", "--out", "--set", "--lang", "--data", "--figure-format", "--dpi"}
        rest = argv[1:]
        for i, a in enumerate(rest):
            if not a.startswith("-") and not (i and rest[i - 1] in takes_value):
                return a
    return None


def _print_options(name: str) -> None:
    from psysim.options import format_options
    from psysim.runs import get_experiment

    print(f"\n--set keys of {name} (also: psysim options {name}):")
    print(format_options(get_experiment(name)))


def _call(fn) -> int:
    """Run a command: one line and exit 2 for bad input, no traceback for a closed pipe."""
    try:
        return int(fn() or 0)
    except PsysimError as exc:
        print(f"psysim: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `psysim list | head`: the reader left; no traceback
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):  # (no real stdout: nothing to silence)
            pass
        return 1
    except OSError as exc:  # a path the system refuses (name too long, no permission, read-only, full)
        if exc.filename is None or exc.errno not in _PATH_ERRNOS:
            raise
        print(f"psysim: error: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("psysim: interrupted", file=sys.stderr)
        return 130
