"""The benchmark's measuring steps, each run in a fresh process so its time and memory are its own.

``python -m bench.steps STEP ARGS…`` prints one JSON object on its last line;
``bench.run`` starts the steps and prints the report. A fresh process per
step makes "cold" really cold (nothing imported or cached yet) and lets the
peak memory (``ru_maxrss``) of the dashboard's work be read apart from the
refresh's and the baselines'.
"""

from __future__ import annotations

import json
import logging
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPEATS = 5
TURNS = 4


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def best_time(work: Callable[[], Any], repeats: int = REPEATS) -> float:
    """The fastest of ``repeats`` runs: on a shared machine the least disturbed one is the
    closest to the work's own cost (every implementation is timed the same way)."""
    return min(timed(work)[0] for _ in range(repeats))


def refresh_step(config: str) -> dict[str, Any]:
    """Load + validate + snapshot every dataset of the workspace (the real refresh)."""
    from bench.source import REFRESH_NOW
    from benefitboard.refresh import refresh_workspace

    seconds, report = timed(lambda: refresh_workspace(config, now=REFRESH_NOW))
    rows = {e.dataset: e.rows for e in report.datasets}
    return {"seconds": seconds, "status": report.status, "rows": rows, "peak_mb": peak_mb()}


def engine_step(config: str) -> dict[str, Any]:
    """The executive page on the metrics engine: cold from the store, warm, and in memory."""
    started = time.perf_counter()
    import polars as pl

    import pages.ui.context
    import pages.ui.data
    import pages.ui.kpis
    import pages.ui.series  # noqa: F401  (the server has imported the pages before a visit)
    from bench.baselines import summarise_engine
    from bench.source import END_DATE
    from bench.workload import (
        CORE_TILES,
        app_view,
        comment_index_of,
        engine_view,
        executive_view,
        read_store,
        verbatim_search,
        view_aggregates,
    )
    from benefitboard.config import load_workspace
    from metrics.engine import kpi_by_segment
    from metrics.registry import build_registry
    from metrics.settings import MetricSettings
    from store.snapshots import current_snapshot

    imports = time.perf_counter() - started
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # no "no runtime" warnings
    workspace = load_workspace(config)
    settings = MetricSettings(timezone=workspace.timezone)
    registry = build_registry(workspace.custom_kpis, workspace.targets)
    view = executive_view(END_DATE)
    snapshot = current_snapshot(workspace.store_dir)

    # The app's own path (pages.ui.data / kpis / series): the first visit after a refresh …
    cold_seconds, shown = timed(lambda: app_view(config, view))
    # … and every later one, answered by the pages' caches.
    warm_seconds = best_time(lambda: app_view(config, view))
    cold_again = best_time(lambda: _uncached(lambda: app_view(config, view)), 3)
    app_summary = summarise_engine(shown)

    frames = read_store(snapshot)

    def core() -> dict:
        data = view_aggregates(frames, view, workspace.timezone, registry, CORE_TILES)
        return engine_view(data, view, settings, registry, core=True)

    in_memory = best_time(core)
    summary = summarise_engine(core())
    split = best_time(
        lambda: kpi_by_segment(
            "nps", frames, view.period, "plan", comparison=view.comparison, settings=settings
        )
    )
    index_seconds, index = timed(lambda: comment_index_of(snapshot))
    search = best_time(lambda: verbatim_search(index, view.period, settings, "late"))
    found = verbatim_search(index, view.period, settings, "late").height
    rows = {name: frames[name].height for name in ("responses", "orders")}
    return {
        "imports_seconds": imports,
        "cold_seconds": cold_seconds,
        "cold_repeat_seconds": cold_again,
        "warm_seconds": warm_seconds,
        "in_memory_seconds": in_memory,
        "split_seconds": split,
        "search_seconds": search,
        "comment_index_seconds": index_seconds,
        "search_rows": found,
        "peak_mb": peak_mb(),
        "rows": rows,
        "summary": summary,
        "app_summary": app_summary,
        "polars": pl.__version__,
    }


def _uncached(work: Callable[[], Any]) -> Any:
    """Run ``work`` with the pages' caches emptied first: a cold visit in a warm process."""
    import streamlit as st

    st.cache_resource.clear()
    return work()


def baselines_step(config: str) -> dict[str, Any]:
    """The core view by the engine, pandas and DuckDB on the same in-memory rows, in turns.

    Taking turns (engine, pandas, DuckDB, engine, …) exposes all three to the
    same moments of a shared machine, so their ratios hold even when other work
    runs. Converting to pandas and loading DuckDB's tables are not timed.
    """
    import duckdb

    from bench.baselines import duckdb_core, pandas_core
    from bench.source import END_DATE
    from bench.workload import (
        CORE_TILES,
        STORE_COLUMNS,
        engine_view,
        executive_view,
        read_store,
        view_aggregates,
    )
    from benefitboard.config import load_workspace
    from metrics.registry import build_registry
    from metrics.settings import MetricSettings
    from store.snapshots import current_snapshot

    workspace = load_workspace(config)
    zone = workspace.timezone
    settings = MetricSettings(timezone=zone)
    registry = build_registry(workspace.custom_kpis, workspace.targets)
    view = executive_view(END_DATE)
    snapshot = current_snapshot(workspace.store_dir)
    frames = read_store(snapshot)
    responses, orders = frames["responses"], frames["orders"]
    pandas_frames = (responses.to_pandas(), orders.to_pandas())
    connection = duckdb.connect()
    connection.register("responses_arrow", responses.select(STORE_COLUMNS["responses"]).to_arrow())
    connection.register("orders_arrow", orders.select(STORE_COLUMNS["orders"]).to_arrow())
    connection.execute("CREATE TABLE responses AS SELECT * FROM responses_arrow")
    connection.execute("CREATE TABLE orders AS SELECT * FROM orders_arrow")

    def engine() -> dict:
        data = view_aggregates(frames, view, zone, registry, CORE_TILES)
        return engine_view(data, view, settings, registry, core=True)

    contenders = {
        "engine": engine,
        "pandas": lambda: pandas_core(*pandas_frames, view, zone),
        "duckdb": lambda: duckdb_core(connection, view, zone),
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(TURNS):
        for name, work in contenders.items():
            times[name].append(timed(work)[0])
    return {
        **{f"{name}_seconds": min(spent) for name, spent in times.items()},
        "pandas": contenders["pandas"](),
        "duckdb": contenders["duckdb"](),
        "duckdb_version": duckdb.__version__,
    }


def live_step(config: str, url: str) -> dict[str, Any]:
    """Load the same rows into PostgreSQL and run the executive view in live mode."""
    from bench.warehouse import live_executive_view, load_postgres

    load_seconds, source = timed(lambda: load_postgres(Path(config), url))
    return {"load_seconds": load_seconds, **live_executive_view(Path(config), source)}


STEPS = {"refresh": refresh_step, "engine": engine_step, "baselines": baselines_step}
STEPS["live"] = live_step


def _plain(value: Any) -> Any:
    """JSON-ready: dict keys (dates in trends) as text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def main(argv: list[str]) -> int:
    step, *args = argv
    result = STEPS[step](*args)
    print(json.dumps(_plain(result), default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
