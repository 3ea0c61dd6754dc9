"""A sql source's dataset as a SQLAlchemy relation with canonical column names.

Why a relation and not rows: live mode never copies the table. It names the
source's columns under their canonical names (``survey_type`` → ``survey``)
as SQLAlchemy column expressions, so every statement built on top is plain
SQLAlchemy Core: identifiers are quoted by the dialect, values are bound
parameters, and nothing is pasted into SQL text.

Segment names come only from the workspace config (``DatasetMapping.segments``):
asking for any other name raises before a statement is built.

How timestamps are stored decides how they are compared (``TimeStyle``): a
``timestamptz`` column takes aware UTC bounds; a naive timestamp or ISO text
('YYYY-MM-DD HH:MM:SS', as the demo's SQLite writes) holds wall-clock time in
the source's time zone, so bounds are translated into that zone's wall clock
(see ``bounds.py``). The style is read once from one stored value.

Example:
    >>> relation = source_relation(source, "responses")
    >>> relation.time_style, relation.column("survey").name
    (<TimeStyle.TEXT: 'text'>, 'survey_type')
    >>> survey = relation.column("survey")
    >>> per_survey = sa.select(survey, sa.func.count()).group_by(survey).order_by(survey)
    >>> with relation.engine.connect() as connection:
    ...     connection.execute(per_survey).all()
    [('csat', 2), ('nps', 6)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import polars as pl
import sqlalchemy as sa

from benefitboard.config import DatasetMapping, SourceConfig
from canonical.datasets import dataset_spec
from connectors.database import dataset_select, failure_words, source_engine
from connectors.errors import SourceError
from connectors.kinds import source_kind
from metrics.aggregates import NOT_SET


class TimeStyle(StrEnum):
    """How a source stores a timestamp or date column."""

    AWARE = "aware"
    """A zone-aware timestamp (PostgreSQL timestamptz, BigQuery TIMESTAMP): compare with UTC."""
    NAIVE = "naive"
    """A timestamp without zone, holding wall-clock time in the source's time zone."""
    TEXT = "text"
    """ISO text 'YYYY-MM-DD[ HH:MM[:SS[.f]]]', wall-clock time in the source's time zone."""
    DATE = "date"
    """A calendar date (date datasets)."""


ENFORCED_CONSTRAINTS = frozenset({"postgresql", "sqlite", "mysql", "mariadb", "mssql", "oracle"})
"""Dialects whose primary keys and unique constraints are enforced (Snowflake's and
BigQuery's are informational only, so live mode checks uniqueness there itself)."""


_STYLE_TYPES: dict[TimeStyle, sa.types.TypeEngine] = {
    TimeStyle.AWARE: sa.DateTime(timezone=True),
    TimeStyle.NAIVE: sa.DateTime(),
    TimeStyle.TEXT: sa.Text(),
    TimeStyle.DATE: sa.Date(),
}
"""The SQL type of a stored timestamp by style, for a configured query's untyped columns."""


class UnknownSegmentError(KeyError):
    """A segment name that the workspace config does not declare for this dataset."""


@dataclass(frozen=True)
class SourceRelation:
    """One dataset of a sql source: engine, FROM clause, and columns by canonical name."""

    source: SourceConfig
    dataset: str
    engine: sa.Engine
    from_clause: sa.FromClause
    time_style: TimeStyle

    @property
    def mapping(self) -> DatasetMapping:
        return self.source.datasets[self.dataset]

    @property
    def segments(self) -> tuple[str, ...]:
        return self.mapping.segments

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def has(self, canonical: str) -> bool:
        """True when the source has the column (optional canonical columns may be absent)."""
        return self._source_name(canonical) in self.from_clause.c

    def column(self, canonical: str) -> sa.ColumnElement:
        """The source column holding canonical column (or segment) ``canonical``.

        An optional canonical column the source lacks is a typed NULL, like the
        connector's null column in refresh mode: typed, because SQLAlchemy refuses
        to compare two bare NULLs (``delivered_at <= promised_at`` when a source has
        neither), and a database needs a type to compare a NULL with a bound value.
        """
        name = self._source_name(canonical)
        if name in self.from_clause.c:
            return self.from_clause.c[name]
        if canonical in dataset_spec(self.dataset).names:
            return sa.cast(sa.null(), self._stored_type(canonical))
        raise UnknownSegmentError(canonical)

    def _stored_type(self, canonical: str) -> sa.types.TypeEngine:
        """The SQL type the source would store canonical column ``canonical`` as.

        Timestamps are stored like the dataset's time column (``TimeStyle``), so an
        absent one compares with the same bounds; other columns by their canonical type.
        """
        spec = dataset_spec(self.dataset)
        dtype = spec.column(canonical).dtype
        if isinstance(dtype, pl.Datetime):
            stored = self.from_clause.c[self._source_name(spec.time_column)].type
            if isinstance(stored, sa.types.NullType):  # a configured query's column
                return _STYLE_TYPES[self.time_style]
            return stored
        if dtype == pl.Date:
            return sa.Date()
        if dtype.is_float():
            return sa.Float()
        if dtype.is_integer():
            return sa.BigInteger()
        if dtype == pl.Boolean:
            return sa.Boolean()
        return sa.Text()

    def segment(self, name: str) -> sa.ColumnElement:
        """A declared segment column; anything else is refused (names are never taken from URLs)."""
        if name not in self.segments:
            raise UnknownSegmentError(
                f"{name!r} is not a segment of {self.dataset} in source {self.source.name!r}; "
                f"declared segments: {list(self.segments)}"
            )
        return self.from_clause.c[name]

    def enforces_unique(self, canonical: Sequence[str]) -> bool:
        """True when the database itself guarantees the columns are unique (primary key or
        unique constraint on exactly them, in a dialect that enforces constraints)."""
        table = self.from_clause
        if not isinstance(table, sa.Table) or self.dialect not in ENFORCED_CONSTRAINTS:
            return False
        wanted = {self._source_name(c) for c in canonical}
        candidates = [set(table.primary_key.columns.keys())]
        candidates += [set(i.columns.keys()) for i in table.indexes if i.unique]
        candidates += [
            set(c.columns.keys()) for c in table.constraints if isinstance(c, sa.UniqueConstraint)
        ]
        return wanted in candidates

    def filter_conditions(self, filters: Mapping[str, Sequence[str]]) -> list[sa.ColumnElement]:
        """SQL for segment filters: the column is one of the values (bound), or empty for
        ``"(not set)"``, the engine's name for an empty segment value."""
        conditions = []
        for name, allowed in filters.items():
            if not allowed:
                continue
            column = self.segment(name)
            wanted = [str(v) for v in allowed]
            values = [v for v in wanted if v != NOT_SET]
            options = [column.in_(values)] if values else []
            if NOT_SET in wanted:
                options.append(column.is_(None))
            conditions.append(sa.or_(*options))
        return conditions

    def _source_name(self, canonical: str) -> str:
        if canonical in self.segments:
            return canonical
        return self.mapping.source_column(canonical)


