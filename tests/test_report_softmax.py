"""The softmax-temperature report (psysim/report/softmax.py) from small hand-made tables, in both
languages: every sentence comes from the tables (no fitting here; the experiment's own tests fit)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from psysim.experiments import softmax_temperature as st

from psysim.report.softmax import render
from psysim.stats import WOLFE2010_TRIM


def _run_folder(tmp_path):
    rows = []
    betas = {("target", "feature"): (9.0, 6.0, np.inf), ("target", "conjunction"): (2.0, 1.2, 3.1),
             ("target", "spatial"): (0.4, 0.1, 0.8), ("gs", "feature"): (5.0, 3.0, 8.0),
             ("gs", "conjunction"): (1.0, 0.5, 1.5), ("gs", "spatial"): (0.0, 0.0, 40.0)}
    for (pmap, task), (b, lo, hi) in betas.items():
        for subj in ("group", "1", "2"):
            shift = 0.0 if subj == "group" else (0.3 if subj == "1" else -0.2)
            rows.append({"task": task, "subject": subj, "priority": pmap, "beta": b + shift, "ci_low": lo, "ci_high": hi,
                         "bic": 1000.0 + 10 * b + (5 if pmap == "gs" else 0), "loglik": -500.0, "n_obs": 400, "k": 8,
                         "dw_quit": 0.1, "t_item": 40.0, "item_cv": 0.5, "t_yes": 400.0, "t_no": 500.0, "res_mean": 80.0, "m": 0.01,
                         "misfit": "flat profile" if (pmap, task, subj) == ("gs", "spatial", "group") else ""})
    fits = pd.DataFrame(rows)
    grid = np.r_[0.0, np.geomspace(0.05, 40, 5)]
    profiles = pd.DataFrame([{"priority": p, "task": t, "subject": "group", "beta": g, "loglik": -500 - (g - 1) ** 2}
                             for p, t in betas for g in grid])
    sweep = pd.DataFrame([{"task": t, "beta": b, "target_present": tp, "slope": (30.0 if tp else 60.0) / (1 + b),
                           "ci_low": 1.0, "ci_high": 90.0, "ratio": 2.0, "error_rate": 0.05}
                          for t in st.TASKS for b in (0.0, 4.0) for tp in (True, False)])
    for df, name in ((fits, "temperature.csv"), (profiles, "profiles.csv"), (sweep, "sweep.csv"),
                     (st.order_table(fits), "order.csv"), (st.bic_table(fits), "bic.csv")):
        df.to_csv(tmp_path / name, index=False)
    info = {"seed": 3, "quick": True, "maps": ["target", "gs"], "n_displays": 25, "n_draws": 8, "beta_grid": list(grid),
            "nuisance": st.NUISANCE, "trim": WOLFE2010_TRIM, "citations": [("Moran et al. (2013).", "")]}
    return info


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_report_is_written_from_the_tables_in_both_languages(tmp_path, lang):
    info = _run_folder(tmp_path)
    text = render(tmp_path, lang, info, tmp_path / f"report.{lang}.html", st.TABLES).read_text(encoding="utf-8")
    if lang == "en":
        assert "Does beta follow feature &gt; conjunction &gt; spatial?" in text
        assert "target map, group: feature: beta = 9.00, 95% CI [6.00, inf]" in text  # open upper bound from the table
        assert "The expected order holds and the CIs do not overlap." in text
        assert "gs map, spatial configuration (beta 0.00): flat profile" in text  # the run's misfit flag, named
        assert "feature 30.0 ms/item at beta = 0 to 6.0 at beta = 4" in text
    else:
        assert '<html lang="ja">' in text and "β は特徴探索 &gt; 結合探索 &gt; 空間配置探索の順になるか" in text
        assert "targetマップ・群：特徴探索：β = 9.00，95% CI [6.00, inf]" in text
        assert "予想される順序は成り立つ。信頼区間も重ならない。" in text
        assert "gsマップ・空間配置探索（β 0.00）：flat profile" in text
        assert "Does beta" not in text and "group fits" not in text
    assert text.count("<img") == 4  # teaching, sweep, fits, profiles


def test_softmax_temperature_declares_japanese_and_re_renders():
    assert "ja" in st.LANGUAGES and callable(st.report)


def test_tables_without_misfit_flags_still_name_the_maps_that_cannot_guide(tmp_path):
    info = _run_folder(tmp_path)
    fits = pd.read_csv(tmp_path / "temperature.csv").drop(columns="misfit")
    fits.loc[(fits["priority"] == "gs") & (fits["task"] == "conjunction"), "t_item"] = 1.0  # at its lower bound
    fits.to_csv(tmp_path / "temperature.csv", index=False)
    text = render(tmp_path, "en", {**info, "t_item_low": 1.0}, tmp_path / "r.html", st.TABLES).read_text(encoding="utf-8")
    assert "No usable guidance: gs map, conjunction (beta 1.00)" in text
    assert "give every item in the 2-vs-5 task the same priority" in text
