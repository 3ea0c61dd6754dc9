"""``format = "delighted"``: a Delighted responses export (CSV or Excel) read as it comes.

Layout: Delighted's API documentation ("Listing survey responses",
delightedapp.com/docs/api/listing-survey-responses) gives a response's fields: ``id``,
``person``, ``survey_type`` (nps, csat, ces…), ``score`` (0–10 for NPS), ``comment``,
``permalink``, ``created_at``, ``person_properties``, ``notes``, ``tags``. The search
tool found no page on the dashboard's CSV export, so its column names follow the layout
as publicly known: one header row, ``Response ID``, ``Email``, ``Name``, ``Score``,
``Comment``, ``Response timestamp`` (ISO, with an offset), then ``Permalink``,
``Notes``, ``Tags`` and one column per person property. Names are matched ignoring
case.

Canonical columns: ``response_id`` = Response ID, ``score`` = Score, ``comment`` =
Comment, ``responded_at`` = Response timestamp, ``customer_id`` = Email, and
``survey`` = ``"nps"`` (Delighted's default survey, 0–10) unless the dataset says
``survey = "csat"`` (1–5) or ``"ces"`` (1–7) for a Delighted CSAT or CES project.
Rows without a score are left out.
"""

from __future__ import annotations

import polars as pl

from connectors.formats.export import (
    Export,
    ExportFormat,
    answered,
    cell,
    find_column,
    has_columns,
)

NAMES = {
    "response_id": ("Response ID", "id"),
    "score": ("Score",),
    "comment": ("Comment",),
    "responded_at": ("Response timestamp", "Created at", "created_at"),
    "customer_id": ("Email", "Person email"),
}
"""Canonical column -> the export's names for it, best first (matched ignoring case)."""


def looks_like(rows: list[list[str]]) -> bool:
    """Response ID, Score and Response timestamp in one header row.

    >>> looks_like([["Response ID", "Email", "Score", "Comment", "Response timestamp"]])
    True
    """
    return bool(rows) and has_columns(rows[0], "Response ID", "Score", "Response timestamp")


def read(export: Export) -> pl.DataFrame:
    (names,) = export.header(1)
    frame = export.table(names, header_rows=1)
    found = {canonical: find_column(frame.columns, *named) for canonical, named in NAMES.items()}
    filled = {
        canonical: cell(name) for canonical, name in found.items() if name and canonical != "score"
    }
    frame = frame.with_columns(**filled)
    if found["score"] and "score" not in export.mapping.columns:
        frame = frame.with_columns(score=cell(found["score"]))
    score = export.mapping.source_column("score")
    if score in frame.columns:  # else canonicalisation names the missing column
        frame = answered(frame, score)
    return frame.with_columns(survey=pl.lit(export.survey("nps")))


FORMAT = ExportFormat(
    name="delighted",
    vendor="Delighted",
    datasets=("responses",),
    header_rows=1,
    expected="one header row with Response ID, Email, Score, Comment, Response timestamp",
    looks_like=looks_like,
    read=read,
)
