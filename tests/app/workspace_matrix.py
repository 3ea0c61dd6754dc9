"""Workspaces with only some of the datasets, for checking that every page follows the workspace.

Issue 16: the pages were built around the demo shop, which has every dataset; a real
workspace with fewer showed empty tiles, empty charts and wrong columns. The matrix is the
demo shop's own database read through smaller workspace files (only CSAT answers, only
NPS answers, only orders, only the growth datasets), the Olist example on the real sample
(where it is present), and the full demo. ``KPIS`` says, per workspace, the KPIs it can
have (written out by hand from its datasets and columns); a page may draw a tile only for
those, and the overview must draw one for each of them that it places.

    def test_x(matrix_workspace):
        name, config = matrix_workspace      # refreshed once per session
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from benefitboard.refresh import refresh_workspace
from tests.conftest import DEMO_NOW

REPO_ROOT = Path(__file__).resolve().parents[2]
OLIST = Path(
    os.environ.get("BENEFITBOARD_OLIST_DIR", REPO_ROOT.parent / "shared" / "realdata" / "olist")
)
OLIST_EXAMPLE = REPO_ROOT / "examples" / "olist" / "benefitboard.toml"
PAGES = (
    None,  # the executive overview
    "pages/benefits.py",
    "pages/growth.py",
    "pages/drivers.py",
    "pages/drilldown.py",
    "pages/verbatims.py",
    "pages/effort.py",
    "pages/feedback.py",
    "pages/data-quality.py",
)
"""Every page of the navigation (app.py's PAGES), the overview first."""

DELIVERY = {"delivery_p50_hours", "delivery_p90_hours", "on_time_rate", "shipping_cost_per_order"}
GROWTH = {"new_customers", "cac", "conversion", "revenue", "mrr", "arr", "nrr", "gross_churn"}
KPIS: dict[str, set[str] | None] = {
    "csat only": {"csat", "csat_mean"},
    "nps only": {"nps"},
    "orders only": DELIVERY,
    "growth only": GROWTH,
    # Reviews are CSAT; orders carry every delivery column; revenue and first orders, but no
    # marketing spend, visitors or MRR.
    "olist": {"csat", "csat_mean", *DELIVERY, "new_customers", "revenue"},
    "full demo": None,  # every KPI
}
"""The KPIs each workspace can have (None: all of them)."""

_RESPONSES = """
[sources.shop_db.datasets.responses]
query = "SELECT * FROM survey_responses WHERE survey_type = '{survey}'"
segments = ["plan", "region", "channel"]
columns = {{ response_id = "id", survey = "survey_type", responded_at = "submitted_at" }}
"""
_ORDERS = """
[sources.shop_db.datasets.orders]
table = "orders"
segments = ["region", "plan", "channel"]
columns = { order_id = "id" }
"""
_GROWTH = """
[sources.shop_db.datasets.acquisition]
table = "marketing_daily"

[sources.shop_db.datasets.revenue]
table = "revenue_daily"
segments = ["plan"]
"""
DATASETS = {
    "csat only": _RESPONSES.format(survey="csat"),
    "nps only": _RESPONSES.format(survey="nps"),
    "orders only": _ORDERS,
    "growth only": _GROWTH,
}
"""The dataset blocks of each smaller workspace, over the demo shop's database."""


def workspace_file(name: str, demo_config: Path) -> str:
    """A workspace file with the demo's settings and taxonomy and only ``name``'s datasets."""
    taxonomy = "\n".join(_tables(demo_config.read_text(), "[taxonomy."))
    return f"""
[workspace]
name = "Demo shop, {name}"
timezone = "Europe/Berlin"
currency = "EUR"
store = "store"
csat_scale = [1, 5]
ces_scale = "agreement7"

[sources.shop_db]
kind = "sql"
url = "sqlite:///data/demo.sqlite"
timezone = "UTC"
{DATASETS[name]}
{taxonomy}"""


def _tables(toml: str, prefix: str) -> list[str]:
    """The tables of a TOML text whose header starts with ``prefix``, each with its lines."""
    tables, current = [], None
    for line in toml.splitlines():
        if line.startswith("["):
            current = [] if line.startswith(prefix) else None
            if current is not None:
                tables.append(current)
        if current is not None:
            current.append(line)
    return ["\n".join(table) for table in tables]


def build(name: str, demo_config: Path, folder: Path) -> Path:
    """The refreshed workspace ``name`` in ``folder``; its config path."""
    if name == "full demo":
        return demo_config
    if name == "olist":
        if not (OLIST / "olist_orders_dataset.csv").is_file():
            pytest.skip(f"the Olist sample is not at {OLIST} (set BENEFITBOARD_OLIST_DIR)")
        shutil.copy(OLIST_EXAMPLE, folder / "benefitboard.toml")
        (folder / "data").symlink_to(OLIST, target_is_directory=True)
        config = folder / "benefitboard.toml"
        report = refresh_workspace(config)
        assert report.status in ("ok", "partial"), report.summary()  # 2018 data is stale
        return config
    (folder / "data").symlink_to(demo_config.parent / "data", target_is_directory=True)
    config = folder / "benefitboard.toml"
    config.write_text(workspace_file(name, demo_config))
    report = refresh_workspace(config, now=DEMO_NOW)
    assert report.status == "ok", report.summary()
    return config


@pytest.fixture(scope="session", params=list(KPIS))
def matrix_workspace(
    request: pytest.FixtureRequest, demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    """(name, config path) of each workspace of the matrix, refreshed once per session."""
    name = request.param
    folder = tmp_path_factory.mktemp(name.replace(" ", "_"))
    return name, build(name, demo_workspace, folder)
