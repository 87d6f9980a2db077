"""The statistics core: every interval, test and net score of the package is computed here.

Other modules (metrics, summary, revenue, loop, topics, drivers) call these functions and do
not write a formula of their own. Inputs are numbers or numpy arrays (vectorised over groups);
shares are fractions 0–1 here, and the calling module scales them for its result tables.
"""

from __future__ import annotations

import numpy as np
from scipy import stats as _sp

__all__ = ["kish_n", "wilson", "z_value"]


def z_value(ci: float) -> float:
    """Two-sided standard-normal quantile of the confidence level ``ci``.

    >>> round(z_value(0.95), 4)
    1.96
    """
    return float(_sp.norm.ppf(0.5 + ci / 2))


def kish_n(w: np.ndarray) -> float:
    """Kish's effective sample size (Σw)² / Σw² of weights ``w`` (0 when all weights are 0).

    >>> kish_n(np.array([1.0, 1.0, 2.0]))
    2.6666666666666665
    """
    w = np.asarray(w, dtype=float)
    s2 = float((w * w).sum())
    return float(w.sum()) ** 2 / s2 if s2 > 0 else 0.0


def wilson(k: np.ndarray | float, n: np.ndarray | float, *, ci: float = 0.95):
    """Wilson score interval of ``k`` successes out of ``n`` (fractions 0–1, vectorised).

    Equal to ``statsmodels.stats.proportion.proportion_confint(k, n, method="wilson")``;
    ``n`` may be fractional (Kish's effective n). The bounds are clipped so that
    low <= k/n <= high exactly; where ``n`` is 0 both bounds are NaN.

    Returns
    -------
    tuple of ndarray
        ``(low, high)``.

    Examples
    --------
    >>> lo, hi = wilson(np.array([0, 5]), np.array([10, 10]))
    >>> np.round(lo, 4).tolist(), np.round(hi, 4).tolist()
    ([0.0, 0.2366], [0.2775, 0.7634])
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = z_value(ci)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        lo = np.minimum(centre - half, p)
        hi = np.maximum(centre + half, p)
    empty = ~(n > 0)
    lo = np.where(empty, np.nan, np.clip(lo, 0, 1))
    hi = np.where(empty, np.nan, np.clip(hi, 0, 1))
    return lo, hi
