"""Parameter estimation: objectives and optimisers that return immutable FitResults.

- :func:`fit_cell_means`: weighted least squares on group cell means and error rates.
- :func:`fit_quantiles`: multinomial likelihood over RT-quantile bins and errors, per observer
  (the objective of the RT-distribution literature), differential evolution + polishing.
"""

from psysim.fitting.cell_means import fit_cell_means, observed_cells, predict_cells
from psysim.fitting.quantile_fit import (
    fit_quantiles,
    leave_one_out,
    multinomial_loglik,
    noise_ceiling_rmse,
    parameter_recovery,
    quantile_cells,
    quantile_rmse,
)
from psysim.fitting.result import FitResult, aic, bic

__all__ = [
    "FitResult",
    "aic",
    "bic",
    "fit_cell_means",
    "fit_quantiles",
    "leave_one_out",
    "multinomial_loglik",
    "noise_ceiling_rmse",
    "observed_cells",
    "parameter_recovery",
    "predict_cells",
    "quantile_cells",
    "quantile_rmse",
]
