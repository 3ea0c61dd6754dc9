"""The app starts on the demo workspace and the overview shows the metrics engine's numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from benefitboard.config import load_workspace
from metrics.engine import compute_kpis
from metrics.periods import Period
from metrics.registry import build_registry
from metrics.settings import MetricSettings
from store.snapshots import current_snapshot

APP = str(Path(__file__).resolve().parents[2] / "app.py")
FOUNDATION_KPIS = (
    "nps",
    "csat",
    "ces",
    "delivery_p50_hours",
    "on_time_rate",
    "skus_offered",
    "new_customers",
    "revenue",
)


@pytest.fixture
def app(demo_workspace, monkeypatch) -> AppTest:
    monkeypatch.setenv("BENEFITBOARD_CONFIG", str(demo_workspace))
    return AppTest.from_file(APP, default_timeout=60)


def expected_results(config_path: Path, start: date, end: date, before: tuple[date, date]):
    workspace = load_workspace(config_path)
    snapshot = current_snapshot(workspace.store_dir)
    frames = {name: frame.collect() for name, frame in snapshot.frames().items()}
    settings = MetricSettings(
        timezone=workspace.timezone,
        min_sample=workspace.min_sample,
        csat_scale=workspace.csat_scale,
        ces_scale=workspace.ces_scale,
        currency=workspace.currency,
    )
    registry = build_registry(workspace.custom_kpis, workspace.targets)
    results = compute_kpis(
        FOUNDATION_KPIS,
        frames,
        Period(start, end),
        Period(*before),
        settings=settings,
        registry=registry,
    )
    return {r.kpi.id: r for r in results}


def test_overview_shows_every_foundation_kpi_with_the_engines_numbers(app, demo_workspace):
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    # The demo ends on 31 October 2026 (Berlin): the default view is the 30 days before it.
    expected = expected_results(
        demo_workspace, date(2026, 10, 2), date(2026, 10, 31), (date(2026, 9, 2), date(2026, 10, 1))
    )
    shown = {m.label.split(" :")[0]: m for m in app.metric}
    for kpi_id in FOUNDATION_KPIS:
        result = expected[kpi_id]
        assert result.missing is None, (kpi_id, result.missing)
        tile = shown[result.kpi.label]
        assert tile.value == result.kpi.format_value(result.current.value)
        assert tile.delta == result.kpi.format_delta(result.change.delta)
    assert "02 Oct 2026 – 31 Oct 2026" in app.caption[0].value


def test_the_period_and_segment_filters_come_from_the_url(app, demo_workspace):
    app.query_params["from"] = "2026-09-01"
    app.query_params["to"] = "2026-09-30"
    app.query_params["seg.region"] = "North"
    app.run()
    assert not app.exception
    assert app.caption[0].value.startswith("01 Sep 2026 – 30 Sep 2026")
    workspace = load_workspace(demo_workspace)
    snapshot = current_snapshot(workspace.store_dir)
    frames = {name: frame.collect() for name, frame in snapshot.frames().items()}
    nps = compute_kpis(
        ["nps"],
        frames,
        Period(date(2026, 9, 1), date(2026, 9, 30)),
        Period(date(2026, 8, 2), date(2026, 8, 31)),
        filters={"region": ["North"]},
        settings=MetricSettings(timezone=workspace.timezone),
    )[0]
    tile = next(m for m in app.metric if m.label.startswith("NPS"))
    assert tile.value == nps.kpi.format_value(nps.current.value)


def test_a_bad_link_is_reported_and_the_defaults_are_used(app):
    app.query_params["from"] = "2026-13-45"
    app.query_params["to"] = "2026-10-31"
    app.query_params["kpi"] = "<script>alert(1)</script>"
    app.run()
    assert not app.exception
    notices = [t.value for t in app.toast]
    assert any("is not a date" in n for n in notices)
    assert any("unknown KPI" in n for n in notices)
    assert "02 Oct 2026 – 31 Oct 2026" in app.caption[0].value


def test_data_quality_page_lists_every_dataset(app):
    app.run()
    app.switch_page("pages/data-quality.py").run()
    assert not app.exception
    table = app.dataframe[0].value
    assert set(table["dataset"]) == {
        "responses", "contacts", "orders", "selection", "prices",
        "acquisition", "revenue", "feedback", "events", "kpi_values",
    }  # fmt: skip
    assert set(table["status"]) == {"fresh and valid"}
