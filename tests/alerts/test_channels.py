"""Channels end to end: a real SMTP server and a real HTTP endpoint on loopback receive them."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from email.header import decode_header, make_header

import pytest

from alerts.channels import Attachment, mask_secrets, send
from alerts.dispatch import run_alerts
from alerts.message import Message
from benefitboard.config import WorkspaceConfig
from benefitboard.serve import send_digest
from metrics.alert_rules import AlertRule, DigestSpec
from store.alert_log import AlertLog
from tests.alerts.receivers import http_receiver, smtp_server

MORNING = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
NORTH = (("region", "North"),)


def _with(workspace: WorkspaceConfig, rules=(), digests=()) -> WorkspaceConfig:
    settings = dataclasses.replace(workspace.notifications, rules=rules, digests=digests)
    return dataclasses.replace(workspace, notifications=settings)


def test_the_digest_reaches_a_real_smtp_server_with_its_slide(
    alert_workspace: WorkspaceConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = DigestSpec("North weekly", "0 8 * * mon", ("north_mail",), segment=NORTH)
    workspace = _with(alert_workspace, digests=(spec,))
    with smtp_server() as (port, received):
        monkeypatch.setenv(
            "BENEFITBOARD_CHANNEL_NORTH_MAIL_URL",
            f"mailto://127.0.0.1:{port}?from=bb@example.com&to=north@example.com&mode=insecure",
        )
        outcome = send_digest(workspace, spec)
    assert outcome == [("north_mail", True, None)]
    (mail,) = received
    assert mail["To"] == "north@example.com"
    subject = str(make_header(decode_header(mail["Subject"])))
    assert subject == "Benefitboard · North weekly (region North)"
    parts = {p.get_filename(): p for p in mail.walk() if p.get_filename()}
    assert list(parts) == ["overview.png"]
    assert parts["overview.png"].get_payload(decode=True)[:8] == b"\x89PNG\r\n\x1a\n"
    text = next(p for p in mail.walk() if p.get_content_type() == "text/plain")
    body = text.get_payload(decode=True).decode()
    # the demo's last day is 2026-10-31; a 7-day digest covers 25–31 October
    assert "2026-10-25 – 2026-10-31 against 2026-10-18 – 2026-10-24, region North." in body
    assert "Top movers:" in body
    assert "seg.region=North" in body and "asof=20261101T060000Z" in body


def test_an_alert_reaches_slack_and_a_plain_webhook(
    alert_workspace: WorkspaceConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slack's own Apprise plugin, its endpoint pointed at the local receiver (the payload is
    exactly what hooks.slack.com gets), and a plain JSON webhook."""
    from apprise.plugins.slack import NotifySlack

    rule = AlertRule(
        "North on time", "on_time_rate", "significant_change", ("ops_slack", "ops_hook"),
        segment=NORTH, days=30,
    )  # fmt: skip
    workspace = _with(alert_workspace, rules=(rule,))
    with http_receiver() as (port, received):
        monkeypatch.setattr(NotifySlack, "webhook_url", f"http://127.0.0.1:{port}/services")
        monkeypatch.setenv(
            "BENEFITBOARD_CHANNEL_OPS_SLACK_URL", "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnl"
        )
        monkeypatch.setenv("BENEFITBOARD_CHANNEL_OPS_HOOK_URL", f"json://127.0.0.1:{port}/hook")
        run = run_alerts(workspace, now=MORNING)
    assert [(s.channel, s.delivery.ok) for s in run.sent] == [
        ("ops_slack", True),
        ("ops_hook", True),
    ]
    by_path = dict(received)
    slack = by_path["/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnl"]
    (card,) = slack["attachments"]
    assert card["title"].startswith("Benefitboard · On-time delivery, region North: ")
    assert "significantly worse" in card["title"]
    hook = by_path["/hook"]
    assert hook["title"] == card["title"]
    body = hook["message"]
    # the planted slowdown's 30 days against the 30 before them;
    # the message a leader acts on: change with interval and tile words, target, the
    # largest contribution, freshness, and the pinned link to exactly this view
    assert "On-time delivery for region North:" in body and "95% interval" in body
    assert "Target ≥ 90.0%: off target." in body
    assert "Largest contribution to the change:" in body
    assert "Data: orders from shop_db, fresh and valid;" in body
    assert (
        "http://localhost:8501/?from=2026-10-02&to=2026-10-31&seg.region=North"
        "&asof=20261101T060000Z&kpi=on_time_rate" in body
    )


