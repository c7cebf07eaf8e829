"""``psysim report RUN_DIR [--lang ja] [--out FILE]``: re-render a run folder's report.

The report is drawn again from the tables the run wrote (no simulation is repeated), in the
language asked for. First every table the experiment declares (``TABLES``) is checked as
``psysim run`` checked it, and against the row counts ``metadata.json`` recorded
(:func:`psysim.tables.check_run_tables`): a truncated, edited or missing table is one line
naming it, exit 2. The experiment named in the run's ``metadata.json`` must define
``report(run_dir, lang="en", out=None) -> Path``.
"""

from __future__ import annotations

import json
from pathlib import Path

from psysim.errors import PsysimError
from psysim.i18n import LANGUAGES


def add_parser(sub):
    p = sub.add_parser("report", help="re-render a run folder's report, e.g. in Japanese (--lang ja)")
    p.add_argument("run_dir", type=Path, help="a run folder written by 'psysim run'")
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the report (default en)")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="HTML file to write (default RUN_DIR/report.html for en, RUN_DIR/report.LANG.html otherwise)",
    )
    p.set_defaults(func=cmd_report)


def default_report_path(run_dir: Path, lang: str) -> Path:
    """``report.html`` for English, ``report.<lang>.html`` otherwise (both can sit in one run)."""
    return Path(run_dir) / ("report.html" if lang == "en" else f"report.{lang}.html")


def read_metadata(run_dir: Path) -> dict:
    """The run's ``metadata.json``, checked to name an experiment."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise PsysimError(f"run folder {run_dir} does not exist")
    path = run_dir / "metadata.json"
    if not path.is_file():
        raise PsysimError(f"{path} not found: {run_dir} is not a run folder written by 'psysim run'")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PsysimError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("experiment"), str):
        raise PsysimError(f"{path}: no 'experiment' name")
    return meta


def report_inputs(run_dir, name: str, lang: str, out=None, tables=None) -> tuple[Path, dict, Path]:
    """What an experiment's ``report(run_dir, lang, out)`` starts from: ``(run_dir, metadata,
    report path)``, with the language checked, the run folder checked to be one of experiment
    ``name``, and its declared ``tables`` (if given) checked as ``psysim run`` wrote them."""
    from psysim.i18n import check_lang

    check_lang(lang)
    run_dir = Path(run_dir)
    meta = read_metadata(run_dir)
    if meta["experiment"] != name:
        raise PsysimError(f"{run_dir}: a run of {meta['experiment']!r}, not of {name!r}")
    if tables is not None:
        from psysim.tables import check_run_tables

        check_run_tables(run_dir, tables, meta.get("tables"))
    return run_dir, meta, Path(out) if out is not None else default_report_path(run_dir, lang)


def cmd_report(args) -> int:
    from psysim.paths import check_output, psysim_html
    from psysim.runs import get_experiment
    from psysim.tables import check_run_tables, declared_tables

    meta = read_metadata(args.run_dir)
    exp = get_experiment(meta["experiment"])
    out = args.out if args.out is not None else default_report_path(args.run_dir, args.lang)
    if out.suffix.lower() not in (".html", ".htm"):
        raise PsysimError(f"--out {out}: the file name must end in .html")
    check_output(out, kind="file", owned=psysim_html, has_force=False)  # replaces only a report psysim wrote
    # every declared table, with the checks `psysim run` made before writing it, before anything is drawn
    check_run_tables(args.run_dir, declared_tables(exp), meta.get("tables"))
    from psysim.i18n import check_report_language

    check_report_language(exp, args.lang)
    if not callable(getattr(exp, "report", None)):
        raise PsysimError(f"experiment {exp.NAME!r} cannot re-render its report (its module defines no report(run_dir, lang))")
    written = exp.report(args.run_dir, lang=args.lang, out=out)
    print(f"wrote {written}")
    return 0
