"""The Olist example workspace on the real Olist sample: the KPIs equal an independent pandas
computation from the raw CSVs.

``examples/olist/benefitboard.toml`` reads seven CSV exports with queries only (no script,
no database). Here it runs against the 4,000-order sample at ``../shared/realdata/olist``
(or ``BENEFITBOARD_OLIST_DIR``), never copied into the repository. Each KPI is then
computed a second time in plain pandas, from the CSVs, following docs/KPIS.md and the
example's README, for a 30- and a 90-day period ending on the last day of data, overall
and for the state of São Paulo.
"""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benefitboard.config import load_workspace
from benefitboard.refresh import refresh_workspace
from metrics.engine import compute_kpis
from metrics.periods import Period
from pages.ui.metric_settings import settings_for
from store.snapshots import current_snapshot

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = REPO_ROOT / "examples" / "olist" / "benefitboard.toml"
OLIST = Path(
    os.environ.get("BENEFITBOARD_OLIST_DIR", REPO_ROOT.parent / "shared" / "realdata" / "olist")
)
ZONE = "America/Sao_Paulo"
KPIS = (
    "csat",
    "delivery_p50_hours",
    "delivery_p90_hours",
    "on_time_rate",
    "shipping_cost_per_order",
    "revenue",
    "new_customers",
)

pytestmark = pytest.mark.skipif(
    not (OLIST / "olist_orders_dataset.csv").is_file(),
    reason=f"the Olist sample is not at {OLIST} (set BENEFITBOARD_OLIST_DIR to its folder)",
)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory):
    """The example config beside a link to the sample, refreshed; (workspace, snapshot)."""
    folder = tmp_path_factory.mktemp("olist")
    shutil.copy(EXAMPLE, folder / "benefitboard.toml")
    (folder / "data").symlink_to(OLIST, target_is_directory=True)
    report = refresh_workspace(folder / "benefitboard.toml")
    assert report.status in ("ok", "partial"), report.summary()  # partial: 2018 data is stale
    for entry in report.datasets:
        assert entry.quarantined == 0, report.summary()
    workspace = load_workspace(folder / "benefitboard.toml")
    return workspace, current_snapshot(workspace.store_dir)


@pytest.fixture(scope="module")
def raw() -> dict[str, pd.DataFrame]:
    """The CSVs as pandas reads them, timestamps as São Paulo wall-clock time made absolute."""
    names = {
        "orders": "olist_orders_dataset.csv",
        "items": "olist_order_items_dataset.csv",
        "payments": "olist_order_payments_dataset.csv",
        "reviews": "olist_order_reviews_dataset.csv",
        "customers": "olist_customers_dataset.csv",
    }
    return {key: pd.read_csv(OLIST / name) for key, name in names.items()}


def local(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column).dt.tz_localize(ZONE, ambiguous="NaT", nonexistent="shift_forward")


def expected(raw: dict[str, pd.DataFrame], period: Period, state: str | None) -> dict:
    """Every KPI of ``KPIS`` from the raw CSVs, for orders/answers whose local day is in
    ``period`` (and whose customer lives in ``state``)."""
    customers = raw["customers"][["customer_id", "customer_unique_id", "customer_state"]]
    orders = raw["orders"].merge(customers, on="customer_id")
    if state:
        orders = orders[orders["customer_state"] == state]
    ordered = local(orders["order_purchase_timestamp"])
    in_period = (ordered.dt.date >= period.start) & (ordered.dt.date <= period.end)
    current = orders[in_period]
    ordered_at = ordered[in_period]
    delivered_at = local(current["order_delivered_customer_date"])
    promised_at = local(current["order_estimated_delivery_date"])
    delivered = delivered_at.notna() & (delivered_at >= ordered_at)
    hours = ((delivered_at - ordered_at)[delivered]).dt.total_seconds() / 3600
    freight = raw["items"].groupby("order_id")["freight_value"].sum()
    shipping = current["order_id"].map(freight).dropna()
    paid = raw["payments"].groupby("order_id")["payment_value"].sum()
    kept = current[~current["order_status"].isin(["canceled", "unavailable"])]
    reviews = raw["reviews"].merge(orders[["order_id"]], on="order_id")
    answered = local(reviews["review_answer_timestamp"]).dt.date
    scores = reviews.loc[(answered >= period.start) & (answered <= period.end), "review_score"]
    everyone = raw["orders"].merge(customers, on="customer_id")
    firsts = (
        everyone.assign(at=local(everyone["order_purchase_timestamp"]))
        .groupby("customer_unique_id")
        .agg(first=("at", "min"), state=("customer_state", "min"))
    )
    if state:
        firsts = firsts[firsts["state"] == state]
    new = firsts["first"].dt.date.between(period.start, period.end).sum()
    return {
        "csat": (scores >= 4).mean(),
        "delivery_p50_hours": float(np.quantile(hours, 0.5)),
        "delivery_p90_hours": float(np.quantile(hours, 0.9)),
        "on_time_rate": (delivered_at <= promised_at)[delivered_at.notna()].mean(),
        "shipping_cost_per_order": shipping.mean(),
        "revenue": kept["order_id"].map(paid).sum(),
        "new_customers": float(new),
    }


