"""Talking to a database: one engine per URL, a time limit on every statement, a dataset's SELECT.

What the sql source kind (``connectors.sql``) and its live mode
(``connectors.pushdown``) share about talking to a database; SQLite is the
embedded default. The table name is quoted by SQLAlchemy as an identifier,
never pasted into SQL.

Every statement has a time limit, the source's ``query_timeout_seconds``
(default 60): a query that hangs (a lock, a runaway configured query, a
warehouse under load) is cut, and the refresh keeps the last good data with
"the source timed out" on the banner instead of waiting forever. PostgreSQL
enforces it on the server (``statement_timeout``); SQLite through its
progress handler (and its busy timeout for a locked file); MySQL/MariaDB
through the driver's read timeout. Other dialects get the connect timeout of
their driver only: set their own limit in the URL's query string.
"""

from __future__ import annotations

import sqlite3
import time
from functools import lru_cache

import sqlalchemy as sa

from benefitboard.config import SourceConfig
from benefitboard.secrets import MissingCredentialsError, mask_url, source_url
from connectors.errors import SourceError

SQLITE_CHECK_STEPS = 10_000
"""SQLite virtual-machine steps between two looks at the clock (about a millisecond)."""
_DEADLINE = "benefitboard_deadline"
"""Key, in a pooled connection's ``info``, of the moment its running statement must stop."""


@lru_cache(maxsize=16)
def engine_for(url: str, timeout_seconds: float = 60.0) -> sa.Engine:
    """One pooled engine per URL, with connect and statement timeouts where the dialect has them.

    >>> forever = ("WITH RECURSIVE f(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM f) "
    ...            "SELECT count(*) FROM f")
    >>> with engine_for("sqlite://", 0.5).connect() as connection:
    ...     try:
    ...         connection.exec_driver_sql(forever).all()
    ...     except sa.exc.OperationalError as error:  # cut after half a second
    ...         print(error.orig)
    interrupted
    """
    parsed = sa.engine.make_url(url)
    dialect, driver = parsed.get_backend_name(), parsed.get_driver_name()
    connect_args: dict = {}
    if dialect == "sqlite":
        connect_args = {"timeout": timeout_seconds}  # waiting for a locked database file
    elif dialect == "postgresql":
        connect_args = {
            "connect_timeout": max(1, int(min(timeout_seconds, 10))),
            "options": f"-c statement_timeout={max(1, int(timeout_seconds * 1000))}",
        }
    elif dialect in ("mysql", "mariadb") and driver in ("pymysql", "mysqldb"):
        seconds = max(1, int(timeout_seconds))
        connect_args = {"connect_timeout": min(seconds, 10), "read_timeout": seconds}
    options: dict = {}
    if dialect == "sqlite" and parsed.database not in (None, "", ":memory:"):
        # A fresh connection per use: a demo database regenerated (or any file
        # replaced) between two refreshes of one server must be read anew, not
        # through a pooled connection still holding the old, deleted file.
        options["poolclass"] = sa.pool.NullPool
    engine = sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args, **options)
    if dialect == "sqlite":
        _cut_long_sqlite_statements(engine, timeout_seconds)
    return engine


def _cut_long_sqlite_statements(engine: sa.Engine, timeout_seconds: float) -> None:
    """SQLite has no statement timeout: a progress handler interrupts a statement past its deadline.

    The clock starts when a statement is sent and restarts after each batch of
    rows the connector reads (``extend_deadline``), so the limit is on waiting
    for the database, as with PostgreSQL, not on reading a large table.
    """

    @sa.event.listens_for(engine, "connect")
    def watch(dbapi_connection: sqlite3.Connection, record) -> None:
        info = record.info

        def past_deadline() -> int:
            deadline = info.get(_DEADLINE)
            return int(deadline is not None and time.monotonic() > deadline)

        dbapi_connection.set_progress_handler(past_deadline, SQLITE_CHECK_STEPS)

    @sa.event.listens_for(engine, "before_cursor_execute")
    def start_clock(connection, cursor, statement, parameters, context, executemany) -> None:
        connection.info[_DEADLINE] = time.monotonic() + timeout_seconds

    @sa.event.listens_for(engine, "checkin")
    def stop_clock(dbapi_connection, record) -> None:
        record.info.pop(_DEADLINE, None)


