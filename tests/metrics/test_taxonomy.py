"""Taxonomy tagging: whole words and phrases, ignoring case; * for any ending; several themes."""

import polars as pl
import pytest

from metrics.taxonomy import keyword_pattern, tag_texts

TAXONOMY = {
    "referrals": ("referral*", "refer a friend", "invite"),
    "plan flexibility": ("plan", "pause my"),
    "invoice export": ("invoice*", "c++ export"),
}


def themes_of(text: str, taxonomy=TAXONOMY) -> list[str]:
    tagged = tag_texts(pl.DataFrame({"text": [text]}), "text", taxonomy)
    return tagged["theme"].to_list()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please add a referral bonus", ["referrals"]),
        ("REFERRALS would be great", ["referrals"]),
        ("I'd refer  a\nfriend if I could", ["referrals"]),
        ("I was invited", []),  # "invite" is a whole word; "invited" is not it
        ("Can't explain why", []),  # "plan" inside "explain" does not count
        ("Planning ahead", []),
        ("My plan, my invoices", ["plan flexibility", "invoice export"]),
        ("Let me pause my subscription", ["plan flexibility"]),
        ("Need c++ export", ["invoice export"]),  # keywords are escaped, not patterns
        ("", []),
    ],
)
def test_keywords_match_whole_words_and_phrases_ignoring_case(text, expected):
    assert themes_of(text) == expected


def test_a_text_with_several_themes_becomes_a_row_per_theme_and_untagged_rows_go():
    rows = pl.DataFrame({"id": [1, 2, 3, 4], "text": ["invite + plan", "nothing", None, "Invoice"]})
    tagged = tag_texts(rows, "text", TAXONOMY)
    assert tagged.select("id", "theme").rows() == [
        (1, "referrals"),
        (1, "plan flexibility"),
        (4, "invoice export"),
    ]
    assert isinstance(tag_texts(rows.lazy(), "text", TAXONOMY), pl.LazyFrame)


def test_an_empty_taxonomy_tags_nothing():
    assert tag_texts(pl.DataFrame({"text": ["referral"]}), "text", {}).height == 0


def test_keyword_patterns():
    assert keyword_pattern("Gift card*") == r"(?i)\bGift\s+card\w*"
    assert keyword_pattern("same-day") == r"(?i)\bsame\-day\b"
    with pytest.raises(ValueError, match="no words"):
        keyword_pattern(" * ")
