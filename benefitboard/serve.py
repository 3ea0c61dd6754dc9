"""``python -m benefitboard serve``: the dashboard, the scheduled refresh and the digests.

Why in-process and not cron: a team that runs one command gets data that
refreshes itself and digests that go out, without an outside scheduler.
APScheduler runs each ``[schedule] refresh`` and ``[[digests]] schedule`` cron
line in the workspace's time zone; the dashboard runs beside it
(``scripts/serve.py``, a child process). A refresh evaluates the alert rules
(``benefitboard.refresh``).

A run missed while the server was down runs **once** on start, not once per
missed slot: each job's last run is kept in the store (``store/alert_log.py``,
``schedule_runs``), and on start a job whose next slot after its last run has
passed runs at once (``due_on_start``); APScheduler's ``coalesce`` and
``misfire_grace_time`` do the same for slots missed while the process was
busy or suspended. systemd timers and cron are documented alternatives
(docs/ALERTS.md): ``python -m benefitboard refresh`` and ``... digest``.

Example:
    >>> from datetime import datetime
    >>> due_on_start("0 6 * * *", "UTC", datetime(2026, 11, 1, 6, 0, tzinfo=UTC),
    ...              datetime(2026, 11, 4, 9, 0, tzinfo=UTC))    # three slots missed: run once
    True
    >>> due_on_start("0 6 * * *", "UTC", datetime(2026, 11, 4, 6, 0, tzinfo=UTC),
    ...              datetime(2026, 11, 4, 9, 0, tzinfo=UTC))
    False
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alerts.channels import Attachment, send
from alerts.digest import build_digest
from benefitboard.config import WorkspaceConfig
from benefitboard.refresh import refresh_workspace
from exports.slide import SlideStamp, slide_file
from metrics.alert_rules import DigestSpec
from store.alert_log import AlertLog
from store.snapshots import current_snapshot

log = logging.getLogger("benefitboard.serve")
REFRESH_JOB = "refresh"
MISFIRE_GRACE_SECONDS = 3600
SERVE_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "serve.py"
_one_at_a_time = threading.Lock()


def due_on_start(cron: str, timezone: str, last_run: datetime | None, now: datetime) -> bool:
    """True when a slot of ``cron`` passed since ``last_run`` (never run: not due, wait)."""
    from apscheduler.triggers.cron import CronTrigger

    if last_run is None:
        return False
    trigger = CronTrigger.from_crontab(cron, timezone=timezone)
    slot = trigger.get_next_fire_time(None, last_run + timedelta(seconds=1))
    return slot is not None and slot <= now


def scheduled_jobs(workspace: WorkspaceConfig) -> list[tuple[str, str, Callable[[], None]]]:
    """(job name, cron line, what it runs) for the workspace's refresh and digests."""
    jobs: list[tuple[str, str, Callable[[], None]]] = []
    settings = workspace.notifications
    if settings.refresh_schedule:
        jobs.append((REFRESH_JOB, settings.refresh_schedule, lambda: run_refresh(workspace)))
    for spec in settings.digests:
        jobs.append((f"digest:{spec.name}", spec.schedule, _digest_job(workspace, spec)))
    return jobs


def _digest_job(workspace: WorkspaceConfig, spec: DigestSpec) -> Callable[[], None]:
    def job() -> None:
        send_digest(workspace, spec)

    return job


def run_refresh(workspace: WorkspaceConfig) -> None:
    """The scheduled refresh (which evaluates the alert rules); errors are logged, not raised."""
    with _one_at_a_time:
        try:
            report = refresh_workspace(workspace)
            log.info("scheduled refresh: %s", report.summary())
        except Exception:
            log.exception("scheduled refresh failed")
        _remember(workspace, REFRESH_JOB)


