"""`python -m benefitboard init` on a folder of CSV, Parquet and Excel files: the written config
loads and refreshes, and the KPIs it prints are exactly those the files can feed."""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from benefitboard.__main__ import main
from benefitboard.config import load_workspace
from benefitboard.refresh import refresh_workspace

ANSWERS_CSV = """Response ID,Submitted At,How likely to recommend (0-10),Comment,Plan
a1,2026-05-01T10:00:00+02:00,10,Great service,basic
a2,2026-05-01T11:00:00+02:00,9,,pro
a3,2026-05-02T09:00:00+02:00,6,Slow delivery,basic
a4,2026-05-02T10:30:00+02:00,0,Never again,pro
a5,2026-05-03T08:00:00+02:00,8,,basic
a6,2026-05-03T12:00:00+02:00,10,Love it,basic
"""

# What these files can feed, worked out by hand from the catalogue (docs/KPIS.md):
# answers.csv: NPS answers (0–10, a 0 seen)     -> nps
# orders.parquet: ordered, promised, delivered  -> delivery_p50_hours, delivery_p90_hours,
#                                                  on_time_rate (no shipping cost column)
#   and, computed from the orders: revenue per day, customers' first orders -> revenue,
#   new_customers (no spend, visitors or MRR: not cac, conversion, mrr…)
# prices.xlsx: our price and a reference price  -> price_index
SHOWN = [
    "nps",
    "delivery_p50_hours",
    "delivery_p90_hours",
    "on_time_rate",
    "price_index",
    "new_customers",
    "revenue",
]


def may(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 5, day, hour)


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("init") / "exports"
    folder.mkdir()
    (folder / "answers.csv").write_text(ANSWERS_CSV, encoding="utf-8")
    pl.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4"],
            "customer": ["c1", "c2", "c1", "c3"],
            "placed_at": [may(1, 9), may(1, 12), may(2, 8), may(3, 15)],
            "total": [20.0, 35.5, 12.25, 50.0],
            "promised_date": [may(4), may(4), may(5), may(6)],
            "delivered_at": [may(3, 10), may(5, 10), None, may(5, 9)],
            "region": ["North", "South", "North", "North"],
        }
    ).write_parquet(folder / "orders.parquet")
    pl.DataFrame(
        {
            "date": [date(2026, 5, 1), date(2026, 5, 1), date(2026, 5, 2)],
            "item": ["kettle", "toaster", "kettle"],
            "our_price": [20.0, 30.0, 21.0],
            "reference_price": [25.0, 30.0, 20.0],
        }
    ).write_excel(folder / "prices.xlsx")
    return folder


@pytest.fixture(scope="module")
def initialised(exports: Path, tmp_path_factory: pytest.TempPathFactory):
    """(config path, printed summary) of one `init` run with its dry refresh."""
    import contextlib
    import io

    config = exports.parent / "benefitboard.toml"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
        code = main(["init", str(exports), "--output", str(config)])
    assert code == 0, printed.getvalue()
    return config, printed.getvalue()


def test_init_prints_exactly_the_kpis_the_files_support(initialised):
    _, printed = initialised
    shown = next(line for line in printed.splitlines() if "the dashboard will show" in line)
    assert shown == f"the dashboard will show {len(SHOWN)} KPIs: {', '.join(SHOWN)}"
    assert "  csat: CSAT answers in responses" in printed
    assert "  shipping_cost_per_order: the shipping_cost column of orders" in printed


