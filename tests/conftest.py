"""Fixtures every test area shares: the PostgreSQL test server and a fresh database per test.

`scripts/test.sh` starts a throwaway PostgreSQL server and exports its URL as
BENEFITBOARD_TEST_PG_URL, together with BENEFITBOARD_REQUIRE_ALL=1. A test that needs
something missing (the server, Chromium) then fails; under a bare `pytest` it is skipped.

    def test_orders_table(pg_database: str) -> None:
        engine = sqlalchemy.create_engine(pg_database)   # an empty database, dropped afterwards
"""

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NoReturn

import pytest

PG_URL_ENV = "BENEFITBOARD_TEST_PG_URL"
REQUIRE_ALL_ENV = "BENEFITBOARD_REQUIRE_ALL"

# Tests that use these fixtures get the marker, so `-m "not browser"` works even when a
# test forgets to declare it.
MARKERS_BY_FIXTURE = {
    "pg_url": ("postgres",),
    "pg_database": ("postgres",),
    "chromium_browser": ("browser", "slow"),
    "demo_app_url": ("browser", "slow"),
    "open_rendered_page": ("browser", "slow"),
}


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m selection looks at the markers
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by the fixtures they use, on top of the markers they declare."""
    for item in items:
        declared = {mark.name for mark in item.iter_markers()}
        needed = {
            marker
            for fixture in getattr(item, "fixturenames", ())
            for marker in MARKERS_BY_FIXTURE.get(fixture, ())
        }
        for marker in sorted(needed - declared):
            item.add_marker(marker)


def missing_requirement(message: str) -> NoReturn:
    """Fail under the test command (BENEFITBOARD_REQUIRE_ALL=1), skip under a bare pytest."""
    if os.environ.get(REQUIRE_ALL_ENV) == "1":
        pytest.fail(f"{message} ({REQUIRE_ALL_ENV}=1, so this is an error)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def require() -> Callable[[str], NoReturn]:
    """`require("Chromium is not installed ...")`: fail or skip, as missing_requirement does."""
    return missing_requirement


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The SQLAlchemy URL of the PostgreSQL test server, checked to answer."""
    url = os.environ.get(PG_URL_ENV)
    if not url:
        missing_requirement(
            f"{PG_URL_ENV} is not set: run the suite with `bash scripts/test.sh`, which starts "
            "a throwaway PostgreSQL server, or set it to a server you own, e.g. "
            "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        )
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        pytest.fail(
            f"{PG_URL_ENV}={url} is set but the server does not answer: {error.orig}. "
            "Start it again (scripts/test.sh does) or unset the variable.",
            pytrace=False,
        )
    finally:
        engine.dispose()
    return url


@pytest.fixture
def pg_database(pg_url: str) -> Iterator[str]:
    """A new, empty database on the test server; yields its URL and drops it after the test."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    name = f"benefitboard_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# ---- the demo workspace shared by app and browser tests -------------------------------------

DEMO_SEED = 7
DEMO_END_DATE = date(2026, 10, 31)
DEMO_RESPONSES = 20_000
DEMO_NOW = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
"""The refresh runs "the morning after" the demo's last day, so the data is fresh."""


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small refreshed demo workspace (fixed seed and dates: same numbers every run).

    Yields the config path. Session-scoped: treat it as read-only; a test that
    refreshes or breaks data makes its own workspace.
    """
    from benefitboard.demo import create_demo_workspace
    from benefitboard.refresh import refresh_workspace

    folder = tmp_path_factory.mktemp("demo_workspace")
    config_path = create_demo_workspace(
        folder, seed=DEMO_SEED, end_date=DEMO_END_DATE, responses=DEMO_RESPONSES
    )
    report = refresh_workspace(config_path, now=DEMO_NOW)
    assert report.status == "ok", report.summary()
    return config_path
