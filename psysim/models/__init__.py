"""Search models: one module per model family, a base class and a registry.

``get_model(name, **params)`` makes any registered model; ``MODELS`` maps names to classes.
Importing this package registers every model below.
"""

from psysim.models.base import (
    MODELS,
    Param,
    SearchModel,
    get_model,
    make_design,
    parameter_table,
    register,
)
from psysim.models.cgs import CompetitiveGuidedSearch  # noqa: F401
from psysim.models.fit import FeatureIntegration
from psysim.models.gs6 import GuidedSearch6  # noqa: F401
from psysim.models.gs6_trial import TrialTimeCourse, trial_time_course
from psysim.models.guided_search import GuidedSearch  # noqa: F401
from psysim.models.saliency_search import SaliencySearch  # noqa: F401
from psysim.models.softmax_search import SoftmaxSearch  # noqa: F401

__all__ = [
    "MODELS",
    "FeatureIntegration",
    "Param",
    "SearchModel",
    "TrialTimeCourse",
    "get_model",
    "make_design",
    "parameter_table",
    "register",
    "trial_time_course",
]
