"""The PostgreSQL fixtures reach a real server: a fresh database that stores and aggregates rows."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.postgres


def test_server_is_postgresql_on_loopback(pg_url: str) -> None:
    engine = create_engine(pg_url)
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version()")).scalar_one()
        listen = connection.execute(text("SHOW listen_addresses")).scalar_one()
    engine.dispose()
    assert version.startswith("PostgreSQL ")
    assert listen == "127.0.0.1"


def test_database_is_fresh_and_stores_rows(pg_database: str) -> None:
    assert make_url(pg_database).database.startswith("benefitboard_test_")
    engine = create_engine(pg_database)
    with engine.begin() as connection:
        tables_before = connection.execute(
            text("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        ).scalar_one()
        connection.execute(
            text("CREATE TABLE responses (response_id text PRIMARY KEY, survey text, score int)")
        )
        connection.execute(
            text("INSERT INTO responses VALUES (:id, 'nps', :score)"),
            [{"id": "r1", "score": 10}, {"id": "r2", "score": 9}, {"id": "r3", "score": 3}],
        )
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT response_id, score FROM responses ORDER BY response_id")
        ).all()
        # NPS by hand: 2 promoters (10, 9) and 1 detractor (3) of 3 → 100 × (2 − 1) / 3 = 33.3
        nps = connection.execute(
            text(
                "SELECT round(100.0 * (count(*) FILTER (WHERE score >= 9)"
                " - count(*) FILTER (WHERE score <= 6)) / count(*), 1) FROM responses"
            )
        ).scalar_one()
    engine.dispose()
    assert tables_before == 0
    assert [tuple(row) for row in rows] == [("r1", 10), ("r2", 9), ("r3", 3)]
    assert float(nps) == 33.3


def test_each_test_gets_its_own_database(pg_url: str, pg_database: str) -> None:
    engine = create_engine(pg_url)
    with engine.connect() as connection:
        names = connection.execute(
            text("SELECT datname FROM pg_database WHERE datname LIKE 'benefitboard_test_%'")
        ).scalars()
        leftovers = sorted(set(names) - {make_url(pg_database).database})
    engine.dispose()
    # Databases of earlier tests were dropped at their teardown.
    assert leftovers == []
