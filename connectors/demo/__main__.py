"""Command line: ``python -m connectors.demo --out PATH [--seed 7] [--end-date YYYY-MM-DD]
[--responses N] [--orders M] [--days 730]``.

Prints progress lines and a summary of the rows written per table.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from connectors.demo.generate import generate_demo_database


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m connectors.demo",
        description="Write Benefitboard's deterministic demo database (SQLite), atomically.",
    )
    parser.add_argument("--out", type=Path, required=True, help="SQLite file to (over)write")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=None,
        help="last day with data, YYYY-MM-DD (default: yesterday, UTC)",
    )
    parser.add_argument("--responses", type=int, default=120_000)
    parser.add_argument("--orders", type=int, default=None, help="default: 5/3 of --responses")
    parser.add_argument("--days", type=int, default=730)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def show(message: str, fraction: float) -> None:
        print(f"[{fraction:4.0%}] {message}", flush=True)

    try:
        summary = generate_demo_database(
            args.out,
            seed=args.seed,
            end_date=args.end_date,
            responses=args.responses,
            orders=args.orders,
            days=args.days,
            progress=show,
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"\nDemo database {summary.path} ({summary.start} .. {summary.end}), seed {args.seed}")
    for table, rows in summary.rows.items():
        print(f"  {table:<18} {rows:>12,}")
    print(f"  {'total':<18} {sum(summary.rows.values()):>12,}   in {summary.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
