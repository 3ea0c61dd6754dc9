"""Elapsed seconds between two timestamps: the one piece of date arithmetic live mode needs.

SQL has no portable spelling for it, so it is a SQLAlchemy construct compiled
per dialect (``@compiles``): PostgreSQL subtracts and takes the epoch of the
interval, SQLite subtracts Unix seconds (whole seconds), and the warehouses in docs/SCALING.md
use their own difference functions. An unknown dialect fails with a message
naming it, rather than running SQL that might mean something else.

Example:
    >>> from sqlalchemy.dialects import postgresql
    >>> a, b = sa.column("delivered_at"), sa.column("ordered_at")
    >>> str(SecondsBetween(b, a).compile(dialect=postgresql.dialect()))
    'EXTRACT(EPOCH FROM (delivered_at - ordered_at))'
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class SecondsBetween(FunctionElement):
    """``(later − earlier)`` in seconds of the stored values (fractions kept where the dialect
    keeps them). Naive values are wall-clock readings; ``bounds.utc_offset_case`` corrects
    for clock changes."""

    type = sa.Float()
    inherit_cache = True
    name = "seconds_between"

    def __init__(self, earlier: sa.ColumnElement, later: sa.ColumnElement, text: bool = False):
        self.text = text
        super().__init__(earlier, later)


class UnsupportedDialectError(NotImplementedError):
    """Live mode has no SQL for this dialect yet; docs/SCALING.md says how to add it."""


def _parts(element: SecondsBetween, compiler, **kw) -> tuple[str, str]:
    earlier, later = list(element.clauses)
    return compiler.process(earlier, **kw), compiler.process(later, **kw)


@compiles(SecondsBetween)
def _default(element: SecondsBetween, compiler, **kw) -> str:
    raise UnsupportedDialectError(
        f"live mode cannot compute elapsed time in the {compiler.dialect.name!r} dialect; "
        "add a compile rule in connectors/pushdown/sqltime.py (see docs/SCALING.md)"
    )


@compiles(SecondsBetween, "postgresql")
def _postgresql(element: SecondsBetween, compiler, **kw) -> str:
    earlier, later = _parts(element, compiler, **kw)
    if element.text:
        earlier, later = f"CAST({earlier} AS TIMESTAMP)", f"CAST({later} AS TIMESTAMP)"
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


@compiles(SecondsBetween, "sqlite")
def _sqlite(element: SecondsBetween, compiler, **kw) -> str:
    earlier, later = _parts(element, compiler, **kw)
    # Whole seconds: SQLite's date functions keep milliseconds at best, and only from 3.42 on.
    seconds = "CAST(strftime('%s', {}) AS INTEGER)"
    return f"({seconds.format(later)} - {seconds.format(earlier)})"


@compiles(SecondsBetween, "duckdb")
def _duckdb(element: SecondsBetween, compiler, **kw) -> str:
    earlier, later = _parts(element, compiler, **kw)
    later, earlier = f"CAST({later} AS TIMESTAMP)", f"CAST({earlier} AS TIMESTAMP)"
    return f"(epoch_us({later}) - epoch_us({earlier})) / 1000000.0"


@compiles(SecondsBetween, "trino")
def _trino(element: SecondsBetween, compiler, **kw) -> str:
    earlier, later = _parts(element, compiler, **kw)
    return f"date_diff('millisecond', {earlier}, {later}) / 1000.0"


@compiles(SecondsBetween, "bigquery")
def _bigquery(element: SecondsBetween, compiler, **kw) -> str:
    earlier, later = _parts(element, compiler, **kw)
    return f"TIMESTAMP_DIFF({later}, {earlier}, MICROSECOND) / 1000000.0"


@compiles(SecondsBetween, "snowflake")
def _snowflake(element: SecondsBetween, compiler, **kw) -> str:
    earlier, later = _parts(element, compiler, **kw)
    return f"DATEDIFF('microsecond', {earlier}, {later}) / 1000000.0"


@compiles(SecondsBetween, "databricks")
@compiles(SecondsBetween, "hive")
def _spark(element: SecondsBetween, compiler, **kw) -> str:
    earlier, later = _parts(element, compiler, **kw)
    return f"(unix_micros({later}) - unix_micros({earlier})) / 1000000.0"
