"""Human data: the dataset registry, loaders with validation, and derived summaries."""

from psysim.data.describe import Description, TaskDefinition, read_description, resolve_description
from psysim.data.loaders import (
    WOLFE2010_TASKS,
    load_wolfe2010,
    load_wolfe2010_summary,
    read_trials_csv,
)
from psysim.data.own_data import SearchData, load_described
from psysim.data.registry import DATASETS, WOLFE2010, Dataset, get_dataset, register_dataset

__all__ = [
    "DATASETS",
    "WOLFE2010",
    "WOLFE2010_TASKS",
    "Dataset",
    "Description",
    "SearchData",
    "TaskDefinition",
    "get_dataset",
    "load_described",
    "load_wolfe2010",
    "load_wolfe2010_summary",
    "read_description",
    "read_trials_csv",
    "register_dataset",
    "resolve_description",
]
