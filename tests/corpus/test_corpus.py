"""The bad-input corpus: each real kind of breakage, read and validated, with its exact outcome.

Every case goes through the real connector (``read_dataset``) and the real
validation (``validate_dataset``, with the demo workspace's extra
expectation), and ends in one of two ways (tests/corpus/README.md lists them):
- refused: a SourceError naming the source, the dataset and, where the
  connector can tell, the column and the rows; the refresh then keeps the
  dataset's last good data (tests/benefitboard/test_refresh_failures.py);
- read: the bad rows are quarantined with their exact reasons and source row
  numbers, and every other row arrives, with its values. A case whose rows
  mostly fail says so as a dataset failure instead of publishing the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa

from benefitboard.config import DatasetMapping, SourceConfig
from canonical.datasets import SOURCE_ROW
from connectors.errors import SourceError
from connectors.read import read_dataset
from validation.contracts import build_contracts
from validation.runner import REASONS, validate_dataset

FILES = Path(__file__).parent / "files"
NOW = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
CONTRACTS = build_contracts(
    extra_expectations=[  # as in workspaces/demo/benefitboard.toml
        {
            "dataset": "responses",
            "expectation": "ExpectColumnValueLengthsToBeBetween",
            "column": "comment",
            "max_value": 5000,
        }
    ]
)
COLUMNS = {  # the exports' own column names, as a workspace would map them
    "responses": {"response_id": "id", "survey": "survey_type", "responded_at": "submitted_at"},
    "orders": {"order_id": "id"},
    "contacts": {"contact_id": "id", "contact_reason": "reason"},
    "selection": {},
}
SEGMENTS = {"selection": ("category",)}
KEYS = {"responses": "response_id", "orders": "order_id", "contacts": "contact_id"}

NPS = "score: not between 0 and 10 for survey nps"
CSAT = "score: not between 1 and 5 for survey csat"
CES = "score: not between 1 and 7 for survey ces"
FOUR_GOOD = ("r1", "r2", "r3", "r4")


@dataclass(frozen=True)
class Read:
    """The file is read: these rows are quarantined, these arrive."""

    quarantined: Mapping[int, str]
    """source row -> its _reasons"""
    valid: tuple[str, ...]
    """keys of the rows that arrive, in source order"""
    values: Mapping[str, list[Any]] = field(default_factory=dict)
    """columns of the arriving rows, where the value itself is the point"""
    failure: str | None = None
    """a dataset-level failure: then the refresh keeps the last good data instead"""


@dataclass(frozen=True)
class Refused:
    """The connector refuses the source with a SourceError."""

    says: str
    column: str | None = None
    rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class Case:
    file: str
    outcome: Read | Refused
    dataset: str = "responses"
    mapping: Mapping[str, Any] = field(default_factory=dict)
    timezone: str = "UTC"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


CASES = [
    Case(
        "semicolon_delimiter.csv",
        Read({}, FOUR_GOOD, {"comment": ["Fast, friendly delivery", None, "ok", None]}),
    ),
    Case(
        # Declared wrong: the header is one field, and the first comma in a comment splits row 1.
        "semicolon_delimiter.csv",
        Refused(
            "data row 1 has 2 fields, the header has 1 — quote values that contain the delimiter "
            "or a line break, or set `delimiter` in the workspace config",
            rows=(1,),
        ),
        mapping={"delimiter": ","},
    ),
    Case("utf8_bom.csv", Read({}, FOUR_GOOD, {"customer_id": ["C1", "C2", "C3", "C4"]})),
    Case(
        "windows_line_endings.csv",
        Read({}, FOUR_GOOD, {"comment": ["Fast delivery", None, "ok", None]}),
    ),
    Case(
        "latin1.csv",
        Refused(
            'latin1.csv is not valid utf-8 text (byte 88, line 2) — set `encoding = "latin-1"`'
        ),
    ),
    Case(
        "latin1.csv",
        Read({}, ("r1", "r2", "r3"), {"comment": ["Très bien", "Lieferung zu spät", "Señor ok"]}),
        mapping={"encoding": "latin-1"},
    ),
    Case("empty.csv", Refused("empty.csv is empty (no header, no rows)")),
    Case("header_only.csv", Read({}, (), failure="no rows arrived")),
    Case(
        "duplicate_ids.csv",
        Read(
            {2: "response_id: duplicated", 5: "response_id: duplicated"}, ("r1", "r3", "r4", "r5")
        ),
    ),
    Case("scores_out_of_range.csv", Read({5: NPS, 6: NPS, 7: CSAT, 8: CES}, FOUR_GOOD)),
    Case(
        "fractional_score.csv",
        Read({5: "score: not a whole number"}, (*FOUR_GOOD, "r6"), {"score": [9, 6, 4, 7, 7]}),
    ),
    Case(
        "text_in_score.csv",
        Read(
            {
                5: "unreadable: score: 'nine' is not a number; score: missing",
                6: "unreadable: score: 'n/a' is not a number; score: missing",
                7: "score: missing",
            },
            FOUR_GOOD,
        ),
    ),
    Case(
        "decimal_comma.csv",
        Read({2: "unreadable: score: '4,0' is not a number; score: missing"}, ("r1", "r3")),
    ),
    Case(
        "future_dates.csv",
        Read({5: "responded_at: in the future", 6: "responded_at: in the future"}, FOUR_GOOD),
    ),
    Case(
        "mixed_date_formats.csv",
        Read(
            {
                row: f"unreadable: responded_at: '{raw}' is not a timestamp; responded_at: missing"
                for row, raw in ((3, "31/10/2026 10:30"), (4, "10/31/2026"), (6, "Oct 31, 2026"))
            },
            ("r1", "r2", "r5"),
            {"responded_at": [utc(2026, 10, 31, 8), utc(2026, 10, 31, 9, 15), utc(2026, 10, 31)]},
        ),
    ),
    Case(
        "excel_serial_dates.csv",
        Read(
            {5: "unreadable: responded_at: '46326.375' is not a timestamp; responded_at: missing"},
            FOUR_GOOD,
        ),
    ),
    Case(
        "no_time_zone.csv",
        Read(
            {
                4: "unreadable: responded_at: '2026-03-29 02:30:00' does not exist in "
                "Europe/Berlin (clocks go forward then); responded_at: missing"
            },
            ("r1", "r2", "r3"),
            # Naive times are read in the source's zone: 10:00 Berlin is 09:00 UTC in winter,
            # 08:00 UTC in summer; a value with an offset keeps its own.
            {"responded_at": [utc(2026, 10, 31, 9), utc(2026, 10, 24, 8), utc(2026, 10, 31, 10)]},
        ),
        timezone="Europe/Berlin",
    ),
    Case(
        "column_renamed.csv",
        Refused(
            "column 'score' not found; the source has ['id', 'survey_type', 'rating',",
            column="score",
        ),
    ),
    Case(
        "column_missing.csv",
        Refused(
            "column 'submitted_at' (mapped from canonical 'responded_at') not found",
            column="submitted_at",
        ),
    ),
    Case(
        "nulls_in_required.csv",
        Read(
            {5: "response_id: missing", 6: "survey: missing", 7: "responded_at: missing"},
            FOUR_GOOD,
        ),
    ),
    Case(
        "unknown_survey.csv",
        Read(
            {5: "survey: not one of nps, csat, ces", 6: "survey: not one of nps, csat, ces"},
            FOUR_GOOD,
        ),
    ),
    Case(
        "ragged_rows.csv",
        Refused("data row 3 has 8 fields, the header has 6", rows=(3,)),
    ),
    Case(
        "unbalanced_quotes.csv",
        Refused("data row 3 cannot be read (unexpected end of data); is a quote open?", rows=(3,)),
    ),
    Case(
        "scale_0_100.csv",
        Read(
            {row: NPS for row in (1, 2, 3, 5)},
            ("r4",),
            failure="only 20% of rows (1 of 5) passed the row checks (at least 50% expected); "
            f"most common reasons: {NPS} (4). A changed source (scale, codes, mapping) is more "
            "likely than bad rows",
        ),
    ),
    Case(
        "orders_negative_amounts.csv",
        Read({2: "amount: below 0", 4: "shipping_cost: below 0"}, ("o1", "o3")),
        dataset="orders",
    ),
    Case(
        "orders_delivered_before_ordered.csv",
        Read({2: "delivered_at: before ordered_at"}, ("o1", "o3")),
        dataset="orders",
    ),
    Case(
        "contacts_impossible_values.csv",
        Read(
            {
                2: "closed_at: before opened_at",
                3: "handle_seconds: not between 0 and 86400 (86400 excluded)",
                4: "csat_score: not between 1 and 5",
            },
            ("k1", "k5", "k6", "k7"),
        ),
        dataset="contacts",
    ),
    Case(
        "selection_stock_above_offered.csv",
        Read(
            {2: "skus_in_stock: more than skus_offered", 3: "skus_in_stock: below 0"},
            ("2026-10-30 shoes", "2026-10-31 books"),
        ),
        dataset="selection",
    ),
    Case(
        "huge_comment.csv",
        Read(
            {
                3: "comment: failed ExpectColumnValueLengthsToBeBetween(max_value=5000) "
                "[expectations[0]]"
            },
            ("r1", "r2", "r4"),
        ),
    ),
    Case(
        "truncated.parquet",
        Refused("truncated.parquet is not a readable Parquet file"),
    ),
]


# ---- files made by the test: binary or large, so not committed -----------------------------


def huge_comment(path: Path) -> None:
    """A survey tool that pasted a whole e-mail thread (20,000 characters) into a comment."""
    lines = ["id,survey_type,score,submitted_at,customer_id,comment"]
    lines += [f"r{i},nps,9,2026-10-31 0{i}:00:00,C{i},fine" for i in (1, 2)]
    lines += [f'r3,nps,2,2026-10-31 03:00:00,C3,"{"Re: Re: Fwd: order late. " * 800}"']
    lines += ["r4,csat,5,2026-10-31 04:00:00,C4,"]
    path.write_text("\n".join(lines) + "\n")


def truncated_parquet(path: Path) -> None:
    """An export cut off mid-write: the first two thirds of a valid Parquet file."""
    frame = pl.DataFrame(
        {
            "id": [f"r{i}" for i in range(1, 201)],
            "survey_type": ["nps"] * 200,
            "score": [i % 11 for i in range(200)],
            "submitted_at": [datetime(2026, 10, 31, i % 24) for i in range(200)],
        }
    )
    frame.write_parquet(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])


GENERATED: dict[str, Callable[[Path], None]] = {
    "huge_comment.csv": huge_comment,
    "truncated.parquet": truncated_parquet,
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for name, make in GENERATED.items():
        make(folder / name)
    return folder


def files_source(path: Path, case: Case) -> SourceConfig:
    mapping = DatasetMapping(
        case.dataset,
        COLUMNS[case.dataset],
        segments=SEGMENTS.get(case.dataset, ()),
        path=str(path),
        **case.mapping,
    )
    return SourceConfig(
        "exports", "files", path.parent, {case.dataset: mapping}, timezone=case.timezone
    )


def case_id(case: Case) -> str:
    extra = ",".join(f"{k}={v}" for k, v in case.mapping.items())
    return case.file + (f"[{extra}]" if extra else "")


def test_the_corpus_has_every_committed_file_and_at_least_25_cases():
    committed = {p.name for p in FILES.iterdir()}
    assert committed | set(GENERATED) == {c.file for c in CASES}
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_corpus_file(case: Case, generated: Path):
    path = (generated if case.file in GENERATED else FILES) / case.file
    source = files_source(path, case)
    outcome = case.outcome
    if isinstance(outcome, Refused):
        with pytest.raises(SourceError) as caught:
            read_dataset(source, case.dataset).collect()
        error = caught.value
        assert (error.source, error.dataset) == ("exports", case.dataset)
        assert (error.column, error.rows) == (outcome.column, outcome.rows)
        assert outcome.says in str(error)
        return
    frame = read_dataset(source, case.dataset).collect()
    result = validate_dataset(
        case.dataset, frame, CONTRACTS[case.dataset], source="exports", now=NOW
    )
    assert_read(result, case.dataset, outcome)


def assert_read(result, dataset: str, outcome: Read) -> None:
    quarantine = result.quarantine
    assert (
        dict(zip(quarantine[SOURCE_ROW], quarantine[REASONS], strict=True)) == outcome.quarantined
    )
    assert row_keys(result.valid, dataset) == list(outcome.valid)
    for column, values in outcome.values.items():
        assert result.valid[column].to_list() == values, column
    where = f"source 'exports', dataset {dataset!r}: "
    if outcome.failure is None:
        assert result.dataset_failures == []
    else:
        assert result.dataset_failures[0] == where + outcome.failure


def row_keys(valid: pl.DataFrame, dataset: str) -> list[str]:
    if dataset in KEYS:
        return valid[KEYS[dataset]].to_list()
    return [f"{d} {c}" for d, c in zip(valid["date"], valid["category"], strict=True)]


# ---- SQL sources: SQLite everywhere, PostgreSQL on the test server --------------------------

SQL_ROWS = [  # id, survey_type, score, submitted_at
    (1, "nps", 9, "2026-10-31 08:00:00"),
    (2, "nps", "ten", "2026-10-31 09:00:00"),  # text in an INTEGER column (SQLite allows it)
    (3, None, 4, "2026-10-31 10:00:00"),  # NULL in a required column
    (4, "csat", 5, None),
    (5, "ces", 6, "2026-10-31 12:00:00"),
    (6, "csat", 4, "2026-10-31 13:00:00"),
]


def sql_source(url: str, table: str = "survey_responses") -> SourceConfig:
    mapping = DatasetMapping("responses", COLUMNS["responses"], table=table)
    return SourceConfig("warehouse", "sql", Path("."), {"responses": mapping}, url=url)


def make_table(url: str, rows: list[tuple], score_type: str = "INTEGER") -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                f"CREATE TABLE survey_responses (id INTEGER PRIMARY KEY, survey_type TEXT, "
                f"score {score_type}, submitted_at TEXT)"
            )
        )
        connection.execute(
            sa.text("INSERT INTO survey_responses VALUES (:i, :s, :v, :t)"),
            [dict(zip("isvt", r, strict=True)) for r in rows],
        )
    engine.dispose()


SQL_QUARANTINE = {
    2: "unreadable: score: 'ten' is not a number; score: missing",
    3: "survey: missing",
    4: "responded_at: missing",
}


def test_sqlite_text_in_an_integer_column_and_nulls_in_required_columns(tmp_path):
    url = f"sqlite:///{tmp_path / 'shop.sqlite'}"
    make_table(url, SQL_ROWS)
    frame = read_dataset(sql_source(url), "responses").collect()
    result = validate_dataset("responses", frame, CONTRACTS["responses"], source="w", now=NOW)
    assert_read(result, "responses", Read(SQL_QUARANTINE, ("1", "5", "6")))


def test_sqlite_table_that_does_not_exist(tmp_path):
    url = f"sqlite:///{tmp_path / 'shop.sqlite'}"
    make_table(url, SQL_ROWS[:1])
    with pytest.raises(SourceError) as caught:
        read_dataset(sql_source(url, "survey_answers"), "responses")
    assert (caught.value.source, caught.value.dataset) == ("warehouse", "responses")
    assert f"table 'survey_answers' does not exist in {url}" in str(caught.value)


def test_postgresql_text_scores_and_nulls_in_required_columns(pg_database):
    rows = [(i, s, None if v is None else str(v), t) for i, s, v, t in SQL_ROWS]
    make_table(pg_database, rows, score_type="TEXT")  # a loosely typed staging table
    frame = read_dataset(sql_source(pg_database), "responses").collect()
    result = validate_dataset("responses", frame, CONTRACTS["responses"], source="w", now=NOW)
    assert_read(result, "responses", Read(SQL_QUARANTINE, ("1", "5", "6")))


def test_postgresql_table_that_does_not_exist(pg_database):
    with pytest.raises(SourceError) as caught:
        read_dataset(sql_source(pg_database, "analytics.survey_answers"), "responses")
    assert (caught.value.source, caught.value.dataset) == ("warehouse", "responses")
    assert "table 'analytics.survey_answers' does not exist in postgresql+psycopg://" in str(
        caught.value
    )


def test_postgresql_refusing_the_connection(pg_database):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    closed = sa.engine.make_url(pg_database).set(port=port).render_as_string(hide_password=False)
    with pytest.raises(SourceError) as caught:
        read_dataset(sql_source(closed), "responses").collect()
    assert (caught.value.source, caught.value.dataset) == ("warehouse", "responses")
    message = str(caught.value)
    assert f"cannot read from postgresql+psycopg://postgres@127.0.0.1:{port}/" in message
    assert "Connection refused" in message
    assert "check that the database is running and the credentials are right" in message
