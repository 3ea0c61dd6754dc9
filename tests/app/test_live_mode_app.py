"""Live mode end to end: the survey source stays in its database, the pages show the same numbers.

The same demo rows are read two ways: copied by the refresh (the session's
``demo_workspace``) and left in a database in live mode (SQLite, and a real
PostgreSQL server). The overview and the drill-down page must show identical
tiles; a hostile segment value in the URL must change nothing.

The verbatims page and the quarantine browser read the planted shop (rows that
break rules, a comment reading "100% late_delivery"): live, they must show what
the refresh path shows, while the database sends only the page shown.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from benefitboard.config import load_workspace
from benefitboard.refresh import refresh_workspace
from connectors.pushdown.aggregate import live_data
from metrics.periods import Period
from metrics.pii import mask_personal_data
from metrics.settings import MetricSettings
from metrics.verbatims import comment_index, find_verbatims, search_terms
from store.snapshots import current_snapshot
from tests.conftest import DEMO_NOW
from tests.connectors.pushdown.planted import copy_to_database, planted_workspace
from validation.quarantine import PAGE_SIZE as QUARANTINE_PAGE_SIZE
from validation.quarantine import reason_counts

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SURVEY_TILES = ("NPS", "CSAT", "CES")
PAYLOAD = "North'); DROP TABLE survey_responses; --"


def live_workspace(demo_config: Path, folder: Path) -> Path:
    """A copy of the demo workspace whose responses come from source ``warehouse`` in live mode."""
    shutil.copytree(demo_config.parent / "data", folder / "data")
    text = demo_config.read_text()
    block = re.search(r"\[sources\.shop_db\.datasets\.responses\]\n(?:[^\[\n].*\n)*", text)
    assert block is not None
    moved = block.group(0).replace("sources.shop_db.", "sources.warehouse.")
    text = text.replace(block.group(0), "")
    text += '\n[sources.warehouse]\nkind = "sql"\nmode = "live"\nconnection = "warehouse"\n\n'
    config = folder / "benefitboard.toml"
    config.write_text(text + moved)
    return config


def sqlite_url(config: Path) -> str:
    return f"sqlite:///{config.parent / 'data' / 'demo.sqlite'}"


def refreshed_live(config: Path, url: str) -> Path:
    """``config`` refreshed with its warehouse at ``url`` (checked ok), as the app will read it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BENEFITBOARD_CONNECTION_WAREHOUSE_URL", url)
        report = refresh_workspace(config, now=DEMO_NOW)
    assert report.status == "ok", report.summary()
    return config


@contextmanager
def postgres_copy(copied: Path, pg_url: str, name: str) -> Iterator[str]:
    """The URL of a new PostgreSQL database holding ``copied``'s shop (timestamptz); dropped after."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    try:
        copy_to_database(copied.parent / "data" / "demo.sqlite", url, aware=True)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def live_case(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, fixture: str):
    """(config, database URL) of ``fixture``'s live workspace; the URL set as the app reads it."""
    if request.param == "sqlite":
        config = request.getfixturevalue(f"{fixture}_sqlite")
        url = sqlite_url(config)
    else:
        config, url = request.getfixturevalue(f"{fixture}_pg")
    monkeypatch.setenv("BENEFITBOARD_CONNECTION_WAREHOUSE_URL", url)
    return config, url


