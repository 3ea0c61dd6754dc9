"""Build the whole demo database: customers, then orders and responses day-chunk by
day-chunk, then contacts, feedback and the small daily tables.

Why chunks of days: ten million responses do not fit comfortably in memory
as Python rows. Orders and responses are generated and written about
``ROWS_PER_CHUNK`` rows at a time, in time order, so ids follow time. A
delivery survey can only be answered after its delivery, which may fall in a
later chunk: such survey moments are carried over to the chunk they fall in.

Determinism: every random draw comes from ``np.random.default_rng([seed,
stream, ...])`` with a fixed stream per purpose, and chunk boundaries depend
only on the sizes; the same (seed, end_date, sizes) gives identical tables.

Example:
    >>> import tempfile
    >>> summary = generate_demo_database(Path(tempfile.mkdtemp()) / "demo.db", responses=500,
    ...                                  end_date=date(2026, 11, 22))
    >>> summary.rows["survey_responses"], summary.end
    (500, datetime.date(2026, 11, 22))
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from connectors.demo.catalog import catalog_frame, price_frame
from connectors.demo.contacts import contact_frames, independent_contacts
from connectors.demo.customers import CustomerBase
from connectors.demo.events import events_frame
from connectors.demo.feedback import feedback_frame
from connectors.demo.growth import marketing_frame, revenue_frame
from connectors.demo.kpis import kpi_frame
from connectors.demo.orders import (
    DeliverySurveys,
    delivery_surveys,
    generate_orders,
    order_contacts,
    orders_frame,
)
from connectors.demo.responses import (
    DELIVERY_SHARE,
    pick_delivery_surveys,
    plant_special_comments,
    response_frame,
)
from connectors.demo.story import Timeline, default_end_date
from connectors.demo.volume import order_weights, spread_over_days, survey_weights
from connectors.demo.writer import DemoDatabaseWriter

ROWS_PER_CHUNK = 500_000
ORDERS_PER_RESPONSE = 5 / 3
ORDERS_PER_CUSTOMER = 8
MAX_CUSTOMERS = 999_999  # ids stay 'C' + six digits
FEEDBACK_PER_RESPONSE = 1 / 20
MIN_ROWS = 100
# Random streams, one per purpose, so adding draws to one table leaves the others unchanged.
CUSTOMERS, PLAN, CHUNK, CONTACTS, FEEDBACK, CATALOG, PRICES, MARKETING, REVENUE, KPIS = range(10)

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class DemoSummary:
    """What ``generate_demo_database`` wrote: where, which days, how many rows, how fast."""

    path: Path
    start: date
    end: date
    rows: dict[str, int]
    seconds: float


def generate_demo_database(
    path: Path,
    *,
    seed: int = 7,
    end_date: date | None = None,
    responses: int = 120_000,
    orders: int | None = None,
    days: int = 730,
    progress: Progress | None = None,
    writer_class: Callable[[Path], DemoDatabaseWriter] = DemoDatabaseWriter,
) -> DemoSummary:
    """Write a complete, deterministic demo database to the SQLite file ``path``.

    ``end_date`` is the last day with data (default: yesterday, UTC); ``orders``
    defaults to 5/3 of ``responses``. ``progress(message, fraction)`` is called
    as the work advances. The file is replaced atomically at the end.
    ``writer_class`` swaps the SQLite writer for another with the same ``write(table,
    frame)``/``rows`` interface (the benchmark writes Parquet files this way).
    """
    began = time.perf_counter()
    orders = round(responses * ORDERS_PER_RESPONSE) if orders is None else orders
    if responses < MIN_ROWS or orders < MIN_ROWS:
        raise ValueError(
            f"demo data needs at least {MIN_ROWS} responses and orders to tell its stories; "
            f"got responses={responses}, orders={orders}"
        )
    timeline = Timeline.ending(end_date or default_end_date(), days)
    report = progress or (lambda message, fraction: None)

    def rng(*stream: int) -> np.random.Generator:
        return np.random.default_rng([seed, *stream])

    report(f"Customers and calendar for {timeline.start} .. {timeline.end}", 0.0)
    customers = min(MAX_CUSTOMERS, max(200, round(orders / ORDERS_PER_CUSTOMER)))
    base = CustomerBase.build(customers, timeline, rng(CUSTOMERS))
    orders_per_day = spread_over_days(orders, order_weights(timeline), rng(PLAN, 0))
    delivery_total = round(responses * DELIVERY_SHARE)
    others_per_day = spread_over_days(
        responses - delivery_total, survey_weights(timeline), rng(PLAN, 1)
    )
    chunks = day_chunks(orders_per_day + others_per_day, ROWS_PER_CHUNK)
    orders_per_chunk = np.array([orders_per_day[a:b].sum() for a, b in chunks], dtype=float)
    deliveries_per_chunk = rng(PLAN, 2).multinomial(
        delivery_total, orders_per_chunk / orders_per_chunk.sum()
    )

    with writer_class(path) as writer:
        pending = DeliverySurveys.empty()
        caused_contacts = []
        for k, (first_day, end_day) in enumerate(chunks):
            chunk_rng = rng(CHUNK, k)
            day_index = np.repeat(np.arange(first_day, end_day), orders_per_day[first_day:end_day])
            placed = generate_orders(day_index, base, timeline, chunk_rng)
            writer.write("orders", orders_frame(placed, writer.rows["orders"] + 1, base))
            caused_contacts.append(order_contacts(placed, timeline, chunk_rng))

            candidates = DeliverySurveys.concat(
                [pending, delivery_surveys(placed, timeline, chunk_rng)]
            )
            due = candidates.at < timeline.start_epoch + end_day * 86_400
            pending = candidates.take(np.flatnonzero(~due))
            answered = pick_delivery_surveys(
                candidates.take(np.flatnonzero(due)), int(deliveries_per_chunk[k]), chunk_rng
            )
            other_days = np.repeat(np.arange(first_day, end_day), others_per_day[first_day:end_day])
            shortfall = int(deliveries_per_chunk[k]) - answered.size  # no deliveries to ask about
            if shortfall:
                other_days = np.sort(
                    np.concatenate([other_days, chunk_rng.integers(first_day, end_day, shortfall)])
                )
            frame = response_frame(
                other_days, answered, writer.rows["survey_responses"] + 1, base, timeline, chunk_rng
            )
            if k == len(chunks) - 1:
                frame = plant_special_comments(frame, chunk_rng)
            writer.write("survey_responses", frame)
            report(
                f"Orders and responses up to {timeline.date_of(end_day - 1)}",
                0.05 + 0.75 * end_day / timeline.days,
            )

        report("Support contacts", 0.82)
        contacts_rng = rng(CONTACTS)
        opened, customer, reason = independent_contacts(
            orders_per_day, base, timeline, contacts_rng
        )
        for frame in contact_frames(
            np.concatenate([opened, *(c.opened for c in caused_contacts)]),
            np.concatenate([customer, *(c.customer for c in caused_contacts)]),
            np.concatenate([reason, *(c.reason for c in caused_contacts)]),
            np.concatenate([np.zeros(opened.size, bool), *(c.late for c in caused_contacts)]),
            base,
            timeline,
            contacts_rng,
            ROWS_PER_CHUNK,
        ):
            writer.write("support_contacts", frame)
        del caused_contacts

        report("Feedback", 0.9)
        feedback_count = max(MIN_ROWS, round(responses * FEEDBACK_PER_RESPONSE))
        writer.write(
            "feedback_items", feedback_frame(feedback_count, base, timeline, rng(FEEDBACK))
        )

        report("Catalog, prices, marketing, revenue, KPIs and events", 0.94)
        writer.write("catalog_daily", catalog_frame(timeline, rng(CATALOG)))
        writer.write("price_checks", price_frame(timeline, rng(PRICES)))
        marketing = marketing_frame(timeline, rng(MARKETING))
        writer.write("marketing_daily", marketing)
        new_per_day = marketing["new_customers"].to_numpy().reshape(timeline.days, -1).sum(axis=1)
        writer.write("revenue_daily", revenue_frame(new_per_day, timeline, rng(REVENUE)))
        writer.write("custom_kpis", kpi_frame(timeline, rng(KPIS)))
        writer.write("company_events", events_frame(timeline))
        report("Indexes and the atomic swap", 0.97)

    seconds = time.perf_counter() - began
    report(f"Wrote {sum(writer.rows.values()):,} rows to {path} in {seconds:.1f} s", 1.0)
    return DemoSummary(Path(path), timeline.start, timeline.end, dict(writer.rows), seconds)


def day_chunks(rows_per_day: np.ndarray, rows_per_chunk: int) -> list[tuple[int, int]]:
    """Consecutive day ranges [first, end) holding about ``rows_per_chunk`` rows each.

    >>> day_chunks(np.array([3, 3, 3, 3, 3]), 6)
    [(0, 2), (2, 4), (4, 5)]
    """
    chunks, first, held = [], 0, 0
    for day, rows in enumerate(rows_per_day):
        held += int(rows)
        if held >= rows_per_chunk:
            chunks.append((first, day + 1))
            first, held = day + 1, 0
    if first < rows_per_day.size:
        chunks.append((first, rows_per_day.size))
    return chunks
