"""A second, throwaway PostgreSQL server that a test may stop, as a warehouse going down."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import missing_requirement

SERVER_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pg_test_server.sh"


@dataclass
class ThrowawayServer:
    """A PostgreSQL cluster of its own (own data folder, own port), started for one test."""

    folder: Path
    url: str

    def stop(self) -> None:
        """Stop the server (fast shutdown, as an administrator or a crash would) and remove it."""
        subprocess.run(["bash", str(SERVER_SCRIPT), "stop", str(self.folder)], check=True)


@pytest.fixture
def throwaway_pg(pg_url: str) -> Iterator[ThrowawayServer]:
    """Start a second PostgreSQL server with scripts/pg_test_server.sh; stopped afterwards.

    Depends on ``pg_url`` so it runs (and is required) exactly where the other
    PostgreSQL tests run, but the shared test server is never stopped.
    """
    folder = Path(tempfile.mkdtemp(prefix="benefitboard-pg-fault-"))
    started = subprocess.run(
        ["bash", str(SERVER_SCRIPT), "start", str(folder)], capture_output=True, text=True
    )
    if started.returncode != 0:
        subprocess.run(["bash", str(SERVER_SCRIPT), "stop", str(folder)], check=False)
        missing_requirement(f"could not start a second PostgreSQL server: {started.stderr}")
    server = ThrowawayServer(folder, started.stdout.strip())
    try:
        yield server
    finally:
        server.stop()
