"""What one table's columns hold: kind (text, number, timestamp…), spread, common values.

Why a profile and not the frame: the guessing (``benefitboard.starter.guess``) reads
names and a few facts per column, the same for a CSV read as text, a typed Parquet
file, an Excel sheet or a database table. Profiling once turns each of them into
those facts, so the guessing is pure and its tests are hand-made profiles' worth of
data.

Example:
    >>> frame = pl.DataFrame({"id": ["a", "b", "c"], "stars": ["5", "4", "5"],
    ...                       "at": ["2025-01-02 10:00:00", "2025-01-03 11:00:00", None]})
    >>> table = profile_frame("reviews", frame)
    >>> [(c.name, c.kind, c.unique) for c in table.columns]
    [('id', 'text', True), ('stars', 'integer', False), ('at', 'timestamp', True)]
    >>> table.column("stars").values, table.column("at").offset
    ((4.0, 5.0), 'naive')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

import polars as pl

ColumnKind = Literal["text", "integer", "number", "timestamp", "date", "boolean", "empty"]
Offset = Literal["naive", "offset", "mixed"]

MOST_COMMON = 6
"""How many of a text column's most common values a profile keeps (for comments)."""
FEW_VALUES = 15
"""A numeric column with at most this many distinct values keeps them all (score scales)."""
PARSED_SHARE = 0.95
"""A text column is numeric or a timestamp when this share of its values reads as one."""

_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?P<time>[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?"
    r"(?P<offset>\s?(Z|[+-]\d{2}(:?\d{2})?))?$"
)
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?P<time> \d{1,2}:\d{2}(:\d{2})?)?$")


@dataclass(frozen=True)
class ColumnProfile:
    """The facts about one column that guessing reads."""

    name: str
    kind: ColumnKind
    non_null: int
    distinct: int
    unique: bool
    """Every present value differs (a key), and there is at least one."""
    low: float | None = None
    high: float | None = None
    values: tuple[float, ...] = ()
    """The distinct numbers, when there are at most ``FEW_VALUES`` (a score scale)."""
    common: tuple[tuple[str, int], ...] = ()
    """Text: the most common values with their counts, most common first."""
    mean_length: float = 0.0
    """Text: the mean length of present values (free text is long)."""
    offset: Offset | None = None
    """Timestamps: whether values carry a UTC offset (``offset``), none do (``naive``), or both."""
    timestamp_format: str | None = None
    """Timestamps written day/month/year or month/day/year: the strftime pattern to read them."""
    newest: str | None = None
    """Timestamps and dates: the latest value as written."""


@dataclass(frozen=True)
class TableProfile:
    """One table (a file, an Excel sheet or a database table) and its columns."""

    name: str
    """The name a query uses for it: letters, digits and _."""
    rows: int
    columns: tuple[ColumnProfile, ...]
    location: str = ""
    """Where it is: a file path, or the database table's name."""
    reader: str = "csv"
    """csv, parquet, excel or sql."""
    sheet: str | None = None
    first_sheet: bool = True
    """Excel: this is the workbook's first sheet (the one a query's table reads)."""
    encoding: str = "utf-8"
    vendor_format: str | None = None
    """A survey tool's or shop's export layout (``connectors.formats``) its first rows are in."""

    def column(self, name: str) -> ColumnProfile:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def profile_frame(name: str, frame: pl.DataFrame, rows: int | None = None) -> TableProfile:
    """Profile every column of ``frame`` (text columns are read for numbers and timestamps).

    ``rows`` is the table's full row count when ``frame`` is a sample of it.
    """
    columns = tuple(profile_column(frame.get_column(c)) for c in frame.columns)
    return TableProfile(name=name, rows=frame.height if rows is None else rows, columns=columns)


