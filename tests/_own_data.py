"""The Wolfe et al. (2010) trials re-expressed as another lab's file, written by the tests.

``write_foreign`` makes what issue 14 describes: RTs in seconds, other column and task names,
target-present trials only, three trials per cell per observer, timed-out rows with an empty RT
or an RT of exactly 0 (their accuracy recorded as 0), and a description TOML for it.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

FOREIGN_TASKS = {"feature": "color", "conjunction": "conj", "spatial": "shape"}


def native_subset(wolfe_trials: pd.DataFrame, per_cell: int = 3) -> pd.DataFrame:
    """Present trials only, the first ``per_cell`` (by trial number) of every observer x cell."""
    t = wolfe_trials[wolfe_trials["target_present"]].sort_values(["task", "subject", "set_size", "trial"], kind="stable")
    return t.groupby(["task", "subject", "set_size"], sort=False).head(per_cell).reset_index(drop=True)


DESCRIPTION = """\
[dataset]
name = "foreign"
title = "Wolfe et al. (2010) re-expressed"
citation = "Wolfe, J. M., Palmer, E. M., & Horowitz, T. S. (2010). Vision Research, 50(14), 1304-1311."
licence = "CC BY-NC 4.0"
source_url = "https://example.org/foreign"
subject_ids = "per-task"

[files]
paths = ["foreign.csv"]

[columns]
subject = "participant"
task = "condition"
set_size = "setsize"
correct = "acc"
rt = "RT_s"
extra = ["trialnum"]

[constants]
target_present = true

[rt]
unit = "s"
missing = "exclude"
zero = "exclude"
trim = [200, 4000]
trim_by_task = {{ shape = [200, 8000] }}
{exclusion}
[tasks.color]
kind = "feature-colour"

[tasks.conj]
kind = "conjunction"

[tasks.shape]
kind = "spatial"
"""


def foreign_frame(native: pd.DataFrame, n_timeouts: int = 2) -> pd.DataFrame:
    """The lab-style CSV content for ``native`` plus ``n_timeouts`` empty and zero RT rows per observer."""
    f = pd.DataFrame({
        "participant": native["subject"].to_numpy(),
        "condition": native["task"].map(FOREIGN_TASKS).to_numpy(),
        "setsize": native["set_size"].to_numpy(),
        "acc": native["correct"].astype(int).to_numpy(),
        "RT_s": native["rt"].to_numpy() / 1000.0,
        "trialnum": native["trial"].to_numpy(),
    })
    obs = f.drop_duplicates(["condition", "participant"])
    extra = []
    for k in range(n_timeouts):
        e = obs.assign(acc=0, trialnum=-1 - k, RT_s=np.nan if k % 2 == 0 else 0.0)
        extra.append(e)
    out = pd.concat([f, *extra], ignore_index=True)
    # scatter the timed-out rows among the others (as in a real file), keeping the others' order
    pos = np.concatenate([np.arange(len(f), dtype=float), np.random.default_rng(14).uniform(0, len(f), len(out) - len(f))])
    return out.iloc[np.argsort(pos, kind="stable")].reset_index(drop=True)


def write_foreign(folder, wolfe_trials, exclusion: str = "", n_timeouts: int = 2, per_cell: int = 3):
    """Write ``foreign.csv`` + ``foreign.toml`` into ``folder``; return (toml path, native subset)."""
    native = native_subset(wolfe_trials, per_cell)
    foreign_frame(native, n_timeouts).to_csv(folder / "foreign.csv", index=False)
    path = folder / "foreign.toml"
    path.write_text(DESCRIPTION.format(exclusion=textwrap.dedent(exclusion)), encoding="utf-8")
    return path, native
