"""A refreshed demo workspace with the shipped alert rules, and a fresh copy of its store per test.

The demo's data is the session's (tests/conftest.py: seed 7, 20,000 answers, last
day 2026-10-31, refreshed the morning after), read-only; a test that sends alerts
gets a copy of the store, so each test starts with no alert history.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from benefitboard.config import WorkspaceConfig, load_workspace


@pytest.fixture
def alert_workspace(demo_workspace: Path, tmp_path: Path) -> WorkspaceConfig:
    """The demo workspace with its store copied to ``tmp_path`` (no alert history)."""
    workspace = load_workspace(demo_workspace)
    store = tmp_path / "store"
    shutil.copytree(workspace.store_dir, store, ignore=shutil.ignore_patterns("runlog.sqlite*"))
    return dataclasses.replace(workspace, store_dir=store)