def profile_column(series: pl.Series) -> ColumnProfile:
    """The facts about one column; text is tried as numbers, then as timestamps.

    >>> profile_column(pl.Series("score", ["9", "10", "0", ""])).values
    (0.0, 9.0, 10.0)
    >>> profile_column(pl.Series("at", ["31/01/2025 10:00", "01/02/2025 09:30"])).timestamp_format
    '%d/%m/%Y %H:%M'
    """
    name = series.name
    if series.dtype == pl.Utf8:
        series = series.str.strip_chars().replace("", None)
    present = series.drop_nulls()
    non_null = present.len()
    if non_null == 0:
        return ColumnProfile(name, "empty", 0, 0, False)
    distinct = present.n_unique()
    facts = ColumnProfile(name, "text", non_null, distinct, unique=distinct == non_null)
    dtype = series.dtype
    if dtype == pl.Boolean:
        return replace(facts, kind="boolean")
    if dtype.is_numeric():
        return _numeric(present.cast(pl.Float64), facts)
    if isinstance(dtype, pl.Datetime):
        offset: Offset = "offset" if dtype.time_zone else "naive"
        return replace(facts, kind="timestamp", offset=offset, newest=str(present.max()))
    if dtype == pl.Date:
        return replace(facts, kind="date", newest=str(present.max()))
    text = present.cast(pl.Utf8)
    numbers = text.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    if numbers.null_count() <= non_null * (1 - PARSED_SHARE) and not _leading_zeros(text):
        return _numeric(numbers.drop_nulls(), facts)
    timestamp = _timestamp(text, facts)
    if timestamp is not None:
        return timestamp
    counts = text.value_counts(sort=True).head(MOST_COMMON)
    common = tuple((str(v), int(n)) for v, n in counts.iter_rows())
    mean_length = _number(text.str.len_chars().mean())
    return replace(facts, common=common, mean_length=mean_length)


def _leading_zeros(text: pl.Series) -> bool:
    """Codes like zip codes '01310' are identifiers, not numbers."""
    return bool(text.str.contains(r"^0\d").any())


def _numeric(numbers: pl.Series, facts: ColumnProfile) -> ColumnProfile:
    whole = bool((numbers == numbers.round(0)).all())
    distinct = numbers.unique().sort()
    values = tuple(float(v) for v in distinct) if distinct.len() <= FEW_VALUES else ()
    return replace(
        facts,
        kind="integer" if whole else "number",
        low=_number(numbers.min()),
        high=_number(numbers.max()),
        values=values,
    )


def _number(value: object) -> float:
    """A polars aggregate of a numeric series as a float (its type says it could be a date)."""
    return float(value) if isinstance(value, int | float) else 0.0


def _timestamp(text: pl.Series, facts: ColumnProfile) -> ColumnProfile | None:
    """A text column of ISO timestamps or dates, or of d/m/Y or m/d/Y ones; else None."""
    values = text.to_list()
    iso = [_ISO.match(v) for v in values]
    if sum(m is not None for m in iso) >= len(values) * PARSED_SHARE:
        matched = [m for m in iso if m is not None]
        with_time = any(m.group("time") for m in matched)
        offsets = {bool(m.group("offset")) for m in matched}
        offset: Offset = (
            "mixed" if len(offsets) == 2 else ("offset" if True in offsets else "naive")
        )
        newest = max(values)
        if not with_time:
            return replace(facts, kind="date", newest=newest)
        return replace(facts, kind="timestamp", offset=offset, newest=newest)
    slashed = [_SLASHED.match(v) for v in values]
    matched_slashed = [m for m in slashed if m is not None]
    if not matched_slashed or len(matched_slashed) < len(values) * PARSED_SHARE:
        return None
    first_over_12 = any(int(m.group(1)) > 12 for m in matched_slashed)
    second_over_12 = any(int(m.group(2)) > 12 for m in matched_slashed)
    separator = "/" if "/" in values[0] else "."
    day_first = first_over_12 or not second_over_12
    date_part = separator.join(["%d", "%m", "%Y"] if day_first else ["%m", "%d", "%Y"])
    times = [m.group("time") for m in matched_slashed if m.group("time")]
    time_part = ""
    if times:
        time_part = " %H:%M:%S" if times[0].count(":") == 2 else " %H:%M"
    return replace(
        facts,
        kind="timestamp" if times else "date",
        offset="naive" if times else None,
        timestamp_format=date_part + time_part,
    )
