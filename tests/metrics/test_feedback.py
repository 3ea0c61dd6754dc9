"""Feedback themes: distinct customers and account value per theme, and the change."""

from datetime import date

import pytest

from metrics.engine import MetricUnavailableError
from metrics.feedback import feedback_themes
from metrics.periods import Period
from tests.metrics.fixtures import frame, utc

JAN = Period(date(2024, 1, 1), date(2024, 1, 31))
DEC = Period(date(2023, 12, 1), date(2023, 12, 31))


def item(theme, customer, value, day, clock="12:00"):
    return {
        "created_at": utc(day, clock),
        "theme": theme,
        "source": "support",
        "customer_id": customer,
        "account_value": value,
    }


def feedback():
    return frame(
        "feedback",
        [
            # January: A writes twice about export (100, then 120), B once (50); an anonymous item
            item("export", "A", 100.0, "2024-01-03"),
            item("export", "A", 120.0, "2024-01-20"),
            item("export", "B", 50.0, "2024-01-05"),
            item("export", None, None, "2024-01-06"),
            item("sso", "C", 500.0, "2024-01-07"),
            # December: export by A (90); dark mode by D (70), a theme absent in January
            item("export", "A", 90.0, "2023-12-10"),
            item("dark mode", "D", 70.0, "2023-12-11"),
        ],
    )


def test_customers_are_counted_once_per_theme_with_their_latest_account_value():
    # export: customers {A, B} = 2, value 120 (A's latest) + 50 = 170, items 4
    table = feedback_themes({"feedback": feedback()}, JAN)
    rows = {r["theme"]: r for r in table.iter_rows(named=True)}
    assert rows["export"] == {"theme": "export", "customers": 2, "account_value": 170.0, "items": 4}
    assert rows["sso"]["customers"] == 1 and rows["sso"]["account_value"] == 500.0
    assert table["theme"].to_list() == ["export", "sso"]  # most customers first


def test_change_against_the_previous_period():
    # export: 2 vs 1 customers (+1), 170 vs 90 (+80); dark mode: 0 vs 1 (−1), 0 vs 70
    table = feedback_themes({"feedback": feedback()}, JAN, DEC)
    rows = {r["theme"]: r for r in table.iter_rows(named=True)}
    assert (rows["export"]["customers_change"], rows["export"]["account_value_change"]) == (1, 80.0)
    assert rows["dark mode"]["customers"] == 0 and rows["dark mode"]["previous_customers"] == 1
    assert rows["dark mode"]["account_value_change"] == pytest.approx(-70.0)
    assert rows["sso"]["previous_items"] == 0 and rows["sso"]["items_change"] == 1


def test_without_customer_ids_customers_are_unknown_not_zero():
    table = feedback_themes({"feedback": feedback().drop("customer_id", "account_value")}, JAN, DEC)
    export = table.filter(table["theme"] == "export").row(0, named=True)
    assert (
        export["items"] == 4 and export["customers"] is None and export["customers_change"] is None
    )


def test_without_feedback_it_says_why():
    with pytest.raises(MetricUnavailableError, match="no feedback data"):
        feedback_themes({}, JAN)
