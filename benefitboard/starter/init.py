"""``python -m benefitboard init``: inspect, guess, write the starter config, dry-refresh it.

Why one function behind the command: the command line only parses arguments and
prints; tests and scripts call ``init_workspace`` and read its result (the plan,
the trial refresh and how long each step took).

A database URL with a password is never written into the file (the loader would
refuse it): the file names a connection instead, and the dry run hands the URL to
that connection through its environment variable for the length of the run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from benefitboard.config import ConfigError, has_password
from benefitboard.secrets import connection_env_var
from benefitboard.starter.dry_run import DryRun, dry_refresh
from benefitboard.starter.inspect import InspectError, inspect_database, inspect_files
from benefitboard.starter.write import Plan, plan_workspace, render

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class InitResult:
    """What ``init`` wrote, what the trial refresh found, and how long each took."""

    path: Path
    plan: Plan
    dry_run: DryRun | None
    inspect_seconds: float
    refresh_seconds: float


def init_workspace(
    paths: Sequence[Path] = (),
    *,
    url: str | None = None,
    output: Path = Path("benefitboard.toml"),
    force: bool = False,
    refresh: bool = True,
    progress: Progress | None = None,
    today: date | None = None,
) -> InitResult:
    """Write a starter workspace config for ``paths`` (files, folders) or ``url`` (a database)."""
    if bool(paths) == bool(url):
        raise InspectError("give files or folders to inspect, or --url for a database (not both)")
    output = output.resolve()
    if output.exists() and not force:
        raise InspectError(f"{output} exists; choose another --output, or --force to replace it")
    started = time.perf_counter()
    if url:
        url = _absolute_sqlite(url)
        tables = inspect_database(url, progress)
        kind, written_url = "sql", None if has_password(url) else url
    else:
        tables = inspect_files(list(paths), progress)
        kind, written_url = "files", None
    name = output.parent.name if output.parent.name else "workspace"
    plan = plan_workspace(
        tables,
        name=name,
        base_dir=output.parent,
        today=today or datetime.now(UTC).date(),
        kind=kind,
        url=written_url,
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(plan), encoding="utf-8")
    inspected = time.perf_counter() - started
    if not refresh or plan.feeds_nothing:  # a file without datasets does not load
        return InitResult(output, plan, None, inspected, 0.0)
    started = time.perf_counter()
    with _connection_for(plan, url):
        try:
            trial = dry_refresh(output, progress)
        except ConfigError as error:  # a bug of ours: the file we wrote does not load
            raise InspectError(f"the written config does not load: {error}") from None
    return InitResult(output, plan, trial, inspected, time.perf_counter() - started)


def _absolute_sqlite(url: str) -> str:
    """A relative SQLite path is read from where the command runs, wherever the file goes."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith("sqlite:////"):
        rest = url[len(prefix) :]
        if rest and not rest.startswith(":memory:"):
            return prefix + str(Path(rest).resolve())
    return url


@contextmanager
def _connection_for(plan: Plan, url: str | None) -> Iterator[None]:
    """The database URL in the written connection's variable, while the dry run reads it."""
    if plan.kind != "sql" or plan.url or not url:
        yield
        return
    variable = connection_env_var(plan.source_name)
    before = os.environ.get(variable)
    os.environ[variable] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(variable, None)
        else:
            os.environ[variable] = before