def shown(example, period: Period, state: str | None) -> dict:
    workspace, snapshot = example
    data = {name: snapshot.scan(name).collect() for name in snapshot.datasets}
    results = compute_kpis(
        list(KPIS),
        data,
        period,
        filters={"state": [state]} if state else None,
        settings=settings_for(workspace),
    )
    return {r.kpi.id: r.current.value for r in results}


def last_day(raw: dict[str, pd.DataFrame]) -> date:
    return local(raw["orders"]["order_purchase_timestamp"]).dt.date.max()


@pytest.mark.parametrize("days", [30, 90])
@pytest.mark.parametrize("state", [None, "SP"])
def test_the_example_shows_the_kpis_pandas_computes_from_the_csvs(example, raw, days, state):
    end = last_day(raw)
    period = Period(end - timedelta(days=days - 1), end)
    want = expected(raw, period, state)
    got = shown(example, period, state)
    for kpi in KPIS:
        assert got[kpi] == pytest.approx(want[kpi], rel=1e-9, abs=1e-9), (kpi, got, want)
    assert want["new_customers"] > 0 and want["revenue"] > 0  # the periods hold data


def instant(column: pd.Series) -> pd.Series:
    """São Paulo wall-clock time as an instant, as the connector reads it: the hour repeated
    when summer time ends is its first (earlier) pass, an hour skipped when it starts is
    missing. Orders placed in the repeated hour must still come before their delivery."""
    first_pass = np.ones(len(column), dtype=bool)
    return pd.to_datetime(column).dt.tz_localize(ZONE, ambiguous=first_pass, nonexistent="NaT")


def reviews_by_own_order(raw: dict[str, pd.DataFrame], period: Period) -> dict:
    """Each review of ``period`` (by its answer's local day) classed by the order it names,
    per metrics/benefit_links.py's rules, in plain pandas: CSAT (4-5 stars) and n per class."""
    reviews = raw["reviews"].merge(raw["orders"], on="order_id", how="left")
    answered = instant(reviews["review_answer_timestamp"])
    reviews = reviews[(answered.dt.date >= period.start) & (answered.dt.date <= period.end)]
    answered = answered[reviews.index]
    ordered = instant(reviews["order_purchase_timestamp"])
    delivered = instant(reviews["order_delivered_customer_date"])
    promised = instant(reviews["order_estimated_delivery_date"])
    waiting = delivered.notna() & (delivered > answered)
    late_while_waiting = waiting & promised.notna() & (promised < answered)
    classes = {
        "not delivered": delivered.isna(),
        "answered before delivery": waiting & ~late_while_waiting,
    }
    came = delivered.notna() & (delivered <= answered) & (delivered >= ordered)
    on_time = promised.notna() & (delivered <= promised)
    classes |= {"on time": came & on_time, "late": (came & ~on_time) | late_while_waiting}
    satisfied = reviews["review_score"] >= 4
    return {
        name: (int(rows.sum()), float(satisfied[rows].mean()) if rows.any() else None)
        for name, rows in classes.items()
    } | {"all": (len(reviews), None)}


@pytest.mark.parametrize("days", [90, None])
def test_late_and_on_time_csat_join_each_review_to_its_own_order(example, raw, days):
    """The example maps each review's order_id: the link takes that order, not the customer's
    last delivery. ``days=None``: the whole sample."""
    from metrics.benefit_links import LINK_OWN_ORDER, ON_TIME, survey_by_last_order

    workspace, snapshot = example
    end = last_day(raw)
    period = Period(end - timedelta(days=days - 1), end) if days else Period(date(2016, 1, 1), end)
    want = reviews_by_own_order(raw, period)
    data = {name: snapshot.scan(name).collect() for name in ("responses", "orders")}
    link = survey_by_last_order("csat", data, period, ON_TIME, settings=settings_for(workspace))
    on_time, late = link.groups
    assert link.method == LINK_OWN_ORDER
    for group in (on_time, late):
        n, csat = want[group.label]
        assert (group.estimate.n, group.estimate.value) == (n, pytest.approx(csat, rel=1e-9))
    assert dict(link.extra) == {
        "answered before delivery": want["answered before delivery"][0],
        "not delivered": want["not delivered"][0],
    }
    assert (link.unlinked, link.total) == (0, want["all"][0])  # every review names an order
    assert late.estimate.n > 0 and link.extra[0][1] > 0  # the periods hold such reviews
