"""The leadership pages on the demo workspace: every number shown is the metrics engine's number.

Overview tiles and trend, the customer-benefit page (benefit links, splits by
region, delivery-time distribution), the growth page (acquisition by channel)
and the leadership screen (no widgets, same numbers, rotation, filters).
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from benefitboard.config import load_workspace
from charts.trends import trend_window
from metrics.benefit_links import FREE_SHIPPING, ON_TIME, survey_by_last_order
from metrics.engine import compute_kpi, compute_kpis, kpi_by_segment, kpi_trend
from metrics.periods import Period
from metrics.registry import build_registry
from pages.ui.metric_settings import settings_for
from pages.ui.tiles import delta_style, sample_words, status_line
from store.snapshots import current_snapshot

APP = str(Path(__file__).resolve().parents[2] / "app.py")
# The demo ends on 31 October 2026 (Berlin): the default view is the 30 days before it,
# compared with the 30 days before that.
PERIOD = Period(date(2026, 10, 2), date(2026, 10, 31))
COMPARISON = Period(date(2026, 9, 2), date(2026, 10, 1))


@pytest.fixture
def app(demo_workspace, monkeypatch) -> AppTest:
    monkeypatch.setenv("BENEFITBOARD_CONFIG", str(demo_workspace))
    return AppTest.from_file(APP, default_timeout=90)


@cache
def engine(config_path: Path):
    """What the pages compute from: the snapshot's frames, settings and registry."""
    workspace = load_workspace(config_path)
    snapshot = current_snapshot(workspace.store_dir)
    frames = {name: frame.collect() for name, frame in snapshot.frames().items()}
    registry = build_registry(workspace.custom_kpis, workspace.targets, workspace.overview_tiles)
    return frames, settings_for(workspace), registry


def chart(at: AppTest, key: str) -> dict:
    """The figure JSON of the chart drawn with ``key``."""
    for element in at.get("plotly_chart"):
        if element.proto.id.endswith(f"-{key}"):
            return json.loads(element.proto.spec)
    raise AssertionError(
        f"no chart {key!r}; charts: {[e.proto.id for e in at.get('plotly_chart')]}"
    )


def trace(figure: dict, name: str) -> dict:
    return next(t for t in figure["data"] if t.get("name") == name)


def tiles(at: AppTest) -> dict:
    return {m.label.split(" :")[0]: m for m in at.metric}


def run(at: AppTest, page: str | None = None, **params: str) -> AppTest:
    for name, value in params.items():
        at.query_params[name.replace("__", ".")] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_overview_tiles_show_value_change_target_sample_and_trust(app, demo_workspace):
    run(app)
    frames, settings, registry = engine(demo_workspace)
    results = compute_kpis(
        registry.overview_ids, frames, PERIOD, COMPARISON, settings=settings, registry=registry
    )
    shown = tiles(app)
    captions = [c.value for c in app.caption]
    lines = [m.value for m in app.markdown]
    for result in results:
        assert result.missing is None, (result.kpi.id, result.missing)
        tile = shown[result.kpi.label]
        style = delta_style(result)
        assert tile.value == result.kpi.format_value(result.current.value)
        assert tile.delta == style.text
        assert tile.proto.delta_description == style.description
        assert status_line(result) in lines
        expected = sample_words(result.kpi, result.current.n, False) + " · :green[✓ data fresh]"
        assert expected in captions, (result.kpi.id, expected)
    # the planted North slowdown: on-time delivery fell, significantly, and the tile says so
    on_time = shown["On-time delivery"]
    assert on_time.proto.delta_description == "significantly worse"
    assert ":red[● off target] · target ≥ 90.0%" in lines
    # customer benefit comes first
    assert [h.value for h in app.subheader][:3] == [
        "Customer benefit",
        "Faster, cheaper, more choice",
        "Growth",
    ]


def test_overview_trend_follows_the_urls_kpi_and_grain(app, demo_workspace):
    run(app, kpi="on_time_rate", grain="month")
    frames, settings, registry = engine(demo_workspace)
    start, end = trend_window(PERIOD.start, PERIOD.end, "month")
    expected = kpi_trend(
        "on_time_rate", frames, Period(start, end), "month", settings=settings, registry=registry
    )
    figure = chart(app, "trend_chart")
    line = trace(figure, "On-time delivery")
    assert line["y"] == pytest.approx(expected["value"].to_list())
    assert figure["layout"]["title"]["text"] == "On-time delivery by month"
    assert {"target 90.0%", "Carrier change in North region"} <= {
        a["text"] for a in figure["layout"]["annotations"]
    }
    # picking another KPI writes it into the link
    app.selectbox(key="trend_kpi").select("csat").run()
    assert app.query_params["kpi"] == "csat"
    assert chart(app, "trend_chart")["layout"]["title"]["text"] == "CSAT by month"


def test_overview_nps_trend_comes_with_its_promoter_and_detractor_shares(app, demo_workspace):
    run(app)
    frames, settings, registry = engine(demo_workspace)
    start, _ = trend_window(PERIOD.start, PERIOD.end, "week")
    last_week = Period(date(2026, 10, 26), PERIOD.end)
    result = compute_kpi("nps", frames, last_week, settings=settings, registry=registry)
    mix = chart(app, "nps_mix_chart")
    for name in ("promoters", "passives", "detractors"):
        assert trace(mix, name.capitalize())["y"][-1] == pytest.approx(result.breakdown[name].value)
    assert trace(mix, "Detractors")["x"][0] == start.isoformat()


