"""Shopify's orders export (one row per line item) to orders and revenue.

fixtures/shopify_orders.csv follows the layout fixtures/README.md describes: seven
orders on eleven line rows; #1004 is cancelled (and refunded), #1003 partly refunded,
#1005 not fulfilled yet.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from metrics.engine import compute_kpi, compute_kpis
from tests.connectors.formats.workspace import MAY_2026, read, workspace

ORDERS = 'path = "shopify_orders.csv"\nformat = "shopify_orders"\nsegments = ["Shipping Country"]'


def orders(tmp_path):
    return read(workspace(tmp_path, "orders", ORDERS, "shopify_orders.csv"), "orders")


def test_line_items_become_one_order_each(tmp_path):
    rows = orders(tmp_path)
    assert rows["order_id"].to_list() == ["#1001", "#1002", "#1003", "#1005", "#1006", "#1007"]
    assert rows["_source_row"].to_list() == [1, 3, 4, 8, 9, 11]  # each order's first line row
    assert rows["amount"].to_list() == [34.98, 24.50, 60.00, 46.50, 55.00, 28.00]  # Total
    assert rows["shipping_cost"].to_list() == [5.00, 4.50, 0.00, 6.50, 5.00, 3.00]
    assert rows["customer_id"].to_list()[::4] == ["ann@example.com", "ann@example.com"]
    assert rows["currency"].unique().to_list() == ["EUR"]
    assert rows["Shipping Country"].to_list()[:3] == ["FR", "BE", "FR"]
    # Created at 2026-05-04 09:58:12 +0200 is 07:58:12 UTC
    assert rows["ordered_at"][0] == datetime(2026, 5, 4, 7, 58, 12, tzinfo=UTC)
    assert rows["delivered_at"][3] is None  # #1005 is not fulfilled


def test_shipping_cost_per_order_and_time_to_fulfilment_by_hand(tmp_path):
    data = {"orders": orders(tmp_path)}
    # (5.00 + 4.50 + 0.00 + 6.50 + 5.00 + 3.00) / 6 orders = 24.00 / 6 = 4.00
    shipping = compute_kpi("shipping_cost_per_order", data, MAY_2026)
    assert shipping.current.n == 6 and shipping.current.value == pytest.approx(4.0)
    # Created at -> Fulfilled at: #1001 24 h, #1002 36 h, #1003 12 h, #1006 48 h, #1007 30 h
    # (#1005 unfulfilled): sorted 12 24 30 36 48 -> median 30 h
    (p50,) = compute_kpis(["delivery_p50_hours"], data, MAY_2026)
    assert p50.current.n == 5 and p50.current.value == pytest.approx(30.0)


def test_revenue_from_the_same_export_by_hand(tmp_path):
    body = 'path = "shopify_orders.csv"\nformat = "shopify_orders"'
    rows = read(workspace(tmp_path, "revenue", body, "shopify_orders.csv"), "revenue")
    # one row per order but the cancelled #1004; amount = Total − Refunded Amount
    assert rows["amount"].to_list() == [34.98, 24.50, 45.00, 46.50, 55.00, 28.00]
    assert rows["date"].cast(str).to_list()[:3] == ["2026-05-04", "2026-05-04", "2026-05-05"]
    # 34.98 + 24.50 + (60.00 − 15.00) + 46.50 + 55.00 + 28.00 = 233.98
    revenue = compute_kpi("revenue", {"revenue": rows}, MAY_2026)
    assert revenue.current.value == pytest.approx(233.98)
