"""What each role sees of customers' own words, on every page that has them (AppTest, demo data).

Viewers get KPIs and charts: no comment, no contact note, no quarantined row,
no example row, no download, on any page. Analysts read the comments, with
e-mail addresses and phone numbers masked (``metrics.pii``: masking is not a
role privilege, it is always on, on screen and in downloads).
"""

from __future__ import annotations

import pytest

from tests.app.test_access_app import app_for, guarded_workspace  # noqa: F401 (a fixture)

VIEWER = {"is_logged_in": True, "email": "ceo@shop.example"}
ANALYST = {"is_logged_in": True, "email": "pm@shop.example"}
WORD_PAGES = {  # page -> (link to the words, what it says instead; the drill-down drops its link)
    "pages/drilldown.py": ({}, None),
    "pages/effort.py": ({"reason": "plan correction"}, "analysts only"),
    "pages/feedback.py": ({"theme": "faster delivery"}, "analysts only"),
}
PERIOD = {"from": "2025-01-01", "to": "2026-10-31"}


def opened(config, monkeypatch, user, page: str, **params: str):
    at = app_for(config, monkeypatch, user)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def everything_shown(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "text", "info") for e in at.get(kind)]
    parts += [str(getattr(e, "value", "")) for e in at.get("arrow_data_frame")]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", WORD_PAGES)
def test_a_viewer_reads_no_customer_words_on_any_page(guarded_workspace, monkeypatch, page):  # noqa: F811
    selection, said = WORD_PAGES[page]
    at = opened(guarded_workspace, monkeypatch, VIEWER, page, **PERIOD, **selection)
    assert at.get("text") == []  # comments and notes are drawn with st.text only
    assert at.get("download_button") == []
    assert said is None or said in everything_shown(at)
    if said:  # the same link shows an analyst the words
        analyst = opened(guarded_workspace, monkeypatch, ANALYST, page, **PERIOD, **selection)
        assert analyst.get("text") and analyst.get("download_button")
    assert not any("verbatims" in str(link.proto) for link in at.get("page_link"))


def test_a_viewer_sees_quality_counts_but_no_rows(guarded_workspace, monkeypatch):  # noqa: F811
    at = opened(guarded_workspace, monkeypatch, VIEWER, "pages/data-quality.py")
    assert at.get("download_button") == []
    assert all("examples" not in frame.value.columns for frame in at.dataframe)
    assert "Shown to analysts only" in everything_shown(at)


def test_an_analyst_reads_comments_with_personal_data_masked(guarded_workspace, monkeypatch):  # noqa: F811
    at = opened(
        guarded_workspace, monkeypatch, ANALYST, "pages/verbatims.py", q="[email]", **PERIOD
    )
    comments = [t.value for t in at.get("text")]
    assert "Please email [email] about the refund, asked 3 times." in comments
    assert not any("@" in comment for comment in comments)
    phones = opened(
        guarded_workspace, monkeypatch, ANALYST, "pages/verbatims.py", q="[phone]", **PERIOD
    )
    shown = [t.value for t in phones.get("text")]
    assert shown and all("[phone]" in text for text in shown)
    assert not any("555-01" in text for text in shown)
