"""Local reporting days as SQL: day ranges → UTC instants → the source's own time values.

Why not ``timezone(tz, ts)::date``: that is PostgreSQL's; SQLite has no zone
database, and every warehouse spells it differently. Instead the day edges are
worked out here, in Python, where the zone database is: local midnight of each
edge day in the reporting zone is one UTC instant (DST included), and a row
belongs to range *i* when ``edge_i <= ts < edge_{i+1}``. Those comparisons are
the same SQL in every dialect. A small binary ``CASE`` tree (about log2(ranges)
comparisons per row) turns a timestamp into its range number.

Ranges, not days: a tile needs only its period and the comparison period, a
weekly trend only its weeks. ``elementary_ranges`` cuts the union of the
requested periods at every period edge, so each requested period is a union
of whole ranges; the aggregate is grouped by range and dated by the range's
first day, which the metrics engine then labels exactly as it would a day.

Source values: a zone-aware column takes the UTC instant; naive timestamps and
ISO text hold wall-clock time in the *source's* zone, so an instant becomes the
first wall-clock value that the connector would read as that instant or later
(``wall_clock_threshold``; the connector reads a repeated hour's wall clock as
its first occurrence).

Example:
    >>> from metrics.periods import Period
    >>> march = Period(date(2024, 3, 1), date(2024, 3, 31))
    >>> [str(r) for r in elementary_ranges([march, Period(date(2024, 3, 25), date(2024, 4, 2))])]
    ['2024-03-01 – 2024-03-24', '2024-03-25 – 2024-03-31', '2024-04-01 – 2024-04-02']
    >>> utc_edge(date(2024, 3, 31), "Europe/Berlin").isoformat()
    '2024-03-30T23:00:00+00:00'
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from connectors.pushdown.relation import TimeStyle
from metrics.periods import Period

_QUARTER_HOUR = timedelta(minutes=15)


def elementary_ranges(periods: Sequence[Period], by_day: bool = False) -> list[Period]:
    """The union of ``periods`` cut at every period's edges (or into single days), in order."""
    if not periods:
        raise ValueError("live aggregates need at least one period")
    days = sorted({p.start + timedelta(days=i) for p in periods for i in range(p.days)})
    cuts = {p.start for p in periods} | {p.end + timedelta(days=1) for p in periods}
    ranges: list[Period] = []
    start = previous = days[0]
    for day in days[1:]:
        if by_day or day != previous + timedelta(days=1) or day in cuts:
            ranges.append(Period(start, previous))
            start = day
        previous = day
    ranges.append(Period(start, previous))
    return ranges


def utc_edge(day: date, timezone: str) -> datetime:
    """The UTC instant at which local ``day`` begins in ``timezone``.

    A midnight that does not exist (clocks jump at 00:00) is read with the offset
    before the jump, which is exactly the jump's instant.
    """
    local = datetime.combine(day, time(), ZoneInfo(timezone))
    return local.astimezone(UTC)


def source_value(instant: datetime, style: TimeStyle, source_timezone: str) -> datetime | str:
    """``instant`` as the source stores time: the smallest stored value at or after it.

    For every stored value v: v >= source_value(instant) exactly when the
    connector would read v as an instant >= ``instant``.
    """
    if style is TimeStyle.AWARE:
        return instant
    if style is TimeStyle.DATE:
        raise ValueError("date columns are compared with dates, not instants")
    wall = wall_clock_threshold(instant, source_timezone)
    return wall if style is TimeStyle.NAIVE else iso_text(wall)


def wall_clock_threshold(instant: datetime, timezone: str) -> datetime:
    """The first naive wall-clock time in ``timezone`` read as ``instant`` or later.

    The connector reads a repeated (fall-back) hour's wall clock as its first
    occurrence, so an instant inside the second occurrence is reached only at
    the end of the repeated hour. Transitions fall on quarter hours.
    """
    zone = ZoneInfo(timezone)
    wall = instant.astimezone(zone).replace(tzinfo=None)
    while _earliest_instant(wall, zone) < instant:
        wall = _next_quarter_hour(wall)
    return wall


def iso_text(wall: datetime) -> str:
    """Wall-clock time as the shortest ISO text that sorts exactly at it.

    '2024-03-31' sorts before '2024-03-31 00:00:00' although both mean midnight,
    so a midnight bound is written as the bare date; other bounds (quarter hours)
    as 'YYYY-MM-DD HH:MM', which sorts before every 'HH:MM:SS' of that minute.
    """
    if wall.time() == time():
        return wall.date().isoformat()
    if wall.second or wall.microsecond:
        return wall.isoformat(sep=" ")
    return wall.strftime("%Y-%m-%d %H:%M")


def clock_changes(start: datetime, end: datetime, timezone: str) -> list[tuple[datetime, int, int]]:
    """(switch instant, offset before, offset after) in seconds, for each change in [start, end)."""
    zone = ZoneInfo(timezone)
    found = []
    moment = start
    step = timedelta(hours=6)
    while moment < end:
        after = moment + step
        before_offset, after_offset = _offset(moment, zone), _offset(after, zone)
        if after_offset != before_offset:
            found.append((_switch_instant(moment, after, zone), before_offset, after_offset))
        moment = after
    return found