def source_relation(source: SourceConfig, dataset: str) -> SourceRelation:
    """The relation of ``dataset`` in the sql ``source`` (reflected once per process)."""
    if not source_kind(source.kind).supports_live:
        raise SourceError(
            source.name,
            dataset,
            f"live mode needs a source kind that answers in place; {source.kind!r} does not",
        )
    if dataset not in source.datasets:
        raise SourceError(source.name, dataset, "this source does not declare that dataset")
    engine = source_engine(source)
    key = (engine, source.name, source.timezone, dataset, repr(source.datasets[dataset]))
    if key not in _RELATIONS:
        _RELATIONS[key] = _relation(source, dataset, engine)
    return _RELATIONS[key]


_RELATIONS: dict[tuple, SourceRelation] = {}
"""Reflected relations by (engine, source, zone, dataset, mapping): one reflection a process.
The engine (one per URL and time limit) is in the key, so a new time limit takes effect."""


def _relation(source: SourceConfig, dataset: str, engine: sa.Engine) -> SourceRelation:
    mapping = source.datasets[dataset]
    statement = dataset_select(source, dataset, engine)
    from_clause: sa.FromClause
    if isinstance(statement, sa.TextClause):
        names = _query_columns(source, dataset, engine, statement)
        from_clause = statement.columns(*(sa.column(n) for n in names)).subquery("source_rows")
    else:
        from_clause = statement.get_final_froms()[0]
    spec = dataset_spec(dataset)
    absent = [
        name
        for name in (*(mapping.source_column(c) for c in spec.required), *mapping.segments)
        if name not in from_clause.c
    ]
    if absent:
        raise SourceError(
            source.name,
            dataset,
            f"column(s) {absent} not found; the source has {list(from_clause.c.keys())}",
            hint="fix the column names in the workspace config's [columns] mapping",
        )
    time_column = from_clause.c[mapping.source_column(spec.time_column)]
    return SourceRelation(
        source, dataset, engine, from_clause, _time_style(engine, time_column, source, dataset)
    )


def _query_columns(
    source: SourceConfig, dataset: str, engine: sa.Engine, statement: sa.TextClause
) -> list[str]:
    """The columns a configured query returns, asked of the database without reading a row.

    Why ask: declaring every canonical column would make an optional one the query does
    not return (``order_id`` of responses, say) a "no such column" in every live statement;
    asked, it is absent, so ``SourceRelation.column`` gives it as a typed NULL, as refresh
    mode's connector does. One zero-row query per relation and process.
    """
    probe: sa.Select = (
        sa.select(sa.literal_column("*"))
        .select_from(statement.columns().subquery("probe"))
        .where(sa.false())
    )
    try:
        with engine.connect() as connection:
            return list(connection.execute(probe).keys())
    except sa.exc.DBAPIError as error:
        raise SourceError(
            source.name,
            dataset,
            f"the configured query {failure_words(error, source)}",
            hint="check `query` in the workspace config",
        ) from None


def _time_style(
    engine: sa.Engine, column: sa.ColumnElement, source: SourceConfig, dataset: str
) -> TimeStyle:
    """How the time column stores values, read from one stored value (or the reflected type)."""
    declared = column.type
    if isinstance(declared, sa.DateTime) and declared.timezone:
        return TimeStyle.AWARE
    try:
        with engine.connect() as connection:
            value = connection.execute(
                sa.select(column).where(column.is_not(None)).limit(1)
            ).scalar()
    except sa.exc.DBAPIError as error:
        raise SourceError(
            source.name, dataset, f"cannot read from the source: {error.orig}"
        ) from None
    if isinstance(value, datetime):
        return TimeStyle.AWARE if value.tzinfo is not None else TimeStyle.NAIVE
    if isinstance(value, date):
        return TimeStyle.DATE
    if isinstance(value, str) or value is None:
        return TimeStyle.TEXT
    raise SourceError(
        source.name,
        dataset,
        f"live mode cannot compare time column {column.name!r}: it holds {type(value).__name__} "
        "values",
        column=str(column.name),
        hint="store it as a timestamp or as ISO text, or cast it in the configured query",
    )
