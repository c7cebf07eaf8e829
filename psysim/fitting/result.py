"""The immutable result of fitting a model to data, with a JSON round trip.

Following lmfit's ``MinimizerResult``: parameters, the objective's value, log-likelihood,
AIC and BIC, the number of observations, per-cell predictions and a ``summary()`` dict.
AIC = 2k - 2 ln L (Akaike 1974); BIC = k ln n - 2 ln L (Schwarz 1978), with k the number of
free parameters and n the number of observations the likelihood is computed over.
"""

from __future__ import annotations

import json
import math
import platform
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from psysim.errors import PsysimError

FORMAT_VERSION = 1


def aic(loglik: float, k: int) -> float:
    """Akaike's information criterion, ``AIC = 2k - 2 log L`` (Akaike 1974).

    Parameters
    ----------
    loglik : float
        Maximised log-likelihood ``log L``.
    k : int
        Number of free parameters.

    Returns
    -------
    float
        AIC (lower is better).
    """
    return 2.0 * k - 2.0 * loglik


def bic(loglik: float, k: int, n: int) -> float:
    """Schwarz's Bayesian information criterion, ``BIC = k ln(n) - 2 log L`` (Schwarz 1978).

    Parameters
    ----------
    loglik : float
        Maximised log-likelihood ``log L``.
    k : int
        Number of free parameters.
    n : int
        Number of observations (taken as at least 1).

    Returns
    -------
    float
        BIC (lower is better).
    """
    return k * math.log(max(n, 1)) - 2.0 * loglik


def versions() -> dict:
    """Versions of psysim, Python and the numeric libraries, for provenance."""
    import numpy
    import scipy

    import psysim

    return {
        "psysim": psysim.__version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
    }


@dataclass(frozen=True)
class FitResult:
    """What a fit returns. Immutable: ``params`` is a read-only mapping.

    Attributes
    ----------
    model : str
        Registered model name.
    params : Mapping[str, float]
        All parameter values (free and fixed).
    free : tuple of str
        Names of the parameters that were estimated.
    loss : float
        Final value of the objective that was minimised.
    loglik : float
        Log-likelihood at the estimate (NaN when the objective is not a likelihood).
    n_obs : int
        Number of observations the likelihood is computed over.
    objective : str
        What was minimised (e.g. ``"chi-square on cell means"``, ``"quantile multinomial"``).
    predictions : pandas.DataFrame
        Per-cell observed and predicted values.
    data : dict
        Which data were fitted (data set, task, subject, ...).
    diagnostics : dict
        Optimiser messages, number of evaluations, seeds, convergence, bound warnings.
    versions : dict
        psysim and library versions that made the fit (kept through JSON).
    """

    model: str
    params: dict
    free: tuple
    loss: float
    loglik: float
    n_obs: int
    objective: str
    predictions: pd.DataFrame = field(repr=False, compare=False)
    data: dict = field(default_factory=dict)
    diagnostics: dict = field(default_factory=dict, compare=False)
    versions: dict = field(default_factory=versions, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "free", tuple(self.free))

    def __reduce__(self):
        # the read-only params mapping cannot be pickled; travel as JSON (worker processes)
        return (FitResult.from_json, (self.to_json(),))

    @property
    def k(self) -> int:
        return len(self.free)

    @property
    def aic(self) -> float:
        return aic(self.loglik, self.k)

    @property
    def bic(self) -> float:
        return bic(self.loglik, self.k, self.n_obs)

    @property
    def warnings(self) -> tuple:
        return tuple(self.diagnostics.get("warnings", ()))

    def summary(self) -> dict:
        """A flat dict: model, data, every parameter, loss, loglik, aic, bic, n_obs, k (and
        ``loglik_mc_se``, the Monte Carlo standard error of ``loglik``, where the fit has one)."""
        out = {"model": self.model, **{k: v for k, v in self.data.items()}}
        out.update({k: float(v) for k, v in self.params.items()})
        out.update(loss=self.loss, loglik=self.loglik, aic=self.aic, bic=self.bic, n_obs=self.n_obs, k=self.k)
        if "loglik_mc_se" in self.diagnostics:  # quantile fits: the Monte Carlo error of loglik
            out["loglik_mc_se"] = float(self.diagnostics["loglik_mc_se"])
        return out

    def make_model(self):
        """The fitted model, ready to simulate."""
        from psysim.models import get_model

        return get_model(self.model, **dict(self.params))

    # -- JSON round trip ---------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "format_version": FORMAT_VERSION,
            "model": self.model,
            "params": dict(self.params),
            "free": list(self.free),
            "loss": self.loss,
            "loglik": self.loglik,
            "n_obs": self.n_obs,
            "objective": self.objective,
            "predictions": json.loads(self.predictions.to_json(orient="split", index=False, double_precision=15)),
            "data": self.data,
            "diagnostics": self.diagnostics,
            "versions": self.versions,
        }

    def to_json(self, path=None) -> str:
        text = json.dumps(self.to_dict(), indent=1, default=_json_default, allow_nan=True)
        if path is not None:
            from psysim.atomic import atomic_write_text

            atomic_write_text(path, text)
        return text

    @classmethod
    def from_json(cls, text_or_path) -> FitResult:
        text = str(text_or_path)
        if not text.lstrip().startswith("{"):
            try:
                with open(text, encoding="utf-8") as fh:
                    text = fh.read()
            except OSError as exc:
                raise PsysimError(f"{text_or_path}: cannot read fit result ({exc.strerror})") from None
        try:
            d = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PsysimError(f"fit result is not valid JSON ({exc.msg} at line {exc.lineno})") from None
        if d.get("format_version") != FORMAT_VERSION:
            raise PsysimError(f"fit result has format_version {d.get('format_version')!r}; this psysim reads {FORMAT_VERSION}")
        p = d["predictions"]
        preds = pd.DataFrame(p["data"], columns=p["columns"])
        return cls(
            model=d["model"],
            params=d["params"],
            free=tuple(d["free"]),
            loss=d["loss"],
            loglik=d["loglik"],
            n_obs=d["n_obs"],
            objective=d["objective"],
            predictions=preds,
            data=d["data"],
            diagnostics=d["diagnostics"],
            versions=d["versions"],
        )


def _json_default(o):
    import numpy as np

    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.bool_):
        return bool(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, MappingProxyType):
        return dict(o)
    raise TypeError(f"cannot serialise {type(o).__name__}")
