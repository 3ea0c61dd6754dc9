"""The Key drivers page on the demo (North's NPS, over the planted slowdown) and CSAT only."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.demo.story import slowdown_dates
from tests.app.full_app import whole_app
from tests.conftest import DEMO_END_DATE


def test_the_drivers_page_shows_norths_drivers_over_the_slowdown(
    demo_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, last = slowdown_dates(DEMO_END_DATE)
    at = whole_app(demo_workspace, monkeypatch)
    at.query_params.update(
        {"from": first.isoformat(), "to": last.isoformat(), "seg.region": "North"}
    )
    at.run()
    at.switch_page("pages/drivers.py").run()
    assert not at.exception, [e.value for e in at.exception]
    keys = {chart.proto.id for chart in at.get("plotly_chart")}
    assert len(at.get("plotly_chart")) >= 2, keys  # NPS drivers (at least) and the tree
    nps = next(c.value for c in at.caption if "Top driver" in c.value)  # NPS: the first score
    assert "Late deliveries" in nps.split("Top driver")[1][:30] or "Delivery hours" in nps, nps
    assert "association" in " ".join(m.value for m in at.markdown)
