"""validate_dataset on tiny hand-made frames: each rule quarantines exactly its rows.

Each module-scoped fixture validates once; tests read the same result. The
first validation imports Great Expectations (~3-4 s); later ones take ~0.1 s.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from canonical.datasets import SOURCE_ROW
from tests.validation.frames import RESPONSES, YESTERDAY, responses_frame, validate
from validation.contracts import build_contracts
from validation.runner import REASONS


@pytest.fixture(scope="module")
def responses():
    return validate("responses", responses_frame())


def test_each_bad_response_is_quarantined_with_exactly_its_reasons(responses):
    expected = {i + 1: r[5] for i, r in enumerate(RESPONSES) if r[5]}
    got = dict(zip(responses.quarantine[SOURCE_ROW], responses.quarantine[REASONS], strict=True))
    assert got == expected


def test_every_good_response_arrives_and_counts_add_up(responses):
    assert responses.row_count == 26
    assert responses.valid.height == 14
    assert responses.quarantine.height == 12
    assert sorted(responses.valid["response_id"]) == sorted(r[0] for r in RESPONSES if not r[5])
    assert responses.ok
    assert responses.dataset_failures == []


def test_valid_rows_keep_canonical_and_segment_columns_but_not_bookkeeping(responses):
    assert responses.valid.columns == [
        "response_id",
        "survey",
        "score",
        "responded_at",
        "customer_id",
        "comment",
        "touchpoint",
        "plan",
    ]
    assert responses.valid.schema["responded_at"] == pl.Datetime("us", "UTC")


def test_quarantine_keeps_every_column_of_the_failing_rows(responses):
    assert responses.quarantine.columns == [*responses_frame().columns, REASONS]
    row = responses.quarantine.filter(pl.col("response_id") == "r13").row(0, named=True)
    assert (row["score"], row["plan"], row[SOURCE_ROW]) == (4.5, "pro", 13)


def test_outcomes_count_failures_and_show_examples(responses):
    nps = next(o for o in responses.results if o.reason.endswith("for survey nps"))
    assert nps.expectation_type == "expect_column_values_to_be_between"
    assert (nps.success, nps.unexpected_count, nps.row_level) == (False, 3, True)
    assert [e[SOURCE_ROW] for e in nps.examples] == [11, 12, 22]
    assert [e["score"] for e in nps.examples] == [11.0, -1.0, 10.5]
    assert nps.column == "score, survey"
    assert "row_condition=survey == 'nps'" in nps.kwargs
    unique = next(o for o in responses.results if o.rule == "UniqueKey")
    assert unique.unexpected_count == 2
    rows = next(o for o in responses.results if o.rule == "NotEmpty")
    assert (rows.success, rows.row_level, rows.observed) == (True, False, 26)
    json.dumps([o.to_dict() for o in responses.results])  # storable in the run log


def test_effort_scale_makes_a_ces_six_out_of_range():
    rows = [(f"e{i}", "ces", float(i % 5 + 1), YESTERDAY, None) for i in range(4)]
    rows.append(("e9", "ces", 6.0, YESTERDAY, None))
    frame = responses_frame([(*r, "") for r in rows])
    result = validate("responses", frame, build_contracts(ces_scale="effort5")["responses"])
    assert result.quarantine[REASONS].to_list() == ["score: not between 1 and 5 for survey ces"]
    assert result.valid.height == 4


def test_orders_delivered_before_ordered_and_negative_amounts():
    ordered = datetime(2025, 3, 8, 10, tzinfo=UTC)
    frame = pl.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4", "o5", "o6", "o7"],
            "ordered_at": [ordered] * 7,
            "customer_id": ["c1", "c2", "c3", "c4", None, "c6", "c7"],
            "amount": [10.0, 0.0, 12.0, -5.0, 8.0, 9.0, 7.5],
            "promised_at": [None, None, None, None, None, datetime(2025, 3, 20, tzinfo=UTC), None],
            "delivered_at": [
                ordered + timedelta(days=1),
                None,  # not delivered yet: fine
                ordered - timedelta(hours=1),
                None,
                None,
                None,
                ordered,  # same instant: fine
            ],
        },
        schema_overrides={"promised_at": pl.Datetime("us", "UTC")},
    )
    result = validate("orders", frame)
    reasons = dict(zip(result.quarantine["order_id"], result.quarantine[REASONS], strict=True))
    assert reasons == {
        "o3": "delivered_at: before ordered_at",
        "o4": "amount: below 0",
        "o5": "customer_id: missing",
    }
    assert sorted(result.valid["order_id"]) == ["o1", "o2", "o6", "o7"]
    assert result.ok


def test_selection_dates_and_stock_above_offer():
    frame = pl.DataFrame(
        {
            "date": [date(2025, 3, d) for d in (9, 10, 11, 12, 8)],
            "skus_offered": [100, 100, 100, 100, 100],
            "skus_in_stock": [90, 100, 95, 80, 120],
            "category": ["a", "a", "a", "a", "b"],
        }
    )
    result = validate("selection", frame)
    reasons = dict(zip(result.quarantine["date"], result.quarantine[REASONS], strict=True))
    # 11 March is "tomorrow" in UTC but may be today in the reporting time zone.
    assert reasons == {
        date(2025, 3, 12): "date: in the future",
        date(2025, 3, 8): "skus_in_stock: more than skus_offered",
    }
    assert result.valid.height == 3
    assert result.quarantine[SOURCE_ROW].to_list() == [4, 5]  # added 1..n for a hand-made frame


def test_contacts_handle_time_must_be_under_a_day():
    opened = datetime(2025, 3, 9, 9, tzinfo=UTC)
    frame = pl.DataFrame(
        {
            "contact_id": ["k1", "k2", "k3", "k4", "k5"],
            "opened_at": [opened] * 5,
            "contact_reason": ["refund"] * 5,
            "closed_at": [opened + timedelta(hours=1)] * 4 + [opened - timedelta(minutes=1)],
            "handle_seconds": [0.0, 86399.0, 86400.0, -1.0, 60.0],
        }
    )
    result = validate("contacts", frame)
    reasons = dict(zip(result.quarantine["contact_id"], result.quarantine[REASONS], strict=True))
    in_a_day = "handle_seconds: not between 0 and 86400 (86400 excluded)"
    assert reasons == {"k3": in_a_day, "k4": in_a_day, "k5": "closed_at: before opened_at"}


def test_a_missing_required_column_is_a_dataset_failure_naming_it():
    result = validate("responses", responses_frame().drop("score"))
    assert not result.ok
    (failure,) = [f for f in result.dataset_failures if "required column" in f]
    assert failure.startswith("source 'shop_db', dataset 'responses': required column 'score'")
    assert "columns present: response_id, survey, responded_at, customer_id" in failure
    # The other rules still ran; the rules on score were left out.
    reasons = dict(zip(result.quarantine[SOURCE_ROW], result.quarantine[REASONS], strict=True))
    assert reasons == {
        14: "unreadable: score: 'abc' is not a number",
        15: "response_id: duplicated",
        16: "response_id: duplicated",
        17: "responded_at: in the future",
        18: "survey: missing",
        19: "survey: not one of nps, csat, ces",
        21: "responded_at: missing",
    }


def test_an_empty_frame_is_a_dataset_failure():
    result = validate("responses", responses_frame().clear())
    assert not result.ok
    assert "source 'shop_db', dataset 'responses': no rows arrived" in result.dataset_failures
    assert (result.valid.height, result.quarantine.height) == (0, 0)


def test_stale_data_and_a_collapsed_row_count_are_dataset_failures():
    frame = responses_frame().with_columns(
        pl.lit(datetime(2025, 3, 1, tzinfo=UTC)).alias("responded_at")
    )
    result = validate("responses", frame, previous_row_count=60)
    assert result.dataset_failures == [
        "source 'shop_db', dataset 'responses': row count below 50% of the previous refresh "
        "(60 rows; at least 30); got 26",
        # Checked at 2025-03-10 12:00 UTC: 9 days 12 h = 9.5 days after the newest answer.
        "source 'shop_db', dataset 'responses': stale: newest responded_at is 2025-03-01 00:00 "
        "UTC, 9.5 days before 2025-03-10 12:00 UTC, more than the 3 days allowed by [freshness] "
        'responses (default: 72 hours); raise that limit, set it to "off" for an export that '
        "will not grow, or date a historical export with [workspace] as_of",
    ]
    # Stale or not, the rows were still checked one by one.
    assert result.valid.height == 16  # r17 and r21 now carry a valid timestamp


def test_a_plausible_row_count_passes():
    result = validate("responses", responses_frame(), previous_row_count=52)
    assert result.ok  # 26 is exactly 50% of 52


def test_most_rows_failing_points_at_the_source_not_the_rows():
    frame = responses_frame().with_columns(pl.col("score") * 10)  # a source switched to 0-100
    result = validate("responses", frame)
    assert not result.ok
    (failure,) = result.dataset_failures
    # Only r02 (nps 0 -> 0) survives; the 11 other nps scores x10 leave 0-10.
    assert "only 4% of rows (1 of 26) passed the row checks" in failure
    assert "score: not between 0 and 10 for survey nps (11)" in failure


def test_wrong_dtype_is_a_dataset_failure_and_near_misses_are_cast():
    frame = responses_frame().with_columns(
        pl.col("score").cast(pl.Utf8),
        pl.col("responded_at").dt.replace_time_zone(None),  # naive timestamps are read as UTC
    )
    result = validate("responses", frame)
    assert "column 'score' has dtype String, expected Float64" in result.dataset_failures[0]
    assert result.valid.schema["responded_at"] == pl.Datetime("us", "UTC")
    assert "responded_at: in the future" in result.quarantine[REASONS].to_list()


def test_workspace_expectations_quarantine_rows_and_fail_datasets():
    extras = [
        {
            "dataset": "responses",
            "expectation": "ExpectColumnValueLengthsToBeBetween",
            "column": "comment",
            "max_value": 10,
        },
        {
            "dataset": "responses",
            "expectation": "ExpectColumnMeanToBeBetween",
            "column": "score",
            "min_value": 8,
        },
        {
            "dataset": "responses",
            "expectation": "ExpectColumnValuesToNotBeNull",
            "column": "region",
        },
    ]
    contract = build_contracts(extra_expectations=extras)["responses"]
    frame = responses_frame().with_columns(
        pl.when(pl.col(SOURCE_ROW) == 1)
        .then(pl.lit("far too long a comment"))
        .otherwise(pl.col("comment"))
        .alias("comment")
    )
    result = validate("responses", frame, contract)
    reasons = dict(zip(result.quarantine[SOURCE_ROW], result.quarantine[REASONS], strict=True))
    assert reasons[1] == (
        "comment: failed ExpectColumnValueLengthsToBeBetween(max_value=10) [expectations[0]]"
    )
    assert result.valid.height == 13
    where = "source 'shop_db', dataset 'responses': "
    assert result.dataset_failures[0] == (
        where + "expectations[2] (ExpectColumnValuesToNotBeNull) names column(s) 'region', "
        "which the data does not have (columns: response_id, survey, score, responded_at, "
        "customer_id, comment, touchpoint, plan)"
    )
    mean = result.dataset_failures[1]
    assert mean.startswith(where + "score: failed ExpectColumnMeanToBeBetween(min_value=8)")
    assert "[expectations[1]]" in mean
