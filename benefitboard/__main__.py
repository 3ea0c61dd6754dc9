"""Command line: ``python -m benefitboard {demo,refresh,check,init}``.

Examples:
    python -m benefitboard demo --if-outdated     # generate the demo database
    python -m benefitboard refresh                # load, validate, write a snapshot
    python -m benefitboard check                  # only check the workspace config
    python -m benefitboard init exports/          # a starter config guessed from your files

Everything it prints has its control characters spelled out (``benefitboard.text``):
messages quote source values, and the terminal must not obey an escape sequence in one.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from benefitboard.config import ConfigError, load_workspace
from benefitboard.text import printable, printable_lines
from benefitboard.workspace import workspace_config_path


class TerminalProgress:
    """A one-line progress bar on a terminal; plain lines in logs and CI."""

    def __init__(self, stream=sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last_message = ""

    def __call__(self, fraction: float, message: str) -> None:
        fraction, message = min(max(fraction, 0.0), 1.0), printable(message)
        if self.tty:
            bar = "#" * int(fraction * 30)
            self.stream.write(f"\r[{bar:<30}] {fraction:4.0%} {message[:70]:<70}")
            if fraction >= 1.0:
                self.stream.write("\n")
        elif message != self.last_message:
            self.stream.write(f"[{fraction:4.0%}] {message}\n")
        self.stream.flush()
        self.last_message = message


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benefitboard", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--config", type=Path, help="workspace TOML (default: $BENEFITBOARD_CONFIG or the demo)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="generate the demo database of the demo workspace")
    demo.add_argument(
        "--if-outdated",
        action="store_true",
        help="only if it is missing or was generated before today (its data ends yesterday)",
    )
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument(
        "--end-date", type=date.fromisoformat, help="last day of data (default: yesterday)"
    )
    demo.add_argument("--responses", type=int, default=120_000)
    demo.add_argument("--orders", type=int, help="default: scales with --responses")
    commands.add_parser("refresh", help="load every source, validate, and write a new snapshot")
    commands.add_parser("check", help="check the workspace config and print what it declares")
    alerts = commands.add_parser("alerts", help="replay the alert rules as of an earlier day")
    alerts.add_argument("--as-of", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    serve = commands.add_parser(
        "serve", help="the dashboard plus the scheduled refresh and digests (docs/ALERTS.md)"
    )
    serve.add_argument("--no-dashboard", action="store_true", help="only run the schedule")
    digest = commands.add_parser("digest", help="send the workspace's digests now")
    digest.add_argument("--name", help="only the digest of this name")
    init = commands.add_parser(
        "init",
        help="write a starter workspace config guessed from CSV, Parquet or Excel files "
        "(or --url a database), then dry-refresh it",
    )
    init.add_argument("paths", nargs="*", type=Path, help="files or folders to inspect")
    init.add_argument("--url", help="a database to inspect instead (a SQLAlchemy URL)")
    init.add_argument(
        "--output",
        type=Path,
        default=Path("benefitboard.toml"),
        help="default: ./benefitboard.toml",
    )
    init.add_argument("--force", action="store_true", help="replace the output file if it exists")
    init.add_argument(
        "--no-refresh", action="store_true", help="only write the file, skip the dry refresh"
    )
    args = parser.parse_args(argv)
    if args.command == "init":
        return _init(args)
    config_path = args.config or workspace_config_path()
    try:
        workspace = load_workspace(config_path)
    except ConfigError as error:
        print(f"error: {printable_lines(str(error))}", file=sys.stderr)
        return 2
    if args.command in ("alerts", "serve", "digest"):
        from benefitboard.serve import run_command

        return run_command(args, workspace)
    if args.command == "check":
        where = f"{workspace.path}: workspace {workspace.name!r}, time zone {workspace.timezone}"
        print(printable(where))
        for source in workspace.sources.values():
            datasets = ", ".join(source.datasets)
            print(printable(f"  source {source.name} ({source.kind}): {datasets}"))
        return 0
    if args.command == "demo":
        from benefitboard.demo import ensure_demo_database

        progress = TerminalProgress()
        started = time.perf_counter()
        path = ensure_demo_database(
            workspace,
            seed=args.seed,
            end_date=args.end_date,
            responses=args.responses,
            orders=args.orders,
            force=not args.if_outdated,
            progress=lambda message, fraction: progress(fraction, message),
        )
        print(printable(f"demo database: {path} ({time.perf_counter() - started:.1f} s)"))
        return 0
    from benefitboard.refresh import refresh_workspace
    from store.writable import StoreNotWritableError

    try:
        report = refresh_workspace(workspace, progress=TerminalProgress())
    except StoreNotWritableError as error:
        print(f"error: {printable_lines(str(error))}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0 if report.status != "failed" else 1


def _init(args: argparse.Namespace) -> int:
    from benefitboard.starter.init import init_workspace
    from benefitboard.starter.inspect import InspectError
    from benefitboard.starter.report import init_summary

    try:
        result = init_workspace(
            args.paths,
            url=args.url,
            output=args.output,
            force=args.force,
            refresh=not args.no_refresh,
            progress=TerminalProgress(),
        )
    except InspectError as error:
        print(f"error: {printable_lines(str(error))}", file=sys.stderr)
        return 2
    print(printable_lines(init_summary(result)))
    if result.plan.feeds_nothing:
        return 1
    return 0 if result.dry_run is None or result.dry_run.ok else 1


if __name__ == "__main__":
    sys.exit(main())
