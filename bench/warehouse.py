"""The benchmark's live-mode part: the same rows in PostgreSQL, the executive view pushed down.

``load_postgres`` copies the generated responses and orders into PostgreSQL
with ``COPY`` (timestamps as ``timestamptz``, the id as primary key, an index
on each table's time column, as a warehouse would hold them). With the key
declared, live mode leaves the unique-key check to the database; without it,
every query also scans the whole key column for duplicates. ``live_executive_view`` then
asks ``connectors.pushdown.live_aggregate`` for exactly the aggregates the
executive view needs — tiles, the weekly trend's weeks, the splits, the
sparklines' weeks — computes the view from them with the metrics engine, and
reports how many rows crossed the wire compared with the rows in the tables.
"""

from __future__ import annotations

import io
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa

from bench.baselines import summarise_engine
from bench.source import END_DATE, REFRESH_NOW
from bench.workload import CORE_TILES, SPLITS, executive_view
from benefitboard.config import SourceConfig, load_workspace
from connectors.pushdown.aggregate import live_aggregate
from connectors.pushdown.rows import verbatims_page
from metrics.engine import compute_kpis, kpi_by_segment, kpi_trend
from metrics.periods import Period, buckets
from metrics.registry import build_registry
from metrics.settings import MetricSettings
from validation.contracts import contracts_for_workspace

LIVE_DATASETS = ("responses", "orders")
TIME_COLUMNS = {"submitted_at", "ordered_at", "promised_at", "delivered_at"}


def load_postgres(config: Path, url: str) -> SourceConfig:
    """Copy the workspace's responses and orders files into PostgreSQL; the sql source for them."""
    workspace = load_workspace(config)
    files = workspace.sources["shop_db"]
    engine = sa.create_engine(url)
    datasets = {}
    for dataset in LIVE_DATASETS:
        mapping = files.datasets[dataset]
        parts = sorted((config.parent / mapping.path).parent.glob("*.parquet"))
        table_name = Path(mapping.path).parent.name
        table = _table(
            table_name,
            pl.read_parquet_schema(parts[0]),
            mapping.source_column("response_id" if dataset == "responses" else "order_id"),
        )
        table.drop(engine, checkfirst=True)
        table.create(engine)
        _copy(engine, table, parts)
        time_column = mapping.source_column(
            "responded_at" if dataset == "responses" else "ordered_at"
        )
        sa.Index(f"ix_{table_name}_{time_column}", table.c[time_column]).create(engine)
        with engine.begin() as connection:
            connection.execute(
                sa.text(f"ANALYZE {engine.dialect.identifier_preparer.quote(table_name)}")
            )
        datasets[dataset] = replace(mapping, table=table_name, path=None)
    engine.dispose()
    return SourceConfig(
        name="warehouse", kind="sql", base_dir=config.parent, datasets=datasets, url=url
    )


def _table(name: str, schema: dict[str, pl.DataType], key: str) -> sa.Table:
    """The table as a warehouse holds it: zone-aware timestamps, the id as primary key."""
    columns = []
    for column, dtype in schema.items():
        if column in TIME_COLUMNS:
            kind: sa.types.TypeEngine = sa.DateTime(timezone=True)
        elif dtype.is_integer():
            kind = sa.BigInteger()
        elif dtype.is_float():
            kind = sa.Float()
        else:
            kind = sa.Text()
        columns.append(sa.Column(column, kind, primary_key=column == key))
    return sa.Table(name, sa.MetaData(), *columns)


def _copy(engine: sa.Engine, table: sa.Table, parts: list[Path]) -> None:
    """COPY the Parquet parts in (PostgreSQL's bulk path; text timestamps are read as UTC)."""
    quote = engine.dialect.identifier_preparer.quote
    columns = ", ".join(quote(c.name) for c in table.columns)
    statement = f"COPY {quote(table.name)} ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true)"
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
            for part in parts:
                buffer = io.BytesIO()
                pl.read_parquet(part).select(table.columns.keys()).write_csv(buffer)
                with cursor.copy(statement) as copy:
                    copy.write(buffer.getvalue())
        raw.commit()
    finally:
        raw.close()


def live_executive_view(config: Path, source: SourceConfig) -> dict[str, Any]:
    """The executive view's core from live aggregates: times, rows transferred, the numbers."""
    workspace = load_workspace(config)
    zone = workspace.timezone
    settings = MetricSettings(timezone=zone)
    registry = build_registry(workspace.custom_kpis, workspace.targets)
    contracts = contracts_for_workspace(workspace)
    view = executive_view(END_DATE)
    transferred: dict[str, int] = {}

    def fetch(label: str, dataset: str, periods: list[Period], **options) -> dict:
        live = live_aggregate(
            source,
            dataset,
            periods=periods,
            timezone=zone,
            contract=contracts[dataset],
            now=REFRESH_NOW,
            **options,
        )
        transferred[label] = live.rows_transferred
        return live.data

    weeks = [inside for _, inside in buckets(view.history, "week")]
    started = time.perf_counter()
    tiles_data = {
        **fetch("tiles: responses", "responses", [view.period, view.comparison]),
        **fetch("tiles: orders", "orders", [view.period, view.comparison]),
    }
    tiles = compute_kpis(
        list(CORE_TILES),
        tiles_data,
        view.period,
        view.comparison,
        settings=settings,
        registry=registry,
    )
    trend = kpi_trend(
        "nps",
        fetch("trend: responses by week", "responses", weeks),
        view.history,
        "week",
        settings=settings,
    )
    split_data = fetch(
        "splits: responses by plan and region",
        "responses",
        [view.period, view.comparison],
        segments=SPLITS,
    )
    splits = {
        segment: kpi_by_segment(
            "nps", split_data, view.period, segment, comparison=view.comparison, settings=settings
        )
        for segment in SPLITS
    }
    sparkline_weeks = [inside for _, inside in buckets(view.sparkline, "week")]
    sparkline_data = {
        **fetch("sparklines: responses by week", "responses", sparkline_weeks),
        **fetch("sparklines: orders by week", "orders", sparkline_weeks),
    }
    for kpi in CORE_TILES:
        kpi_trend(kpi, sparkline_data, view.sparkline, "week", settings=settings, registry=registry)
    seconds = time.perf_counter() - started
    search_seconds = time.perf_counter()
    page = verbatims_page(
        source,
        periods=[view.period],
        settings=settings,
        search="late",
        contract=contracts["responses"],
        now=REFRESH_NOW,
    )
    search_seconds = time.perf_counter() - search_seconds
    source_rows = _row_counts(source)
    summary = summarise_engine(
        {"tiles": {r.kpi.id: r for r in tiles}, "trend": trend, "splits": splits}
    )
    return {
        "view_seconds": seconds,
        "transferred": transferred,
        "rows_transferred": sum(transferred.values()),
        "source_rows": source_rows,
        "search_seconds": search_seconds,
        "search_rows": page.frame.height,
        "summary": summary,
    }


def _row_counts(source: SourceConfig) -> dict[str, int]:
    engine = sa.create_engine(source.url)
    counts = {}
    with engine.connect() as connection:
        for dataset, mapping in source.datasets.items():
            table = sa.table(mapping.table)
            counts[dataset] = connection.execute(
                sa.select(sa.func.count()).select_from(table)
            ).scalar_one()
    engine.dispose()
    return counts
