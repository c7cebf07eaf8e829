"""Guided Search 6.0 (Wolfe 2021), one trial and one event at a time: the plain reference.

It follows the description in :mod:`psysim.models.gs6` step by step, with none of the fast
version's devices: one observer per task runs its trials in sequence (after 300 warm-up trials
of its own, simulated in full); priorities are computed item by item; the diffuser is a list of
items with departure times; each item's identity diffusion is a random walk in 1 ms steps
(Euler), not an exact first-passage draw, with the bounds moved in by 0.5826 sqrt(dt) so that a
walk checked once per step crosses when the continuous process would (Siegmund 1979; Broadie,
Glasserman & Kou 1997); the quitting time is drawn when the trial starts, from the threshold of
that moment. The baseline of ``benchmarks/bench_gs6.py`` and the reference of the
fast-vs-reference test in ``tests/test_gs6.py``. Random numbers differ from the fast version's,
so agreement is in distribution.
"""

from __future__ import annotations

import math

import numpy as np

from psysim.models.guided_search import orientation_category

DT = 0.001  # s, step of the item random walks
SIEGMUND = 0.5826


def item_diffusion(rng, drift, bound):
    """One item's identity diffusion toward its correct bound: (exit time ms, correct?)."""
    a = bound - SIEGMUND * math.sqrt(DT)
    x, steps = 0.0, 0
    sd = math.sqrt(DT)
    while True:
        for dx in rng.standard_normal(64) * sd + drift * DT:
            x += dx
            steps += 1
            if x >= a:
                return steps * DT * 1000.0, True
            if x <= -a:
                return steps * DT * 1000.0, False


def priorities(g, spec, p, prime):
    """Noise-free priority of every item of one display (bottom-up contrast + template match)."""
    t_col, t_ori = spec.target.colour, int(orientation_category(spec.target.orientation))
    xs, ys = list(g["x"]), list(g["y"])
    cols = list(g["colour"].astype(str))
    oris = [int(orientation_category(o)) for o in g["orientation"]]
    n = len(xs)
    out = []
    for i in range(n):
        bu = td = 0.0
        for cats, tcat in ((cols, t_col), (oris, t_ori)):
            num = den = 0.0
            for j in range(n):
                if j != i:
                    w = math.exp(-((xs[i] - xs[j]) ** 2 + (ys[i] - ys[j]) ** 2) / (2 * p["bu_radius"] ** 2))
                    den += w
                    num += w * (cats[i] != cats[j])
            bu += num / den if den > 0 else 0.0
            td += cats[i] == tcat
        out.append(p["w_bu"] * bu + (p["w_td"] + p["w_prime"] * prime) * td)
    return out


def one_trial(rng, base, is_target, c, p):
    """One search: returns (search time ms, found?, items selected)."""
    n = len(base)
    prio = [b + p["noise_sd"] * rng.standard_normal() for b in base]
    n_cand = sum(v > p["act_thr"] for v in prio)
    theta = (p["quit_base"] + p["quit_item"] * n_cand) * math.exp(c)
    t_quit = theta * rng.wald(1.0, 1.0 / p["quit_cv"] ** 2)
    cap = int(round(p["capacity"]))
    selectable = set(range(n))
    diffuser = []  # [departure, item, forgotten]
    t, t_det, n_sel = 0.0, math.inf, 0
    while True:
        for entry in [e for e in diffuser if e[0] <= t]:
            diffuser.remove(entry)
            if entry[2]:  # forgotten: selectable again, with a fresh priority draw
                selectable.add(entry[1])
                prio[entry[1]] = base[entry[1]] + p["noise_sd"] * rng.standard_normal()
        if t >= min(t_det, t_quit):
            break
        if selectable and len(diffuser) < cap:
            i = max(selectable, key=lambda k: prio[k])
            selectable.remove(i)
            dwell, right = item_diffusion(rng, p["drift"], p["bound"])
            to_target = right if is_target[i] else not right
            if to_target:
                t_det = min(t_det, t + dwell)
            forget = (not to_target) and rng.random() < p["recheck"]
            diffuser.append([t + dwell, i, forget])
            n_sel += 1
            t_next = t + p["select_ms"]
            if len(diffuser) == cap:
                t_next = max(t_next, min(e[0] for e in diffuser))
            t = t_next
        elif not selectable and not any(e[2] for e in diffuser):
            t_ex = max([t] + [e[0] for e in diffuser])  # nothing left: wait for the diffuser to empty
            found = t_det < min(t_quit, t_ex)
            return (t_det if found else min(t_quit, t_ex)), found, n_sel
        else:
            t = min(e[0] for e in diffuser if e[2] or selectable)  # wait for a place or a forgotten item
    found = t_det < t_quit
    return (t_det if found else t_quit), found, n_sel


def gs6_reference(params: dict, displays, seed=0, burn_in=300) -> dict:
    """Guided Search 6.0 with the adaptive quitting threshold, one observer per task, trial by trial."""
    rng = np.random.default_rng(seed)
    p = params
    ss = displays.stimulus_set
    table = displays.displays
    items = {d: g for d, g in displays.items.groupby("display_id")}
    out_resp = np.zeros(len(table), dtype=bool)
    out_rt = np.zeros(len(table))
    out_n = np.zeros(len(table), dtype=int)
    lim = math.log(2.0)
    for task in table["task"].unique():
        spec = ss.task(task)
        rows = np.flatnonzero(table["task"].to_numpy() == task)
        order = list(rng.permutation(rows))
        warm = list(rng.choice(rows, size=burn_in))
        c, prev_present = 0.0, False
        for step, row in enumerate(warm + order):
            g = items[table["display_id"].iloc[row]]
            base = priorities(g, spec, p, prev_present)
            search, found, n_sel = one_trial(rng, base, list(g["is_target"]), c, p)
            say_yes = found != (rng.random() < p["motor_error"])
            present = bool(table["target_present"].iloc[row])
            if present and not say_yes:
                c += p["quit_up"]
            elif say_yes == present:
                c -= p["quit_down"]
            c = min(max(c, -lim), lim)
            prev_present = present
            if step >= len(warm):
                out_resp[row] = say_yes
                out_rt[row] = p["t_nd"] + rng.exponential(p["res_mean"]) + search
                out_n[row] = n_sel
    return {"response": out_resp, "rt": out_rt, "n_attended": out_n}
