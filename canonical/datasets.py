"""Canonical datasets (docs/DATA_CONTRACT.md): one declaration per dataset, used by every layer.

Why one place: a column's name and dtype are a promise between the connector
that fills it, the validation that checks it and the metric that reads it. If
each layer declared its own, they would drift apart silently.

Segments are not listed here: a workspace declares them per dataset, and they
arrive as extra ``Utf8`` columns.

Example:
    >>> dataset_spec("responses").required
    ('response_id', 'survey', 'score', 'responded_at')
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

# Bookkeeping columns that connectors add to every canonical frame.
SOURCE_ROW = "_source_row"
"""1-based row number in the source, so a quarantined row can be found again."""
PARSE_ERROR = "_parse_error"
"""Why a value could not be read as its canonical dtype (null when it could)."""

UTC_TIMESTAMP = pl.Datetime("us", "UTC")
FREE_TEXT_COLUMNS = frozenset({"comment", "text"})
"""Columns where people write in their own words (and so type addresses and phone numbers)."""


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, dtype and whether the dataset needs it."""

    name: str
    dtype: pl.DataType
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class DatasetSpec:
    """A canonical dataset: what one row is, and its columns."""

    name: str
    row_is: str
    key: str | None
    time_column: str
    columns: tuple[Column, ...]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"dataset {self.name!r} has no canonical column {name!r}")

    def schema(self) -> dict[str, pl.DataType]:
        return {c.name: c.dtype for c in self.columns}


def _c(name: str, dtype: pl.DataType, required: bool = False, description: str = "") -> Column:
    return Column(name, dtype, required, description)


S, F, INT, D, T = pl.Utf8(), pl.Float64(), pl.Int64(), pl.Date(), UTC_TIMESTAMP

DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in (
        DatasetSpec(
            "responses",
            "one survey answer",
            "response_id",
            "responded_at",
            (
                _c("response_id", S, True),
                _c("survey", S, True, "nps, csat or ces"),
                _c("score", F, True, "kept as a float so 4.5 on an integer scale can be caught"),
                _c("responded_at", T, True),
                _c("customer_id", S),
                _c("comment", S),
                _c("touchpoint", S),
                _c("order_id", S, description="the order the answer is about, if it names one"),
            ),
        ),
        DatasetSpec(
            "contacts",
            "one support contact",
            "contact_id",
            "opened_at",
            (
                _c("contact_id", S, True),
                _c("opened_at", T, True),
                _c("contact_reason", S, True),
                _c("closed_at", T),
                _c("handle_seconds", F),
                _c("channel", S),
                _c("ces_score", F),
                _c("csat_score", F),
                _c("customer_id", S),
                _c("comment", S),
            ),
        ),
        DatasetSpec(
            "orders",
            "one customer order",
            "order_id",
            "ordered_at",
            (
                _c("order_id", S, True),
                _c("ordered_at", T, True),
                _c("customer_id", S, True),
                _c("amount", F, True),
                _c("promised_at", T),
                _c("delivered_at", T),
                _c("shipping_cost", F),
                _c("currency", S),
            ),
        ),
        DatasetSpec(
            "selection",
            "a daily catalog snapshot",
            None,
            "date",
            (_c("date", D, True), _c("skus_offered", INT, True), _c("skus_in_stock", INT)),
        ),
        DatasetSpec(
            "prices",
            "a price comparison",
            None,
            "date",
            (
                _c("date", D, True),
                _c("item", S, True),
                _c("our_price", F, True),
                _c("reference_price", F, True),
            ),
        ),
        DatasetSpec(
            "acquisition",
            "one day x channel",
            None,
            "date",
            (
                _c("date", D, True),
                _c("channel", S, True),
                _c("new_customers", INT, True),
                _c("spend", F),
                _c("visitors", INT),
                _c("trials", INT),
            ),
        ),
        DatasetSpec(
            "revenue",
            "one day (x customer)",
            None,
            "date",
            (
                _c("date", D, True),
                _c("amount", F, True),
                _c("customer_id", S),
                _c("kind", S, description="new, expansion, contraction, churn or recurring"),
                _c("mrr", F),
            ),
        ),
        DatasetSpec(
            "feedback",
            "one piece of feedback",
            "feedback_id",
            "created_at",
            (
                _c("feedback_id", S, True),
                _c("created_at", T, True),
                _c("theme", S, True),
                _c("source", S, True, "where it came from: support, survey, sales, product"),
                _c("customer_id", S),
                _c("account_value", F),
                _c("text", S),
                _c("roadmap_item", S),
                _c("status", S),
            ),
        ),
        DatasetSpec(
            "kpi_values",
            "one value of a custom benefit KPI",
            None,
            "date",
            (_c("date", D, True), _c("kpi", S, True), _c("value", F, True)),
        ),
        DatasetSpec(
            "events",
            "something the company did",
            None,
            "date",
            (
                _c("date", D, True),
                _c("title", S, True),
                _c("kind", S, True, "release, programme or incident"),
                _c("link", S),
            ),
        ),
    )
}


def dataset_spec(name: str) -> DatasetSpec:
    """The canonical spec of ``name``, or a KeyError that lists the known datasets."""
    try:
        return DATASETS[name]
    except KeyError:
        known = ", ".join(sorted(DATASETS))
        raise KeyError(f"unknown dataset {name!r}; the canonical datasets are: {known}") from None
