"""The engine: periods in the reporting time zone, comparisons, segments, trends, absences."""

from datetime import date

import polars as pl
import pytest

import metrics.engine
from metrics.aggregates import survey_counts
from metrics.engine import (
    MetricUnavailableError,
    available_kpis,
    compute_kpi,
    compute_kpis,
    default_period,
    kpi_by_segment,
    kpi_trend,
)
from metrics.periods import Period
from metrics.registry import DEFAULT_REGISTRY
from metrics.settings import MetricSettings
from tests.metrics.fixtures import frame, nps_answers, responses, utc

JAN = Period(date(2024, 1, 1), date(2024, 1, 31))
DEC = Period(date(2023, 12, 1), date(2023, 12, 31))
BERLIN = MetricSettings(timezone="Europe/Berlin")
NEW_YORK = MetricSettings(timezone="America/New_York")


def test_a_response_at_23_30_local_on_the_last_day_of_a_month_belongs_to_that_month():
    # Berlin (UTC+1 in winter): 31 Jan 23:30 local = 22:30 UTC -> January;
    # 1 Feb 00:30 local = 31 Jan 23:30 UTC -> February, although its UTC date is 31 Jan
    data = {
        "responses": responses(
            ("nps", 10, "2024-01-31", "22:30"), ("nps", 0, "2024-01-31", "23:30")
        )
    }
    assert compute_kpi("nps", data, JAN, settings=BERLIN).current.value == 100.0
    in_utc = compute_kpi("nps", data, JAN)  # both are 31 January in UTC: NPS (1 − 1)/2 = 0
    assert in_utc.current.value == 0.0 and in_utc.current.n == 2
    february = Period(date(2024, 2, 1), date(2024, 2, 29))
    assert compute_kpi("nps", data, february, settings=BERLIN).current.value == -100.0


def test_new_york_month_boundary_in_a_monthly_trend():
    # 31 Mar 23:30 EDT = 1 Apr 03:30 UTC -> March in New York; 1 Apr 00:30 EDT = 04:30 UTC -> April
    data = {
        "responses": responses(
            ("nps", 10, "2024-04-01", "03:30"), ("nps", 0, "2024-04-01", "04:30")
        )
    }
    trend = kpi_trend(
        "nps", data, Period(date(2024, 3, 1), date(2024, 4, 30)), "month", settings=NEW_YORK
    )
    assert trend.select("bucket_start", "value", "n").rows() == [
        (date(2024, 3, 1), 100.0, 1),
        (date(2024, 4, 1), -100.0, 1),
    ]


def test_trend_keeps_empty_buckets_as_gaps_and_marks_partial_ones():
    # answers on Tue 2 Jan (10, 10) and Tue 16 Jan (0); nothing in the week of 8 Jan
    data = {
        "responses": responses(
            ("nps", 10, "2024-01-02"), ("nps", 10, "2024-01-02"), ("nps", 0, "2024-01-16")
        )
    }
    trend = kpi_trend("nps", data, Period(date(2024, 1, 2), date(2024, 1, 21)), "week")
    assert trend["bucket_start"].to_list() == [
        date(2024, 1, 1),
        date(2024, 1, 8),
        date(2024, 1, 15),
    ]
    assert trend["bucket_end"].to_list() == [date(2024, 1, 7), date(2024, 1, 14), date(2024, 1, 21)]
    assert trend["value"].to_list() == [100.0, None, -100.0]
    assert trend["n"].to_list() == [2, 0, 1]
    assert trend["partial"].to_list() == [True, False, False]  # the period starts on a Tuesday


def test_segment_absent_in_one_period_still_appears():
    # plan "trial" answered only in December; "pro" in both
    answers = pl.concat(
        [
            nps_answers([10, 9, 0], day="2024-01-10", plan="pro"),
            nps_answers([10, 0], day="2023-12-10", plan="pro"),
            nps_answers([10, 10], day="2023-12-10", plan="trial"),
        ]
    )
    table = kpi_by_segment("nps", {"responses": answers}, JAN, "plan", comparison=DEC)
    rows = {r["segment"]: r for r in table.iter_rows(named=True)}
    assert set(rows) == {"pro", "trial"}
    assert rows["pro"]["value"] == pytest.approx(100 / 3) and rows["pro"]["previous_value"] == 0.0
    assert rows["trial"]["value"] is None and rows["trial"]["n"] == 0
    assert rows["trial"]["previous_value"] == 100.0 and rows["trial"]["previous_n"] == 2
    assert rows["trial"]["word"] == "no comparison data"
    assert all(rows[s]["small_sample"] for s in rows)


def test_segment_filters_and_empty_segment_values():
    # pro: 10, 10; free: 0; one answer without a plan: 9
    answers = pl.concat(
        [
            nps_answers([10, 10], plan="pro"),
            nps_answers([0], plan="free"),
            nps_answers([9]),
        ],
        how="diagonal",
    )
    data = {"responses": answers}
    assert compute_kpi("nps", data, JAN, filters={"plan": ["pro"]}).current.value == 100.0
    assert compute_kpi("nps", data, JAN, filters={"plan": []}).current.n == 4  # no filter
    assert compute_kpi("nps", data, JAN, filters={"plan": ["(not set)"]}).current.n == 1
    table = kpi_by_segment("nps", data, JAN, "plan")
    assert dict(table.select("segment", "n").rows()) == {"(not set)": 1, "free": 1, "pro": 2}


