"""Shape of the demo tables: row counts, value ranges, timestamps, consistent customers."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timedelta

import polars as pl
import pytest

from connectors.demo.generate import DemoSummary
from connectors.demo.phrases import SPECIAL_CONTACT_COMMENTS, SPECIAL_SURVEY_COMMENTS
from connectors.demo.schema import METADATA, TIME_COLUMNS
from tests.connectors.demo.tables import END, read_table

TIMESTAMP = "%Y-%m-%d %H:%M:%S"
# Columns holding a moment that has happened (promised_at may lie in the future).
EVENT_TIMES = {
    "survey_responses": ("submitted_at",),
    "support_contacts": ("opened_at", "closed_at"),
    "orders": ("ordered_at", "delivered_at"),
    "feedback_items": ("created_at",),
}
DAILY_TABLES = (
    "catalog_daily",
    "price_checks",
    "marketing_daily",
    "revenue_daily",
    "company_events",
    "custom_kpis",
)


def test_row_counts_match_the_summary_and_the_sizes_asked_for(recent: DemoSummary) -> None:
    with closing(sqlite3.connect(recent.path)) as connection:
        counted = {
            table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in METADATA.tables
        }
    assert counted == recent.rows
    assert recent.rows["survey_responses"] == 60_000
    assert recent.rows["orders"] == 100_000  # 5/3 of the responses
    assert recent.rows["catalog_daily"] == 90 * 4
    assert recent.rows["price_checks"] == 90 * 40
    assert recent.rows["revenue_daily"] == 90 * 3 * 5
    assert recent.rows["custom_kpis"] == 90 * 2
    assert (recent.start, recent.end) == (END - timedelta(days=89), END)


def test_every_table_has_an_index_on_its_time_column(recent: DemoSummary) -> None:
    with closing(sqlite3.connect(recent.path)) as connection:
        indexed = {
            (table, column)
            for table, column in TIME_COLUMNS.items()
            for (_, index, *_) in connection.execute(f"PRAGMA index_list({table})")
            if [row[2] for row in connection.execute(f"PRAGMA index_info({index})")] == [column]
        }
    assert indexed == set(TIME_COLUMNS.items())


@pytest.mark.parametrize("table,columns", EVENT_TIMES.items())
def test_timestamps_parse_and_lie_in_the_window(
    recent: DemoSummary, table: str, columns: tuple[str, ...]
) -> None:
    frame = read_table(recent.path, table)
    first = datetime(recent.start.year, recent.start.month, recent.start.day)
    last = datetime(END.year, END.month, END.day, 23, 59, 59)
    for column in columns:
        parsed = frame[column].drop_nulls().str.to_datetime(TIMESTAMP, strict=True)
        assert parsed.len() > 0
        assert parsed.min() >= first, column
        assert parsed.max() <= last, column


def test_orders_promise_after_ordering_and_some_are_still_in_transit(
    recent: DemoSummary,
) -> None:
    orders = read_table(recent.path, "orders").with_columns(
        pl.col("ordered_at", "promised_at", "delivered_at").str.to_datetime(TIMESTAMP)
    )
    assert (orders["promised_at"] > orders["ordered_at"]).all()
    assert orders["promised_at"].max() <= datetime(END.year, END.month, END.day) + timedelta(3)
    delivered = orders.filter(pl.col("delivered_at").is_not_null())
    assert (delivered["delivered_at"] > delivered["ordered_at"]).all()
    in_transit = orders.filter(pl.col("delivered_at").is_null())
    # Only recent orders are still on their way (a few slow North parcels take two weeks).
    assert 0 < in_transit.height < 0.02 * orders.height
    assert in_transit["ordered_at"].min() >= datetime(END.year, END.month, END.day) - timedelta(21)


@pytest.mark.parametrize("table", DAILY_TABLES)
def test_daily_dates_parse_and_cover_only_the_window(recent: DemoSummary, table: str) -> None:
    days = read_table(recent.path, table)["date"].str.to_date("%Y-%m-%d", strict=True)
    assert days.min() >= recent.start
    assert days.max() <= END
    if table != "company_events":
        assert days.n_unique() == 90


def test_survey_scores_stay_on_their_scales(recent: DemoSummary) -> None:
    responses = read_table(recent.path, "survey_responses")
    ranges = {
        survey: (low, high)
        for survey, low, high in responses.group_by("survey_type")
        .agg(low=pl.col("score").min(), high=pl.col("score").max())
        .iter_rows()
    }
    assert ranges == {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
    assert set(responses["touchpoint"]) == {"delivery", "support", "checkout", "app"}
    assert set(responses["plan"]) == {"basic", "plus", "pro"}
    assert set(responses["region"]) == {"North", "South", "East", "West"}
    assert set(responses["channel"]) == {"web", "app", "store"}
    assert responses.filter(
        pl.col("survey_type") == "ces", pl.col("touchpoint") == "delivery"
    ).is_empty()


def test_about_a_quarter_of_nps_and_csat_answers_have_a_comment(recent: DemoSummary) -> None:
    responses = read_table(recent.path, "survey_responses")
    share = (
        responses.group_by("survey_type")
        .agg(pl.col("comment").is_not_null().mean())
        .to_dict(as_series=False)
    )
    commented = dict(zip(share["survey_type"], share["comment"], strict=True))
    assert 0.18 <= commented["nps"] <= 0.32
    assert 0.18 <= commented["csat"] <= 0.32
    assert commented["ces"] <= 0.15


def test_contact_scores_are_optional_and_on_their_scales(recent: DemoSummary) -> None:
    contacts = read_table(recent.path, "support_contacts")
    ces, csat = contacts["ces_score"].drop_nulls(), contacts["csat_score"].drop_nulls()
    assert (ces.min(), ces.max()) == (1, 7)
    assert (csat.min(), csat.max()) == (1, 5)
    assert 0.33 <= ces.len() / contacts.height <= 0.45  # ~40% answer
    assert (contacts["handle_seconds"] > 0).all()
    assert set(contacts["channel"]) == {"phone", "chat", "email"}
    assert contacts["reason"].n_unique() == 8


def test_orders_have_positive_amounts_in_euro(recent: DemoSummary) -> None:
    orders = read_table(recent.path, "orders")
    assert (orders["amount"] > 0).all()
    assert (orders["shipping_cost"] >= 0).all()
    assert set(orders["currency"]) == {"EUR"}


def test_a_customer_keeps_plan_region_and_channel_across_tables(recent: DemoSummary) -> None:
    keys = ["customer_id", "plan", "region"]
    seen = pl.concat(
        [
            read_table(recent.path, "orders").select(*keys, "channel"),
            read_table(recent.path, "survey_responses").select(*keys, "channel"),
            read_table(recent.path, "support_contacts").select(
                *keys, pl.lit(None, pl.Utf8).alias("channel")
            ),
        ]
    )
    per_customer = seen.group_by("customer_id").agg(
        pl.col("plan").n_unique(),
        pl.col("region").n_unique(),
        pl.col("channel").drop_nulls().n_unique(),
    )
    assert per_customer["plan"].max() == 1
    assert per_customer["region"].max() == 1
    assert per_customer["channel"].max() <= 1
    assert seen["customer_id"].str.contains(r"^C\d{6}$").all()
    feedback = read_table(recent.path, "feedback_items").select("customer_id", "plan").unique()
    plans = seen.select("customer_id", "plan").unique()
    joined = feedback.join(plans, on="customer_id", suffix="_elsewhere")
    assert (joined["plan"] == joined["plan_elsewhere"]).all()


def test_comments_are_varied_and_tidy(recent: DemoSummary) -> None:
    survey = read_table(recent.path, "survey_responses")["comment"].drop_nulls()
    contacts = read_table(recent.path, "support_contacts")["comment"].drop_nulls()
    feedback = read_table(recent.path, "feedback_items")["text"].drop_nulls()
    assert survey.n_unique() >= 3_000
    assert contacts.n_unique() >= 1_000
    for texts in (survey, contacts, feedback):
        assert not texts.str.contains("  ").any()
        assert (texts == texts.str.strip_chars()).all()
        assert (texts.str.len_chars() > 0).all()


def test_special_comments_for_masking_and_safe_rendering_are_planted(
    recent: DemoSummary,
) -> None:
    survey = read_table(recent.path, "survey_responses")
    for survey_type, score, touchpoint, text in SPECIAL_SURVEY_COMMENTS:
        row = survey.filter(pl.col("comment") == text)
        assert row.select("survey_type", "score", "touchpoint").rows() == [
            (survey_type, score, touchpoint)
        ]
    comments = survey["comment"].drop_nulls()
    assert comments.str.contains("<b>html</b>", literal=True).sum() == 1
    assert comments.str.contains("[click](http://example.com)", literal=True).sum() == 1
    assert comments.str.contains(r"[\w.]+@example\.(com|org)").sum() == 2
    contact_comments = read_table(recent.path, "support_contacts")["comment"]
    assert set(SPECIAL_CONTACT_COMMENTS) <= set(contact_comments.drop_nulls())


def test_feedback_uses_one_taxonomy_with_roadmap_statuses(recent: DemoSummary) -> None:
    feedback = read_table(recent.path, "feedback_items")
    assert set(feedback["theme"]) == {
        "referrals", "faster delivery", "dark mode", "bulk ordering",
        "invoice export", "plan flexibility", "order tracking", "gift cards",
    }  # fmt: skip
    assert set(feedback["source"]) == {"support", "survey", "sales", "product"}
    assert set(feedback["status"]) <= {"new", "planned", "in_progress", "shipped", "wont_do"}
    # One status per roadmap item; unlinked requests are 'new'.
    linked = feedback.filter(pl.col("roadmap_item").is_not_null())
    assert linked.group_by("roadmap_item").agg(pl.col("status").n_unique())["status"].max() == 1
    assert set(feedback.filter(pl.col("roadmap_item").is_null())["status"]) == {"new"}
    value = dict(feedback.group_by("plan").agg(pl.col("account_value").median()).iter_rows())
    assert value["basic"] < value["plus"] < value["pro"]
