"""The shop that this package's docstring examples query (``pytest --doctest-modules``).

``source`` is a live sql source over a SQLite table ``answers`` with eight survey
responses in Europe/Berlin wall-clock time: one NPS score of 11 and one id
used twice, which the contract's row rules leave out. ``period`` is the week
of 19 October 2026, ``comparison`` the week before, ``now`` the day after;
``contract`` is the responses contract and ``relation`` the source's relation.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from benefitboard.config import load_workspace
from connectors.pushdown.relation import source_relation
from metrics.periods import Period
from validation.contracts import contracts_for_workspace

WORKSPACE = """
[workspace]
name = "Example shop"
timezone = "Europe/Berlin"

[sources.shop]
kind = "sql"
mode = "live"
url = "sqlite:///shop.sqlite"
timezone = "Europe/Berlin"

[sources.shop.datasets.responses]
table = "answers"
segments = ["plan"]
columns = { response_id = "id", survey = "survey_type", responded_at = "submitted_at" }
"""

ANSWERS = [
    ("R1", "nps", 10, "2026-10-20 10:00:00", "Fast delivery, friendly help", "pro"),
    ("R2", "nps", 9, "2026-10-21 11:00:00", None, "basic"),
    ("R3", "nps", 3, "2026-10-22 12:00:00", "Parcel late with the new carrier", "basic"),
    ("R4", "nps", 11, "2026-10-23 09:00:00", "eleven out of ten", "pro"),
    ("R5", "csat", 5, "2026-10-23 09:30:00", None, "pro"),
    ("R5", "csat", 4, "2026-10-23 09:45:00", "Late, but the new carrier called", "pro"),
    ("R6", "nps", 8, "2026-10-13 08:00:00", None, "pro"),
    ("R7", "nps", 2, "2026-10-14 15:00:00", "Late again", "basic"),
]


@pytest.fixture(autouse=True, scope="session")
def shop(doctest_namespace: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> None:
    folder: Path = tmp_path_factory.mktemp("shop")
    with sqlite3.connect(folder / "shop.sqlite") as connection:
        connection.execute(
            "CREATE TABLE answers (id, survey_type, score, submitted_at, comment, plan)"
        )
        connection.executemany("INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?)", ANSWERS)
    connection.close()
    (folder / "benefitboard.toml").write_text(WORKSPACE, encoding="utf-8")
    workspace = load_workspace(folder / "benefitboard.toml")
    source = workspace.sources["shop"]
    period = Period(date(2026, 10, 19), date(2026, 10, 25))
    doctest_namespace.update(
        workspace=workspace,
        source=source,
        relation=source_relation(source, "responses"),
        contract=contracts_for_workspace(workspace)["responses"],
        period=period,
        comparison=period.previous(),
        now=datetime(2026, 10, 26, tzinfo=UTC),
    )