def extend_deadline(connection: sa.Connection, timeout_seconds: float) -> None:
    """Give the statement running on ``connection`` another ``timeout_seconds`` (SQLite only)."""
    if _DEADLINE in connection.info:
        connection.info[_DEADLINE] = time.monotonic() + timeout_seconds


def timed_out(error: BaseException) -> bool:
    """True when the database stopped a statement because it ran past the source's time limit."""
    original = getattr(error, "orig", None) or error
    if getattr(original, "sqlstate", None) == "57014":  # PostgreSQL: query_canceled
        return True
    if isinstance(original, sqlite3.OperationalError):
        return str(original) in ("interrupted", "database is locked")
    return "timeout" in type(original).__name__.lower()


def failure_words(error: BaseException, source: SourceConfig) -> str:
    """How a statement failed, for a sentence like "the page query <failure_words>".

    >>> from pathlib import Path
    >>> source = SourceConfig("shop", "sql", Path("."), {}, url="sqlite://")
    >>> failure_words(sqlite3.OperationalError("interrupted"), source)
    'timed out after 60 s (query_timeout_seconds)'
    """
    if timed_out(error):
        return f"timed out after {source.query_timeout_seconds:g} s (query_timeout_seconds)"
    return f"failed: {first_line(error)}"


def source_engine(source: SourceConfig) -> sa.Engine:
    """The engine of a sql source, or a SourceError saying which credentials are missing."""
    try:
        url = source_url(source)
    except MissingCredentialsError as error:
        raise SourceError(source.name, "*", str(error)) from None
    return engine_for(url, source.query_timeout_seconds)


def dataset_select(
    source: SourceConfig, dataset: str, engine: sa.Engine
) -> sa.Select | sa.TextClause:
    """The statement that reads one dataset: a reflected table, or the configured query.

    A configured query is the workspace owner's own SQL, taken from the
    committed config (never from a URL or a widget), and run as written.
    """
    mapping = source.datasets[dataset]
    if mapping.query:
        return sa.text(mapping.query)
    assert mapping.table is not None  # the config requires a table or a query
    schema, _, name = mapping.table.rpartition(".")
    try:
        table = sa.Table(name, sa.MetaData(), schema=schema or None, autoload_with=engine)
    except sa.exc.NoSuchTableError:
        raise SourceError(
            source.name,
            dataset,
            f"table {mapping.table!r} does not exist in {_where(engine)}",
            hint="check `table` in the workspace config, or run the demo generator",
        ) from None
    except sa.exc.OperationalError as error:
        if timed_out(error):
            raise timed_out_error(source, dataset) from None
        raise unreachable_error(source.name, dataset, engine, error) from None
    return sa.select(table)


def timed_out_error(source: SourceConfig, dataset: str) -> SourceError:
    """The error for a statement the database cut at the source's time limit, saying what to do."""
    return SourceError(
        source.name,
        dataset,
        f"the source timed out: reading it took longer than {source.query_timeout_seconds:g} s",
        hint=f"raise query_timeout_seconds in [sources.{source.name}] of the workspace config, "
        "or make the table or query faster to read",
    )


def unreachable_error(
    source: str, dataset: str, engine: sa.Engine, error: Exception
) -> SourceError:
    """The error for a database that cannot be reached, naming it without its password."""
    return SourceError(
        source,
        dataset,
        f"cannot read from {_where(engine)}: {first_line(error)}",
        hint="check that the database is running and the credentials are right",
    )


def _where(engine: sa.Engine) -> str:
    return mask_url(engine.url.render_as_string(hide_password=True))


def first_line(error: BaseException) -> str:
    """The driver's own first line of an error, any URL in it masked.

    >>> first_line(ValueError("could not connect to postgresql://bi:secret@db/shop\\nretrying"))
    'could not connect to postgresql://bi:***@db/shop'
    """
    original = getattr(error, "orig", None) or error
    return mask_url(str(original).strip().splitlines()[0] if str(original).strip() else repr(error))
