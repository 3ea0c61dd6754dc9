"""Fingerprints: a refresh changes the fingerprint of exactly the datasets whose content changed,
and the pages' KPI cache recomputes exactly the KPIs that read them."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

import pages.ui.kpis as kpis
from benefitboard.config import load_workspace
from benefitboard.refresh import refresh_workspace
from metrics.aggregates import day_aggregate
from metrics.engine import compute_kpis
from metrics.periods import Period
from pages.ui import data
from pages.ui.context import PageContext
from pages.ui.filters import Period as ViewPeriod
from pages.ui.metric_settings import settings_for
from pages.ui.state import ViewState
from store.snapshots import Snapshot
from tests.conftest import DEMO_NOW

OCTOBER = ViewPeriod(date(2026, 10, 2), date(2026, 10, 31), date(2026, 9, 2), date(2026, 10, 1))


@pytest.fixture(scope="module")
def two_refreshes(demo_workspace: Path, tmp_path_factory) -> tuple[Path, Snapshot, Snapshot]:
    """The demo refreshed, one order's shipping cost changed in the source, refreshed again."""
    folder = tmp_path_factory.mktemp("fingerprints")
    shutil.copytree(demo_workspace.parent / "data", folder / "data")
    config = folder / "benefitboard.toml"
    shutil.copy(demo_workspace, config)
    first = refresh_workspace(config, now=DEMO_NOW)
    engine = sa.create_engine(f"sqlite:///{folder / 'data' / 'demo.sqlite'}")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE orders SET shipping_cost = shipping_cost + 100 "
                "WHERE id = (SELECT id FROM orders ORDER BY ordered_at DESC LIMIT 1)"
            )
        )
    engine.dispose()
    second = refresh_workspace(config, now=DEMO_NOW + timedelta(hours=1))
    assert first.status == second.status == "ok"
    store = load_workspace(config).store_dir
    from store.snapshots import open_snapshot

    return config, open_snapshot(store, first.snapshot_id), open_snapshot(store, second.snapshot_id)


def test_only_the_changed_dataset_gets_a_new_fingerprint(two_refreshes):
    _, first, second = two_refreshes
    changed = [
        n for n in first.datasets if first.datasets[n].fingerprint != second.datasets[n].fingerprint
    ]
    assert changed == ["orders"]
    assert all(e.fingerprint for e in second.datasets.values())


def test_the_stored_aggregate_is_the_engines_aggregate_of_the_rows(two_refreshes):
    config, _, second = two_refreshes
    workspace = load_workspace(config)
    rows = second.scan("responses").collect()
    segments = workspace.segments("responses")
    expected = day_aggregate(
        "responses",
        {"responses": rows},
        periods=None,
        segments=segments,
        timezone=workspace.timezone,
    ).collect()
    stored = second.aggregate("responses", workspace.timezone).collect()
    keys = ["day", *segments, "survey", "score"]
    assert stored.sort(keys).equals(expected.select(stored.columns).sort(keys))
    assert stored["n"].sum() == second.datasets["responses"].rows
    assert second.aggregate("responses", "UTC") is None  # days of another zone: not usable


def context_for(config: Path, snapshot: Snapshot) -> PageContext:
    workspace = load_workspace(config)
    return PageContext(workspace, snapshot, data.frames(snapshot), ViewState(), OCTOBER, {})


def test_a_refresh_that_changed_only_orders_recomputes_only_order_kpis(two_refreshes, monkeypatch):
    config, first, second = two_refreshes
    computed: list[tuple[str, ...]] = []

    def counting(kpi_ids, *args, **kwargs):
        computed.append(tuple(kpi_ids))
        return compute_kpis(kpi_ids, *args, **kwargs)

    monkeypatch.setattr(kpis, "compute_kpis", counting)
    kpis._kpi_results.clear()
    survey, orders = ("nps", "csat"), ("shipping_cost_per_order", "on_time_rate")
    before = context_for(config, first)
    after = context_for(config, second)
    nps_before = kpis.kpi_results(before, survey)
    cost_before = kpis.kpi_results(before, orders)
    nps_after = kpis.kpi_results(after, survey)
    cost_after = kpis.kpi_results(after, orders)
    assert computed == [survey, orders, orders]  # the survey tiles came from the cache
    assert nps_after is nps_before
    assert cost_after is not cost_before
    # The shared tiles are right for the new snapshot, and the changed order moved the cost.
    fresh = compute_kpis(
        list(survey),
        {"responses": second.scan("responses").collect()},
        Period(OCTOBER.start, OCTOBER.end),
        Period(OCTOBER.comparison_start, OCTOBER.comparison_end),
        settings=settings_for(after.workspace),
        registry=kpis.registry_for(after.workspace),
    )
    assert [nps_after[r.kpi.id].current.value for r in fresh] == [r.current.value for r in fresh]
    moved = cost_after["shipping_cost_per_order"].current.value
    assert moved == pytest.approx(
        cost_before["shipping_cost_per_order"].current.value
        + 100 / cost_after["shipping_cost_per_order"].current.n
    )


def test_rows_are_read_from_disk_only_when_a_page_asks(two_refreshes):
    _, _, second = two_refreshes
    frames = data.frames(second)
    assert "responses" in frames and len(frames) == len(second.datasets)
    data._dataset_rows.clear()
    assert isinstance(frames["orders"], pl.DataFrame)
    assert frames["orders"] is data.frames(second)["orders"]  # read once, shared
