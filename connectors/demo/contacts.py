"""Support contacts: why customers got in touch, how long it took, how hard it felt.

Why the shape: the effort-priority view must show that volume and pain differ.
'refund request' is about 30% of contacts and easy (CES ~5.7, ~6.5 after the
'Faster refunds' release; ~4 minutes); 'plan correction' is about 2% and awful
(CES ~2.0, ~35 minutes, days to close). 'where is my order' and 'damaged item'
come from the orders themselves (``orders.order_contacts``), so they rise with
late deliveries in North; 'payment failed' spikes on the checkout-outage days.

About 40% of contacts answer the CES question, 35% the CSAT one, and 35%
leave a note in their own words.

Example:
    >>> round(float(REASON_RATE.sum()), 4)  # contacts per order, besides order-driven ones
    0.0732
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl

from connectors.demo.comments import contact_comments
from connectors.demo.customers import PLANS, REGIONS, CustomerBase, label
from connectors.demo.phrases import CONTACT_REASONS, SPECIAL_CONTACT_COMMENTS
from connectors.demo.scores import respondent_ease, scores_from_ease
from connectors.demo.story import CHECKOUT_OUTAGE_LENGTH_DAYS, Timeline
from connectors.demo.volume import OFFICE_HOURS, day_dates, times_on_days, utc_text

REFUND, WISMO, DAMAGED, PAYMENT, ACCESS, ADDRESS, CANCEL, PLAN_FIX = range(len(CONTACT_REASONS))
# Contacts per order for reasons not caused by a specific order (0 for order-driven ones).
REASON_RATE = np.array([0.033, 0.0, 0.0, 0.009, 0.011, 0.010, 0.008, 0.0022])
REASON_CES = np.array([5.7, 4.6, 4.1, 4.0, 4.7, 5.8, 3.6, 2.0])
REASON_HANDLE_SECONDS = np.array([300, 420, 540, 480, 390, 200, 600, 2100])  # means
FASTER_REFUND_CES = 6.5
FASTER_REFUND_HANDLE_SECONDS = 235
LATE_ORDER_CES = 3.9
OUTAGE_PAYMENT_CES = 2.8
OUTAGE_PAYMENT_LIFT = (18.0, 6.0)  # per order, on outage day 1 and 2 (orders dip those days)
JANUARY_REFUND_LIFT = 1.4  # post-holiday returns
HANDLE_SPREAD = 0.55
CHANNELS = ("phone", "chat", "email")
CHANNEL_MIX = np.array([0.35, 0.45, 0.20])
PLAN_FIX_CHANNEL_MIX = np.array([0.60, 0.25, 0.15])
CES_ANSWERED, CSAT_ANSWERED, NOTE_SHARE = 0.40, 0.35, 0.35


def independent_contacts(
    orders_per_day: np.ndarray, base: CustomerBase, timeline: Timeline, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Contacts not tied to one order, drawn per day and reason: (opened, customer, reason)."""
    rate = np.tile(REASON_RATE, (timeline.days, 1))
    january = np.array([d.month == 1 for d in day_dates(timeline)])
    rate[january, REFUND] *= JANUARY_REFUND_LIFT
    for offset, lift in enumerate(OUTAGE_PAYMENT_LIFT[:CHECKOUT_OUTAGE_LENGTH_DAYS]):
        day = timeline.checkout_outage + offset
        if 0 <= day < timeline.days:
            rate[day, PAYMENT] *= lift
    counts = rng.poisson(orders_per_day[:, None] * rate)
    day_index = np.repeat(np.arange(timeline.days), counts.sum(axis=1))
    reason = np.repeat(np.tile(np.arange(len(CONTACT_REASONS)), timeline.days), counts.ravel())
    opened = times_on_days(day_index, OFFICE_HOURS, timeline, rng)
    return opened, base.pick(day_index, rng), reason


