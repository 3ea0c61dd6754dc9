"""Read canonical datasets from any database SQLAlchemy can reach (SQLite is the embedded default).

Thin on purpose (like Streamlit's own SQLConnection): configuration becomes an
engine, a table or query becomes a ``SELECT``, and polars reads the result.
The table name is quoted by SQLAlchemy as an identifier, never pasted into SQL.

Every statement has a time limit, the source's ``query_timeout_seconds``
(default 60): a query that hangs (a lock, a runaway configured query, a
warehouse under load) is cut, and the refresh keeps the last good data with
"the source timed out" on the banner instead of waiting forever. PostgreSQL
enforces it on the server (``statement_timeout``); SQLite through its
progress handler (and its busy timeout for a locked file); MySQL/MariaDB
through the driver's read timeout. Other dialects get the connect timeout of
their driver only: set their own limit in the URL's query string.

Example:
    >>> frame = read_sql_dataset(source, "responses")  # doctest: +SKIP
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from functools import lru_cache

import polars as pl
import sqlalchemy as sa

from benefitboard.config import SourceConfig
from benefitboard.secrets import MissingCredentialsError, mask_url, source_url
from connectors.canonicalize import to_canonical
from connectors.errors import SourceError

BATCH_ROWS = 200_000
SQLITE_CHECK_STEPS = 10_000
"""SQLite virtual-machine steps between two looks at the clock (about a millisecond)."""
_DEADLINE = "benefitboard_deadline"
"""Key, in a pooled connection's ``info``, of the moment its running statement must stop."""


@lru_cache(maxsize=16)
def engine_for(url: str, timeout_seconds: float = 60.0) -> sa.Engine:
    """One pooled engine per URL, with connect and statement timeouts where the dialect has them.

    >>> forever = ("WITH RECURSIVE f(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM f) "
    ...            "SELECT count(*) FROM f")
    >>> with engine_for("sqlite://", 0.5).connect() as connection:  # doctest: +SKIP
    ...     connection.exec_driver_sql(forever).all()  # cut after half a second
    Traceback (most recent call last):
    sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) interrupted
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

    >>> failure_words(sqlite3.OperationalError("interrupted"), source)  # doctest: +SKIP
    'timed out after 60 s (query_timeout_seconds)'
    """
    if timed_out(error):
        return f"timed out after {source.query_timeout_seconds:g} s (query_timeout_seconds)"
    return f"failed: {_first_line(error)}"


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
            raise _timed_out(source, dataset) from None
        raise _unreachable(source.name, dataset, engine, error) from None
    return sa.select(table)


def read_sql_dataset(
    source: SourceConfig,
    dataset: str,
    *,
    progress: Callable[[int], None] | None = None,
) -> pl.LazyFrame:
    """Read ``dataset`` from ``source`` and return it as a canonical LazyFrame."""
    mapping = source.datasets[dataset]
    engine = source_engine(source)
    statement = dataset_select(source, dataset, engine)
    try:
        with engine.connect() as connection:
            batches = []
            rows = 0
            for batch in pl.read_database(
                statement,
                connection,
                iter_batches=True,
                batch_size=BATCH_ROWS,
                infer_schema_length=None,
            ):
                batches.append(batch)
                rows += batch.height
                extend_deadline(connection, source.query_timeout_seconds)
                if progress:
                    progress(rows)
    except (sa.exc.OperationalError, sa.exc.ProgrammingError) as error:
        if timed_out(error):
            raise _timed_out(source, dataset) from None
        if mapping.query:
            raise SourceError(
                source.name,
                dataset,
                f"the configured query failed: {_first_line(error)}",
                hint="check `query` in the workspace config",
            ) from None
        raise _unreachable(source.name, dataset, engine, error) from None
    frame = (
        pl.concat(batches, how="diagonal_relaxed")
        if batches
        else pl.DataFrame(schema=_result_columns(engine, statement))
    )
    return to_canonical(frame.lazy(), source=source.name, mapping=mapping, timezone=source.timezone)


def _result_columns(
    engine: sa.Engine, statement: sa.Select | sa.TextClause
) -> dict[str, pl.DataType]:
    """Column names of an empty result, so an empty table still has its schema."""
    with engine.connect() as connection:
        keys = connection.execute(statement).keys()
    return dict.fromkeys(keys, pl.Utf8)


def _timed_out(source: SourceConfig, dataset: str) -> SourceError:
    return SourceError(
        source.name,
        dataset,
        f"the source timed out: reading it took longer than {source.query_timeout_seconds:g} s",
        hint=f"raise query_timeout_seconds in [sources.{source.name}] of the workspace config, "
        "or make the table or query faster to read",
    )


def _unreachable(source: str, dataset: str, engine: sa.Engine, error: Exception) -> SourceError:
    return SourceError(
        source,
        dataset,
        f"cannot read from {_where(engine)}: {_first_line(error)}",
        hint="check that the database is running and the credentials are right",
    )


def _where(engine: sa.Engine) -> str:
    return mask_url(engine.url.render_as_string(hide_password=True))


def _first_line(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    return mask_url(str(original).strip().splitlines()[0] if str(original).strip() else repr(error))
