"""A files dataset shaped by a query over several files: joins, constants, sums per order."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from benefitboard.config import ConfigError, load_workspace
from connectors.errors import SourceError
from connectors.files import QUERY_RESULT, SOURCE_FILE
from connectors.read import read_dataset

ORDERS = "order_id,placed,buyer\nA,2026-05-01 10:00:00,c1\nB,2026-05-02 09:30:00,c2\n"
PAYMENTS = "order_id,value\nA,10.50\nA,4.50\nB,20\n"
QUERY = """
SELECT o.order_id, o.placed AS ordered_at, o.buyer AS customer_id,
       SUM(CAST(p.value AS DOUBLE)) AS amount, 'EUR' AS currency
FROM orders o JOIN payments p ON p.order_id = o.order_id
GROUP BY o.order_id, o.placed, o.buyer
ORDER BY o.order_id
"""


def workspace(folder: Path, query: str = QUERY, extra: str = "") -> Path:
    (folder / "orders.csv").write_text(ORDERS)
    (folder / "payments.csv").write_text(PAYMENTS)
    config = folder / "benefitboard.toml"
    config.write_text(
        '[workspace]\nname = "Shop"\n\n[sources.shop]\nkind = "files"\n\n'
        '[sources.shop.tables]\norders = "orders.csv"\npayments = "payments.csv"\n\n'
        f'[sources.shop.datasets.orders]\nquery = """{query}"""\n{extra}'
    )
    return config


def one_file_workspace(folder: Path, orders_csv: str, extra: str = "") -> Path:
    """The orders dataset read from one file by ``path`` (no query)."""
    (folder / "orders.csv").write_text(orders_csv)
    config = folder / "benefitboard.toml"
    config.write_text(
        '[workspace]\nname = "Shop"\n\n[sources.shop]\nkind = "files"\n\n'
        f'[sources.shop.datasets.orders]\npath = "orders.csv"\n{extra}'
    )
    return config


def read(config: Path) -> pl.DataFrame:
    source = load_workspace(config).sources["shop"]
    return read_dataset(source, "orders").collect()


def test_a_query_joins_sums_and_adds_a_constant(tmp_path):
    orders = read(workspace(tmp_path))
    assert orders["order_id"].to_list() == ["A", "B"]
    assert orders["amount"].to_list() == [15.0, 20.0]  # 10.50 + 4.50, and 20
    assert orders["currency"].to_list() == ["EUR", "EUR"]
    assert orders["customer_id"].to_list() == ["c1", "c2"]
    assert orders["ordered_at"].dt.hour().to_list() == [10, 9]  # read in the source's UTC
    assert orders["_source_row"].to_list() == [1, 2]
    assert orders[SOURCE_FILE].to_list() == [QUERY_RESULT] * 2


def test_a_failing_query_names_the_source_the_dataset_and_the_problem(tmp_path):
    config = workspace(tmp_path, QUERY.replace("p.value", "p.valeur"))
    with pytest.raises(SourceError) as raised:
        read(config)
    message = str(raised.value)
    assert "source 'shop', dataset 'orders'" in message
    assert "the query failed" in message and "valeur" in message
    assert "payments (order_id, value)" in message  # the tables and columns to compare with


def test_a_query_naming_no_declared_table_says_so(tmp_path):
    config = workspace(tmp_path, "SELECT * FROM shipments")
    with pytest.raises(SourceError, match="names none of the source's tables"):
        read(config)


def test_a_dataset_with_both_path_and_query_is_refused_at_load(tmp_path):
    config = workspace(tmp_path, extra='path = "orders.csv"\n')
    with pytest.raises(ConfigError, match="either `path`.*or `query`"):
        load_workspace(config)


def test_a_missing_column_suggests_a_query_when_nothing_resembles_it(tmp_path):
    config = one_file_workspace(
        tmp_path, ORDERS, 'columns = { ordered_at = "placed", customer_id = "buyer" }\n'
    )
    with pytest.raises(SourceError) as raised:
        read(config)
    assert "column 'amount' not found" in str(raised.value)
    assert "give the dataset a `query`" in str(raised.value)


def test_a_missing_column_suggests_a_mapping_when_one_resembles_it(tmp_path):
    config = one_file_workspace(
        tmp_path, "order_id,ordered_at,customer,amount\nA,2026-05-01 10:00:00,c1,15\n"
    )
    with pytest.raises(SourceError) as raised:
        read(config)
    assert "column 'customer_id' not found" in str(raised.value)
    assert 'columns = { customer_id = "customer" }' in str(raised.value)


def test_the_olist_example_config_loads_without_its_data():
    """The example is checked on the real data in tests/realdata; its config always loads."""
    example = Path(__file__).resolve().parents[2] / "examples" / "olist" / "benefitboard.toml"
    workspace = load_workspace(example)
    source = workspace.sources["olist"]
    assert sorted(source.datasets) == ["acquisition", "orders", "responses", "revenue"]
    assert all(mapping.query and not mapping.path for mapping in source.datasets.values())
    assert sorted(source.options["tables"]) == [
        "customers",
        "items",
        "orders",
        "payments",
        "reviews",
    ]
