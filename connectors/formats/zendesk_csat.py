"""``format = "zendesk_csat"``: Zendesk customer satisfaction ratings, exported, read as they come.

Layout: Zendesk's developer documentation ("Getting the CSAT ratings of tickets",
developer.zendesk.com/documentation/ticketing/using-the-zendesk-api/
incremental-ticket-export-csat, and the Satisfaction Ratings API it points to) gives a
rating's fields: ``id``, ``ticket_id``, ``score`` (``good`` or ``bad``; ``offered``
and ``unoffered`` while the customer has not rated), ``comment``, ``reason``,
``created_at`` (ISO 8601, UTC), ``requester_id``, ``assignee_id``, ``group_id``.
The search tool found no Zendesk page on a CSV download of ratings, so the file this
reads is those fields as columns, one rating a row (the shape a CSV of the
Satisfaction Ratings API has), names matched ignoring case (``Ticket ID`` and
``ticket_id`` alike).

Zendesk's CSAT is binary: its score is the share of good ratings among good and bad
ones. A rating becomes a ``csat`` answer on the default 1–5 scale: good = 5, bad = 1,
so the CSAT tile (answers 4–5 of answers) is exactly Zendesk's score; keep the
workspace's ``csat_scale`` at 1–5 for these. Zendesk's newer customizable ratings
(a number 1–5) are kept as the number. ``offered``, ``unoffered`` and blank scores
are no rating and are left out.

Canonical columns: ``response_id`` = id (else ticket_id), ``responded_at`` =
created_at, ``customer_id`` = requester_id, ``comment`` = comment; ``reason``,
``ticket_id``, ``assignee_id``, ``group_id`` can be segments.
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

GOOD, BAD = 5, 1
"""Where Zendesk's two ratings land on the 1–5 CSAT scale: its top and its bottom."""
NOT_RATED = ("offered", "unoffered")
NAMES = {
    "response_id": ("id", "Satisfaction rating ID", "ticket_id", "Ticket ID"),
    "responded_at": ("created_at", "Created at", "Satisfaction rating date"),
    "customer_id": ("requester_id", "Requester ID"),
    "comment": ("comment", "Satisfaction comment"),
}
SCORE = ("score", "Satisfaction rating", "Satisfaction score")


def looks_like(rows: list[list[str]]) -> bool:
    """A ticket and a score column in one header row.

    >>> looks_like([["id", "ticket_id", "score", "comment", "created_at"]])
    True
    """
    return (
        bool(rows)
        and find_column(rows[0], "ticket_id", "Ticket ID") is not None
        and find_column(rows[0], *SCORE) is not None
        and not has_columns(rows[0], "Respondent ID")
    )


def read(export: Export) -> pl.DataFrame:
    (names,) = export.header(1)
    frame = export.table(names, header_rows=1)
    for canonical, named in NAMES.items():
        found = find_column(frame.columns, *named)
        if found:
            frame = frame.with_columns(cell(found).alias(canonical))
    rated = find_column(frame.columns, *SCORE)
    if rated and "score" not in export.mapping.columns:
        rating = cell(rated).str.to_lowercase()
        frame = frame.with_columns(
            score=pl.when(rating.is_in(NOT_RATED))
            .then(None)
            .when(rating == "good")
            .then(pl.lit(str(GOOD)))
            .when(rating == "bad")
            .then(pl.lit(str(BAD)))
            .otherwise(cell(rated))
        )
    score = export.mapping.source_column("score")
    if score in frame.columns:  # else canonicalisation names the missing column
        frame = answered(frame, score)
    return frame.with_columns(survey=pl.lit("csat"))


FORMAT = ExportFormat(
    name="zendesk_csat",
    vendor="Zendesk satisfaction ratings",
    datasets=("responses",),
    header_rows=1,
    expected="one header row with id, ticket_id, score (good/bad), comment, created_at, "
    "requester_id",
    looks_like=looks_like,
    read=read,
)
