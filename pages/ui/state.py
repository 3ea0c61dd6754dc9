"""The view a URL describes: period, comparison, grain, segment filters, snapshot, KPI.

Why the URL is the state: a link pasted into a roadmap review must reopen the
same view with the same numbers (DESIGN.md §4). Every control reads its value
from here and writes it back, so the address bar is always a complete,
shareable description of what is on screen.

Parsing is pure (a mapping in, a ViewState and notices out) so that hostile or
broken links can be tested without a browser: a bad parameter is reported and
replaced by its default, never executed or echoed as HTML.

Example:
    >>> view, notices = parse_view({"from": "2026-10-01", "to": "2026-10-30", "cmp": "year"})
    >>> view.comparison, notices
    ('year', [])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

COMPARISONS = ("previous", "year", "none")
GRAINS = ("day", "week", "month", "quarter")
SEGMENT_PREFIX = "seg."
MAX_PARAM_LENGTH = 200
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_SNAPSHOT = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")
KNOWN = {"from", "to", "last", "cmp", "grain", "asof", "kpi", "screen", "page"}


@dataclass(frozen=True)
class ViewState:
    """Everything that changes what a page shows."""

    start: date | None = None
    end: date | None = None
    last_days: int | None = 30
    """A relative period ("last 30 days of data"); used when start/end are not pinned."""
    comparison: str = "previous"
    grain: str = "week"
    segments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    asof: str | None = None
    kpi: str | None = None
    screen: bool = False

    def with_(self, **changes) -> ViewState:
        return replace(self, **changes)


def parse_view(
    params: Mapping[str, str | list[str]],
    *,
    segment_values: Mapping[str, Iterable[str]] | None = None,
    kpis: Iterable[str] | None = None,
) -> tuple[ViewState, list[str]]:
    """Read a ViewState from query parameters, with a short notice per rejected parameter.

    ``segment_values`` (segment -> known values) and ``kpis`` (known ids), when
    given, restrict what is accepted; unknown names and values are reported.
    """
    notices: list[str] = []
    view = ViewState()

    def value(name: str) -> str | None:
        raw = params.get(name)
        if isinstance(raw, list):
            raw = raw[-1] if raw else None
        if raw is None:
            return None
        if len(raw) > MAX_PARAM_LENGTH:
            notices.append(f"Ignored '{_safe(name)}': the value is too long.")
            return None
        return raw

    start, end = _date(value("from"), "from", notices), _date(value("to"), "to", notices)
    if start and end and start > end:
        notices.append("Ignored the period: 'from' is after 'to'.")
        start = end = None
    if start and end:
        view = view.with_(start=start, end=end, last_days=None)
    elif start or end:
        notices.append("Ignored the period: it needs both 'from' and 'to'.")
    last = value("last")
    if last is not None and view.start is None:
        if last.isdigit() and 1 <= int(last) <= 3660:
            view = view.with_(last_days=int(last))
        else:
            notices.append(f"Ignored 'last': expected a number of days, got '{_safe(last)}'.")
    view = _choice(view, "comparison", value("cmp"), COMPARISONS, "cmp", notices)
    view = _choice(view, "grain", value("grain"), GRAINS, "grain", notices)
    asof = value("asof")
    if asof is not None:
        if _SNAPSHOT.match(asof):
            view = view.with_(asof=asof)
        else:
            notices.append(f"Ignored 'asof': '{_safe(asof)}' is not a snapshot id.")
    kpi = value("kpi")
    if kpi is not None:
        known = set(kpis) if kpis is not None else None
        if _NAME.match(kpi) and (known is None or kpi in known):
            view = view.with_(kpi=kpi)
        else:
            notices.append(f"Ignored 'kpi': unknown KPI '{_safe(kpi)}'.")
    view = view.with_(screen=value("screen") in ("1", "true", "yes"))
    view = view.with_(segments=_segments(params, value, segment_values, notices))
    for name in params:
        if name not in KNOWN and not name.startswith(SEGMENT_PREFIX):
            notices.append(f"Ignored unknown parameter '{_safe(name)}'.")
    return view, notices


def view_to_params(view: ViewState) -> dict[str, str]:
    """The query parameters that describe ``view`` (defaults are left out to keep links short)."""
    params: dict[str, str] = {}
    if view.start and view.end:
        params["from"], params["to"] = view.start.isoformat(), view.end.isoformat()
    elif view.last_days and view.last_days != 30:
        params["last"] = str(view.last_days)
    if view.comparison != "previous":
        params["cmp"] = view.comparison
    if view.grain != "week":
        params["grain"] = view.grain
    for segment, values in sorted(view.segments.items()):
        if values:
            params[SEGMENT_PREFIX + segment] = ",".join(values)
    if view.asof:
        params["asof"] = view.asof
    if view.kpi:
        params["kpi"] = view.kpi
    if view.screen:
        params["screen"] = "1"
    return params


def _segments(params, value, segment_values, notices) -> dict[str, tuple[str, ...]]:
    chosen: dict[str, tuple[str, ...]] = {}
    for name in params:
        if not name.startswith(SEGMENT_PREFIX):
            continue
        segment = name[len(SEGMENT_PREFIX) :]
        if not _NAME.match(segment) or (
            segment_values is not None and segment not in segment_values
        ):
            notices.append(f"Ignored filter '{_safe(name)}': no such segment.")
            continue
        raw = value(name)
        if not raw:
            continue
        values = tuple(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))
        if segment_values is not None:
            known = set(segment_values[segment])
            unknown = [v for v in values if v not in known]
            if unknown:
                shown = ", ".join(_safe(v) for v in unknown[:3])
                notices.append(f"Ignored {segment} value(s) not in the data: {shown}.")
            values = tuple(v for v in values if v in known)
        if values:
            chosen[segment] = values
    return chosen


def _choice(view, attribute, raw, allowed, name, notices) -> ViewState:
    if raw is None:
        return view
    if raw in allowed:
        return view.with_(**{attribute: raw})
    notices.append(f"Ignored '{name}': expected one of {', '.join(allowed)}, got '{_safe(raw)}'.")
    return view


def _date(raw: str | None, name: str, notices: list[str]) -> date | None:
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else _bad()
    except ValueError:
        notices.append(f"Ignored '{name}': '{_safe(raw)}' is not a date (YYYY-MM-DD).")
        return None


def _bad() -> date:
    raise ValueError


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")


def _safe(text: str, limit: int = 40) -> str:
    """A short, printable echo of user input for a notice, with Markdown neutralised.

    Notices are shown with Streamlit elements that render Markdown, so every
    Markdown character is escaped: a hostile link shows as text, not a link.
    """
    cleaned = "".join(c if c.isprintable() else "?" for c in str(text))
    shortened = cleaned[:limit] + ("…" if len(cleaned) > limit else "")
    return _MARKDOWN.sub(r"\\\1", shortened)
