"""Dataset-level failures keep the last good data in force, and say so in words people read.

Each kind the issue names — a missing column, an empty source, stale data, an
unreachable database, wrong or missing credentials — on a tiny workspace
whose first refresh was good. After the broken refresh, the dataset is
"carried": the same rows as before, served from the new snapshot, with the
source, the failure and the time of the last good data on the banner and in
every tile's hover text. SQLite runs everywhere; the PostgreSQL cases use
the real test server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from benefitboard.refresh import refresh_workspace
from pages.ui.trust import banner_headline, not_up_to_date, trust_of
from store.snapshots import DatasetEntry, current_snapshot

FIRST = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
SECOND = FIRST + timedelta(hours=12)
LAST_GOOD = "01 Nov 2026, 06:00 UTC"

RESPONSES = [  # id, survey_type, score, submitted_at
    (1, "nps", 9, "2026-10-31 08:00:00"),
    (2, "nps", 3, "2026-10-31 09:30:00"),
    (3, "csat", 5, "2026-10-31 11:00:00"),
    (4, "ces", 6, "2026-10-31 12:15:00"),
    (5, "nps", 10, "2026-10-31 17:45:00"),
]
EVENTS = [("2026-10-20", "Free returns", "programme")]


@dataclass(frozen=True)
class Tiny:
    """A tiny workspace: ``responses`` and ``events`` from one database."""

    config: Path
    url: str

    @property
    def store(self) -> Path:
        return self.config.parent / "store"

    def execute(self, *statements: str) -> None:
        engine = sa.create_engine(self.url)
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(sa.text(statement))
        engine.dispose()

    def refresh(self, now: datetime = SECOND):
        return refresh_workspace(self.config, now=now)


def tiny_workspace(folder: Path, url: str, *, connection: bool = False) -> Tiny:
    """Write the tables into ``url`` and a config reading them (by URL or connection name)."""
    folder.mkdir(parents=True, exist_ok=True)
    where = 'connection = "warehouse"' if connection else f'url = "{url}"'
    config = folder / "benefitboard.toml"
    config.write_text(
        f"""
[workspace]
name = "tiny"
timezone = "UTC"

[sources.warehouse]
kind = "sql"
{where}

[sources.warehouse.datasets.responses]
table = "survey_responses"
columns = {{ response_id = "id", survey = "survey_type", responded_at = "submitted_at" }}

