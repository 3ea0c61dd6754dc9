"""What every vendor format shares: the export as a grid of text, its header rows, its errors.

Why a grid: a vendor's export is not a plain table. Qualtrics writes three header
rows, SurveyMonkey two, Shopify one row per line item. So the files kind reads the
file without a header, every cell as text (CSV or Excel alike), and the vendor's
reader decides which rows are headers and what the columns are called. Its result
keeps the vendor's columns under their own names (so ``columns`` and ``segments``
can name them) and adds the canonical columns it knows how to fill; canonicalisation
then casts and checks them as for any file. ``EXPORT_ROW`` numbers the data rows of
the file (after the vendor's header rows), so ``_source_row`` still finds a row when
the reader left some out (unanswered questions, cancelled orders) or merged several
(an order's line items).

Example:
    >>> grid = pl.DataFrame({"column_1": ["id", "a", None], "column_2": ["score", "9", " "]})
    >>> header_rows(grid, 1)
    [['id', 'score']]
    >>> export = Export(grid, "x.csv", "exports", DatasetMapping("responses", {}))
    >>> export.table(["id", "score"], header_rows=1).rows()
    [('a', '9', 1), (None, ' ', 2)]
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from benefitboard.config import DatasetMapping
from canonical.surveys import SURVEYS
from connectors.errors import SourceError

EXPORT_ROW = "_export_row"
"""1-based data row of the file (after the vendor's header rows) a result row comes from."""


@dataclass(frozen=True)
class ExportFormat:
    """One vendor layout: its config name, the datasets it fills, how to spot it and read it."""

    name: str
    """What a workspace writes as ``format = "..."``."""
    vendor: str
    datasets: tuple[str, ...]
    """Canonical datasets this export can be read as."""
    header_rows: int
    """How many rows the layout's header takes (the data starts below them)."""
    expected: str
    """The header the layout has, in words, for the error when a file is not in it."""
    looks_like: Callable[[list[list[str]]], bool]
    """True when the first rows of a file (up to three) are this layout's header."""
    read: Callable[[Export], pl.DataFrame]
    """The export's rows: vendor columns, canonical columns it fills, and ``EXPORT_ROW``."""


@dataclass(frozen=True)
class Export:
    """One file of a dataset, as a grid of text, with what errors need to name."""

    grid: pl.DataFrame
    """Every row of the file, header rows included, every cell text (null when blank)."""
    file: str
    source: str
    mapping: DatasetMapping

    @property
    def dataset(self) -> str:
        return self.mapping.dataset

    def header(self, count: int) -> list[list[str]]:
        return header_rows(self.grid, count)

    def table(self, names: Sequence[str], header_rows: int) -> pl.DataFrame:
        """The rows below the header rows, columns called ``names`` (made unique), numbered."""
        body = self.grid.slice(header_rows)
        renamed = body.rename(dict(zip(body.columns, unique_names(names), strict=True)))
        return renamed.with_columns(
            (pl.int_range(pl.len(), dtype=pl.Int64) + 1).alias(EXPORT_ROW)
        ).select(pl.all().exclude(EXPORT_ROW), EXPORT_ROW)

    def error(
        self, problem: str, *, hint: str = "", column: str | None = None, rows: Sequence[int] = ()
    ) -> SourceError:
        problem = f"{self.file}: {problem}"
        return SourceError(self.source, self.dataset, problem, column=column, rows=rows, hint=hint)

    def score_column(self, frame: pl.DataFrame, questions: Sequence[str]) -> str:
        """The column the workspace named as the score (``columns.score``), checked.

        Survey tools export every question; only the workspace knows which one is the
        NPS, CSAT or CES question, so an unnamed or misspelt one is an error listing them.
        """
        shown = ", ".join(repr(q) for q in questions[:12]) + (" …" if len(questions) > 12 else "")
        name = self.mapping.columns.get("score")
        if name is None:
            example = questions[0] if questions else "Q1"
            raise self.error(
                "say which question is the score",
                hint=f'map it in the workspace config: columns = {{ score = "{example}" }}; '
                f"the export's questions are {shown or 'none'}",
            )
        if name not in frame.columns:
            close = difflib.get_close_matches(name, list(questions), n=1, cutoff=0.5)
            raise self.error(
                f"the score question {name!r} (columns.score) is not in the export",
                column=name,
                hint=(f"did you mean {close[0]!r}? " if close else "")
                + f"the export's questions are {shown or 'none'}",
            )
        return name

    def survey(self, default: str | None = None) -> str:
        """The survey the score answers: the dataset's ``survey`` key, else ``default``."""
        chosen = self.mapping.options.get("survey", default)
        if chosen is None:
            raise self.error(
                "the export does not say which survey the score answers",
                hint=f"add survey = {SURVEYS[0]!r} (or {', '.join(map(repr, SURVEYS[1:]))}) "
                "to this dataset in the workspace config",
            )
        return str(chosen)


def header_rows(grid: pl.DataFrame, count: int) -> list[list[str]]:
    """The first ``count`` rows of a grid as stripped text, a blank cell as ``""``."""
    return [
        ["" if cell is None else str(cell).strip() for cell in row]
        for row in grid.head(count).rows()
    ]


def unique_names(names: Sequence[str]) -> list[str]:
    """Column names made unique and never blank, so polars can hold them.

    >>> unique_names(["Q1", "", "Q1", "Q1"])
    ['Q1', 'column 2', 'Q1 (2)', 'Q1 (3)']
    """
    seen: dict[str, int] = {}
    unique = []
    for position, name in enumerate(names, start=1):
        name = name.strip() or f"column {position}"
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def find_column(names: Sequence[str], *candidates: str) -> str | None:
    """The first of ``candidates`` among ``names``, ignoring case; the name as the file spells it.

    >>> find_column(["Ticket ID", "Score"], "ticket_id", "ticket id")
    'Ticket ID'
    """
    by_lower = {name.lower(): name for name in names}
    return next((by_lower[c.lower()] for c in candidates if c.lower() in by_lower), None)


def has_columns(row: Sequence[str], *required: str) -> bool:
    """True when a header row holds every one of ``required`` (ignoring case)."""
    return all(find_column(row, name) is not None for name in required)


def cell(name: str) -> pl.Expr:
    """A column's text, stripped, with a blank cell as null."""
    text = pl.col(name).cast(pl.Utf8).str.strip_chars()
    return pl.when(text != "").then(text)


def answered(frame: pl.DataFrame, score_column: str) -> pl.DataFrame:
    """The rows that answered the score question: a skipped question or a partial
    response that never reached it gave no score, and is no response to count."""
    return frame.filter(cell(score_column).is_not_null())


def timestamp_text(name: str, formats: Sequence[str]) -> pl.Expr:
    """A vendor's own time format rewritten as ISO text; other values left as written.

    Canonicalisation reads ISO text (with or without an offset) and reports what it
    cannot read with the raw value, so a value none of ``formats`` reads is kept as is.
    """
    text = cell(name)
    parsed = pl.coalesce([text.str.strptime(pl.Datetime("us"), f, strict=False) for f in formats])
    return pl.coalesce(parsed.dt.strftime("%Y-%m-%d %H:%M:%S"), text)


__all__ = [
    "EXPORT_ROW",
    "Export",
    "ExportFormat",
    "answered",
    "cell",
    "find_column",
    "has_columns",
    "header_rows",
    "timestamp_text",
    "unique_names",
]
