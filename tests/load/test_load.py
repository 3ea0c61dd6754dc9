"""A small load run in CI: concurrent sessions and a refresh at once, no errors.

The full 25-session run is a documented command (docs/SECURITY.md):
``.venv/bin/python -m tests.load.sessions --sessions 25``.
"""

from __future__ import annotations

import shutil

import pytest

from tests.browser.streamlit_server import running_streamlit_process
from tests.load.sessions import REPO_ROOT, run_load

CI_SESSIONS = 6


@pytest.mark.browser
@pytest.mark.slow
def test_concurrent_sessions_during_a_refresh_render_without_errors(
    tmp_path, demo_workspace, require
):
    if not shutil.which("chromium"):
        require("chromium is not installed")
    # The refresh writes to the workspace's store: copy the shared workspace first.
    workspace = tmp_path / "ws"
    shutil.copytree(demo_workspace.parent, workspace, ignore=shutil.ignore_patterns("*.log"))
    config = workspace / "benefitboard.toml"
    with running_streamlit_process(
        "app.py",
        cwd=REPO_ROOT,
        log_path=tmp_path / "app.log",
        env={"BENEFITBOARD_CONFIG": str(config)},
    ) as (base_url, pid):
        report = run_load(base_url, pid, config, CI_SESSIONS)
    print(report.summary())
    assert report.errors == []
    assert len(report.seconds) == CI_SESSIONS
    assert report.refresh_seconds is not None
    assert report.peak_rss_mb > 0
