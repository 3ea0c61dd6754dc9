"""The sql source kind: canonical datasets from any database SQLAlchemy can reach (SQLite embedded).

Thin on purpose (like Streamlit's own SQLConnection): configuration becomes an
engine, a table or query becomes a ``SELECT`` (``connectors.database``, with
its time limits), and polars reads the result in batches.

``SOURCE_KIND`` (``SqlSource``) is this kind for ``connectors.kinds``: its
config keys and rules, ``read``, and live mode's ``validate_in_place``
(``connectors.pushdown``).

Example (a SQLite file with a table named otherwise than the canonical dataset):
    >>> import sqlite3
    >>> import tempfile
    >>> from pathlib import Path
    >>> from benefitboard.config import DatasetMapping
    >>> db = Path(tempfile.mkdtemp()) / "shop.sqlite"
    >>> with sqlite3.connect(db) as connection:
    ...     _ = connection.execute("CREATE TABLE answers (id, survey, score, responded_at)")
    ...     _ = connection.execute("INSERT INTO answers VALUES ('R1', 'nps', 9, '2026-05-01')")
    >>> mapping = DatasetMapping("responses", {"response_id": "id"}, table="answers")
    >>> source = SourceConfig(
    ...     "shop", "sql", db.parent, {"responses": mapping}, url=f"sqlite:///{db}"
    ... )
    >>> read_sql_dataset(source, "responses").collect()[["response_id", "score"]].rows()
    [('R1', 9.0)]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import polars as pl
import sqlalchemy as sa

from benefitboard.config import KeyType, SourceConfig, SourceKeyError
from connectors.canonicalize import to_canonical
from connectors.database import (
    dataset_select,
    extend_deadline,
    first_line,
    source_engine,
    timed_out,
    timed_out_error,
    unreachable_error,
)
from connectors.errors import SourceError
from connectors.kinds import InPlaceCheck, SourceKind

if TYPE_CHECKING:
    from validation.contracts import DatasetContract

BATCH_ROWS = 200_000


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
            raise timed_out_error(source, dataset) from None
        if mapping.query:
            raise SourceError(
                source.name,
                dataset,
                f"the configured query failed: {first_line(error)}",
                hint="check `query` in the workspace config",
            ) from None
        raise unreachable_error(source.name, dataset, engine, error) from None
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
    return dict.fromkeys(keys, pl.Utf8())


class SqlSource(SourceKind):
    """``kind = "sql"``: a database SQLAlchemy reaches; a dataset is a ``table`` or a ``query``.

    The only kind that supports live mode: ``connectors.pushdown`` builds its
    statements on the source's tables, so the database filters and aggregates.
    """

    name = "sql"
    supports_live = True
    dataset_keys: ClassVar[Mapping[str, KeyType]] = {"table": str, "query": str}

    def check_source(self, raw: Mapping[str, Any]) -> None:
        if not (raw.get("url") or raw.get("connection")):
            raise SourceKeyError(
                "",
                "a sql source needs `url` (for a database without credentials, e.g. SQLite) or "
                "`connection` (a name looked up in .streamlit/secrets.toml [connections.NAME])",
            )

    def check_dataset(self, raw: Mapping[str, Any]) -> None:
        if bool(raw.get("table")) == bool(raw.get("query")):
            raise SourceKeyError("", "give exactly one of `table` or `query`")

    def read(
        self,
        source: SourceConfig,
        dataset: str,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> pl.LazyFrame:
        return read_sql_dataset(source, dataset, progress=progress)

    def validate_in_place(
        self,
        source: SourceConfig,
        dataset: str,
        contract: DatasetContract,
        *,
        now: datetime,
        previous_row_count: int | None = None,
    ) -> InPlaceCheck:
        """The contract as SQL in the source database, with quarantine count and newest row."""
        from connectors.pushdown.rows import count_quarantined, newest_record
        from connectors.pushdown.validate import validate_live_source

        validation = validate_live_source(
            source, dataset, contract, now=now, previous_row_count=previous_row_count
        )
        return InPlaceCheck(
            validation=validation,
            quarantined=count_quarantined(source, dataset, contract=contract, now=now),
            newest_record=newest_record(source, dataset, contract=contract, now=now),
        )


SOURCE_KIND = SqlSource()
