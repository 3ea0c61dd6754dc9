"""The product-manager pages on the demo workspace: every number shown is the metrics engine's.

Survey drill-down (what changed, splits, heatmap, score spread), verbatims
(search, bands, paging, text shown literally and masked), effort priorities
(the ranking, a reason's notes) and feedback themes (themes, a theme page).
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from benefitboard.config import load_workspace
from connectors.demo.story import PLANTED_SLOWDOWN_REGION
from metrics.effort import effort_priority
from metrics.engine import compute_kpi, kpi_by_segment
from metrics.feedback import feedback_themes
from metrics.periods import Period
from metrics.pii import mask_personal_data
from metrics.registry import DEFAULT_REGISTRY, build_registry
from metrics.segments import kpi_by_two_segments, score_distribution
from metrics.theme_mentions import theme_mentions
from metrics.verbatims import CONTACT_COMMENTS, RESPONSE_COMMENTS, comment_index, find_verbatims
from metrics.what_changed import what_changed
from pages.ui.metric_settings import settings_for
from store.snapshots import current_snapshot

APP = str(Path(__file__).resolve().parents[2] / "app.py")
# The demo ends on 31 October 2026 (Berlin): the default view is the 30 days before it,
# compared with the 30 days before that.
PERIOD = Period(date(2026, 10, 2), date(2026, 10, 31))
COMPARISON = Period(date(2026, 9, 2), date(2026, 10, 1))
LAST_YEAR = Period(date(2025, 11, 1), date(2026, 10, 31))


@pytest.fixture
def app(demo_workspace, monkeypatch) -> AppTest:
    monkeypatch.setenv("BENEFITBOARD_CONFIG", str(demo_workspace))
    return AppTest.from_file(APP, default_timeout=90)


def reopened(at: AppTest, page: str) -> AppTest:
    """A new session on ``at``'s current URL: a link pasted into another browser.

    AppTest reruns a page with the query string it started from, where a browser
    reads the one a click wrote; opening the written URL afresh checks the link.
    """
    fresh = AppTest.from_file(APP, default_timeout=90)
    return run(fresh, page, **{k.replace(".", "__"): v for k, v in at.query_params.items()})


@cache
def engine(config_path: Path):
    """What the pages compute from: the snapshot's frames, settings, registry and taxonomy."""
    workspace = load_workspace(config_path)
    snapshot = current_snapshot(workspace.store_dir)
    frames = {name: frame.collect() for name, frame in snapshot.frames().items()}
    registry = build_registry(workspace.custom_kpis, workspace.targets)
    return frames, settings_for(workspace), registry, workspace


def run(at: AppTest, page: str, **params: str) -> AppTest:
    for name, value in params.items():
        at.query_params[name.replace("__", ".")] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart(at: AppTest, name: str) -> dict:
    """The figure JSON of the chart whose key starts with ``name=``."""
    for element in at.get("plotly_chart"):
        if f"-{name}=" in element.proto.id:
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart {name!r}: {[e.proto.id for e in at.get('plotly_chart')]}")


def trace(figure: dict, name: str) -> dict:
    return next(t for t in figure["data"] if t.get("name") == name)


def table(at: AppTest, name: str):
    """The pandas frame of the ``st.dataframe`` whose key starts with ``name=``."""
    for element in at.dataframe:
        if f"-{name}=" in (element.proto.id or ""):
            return element.value
    raise AssertionError(f"no table {name!r}: {[e.proto.id for e in at.dataframe]}")


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


# ---- survey drill-down -------------------------------------------------------------------------


def test_what_changed_finds_the_planted_north_slowdown_first(app, demo_workspace):
    run(app, "pages/drilldown.py")
    frames, settings, registry, _ = engine(demo_workspace)
    nps = compute_kpi("nps", frames, PERIOD, COMPARISON, settings=settings, registry=registry)
    kpi = nps.kpi
    changes = table(app, "drill_changes")
    first = changes.iloc[0]
    assert (first["segment"], first["value"]) == ("region", PLANTED_SLOWDOWN_REGION)
    by_region = kpi_by_segment(
        "nps", frames, PERIOD, "region", comparison=COMPARISON, settings=settings, registry=registry
    )
    result = what_changed(by_region, "nps")
    north = result.segments.filter(pl.col("segment") == "North").row(0, named=True)
    assert north["rank"] == 1
    assert first["contribution"] == kpi.format_delta(north["contribution"])
    assert first["rate effect"] == kpi.format_delta(north["rate"])
    assert first["before"] == kpi.format_value(north["previous_value"])
    assert first["now"] == kpi.format_value(north["value"])
    assert first["answers"] == f"{north['previous_n']} → {north['n']}"
    # the contributions of one segment add up to the tile's change, exactly
    assert result.change == pytest.approx(nps.change.delta, abs=1e-9)
    assert app.metric[0].value == kpi.format_value(nps.current.value)
    assert app.query_params["kpi"] == "nps" and app.query_params["split"] == "plan"


