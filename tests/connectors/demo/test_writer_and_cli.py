"""The file is replaced atomically, bad sizes are refused, and the command line works."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from connectors.demo.__main__ import main
from connectors.demo.generate import generate_demo_database
from tests.connectors.demo.tables import END

REPO = Path(__file__).resolve().parents[3]


class StopHalfwayError(Exception):
    pass


def interrupt_halfway(message: str, fraction: float) -> None:
    if fraction >= 0.5:
        raise StopHalfwayError(message)


def test_a_failed_run_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "demo.db"
    target.write_bytes(b"the database the app is reading")
    with pytest.raises(StopHalfwayError):
        generate_demo_database(
            target, end_date=END, responses=2_000, days=90, progress=interrupt_halfway
        )
    assert target.read_bytes() == b"the database the app is reading"
    assert [p.name for p in tmp_path.iterdir()] == ["demo.db"]


def test_a_successful_run_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "demo.db"
    target.parent.mkdir()
    target.write_bytes(b"old")
    seen: list[float] = []
    summary = generate_demo_database(
        target, end_date=END, responses=2_000, days=90, progress=lambda m, f: seen.append(f)
    )
    assert summary.path == target
    assert [p.name for p in target.parent.iterdir()] == ["demo.db"]
    with closing(sqlite3.connect(target)) as connection:
        rows = connection.execute("SELECT COUNT(*) FROM survey_responses").fetchone()[0]
    assert rows == 2_000
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


@pytest.mark.parametrize(
    "sizes,complaint",
    [({"days": 60}, "days=60"), ({"responses": 50}, "responses=50"), ({"orders": 10}, "orders=10")],
)
def test_sizes_too_small_for_the_stories_are_refused(
    tmp_path: Path, sizes: dict[str, int], complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        generate_demo_database(tmp_path / "demo.db", end_date=END, **sizes)
    assert not any(tmp_path.iterdir())


def test_cli_prints_progress_and_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    target = tmp_path / "demo.db"
    code = main(
        ["--out", str(target), "--seed", "3", "--end-date", "2026-11-22",
         "--responses", "1500", "--orders", "2000", "--days", "90"]
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0
    assert "[100%]" in printed
    assert "(2026-08-25 .. 2026-11-22), seed 3" in printed
    lines = {line.split()[0]: line.split()[1] for line in printed.splitlines() if line[:2] == "  "}
    assert lines["survey_responses"] == "1,500"
    assert lines["orders"] == "2,000"


def test_cli_reports_bad_arguments_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["--out", str(tmp_path / "demo.db"), "--days", "30"]) == 2
    assert "at least 90 days" in capsys.readouterr().err


def test_module_runs_as_a_command(tmp_path: Path) -> None:
    target = tmp_path / "demo.db"
    result = subprocess.run(
        [sys.executable, "-m", "connectors.demo", "--out", str(target),
         "--end-date", "2026-11-22", "--responses", "500", "--days", "90"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "survey_responses" in result.stdout
    assert target.exists()
