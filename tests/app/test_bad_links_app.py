"""Bad links through the real app: each says what it ignored, falls back, and echoes nothing live.

Every row is a link a user could paste (mistyped, truncated, outdated or
hostile). The app must run without an exception, show the row's short notice,
show the default in the control the bad parameter was meant for, drop the
parameter from the address bar, and never let the hostile text reach a
Markdown-rendering element unescaped (where ``[x](url)`` would become a link
and ``![x](url)`` an image fetched from anywhere).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from streamlit.testing.v1 import AppTest

from pages.ui.text import escape_markdown
from tests.app.full_app import whole_app

SCRIPT = "<script>alert(1)</script>"
SQL = "'; DROP TABLE survey_responses;--"
MARKDOWN_LINK = "[click here](http://evil.example/phish)"
MARKDOWN_IMAGE = "![x](http://evil.example/pixel.png)"
RTL = "\u202eNorth"
JUNK = "x" * 10_240
PLAIN_ELEMENTS = {"Text", "Code", "Dataframe", "Json", "TextInput", "TextArea"}
"""Elements that draw their text as typed, never as Markdown."""
MARKDOWN_FIELDS = ("body", "label", "help", "placeholder", "caption")


@dataclass(frozen=True)
class BadLink:
    """A link, the page it opens, the notice it must raise and the default it must fall back to."""

    name: str
    params: dict[str, str | list[str]]
    notice: str
    page: str = "pages/overview.py"
    shows_default: Callable[[AppTest], bool] = lambda at: True
    hostile: tuple[str, ...] = ()
    """Parts of the link that must not reach a Markdown element unescaped."""


def select(at: AppTest, key: str):
    return at.selectbox(key=key).value


def period_is_default(at: AppTest) -> bool:
    return select(at, "filter_period") == "Last 30 days" and at.caption[0].value.startswith(
        "02 Oct 2026 – 31 Oct 2026"
    )


def no_filters(at: AppTest) -> bool:
    return all(box.value == [] for box in at.sidebar.multiselect)


def trend_is_nps(at: AppTest) -> bool:
    return select(at, "trend_kpi") == "nps"


def on_live_snapshot(at: AppTest) -> bool:
    captions = [c.value for c in at.sidebar.caption]
    return any(c.startswith("Data snapshot 2026") for c in captions) and not at.sidebar.info


def main_select(at: AppTest, label: str):
    return next(box.value for box in at.main.selectbox if box.label == label)


def no_reason_open(at: AppTest) -> bool:
    return not any(s.value.startswith("Contact reason") for s in at.subheader)


BAD_LINKS = [
    BadLink("unknown KPI", {"kpi": "churn_magic"}, r"unknown KPI 'churn\_magic'", "pages/overview.py", trend_is_nps),
    BadLink("impossible date", {"from": "2026-13-45", "to": "2026-10-31"}, r"'from': '2026\-13\-45' is not a date", shows_default=period_is_default),
    BadLink("31 February", {"from": "2026-02-31", "to": "2026-03-31"}, "is not a date", shows_default=period_is_default),
    BadLink("end before start", {"from": "2026-10-30", "to": "2026-10-01"}, "'from' is after 'to'", shows_default=period_is_default),
    BadLink("half a period", {"from": "2026-10-01"}, "needs both 'from' and 'to'", shows_default=period_is_default),
    BadLink("period after the data", {"from": "2030-01-01", "to": "2030-01-31"}, "the data covers 2023-01-01 to 2026-10-31", shows_default=period_is_default),
    BadLink("negative relative period", {"last": "-30"}, "expected a number of days", shows_default=period_is_default),
    BadLink("unknown segment column", {"seg.planet": "Mars"}, r"Ignored filter 'seg\.planet': no such segment", shows_default=no_filters),
    BadLink("segment value not in the data", {"seg.region": "Atlantis"}, "region value(s) not in the data: Atlantis", shows_default=no_filters),
    BadLink("unicode right-to-left override", {"seg.region": RTL}, "region value(s) not in the data: ?North", shows_default=no_filters, hostile=(RTL,)),
    BadLink("markdown link as a segment value", {"seg.region": MARKDOWN_LINK}, r"\[click here\]\(http\:", shows_default=no_filters, hostile=(MARKDOWN_LINK, "](http")),
    BadLink("10 kB of junk", {"kpi": JUNK}, "'kpi': the value is too long", shows_default=trend_is_nps, hostile=(JUNK[:200],)),
    BadLink("SQL as a KPI", {"kpi": SQL}, "unknown KPI", shows_default=trend_is_nps, hostile=(SQL, "DROP TABLE survey_responses")),
    BadLink("script as the comparison", {"cmp": SCRIPT}, "Ignored 'cmp': expected one of previous, year, none", shows_default=lambda at: select(at, "filter_comparison") == "previous", hostile=(SCRIPT, "<script")),
    BadLink("bad grain", {"grain": "hour"}, "Ignored 'grain'", shows_default=lambda at: select(at, "filter_grain") == "week"),
    BadLink("bad asof", {"asof": "../../etc/passwd"}, "is not a snapshot id", shows_default=on_live_snapshot),
    BadLink("repeated parameter", {"cmp": ["year", "none"]}, "'cmp': it is given 2 times", shows_default=lambda at: select(at, "filter_comparison") == "previous"),
    BadLink("unknown page parameter", {"page": "../../admin"}, "Ignored unknown parameter 'page'"),
    BadLink("a flood of junk parameters", {f"junk{i}": "1" for i in range(300)}, "Ignored 296 more problems in the link"),
    BadLink("bad rotate seconds", {"rotate": "1"}, "expected 10 to 3600 seconds"),
    BadLink("superscript days", {"last": "²"}, "expected a number of days", shows_default=period_is_default),
    BadLink("circled days", {"last": "①"}, "expected a number of days", shows_default=period_is_default),
    BadLink("full-width days", {"last": "３０"}, "expected a number of days", shows_default=period_is_default),
    BadLink("superscript rotate seconds", {"rotate": "²"}, "expected 10 to 3600 seconds"),
    BadLink("bad screen page list", {"show": "../etc,<b>"}, "is not a list of pages", hostile=("<b>",)),
    BadLink("split by an unknown segment", {"split": "planet"}, "no such segment 'planet'", "pages/drilldown.py", lambda at: main_select(at, "Split by") == "plan"),
    BadLink("bad score band", {"band": "angry"}, "Ignored 'band'", "pages/verbatims.py", lambda at: main_select(at, "Score") == "all"),
    BadLink("negative page number", {"p": "-3"}, "expected a page number, got '\\-3'", "pages/verbatims.py"),
    BadLink("huge page number", {"p": "99999999999"}, "expected a page number", "pages/verbatims.py"),
    BadLink("superscript page number", {"p": "²"}, "expected a page number", "pages/verbatims.py"),
    BadLink("search of 10 kB", {"q": JUNK}, "too long", "pages/verbatims.py", lambda at: at.text_input[0].value == "", hostile=(JUNK[:200],)),
    BadLink("unknown dataset", {"dataset": "nope"}, "no dataset 'nope' here", "pages/data-quality.py", lambda at: select(at, "data_quality_dataset") == at.query_params["dataset"]),
    BadLink("markup as a dataset", {"dataset": "<b>x</b>"}, "is not a dataset name", "pages/data-quality.py", hostile=("<b>",)),
    BadLink("reason with a direction override", {"reason": "\u202eReturns"}, "'reason': it contains control characters", "pages/effort.py", no_reason_open),
]  # fmt: skip


def markdown_texts(at: AppTest) -> list[str]:
    """Every text the app handed to a Markdown-rendering element (or label) in the last run."""
    texts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and type(node).__name__ not in PLAIN_ELEMENTS:
            names = proto.DESCRIPTOR.fields_by_name
            texts.extend(str(getattr(proto, f)) for f in MARKDOWN_FIELDS if f in names)
        for child in getattr(node, "children", {}).values():
            walk(child)

    for root in at._tree.children.values():
        walk(root)
    return texts


def unescaped(payload: str, texts: list[str]) -> list[str]:
    """The texts in which ``payload`` occurs without a backslash escaping its first character."""
    pattern = re.compile(r"(?<!\\)" + re.escape(payload))
    return [text for text in texts if pattern.search(text)]


def open_link(at: AppTest, link: BadLink) -> AppTest:
    if link.page == "pages/data-quality.py":  # found by file name only once st.navigation ran
        at.run()
    for name, value in link.params.items():
        at.query_params[name] = value
    if link.page != "pages/overview.py":
        at.switch_page(link.page)
    return at.run()


@pytest.mark.parametrize("link", BAD_LINKS, ids=[link.name for link in BAD_LINKS])
def test_a_bad_link_says_what_it_ignored_and_falls_back(link, demo_workspace, monkeypatch):
    at = open_link(whole_app(demo_workspace, monkeypatch), link)
    assert not at.exception, [e.value for e in at.exception]
    notices = [t.value for t in at.toast]
    assert any(link.notice in n for n in notices), notices
    assert all(len(n) < 160 for n in notices), notices  # short, whatever the link held
    assert link.shows_default(at)
    for name, bad in link.params.items():  # the address bar no longer holds the bad value
        assert at.query_params.get(name) != bad, dict(at.query_params)
    for payload in link.hostile:
        assert not unescaped(payload, markdown_texts(at))


def test_a_link_to_a_snapshot_that_is_gone_says_so_and_shows_the_live_data(
    demo_workspace, monkeypatch
):
    at = whole_app(demo_workspace, monkeypatch)
    at.query_params["asof"] = "20200101T000000Z"
    at.run()
    assert not at.exception
    assert "20200101T000000Z" in at.warning[0].value and "no longer kept" in at.warning[0].value
    assert on_live_snapshot(at)
    assert "asof" not in at.query_params


@pytest.mark.parametrize(
    ("page", "params", "payload", "echoed"),
    [
        ("pages/effort.py", {"reason": MARKDOWN_IMAGE}, "](http", "Contact reason: "),
        ("pages/effort.py", {"reason": SCRIPT}, "<script", "Contact reason: "),
        ("pages/feedback.py", {"theme": MARKDOWN_LINK}, "](http", "Theme: "),
        ("pages/feedback.py", {"theme": SQL}, SQL, "Theme: "),
        ("pages/verbatims.py", {"q": MARKDOWN_LINK}, "](http", None),
        ("pages/drilldown.py", {"seg.region": f"North,{MARKDOWN_LINK}"}, "](http", None),
    ],
)
def test_text_selections_from_a_link_are_shown_as_text(
    page, params, payload, echoed, demo_workspace, monkeypatch
):
    """Reasons, themes and searches are data values: the page looks them up and, where it
    names them (``echoed``: a heading), shows them escaped, as the text they are."""
    at = open_link(whole_app(demo_workspace, monkeypatch), BadLink(page, params, "", page))
    assert not at.exception, [e.value for e in at.exception]
    texts = markdown_texts(at)
    assert not unescaped(payload, texts)
    if echoed:
        value = escape_markdown(next(iter(params.values())))
        assert f"{echoed}{value}" in texts, [t for t in texts if t.startswith(echoed)]
