"""Assortment: selection (SKUs offered, in-stock rate) and price index, from daily catalog data.

- SKUs offered = the mean, over the days in the period that have a snapshot, of
  that day's Σ skus_offered. Why the mean and not the last day: a period's
  selection should not hinge on one day's snapshot (a late or partial feed), and
  the mean of daily totals is still "how many SKUs a customer could choose from on
  a typical day". Days without a snapshot are skipped, not counted as zero.
- In-stock rate = Σ skus_in_stock / Σ skus_offered over rows that report stock
  (a Wilson interval treating each SKU-day as a trial; SKU-days are correlated,
  so read the interval as optimistic).
- Price index = 100 × Σ our_price / Σ reference_price over comparisons with a
  positive reference price. Below 100 means we are cheaper. Its interval treats
  the compared rows as a sample of the catalogue (delta method).
"""

from __future__ import annotations

import polars as pl

from metrics.sums import total
from metrics.view import KpiView


def skus_offered_stats(view: KpiView) -> pl.DataFrame:
    daily = view.rows.group_by([*view.keys, "day"]).agg(offered=total(pl.col("offered")))
    offered = pl.col("offered")
    return daily.group_by(view.keys).agg(n=offered.count(), value=offered.mean())


def in_stock_stats(view: KpiView) -> pl.DataFrame:
    return view.rows.group_by(view.keys).agg(
        n=pl.col("stock_offered").sum(), successes=pl.col("in_stock").sum()
    )


def price_index_stats(view: KpiView) -> pl.DataFrame:
    return view.rows.group_by(view.keys).agg(
        n=pl.col("n").sum(),
        sum_x=pl.col("our").sum(),
        sum_y=pl.col("ref").sum(),
        sum_xx=pl.col("our_sq").sum(),
        sum_yy=pl.col("ref_sq").sum(),
        sum_xy=pl.col("our_ref").sum(),
        scale=pl.lit(100.0),
    )
