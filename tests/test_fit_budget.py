"""The budget policy: every search stops at its evaluation budget, for both search methods."""

from __future__ import annotations

import pytest

from psysim.fitting.budget import Budget, BudgetSpent, Counted, budget_settings
from psysim.fitting.quantile_fit import fit_quantiles, quantile_cells
from psysim.models import make_design
from psysim.models.cgs import CompetitiveGuidedSearch
from psysim.models.fit import FeatureIntegration


def test_counted_stops_at_budget_and_keeps_best():
    f = Counted(lambda z: (z[0] - 1.0) ** 2, max_evals=3)
    for v in (3.0, 1.5, 0.0):
        f([v])
    with pytest.raises(BudgetSpent):
        f([1.0])
    assert f.n == 3 and f.best_f == pytest.approx(0.25) and f.best_z[0] == 1.5


@pytest.mark.parametrize("exact", [True, False])
def test_each_search_spends_at_most_its_budget(exact):
    budget = Budget(starts=2, evals_per_param=20)
    if exact:
        model = CompetitiveGuidedSearch()
        free = ["t_yes", "t_no", "mu"]
    else:
        model = FeatureIntegration()
        free = ["base", "per_item", "p_miss"]
    cells = quantile_cells(model.simulate(make_design("conjunction", (6, 18), 200), seed=4))
    st = budget_settings(budget, len(free), exact)
    starts = st.pop("starts")
    res = fit_quantiles(model, cells=cells, free=free, seeds=tuple(range(starts)), n_sim=200, n_replicates=0, **st)
    runs = res.diagnostics["seeds"]
    assert len(runs) == 2
    assert all(r["n_evaluations"] <= 60 for r in runs)
    assert any(r["budget_spent"] for r in runs)  # 60 evaluations do not finish either search
    assert "at most 60 likelihood evaluations per seed" in res.diagnostics["optimizer"]
    assert res.diagnostics["n_evaluations"] <= 120
