"""A live orders source without the optional promised_at/delivered_at gives refresh mode's KPIs.

Issue 13 (g): such a source refreshed "ok", then every orders page raised
``sqlalchemy.exc.ArgumentError`` because the push-down compared two bare NULLs
(``delivered_at <= promised_at``). Refresh mode reads the absent columns as
nulls: shipping cost per order computes, delivery time and on-time rate say
there is no data. Live mode must say exactly the same, in SQLite and PostgreSQL
(timestamptz and text timestamps).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import sqlalchemy as sa

from connectors.database import source_engine
from metrics.engine import compute_kpis, kpi_trend
from metrics.periods import Period
from tests.connectors.pushdown.conftest import Case, _pg_case, _refreshed
from tests.connectors.pushdown.planted import COMPARISON, TILE_PERIOD, planted_workspace

PERIOD = Period(*TILE_PERIOD)
EARLIER = Period(*COMPARISON)
ABSENT = ("promised_at", "delivered_at")
COMPUTED = ["shipping_cost_per_order"]
NO_DATA = ["delivery_p50_hours", "delivery_p90_hours", "on_time_rate"]


def drop_delivery_columns(database: Path) -> None:
    """The planted shop's orders table without the optional promised_at and delivered_at."""
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        for column in ABSENT:
            connection.exec_driver_sql(f"ALTER TABLE orders DROP COLUMN {column}")
    engine.dispose()


@pytest.fixture(scope="session")
def undelivered_sqlite(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Case:
    config = planted_workspace(demo_workspace, tmp_path_factory.mktemp("live_no_delivery"))
    drop_delivery_columns(config.parent / "data" / "demo.sqlite")
    workspace, frames = _refreshed(config)  # asserts the refresh is ok
    return Case(workspace, workspace.sources["shop_db"], frames)


@pytest.fixture(scope="session")
def undelivered_pg_aware(undelivered_sqlite: Case, pg_module_url: str) -> Case:
    return _pg_case(undelivered_sqlite, pg_module_url, "aware_no_delivery", aware=True)


@pytest.fixture(scope="session")
def undelivered_pg_text(undelivered_sqlite: Case, pg_module_url: str) -> Case:
    return _pg_case(undelivered_sqlite, pg_module_url, "text_no_delivery", aware=False)


@pytest.fixture(
    params=[
        "undelivered_sqlite",
        pytest.param("undelivered_pg_aware", marks=pytest.mark.postgres),
        pytest.param("undelivered_pg_text", marks=pytest.mark.postgres),
    ]
)
def undelivered(request: pytest.FixtureRequest) -> Case:
    return request.getfixturevalue(request.param)


def test_the_source_really_lacks_the_columns(undelivered: Case) -> None:
    table = undelivered.source.datasets["orders"].table
    schema, _, name = table.rpartition(".")
    inspector = sa.inspect(source_engine(undelivered.source))
    columns = {c["name"] for c in inspector.get_columns(name, schema=schema or None)}
    assert "ordered_at" in columns and not columns & set(ABSENT)


@pytest.mark.parametrize("filters", [{}, {"plan": ["pro"]}])
def test_orders_kpis_equal_refresh_mode_without_delivery_columns(
    undelivered: Case, filters: dict
) -> None:
    live = undelivered.live("orders", [PERIOD, EARLIER], filters=filters)
    options = {"filters": filters, "settings": undelivered.settings}
    kpis = COMPUTED + NO_DATA
    got = compute_kpis(kpis, live.data, PERIOD, EARLIER, **options)
    want = compute_kpis(kpis, undelivered.frames, PERIOD, EARLIER, **options)
    for live_result, reference in zip(got, want, strict=True):
        assert live_result.kpi.id == reference.kpi.id
        assert live_result.missing == reference.missing, live_result.kpi.id
        assert live_result.current.n == reference.current.n, live_result.kpi.id
        assert live_result.previous.n == reference.previous.n, live_result.kpi.id
        for mine, theirs in (
            (live_result.current, reference.current),
            (live_result.previous, reference.previous),
        ):
            assert _close(
                [mine.value, mine.low, mine.high], [theirs.value, theirs.low, theirs.high]
            )
    computed = {r.kpi.id: r for r in got}
    assert computed["shipping_cost_per_order"].current.n > 0
    assert computed["shipping_cost_per_order"].missing is None
    for kpi in NO_DATA:
        assert computed[kpi].current.value is None and computed[kpi].current.n == 0, kpi
        assert computed[kpi].missing, kpi  # "no … data between …", as refresh mode says


def test_trends_without_delivery_columns(undelivered: Case) -> None:
    whole = Period(PERIOD.start.replace(month=9), PERIOD.end)
    data = undelivered.live("orders", [whole], by_day=True).data
    orders = data["order_counts"]
    assert orders["n"].sum() > 0
    assert not orders["delivered"].any() and not orders["promised"].any()
    assert orders["on_time"].null_count() == orders.height
    for kpi in ("shipping_cost_per_order", "on_time_rate"):
        got = kpi_trend(kpi, data, whole, "week", settings=undelivered.settings)
        want = kpi_trend(kpi, undelivered.frames, whole, "week", settings=undelivered.settings)
        assert got["n"].to_list() == want["n"].to_list(), kpi
        assert _close(got["value"].to_list(), want["value"].to_list()), kpi


def _close(got: list, want: list) -> bool:
    """Equal lengths, None where the other is None, numbers equal to 1e-9."""
    if len(got) != len(want):
        return False
    for a, b in zip(got, want, strict=True):
        if a is None or b is None:
            if a is not b:
                return False
        elif not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
            return False
    return True
