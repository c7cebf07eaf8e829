"""Parameter estimation: objectives and optimisers that return immutable FitResults.

- :func:`fit_cell_means`: weighted least squares on group cell means and error rates.
- :func:`fit_quantiles`: multinomial likelihood over RT-quantile bins and errors, per observer
  (the objective of the RT-distribution literature), differential evolution + polishing.
- :func:`identify`: which parameters a kind of data identifies; the rest are fixed with a reason.
- :func:`fit_many`: many fits (observers x tasks x models x starts) as tasks of
  :mod:`psysim.executor` (serial, processes or Dask), checkpointed and resumable.
"""

from psysim.fitting.cell_means import cell_notes, fit_cell_means, observed_cells, predict_cells
from psysim.fitting.identify import DataFeatures, Identification, check_enough_cells, identify
from psysim.fitting.quantile_fit import (
    FitProblem,
    finish_fit,
    fit_quantiles,
    leave_one_out,
    multinomial_loglik,
    noise_ceiling_rmse,
    parameter_recovery,
    prepare_fit,
    quantile_cells,
    quantile_rmse,
    search_once,
)
from psysim.fitting.result import FitResult, aic, bic
from psysim.fitting.tasks import FitSpec, fit_many

__all__ = [
    "DataFeatures",
    "FitProblem",
    "FitResult",
    "FitSpec",
    "Identification",
    "aic",
    "bic",
    "cell_notes",
    "check_enough_cells",
    "finish_fit",
    "fit_cell_means",
    "fit_many",
    "fit_quantiles",
    "identify",
    "leave_one_out",
    "multinomial_loglik",
    "noise_ceiling_rmse",
    "observed_cells",
    "parameter_recovery",
    "predict_cells",
    "prepare_fit",
    "quantile_cells",
    "quantile_rmse",
    "search_once",
]
