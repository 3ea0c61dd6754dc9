"""The demo database's source tables, declared once with SQLAlchemy Core.

Why declared, not inferred: the workspace config maps these exact names onto
the canonical datasets, so they are a promise. Timestamps are TEXT
'YYYY-MM-DD HH:MM:SS' in UTC (no offset), dates TEXT 'YYYY-MM-DD'; each table
has an index on its time column; the writer creates it after the rows are in (faster).

Example:
    >>> [t.name for t in METADATA.sorted_tables][:3]
    ['catalog_daily', 'company_events', 'custom_kpis']
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, MetaData, Table, Text

METADATA = MetaData()


def _table(name: str, *columns: Column) -> Table:
    return Table(name, METADATA, *columns)


SURVEY_RESPONSES = _table(
    "survey_responses",
    Column("id", Integer, primary_key=True),
    Column("survey_type", Text, nullable=False),
    Column("score", Integer, nullable=False),
    Column("submitted_at", Text, nullable=False),
    Column("customer_id", Text),
    Column("comment", Text),
    Column("touchpoint", Text),
    Column("plan", Text),
    Column("region", Text),
    Column("channel", Text),
)
SUPPORT_CONTACTS = _table(
    "support_contacts",
    Column("id", Integer, primary_key=True),
    Column("opened_at", Text, nullable=False),
    Column("closed_at", Text),
    Column("reason", Text, nullable=False),
    Column("handle_seconds", Integer),
    Column("channel", Text),
    Column("ces_score", Integer),
    Column("csat_score", Integer),
    Column("customer_id", Text),
    Column("comment", Text),
    Column("plan", Text),
    Column("region", Text),
)
ORDERS = _table(
    "orders",
    Column("id", Integer, primary_key=True),
    Column("ordered_at", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("amount", Float, nullable=False),
    Column("promised_at", Text),
    Column("delivered_at", Text),
    Column("shipping_cost", Float),
    Column("currency", Text),
    Column("region", Text),
    Column("plan", Text),
    Column("channel", Text),
)
CATALOG_DAILY = _table(
    "catalog_daily",
    Column("date", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("skus_offered", Integer, nullable=False),
    Column("skus_in_stock", Integer),
)
PRICE_CHECKS = _table(
    "price_checks",
    Column("date", Text, nullable=False),
    Column("item", Text, nullable=False),
    Column("category", Text),
    Column("our_price", Float, nullable=False),
    Column("competitor_price", Float, nullable=False),
)
MARKETING_DAILY = _table(
    "marketing_daily",
    Column("date", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("new_customers", Integer, nullable=False),
    Column("spend", Float),
    Column("visitors", Integer),
    Column("trials", Integer),
)
REVENUE_DAILY = _table(
    "revenue_daily",
    Column("date", Text, nullable=False),
    Column("plan", Text),
    Column("kind", Text),
    Column("amount", Float, nullable=False),
    Column("mrr", Float),
)
FEEDBACK_ITEMS = _table(
    "feedback_items",
    Column("id", Integer, primary_key=True),
    Column("created_at", Text, nullable=False),
    Column("theme", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("customer_id", Text),
    Column("account_value", Float),
    Column("text", Text),
    Column("roadmap_item", Text),
    Column("status", Text),
    Column("plan", Text),
)
COMPANY_EVENTS = _table(
    "company_events",
    Column("date", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("link", Text),
)
CUSTOM_KPIS = _table(
    "custom_kpis",
    Column("date", Text, nullable=False),
    Column("kpi", Text, nullable=False),
    Column("value", Float, nullable=False),
)

TIME_COLUMNS = {
    "survey_responses": "submitted_at",
    "support_contacts": "opened_at",
    "orders": "ordered_at",
    "catalog_daily": "date",
    "price_checks": "date",
    "marketing_daily": "date",
    "revenue_daily": "date",
    "feedback_items": "created_at",
    "company_events": "date",
    "custom_kpis": "date",
}


TIME_INDEXES = tuple(
    Index(f"ix_{name}_{column}", METADATA.tables[name].c[column])
    for name, column in TIME_COLUMNS.items()
)
"""One index per table on its time column (also emitted by ``METADATA.create_all``)."""
