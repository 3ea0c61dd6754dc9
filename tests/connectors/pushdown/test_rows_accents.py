"""Live verbatim search ignores accents both ways, as the stored path does (issue 15 item 5).

A copy of the planted shop gets five Portuguese comments; refresh mode stores
them, live mode searches them in SQLite and PostgreSQL. ``nao recebi``,
``não recebi`` and ``NÃO RECEBI`` must find the same comments in both paths
(expected lists written by hand), and an address stays unfindable by its name.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from connectors.pushdown.rows import verbatims_page
from metrics.periods import Period
from metrics.verbatims import comment_index, find_verbatims
from tests.connectors.pushdown.conftest import Case, _pg_case, _refreshed
from tests.connectors.pushdown.planted import NOW, planted_workspace
from validation.contracts import contracts_for_workspace

OCTOBER = Period(date(2026, 10, 1), date(2026, 11, 1))
COMMENTS = [
    # submitted_at (UTC text), comment
    ("2026-10-05 10:00:00", "Não recebi o pedido"),
    ("2026-10-06 10:00:00", "nao recebi nada"),
    ("2026-10-07 10:00:00", "recebi tudo"),
    ("2026-10-08 10:00:00", "NA\u0303O RECEBI a tempo"),  # stored decomposed
    ("2026-10-09 10:00:00", "Escreva para joão@exemplo.com"),
]
NOT_RECEIVED = ["NA\u0303O RECEBI a tempo", "nao recebi nada", "Não recebi o pedido"]
SEARCHES = [
    ("nao recebi", NOT_RECEIVED),
    ("não recebi", NOT_RECEIVED),
    ("NÃO RECEBI", NOT_RECEIVED),
    ("não", NOT_RECEIVED),
    ('"não recebi o"', ["Não recebi o pedido"]),
    ("TÚDO recebi", ["recebi tudo"]),
    (
        "recebi",
        ["NA\u0303O RECEBI a tempo", "recebi tudo", "nao recebi nada", "Não recebi o pedido"],
    ),
    ("joao", []),
    ("joão", []),
    ("escreva", ["Escreva para joão@exemplo.com"]),
]


def plant_comments(database: Path) -> None:
    """Add ``COMMENTS`` to the shop's survey answers, as NPS answers that pass every rule."""
    engine = sa.create_engine(f"sqlite:///{database}")
    names = ("id", "channel", "survey_type", "score", "submitted_at", "comment", "plan", "region")
    table = sa.table("survey_responses", *(sa.column(name) for name in names))
    with engine.begin() as connection:
        first = connection.exec_driver_sql("SELECT max(id) FROM survey_responses").scalar() + 1
        rows = [
            dict(zip(names, (first + i, "web", "nps", 5, at, text, "pro", "North"), strict=True))
            for i, (at, text) in enumerate(COMMENTS)
        ]
        connection.execute(table.insert(), rows)
    engine.dispose()


@pytest.fixture(scope="session")
def accents_sqlite(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Case:
    config = planted_workspace(demo_workspace, tmp_path_factory.mktemp("live_accents"))
    plant_comments(config.parent / "data" / "demo.sqlite")
    workspace, frames = _refreshed(config)
    return Case(workspace, workspace.sources["shop_db"], frames)


@pytest.fixture(scope="session")
def accents_pg(accents_sqlite: Case, pg_module_url: str) -> Case:
    return _pg_case(accents_sqlite, pg_module_url, "accents", aware=True)


@pytest.fixture(params=["accents_sqlite", pytest.param("accents_pg", marks=pytest.mark.postgres)])
def accents(request: pytest.FixtureRequest) -> Case:
    return request.getfixturevalue(request.param)


def stored(case: Case, search: str) -> list[str]:
    index = comment_index(case.frames["responses"])
    rows = find_verbatims(index, OCTOBER, settings=case.settings, search=search)
    return rows["comment"].to_list()


def live_page(case: Case, search: str):
    return verbatims_page(
        case.source,
        periods=[OCTOBER],
        settings=case.settings,
        contract=contracts_for_workspace(case.workspace)["responses"],
        now=NOW,
        search=search,
        page_size=50,
    )


def live(case: Case, search: str) -> list[str]:
    page = live_page(case, search)
    assert not page.has_more
    return page.frame["comment"].to_list()


@pytest.mark.parametrize(("search", "expected"), SEARCHES)
def test_live_and_stored_search_find_the_same_comments(
    accents: Case, search: str, expected: list[str]
) -> None:
    assert stored(accents, search) == expected
    assert live(accents, search) == expected


def test_the_warehouse_counts_accented_and_plain_matches_alike(accents: Case) -> None:
    totals = {
        search: live_page(accents, search).total
        for search in ("nao recebi", "NÃO RECEBI", "não recebi")
    }
    assert set(totals.values()) == {3}
