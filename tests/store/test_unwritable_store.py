"""A store the refresh cannot write: a message naming the folder and the permission, no traceback,
and the dashboard keeps showing the last good snapshot.

The refusals are the kernel's own, for any user including root (CI runs as root, for
whom file modes do not apply): nobody may create files in /sys. One store lives there;
another is a working store whose lock file is a symbolic link into /sys.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benefitboard.config import load_workspace
from benefitboard.refresh import refresh_workspace
from store.lock import LOCK_FILE
from store.snapshots import current_snapshot
from store.writable import StoreNotWritableError
from tests.app.full_app import whole_app

REPO_ROOT = Path(__file__).resolve().parents[2]
UNCREATABLE = Path("/sys/benefitboard-test-store")
REFUSALS = ("Permission denied", "Operation not permitted")
"""What the kernel says: creating a file in /sys is EACCES, a folder EPERM."""


def _require_sys_refuses(require) -> None:
    if not Path("/sys").is_dir() or _can_create_in_sys():
        require("/sys must refuse new files for this test (a Linux machine)")


def _can_create_in_sys() -> bool:
    try:
        UNCREATABLE.mkdir()
    except OSError:
        return False
    UNCREATABLE.rmdir()
    return True


@pytest.fixture
def locked_out_copy(demo_workspace: Path, tmp_path: Path, require) -> Path:
    """A copy of the demo workspace, snapshot and all, whose lock file cannot be created."""
    _require_sys_refuses(require)
    folder = tmp_path / "ws"
    shutil.copytree(demo_workspace.parent, folder, ignore=shutil.ignore_patterns("*.log"))
    config = folder / demo_workspace.name
    store = load_workspace(config).store_dir
    (store / LOCK_FILE).unlink(missing_ok=True)
    (store / LOCK_FILE).symlink_to("/sys/benefitboard-test-refresh.lock")
    return config


def test_the_refresh_names_the_folder_and_the_refusal(locked_out_copy: Path):
    store = load_workspace(locked_out_copy).store_dir
    before = current_snapshot(store).id
    with pytest.raises(StoreNotWritableError) as raised:
        refresh_workspace(locked_out_copy)
    message = str(raised.value)
    assert f"The store folder {store} cannot be written: Permission denied" in message
    assert "as user " in message and "write permission" in message
    assert current_snapshot(store).id == before  # the last good snapshot stays in force


@pytest.mark.parametrize("where", ["uncreatable store", "lock file"])
def test_the_command_line_prints_one_error_and_no_traceback(
    where: str, locked_out_copy: Path, tmp_path: Path
):
    config = locked_out_copy
    if where == "uncreatable store":
        config = tmp_path / "elsewhere.toml"
        text = locked_out_copy.read_text().replace('store = "store"', f'store = "{UNCREATABLE}"')
        assert str(UNCREATABLE) in text
        config.write_text(
            text.replace("sqlite:///data/", f"sqlite:///{locked_out_copy.parent}/data/")
        )
    run = subprocess.run(
        [sys.executable, "-m", "benefitboard", "--config", str(config), "refresh"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    store = UNCREATABLE if where == "uncreatable store" else load_workspace(config).store_dir
    assert any(
        f"error: The store folder {store} cannot be written: {refusal}" in run.stderr
        for refusal in REFUSALS
    ), run.stderr


def test_the_refresh_button_says_so_and_the_page_keeps_its_tiles(locked_out_copy, monkeypatch):
    at = whole_app(locked_out_copy, monkeypatch).run()
    tiles = len(at.metric)
    assert tiles >= 8
    at.sidebar.button[[b.label for b in at.sidebar.button].index("Refresh data")].click().run()
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.sidebar.error]  # Markdown escapes off
    assert any("cannot be written: Permission denied" in e for e in errors), errors
    assert len(at.metric) == tiles
