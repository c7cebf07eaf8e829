"""`psysim list` start-up: the catalogue path against importing every experiment and model.

Both sides are fresh Python processes (what a user waits for): ``python -m psysim.cli list``
against ``python -c "import psysim.catalog as c; print(c.text(c.build()))"``, which builds the
same listing from the live registries, as ``psysim list`` did before the catalogue (importing
every experiment with torch). Issue 19's target: under 1 s, and the ratio in the same run.

Run::

    python benchmarks/bench_list.py [--repeats 7] [--json out.json]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import protocol  # noqa: E402,I001

import argparse  # noqa: E402
import subprocess  # noqa: E402


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="3 rounds")
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)

    def run(*cmd):
        return lambda: subprocess.run([sys.executable, *cmd], check=True, stdout=subprocess.DEVNULL)

    fast = run("-m", "psysim.cli", "list")
    slow = run("-c", "import psysim.catalog as c; print(c.text(c.build()))")
    res = protocol.compare("psysim list (fresh process)", fast, slow, baseline_name="import everything",
                           repeats=3 if args.quick else args.repeats, max_warmup=3)
    doc = protocol.finish([res], args.json, target="psysim list under 1 s")
    print(f"psysim list: {res.psysim['median']:.2f} s median (target < 1 s)")
    return doc


if __name__ == "__main__":
    main()
