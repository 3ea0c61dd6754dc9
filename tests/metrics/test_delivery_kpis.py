"""Delivery speed, on-time rate and shipping cost: exact from raw orders, bounded from buckets."""

import math
from datetime import date, timedelta

import pytest
from scipy import stats as scipy_stats

from metrics.aggregates import order_counts
from metrics.engine import compute_kpi, compute_kpis
from metrics.periods import Period
from tests.metrics.fixtures import frame, utc

JAN = Period(date(2024, 1, 1), date(2024, 1, 31))
ORDERED = utc("2024-01-10", "00:00")


def order(hours=None, promise_hours=None, cost=None, ordered=ORDERED):
    return {
        "ordered_at": ordered,
        "customer_id": "c",
        "amount": 10.0,
        "delivered_at": None if hours is None else ordered + timedelta(hours=hours),
        "promised_at": None if promise_hours is None else ordered + timedelta(hours=promise_hours),
        "shipping_cost": cost,
    }


def five_deliveries(extra=()):
    # delivered after 10, 20, 30, 40, 100 h; one more order not delivered yet
    return frame("orders", [order(h) for h in (10, 20, 30, 40, 100)] + [order(None), *extra])


def test_delivery_quantiles_exact_from_raw_orders():
    # numpy.quantile([10, 20, 30, 40, 100], .5) = 30; .9 -> rank 4.6 -> 40 + 0.6·60 = 76
    p50, p90 = compute_kpis(
        ["delivery_p50_hours", "delivery_p90_hours"], {"orders": five_deliveries()}, JAN
    )
    assert p50.current.value == 30.0 and p50.current.exact and p50.current.n == 5
    assert p90.current.value == pytest.approx(76.0)
    assert p50.kpi.format_value(p50.current.value) == "30.0 h"


def test_delivery_quantiles_from_the_order_counts_histogram():
    # only the aggregate: values placed mid-bucket -> p50 = 30.25 (bucket width 0.5),
    # p90 = 40.25 + 0.6·(101 − 40.25) = 76.7 (buckets 0.5 and 2 h wide: bound 2 h)
    data = {"order_counts": order_counts(five_deliveries())}
    p50, p90 = compute_kpis(["delivery_p50_hours", "delivery_p90_hours"], data, JAN)
    assert p50.current.value == pytest.approx(30.25) and not p50.current.exact
    assert "within 0.5 h of the exact value" in p50.current.note
    assert p90.current.value == pytest.approx(76.7)
    assert "within 2 h of the exact value" in p90.current.note
    assert abs(p90.current.value - 76.0) <= 2.0


def test_a_delivery_before_its_order_is_left_out():
    orders = frame("orders", [order(h) for h in (10, 20, 30)] + [order(-5)])
    result = compute_kpi("delivery_p50_hours", {"orders": orders}, JAN)
    assert result.current.value == 20.0 and result.current.n == 3
    assert "1 deliveries stamped before their order left out" in result.current.note


def test_small_delivery_samples_are_never_called_up_or_down():
    # 5 orders a period: the p50 interval is open on both sides, so no test is made
    december = [order(h, ordered=utc("2023-12-10", "00:00")) for h in (1, 2, 3)]
    orders = five_deliveries(december)
    result = compute_kpi(
        "delivery_p50_hours", {"orders": orders}, JAN, Period(date(2023, 12, 1), date(2023, 12, 31))
    )
    assert result.previous.value == 2.0
    assert result.change.delta == 28.0 and result.change.word == "no significant change"


def test_on_time_rate_counts_unpromised_deliveries_as_not_on_time():
    # delivered: on time (30 ≤ 48), on time (48 ≤ 48), late (60 > 48), no promise;
    # not delivered: ignored -> 2 of 4 = 0.5
    orders = frame(
        "orders", [order(30, 48), order(48, 48), order(60, 48), order(20, None), order(None, 48)]
    )
    result = compute_kpi("on_time_rate", {"orders": orders}, JAN)
    assert result.current.value == 0.5 and result.current.n == 4
    assert "1 delivered order(s) without a promised date" in result.current.note


def test_shipping_cost_per_order_is_a_mean_with_t_interval():
    # costs 4, 6, 5 and one unknown -> 15/3 = 5, sd 1, 5 ± t(2)·1/√3
    orders = frame("orders", [order(None, cost=c) for c in (4.0, 6.0, None, 5.0)])
    result = compute_kpi("shipping_cost_per_order", {"orders": orders}, JAN)
    half = scipy_stats.t.ppf(0.975, 2) / math.sqrt(3)
    assert result.current.value == 5.0 and result.current.n == 3
    assert (result.current.low, result.current.high) == pytest.approx((5 - half, 5 + half))
    assert result.kpi.format_value(result.current.value) == "€5.00"


def test_orders_without_delivery_columns_say_so():
    orders = frame("orders", [{"ordered_at": ORDERED, "customer_id": "c", "amount": 1.0}])
    result = compute_kpi("on_time_rate", {"orders": orders}, JAN)
    assert result.current.value is None
    assert result.missing.startswith("orders has no delivered_at, promised_at column")
