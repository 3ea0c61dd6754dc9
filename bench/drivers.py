"""Benchmark: key drivers for 1M survey answers (issue 19: under 5 s), against a plain baseline.

Run: ``.venv/bin/python -m bench.drivers [--responses 1000000]``. Builds a synthetic
shop of ``responses`` NPS answers from a third as many customers with orders and
contacts, then times ``metrics.drivers.customer_drivers`` (the customer frame) and
``metrics.dominance.dominance`` (Gram matrix once per bootstrap sample, 200 samples).
The baseline, in the same process, is what a numpy expert writes: the same subset
solves, with each bootstrap sample's Gram matrix computed from its resampled rows.
Not part of the default ``bench.run``.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl

from metrics.dominance import (
    REPLICATES,
    centred_gram,
    correlations,
    dominance,
    subset_r_squared,
)
from metrics.drivers import customer_drivers
from metrics.periods import Period

END = date(2026, 10, 31)


def shop(responses: int, seed: int = 1) -> dict[str, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    customers = max(responses // 3, 10)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    orders = customers * 2
    buyer = rng.integers(0, customers, orders)
    ordered = start - timedelta(days=20) + pd_seconds(rng, orders, 45)
    hours = rng.lognormal(3.3, 0.5, orders)
    late = hours > 40
    cust = pl.Series([f"c{i}" for i in range(customers)])
    late_by_customer = np.bincount(buyer, late, customers) / np.maximum(
        np.bincount(buyer, None, customers), 1
    )
    who = rng.integers(0, customers, responses)
    score = np.clip(
        np.round(8.5 - 5 * late_by_customer[who] + rng.normal(0, 1.5, responses)), 0, 10
    )
    return {
        "responses": pl.DataFrame({"response_id": np.arange(responses).astype(str),
            "survey": ["nps"] * responses, "score": score,
            "responded_at": start + pd_seconds(rng, responses, 30),
            "customer_id": cust.gather(who)}),
        "orders": pl.DataFrame({"order_id": np.arange(orders).astype(str),
            "customer_id": cust.gather(buyer), "ordered_at": ordered, "amount": np.ones(orders),
            "promised_at": ordered + timedelta(hours=40),
            "delivered_at": ordered + pl.Series(hours * 3600e6).cast(pl.Duration("us")),
            "shipping_cost": rng.choice([0.0, 4.9], orders)}),
    }  # fmt: skip


def pd_seconds(rng: np.random.Generator, n: int, days: int) -> pl.Series:
    return pl.Series(rng.integers(0, days * 86_400, n) * 1_000_000).cast(pl.Duration("us"))


def gram_per_sample(x: np.ndarray, y: np.ndarray, replicates: int, seed: int = 0) -> None:
    """The baseline, as a numpy expert writes a bootstrapped dominance analysis: each sample's
    Gram matrix from its resampled rows (one weighted pass over the rows per sample), then
    the same subset solves. ``dominance`` instead forms the rows' products once and gets a
    batch of samples' matrices from one matrix product."""
    columns = np.column_stack([x, y])
    columns = columns - columns.mean(axis=0)
    rows = columns.shape[0]
    rng = np.random.default_rng(seed)
    for _ in range(replicates):
        weights = np.bincount(rng.integers(0, rows, rows), minlength=rows)
        subset_r_squared(correlations(centred_gram(columns, weights)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    responses = parser.parse_args().responses
    data = shop(responses)
    began = time.perf_counter()
    found = customer_drivers("nps", data, Period(date(2026, 10, 1), END))
    framed = time.perf_counter()
    x, y = found.rows.select(found.drivers).to_numpy(), found.rows["score"].to_numpy()
    fit = dominance(x, y, found.drivers)
    done = time.perf_counter()
    gram_per_sample(x, y, REPLICATES)
    baseline = time.perf_counter() - done
    ours = done - framed
    print(f"responses {responses:,}, customers fitted {fit.n:,}, drivers {len(found.drivers)}")
    print(f"customer frame      {framed - began:6.2f} s")
    print(f"dominance + {REPLICATES} bootstrap {ours:6.2f} s")
    print(f"total               {done - began:6.2f} s (budget 5 s)")
    print(f"baseline: a Gram matrix per bootstrap sample from its rows {baseline:6.2f} s "
          f"(baseline / ours {baseline / ours:.1f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
