"""The pages' door to data reads the smallest stored aggregate that answers a call, with the
engine's numbers: totals for an unfiltered view, by segment for a split or a filter."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from benefitboard.config import load_workspace
from benefitboard.refresh import _in_time_order
from metrics.aggregates import day_aggregate
from metrics.engine import compute_kpis, kpi_by_segment
from metrics.periods import Period
from metrics.registry import build_registry
from metrics.settings import MetricSettings
from pages.ui import data
from pages.ui.context import PageContext
from pages.ui.filters import Period as ViewPeriod
from pages.ui.state import ViewState
from store.snapshots import current_snapshot

OCTOBER = ViewPeriod(date(2026, 10, 2), date(2026, 10, 31), date(2026, 9, 2), date(2026, 10, 1))
PERIOD, COMPARISON = (
    Period(date(2026, 10, 2), date(2026, 10, 31)),
    Period(date(2026, 9, 2), date(2026, 10, 1)),
)
AGG = {"responses": "survey_counts", "orders": "order_counts"}
KPIS = ["nps", "csat", "ces", "delivery_p50_hours", "on_time_rate", "shipping_cost_per_order"]


def context_for(config: Path, segments: dict[str, tuple[str, ...]] | None = None) -> PageContext:
    workspace = load_workspace(config)
    snapshot = current_snapshot(workspace.store_dir)
    view = ViewState(segments=segments or {})
    return PageContext(workspace, snapshot, data.frames(snapshot), view, OCTOBER, {})


def engine_inputs(config: Path):
    workspace = load_workspace(config)
    rows = {n: f.collect() for n, f in current_snapshot(workspace.store_dir).frames().items()}
    settings = MetricSettings(
        timezone=workspace.timezone,
        min_sample=workspace.min_sample,
        csat_scale=workspace.csat_scale,
        ces_scale=workspace.ces_scale,
        currency=workspace.currency,
    )
    return rows, settings, build_registry(workspace.custom_kpis, workspace.targets)


def assert_same_numbers(shown, expected) -> None:
    for got, want in zip(shown, expected, strict=True):
        assert got.kpi.id == want.kpi.id
        for a, b in (
            (got.current.value, want.current.value),
            (got.current.low, want.current.low),
            (got.current.n, want.current.n),
            (got.change.p_value, want.change.p_value),
        ):
            assert a == pytest.approx(b, rel=1e-12, abs=1e-12), got.kpi.id


def test_the_refresh_stores_totals_summed_over_segments_sorted_by_day(demo_workspace):
    workspace = load_workspace(demo_workspace)
    snapshot = current_snapshot(workspace.store_dir)
    for dataset in ("responses", "orders"):
        by_segments = snapshot.aggregate(dataset, workspace.timezone).collect()
        totals = snapshot.aggregate(dataset, workspace.timezone, by_segments=False).collect()
        assert not set(workspace.segments(dataset)) & set(totals.columns)
        assert totals["day"].is_sorted() and by_segments["day"].is_sorted()
        assert totals["n"].sum() == by_segments["n"].sum() == snapshot.datasets[dataset].rows
        keys = [c for c in totals.columns if c not in ("n", "ship_n", "ship_sum", "ship_sumsq")]
        summed = day_aggregate(dataset, {AGG[dataset]: by_segments}, periods=None).collect()
        assert (
            totals.sort(keys, nulls_last=True)
            .select("n")
            .equals(summed.sort(keys, nulls_last=True).select("n"))
        )
    assert snapshot.aggregate("responses", "UTC", by_segments=False) is None  # another zone


def test_the_manifest_lists_each_segments_values_as_the_rows_hold_them(demo_workspace):
    workspace = load_workspace(demo_workspace)
    snapshot = current_snapshot(workspace.store_dir)
    recorded = dict(snapshot.datasets["responses"].segment_values)
    rows = snapshot.scan("responses").collect()
    assert set(recorded) == set(workspace.segments("responses"))
    for segment, values in recorded.items():
        assert list(values) == sorted(rows[segment].drop_nulls().unique().to_list())
    shown = data.segment_values(workspace, snapshot)
    assert set(recorded["region"]) <= set(shown["region"])


def test_an_unfiltered_view_reads_the_totals_and_gives_the_engines_numbers(demo_workspace):
    context = context_for(demo_workspace)
    given = data.metric_data(context, ["responses", "orders"], [PERIOD, COMPARISON])
    assert "region" not in given["survey_counts"].columns  # the totals, not the segments
    assert given["survey_counts"].height <= 731 * 3 * 11  # days × surveys × scores at most
    rows, settings, registry = engine_inputs(demo_workspace)
    options = {"settings": settings, "registry": registry}
    expected = compute_kpis(KPIS, rows, PERIOD, COMPARISON, **options)
    shown = compute_kpis(KPIS, given, PERIOD, COMPARISON, **options)
    assert_same_numbers(shown, expected)
    p50 = shown[KPIS.index("delivery_p50_hours")]
    assert p50.current.value == expected[KPIS.index("delivery_p50_hours")].current.value  # exact


def test_a_split_or_a_filter_reads_the_segment_aggregate(demo_workspace):
    rows, settings, registry = engine_inputs(demo_workspace)
    options = {"settings": settings, "registry": registry}
    split = data.metric_data(context_for(demo_workspace), ["responses"], [PERIOD], ["region"])
    assert "region" in split["survey_counts"].columns
    got = kpi_by_segment("nps", split, PERIOD, "region", comparison=COMPARISON, **options)
    want = kpi_by_segment("nps", rows, PERIOD, "region", comparison=COMPARISON, **options)
    assert got.select("segment", "value", "n").equals(want.select("segment", "value", "n"))
    north = context_for(demo_workspace, {"region": ("North",)})
    filtered = data.metric_data(north, ["orders"], [PERIOD, COMPARISON])
    assert "region" in filtered["order_counts"].columns
    filters = {"region": ["North"]}
    shown = compute_kpis(KPIS[3:], filtered, PERIOD, COMPARISON, filters=filters, **options)
    expected = compute_kpis(KPIS[3:], rows, PERIOD, COMPARISON, filters=filters, **options)
    assert_same_numbers(shown, expected)


def test_rows_are_written_in_time_order_and_sorted_ones_are_not_copied():
    at = [datetime(2026, 1, d, tzinfo=UTC) for d in (3, 1, 2, 1)]
    frame = pl.DataFrame({"response_id": ["a", "b", "c", "d"], "responded_at": at})
    ordered = _in_time_order(frame, "responses")
    assert ordered["response_id"].to_list() == ["b", "d", "c", "a"]  # stable: b before d
    assert _in_time_order(ordered, "responses") is ordered
