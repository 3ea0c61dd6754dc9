"""How long the product-manager drill-down takes at scale: splits, what changed, verbatim search.

    .venv/bin/python scripts/bench_drilldown.py                    # 1,000,000 responses
    .venv/bin/python scripts/bench_drilldown.py --responses 200000 --repeat 3

Builds canonical survey responses in memory (two years, NPS/CSAT/CES, three
segments, a quarter with a comment composed by the demo's own comment
generator), then times the exact functions the pages call, uncached (the
pages cache each result per snapshot and view, so these are the first
viewer's waits). Prints one line per step: median seconds over ``--repeat``
runs and what the step returned, so the figures can be checked for sense.

Measurements only: it never fails on a slow step (tests do not time things).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connectors.demo.comments import survey_comments
from connectors.demo.phrases import SURVEY_TOPICS
from metrics.engine import kpi_by_segment
from metrics.periods import Period
from metrics.segments import kpi_by_two_segments, score_distribution, segment_trends
from metrics.settings import MetricSettings
from metrics.verbatims import comment_index, find_verbatims, page_of
from metrics.what_changed import what_changed

END = date(2026, 10, 31)
DAYS = 730
SEGMENTS = {
    "region": ("North", "South", "East", "West"),
    "plan": ("basic", "plus", "pro"),
    "channel": ("web", "app", "store"),
}
SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
COMMENT_SHARE = 0.25
TARGET_SECONDS = 1.0


def responses(count: int, seed: int = 11) -> pl.DataFrame:
    """``count`` canonical responses over the two years up to ``END`` (UTC instants)."""
    rng = np.random.default_rng(seed)
    start = datetime.combine(END - timedelta(days=DAYS - 1), datetime.min.time(), UTC)
    seconds = np.sort(rng.integers(0, DAYS * 86_400, size=count))
    survey = rng.choice(list(SCALES), size=count, p=[0.5, 0.3, 0.2])
    score = np.empty(count)
    for name, (low, high) in SCALES.items():
        rows = survey == name
        # skewed towards the happy end, as real answers are
        score[rows] = low + np.round((high - low) * rng.beta(3.0, 1.4, size=rows.sum()))
    segments = {name: rng.choice(values, size=count) for name, values in SEGMENTS.items()}
    late_north = (
        (segments["region"] == "North") & (seconds > (DAYS - 30) * 86_400) & (survey == "nps")
    )
    score[late_north] = np.minimum(score[late_north], rng.integers(0, 11, size=late_north.sum()))
    commented = rng.random(count) < COMMENT_SHARE
    topics = np.array([*SURVEY_TOPICS, "delivery_late"], dtype=object)
    topic = topics[rng.integers(0, len(topics), size=commented.sum())]
    hours_late = rng.exponential(20, size=topic.size)
    text = survey_comments(topic, hours_late, np.zeros(topic.size, dtype=bool), rng)
    comment = pl.Series("comment", [None] * count, dtype=pl.Utf8).scatter(
        np.flatnonzero(commented), text
    )
    return pl.DataFrame(
        {
            "response_id": pl.Series(np.arange(1, count + 1)).cast(pl.Utf8),
            "survey": survey,
            "score": score,
            "responded_at": pl.Series((seconds + int(start.timestamp())) * 1_000_000).cast(
                pl.Datetime("us", "UTC")
            ),
            "customer_id": pl.Series(rng.integers(1, 200_000, size=count)).cast(pl.Utf8),
            "comment": comment,
            "touchpoint": rng.choice(["delivery", "support", "checkout", "app"], size=count),
            **segments,
        }
    )


def median_seconds(step: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` runs of ``step``, and what the last run returned."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    frame = responses(args.responses)
    built = time.perf_counter() - started
    data = {"responses": frame}
    settings = MetricSettings(timezone="Europe/Berlin")
    month = Period(END - timedelta(days=29), END)
    before = month.previous()
    year = Period(END - timedelta(days=364), END)
    commented = frame["comment"].is_not_null().sum()
    print(
        f"{frame.height:,} responses ({commented:,} with a comment) built in {built:.1f} s; "
        f"polars {pl.__version__}; median of {args.repeat} runs, uncached\n"
    )

    def split():
        return kpi_by_segment("nps", data, month, "region", comparison=before, settings=settings)

    def changes():
        tables = [
            kpi_by_segment("nps", data, month, s, comparison=before, settings=settings)
            for s in SEGMENTS
        ]
        return [what_changed(t, "nps") for t in tables]

    index_seconds, index = median_seconds(lambda: comment_index(frame), max(1, args.repeat // 2))

    def search(period: Period, text: str, band: str = "all", surveys=()):
        def run():
            found = find_verbatims(
                index, period, search=text, band=band, surveys=surveys, settings=settings
            )
            return page_of(found, 1, 20)

        return run

    def naive_search():  # what the index saves: lower-case and filter the raw rows every time
        lowered = pl.col("comment").str.to_lowercase()
        return (
            frame.lazy()
            .filter(pl.col("responded_at").dt.date().is_between(month.start, month.end))
            .filter(lowered.str.contains("late", literal=True))
            .sort("responded_at", descending=True)
            .head(20)
            .collect()
        )

    steps: list[tuple[str, Callable[[], Any], Callable[[Any], str]]] = [
        (
            "segment split: NPS by region, 30 days vs previous 30",
            split,
            lambda t: f"{t.height} regions, n = {t['n'].sum():,}",
        ),
        (
            "what changed: 3 segments split + decomposed",
            changes,
            lambda r: f"total change {r[0].change:+.2f} points, top {r[0].segments['segment'][0]}",
        ),
        (
            "two-way split: region x plan heatmap",
            lambda: kpi_by_two_segments("nps", data, month, "region", "plan", settings=settings),
            lambda t: f"{t.height} cells",
        ),
        (
            "trend per segment: 4 regions x 26 weeks",
            lambda: segment_trends(
                "nps",
                data,
                Period(END - timedelta(weeks=26) + timedelta(days=1), END),
                "week",
                "region",
                list(SEGMENTS["region"]),
                settings=settings,
            ),
            lambda t: f"{t.height} points",
        ),
        (
            "score distribution (NPS, 30 days)",
            lambda: score_distribution(data, "nps", month, settings=settings),
            lambda t: f"{t['n'].sum():,} answers",
        ),
        (
            'verbatim search "late", 30 days, page 1',
            search(month, "late"),
            lambda p: f"{p.total:,} found",
        ),
        (
            "verbatim search '\"behind schedule\" delivery', NPS detractors, 30 days",
            search(month, '"behind schedule" delivery', "detractors", ("nps",)),
            lambda p: f"{p.total:,} found",
        ),
        (
            'verbatim search "driver", 365 days, page 1',
            search(year, "driver"),
            lambda p: f"{p.total:,} found",
        ),
        (
            "verbatims, no search, 365 days, page 1",
            search(year, None),
            lambda p: f"{p.total:,} found",
        ),
        (
            '(baseline) search "late" without the index',
            naive_search,
            lambda t: f"{t.height} shown",
        ),
    ]
    print(f"{'step':<72} {'seconds':>8}  result")
    print(
        f"{'comment index: built once per snapshot, shared by every viewer':<72} "
        f"{index_seconds:>8.3f}  {index.height:,} comments"
    )
    slow = []
    for name, step, describe in steps:
        seconds, result = median_seconds(step, args.repeat)
        flag = "" if seconds < TARGET_SECONDS or name.startswith("(") else "  > 1 s"
        if flag:
            slow.append(name)
        print(f"{name:<72} {seconds:>8.3f}  {describe(result)}{flag}")
    verdict = "every drill-down step" if not slow else f"all but {len(slow)} step(s)"
    print(f"\n{verdict} under {TARGET_SECONDS:.0f} s at {frame.height:,} responses")


if __name__ == "__main__":
    main()
