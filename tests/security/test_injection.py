"""SQL injection through every URL parameter, search and segment filter does nothing.

Against real databases — SQLite (the embedded path) and PostgreSQL — holding
the survey shop, each payload is sent (a) through every URL parameter the app
reads, parsed by ``parse_view`` exactly as a page would, then handed to the
live SQL path (``live_aggregate``, ``verbatims_page``, ``quarantine_page``), and
(b) straight into those functions as filter values, search terms, surveys,
segment names and score bands, and into the run log's queries. A listener on
every engine (``statements.py``) proves the payloads only ever travel as bound
parameters, never as SQL text; names that are not declared segments are
refused before any SQL is built; and afterwards every table is still there
with the same rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benefitboard.config import SourceConfig, load_workspace
from connectors.errors import SourceError
from connectors.pushdown.aggregate import live_aggregate
from connectors.pushdown.relation import UnknownSegmentError
from connectors.pushdown.rows import quarantine_page, verbatims_page
from connectors.read import read_dataset
from metrics.settings import MetricSettings
from pages.ui.state import KNOWN, SEGMENT_PREFIX, ViewState, parse_view
from store.runlog import RunLog
from tests.faults.pages import VIEW
from tests.faults.survey_shop import (
    FIRST,
    RESPONSE_COUNT,
    TABLE,
    SurveyShop,
    survey_shop,
)
from tests.security.statements import (
    PAYLOADS,
    assert_never_in_sql,
    assert_only_quoted,
    recorded_statements,
)

TABLES = {TABLE: RESPONSE_COUNT, "company_events": 1}
SETTINGS = MetricSettings("UTC")
URL_PARAMETERS = [*sorted(KNOWN), f"{SEGMENT_PREFIX}region", f"{SEGMENT_PREFIX}plan"]
IGNORED_QUIETLY = ("reason", "theme", "page", "screen")
"""Parameters that never reach SQL: data values the pages match in memory (reason, theme),
a reserved name (page) and a switch that is on only for 1/true/yes (screen)."""


@pytest.fixture(params=["sqlite", "postgresql"])
def shop(request, tmp_path: Path) -> SurveyShop:
    """The survey shop in SQLite or in a fresh PostgreSQL database (the live path needs no
    refresh: it reads the database in place)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ws' / 'shop.sqlite'}"
    else:
        url = request.getfixturevalue("pg_database")
    shop = survey_shop(tmp_path / "ws", sql_url=url)
    assert shop.table_counts() == TABLES
    return shop


def responses_source(shop: SurveyShop) -> SourceConfig:
    return load_workspace(shop.config).dataset_source("responses")


def run_live_view(source: SourceConfig, view: ViewState) -> dict[str, int]:
    """What a page in live mode asks the warehouse for, given the view a URL described."""
    splits = [s for s in (view.split, view.split2) if s]
    aggregate = live_aggregate(
        source,
        "responses",
        periods=[VIEW],
        timezone="UTC",
        segments=splits,
        filters=dict(view.segments),
    )
    comments = verbatims_page(
        source,
        periods=[VIEW],
        settings=SETTINGS,
        filters=dict(view.segments),
        search=view.search,
        band=view.band,
        surveys=() if view.kpi is None else (view.kpi,),
        page=view.page_number,
    )
    quarantined = quarantine_page(source, "responses", page=view.page_number)
    return {
        "answers": int(aggregate.frame["n"].sum()),
        "comments": comments.frame.height,
        "quarantined": quarantined.frame.height,
    }


