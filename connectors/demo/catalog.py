"""Selection and price: the daily catalog snapshot and the competitor price checks.

Why: two of the Amazon-style benefits. Selection grows about 25% over two
years in monthly steps, with about 95% in stock and a dip in the December rush
(electronics worst). Our prices drift from about 3% above the competitors to
about 2% below (price index ~103 -> ~98), checked daily on 40 tracked items.

Example:
    >>> len(TRACKED_ITEMS)
    40
"""

from __future__ import annotations

import numpy as np
import polars as pl

from connectors.demo.story import Timeline
from connectors.demo.volume import day_dates, day_grid

CATEGORIES = ("grocery", "electronics", "home", "fashion")
SKUS_AT_START = np.array([3_800, 2_200, 3_100, 5_200])
SELECTION_GROWTH_TWO_YEARS = 0.25
IN_STOCK = np.array([0.962, 0.945, 0.955, 0.950])
DECEMBER_STOCK_DIP = np.array([0.03, 0.07, 0.04, 0.05])
PRICE_INDEX_START, PRICE_INDEX_END = 103.0, 98.0

TRACKED_ITEMS: tuple[tuple[str, str, float], ...] = (
    ("Organic coffee beans 1kg", "grocery", 18.90),
    ("Extra virgin olive oil 1l", "grocery", 9.49),
    ("Oat drink 6x1l", "grocery", 11.94),
    ("Basmati rice 5kg", "grocery", 14.99),
    ("Dark chocolate 10-pack", "grocery", 17.50),
    ("Green tea 100 bags", "grocery", 6.79),
    ("Baby formula 800g", "grocery", 24.95),
    ("Dishwasher tabs 80", "grocery", 15.99),
    ("Laundry detergent 3l", "grocery", 12.49),
    ("Mineral water 12x1.5l", "grocery", 7.20),
    ("Wireless earbuds", "electronics", 79.00),
    ("USB-C charger 65W", "electronics", 39.99),
    ("27-inch monitor", "electronics", 229.00),
    ("Smart speaker", "electronics", 59.99),
    ("E-reader", "electronics", 139.99),
    ("Robot vacuum", "electronics", 299.00),
    ("Electric toothbrush", "electronics", 89.90),
    ("Fitness tracker", "electronics", 99.00),
    ("Portable SSD 1TB", "electronics", 109.00),
    ("Noise-cancelling headphones", "electronics", 249.00),
    ("Bath towel set", "home", 34.90),
    ("Cast iron pan 28cm", "home", 44.95),
    ("Duvet 200x200", "home", 69.00),
    ("LED desk lamp", "home", 29.99),
    ("Storage boxes 6-pack", "home", 24.50),
    ("Chef's knife", "home", 54.00),
    ("Coffee grinder", "home", 49.99),
    ("Cotton bed linen set", "home", 59.90),
    ("Indoor plant pot set", "home", 19.99),
    ("Stainless water bottle", "home", 21.95),
    ("Running shoes", "fashion", 119.95),
    ("Rain jacket", "fashion", 89.00),
    ("Merino sweater", "fashion", 79.90),
    ("Denim jeans", "fashion", 69.95),
    ("Leather belt", "fashion", 34.99),
    ("Wool socks 5-pack", "fashion", 24.99),
    ("Canvas sneakers", "fashion", 59.00),
    ("Winter gloves", "fashion", 29.90),
    ("Sports bra", "fashion", 39.95),
    ("Backpack 20l", "fashion", 64.90),
)


def catalog_frame(timeline: Timeline, rng: np.random.Generator) -> pl.DataFrame:
    """``catalog_daily``: SKUs offered and in stock per day and category."""
    days = day_dates(timeline)
    t = np.arange(timeline.days)
    # New ranges go live at the start of each month; a few SKUs are delisted every day.
    months_in = np.array([(d.year - days[0].year) * 12 + d.month - days[0].month for d in days])
    growth = 1 + SELECTION_GROWTH_TWO_YEARS * months_in / 24.0
    offered = np.round(
        SKUS_AT_START[None, :] * growth[:, None] * (1 + rng.normal(0, 0.002, size=(t.size, 4)))
    ).astype(np.int64)
    rush = np.array([d.month == 12 and d.day >= 5 for d in days], dtype=float)
    rush *= np.array([min(1.0, (d.day - 4) / 10) if d.month == 12 else 0.0 for d in days])
    rate = IN_STOCK[None, :] - rush[:, None] * DECEMBER_STOCK_DIP[None, :]
    rate = np.clip(rate + rng.normal(0, 0.004, size=rate.shape), 0.5, 0.995)
    in_stock = np.round(offered * rate).astype(np.int64)
    return day_grid(timeline, category=CATEGORIES).with_columns(
        skus_offered=offered.ravel(), skus_in_stock=in_stock.ravel()
    )


def price_frame(timeline: Timeline, rng: np.random.Generator) -> pl.DataFrame:
    """``price_checks``: our and the competitor's price per tracked item per day.

    The daily index 100 x sum(ours) / sum(theirs) follows the planned drift
    from 103 to 98 (within a few tenths): item prices vary around it.
    """
    days, items = timeline.days, len(TRACKED_ITEMS)
    list_price = np.array([p for _, _, p in TRACKED_ITEMS])
    # Competitors re-price weekly: a small random walk per item, held for the week.
    weekly = rng.normal(0, 0.012, size=(days // 7 + 1, items)).cumsum(axis=0)
    competitor = list_price[None, :] * np.exp(weekly[np.arange(days) // 7])
    item_offset = rng.normal(0, 0.03, size=items)
    target = np.linspace(PRICE_INDEX_START, PRICE_INDEX_END, days) + rng.normal(0, 0.25, size=days)
    ours = competitor * np.exp(item_offset[None, :] + rng.normal(0, 0.01, size=(days, items)))
    ours *= (target / 100 * competitor.sum(axis=1) / ours.sum(axis=1))[:, None]
    frame = day_grid(timeline, item=tuple(name for name, _, _ in TRACKED_ITEMS))
    category = pl.Series([c for _, c, _ in TRACKED_ITEMS], dtype=pl.Utf8)
    return frame.with_columns(
        category=category.gather(np.tile(np.arange(items), days)),
        our_price=np.round(ours, 2).ravel(),
        competitor_price=np.round(competitor, 2).ravel(),
    )
