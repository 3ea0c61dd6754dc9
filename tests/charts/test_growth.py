"""Acquisition by channel: one row per channel, four panels in their own units."""

import polars as pl
import pytest

from charts.growth import channel_figure, channel_table
from metrics.registry import DEFAULT_REGISTRY

KPIS = {k: DEFAULT_REGISTRY.get(k) for k in ("new_customers", "cac", "conversion")}


def frames():
    new = pl.DataFrame({"segment": ["ads", "organic", "social"], "value": [10.0, 30.0, 5.0]})
    cac = pl.DataFrame({"segment": ["ads", "organic", "social"], "value": [50.0, 2.0, None]})
    conversion = pl.DataFrame(
        {
            "segment": ["ads", "organic"],
            "value": [0.02, 0.05],
            "low": [0.01, 0.04],
            "high": [0.03, 0.07],
        }
    )
    spend = pl.DataFrame({"segment": ["ads", "organic"], "spend": [500.0, 60.0]})
    return new, cac, conversion, spend


def test_the_table_joins_the_engines_splits_by_channel_most_customers_first():
    table = channel_table(*frames())
    assert table["channel"].to_list() == ["organic", "ads", "social"]
    assert table.row(1, named=True) == {
        "channel": "ads",
        "new_customers": 10.0,
        "cac": 50.0,
        "spend": 500.0,
        "conversion": 0.02,
        "conversion_low": 0.01,
        "conversion_high": 0.03,
    }
    assert table.row(2, named=True)["spend"] is None  # no spend row: unknown, not zero


def test_without_visitors_or_spend_the_columns_stay_empty():
    new, cac, _, _ = frames()
    table = channel_table(new, cac, None, None)
    assert table["conversion"].null_count() == table["spend"].null_count() == 3


def test_each_panel_speaks_its_units():
    fig = channel_figure(channel_table(*frames()), KPIS, currency="EUR")
    new, spend, cac, conversion = fig.data
    assert list(new.text) == ["30", "10", "5"]
    assert list(spend.text) == ["€60", "€500", "—"]
    assert list(cac.text) == ["€2.00", "€50.00", "—"]
    assert list(conversion.error_x.array)[:2] == pytest.approx([0.02, 0.01])
    assert list(new.y) == ["organic", "ads", "social"]
