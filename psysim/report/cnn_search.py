"""The report of ``psysim run cnn-search``, drawn from the tables of its run folder.

:func:`render` reads ``networks.csv``, ``accuracy.csv``, ``set_size_effect.csv``,
``localisation.csv`` and ``training.csv`` (each checked against the experiment's ``TABLES``)
and writes one self-contained HTML file. Every statistic of a network whose held-out accuracy
is not above chance (``at_chance``) is marked "network at chance: statistic not
interpretable" in the text and the tables, and no verdict is drawn from it. The figure of
example maps needs the networks, so it is drawn only during the run (``examples``).
English only so far; other languages are refused with one line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from psysim.errors import PsysimError
from psysim.report.html import Report
from psysim.tables import read_table

SET_SIZES = (3, 6, 12, 18)
CHANCE_NOTE = "network at chance: statistic not interpretable"
TASK_NAMES = {
    "feature": "Feature (red among green bars)",
    "conjunction": "Conjunction (colour x orientation)",
    "spatial": "Spatial configuration (2 among 5s)",
    "orientation": "Orientation (tilted among vertical)",
}
CONDITION_NAMES = {"full": "trained, clean displays", "limited": "after 1 epoch on displays, clean",
                   "noisy": "trained, external noise"}
METHOD_NAMES = {"cam": "CAM", "gradcam": "Grad-CAM", "saliency": "saliency map"}
METRIC_NAMES = {"pointing_game": "Pointing game", "energy_pointing": "Energy-based pointing",
                "deletion_auc": "Deletion AUC", "insertion_auc": "Insertion AUC"}
HUMAN = "Observers (Wolfe et al., 2010)"
CITATIONS = (
    "Zhou, B., Khosla, A., Lapedriza, A., Oliva, A., & Torralba, A. (2016). Learning deep features for discriminative localization. CVPR, 2921-2929.",
    "Selvaraju, R. R., Cogswell, M., Das, A., Vedantam, R., Parikh, D., & Batra, D. (2017). Grad-CAM: Visual explanations from deep networks via gradient-based localization. ICCV, 618-626.",
    "Itti, L., Koch, C., & Niebur, E. (1998). A model of saliency-based visual attention for rapid scene analysis. IEEE TPAMI, 20(11), 1254-1259.",
    "Petsiuk, V., Das, A., & Saenko, K. (2018). RISE: Randomized input sampling for explanation of black-box models. BMVC.",
    "Nicholson, D. A., & Prinz, A. A. (2022). Could simplified stimuli change how the brain performs visual search tasks? "
    "A deep neural network study. Journal of Vision, 22(7):3.",
    "Palmer, J., Verghese, P., & Pavel, M. (2000). The psychophysics of visual search. Vision Research, 40(10-12), 1227-1268.",
    "Eckstein, M. P. (1998). The lower visual search efficiency for conjunctions is due to noise and not serial attentional "
    "processing. Psychological Science, 9(2), 111-118.",
    "Bengio, Y., Louradour, J., Collobert, R., & Weston, J. (2009). Curriculum learning. ICML, 41-48.",
    "Liu, Z., Mao, H., Wu, C.-Y., Feichtenhofer, C., Darrell, T., & Xie, S. (2022). A ConvNet for the 2020s. CVPR, 11976-11986.",
)


def network_name(source: str) -> str:
    """Display name of a ``network`` / ``source`` code (``gapcnn-noisy`` -> "gapcnn, trained, external noise")."""
    if source == "wolfe2010":
        return HUMAN
    if source == "itti-koch":
        return "Itti-Koch saliency"
    arch, _, cond = source.rpartition("-")
    return f"{arch}, {CONDITION_NAMES[cond]}" if arch and cond in CONDITION_NAMES else source


def _task(task: str) -> str:
    return TASK_NAMES.get(task, task)


def _f(v, digits=2) -> str:
    return "–" if v is None or not np.isfinite(v) else f"{v:.{digits}f}"


def _set_size_axis(ax):
    ax.set_xticks(SET_SIZES)
    ax.set_xticklabels([str(s) for s in SET_SIZES])
    ax.set_xlabel("set size (items)")


def accuracy_figure(accuracy: pd.DataFrame, flags: pd.Series):
    """Accuracy and confidence against set size (target-present displays): one column per task,
    one line per network; a network at chance is drawn dashed and named so in the legend."""
    import matplotlib.pyplot as plt

    pres = accuracy[accuracy["target_present"]]
    tasks = list(dict.fromkeys(pres["task"]))
    nets = list(dict.fromkeys(pres["network"]))
    colours = dict(zip(nets, plt.get_cmap("tab10").colors[: len(nets)]))
    fig, axes = plt.subplots(2, len(tasks), figsize=(3.6 * len(tasks), 6), squeeze=False, sharey="row")
    for j, task in enumerate(tasks):
        for net in nets:
            g = pres[(pres["task"] == task) & (pres["network"] == net)].sort_values("set_size")
            if g.empty:
                continue
            chance = bool(flags.get((net, task), False))
            label = network_name(net) + (" (at chance)" if chance else "")
            for i, col in enumerate(("accuracy", "confidence")):
                axes[i, j].plot(g["set_size"], g[col], marker="o", color=colours[net], ls="--" if chance else "-",
                                label=label if (i == 0 and j == 0) or chance else None)
        axes[0, j].set_title(_task(task), fontsize=10)
        for i in range(2):
            _set_size_axis(axes[i, j])
            axes[i, j].axhline(0.5, color="0.6", lw=0.8, ls=":")
    axes[0, 0].set_ylabel("accuracy, target present")
    axes[1, 0].set_ylabel("confidence (p of chosen answer)")
    handles = {}
    for ax in axes[0]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    fig.legend(list(handles.values()), list(handles), loc="lower center", ncol=min(3, len(handles)), fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def localisation_figure(localisation: pd.DataFrame):
    """Pointing game and energy-based pointing against set size: rows = metric, columns = task."""
    import matplotlib.pyplot as plt

    d = localisation[localisation["metric"].isin(["pointing_game", "energy_pointing"])]
    tasks = list(dict.fromkeys(d["task"]))
    series = list(dict.fromkeys(zip(d["network"], d["method"])))
    colours = dict(zip(series, plt.get_cmap("tab10").colors[: len(series)]))
    fig, axes = plt.subplots(2, len(tasks), figsize=(3.6 * len(tasks), 5.6), squeeze=False, sharey="row")
    for i, metric in enumerate(("pointing_game", "energy_pointing")):
        for j, task in enumerate(tasks):
            ax = axes[i, j]
            for net, method in series:
                g = d[(d["task"] == task) & (d["metric"] == metric) & (d["network"] == net) & (d["method"] == method)]
                if g.empty:
                    continue
                chance = bool(g["at_chance"].any())
                ax.plot(g["set_size"], g["value"], marker="o", color=colours[(net, method)], ls="--" if chance else "-",
                        label=f"{network_name(net)}: {METHOD_NAMES.get(method, method)}" + (" (at chance)" if chance else ""))
            if metric == "pointing_game":  # a map that picks one item at random
                ax.plot(SET_SIZES, [1 / n for n in SET_SIZES], color="0.5", lw=0.8, ls=":", label="random item (1 / set size)")
            ax.set_title(f"{_task(task)}\n{METRIC_NAMES[metric]}", fontsize=9)
            _set_size_axis(ax)
            ax.set_ylim(0, 1.02)
    handles = {}
    for ax in axes.flat:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    fig.legend(list(handles.values()), list(handles), loc="lower center", ncol=2, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.14, 1, 1))
    return fig


def maps_figure(examples: dict):
    """One display per task with CAM, Grad-CAM and Itti-Koch overlays, each with its colour bar."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(examples), 4, figsize=(12, 2.9 * len(examples)), squeeze=False)
    for row, (task, ex) in zip(axes, examples.items()):
        row[0].imshow(ex["image"])
        row[0].set_title(f"{_task(task)}: display", fontsize=9)
        for ax, key in zip(row[1:], ("cam", "gradcam", "saliency")):
            ax.imshow(ex["image"])
            im = ax.imshow(ex[key], cmap="viridis", alpha=0.55, vmin=0, vmax=1)
            ax.set_title({"cam": "CAM", "gradcam": "Grad-CAM", "saliency": "Itti-Koch saliency"}[key], fontsize=9)
            bar = fig.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
            bar.set_label("map value (max = 1)", fontsize=7)
            bar.ax.tick_params(labelsize=7)
        for ax in row:
            ax.set_xticks([])
            ax.set_yticks([])
    fig.tight_layout()
    return fig


