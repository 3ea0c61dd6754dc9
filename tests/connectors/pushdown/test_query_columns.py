"""A live dataset read by a configured query may leave out optional canonical columns.

Issue 15 (4) added ``order_id`` to responses. Live mode used to declare every canonical
column as a column of a configured query, so a query written before (returning no
``order_id``) failed every live statement with "no such column". The relation now asks
the database which columns the query returns: an absent optional column is a typed NULL,
as in refresh mode, and an absent required one is named.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from benefitboard.config import DatasetMapping, SourceConfig
from connectors.errors import SourceError
from connectors.pushdown.aggregate import live_aggregate
from connectors.pushdown.relation import source_relation
from connectors.pushdown.rows import count_quarantined
from connectors.pushdown.validate import canonical_rows
from metrics.engine import compute_kpi
from metrics.periods import Period
from validation.contracts import build_contracts

NOW = datetime(2024, 1, 13, tzinfo=UTC)
JAN = Period(date(2024, 1, 1), date(2024, 1, 12))
COLUMNS = {"response_id": "id", "survey": "kind", "score": "s", "responded_at": "at"}


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "shop.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE answers (id TEXT, kind TEXT, s REAL, at TEXT, cust TEXT)")
        connection.executemany(
            "INSERT INTO answers VALUES (?, ?, ?, ?, ?)",
            [
                ("1", "nps", 10, "2024-01-10 09:00:00", "A"),
                ("2", "nps", 9, "2024-01-11 09:00:00", "B"),
                ("3", "nps", 3, "2024-01-12 09:00:00", "C"),
            ],
        )
    return path


def live_source(database: Path, query: str) -> SourceConfig:
    mapping = DatasetMapping("responses", COLUMNS, query=query)
    return SourceConfig(
        "shop", "sql", database.parent, {"responses": mapping}, url=f"sqlite:///{database}"
    )


def test_a_query_without_optional_columns_validates_and_aggregates(database: Path) -> None:
    source = live_source(database, "SELECT id, kind, s, at, cust AS customer_id FROM answers")
    relation = source_relation(source, "responses")
    assert relation.has("customer_id") and not relation.has("order_id")
    # what validation reads (the contract's suite runs on these rows in the database)
    with relation.engine.connect() as connection:
        rows = connection.execute(canonical_rows(relation)).mappings().all()
    assert [row["response_id"] for row in rows] == ["1", "2", "3"]
    assert "order_id" not in rows[0]
    contract = build_contracts()["responses"]
    assert count_quarantined(source, "responses", contract=contract, now=NOW) == 0
    live = live_aggregate(source, "responses", periods=[JAN], timezone="UTC", now=NOW)
    # 2 promoters and 1 detractor of 3: (2 − 1) / 3 = 33.3
    assert compute_kpi("nps", live.data, JAN).current.value == pytest.approx(100 / 3)


def test_a_query_that_returns_order_id_has_it(database: Path) -> None:
    source = live_source(database, "SELECT id, kind, s, at, 'o-' || id AS order_id FROM answers")
    assert source_relation(source, "responses").has("order_id")


def test_a_query_without_a_required_column_names_it(database: Path) -> None:
    source = live_source(database, "SELECT id, kind, s FROM answers")
    with pytest.raises(SourceError, match=r"column\(s\) \['at'\] not found"):
        source_relation(source, "responses")


def test_a_query_that_fails_names_the_source_and_dataset(database: Path) -> None:
    source = live_source(database, "SELECT id FROM no_such_table")
    with pytest.raises(SourceError, match="shop.*responses.*the configured query failed"):
        source_relation(source, "responses")