[sources.warehouse.datasets.events]
table = "company_events"
"""
    )
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE survey_responses (id INTEGER PRIMARY KEY, survey_type TEXT, "
                "score INTEGER, submitted_at TEXT)"
            )
        )
        conn.execute(
            sa.text("INSERT INTO survey_responses VALUES (:i, :s, :v, :t)"),
            [dict(zip("isvt", r, strict=True)) for r in RESPONSES],
        )
        conn.execute(sa.text("CREATE TABLE company_events (date TEXT, title TEXT, kind TEXT)"))
        conn.execute(
            sa.text("INSERT INTO company_events VALUES (:d, :t, :k)"),
            [dict(zip("dtk", e, strict=True)) for e in EVENTS],
        )
    engine.dispose()
    return Tiny(config, url)


@pytest.fixture
def sqlite_tiny(tmp_path: Path) -> Tiny:
    tiny = tiny_workspace(tmp_path / "ws", f"sqlite:///{tmp_path / 'ws' / 'shop.sqlite'}")
    assert tiny.refresh(FIRST).status == "ok"
    return tiny


def assert_carried(tiny: Tiny, named: str = "responses") -> DatasetEntry:
    """responses failed, the first snapshot's rows are still served, and everyone is told.

    ``named``: the datasets the banner's headline must name (those that failed alike).
    """
    snapshot = current_snapshot(tiny.store)
    entry = snapshot.datasets["responses"]
    assert entry.status == "carried"
    assert entry.failures[0].startswith("source 'warehouse', dataset 'responses'")
    assert entry.loaded_at == FIRST.isoformat(timespec="seconds")
    assert entry.from_snapshot == "20261101T060000Z" != snapshot.id
    rows = snapshot.scan("responses").collect()
    assert sorted(rows["response_id"]) == ["1", "2", "3", "4", "5"]
    assert snapshot.scan("events").collect().height == 1  # the other dataset is still there

    badge, sentence = trust_of(entry)
    assert badge == "stale"
    assert "warehouse" in sentence and LAST_GOOD in sentence
    headline = banner_headline(not_up_to_date(snapshot))
    assert headline.startswith(f"**{named}** from warehouse: the latest refresh failed (")
    assert headline.endswith(f"showing the last good data, loaded {LAST_GOOD}.")
    return entry


def test_a_missing_column(sqlite_tiny):
    sqlite_tiny.execute("ALTER TABLE survey_responses RENAME COLUMN score TO rating")
    report = sqlite_tiny.refresh()
    entry = assert_carried(sqlite_tiny)
    assert entry.problem == "column 'score' not found"
    assert report.status == "partial"
    assert "the source has ['id', 'survey_type', 'rating', 'submitted_at']" in entry.failures[0]
    assert "column 'score' not found" in trust_of(entry)[1].replace("\\", "")


def test_an_empty_source(sqlite_tiny):
    sqlite_tiny.execute("DELETE FROM survey_responses")
    sqlite_tiny.refresh()
    entry = assert_carried(sqlite_tiny)
    assert entry.problem == "no rows arrived"
    assert entry.failures == (
        "source 'warehouse', dataset 'responses': no rows arrived",
        "source 'warehouse', dataset 'responses': row count below 50% of the previous refresh "
        "(5 rows; at least 3); got 0",
        "source 'warehouse', dataset 'responses': stale: newest responded_at is older than "
        "3 days (before 2026-10-29 18:00 UTC); newest is none (no rows)",
    )


def test_stale_data_older_than_what_is_shown_is_not_published(sqlite_tiny):
    # A source restored from an old backup: valid rows, but older than the snapshot's.
    sqlite_tiny.execute(
        "UPDATE survey_responses SET submitted_at = replace(submitted_at, '2026-10-31', "
        "'2026-10-01')"
    )
    sqlite_tiny.refresh()
    entry = assert_carried(sqlite_tiny)
    # Refreshed 2026-11-01 18:00 UTC; newest answer 2026-10-01 17:45 UTC: 31 days 15 min.
    assert entry.problem == (
        "stale: newest responded_at is 2026-10-01 17:45 UTC, 31 days before 2026-11-01 18:00 "
        "UTC, more than the 3 days allowed by [freshness] responses (default: 72 hours)"
    )
    assert entry.newest_record == "2026-10-31T17:45:00+00:00"


def test_stale_data_as_recent_as_before_is_published_and_flagged(sqlite_tiny):
    sqlite_tiny.refresh(FIRST + timedelta(days=5))  # nothing new has arrived for five days
    snapshot = current_snapshot(sqlite_tiny.store)
    entry = snapshot.datasets["responses"]
    assert (entry.status, entry.rows) == ("stale", 5)
    assert trust_of(entry)[0] == "stale"
    # Refreshed 2026-11-06 06:00 UTC; newest answer 2026-10-31 17:45 UTC: 5 d 12 h 15 min =
    # 5.51 days. The notice names the value, its age and the setting that made it stale.
    assert banner_headline(not_up_to_date(snapshot)).replace("\\", "") == (
        "**responses** from warehouse is stale: newest responded_at is 2026-10-31 17:45 UTC, "
        "5.5 days before 2026-11-06 06:00 UTC, more than the 3 days allowed by [freshness] "
        "responses (default: 72 hours)."
    )


def test_an_unreachable_database(sqlite_tiny):
    # The database file is gone (a disk not mounted, a path changed): SQLite cannot open it.
    missing = sqlite_tiny.config.parent / "unmounted" / "shop.sqlite"
    config = sqlite_tiny.config.read_text().replace(sqlite_tiny.url, f"sqlite:///{missing}")
    sqlite_tiny.config.write_text(config)
    sqlite_tiny.refresh()
    snapshot = current_snapshot(sqlite_tiny.store)
    assert {e.status for e in snapshot.datasets.values()} == {"carried"}
    entry = assert_carried(sqlite_tiny, named="events, responses")
    assert entry.problem == "cannot read from sqlite: unable to open database file"
    assert entry.failures[0] == (
        f"source 'warehouse', dataset 'responses': cannot read from sqlite:///{missing}: "
        "unable to open database file — check that the database is running and the "
        "credentials are right"
    )


def test_a_failure_without_earlier_data_is_failed_not_carried(tmp_path):
    tiny = tiny_workspace(tmp_path / "ws", f"sqlite:///{tmp_path / 'ws' / 'shop.sqlite'}")
    tiny.execute("DELETE FROM survey_responses")
    report = tiny.refresh(FIRST)
    entry = current_snapshot(tiny.store).datasets["responses"]
    assert (entry.status, entry.rows, entry.problem) == ("failed", 0, "no rows arrived")
    assert report.status == "partial"
    assert trust_of(entry) == (
        "failed",
        "The latest refresh of responses from warehouse failed (no rows arrived) and there is "
        "no earlier good data.",
    )
    assert banner_headline([entry]) == "**responses** from warehouse has no data: no rows arrived."


# ---- PostgreSQL: the database refuses, the role is wrong, the credentials are missing -------


@pytest.fixture
def pg_tiny(pg_database: str, tmp_path: Path, monkeypatch) -> Tiny:
    monkeypatch.setenv("BENEFITBOARD_CONNECTION_WAREHOUSE_URL", pg_database)
    tiny = tiny_workspace(tmp_path / "ws", pg_database, connection=True)
    assert tiny.refresh(FIRST).status == "ok"
    return tiny


def refresh_through(tiny: Tiny, url: sa.engine.URL, monkeypatch) -> DatasetEntry:
    """Point the workspace's connection at ``url`` (as secrets would), refresh, expect carried."""
    monkeypatch.setenv(
        "BENEFITBOARD_CONNECTION_WAREHOUSE_URL", url.render_as_string(hide_password=False)
    )
    tiny.refresh()
    entry = assert_carried(tiny, named="events, responses")
    assert entry.problem.startswith("cannot read from postgresql: connection failed: ")
    return entry


