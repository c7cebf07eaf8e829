"""Sphericity of repeated-measures effects: Mauchly's test and the Greenhouse-Geisser and
Huynh-Feldt corrections.

For an effect with ``k`` degrees of freedom, the per-subject cell values ``Y`` (subjects x
cells) are projected on ``k`` orthonormal contrasts ``C`` of that effect (Helmert contrasts for
the effect's factors, equal weights for the factors averaged over), and ``S`` is the sample
covariance of ``Y C``. Sphericity says ``S`` is a multiple of the identity.

- Greenhouse & Geisser (1959, *Psychometrika* 24, 95-112), in Box's (1954) form:
  ``eps_GG = tr(S)^2 / (k tr(S^2))``, between ``1/k`` and 1.
- Huynh & Feldt (1976, *J. Educational Statistics* 1, 69-82), one group of ``n`` subjects:
  ``eps_HF = (n k eps_GG - 2) / (k (n - 1 - k eps_GG))``, capped at 1. This is the original
  formula, as pingouin uses; R's ``car``/``afex`` apply Lecoutre's (1991) ``n + 1`` variant,
  which is larger by at most a few hundredths.
- Mauchly (1940, *Ann. Math. Statist.* 11, 204-209): ``W = det(S) / (tr(S)/k)^k`` with
  ``-(n - 1 - (2k^2 + k + 2) / (6k)) ln W`` referred to chi-square on ``k(k+1)/2 - 1`` df.

The corrected test multiplies both degrees of freedom of ``F`` by ``eps``. Effects with one
degree of freedom are always spherical (``eps = 1``; Mauchly's test undefined).
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def helmert(levels: int) -> np.ndarray:
    """Orthonormal contrasts (``levels x levels-1``), each orthogonal to the grand mean."""
    h = np.zeros((levels, levels - 1))
    for j in range(1, levels):
        h[:j, j - 1] = 1.0
        h[j, j - 1] = -float(j)
        h[:, j - 1] /= np.linalg.norm(h[:, j - 1])
    return h


def effect_contrasts(levels: tuple[int, ...], effect: tuple[int, ...]) -> np.ndarray:
    """Contrasts of one effect over cells ordered factor by factor (last factor fastest).

    ``levels`` gives each factor's number of levels; ``effect`` the indices of the factors in the
    effect (``(0,)`` a main effect, ``(0, 1)`` their interaction).
    """
    c = np.ones((1, 1))
    for i, n in enumerate(levels):
        m = helmert(n) if i in effect else np.full((n, 1), 1.0 / np.sqrt(n))
        c = np.kron(c, m)
    return c


def sphericity(y: np.ndarray, contrasts: np.ndarray) -> dict:
    """Mauchly's W and p, and the Greenhouse-Geisser and Huynh-Feldt epsilons.

    Parameters
    ----------
    y : array (subjects, cells)
        One value per subject and within-subject cell (complete design).
    contrasts : array (cells, k)
        Orthonormal contrasts of the effect (:func:`effect_contrasts`).

    Returns
    -------
    dict
        ``eps_gg, eps_hf, mauchly_w, mauchly_p`` (W and p are NaN when ``k = 1``).
    """
    y = np.asarray(y, float)
    n, k = y.shape[0], contrasts.shape[1]
    if k == 1:
        return {"eps_gg": 1.0, "eps_hf": 1.0, "mauchly_w": float("nan"), "mauchly_p": float("nan")}
    s = np.cov(y @ contrasts, rowvar=False, ddof=1)
    tr = np.trace(s)
    if not tr > 0:  # no variance left in the effect: nothing to correct
        return {"eps_gg": 1.0, "eps_hf": 1.0, "mauchly_w": float("nan"), "mauchly_p": float("nan")}
    gg = float(tr**2 / (k * np.trace(s @ s)))
    den = k * (n - 1.0 - k * gg)
    hf = float(min(1.0, (n * k * gg - 2.0) / den)) if den > 0 else 1.0
    w = float(np.linalg.det(s) / (tr / k) ** k)
    if n - 1 >= k and w > 0:
        chi2 = -(n - 1 - (2 * k * k + k + 2) / (6.0 * k)) * np.log(w)
        p = float(stats.chi2.sf(chi2, k * (k + 1) / 2 - 1))
    else:  # fewer subjects than contrasts: S is singular and the test undefined
        w, p = float("nan"), float("nan")
    return {"eps_gg": gg, "eps_hf": hf, "mauchly_w": w, "mauchly_p": p}


def corrected_p(F: float, df1: float, df2: float, eps: float) -> float:
    """The p of ``F`` on ``eps * df1`` and ``eps * df2`` degrees of freedom."""
    return float(stats.f.sf(F, eps * df1, eps * df2))