def _slope_text(row) -> str:
    lo, hi = row["error_slope_ci_low"], row["error_slope_ci_high"]
    verdict = ("errors rise with set size" if lo > 0 else "errors fall with set size" if hi < 0
               else "no set-size effect detectable (the interval includes 0)")
    return (f"the error rate changes by {_f(row['error_slope_pct_per_item'])} %/item (95 % CI {_f(lo)} to {_f(hi)}): "
            f"{verdict}")


def verdict_lines(networks, effect, tasks) -> list[str]:
    """Plain-language answers computed from the tables, one per task; at-chance networks are
    named and given no verdict."""
    eff = effect[effect["target_present"]].set_index(["source", "task"])
    lines = []
    for task in tasks:
        nets = networks[networks["task"] == task].set_index("condition")
        parts = []
        for cond in ("full", "noisy"):
            if cond not in nets.index:
                continue
            n = nets.loc[cond]
            head = (f"{CONDITION_NAMES[cond]}" + (f" (noise SD {n['noise_sd']:.3f})" if cond == "noisy" else "")
                    + f": held-out accuracy {100 * n['accuracy']:.1f} % (lowest set size {100 * n['min_set_size_accuracy']:.1f} %, "
                    f"binomial p = {n['p_value']:.2g})")
            if n["at_chance"]:
                parts.append(f"{head}; {CHANCE_NOTE}.")
            elif (n["network"], task) in eff.index:
                parts.append(f"{head}; on target-present displays {_slope_text(eff.loc[(n['network'], task)])}.")
        if ("wolfe2010", task) in eff.index:
            h = eff.loc[("wolfe2010", task)]
            parts.append(f"People: RT slope {_f(h['rt_slope_ms_per_item'], 1)} ms/item, error-rate slope "
                         f"{_f(h['error_slope_pct_per_item'])} %/item (target present).")
        lines.append(f"{_task(task)}. " + " ".join(parts))
    learned = networks[(networks["condition"] == "noisy") & ~networks["at_chance"]]["task"].tolist()
    common = [t for t in learned if ("wolfe2010", t) in eff.index]
    if len(common) >= 2:
        net = pd.Series({t: eff.loc[(networks.set_index(["condition", "task"]).loc[("noisy", t), "network"], t),
                                    "error_slope_pct_per_item"] for t in common})
        hum = pd.Series({t: eff.loc[("wolfe2010", t), "rt_slope_ms_per_item"] for t in common})
        same = list(net.sort_values().index) == list(hum.sort_values().index)
        lines.append(
            "Order of the tasks by set-size cost, among the tasks whose noisy network learned: network (error slope) "
            + " < ".join(_task(t) for t in net.sort_values().index) + "; people (RT slope) "
            + " < ".join(_task(t) for t in hum.sort_values().index) + (": the same order." if same else ": a different order.")
            + f" With {len(common)} tasks this is a description, not a test: no rank correlation over so few tasks can be "
            "significant, and an error slope under calibrated noise is not an RT slope."
        )
    return lines


