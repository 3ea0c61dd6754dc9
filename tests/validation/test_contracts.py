"""Contracts are plain data: checked here without importing Great Expectations."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from validation.contracts import (
    ContractError,
    build_contracts,
    end_of_day,
    parse_extra_expectations,
)
from validation.rules import (
    ColumnsOrdered,
    ColumnsPresent,
    Fresh,
    InRange,
    NotInFuture,
    NotNull,
    OneOf,
    UniqueKey,
    When,
    WholeNumber,
)

ROOT = Path(__file__).resolve().parents[2]


def rules_of(contract, kind):
    return [r for r in contract.rules if isinstance(r, kind)]


def test_importing_validation_does_not_import_great_expectations():
    # A fresh interpreter: this test process may already have imported GX elsewhere.
    check = "import sys, validation; print('great_expectations' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"


def test_responses_contract_checks_score_per_survey_type_on_default_scales():
    contract = build_contracts()["responses"]
    ranges = {r.when.equals: (r.min_value, r.max_value) for r in rules_of(contract, InRange)}
    assert ranges == {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
    assert rules_of(contract, WholeNumber) == [WholeNumber("score")]
    assert rules_of(contract, OneOf) == [OneOf("survey", ("nps", "csat", "ces"))]
    assert rules_of(contract, UniqueKey) == [UniqueKey("response_id")]
    assert [r.column for r in rules_of(contract, NotNull)] == [
        "response_id",
        "survey",
        "score",
        "responded_at",
    ]
    assert rules_of(contract, ColumnsPresent)[0].columns == (
        "response_id",
        "survey",
        "score",
        "responded_at",
    )


def test_configured_scales_change_the_ranges():
    contracts = build_contracts(csat_scale=(1, 10), ces_scale="effort5")
    ranges = {r.when.equals: r.max_value for r in rules_of(contracts["responses"], InRange)}
    assert ranges == {"nps": 10, "csat": 10, "ces": 5}
    contact_ranges = {r.column: r.max_value for r in rules_of(contracts["contacts"], InRange)}
    assert contact_ranges["ces_score"] == 5
    assert contact_ranges["csat_score"] == 10


def test_reasons_read_like_sentences():
    assert InRange("score", 0, 10, when=When("survey", "nps")).describe() == (
        "score: not between 0 and 10 for survey nps"
    )
    assert InRange("amount", 0).describe() == "amount: below 0"
    assert InRange("our_price", 0, strict_min=True).describe() == "our_price: 0 or less"
    assert InRange("handle_seconds", 0, 86400, strict_max=True).describe() == (
        "handle_seconds: not between 0 and 86400 (86400 excluded)"
    )
    assert NotInFuture("responded_at").describe() == "responded_at: in the future"
    assert Fresh("ordered_at", timedelta(days=3)).describe() == (
        "stale: newest ordered_at is older than 3 days"
    )
    assert Fresh("ordered_at", timedelta(hours=12)).describe() == (
        "stale: newest ordered_at is older than 12 hours"
    )


def test_pair_and_business_rules_of_orders_selection_prices_and_contacts():
    contracts = build_contracts()
    assert ColumnsOrdered("ordered_at", "delivered_at", "delivered_at: before ordered_at") in (
        contracts["orders"].rules
    )
    assert InRange("amount", 0) in contracts["orders"].rules
    assert (
        ColumnsOrdered("skus_in_stock", "skus_offered", "skus_in_stock: more than skus_offered")
        in contracts["selection"].rules
    )
    assert InRange("our_price", 0, strict_min=True) in contracts["prices"].rules
    assert InRange("handle_seconds", 0, 86400, strict_max=True) in contracts["contacts"].rules
    assert OneOf("kind", ("release", "programme", "incident")) in contracts["events"].rules


def test_promises_and_planned_events_may_lie_in_the_future():
    contracts = build_contracts()
    orders_future = {r.column for r in rules_of(contracts["orders"], NotInFuture)}
    assert orders_future == {"ordered_at", "delivered_at"}
    assert rules_of(contracts["events"], NotInFuture) == []
    selection_date = rules_of(contracts["selection"], NotInFuture)[0]
    assert selection_date.tolerance == timedelta(days=1)  # dates are local, UTC may lag


def test_freshness_defaults_and_overrides():
    contracts = build_contracts(max_age_hours={"orders": 12, "responses": 0})
    assert rules_of(contracts["orders"], Fresh) == [
        Fresh("ordered_at", timedelta(hours=12), "orders", configured=True)
    ]
    assert rules_of(contracts["responses"], Fresh) == []  # 0 turns the check off
    assert rules_of(contracts["contacts"], Fresh) == [
        Fresh("opened_at", timedelta(days=3), "contacts", configured=False)
    ]
    assert rules_of(contracts["events"], Fresh) == []


def test_a_stale_dataset_names_the_setting_its_value_and_its_age():
    # Newest order 2018-08-29 11:25 UTC, refresh 2026-12-03 18:31 UTC: eight years to
    # 2026-08-29 (2,922 days with 29 Feb 2020 and 2024) + 96 days to 3 December + 7 h 6 min
    # = 3,018.3 days, shown as 3,018 days.
    rule = rules_of(build_contracts(max_age_hours={"orders": 48})["orders"], Fresh)[0]
    text = rule.stale_failure(
        "2018-08-29T11:25:00+00:00", datetime(2026, 12, 3, 18, 31, tzinfo=UTC)
    )
    problem = text.split("; ")[0]  # what a page's notice shows in one line
    assert problem == (
        "stale: newest ordered_at is 2018-08-29 11:25 UTC, 3,018 days before 2026-12-03 "
        "18:31 UTC, more than the 2 days allowed by [freshness] orders = 48"
    )
    assert '"off"' in text and "[workspace] as_of" in text  # and how to change it
    default = rules_of(build_contracts()["orders"], Fresh)[0]
    assert default.setting() == "[freshness] orders (default: 72 hours)"


def test_as_of_measures_freshness_at_the_end_of_that_local_day():
    # as_of 2018-08-31 in São Paulo (UTC−3) ends at 2018-09-01 03:00 UTC; the orders' 3-day
    # limit then accepts anything from 2018-08-29 03:00 UTC on.
    as_of = end_of_day(date(2018, 8, 31), "America/Sao_Paulo")
    rule = rules_of(build_contracts(as_of=as_of)["orders"], Fresh)[0]
    assert rule.measured_at(datetime(2026, 12, 3, tzinfo=UTC)) == datetime(
        2018, 9, 1, 3, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"ces_scale": "stars"}, "ces_scale 'stars' is unknown"),
        ({"csat_scale": (5, 1)}, "low < high"),
        ({"max_age_hours": {"orderz": 3}}, "freshness.orderz: unknown dataset"),
        ({"max_age_hours": {"orders": -1}}, "freshness.orders: expected hours >= 0"),
    ],
)
def test_wrong_settings_are_named(settings, message):
    with pytest.raises(ContractError, match=message):
        build_contracts(**settings)


def test_extra_expectations_attach_to_their_dataset_and_know_if_row_level():
    entries = [
        {
            "dataset": "responses",
            "expectation": "ExpectColumnValueLengthsToBeBetween",
            "column": "comment",
            "max_value": 5000,
        },
        {"dataset": "orders", "expectation": "ExpectColumnMeanToBeBetween", "column": "amount"},
    ]
    contracts = build_contracts(extra_expectations=entries)
    (comment,) = contracts["responses"].extras
    (mean,) = contracts["orders"].extras
    assert (comment.entry, comment.row_level, comment.columns) == (
        "expectations[0]",
        True,
        ("comment",),
    )
    assert comment.arguments == {"column": "comment", "max_value": 5000}
    assert (mean.entry, mean.row_level) == ("expectations[1]", False)
    assert contracts["contacts"].extras == ()


def test_unknown_expectation_name_is_refused_with_the_entry_and_a_suggestion():
    entries = [
        {"dataset": "responses", "expectation": "ExpectColumnValuesToBeBetween", "column": "score"},
        {"dataset": "responses", "expectation": "ExpectColumnValueLengthToBeBetween"},
    ]
    with pytest.raises(ContractError) as error:
        parse_extra_expectations(entries)
    message = str(error.value)
    assert message.startswith("expectations[1] (dataset 'responses'): expectation ")
    assert "did you mean 'ExpectColumnValueLengthsToBeBetween'?" in message


def test_names_outside_the_allow_list_are_never_evaluated():
    entries = [{"dataset": "orders", "expectation": "__import__('os').system('true')"}]
    with pytest.raises(ContractError, match=r"expectations\[0\] .* is not allowed"):
        parse_extra_expectations(entries)


def test_unknown_dataset_in_an_extra_expectation_is_named():
    entries = [{"dataset": "order", "expectation": "ExpectColumnValuesToBeUnique"}]
    with pytest.raises(ContractError, match=r"expectations\[0\]: unknown dataset 'order'"):
        parse_extra_expectations(entries)