DIALECTS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module")
def demo_sqlite(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = live_workspace(demo_workspace, tmp_path_factory.mktemp("live_sqlite"))
    return refreshed_live(config, sqlite_url(config))


@pytest.fixture(scope="module")
def demo_pg(demo_workspace: Path, pg_url: str, tmp_path_factory: pytest.TempPathFactory):
    """The demo rows copied into a PostgreSQL database (timestamptz), read live."""
    name = f"benefitboard_live_app_{tmp_path_factory.getbasetemp().name[-6:]}"
    with postgres_copy(demo_workspace, pg_url, name) as url:
        config = live_workspace(demo_workspace, tmp_path_factory.mktemp("live_pg"))
        yield refreshed_live(config, url), url


@pytest.fixture(params=DIALECTS)
def live(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """(config, database URL) of the demo shop read live."""
    return live_case(request, monkeypatch, "demo")


def open_page(
    config: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None, **params
) -> AppTest:
    """The app on ``page`` (default: the overview) for ``config`` with URL ``params``."""
    monkeypatch.setenv("BENEFITBOARD_CONFIG", str(config))
    app = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    if page:
        app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def tiles(config: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None, **params):
    """The tiles (label → (value, delta)) a page shows for ``config`` with URL ``params``."""
    app = open_page(config, monkeypatch, page, **params)
    return {m.label.split(" :")[0]: (m.value, m.delta) for m in app.metric}


def survey_rows(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT COUNT(*) FROM survey_responses")).scalar_one()
    engine.dispose()
    return count


def test_the_manifest_records_the_live_dataset_without_rows(live):
    config, url = live
    snapshot = current_snapshot(load_workspace(config).store_dir)
    entry = snapshot.datasets["responses"]
    copied = current_snapshot(load_workspace(config).store_dir).datasets["orders"]
    assert entry.live and entry.status == "ok" and entry.fingerprint
    assert entry.rows + entry.quarantined == survey_rows(url)
    assert not (snapshot.path / "responses.parquet").exists()
    assert "responses" not in snapshot.frames() and "orders" in snapshot.frames()
    assert copied.fingerprint and copied.aggregate_timezone == "Europe/Berlin"


def test_the_live_rows_are_those_the_refresh_would_keep(live, demo_workspace):
    config, _ = live
    live_entry = current_snapshot(load_workspace(config).store_dir).datasets["responses"]
    copied = current_snapshot(load_workspace(demo_workspace).store_dir).datasets["responses"]
    assert (live_entry.rows, live_entry.quarantined) == (copied.rows, copied.quarantined)
    assert live_entry.newest_record == copied.newest_record


def test_overview_shows_the_same_numbers_live_as_copied(live, demo_workspace, monkeypatch):
    config, _ = live
    copied = tiles(demo_workspace, monkeypatch)
    shown = tiles(config, monkeypatch)
    assert set(SURVEY_TILES) <= set(shown)
    assert shown == copied
    assert all(value not in (None, "—") for value, _ in (shown[t] for t in SURVEY_TILES))


def test_overview_with_a_segment_filter_matches_too(live, demo_workspace, monkeypatch):
    config, _ = live
    params = {"seg.region": "North", "seg.plan": "Pro"}
    copied = tiles(demo_workspace, monkeypatch, **params)
    shown = tiles(config, monkeypatch, **params)
    assert {t: shown[t] for t in SURVEY_TILES} == {t: copied[t] for t in SURVEY_TILES}
    assert shown[SURVEY_TILES[0]] != tiles(config, monkeypatch)[SURVEY_TILES[0]]


def test_drilldown_shows_the_same_numbers_live_as_copied(live, demo_workspace, monkeypatch):
    config, _ = live
    copied = tiles(demo_workspace, monkeypatch, "pages/drilldown.py", kpi="csat")
    shown = tiles(config, monkeypatch, "pages/drilldown.py", kpi="csat")
    assert "CSAT" in shown
    assert shown == copied


def test_a_hostile_segment_value_in_the_url_changes_nothing(live, monkeypatch):
    config, url = live
    before = survey_rows(url)
    unfiltered = tiles(config, monkeypatch)
    shown = tiles(config, monkeypatch, **{"seg.region": PAYLOAD})
    assert shown == unfiltered  # an unknown value is dropped from the view, with a notice
    assert survey_rows(url) == before


def test_a_hostile_filter_value_is_a_bound_parameter(live):
    config, url = live
    workspace = load_workspace(config)
    before = survey_rows(url)
    october = Period(
        DEMO_NOW.date().replace(day=1, month=10), DEMO_NOW.date().replace(day=31, month=10)
    )
    data = live_data(
        workspace, ["responses"], periods=[october], filters={"region": [PAYLOAD]}, now=DEMO_NOW
    )
    assert data["survey_counts"].height == 0  # no region is called that: nothing matched
    assert survey_rows(url) == before
    everyone = live_data(workspace, ["responses"], periods=[october], now=DEMO_NOW)
    assert everyone["survey_counts"]["n"].sum() > 0
    assert isinstance(everyone["survey_counts"], pl.DataFrame)


@pytest.mark.parametrize(
    "page", ["pages/benefits.py", "pages/verbatims.py", "pages/data-quality.py"]
)
def test_the_other_pages_open_on_a_live_workspace(demo_sqlite, monkeypatch, page):
    url = sqlite_url(demo_sqlite)
    monkeypatch.setenv("BENEFITBOARD_CONNECTION_WAREHOUSE_URL", url)
    monkeypatch.setenv("BENEFITBOARD_CONFIG", str(demo_sqlite))
    app = AppTest.from_file(APP, default_timeout=90)
    app.run()
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]


# ---- Verbatims and quarantine: one page from the database -----------------------------------

VERBATIMS = "pages/verbatims.py"
PAGE_SIZE = 20
"""pages/verbatims.py's page size (importing a page file would run the page)."""
DATA_QUALITY = "pages/data-quality.py"
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}
AUTUMN = {"from": "2026-08-01", "to": "2026-10-31"}
"""Long enough that every view below has more than two pages of comments to compare."""
UNREADABLE_TIME = "unreadable: responded_at"
LITERAL_COMMENTS = [
    # survey_type, score, submitted_at (UTC), comment: what a wildcard or injection would find
    ("nps", 2, "2026-10-15 12:00:00", "Charged 100% late_fee twice"),
    ("nps", 9, "2026-10-16 12:00:00", "%' OR '1'='1 was in my coupon field"),
    ("csat", 1, "2026-10-17 12:00:00", "100 percent late fee, again"),
]


def plant_literal_comments(database: Path) -> None:
    """Comments holding ``%``, ``_`` and a quote, and a decoy that only a wildcard would match."""
    engine = sa.create_engine(f"sqlite:///{database}")
    names = ("survey_type", "score", "submitted_at", "comment")
    columns = ("id", "channel", "plan", "region", *names)
    with engine.begin() as connection:
        first = connection.execute(sa.text("SELECT max(id) FROM survey_responses")).scalar() + 1
        connection.execute(
            sa.table("survey_responses", *map(sa.column, columns)).insert(),
            [
                dict(zip(names, row, strict=True))
                | {"id": first + i, "channel": "web", "plan": "pro", "region": "North"}
                for i, row in enumerate(LITERAL_COMMENTS)
            ],
        )
    engine.dispose()


@pytest.fixture(scope="module")
def planted_copied(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted shop, copied into the store by the refresh: what live mode must match."""
    config = planted_workspace(demo_workspace, tmp_path_factory.mktemp("planted_copied"))
    plant_literal_comments(config.parent / "data" / "demo.sqlite")
    report = refresh_workspace(config, now=DEMO_NOW)
    assert report.status == "ok", report.summary()
    return config


@pytest.fixture(scope="module")
def planted_sqlite(planted_copied: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = live_workspace(planted_copied, tmp_path_factory.mktemp("planted_live_sqlite"))
    return refreshed_live(config, sqlite_url(config))


@pytest.fixture(scope="module")
def planted_pg(planted_copied: Path, pg_url: str, tmp_path_factory: pytest.TempPathFactory):
    """The planted shop in PostgreSQL (timestamptz: the unreadable "yesterday" becomes NULL)."""
    name = f"benefitboard_planted_app_{tmp_path_factory.getbasetemp().name[-6:]}"
    with postgres_copy(planted_copied, pg_url, name) as url:
        config = live_workspace(planted_copied, tmp_path_factory.mktemp("planted_live_pg"))
        yield refreshed_live(config, url), url


@pytest.fixture(params=DIALECTS)
def planted_live(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """(config, database URL) of the planted shop read live."""
    return live_case(request, monkeypatch, "planted")


@pytest.fixture
def source_statements() -> Iterator[list[sa.Select]]:
    """Every SELECT sent to any database that reads the survey table, as SQLAlchemy built it.

    The live caches are emptied first, so the page really asks the database.
    """
    from pages.ui import data

    for cached in (data._live_verbatims, data._live_quarantine_reasons):
        cached.clear()
    seen: list[sa.Select] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        compiled = getattr(context, "compiled", None)
        select = compiled.statement if compiled is not None else None
        if isinstance(select, sa.Select) and "survey_responses" in statement:
            seen.append(select)

    sa.event.listen(sa.Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", record)


def rows_sent_at_most(statement: sa.Select) -> int | None:
    """How many rows ``statement`` can send: its LIMIT, 1 for a whole-table aggregate, else None.

    SELECT DISTINCT (the filter bar's segment values) and GROUP BY (the tiles'
    aggregates) are not rows of customers and answer None.
    """
    if statement._distinct or statement._group_by_clauses:
        return None
    if statement._limit is not None:
        return statement._limit
    columns = [getattr(c, "element", c) for c in statement.selected_columns]
    assert all(isinstance(c, sa.sql.functions.FunctionElement) for c in columns), str(statement)
    return 1


def assert_one_page_sent(statements: list[sa.Select], page_size: int) -> None:
    limits = [n for n in map(rows_sent_at_most, statements) if n is not None]
    assert max(limits) == page_size, limits  # the page itself was read, with LIMIT page_size
    assert all(n <= page_size for n in limits), limits


def verbatims_shown(config: Path, monkeypatch: pytest.MonkeyPatch, **params):
    """What the verbatims page shows: the count, the comments, and every caption (facts)."""
    app = open_page(config, monkeypatch, VERBATIMS, **params)
    count = [m.value for m in app.metric if m.label == "Comments in this view"]
    return count, [t.value for t in app.text], [c.value for c in app.caption]


@pytest.fixture(scope="module")
def copied_verbatims(planted_copied: Path):
    """The refresh path's verbatims page per URL, computed once for both databases."""
    shown: dict[tuple, tuple] = {}

    def of(monkeypatch: pytest.MonkeyPatch, **params):
        key = tuple(sorted(params.items()))
        if key not in shown:
            shown[key] = verbatims_shown(planted_copied, monkeypatch, **params)
        return shown[key]

    return of


def engine_comments(config: Path, start: str, end: str, **options) -> pl.DataFrame:
    """The metrics engine's comments for a view of the refresh path's snapshot."""
    workspace = load_workspace(config)
    rows = current_snapshot(workspace.store_dir).frames()["responses"].collect()
    period = Period(date.fromisoformat(start), date.fromisoformat(end))
    settings = MetricSettings(timezone=workspace.timezone)
    return find_verbatims(comment_index(rows), period, settings=settings, **options)


@pytest.mark.parametrize(
    ("params", "options"),
    [
        ({"q": "late"}, {"search": "late"}),
        ({"band": "detractors"}, {"band": "detractors"}),
        (
            {"band": "detractors", "kpi": "nps", "seg.region": "North"},
            {"band": "detractors", "surveys": ["nps"], "filters": {"region": ["North"]}},
        ),
        ({"band": "detractors", "p": "2"}, {"band": "detractors"}),
    ],
    ids=["search", "band", "band-survey-region", "page-2"],
)
def test_live_verbatims_show_the_refresh_paths_comments_one_page_sent(
    planted_live, planted_copied, copied_verbatims, source_statements, monkeypatch, params, options
):
    config, _ = planted_live
    live = verbatims_shown(config, monkeypatch, **AUTUMN, **params)
    copied = copied_verbatims(monkeypatch, **AUTUMN, **params)
    expected = engine_comments(planted_copied, AUTUMN["from"], AUTUMN["to"], **options)
    page = int(params.get("p", 1))
    assert expected.height > PAGE_SIZE * page  # a full page to compare, and more after it
    assert live == copied
    count, texts, _ = live
    assert count == [f"{expected.height:,}"]
    wanted = expected["comment"].slice((page - 1) * PAGE_SIZE, PAGE_SIZE)
    assert texts == [mask_personal_data(t) for t in wanted]
    assert_one_page_sent(source_statements, PAGE_SIZE)


@pytest.mark.parametrize("search", ["%' OR '1'='1", "_", "%", "100% late_"])
def test_a_search_is_matched_literally_live_as_copied(
    planted_live, planted_copied, copied_verbatims, source_statements, monkeypatch, search
):
    config, url = planted_live
    before = survey_rows(url)
    live = verbatims_shown(config, monkeypatch, **OCTOBER, q=search)
    assert live == copied_verbatims(monkeypatch, **OCTOBER, q=search)
    expected = engine_comments(planted_copied, OCTOBER["from"], OCTOBER["to"])
    text = pl.col("comment").str.to_lowercase()
    literal = expected.filter(text.str.contains(t, literal=True) for t in search_terms(search))
    count, texts, _ = live
    assert literal.height >= 1
    assert count == [f"{literal.height:,}"]
    assert texts == literal["comment"].head(PAGE_SIZE).to_list()
    if search == "100% late_":
        assert texts == ["Charged 100% late_fee twice"]  # not the decoy "100 percent late fee"
    if search.startswith("%'"):
        assert texts == ["%' OR '1'='1 was in my coupon field"]
    assert survey_rows(url) == before
    assert_one_page_sent(source_statements, PAGE_SIZE)


def quarantine_shown(app: AppTest) -> tuple[list[str], pl.DataFrame]:
    """The reason choices and the quarantined rows the data-quality page shows."""
    reasons = app.selectbox(key="data_quality_reason_responses")
    table = next(t.value for t in app.dataframe if "_reasons" in t.value.columns)
    return list(reasons.options), pl.from_pandas(table)


def expected_reasons(config: Path, url: str) -> list[str]:
    """The refresh path's reason choices; a timestamptz column has no unreadable text to name."""
    snapshot = current_snapshot(load_workspace(config).store_dir)
    entry = snapshot.datasets["responses"]
    counts = reason_counts(snapshot.quarantine("responses"))
    if url.startswith("postgresql"):
        counts = counts.filter(pl.col("reason") != UNREADABLE_TIME)
    return [f"Every reason ({entry.quarantined:,} rows)"] + [
        f"{reason} ({rows:,} rows)" for reason, rows in counts.iter_rows()
    ]


def test_the_quarantine_browser_pages_a_live_quarantine(
    planted_live, planted_copied, source_statements, monkeypatch
):
    config, url = planted_live
    stored = current_snapshot(load_workspace(planted_copied).store_dir).quarantine("responses")
    stored = stored.collect()
    app = open_page(config, monkeypatch, DATA_QUALITY)
    reasons, rows = quarantine_shown(app)
    assert reasons == expected_reasons(planted_copied, url)
    assert sorted(rows["response_id"]) == sorted(stored["response_id"])
    assert rows["responded_at"].drop_nulls().to_list() == sorted(
        rows["responded_at"].drop_nulls(), reverse=True
    )
    unreadable = stored["_reasons"].str.starts_with(UNREADABLE_TIME)
    same = stored.filter(~unreadable) if url.startswith("postgresql") else stored
    shown = dict(zip(rows["response_id"], rows["_reasons"], strict=False))
    assert {i: shown[i] for i in same["response_id"]} == dict(
        zip(same["response_id"], same["_reasons"], strict=False)
    )
    assert_one_page_sent(source_statements, QUARANTINE_PAGE_SIZE)

    app.selectbox(key="data_quality_reason_responses").set_value("response_id: duplicated").run()
    assert not app.exception, [e.value for e in app.exception]
    _, duplicated = quarantine_shown(app)
    assert duplicated["response_id"].to_list() == ["17", "17"]
    assert set(duplicated["_reasons"]) == {"response_id: duplicated"}


@pytest.mark.parametrize("page", ["pages/verbatims.py", "pages/drilldown.py"])
def test_a_limited_person_gets_only_their_rows_from_the_live_source(live, monkeypatch, page):
    """Row-level access reaches the warehouse: the live queries carry the limit as a filter."""
    from tests.app.test_row_access_app import LIMITED, OTHER_REGIONS, RULES, opened, sent

    config, _ = live
    limited = config.parent / "benefitboard-rows.toml"
    limited.write_text(config.read_text() + RULES)
    at = opened(limited, monkeypatch, LIMITED, page, split="region")
    shown = sent(at)
    assert b"North" in shown
    assert not [region for region in OTHER_REGIONS if region in shown]