def _networks_table(networks: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "task": networks["task"].map(_task),
        "network": networks["network"].map(network_name),
        "accuracy": networks["accuracy"],
        "lowest set-size accuracy": networks["min_set_size_accuracy"],
        "binomial p": networks["p_value"].map(lambda p: f"{p:.2g}"),
        "noise SD": networks["noise_sd"],
        "epochs (best)": [f"{r} ({b + 1})" for r, b in zip(networks["epochs_run"], networks["best_epoch"])],
        "status": np.where(networks["at_chance"], CHANCE_NOTE, "above chance"),
    })


def _effect_table(effect: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "source": effect["source"].map(network_name),
        "task": effect["task"].map(_task),
        "target": np.where(effect["target_present"], "present", "absent"),
        "error slope %/item": effect["error_slope_pct_per_item"],
        "95 % CI": [f"{_f(a)} to {_f(b)}" if np.isfinite(a) else "–"
                    for a, b in zip(effect["error_slope_ci_low"], effect["error_slope_ci_high"])],
        "confidence slope %/item": effect["confidence_slope_pct_per_item"],
        "RT slope ms/item": effect["rt_slope_ms_per_item"],
        "note": np.where(effect["at_chance"], CHANCE_NOTE, ""),
    })


def _localisation_table(localisation: pd.DataFrame) -> pd.DataFrame:
    s = localisation.groupby(["network", "method", "task", "metric"], sort=False)
    summary = s["value"].mean().unstack("metric").reset_index()
    chance = s["at_chance"].any().groupby(level=[0, 1, 2], sort=False).any().reset_index(drop=True)
    out = pd.DataFrame({"source": summary["network"].map(network_name), "map": summary["method"].map(METHOD_NAMES),
                        "task": summary["task"].map(_task)})
    for m, name in METRIC_NAMES.items():
        if m in summary:
            out[name] = summary[m]
    out["note"] = np.where(chance.to_numpy(), CHANCE_NOTE, "")
    return out


