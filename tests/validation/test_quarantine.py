"""Reading a quarantine back: reasons with counts, pages, filters, and a CSV safe for Excel."""

from __future__ import annotations

import io

import polars as pl
import pytest

from canonical.datasets import PARSE_ERROR, SOURCE_ROW
from tests.validation.frames import responses_frame, validate
from validation.quarantine import (
    matching_rows,
    quarantine_csv,
    quarantine_page,
    reason_counts,
)
from validation.runner import REASONS

QUARANTINE = pl.LazyFrame(
    {
        SOURCE_ROW: [3, 8, 9, 12, 15],
        "response_id": ["r3", "r8", "r9", "r12", "r15"],
        "comment": ['=HYPERLINK("http://x")', "fine", "-2 stars", "@channel", "ok"],
        REASONS: [
            "score: missing; survey: missing",
            "unreadable: score: 'n/a' is not a number; score: missing",
            "unreadable: score: 'nine' is not a number; unreadable: responded_at: 'x' is "
            "not a timestamp; score: missing",
            "survey: missing",
            "score: not between 0 and 10 for survey nps",
        ],
    }
)


def test_reasons_are_counted_with_unreadable_values_grouped_by_column():
    assert reason_counts(QUARANTINE).rows() == [
        ("score: missing", 3),
        ("survey: missing", 2),
        ("unreadable: score", 2),
        ("score: not between 0 and 10 for survey nps", 1),
        ("unreadable: responded_at", 1),
    ]


def test_filtering_by_a_reason_finds_every_row_that_broke_it():
    rows = matching_rows(QUARANTINE, "unreadable: score").collect()
    assert rows[SOURCE_ROW].to_list() == [8, 9]
    assert matching_rows(QUARANTINE, "survey: missing").collect()[SOURCE_ROW].to_list() == [3, 12]
    assert matching_rows(QUARANTINE, None).collect().height == 5


def test_pages_are_clamped_and_say_where_they_are():
    second = quarantine_page(QUARANTINE, page=2, page_size=2)
    assert second.rows[SOURCE_ROW].to_list() == [9, 12]
    assert (second.matching, second.page, second.pages, second.first_row, second.last_row) == (
        5,
        2,
        3,
        3,
        4,
    )
    beyond = quarantine_page(QUARANTINE, page=99, page_size=2)
    assert (beyond.page, beyond.rows[SOURCE_ROW].to_list()) == (3, [15])
    assert quarantine_page(QUARANTINE, page=-4, page_size=2).page == 1
    none = quarantine_page(QUARANTINE, reason="no such reason")
    assert (none.matching, none.pages, none.first_row, none.last_row) == (0, 1, 0, 0)
    assert second.rows.columns[:2] == [SOURCE_ROW, REASONS]  # what a person reads first


def test_csv_download_cannot_run_formulas_in_a_spreadsheet():
    text = quarantine_csv(QUARANTINE).decode("utf-8")
    rows = pl.read_csv(io.StringIO(text))
    assert rows.columns[:2] == [SOURCE_ROW, REASONS]
    assert rows["comment"].to_list() == [
        '\'=HYPERLINK("http://x")',
        "fine",
        "'-2 stars",
        "'@channel",
        "ok",
    ]
    assert rows[SOURCE_ROW].to_list() == [3, 8, 9, 12, 15]  # numbers stay numbers
    only_survey = pl.read_csv(io.StringIO(quarantine_csv(QUARANTINE, "survey: missing").decode()))
    assert only_survey["response_id"].to_list() == ["r3", "r12"]


def test_each_unreadable_value_of_a_row_is_a_reason_of_its_own():
    frame = responses_frame().with_columns(
        pl.when(pl.col(SOURCE_ROW) == 2)
        .then(pl.lit("score: 'x' is not a number; responded_at: 'y' is not a timestamp"))
        .otherwise(pl.col(PARSE_ERROR))
        .alias(PARSE_ERROR),
        pl.when(pl.col(SOURCE_ROW) == 2).then(None).otherwise(pl.col("score")).alias("score"),
    )
    result = validate("responses", frame)
    reasons = result.quarantine.filter(pl.col(SOURCE_ROW) == 2)[REASONS].item()
    assert reasons == (
        "unreadable: score: 'x' is not a number; unreadable: responded_at: 'y' is not a "
        "timestamp; score: missing"
    )
    assert ("unreadable: responded_at", 1) in reason_counts(result.quarantine.lazy()).rows()


@pytest.mark.parametrize("page_size", [1, 3, 50])
def test_paging_through_every_row_returns_each_exactly_once(page_size):
    first = quarantine_page(QUARANTINE, page_size=page_size)
    seen = [
        row
        for page in range(1, first.pages + 1)
        for row in quarantine_page(QUARANTINE, page=page, page_size=page_size).rows[SOURCE_ROW]
    ]
    assert seen == [3, 8, 9, 12, 15]
