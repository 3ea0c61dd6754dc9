"""A bad row's personal data stays masked on every surface an analyst can download.

One row of a files workspace is quarantined because its survey is an e-mail address,
and its comment holds an address and a phone number. After a real refresh, neither
appears in the quarantined-rows CSV, the run log (expectation examples included, which
the checks CSV shows), the Data Docs zip or the console summary; the masks do, so the
surfaces still say that something was there. The stored quarantine keeps the row as it
came, for a fix at the source.
"""

from __future__ import annotations

import io
import sqlite3
import zipfile

import pytest

from benefitboard.config import load_workspace
from benefitboard.refresh import refresh_workspace
from store.snapshots import current_snapshot
from tests.files_workspace import answers_workspace
from validation.quarantine import quarantine_csv

ADDRESS = "jane.doe@example.com"
PHONE = "+44 20 7946 0958"
PERSONAL = (ADDRESS, "jane.doe", "7946 0958")


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("personal")
    lines = ["response_id,survey,score,responded_at,comment"]
    lines += [f"R{i},nps,{i % 11},2026-10-{1 + i % 28:02d} 10:00:00,fine" for i in range(1, 40)]
    lines.append(f'R99,{ADDRESS},5,2026-10-02 10:00:00,"Mail {ADDRESS} or call {PHONE}"')
    config = answers_workspace(folder, "Personal", lines)
    report = refresh_workspace(config)
    store = load_workspace(config).store_dir
    return report, store, current_snapshot(store)


def assert_masked(text: str, where: str) -> None:
    found = [value for value in PERSONAL if value in text]
    assert not found, f"{where} shows {found}"


def test_the_row_is_quarantined_and_kept_as_it_came(refreshed):
    _, _, snapshot = refreshed
    stored = snapshot.quarantine("responses").collect()
    assert stored["response_id"].to_list() == ["R99"]
    assert stored["comment"].to_list() == [f"Mail {ADDRESS} or call {PHONE}"]


def test_the_quarantine_csv_masks_the_comment_and_the_value(refreshed):
    _, _, snapshot = refreshed
    text = quarantine_csv(snapshot.quarantine("responses")).decode()
    assert_masked(text, "the quarantine CSV")
    assert "Mail [email] or call [phone]" in text
    assert "[email]" in text.split("Mail")[0]  # the survey value and the reason too


def test_the_run_log_masks_the_expectation_examples(refreshed):
    _, store, _ = refreshed
    with sqlite3.connect(store / "runlog.sqlite") as connection:
        tables = [row[0] for row in connection.execute("select name from sqlite_master")]
        texts = [
            str(value)
            for table in tables
            if not table.startswith("sqlite_")
            for row in connection.execute(f'select * from "{table}"')
            for value in row
        ]
    everything = "\n".join(texts)
    assert_masked(everything, "the run log")
    assert "[email]" in everything  # the examples are there, masked


def test_the_data_docs_mask_the_unexpected_values(refreshed):
    _, _, snapshot = refreshed
    with zipfile.ZipFile(io.BytesIO(snapshot.data_docs_zip())) as docs:
        pages = [docs.read(name).decode("utf-8", "replace") for name in docs.namelist()]
    html = "\n".join(pages)
    assert_masked(html, "the Data Docs")
    assert "[email]" in html


def test_the_console_summary_shows_no_personal_data(refreshed):
    report, _, _ = refreshed
    assert_masked(report.summary(), "the refresh summary")


def test_the_manifest_holds_no_personal_data(refreshed):
    _, _, snapshot = refreshed
    assert_masked((snapshot.path / "manifest.json").read_text(), "manifest.json")
