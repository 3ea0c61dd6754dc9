"""A PostgreSQL warehouse stopped mid-session: the refresh fails loudly, the dashboard keeps serving.

A second, throwaway PostgreSQL server (``throwaway_pg``) holds the survey
shop. The first refresh reads it; the live path reads it too. Then the server
is stopped, as a warehouse going down for maintenance would be. The next
refresh fails naming the source, the previous snapshot's rows stay in force,
and the running app shows the same NPS with a banner naming the source and
the failure.
"""

from __future__ import annotations

import pytest

from benefitboard.config import load_workspace
from connectors.errors import SourceError
from connectors.pushdown.aggregate import live_aggregate
from store.runlog import RunLog
from store.snapshots import current_snapshot
from tests.faults.pages import VIEW, banners, engine_nps, nps_tile, overview
from tests.faults.survey_shop import FIRST, NPS, RESPONSE_COUNT, survey_shop

LAST_GOOD = "01 Nov 2026, 06:00 UTC"


def test_a_warehouse_stopped_mid_session(throwaway_pg, tmp_path, monkeypatch):
    monkeypatch.setenv("BENEFITBOARD_CONNECTION_WAREHOUSE_URL", throwaway_pg.url)
    shop = survey_shop(tmp_path / "ws", sql_url=throwaway_pg.url, connection=True)
    assert shop.refresh(FIRST).status == "ok"
    source = load_workspace(shop.config).dataset_source("responses")
    live = live_aggregate(source, "responses", periods=[VIEW], timezone="UTC")
    assert live.frame["n"].sum() == RESPONSE_COUNT
    before = overview(shop.config, monkeypatch)
    assert nps_tile(before) == engine_nps(shop.config) == f"{NPS:.1f}"
    assert banners(before) == []

    throwaway_pg.stop()

    report = shop.refresh()
    assert report.status == "failed"
    snapshot = current_snapshot(shop.store)
    assert snapshot.id == report.snapshot_id != "20261101T060000Z"
    for name in ("responses", "events"):
        entry = snapshot.datasets[name]
        assert (entry.status, entry.from_snapshot) == ("carried", "20261101T060000Z")
        assert entry.problem.startswith("cannot read from postgresql: connection failed: ")
        assert entry.problem.endswith("Connection refused")
        assert entry.failures[0].startswith(
            f"source 'warehouse', dataset '{name}': cannot read from "
            "postgresql+psycopg://postgres@127.0.0.1:"
        )
    assert snapshot.scan("responses").collect().height == RESPONSE_COUNT
    run = RunLog(shop.store).latest_run()
    assert run["status"] == "failed"
    assert "source 'warehouse', dataset 'responses': cannot read from" in run["message"]

    # A live query in the same process, on the engine that worked a moment ago.
    with pytest.raises(SourceError) as caught:
        live_aggregate(source, "responses", periods=[VIEW], timezone="UTC")
    assert str(caught.value).startswith(
        "source 'warehouse', dataset 'responses': the live aggregate query failed: "
    )

    after = overview(shop.config, monkeypatch)
    assert nps_tile(after) == f"{NPS:.1f}"
    (banner,) = banners(after)
    banner = banner.replace("\\", "")  # Markdown escapes
    assert banner.startswith(
        "**events, responses** from warehouse: the latest refresh failed (cannot read from "
        "postgresql: connection failed: "
    )
    assert banner.endswith(f"showing the last good data, loaded {LAST_GOOD}.")
