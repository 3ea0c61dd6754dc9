"""Which workspace is in use, and how the demo workspace is made.

The app, the command line and the tests all find the workspace the same way:
``BENEFITBOARD_CONFIG`` if set, else the demo workspace shipped in the repo.

Example:
    >>> config_path = create_demo_workspace(Path("/tmp/ws"), responses=20_000)  # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from benefitboard.config import WorkspaceConfig, load_workspace

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


def ensure_demo_database(
    workspace: WorkspaceConfig,
    *,
    seed: int = 7,
    end_date: date | None = None,
    responses: int = 120_000,
    orders: int | None = None,
    force: bool = False,
    progress: Callable[[str, float], None] | None = None,
) -> Path:
    """Generate the demo database if it is missing or was made before today (or with ``force``).

    The demo's data ends yesterday; regenerating it daily keeps the first run
    looking like a live shop instead of flagging every tile as stale.
    """
    from connectors.demo import generate_demo_database

    path = demo_database_path(workspace)
    made_today = (
        path.exists()
        and datetime.fromtimestamp(path.stat().st_mtime, UTC).date() >= datetime.now(UTC).date()
    )
    if force or not made_today:
        path.parent.mkdir(parents=True, exist_ok=True)
        generate_demo_database(
            path,
            seed=seed,
            end_date=end_date,
            responses=responses,
            orders=orders,
            progress=progress,
        )
    return path


def create_demo_workspace(
    target_dir: Path,
    *,
    seed: int = 7,
    end_date: date | None = None,
    responses: int = 120_000,
    orders: int | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> Path:
    """Copy the demo workspace config into ``target_dir`` and generate its database there.

    Returns the path of the new config file. Tests use this to get a demo
    workspace of their own, with a fixed end date so the numbers are stable.
    """
    target_dir.mkdir(parents=True, exist_ok=True)
    config_path = target_dir / "benefitboard.toml"
    shutil.copyfile(DEMO_CONFIG, config_path)
    ensure_demo_database(
        load_workspace(config_path),
        seed=seed,
        end_date=end_date,
        responses=responses,
        orders=orders,
        force=True,
        progress=progress,
    )
    return config_path
