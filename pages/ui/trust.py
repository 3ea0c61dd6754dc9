"""Data trust: how far each dataset's numbers can be trusted, said once and the same everywhere.

A leader must never read a number built on data that failed validation without
being told, and must not be shouted at either. Three places use the words
made here:
- every KPI tile carries a small status with the detail on hover (``trust_of``);
- every page opens with one compact notice when some data is not up to date
  (``data_banner``): the dataset, its source, the failure and the time of the
  last good data, with the full messages one click away;
- the Data quality page lists each dataset's status.

Everything source-derived (names, failure messages) is escaped for Markdown.

Example:
    >>> from store.snapshots import DatasetEntry
    >>> trust_of(DatasetEntry("orders", "shop_db", "ok", rows=98, quarantined=2,
    ...                       loaded_at="2026-11-01T06:00:00+00:00"))[0]
    'partly quarantined'
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

import streamlit as st

from pages.ui.text import escape_markdown
from store.snapshots import DatasetEntry, Snapshot

FRESH, STALE, QUARANTINED, FAILED, NO_SOURCE = (
    "fresh and valid",
    "stale",
    "partly quarantined",
    "failed",
    "no data",
)
NOT_UP_TO_DATE = ("stale", "carried", "failed")
STALE_PROBLEM = "stale: newest "
"""How a refresh's stale problem starts when it names its value, age and setting."""


def trust_of(entry: DatasetEntry | None) -> tuple[str, str]:
    """(badge, sentence) for a tile: fresh and valid / stale / partly quarantined / failed.

    A dataset whose latest refresh failed but whose last good data is still
    shown ("carried") is *stale*: what the tile shows is older than it should
    be, and the sentence says why. The sentence is Markdown-safe.
    """
    if entry is None:
        return NO_SOURCE, "This workspace has no source for this data."
    source, dataset = escape_markdown(entry.source), escape_markdown(entry.dataset)
    problem = escape_markdown(problem_of(entry))
    if entry.status == "failed":
        return FAILED, (
            f"The latest refresh of {dataset} from {source} failed ({problem}) and there is no "
            "earlier good data."
        )
    if entry.status == "carried":
        return STALE, (
            f"The latest refresh of {dataset} from {source} failed ({problem}); showing the last "
            f"good data, loaded {when(entry.loaded_at)}."
        )
    quarantine = _quarantine_sentence(entry)
    if entry.status == "stale":
        return STALE, (
            f"{source} has no newer {dataset}: the newest record is from "
            f"{when(entry.newest_record)}; loaded {when(entry.loaded_at)}.{quarantine}"
        )
    if entry.quarantined:
        return QUARANTINED, f"Loaded {when(entry.loaded_at)}.{quarantine}"
    return FRESH, f"Every row passed validation; loaded {when(entry.loaded_at)}."


def problem_of(entry: DatasetEntry) -> str:
    """The failure in a few words (older snapshots have only the full sentences)."""
    if entry.problem:
        return entry.problem
    if not entry.failures:
        return "no details recorded"
    first = entry.failures[0].split(": ", 1)[-1] if "dataset" in entry.failures[0] else ""
    return (first or entry.failures[0])[:140]


def when(moment: str | None) -> str:
    """An ISO time from the manifest as people read it: '01 Nov 2026, 06:00 UTC'."""
    if not moment:
        return "unknown"
    if len(moment) == 10:
        return date.fromisoformat(moment).strftime("%d %b %Y")
    parsed = datetime.fromisoformat(moment)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%d %b %Y, %H:%M UTC")


def not_up_to_date(snapshot: Snapshot, datasets: Iterable[str] | None = None) -> list[DatasetEntry]:
    """Entries (of ``datasets``, default all) that are stale, carried or failed."""
    wanted = None if datasets is None else set(datasets)
    return [
        e
        for e in snapshot.datasets.values()
        if e.status in NOT_UP_TO_DATE and (wanted is None or e.dataset in wanted)
    ]


