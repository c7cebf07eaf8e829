"""``psysim options NAME``: the ``--set`` keys an experiment declares (:mod:`psysim.options`)."""

from __future__ import annotations


def add_parser(sub):
    p = sub.add_parser("options", help="list an experiment's --set keys: type, default (full / --quick), range, meaning")
    p.add_argument("experiment", help="experiment name (see 'psysim list')")
    p.set_defaults(func=cmd_options)


def cmd_options(args) -> int:
    from psysim.options import format_options
    from psysim.runs import get_experiment

    print(format_options(get_experiment(args.experiment)))
    return 0
