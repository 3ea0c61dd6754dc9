"""Verbatims: plain-text search, score bands per survey, the view's period and filters, paging."""

from datetime import date

import polars as pl
import pytest

from metrics.periods import Period
from metrics.settings import MetricSettings
from metrics.verbatims import (
    CONTACT_COMMENTS,
    SEARCH_COLUMN,
    comment_index,
    export_table,
    find_verbatims,
    in_band,
    page_of,
    search_terms,
)
from tests.metrics.fixtures import frame, utc

JAN = Period(date(2024, 1, 1), date(2024, 1, 31))


def responses(*rows):
    """(survey, score, day, comment, region) rows."""
    return frame(
        "responses",
        [
            {"survey": s, "score": float(x), "responded_at": utc(d), "comment": c, "region": r}
            for s, x, d, c, r in rows
        ],
    )


def found(index, **options):
    return find_verbatims(index, JAN, **options)["comment"].to_list()


INDEX = comment_index(
    responses(
        ("nps", 2, "2024-01-05", "The NEW carrier is late again", "North"),
        ("nps", 9, "2024-01-20", "Late once, but lovely driver", "South"),
        ("nps", 7, "2024-01-25", "Price (a bit) high .* ok", "North"),
        ("csat", 2, "2024-01-10", "Checkout kept failing", "North"),
        ("csat", 5, "2024-01-11", "Checkout was quick", "South"),
        ("ces", 6, "2024-01-12", "Easy to pay", "South"),
        ("ces", 3, "2024-01-13", "Hard to find the form", "South"),
        ("nps", 1, "2023-12-31", "Last year's comment", "North"),
        ("nps", 0, "2024-01-15", None, "North"),
        ("nps", 4, "2024-01-16", "Mail me at jane@example.com", "North"),
    )
)


def test_search_terms_are_words_and_quoted_phrases():
    assert search_terms('late  "New   Carrier" LATE') == ["late", "new carrier"]
    assert search_terms('"unclosed phrase') == ["unclosed phrase"]
    assert search_terms("   ") == [] and search_terms(None) == []
    assert len(search_terms(" ".join(f"w{i}" for i in range(30)))) == 10


def test_the_index_holds_comments_only_newest_first():
    assert INDEX.height == 9  # the row without a comment is left out
    assert INDEX["responded_at"].is_sorted(descending=True)
    assert INDEX[SEARCH_COLUMN][0] == "price (a bit) high .* ok"
    assert "mail me at [email]" in INDEX[SEARCH_COLUMN].to_list()  # searched as shown: masked


def test_search_is_plain_text_ignoring_case_every_term_must_match():
    assert found(INDEX, search="late") == [
        "Late once, but lovely driver",
        "The NEW carrier is late again",
    ]
    assert found(INDEX, search='"new carrier" late') == ["The NEW carrier is late again"]
    assert found(INDEX, search='"carrier new"') == []
    # regex characters are matched literally, never interpreted
    assert found(INDEX, search=".*") == ["Price (a bit) high .* ok"]
    assert found(INDEX, search="(a") == ["Price (a bit) high .* ok"]
    assert found(INDEX, search="{") == [] and found(INDEX, search="^the") == []


def test_search_never_finds_personal_data_it_does_not_show():
    assert found(INDEX, search="jane") == []
    assert found(INDEX, search="example.com") == []
    assert found(INDEX, search="[email]") == ["Mail me at jane@example.com"]


def test_period_and_filters_are_the_views():
    assert "Last year's comment" not in found(INDEX)
    assert found(INDEX, filters={"region": ["South"]}, surveys=["ces"]) == [
        "Hard to find the form",
        "Easy to pay",
    ]


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        (
            "detractors",
            {
                "The NEW carrier is late again",
                "Checkout kept failing",
                "Hard to find the form",
                "Mail me at jane@example.com",
            },
        ),
        (
            "low",
            {
                "The NEW carrier is late again",
                "Checkout kept failing",
                "Hard to find the form",
                "Mail me at jane@example.com",
            },
        ),
        ("passives", {"Price (a bit) high .* ok"}),
        ("promoters", {"Late once, but lovely driver", "Checkout was quick", "Easy to pay"}),
        ("high", {"Late once, but lovely driver", "Checkout was quick", "Easy to pay"}),
    ],
)
def test_score_bands_follow_each_survey_s_scale(band, expected):
    assert set(found(INDEX, band=band)) == expected


def test_on_the_effort5_scale_low_scores_are_the_happy_end():
    settings = MetricSettings(ces_scale="effort5")
    scores = pl.DataFrame({"survey": ["ces"] * 5, "score": [1.0, 2.0, 3.0, 4.0, 5.0]})
    happy = scores.filter(in_band("promoters", settings=settings))["score"].to_list()
    unhappy = scores.filter(in_band("detractors", settings=settings))["score"].to_list()
    assert (happy, unhappy) == ([1.0, 2.0], [4.0, 5.0])
    with pytest.raises(ValueError, match="unknown score band"):
        in_band("angry")


def test_contact_notes_are_found_by_reason_and_ces_band():
    contacts = frame(
        "contacts",
        [
            {
                "opened_at": utc("2024-01-03"),
                "contact_reason": "plan correction",
                "ces_score": 1.0,
                "comment": "Billed twice",
            },
            {
                "opened_at": utc("2024-01-04"),
                "contact_reason": "plan correction",
                "ces_score": None,
                "comment": "Wrong plan",
            },
            {
                "opened_at": utc("2024-01-05"),
                "contact_reason": "refund request",
                "ces_score": 7.0,
                "comment": "Quick refund",
            },
        ],
    )
    index = comment_index(contacts, CONTACT_COMMENTS)
    notes = find_verbatims(
        index, JAN, source=CONTACT_COMMENTS, filters={"contact_reason": ["plan correction"]}
    )
    assert notes["comment"].to_list() == ["Wrong plan", "Billed twice"]
    hard = find_verbatims(index, JAN, source=CONTACT_COMMENTS, band="low")
    assert hard["comment"].to_list() == ["Billed twice"]


def test_pages_are_clamped_and_sliced():
    rows = pl.DataFrame({"x": list(range(45))})
    assert page_of(rows, 1, 20).rows["x"].to_list() == list(range(20))
    last = page_of(rows, 99, 20)
    assert (last.number, last.pages, last.total, last.rows.height) == (3, 3, 45, 5)
    empty = page_of(rows.head(0), 4, 20)
    assert (empty.number, empty.pages, empty.total) == (1, 1, 0)
    with pytest.raises(ValueError):
        page_of(rows, 1, 0)


def test_the_download_is_masked_and_safe_to_open_in_a_spreadsheet():
    rows = pl.DataFrame(
        {
            "comment": ["=cmd|' /C calc'!A0", "call +44 20 7946 0958", "@SUM(A1)", "fine"],
            "region": ["-North", "South", "West", "East"],
            "secret": ["x", "y", "z", "w"],
        }
    )
    table = export_table(rows, ["region", "comment"], "comment")
    assert table.columns == ["region", "comment"]
    assert table["comment"].to_list() == [
        "'=cmd|' /C calc'!A0",
        "call [phone]",
        "'@SUM(A1)",
        "fine",
    ]
    assert table["region"].to_list() == ["'-North", "South", "West", "East"]
