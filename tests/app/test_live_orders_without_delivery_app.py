"""A live orders source without promised_at/delivered_at: the pages open and match the copy.

Issue 13 (g): such a source refreshed "ok", then the overview and the
Customer-benefit page raised ``sqlalchemy.exc.ArgumentError`` from the
push-down (``null <= null``). The same shop copied by the refresh shows
shipping cost per order, and no tile for delivery time and on-time rate, which the
source can never fill (issue 16: pages follow the workspace); read live (SQLite, and
PostgreSQL with timestamptz) the pages must show exactly that.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from benefitboard.refresh import refresh_workspace
from tests.app.test_live_mode_app import (
    DIALECTS,
    open_page,
    postgres_copy,
    refreshed_live,
    sqlite_url,
    tiles,
)
from tests.conftest import DEMO_NOW

ABSENT = ("promised_at", "delivered_at")
BENEFITS = "pages/benefits.py"
SHIPPING_TILE = "Shipping cost per order"
UNTRACKED_TILES = ("Delivery time (median)", "On-time delivery")


@pytest.fixture(scope="module")
def undelivered_copied(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo shop whose orders lack the delivery columns, copied by the refresh."""
    folder = tmp_path_factory.mktemp("undelivered_copied")
    shutil.copytree(demo_workspace.parent / "data", folder / "data")
    config = folder / "benefitboard.toml"
    config.write_text(demo_workspace.read_text())
    engine = sa.create_engine(sqlite_url(config))
    with engine.begin() as connection:
        for column in ABSENT:
            connection.exec_driver_sql(f"ALTER TABLE orders DROP COLUMN {column}")
    engine.dispose()
    report = refresh_workspace(config, now=DEMO_NOW)
    assert report.status == "ok", report.summary()
    return config


def live_orders_workspace(copied: Path, folder: Path) -> Path:
    """A copy of ``copied`` whose orders come from source ``warehouse`` in live mode."""
    shutil.copytree(copied.parent / "data", folder / "data")
    text = copied.read_text()
    block = re.search(r"\[sources\.shop_db\.datasets\.orders\]\n(?:[^\[\n].*\n)*", text)
    assert block is not None
    moved = block.group(0).replace("sources.shop_db.", "sources.warehouse.")
    text = text.replace(block.group(0), "")
    text += '\n[sources.warehouse]\nkind = "sql"\nmode = "live"\nconnection = "warehouse"\n\n'
    config = folder / "benefitboard.toml"
    config.write_text(text + moved)
    return config


@pytest.fixture(scope="module")
def undelivered_sqlite(undelivered_copied: Path, tmp_path_factory) -> Path:
    config = live_orders_workspace(undelivered_copied, tmp_path_factory.mktemp("undelivered_live"))
    return refreshed_live(config, sqlite_url(config))  # asserts the refresh is ok


@pytest.fixture(scope="module")
def undelivered_pg(undelivered_copied: Path, pg_url: str, tmp_path_factory):
    name = f"benefitboard_undelivered_app_{tmp_path_factory.getbasetemp().name[-6:]}"
    with postgres_copy(undelivered_copied, pg_url, name) as url:
        folder = tmp_path_factory.mktemp("undelivered_live_pg")
        config = live_orders_workspace(undelivered_copied, folder)
        yield refreshed_live(config, url), url


@pytest.fixture(params=DIALECTS)
def undelivered(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """(config, database URL) of the shop without delivery columns, its orders read live."""
    if request.param == "sqlite":
        config = request.getfixturevalue("undelivered_sqlite")
        url = sqlite_url(config)
    else:
        config, url = request.getfixturevalue("undelivered_pg")
    monkeypatch.setenv("BENEFITBOARD_CONNECTION_WAREHOUSE_URL", url)
    return config, url


@pytest.mark.parametrize("page", [None, BENEFITS], ids=["overview", "benefits"])
def test_pages_show_the_copied_numbers_without_delivery_columns(
    undelivered, undelivered_copied, monkeypatch, page
):
    config, _ = undelivered
    copied = tiles(undelivered_copied, monkeypatch, page)
    shown = tiles(config, monkeypatch, page)  # raised ArgumentError before the fix
    assert shown == copied
    assert shown[SHIPPING_TILE][0] not in (None, "—")
    assert not any(tile in shown for tile in UNTRACKED_TILES), shown


def test_benefits_page_leaves_out_the_delivery_sections_like_the_copy(
    undelivered, undelivered_copied, monkeypatch
):
    config, _ = undelivered
    copied = open_page(undelivered_copied, monkeypatch, BENEFITS)
    shown = open_page(config, monkeypatch, BENEFITS)
    assert no_data_captions(shown) == no_data_captions(copied) == []
    headings = [h.value for h in shown.subheader]
    assert headings == [h.value for h in copied.subheader]
    assert "Cost to the customer" in headings
    assert "Delivery speed" not in headings
    assert not any(h.startswith("On-time delivery") for h in headings)


def no_data_captions(app: AppTest) -> list[str]:
    """The tiles' captions saying a KPI has no data (the benefit links, which need raw
    orders, differ between live and copied by design and are left out)."""
    return [c.value for c in app.caption if c.value.startswith("no ") and "data between" in c.value]
