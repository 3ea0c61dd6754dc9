"""Relative periods end on the newest day every KPI dataset of the page has (Olist's shape)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from benefitboard.config import WorkspaceConfig
from pages.ui.context import data_date_range
from pages.ui.filters import resolve_period
from pages.ui.period_end import page_period_end
from pages.ui.state import ViewState
from store.snapshots import DatasetEntry, Snapshot

ZONE = "America/Sao_Paulo"  # UTC−3 in 2018's southern winter
TAKEN = "2026-12-03T18:31:00+00:00"


def entry(dataset: str, newest: str | None, status: str = "ok") -> DatasetEntry:
    return DatasetEntry(dataset, "olist", status, rows=10, loaded_at=TAKEN, newest_record=newest)


# The Olist export: the last order on 29 August 2018 (local), the last review answered on
# 14 October 2018 at 22:35 local, stored as 15 October 01:35 UTC.
SNAPSHOT = Snapshot(
    "20261203T183100Z",
    Path("."),
    TAKEN,
    {
        "orders": entry("orders", "2018-08-29T11:25:34+00:00"),
        "responses": entry("responses", "2018-10-15T01:35:56+00:00"),
        "revenue": entry("revenue", "2018-08-29"),
        "acquisition": entry("acquisition", "2018-08-29"),
        "prices": entry("prices", None, "failed"),
    },
)


def workspace(as_of: date | None = None) -> WorkspaceConfig:
    return WorkspaceConfig(Path("benefitboard.toml"), "olist", ZONE, Path("store"), {}, as_of=as_of)


@pytest.mark.parametrize(
    ("page", "end"),
    [
        ("", date(2018, 8, 29)),  # overview: orders, reviews, revenue… all reach 29 August
        ("benefits", date(2018, 8, 29)),  # orders (and no prices or selection data at all)
        ("growth", date(2018, 8, 29)),  # revenue and acquisition
        ("drilldown", date(2018, 10, 14)),  # reviews only: their own last day, local time
        ("verbatims", date(2018, 10, 14)),
        ("data-quality", date(2018, 10, 14)),  # no KPIs: the newest data of any dataset
    ],
)
def test_each_page_ends_on_the_newest_day_its_kpi_datasets_all_have(page, end):
    assert page_period_end(SNAPSHOT, workspace(), page) == end


def test_the_default_view_is_the_last_30_days_of_orders_and_reviews():
    end = page_period_end(SNAPSHOT, workspace(), "")
    period = resolve_period(ViewState(), end)  # last 30 days, previous period
    assert (period.start, period.end) == (date(2018, 7, 31), date(2018, 8, 29))  # 29 Aug − 29
    assert (period.comparison_start, period.comparison_end) == (date(2018, 7, 1), date(2018, 7, 30))


def test_a_workspace_pinned_as_of_a_date_ends_there():
    pinned = workspace(as_of=date(2018, 8, 20))
    assert page_period_end(SNAPSHOT, pinned, "") == date(2018, 8, 20)
    assert page_period_end(SNAPSHOT, pinned, "drilldown") == date(2018, 8, 20)
    assert data_date_range(SNAPSHOT, ZONE, pinned.as_of)[1] == date(2018, 8, 20)
    # as_of after the data changes nothing: the data's own day still comes first.
    assert page_period_end(SNAPSHOT, workspace(as_of=date(2019, 1, 1)), "") == date(2018, 8, 29)


def test_custom_dates_may_reach_the_newest_day_of_any_dataset():
    # A chosen period may run to the last review; only the relative one follows the page.
    assert data_date_range(SNAPSHOT, ZONE) == (date(2015, 1, 1), date(2018, 10, 14))


def test_never_the_day_the_snapshot_was_taken():
    today = Snapshot("20261203T183100Z", Path("."), TAKEN, {"orders": entry("orders", TAKEN)})
    assert page_period_end(today, workspace(), "benefits") == date(2026, 12, 2)
