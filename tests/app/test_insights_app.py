"""The overview's insights on the demo (the planted North slowdown first) and silence on a
workspace where nothing moved; the Feedback page's candidate themes."""

from __future__ import annotations

from bench.null_workspace import null_frames
from benefitboard.config import load_workspace
from benefitboard.refresh import refresh_workspace
from metrics.engine import default_period
from metrics.periods import Period
from metrics.settings import MetricSettings
from pages.ui.insights import NOTHING
from store.snapshots import current_snapshot
from tests.app.full_app import whole_app
from tests.conftest import DEMO_NOW


def _markdown(at) -> str:
    return " ".join(str(m.value) for m in [*at.markdown, *at.caption, *at.subheader])


def test_the_overview_leads_with_the_north_slowdown(demo_workspace, monkeypatch):
    at = whole_app(demo_workspace, monkeypatch).run()
    assert not at.exception
    assert "What moved" in [s.value for s in at.subheader]
    links = at.get("page_link")
    first = links[0].proto.label
    assert first.startswith("1. ") and "region North" in first
    assert NOTHING not in _markdown(at)


def test_the_screen_shows_the_insights_too(demo_workspace, monkeypatch):
    monkeypatch.setenv("BENEFITBOARD_CONFIG", str(demo_workspace))
    at = whole_app(demo_workspace, monkeypatch)
    at.query_params["screen"] = "1"
    at.run()
    assert not at.exception
    assert "region North" in at.get("page_link")[0].proto.label


def test_nothing_is_shown_where_nothing_moved(demo_workspace, tmp_path, monkeypatch):
    workspace = load_workspace(demo_workspace)
    frames = {n: f.collect() for n, f in current_snapshot(workspace.store_dir).frames().items()}
    period = default_period(frames, 30, MetricSettings(timezone=workspace.timezone))
    null = null_frames(frames, Period(period.previous().start, period.end), seed=0)
    tables = []
    for name in ("responses", "orders"):
        null[name].drop("_source_row", "_parse_error", strict=False).write_parquet(
            tmp_path / f"{name}.parquet"
        )
        segments = ", ".join(f'"{s}"' for s in workspace.segments(name))
        tables.append(
            f'[sources.files.datasets.{name}]\npath = "{name}.parquet"\nsegments = [{segments}]\n'
        )
    config = tmp_path / "benefitboard.toml"
    config.write_text(
        f'[workspace]\nname = "Null"\ntimezone = "{workspace.timezone}"\n\n'
        '[sources.files]\nkind = "files"\n\n' + "\n".join(tables),
        encoding="utf-8",
    )
    refresh_workspace(config, now=DEMO_NOW)
    at = whole_app(config, monkeypatch).run()
    assert not at.exception
    assert "What moved" not in [s.value for s in at.subheader]
    assert NOTHING in _markdown(at)


def test_the_feedback_page_offers_candidate_themes(demo_workspace, monkeypatch):
    at = whole_app(demo_workspace, monkeypatch).run()
    at.switch_page("pages/feedback.py").run()
    assert not at.exception
    assert "Candidate themes (not in the taxonomy yet)" in [s.value for s in at.subheader]
    assert any("[taxonomy.themes." in c.value for c in at.code)