def test_a_filter_the_dataset_cannot_apply_makes_the_kpi_missing():
    data = {"responses": nps_answers([10]), "orders": None}
    result = compute_kpi("nps", data, JAN, filters={"region": ["North"]})
    assert result.current.value is None
    assert (
        result.missing
        == "responses has no 'region' segment, so NPS can't be split or filtered by it"
    )
    with pytest.raises(MetricUnavailableError, match="no 'region' segment"):
        kpi_by_segment("nps", data, JAN, "region")


def test_absent_dataset_says_so_everywhere():
    result = compute_kpi("on_time_rate", {"responses": nps_answers([10])}, JAN, DEC)
    assert (
        result.missing
        == "no orders data in this workspace: On-time delivery is computed from orders"
    )
    assert result.current.value is None and result.change.word == "no comparison data"
    with pytest.raises(MetricUnavailableError, match="no orders data"):
        kpi_trend("on_time_rate", {}, JAN, "week")


def test_a_prebuilt_aggregate_gives_the_same_numbers_as_raw_rows():
    answers = pl.concat(
        [
            nps_answers([10, 9, 7, 3], plan="pro"),
            nps_answers([0, 6, 10], day="2023-12-24", plan="free"),
            responses(("csat", 5, "2024-01-03"), ("ces", 6, "2024-01-04"), plan="pro"),
        ]
    )
    counts = survey_counts(answers, timezone="Europe/Berlin", segments=["plan"])
    kpis = ["nps", "csat", "ces"]
    raw = compute_kpis(kpis, {"responses": answers}, JAN, DEC, settings=BERLIN)
    aggregated = compute_kpis(kpis, {"survey_counts": counts}, JAN, DEC, settings=BERLIN)
    assert [(r.current, r.previous, r.change) for r in raw] == [
        (r.current, r.previous, r.change) for r in aggregated
    ]
    split = kpi_by_segment("nps", {"survey_counts": counts}, JAN, "plan", settings=BERLIN)
    assert split.equals(kpi_by_segment("nps", {"responses": answers}, JAN, "plan", settings=BERLIN))


def test_compute_kpis_aggregates_each_dataset_once(monkeypatch):
    calls = []
    real = metrics.engine.day_aggregate

    def counting(dataset, *args, **kwargs):
        calls.append(dataset)
        return real(dataset, *args, **kwargs)

    monkeypatch.setattr(metrics.engine, "day_aggregate", counting)
    answers = pl.concat([nps_answers([10, 0]), responses(("csat", 5, "2024-01-03"))])
    results = compute_kpis(
        ["nps", "csat", "ces", "ces_easy_share"], {"responses": answers}, JAN, DEC
    )
    assert calls == ["responses"]
    single = compute_kpi("csat", {"responses": answers}, JAN, DEC)
    assert results[1].current == single.current


def test_overlapping_comparison_period():
    # current 1–31 Jan, comparison 15 Jan – 14 Feb: the 15–31 Jan answers count in both
    data = {
        "responses": pl.concat(
            [nps_answers([10], day="2024-01-05"), nps_answers([0], day="2024-01-20")]
        )
    }
    result = compute_kpi("nps", data, JAN, Period(date(2024, 1, 15), date(2024, 2, 14)))
    assert (result.current.value, result.current.n) == (0.0, 2)
    assert (result.previous.value, result.previous.n) == (-100.0, 1)


def test_default_period_is_anchored_to_the_latest_local_day_with_data():
    # latest answer at 23:30 UTC on 30 Apr = 1 May in Berlin
    data = {"responses": responses(("nps", 9, "2024-04-30", "23:30"), ("nps", 9, "2024-03-01"))}
    assert default_period(data, days=30) == Period(date(2024, 4, 1), date(2024, 4, 30))
    assert default_period(data, days=7, settings=BERLIN) == Period(
        date(2024, 4, 25), date(2024, 5, 1)
    )


def test_available_kpis_follow_the_data():
    orders = frame(
        "orders",
        [
            {
                "ordered_at": utc("2024-01-02"),
                "customer_id": "c",
                "amount": 5.0,
                "shipping_cost": 1.0,
            }
        ],
    )
    ids = [k.id for k in available_kpis({"responses": nps_answers([9]), "orders": orders})]
    # every survey KPI (responses has all its columns), and of the order KPIs only the one whose
    # optional column the orders have (no delivered_at, no promised_at)
    survey_kpis = [k.id for k in DEFAULT_REGISTRY if k.dataset == "responses"]
    assert ids == [*survey_kpis, "shipping_cost_per_order"]
    assert {"nps", "csat", "ces"} <= set(survey_kpis)
