"""One page of raw rows from a live source: verbatims and quarantined rows, as refresh mode has them.

Pages from SQL must hold the rows refresh mode's snapshot (verbatims) or
quarantine holds, in the same newest-first order, with the same reasons;
search terms are plain text (``%`` and ``_`` are not wildcards); a page counts
every match and is clamped to the pages there are; the quarantine's reasons are
counted and filtered as ``validation.quarantine`` counts and filters a stored one.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from connectors.pushdown.relation import TimeStyle, source_relation
from connectors.pushdown.rows import (
    count_quarantined,
    quarantine_page,
    quarantine_reason_counts,
    verbatims_page,
)
from metrics.periods import Period
from metrics.verbatims import comment_index, find_verbatims
from store.snapshots import current_snapshot
from tests.connectors.pushdown.conftest import Case
from tests.connectors.pushdown.planted import NOW
from validation.contracts import contracts_for_workspace
from validation.quarantine import matching_rows, reason_counts

OCTOBER = Period(date(2026, 10, 1), date(2026, 11, 1))


def _verbatims(case: Case, **options) -> list:
    contract = contracts_for_workspace(case.workspace)["responses"]
    ids: list = []
    number = 1
    while True:
        page = verbatims_page(
            case.source,
            periods=[OCTOBER],
            settings=case.settings,
            contract=contract,
            now=NOW,
            page=number,
            page_size=40,
            **options,
        )
        ids += page.frame["response_id"].to_list()
        if not page.has_more:
            return ids
        number += 1


def _snapshot_verbatims(case: Case, **options) -> list:
    index = comment_index(case.frames["responses"])
    rows = find_verbatims(index, OCTOBER, settings=case.settings, **options)
    return rows["response_id"].to_list()


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"band": "detractors", "filters": {"region": ["North"]}},
        {"search": "late", "surveys": ["nps"]},
    ],
)
def test_verbatim_pages_hold_the_snapshot_rows_newest_first(case: Case, options: dict) -> None:
    live = _verbatims(case, **options)
    snapshot = _snapshot_verbatims(case, **options)
    assert len(live) > 0
    assert sorted(live) == sorted(snapshot)
    # Newest first; ties (same second) by id, newest id first.
    times = dict(
        zip(
            case.frames["responses"]["response_id"],
            case.frames["responses"]["responded_at"],
            strict=True,
        )
    )
    assert [times[i] for i in live] == sorted((times[i] for i in live), reverse=True)


def test_search_is_plain_text(sqlite_case: Case) -> None:
    planted = _verbatims(sqlite_case, search="100% late_delivery")
    assert len(planted) == 1
    assert _verbatims(sqlite_case, search="%") == _snapshot_verbatims(sqlite_case, search="%")
    assert _verbatims(sqlite_case, search="late_") == _snapshot_verbatims(
        sqlite_case, search="late_"
    )
    assert _verbatims(sqlite_case, search="' OR 1=1 --") == []


def test_quarantine_pages_hold_refresh_modes_quarantine(case: Case) -> None:
    contract = contracts_for_workspace(case.workspace)["responses"]
    page = quarantine_page(case.source, "responses", contract=contract, now=NOW, page_size=50)
    assert not page.has_more
    assert (
        count_quarantined(case.source, "responses", contract=contract, now=NOW) == page.frame.height
    )
    live = _by_id(page.frame)
    refreshed = _by_id(current_snapshot(case.workspace.store_dir).quarantine("responses").collect())
    assert sorted(live) == sorted(refreshed)
    for response_id, reasons in refreshed.items():
        if "unreadable" in reasons and case.source.url.startswith("postgresql"):
            # The timestamptz copy holds the unreadable text as NULL: only "missing" is left.
            assert set(live[response_id].split("; ")) <= set(reasons.split("; ")), response_id
        else:
            assert live[response_id] == reasons, response_id


def _by_id(frame: pl.DataFrame) -> dict[str, str]:
    """Reasons by response id (a duplicated id's copies share their reasons)."""
    return dict(zip(frame["response_id"].to_list(), frame["_reasons"].to_list(), strict=True))


def test_pages_are_newest_first_and_do_not_overlap(sqlite_case: Case) -> None:
    contract = contracts_for_workspace(sqlite_case.workspace)["orders"]
    first = quarantine_page(sqlite_case.source, "orders", contract=contract, now=NOW, page_size=2)
    second = quarantine_page(
        sqlite_case.source, "orders", page=2, contract=contract, now=NOW, page_size=2
    )
    assert first.has_more
    assert first.frame.height == 2
    assert not set(first.frame["order_id"]) & set(second.frame["order_id"])
    ordered = pl.concat([first.frame, second.frame])["ordered_at"].to_list()
    assert ordered == sorted(ordered, reverse=True)


def test_a_page_counts_every_match_and_clamps_its_number(sqlite_case: Case) -> None:
    contract = contracts_for_workspace(sqlite_case.workspace)["responses"]
    options = {"periods": [OCTOBER], "settings": sqlite_case.settings, "contract": contract}
    everything = _snapshot_verbatims(sqlite_case, band="detractors")
    first = verbatims_page(sqlite_case.source, band="detractors", page_size=7, now=NOW, **options)
    assert first.total == len(everything) and first.frame.height == 7
    assert first.pages == -(-len(everything) // 7) and first.has_more
    last = verbatims_page(
        sqlite_case.source, band="detractors", page=999, page_size=7, now=NOW, **options
    )
    assert last.page == first.pages and not last.has_more
    assert last.frame["response_id"].to_list() == everything[(first.pages - 1) * 7 :]


@pytest.mark.parametrize(("band", "same_as"), [("low", "detractors"), ("high", "promoters")])
def test_low_and_high_are_the_unhappy_and_happy_ends(case: Case, band: str, same_as: str) -> None:
    live = _verbatims(case, band=band, surveys=["csat", "ces"])
    assert live == _verbatims(case, band=same_as, surveys=["csat", "ces"])
    assert sorted(live) == sorted(_snapshot_verbatims(case, band=band, surveys=["csat", "ces"]))


def test_quarantine_reasons_are_counted_and_filtered_as_stored(case: Case) -> None:
    contract = contracts_for_workspace(case.workspace)["responses"]
    stored = current_snapshot(case.workspace.store_dir).quarantine("responses")
    expected = reason_counts(stored)
    if source_relation(case.source, "responses").time_style is not TimeStyle.TEXT:
        # Typed timestamps: the copy holds the unreadable text as NULL, so only "missing" is left.
        expected = expected.filter(pl.col("reason") != "unreadable: responded_at")
    live = quarantine_reason_counts(case.source, "responses", contract=contract, now=NOW)
    assert live.rows() == expected.rows()
    for reason, rows in expected.iter_rows():
        page = quarantine_page(
            case.source, "responses", reason=reason, contract=contract, now=NOW, page_size=1
        )
        assert page.total == rows and page.frame.height == 1, reason
        wanted = matching_rows(stored, reason).collect()["response_id"].to_list()
        assert page.frame["response_id"].to_list()[0] in wanted, reason
    with pytest.raises(ValueError, match="no quarantine reason 'score: missing; x'"):
        quarantine_page(case.source, "responses", reason="score: missing; x", contract=contract)
