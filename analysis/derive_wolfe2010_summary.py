"""Derive the per-cell Wolfe, Palmer & Horowitz (2010) summary that psysim ships.

Reads the raw trial file from the data folder (``PSYSIM_DATA``) and writes
``psysim/data/derived/wolfe2010_summary.csv``: per observer x task x set size x target presence,
the trial count, the error rate (all trials), and the number, mean, SD and .1/.3/.5/.7/.9
quantiles of correct RTs within the trimming window (200-4000 ms; 200-8000 ms for the spatial
task; Lin, Heinke & Humphreys 2015).

Data: Wolfe, Palmer & Horowitz (2010), Vision Research 50(14), 1304-1311; CC BY-NC 4.0.

Run:  PSYSIM_DATA=../shared/data python -m psysim.analysis.derive_wolfe2010_summary
"""

from __future__ import annotations

import argparse
from pathlib import Path

from psysim.data import load_wolfe2010
from psysim.stats import WOLFE2010_TRIM, cell_summary

OUT = Path(__file__).resolve().parents[1] / "psysim" / "data" / "derived" / "wolfe2010_summary.csv"


def derive(root=None):
    trials = load_wolfe2010(root)
    return cell_summary(trials, WOLFE2010_TRIM)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    summary = derive()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    summary.to_csv(args.out, index=False, float_format="%.6g")
    print(f"wrote {args.out} ({len(summary)} cells)")


if __name__ == "__main__":
    main()