@pytest.mark.parametrize("parameter", URL_PARAMETERS)
def test_payloads_in_every_url_parameter(shop, parameter):
    source = responses_source(shop)
    untouched = run_live_view(source, ViewState())
    assert untouched == {"answers": RESPONSE_COUNT, "comments": 20, "quarantined": 0}
    with recorded_statements() as statements:
        for payload in PAYLOADS:
            view, notices = parse_view({parameter: payload})
            shown = run_live_view(source, view)
            if parameter.startswith(SEGMENT_PREFIX):  # a value no row has: nothing matches
                assert shown == {"answers": 0, "comments": 0, "quarantined": 0}
                assert payload in statements.parameter_values()
            elif parameter in ("q", "kpi") and (view.search or view.kpi):
                assert shown["comments"] == 0 and shown["answers"] == RESPONSE_COUNT
            else:  # refused with a notice, or never a SQL input
                assert shown == untouched
                assert notices or parameter in IGNORED_QUIETLY, (parameter, payload)
    assert_never_in_sql(statements, PAYLOADS)
    assert shop.table_counts() == TABLES


def test_payloads_as_filter_values_search_and_surveys_are_bound(shop):
    source = responses_source(shop)
    with recorded_statements() as statements:
        for payload in PAYLOADS:
            live = live_aggregate(
                source, "responses", periods=[VIEW], timezone="UTC", filters={"region": [payload]}
            )
            assert live.frame.height == 0
            for search in (payload, f'"{payload}"'):
                page = verbatims_page(source, periods=[VIEW], settings=SETTINGS, search=search)
                assert page.frame.height == 0
            page = verbatims_page(source, periods=[VIEW], settings=SETTINGS, surveys=[payload])
            assert page.frame.height == 0
            assert payload in statements.parameter_values()
    assert_never_in_sql(statements, PAYLOADS)
    assert shop.table_counts() == TABLES


def test_names_that_are_not_declared_segments_are_refused_before_any_sql(shop):
    source = responses_source(shop)
    live_aggregate(source, "responses", periods=[VIEW], timezone="UTC")  # reflect once
    with recorded_statements() as statements:
        for payload in (*PAYLOADS, "comment", "survey_type"):
            with pytest.raises(UnknownSegmentError):
                live_aggregate(
                    source, "responses", periods=[VIEW], timezone="UTC", segments=[payload]
                )
            with pytest.raises(UnknownSegmentError):
                live_aggregate(
                    source, "responses", periods=[VIEW], timezone="UTC", filters={payload: ["x"]}
                )
            with pytest.raises(UnknownSegmentError):
                verbatims_page(source, periods=[VIEW], settings=SETTINGS, filters={payload: ["x"]})
            with pytest.raises(ValueError, match="unknown score band"):
                verbatims_page(source, periods=[VIEW], settings=SETTINGS, band=payload)
    assert statements.executed == []
    assert shop.table_counts() == TABLES


def test_hostile_identifiers_in_the_config_are_quoted_not_run(shop):
    """Table and segment names come from the committed config; even so they are identifiers."""
    config = shop.config.read_text()
    shop.config.write_text(
        config.replace(
            f'table = "{TABLE}"', 'table = "survey_responses; DROP TABLE company_events"'
        )
    )
    source = responses_source(shop)
    with recorded_statements() as statements, pytest.raises(SourceError, match="does not exist"):
        read_dataset(source, "responses")
    assert_only_quoted(statements, "survey_responses; DROP TABLE company_events")
    shop.config.write_text(config.replace('"region"]', '"region; DROP TABLE company_events"]'))
    source = responses_source(shop)
    with pytest.raises(SourceError, match="region; DROP TABLE company_events"):
        live_aggregate(source, "responses", periods=[VIEW], timezone="UTC")
    assert shop.table_counts() == TABLES


def test_the_run_log_binds_what_the_data_quality_page_asks(shop):
    assert shop.refresh(FIRST).status == "ok"
    log = RunLog(shop.store)
    with recorded_statements() as statements:
        for payload in PAYLOADS:
            assert log.dataset_history(payload) == []
            assert log.expectations_of_run(1, payload) == []
    assert_never_in_sql(statements, PAYLOADS)
    assert len(log.dataset_history("responses")) == 1
