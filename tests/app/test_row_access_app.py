"""Row-level access in the running app: a regional manager sees region North only, everywhere.

Anna is limited to region North (``[[access.rows]]``); PM, an analyst without limits,
filtering to North must see exactly Anna's numbers, and Anna must never see a row of
another region: every element each page sends to the browser (tiles, charts, tables,
captions, notices, and the CSV/PNG downloads' data behind them) is searched for the
other regions' names. A link to South tells her she cannot see it. (Sign-in itself is
tested end to end in tests/browser/test_sign_in_browser.py; here ``at.user`` stands in
for the identity, as the rules start after sign-in.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.full_app import AUTH, whole_app
from tests.app.test_exports_app import downloads, registered  # noqa: F401 (a fixture)

LIMITED = "anna@shop.example"
UNLIMITED = "pm@shop.example"
RULES = f"""
[access]
analysts = ["{LIMITED}", "{UNLIMITED}"]

[[access.rows]]
who = ["{LIMITED}"]
segments = {{ region = ["North"] }}
"""
OTHER_REGIONS = (b"South", b"West", b"East")
PAGES = (
    "pages/overview.py",
    "pages/benefits.py",
    "pages/drilldown.py",
    "pages/verbatims.py",
    "pages/effort.py",
    "pages/feedback.py",
    "pages/data-quality.py",
)


@pytest.fixture
def limited_workspace(demo_workspace: Path) -> Path:
    config = demo_workspace.parent / "benefitboard-rows.toml"  # same store and data
    config.write_text(demo_workspace.read_text() + RULES)
    return config


def opened(config: Path, monkeypatch, email: str, page: str, **params: str) -> AppTest:
    at = whole_app(config, monkeypatch)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email, "email_verified": True}
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def sent(at: AppTest) -> bytes:
    """Every element the page sent to the browser, as the bytes of its messages."""
    chunks = []
    stack = list(at._tree.children.values())
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if proto is not None:
            chunks.append(proto.SerializeToString())
        stack.extend(getattr(node, "children", {}).values())
    return b"\n".join(chunks)


def tiles(at: AppTest) -> list[tuple[str, str]]:
    return [(metric.label, metric.value) for metric in at.metric]


def test_the_limited_tiles_equal_an_unlimited_view_filtered_to_north(
    limited_workspace, monkeypatch
):
    limited = tiles(opened(limited_workspace, monkeypatch, LIMITED, "pages/overview.py"))
    north = tiles(
        opened(
            limited_workspace,
            monkeypatch,
            UNLIMITED,
            "pages/overview.py",
            **{"seg.region": "North"},
        )
    )
    everyone = tiles(opened(limited_workspace, monkeypatch, UNLIMITED, "pages/overview.py"))
    assert len(limited) >= 8
    assert limited == north
    assert limited != everyone  # the planted North slowdown moves North's numbers


@pytest.mark.parametrize("page", PAGES)
def test_no_page_sends_a_row_of_another_region(limited_workspace, monkeypatch, page):
    params = {"split": "region"} if page == "pages/drilldown.py" else {}
    at = opened(limited_workspace, monkeypatch, LIMITED, page, **params)
    shown = sent(at)
    leaked = [name for name in OTHER_REGIONS if name in shown]
    assert not leaked, f"{page} sent {leaked}"
    if page in ("pages/drilldown.py", "pages/verbatims.py"):
        assert b"North" in shown  # the page is not empty: it shows North


@pytest.mark.parametrize("page", ["pages/drilldown.py", "pages/verbatims.py"])
def test_no_download_holds_a_row_of_another_region(
    limited_workspace,
    monkeypatch,
    registered,  # noqa: F811 (the fixture imported above)
    page,
):
    """The CSV downloads, made when clicked, hold only North. (Images and slides are drawn
    from the same figures the page shows, whose data ``sent`` already searched.)"""
    params = {"split": "region"} if page == "pages/drilldown.py" else {}
    at = opened(limited_workspace, monkeypatch, LIMITED, page, **params)
    files = downloads(at, registered)
    tables = [file for file in files if file.file_name.endswith(".csv")]
    assert tables, [file.file_name for file in files]
    contents = {file.file_name: file.make() for file in tables}
    contents = {n: c.encode() if isinstance(c, str) else c for n, c in contents.items()}
    for name, content in contents.items():
        leaked = [region for region in OTHER_REGIONS if region in content]
        assert not leaked, f"{name} holds {leaked}"
    if page == "pages/verbatims.py":  # its CSV holds the comments with their segments
        assert any(b"North" in content for content in contents.values())


def test_the_drilldown_split_shows_every_region_without_limits(limited_workspace, monkeypatch):
    """The check above can fail: the same page sends the other regions to an unlimited analyst."""
    at = opened(limited_workspace, monkeypatch, UNLIMITED, "pages/drilldown.py", split="region")
    shown = sent(at)
    assert all(name in shown for name in OTHER_REGIONS)


def test_a_link_to_another_region_says_it_cannot_be_seen(limited_workspace, monkeypatch):
    at = opened(
        limited_workspace, monkeypatch, LIMITED, "pages/overview.py", **{"seg.region": "South"}
    )
    notices = [toast.value for toast in at.toast]
    assert any(
        "Your access is limited to region North" in n and "South is not shown" in n for n in notices
    ), notices
    north = opened(limited_workspace, monkeypatch, LIMITED, "pages/overview.py")
    assert tiles(at) == tiles(north)


def test_a_pinned_link_is_limited_too(limited_workspace, monkeypatch):
    from benefitboard.config import load_workspace
    from store.snapshots import current_snapshot

    snapshot = current_snapshot(load_workspace(limited_workspace).store_dir)
    at = opened(limited_workspace, monkeypatch, LIMITED, "pages/drilldown.py", asof=snapshot.id)
    shown = sent(at)
    assert not [name for name in OTHER_REGIONS if name in shown]


def test_the_filter_bar_offers_only_the_allowed_values(limited_workspace, monkeypatch):
    at = opened(limited_workspace, monkeypatch, LIMITED, "pages/overview.py")
    region = at.sidebar.multiselect(key="filter_seg_region")
    assert list(region.options) == ["North"]
    region.set_value([]).run()  # clearing the filter means "all I may see", not everyone
    assert not at.exception
    assert tiles(at) == tiles(opened(limited_workspace, monkeypatch, LIMITED, "pages/overview.py"))


def test_a_rule_on_an_undeclared_segment_is_refused_at_load(demo_workspace, tmp_path):
    from benefitboard.config import ConfigError, load_workspace

    config = demo_workspace.parent / "benefitboard-bad-rows.toml"
    config.write_text(demo_workspace.read_text() + RULES.replace("region =", "planet ="))
    with pytest.raises(ConfigError, match=r"access\.rows\[1\]\.segments\.planet"):
        load_workspace(config)
