"""Queries that hang are cut by the source's ``query_timeout_seconds``; the last good data stays.

Four ways a read can hang, each on a real database: a configured query that
never ends (SQLite, cut by the progress handler), a database file another
program holds locked (SQLite busy timeout), a table locked by another session
and a query that sleeps (PostgreSQL ``statement_timeout``). Each refresh
fails saying the source timed out, keeps the first refresh's rows, and the
live queries on a locked table fail the same way.

Every hang is bounded, so a broken time limit fails the test instead of
hanging the suite: the runaway query stops by itself after ~10⁸ steps, the
lock holder's session ends after 30 s idle, the sleep is 30 s.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from benefitboard.config import load_workspace
from connectors.errors import SourceError
from connectors.pushdown.aggregate import live_aggregate
from connectors.pushdown.rows import verbatims_page
from metrics.settings import MetricSettings
from store.runlog import RunLog
from store.snapshots import current_snapshot
from tests.faults.pages import VIEW, banners, nps_tile, overview
from tests.faults.survey_shop import FIRST, NPS, RESPONSE_COUNT, TABLE, SurveyShop, survey_shop

TIMED_OUT = "the source timed out: reading it took longer than 1 s"
RUNAWAY = (
    f"SELECT * FROM {TABLE} WHERE (WITH RECURSIVE forever(n) AS (SELECT 1 UNION ALL "
    "SELECT n + 1 FROM forever WHERE n < 100000000) SELECT count(*) FROM forever) > 0"
)
SLEEPING = f"SELECT s.* FROM {TABLE} AS s CROSS JOIN pg_sleep(30)"


def read_through_query(shop: SurveyShop, query: str) -> None:
    """Point responses at a configured query instead of the table."""
    text = shop.config.read_text().replace(f'table = "{TABLE}"', f'query = """{query}"""')
    shop.config.write_text(text)


def assert_timed_out_and_carried(shop: SurveyShop) -> None:
    snapshot = current_snapshot(shop.store)
    entry = snapshot.datasets["responses"]
    assert (entry.status, entry.problem) == ("carried", TIMED_OUT)
    assert entry.failures == (
        f"source 'warehouse', dataset 'responses': {TIMED_OUT} — raise query_timeout_seconds "
        "in [sources.warehouse] of the workspace config, or make the table or query faster to "
        "read",
    )
    assert snapshot.scan("responses").collect().height == RESPONSE_COUNT
    assert snapshot.datasets["events"].status == "ok"
    (history,) = RunLog(shop.store).dataset_history("responses", limit=1)
    assert (history["status"], history["failures"]) == ("carried", list(entry.failures))


@pytest.fixture
def sqlite_shop(tmp_path: Path) -> SurveyShop:
    shop = survey_shop(tmp_path / "ws", sql_url=f"sqlite:///{tmp_path / 'ws' / 'shop.sqlite'}")
    assert shop.refresh(FIRST).status == "ok"
    shop.set_timeout(1)
    return shop


def test_a_runaway_sqlite_query_is_cut_and_the_app_says_so(sqlite_shop, monkeypatch):
    read_through_query(sqlite_shop, RUNAWAY)
    assert sqlite_shop.refresh().status == "partial"
    assert_timed_out_and_carried(sqlite_shop)
    at = overview(sqlite_shop.config, monkeypatch)
    assert nps_tile(at) == f"{NPS:.1f}"
    (banner,) = banners(at)
    assert banner.replace("\\", "") == (
        f"**responses** from warehouse: the latest refresh failed ({TIMED_OUT}); showing the "
        "last good data, loaded 01 Nov 2026, 06:00 UTC."
    )


def test_a_sqlite_file_locked_by_another_program(sqlite_shop):
    holder = sqlite3.connect(sqlite_shop.url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # no one else may read until this transaction ends
    try:
        sqlite_shop.refresh()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    snapshot = current_snapshot(sqlite_shop.store)
    assert {e.status for e in snapshot.datasets.values()} == {"carried"}
    assert snapshot.datasets["responses"].problem == TIMED_OUT


# ---- PostgreSQL: statement_timeout ---------------------------------------------------------


@pytest.fixture
def pg_shop(pg_database: str, tmp_path: Path) -> SurveyShop:
    shop = survey_shop(tmp_path / "ws", sql_url=pg_database, timeout_seconds=1)
    assert shop.refresh(FIRST).status == "ok"
    return shop


def test_a_sleeping_postgresql_query_is_cut(pg_shop):
    read_through_query(pg_shop, SLEEPING)
    pg_shop.refresh()
    assert_timed_out_and_carried(pg_shop)


def test_a_locked_postgresql_table_cuts_the_refresh_and_the_live_queries(pg_shop):
    source = load_workspace(pg_shop.config).dataset_source("responses")
    live = live_aggregate(source, "responses", periods=[VIEW], timezone="UTC")  # reflects once
    assert live.frame["n"].sum() == RESPONSE_COUNT
    locker = sa.create_engine(pg_shop.url, poolclass=sa.pool.NullPool)
    with locker.connect() as connection:
        connection.execute(sa.text("SET idle_in_transaction_session_timeout = '30s'"))
        connection.execute(sa.text(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE"))
        pg_shop.refresh()
        with pytest.raises(SourceError, match="the live aggregate query timed out after 1 s"):
            live_aggregate(source, "responses", periods=[VIEW], timezone="UTC")
        with pytest.raises(SourceError, match="the page query timed out after 1 s"):
            verbatims_page(source, periods=[VIEW], settings=MetricSettings("UTC"))
        connection.rollback()
    locker.dispose()
    assert_timed_out_and_carried(pg_shop)