def test_postgresql_refusing_the_connection(pg_tiny, monkeypatch):
    closed = sa.engine.make_url(pg_tiny.url).set(port=free_port())
    entry = refresh_through(pg_tiny, closed, monkeypatch)
    assert entry.problem.endswith("failed: Connection refused")


def test_postgresql_with_wrong_credentials(pg_tiny, monkeypatch):
    wrong = sa.engine.make_url(pg_tiny.url).set(username="nobody", password="wrong-secret")
    entry = refresh_through(pg_tiny, wrong, monkeypatch)
    assert entry.problem.endswith('role "nobody" does not exist')
    assert "postgresql+psycopg://nobody:***@127.0.0.1" in entry.failures[0]
    assert all("wrong-secret" not in f for f in entry.failures)  # passwords are masked


def test_postgresql_with_missing_credentials(pg_tiny, monkeypatch):
    monkeypatch.delenv("BENEFITBOARD_CONNECTION_WAREHOUSE_URL")
    monkeypatch.setenv("BENEFITBOARD_SECRETS", str(pg_tiny.config.parent / "no-secrets.toml"))
    pg_tiny.refresh()
    snapshot = current_snapshot(pg_tiny.store)
    entry = snapshot.datasets["responses"]
    assert entry.status == "carried"
    assert "BENEFITBOARD_CONNECTION_WAREHOUSE_URL" in entry.failures[0]
    assert snapshot.scan("responses").collect().height == 5


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
