"""The run log: every refresh, every dataset it read, every expectation it checked.

Why a database and not log files: the data-quality page asks questions of it
("when was responses last good?", "which expectations failed last night?"),
and SQLite through SQLAlchemy answers them with plain queries. The log lives
beside the snapshots in the store folder.

Every text it records has its control characters spelled out
(``benefitboard.text``): failures and expectation examples quote bad source
values, and an escape sequence in one must not reach the console of whoever
reads the log. A message keeps its own line breaks; a single value (an
example, a column name) has them spelled out too.

Example:
    >>> from tempfile import TemporaryDirectory
    >>> with TemporaryDirectory() as folder:
    ...     log = RunLog(Path(folder))
    ...     run_id = log.start_run()
    ...     print(log.latest_run()["status"])
    ...     log.finish_run(run_id, status="ok", snapshot_id="20261101T060000Z", message="",
    ...                    seconds=1.5)
    ...     print(log.latest_run()["status"], log.latest_run()["snapshot_id"])
    ...     log.engine.dispose()
    running
    ok 20261101T060000Z
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benefitboard.text import printable, printable_lines

metadata = sa.MetaData()

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", sa.String(32), nullable=False),
    sa.Column("finished_at", sa.String(32)),
    sa.Column("status", sa.String(16), nullable=False),  # running, ok, partial, failed, interrupted
    sa.Column("snapshot_id", sa.String(40)),
    sa.Column("message", sa.Text),
    sa.Column("seconds", sa.Float),
)

dataset_runs = sa.Table(
    "dataset_runs",
    metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), nullable=False),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("dataset", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # ok, carried, failed
    sa.Column("rows_read", sa.Integer),
    sa.Column("rows_valid", sa.Integer),
    sa.Column("rows_quarantined", sa.Integer),
    sa.Column("newest_record", sa.String(40)),
    sa.Column("failures", sa.Text),  # JSON list of sentences
    sa.Column("seconds", sa.Float),
)

expectation_results = sa.Table(
    "expectation_results",
    metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), nullable=False),
    sa.Column("dataset", sa.String(64), nullable=False),
    sa.Column("expectation", sa.String(120), nullable=False),
    sa.Column("column_name", sa.String(200)),
    sa.Column("success", sa.Boolean, nullable=False),
    sa.Column("unexpected_count", sa.Integer),
    sa.Column("details", sa.Text),  # JSON: kwargs and examples
)


class RunLog:
    """Append-only record of refreshes in ``<store>/runlog.sqlite``."""

    def __init__(self, store_dir: Path) -> None:
        store_dir.mkdir(parents=True, exist_ok=True)
        self.engine = sa.create_engine(f"sqlite:///{(store_dir / 'runlog.sqlite').resolve()}")
        metadata.create_all(self.engine)

    def close_interrupted_runs(self) -> int:
        """Mark runs still "running" as "interrupted"; returns how many.

        Call it only while holding the store's refresh lock: then no refresh
        is running, and a "running" row belongs to one that was killed.
        """
        with self.engine.begin() as conn:
            result = conn.execute(
                runs.update()
                .where(runs.c.status == "running")
                .values(
                    status="interrupted",
                    message="the refresh stopped before it finished (killed or crashed); "
                    "the snapshot current at the time stayed in force",
                )
            )
            return result.rowcount

    def start_run(self, now: datetime | None = None) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(runs.insert().values(started_at=_iso(now), status="running"))
            key = result.inserted_primary_key
            if key is None:
                raise RuntimeError(f"run log {self.engine.url.database}: the new run got no id")
            return int(key[0])

    def finish_run(
        self, run_id: int, *, status: str, snapshot_id: str | None, message: str, seconds: float
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                runs.update()
                .where(runs.c.run_id == run_id)
                .values(
                    finished_at=_iso(None),
                    status=status,
                    snapshot_id=snapshot_id,
                    message=printable_lines(message),
                    seconds=seconds,
                )
            )

    def record_dataset(self, run_id: int, **values: Any) -> None:
        failures = [printable_lines(str(failure)) for failure in values.pop("failures", ())]
        row = {key: _printable_value(value) for key, value in values.items()}
        with self.engine.begin() as conn:
            conn.execute(
                dataset_runs.insert().values(run_id=run_id, failures=json.dumps(failures), **row)
            )

    def record_expectations(self, run_id: int, dataset: str, rows: Iterable[Mapping]) -> None:
        rows = [
            {
                "run_id": run_id,
                "dataset": dataset,
                "expectation": printable(r["expectation"]),
                "column_name": _printable_value(r.get("column")),
                "success": bool(r["success"]),
                "unexpected_count": r.get("unexpected_count"),
                "details": json.dumps(_printable_value(r.get("details", {})), default=str),
            }
            for r in rows
        ]
        if rows:
            with self.engine.begin() as conn:
                conn.execute(expectation_results.insert(), rows)

    def latest_run(self) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(runs.select().order_by(runs.c.run_id.desc()).limit(1)).first()
        return dict(row._mapping) if row else None

    def run(self, run_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(runs.select().where(runs.c.run_id == run_id)).first()
        return dict(row._mapping) if row else None

    def runs(self, limit: int = 50) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(runs.select().order_by(runs.c.run_id.desc()).limit(limit))
            return [dict(r._mapping) for r in rows]

    def datasets_of_run(self, run_id: int) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(dataset_runs.select().where(dataset_runs.c.run_id == run_id))
            return [{**r._mapping, "failures": json.loads(r.failures or "[]")} for r in rows]

    def dataset_history(self, dataset: str, limit: int = 20) -> list[dict]:
        """The dataset's results in the last ``limit`` runs that read it, newest first.

        Each row has the run's start time and status beside the dataset's own.
        """
        query = (
            sa.select(
                dataset_runs,
                runs.c.started_at,
                runs.c.status.label("run_status"),
                runs.c.snapshot_id,
            )
            .join(runs, runs.c.run_id == dataset_runs.c.run_id)
            .where(dataset_runs.c.dataset == dataset)
            .order_by(dataset_runs.c.run_id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [
                {**r._mapping, "failures": json.loads(r.failures or "[]")}
                for r in conn.execute(query)
            ]

    def expectations_of_run(self, run_id: int, dataset: str | None = None) -> list[dict]:
        query = expectation_results.select().where(expectation_results.c.run_id == run_id)
        if dataset:
            query = query.where(expectation_results.c.dataset == dataset)
        with self.engine.connect() as conn:
            return [
                {**r._mapping, "details": json.loads(r.details or "{}")}
                for r in conn.execute(query)
            ]


def _iso(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).isoformat(timespec="seconds")


def _printable_value(value: Any) -> Any:
    """``value`` with every string in it (also in lists and mappings) made printable.

    Anything that is neither a number nor a container becomes its printable ``str``,
    as ``json.dumps(default=str)`` would have written it.

    >>> _printable_value({"examples": [{"score": "\\x1b[2J9"}], "count": 1})
    {'examples': [{'score': '\\\\x1b[2J9'}], 'count': 1}
    """
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, Mapping):
        return {
            printable(k) if isinstance(k, str) else k: _printable_value(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_printable_value(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return printable(str(value))
