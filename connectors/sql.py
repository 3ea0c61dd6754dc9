"""Read canonical datasets from any database SQLAlchemy can reach (SQLite is the embedded default).

Thin on purpose (like Streamlit's own SQLConnection): configuration becomes an
engine, a table or query becomes a ``SELECT``, and polars reads the result.
The table name is quoted by SQLAlchemy as an identifier, never pasted into SQL.

Example:
    >>> frame = read_sql_dataset(source, "responses")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import polars as pl
import sqlalchemy as sa

from benefitboard.config import SourceConfig
from benefitboard.secrets import MissingCredentialsError, mask_url, source_url
from connectors.canonicalize import to_canonical
from connectors.errors import SourceError

BATCH_ROWS = 200_000


@lru_cache(maxsize=16)
def engine_for(url: str, timeout_seconds: float = 60.0) -> sa.Engine:
    """One pooled engine per URL, with connect and statement timeouts where the dialect has them."""
    dialect = sa.engine.make_url(url).get_backend_name()
    connect_args: dict = {}
    if dialect == "sqlite":
        connect_args = {"timeout": timeout_seconds}
    elif dialect == "postgresql":
        connect_args = {
            "connect_timeout": max(1, int(min(timeout_seconds, 10))),
            "options": f"-c statement_timeout={int(timeout_seconds * 1000)}",
        }
    return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)


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
                if progress:
                    progress(rows)
    except (sa.exc.OperationalError, sa.exc.ProgrammingError) as error:
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
