"""SQL-injection payloads in every URL parameter and in the search box do nothing in the app.

The running app (AppTest, the demo workspace) is opened with every URL
parameter it reads set to the same payload at once, on the overview, the
verbatims and the data-quality page (which queries the run log), and each
payload is typed into the verbatims search box. A listener on every engine
records the SQL the app sends meanwhile. (The widgets that carry text are the
verbatims search box, which writes ``q``; segment filters and the data-quality
page's dataset and reason pick from values in the data.) The app runs without an exception,
shows the numbers of an untouched visit, finds no comment for a payload,
never sends a payload as SQL text, and leaves the demo database, the run log
and the current snapshot exactly as they were.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from benefitboard.config import load_workspace
from benefitboard.workspace import demo_database_path
from pages.ui.state import KNOWN, SEGMENT_PREFIX, ViewState, view_to_params
from store.snapshots import current_snapshot
from tests.faults.survey_shop import table_counts
from tests.security.statements import PAYLOADS, assert_never_in_sql, recorded_statements

APP = str(Path(__file__).resolve().parents[2] / "app.py")
URL_PARAMETERS = [*sorted(KNOWN), f"{SEGMENT_PREFIX}region", f"{SEGMENT_PREFIX}plan"]
PAGES = ("pages/overview.py", "pages/verbatims.py", "pages/data-quality.py")
FEW = PAYLOADS[:4]
"""The issue's own examples; all of PAYLOADS go through the search box and tests/security."""


@pytest.fixture
def untouched(demo_workspace: Path):
    """The demo database's and run log's row counts and the current snapshot, before a test;
    checked to be the same after it."""
    workspace = load_workspace(demo_workspace)
    databases = [
        f"sqlite:///{demo_database_path(workspace)}",
        f"sqlite:///{workspace.store_dir / 'runlog.sqlite'}",
    ]
    before = ([table_counts(url) for url in databases], current_snapshot(workspace.store_dir).id)
    yield
    after = ([table_counts(url) for url in databases], current_snapshot(workspace.store_dir).id)
    assert after == before


def opened(config: Path, monkeypatch, page: str, params: dict[str, str]) -> AppTest:
    """``page`` opened from a link with ``params``; ``at.notices`` holds what the link was told.

    The first run reads the link (and says what it ignored); the filter bar then
    writes the cleaned view back into the URL, which the page's run reads.
    """
    monkeypatch.setenv("BENEFITBOARD_CONFIG", str(config))
    at = AppTest.from_file(APP, default_timeout=90)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.notices = " ".join(t.value for t in at.toast)
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("page", PAGES)
def test_a_payload_in_every_url_parameter_at_once(demo_workspace, monkeypatch, untouched, page):
    clean = shown(opened(demo_workspace, monkeypatch, page, {}))
    with recorded_statements() as statements:
        for payload in FEW:
            at = opened(demo_workspace, monkeypatch, page, dict.fromkeys(URL_PARAMETERS, payload))
            assert "Ignored" in at.notices
            if page == "pages/verbatims.py":  # the search is the payload: no comment has it
                assert shown(at)["Comments in this view"] == "0"
            else:
                assert shown(at) == clean
    if page == "pages/data-quality.py":  # the run log was asked; the overview reads files only
        assert_never_in_sql(statements, FEW)


def test_payloads_searched_on_the_verbatims_page(demo_workspace, monkeypatch, untouched):
    """What the search box does with what is typed: it writes it into the URL as ``q``
    (``show_view``), and the page searches what ``q`` says. AppTest cannot follow that
    link (it reruns with the URL it started from), so each payload is opened as the link
    the box writes."""
    with recorded_statements() as statements:
        for payload in PAYLOADS:
            written = view_to_params(ViewState(search=payload))
            assert written == {"q": payload}
            at = opened(demo_workspace, monkeypatch, "pages/verbatims.py", written)
            box = next(t for t in at.text_input if t.label == "Search the comments")
            assert box.value == payload
            assert shown(at)["Comments in this view"] == "0"
            assert [c.value for c in at.text] == []  # no comment card
    assert all(payload not in text for text in statements.texts for payload in PAYLOADS)
