"""What a tile says about a change, a sample and the data: honest words, arrows and colours."""

import pytest

from metrics.engine import KpiResult
from metrics.registry import DEFAULT_REGISTRY
from metrics.stats import Change, Estimate
from pages.ui.tiles import delta_style, sample_words, status_line, target_words, trust_badge
from store.snapshots import DatasetEntry

SIGNIFICANT_DROP = Change(-7.1, -9.0, -5.2, 0.0001, True, "down")
NOISE = Change(2.0, -1.0, 5.0, 0.4, False, "no significant change")


def result(kpi_id, change, value=10.0, previous=None, target=None, status="none", missing=None):
    kpi = DEFAULT_REGISTRY.get(kpi_id)
    before = Estimate(previous, None, None, 100, False) if previous is not None else None
    current = Estimate(value, None, None, 100, False)
    return KpiResult(kpi, current, before, change, target, status, missing)


@pytest.mark.parametrize(
    ("kpi_id", "change", "expected"),
    [
        # NPS fell and the test says so: down arrow, red, in words
        ("nps", SIGNIFICANT_DROP, ("−7.1", "down", "red", "significantly worse")),
        # delivery time fell: down arrow, but green, because faster is better
        ("delivery_p50_hours", Change(-3.2, -4.0, -2.4, 0.001, True, "down"),
         ("−3.2 h", "down", "green", "significantly better")),
        # not significant: grey whatever the sign
        ("csat", NOISE, ("+200.0 pp", "up", "gray", "no significant change")),
        # a change that rounds to zero is shown as no change, never green or red
        ("nrr", Change(0.00004, 0.00004, 0.00004, None, True, "up"),
         ("+0.0 pp", "off", "gray", "no change")),
        ("nps", None, (None, "off", "gray", "no comparison data")),
    ],
)  # fmt: skip
def test_the_change_is_coloured_by_what_is_good_for_customers(kpi_id, change, expected):
    style = delta_style(result(kpi_id, change))
    assert (style.text, style.arrow, style.color, style.description) == expected


def test_a_complete_count_shows_its_relative_change_and_no_test():
    up = Change(254.0, 254.0, 254.0, None, True, "up")
    style = delta_style(result("new_customers", up, value=21467.0, previous=21213.0))
    assert (style.text, style.color, style.description) == ("+254", "green", "+1.2% · better")


def test_n_says_what_it_counts_or_that_there_is_no_sample():
    registry = DEFAULT_REGISTRY
    assert sample_words(registry.get("nps"), 3106, False) == "3,106 answers"
    assert sample_words(registry.get("on_time_rate"), 9496, False) == "9,496 deliveries"
    assert sample_words(registry.get("in_stock_rate"), 513966, False) == "whole catalogue"
    assert sample_words(registry.get("revenue"), 30, False) == "complete count"
    assert sample_words(registry.get("csat"), 12, True) == "12 answers · :orange[small sample]"


def test_the_target_reads_in_the_kpis_direction_and_units():
    assert target_words(result("nps", None, target=35.0)) == "target ≥ 35.0"
    assert target_words(result("delivery_p50_hours", None, target=36.0)) == "target ≤ 36.0 h"
    assert target_words(result("cac", None, target=45.0), "USD") == "target ≤ $45.00"
    assert target_words(result("revenue", None)) == ""


def test_the_trust_badge_warns_about_stale_or_quarantined_data():
    fresh = DatasetEntry("orders", "shop", "ok", rows=100, loaded_at="2026-11-01T06:00:00Z")
    assert trust_badge(fresh) == ":green[✓ data fresh]"
    partly = DatasetEntry("orders", "shop", "ok", rows=990, quarantined=10)
    assert trust_badge(partly) == ":orange[⚠ 1.0% of rows quarantined]"
    assert trust_badge(DatasetEntry("orders", "shop", "carried")) == ":orange[⚠ data not current]"
    assert trust_badge(DatasetEntry("orders", "shop", "failed")) == ":red[⛔ source failed]"
    assert trust_badge(None) == ":gray[no data source]"


def test_every_tile_opens_with_its_status_so_values_line_up():
    assert status_line(result("nps", None, target=35.0, status="red")) == (
        ":red[● off target] · target ≥ 35.0"
    )
    assert status_line(result("revenue", None)) == ":gray[○ no target]"
    missing = result("nps", None, target=35.0, missing="no nps data")
    assert status_line(missing) == ":gray[○ no data] · target ≥ 35.0"
