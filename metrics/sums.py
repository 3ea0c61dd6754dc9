"""Sums where missing stays missing: Σ of no values is null, not 0.

Why: polars (like pandas) sums nothing to 0, so a source without a spend column,
or a day whose SKU counts are all empty, turned into "spend 0" and a CAC of 0.00.
SQL's SUM over no non-null value is NULL; ``total`` gives the same in polars, so
an absent input reaches the KPI as null and the tile says "no data".

    >>> import polars as pl
    >>> frame = pl.DataFrame({"spend": [None, None], "new": [3, 4]}, schema={"spend": pl.Float64,
    ...                      "new": pl.Int64})
    >>> frame.select(total(pl.col("spend")), total(pl.col("new"))).row(0)
    (None, 7)
    >>> frame.select(pl.col("spend").sum()).item()  # what polars does by itself
    0.0
"""

from __future__ import annotations

import polars as pl


def total(column: pl.Expr) -> pl.Expr:
    """Σ of the non-null values of ``column``; null when it has none (SQL's SUM)."""
    return pl.when(column.count() > 0).then(column.sum())
