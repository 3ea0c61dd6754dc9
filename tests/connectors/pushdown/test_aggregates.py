"""Live aggregates equal refresh mode: the same planted shop, read from SQL or from the snapshot.

Four sources hold the same rows: the demo's SQLite file read as UTC and as New
York wall-clock time (text timestamps), and PostgreSQL with timestamptz and
with text timestamps. For each, the aggregates pushed down to SQL and the KPIs
computed from them must equal what refresh mode (validation, then polars on
the snapshot) gives, to 1e-9 — planted bad rows, filters, DST days included.
"""

from __future__ import annotations

import math
from datetime import date

import polars as pl
import pytest

from connectors.pushdown.aggregate import live_data
from connectors.pushdown.relation import UnknownSegmentError
from metrics.aggregates import contact_counts, order_counts, survey_counts
from metrics.engine import compute_kpis, kpi_by_segment, kpi_trend
from metrics.periods import Period
from tests.connectors.pushdown.conftest import Case
from tests.connectors.pushdown.planted import (
    COMPARISON,
    HOSTILE_PLAN,
    NOW,
    TILE_PERIOD,
)

PERIOD = Period(*TILE_PERIOD)
EARLIER = Period(*COMPARISON)
SURVEY_KPIS = ["nps", "csat", "ces", "ces_easy_share"]
ORDER_KPIS = ["on_time_rate", "shipping_cost_per_order"]
QUANTILE_KPIS = ["delivery_p50_hours", "delivery_p90_hours"]


# ---------------------------------------------------------------------------------------------


def test_day_aggregates_equal_polars_ones(case: Case) -> None:
    periods = [EARLIER, PERIOD]
    zone = case.workspace.timezone
    expected = {
        "responses": survey_counts(
            case.frames["responses"], timezone=zone, segments=["plan"], periods=periods
        ),
        "orders": order_counts(
            case.frames["orders"], timezone=zone, segments=["plan"], periods=periods
        ),
        "contacts": contact_counts(
            case.frames["contacts"], timezone=zone, segments=["plan"], periods=periods
        ),
    }
    for dataset, polars_built in expected.items():
        live = case.live(dataset, periods, segments=["plan"], by_day=True)
        keys = [c for c in live.frame.columns if c not in _MEASURES]
        got = live.frame.sort(keys, nulls_last=True)
        want = polars_built.collect().select(live.frame.columns).sort(keys, nulls_last=True)
        assert got.height == want.height > 0, dataset
        assert got.select(keys).equals(want.select(keys).cast(got.select(keys).schema)), dataset
        for measure in (c for c in live.frame.columns if c in _MEASURES):
            assert _close(got[measure].to_list(), want[measure].to_list()), (dataset, measure)


_MEASURES = {"n", "handle_n", "handle_sum", "handle_sumsq", "ship_n", "ship_sum", "ship_sumsq"}


@pytest.mark.parametrize("filters", [{}, {"region": ["North", "(not set)"], "plan": ["pro"]}])
def test_tiles_equal_refresh_mode(case: Case, filters: dict) -> None:
    live = case.live_data([PERIOD, EARLIER], filters=filters)
    options = {"filters": filters, "settings": case.settings}
    got = compute_kpis(SURVEY_KPIS + ORDER_KPIS + QUANTILE_KPIS, live, PERIOD, EARLIER, **options)
    raw = compute_kpis(SURVEY_KPIS + ORDER_KPIS, case.frames, PERIOD, EARLIER, **options)
    # Raw orders give exact quantiles; the histogram ones are compared with polars' histogram.
    histogram = {
        "order_counts": order_counts(
            case.frames["orders"], timezone=case.workspace.timezone, segments=list(filters)
        )
    }
    bucketed = compute_kpis(QUANTILE_KPIS, histogram, PERIOD, EARLIER, **options)
    for live_result, reference in zip(got, raw + bucketed, strict=True):
        assert live_result.kpi.id == reference.kpi.id
        assert live_result.current.n > 0, live_result.kpi.id
        _assert_same_estimate(live_result.current, reference.current)
        _assert_same_estimate(live_result.previous, reference.previous)
        assert _close([live_result.change.p_value], [reference.change.p_value])
        assert live_result.change.significant == reference.change.significant


def test_segment_split_equals_refresh_mode(case: Case) -> None:
    filters = {"region": ["North", "South"]}
    live = case.live_data([PERIOD, EARLIER], segments=["plan"], filters=filters)
    options = {"comparison": EARLIER, "filters": filters, "settings": case.settings}
    got = kpi_by_segment("nps", live, PERIOD, "plan", **options)
    want = kpi_by_segment("nps", case.frames, PERIOD, "plan", **options)
    assert got["segment"].to_list() == want["segment"].to_list()
    assert HOSTILE_PLAN in got["segment"].to_list() or case.source.timezone != "UTC"
    for column in ("value", "low", "high", "previous_value", "p_value"):
        assert _close(got[column].to_list(), want[column].to_list()), column
    assert got["n"].to_list() == want["n"].to_list()


