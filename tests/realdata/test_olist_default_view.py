"""The Olist example's default view: the last 30 days of orders *and* reviews, none of it stale.

The export's last review was answered six weeks after its last order. The first screen's
"Last 30 days" must end on the last order day (where orders and reviews both have data),
not on the last review, and the workspace's ``as_of`` keeps 2018 data from being stale.
The numbers themselves are checked against pandas in ``test_olist_example.py`` for this
same period.
"""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from benefitboard.config import load_workspace
from benefitboard.refresh import refresh_workspace
from metrics.engine import compute_kpis
from pages.ui.filters import resolve_period
from pages.ui.metric_settings import settings_for
from pages.ui.period_end import page_period_end
from pages.ui.state import ViewState
from store.snapshots import current_snapshot

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = REPO_ROOT / "examples" / "olist" / "benefitboard.toml"
OLIST = Path(
    os.environ.get("BENEFITBOARD_OLIST_DIR", REPO_ROOT.parent / "shared" / "realdata" / "olist")
)
ZONE = "America/Sao_Paulo"

pytestmark = pytest.mark.skipif(
    not (OLIST / "olist_orders_dataset.csv").is_file(),
    reason=f"the Olist sample is not at {OLIST} (set BENEFITBOARD_OLIST_DIR to its folder)",
)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("olist")
    shutil.copy(EXAMPLE, folder / "benefitboard.toml")
    (folder / "data").symlink_to(OLIST, target_is_directory=True)
    report = refresh_workspace(folder / "benefitboard.toml")
    workspace = load_workspace(folder / "benefitboard.toml")
    return report, workspace, current_snapshot(workspace.store_dir)


def local_days(path: Path, column: str) -> pd.Series:
    stamps = pd.to_datetime(pd.read_csv(path)[column])
    return stamps.dt.tz_localize(ZONE, ambiguous="NaT", nonexistent="shift_forward").dt.date


def test_as_of_keeps_the_historical_export_fresh(example):
    report, workspace, _ = example
    assert workspace.as_of == date(2018, 8, 31)
    assert report.status == "ok", report.summary()  # no dataset stale against today


def test_the_default_view_is_the_last_30_days_of_orders_and_reviews(example):
    _, workspace, snapshot = example
    ordered = local_days(OLIST / "olist_orders_dataset.csv", "order_purchase_timestamp")
    answered = local_days(OLIST / "olist_order_reviews_dataset.csv", "review_answer_timestamp")
    assert answered.max() - ordered.max() > timedelta(days=40)  # reviews run six weeks longer
    period = resolve_period(ViewState(), page_period_end(snapshot, workspace, ""))
    assert period.end == ordered.max()  # the last order day, not the last review
    assert period.start == period.end - timedelta(days=29)
    current = period.current()
    results = {
        r.kpi.id: r.current
        for r in compute_kpis(
            ["csat", "on_time_rate", "revenue", "new_customers"],
            {name: snapshot.scan(name).collect() for name in snapshot.datasets},
            current,
            settings=settings_for(workspace),
        )
    }
    in_period = (answered >= current.start) & (answered <= current.end)
    # Reviews answered in the period (of orders the export has): CSAT rests on all of them.
    assert results["csat"].n == int(in_period.sum()) > 100
    placed = ((ordered >= current.start) & (ordered <= current.end)).sum()
    assert results["on_time_rate"].n > 0 and placed > 100
    assert results["revenue"].value > 0 and results["new_customers"].value > 0
