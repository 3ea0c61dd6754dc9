"""Intervals and change tests against hand computation and textbook formulas."""

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from metrics.stats import (
    NO_CHANGE,
    census_change,
    mean_interval,
    nps_interval,
    proportion_change,
    ratio_interval,
    welch_change,
    wilson_interval,
    z_change,
)

Z95 = 1.959963984540054  # scipy.stats.norm.ppf(0.975)


def published_nps_se(promoters: int, detractors: int, n: int) -> float:
    """SE = sqrt((p+ + p- - (p+ - p-)^2) / n) x 100, written out independently."""
    p_plus, p_minus = promoters / n, detractors / n
    return math.sqrt((p_plus + p_minus - (p_plus - p_minus) ** 2) / n) * 100


@pytest.mark.parametrize(
    ("promoters", "detractors", "n"),
    [(5, 3, 10), (60, 20, 100), (1, 0, 1), (0, 7, 7), (123, 456, 1000), (50, 50, 100)],
)
def test_nps_interval_matches_published_standard_error(promoters, detractors, n):
    value, se, low, high = nps_interval(promoters, detractors, n, Z95)
    expected_se = published_nps_se(promoters, detractors, n)
    assert float(value) == pytest.approx(100 * (promoters - detractors) / n, abs=1e-9)
    assert abs(float(se) - expected_se) < 1e-9
    assert abs(float(low) - (float(value) - Z95 * expected_se)) < 1e-9
    assert abs(float(high) - (float(value) + Z95 * expected_se)) < 1e-9


def test_nps_standard_error_by_hand():
    # 5 promoters, 3 detractors of 10: p+ = .5, p- = .3 -> (0.8 - 0.04)/10 = 0.076
    # SE = sqrt(0.076) x 100 = 27.5680975...
    assert float(nps_interval(5, 3, 10)[1]) == pytest.approx(27.568097504180443, abs=1e-12)


def test_nps_without_answers_is_nan():
    value, se, low, high = nps_interval(0, 0, 0)
    assert all(math.isnan(float(x)) for x in (value, se, low, high))


def test_wilson_interval_by_hand():
    # 5 of 8: centre = (0.625 + z²/16)/(1 + z²/8) = 0.584449, half = z·sqrt(.625·.375/8 + z²/256)/(1 + z²/8)
    # = 0.278707 -> [0.305742, 0.863156]
    p, low, high = (float(x) for x in wilson_interval(5, 8, Z95))
    assert p == 0.625
    assert low == pytest.approx(0.305742, abs=1e-6)
    assert high == pytest.approx(0.863156, abs=1e-6)


def test_wilson_interval_stays_inside_0_1_at_the_edges():
    _, low, high = (float(x) for x in wilson_interval(10, 10, Z95))
    assert high == 1.0 and 0.69 < low < 0.73  # 10/10: [0.7225, 1]
    _, low, high = (float(x) for x in wilson_interval(0, 10, Z95))
    assert low == 0.0 and 0.27 < high < 0.28  # 0/10: [0, 0.2775]


def test_mean_interval_is_the_t_interval():
    values = np.array([7.0, 6.0, 5.0, 2.0, 1.0, 7.0])  # mean 28/6
    mean, sd, low, high = (
        float(x) for x in mean_interval(6, values.sum(), (values**2).sum(), 0.95)
    )
    half = scipy_stats.t.ppf(0.975, 5) * values.std(ddof=1) / math.sqrt(6)
    assert mean == pytest.approx(28 / 6, abs=1e-12)
    assert sd == pytest.approx(values.std(ddof=1), abs=1e-12)
    assert (low, high) == pytest.approx((28 / 6 - half, 28 / 6 + half), abs=1e-12)


def test_mean_interval_needs_two_values():
    mean, sd, low, high = (float(x) for x in mean_interval(1, 4.0, 16.0, 0.95))
    assert mean == 4.0 and math.isnan(sd) and math.isnan(low) and math.isnan(high)