def test_weekly_trend_across_both_dst_switches(case: Case) -> None:
    whole = Period(date(2026, 3, 1), date(2026, 11, 1))
    live = case.live_data([whole], by_day=True)
    for kpi in ("csat", "on_time_rate"):
        got = kpi_trend(kpi, live, whole, "week", settings=case.settings)
        want = kpi_trend(kpi, case.frames, whole, "week", settings=case.settings)
        assert got["n"].to_list() == want["n"].to_list(), kpi
        assert _close(got["value"].to_list(), want["value"].to_list()), kpi


def test_rows_on_berlin_day_edges_fall_on_their_local_day(sqlite_case: Case) -> None:
    days = [Period(date(2026, 10, d), date(2026, 10, d)) for d in (24, 25)]
    live = sqlite_case.live("responses", days, segments=["region"], filters={"region": ["South"]})
    south = live.frame.filter(pl.col("survey") == "nps")
    # Planted in South: 0 at 21:59:59 UTC (24 Oct, Berlin) and 10 at 22:00:00 UTC (25 Oct).
    planted = {(r["day"], r["score"]) for r in south.iter_rows(named=True)}
    assert (date(2026, 10, 24), 0.0) in planted
    assert (date(2026, 10, 25), 10.0) in planted
    assert (date(2026, 10, 25), 0.0) not in planted or _demo_has(
        sqlite_case, date(2026, 10, 25), 0.0
    )


def _demo_has(case: Case, day: date, score: float) -> bool:
    counts = survey_counts(
        case.frames["responses"], timezone=case.workspace.timezone, segments=["region"]
    )
    return (
        counts.filter(
            (pl.col("day") == day) & (pl.col("score") == score) & (pl.col("region") == "South")
        )
        .collect()
        .height
        > 0
    )


def test_hostile_filter_values_are_plain_values(sqlite_case: Case) -> None:
    hostile = sqlite_case.live("responses", [EARLIER], filters={"plan": [HOSTILE_PLAN]})
    assert hostile.frame["n"].sum() == 1  # exactly the one planted row with that plan
    injected = sqlite_case.live("responses", [EARLIER, PERIOD], filters={"plan": ["x' OR 1=1 --"]})
    assert injected.frame.height == 0


def test_segments_outside_the_config_are_refused(sqlite_case: Case) -> None:
    for name in ("plan; DROP TABLE orders", "customer_id", "id"):
        with pytest.raises(UnknownSegmentError):
            sqlite_case.live("responses", [PERIOD], segments=[name])
        with pytest.raises(UnknownSegmentError):
            sqlite_case.live("responses", [PERIOD], filters={name: ["x"]})


def test_tile_transfer_is_a_few_rows_per_score(sqlite_case: Case) -> None:
    live = sqlite_case.live("responses", [PERIOD, EARLIER])
    # Two ranges × (11 NPS + 5 CSAT + 7 CES answers) at most.
    assert 0 < live.rows_transferred <= 2 * 23
    assert set(live.frame["day"].to_list()) == {PERIOD.start, EARLIER.start}


# ---------------------------------------------------------------------------------------------


def _assert_same_estimate(got, want) -> None:
    assert got.n == want.n
    assert _close([got.value, got.low, got.high], [want.value, want.low, want.high])
    assert got.small_sample == want.small_sample


def _close(got: list, want: list) -> bool:
    if len(got) != len(want):
        return False
    for a, b in zip(got, want, strict=True):
        if a is None or b is None:
            if a is not b:
                return False
        elif not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
            return False
    return True


def test_live_data_gives_each_dataset_the_filters_it_has(sqlite_case: Case) -> None:
    # channel is a segment of responses and orders but not of contacts (demo config).
    filters = {"plan": ["pro"], "channel": ["web"]}
    data = live_data(
        sqlite_case.workspace, ["responses", "orders", "contacts"], periods=[PERIOD, EARLIER],
        filters=filters, now=NOW,
    )  # fmt: skip
    assert "channel" not in data["contact_counts"].columns
    kpis = SURVEY_KPIS + ORDER_KPIS
    options = {"filters": filters, "settings": sqlite_case.settings}
    got = compute_kpis(kpis, data, PERIOD, EARLIER, **options)
    want = compute_kpis(kpis, sqlite_case.frames, PERIOD, EARLIER, **options)
    for live_result, reference in zip(got, want, strict=True):
        _assert_same_estimate(live_result.current, reference.current)
