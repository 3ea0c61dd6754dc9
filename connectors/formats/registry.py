"""The vendor export formats by name: which reader a dataset's ``format`` key picks, and which
layout a file's first rows are in.

Why a registry: the files kind, the config check and ``python -m benefitboard init``
ask the same two questions (what is ``format = "qualtrics"``? which export is this
file?) and should never list the vendors themselves. Adding a vendor is one module
with a ``FORMAT`` (``connectors.formats.export.ExportFormat``) and one line here.

Example:
    >>> format_names()
    ('qualtrics', 'surveymonkey', 'typeform', 'delighted', 'zendesk_csat', 'shopify_orders')
"""

from __future__ import annotations

import polars as pl

from connectors.errors import SourceError
from connectors.formats import (
    delighted,
    qualtrics,
    shopify_orders,
    surveymonkey,
    typeform,
    zendesk_csat,
)
from connectors.formats.export import Export, ExportFormat

FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        # Most specific first: detection takes the first layout a file's rows match.
        qualtrics.FORMAT,
        surveymonkey.FORMAT,
        typeform.FORMAT,
        delighted.FORMAT,
        zendesk_csat.FORMAT,
        shopify_orders.FORMAT,
    )
}

DETECTION_ROWS = 3
"""How many of a file's first rows ``detect_format`` needs (Qualtrics has three header rows)."""


def format_names() -> tuple[str, ...]:
    return tuple(FORMATS)


def detect_format(header_rows: list[list[str]]) -> str | None:
    """The format whose layout the first rows of a file are in (up to three), or None.

    Pure: give it the rows as lists of cell text, read however the caller likes.

    >>> detect_format([
    ...     ["StartDate", "EndDate", "ResponseId", "Q1"],
    ...     ["Start Date", "End Date", "Response ID", "How likely…?"],
    ...     ['{"ImportId":"startDate"}', '{"ImportId":"endDate"}', '{"ImportId":"_recordId"}',
    ...      '{"ImportId":"QID1"}'],
    ... ])
    'qualtrics'
    >>> detect_format([["Respondent ID", "Collector ID", "Start Date", "End Date", "Q?"],
    ...                ["", "", "", "", "Response"]])
    'surveymonkey'
    >>> detect_format([["Name", "Email", "Financial Status", "Total", "Created at",
    ...                 "Lineitem quantity"], ["#1001", "a@example.com", "paid", "9.00",
    ...                 "2026-05-01 10:00:00 +0000", "1"]])
    'shopify_orders'
    >>> detect_format([["order_id", "amount"], ["A1", "9.50"]]) is None
    True
    """
    rows = [[str(cell).strip() for cell in row] for row in header_rows[:DETECTION_ROWS]]
    return next((f.name for f in FORMATS.values() if rows and f.looks_like(rows)), None)


def read_export(name: str, export: Export) -> pl.DataFrame:
    """``export`` read in the layout ``name``: the vendor's columns, the canonical columns the
    format fills, and ``EXPORT_ROW``.

    A dataset the format does not fill, or a file whose first rows are not the layout's
    header, is a SourceError naming the source, the dataset, the file, the header the
    format expected and the first row found (and the format it looks like, if any).
    """
    chosen = FORMATS[name]
    if export.dataset not in chosen.datasets:
        raise SourceError(
            export.source,
            export.dataset,
            f"format {name!r} reads {' or '.join(chosen.datasets)} exports, not {export.dataset}",
            hint="remove `format` from this dataset or give it the right one "
            f"({', '.join(FORMATS)})",
        )
    rows = export.header(DETECTION_ROWS)
    if not chosen.looks_like(rows):
        raise SourceError(
            export.source,
            export.dataset,
            f"{export.file} is not a {chosen.vendor} export: expected {chosen.expected}; "
            f"its first row is {_preview(rows)}",
            hint=_hint(chosen, detect_format(rows)),
        )
    return chosen.read(export)


def _preview(rows: list[list[str]]) -> str:
    first = ", ".join(cell for cell in rows[0] if cell) if rows else ""
    return repr(first[:150] + ("…" if len(first) > 150 else "")) if first else "empty"


def _hint(chosen: ExportFormat, detected: str | None) -> str:
    if detected:
        return f'it looks like a {FORMATS[detected].vendor} export: write format = "{detected}"'
    return (
        f"export the file again from {chosen.vendor} and use it unedited (a spreadsheet that "
        "saved it may have changed the header rows), or remove `format` to read a plain table"
    )


__all__ = [
    "DETECTION_ROWS",
    "FORMATS",
    "detect_format",
    "format_names",
    "read_export",
]
