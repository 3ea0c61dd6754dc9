"""The view a URL describes: period, comparison, grain, segment filters, snapshot, KPI.

Why the URL is the state: a link pasted into a roadmap review must reopen the
same view with the same numbers (docs/URL_STATE.md). Every control reads its value
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

from metrics.periods import GRAINS, Grain
from pages.ui.text import escape_markdown, printable

COMPARISONS = ("previous", "year", "none")
SEGMENT_PREFIX = "seg."
MAX_PARAM_LENGTH = 200
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_SNAPSHOT = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")
SCORE_BANDS = ("all", "detractors", "passives", "promoters", "low", "high")
KNOWN = {
    "from", "to", "last", "cmp", "grain", "asof", "kpi", "screen",
    "split", "split2", "reason", "theme", "q", "band", "p", "rotate", "show", "dataset",
}  # fmt: skip
MAX_SEARCH_LENGTH = 120
MAX_NOTICES = 5
"""A link of junk would otherwise raise a notice per parameter; past this many, one sums up."""


@dataclass(frozen=True)
class ViewState:
    """Everything that changes what a page shows."""

    start: date | None = None
    end: date | None = None
    last_days: int | None = 30
    """A relative period ("last 30 days of data"); used when start/end are not pinned."""
    comparison: str = "previous"
    grain: Grain = "week"
    segments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    asof: str | None = None
    kpi: str | None = None
    screen: bool = False
    split: str | None = None
    """Segment to split a KPI by (drill-down); ``split2`` makes it a two-way heatmap."""
    split2: str | None = None
    reason: str | None = None
    """Selected contact reason (effort page)."""
    theme: str | None = None
    """Selected feedback theme (feedback page)."""
    search: str | None = None
    """Verbatim search terms, as typed (plain text, never interpreted as a pattern)."""
    band: str = "all"
    """Verbatim score band."""
    page_number: int = 1
    rotate_seconds: int | None = None
    """Leadership screen: rotate through ``rotate_pages`` every N seconds."""
    rotate_pages: tuple[str, ...] = ()
    dataset: str | None = None
    """Dataset shown on the data-quality page (checked against the snapshot by that page)."""

    def with_(self, **changes) -> ViewState:
        return replace(self, **changes)


def _ascii_number(text: str) -> bool:
    """Only 0–9: ``str.isdigit`` also accepts '²' and '①' (which ``int`` refuses) and '３０' or
    '٣' (which ``int`` reads), so a link could crash a page or mean something else than it shows.

    >>> [_ascii_number(t) for t in ("30", "²", "①", "３０", "٣", "", "-1")]
    [True, False, False, False, False, False, False]
    """
    return text.isascii() and text.isdigit()


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
            if len(set(raw)) > 1:  # which one did the sender mean? neither is safe to guess
                notices.append(f"Ignored '{_safe(name)}': it is given {len(raw)} times.")
                return None
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
        if _ascii_number(last) and 1 <= int(last) <= 3660:
            view = view.with_(last_days=int(last))
        else:
            notices.append(f"Ignored 'last': expected a number of days, got '{_safe(last)}'.")
    view = _choice(view, "comparison", value("cmp"), COMPARISONS, "cmp", notices)
    view = _choice(view, "grain", value("grain"), GRAINS, "grain", notices)
    view = _matching(view, "asof", value("asof"), _SNAPSHOT, "is not a snapshot id", notices)
    kpi = value("kpi")
    if kpi is not None:
        known = set(kpis) if kpis is not None else None
        if _NAME.match(kpi) and (known is None or kpi in known):
            view = view.with_(kpi=kpi)
        else:
            notices.append(f"Ignored 'kpi': unknown KPI '{_safe(kpi)}'.")
    view = view.with_(screen=value("screen") in ("1", "true", "yes"))
    view = _selections(view, value, segment_values, notices)
    view = view.with_(segments=_segments(params, value, segment_values, notices))
    for name in params:
        if name not in KNOWN and not name.startswith(SEGMENT_PREFIX):
            notices.append(f"Ignored unknown parameter '{_safe(name)}'.")
    return view, _at_most(notices, MAX_NOTICES)


def within_data(view: ViewState, first: date, last: date) -> tuple[ViewState, list[str]]:
    """The view with its pinned period kept only if it lies within the data's days.

    A link's dates may be valid yet outside the data (typed by hand, or older
    than the data kept); the period then falls back to the default, with a notice.

    >>> view, notices = within_data(ViewState(start=date(2030, 1, 1), end=date(2030, 1, 31),
    ...     last_days=None), date(2023, 1, 1), date(2026, 10, 31))
    >>> view.last_days, notices
    (30, ['Ignored the period: the data covers 2023-01-01 to 2026-10-31.'])
    """
    if view.start is None or view.end is None or first <= view.start <= view.end <= last:
        return view, []
    default = ViewState()
    notice = f"Ignored the period: the data covers {first.isoformat()} to {last.isoformat()}."
    return view.with_(start=None, end=None, last_days=default.last_days), [notice]


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
    for name, attribute in (("split", "split"), ("split2", "split2"), ("reason", "reason")):
        if getattr(view, attribute):
            params[name] = getattr(view, attribute)
    if view.theme:
        params["theme"] = view.theme
    if view.search:
        params["q"] = view.search
    if view.band != "all":
        params["band"] = view.band
    if view.page_number != 1:
        params["p"] = str(view.page_number)
    if view.rotate_seconds:
        params["rotate"] = str(view.rotate_seconds)
    if view.rotate_pages:
        params["show"] = ",".join(view.rotate_pages)
    if view.dataset:
        params["dataset"] = view.dataset
    return params


def _selections(view, value, segment_values, notices) -> ViewState:
    """Drill-down selections: split segments, reason, theme, search, band, page, rotation.

    Reasons and themes are data values, checked against the data by the page
    that uses them; here they are only limited in length and kept as text.
    """
    for name in ("split", "split2"):
        raw = value(name)
        if raw is None:
            continue
        if _NAME.match(raw) and (segment_values is None or raw in segment_values):
            view = view.with_(**{name: raw})
        else:
            notices.append(f"Ignored '{name}': no such segment '{_safe(raw)}'.")
    for name in ("reason", "theme"):
        raw = value(name)
        if raw is not None and not _plain(raw):
            notices.append(f"Ignored '{name}': it contains control characters.")
        elif raw is not None and raw.strip():
            view = view.with_(**{name: raw.strip()})
    search = value("q")
    if search is not None:
        if not _plain(search):
            notices.append("Ignored 'q': it contains control characters.")
        elif len(search) > MAX_SEARCH_LENGTH:
            notices.append(f"Ignored 'q': searches are at most {MAX_SEARCH_LENGTH} characters.")
        elif search.strip():
            view = view.with_(search=search.strip())
    view = _choice(view, "band", value("band"), SCORE_BANDS, "band", notices)
    page = value("p")
    if page is not None:
        if _ascii_number(page) and 1 <= int(page) <= 100_000:
            view = view.with_(page_number=int(page))
        else:
            notices.append(f"Ignored 'p': expected a page number, got '{_safe(page)}'.")
    rotate = value("rotate")
    if rotate is not None:
        if _ascii_number(rotate) and 10 <= int(rotate) <= 3600:
            view = view.with_(rotate_seconds=int(rotate))
        else:
            notices.append(f"Ignored 'rotate': expected 10 to 3600 seconds, got '{_safe(rotate)}'.")
    view = _matching(view, "dataset", value("dataset"), _NAME, "is not a dataset name", notices)
    show = value("show")
    if show is not None:
        pages = tuple(p for p in show.split(",") if p)
        if pages and all(_NAME.match(p.replace("-", "_")) for p in pages):
            view = view.with_(rotate_pages=pages)
        else:
            notices.append(f"Ignored 'show': '{_safe(show)}' is not a list of pages.")
    return view


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


def _matching(view, name, raw, pattern: re.Pattern, problem: str, notices) -> ViewState:
    """Take ``raw`` as the view's ``name`` if it matches ``pattern``, else say why not."""
    if raw is None:
        return view
    if pattern.match(raw):
        return view.with_(**{name: raw})
    notices.append(f"Ignored '{name}': '{_safe(raw)}' {problem}.")
    return view


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


def _plain(text: str) -> bool:
    """No control or direction-override characters (which would make shown text lie)."""
    return text.isprintable()


def _at_most(notices: list[str], limit: int) -> list[str]:
    """The first notices, and one that counts the rest, so junk cannot flood the screen."""
    if len(notices) <= limit:
        return notices
    rest = len(notices) - (limit - 1)
    return [*notices[: limit - 1], f"Ignored {rest} more problems in the link."]


def _safe(text: str, limit: int = 40) -> str:
    """A short, printable echo of user input for a notice, with Markdown neutralised.

    Notices are shown with Streamlit elements that render Markdown, so every
    Markdown character is escaped: a hostile link shows as text, not a link.
    """
    return escape_markdown(printable(text, limit))