def contact_frames(
    opened: np.ndarray,
    customer: np.ndarray,
    reason: np.ndarray,
    late: np.ndarray,
    base: CustomerBase,
    timeline: Timeline,
    rng: np.random.Generator,
    rows_per_frame: int,
) -> Iterator[pl.DataFrame]:
    """All ``support_contacts`` rows, sorted by opening time with ids from 1, as frames of
    at most ``rows_per_frame`` rows (so millions of contacts never sit in memory at once).

    ``late`` marks 'where is my order' contacts about a late order (they are harder).
    """
    order = np.argsort(opened, kind="stable")
    for first in range(0, order.size, rows_per_frame):
        rows = order[first : first + rows_per_frame]
        last = first + rows_per_frame >= order.size
        yield _contact_frame(
            opened[rows],
            customer[rows],
            reason[rows],
            late[rows],
            first_id=first + 1,
            last=last,
            base=base,
            timeline=timeline,
            rng=rng,
        )


def _contact_frame(
    opened: np.ndarray,
    customer: np.ndarray,
    reason: np.ndarray,
    late: np.ndarray,
    first_id: int,
    last: bool,
    base: CustomerBase,
    timeline: Timeline,
    rng: np.random.Generator,
) -> pl.DataFrame:
    n = opened.size
    day = (opened - timeline.start_epoch) // 86_400
    faster = (reason == REFUND) & (day >= timeline.faster_refunds)
    in_outage = (
        (reason == PAYMENT)
        & (day >= timeline.checkout_outage)
        & (day < timeline.checkout_outage + CHECKOUT_OUTAGE_LENGTH_DAYS)
    )

    channel = np.where(
        reason == PLAN_FIX,
        rng.choice(3, size=n, p=PLAN_FIX_CHANNEL_MIX),
        rng.choice(3, size=n, p=CHANNEL_MIX),
    )
    mean_handle = np.where(faster, FASTER_REFUND_HANDLE_SECONDS, REASON_HANDLE_SECONDS[reason])
    handle = np.round(
        mean_handle * np.exp(HANDLE_SPREAD * rng.standard_normal(n) - HANDLE_SPREAD**2 / 2)
    ).astype(np.int64)
    handle = np.maximum(handle, 20)
    wait = np.select(
        [channel == 0, channel == 1],
        [rng.integers(60, 600, size=n), rng.integers(30, 400, size=n)],
        rng.integers(2 * 3600, 30 * 3600, size=n),
    )
    follow_up = np.where(reason == PLAN_FIX, rng.integers(86_400, 4 * 86_400, size=n), 0)
    closed = opened + wait + handle + follow_up
    still_open = closed >= timeline.end_epoch_exclusive

    ces_mean = REASON_CES[reason].copy()
    ces_mean[faster] = FASTER_REFUND_CES
    ces_mean[(reason == WISMO) & late] = LATE_ORDER_CES
    ces_mean[in_outage] = OUTAGE_PAYMENT_CES
    # One ease per contact, so the CES and CSAT answers of a contact agree.
    ease = respondent_ease(ces_mean, 7, rng)
    ces = scores_from_ease(ease, 7, rng)
    csat = scores_from_ease(ease, 5, rng)
    # Surveys go out when a contact is closed.
    ces_answered = (rng.random(n) < CES_ANSWERED) & ~still_open
    csat_answered = (rng.random(n) < CSAT_ANSWERED) & ~still_open

    writes = np.flatnonzero(rng.random(n) < NOTE_SHARE)
    told_ces = np.where(ces_answered, ces, 0)[writes]
    notes = pl.repeat(None, n, dtype=pl.Utf8, eager=True)
    notes = notes.scatter(writes, contact_comments(reason[writes], told_ces, rng))
    if last and n >= 50:  # a phone number and an email address among the latest notes
        recent = n - 1 - rng.choice(min(n, 500), size=len(SPECIAL_CONTACT_COMMENTS), replace=False)
        notes = notes.scatter(recent, list(SPECIAL_CONTACT_COMMENTS))

    return pl.DataFrame(
        {
            "id": np.arange(first_id, first_id + n, dtype=np.int64),
            "opened_at": utc_text(opened),
            "closed_at": utc_text(closed, still_open),
            "reason": label(reason, CONTACT_REASONS),
            "handle_seconds": handle,
            "channel": label(channel, CHANNELS),
            "ces_score": pl.Series(ces).scatter(np.flatnonzero(~ces_answered), None),
            "csat_score": pl.Series(csat).scatter(np.flatnonzero(~csat_answered), None),
            "customer_id": base.ids.gather(customer),
            "comment": notes,
            "plan": label(base.plan[customer], PLANS),
            "region": label(base.region[customer], REGIONS),
        }
    )
