"""The pages' one door to data: the workspace and its current (or pinned) snapshot, cached.

Why here: a page must not know where files live. This module opens the store
through ``store`` once per snapshot and process (``st.cache_resource``), so
many viewers of the same snapshot share one copy in memory, and a new
snapshot id is a new cache key — nothing stale survives a refresh.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import streamlit as st

from benefitboard.config import WorkspaceConfig, load_workspace
from benefitboard.workspace import workspace_config_path
from store import Snapshot, SnapshotNotFoundError, current_snapshot, open_snapshot


@st.cache_resource(show_spinner=False, max_entries=4)
def _workspace(path: str, modified: float) -> WorkspaceConfig:
    return load_workspace(Path(path))


def workspace() -> WorkspaceConfig:
    """The workspace config, re-read when its file changes."""
    path = workspace_config_path()
    return _workspace(str(path), os.path.getmtime(path))


@st.cache_resource(show_spinner=False, max_entries=3)
def _snapshot_frames(store_dir: str, snapshot_id: str) -> dict[str, pl.DataFrame]:
    snapshot = open_snapshot(Path(store_dir), snapshot_id)
    return {name: frame.collect() for name, frame in snapshot.frames().items()}


def snapshot(asof: str | None = None) -> Snapshot | None:
    """The pinned snapshot ``asof`` (SnapshotNotFoundError if gone), else the current one."""
    store_dir = workspace().store_dir
    if asof:
        return open_snapshot(store_dir, asof)
    return current_snapshot(store_dir)


def frames(snap: Snapshot) -> dict[str, pl.DataFrame]:
    """Every dataset of a snapshot, in memory, shared across sessions."""
    return _snapshot_frames(str(snap.path.parent.parent), snap.id)


__all__ = ["SnapshotNotFoundError", "frames", "snapshot", "workspace"]
