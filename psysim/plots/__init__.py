"""Seaborn figures drawn from result tables. Nothing here computes statistics."""

from psysim.plots.search import error_rates_plot, rt_set_size_plot

__all__ = ["error_rates_plot", "rt_set_size_plot"]
