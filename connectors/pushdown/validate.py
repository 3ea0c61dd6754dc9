"""Validate a live source in its own database: the contract's suite as SQL, the quarantine counted.

The bridge between the source (which only connectors know: table or query,
column names, how time is stored) and ``validation.sql`` (which only knows
canonical columns and Great Expectations). The rows are handed over as a
``SELECT`` renaming source columns to canonical ones; time bounds are written
as the source stores time; "most rows valid" is judged from one COUNT of the
rows the SQL row rules would quarantine, as refresh mode judges it after its split.

Example:
    >>> result = validate_live_source(source, "responses", contract, now=now)
    >>> result.ok, result.row_count
    (True, 8)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import polars as pl
import sqlalchemy as sa

from benefitboard.config import SourceConfig
from benefitboard.secrets import source_url
from canonical.datasets import dataset_spec
from connectors.pushdown.bounds import source_value
from connectors.pushdown.relation import SourceRelation, TimeStyle, source_relation
from connectors.pushdown.rows import MAX_PAGE_SIZE, count_quarantined, quarantine_page
from validation.contracts import DatasetContract
from validation.rules import MostRowsValid
from validation.runner import REASONS, most_rows_valid
from validation.sql import SqlValidation, validate_sql


def validate_live_source(
    source: SourceConfig,
    dataset: str,
    contract: DatasetContract,
    *,
    now: datetime,
    previous_row_count: int | None = None,
) -> SqlValidation:
    """Run ``dataset``'s contract in the source's database (GX SQL datasource)."""
    relation = source_relation(source, dataset)
    result = validate_sql(
        dataset,
        source_url(source),
        canonical_rows(relation),
        contract,
        source=source.name,
        now=now,
        previous_row_count=previous_row_count,
        stored_time=lambda instant: source_value(instant, relation.time_style, source.timezone),
    )
    rule = next((r for r in contract.rules if isinstance(r, MostRowsValid)), None)
    if rule is None or result.row_count == 0:
        return result
    valid = result.row_count - count_quarantined(source, dataset, contract=contract, now=now)
    sample = pl.DataFrame({REASONS: []}, schema={REASONS: pl.Utf8})
    if valid / result.row_count < rule.min_share:
        # The newest quarantined rows stand in for all of them in "most common reasons".
        page = quarantine_page(source, dataset, contract=contract, now=now, page_size=MAX_PAGE_SIZE)
        sample = page.frame
    outcome = most_rows_valid(rule, valid, result.row_count, sample)
    failures = list(result.dataset_failures)
    if not outcome.success:
        failures.append(f"source {source.name!r}, dataset {dataset!r}: {outcome.reason}")
    return replace(result, results=[*result.results, outcome], dataset_failures=failures)


def canonical_rows(relation: SourceRelation) -> sa.Select:
    """SELECT every source column the mapping names, under its canonical name, plus segments.

    Timestamps kept as text are read as the connector reads them: text that is
    not ISO-shaped becomes NULL (refresh mode holds it as missing), and outside
    SQLite the rest is cast to TIMESTAMP so it compares with time bounds.
    """
    spec = dataset_spec(relation.dataset)
    columns = []
    for column in spec.columns:
        if not relation.has(column.name):
            continue
        value = relation.column(column.name)
        if relation.time_style is TimeStyle.TEXT and isinstance(column.dtype, pl.Datetime):
            value = sa.case((value.like("____-__-__%"), value))
            if relation.dialect != "sqlite":
                value = sa.cast(value, sa.DateTime())
        columns.append(value.label(column.name))
    segments = [relation.segment(s).label(s) for s in relation.segments]
    return sa.select(*columns, *segments).select_from(relation.from_clause)
