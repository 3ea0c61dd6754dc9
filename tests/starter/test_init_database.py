"""`init --url`: a database's tables inspected through SQLAlchemy and written as a sql source,
on a SQLite file and on the PostgreSQL test server (skipped without it, as tests/connectors)."""

from __future__ import annotations

import contextlib
import io
import tomllib
from pathlib import Path

import sqlalchemy as sa

from benefitboard.__main__ import main
from benefitboard.config import load_workspace
from benefitboard.refresh import refresh_workspace

ORDERS = [
    # order_id, customer_id, ordered_at, amount, region
    ("o1", "c1", "2026-05-01 09:00:00", 20.0, "North"),
    ("o2", "c2", "2026-05-01 10:00:00", 30.0, "South"),
    ("o3", "c1", "2026-05-02 11:00:00", 15.5, "North"),
]
SURVEYS = [
    # id, order_id, csat (1-5), answered_at, remarks
    (1, "o1", 5, "2026-05-02 10:00:00", "good"),
    (2, "o2", 2, "2026-05-02 12:00:00", "late"),
    (3, "o3", 4, "2026-05-03 09:00:00", None),
]


def fill(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "CREATE TABLE orders (order_id TEXT PRIMARY KEY, customer_id TEXT, "
                "ordered_at TEXT, amount REAL, region TEXT)"
            )
        )
        connection.execute(
            sa.text(
                "CREATE TABLE surveys (id INTEGER PRIMARY KEY, order_id TEXT, csat INTEGER, "
                "answered_at TEXT, remarks TEXT)"
            )
        )
        connection.execute(
            sa.text("INSERT INTO orders VALUES (:a, :b, :c, :d, :e)"),
            [dict(zip("abcde", row, strict=True)) for row in ORDERS],
        )
        connection.execute(
            sa.text("INSERT INTO surveys VALUES (:a, :b, :c, :d, :e)"),
            [dict(zip("abcde", row, strict=True)) for row in SURVEYS],
        )
    engine.dispose()


def init_and_refresh(url: str, config: Path) -> dict:
    """Run `init --url ... --no-refresh`, then a real refresh; the parsed config."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["init", "--url", url, "--output", str(config), "--no-refresh"]) == 0
    raw = tomllib.loads(config.read_text(encoding="utf-8"))
    report = refresh_workspace(load_workspace(config))
    assert {e.dataset: (e.status in ("ok", "stale"), e.rows) for e in report.datasets} == {
        "responses": (True, 3),
        "orders": (True, 3),
    }, report.summary()
    return raw


def check_mapping(raw: dict) -> None:
    datasets = raw["sources"]["database"]["datasets"]
    assert raw["sources"]["database"]["kind"] == "sql"
    assert datasets["orders"]["table"] == "orders"
    assert datasets["orders"]["columns"] == {
        "order_id": "order_id",
        "ordered_at": "ordered_at",
        "customer_id": "customer_id",
        "amount": "amount",
    }
    assert datasets["orders"]["segments"] == ["region"]  # North, South, North
    query = datasets["responses"]["query"]
    assert "'csat' AS survey" in query and "t.csat AS score" in query
    assert "LEFT JOIN orders j1 ON j1.order_id = t.order_id" in query  # the answer's customer
    assert raw["workspace"]["csat_scale"] == [1, 5]  # 2, 4 and 5 seen, all within 1–5


def test_init_on_a_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'shop.sqlite'}"
    fill(url)
    raw = init_and_refresh(url, tmp_path / "ws" / "benefitboard.toml")
    check_mapping(raw)
    assert raw["sources"]["database"]["url"] == url


def test_init_on_postgresql(pg_database: str, tmp_path):
    fill(pg_database)
    raw = init_and_refresh(pg_database, tmp_path / "benefitboard.toml")
    check_mapping(raw)
    source = raw["sources"]["database"]
    if sa.engine.make_url(pg_database).password:  # never written: a connection instead
        assert "url" not in source and source["connection"] == "database"
        text = (tmp_path / "benefitboard.toml").read_text(encoding="utf-8")
        assert sa.engine.make_url(pg_database).password not in text


def test_a_database_that_does_not_answer_is_named(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "shop.sqlite"
    url = f"sqlite:///{missing}"
    assert main(["init", "--url", url, "--output", str(tmp_path / "b.toml")]) == 2
    assert str(missing) in capsys.readouterr().err
    assert not (tmp_path / "b.toml").exists()
