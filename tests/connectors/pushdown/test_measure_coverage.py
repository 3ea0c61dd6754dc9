"""Every measure has its SQL twin: live mode's aggregates are the polars ones, column for column.

``metrics.aggregates.AGGREGATES`` declares each day aggregate's keys and measures
and builds it in polars; ``connectors.pushdown.aggregate`` builds the live ones in
SQL by hand. This test keeps the two from drifting: each dataset either has a SQL
twin that returns exactly the declared columns, in order, with the same values on a
tiny SQLite shop, or is listed as read in refresh mode only. A new measure in
``AGGREGATES`` fails here until its SQL is written.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from benefitboard.config import load_workspace
from connectors.errors import SourceError
from connectors.pushdown.aggregate import live_aggregate
from metrics.aggregates import AGGREGATES, day_aggregate
from metrics.periods import Period

REFRESH_ONLY = {"selection", "prices", "acquisition", "revenue", "kpi_values"}
"""Datasets whose aggregates are built from the snapshot only (a live source refuses them)."""
LIVE = {"responses", "contacts", "orders"}
NOW = datetime(2026, 10, 10, tzinfo=UTC)
DAYS = Period(date(2026, 10, 1), date(2026, 10, 3))


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 10, day, hour, tzinfo=UTC)


ROWS: dict[str, list[dict]] = {
    "responses": [
        {"response_id": "r1", "survey": "nps", "score": 9.0, "responded_at": at(1, 9)},
        {"response_id": "r2", "survey": "nps", "score": 9.0, "responded_at": at(1, 17)},
        {"response_id": "r3", "survey": "csat", "score": 4.0, "responded_at": at(2, 9)},
        {"response_id": "r4", "survey": "ces", "score": 6.0, "responded_at": at(3, 23)},
    ],
    "contacts": [
        {"contact_id": "c1", "opened_at": at(1, 8), "contact_reason": "billing",
         "handle_seconds": 300.0, "ces_score": 6.0},
        {"contact_id": "c2", "opened_at": at(1, 9), "contact_reason": "billing",
         "handle_seconds": None, "ces_score": 6.0},
        {"contact_id": "c3", "opened_at": at(2, 9), "contact_reason": "delivery",
         "handle_seconds": 120.5, "ces_score": None},
    ],
    "orders": [
        {"order_id": "o1", "ordered_at": at(1, 8), "customer_id": "a", "amount": 20.0,
         "promised_at": at(3, 8), "delivered_at": at(2, 20), "shipping_cost": 3.5},
        {"order_id": "o2", "ordered_at": at(1, 9), "customer_id": "b", "amount": 30.0,
         "promised_at": at(2, 9), "delivered_at": at(3, 9), "shipping_cost": None},
        {"order_id": "o3", "ordered_at": at(2, 9), "customer_id": "c", "amount": 10.0,
         "promised_at": None, "delivered_at": None, "shipping_cost": 0.0},
    ],
}  # fmt: skip
"""Rows every contract rule accepts (refresh mode would publish all of them)."""


def test_every_aggregate_is_live_or_listed_as_refresh_only() -> None:
    assert set(AGGREGATES) == LIVE | REFRESH_ONLY
    assert not LIVE & REFRESH_ONLY


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory):
    """A one-source workspace over a SQLite file holding ``ROWS`` under canonical names."""
    folder = tmp_path_factory.mktemp("measure_coverage")
    database = folder / "shop.sqlite"
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        for dataset, rows in ROWS.items():
            pl.DataFrame(rows).with_columns(
                pl.col(pl.Datetime).dt.strftime("%Y-%m-%d %H:%M:%S")
            ).to_pandas().to_sql(dataset, connection, index=False)
    engine.dispose()
    tables = "".join(
        f'\n[sources.shop.datasets.{dataset}]\ntable = "{dataset}"\n' for dataset in ROWS
    )
    config = folder / "benefitboard.toml"
    config.write_text(
        f'[workspace]\nname = "Shop"\n\n[sources.shop]\nkind = "sql"\n'
        f'url = "sqlite:///{Path(database).as_posix()}"\nmode = "live"\n{tables}'
    )
    workspace = load_workspace(config)
    return workspace.sources["shop"]


@pytest.mark.parametrize("dataset", sorted(LIVE))
def test_the_sql_twin_returns_the_declared_columns_with_the_polars_values(shop, dataset) -> None:
    spec = AGGREGATES[dataset]
    live = live_aggregate(shop, dataset, periods=[DAYS], timezone="UTC", now=NOW, by_day=True)
    assert live.name == spec.name
    assert tuple(live.frame.columns) == spec.columns
    raw = _canonical(dataset)
    polars_built = day_aggregate(dataset, {dataset: raw}, periods=[DAYS]).collect()
    assert set(polars_built.columns) == set(spec.columns)
    keys = ["day", *spec.keys]
    got = live.frame.sort(keys, nulls_last=True)
    want = polars_built.select(spec.columns).sort(keys, nulls_last=True)
    assert got.height == want.height > 0
    assert got.select(keys).equals(want.select(keys).cast(got.select(keys).schema))
    for measure in spec.measures:
        assert got[measure].cast(pl.Float64).to_list() == pytest.approx(
            want[measure].cast(pl.Float64).fill_null(0).to_list()
        ), measure


@pytest.mark.parametrize("dataset", sorted(REFRESH_ONLY))
def test_a_refresh_only_aggregate_is_refused_live(shop, dataset) -> None:
    with pytest.raises(SourceError, match="refresh mode"):
        live_aggregate(shop, dataset, periods=[DAYS], timezone="UTC", now=NOW)


def _canonical(dataset: str) -> pl.DataFrame:
    """``ROWS[dataset]`` with the canonical dtypes refresh mode would give it."""
    from canonical.datasets import dataset_spec

    spec = dataset_spec(dataset)
    frame = pl.DataFrame(ROWS[dataset])
    return frame.with_columns(pl.col(c.name).cast(c.dtype) for c in spec.columns if c.name in frame)