def _offset(moment: datetime, zone: ZoneInfo) -> int:
    """The UTC offset of ``zone`` at the instant ``moment``, in whole seconds."""
    offset = moment.astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def gaps(start: datetime, end: datetime, timezone: str) -> list[tuple[datetime, datetime]]:
    """Wall-clock stretches [from, to) that do not exist in ``timezone`` between two instants.

    The connector cannot place such a value (clocks went forward): in refresh
    mode the row is quarantined, so live mode must leave it out too.
    """
    return [
        (_wall_at(switch, before), _wall_at(switch, after))
        for switch, before, after in clock_changes(start, end, timezone)
        if after > before
    ]


def utc_offset_case(
    wall: sa.ColumnElement, start: datetime, end: datetime, timezone: str, text: bool
) -> sa.ColumnElement:
    """SQL: the UTC offset in seconds the connector applies to wall-clock value ``wall``.

    Between the instants ``start`` and ``end``; a repeated hour reads as its first
    occurrence, so the offset changes where the later of the two readings begins.
    """
    changes = clock_changes(start, end, timezone)
    first = _offset(start, ZoneInfo(timezone))
    expression: sa.ColumnElement = sa.literal(first, sa.Integer)
    for switch, before, after in changes:
        threshold = _wall_at(switch, max(before, after))
        stored = iso_text(threshold) if text else threshold
        expression = sa.case(
            (wall >= _bound(stored, wall), sa.literal(after, sa.Integer)), else_=expression
        )
    return expression


def _wall_at(instant: datetime, offset_seconds: int) -> datetime:
    return (instant + timedelta(seconds=offset_seconds)).replace(tzinfo=None)


def stored_edges(
    ranges: Sequence[Period], timezone: str, style: TimeStyle, source_timezone: str
) -> list[tuple[object, object]]:
    """Each range's [first instant, first instant after) as the source stores time."""
    return [
        (
            source_value(utc_edge(r.start, timezone), style, source_timezone),
            source_value(utc_edge(r.end + timedelta(days=1), timezone), style, source_timezone),
        )
        for r in ranges
    ]


def within(stamp: sa.ColumnElement, edges: Sequence[tuple[object, object]]) -> sa.ColumnElement:
    """SQL: ``stamp`` lies in one of the [low, high) pairs (adjacent pairs merged)."""
    merged: list[tuple[object, object]] = []
    for low, high in edges:
        if merged and merged[-1][1] == low:
            merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    return sa.or_(
        *(sa.and_(stamp >= _bound(low, stamp), stamp < _bound(high, stamp)) for low, high in merged)
    )


def range_case(
    stamp: sa.ColumnElement, edges: Sequence[tuple[object, object]]
) -> sa.ColumnElement[int]:
    """SQL: the index of the [low, high) pair holding ``stamp``, NULL outside all of them.

    ``edges`` are ascending and non-overlapping, in the column's own values.
    Built as a balanced tree of CASE expressions, so a row is placed after
    about log2(len(edges)) comparisons; every edge is a bound parameter.
    """
    points: list[object] = []
    labels: list[int | None] = []
    for index, (low, high) in enumerate(edges):
        if points and points[-1] == low:
            labels[-1] = index
        else:  # the first range, or one after a gap (whose label stays None)
            points.append(low)
            labels.append(index)
        points.append(high)
        labels.append(None)
    # Stretch j is [points[j], points[j+1]) with label labels[j]; values below points[0] are
    # never asked about (the WHERE clause keeps rows inside the ranges).

    def tree(first: int, last: int) -> sa.ColumnElement:
        if first == last:
            label = labels[first]
            return sa.null() if label is None else sa.literal(label, sa.Integer)
        middle = (first + last + 1) // 2
        return sa.case(
            (stamp < _bound(points[middle], stamp), tree(first, middle - 1)),
            else_=tree(middle, last),
        )

    return tree(0, len(points) - 2)


def _bound(value: object, column: sa.ColumnElement) -> sa.BindParameter:
    return sa.bindparam(None, value, type_=column.type)


def _earliest_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _next_quarter_hour(wall: datetime) -> datetime:
    floored = wall.replace(minute=wall.minute - wall.minute % 15, second=0, microsecond=0)
    return floored + _QUARTER_HOUR


def _switch_instant(low: datetime, high: datetime, zone: ZoneInfo) -> datetime:
    """The instant in (low, high] where the offset changes (quarter-hour resolution)."""
    offset = low.astimezone(zone).utcoffset()
    while high - low > _QUARTER_HOUR:
        middle = low + (high - low) / 2
        middle = middle.replace(minute=middle.minute - middle.minute % 15, second=0, microsecond=0)
        if middle <= low:
            break
        if middle.astimezone(zone).utcoffset() == offset:
            low = middle
        else:
            high = middle
    # high is now the first checked quarter hour with the new offset
    return high
