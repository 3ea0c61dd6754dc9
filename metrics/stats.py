"""Intervals and change tests: the statistics that are part of every number.

Everything here works on sufficient statistics (counts, sums, sums of squares),
never on raw rows, so the same functions serve polars aggregates and warehouse
aggregates alike. Vector functions take numpy arrays (one element per group) and
return NaN where a value cannot be computed; the engine turns NaN into ``None``.

- NPS: SE = sqrt((p₊ + p₋ − (p₊ − p₋)²) / n) × 100, interval ±z·SE (z = 1.95996 at
  95%, the exact normal quantile behind the rounded "1.96").
- Proportions: Wilson score interval.
- Means: Student t interval with n − 1 degrees of freedom.
- Ratios of sums (price index): delta-method standard error, normal interval.
- Changes: two-sample z for NPS, ratios and quantiles (Var(Δ) = SE₁² + SE₂²),
  two-proportion z test (pooled, the textbook test) with Newcombe's hybrid
  Wilson interval for the difference of proportions, Welch t for means.

Example:
    >>> round(float(nps_interval(50, 20, 100)[1]), 4)  # NPS 30 from 100 answers: SE in points
    7.8102
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from metrics.distributions import normal_quantile, normal_upper_tail, t_quantile, t_upper_tail

NO_COMPARISON = "no comparison data"
NO_CHANGE = "no significant change"


@dataclass(frozen=True)
class Estimate:
    """One KPI value with its interval.

    ``exact`` is False when the value comes from buckets (e.g. a delivery-time
    quantile from the orders histogram); ``note`` then states the error bound.
    """

    value: float | None
    low: float | None
    high: float | None
    n: int
    small_sample: bool
    exact: bool = True
    note: str = ""


@dataclass(frozen=True)
class Change:
    """Current minus previous, with the interval of the difference and its test.

    ``word`` is "up" or "down" only when the test is significant at the configured
    confidence; otherwise "no significant change" (or "no comparison data").
    """

    delta: float | None
    low: float | None
    high: float | None
    p_value: float | None
    significant: bool
    word: str


# ---------------------------------------------------------------- intervals


def nps_interval(promoters, detractors, n, z: float = 1.959963984540054):
    """NPS in points, its standard error in points, and the interval (value ± z·SE)."""
    promoters, detractors, n = _floats(promoters, detractors, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_plus = promoters / n
        p_minus = detractors / n
        nps = 100.0 * (p_plus - p_minus)
        variance = np.maximum(p_plus + p_minus - (p_plus - p_minus) ** 2, 0.0)
        se = 100.0 * np.sqrt(variance / n)
    return nps, se, nps - z * se, nps + z * se


def wilson_interval(successes, n, z: float = 1.959963984540054):
    """Share, and the Wilson score interval of the share.

    >>> [round(float(x), 4) for x in wilson_interval(8, 10)]
    [0.8, 0.4902, 0.9433]
    """
    successes, n = _floats(successes, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = successes / n
        z2 = z * z
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = np.where(successes <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(successes >= n, 1.0, np.clip(centre + half, 0.0, 1.0))
    return p, np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def mean_interval(n, total, total_sq, confidence: float = 0.95):
    """Mean, sample standard deviation and the t interval, from n, Σx and Σx².

    The variance uses the computational form (Σx² − (Σx)²/n)/(n − 1), clipped at 0
    against rounding. With n < 2 there is no interval (NaN).
    """
    n, total, total_sq = _floats(n, total, total_sq)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / n
        variance = np.maximum(total_sq - total * total / n, 0.0) / (n - 1)
        sd = np.where(n >= 2, np.sqrt(variance), np.nan)
        t = t_quantile(0.5 + confidence / 2, np.where(n >= 2, n - 1, np.nan))
        half = t * sd / np.sqrt(n)
    return mean, sd, mean - half, mean + half


def ratio_interval(n, sum_x, sum_y, sum_xx, sum_yy, sum_xy, scale=1.0, z=1.959963984540054):
    """R = scale·Σx/Σy and its delta-method interval, treating rows as a sample.

    Var(R̂) ≈ scale² · Σ(xᵢ − R yᵢ)² / (n (n − 1) ȳ²), with
    Σ(x − R y)² = Σx² − 2R Σxy + R² Σy² (R unscaled). No interval with n < 2.
    """
    n, sum_x, sum_y, sum_xx, sum_yy, sum_xy = _floats(n, sum_x, sum_y, sum_xx, sum_yy, sum_xy)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = sum_x / sum_y
        residual = np.maximum(sum_xx - 2 * ratio * sum_xy + ratio * ratio * sum_yy, 0.0)
        mean_y = sum_y / n
        se = np.where(n >= 2, scale * np.sqrt(residual / (n * (n - 1))) / np.abs(mean_y), np.nan)
    value = scale * ratio
    return value, se, value - z * se, value + z * se


# ---------------------------------------------------------------- changes


def no_comparison() -> Change:
    return Change(None, None, None, None, False, NO_COMPARISON)


def z_change(
    current: float,
    se_current: float | None,
    previous: float,
    se_previous: float | None,
    confidence: float = 0.95,
) -> Change:
    """Two-sample z test of a difference of independent estimates.

    Var(Δ) = SE₁² + SE₂². Without both standard errors there is no test and the
    change is never called up or down.
    """
    delta = current - previous
    se_1, se_2 = _known(se_current), _known(se_previous)
    if se_1 is None or se_2 is None:
        return Change(delta, None, None, None, False, NO_CHANGE)
    se = math.sqrt(se_1**2 + se_2**2)
    z = float(normal_quantile(0.5 + confidence / 2))
    p_value = _two_sided_normal_p(delta, se)
    return _decide(delta, delta - z * se, delta + z * se, p_value, confidence)


def proportion_change(
    successes_current: float,
    n_current: float,
    successes_previous: float,
    n_previous: float,
    confidence: float = 0.95,
) -> Change:
    """Two-proportion z test (pooled under H0) and Newcombe's interval of p₁ − p₂.

    Newcombe (1998, method 10) combines the two Wilson intervals:
    low = Δ − sqrt((p₁ − l₁)² + (u₂ − p₂)²), high = Δ + sqrt((u₁ − p₁)² + (p₂ − l₂)²).
    """
    z = float(normal_quantile(0.5 + confidence / 2))
    p1, l1, u1 = (float(v) for v in wilson_interval(successes_current, n_current, z))
    p2, l2, u2 = (float(v) for v in wilson_interval(successes_previous, n_previous, z))
    delta = p1 - p2
    pooled = (successes_current + successes_previous) / (n_current + n_previous)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / n_current + 1 / n_previous))
    p_value = _two_sided_normal_p(delta, se0)
    low = delta - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = delta + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return _decide(delta, low, high, p_value, confidence)


def welch_change(
    n_current: float,
    mean_current: float,
    sd_current: float | None,
    n_previous: float,
    mean_previous: float,
    sd_previous: float | None,
    confidence: float = 0.95,
) -> Change:
    """Welch's t test of a difference of means, with Welch–Satterthwaite degrees of freedom."""
    delta = mean_current - mean_previous
    sd_1, sd_2 = _known(sd_current), _known(sd_previous)
    if n_current < 2 or n_previous < 2 or sd_1 is None or sd_2 is None:
        return Change(delta, None, None, None, False, NO_CHANGE)
    v1, v2 = sd_1**2 / n_current, sd_2**2 / n_previous
    se = math.sqrt(v1 + v2)
    if se == 0:
        return _decide(delta, delta, delta, 1.0 if delta == 0 else 0.0, confidence)
    df = (v1 + v2) ** 2 / (v1**2 / (n_current - 1) + v2**2 / (n_previous - 1))
    p_value = float(2 * t_upper_tail(abs(delta) / se, df))
    t = float(t_quantile(0.5 + confidence / 2, df))
    return _decide(delta, delta - t * se, delta + t * se, p_value, confidence)


def census_change(current: float, previous: float) -> Change:
    """Change of a census value (a total of every record, no sampling): exact, no test.

    Revenue, new customers, MRR… are complete counts, not samples; the difference
    is what happened, so it is called up/down whenever it is not zero.
    """
    delta = current - previous
    word = "up" if delta > 0 else "down" if delta < 0 else NO_CHANGE
    return Change(delta, delta, delta, None, delta != 0, word)


def _decide(delta: float, low: float, high: float, p_value: float, confidence: float) -> Change:
    significant = p_value < 1 - confidence
    word = NO_CHANGE
    if significant and delta > 0:
        word = "up"
    elif significant and delta < 0:
        word = "down"
    return Change(delta, low, high, p_value, bool(significant and delta != 0), word)


def _two_sided_normal_p(delta: float, se: float) -> float:
    if se == 0:
        return 1.0 if delta == 0 else 0.0
    return float(2 * normal_upper_tail(abs(delta) / se))


def _known(value: float | None) -> float | None:
    """The value, or None when it is missing (None, or NaN from an empty aggregate)."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _floats(*arrays):
    return [np.asarray(a, dtype=float) for a in arrays]
