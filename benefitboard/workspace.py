"""Which workspace is in use, and where the demo workspace's files are.

The app, the command line and the tests all find the workspace the same way:
``BENEFITBOARD_CONFIG`` if set, else the demo workspace shipped in the repo.
Making the demo workspace runs the demo generator, so it lives above the
connectors, in ``benefitboard.demo``.

Example:
    >>> from benefitboard.config import load_workspace
    >>> demo_database_path(load_workspace(DEMO_CONFIG)).name
    'demo.sqlite'
"""

from __future__ import annotations

import os
from pathlib import Path

from benefitboard.config import WorkspaceConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_CONFIG = REPO_ROOT / "workspaces" / "demo" / "benefitboard.toml"
CONFIG_ENV = "BENEFITBOARD_CONFIG"


def workspace_config_path() -> Path:
    """The workspace file to use: ``$BENEFITBOARD_CONFIG`` or the shipped demo."""
    return Path(os.environ.get(CONFIG_ENV) or DEMO_CONFIG).resolve()


def demo_database_path(workspace: WorkspaceConfig) -> Path:
    """Where the demo workspace's SQLite file lives (from its ``shop_db`` URL)."""
    url = workspace.sources["shop_db"].url or ""
    return (workspace.base_dir / url.removeprefix("sqlite:///")).resolve()
