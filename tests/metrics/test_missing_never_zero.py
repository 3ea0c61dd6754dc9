"""Missing is never zero: without one of its inputs, every KPI says "no data", never a number.

Issue 16: an Olist workspace without a spend column showed CAC "BRL 0.00", because the
aggregate summed the missing spend to 0. Here, for every KPI in the registry (built-in
and one custom KPI of each aggregation), random valid data gives a number; then each of
its inputs (``metrics.availability.kpi_inputs``) in turn is removed or emptied (all
nulls, as the connector stores an unmapped optional column), and the KPI must come back
with no value and a reason. Both ways the engine reads data are checked: raw rows, and
the stored day aggregate beside the rows (what the pages read).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canonical.datasets import dataset_spec
from metrics.aggregates import AGGREGATES, day_aggregate
from metrics.availability import kpi_inputs
from metrics.custom import CUSTOM_AGGREGATIONS, CustomKpiSpec
from metrics.engine import compute_kpis
from metrics.periods import Period
from metrics.registry import build_registry
from tests.metrics.fixtures import frame

JAN = Period(date(2024, 1, 1), date(2024, 1, 31))
DECEMBER = date(2023, 12, 1)
REGISTRY = build_registry(
    [CustomKpiSpec(f"custom_{a}", f"Custom {a}", aggregation=a) for a in CUSTOM_AGGREGATIONS]
)
INPUTS = sorted({(kpi.dataset, column) for kpi in REGISTRY for column in kpi_inputs(kpi)})
"""Every (dataset, input column) some KPI reads: each is taken away in turn."""
KPIS_READING = defaultdict(list)
for _kpi in REGISTRY:
    for _column in kpi_inputs(_kpi):
        KPIS_READING[(_kpi.dataset, _column)].append(_kpi.id)

days = st.integers(0, 30).map(lambda i: JAN.start + timedelta(days=i))
moments = st.integers(0, 31 * 24 - 1).map(
    lambda h: datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=h)
)


@st.composite
def shop(draw) -> dict[str, pl.DataFrame]:
    """One small valid shop with every dataset, so every KPI has a number in January."""
    answers = [
        {"survey": survey, "score": float(draw(st.integers(low, high))), "responded_at": at}
        for survey, low, high in (("nps", 0, 10), ("csat", 1, 5), ("ces", 1, 7))
        for at in draw(st.lists(moments, min_size=2, max_size=6))
    ]
    orders = []
    for at in draw(st.lists(moments, min_size=2, max_size=6)):
        hours = draw(st.integers(1, 200))
        orders.append(
            {
                "ordered_at": at,
                "customer_id": "c1",
                "amount": 20.0,
                "delivered_at": at + timedelta(hours=hours),
                "promised_at": at + timedelta(hours=draw(st.integers(1, 200))),
                "shipping_cost": float(draw(st.integers(0, 9))),
            }
        )
    catalogue = [
        {"date": day, "skus_offered": draw(st.integers(1, 50)), "skus_in_stock": 1}
        for day in draw(st.lists(days, min_size=1, max_size=4, unique=True))
    ]
    prices = [
        {
            "date": day,
            "item": "a",
            "our_price": 9.0,
            "reference_price": float(draw(st.integers(5, 12))),
        }
        for day in draw(st.lists(days, min_size=2, max_size=4))
    ]
    acquisition = [
        {
            "date": day,
            "channel": "ads",
            "new_customers": draw(st.integers(1, 9)),
            "spend": float(draw(st.integers(0, 500))),
            "visitors": 100,
        }
        for day in draw(st.lists(days, min_size=1, max_size=4))
    ]
    # A snapshot of MRR before January (retention's start) and movements inside it.
    revenue = [{"date": DECEMBER, "amount": 0.0, "kind": "recurring", "mrr": 1000.0}] + [
        {"date": day, "amount": float(draw(st.integers(1, 90))), "kind": kind, "mrr": 1000.0}
        for day, kind in zip(
            draw(st.lists(days, min_size=3, max_size=3)),
            ("recurring", "expansion", "churn"),
            strict=True,
        )
    ]
    values = [
        {"date": day, "kpi": f"custom_{a}", "value": float(draw(st.integers(1, 5)))}
        for a in CUSTOM_AGGREGATIONS
        for day in draw(st.lists(days, min_size=1, max_size=3))
    ]
    return {
        "responses": frame("responses", answers),
        "orders": frame("orders", orders),
        "selection": frame("selection", catalogue),
        "prices": frame("prices", prices),
        "acquisition": frame("acquisition", acquisition),
        "revenue": frame("revenue", revenue),
        "kpi_values": frame("kpi_values", values),
    }


def with_aggregates(data: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The rows beside their stored day aggregate over all days, as the pages read a snapshot."""
    stored = {
        AGGREGATES[name].name: day_aggregate(name, {name: rows}, periods=None).collect()
        for name, rows in data.items()
    }
    return {**data, **stored}


def results(data: dict[str, pl.DataFrame], kpi_ids: list[str]):
    return compute_kpis(kpi_ids, data, JAN, JAN.previous(), registry=REGISTRY)


def taken_away(rows: pl.DataFrame, dataset: str, column: str, how: str) -> pl.DataFrame:
    if how == "removed":
        return rows.drop(column)
    return rows.with_columns(
        pl.lit(None, dtype=dataset_spec(dataset).column(column).dtype).alias(column)
    )


@pytest.mark.parametrize(
    ("stored", "how"),
    [(False, "removed"), (False, "emptied"), (True, "emptied")],
    # A refresh stores an unmapped column as nulls, so the stored aggregate sees it emptied.
    ids=["rows, column removed", "rows, column emptied", "stored aggregate, column emptied"],
)
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=shop())
def test_a_kpi_without_one_of_its_inputs_has_no_data_never_a_number(data, stored, how):
    read = with_aggregates if stored else dict
    whole = {r.kpi.id: r for r in results(read(data), REGISTRY.ids)}
    assert all(r.current.value is not None for r in whole.values()), {
        k: r.missing for k, r in whole.items() if r.current.value is None
    }
    for dataset, column in INPUTS:
        broken = {**data, dataset: taken_away(data[dataset], dataset, column, how)}
        for result in results(read(broken), KPIS_READING[(dataset, column)]):
            shown = (result.kpi.id, dataset, column, result.current.value)
            assert result.current.value is None, shown
            assert result.missing, shown
            assert result.status == "none", shown
