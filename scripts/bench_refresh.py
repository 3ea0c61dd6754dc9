"""Time a full refresh of the demo workspace and say where the time goes (read / validate / write).

Issue 8's target: a refresh of 1 million survey responses, validation
included, in 30 s or less on a 2-core machine. Run:

    .venv/bin/python scripts/bench_refresh.py                      # 120k and 1M responses
    .venv/bin/python scripts/bench_refresh.py --responses 120000   # one size
    .venv/bin/python scripts/bench_refresh.py --runs 3             # median of three refreshes

Each size gets its own demo workspace (generated once, reused on later runs)
under --workdir. Each refresh runs in a fresh Python process, as
``python -m benefitboard refresh`` does, so Great Expectations' import (~3-4 s)
is part of the figure; it is shown on its own line. Every step is timed twice:
wall clock, and CPU seconds of the process (all cores), which a busy machine
disturbs far less. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
END_DATE = date(2026, 10, 31)
NOW = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
STEPS = ("read", "validate", "write")

_ONE_REFRESH = """
import json, re, sys, time
started = time.perf_counter()
import great_expectations  # noqa: F401  (what a cold `python -m benefitboard refresh` pays)
from validation.gx_context import dataframe_batch_definition
dataframe_batch_definition()
setup = time.perf_counter() - started
from datetime import datetime
from benefitboard.refresh import refresh_workspace

marks = []  # (CPU seconds so far, progress message): the refresh says when each step starts
report = refresh_workspace(
    sys.argv[1],
    now=datetime.fromisoformat(sys.argv[2]),
    progress=lambda fraction, message: marks.append((time.process_time(), message)),
)
marks.append((time.process_time(), "done"))
step_of = {"reading": "read", "rows read": "read", "validating": "validate", "writing": "write"}
cpu, step = {}, None
for (at, message), (until, _) in zip(marks, marks[1:]):
    found = re.search(r"› (\\w+): (reading|[0-9,]+ rows read|validating|writing)", message)
    if found:
        step = (found.group(1), step_of[found.group(2).lstrip("0123456789,").strip()])
    elif message.startswith("Building"):
        step = ("docs", "docs")
    if step:
        cpu.setdefault(step[0], {}).setdefault(step[1], 0.0)
        cpu[step[0]][step[1]] += until - at
print(json.dumps({
    "setup": setup,
    "seconds": report.seconds,
    "docs": report.docs_seconds,
    "status": report.status,
    "rows": {e.dataset: e.rows + e.quarantined for e in report.datasets},
    "wall": {d: [t.read, t.validate, t.write] for d, t in report.timings.items()},
    "cpu": cpu,
}))
"""


def demo_workspace(workdir: Path, responses: int) -> Path:
    """The benchmark's demo workspace of ``responses`` answers, generated on first use."""
    folder = workdir / f"demo-{responses}"
    config = folder / "benefitboard.toml"
    if config.exists() and (folder / "data" / "demo.sqlite").exists():
        return config
    sys.path.insert(0, str(REPO))
    from benefitboard.demo import create_demo_workspace

    print(f"generating the demo database with {responses:,} responses in {folder} …", flush=True)
    started = time.perf_counter()
    create_demo_workspace(folder, end_date=END_DATE, responses=responses)
    print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    return config


def one_refresh(config: Path) -> dict:
    """One refresh in a fresh process: its figures, plus the whole process's wall and CPU time."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _ONE_REFRESH, str(config), NOW.isoformat()],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"refresh failed:\n{result.stderr[-3000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["process_wall"] = time.perf_counter() - started
    figures["process_cpu"] = _children_cpu() - cpu_before
    return figures


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def print_figures(responses: int, runs: list[dict]) -> None:
    median = sorted(runs, key=lambda r: r["process_wall"])[(len(runs) - 1) // 2]
    print(f"\n== {responses:,} responses: refresh {median['status']}", end="")
    if len(runs) > 1:
        walls = ", ".join(f"{r['process_wall']:.1f}" for r in runs)
        print(f" — median of {len(runs)} runs ({walls} s)", end="")
    print()
    print(f"{'':<23} {'wall s':^29}   {'CPU s (all cores)':^29}")
    print(f"{'dataset':<12} {'rows':>10} " + _row(STEPS) + "   " + _row(STEPS))
    totals = [0.0] * 6
    for dataset, wall in median["wall"].items():
        cpu = [median["cpu"].get(dataset, {}).get(step, 0.0) for step in STEPS]
        rows = median["rows"].get(dataset, 0)
        print(f"{dataset:<12} {rows:>10,} " + _row(wall) + "   " + _row(cpu))
        totals = [total + figure for total, figure in zip(totals, [*wall, *cpu], strict=True)]
    rows = sum(median["rows"].values())
    print(f"{'all':<12} {rows:>10,} " + _row(totals[:3]) + "   " + _row(totals[3:]))
    docs_cpu = median["cpu"].get("docs", {}).get("docs", 0.0)
    print(f"Data Docs (build + zip)     {median['docs']:>6.2f} s wall   {docs_cpu:>6.2f} s CPU")
    print(f"refresh_workspace           {median['seconds']:>6.2f} s wall")
    print(f"Great Expectations import   {median['setup']:>6.2f} s wall")
    print(f"whole process               {median['process_wall']:>6.2f} s wall   ", end="")
    print(f"{median['process_cpu']:>6.2f} s CPU")
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (other work inflates wall time)")


def _row(figures) -> str:
    return " ".join(f"{f:>9.2f}" if isinstance(f, float) else f"{f:>9}" for f in figures)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--responses", type=int, action="append", help="default: 120000 and 1000000"
    )
    parser.add_argument("--runs", type=int, default=1, help="refreshes per size (median shown)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/benefitboard-bench-refresh"))
    args = parser.parse_args(argv)
    for responses in args.responses or [120_000, 1_000_000]:
        config = demo_workspace(args.workdir, responses)
        runs = [one_refresh(config) for _ in range(max(args.runs, 1))]
        print_figures(responses, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
