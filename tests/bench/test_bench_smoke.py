"""The benchmark runs end to end at a tiny size and prints every figure (nothing is timed here)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
FIGURES = (
    "refresh, 2,000 responses + 1,000 orders",
    "refresh, 1,000 responses (all datasets)",
    "executive page, cold from the store on disk",
    "executive page, warm (cached, shared)",
    "core view in memory, the three taking turns",
    "plain pandas",
    "DuckDB SQL",
    "engine vs pandas",
    "engine vs DuckDB",
    "segment split",
    "verbatim comment index",
    "verbatim search",
    "peak memory of the dashboard's work",
    "pandas vs DuckDB:",
    "rows transferred / rows in the tables (3,0",
    "live vs store path (same aggregates):",
    "bare Streamlit page with one Plotly chart",
    "executive overview, fully rendered",
    "overview / bare page",
)


@pytest.mark.slow
def test_bench_prints_every_figure(tmp_path: Path, pg_url: str, require) -> None:
    if not shutil.which("chromium"):
        require("chromium is not installed (the bench renders the overview in it)")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--responses",
            "2000",
            "--orders",
            "1000",
            "--refresh-responses",
            "1000",
            "--render-responses",
            "3000",
            "--render-loads",
            "1",
            "--folder",
            str(tmp_path / "bench"),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "BENEFITBOARD_TEST_PG_URL": pg_url},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    output = completed.stdout
    for figure in FIGURES:
        assert figure in output, figure
    agreement = next(line for line in output.splitlines() if "engine vs pandas:" in line)
    assert float(agreement.split(":")[1].split()[0]) < 1e-9  # the engine's numbers are pandas'
    assert not (tmp_path / "bench").exists()  # generated data is removed afterwards
