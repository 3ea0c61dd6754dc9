"""``format = "shopify_orders"``: Shopify's orders export (Orders > Export, CSV) read as it comes.

Layout: Shopify's help page "Exporting orders" lists the columns, but the search tool
found no copy of it; it found the layout explained in "Shopify order export format"
(docs.xbp.app/docs/development/integrations/shopify/order-format) and the column list
in public importers' fixtures: one header row ``Name, Email, Financial Status, Paid
at, Fulfillment Status, Fulfilled at, Accepts Marketing, Currency, Subtotal,
Shipping, Taxes, Total, Discount Code, Discount Amount, Shipping Method, Created at,
Lineitem quantity, Lineitem name, Lineitem price, …, Cancelled at, Payment Method,
…, Refunded Amount, Vendor, …, Id, Tags, Risk Level, Source, …``, and **one row per
line item**: the order's own columns are filled on its first row and mostly blank on
the next ones, which repeat ``Name``. Times are ``2026-05-01 10:00:00 +0200``.

So the rows are grouped by ``Name`` into one row per order (in file order, each
column its first non-blank value, ``_source_row`` the order's first row):

- ``orders``: ``order_id`` = Name, ``customer_id`` = Email (as written; personal data
  is masked where it is shown), ``ordered_at`` = Created at, ``amount`` = Total,
  ``shipping_cost`` = Shipping, ``currency`` = Currency, ``delivered_at`` = Fulfilled
  at. Shopify's export has no delivery time, so the delivery KPIs measure the time to
  fulfilment (shipping) unless ``columns`` maps ``delivered_at`` to a better column.
- ``revenue``: one row per order, ``date`` = Created at's date as written (the shop's
  time zone), ``amount`` = Total − Refunded Amount, ``customer_id`` = Email.

Cancelled orders (``Cancelled at`` set) are left out of both: nothing was sold or
shipped. A refunded order stays an order at its Total, and adds Total − Refunded
Amount to revenue.
"""

from __future__ import annotations

import polars as pl

from connectors.formats.export import EXPORT_ROW, Export, ExportFormat, cell, has_columns

ORDER = "Name"
REQUIRED = ("Name", "Email", "Financial Status", "Total", "Created at", "Lineitem quantity")


def looks_like(rows: list[list[str]]) -> bool:
    """Shopify's order and line-item columns in one header row.

    >>> looks_like([["Name", "Email", "Financial Status", "Total", "Created at",
    ...              "Lineitem quantity", "Lineitem name"]])
    True
    """
    return bool(rows) and has_columns(rows[0], *REQUIRED)


def read(export: Export) -> pl.DataFrame:
    (names,) = export.header(1)
    lines = export.table(names, header_rows=1)
    missing = [name for name in REQUIRED if name not in lines.columns]
    if missing:  # the header matched ignoring case; the columns are read by their names
        raise export.error(
            f"is missing Shopify's columns {missing}", hint="export the orders again from Shopify"
        )
    order_columns = [c for c in lines.columns if c not in (ORDER, EXPORT_ROW)]
    orders = lines.group_by(ORDER, maintain_order=True).agg(
        pl.col(EXPORT_ROW).min(),
        *(cell(c).drop_nulls().first().alias(c) for c in order_columns),
    )
    if "Cancelled at" in orders.columns:
        orders = orders.filter(pl.col("Cancelled at").is_null())
    if export.dataset == "revenue":
        return orders.with_columns(
            date=pl.col("Created at").str.slice(0, 10),
            amount=_minus(pl.col("Total"), _optional(orders, "Refunded Amount")),
            customer_id=pl.col("Email"),
        )
    return orders.with_columns(
        order_id=cell(ORDER),
        customer_id=pl.col("Email"),
        ordered_at=pl.col("Created at"),
        amount=pl.col("Total"),
        shipping_cost=_optional(orders, "Shipping"),
        currency=_optional(orders, "Currency"),
        delivered_at=_optional(orders, "Fulfilled at"),
    )


def _optional(frame: pl.DataFrame, column: str) -> pl.Expr:
    return pl.col(column) if column in frame.columns else pl.lit(None, pl.Utf8)


def _minus(total: pl.Expr, refunded: pl.Expr) -> pl.Expr:
    """``total − refunded`` as text; a total that is not a number is kept as written, for
    canonicalisation to report with its raw value.

    >>> pl.select(_minus(pl.lit("34.98"), pl.lit("10.00"))).item()
    '24.98'
    """
    refund = refunded.cast(pl.Float64, strict=False).fill_null(0)
    number = total.cast(pl.Float64, strict=False) - refund
    return pl.coalesce(number.round(2).cast(pl.Utf8), total)


FORMAT = ExportFormat(
    name="shopify_orders",
    vendor="Shopify orders",
    datasets=("orders", "revenue"),
    header_rows=1,
    expected="one header row with Name, Email, Financial Status, Total, Created at, "
    "Lineitem quantity … (one row per line item)",
    looks_like=looks_like,
    read=read,
)
