"""``format = "surveymonkey"``: SurveyMonkey's "All responses data" (CSV or XLSX) as it comes.

Layout: SurveyMonkey's "All responses data" export (Analyze results > Save as >
Export file, CSV or XLSX). The search tool found no copy of SurveyMonkey's own help
page on it, so this follows the layout as publicly known, and as exports quoted in
public code show it: two header rows. The first holds the respondent columns
(``Respondent ID``, ``Collector ID``, ``Start Date``, ``End Date``, ``IP Address``,
``Email Address``, ``First Name``, ``Last Name``, ``Custom Data 1``) and then each
question's text, written once over all of that question's columns; the second is
blank under the respondent columns and holds, under each question, ``Response`` for a
single-answer question or the answer option (``Other (please specify)``, a matrix row,
a choice of a multiple-answer question). Dates are ``MM/DD/YYYY HH:MM:SS AM``.

The two rows are merged into one name per column: the question text (carried over
the blank cells to its right), and `` | `` and the option when the second row names
one other than ``Response`` (``How likely…? | Other (please specify)``). The score is
the question the workspace names: ``columns = { score = "How likely are you to
recommend us to a friend?" }``, with ``survey = "nps"`` (or ``"csat"``, ``"ces"``).

Canonical columns: ``response_id`` = Respondent ID, ``responded_at`` = End Date,
``customer_id`` = Email Address. Rows that did not answer the score question (a
partial response that stopped before it) are left out.
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
    timestamp_text,
)

RESPONDENT_COLUMNS = (
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
)
SINGLE_ANSWER = "Response"
"""What the second header row says under a question with one answer column."""
DATES = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M")


def looks_like(rows: list[list[str]]) -> bool:
    """The respondent columns in the first row, and a second header row (no respondent ID).

    >>> looks_like([["Respondent ID", "Collector ID", "Q?"], ["", "", "Response"]])
    True
    """
    return (
        len(rows) >= 2
        and has_columns(rows[0], "Respondent ID", "Collector ID")
        and not "".join(rows[1][:1]).strip()
    )


def merged_names(questions: list[str], options: list[str]) -> list[str]:
    """One name per column from the two header rows.

    >>> merged_names(["Respondent ID", "Pick one", "", "Why?"],
    ...              ["", "Response", "Other (please specify)", "Open-Ended Response"])
    ['Respondent ID', 'Pick one', 'Pick one | Other (please specify)', 'Why? | Open-Ended Response']
    """
    names, question = [], ""
    for asked, option in zip(questions, options, strict=False):
        question = asked or question
        names.append(question if option in ("", SINGLE_ANSWER) else f"{question} | {option}")
    return names


def read(export: Export) -> pl.DataFrame:
    questions, options = export.header(2)
    frame = export.table(merged_names(questions, options), header_rows=2)
    asked = [c for c in frame.columns if c not in RESPONDENT_COLUMNS and c != EXPORT_ROW]
    score = export.score_column(frame, asked)
    email = "Email Address" if "Email Address" in frame.columns else None
    return answered(frame, score).with_columns(
        response_id=cell("Respondent ID"),
        responded_at=timestamp_text("End Date", DATES),
        customer_id=cell(email) if email else pl.lit(None, pl.Utf8),
        survey=pl.lit(export.survey()),
    )


FORMAT = ExportFormat(
    name="surveymonkey",
    vendor="SurveyMonkey",
    datasets=("responses",),
    header_rows=2,
    expected="two header rows: Respondent ID, Collector ID, Start Date, End Date … and the "
    "questions, then under them Response or each answer option",
    looks_like=looks_like,
    read=read,
)
