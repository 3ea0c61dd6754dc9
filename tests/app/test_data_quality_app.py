"""The Data quality page and the data banner, on a demo workspace whose last refresh went wrong.

The workspace is a copy of the shared demo whose database then got bad rows
(quarantined) and a price table with a renamed column (carried, with a
Markdown-hostile name). Every number the page shows is checked against the
snapshot, the quarantine and the run log it was drawn from.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from benefitboard.config import load_workspace
from benefitboard.refresh import refresh_workspace
from benefitboard.workspace import demo_database_path
from canonical.datasets import SOURCE_ROW
from store.runlog import RunLog
from store.snapshots import current_snapshot
from tests.conftest import DEMO_NOW
from validation.quarantine import reason_counts
from validation.runner import REASONS

APP = str(Path(__file__).resolve().parents[2] / "app.py")
HOSTILE_COLUMN = "[rival](javascript:alert(1))"
NPS_RANGE = "score: not between 0 and 10 for survey nps"


@pytest.fixture(scope="module")
def broken_refresh(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo whose second refresh met bad rows and a renamed price column."""
    folder = shutil.copytree(demo_workspace.parent, tmp_path_factory.mktemp("dq") / "ws")
    config = folder / demo_workspace.name
    engine = sa.create_engine(f"sqlite:///{demo_database_path(load_workspace(config))}")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE survey_responses SET score = 11 WHERE survey_type = 'nps' AND id % 97 = 0"
            )
        )
        connection.execute(sa.text("UPDATE survey_responses SET score = 'n/a' WHERE id % 301 = 0"))
        connection.execute(
            sa.text(
                f'ALTER TABLE price_checks RENAME COLUMN competitor_price TO "{HOSTILE_COLUMN}"'
            )
        )
    engine.dispose()
    report = refresh_workspace(config, now=DEMO_NOW + timedelta(hours=1))
    assert report.status == "partial", report.summary()
    return config


