"""Excel workbooks on a files source, with or without a vendor format: a sheet by name or the
first, cells read as text like CSV, a missing sheet named with the sheets there are, and a
workbook as a table of a query. Workbooks are written at test time with xlsxwriter."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import xlsxwriter

from benefitboard.config import ConfigError, load_workspace
from connectors.errors import SourceError
from connectors.read import read_dataset
from metrics.engine import compute_kpi
from tests.connectors.formats.workspace import MAY_2026, read, workspace

HEADER = ["order_id", "ordered_at", "customer_id", "amount", "shipping_cost"]
ORDERS = [
    ("A-1", datetime(2026, 5, 4, 10, 0), "c1", 40.0, 4.5),
    ("A-2", datetime(2026, 5, 5, 11, 30), "c2", 25.5, 0.0),
    ("A-3", datetime(2026, 5, 6, 9, 15), "c1", 70.0, 6.0),
]


def orders_workbook(path: Path) -> Path:
    """A workbook whose first sheet is notes and whose "Orders" sheet holds typed cells."""
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Notes").write_string(0, 0, "Exported by the finance team")
    sheet = book.add_worksheet("Orders")
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, HEADER)
    for r, (order_id, at, customer, amount, shipping) in enumerate(ORDERS, start=1):
        sheet.write_string(r, 0, order_id)
        sheet.write_datetime(r, 1, at, stamp)
        sheet.write_string(r, 2, customer)
        sheet.write_number(r, 3, amount)
        sheet.write_number(r, 4, shipping)
    book.close()
    return path


def test_an_excel_sheet_reads_as_canonical_orders(tmp_path):
    orders_workbook(tmp_path / "orders.xlsx")
    rows = read(workspace(tmp_path, "orders", 'path = "orders.xlsx"\nsheet = "Orders"'), "orders")
    assert rows["order_id"].to_list() == ["A-1", "A-2", "A-3"]
    assert rows["ordered_at"][1] == datetime(2026, 5, 5, 11, 30, tzinfo=UTC)  # a date cell
    assert rows["_source_row"].to_list() == [1, 2, 3]
    # (4.5 + 0.0 + 6.0) / 3 = 3.5
    result = compute_kpi("shipping_cost_per_order", {"orders": rows}, MAY_2026)
    assert result.current.n == 3 and result.current.value == pytest.approx(3.5)


def test_without_sheet_the_first_sheet_is_read(tmp_path):
    orders_workbook(tmp_path / "orders.xlsx")
    config = workspace(tmp_path, "orders", 'path = "orders.xlsx"')
    with pytest.raises(SourceError, match="column 'order_id' not found") as raised:
        read_dataset(load_workspace(config).sources["exports"], "orders").collect()
    assert "Exported by the finance team" in str(raised.value)  # the Notes sheet's header


def test_a_missing_sheet_names_the_sheets_there_are(tmp_path):
    orders_workbook(tmp_path / "orders.xlsx")
    config = workspace(tmp_path, "orders", 'path = "orders.xlsx"\nsheet = "Sales"')
    with pytest.raises(SourceError) as raised:
        read_dataset(load_workspace(config).sources["exports"], "orders")
    message = str(raised.value)
    assert "source 'exports', dataset 'orders'" in message
    assert "orders.xlsx has no sheet 'Sales'; its sheets are ['Notes', 'Orders']" in message


def test_a_file_that_is_not_a_workbook_says_so(tmp_path):
    (tmp_path / "orders.xlsx").write_text("order_id,amount\nA,1\n")
    config = workspace(tmp_path, "orders", 'path = "orders.xlsx"')
    with pytest.raises(SourceError, match="orders.xlsx is not a readable Excel workbook"):
        read_dataset(load_workspace(config).sources["exports"], "orders")


def test_a_workbook_is_a_table_of_a_query(tmp_path):
    book = xlsxwriter.Workbook(tmp_path / "orders.xlsx")
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["id", "placed", "buyer", "net", "vat"])
    sheet.write_row(1, 0, ["B-1", "2026-05-04 10:00:00", "c1", 10, 2.1])
    sheet.write_row(2, 0, ["B-2", "2026-05-05 12:00:00", "c2", 20, 4.2])
    book.close()
    config = tmp_path / "benefitboard.toml"
    config.write_text(
        '[workspace]\nname = "x"\n\n[sources.exports]\nkind = "files"\n\n'
        '[sources.exports.tables]\nbook = "orders.xlsx"\n\n'
        '[sources.exports.datasets.orders]\nquery = """SELECT id AS order_id, placed AS ordered_at,'
        ' buyer AS customer_id, CAST(net AS DOUBLE) + CAST(vat AS DOUBLE) AS amount FROM book"""\n'
    )
    rows = read_dataset(load_workspace(config).sources["exports"], "orders").collect()
    assert rows["amount"].to_list() == pytest.approx([12.1, 24.2])  # 10 + 2.1, 20 + 4.2


def test_sheet_goes_with_a_path(tmp_path):
    config = tmp_path / "benefitboard.toml"
    config.write_text(
        '[workspace]\nname = "x"\n\n[sources.exports]\nkind = "files"\n\n'
        '[sources.exports.tables]\nbook = "orders.xlsx"\n\n'
        '[sources.exports.datasets.orders]\nquery = "SELECT * FROM book"\nsheet = "Orders"\n'
    )
    with pytest.raises(ConfigError, match=r"\[sources.exports.datasets.orders.sheet\]"):
        load_workspace(config)
