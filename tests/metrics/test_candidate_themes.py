"""Candidate themes: planted topics come out as clusters with their key phrases; only comments
no taxonomy keyword tags are read."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl

from metrics.candidate_themes import candidate_themes, untagged_comments
from metrics.periods import Period


def test_two_planted_topics_come_out_as_two_clusters_with_their_phrases():
    refund = [f"refund still missing after {n} weeks, please send my refund" for n in range(12)]
    app = [f"the app login fails on android version {n}, app login broken" for n in range(8)]
    found = candidate_themes(refund + app, clusters=2)
    assert [c.count for c in found] == [12, 8]
    assert {"refund", "send refund"} & set(found[0].key_phrases)
    assert {"app login", "login"} & set(found[1].key_phrases)
    assert len(found[0].examples) == 3 and all("refund" in e for e in found[0].examples)


def test_examples_are_masked_and_too_few_comments_give_none():
    texts = [f"call me on 555 123 4567 about the broken zipper {n}" for n in range(10)]
    texts += [f"the broken zipper again, order {n}" for n in range(10)]
    found = candidate_themes(texts, clusters=2)
    assert all("555" not in example for c in found for example in c.examples)
    assert candidate_themes(texts[:9], clusters=2) == []  # fewer than 5 per cluster


def test_only_untagged_comments_of_the_period_are_read():
    at = datetime(2024, 1, 10, 12, tzinfo=UTC)
    responses = pl.DataFrame({
        "response_id": ["1", "2", "3", "4"], "survey": ["nps"] * 4, "score": [3.0] * 4,
        "responded_at": [at, at, at, datetime(2023, 12, 1, tzinfo=UTC)],
        "comment": ["the invite link was broken", "wrapping paper was torn", "ok",
                    "wrapping paper torn last year"],
    })  # fmt: skip
    found = untagged_comments(
        {"responses": responses},
        {"referrals": ["invite"]},
        Period(date(2024, 1, 1), date(2024, 1, 31)),
    )
    # 1 is tagged (invite), 3 is too short (one word), 4 is outside the period.
    assert found.rows() == [("survey comment", "wrapping paper was torn")]
