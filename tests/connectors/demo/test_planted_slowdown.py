"""The planted North slowdown is present in the data, measured with plain polars."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from connectors.demo.generate import DemoSummary
from connectors.demo.story import (
    PLANTED_SLOWDOWN_REGION,
    SLOWDOWN_EVENT_TITLE,
    baseline_dates,
    slowdown_dates,
)
from tests.connectors.demo.tables import END, read_table

OTHER_REGIONS = ("South", "East", "West")


def test_slowdown_and_baseline_are_the_last_two_30_day_windows() -> None:
    # 2026-11-22 minus 29 days is 2026-10-24; the 30 days before end on 2026-10-23.
    assert slowdown_dates(END) == (date(2026, 10, 24), date(2026, 11, 22))
    assert baseline_dates(END) == (date(2026, 9, 24), date(2026, 10, 23))
    assert PLANTED_SLOWDOWN_REGION == "North"


def with_window(frame: pl.DataFrame, time_column: str) -> pl.DataFrame:
    """Label each row 'slow', 'base' or null by the day of ``time_column``."""
    slow_first, slow_last = slowdown_dates(END)
    base_first, base_last = baseline_dates(END)
    day = pl.col(time_column).str.slice(0, 10).str.to_date()
    return frame.with_columns(
        window=pl.when(day.is_between(slow_first, slow_last))
        .then(pl.lit("slow"))
        .when(day.is_between(base_first, base_last))
        .then(pl.lit("base"))
    ).filter(pl.col("window").is_not_null())


def nps_by_region_and_window(path) -> dict[tuple[str, str], float]:
    responses = read_table(path, "survey_responses").filter(pl.col("survey_type") == "nps")
    table = (
        with_window(responses, "submitted_at")
        .group_by("region", "window")
        .agg(nps=100 * ((pl.col("score") >= 9).mean() - (pl.col("score") <= 6).mean()))
    )
    return {(r, w): v for r, w, v in table.iter_rows()}


def test_north_nps_drops_while_other_regions_hold(recent: DemoSummary) -> None:
    nps = nps_by_region_and_window(recent.path)
    assert nps[("North", "base")] - nps[("North", "slow")] >= 15
    for region in OTHER_REGIONS:
        assert abs(nps[(region, "slow")] - nps[(region, "base")]) <= 8, region


def test_north_deliveries_slow_down_and_miss_the_promise(recent: DemoSummary) -> None:
    orders = with_window(read_table(recent.path, "orders"), "ordered_at").filter(
        pl.col("delivered_at").is_not_null()
    )
    timestamp = "%Y-%m-%d %H:%M:%S"
    stats = {
        (region, window): (on_time, hours)
        for region, window, on_time, hours in orders.group_by("region", "window")
        .agg(
            on_time=(pl.col("delivered_at") <= pl.col("promised_at")).mean(),
            hours=(
                pl.col("delivered_at").str.to_datetime(timestamp)
                - pl.col("ordered_at").str.to_datetime(timestamp)
            )
            .dt.total_seconds()
            .median()
            / 3600,
        )
        .iter_rows()
    }
    north_base, north_slow = stats[("North", "base")], stats[("North", "slow")]
    assert north_base[0] >= 0.88
    assert north_slow[0] <= 0.65
    assert north_slow[1] >= 1.6 * north_base[1]
    for region in OTHER_REGIONS:
        assert abs(stats[(region, "slow")][0] - stats[(region, "base")][0]) <= 0.04, region


def test_late_deliveries_make_delivery_detractors(recent: DemoSummary) -> None:
    # Delivery answers in North during the slowdown are mostly detractors; before it, few.
    responses = with_window(read_table(recent.path, "survey_responses"), "submitted_at")
    north_delivery = responses.filter(
        pl.col("region") == "North",
        pl.col("touchpoint") == "delivery",
        pl.col("survey_type") == "nps",
    )
    detractors = north_delivery.group_by("window").agg(share=(pl.col("score") <= 6).mean())
    share = dict(detractors.iter_rows())
    assert share["base"] < 0.2
    assert share["slow"] > 0.35


def test_where_is_my_order_contacts_rise_in_north(recent: DemoSummary) -> None:
    contacts = with_window(read_table(recent.path, "support_contacts"), "opened_at").filter(
        pl.col("reason") == "where is my order"
    )
    counts = {(r, w): n for r, w, n in contacts.group_by("region", "window").len().iter_rows()}
    assert counts[("North", "slow")] >= 2.5 * counts[("North", "base")]
    for region in OTHER_REGIONS:
        assert counts[(region, "slow")] <= 1.6 * counts[(region, "base")], region


def test_delivery_feedback_rises_in_north(recent: DemoSummary) -> None:
    feedback = with_window(read_table(recent.path, "feedback_items"), "created_at")
    customers = read_table(recent.path, "orders").select("customer_id", "region").unique()
    asks = (
        feedback.filter(pl.col("theme").is_in(["faster delivery", "order tracking"]))
        .join(customers, on="customer_id")
        .filter(pl.col("region") == "North")
    )
    counts = dict(asks.group_by("window").len().iter_rows())
    assert counts["slow"] >= 2 * counts["base"]


def test_carrier_change_event_marks_the_first_slow_day(recent: DemoSummary) -> None:
    events = read_table(recent.path, "company_events").filter(
        pl.col("title") == SLOWDOWN_EVENT_TITLE
    )
    assert events.rows() == [
        (slowdown_dates(END)[0].isoformat(), SLOWDOWN_EVENT_TITLE, "incident", events["link"][0])
    ]
    assert END - timedelta(days=29) == slowdown_dates(END)[0]


def test_slow_north_comments_blame_the_delivery(recent: DemoSummary) -> None:
    responses = with_window(read_table(recent.path, "survey_responses"), "submitted_at")
    slow_north_complaints = responses.filter(
        pl.col("window") == "slow",
        pl.col("region") == "North",
        pl.col("touchpoint") == "delivery",
        pl.col("score") <= 3,
        pl.col("comment").is_not_null(),
    )["comment"]
    mentions_lateness = slow_north_complaints.str.contains(
        r"late|behind schedule|after the promised|an extra|courier|carrier|depot|driver"
    )
    assert slow_north_complaints.len() >= 20
    assert mentions_lateness.mean() >= 0.7