def test_benefits_page_ties_late_deliveries_to_what_customers_said(app, demo_workspace):
    run(app, "pages/benefits.py")
    frames, settings, registry = engine(demo_workspace)
    late = survey_by_last_order(
        "nps", frames, PERIOD, ON_TIME, settings=settings, registry=registry
    )
    on_time, delayed = late.groups
    # the planted story: customers whose last delivery was late score far lower, significantly
    assert delayed.estimate.value < on_time.estimate.value - 50 and late.difference.significant
    figure = chart(app, "late_links")
    assert figure["data"][0]["y"] == pytest.approx([on_time.estimate.value, delayed.estimate.value])
    text = " ".join(m.value for m in app.markdown)
    assert (
        f"**NPS** after late: **{late.kpi.format_value(delayed.estimate.value)}** "
        f"({delayed.estimate.n:,} answers)"
    ) in text
    assert f"gap {late.kpi.format_delta(late.difference.delta)}, significant (p < 0.001)" in text
    # the demo's answers name no order: each is tied to the customer's last delivery
    notes = " ".join(c.value.replace("\\", "") for c in app.caption)
    assert "NPS answer counts under the customer's last order in the 30 days" in notes
    assert f"{late.linked:,} of {late.total:,} answers in the period are compared" in notes
    shipping = survey_by_last_order(
        "nps", frames, PERIOD, FREE_SHIPPING, settings=settings, registry=registry
    )
    assert chart(app, "shipping_links")["data"][0]["y"] == pytest.approx(
        [g.estimate.value for g in shipping.groups]
    )


def test_benefits_page_splits_on_time_by_region_beside_those_regions_nps(app, demo_workspace):
    run(app, "pages/benefits.py")
    frames, settings, registry = engine(demo_workspace)
    split = {
        kpi: {
            row["segment"]: row["value"]
            for row in kpi_by_segment(
                kpi, frames, PERIOD, "region", settings=settings, registry=registry
            ).iter_rows(named=True)
        }
        for kpi in ("on_time_rate", "nps")
    }
    on_time, nps = chart(app, "on_time_by_region")["data"]
    assert on_time["y"][0] == "North"  # the planted slowdown region is read first
    assert on_time["x"] == pytest.approx([split["on_time_rate"][r] for r in on_time["y"]])
    assert nps["x"] == pytest.approx([split["nps"][r] for r in nps["y"]])


def test_benefits_page_delivery_distribution_counts_every_delivered_order(app, demo_workspace):
    run(app, "pages/benefits.py")
    frames, settings, registry = engine(demo_workspace)
    p50 = compute_kpi("delivery_p50_hours", frames, PERIOD, settings=settings, registry=registry)
    bars = trace(chart(app, "delivery_distribution"), "this period")
    assert sum(n for _, n in bars["customdata"]) == p50.current.n
    assert sum(bars["y"]) == pytest.approx(1.0)
    shown = tiles(app)
    assert shown["Delivery time (median)"].value == p50.kpi.format_value(p50.current.value)


def test_growth_page_shows_acquisition_by_channel_and_revenue(app, demo_workspace):
    run(app, "pages/growth.py")
    frames, settings, registry = engine(demo_workspace)
    new = kpi_by_segment(
        "new_customers", frames, PERIOD, "channel", settings=settings, registry=registry
    ).sort("value", descending=True)
    cac = dict(
        kpi_by_segment("cac", frames, PERIOD, "channel", settings=settings, registry=registry)
        .select("segment", "value")
        .iter_rows()
    )
    panels = chart(app, "channels")["data"]
    assert panels[0]["x"] == new["value"].to_list()
    table = app.dataframe[0].value
    assert table["Channel"].to_list() == new["segment"].to_list()
    assert table["CAC"].to_list() == [
        registry.get("cac").format_value(cac[c]) for c in new["segment"].to_list()
    ]
    spend = (
        frames["acquisition"]
        .filter(pl.col("date").is_between(PERIOD.start, PERIOD.end))
        .group_by("channel")
        .agg(pl.col("spend").sum())
    )
    first = new["segment"][0]
    assert table["Spend"][0] == f"€{spend.filter(pl.col('channel') == first)['spend'][0]:,.0f}"
    revenue = compute_kpis(
        ["revenue", "nrr"], frames, PERIOD, COMPARISON, settings=settings, registry=registry
    )
    shown = tiles(app)
    for result in revenue:
        assert shown[result.kpi.label].value == result.kpi.format_value(result.current.value)


def test_screen_mode_has_no_widgets_and_the_same_numbers(app, demo_workspace):
    run(app, screen="1", seg__region="North")
    assert len(app.sidebar) == 0
    assert not app.selectbox and not app.multiselect and not app.button
    frames, settings, registry = engine(demo_workspace)
    nps = compute_kpi(
        "nps",
        frames,
        PERIOD,
        COMPARISON,
        filters={"region": ["North"]},
        settings=settings,
        registry=registry,
    )
    assert tiles(app)["NPS"].value == nps.kpi.format_value(nps.current.value)
    assert app.title[0].value == "Executive overview · 02 Oct 2026 – 31 Oct 2026"
    assert "region\\: North" in app.caption[0].value  # Markdown-escaped, shows "region: North"
    assert any("stSidebar" in h.proto.body for h in app.get("html"))  # the screen's style block


@pytest.mark.parametrize("page", ["pages/benefits.py", "pages/growth.py"])
def test_screen_mode_pages_draw_without_widgets(app, page):
    run(app, page, screen="1")
    assert len(app.sidebar) == 0 and not app.selectbox
    assert len(app.get("plotly_chart")) >= 2


def test_a_rotation_through_unknown_pages_is_reported(app):
    run(app, screen="1", rotate="30", show="overview,no_such_page")
    assert any("no\\_such\\_page" in t.value for t in app.toast)