def banner_headline(entries: list[DatasetEntry]) -> str:
    """One line naming what is not up to date (Markdown-safe); '' when everything is.

    Datasets that failed the same way (one database down takes all its
    datasets with it) share one sentence naming the source, the failure and
    the time of the last good data; different failures are listed briefly and
    told in full under the notice.
    """
    if not entries:
        return ""
    groups: dict[tuple, list[DatasetEntry]] = {}
    for entry in entries:
        groups.setdefault(_same_story(entry), []).append(entry)
    if len(groups) == 1:
        return _sentence(entries)
    listed = "; ".join(
        f"{_names(group)} from {escape_markdown(group[0].source)} "
        f"({_status_words(group[0].status)})"
        for group in groups.values()
    )
    return f"**{len(entries)} datasets are not up to date:** {listed}. Details below."


def data_banner(snapshot: Snapshot, datasets: Iterable[str] | None = None) -> None:
    """One compact notice when data is stale, carried or failed; the messages on expand.

    ``datasets`` narrows it to what the current page uses (default: every
    dataset of the snapshot).
    """
    entries = not_up_to_date(snapshot, datasets)
    if not entries:
        return
    icon = "⛔" if any(e.status == "failed" for e in entries) else "⚠️"
    with st.expander(banner_headline(entries), icon=icon):
        for entry in entries:
            st.markdown(_details(entry))
        st.page_link("pages/data-quality.py", label="Open the Data quality page", icon="🛡️")


def _same_story(entry: DatasetEntry) -> tuple:
    if entry.status == "stale":
        return (entry.status, entry.source, entry.newest_record)
    return (entry.status, entry.source, problem_of(entry), entry.loaded_at)


def _names(entries: list[DatasetEntry]) -> str:
    return "**" + ", ".join(escape_markdown(e.dataset) for e in entries) + "**"


def _sentence(entries: list[DatasetEntry]) -> str:
    """The headline for datasets of one source that failed in one way."""
    first = entries[0]
    names, source = _names(entries), escape_markdown(first.source)
    problem = escape_markdown(problem_of(first))
    plural = len(entries) > 1
    if first.status == "carried":
        return (
            f"{names} from {source}: the latest refresh failed ({problem}); showing the last "
            f"good data, loaded {when(first.loaded_at)}."
        )
    if first.status == "failed":
        return f"{names} from {source} {'have' if plural else 'has'} no data: {problem}."
    if not plural and (first.problem or "").startswith(STALE_PROBLEM):
        # The refresh's own words: the newest value, its age and the [freshness] setting.
        detail = escape_markdown((first.problem or "").removeprefix("stale: "))
        return f"{names} from {source} is stale: {detail}."
    return (
        f"{names} from {source} {'are' if plural else 'is'} stale: the newest record is from "
        f"{when(first.newest_record)}. How old data may be is set per dataset in the "
        "workspace's \\[freshness\\] table."
    )


def _details(entry: DatasetEntry) -> str:
    parts = [
        f"**{escape_markdown(entry.dataset)}** · source {escape_markdown(entry.source)} · "
        f"{_status_words(entry.status)}"
    ]
    if entry.status == "carried":
        parts.append(
            f"Last good data: loaded {when(entry.loaded_at)} (snapshot "
            f"{escape_markdown(entry.from_snapshot or 'unknown')}), newest record "
            f"{when(entry.newest_record)}."
        )
    elif entry.status == "stale":
        parts.append(f"Newest record: {when(entry.newest_record)}.")
    if entry.failures:
        parts.append("\n".join(f"- {escape_markdown(failure)}" for failure in entry.failures))
    return "\n\n".join(parts)


def _status_words(status: str) -> str:
    return {
        "carried": "refresh failed, last good data shown",
        "failed": "no data",
        "stale": "stale",
    }.get(status, status)


def _quarantine_sentence(entry: DatasetEntry) -> str:
    if not entry.quarantined:
        return ""
    share = entry.quarantined / max(entry.rows + entry.quarantined, 1)
    return (
        f" {entry.quarantined:,} rows ({share:.1%}) failed validation and are left out of the "
        "numbers (see Data quality)."
    )
