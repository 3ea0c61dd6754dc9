"""Trust words for tiles and the page banner: which status, which sentence, escaped."""

from __future__ import annotations

import pytest

from pages.ui.trust import banner_headline, problem_of, trust_of, when
from store.snapshots import DatasetEntry

LOADED = "2026-11-01T06:00:00+00:00"


def entry(status: str, dataset: str = "orders", **fields) -> DatasetEntry:
    defaults = {"rows": 98, "loaded_at": LOADED, "newest_record": "2026-10-31T22:10:00+00:00"}
    return DatasetEntry(dataset, "shop_db", status, **{**defaults, **fields})


@pytest.mark.parametrize(
    ("given", "badge", "sentence"),
    [
        (
            entry("ok"),
            "fresh and valid",
            "Every row passed validation; loaded 01 Nov 2026, 06:00 UTC.",
        ),
        (
            entry("ok", quarantined=2),
            "partly quarantined",
            "Loaded 01 Nov 2026, 06:00 UTC. 2 rows (2.0%) failed validation and are left out of "
            "the numbers (see Data quality).",
        ),
        (
            entry("stale"),
            "stale",
            "shop\\_db has no newer orders: the newest record is from 31 Oct 2026, 22:10 UTC; "
            "loaded 01 Nov 2026, 06:00 UTC.",
        ),
        (
            entry("carried", problem="no rows arrived"),
            "stale",
            "The latest refresh of orders from shop\\_db failed (no rows arrived); showing the last "
            "good data, loaded 01 Nov 2026, 06:00 UTC.",
        ),
        (
            entry("failed", rows=0, problem="table 'orders' does not exist"),
            "failed",
            "The latest refresh of orders from shop\\_db failed (table 'orders' does not exist) "
            "and there is no earlier good data.",
        ),
        (None, "no data", "This workspace has no source for this data."),
    ],
)
def test_trust_of_each_status(given, badge, sentence):
    assert trust_of(given) == (badge, sentence)


def test_source_text_cannot_become_a_link_or_an_image():
    hostile = entry("carried", problem="column '![x](https://evil.example/t.png)' not found")
    sentence = trust_of(hostile)[1]
    assert "![x](https" not in sentence
    assert "\\!\\[x\\]\\(https\\:" in sentence
    assert "\\!\\[x\\]" in banner_headline([hostile])


def test_older_manifests_without_a_problem_use_the_first_failure():
    old = entry("carried", failures=("source 'shop_db', dataset 'orders': no rows arrived",))
    assert problem_of(old) == "no rows arrived"


def test_one_source_failing_for_several_datasets_is_one_sentence():
    down = "cannot read from postgresql: connection refused"
    entries = [entry("carried", "orders", problem=down), entry("carried", "contacts", problem=down)]
    assert banner_headline(entries) == (
        "**orders, contacts** from shop\\_db: the latest refresh failed (cannot read from "
        "postgresql\\: connection refused); showing the last good data, loaded 01 Nov 2026, "
        "06:00 UTC."
    )


def test_different_failures_are_listed_briefly():
    entries = [
        entry("carried", "orders", problem="no rows arrived"),
        entry("failed", "prices", rows=0, problem="table missing"),
        entry("stale", "responses"),
    ]
    assert banner_headline(entries) == (
        "**3 datasets are not up to date:** **orders** from shop\\_db (refresh failed, last good "
        "data shown); **prices** from shop\\_db (no data); **responses** from shop\\_db (stale). "
        "Details below."
    )
    assert banner_headline([]) == ""


def test_times_read_like_people_write_them():
    assert when("2026-11-01T06:00:00+00:00") == "01 Nov 2026, 06:00 UTC"
    assert when("2026-11-01T07:30:00+01:00") == "01 Nov 2026, 06:30 UTC"
    assert when("2026-10-31") == "31 Oct 2026"
    assert when(None) == "unknown"