def test_a_failing_channel_is_logged_and_retried_without_failing_anything(
    alert_workspace: WorkspaceConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = AlertRule(
        "North on time", "on_time_rate", "significant_change", ("ops",), segment=NORTH, days=30
    )
    workspace = _with(alert_workspace, rules=(rule,))
    with http_receiver(status=500) as (port, received):
        monkeypatch.setenv("BENEFITBOARD_CHANNEL_OPS_URL", f"json://127.0.0.1:{port}/hook")
        first = run_alerts(workspace, now=MORNING)
    assert first.problem is None and [s.delivery.ok for s in first.sent] == [False]
    assert "127.0.0.1" not in (first.sent[0].delivery.error or "")  # the URL is masked
    with http_receiver() as (port, received):
        monkeypatch.setenv("BENEFITBOARD_CHANNEL_OPS_URL", f"json://127.0.0.1:{port}/hook")
        retried = run_alerts(workspace, now=MORNING.replace(hour=7))
    assert [s.delivery.ok for s in retried.sent] == [True] and len(received) == 1
    log = AlertLog(workspace.store_dir)
    assert [d["status"] for d in log.deliveries()] == ["sent", "failed"]
    log.engine.dispose()


def test_a_state_is_sent_once_and_a_cooldown_holds_back_a_new_one(
    alert_workspace: WorkspaceConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = AlertRule(
        "North on time", "on_time_rate", "significant_change", ("ops",), segment=NORTH, days=30
    )
    workspace = _with(alert_workspace, rules=(rule,))
    with http_receiver() as (port, received):
        monkeypatch.setenv("BENEFITBOARD_CHANNEL_OPS_URL", f"json://127.0.0.1:{port}/hook")
        runs = [run_alerts(workspace, now=MORNING.replace(hour=h)) for h in (6, 7, 8)]
        assert [len(r.sent) for r in runs] == [1, 0, 0]  # "worse" held: no repeat
        # the state changes (here: the log says it was "steady" in between): a new episode,
        # but within the 24 h cooldown it waits; after it, it goes out once
        log = AlertLog(workspace.store_dir)
        log.set_state("North on time", "steady", "2026-11-01T09:00:00+00:00")
        log.engine.dispose()
        waiting = run_alerts(workspace, now=MORNING.replace(hour=10))
        later = run_alerts(workspace, now=datetime(2026, 11, 2, 7, 0, tzinfo=UTC))
    assert len(waiting.sent) == 0 and len(later.sent) == 1 and len(received) == 2


def test_stale_data_sends_one_message_instead_of_one_per_kpi(
    alert_workspace: WorkspaceConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store.snapshots import current_snapshot

    rules = tuple(
        AlertRule(f"{kpi} {region}", kpi, "significant_change", ("ops",), segment=(("region", region),))
        for kpi in ("on_time_rate", "delivery_p50_hours") for region in ("North", "South")
    )  # fmt: skip
    workspace = _with(alert_workspace, rules=rules)
    snapshot = current_snapshot(workspace.store_dir)
    assert snapshot is not None
    orders = dataclasses.replace(snapshot.datasets["orders"], status="stale", problem="no new rows")
    stale = dataclasses.replace(snapshot, datasets={**snapshot.datasets, "orders": orders})
    with http_receiver() as (port, received):
        monkeypatch.setenv("BENEFITBOARD_CHANNEL_OPS_URL", f"json://127.0.0.1:{port}/hook")
        first = run_alerts(workspace, snapshot=stale, now=MORNING)
        again = run_alerts(workspace, snapshot=stale, now=MORNING.replace(hour=7))
    assert [s.rule for s in first.sent] == ["data not current"] and again.sent == ()
    ((_, payload),) = received
    assert payload["title"] == "Benefitboard · data not current: orders"
    assert "orders from shop_db is stale: no new rows" in payload["message"]
    assert "4 alert rule(s) wait until the data is current" in payload["message"]


def test_a_message_never_holds_a_channel_secret() -> None:
    urls = ["mailtos://bb:S3cretPw@smtp.example.com?to=lead@example.com"]
    assert mask_secrets("535 auth failed for bb:S3cretPw", urls) == "535 auth failed for bb:***"
    delivery = send("nowhere", Message("t", "b"), __import__("pathlib").Path("/nonexistent"))
    assert not delivery.ok and "BENEFITBOARD_CHANNEL_NOWHERE_URL" in (delivery.error or "")


def test_attachment_type_is_plain_data() -> None:
    assert Attachment("a.png", b"x", "image/png").name == "a.png"
