"""Dates before 1900 ('0001-01-01', year 0, a negative year) are quarantined, never a crash.

One such value used to abort the whole refresh with a traceback that named no dataset,
file or row: it parsed, passed validation, and broke the day buckets (Python's dates end at
year 1). Now the connector marks it like any unreadable value, so validation quarantines
that row and the rest of the dataset refreshes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from benefitboard.config import DatasetMapping, SourceConfig
from benefitboard.refresh import refresh_workspace
from canonical.datasets import PARSE_ERROR, SOURCE_ROW
from connectors.read import read_dataset
from store.snapshots import current_snapshot

NOW = datetime(2026, 10, 3, 6, 0, tzinfo=UTC)
ANCIENT = ["0001-01-01 00:00:00", "0000-01-01 00:00:00", "-0005-03-01 00:00:00"]


def write_answers(folder: Path, stamps: list[str]) -> None:
    lines = ["response_id,survey,score,responded_at"]
    lines += [f"R{i},nps,{i % 11},{stamp}" for i, stamp in enumerate(stamps, start=1)]
    (folder / "answers.csv").write_text("\n".join(lines) + "\n")


def test_the_connector_marks_dates_before_1900_and_keeps_1900(tmp_path):
    write_answers(tmp_path, ["1899-12-31 23:59:59", "1900-01-01 00:00:00", *ANCIENT])
    mapping = DatasetMapping(dataset="responses", columns={}, path="answers.csv")
    source = SourceConfig(
        name="exports", kind="files", base_dir=tmp_path, datasets={"responses": mapping}
    )
    frame = read_dataset(source, "responses").collect()
    assert frame["responded_at"].to_list() == [None, datetime(1900, 1, 1, tzinfo=UTC)] + [None] * 3
    errors = dict(zip(frame[SOURCE_ROW], frame[PARSE_ERROR], strict=True))
    assert errors[1] == "responded_at: '1899-12-31 23:59:59' is before 1900-01-01, not a real date"
    assert errors[2] is None
    assert errors[3] == "responded_at: '0001-01-01 00:00:00' is before 1900-01-01, not a real date"
    assert errors[5] == "responded_at: '-0005-03-01 00:00:00' is before 1900-01-01, not a real date"
    assert errors[4] is not None and "responded_at: '0000-01-01 00:00:00'" in errors[4]


def test_a_refresh_quarantines_the_ancient_rows_and_publishes_the_rest(tmp_path):
    good = [f"2026-10-02 {hour:02d}:00:00" for hour in range(20)]
    write_answers(tmp_path, [*good[:10], *ANCIENT, *good[10:]])
    config = tmp_path / "benefitboard.toml"
    config.write_text(
        '[workspace]\nname = "Ancient"\n\n[sources.exports]\nkind = "files"\n\n'
        '[sources.exports.datasets.responses]\npath = "answers.csv"\n'
    )
    report = refresh_workspace(config, now=NOW)
    assert report.status == "ok", report.summary()
    snapshot = current_snapshot(tmp_path / "store")
    entry = snapshot.datasets["responses"]
    assert (entry.rows, entry.quarantined) == (20, 3)
    quarantined = snapshot.quarantine("responses").collect().sort(SOURCE_ROW)
    assert quarantined[SOURCE_ROW].to_list() == [11, 12, 13]  # the file's rows, as a person counts
    assert all("before 1900-01-01" in r or "0000-01-01" in r for r in quarantined["_reasons"])
    kept = snapshot.frames()["responses"].collect()
    assert kept.height == 20 and kept["responded_at"].min() == datetime(2026, 10, 2, tzinfo=UTC)
