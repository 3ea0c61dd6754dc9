"""metrics.distributions gives what scipy.stats gives, on the values KPIs use."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from metrics.distributions import (
    binomial_quantile,
    normal_quantile,
    normal_upper_tail,
    t_quantile,
    t_upper_tail,
)

PROBABILITIES = np.array([0.001, 0.025, 0.05, 0.5, 0.9, 0.95, 0.975, 0.995])


def test_normal_quantile_at_95_percent_is_1_96():
    assert normal_quantile(0.975) == pytest.approx(1.959963984540054, abs=1e-12)
    np.testing.assert_allclose(normal_quantile(PROBABILITIES), stats.norm.ppf(PROBABILITIES))


def test_normal_upper_tail():
    x = np.array([-3.0, -1.0, 0.0, 0.5, 1.96, 4.0])
    assert normal_upper_tail(1.959963984540054) == pytest.approx(0.025, abs=1e-12)
    np.testing.assert_allclose(normal_upper_tail(x), stats.norm.sf(x))


@pytest.mark.parametrize("df", [1, 2, 9, 29.5, 1000])
def test_t_quantile_and_tail(df):
    np.testing.assert_allclose(t_quantile(PROBABILITIES, df), stats.t.ppf(PROBABILITIES, df))
    x = np.array([0.0, 0.7, 2.0, 5.0])
    np.testing.assert_allclose(t_upper_tail(x, df), stats.t.sf(x, df))


def test_t_quantile_with_ten_degrees_of_freedom_and_missing_df():
    assert t_quantile(0.975, 10) == pytest.approx(2.2281388519649385, abs=1e-9)
    assert np.isnan(t_quantile(0.975, np.nan))


@pytest.mark.parametrize("n", [1, 2, 5, 30, 101, 12_345])
@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_binomial_quantile_at_the_confidence_bounds(n, p):
    # The tails a quantile's confidence interval uses. (At an exact tie, such as
    # q = 0.5 for Binomial(101, 0.5), rounding may pick either neighbour.)
    q = np.array([0.005, 0.025, 0.05, 0.95, 0.975, 0.995])
    expected = stats.binom.ppf(q, n, p)
    np.testing.assert_array_equal(binomial_quantile(q, n, p), expected)


def test_binomial_quantile_by_hand():
    # Binomial(2, 0.5): P(X<=0)=0.25, P(X<=1)=0.75, P(X<=2)=1.
    assert binomial_quantile(0.25, 2, 0.5) == 0
    assert binomial_quantile(0.26, 2, 0.5) == 1
    assert binomial_quantile(0.75, 2, 0.5) == 1
    assert binomial_quantile(0.76, 2, 0.5) == 2
