"""psysim: psychological and network models of visual attention on the same stimuli,
compared with human data.

The shared shapes live in a few modules:

- :mod:`psysim.trials`   the trial table (one row per trial, people and models alike)
- :mod:`psysim.displays` search displays: item tables and rendering
- :mod:`psysim.models`   search models, their parameters and a registry
- :mod:`psysim.data`     human data sets: registry, loaders, validation
- :mod:`psysim.stats`    pure statistics (slopes, ANOVA, quantiles, fit, APA text)
"""

__version__ = "0.1.0"

from psysim.errors import PsysimError  # noqa: E402

__all__ = ["PsysimError", "__version__"]
