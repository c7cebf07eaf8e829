"""Core subcommands: ``run``, ``list`` and ``displays``."""

from __future__ import annotations

import argparse
from pathlib import Path

from psysim.errors import PsysimError
from psysim.i18n import LANGUAGES


def _options(pairs) -> dict:
    out = {}
    for p in pairs or []:
        if "=" not in p:
            raise PsysimError(f"--set {p!r}: expected KEY=VALUE")
        k, v = (s.strip() for s in p.split("=", 1))
        if not k:
            raise PsysimError(f"--set {p!r}: expected KEY=VALUE, the key is empty")
        if k in out and out[k] != v:
            raise PsysimError(f"--set {k}: given twice ({out[k]!r} and {v!r}); give it once")
        out[k] = v
    return out


def _seed(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seed must be a whole number, got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"seed must be 0 or positive, got {v}")
    return v


def add_parser(sub):
    p = sub.add_parser("run", help="run an experiment into a run folder")
    p.add_argument("experiment", help="experiment name (see 'psysim list')")
    p.add_argument("--quick", action="store_true", help="small settings for a fast look")
    p.add_argument("--seed", type=_seed, default=0, help="root seed (default 0)")
    p.add_argument("--out", type=Path, default=None, help="run folder (default runs/NAME-TIMESTAMP)")
    p.add_argument("--force", action="store_true", help="replace an existing run folder and discard an interrupted run's checkpoints")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", default=[],
                   help="experiment option; for experiments that run executor tasks also workers=N, "
                        "scheduler=ADDRESS, executor=serial|processes|dask, shard=I/N (docs/CLUSTER.md)")
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the report, table headers and figure labels (default en)")
    p.add_argument("--figure-format", default=None, metavar="png,svg,pdf",
                   help="formats of the figure files, comma-separated (default png; the report embeds PNG)")
    p.add_argument("--dpi", type=int, default=None, help="resolution of the figure files (default 110; 300 for print)")
    p.add_argument("--data", default=None, metavar="FILE.toml",
                   help="data set of experiments that take one (compare-models, saliency-fixations): a description file "
                        "(docs/own_data.md) or a built-in name; the same as --set data=...")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("list", help="list experiments, models and data sets")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("displays", help="draw a search display to a PNG file")
    p.add_argument("--task", default="conjunction", help="feature, conjunction, spatial or orientation")
    p.add_argument("--set-size", type=int, default=12)
    p.add_argument("--absent", action="store_true", help="draw a target-absent display")
    p.add_argument("--seed", type=_seed, default=0)
    p.add_argument("--size", type=int, default=512, help="image side in pixels")
    p.add_argument("--out", type=Path, required=True, help="PNG file to write")
    p.add_argument("--force", action="store_true", help="replace an existing PNG file that psysim drew")
    p.set_defaults(func=cmd_displays)


def cmd_run(args) -> int:
    from psysim.options import declared
    from psysim.runs import execute, get_experiment

    exp = get_experiment(args.experiment)
    options = _options(args.set)
    if args.data is not None:
        if "data" not in (declared(exp) or {}):
            takes = ", ".join(list_experiments_taking_data()) or "none"
            raise PsysimError(f"--data: experiment {args.experiment} does not read a data-set description; experiments that do: {takes}")
        if "data" in options and options["data"] != args.data:
            raise PsysimError(f"--data {args.data} and --set data={options['data']}: give the data set once")
        options["data"] = args.data
    out = execute(exp, out=args.out, seed=args.seed, quick=args.quick, options=options, force=args.force, lang=args.lang,
                  figure_formats=args.figure_format, dpi=args.dpi)
    if out is not None:  # (None: one shard of a job array, reported by execute)
        print(f"wrote {out}")
    return 0


def list_experiments_taking_data() -> dict:
    """Experiments that declare a ``data`` option (``psysim run NAME --data FILE.toml``)."""
    from psysim.options import declared
    from psysim.runs import list_experiments

    return {n: m for n, m in list_experiments().items() if "data" in (declared(m) or {})}


def cmd_list(args) -> int:
    from psysim.catalog import text

    print(text())
    return 0


def cmd_displays(args) -> int:
    import io

    from PIL import Image, PngImagePlugin

    from psysim.atomic import atomic_write_bytes
    from psysim.displays import make_displays, render
    from psysim.paths import PNG_SOFTWARE, check_output, psysim_png

    if args.out.suffix.lower() != ".png":
        raise PsysimError(f"--out {args.out}: the file name must end in .png")
    if args.size < 32 or args.size > 8192:
        raise PsysimError(f"--size {args.size}: choose 32 to 8192 pixels")
    check_output(args.out, force=args.force, kind="file", owned=psysim_png)
    ds = make_displays(args.task, args.set_size, 1, seed=args.seed, target_present=(not args.absent,))
    img = render(ds, 0, size=args.size)
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", PNG_SOFTWARE)  # marks the file as psysim's, so --force may replace it
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG", pnginfo=info)
    atomic_write_bytes(args.out, buf.getvalue())
    print(f"wrote {args.out}")
    return 0
