"""A live source's contract, run by Great Expectations in its own database, finds the planted rows."""

from __future__ import annotations

from connectors.pushdown.rows import count_quarantined
from connectors.pushdown.validate import validate_live_source
from store.snapshots import current_snapshot
from tests.connectors.pushdown.conftest import Case
from tests.connectors.pushdown.planted import NOW
from validation.contracts import contracts_for_workspace


def test_validation_in_the_database_sees_the_planted_rows(case: Case) -> None:
    contract = contracts_for_workspace(case.workspace)["responses"]
    result = validate_live_source(case.source, "responses", contract, now=NOW)
    assert result.ok, result.dataset_failures
    unexpected = {r.reason: r.unexpected_count for r in result.results if r.row_level}
    assert unexpected["score: not between 0 and 10 for survey nps"] == 1
    assert unexpected["score: not between 1 and 5 for survey csat"] == 0
    assert unexpected["score: not a whole number"] == 1
    assert unexpected["survey: not one of nps, csat, ces"] == 1
    assert unexpected["response_id: duplicated"] == 2
    entry = current_snapshot(case.workspace.store_dir).datasets["responses"]
    assert result.row_count == entry.rows + entry.quarantined
    share = next(r for r in result.results if r.rule == "MostRowsValid")
    assert share.success
    assert share.unexpected_count == entry.quarantined
    assert (
        count_quarantined(case.source, "responses", contract=contract, now=NOW) == entry.quarantined
    )
