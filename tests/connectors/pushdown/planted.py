"""The planted demo shop that live-mode tests share: refresh mode and live mode read the same rows.

The session's demo database (tests/conftest.py) is copied and given rows that
break rules (out-of-scale scores, an unknown survey, a duplicated id, an
unreadable or future timestamp, a delivery before its order), hostile segment
values, and rows on the reporting zone's day and DST edges. Refresh mode
validates and snapshots it; live mode must give the same KPIs from SQL.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa

from benefitboard.config import SourceConfig, WorkspaceConfig, load_workspace

NOW = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
HOSTILE_PLAN = "pro' OR '1'='1"

PLANTED_RESPONSES = [
    # survey_type, score, submitted_at (UTC text), comment, plan, region
    ("nps", 11, "2026-10-20 10:00:00", "eleven out of ten", "pro", "North"),
    ("csat", 4.5, "2026-10-20 10:00:00", None, "pro", "North"),
    ("NPS", 9, "2026-10-20 10:00:00", None, "pro", "North"),
    ("nps", 10, "yesterday", None, "pro", "North"),
    ("nps", 0, "2026-11-01 07:00:00", "from the future", "pro", "North"),
    ("nps", 10, "2026-10-24 22:00:00", "first second of 25 Oct in Berlin", "pro", "South"),
    ("nps", 0, "2026-10-24 21:59:59", "last second of 24 Oct in Berlin", "pro", "South"),
    ("nps", 9, "2026-10-31 23:00:00", "100% late_delivery, first of Nov", None, "South"),
    ("nps", 3, "2026-03-08 07:30:00", "spring gap in New York", HOSTILE_PLAN, "North"),
    ("nps", 8, "2026-11-01 05:30:00", "repeated hour in New York", "basic", None),
    ("csat", 5, "2026-03-29 00:59:59", "before the Berlin switch", "basic", "East"),
    ("ces", 7, "2026-03-29 01:00:00", "after the Berlin switch", "basic", "East"),
]
PLANTED_ORDERS = [
    # ordered_at, promised_at, delivered_at, amount, shipping_cost, plan, region
    (
        "2026-10-10 10:00:00",
        "2026-10-12 10:00:00",
        "2026-10-09 10:00:00",
        20.0,
        3.0,
        "pro",
        "North",
    ),
    (
        "2026-10-10 10:00:00",
        "2026-10-12 10:00:00",
        "2026-10-11 10:00:00",
        -5.0,
        3.0,
        "pro",
        "North",
    ),
    ("2026-10-10 10:00:00", None, "2026-10-13 10:00:00", 20.0, None, "pro", "North"),
    (
        "2026-10-24 22:00:00",
        "2026-10-26 22:00:00",
        "2026-10-25 22:00:00",
        20.0,
        4.5,
        "pro",
        "South",
    ),
]


def planted_workspace(demo_config: Path, folder: Path, source_timezone: str = "UTC") -> Path:
    """A copy of the demo workspace with the planted rows; returns its config path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    database = folder / "data" / "demo.sqlite"
    shutil.copyfile(demo_config.parent / "data" / "demo.sqlite", database)
    text = demo_config.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^timezone = "UTC"', f'timezone = "{source_timezone}"', text)
    config = folder / "benefitboard.toml"
    config.write_text(text, encoding="utf-8")
    _plant(sa.create_engine(f"sqlite:///{database}"))
    return config


def _plant(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        for table in ("survey_responses", "orders"):
            # Without the primary key, so a duplicated id can be planted.
            connection.exec_driver_sql(f"CREATE TABLE planted AS SELECT * FROM {table}")
            connection.exec_driver_sql(f"DROP TABLE {table}")
            connection.exec_driver_sql(f"ALTER TABLE planted RENAME TO {table}")
        first = connection.exec_driver_sql("SELECT max(id) FROM survey_responses").scalar() + 1
        names = ("survey_type", "score", "submitted_at", "comment", "plan", "region")
        responses = sa.table("survey_responses", *(sa.column(c) for c in ("id", "channel", *names)))
        connection.execute(
            responses.insert(),
            [
                dict(zip(names, row, strict=True)) | {"id": first + i, "channel": "web"}
                for i, row in enumerate(PLANTED_RESPONSES)
            ],
        )
        connection.exec_driver_sql(  # a second copy of an existing answer: both are quarantined
            "INSERT INTO survey_responses SELECT * FROM survey_responses WHERE id = 17"
        )
        first = connection.exec_driver_sql("SELECT max(id) FROM orders").scalar() + 1
        orders = sa.table(
            "orders",
            *(
                sa.column(c)
                for c in (
                    "id", "ordered_at", "promised_at", "delivered_at", "amount",
                    "shipping_cost", "plan", "region", "customer_id", "currency", "channel",
                )
            ),
        )  # fmt: skip
        names = ("ordered_at", "promised_at", "delivered_at", "amount", "shipping_cost")
        connection.execute(
            orders.insert(),
            [
                dict(zip((*names, "plan", "region"), row, strict=True))
                | {"id": first + i, "customer_id": "C000001", "currency": "EUR", "channel": "web"}
                for i, row in enumerate(PLANTED_ORDERS)
            ],
        )
        connection.exec_driver_sql("INSERT INTO orders SELECT * FROM orders WHERE id = 23")


def copy_to_database(
    sqlite_path: Path, url: str, *, aware: bool, schema: str | None = None
) -> None:
    """Copy the demo tables live mode reads into another database, as a warehouse would hold them.

    With ``aware``, UTC text timestamps become ``TIMESTAMP WITH TIME ZONE``
    (unreadable text becomes NULL); otherwise they stay text.
    """
    source = sa.create_engine(f"sqlite:///{sqlite_path}")
    target = sa.create_engine(url)
    metadata = sa.MetaData(schema=schema)
    time_columns = {"submitted_at", "opened_at", "closed_at", "ordered_at", "promised_at"}
    time_columns |= {"delivered_at"}
    for name in ("survey_responses", "orders", "support_contacts"):
        reflected = sa.Table(name, sa.MetaData(), autoload_with=source)
        columns = []
        for column in reflected.columns:
            if column.name in time_columns and aware:
                kind = sa.DateTime(timezone=True)
            elif column.name in ("score", "amount", "shipping_cost", "ces_score", "csat_score"):
                kind = sa.Float()
            elif column.name in ("id", "handle_seconds"):
                kind = sa.BigInteger()
            else:
                kind = sa.Text()
            columns.append(sa.Column(column.name, kind))
        table = sa.Table(name, metadata, *columns)
        table.create(target)
        with source.connect() as reading:
            rows = [dict(r._mapping) for r in reading.execute(sa.select(reflected))]
        if aware:
            for row in rows:
                for column in time_columns & row.keys():
                    row[column] = _utc(row[column])
        with target.begin() as writing:
            writing.execute(table.insert(), rows)
    target.dispose()


def _utc(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None
    except ValueError:
        return None


def sql_source(
    workspace: WorkspaceConfig, url: str | None = None, schema: str | None = None
) -> SourceConfig:
    """The workspace's sql source, optionally pointed at another database (and schema)."""
    source = workspace.sources["shop_db"]
    if url is None:
        return source
    datasets = {
        name: replace(mapping, table=f"{schema}.{mapping.table}" if schema else mapping.table)
        for name, mapping in source.datasets.items()
    }
    return replace(source, url=url, datasets=datasets)


def load(config: Path) -> WorkspaceConfig:
    return load_workspace(config)


TILE_PERIOD = (date(2026, 10, 1), date(2026, 11, 1))
COMPARISON = (date(2026, 3, 1), date(2026, 3, 31))
