"""The alerts' memory in the run log: each rule's state, every evaluation, every message sent.

Why in the run log's database (``runlog.sqlite``): the Alerts page asks the same
questions of it as the Data quality page asks of the runs ("what did this rule
say after last night's refresh?", "which messages went out?"), and the state
must survive a restart, or a restarted server would repeat every alert.
What it remembers is what keeps alerts from storming:

- ``alert_states``: per rule, its current state and since when it holds (an
  *episode*); a message is sent once per episode and channel;
- ``alert_deliveries``: per message and channel, sent or failed (a failed one is
  retried on the next run, because its episode was never delivered there);
- ``alert_evaluations``: every rule's outcome after every refresh (the history);
- ``schedule_runs``: when each scheduled job last ran, so ``serve`` runs a missed
  slot once on start.

Texts are stored printable (``benefitboard.text``); messages hold no secrets (channel
names only, never their addresses).

Example:
    >>> from tempfile import TemporaryDirectory
    >>> with TemporaryDirectory() as folder:
    ...     log = AlertLog(Path(folder))
    ...     first = log.set_state("North on time", "worse", "2026-10-27T06:00:00+00:00")
    ...     held = log.set_state("North on time", "worse", "2026-10-28T06:00:00+00:00")
    ...     print(log.state("North on time"))
    ...     log.engine.dispose()
    ('worse', '2026-10-27T06:00:00+00:00')
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from benefitboard.text import printable, printable_lines

metadata = sa.MetaData()

alert_states = sa.Table(
    "alert_states",
    metadata,
    sa.Column("rule", sa.String(200), primary_key=True),
    sa.Column("state", sa.String(64), nullable=False),
    sa.Column("since", sa.String(32), nullable=False),
    sa.Column("evaluated_at", sa.String(32), nullable=False),
)

alert_evaluations = sa.Table(
    "alert_evaluations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("evaluated_at", sa.String(32), nullable=False),
    sa.Column("snapshot_id", sa.String(40)),
    sa.Column("rule", sa.String(200), nullable=False),
    sa.Column("kpi", sa.String(64)),
    sa.Column("segment", sa.String(200)),
    sa.Column("state", sa.String(64), nullable=False),
    sa.Column("notable", sa.Boolean, nullable=False),
    sa.Column("headline", sa.Text),
)

alert_deliveries = sa.Table(
    "alert_deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sent_at", sa.String(32), nullable=False),
    sa.Column("rule", sa.String(200), nullable=False),
    sa.Column("channel", sa.String(100), nullable=False),
    sa.Column("episode", sa.String(120), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # sent, failed
    sa.Column("title", sa.Text),
    sa.Column("body", sa.Text),
    sa.Column("link", sa.Text),
    sa.Column("error", sa.Text),
)

schedule_runs = sa.Table(
    "schedule_runs",
    metadata,
    sa.Column("job", sa.String(200), primary_key=True),
    sa.Column("last_run_at", sa.String(32), nullable=False),
)


class AlertLog:
    """The alert tables of ``<store>/runlog.sqlite``."""

    def __init__(self, store_dir: Path) -> None:
        store_dir.mkdir(parents=True, exist_ok=True)
        self.engine = sa.create_engine(f"sqlite:///{(store_dir / 'runlog.sqlite').resolve()}")
        metadata.create_all(self.engine)

    def state(self, rule: str) -> tuple[str, str] | None:
        """(state, since) of a rule, or None before its first evaluation."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(alert_states.c.state, alert_states.c.since).where(
                    alert_states.c.rule == rule
                )
            ).first()
        return (row.state, row.since) if row else None

    def set_state(self, rule: str, state: str, now: str) -> str:
        """Record the rule's state after an evaluation; returns since when it holds."""
        held = self.state(rule)
        since = held[1] if held and held[0] == state else now
        with self.engine.begin() as conn:
            conn.execute(alert_states.delete().where(alert_states.c.rule == rule))
            conn.execute(
                alert_states.insert().values(rule=rule, state=state, since=since, evaluated_at=now)
            )
        return since

    def record_evaluation(self, **values: object) -> None:
        row = {k: printable(v) if isinstance(v, str) else v for k, v in values.items()}
        with self.engine.begin() as conn:
            conn.execute(alert_evaluations.insert().values(**row))

    def last_delivery(self, rule: str, channel: str) -> dict | None:
        """The newest message that reached ``channel`` for ``rule`` (failed ones do not count)."""
        query = (
            alert_deliveries.select()
            .where(
                alert_deliveries.c.rule == rule,
                alert_deliveries.c.channel == channel,
                alert_deliveries.c.status == "sent",
            )
            .order_by(alert_deliveries.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return dict(row._mapping) if row else None

    def record_delivery(self, **values: str | None) -> None:
        row = {
            k: printable_lines(v) if k == "body" and v else printable(v) if v else v
            for k, v in values.items()
        }
        with self.engine.begin() as conn:
            conn.execute(alert_deliveries.insert().values(**row))

    def deliveries(self, limit: int = 100) -> list[dict]:
        """Messages sent or tried, newest first."""
        query = alert_deliveries.select().order_by(alert_deliveries.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def latest_evaluations(self) -> dict[str, dict]:
        """Each rule's most recent evaluation, by rule name."""
        newest = (
            sa.select(sa.func.max(alert_evaluations.c.id))
            .group_by(alert_evaluations.c.rule)
            .scalar_subquery()
        )
        query = alert_evaluations.select().where(alert_evaluations.c.id.in_(newest))
        with self.engine.connect() as conn:
            return {r.rule: dict(r._mapping) for r in conn.execute(query)}

    def last_run(self, job: str) -> datetime | None:
        with self.engine.connect() as conn:
            value = conn.execute(
                sa.select(schedule_runs.c.last_run_at).where(schedule_runs.c.job == job)
            ).scalar()
        return datetime.fromisoformat(value) if value else None

    def set_last_run(self, job: str, when: datetime | None = None) -> None:
        moment = (when or datetime.now(UTC)).isoformat(timespec="seconds")
        with self.engine.begin() as conn:
            conn.execute(schedule_runs.delete().where(schedule_runs.c.job == job))
            conn.execute(schedule_runs.insert().values(job=job, last_run_at=moment))