@pytest.fixture
def app(broken_refresh: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("BENEFITBOARD_CONFIG", str(broken_refresh))
    return AppTest.from_file(APP, default_timeout=60)


def data_quality(app: AppTest) -> AppTest:
    app.run()
    app.switch_page("pages/data-quality.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def snapshot_of(config: Path):
    return current_snapshot(load_workspace(config).store_dir)


def test_the_summary_shows_every_dataset_as_the_manifest_says(app, broken_refresh):
    summary = data_quality(app).dataframe[0].value
    snapshot = snapshot_of(broken_refresh)
    shown = {row["dataset"]: row for row in summary.to_dict("records")}
    assert set(shown) == set(snapshot.datasets)
    for name, entry in snapshot.datasets.items():
        assert (shown[name]["valid rows"], shown[name]["quarantined rows"]) == (
            entry.rows,
            entry.quarantined,
        )
    assert shown["responses"]["status"] == "partly quarantined"
    assert shown["prices"]["status"] == "refresh failed · last good data kept"
    assert shown["prices"]["problem"].startswith("column 'competitor_price' (mapped from canonical")
    assert shown["orders"]["status"] == "fresh and valid"
    assert shown["responses"]["age at refresh"] == "8 h"  # newest 22:58 UTC, refresh 07:00
    assert shown["responses"]["may be at most"] == "3 days"


def test_the_most_urgent_dataset_is_selected_first(app):
    page = data_quality(app)
    dataset = page.selectbox(key="data_quality_dataset")
    assert dataset.value == "prices"
    assert dataset.options[:2] == [
        "prices (shop_db) — refresh failed · last good data kept",
        "responses (shop_db) — partly quarantined",
    ]
    assert "The latest refresh of **prices** failed" in page.warning[0].value


def test_checks_of_the_run_with_pass_fail_and_examples(app, broken_refresh):
    page = data_quality(app)
    page.selectbox(key="data_quality_dataset").set_value("responses").run()
    checks = page.tabs[0].dataframe[0].value
    snapshot = snapshot_of(broken_refresh)
    logged = RunLog(load_workspace(broken_refresh).store_dir).expectations_of_run(
        snapshot.run_id, "responses"
    )
    assert len(checks) == len(logged)
    assert sum(not r["success"] for r in logged) == (checks["result"] == "❌ failed").sum()
    nps = checks[checks["fails when"] == NPS_RANGE].iloc[0]
    quarantine = snapshot.quarantine("responses").collect()
    assert nps["result"] == "❌ failed"
    assert nps["failing rows"] == quarantine.filter(pl.col(REASONS) == NPS_RANGE).height
    first_row = quarantine.filter(pl.col(REASONS) == NPS_RANGE)[SOURCE_ROW][0]
    assert nps["examples"].startswith(f"row {first_row}: score=11.0, survey=nps")
    assert checks["result"].iloc[0] == "❌ failed"  # failures first


def test_quarantined_rows_by_reason_with_counts_pages_and_download(app, broken_refresh):
    page = data_quality(app)
    page.selectbox(key="data_quality_dataset").set_value("responses").run()
    quarantine = snapshot_of(broken_refresh).quarantine("responses")
    counts = dict(reason_counts(quarantine).iter_rows())
    reason = page.selectbox(key="data_quality_reason_responses")
    assert (
        reason.options[0]
        == f"Every reason ({sum(1 for _ in quarantine.collect().iter_rows()):,} rows)"
    )
    assert sorted(reason.options[1:]) == sorted(f"{r} ({n:,} rows)" for r, n in counts.items())

    table = page.tabs[1].dataframe[0].value
    all_rows = quarantine.collect()
    assert table[SOURCE_ROW].tolist() == all_rows[SOURCE_ROW].head(50).to_list()

    reason.set_value("unreadable: score").run()
    unreadable = counts["unreadable: score"]
    assert unreadable > 50  # so there is a second page
    first = page.tabs[1].dataframe[0].value
    assert len(first) == 50
    assert set(first[REASONS]) == {"unreadable: score: 'n/a' is not a number; score: missing"}
    assert f"Rows 1–50 of {unreadable}, 50 per page" in page.tabs[1].caption[0].value
    page.tabs[1].number_input[0].set_value(2).run()
    second = page.tabs[1].dataframe[0].value
    assert len(second) == unreadable - 50
    expected = quarantine.filter(pl.col(REASONS).str.starts_with("unreadable: score")).collect()
    assert [*first[SOURCE_ROW], *second[SOURCE_ROW]] == expected[SOURCE_ROW].to_list()
    labels = [b.proto.label for b in page.tabs[1].get("download_button")]
    assert labels == ["Download these rows (CSV)"]


def test_history_lists_both_refreshes(app, broken_refresh):
    page = data_quality(app)
    page.selectbox(key="data_quality_dataset").set_value("prices").run()
    history = page.tabs[2].dataframe[0].value
    assert history["status"].tolist() == ["refresh failed · last good data kept", "fresh and valid"]
    assert history["valid"].tolist() == [0, snapshot_of(broken_refresh).datasets["prices"].rows]


def test_data_docs_are_offered_for_download(app):
    page = data_quality(app)
    labels = [b.proto.label for b in page.tabs[3].get("download_button")]
    assert labels == ["Download the Data Docs (zip)"]


def test_every_page_opens_with_one_calm_notice_naming_source_failure_and_time(app):
    app.run()
    assert not app.exception
    (notice,) = [e for e in app.expander if "not up to date" in e.label or "from shop" in e.label]
    assert notice.label.startswith(
        "**prices** from shop\\_db: the latest refresh failed (column 'competitor\\_price'"
    )
    assert notice.label.endswith("showing the last good data, loaded 01 Nov 2026, 06:00 UTC.")
    details = " ".join(m.value for m in notice.markdown)
    assert "\\[rival\\]\\(javascript\\:alert\\(1\\)\\)" in details  # shown, never a link
    assert "[rival](javascript" not in details


def test_viewers_see_counts_but_no_rows_examples_or_downloads(broken_refresh):
    from pages.ui.auth import Access
    from pages.ui.context import PageContext
    from pages.ui.state import ViewState

    snapshot = snapshot_of(broken_refresh)
    viewer = PageContext(
        load_workspace(broken_refresh),
        snapshot,
        {},
        ViewState(),
        None,
        {},
        access=Access("viewer", "ceo@shop.example", signed_in=True),
    )
    page = AppTest.from_file(str(Path(APP).parent / "pages" / "data-quality.py"))
    page.session_state["_benefitboard_page_context"] = viewer
    page.session_state["data_quality_dataset"] = "responses"
    page.run()
    assert not page.exception, [e.value for e in page.exception]

    assert "examples" not in page.tabs[0].dataframe[0].value.columns
    counts = page.tabs[1].dataframe[0].value
    expected = reason_counts(snapshot.quarantine("responses")).to_pandas()
    assert counts.to_dict("list") == expected.to_dict("list")
    assert not page.get("download_button")
    assert "analysts only" in page.tabs[1].caption[0].value