@pytest.mark.parametrize("kpi_id", [k.id for k in DEFAULT_REGISTRY.in_section("drilldown.survey")])
def test_every_drill_down_kpi_shows_the_engines_value(app, demo_workspace, kpi_id):
    run(app, "pages/drilldown.py", kpi=kpi_id)
    assert not app.exception
    frames, settings, registry, _ = engine(demo_workspace)
    result = compute_kpi(kpi_id, frames, PERIOD, COMPARISON, settings=settings, registry=registry)
    assert app.query_params["kpi"] == kpi_id
    assert app.metric[0].label == result.kpi.label
    assert app.metric[0].value == result.kpi.format_value(result.current.value)


def test_segment_bars_and_waterfall_are_the_engines_split(app, demo_workspace):
    run(app, "pages/drilldown.py", split="region")
    frames, settings, registry, _ = engine(demo_workspace)
    split = kpi_by_segment(
        "nps", frames, PERIOD, "region", comparison=COMPARISON, settings=settings, registry=registry
    ).sort("segment")
    bars = trace(chart(app, "drill_bars"), "NPS")
    assert bars["x"] == split["segment"].to_list()
    assert bars["y"] == pytest.approx(split["value"].to_list())
    assert bars["error_y"]["array"] == pytest.approx((split["high"] - split["value"]).to_list())
    assert bars["text"] == [f"n = {n:,}" for n in split["n"].to_list()]
    steps = chart(app, "drill_waterfall")["data"][0]
    result = what_changed(split, "nps")
    assert steps["x"][1] == "North"
    assert steps["y"][0] == pytest.approx(result.previous)
    assert steps["y"][-1] == pytest.approx(result.current)
    spread = score_distribution(frames, "nps", PERIOD, settings=settings)
    assert chart(app, "drill_spread")["data"][0]["y"] == pytest.approx(spread["share"].to_list())


def test_two_segments_at_once_make_a_heatmap(app, demo_workspace):
    run(app, "pages/drilldown.py", split="region", split2="plan")
    frames, settings, registry, _ = engine(demo_workspace)
    expected = kpi_by_two_segments(
        "nps", frames, PERIOD, "region", "plan", settings=settings, registry=registry
    )
    heat = chart(app, "drill_heatmap")["data"][0]
    cell = dict(zip(heat["y"], heat["z"], strict=True))
    for row in expected.iter_rows(named=True):
        assert cell[row["region"]][heat["x"].index(row["plan"])] == pytest.approx(row["value"])


def test_a_drilled_link_shows_that_segment_and_csat_works_the_same(app, demo_workspace):
    run(app, "pages/drilldown.py", kpi="csat", seg__region="North", split="plan")
    frames, settings, registry, _ = engine(demo_workspace)
    csat = compute_kpi(
        "csat",
        frames,
        PERIOD,
        COMPARISON,
        filters={"region": ["North"]},
        settings=settings,
        registry=registry,
    )
    assert app.metric[0].value == csat.kpi.format_value(csat.current.value)
    assert "Showing **region = North**" in markdown(app)
    by_plan = kpi_by_segment(
        "csat",
        frames,
        PERIOD,
        "plan",
        comparison=COMPARISON,
        filters={"region": ["North"]},
        settings=settings,
        registry=registry,
    ).sort("segment")
    bars = trace(chart(app, "drill_bars"), "CSAT")
    assert bars["y"] == pytest.approx(by_plan["value"].to_list())


# ---- verbatims ---------------------------------------------------------------------------------


def expected_comments(config_path, period, **options):
    frames, settings, *_ = engine(config_path)
    index = comment_index(frames["responses"], RESPONSE_COMMENTS)
    return find_verbatims(index, period, settings=settings, **options)


