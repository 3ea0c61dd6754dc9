"""How the demo workspace is made: its config copied, its shop database generated.

Orchestration, not configuration: it runs the demo generator
(``connectors.demo``), so it sits above the connectors while
``benefitboard.workspace`` (which workspace is in use) stays below them.

Example:
    >>> import tempfile
    >>> from benefitboard.config import load_workspace
    >>> from benefitboard.workspace import demo_database_path
    >>> config_path = create_demo_workspace(
    ...     Path(tempfile.mkdtemp()), responses=300, end_date=date(2026, 10, 31))
    >>> demo_database_path(load_workspace(config_path)).exists()
    True
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from benefitboard.config import WorkspaceConfig, load_workspace
from benefitboard.workspace import DEMO_CONFIG, demo_database_path
from connectors.demo.generate import generate_demo_database


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
