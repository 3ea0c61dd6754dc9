"""Acquisition and revenue KPIs on hand-checkable rows."""

from datetime import date

import pytest

from metrics.engine import compute_kpi, compute_kpis, kpi_trend
from metrics.periods import Period
from tests.metrics.fixtures import d, frame

JAN = Period(date(2024, 1, 1), date(2024, 1, 31))
DEC = Period(date(2023, 12, 1), date(2023, 12, 31))
GROWTH = ["new_customers", "cac", "conversion"]


def acquisition():
    # ads: 10 new, €500, 1000 visitors; organic: 5 new, no spend, no visitor count;
    # email: 5 new, €100, 250 visitors
    return frame(
        "acquisition",
        [
            {
                "date": d("2024-01-05"),
                "channel": "ads",
                "new_customers": 10,
                "spend": 500.0,
                "visitors": 1000,
            },
            {
                "date": d("2024-01-05"),
                "channel": "organic",
                "new_customers": 5,
                "spend": None,
                "visitors": None,
            },
            {
                "date": d("2024-01-06"),
                "channel": "email",
                "new_customers": 5,
                "spend": 100.0,
                "visitors": 250,
            },
        ],
    )


def test_new_customers_cac_and_conversion():
    # new = 20; CAC = (500 + 100) / 20 = 30 (blended); conversion = (10 + 5) / (1000 + 250)
    new, cac, conversion = compute_kpis(GROWTH, {"acquisition": acquisition()}, JAN)
    assert new.current.value == 20.0
    assert cac.current.value == 30.0
    assert conversion.current.value == pytest.approx(15 / 1250)
    assert conversion.current.n == 1250
    assert cac.kpi.format_value(cac.current.value) == "€30.00"


def test_acquisition_by_channel_filter():
    new, cac, conversion = compute_kpis(
        GROWTH, {"acquisition": acquisition()}, JAN, filters={"channel": ["ads"]}
    )
    assert (new.current.value, cac.current.value) == (10.0, 50.0)
    assert conversion.current.value == pytest.approx(0.01)


def test_cac_and_conversion_need_their_columns():
    bare = acquisition().drop("spend", "visitors")
    new, cac, conversion = compute_kpis(GROWTH, {"acquisition": bare}, JAN)
    assert new.current.value == 20.0
    assert cac.missing.startswith("acquisition has no spend column")
    assert conversion.missing.startswith("acquisition has no visitors column")


def test_census_change_of_new_customers():
    december = frame(
        "acquisition", [{"date": d("2023-12-05"), "channel": "ads", "new_customers": 25}]
    )
    rows = acquisition().select("date", "channel", "new_customers").vstack(december)
    result = compute_kpi("new_customers", {"acquisition": rows}, JAN, DEC)
    assert result.change.delta == -5.0 and result.change.word == "down"
    assert result.change.p_value is None  # a complete count: no sampling, no test


def revenue():
    # recurring rows: revenue recognised that day in amount, the day's MRR snapshot in mrr
    # 31 Dec snapshot: MRR 6,000 + 4,000 = 10,000 (the starting MRR of January)
    # January moves: expansion +800, contraction −200, churn −500
    # 31 Jan snapshot: 6,800 + 3,500 = 10,300
    row = lambda day, customer, kind, amount, mrr=None: {  # noqa: E731
        "date": d(day),
        "customer_id": customer,
        "kind": kind,
        "amount": amount,
        "mrr": mrr,
    }
    return frame(
        "revenue",
        [
            row("2023-12-31", "c1", "recurring", 200.0, 6000.0),
            row("2023-12-31", "c2", "recurring", 130.0, 4000.0),
            row("2024-01-10", "c2", None, 65.0),
            row("2024-01-15", "c1", "expansion", 800.0),
            row("2024-01-20", "c2", "contraction", -200.0),
            row("2024-01-25", "c3", "churn", -500.0),
            row("2024-01-31", "c1", "recurring", 220.0, 6800.0),
            row("2024-01-31", "c2", "recurring", 115.0, 3500.0),
        ],
    )


def test_revenue_mrr_arr_nrr_and_gross_churn():
    # revenue = recognised revenue only: 65 (no kind) + 220 + 115 (recurring) = 400; the
    # movement rows carry MRR changes, not revenue. MRR = 6,800 + 3,500 = 10,300 (31 Jan
    # snapshot); ARR = 123,600
    # NRR = (10,000 + 800 − 200 − 500) / 10,000 = 1.01; gross churn = 700 / 10,000 = 0.07
    kpis = ["revenue", "mrr", "arr", "nrr", "gross_churn"]
    values = {r.kpi.id: r.current.value for r in compute_kpis(kpis, {"revenue": revenue()}, JAN)}
    assert values == pytest.approx(
        {"revenue": 400.0, "mrr": 10300.0, "arr": 123600.0, "nrr": 1.01, "gross_churn": 0.07}
    )


def test_nrr_without_a_snapshot_before_the_period_says_why():
    # December has no earlier snapshot to start from
    result = compute_kpi("nrr", {"revenue": revenue()}, DEC)
    assert result.current.value is None
    assert "no MRR snapshot before the period" in result.missing


def test_nrr_trend_starts_each_bucket_from_the_previous_snapshot():
    # week of Mon 15 Jan starts from the 31 Dec snapshot (10,000): +800 (15th) −200 (20th)
    # -> 1.06; week of 22 Jan, still from 31 Dec (no snapshot in between): −500 -> 0.95
    trend = kpi_trend(
        "nrr", {"revenue": revenue()}, Period(date(2024, 1, 15), date(2024, 1, 28)), "week"
    )
    assert trend["value"].to_list() == pytest.approx([1.06, 0.95])


def test_revenue_missing_dataset():
    result = compute_kpi("revenue", {"acquisition": acquisition()}, JAN)
    assert result.missing == "no revenue data in this workspace: Revenue is computed from revenue"
    assert result.current.value is None and result.status == "none"
