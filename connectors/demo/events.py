"""Company events: releases, programmes and incidents that explain the curves.

Why: a KPI line means more with its cause beside it. Every planted effect in
the demo has its event here, dated from ``story``; events that would fall
before the window's first day are left out (their effects may still show).

Example:
    >>> from datetime import date
    >>> from connectors.demo.story import Timeline
    >>> frame = events_frame(Timeline.ending(date(2026, 11, 22), 730))
    >>> frame.filter(frame["kind"] == "incident")["title"].to_list()
    ['Checkout outage', 'Carrier change in North region']
"""

from __future__ import annotations

import polars as pl

from connectors.demo.story import (
    CHECKOUT_OUTAGE_DAYS_BEFORE_END,
    DARK_MODE_DAYS_BEFORE_END,
    FASTER_REFUNDS_DAYS_BEFORE_END,
    FREE_SHIPPING_DAYS_BEFORE_END,
    REFERRAL_PROGRAMME_DAYS_BEFORE_END,
    SLOWDOWN_DAYS,
    SLOWDOWN_EVENT_TITLE,
    Timeline,
)
from connectors.demo.volume import black_fridays

CHANGELOG = "https://example.com/changelog/"
STATUS = "https://status.example.com/incidents/"

# (days before end_date, title, kind, link)
PLANNED_EVENTS: tuple[tuple[int, str, str, str | None], ...] = (
    (690, "Mobile app 3.0", "release", CHANGELOG + "mobile-app-3"),
    (REFERRAL_PROGRAMME_DAYS_BEFORE_END, "Refer-a-friend programme", "programme",
     CHANGELOG + "refer-a-friend"),
    (520, "Saved baskets", "release", None),
    (FREE_SHIPPING_DAYS_BEFORE_END, "Free shipping for plus and pro", "programme",
     CHANGELOG + "free-shipping"),
    (DARK_MODE_DAYS_BEFORE_END, "Dark mode", "release", CHANGELOG + "dark-mode"),
    (FASTER_REFUNDS_DAYS_BEFORE_END, "Faster refunds", "release", CHANGELOG + "faster-refunds"),
    (CHECKOUT_OUTAGE_DAYS_BEFORE_END, "Checkout outage", "incident", STATUS + "checkout-outage"),
    (180, "New search", "release", CHANGELOG + "new-search"),
    (90, "Invoice export beta", "release", None),
    (SLOWDOWN_DAYS - 1, SLOWDOWN_EVENT_TITLE, "incident", STATUS + "north-carrier-change"),
)  # fmt: skip


def events_frame(timeline: Timeline) -> pl.DataFrame:
    """``company_events`` rows inside the window, sorted by date."""
    rows = [
        (timeline.date_of(timeline.days_before_end(before)), title, kind, link)
        for before, title, kind, link in PLANNED_EVENTS
    ]
    rows += [(friday, "Black Friday week", "programme", None) for friday in black_fridays(timeline)]
    rows = sorted(r for r in rows if timeline.start <= r[0] <= timeline.end)
    return pl.DataFrame(
        [(d.isoformat(), title, kind, link) for d, title, kind, link in rows],
        schema={"date": pl.Utf8, "title": pl.Utf8, "kind": pl.Utf8, "link": pl.Utf8},
        orient="row",
    )
