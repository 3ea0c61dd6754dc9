"""Verbatims: the comments behind a number, searchable, by score band, newest first, by page.

A product manager who sees NPS fall in North wants to read what North's
detractors wrote, in their own words, in a few clicks. This module finds those
comments in the very rows the KPI counted (same period, same filters, same local
days: ``metrics.aggregates.prepared_rows``), so "the comments behind the number"
is literally true.

Search is plain text, never a pattern: ``late "new carrier"`` finds comments that
contain the word-piece ``late`` *and* the phrase ``new carrier``, ignoring case and
accents (``nao`` finds "Não", ``não`` finds "nao": ``metrics.text_fold``).
Whatever the user types is matched literally (``.*`` finds a dot and a star).

Score bands, per survey (``low`` is the unhappy end, ``high`` the happy end):

| band | nps (0–10) | csat (1–5) | ces agreement7 | ces effort5 |
| --- | --- | --- | --- | --- |
| detractors / low | 0–6 | 1–2 | 1–3 (hard) | 4–5 (hard) |
| passives | 7–8 | 3 | 4 | 3 |
| promoters / high | 9–10 | 4–5 | 5–7 (easy) | 1–2 (easy) |

For a CSAT scale other than 1–5, low/high are its two lowest/highest values.

Example:
    >>> search_terms('Late  "new carrier" LATE')
    ['late', 'new carrier']
    >>> search_terms('NÃO "não  recebi" nao')
    ['nao', 'nao recebi']
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from metrics.aggregates import Frame, prepared_rows
from metrics.engine import MetricUnavailableError
from metrics.periods import Period
from metrics.pii import masked
from metrics.settings import DEFAULT_SETTINGS, Filters, MetricSettings
from metrics.text_fold import fold_text, folded

SCORE_BANDS = ("all", "detractors", "passives", "promoters", "low", "high")
SEARCH_COLUMN = "_search"
"""The masked, folded (lower-cased, accents removed) comment text that searches read (built
once per snapshot)."""
MAX_TERMS = 10
_TERM = re.compile(r'"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class CommentSource:
    """Where a dataset keeps its comments and their score: responses vs. contacts."""

    dataset: str
    text: str
    time: str
    score: str
    survey: str | None
    """The column naming the survey, or None when every score is on one survey's scale."""
    fixed_survey: str = "ces"


RESPONSE_COMMENTS = CommentSource("responses", "comment", "responded_at", "score", "survey")
CONTACT_COMMENTS = CommentSource("contacts", "comment", "opened_at", "ces_score", None, "ces")


@dataclass(frozen=True)
class Page:
    """One page of a newest-first list: its rows, its number, how many pages and rows in all."""

    rows: pl.DataFrame
    number: int
    pages: int
    total: int


def search_terms(query: str | None) -> list[str]:
    """Words and "quoted phrases" of a search, folded, each once, at most ``MAX_TERMS``.

    Folded as the searched text is (``metrics.text_fold``: lower-cased, accents
    removed), so ``não`` and ``NAO`` are one term and find the same comments.
    """
    terms: list[str] = []
    for phrase, word in _TERM.findall(query or ""):
        term = " ".join(fold_text(phrase or word).split())
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def comment_index(raw: Frame, source: CommentSource = RESPONSE_COMMENTS) -> pl.DataFrame:
    """The rows of ``raw`` that have a comment, newest first, with their folded text.

    Build it once per snapshot: every search then reads it without folding
    or sorting again (that is what keeps a search on a million responses fast).
    The searched text is the masked one (``metrics.pii``), so a search can never
    find a comment by an e-mail address or phone number it does not show (the
    text is masked, then folded).

    >>> from datetime import datetime, UTC
    >>> raw = pl.DataFrame({"comment": ["Old", None, "  ", "Não"],
    ...     "responded_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 3, 4)]})
    >>> comment_index(raw)[SEARCH_COLUMN].to_list()
    ['nao', 'old']
    """
    text = pl.col(source.text)
    return (
        raw.lazy()
        .filter(text.is_not_null() & (text.str.strip_chars() != ""))
        .sort(source.time, descending=True, nulls_last=True)
        .with_columns(folded(masked(text)).alias(SEARCH_COLUMN))
        .collect()
    )


def matches_search(terms: Sequence[str], column: str = SEARCH_COLUMN) -> pl.Expr:
    """True where the (folded) ``column`` contains every (folded) term, literally."""
    condition = pl.lit(True)
    for term in terms:
        condition = condition & pl.col(column).str.contains(term, literal=True)
    return condition