def test_verbatims_are_the_comments_behind_the_view_newest_first(app, demo_workspace):
    run(app, "pages/verbatims.py", kpi="nps", band="detractors", q='"new carrier"')
    expected = expected_comments(
        demo_workspace, PERIOD, surveys=["nps"], band="detractors", search='"new carrier"'
    )
    assert expected.height > 0
    assert app.metric[0].value == f"{expected.height:,}"
    shown = texts(app)
    assert shown == [mask_personal_data(c) for c in expected["comment"].head(20).to_list()]
    assert all("new carrier" in text.lower() for text in shown)


def test_verbatims_page_through_the_url(app, demo_workspace):
    run(app, "pages/verbatims.py", p="2")
    expected = expected_comments(demo_workspace, PERIOD)
    assert texts(app) == [mask_personal_data(c) for c in expected["comment"][20:40].to_list()]
    app.button(key="verbatims-older").click().run()
    assert app.query_params["p"] == "3"
    third = reopened(app, "pages/verbatims.py")
    assert texts(third) == [mask_personal_data(c) for c in expected["comment"][40:60].to_list()]


@pytest.mark.parametrize(
    ("search", "comment"),
    [
        ("script", "Search is odd <script>alert('hi')</script> when I paste my list."),
        ("click", "I wrote up the whole story here: [click](http://example.com)"),
        ("html", "Why does my receipt show <b>html</b> instead of bold text?"),
    ],
)
def test_html_and_markdown_in_demo_comments_show_as_plain_text(app, search, comment):
    # The whole history: the demo plants each of these comments once, on a row of any date.
    run(app, "pages/verbatims.py", **{"from": "2024-11-01", "to": "2026-10-31", "q": search})
    assert texts(app) == [comment]
    assert "example.com" not in markdown(app)  # never handed to a Markdown element


@pytest.mark.parametrize(("search", "found"), [("[email]", 2), ("jane.doe", 0), ("[phone]", 3)])
def test_personal_data_is_masked_and_cannot_be_searched_for(app, search, found):
    run(app, "pages/verbatims.py", **{"from": "2025-01-01", "to": "2026-10-31", "q": search})
    shown = texts(app)
    assert len(shown) == found
    assert not any("@" in text or "555-01" in text for text in shown)
    if search == "[email]":
        assert "Please email [email] about the refund, asked 3 times." in shown


def test_a_comment_with_a_script_tag_or_a_markdown_link_is_drawn_as_text():
    def cards():
        import polars as pl

        from pages.ui.comments import comment_cards

        rows = pl.DataFrame(
            {
                "comment": [
                    "<script>alert(1)</script>",
                    "See [here](javascript:alert(1)) or ![x](http://evil.example/x.png)",
                    "mail me: a.b@example.org",
                ],
                "where": ["<b>North</b>", "[South](http://x)", "West"],
            }
        )
        comment_cards(rows, "comment", lambda row: [row["where"]])

    at = AppTest.from_function(cards).run()
    assert not at.exception
    assert texts(at) == [
        "<script>alert(1)</script>",
        "See [here](javascript:alert(1)) or ![x](http://evil.example/x.png)",
        "mail me: [email]",
    ]
    captions = [c.value for c in at.caption]
    assert captions[0] == "\\<b\\>North\\</b\\>"
    assert captions[1] == "\\[South\\]\\(http\\:\u2060//x\\)"  # no autolink either


# ---- effort priorities -------------------------------------------------------------------------


def test_effort_ranking_is_the_engines_and_plan_correction_ranks_on_its_evidence(
    app, demo_workspace
):
    run(app, "pages/effort.py")
    frames, settings, *_ = engine(demo_workspace)
    expected = effort_priority(frames, PERIOD, settings=settings)
    shown = table(app, "effort_table")
    assert shown["contact reason"].tolist() == expected["contact_reason"].to_list()
    assert shown["rank"].tolist() == expected["rank"].to_list()
    assert shown["contacts"].tolist() == expected["volume"].to_list()
    assert shown["priority"].tolist() == pytest.approx(expected["priority"].round(0).to_list())
    ranks = dict(zip(expected["contact_reason"], expected["rank"], strict=True))
    plan = expected.filter(pl.col("contact_reason") == "plan correction").row(0, named=True)
    refunds = expected.filter(pl.col("contact_reason") == "refund request").row(0, named=True)
    # rare (a few % of contacts, a handful of CES answers) but painful: it ranks near the top,
    # above the frequent, easy refund requests, yet its CES is shrunk for being thin evidence
    assert plan["share"] < 0.05 and plan["volume"] * 5 < refunds["volume"]
    assert ranks["plan correction"] <= 3 and ranks["plan correction"] < ranks["refund request"]
    assert plan["ces_shrunk"] > plan["ces"] + 1
    bubbles = chart(app, "effort_bubbles")["data"][0]
    assert bubbles["x"] == expected["volume"].to_list()


