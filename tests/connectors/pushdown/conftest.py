"""Fixtures of the live-mode tests: one planted shop, read by refresh mode and by live mode.

``sqlite_case`` and ``new_york_case`` read the planted SQLite file (UTC and New
York wall-clock text timestamps); ``pg_aware_case`` and ``pg_text_case`` read
copies in PostgreSQL (timestamptz and text). Each case carries the refresh-mode
snapshot of the same rows, which live mode must reproduce.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from benefitboard.config import SourceConfig, WorkspaceConfig
from benefitboard.refresh import refresh_workspace
from connectors.pushdown.aggregate import live_aggregate
from metrics.settings import MetricSettings
from store.snapshots import current_snapshot
from tests.connectors.pushdown.planted import (
    NOW,
    copy_to_database,
    load,
    planted_workspace,
    sql_source,
)
from validation.contracts import contracts_for_workspace


@dataclass(frozen=True)
class Case:
    """A live source and the refresh-mode snapshot of the same rows."""

    workspace: WorkspaceConfig
    source: SourceConfig
    frames: dict[str, pl.DataFrame]

    @property
    def settings(self) -> MetricSettings:
        return MetricSettings(timezone=self.workspace.timezone)

    def live(self, dataset: str, periods, **options):
        contract = contracts_for_workspace(self.workspace)[dataset]
        return live_aggregate(
            self.source,
            dataset,
            periods=periods,
            timezone=self.workspace.timezone,
            contract=contract,
            now=NOW,
            **options,
        )

    def live_data(self, periods, **options) -> dict[str, pl.DataFrame]:
        data: dict[str, pl.DataFrame] = {}
        for dataset in ("responses", "orders", "contacts"):
            data.update(self.live(dataset, periods, **options).data)
        return data


def _refreshed(config: Path) -> tuple[WorkspaceConfig, dict[str, pl.DataFrame]]:
    report = refresh_workspace(config, now=NOW)
    assert report.status == "ok", report.summary()
    workspace = load(config)
    snapshot = current_snapshot(workspace.store_dir)
    return workspace, {name: frame.collect() for name, frame in snapshot.frames().items()}


@pytest.fixture(scope="session")
def sqlite_case(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Case:
    workspace, frames = _refreshed(
        planted_workspace(demo_workspace, tmp_path_factory.mktemp("live_utc"))
    )
    return Case(workspace, sql_source(workspace), frames)


@pytest.fixture(scope="session")
def new_york_case(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Case:
    folder = tmp_path_factory.mktemp("live_new_york")
    workspace, frames = _refreshed(
        planted_workspace(demo_workspace, folder, source_timezone="America/New_York")
    )
    return Case(workspace, sql_source(workspace), frames)


@pytest.fixture(scope="session")
def pg_module_url(pg_url: str) -> Iterator[str]:
    """One database for the live tests' PostgreSQL copies (dropped afterwards)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    name = f"benefitboard_live_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _pg_case(sqlite_case: Case, url: str, schema: str, aware: bool) -> Case:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.schema.CreateSchema(schema))
    engine.dispose()
    database = sqlite_case.workspace.base_dir / "data" / "demo.sqlite"
    copy_to_database(database, url, aware=aware, schema=schema)
    source = sql_source(sqlite_case.workspace, url, schema)
    return Case(sqlite_case.workspace, source, sqlite_case.frames)


@pytest.fixture(scope="session")
def pg_aware_case(sqlite_case: Case, pg_module_url: str) -> Case:
    return _pg_case(sqlite_case, pg_module_url, "aware", aware=True)


@pytest.fixture(scope="session")
def pg_text_case(sqlite_case: Case, pg_module_url: str) -> Case:
    return _pg_case(sqlite_case, pg_module_url, "text", aware=False)


CASES = [
    "sqlite_case",
    "new_york_case",
    pytest.param("pg_aware_case", marks=pytest.mark.postgres),
    pytest.param("pg_text_case", marks=pytest.mark.postgres),
]


@pytest.fixture(params=CASES)
def case(request: pytest.FixtureRequest) -> Case:
    return request.getfixturevalue(request.param)
