"""Parameter estimation: objectives and optimisers that return immutable FitResults."""

from psysim.fitting.cell_means import fit_cell_means, observed_cells, predict_cells
from psysim.fitting.result import FitResult, aic, bic

__all__ = ["FitResult", "aic", "bic", "fit_cell_means", "observed_cells", "predict_cells"]
