"""A split's "others" row is the KPI of the other values' rows together, never a mean of means."""

from datetime import UTC, date, datetime

import polars as pl
import pytest

from metrics.engine import kpi_by_segment
from metrics.periods import Period
from metrics.segments import kpi_by_segment_and_others, largest_segments

AT = datetime(2024, 1, 10, 12, tzinfo=UTC)
JANUARY = Period(date(2024, 1, 1), date(2024, 1, 31))


def answers(rows: list[tuple[str, float]]) -> dict[str, pl.DataFrame]:
    return {
        "responses": pl.DataFrame(
            {
                "response_id": [str(i) for i in range(len(rows))],
                "survey": ["nps"] * len(rows),
                "score": [score for _, score in rows],
                "responded_at": [AT] * len(rows),
                "state": [state for state, _ in rows],
            }
        )
    }


# SP: 4 answers, 3 promoters, 1 passive -> NPS 75. AC: 1 promoter -> 100. AP: 3 detractors
# -> -100. Others (AC + AP) pooled: 4 answers, 1 promoter, 3 detractors -> (1 - 3) / 4 = -50,
# where the mean of their two NPS values would say 0.
DATA = answers(
    [("SP", 10), ("SP", 9), ("SP", 9), ("SP", 7), ("AC", 10), ("AP", 0), ("AP", 3), ("AP", 6)]
)


def test_others_pool_the_rows_of_the_other_values():
    table = kpi_by_segment_and_others(
        "nps", DATA, JANUARY, "state", ["SP"], others_label="2 others"
    )
    rows = {r["segment"]: r for r in table.iter_rows(named=True)}
    assert rows["SP"]["value"] == pytest.approx(75.0) and rows["SP"]["n"] == 4
    assert rows["2 others"]["value"] == pytest.approx(-50.0) and rows["2 others"]["n"] == 4
    assert [r["others"] for r in table.iter_rows(named=True)] == [False, True]  # others last
    each = kpi_by_segment("nps", DATA, JANUARY, "state")
    mean_of_means = each.filter(pl.col("segment") != "SP")["value"].mean()
    assert mean_of_means == pytest.approx(0.0)  # what averaging the values would have shown


def test_a_view_filter_on_the_segment_still_applies():
    # Filtered to SP and AP: AC is not an "other", it is out of the view. AP alone: -100.
    table = kpi_by_segment_and_others(
        "nps", DATA, JANUARY, "state", ["SP"], filters={"state": ["SP", "AP"]}
    )
    assert table.filter(pl.col("others"))["value"].item() == pytest.approx(-100.0)


def test_the_largest_values_are_kept_by_their_number_of_answers():
    table = kpi_by_segment("nps", DATA, JANUARY, "state")  # SP 4, AP 3, AC 1 answers
    assert largest_segments(table, 2) == ["SP", "AP"]
    assert largest_segments(table, 3) is None  # nothing to group