def in_band(
    band: str,
    source: CommentSource = RESPONSE_COMMENTS,
    settings: MetricSettings = DEFAULT_SETTINGS,
) -> pl.Expr:
    """True for rows whose score lies in ``band`` on their survey's scale (table in module doc)."""
    if band not in SCORE_BANDS:
        raise ValueError(f"unknown score band {band!r}; expected one of {SCORE_BANDS}")
    if band == "all":
        return pl.lit(True)
    side = {"detractors": "low", "promoters": "high"}.get(band, band)
    score = pl.col(source.score)
    survey = (
        pl.col(source.survey).str.strip_chars().str.to_lowercase()
        if source.survey
        else pl.lit(source.fixed_survey)
    )
    condition = pl.lit(False)
    for name, (low, middle, high) in score_bands(settings).items():
        bounds = {"low": low, "passives": middle, "high": high}[side]
        condition = condition | ((survey == name) & score.is_between(*bounds))
    return condition.fill_null(False)


def find_verbatims(
    index: pl.DataFrame,
    period: Period,
    *,
    source: CommentSource = RESPONSE_COMMENTS,
    filters: Filters | None = None,
    search: str | None = None,
    band: str = "all",
    surveys: Sequence[str] = (),
    settings: MetricSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """Comments of ``index`` in ``period`` matching the filters, band and search, newest first.

    ``surveys`` limits responses to those surveys (e.g. ``["nps"]`` for the NPS
    drill-down); empty means every survey. The result keeps the index's columns
    (text, time, score, segments…) plus the local ``day``. A filter on a column
    the dataset lacks raises ``MetricUnavailableError`` saying so.
    """
    absent = [c for c, v in (filters or {}).items() if v and c not in index.columns]
    if absent:
        raise MetricUnavailableError(
            f"{source.dataset} have no {', '.join(repr(c) for c in absent)} to filter by, "
            "so their comments can't be narrowed to it"
        )
    rows = prepared_rows(
        source.dataset,
        index,
        periods=[period],
        filters={k: list(v) for k, v in (filters or {}).items() if v},
        timezone=settings.timezone,
    )
    if surveys and source.survey:
        wanted = [s.strip().lower() for s in surveys]
        rows = rows.filter(pl.col(source.survey).str.strip_chars().str.to_lowercase().is_in(wanted))
    terms = search_terms(search)
    rows = rows.filter(in_band(band, source, settings) & matches_search(terms))
    return rows.sort(source.time, descending=True, nulls_last=True).collect()


def page_of(rows: pl.DataFrame, number: int, size: int = 20) -> Page:
    """Page ``number`` (1-based, clamped to the pages there are) of ``size`` rows.

    >>> page = page_of(pl.DataFrame({"x": range(45)}), 9, size=20)
    >>> page.number, page.pages, page.total, page.rows["x"].to_list()[:2]
    (3, 3, 45, [40, 41])
    """
    if size < 1:
        raise ValueError(f"page size must be at least 1, got {size}")
    pages = max(1, math.ceil(rows.height / size))
    number = min(max(1, number), pages)
    return Page(rows.slice((number - 1) * size, size), number, pages, rows.height)


def score_bands(settings: MetricSettings) -> dict[str, tuple[tuple[int, int], ...]]:
    """Per survey: the (low, passives, high) score ranges, inclusive (table in the module doc).

    >>> score_bands(MetricSettings())["csat"]
    ((1, 2), (3, 3), (4, 5))
    """
    csat_low, csat_high = settings.csat_scale
    if settings.ces_scale == "agreement7":
        ces = ((1, 3), (4, 4), (5, 7))
    else:  # effort5: 1 = very low effort (good) … 5 = very high effort
        ces = ((4, 5), (3, 3), (1, 2))
    return {
        "nps": ((0, 6), (7, 8), (9, 10)),
        "csat": (
            (csat_low, csat_low + 1),
            (csat_low + 2, csat_high - 2),
            (csat_high - 1, csat_high),
        ),
        "ces": ces,
    }


def export_table(rows: pl.DataFrame, columns: Sequence[str], text: str) -> pl.DataFrame:
    """The rows to download: ``columns`` only, personal data masked in ``text``, and every
    text cell made safe to open in a spreadsheet.

    A cell starting with ``=``, ``+``, ``-`` or ``@`` would run as a formula in
    Excel or LibreOffice (CSV injection); such cells get a leading apostrophe.

    >>> rows = pl.DataFrame({"comment": ["=HYPERLINK(\\"http://x\\")", "mail a@b.de"], "n": [1, 2]})
    >>> export_table(rows, ["comment"], "comment")["comment"].to_list()
    ['\\'=HYPERLINK("http://x")', 'mail [email]']
    """
    table = rows.select([c for c in columns if c in rows.columns])
    if text in table.columns:
        table = table.with_columns(masked(text))
    strings = [c for c, dtype in table.schema.items() if dtype == pl.Utf8]
    return table.with_columns(
        pl.when(pl.col(c).str.contains(r"^[=+\-@\t\r]"))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in strings
    )
