"""Feature Integration Theory (Treisman & Gelade 1980; Treisman 1988) as a search model.

Features (colour, orientation) are registered in parallel, in separate feature maps, across the
whole display. A target that differs from every distractor on one feature dimension is found in
a feature map without attention: it "pops out", and RT does not depend on set size. A target
defined by a conjunction of features, or by the spatial arrangement of its parts (a 2 among 5s),
can be found only by attending to items one at a time, in random order; search stops at the
target (self-terminating) and goes through every item when there is none (exhaustive). With
item ``k`` of ``n`` the target, ``k`` is uniform on 1..n, so the mean number of items inspected
on target-present trials is ``(n + 1) / 2`` and on absent trials ``n``: the absent slope is
twice the present slope (Treisman & Gelade 1980, p. 107).

Whether a task pops out is read from its stimulus definition, not from its name: a target pops
out when, on some preattentive dimension (``colour``, ``orientation``), its value differs from
the value of every distractor.

Timing (this implementation's choices; FIT itself is silent on distributions):

- a base time (encoding and response) ~ Gamma with mean ``base`` and SD ``base_sd`` ms;
- each attended item takes an independent Gamma time with mean ``per_item`` ms and coefficient
  of variation ``item_cv``, so ``m`` items take Gamma(m / item_cv**2, per_item * item_cv**2),
  which is drawn in one call (no loop over items);
- deciding "absent" after a parallel search without a signal adds ``absent_offset`` ms.

Errors come from two parameters: a target that is checked (serially, or in the feature map) is
missed with probability ``p_miss`` (search then continues to the end, as if it were absent),
and a search that ends without a target ends in a "present" guess with probability ``p_guess``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from psysim.displays.generate import StimulusSet, load_stimulus_set
from psysim.models.base import Param, SearchModel, register

PREATTENTIVE_DIMENSIONS = ("colour", "orientation")
"""Feature dimensions with parallel feature maps in FIT (Treisman & Gelade 1980)."""


def pops_out(task_spec) -> bool:
    """Whether a task's target differs from all distractors on one preattentive dimension."""
    t = task_spec.target
    for dim in PREATTENTIVE_DIMENSIONS:
        if all(getattr(d, dim) != getattr(t, dim) for d in task_spec.distractors):
            return True
    return False


def popout_by_task(tasks, stimulus_set: StimulusSet | None = None) -> dict:
    ss = stimulus_set or load_stimulus_set()
    return {t: pops_out(ss.task(t)) for t in tasks}


def _gamma(rng, mean, sd, size):
    shape = (mean / sd) ** 2
    return rng.gamma(shape, sd**2 / mean, size=size)