def send_digest(
    workspace: WorkspaceConfig, spec: DigestSpec, *, slide: bool = True
) -> list[tuple[str, bool, str | None]]:
    """Build ``spec``'s digest on the current snapshot and send it: (channel, ok, error)."""
    with _one_at_a_time:
        sent: list[tuple[str, bool, str | None]] = []
        try:
            snapshot = current_snapshot(workspace.store_dir)
            if snapshot is None:
                return [(c, False, "no snapshot yet") for c in spec.channels]
            digest = build_digest(workspace, snapshot, spec)
            attachments = []
            if slide:
                stamp = SlideStamp(
                    spec.name,
                    str(digest.period),
                    f"against {digest.comparison}",
                    digest.filters,
                    snapshot.id,
                    digest.message.link or "",
                )
                content = slide_file(digest.rows, stamp, spec.format)
                mimetype = "application/pdf" if spec.format == "pdf" else "image/png"
                attachments.append(Attachment(f"overview.{spec.format}", content, mimetype))
            for channel in spec.channels:
                delivery = send(channel, digest.message, workspace.base_dir, attachments)
                sent.append((channel, delivery.ok, delivery.error))
                if not delivery.ok:
                    log.warning("digest %s: %s", spec.name, delivery.error)
        except Exception:
            log.exception("digest %s failed", spec.name)
        _remember(workspace, f"digest:{spec.name}")
        return sent


def start_scheduler(workspace: WorkspaceConfig, now: datetime | None = None):
    """Start the jobs in a background scheduler; run each missed job once now."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger

    scheduler = BackgroundScheduler(
        timezone=workspace.timezone,
        job_defaults={
            "coalesce": True,
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            "max_instances": 1,
        },
    )
    alert_log = AlertLog(workspace.store_dir)
    now = now or datetime.now(UTC)
    for name, cron, job in scheduled_jobs(workspace):
        trigger = CronTrigger.from_crontab(cron, timezone=workspace.timezone)
        scheduler.add_job(job, trigger, id=name, name=name)
        last = alert_log.last_run(name)
        if last is None:
            alert_log.set_last_run(name, now)  # the first start: wait for the next slot
        elif due_on_start(cron, workspace.timezone, last, now):
            log.info("%s: a slot passed while the server was down; running it once now", name)
            scheduler.add_job(job, id=f"{name}:missed", name=f"{name} (missed)")
    alert_log.engine.dispose()
    scheduler.start()
    return scheduler


def serve(workspace: WorkspaceConfig, streamlit_args: list[str], *, dashboard: bool = True) -> int:
    """Run the scheduler, and the dashboard beside it until it stops (or forever without)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    scheduler = start_scheduler(workspace)
    try:
        if dashboard:
            env = {**os.environ, "BENEFITBOARD_CONFIG": str(workspace.path)}
            return subprocess.call([sys.executable, str(SERVE_SCRIPT), *streamlit_args], env=env)
        threading.Event().wait()
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        scheduler.shutdown(wait=False)


def _remember(workspace: WorkspaceConfig, job: str) -> None:
    alert_log = AlertLog(workspace.store_dir)
    try:
        alert_log.set_last_run(job)
    finally:
        alert_log.engine.dispose()


def run_command(args, workspace: WorkspaceConfig) -> int:
    """The ``alerts``, ``serve`` and ``digest`` commands of ``python -m benefitboard``."""
    from alerts.replay import replay_day
    from benefitboard.text import printable

    if args.command == "serve":
        return serve(workspace, [], dashboard=not args.no_dashboard)
    if args.command == "digest":
        specs = [d for d in workspace.notifications.digests if args.name in (None, d.name)]
        failed = 0
        for spec in specs:
            for channel, ok, error in send_digest(workspace, spec):
                failed += not ok
                print(printable(f"{spec.name} → {channel}: {'sent' if ok else error}"))
        return 1 if failed or not specs else 0
    snapshot = current_snapshot(workspace.store_dir)
    if snapshot is None:
        print("error: no snapshot yet; run python -m benefitboard refresh first", file=sys.stderr)
        return 1
    replayed = replay_day(workspace, snapshot, args.as_of)
    print(f"alerts as of {args.as_of} (snapshot {snapshot.id}): {len(replayed)} holding")
    for item in replayed:
        print(printable(item.line()))
    return 0
