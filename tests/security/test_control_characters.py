"""Escape sequences in bad source values never reach the console or the run log (issue 13 h).

A CSV cell can hold ``ESC [2J`` (clear the screen), an OSC-8 hyperlink, a C1 CSI
(U+009B), a bell or a bidi override (U+202E). Messages quote bad values, so before
the fix a refresh printed them to the operator's terminal and stored them in the run
log, whose failures and examples the data-quality page and anyone reading the log show.
Now every control character is spelled out (``\\x1b``) where text is printed or logged.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from benefitboard.__main__ import TerminalProgress, main
from benefitboard.refresh import RefreshReport
from benefitboard.text import printable, printable_lines
from store.runlog import RunLog, dataset_runs, expectation_results, runs
from store.snapshots import DatasetEntry
from tests.files_workspace import answers_workspace

NOW = datetime(2026, 10, 3, 6, 0, tzinfo=UTC)
SCREEN_CLEAR = "\x1b[2J\x1b[H"
OSC8_LINK = "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\"
FORBIDDEN = ("\x1b", "\x9b", "\x07", "\x00", "\u202e")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (SCREEN_CLEAR + "9", "\\x1b[2J\\x1b[H9"),
        (OSC8_LINK, "\\x1b]8;;http://evil.example\\x1b\\click\\x1b]8;;\\x1b\\"),
        ("\x9b31mred", "\\x9b31mred"),
        ("ding\x07", "ding\\x07"),
        ("nul\x00byte", "nul\\x00byte"),
        ("\u202etxt.exe", "\\u202etxt.exe"),
        ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
        ("one\ttwo\nthree\r", "one\\ttwo\\nthree\\r"),
        ("line\u2028separator", "line\\u2028separator"),
        ("\x7fdelete", "\\x7fdelete"),
        ("São Paulo", "São Paulo"),
        ("Zürich — 東京 🙂", "Zürich — 東京 🙂"),
        ("👨\u200d👩\u200d👧 family", "👨\u200d👩\u200d👧 family"),  # the joiner is kept
        ("no\u00a0break", "no\u00a0break"),
        ("", ""),
    ],
)
def test_printable_spells_out_control_characters_and_keeps_the_rest(text, shown):
    assert printable(text) == shown
    assert not any(char in printable(text) for char in FORBIDDEN)


def test_printable_lines_keeps_a_messages_own_line_breaks():
    assert printable_lines("first\n  second \x1b[2J") == "first\n  second \\x1b[2J"


def test_the_summary_spells_out_a_failure_quoting_an_escape_sequence():
    entry = DatasetEntry(
        dataset="responses",
        source="exports",
        status="failed",
        failures=(f"source 'exports', dataset 'responses': bad value {SCREEN_CLEAR}{OSC8_LINK}",),
    )
    summary = RefreshReport(1, "20261003T060000Z", "failed", (entry,), 0.1).summary()
    assert not any(char in summary for char in FORBIDDEN)
    assert "bad value \\x1b[2J\\x1b[H\\x1b]8;;http://evil.example" in summary


def test_the_progress_line_spells_out_control_characters(capsys):
    TerminalProgress(sys.stdout)(0.5, f"exports › responses: {SCREEN_CLEAR}")
    assert capsys.readouterr().out == "[ 50%] exports › responses: \\x1b[2J\\x1b[H\n"


def test_the_run_log_spells_out_control_characters_in_every_text(tmp_path):
    log = RunLog(tmp_path)
    run_id = log.start_run(NOW)
    log.record_dataset(
        run_id,
        source="exports",
        dataset="responses",
        status="failed",
        failures=[f"bad {OSC8_LINK}\x9b"],
    )
    details = {"examples": [{"score": SCREEN_CLEAR + "9", "segment": "web\x07\u202e"}]}
    log.record_expectations(
        run_id,
        "responses",
        [{"expectation": "expect_x", "column": "sc\x1bore", "success": False, "details": details}],
    )
    log.finish_run(run_id, status="failed", snapshot_id=None, message="bad \x1b[2J", seconds=1)
    assert_clean_run_log(tmp_path)
    assert log.datasets_of_run(run_id)[0]["failures"] == [
        "bad \\x1b]8;;http://evil.example\\x1b\\click\\x1b]8;;\\x1b\\\\x9b"
    ]
    log.engine.dispose()


def write_workspace(folder: Path) -> Path:
    """A files workspace whose answers hold a screen clear, an OSC-8 link, a C1 CSI and a bell."""
    lines = ["response_id,survey,score,responded_at"]
    lines += [f"R{i},nps,{i % 11},2026-10-02 {i:02d}:00:00" for i in range(1, 20)]
    lines.append(f'R20,nps,"{SCREEN_CLEAR}9",2026-10-02 20:00:00')
    lines.append(f'R21,"{OSC8_LINK}\x9b31m\u202e\x07",5,2026-10-02 21:00:00')
    return answers_workspace(folder, "Escapes", lines)


def assert_clean_run_log(store: Path) -> None:
    """No control character in any text column of the run log, nor in its decoded JSON."""
    engine = sa.create_engine(f"sqlite:///{store / 'runlog.sqlite'}")
    try:
        with engine.connect() as conn:
            for table in (runs, dataset_runs, expectation_results):
                for row in conn.execute(sa.select(table)):
                    for value in row:
                        if not isinstance(value, str):
                            continue
                        texts = [value]
                        if value.startswith(("[", "{")):
                            texts.append(json.dumps(json.loads(value), ensure_ascii=False))
                        for text in texts:
                            found = [char for char in FORBIDDEN if char in text]
                            assert not found, f"{table.name}: {found} in {text[:300]!r}"
    finally:
        engine.dispose()


def test_a_refresh_of_escape_sequences_prints_and_logs_none(tmp_path, capsys, caplog):
    config = write_workspace(tmp_path)
    with caplog.at_level(logging.DEBUG):
        status = main(["--config", str(config), "refresh"])
    printed = capsys.readouterr()
    assert status == 0, printed
    assert "2 quarantined" in printed.out
    for text in (printed.out, printed.err, caplog.text):
        assert not [char for char in FORBIDDEN if char in text], text
    for record in caplog.records:
        assert not [char for char in FORBIDDEN if char in record.getMessage()]
    assert_clean_run_log(tmp_path / "store")
    examples = json.dumps(RunLog(tmp_path / "store").expectations_of_run(1), ensure_ascii=False)
    assert "score: '\\\\x1b[2J\\\\x1b[H9' is not a number" in examples