@register
class FeatureIntegration(SearchModel):
    """Feature Integration Theory (Treisman & Gelade 1980; Treisman 1988).

    Parallel pop-out for feature targets; serial self-terminating search in random order for
    conjunction and spatial-configuration targets, exhaustive on target-absent trials.
    See the module docstring for the timing and error assumptions.

    Parameters
    ----------
    **params : float
        Values of the declared parameters (``base``, ``per_item``, ...; names, defaults, bounds
        and units in the API docs' parameter table or ``parameter_table("fit")``); omitted ones
        take their defaults.
    """

    name = "fit"
    citation = (
        "Treisman, A. M., & Gelade, G. (1980). A feature-integration theory of attention. "
        "Cognitive Psychology, 12(1), 97-136."
    )
    parameters = (
        Param("base", 450.0, 150.0, 2000.0, "ms", "mean base time (encoding and response)"),
        Param("base_sd", 80.0, 1.0, 600.0, "ms", "SD of the base time"),
        Param("per_item", 40.0, 0.0, 400.0, "ms/item", "mean time to attend one item"),
        Param("item_cv", 0.5, 0.05, 2.0, "", "coefficient of variation of one item's time"),
        Param("absent_offset", 40.0, 0.0, 800.0, "ms", "extra time for 'absent' after parallel search"),
        Param("p_miss", 0.03, 0.0, 0.5, "", "probability a checked target is missed"),
        Param("p_guess", 0.015, 0.0, 0.5, "", "probability an unsuccessful search ends in 'present'"),
    )

    def _simulate(self, design: pd.DataFrame, rng: np.random.Generator, displays) -> dict:
        p = self.params
        ss = displays.stimulus_set if displays is not None else None
        popout_map = popout_by_task(design["task"].unique(), ss)
        popout = design["task"].map(popout_map).to_numpy(dtype=bool)
        n = design["set_size"].to_numpy(dtype=np.int64)
        present = design["target_present"].to_numpy(dtype=bool)
        size = len(design)

        # all random draws are made for every trial, in a fixed order, so that trials do not
        # shift each other's random numbers when the design changes elsewhere
        base = _gamma(rng, p["base"], p["base_sd"], size)
        position = rng.integers(1, n + 1)  # serial position of the target in a random order
        missed = rng.random(size) < p["p_miss"]
        guess = rng.random(size) < p["p_guess"]

        found = present & ~missed
        n_att = np.where(popout, 0, np.where(found, position, n))
        # the sum of n_att independent Gamma(k, per_item / k) item times is Gamma(n_att * k, ...):
        # one draw per trial whatever the number of items (shape 0 gives exactly 0)
        k = 1.0 / p["item_cv"] ** 2
        item_time = rng.standard_gamma(n_att * k) * (p["per_item"] / k)
        rt = base + item_time + np.where(popout & ~found, p["absent_offset"], 0.0)
        response = found | guess
        return {"response": response, "rt": rt, "n_attended": n_att}

    def free_parameters(self, task: str, stimulus_set: StimulusSet | None = None) -> tuple:
        """The parameters that cell means and error rates of ``task`` can identify.

        Pop-out tasks do not use ``per_item``; serial tasks do not use ``absent_offset``. The
        distribution shape parameters (``base_sd``, ``item_cv``) do not change cell means.
        """
        if popout_by_task([task], stimulus_set)[task]:
            return ("base", "absent_offset", "p_miss", "p_guess")
        return ("base", "per_item", "p_miss", "p_guess")

    def predict_cells(self, cells: pd.DataFrame, stimulus_set: StimulusSet | None = None) -> pd.DataFrame:
        """Exact expected mean correct RT and error rate for each design cell.

        Parameters
        ----------
        cells : pandas.DataFrame
            Columns ``task, set_size, target_present``.

        Returns
        -------
        pandas.DataFrame
            ``cells`` with ``mean_rt`` (mean RT of correct trials, ms) and ``error_rate``.
        """
        p = self.params
        popout = cells["task"].map(popout_by_task(cells["task"].unique(), stimulus_set)).to_numpy(bool)
        n = cells["set_size"].to_numpy(float)
        present = cells["target_present"].to_numpy(bool)
        pm, pg = p["p_miss"], p["p_guess"]
        exhaustive = p["base"] + p["per_item"] * n
        # present, correct: found (1 - pm) at a uniform position, or missed then guessed (pm * pg)
        w_found, w_guess = 1 - pm, pm * pg
        serial_present = (
            w_found * (p["base"] + p["per_item"] * (n + 1) / 2) + w_guess * exhaustive
        ) / np.maximum(w_found + w_guess, 1e-300)
        parallel_present = (
            w_found * p["base"] + w_guess * (p["base"] + p["absent_offset"])
        ) / np.maximum(w_found + w_guess, 1e-300)
        parallel_absent = p["base"] + p["absent_offset"]
        mean_rt = np.where(
            present,
            np.where(popout, parallel_present, serial_present),
            np.where(popout, parallel_absent, exhaustive),
        )
        error = np.where(present, pm * (1 - pg), pg)
        out = cells.copy()
        out["mean_rt"] = mean_rt
        out["error_rate"] = error
        return out
