"""The contract's suite run as SQL by Great Expectations gives refresh mode's outcomes.

A tiny table of survey answers, with one planted failure per rule, is checked
twice: in its database (``validate_sql``, GX's SQL datasource) and in memory
(``validate_dataset``, GX's pandas datasource). Row-level rules must count the
same unexpected rows, dataset-level rules must pass or fail alike.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
import sqlalchemy as sa

from validation.contracts import build_contracts
from validation.runner import validate_dataset
from validation.sql import validate_sql

NOW = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
ROWS = [
    # response_id, survey, score, responded_at, comment
    ("1", "nps", 10.0, datetime(2026, 10, 30, 9, tzinfo=UTC), "fast"),
    ("2", "nps", 3.0, datetime(2026, 10, 30, 10, tzinfo=UTC), None),
    ("3", "csat", 4.0, datetime(2026, 10, 31, 8, tzinfo=UTC), "ok"),
    ("4", "ces", 6.0, datetime(2026, 10, 31, 9, tzinfo=UTC), None),
    ("5", "nps", 11.0, datetime(2026, 10, 31, 10, tzinfo=UTC), "eleven"),  # out of range
    ("6", "csat", 4.5, datetime(2026, 10, 31, 11, tzinfo=UTC), None),  # not whole
    ("7", "NPS", 9.0, datetime(2026, 10, 31, 12, tzinfo=UTC), None),  # unknown survey
    ("8", "nps", 8.0, datetime(2026, 11, 2, 0, tzinfo=UTC), None),  # in the future
    ("8", "nps", 7.0, datetime(2026, 10, 29, 0, tzinfo=UTC), None),  # duplicated id
    ("9", "ces", None, datetime(2026, 10, 29, 1, tzinfo=UTC), None),  # missing score
    ("10", "nps", 9.0, datetime(2026, 10, 29, 2, tzinfo=UTC), "x" * 6000),  # extra rule
    *((str(100 + i), "nps", 9.0, datetime(2026, 10, 28, tzinfo=UTC), None) for i in range(20)),
]
EXTRA = [{"dataset": "responses", "expectation": "ExpectColumnValueLengthsToBeBetween",
          "column": "comment", "max_value": 5000}]  # fmt: skip


def _table(url: str) -> sa.Select:
    engine = sa.create_engine(url)
    table = sa.Table(
        "answers",
        sa.MetaData(),
        sa.Column("response_id", sa.Text),
        sa.Column("survey", sa.Text),
        sa.Column("score", sa.Float),
        sa.Column("responded_at", sa.DateTime(timezone=True)),
        sa.Column("comment", sa.Text),
    )
    table.create(engine)
    with engine.begin() as connection:
        connection.execute(
            table.insert(), [dict(zip(table.c.keys(), r, strict=True)) for r in ROWS]
        )
    engine.dispose()
    return sa.select(table)


def _in_memory(contract) -> dict[str, tuple[bool, int]]:
    frame = pl.DataFrame(
        ROWS,
        schema={
            "response_id": pl.Utf8,
            "survey": pl.Utf8,
            "score": pl.Float64,
            "responded_at": pl.Datetime("us", "UTC"),
            "comment": pl.Utf8,
        },
        orient="row",
    )
    result = validate_dataset("responses", frame, contract, source="test", now=NOW)
    return {
        r.reason: (r.success, r.unexpected_count)
        for r in result.results
        if r.rule != "MostRowsValid"
    }


def _check(url: str, stored_time=None) -> None:
    contract = build_contracts(extra_expectations=EXTRA)["responses"]
    rows = _table(url)
    result = validate_sql(
        "responses", url, rows, contract, source="test", now=NOW, stored_time=stored_time
    )
    in_sql = {r.reason: (r.success, r.unexpected_count) for r in result.results}
    assert in_sql == _in_memory(contract)
    assert in_sql["score: not between 0 and 10 for survey nps"] == (False, 1)
    assert in_sql["response_id: duplicated"] == (False, 2)
    assert in_sql["responded_at: in the future"] == (False, 1)
    assert result.row_count == len(ROWS)
    assert result.ok  # row-level failures quarantine rows; the dataset itself is fine


def test_suite_in_sqlite_matches_pandas(tmp_path) -> None:
    # SQLite keeps timestamps as ISO text: time bounds are written the same way.
    _check(
        f"sqlite:///{tmp_path / 'answers.sqlite'}",
        stored_time=lambda instant: instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
    )


@pytest.mark.postgres
def test_suite_in_postgres_matches_pandas(pg_database: str) -> None:
    _check(pg_database)


def test_dataset_failures_are_reported(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'answers.sqlite'}"
    contract = build_contracts()["responses"]
    result = validate_sql(
        "responses", url, _table(url), contract, source="test", now=NOW, previous_row_count=1000
    )
    assert not result.ok
    assert any("row count below 50%" in failure for failure in result.dataset_failures)
