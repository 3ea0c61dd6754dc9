"""Channels: where messages go (e-mail, Slack, Teams, webhooks), through Apprise.

Why Apprise: one maintained library speaks SMTP, Slack, Microsoft Teams, plain
JSON webhooks and a hundred more services through one URL each
(``mailtos://user:pass@smtp.example.com?to=lead@example.com``,
``slack://TokenA/TokenB/TokenC``, ``workflows://...``, ``json://host/path``).

A workspace names a channel (``channels = ["ops"]``); its URL holds the address
and the token, so it lives with the other credentials, never in the workspace
file: ``[notifications.channels.ops] url = "..."`` (or ``urls = [...]``) in
``secrets.toml`` (the files ``benefitboard.secrets`` reads), or the environment
variable ``BENEFITBOARD_CHANNEL_OPS_URL``. Nothing we log or store holds a URL:
failures name the channel, and the library's own words are masked
(``mask_secrets``) before they are kept.

Example:
    >>> mask_secrets("POST to hooks.slack.com/services/T1JJ3/A1BRTD/TIiajkdn failed",
    ...              ["slack://T1JJ3/A1BRTD/TIiajkdn"])
    'POST to hooks.slack.com/services/***/***/*** failed'
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from alerts.message import Message
from benefitboard.secrets import mask_url, secrets_files
from benefitboard.text import printable

log = logging.getLogger("benefitboard.alerts")


class MissingChannelError(LookupError):
    """A rule names a channel that neither the environment nor secrets.toml defines."""


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (the digest's slide)."""

    name: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class Delivery:
    """What happened when a message went to one channel; ``error`` holds no secret."""

    channel: str
    ok: bool
    error: str | None = None


def channel_env_var(channel: str) -> str:
    """The environment variable that may hold a channel's URL.

    >>> channel_env_var("north-managers")
    'BENEFITBOARD_CHANNEL_NORTH_MANAGERS_URL'
    """
    return "BENEFITBOARD_CHANNEL_" + re.sub(r"[^A-Za-z0-9]", "_", channel).upper() + "_URL"


def channel_urls(channel: str, workspace_dir: Path) -> tuple[str, ...]:
    """The Apprise URLs of ``channel``: the environment first, then the first secrets file
    that defines ``[notifications.channels.NAME]``."""
    env_var = channel_env_var(channel)
    if os.environ.get(env_var):
        return tuple(u.strip() for u in os.environ[env_var].split() if u.strip())
    for path in secrets_files(workspace_dir):
        if not path.is_file():
            continue
        entry = (
            tomllib.loads(path.read_text(encoding="utf-8"))
            .get("notifications", {})
            .get("channels", {})
            .get(channel)
        )
        if entry:
            urls = entry.get("urls") or [entry.get("url")]
            found = tuple(u for u in urls if isinstance(u, str) and u)
            if found:
                return found
            raise MissingChannelError(
                f"{path}: [notifications.channels.{channel}] needs url = '...' (an Apprise URL)"
            )
    raise MissingChannelError(
        f"channel {channel!r} is not defined. Add to .streamlit/secrets.toml:\n"
        f"  [notifications.channels.{channel}]\n"
        f'  url = "mailtos://user:password@smtp.example.com?to=lead@example.com"\n'
        f"or set the environment variable {env_var} (docs/ALERTS.md lists the URL forms)."
    )


def send(
    channel: str,
    message: Message,
    workspace_dir: Path,
    attachments: Sequence[Attachment] = (),
) -> Delivery:
    """Send ``message`` to ``channel``; never raises (a channel that fails is reported, so the
    refresh goes on and the next run retries it)."""
    try:
        urls = channel_urls(channel, workspace_dir)
    except MissingChannelError as error:
        return Delivery(channel, False, str(error))
    except (OSError, tomllib.TOMLDecodeError) as error:
        return Delivery(channel, False, f"secrets file unreadable: {mask_url(str(error))}")
    try:
        return _send(channel, urls, message, attachments)
    except Exception as error:  # a channel must never fail the refresh that sends it
        return Delivery(channel, False, mask_secrets(f"{type(error).__name__}: {error}", urls))


def _send(
    channel: str, urls: Sequence[str], message: Message, attachments: Sequence[Attachment]
) -> Delivery:
    import apprise
    from apprise.attachment.memory import AttachMemory

    notifier = apprise.Apprise()
    for url in urls:
        if not notifier.add(url):
            return Delivery(
                channel, False, f"channel {channel!r}: Apprise does not understand one of its URLs"
            )
    attach = apprise.AppriseAttachment()
    for item in attachments:
        attach.add(AttachMemory(content=item.content, name=item.name, mimetype=item.mimetype))
    result = notifier.notify(
        body=message.body,
        title=message.title,
        body_format=apprise.NotifyFormat.TEXT,
        attach=attach if attachments else None,
    )
    if result:
        log.info("alert sent to channel %s: %s", channel, printable(message.title))
        return Delivery(channel, True)
    words = "; ".join(
        entry.message for entry in result.call_logs() if entry.level in ("WARNING", "ERROR")
    )
    error = mask_secrets(words or "the service did not accept the message", urls)
    log.warning("channel %s failed: %s", channel, error)
    return Delivery(channel, False, f"channel {channel!r}: {printable(error)}"[:500])


def mask_secrets(text: str, urls: Sequence[str]) -> str:
    """``text`` with every user, password, path token and query value of ``urls`` written ***.

    Masks too much rather than too little: a Slack or Teams URL carries its
    token in the path, an e-mail URL its password in the netloc.
    """
    secrets: set[str] = set()
    for url in urls:
        parts = urlsplit(url)
        secrets |= {unquote(p) for p in (parts.username, parts.password) if p}
        if not parts.scheme.startswith(("mailto", "mailtos")):
            host = parts.netloc.rsplit("@", 1)[-1]
            secrets |= {unquote(p) for p in [host, *parts.path.split("/")]}
        secrets |= {unquote(v) for _, v in parse_qsl(parts.query)}
    for secret in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "***")
    return mask_url(text)
