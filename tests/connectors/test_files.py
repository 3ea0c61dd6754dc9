"""The files connector on real files: CSV dialects, encodings, Parquet, globs, broken files."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from benefitboard.config import DatasetMapping, SourceConfig
from canonical.datasets import PARSE_ERROR, SOURCE_ROW
from connectors.errors import SourceError
from connectors.files import SOURCE_FILE
from connectors.read import read_dataset

HEADER = "feedback_id,created_at,theme,source,customer,text"
ROWS = [
    "F1,2026-05-01 09:00:00,referrals,support,C1,Please add a referral bonus",
    'F2,2026-05-02T10:30:00Z,dark mode,survey,C2,"Dark mode, please; my eyes"',
]


def files_source(tmp_path: Path, path: str, **overrides) -> SourceConfig:
    mapping = DatasetMapping(
        dataset="feedback", columns={"customer_id": "customer"}, path=path, **overrides
    )
    return SourceConfig(
        name="exports", kind="files", base_dir=tmp_path, datasets={"feedback": mapping}
    )


def read(tmp_path: Path, path: str, **overrides) -> pl.DataFrame:
    return read_dataset(files_source(tmp_path, path, **overrides), "feedback").collect()


def test_csv_with_utf8_byte_order_mark(tmp_path):
    (tmp_path / "fb.csv").write_bytes(("\ufeff" + "\n".join([HEADER, *ROWS]) + "\n").encode())
    frame = read(tmp_path, "fb.csv")
    assert frame["feedback_id"].to_list() == ["F1", "F2"]  # the BOM is not part of the header
    assert frame["customer_id"].to_list() == ["C1", "C2"]
    assert frame["created_at"].to_list() == [
        datetime(2026, 5, 1, 9, 0, tzinfo=UTC),
        datetime(2026, 5, 2, 10, 30, tzinfo=UTC),
    ]
    assert frame["text"][1] == "Dark mode, please; my eyes"
    assert frame[SOURCE_ROW].to_list() == [1, 2]
    assert frame[SOURCE_FILE].to_list() == ["fb.csv", "fb.csv"]


def test_semicolon_delimited_csv_is_sniffed(tmp_path):
    lines = [HEADER.replace(",", ";"), "F1;2026-05-01;referrals;support;C1;ok, thanks"]
    (tmp_path / "fb.csv").write_text("\n".join(lines) + "\n")
    frame = read(tmp_path, "fb.csv")
    assert frame["theme"].to_list() == ["referrals"]
    assert frame["text"].to_list() == ["ok, thanks"]
    assert frame["created_at"].to_list() == [datetime(2026, 5, 1, tzinfo=UTC)]


def test_parquet_with_native_types(tmp_path):
    pl.DataFrame(
        {
            "feedback_id": [7, 8],
            "created_at": [datetime(2026, 5, 1, 12), datetime(2026, 5, 3, 1)],
            "theme": ["referrals", "gift cards"],
            "source": ["sales", "product"],
            "customer": ["C9", None],
            "account_value": [1200, 80],
        }
    ).write_parquet(tmp_path / "fb.parquet")
    source = files_source(tmp_path, "fb.parquet")
    source = SourceConfig(**{**source.__dict__, "timezone": "Europe/Berlin"})
    frame = read_dataset(source, "feedback").collect()
    assert frame["feedback_id"].to_list() == ["7", "8"]
    # Naive 12:00 in Berlin in May (UTC+2) is 10:00 UTC.
    assert frame["created_at"][0] == datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
    assert frame["account_value"].to_list() == [1200.0, 80.0]
    assert frame[PARSE_ERROR].null_count() == 2


def test_a_glob_reads_every_file_in_order_and_numbers_rows_per_file(tmp_path):
    (tmp_path / "2026-04.csv").write_text(HEADER + "\n" + ROWS[0] + "\n")
    (tmp_path / "2026-05.csv").write_text(HEADER + "\n" + ROWS[1] + "\n")
    frame = read(tmp_path, "*.csv")
    assert frame[SOURCE_FILE].to_list() == ["2026-04.csv", "2026-05.csv"]
    assert frame[SOURCE_ROW].to_list() == [1, 1]


def test_latin1_text_is_an_error_that_says_what_to_set_and_the_setting_works(tmp_path):
    text = "\n".join([HEADER, "F1,2026-05-01,referrals,support,C1,Très bien"]) + "\n"
    (tmp_path / "fb.csv").write_bytes(text.encode("latin-1"))
    with pytest.raises(SourceError) as caught:
        read(tmp_path, "fb.csv")
    assert "fb.csv is not valid utf-8 text" in str(caught.value)
    assert "line 2" in str(caught.value)
    assert 'encoding = "latin-1"' in str(caught.value)
    assert read(tmp_path, "fb.csv", encoding="latin-1")["text"].to_list() == ["Très bien"]


def test_unparsable_dates_are_marked_not_dropped(tmp_path):
    rows = [HEADER, "F1,01/05/2026,referrals,support,C1,x", "F2,2026-05-02,referrals,support,C2,y"]
    (tmp_path / "fb.csv").write_text("\n".join(rows) + "\n")
    frame = read(tmp_path, "fb.csv")
    assert frame.height == 2
    assert frame[PARSE_ERROR].to_list() == ["created_at: '01/05/2026' is not a timestamp", None]


def test_declared_timestamp_format_reads_day_first_dates(tmp_path):
    rows = [HEADER, "F1,01/05/2026 14:00,referrals,support,C1,x"]
    (tmp_path / "fb.csv").write_text("\n".join(rows) + "\n")
    frame = read(tmp_path, "fb.csv", timestamp_format="%d/%m/%Y %H:%M")
    assert frame["created_at"].to_list() == [datetime(2026, 5, 1, 14, 0, tzinfo=UTC)]


def test_empty_file_header_only_and_missing_files(tmp_path):
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(SourceError, match="empty.csv is empty"):
        read(tmp_path, "empty.csv")
    (tmp_path / "header.csv").write_text(HEADER + "\n")
    assert read(tmp_path, "header.csv").height == 0  # validation calls an empty dataset a failure
    with pytest.raises(SourceError, match="no file matches 'nope/\\*.csv'"):
        read(tmp_path, "nope/*.csv")


def test_truncated_parquet_is_a_clear_error(tmp_path):
    good = tmp_path / "good.parquet"
    pl.DataFrame({"feedback_id": ["F1"] * 1000, "theme": ["x"] * 1000}).write_parquet(good)
    (tmp_path / "cut.parquet").write_bytes(good.read_bytes()[:300])
    with pytest.raises(SourceError, match="cut.parquet is not a readable Parquet file"):
        read(tmp_path, "cut.parquet")


def test_a_renamed_required_column_is_named(tmp_path):
    (tmp_path / "fb.csv").write_text(HEADER.replace("theme", "topic") + "\n" + ROWS[0] + "\n")
    with pytest.raises(SourceError) as caught:
        read(tmp_path, "fb.csv")
    assert caught.value.column == "theme"
    assert (caught.value.source, caught.value.dataset) == ("exports", "feedback")


def test_dates_dataset_from_csv(tmp_path):
    (tmp_path / "events.csv").write_text(
        "date,title,kind\n2026-05-01,Faster refunds,release\n2026-05-02T08:00:00,Outage,incident\n"
    )
    mapping = DatasetMapping(dataset="events", columns={}, path="events.csv")
    source = SourceConfig(name="x", kind="files", base_dir=tmp_path, datasets={"events": mapping})
    frame = read_dataset(source, "events").collect()
    assert frame["date"].to_list() == [date(2026, 5, 1), date(2026, 5, 2)]


def test_a_wall_clock_time_skipped_by_daylight_saving_is_named_as_such(tmp_path):
    rows = [
        HEADER,
        "F1,2026-03-29 02:30:00,referrals,support,C1,x",
        "F2,2026-03-29 03:30:00,a,b,C2,y",
    ]
    (tmp_path / "fb.csv").write_text("\n".join(rows) + "\n")
    source = files_source(tmp_path, "fb.csv")
    source = SourceConfig(**{**source.__dict__, "timezone": "Europe/Berlin"})
    frame = read_dataset(source, "feedback").collect()
    assert frame[PARSE_ERROR].to_list() == [
        "created_at: '2026-03-29 02:30:00' does not exist in Europe/Berlin (clocks go forward then)",
        None,
    ]
    # 03:30 CEST (UTC+2) is 01:30 UTC.
    assert frame["created_at"][1] == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
