"""Reading a quarantine back: which reasons, how many rows each, one page at a time, as CSV.

Why here, beside the runner that writes ``_reasons``: only this package knows
how reasons are spelled. A row's ``_reasons`` joins every rule it broke with
"; ". Most reasons are fixed phrases ("score: not between 0 and 10 for survey
nps"); an unreadable value's reason keeps the raw value ("unreadable: score:
'abc' is not a number"), so for filtering it is grouped by column
("unreadable: score").

Example:
    >>> rows = pl.LazyFrame({"_source_row": [3, 8], "_reasons": [
    ...     "score: missing; survey: missing", "unreadable: score: 'n/a' is not a number"]})
    >>> reason_counts(rows).rows()
    [('score: missing', 1), ('survey: missing', 1), ('unreadable: score', 1)]
    >>> quarantine_page(rows, reason="unreadable: score").rows["_source_row"].to_list()
    [8]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from canonical.datasets import SOURCE_ROW
from metrics.pii import masked_frame
from validation.runner import REASON_SEPARATOR, REASONS, UNREADABLE

PAGE_SIZE = 50
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class QuarantinePage:
    """One page of quarantined rows, and where it sits among all matching rows."""

    rows: pl.DataFrame
    matching: int
    page: int
    pages: int
    page_size: int

    @property
    def first_row(self) -> int:
        """1-based position of the page's first row among the matching rows (0 when none)."""
        return (self.page - 1) * self.page_size + 1 if self.matching else 0

    @property
    def last_row(self) -> int:
        return min(self.page * self.page_size, self.matching)


def reason_kinds() -> pl.Expr:
    """Each row's reasons as a list of kinds: fixed phrases as they are, unreadable by column."""
    piece = pl.element()
    column = piece.str.extract(f"^{UNREADABLE}([^:]+):", 1)
    kind = pl.when(column.is_not_null()).then(pl.lit(UNREADABLE) + column).otherwise(piece)
    return pl.col(REASONS).str.split(REASON_SEPARATOR).list.eval(kind).alias("_kinds")


def reason_counts(quarantine: pl.LazyFrame) -> pl.DataFrame:
    """Rows per reason kind, most common first (a row with two reasons counts under both)."""
    return (
        quarantine.select(reason_kinds())
        .explode("_kinds")
        .group_by(pl.col("_kinds").alias("reason"))
        .agg(pl.len().alias("rows"))
        .sort(["rows", "reason"], descending=[True, False])
        .collect()
    )


def matching_rows(quarantine: pl.LazyFrame, reason: str | None = None) -> pl.LazyFrame:
    """The quarantined rows that broke ``reason`` (a kind from ``reason_counts``), or all."""
    if not reason:
        return quarantine
    return quarantine.filter(reason_kinds().list.contains(pl.lit(reason)))


def quarantine_page(
    quarantine: pl.LazyFrame,
    *,
    reason: str | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> QuarantinePage:
    """Page ``page`` (1-based, clamped to the pages there are) of the rows matching ``reason``.

    Rows keep the quarantine's order: source order, so a page lines up with
    the source file or table.
    """
    matching = matching_rows(quarantine, reason)
    total = matching.select(pl.len()).collect().item()
    pages = max(1, math.ceil(total / page_size))
    page = min(max(page, 1), pages)
    rows = matching.slice((page - 1) * page_size, page_size).collect()
    return QuarantinePage(_reasons_first(rows), total, page, pages, page_size)


def quarantine_csv(quarantine: pl.LazyFrame, reason: str | None = None) -> bytes:
    """The rows matching ``reason`` as CSV, safe to open in a spreadsheet.

    Text cells that a spreadsheet would run as a formula (starting with =, +,
    -, @, tab or carriage return) get a leading apostrophe: quarantined rows
    are exactly the ones nobody has checked.
    """
    rows = _reasons_first(matching_rows(quarantine, reason).collect())
    text_columns = [name for name, dtype in rows.schema.items() if dtype == pl.Utf8]
    guarded = rows.with_columns(
        pl.when(_is_formula(c)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text_columns
    )
    return guarded.write_csv().encode("utf-8")


def _is_formula(column: str) -> pl.Expr:
    return pl.any_horizontal(pl.col(column).str.starts_with(p) for p in _FORMULA_START)


def _reasons_first(rows: pl.DataFrame) -> pl.DataFrame:
    """Source row and reasons first: what a person reads before the values; personal data
    masked (the stored quarantine keeps the rows as they came, for a fix at the source)."""
    first = [c for c in (SOURCE_ROW, "_source_file", REASONS) if c in rows.columns]
    return masked_frame(rows.select(first + [c for c in rows.columns if c not in first]))
