"""The sql connector on real databases: SQLite files and the PostgreSQL test server."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from benefitboard.config import DatasetMapping, SourceConfig
from canonical.datasets import PARSE_ERROR, SOURCE_ROW
from connectors.errors import SourceError
from connectors.read import read_dataset

ANSWERS = [
    # id, kind, score, created (text as stored by SQLite), plan
    (1, "nps", 10, "2026-03-01 08:00:00", "pro"),
    (2, "nps", 3, "2026-03-01T23:30:00+01:00", "basic"),
    (3, "csat", "abc", "2026-03-02 12:00:00", "basic"),
    (4, "ces", 6, "2026-13-45 00:00:00", "plus"),
]


def mapping(**overrides) -> DatasetMapping:
    fields = {
        "dataset": "responses",
        "columns": {"response_id": "id", "survey": "kind", "responded_at": "created"},
        "segments": ("plan",),
        "table": "answers",
    }
    return DatasetMapping(**{**fields, **overrides})


def sql_source(url: str, tz: str = "UTC", **overrides) -> SourceConfig:
    return SourceConfig(
        name="shop_db",
        kind="sql",
        base_dir=Path("."),
        datasets={"responses": mapping(**overrides)},
        url=url,
        timezone=tz,
    )


def fill(url: str, rows=ANSWERS, score_type=sa.Text) -> None:
    engine = sa.create_engine(url)
    table = sa.Table(
        "answers",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.Text),
        sa.Column("score", score_type),
        sa.Column("created", sa.Text),
        sa.Column("plan", sa.Text),
    )
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        if not rows:
            return
        conn.execute(
            table.insert(),
            [dict(zip(["id", "kind", "score", "created", "plan"], r, strict=True)) for r in rows],
        )
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'shop.sqlite'}"
    fill(url)
    return url


def test_sqlite_table_becomes_canonical_with_utc_timestamps(sqlite_url):
    frame = read_dataset(sql_source(sqlite_url, tz="Europe/Berlin"), "responses").collect()
    assert frame.columns[:5] == [SOURCE_ROW, "response_id", "survey", "score", "responded_at"]
    assert frame.schema["responded_at"] == pl.Datetime("us", "UTC")
    assert frame["response_id"].to_list() == ["1", "2", "3", "4"]
    assert frame["score"].to_list() == [10.0, 3.0, None, 6.0]
    times = frame["responded_at"].to_list()
    # Naive 08:00 in Berlin (UTC+1 in March before DST) is 07:00 UTC.
    assert times[0] == datetime(2026, 3, 1, 7, 0, tzinfo=UTC)
    # An explicit offset wins over the source time zone: 23:30+01:00 is 22:30 UTC.
    assert times[1] == datetime(2026, 3, 1, 22, 30, tzinfo=UTC)
    assert frame["plan"].to_list() == ["pro", "basic", "basic", "plus"]
    # Optional canonical columns the table lacks arrive as typed nulls.
    assert frame["comment"].null_count() == 4


def test_unparsable_values_are_kept_with_the_reason(sqlite_url):
    frame = read_dataset(sql_source(sqlite_url), "responses").collect()
    errors = dict(zip(frame[SOURCE_ROW], frame[PARSE_ERROR], strict=True))
    assert errors[1] is None and errors[2] is None
    assert errors[3] == "score: 'abc' is not a number"
    assert errors[4] == "responded_at: '2026-13-45 00:00:00' is not a timestamp"


def test_strict_read_raises_naming_source_dataset_column_and_rows(sqlite_url):
    with pytest.raises(SourceError) as caught:
        read_dataset(sql_source(sqlite_url), "responses", strict=True)
    error = caught.value
    assert (error.source, error.dataset, error.column, error.rows) == (
        "shop_db",
        "responses",
        "score",
        (3, 4),
    )
    assert "source 'shop_db', dataset 'responses', column 'score', rows 3, 4" in str(error)


def test_missing_mapped_column_names_the_column_and_what_exists(sqlite_url):
    source = sql_source(
        sqlite_url,
        columns={"response_id": "id", "survey": "survey_type", "responded_at": "created"},
    )
    with pytest.raises(SourceError) as caught:
        read_dataset(source, "responses")
    assert caught.value.column == "survey_type"
    assert "['id', 'kind', 'score', 'created', 'plan']" in str(caught.value)


def test_missing_segment_column_is_an_error(sqlite_url):
    with pytest.raises(SourceError, match="segment column 'region' not found"):
        read_dataset(sql_source(sqlite_url, segments=("plan", "region")), "responses")


def test_a_table_that_does_not_exist(sqlite_url):
    with pytest.raises(SourceError, match="table 'surveys' does not exist"):
        read_dataset(sql_source(sqlite_url, table="surveys"), "responses")


def test_a_query_instead_of_a_table(sqlite_url):
    source = sql_source(
        sqlite_url, table=None, query="SELECT * FROM answers WHERE kind = 'nps' ORDER BY id"
    )
    frame = read_dataset(source, "responses").collect()
    assert frame["response_id"].to_list() == ["1", "2"]


def test_an_empty_table_keeps_its_columns(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    fill(url, rows=[])
    frame = read_dataset(sql_source(url), "responses").collect()
    assert frame.height == 0
    assert "responded_at" in frame.columns


@pytest.mark.postgres
def test_postgresql_table_with_native_types(pg_database):
    engine = sa.create_engine(pg_database)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE answers (id integer, kind text, score integer, "
            "created timestamptz, plan text)"
        )
        conn.exec_driver_sql(
            "INSERT INTO answers VALUES "
            "(1, 'nps', 9, '2026-03-01 23:30:00+01', 'pro'),"
            "(2, 'csat', 4, '2026-03-02 10:00:00+00', 'basic')"
        )
    engine.dispose()
    frame = read_dataset(sql_source(pg_database), "responses").collect()
    assert frame["score"].to_list() == [9.0, 4.0]
    assert frame["responded_at"].to_list() == [
        datetime(2026, 3, 1, 22, 30, tzinfo=UTC),
        datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
    ]
    assert frame[PARSE_ERROR].null_count() == 2


@pytest.mark.postgres
def test_postgresql_naive_timestamps_use_the_source_time_zone(pg_database):
    fill(pg_database, rows=ANSWERS[:2])
    frame = read_dataset(sql_source(pg_database, tz="America/New_York"), "responses").collect()
    # 08:00 in New York on 1 March (EST, UTC-5) is 13:00 UTC.
    assert frame["responded_at"][0] == datetime(2026, 3, 1, 13, 0, tzinfo=UTC)


@pytest.mark.postgres
def test_postgresql_missing_table_and_refused_connection(pg_database):
    with pytest.raises(SourceError, match="table 'answers' does not exist"):
        read_dataset(sql_source(pg_database), "responses")
    refused = "postgresql+psycopg://kpi:secret@127.0.0.1:1/none"
    with pytest.raises(SourceError) as caught:
        read_dataset(sql_source(refused), "responses")
    assert "cannot read from" in str(caught.value) or "does not exist" not in str(caught.value)
    assert "secret" not in str(caught.value)


def test_a_replaced_sqlite_file_is_read_anew_by_the_same_process(tmp_path):
    """A server refreshing twice must see a regenerated database, not a pooled old one."""
    from connectors.database import engine_for

    path = tmp_path / "shop.db"

    def write(rows: int) -> None:
        fresh = tmp_path / "fresh.db"
        with sa.create_engine(f"sqlite:///{fresh}").begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            for x in range(rows):
                connection.exec_driver_sql(f"INSERT INTO t VALUES ({x})")
        fresh.replace(path)  # as the demo generator swaps its file in

    def count() -> int:
        with engine_for(f"sqlite:///{path}").connect() as connection:
            return connection.exec_driver_sql("SELECT count(*) FROM t").scalar_one()

    write(1)
    assert count() == 1
    write(3)
    assert count() == 3