def test_a_reason_opens_with_its_trend_and_notes(app, demo_workspace):
    run(app, "pages/effort.py", reason="plan correction", **{"last": "365"})
    frames, settings, *_ = engine(demo_workspace)
    index = comment_index(frames["contacts"], CONTACT_COMMENTS)
    notes = find_verbatims(
        index,
        LAST_YEAR,
        source=CONTACT_COMMENTS,
        filters={"contact_reason": ["plan correction"]},
        settings=settings,
    )
    assert [s.value for s in app.subheader] == ["Contact reason: plan correction"]
    assert f"({notes.height:,} notes, newest first)" in markdown(app)
    assert texts(app) == [mask_personal_data(c) for c in notes["comment"].head(10).to_list()]
    ranking = effort_priority(frames, LAST_YEAR, settings=settings)
    rank = ranking.filter(pl.col("contact_reason") == "plan correction")["rank"][0]
    assert f"Rank **{rank}** of {ranking.height}" in markdown(app)
    assert chart(app, "effort_trend")["data"][0]["name"] == "contacts"


# ---- feedback themes ---------------------------------------------------------------------------


def test_feedback_themes_are_the_engines(app, demo_workspace):
    run(app, "pages/feedback.py")
    frames, settings, *_ = engine(demo_workspace)
    expected = feedback_themes(frames, PERIOD, COMPARISON, settings=settings)
    shown = table(app, "feedback_table").set_index("theme")
    for row in expected.iter_rows(named=True):
        assert shown.loc[row["theme"], "customers (feedback)"] == row["customers"]
        assert shown.loc[row["theme"], "customers (feedback) change"] == row["customers_change"]
        # Shown rounded to a whole amount: at most half a unit off, plus the float noise of
        # summing in another order (3406.5000000000005 here may be 3406.4999… on the page).
        assert shown.loc[row["theme"], "account value (feedback)"] == pytest.approx(
            row["account_value"], abs=0.5 + 1e-6
        )
    assert shown.loc["referrals", "roadmap item"] == "Refer-a-friend programme"
    assert shown.loc["referrals", "status"] == "shipped"


def test_a_theme_page_gathers_everything_said_about_it(app, demo_workspace):
    run(app, "pages/feedback.py", theme="faster delivery")
    frames, settings, _, workspace = engine(demo_workspace)
    found = theme_mentions(
        frames, workspace.taxonomy, PERIOD, settings=settings, themes=["faster delivery"]
    ).rows
    counts = {m.label: m.value for m in app.metric}
    assert counts["Distinct customers (all sources)"] == f"{found['customer_id'].n_unique():,}"
    for origin, label in (("feedback", "Feedback items"), ("survey comment", "Survey comments")):
        assert counts[label] == f"{(found['origin'] == origin).sum():,}"
    assert "Roadmap: **Same\\-day delivery pilot** (planned)" in markdown(app)
    assert texts(app) == [mask_personal_data(t) for t in found["text"].head(15).to_list()]


@pytest.mark.parametrize(
    "page", ["pages/drilldown.py", "pages/verbatims.py", "pages/effort.py", "pages/feedback.py"]
)
def test_a_filter_the_data_lacks_is_explained_not_a_crash(app, page):
    # "category" is a segment of the catalog and prices only
    run(app, page, seg__category="grocery", reason="plan correction")
    assert any("category" in info.value for info in app.info), [i.value for i in app.info]


def test_viewers_see_counts_but_not_customers_words():
    def gate():
        import streamlit as st

        from pages.ui.auth import Access
        from pages.ui.comments import words_hidden
        from pages.ui.context import PageContext
        from pages.ui.state import ViewState

        for role in ("viewer", "analyst"):
            context = PageContext(
                None, None, {}, ViewState(), None, {}, access=Access(role, "pm@x.example", True)
            )
            st.text(f"{role}: {words_hidden(context)}")

    at = AppTest.from_function(gate).run()
    assert texts(at) == ["viewer: True", "analyst: False"]
    assert "analysts only" in at.caption[0].value and len(at.caption) == 1
