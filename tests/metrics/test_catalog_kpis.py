"""Selection and price index from daily catalog rows."""

import math
from datetime import date

import pytest

from metrics.engine import compute_kpi, compute_kpis
from metrics.periods import Period
from tests.metrics.fixtures import d, frame

JAN = Period(date(2024, 1, 1), date(2024, 1, 31))


def selection():
    # 2 Jan: A 100 offered / 90 in stock, B 50 / 40 -> day total 150
    # 3 Jan: A 110 / 100, B 50 / unknown stock -> day total 160; no snapshot on other days
    return frame(
        "selection",
        [
            {"date": d("2024-01-02"), "skus_offered": 100, "skus_in_stock": 90, "category": "A"},
            {"date": d("2024-01-02"), "skus_offered": 50, "skus_in_stock": 40, "category": "B"},
            {"date": d("2024-01-03"), "skus_offered": 110, "skus_in_stock": 100, "category": "A"},
            {"date": d("2024-01-03"), "skus_offered": 50, "skus_in_stock": None, "category": "B"},
        ],
    )


def test_skus_offered_is_the_mean_daily_total_over_days_with_a_snapshot():
    # mean(150, 160) = 155; the 29 days without a snapshot are not zeros
    result = compute_kpi("skus_offered", {"selection": selection()}, JAN)
    assert result.current.value == 155.0 and result.current.n == 2
    assert result.current.low is None and result.kpi.format_value(155.0) == "155"


def test_in_stock_rate_uses_rows_that_report_stock():
    # (90 + 40 + 100) / (100 + 50 + 110) = 230 / 260
    result = compute_kpi("in_stock_rate", {"selection": selection()}, JAN)
    assert result.current.value == pytest.approx(230 / 260) and result.current.n == 260


def test_selection_filtered_to_one_category():
    skus, stock = compute_kpis(
        ["skus_offered", "in_stock_rate"],
        {"selection": selection()},
        JAN,
        filters={"category": ["B"]},
    )
    assert skus.current.value == 50.0  # mean(50, 50)
    assert stock.current.value == pytest.approx(40 / 50)


def test_price_index_by_hand():
    # (9, 10), (11, 10), (20, 25) -> 100 × 40 / 45 = 88.89; the row with reference 0 is left out
    # delta-method SE = 100 · sqrt(Σ(x − R y)² / (n(n − 1))) / ȳ = 8.34773
    prices = frame(
        "prices",
        [
            {"date": d("2024-01-05"), "item": "a", "our_price": 9.0, "reference_price": 10.0},
            {"date": d("2024-01-05"), "item": "b", "our_price": 11.0, "reference_price": 10.0},
            {"date": d("2024-01-06"), "item": "c", "our_price": 20.0, "reference_price": 25.0},
            {"date": d("2024-01-06"), "item": "d", "our_price": 5.0, "reference_price": 0.0},
        ],
    )
    result = compute_kpi("price_index", {"prices": prices}, JAN)
    ratio = 40 / 45
    residual = (9 - ratio * 10) ** 2 + (11 - ratio * 10) ** 2 + (20 - ratio * 25) ** 2
    se = 100 * math.sqrt(residual / 6) / 15
    assert result.current.value == pytest.approx(100 * ratio, abs=1e-9)
    assert result.current.high - result.current.value == pytest.approx(1.959963984540054 * se)
    assert result.current.n == 3
    assert result.status == "green"  # 88.9 ≤ 100: cheaper than the reference
