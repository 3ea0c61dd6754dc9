"""Feedback themes: how many distinct customers ask for each theme, and what they are worth.

Per theme and period:
- customers = distinct non-empty customer_id;
- account_value = Σ over those customers of their account value, each customer
  counted once per theme (their latest non-empty account_value in the period);
- items = pieces of feedback (including those without a customer).
The change is current − previous for each, themes present in only one period
shown with 0 in the other (feedback data exists, nobody raised it). When the
source has no customer_id (or account_value) the column is null, never 0.

Example: customer A writes twice about "export" (account value 100, then 120) and
B once (50) → export: customers 2, account_value 120 + 50 = 170, items 3.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from metrics.aggregates import Frame, prepared_rows
from metrics.engine import MetricUnavailableError
from metrics.periods import Period
from metrics.settings import DEFAULT_SETTINGS, Filters, MetricSettings
from metrics.view import GROUP, group_frame, label


def feedback_themes(
    data: Mapping[str, Frame | None],
    period: Period,
    comparison: Period | None = None,
    *,
    filters: Filters | None = None,
    settings: MetricSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """theme, customers, account_value, items, previous_*, *_change — most customers first."""
    raw = data.get("feedback")
    if raw is None:
        raise MetricUnavailableError("no feedback data in this workspace: feedback themes need it")
    names = raw.lazy().collect_schema().names()
    filters = {k: list(v) for k, v in (filters or {}).items() if v}
    absent = [c for c in filters if c not in names]
    if absent:
        raise MetricUnavailableError(f"feedback has no {', '.join(absent)} segment to filter by")
    periods = [period] + ([comparison] if comparison else [])
    groups = group_frame(periods)
    rows = label(
        prepared_rows(
            "feedback", raw, periods=periods, filters=filters, timezone=settings.timezone
        ),
        groups,
    ).collect()
    per_theme = _per_theme(rows, "customer_id" in names, "account_value" in names)
    current = per_theme.filter(pl.col(GROUP) == 0).drop(GROUP)
    if comparison is None:
        return current.sort(
            ["customers", "account_value", "items"], descending=True, nulls_last=True
        )
    previous = (
        per_theme.filter(pl.col(GROUP) == 1)
        .drop(GROUP)
        .rename({c: f"previous_{c}" for c in ("customers", "account_value", "items")})
    )
    table = current.join(previous, on="theme", how="full", coalesce=True)
    counted = [c for c in ("customers", "account_value", "items") if _known(table, c)]
    table = table.with_columns(
        [pl.col(c).fill_null(0) for c in counted]
        + [pl.col(f"previous_{c}").fill_null(0) for c in counted]
    ).with_columns(
        (pl.col(c) - pl.col(f"previous_{c}")).alias(f"{c}_change")
        for c in ("customers", "account_value", "items")
    )
    return table.sort(["customers", "account_value", "items"], descending=True, nulls_last=True)


def _per_theme(rows: pl.DataFrame, has_customers: bool, has_value: bool) -> pl.DataFrame:
    keys = [GROUP, "theme"]
    items = rows.group_by(keys).agg(items=pl.len().cast(pl.Int64))
    if not has_customers:
        return items.with_columns(
            customers=pl.lit(None, dtype=pl.Int64), account_value=pl.lit(None, dtype=pl.Float64)
        ).select(*keys, "customers", "account_value", "items")
    known = rows.filter(pl.col("customer_id").is_not_null())
    per_customer = (
        known.sort("created_at")
        .group_by([*keys, "customer_id"])
        .agg(value=pl.col("account_value").drop_nulls().last())
    )
    totals = per_customer.group_by(keys).agg(
        customers=pl.len().cast(pl.Int64),
        account_value=pl.col("value").sum() if has_value else pl.lit(None, dtype=pl.Float64),
    )
    return (
        items.join(totals, on=keys, how="left")
        .with_columns(
            customers=pl.col("customers").fill_null(0),
            account_value=pl.col("account_value").fill_null(0.0)
            if has_value
            else pl.lit(None, dtype=pl.Float64),
        )
        .select(*keys, "customers", "account_value", "items")
    )


def _known(table: pl.DataFrame, column: str) -> bool:
    return table[column].null_count() < len(table) or table[
        f"previous_{column}"
    ].null_count() < len(table)