def render(run_dir, info: dict, out, specs: dict, lang: str = "en", save_figure=None, examples=None) -> Path:
    """Write the report of a cnn-search run folder.

    Parameters
    ----------
    run_dir : path
        The run folder (its tables are read and checked against ``specs``).
    info : dict
        ``seed, quick, settings, glyph_stroke_px, network_config`` (from the run's metadata).
    out : path
        The HTML file.
    specs : dict
        The experiment's :class:`~psysim.tables.TableSpec` by key (``experiments/cnn_search.py: TABLES``).
    lang : {"en"}
        Only English so far.
    save_figure : callable, optional
        ``save_figure(fig, name)``: keep the figures as files too.
    examples : dict, optional
        task -> ``{image, cam, gradcam, saliency}``, for the figure of example maps.
    """
    import matplotlib.pyplot as plt

    if lang != "en":
        raise PsysimError(f"the cnn-search report is written in English only so far, not {lang!r}; use --lang en")
    run_dir = Path(run_dir)
    networks, accuracy, effect, localisation = (read_table(run_dir, specs[k]) for k in
                                                ("networks", "accuracy", "set_size_effect", "localisation"))
    tasks = list(dict.fromkeys(networks["task"]))
    flags = networks.set_index(["network", "task"])["at_chance"]
    s = info.get("settings") or {}
    figs = {"accuracy_set_size.png": accuracy_figure(accuracy, flags), "localisation_set_size.png": localisation_figure(localisation)}
    if examples:
        figs["maps.png"] = maps_figure(examples)
    if save_figure is not None:
        for name, fig in figs.items():
            save_figure(fig, name)

    r = Report("Network attention in visual search: set-size effect and CAM localisation")
    r.text(
        f"A {s.get('arch', '?')} network was trained per task on {s.get('image_size', '?')} x {s.get('image_size', '?')} px "
        f"displays (glyph strokes {info.get('glyph_stroke_px', '?')} px wide): first for {s.get('pretrain_epochs', '?')} "
        "epoch(s) on crops of single items (a target from each present display, a distractor from each absent one), then on "
        f"whole displays for at most {s.get('epochs', '?')} epochs, "
        f"stopping when the loss on {s.get('n_val', '?')} validation displays per task x set size x presence had not fallen "
        f"for {s.get('patience', '?')} epochs; {s.get('n_per_cell', '?')} training displays per cell, mixed set sizes "
        f"{', '.join(map(str, SET_SIZES))}. It was tested on {s.get('n_test', '?')} fresh displays per cell: clean; after its "
        "first epoch only; and with external Gaussian pixel noise whose SD was chosen on the validation displays of set size "
        f"{SET_SIZES[0]} so that accuracy there was about {s.get('noise_target', '?')} (the human-like condition: with noisy "
        "or brief, masked displays every added distractor is one more chance of a false alarm, so accuracy can fall with "
        "set size; Palmer, Verghese & Pavel 2000; Eckstein 1998). Seed " + str(info.get("seed")) + "."
    )
    if info.get("quick"):
        r.note("Quick run: small training and test sets. Networks that did not learn are flagged below; "
               "their statistics are not interpretable.")
    r.heading("Did the networks learn?")
    at_chance = networks[networks["at_chance"]]
    if len(at_chance):
        r.note("Not above chance (one-sided binomial test of held-out accuracy, p >= .05): "
               + "; ".join(f"{network_name(n)} on {_task(t)} ({100 * a:.1f} %)" for n, t, a in
                           zip(at_chance["network"], at_chance["task"], at_chance["accuracy"]))
               + f". Every statistic of these networks is marked '{CHANCE_NOTE}'.")
    else:
        r.text("Every network is above chance on held-out displays (one-sided binomial test, p < .05).")
    r.table(_networks_table(networks), caption="Held-out accuracy per network and task (chance 0.5: target presence is balanced).", digits=3)

    r.heading("Set-size effect")
    for line in verdict_lines(networks, effect, tasks):
        r.text(line)
    r.figure(figs["accuracy_set_size.png"], "Accuracy and confidence against set size (target-present displays). "
             "Dashed: a network at chance. Dotted: chance.")
    r.table(_effect_table(effect), caption="Set-size slopes: networks (error rate and confidence, %/item, 95 % parametric-"
            "bootstrap interval of the error slope) and people (Wolfe et al. 2010: RT ms/item, errors %/item).", digits=2)
    r.text("What this cannot show: the network answers in one pass and has no reaction time, so its error slope is compared "
           "with people's errors and RT slopes only in direction and order. The noise level is set per task at the smallest "
           "set size, so the noisy condition says how accuracy changes with set size from a fixed starting point, not how "
           "hard each task is; people in Wolfe et al. (2010) saw clean displays until they answered.")

    r.heading("Where the network looks")
    r.figure(figs["localisation_set_size.png"], "Pointing game (share of maps whose maximum lies on the target) and energy-based "
             "pointing (share of the map inside the target box). Dotted: a map that picks one item at random.")
    r.table(_localisation_table(localisation), caption="Localisation averaged over set sizes (deletion AUC: lower is better; "
            "insertion AUC: higher is better).", digits=3)
    if "maps.png" in figs:
        r.figure(figs["maps.png"], f"Maps of the trained network (class 'present') and Itti-Koch saliency over one display per "
                 f"task (set size {SET_SIZES[-2]}).")
    for fig in figs.values():
        plt.close(fig)
    for c in CITATIONS:
        r.cite(c)
    from psysim.data import WOLFE2010

    r.cite(WOLFE2010.citation, WOLFE2010.licence)
    return r.write(out, metadata={"experiment": "cnn-search", "seed": info.get("seed"), "quick": info.get("quick"), **s})
