"""Plain per-trial Python implementations of FIT, Guided Search 2.0 and Competitive Guided Search.

They follow the textbook description of each model step by step, one trial and one item at a
time, with no vectorisation and no shortcuts (no exact outcome distributions, no summed Wald
times). They are the baselines of ``benchmarks/bench_search_models.py`` (speed ratios) and the
references of the fast-vs-reference distribution tests (``tests/test_cgs.py``,
``tests/test_guided_search.py``). The random numbers differ from the fast versions', so
agreement is in distribution, not trial by trial.
"""

from __future__ import annotations

import math

import numpy as np

from psysim.models.cgs import SIGMA
from psysim.models.fit import popout_by_task
from psysim.models.guided_search import orientation_category


def cgs_reference(params: dict, set_sizes, target_present, seed=0) -> dict:
    """Competitive Guided Search, one Luce choice at a time (Moran et al. 2013)."""
    rng = np.random.default_rng(seed)
    p = params
    mean1, shape1 = p["theta"] / p["mu"], p["theta"] ** 2 / SIGMA**2
    resp, rts, n_att = [], [], []
    for n, present in zip(set_sizes, target_present):
        n, present = int(n), bool(present)
        distractors = n - 1 if present else n
        target_in_play = present
        w_quit = p["w_quit0"]
        search = 0.0
        ident = 0
        found = False
        while True:
            w_t = p["w_target"] if target_in_play else 0.0
            total = w_t + distractors + w_quit
            if total <= 0:
                break
            r = rng.random() * total
            if r < w_quit:
                break  # the quit unit wins
            search += rng.wald(mean1, shape1)  # identification of the selected item (s)
            ident += 1
            if r < w_quit + w_t:
                found = True
                break
            distractors -= 1  # rejected for good
            w_quit += p["dw_quit"]
        say_yes = found
        if rng.random() < p["m"]:
            say_yes = not say_yes
        rt = search * 1000.0 + (p["t_yes"] if say_yes else p["t_no"]) + rng.exponential(1000.0 / p["rate_res"])
        resp.append(say_yes)
        rts.append(rt)
        n_att.append(ident)
    return {"response": np.array(resp), "rt": np.array(rts), "n_attended": np.array(n_att)}


def gs_reference(params: dict, displays, seed=0) -> dict:
    """Guided Search 2.0 with an adaptive threshold and guessing, one observer, trial by trial.

    ``displays`` is a DisplaySet; trials are the displays in a random order (per task, one
    observer chain per task with ``burn_in`` warm-up trials), activations computed item by item.
    """
    rng = np.random.default_rng(seed)
    p = params
    ss = displays.stimulus_set
    table = displays.displays
    items = {d: g for d, g in displays.items.groupby("display_id")}
    out_resp = np.zeros(len(table), dtype=bool)
    out_rt = np.zeros(len(table))
    out_n = np.zeros(len(table), dtype=int)
    k_shape = 1.0 / p["item_cv"] ** 2
    for task in table["task"].unique():
        spec = ss.task(task)
        t_col, t_ori = spec.target.colour, int(orientation_category(spec.target.orientation))
        rows = np.flatnonzero(table["task"].to_numpy() == task)
        order = list(rng.permutation(rows))
        warm = list(rng.choice(rows, size=40))
        thr = p["thr0"]
        for step, row in enumerate(warm + order):
            record = step >= len(warm)
            g = items[table["display_id"].iloc[row]]
            xs, ys = list(g["x"]), list(g["y"])
            cols = list(g["colour"].astype(str))
            oris = [int(orientation_category(o)) for o in g["orientation"]]
            tgt = list(g["is_target"])
            n = len(xs)
            acts = []
            for i in range(n):
                a = 0.0
                for cats, tcat in ((cols, t_col), (oris, t_ori)):
                    num = den = 0.0
                    for j in range(n):
                        if j == i:
                            continue
                        w = math.exp(-((xs[i] - xs[j]) ** 2 + (ys[i] - ys[j]) ** 2) / (2 * p["bu_radius"] ** 2))
                        den += w
                        num += w * (cats[i] != cats[j])
                    bu = num / den if den > 0 else 0.0
                    a += p["w_bu"] * bu + p["w_td"] * (cats[i] == tcat)
                acts.append(a + p["noise_sd"] * rng.standard_normal())
            visit = sorted(range(n), key=lambda i: -acts[i])
            visited, say_yes = 0, False
            for k, i in enumerate(visit):
                if acts[i] <= thr:
                    break  # nothing left above the activation threshold
                if rng.random() < min(1.0, k * p["guess_rate"]):
                    say_yes = rng.random() < 0.5  # a guess
                    break
                visited += 1
                if tgt[i]:
                    say_yes = True
                    break
            present = bool(table["target_present"].iloc[row])
            if say_yes == present:
                thr += p["thr_up"]
            elif present:
                thr -= p["thr_down"]
            if record:
                t_items = rng.gamma(visited * k_shape, p["t_item"] / k_shape) if visited else 0.0
                out_rt[row] = p["t_base"] + rng.exponential(p["res_mean"]) + t_items
                out_resp[row] = say_yes
                out_n[row] = visited
    return {"response": out_resp, "rt": out_rt, "n_attended": out_n}


def fit_reference(params: dict, tasks, set_sizes, target_present, seed=0) -> dict:
    """Feature Integration Theory, one item at a time (Treisman & Gelade 1980)."""
    rng = np.random.default_rng(seed)
    p = params
    popout = popout_by_task(sorted(set(tasks)))
    k_shape = 1.0 / p["item_cv"] ** 2
    resp, rts, n_att = [], [], []
    for task, n, present in zip(tasks, set_sizes, target_present):
        shape = (p["base"] / p["base_sd"]) ** 2
        rt = rng.gamma(shape, p["base_sd"] ** 2 / p["base"])
        found, attended = False, 0
        if popout[task]:
            found = present and rng.random() >= p["p_miss"]
            if not found:
                rt += p["absent_offset"]
        else:
            target_at = rng.integers(0, n) if present else -1
            for item in range(int(n)):  # items in a random order; the target's place is random
                attended += 1
                if p["per_item"] > 0:
                    rt += rng.gamma(k_shape, p["per_item"] / k_shape)
                if item == target_at and rng.random() >= p["p_miss"]:
                    found = True
                    break
        say_yes = found or rng.random() < p["p_guess"]
        resp.append(say_yes)
        rts.append(rt)
        n_att.append(attended)
    return {"response": np.array(resp), "rt": np.array(rts), "n_attended": np.array(n_att)}