def test_the_written_config_maps_each_file_and_refreshes(initialised, exports):
    config, _ = initialised
    raw = tomllib.loads(config.read_text(encoding="utf-8"))
    datasets = raw["sources"]["files"]["datasets"]
    assert sorted(datasets) == ["acquisition", "orders", "prices", "responses", "revenue"]
    assert datasets["orders"]["path"] == "exports/orders.parquet"
    assert datasets["orders"]["columns"] == {
        "order_id": "order_id",
        "ordered_at": "placed_at",
        "customer_id": "customer",
        "amount": "total",
        "promised_at": "promised_date",
        "delivered_at": "delivered_at",
    }
    assert datasets["orders"]["segments"] == ["region"]
    assert datasets["prices"]["path"] == "exports/prices.xlsx"
    assert "'nps' AS survey" in datasets["responses"]["query"]
    assert datasets["responses"]["segments"] == ["Plan"]
    assert raw["workspace"]["timezone"] == "UTC"  # asked, never guessed
    assert "TIME ZONE, please confirm" in config.read_text(encoding="utf-8")

    workspace = load_workspace(config)
    report = refresh_workspace(workspace, progress=None)
    # The May 2026 rows are old, so "stale" (published with a banner), never failed.
    assert {e.dataset: (e.status, e.rows, e.quarantined) for e in report.datasets} == {
        "responses": ("stale", 6, 0),
        "orders": ("stale", 4, 0),
        "prices": ("stale", 3, 0),
        "acquisition": ("stale", 2, 0),  # c1 and c2 first order on May 1, c3 on May 3
        "revenue": ("stale", 4, 0),  # (May 1, North), (May 1, South), (May 2, N), (May 3, N)
    }


def test_init_never_replaces_a_file_without_force(initialised, exports, capsys):
    config, _ = initialised
    before = config.read_text(encoding="utf-8")
    assert main(["init", str(exports), "--output", str(config), "--no-refresh"]) == 2
    assert "exists; choose another --output, or --force" in capsys.readouterr().err
    assert config.read_text(encoding="utf-8") == before
    assert main(["init", str(exports), "--output", str(config), "--force", "--no-refresh"]) == 0


def test_init_says_what_it_cannot_read(tmp_path, capsys):
    (tmp_path / "notes.md").write_text("hello")
    assert main(["init", str(tmp_path / "notes.md"), "--output", str(tmp_path / "b.toml")]) == 2
    assert "not a CSV, Parquet or Excel file" in capsys.readouterr().err
    assert main(["init", str(tmp_path), "--output", str(tmp_path / "b.toml")]) == 2
    assert "no CSV, Parquet or Excel file in" in capsys.readouterr().err
    assert not (tmp_path / "b.toml").exists()


DELIGHTED_CSV = """Response ID,Email,Score,Comment,Response timestamp
101,ana@example.com,10,Great,2026-05-01 10:00:00
102,bo@example.com,3,Late again,2026-05-01 12:00:00
103,cy@example.com,9,,2026-05-02 09:00:00
"""


def test_a_vendor_export_is_written_with_its_format(tmp_path):
    """A Delighted export is read by its vendor reader (connectors/formats), not guessed."""
    pytest.importorskip("connectors.formats.registry")
    from benefitboard.starter.init import init_workspace

    (tmp_path / "delighted.csv").write_text(DELIGHTED_CSV, encoding="utf-8")
    result = init_workspace([tmp_path / "delighted.csv"], output=tmp_path / "benefitboard.toml")
    raw = tomllib.loads((tmp_path / "benefitboard.toml").read_text(encoding="utf-8"))
    assert raw["sources"]["files"]["datasets"] == {
        "responses": {"path": "delighted.csv", "format": "delighted"}
    }
    assert result.dry_run is not None and result.dry_run.ok
    assert [(e.dataset, e.rows) for e in result.dry_run.report.datasets] == [("responses", 3)]
    assert [k.id for k in result.dry_run.shows] == ["nps"]  # Delighted's default survey


def test_files_that_feed_no_dataset_give_a_commented_source_and_exit_1(tmp_path, capsys):
    (tmp_path / "products.csv").write_text("product_id,category\np1,toys\np2,books\n")
    config = tmp_path / "benefitboard.toml"
    assert main(["init", str(tmp_path / "products.csv"), "--output", str(config)]) == 1
    assert "no table looked like a canonical dataset" in capsys.readouterr().out
    text = config.read_text(encoding="utf-8")
    assert "# [sources.files]" in text and "\n[sources" not in text
    assert tomllib.loads(text)["workspace"]["timezone"] == "UTC"
