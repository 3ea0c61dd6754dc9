"""``format = "qualtrics"``: a Qualtrics response export (CSV, TSV or Excel) read as it comes.

Layout, as Qualtrics documents it in "Understanding Your Dataset"
(qualtrics.com/support/survey-platform/data-and-analysis-module/data/download-data/
understanding-your-dataset/): CSV and TSV files come with three header rows: the
field's internal ID (``StartDate``, ``EndDate``, ``Status``, ``Progress``,
``Finished``, ``RecordedDate``, ``ResponseId``, ``RecipientEmail``,
``ExternalReference``…, then ``Q1``, ``Q2``…), the question text, and an
``{"ImportId": …}`` JSON cell per column (for dates it also names the time zone the
export was written in). The first row names the columns here; the other two are
dropped, except that a date's ``timeZone`` is honoured. (Qualtrics writes TSV files
in UTF-16: give such a dataset ``encoding = "utf-16"``.)

Canonical columns: ``response_id`` = ResponseId, ``responded_at`` = RecordedDate
(else EndDate), ``customer_id`` = ExternalReference, else RecipientEmail. The score
is the question the workspace names, ``columns = { score = "Q1" }``; an NPS question
is recognised by the ``Q1_NPS_GROUP`` column Qualtrics adds beside it, otherwise the
dataset says ``survey = "csat"`` (or ``"ces"``). Left out: rows that did not answer the
score question (a partial response is kept when it did), and survey previews, tests
and spam (``Status``), which are not customers.
"""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from connectors.formats.export import (
    Export,
    ExportFormat,
    answered,
    cell,
    find_column,
    has_columns,
)

METADATA = (
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "RecipientLastName",
    "RecipientFirstName",
    "RecipientEmail",
    "ExternalReference",
    "LocationLatitude",
    "LocationLongitude",
    "DistributionChannel",
    "UserLanguage",
)
NOT_CUSTOMERS = ("Survey Preview", "Survey Test", "Spam", "1", "2", "8")
"""Status values (as text, and as the numeric codes) of answers that are not customers'."""


def looks_like(rows: list[list[str]]) -> bool:
    """Field IDs in the first row and ImportId JSON in the third.

    >>> looks_like([["StartDate", "ResponseId"], ["Start Date", "Response ID"],
    ...             ['{"ImportId":"startDate"}', '{"ImportId":"_recordId"}']])
    True
    """
    if len(rows) < 3 or not has_columns(rows[0], "ResponseId"):
        return False
    return any(value.replace(" ", "").startswith('{"ImportId"') for value in rows[2])


def read(export: Export) -> pl.DataFrame:
    ids, _questions, import_ids = export.header(3)
    frame = export.table(ids, header_rows=3)
    questions = [
        name
        for name in frame.columns[: len(ids)]
        if name not in METADATA and not name.endswith("_NPS_GROUP")
    ]
    score = export.score_column(frame, questions)
    survey = export.survey("nps" if f"{score}_NPS_GROUP" in frame.columns else None)
    answered_at = find_column(frame.columns, "RecordedDate", "EndDate") or "RecordedDate"
    status = find_column(frame.columns, "Status")
    if status is not None:
        frame = frame.filter(cell(status).is_null() | ~cell(status).is_in(NOT_CUSTOMERS))
    customer = [cell(c) for c in ("ExternalReference", "RecipientEmail") if c in frame.columns]
    response_id = find_column(frame.columns, "ResponseId") or "ResponseId"  # ResponseID, older
    return answered(frame, score).with_columns(
        response_id=cell(response_id),
        responded_at=_in_time_zone(answered_at, _time_zone(ids, import_ids, answered_at)),
        customer_id=pl.coalesce(customer) if customer else pl.lit(None, pl.Utf8),
        survey=pl.lit(survey),
    )


def _time_zone(ids: list[str], import_ids: list[str], column: str) -> str | None:
    """The time zone the third header row gives a date column, like
    ``{"ImportId":"recordedDate","timeZone":"America/Denver"}``; None when it gives none.

    >>> _time_zone(["RecordedDate"], ['{"ImportId":"recordedDate","timeZone":"Europe/Paris"}'],
    ...            "RecordedDate")
    'Europe/Paris'
    """
    if column not in ids:
        return None
    try:
        described = json.loads(import_ids[ids.index(column)])
    except (ValueError, IndexError):
        return None
    zone = described.get("timeZone") if isinstance(described, dict) else None
    if not isinstance(zone, str) or not zone:
        return None
    try:
        ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError):  # a zone we cannot place: the source's applies
        return None
    return zone


def _in_time_zone(column: str, zone: str | None) -> pl.Expr:
    """A Qualtrics date as text; with the export's time zone, as UTC with an offset.

    Values the zone cannot place (the hour skipped when clocks go forward) and values
    that are not dates stay as written, for canonicalisation to read or report.
    """
    text = cell(column)
    if zone is None:
        return text
    placed = (
        text.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False)
        .dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        .dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    )
    return pl.coalesce(placed, text)


FORMAT = ExportFormat(
    name="qualtrics",
    vendor="Qualtrics",
    datasets=("responses",),
    header_rows=3,
    expected="three header rows: field IDs (StartDate, EndDate, ResponseId, Q1 …), "
    'question texts, and {"ImportId": …} JSON',
    looks_like=looks_like,
    read=read,
)
