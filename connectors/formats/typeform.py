"""``format = "typeform"``: a Typeform responses download (CSV or Excel) read as it comes.

Layout: Typeform's "Download your data" (Results > Responses > Download, CSV/XLSX).
The search tool found Typeform's Responses API reference (typeform.com/developers/
responses/reference/retrieve-responses: a response is a token with ``landed_at``,
``submitted_at`` and ``response_type`` started/partial/completed) but no page on the
download's columns, so this follows the layout as publicly known and as downloads
quoted in public code show it: one header row, ``#`` (the response token) first,
then one column per question titled with the question, hidden fields by their names,
and then ``Response Type`` (newer downloads), ``Start Date (UTC)``, ``Stage Date
(UTC)`` (newer), ``Submit Date (UTC)``, ``Network ID`` and ``Tags``.

Canonical columns: ``response_id`` = ``#``; ``responded_at`` = Submit Date (UTC), else
Stage Date (UTC) or Start Date (UTC) for a partial response, read as UTC whatever the
source's ``timezone``. The score is the question the workspace names (``columns =
{ score = "How likely are you to recommend us?" }``) with ``survey = "nps"`` (or
``"csat"``, ``"ces"``); a hidden field with the customer is mapped the same way
(``customer_id = "customer_id"``). Rows that did not answer the score question are
left out; a partial response that did is kept.
"""

from __future__ import annotations

import polars as pl

from connectors.formats.export import (
    EXPORT_ROW,
    Export,
    ExportFormat,
    answered,
    cell,
    has_columns,
)

TOKEN = "#"
TIMES = ("Submit Date (UTC)", "Stage Date (UTC)", "Start Date (UTC)")
"""When a response was given, best first: submitted, else last seen (partial responses)."""
TRAILING = ("Response Type", *TIMES, "Network ID", "Tags", "Ending")


def looks_like(rows: list[list[str]]) -> bool:
    """``#`` first, and Typeform's UTC date columns.

    >>> looks_like([["#", "How likely…?", "Start Date (UTC)", "Submit Date (UTC)", "Network ID"]])
    True
    """
    return bool(rows) and rows[0][:1] == [TOKEN] and has_columns(rows[0], "Submit Date (UTC)")


def read(export: Export) -> pl.DataFrame:
    (names,) = export.header(1)
    frame = export.table(names, header_rows=1)
    asked = [c for c in frame.columns[1:] if c not in TRAILING and c != EXPORT_ROW]
    score = export.score_column(frame, asked)
    times = [cell(c) for c in TIMES if c in frame.columns]
    return answered(frame, score).with_columns(
        response_id=cell(TOKEN),
        # "(UTC)" says so: an offset makes canonicalisation read it as UTC, not in the
        # source's timezone. A value that is not a time stays as written, to be reported.
        responded_at=pl.coalesce(times).str.replace(r"^(\d{4}-\d\d-\d\d[ T][\d:.]+)$", "${1}Z"),
        survey=pl.lit(export.survey()),
    )


FORMAT = ExportFormat(
    name="typeform",
    vendor="Typeform",
    datasets=("responses",),
    header_rows=1,
    expected="one header row starting with # (the response token), the questions, and "
    "Start Date (UTC), Submit Date (UTC), Network ID",
    looks_like=looks_like,
    read=read,
)
