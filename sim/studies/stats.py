"""Statistics the studies share: Student-t confidence intervals, a ratio estimator, Latin
hypercube samples, and correlations (Spearman, Fisher-z intervals and pooling).

The intervals and samples come from SciPy (``scipy.stats.t``, ``scipy.stats.qmc``); this module
only fixes how the studies call them, so compare, the reports, sweep analysis and validation
agree. What the studies measure with them (turnover, margins, unit correlations) is
:mod:`sim.studies.measures`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np


def t_half_width(sd, n, level: float = 0.95):
    """Half-width of the two-sided Student-t interval of a mean: ``t(level, n-1) * sd / sqrt(n)``.

    Works elementwise on arrays; NaN where ``n < 2`` (no interval from one value).
    """
    from scipy.stats import t

    n_arr = np.asarray(n, dtype=float)
    q = t.ppf(0.5 + level / 2.0, np.maximum(n_arr - 1.0, 1.0))
    half = q * np.asarray(sd, dtype=float) / np.sqrt(np.maximum(n_arr, 1.0))
    return np.where(n_arr < 2, np.nan, half)


def mean_ci(values, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided t confidence interval of a sample (NaN interval for n < 2)."""
    x = np.asarray(values, dtype=float)
    n = x.size
    m = float(x.mean()) if n else math.nan
    if n < 2:
        return m, math.nan, math.nan
    half = float(t_half_width(x.std(ddof=1), n, level))
    return m, m - half, m + half


def ratio_ci(numerator, denominator, level: float = 0.95) -> tuple[float, float, float]:
    """Ratio of two paired samples' means, with its two-sided t interval (linearization).

    The ratio of means, mean(numerator) / mean(denominator), is what a comparison of two groups'
    totals reports (Harter et al.'s quartile contrasts compare group means); a mean of per-pair
    ratios is not, and one pair whose denominator is near 0 dominates it. The interval is the
    standard ratio estimator's (Cochran 1977, 6.4): the standard error of
    ``numerator - ratio x denominator`` over pairs, divided by mean(denominator). NaN when the
    denominator's mean is not positive or there are fewer than 2 pairs.
    """
    y = np.asarray(numerator, dtype=float)
    x = np.asarray(denominator, dtype=float)
    if y.size != x.size:
        raise ValueError(f"paired samples differ in size: {y.size} and {x.size}")
    if x.size == 0 or not x.mean() > 0:
        return math.nan, math.nan, math.nan
    ratio = float(y.mean() / x.mean())
    if x.size < 2:
        return ratio, math.nan, math.nan
    residual = y - ratio * x
    half = float(t_half_width(residual.std(ddof=1), x.size, level)) / float(x.mean())
    return ratio, ratio - half, ratio + half


def latin_hypercube(bounds, n: int, seed: int) -> np.ndarray:
    """``n`` Latin hypercube points (``scipy.stats.qmc.LatinHypercube``) scaled to ``bounds``.

    Args:
        bounds: One ``(low, high)`` pair per dimension.
        n: Number of points.
        seed: Seed of the sampler (e.g. :func:`sim.studies.seeds.sampler_seed`).

    Returns:
        An ``(n, d)`` array; every dimension has exactly one point in each of its ``n`` strata.
    """
    from scipy.stats import qmc

    b = np.asarray(bounds, dtype=float)
    unit = qmc.LatinHypercube(d=len(b), rng=np.random.default_rng(seed)).random(n)
    return qmc.scale(unit, b[:, 0], b[:, 1])


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman rank correlation (Pearson correlation of the ranks, ties averaged)."""
    import pandas as pd

    rx = pd.Series(x).rank().to_numpy()
    ry = pd.Series(y).rank().to_numpy()
    return float(np.corrcoef(rx, ry)[0, 1])


def correlation_ci(r: float, n: int) -> tuple[float, float]:
    """95% Fisher-z interval of one correlation over ``n`` observations."""
    z = math.atanh(max(min(r, 0.999), -0.999))
    half = 1.96 / math.sqrt(max(n - 3, 1))
    return math.tanh(z - half), math.tanh(z + half)


def pooled_correlation(rs: Iterable[float]) -> tuple[float, float, float]:
    """Average correlation over replications via Fisher z, with a 95% CI over replications."""
    z = np.arctanh(np.clip(np.asarray(list(rs), dtype=float), -0.999, 0.999))
    m, lo, hi = mean_ci(z)
    return float(np.tanh(m)), float(np.tanh(lo)), float(np.tanh(hi))
