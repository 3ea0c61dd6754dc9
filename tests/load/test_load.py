"""Load in CI: 25 concurrent sessions while a refresh runs, then real browsers; no errors.

The 25 sessions are websocket clients (the server's full work per viewer, see
tests/load/ws_client.py); a few real Chromium tabs then check that the browser
side renders under concurrency too. Times are printed, never asserted: the
figures come from the documented command (docs/SECURITY.md):
``.venv/bin/python -m tests.load.sessions --sessions 25``.
"""

from __future__ import annotations

import shutil

import pytest

from tests.browser.streamlit_server import running_streamlit_process
from tests.load.sessions import REPO_ROOT, run_load

CI_WEBSOCKET_SESSIONS = 25
CI_BROWSER_SESSIONS = 4


@pytest.fixture()
def served_copy_of_the_demo(tmp_path, demo_workspace):
    """The app serving its own copy of the demo workspace (the refresh writes to its store)."""
    workspace = tmp_path / "ws"
    shutil.copytree(demo_workspace.parent, workspace, ignore=shutil.ignore_patterns("*.log"))
    config = workspace / "benefitboard.toml"
    with running_streamlit_process(
        "app.py",
        cwd=REPO_ROOT,
        log_path=tmp_path / "app.log",
        env={"BENEFITBOARD_CONFIG": str(config)},
    ) as (base_url, pid):
        yield base_url, pid, config


@pytest.mark.slow
def test_25_websocket_sessions_during_a_refresh_render_without_errors(served_copy_of_the_demo):
    base_url, pid, config = served_copy_of_the_demo
    report = run_load(base_url, pid, config, CI_WEBSOCKET_SESSIONS, clients="websocket")
    print(report.summary())
    assert report.errors == []
    assert len(report.seconds) == CI_WEBSOCKET_SESSIONS
    assert sorted(report.seconds_by_page) == ["/", "/drilldown"]
    assert report.refresh_seconds is not None
    assert report.peak_rss_mb > 0


@pytest.mark.browser
@pytest.mark.slow
def test_concurrent_browser_tabs_during_a_refresh_render_without_errors(
    served_copy_of_the_demo, require
):
    if not shutil.which("chromium"):
        require("chromium is not installed")
    base_url, pid, config = served_copy_of_the_demo
    report = run_load(base_url, pid, config, CI_BROWSER_SESSIONS, clients="browser")
    print(report.summary())
    assert report.errors == []
    assert len(report.seconds) == CI_BROWSER_SESSIONS
    assert report.refresh_seconds is not None
