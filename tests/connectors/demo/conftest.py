"""Demo databases built once per test session.

Small on purpose: ``recent`` (90 days, 60k responses) holds the planted
slowdown with enough answers per region and window for stable NPS; ``two_year``
(730 days, 60k responses) holds the long-run stories and the dated events.
"""

from __future__ import annotations

import pytest

from connectors.demo.generate import DemoSummary, generate_demo_database
from tests.connectors.demo.tables import END


@pytest.fixture(scope="session")
def recent(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    path = tmp_path_factory.mktemp("demo") / "recent.db"
    return generate_demo_database(path, seed=7, end_date=END, responses=60_000, days=90)


@pytest.fixture(scope="session")
def two_year(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    path = tmp_path_factory.mktemp("demo") / "two_year.db"
    return generate_demo_database(path, seed=7, end_date=END, responses=60_000, days=730)
