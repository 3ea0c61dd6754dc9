"""Contracts become typed GX expectations; wrong workspace expectations name their entry."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from validation.contracts import ContractError, build_contracts, end_of_day
from validation.suites import META_KEY, build_suite, check_extra_expectations, helper_columns

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def by_reason(suite):
    return {e.meta[META_KEY]["reason"]: e for e in suite.expectations}


def test_responses_suite_uses_typed_expectations_with_row_conditions():
    suite = build_suite(build_contracts()["responses"], now=NOW)
    expectations = by_reason(suite)
    nps = expectations["score: not between 0 and 10 for survey nps"]
    assert type(nps).__name__ == "ExpectColumnValuesToBeBetween"
    assert (nps.column, nps.min_value, nps.max_value) == ("score", 0, 10)
    assert (nps.row_condition.column.name, nps.row_condition.parameter) == ("survey", "nps")
    whole = expectations["score: not a whole number"]
    assert type(whole).__name__ == "ExpectColumnValuesToBeInSet"
    assert (whole.column, whole.value_set) == ("_fraction_of_score", [0])
    assert type(expectations["unreadable value"]).__name__ == "ExpectColumnValuesToBeNull"
    assert type(expectations["response_id: duplicated"]).__name__ == "ExpectColumnValuesToBeUnique"
    future = expectations["responded_at: in the future"]
    assert future.max_value == datetime(2025, 3, 10, 12, 5, tzinfo=UTC)  # 5 minutes of clock skew
    # 4 columns exist, not empty, fresh, parsed, 4 not null, unique, not in future, survey in
    # set, 3 score ranges, whole number; numbered in contract order.
    assert [e.meta[META_KEY]["order"] for e in suite.expectations] == list(range(18))


def test_pair_rule_becomes_column_pair_expectation_ignoring_missing_values():
    suite = build_suite(build_contracts()["orders"], now=NOW)
    pair = by_reason(suite)["delivered_at: before ordered_at"]
    assert type(pair).__name__ == "ExpectColumnPairValuesAToBeGreaterThanB"
    assert (pair.column_A, pair.column_B, pair.or_equal) == ("delivered_at", "ordered_at", True)
    assert pair.ignore_row_if == "either_value_is_missing"


def test_row_count_expectation_only_with_a_previous_refresh():
    contract = build_contracts()["orders"]
    first = build_suite(contract, now=NOW)
    later = build_suite(contract, now=NOW, previous_row_count=101)
    reasons = set(by_reason(later)) - set(by_reason(first))
    (reason,) = reasons
    assert reason == "row count below 50% of the previous refresh (101 rows; at least 51)"
    assert by_reason(later)[reason].min_value == 51


def test_date_datasets_get_naive_midnight_bounds():
    # Date columns reach pandas as naive datetime64 at midnight.
    expectations = by_reason(build_suite(build_contracts()["selection"], now=NOW))
    fresh = expectations["stale: newest date is older than 3 days (before 2025-03-07)"]
    assert fresh.min_value == datetime(2025, 3, 7)
    assert expectations["date: in the future"].max_value == datetime(2025, 3, 11)


def test_rules_on_absent_columns_are_left_out_but_required_columns_are_still_checked():
    contract = build_contracts()["responses"]
    suite = build_suite(contract, now=NOW, columns=["response_id", "survey", "responded_at"])
    reasons = set(by_reason(suite))
    assert "required column 'score' missing" in reasons
    assert not any(r.startswith("score:") for r in reasons)
    assert "survey: not one of nps, csat, ces" in reasons
    assert "unreadable value" not in reasons  # no _parse_error column


def test_helper_column_holds_the_fractional_part():
    frame = pl.DataFrame({"score": [4.0, 4.5, None, -1.5]})
    helpers = helper_columns(build_contracts()["responses"])
    values = frame.select(**helpers)["_fraction_of_score"].to_list()
    assert values == [0.0, 0.5, None, 0.5]


def test_workspace_expectation_is_built_from_its_class_name():
    extra = {
        "dataset": "responses",
        "expectation": "ExpectColumnValueLengthsToBeBetween",
        "column": "comment",
        "max_value": 5000,
    }
    suite = build_suite(build_contracts(extra_expectations=[extra])["responses"], now=NOW)
    built = suite.expectations[-1]
    assert type(built).__name__ == "ExpectColumnValueLengthsToBeBetween"
    assert (built.column, built.max_value) == ("comment", 5000)
    assert built.meta[META_KEY]["entry"] == "expectations[0]"
    assert built.meta[META_KEY]["row_level"] is True


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"column": "comment", "max_len": 5}, "unexpected argument 'max_len'"),
        ({"column": "comment", "max_value": "lots"}, "max_value: value is not a valid integer"),
        ({"max_value": 5}, "missing argument 'column'"),
        ({"column": "comment", "max_value": 5, "row_condition": "x > 1"}, "'row_condition'"),
    ],
)
def test_wrong_arguments_give_an_error_naming_the_entry(arguments, message):
    entries = [
        {"dataset": "orders", "expectation": "ExpectColumnValuesToBeUnique", "column": "order_id"},
        {"dataset": "responses", "expectation": "ExpectColumnValueLengthsToBeBetween", **arguments},
    ]
    with pytest.raises(ContractError) as error:
        check_extra_expectations(entries)
    text = str(error.value)
    assert text.startswith("expectations[1] (ExpectColumnValueLengthsToBeBetween): ")
    assert message in text


def test_a_workspace_pinned_as_of_a_date_checks_freshness_against_that_day():
    # as_of 2018-08-31 in São Paulo (UTC−3) ends at 2018-09-01 03:00 UTC; with the orders'
    # 3-day limit the newest order must be from 2018-08-29 03:00 UTC on, whatever today is.
    as_of = end_of_day(date(2018, 8, 31), "America/Sao_Paulo")
    suite = build_suite(build_contracts(as_of=as_of)["orders"], now=NOW)
    fresh = by_reason(suite)[
        "stale: newest ordered_at is older than 3 days (before 2018-08-29 03:00 UTC)"
    ]
    assert fresh.min_value == datetime(2018, 8, 29, 3, tzinfo=UTC)