def test_ratio_interval_by_hand():
    # our/ref: (9, 10), (11, 10), (20, 25): R = 40/45; residuals x - R y:
    # 0.1111, 2.1111, -2.2222 -> Σ² = 9.407407; SE = 100 sqrt(9.407407/6)/15 = 8.34773
    x, y = np.array([9.0, 11.0, 20.0]), np.array([10.0, 10.0, 25.0])
    value, se, low, high = (
        float(v)
        for v in ratio_interval(
            3, x.sum(), y.sum(), (x * x).sum(), (y * y).sum(), (x * y).sum(), 100.0, Z95
        )
    )
    assert value == pytest.approx(100 * 40 / 45, abs=1e-9)
    residual = ((x - (40 / 45) * y) ** 2).sum()
    assert se == pytest.approx(100 * math.sqrt(residual / 6) / 15, abs=1e-9)
    assert se == pytest.approx(8.34773, abs=1e-5)
    assert high - low == pytest.approx(2 * Z95 * se, abs=1e-9)


def test_z_change_nps_by_hand():
    # Jan: 60 promoters, 20 detractors of 100 -> NPS 40, SE = sqrt(0.64/100)·100 = 8
    # Dec: 30 promoters, 40 detractors of 100 -> NPS -10, SE = sqrt(0.69/100)·100 = sqrt(69)
    # Δ = 50, SE(Δ) = sqrt(64 + 69) = sqrt(133); z = 4.3355 -> p = 1.454e-5
    change = z_change(40.0, 8.0, -10.0, math.sqrt(69), 0.95)
    se = math.sqrt(133)
    assert change.delta == 50.0
    assert change.low == pytest.approx(50 - Z95 * se, abs=1e-9)
    assert change.high == pytest.approx(50 + Z95 * se, abs=1e-9)
    assert change.p_value == pytest.approx(2 * scipy_stats.norm.sf(50 / se), rel=1e-9)
    assert change.p_value == pytest.approx(1.454e-5, rel=1e-3)
    assert change.significant and change.word == "up"


def test_z_change_without_standard_errors_never_calls_a_change():
    change = z_change(30.0, None, 10.0, 5.0)
    assert change.delta == 20.0 and change.p_value is None
    assert not change.significant and change.word == NO_CHANGE


def test_proportion_change_pooled_z_and_newcombe_interval():
    # 45/60 vs 30/60: pooled p = 75/120 = 0.625; SE0 = sqrt(.625·.375·(2/60)) = 0.088388
    # z = 0.25/0.088388 = 2.8284 -> p = 0.004678
    change = proportion_change(45, 60, 30, 60)
    assert change.delta == pytest.approx(0.25)
    assert change.p_value == pytest.approx(2 * scipy_stats.norm.sf(2.8284271247), rel=1e-6)
    assert change.word == "up"
    p1, l1, u1 = (float(x) for x in wilson_interval(45, 60, Z95))
    p2, l2, u2 = (float(x) for x in wilson_interval(30, 60, Z95))
    assert change.low == pytest.approx(0.25 - math.hypot(p1 - l1, u2 - p2), abs=1e-12)
    assert change.high == pytest.approx(0.25 + math.hypot(u1 - p1, p2 - l2), abs=1e-12)


def test_proportion_change_that_could_be_noise():
    change = proportion_change(6, 10, 5, 10)  # 60% vs 50% of 10: p = 0.65
    assert change.p_value == pytest.approx(0.6531, abs=1e-4)
    assert not change.significant and change.word == NO_CHANGE


def test_welch_change_matches_scipy():
    before = np.array([3.0, 4.0, 5.0, 4.0, 3.0, 5.0, 4.0])
    after = np.array([5.0, 6.0, 7.0, 6.0, 6.0])  # mean 6, before: mean 4
    change = welch_change(
        len(after), after.mean(), after.std(ddof=1), len(before), before.mean(), before.std(ddof=1)
    )
    reference = scipy_stats.ttest_ind(after, before, equal_var=False)
    assert change.delta == pytest.approx(2.0)
    assert change.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    interval = reference.confidence_interval(0.95)
    assert (change.low, change.high) == pytest.approx((interval.low, interval.high), rel=1e-9)
    assert change.word == "up"


def test_welch_change_needs_two_values_a_side():
    change = welch_change(1, 5.0, None, 10, 4.0, 1.0)
    assert change.delta == 1.0 and change.p_value is None and change.word == NO_CHANGE


def test_census_change_is_exact():
    assert census_change(120.0, 100.0).word == "up"
    assert census_change(80.0, 100.0).delta == -20.0
    same = census_change(100.0, 100.0)
    assert same.word == NO_CHANGE and not same.significant and same.p_value is None
