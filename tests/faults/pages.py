"""What the running app shows for a survey shop: the NPS tile and the data banner (AppTest)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from benefitboard.config import load_workspace
from metrics.engine import compute_kpis
from metrics.periods import Period
from metrics.settings import MetricSettings
from store.snapshots import current_snapshot
from tests.faults.survey_shop import DAYS

APP = str(Path(__file__).resolve().parents[2] / "app.py")
VIEW = Period(DAYS[0], DAYS[-1])
"""The overview's default view: the last 30 days of data."""


def overview(config: Path, monkeypatch) -> AppTest:
    """The executive overview of ``config``'s workspace, run once."""
    monkeypatch.setenv("BENEFITBOARD_CONFIG", str(config))
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def nps_tile(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label.startswith("NPS"))


def engine_nps(config: Path) -> str:
    """The NPS the metrics engine computes from the current snapshot, formatted as tiles show it."""
    workspace = load_workspace(config)
    snapshot = current_snapshot(workspace.store_dir)
    frames = {name: frame.collect() for name, frame in snapshot.frames().items()}
    result = compute_kpis(
        ["nps"], frames, VIEW, None, settings=MetricSettings(timezone=workspace.timezone)
    )[0]
    return result.kpi.format_value(result.current.value)


def banners(at: AppTest) -> list[str]:
    """The data banner's headline (an expander, Markdown-escaped), if the page shows one."""
    return [e.label for e in at.expander if "refresh" in e.label or "stale" in e.label]
