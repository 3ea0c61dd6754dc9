"""How often the overview's insights fire on noise: the demo with its measurements shuffled
within the period and its comparison period (bench/null_workspace.py), seed after seed.

    .venv/bin/python scripts/null_insights.py --seeds 100 [--responses 20000]

Prints each seed that fired and the share of seeds with no insight (should be ≥ 95 %).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.null_workspace import null_insights
from benefitboard.config import load_workspace
from benefitboard.demo import create_demo_workspace
from benefitboard.refresh import refresh_workspace
from metrics.engine import default_period
from metrics.settings import MetricSettings
from store.snapshots import current_snapshot

END = date(2026, 10, 31)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--responses", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="null_insights_"))
    config = create_demo_workspace(folder, seed=7, end_date=END, responses=args.responses)
    refresh_workspace(config, now=datetime(2026, 11, 1, 6, tzinfo=UTC))
    workspace = load_workspace(config)
    snapshot = current_snapshot(workspace.store_dir)
    assert snapshot is not None
    frames = {name: frame.collect() for name, frame in snapshot.frames().items()}
    settings = MetricSettings(
        timezone=workspace.timezone,
        min_sample=workspace.min_sample,
        csat_scale=workspace.csat_scale,
        ces_scale=workspace.ces_scale,
        currency=workspace.currency,
    )
    registry = workspace.registry()
    period = default_period(frames, args.days, settings)
    comparison = period.previous()
    segments = {name: workspace.segments(name) for name in frames}
    kpi_ids = list(registry.overview_ids)
    fired = 0
    started = time.perf_counter()
    for seed in range(args.seeds):
        found = null_insights(
            frames,
            kpi_ids,
            period,
            comparison,
            segments,
            seed,
            settings=settings,
            registry=registry,
        )
        if found:
            fired += 1
            shown = ", ".join(f"{t.kpi_id} {t.segment or ''} {t.value or ''} p={t.p_value:.2g}"
                              for t in found)  # fmt: skip
            print(f"seed {seed}: {shown}", flush=True)
    seconds = time.perf_counter() - started
    quiet = args.seeds - fired
    print(
        f"{quiet} of {args.seeds} null seeds showed no insight ({100 * quiet / args.seeds:.0f} %); "
        f"{seconds / args.seeds:.2f} s per seed; period {period}, compared with {comparison}"
    )


if __name__ == "__main__":
    main()
