"""Growth KPIs from acquisition (day × channel) and revenue (day × customer) rows.

Acquisition:
- New customers = Σ new_customers.
- CAC = Σ spend / Σ new_customers (blended: every new customer counts, including
  channels without spend, whose missing spend counts as 0). None without new customers,
  and None when no row of the period reports spend (no spend column is not free growth).
- Conversion = Σ new_customers / Σ visitors over rows that report visitors (a
  Wilson interval treating each visitor as a trial).

Revenue (see docs of the revenue dataset: ``kind`` is new/expansion/contraction/
churn/recurring; ``mrr`` rows are daily snapshots):
- Revenue = Σ amount of the rows that are not MRR movements: rows of kind new,
  expansion, contraction or churn carry a change of MRR in ``amount``, not revenue
  recognised that day, so they are left out (rows without a kind, or of kind
  recurring, count). Without a ``kind`` column every row counts.
- MRR = Σ mrr on the latest day of the period that has mrr values; ARR = 12 × MRR.
- Starting MRR of a period = Σ mrr on the latest day *before* it that has mrr values.
- NRR = (starting MRR + expansion − contraction − churn) / starting MRR, where
  expansion, contraction and churn are Σ |amount| of the period's rows of that
  kind (the kind gives the sign; new business is left out, as NRR requires).
- Gross churn = (contraction + churn) / starting MRR — gross revenue churn:
  what the existing base lost, before any expansion.

Worked example: starting MRR 10,000 (last snapshot before the period); in the
period expansion 800, contraction 200, churn 500 → NRR = (10,000 + 800 − 200 −
500) / 10,000 = 1.01 (101.0%), gross churn = 700 / 10,000 = 0.07 (7.0%).
"""

from __future__ import annotations

import polars as pl

from metrics.sums import total
from metrics.view import GROUP, KpiView, latest_day_per_group


def new_customers_stats(view: KpiView) -> pl.DataFrame:
    return view.rows.group_by(view.keys).agg(n=pl.col("rows").sum(), value=total(pl.col("new")))


def cac_stats(view: KpiView) -> pl.DataFrame:
    stats = view.rows.group_by(view.keys).agg(
        n=pl.col("rows").sum(),
        spend=total(pl.col("spend").filter(pl.col("spend_rows") > 0)),
        new=total(pl.col("new")),
    )
    has_new, has_spend = pl.col("new") > 0, pl.col("spend").is_not_null()
    return stats.with_columns(
        value=pl.when(has_new & has_spend).then(pl.col("spend") / pl.col("new")),
        note=pl.when(~has_spend)
        .then(pl.lit("no spend reported in the period"))
        .when(~has_new.fill_null(False))
        .then(pl.lit("no new customers to divide the spend by")),
    ).with_columns(n=pl.when(has_new & has_spend).then(pl.col("n")).otherwise(0))


def conversion_stats(view: KpiView) -> pl.DataFrame:
    successes = total(pl.col("new_with_visitors"))
    return view.rows.group_by(view.keys).agg(
        n=pl.when(successes.is_not_null()).then(pl.col("visitors").sum()).otherwise(0),
        successes=successes.fill_null(0),
    )


MRR_MOVEMENTS = ("new", "expansion", "contraction", "churn")


def revenue_stats(view: KpiView) -> pl.DataFrame:
    recognised = view.rows.filter(pl.col("kind").is_null() | ~pl.col("kind").is_in(MRR_MOVEMENTS))
    return recognised.group_by(view.keys).agg(n=pl.col("rows").sum(), value=total(pl.col("amount")))


def mrr_stats(view: KpiView, multiple: float = 1.0) -> pl.DataFrame:
    has_mrr = pl.col("mrr_rows") > 0
    last = latest_day_per_group(view.rows, has_mrr)
    on_last = view.rows.join(last, on=GROUP).filter(has_mrr & (pl.col("day") == pl.col("_day")))
    return on_last.group_by(view.keys).agg(
        n=pl.col("mrr_rows").sum(), value=pl.col("mrr").sum() * multiple
    )


def arr_stats(view: KpiView) -> pl.DataFrame:
    return mrr_stats(view, multiple=12.0)


def nrr_stats(view: KpiView) -> pl.DataFrame:
    stats = _retention(view)
    return stats.with_columns(
        value=(pl.col("start") + pl.col("expansion") - pl.col("contraction") - pl.col("churn"))
        / pl.col("start")
    ).pipe(_no_start_note)


def gross_churn_stats(view: KpiView) -> pl.DataFrame:
    stats = _retention(view)
    return stats.with_columns(
        value=(pl.col("contraction") + pl.col("churn")) / pl.col("start")
    ).pipe(_no_start_note)


def _retention(view: KpiView) -> pl.DataFrame:
    """Per key: starting MRR and the period's expansion, contraction and churn."""
    moved = pl.col("amount").abs()
    kind = pl.col("kind")
    movements = view.rows.group_by(view.keys).agg(
        rows=pl.col("rows").sum(),
        amounts=pl.col("amount").count(),
        kinds=pl.col("rows").filter(kind.is_not_null()).sum(),
        expansion=moved.filter(kind == "expansion").sum(),
        contraction=moved.filter(kind == "contraction").sum(),
        churn=moved.filter(kind == "churn").sum(),
    )
    return movements.join(starting_mrr(view), on=view.keys, how="left").with_columns(
        n=pl.when(pl.col("start") > 0).then(pl.col("rows")).otherwise(0)
    )


def starting_mrr(view: KpiView) -> pl.DataFrame:
    """Per key: Σ mrr on the latest day before the group's start that has mrr values."""
    history = view.history if view.history is not None else view.rows
    daily = (
        history.filter(pl.col("mrr_rows") > 0)
        .group_by(["day", *view.segments])
        .agg(start=pl.col("mrr").sum())
    )
    snapshot_days = daily.select("day").unique().sort("day")
    starts = (
        view.groups.select(GROUP, "_start")
        .with_columns(_before=pl.col("_start") - pl.duration(days=1))
        .sort("_before")
        .join_asof(snapshot_days, left_on="_before", right_on="day", strategy="backward")
        .filter(pl.col("day").is_not_null())
        .select(GROUP, "day")
    )
    return starts.join(daily, on="day").select(*view.keys, "start")


def _no_start_note(stats: pl.DataFrame) -> pl.DataFrame:
    """No value without a starting MRR, without amounts, or without kinds to tell movements
    apart (each would read as "nothing moved", a retention of exactly 100%)."""
    no_start = pl.col("start").is_null() | (pl.col("start") <= 0)
    no_kinds, no_amounts = pl.col("kinds") <= 0, pl.col("amounts") <= 0
    known = ~no_start & ~no_kinds & ~no_amounts
    return stats.with_columns(
        value=pl.when(known).then(pl.col("value")),
        n=pl.when(known).then(pl.col("n")).otherwise(0),
        note=pl.when(no_start)
        .then(pl.lit("no MRR snapshot before the period to measure retention against"))
        .when(no_kinds)
        .then(pl.lit("no revenue row says what kind of MRR movement it is"))
        .when(no_amounts)
        .then(pl.lit("no revenue row has an amount")),
    )
