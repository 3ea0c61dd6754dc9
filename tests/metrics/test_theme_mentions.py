"""Theme mentions: feedback items plus tagged comments and notes, counted by distinct customer."""

from datetime import date

import polars as pl
import pytest

from metrics.feedback import feedback_themes
from metrics.periods import Period
from metrics.theme_mentions import (
    feedback_theme_trend,
    theme_mentions,
    theme_summary,
    theme_trend,
)
from tests.metrics.fixtures import frame, utc

JAN = Period(date(2024, 1, 1), date(2024, 1, 31))
TAXONOMY = {"referrals": ("invite", "referral*"), "dark mode": ("dark mode",)}


def feedback(*rows):
    """(day, theme, customer, value, roadmap item, status, plan) rows."""
    return frame(
        "feedback",
        [
            {
                "created_at": utc(day),
                "theme": theme,
                "source": "sales",
                "customer_id": customer,
                "account_value": value,
                "text": f"{theme} please",
                "roadmap_item": item,
                "status": status,
                "plan": plan,
            }
            for day, theme, customer, value, item, status, plan in rows
        ],
    )


DATA = {
    "feedback": feedback(
        ("2024-01-03", "referrals", "C1", 100.0, "Refer-a-friend", "planned", "pro"),
        ("2024-01-20", "referrals", "C2", 50.0, "Refer-a-friend", "shipped", "basic"),
        ("2024-01-21", "dark mode", "C3", 10.0, None, "new", "basic"),
    ),
    "responses": frame(
        "responses",
        [
            {
                "survey": "nps",
                "score": 9.0,
                "responded_at": utc("2024-01-04"),
                "customer_id": "C1",
                "comment": "I'd invite friends",
                "plan": "pro",
                "region": "North",
            },
            {
                "survey": "nps",
                "score": 3.0,
                "responded_at": utc("2024-01-09"),
                "customer_id": "C9",
                "comment": "Referrals! And dark mode",
                "plan": "basic",
                "region": "South",
            },
            {
                "survey": "nps",
                "score": 8.0,
                "responded_at": utc("2024-01-10"),
                "customer_id": "C8",
                "comment": "Nothing to add",
                "plan": "basic",
                "region": "South",
            },
        ],
    ),
    "contacts": frame(
        "contacts",
        [
            {
                "opened_at": utc("2024-01-15"),
                "contact_reason": "account access",
                "customer_id": None,
                "comment": "How do I invite my team?",
                "plan": "pro",
            },
        ],
    ),
}


def test_gathers_feedback_items_and_tagged_comments_and_notes_newest_first():
    found = theme_mentions(DATA, TAXONOMY, JAN)
    assert found.left_out == ()
    assert found.rows.select("theme", "origin", "customer_id").rows() == [
        ("dark mode", "feedback", "C3"),
        ("referrals", "feedback", "C2"),
        ("referrals", "support contact", None),
        ("dark mode", "survey comment", "C9"),
        ("referrals", "survey comment", "C9"),
        ("referrals", "survey comment", "C1"),
        ("referrals", "feedback", "C1"),
    ]
    survey = found.rows.filter(pl.col("origin") == "survey comment").row(0, named=True)
    assert survey["detail"] == "NPS 3" and survey["account_value"] is None


def test_a_filter_a_dataset_lacks_leaves_that_dataset_out_and_says_so():
    found = theme_mentions(DATA, TAXONOMY, JAN, filters={"region": ["North"]})
    assert found.rows.select("origin", "customer_id").rows() == [("survey comment", "C1")]
    assert found.left_out == (
        "feedback: no 'region' to filter by",
        "contacts: no 'region' to filter by",
    )


def test_only_the_themes_asked_for_and_no_taxonomy_means_feedback_only():
    assert set(theme_mentions(DATA, TAXONOMY, JAN, themes=["dark mode"]).rows["theme"]) == {
        "dark mode"
    }
    assert set(theme_mentions(DATA, {}, JAN).rows["origin"]) == {"feedback"}


def test_customers_are_counted_once_across_origins_per_bucket():
    rows = theme_mentions(DATA, TAXONOMY, JAN).rows
    trend = theme_trend(rows, JAN, "week")
    referrals = trend.filter(pl.col("theme") == "referrals")
    # weeks from Monday 1 Jan: C1 twice (feedback + survey) in week 1; C9 in week 2; the
    # contact (no customer) and C2 in week 3; nothing in weeks 4 and 5 (29-31 Jan)
    assert referrals["customers"].to_list() == [1, 1, 1, 0, 0]
    assert referrals["mentions"].to_list() == [2, 1, 2, 0, 0]
    by_origin = theme_trend(rows, JAN, "month", by_origin=True)
    assert by_origin.filter(pl.col("theme") == "referrals").select(
        "origin", "customers"
    ).rows() == [
        ("feedback", 2),
        ("support contact", 0),
        ("survey comment", 2),
    ]


def test_the_summary_counts_every_origin_and_takes_the_newest_roadmap_link():
    summary = theme_summary(theme_mentions(DATA, TAXONOMY, JAN).rows)
    referrals = summary.filter(pl.col("theme") == "referrals").row(0, named=True)
    assert referrals["all_customers"] == 3  # C1, C2, C9 (the contact has no customer)
    assert (referrals["feedback"], referrals["survey_comment"], referrals["support_contact"]) == (
        2,
        2,
        1,
    )
    assert (referrals["roadmap_item"], referrals["status"]) == ("Refer-a-friend", "shipped")
    assert summary["theme"].to_list() == ["referrals", "dark mode"]


def test_the_feedback_trend_is_feedback_themes_per_bucket():
    trend = feedback_theme_trend(DATA, JAN, "week")
    first_week = Period(date(2024, 1, 1), date(2024, 1, 7))
    expected = feedback_themes(DATA, first_week).filter(pl.col("theme") == "referrals")
    week = trend.filter(
        (pl.col("bucket_start") == date(2024, 1, 1)) & (pl.col("theme") == "referrals")
    )
    assert week.select("customers", "account_value", "items").row(0) == expected.select(
        "customers", "account_value", "items"
    ).row(0)
    assert trend.filter(pl.col("theme") == "dark mode")["customers"].to_list() == [0, 0, 1, 0, 0]
    assert trend.height == 2 * 5
    assert trend["account_value"].sum() == pytest.approx(160.0)
