"""KPI tiles: value, change with its significance, target status, sample size and data trust.

Why so much on one tile: a leader glancing at a meeting-room screen should not
have to ask "is that change real?", "is that good?" or "is this data current?".
The tile answers all three, and says "no significant change" instead of
painting noise green or red.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from store import DatasetEntry

STATUS_LABEL = {
    "green": ":green[● on target]",
    "amber": ":orange[● near target]",
    "red": ":red[● off target]",
    "none": "",
}


def trust_of(entry: DatasetEntry | None) -> tuple[str, str]:
    """(short badge, sentence) describing how far a tile's data can be trusted."""
    if entry is None:
        return "no data", "This workspace has no source for this data."
    if entry.status == "failed":
        return "failed", "The source failed and there is no earlier good data: " + "; ".join(
            entry.failures
        )
    if entry.status == "stale":
        return (
            "stale",
            f"The source has no newer data: the newest record is from {entry.newest_record}. "
            + "; ".join(entry.failures),
        )
    if entry.status == "carried":
        return (
            "stale",
            f"Showing the last good data, loaded {entry.loaded_at}. The latest refresh failed: "
            + "; ".join(entry.failures),
        )
    if entry.quarantined:
        share = entry.quarantined / max(entry.rows + entry.quarantined, 1)
        return (
            "partly quarantined",
            f"{entry.quarantined:,} rows ({share:.1%}) failed validation and are left out; "
            f"loaded {entry.loaded_at}.",
        )
    return "fresh and valid", f"All rows passed validation; loaded {entry.loaded_at}."


def kpi_tile(result, entry: DatasetEntry | None, sparkline: Sequence[float] | None = None) -> None:
    """Draw one KPI tile from a metrics ``KpiResult``."""
    kpi = result.kpi
    badge, trust_sentence = trust_of(entry)
    status = STATUS_LABEL.get(result.status, "")
    label = f"{kpi.label} {status}".strip()
    if result.missing:
        st.metric(label, "—", help=f"{result.missing}\n\n{trust_sentence}", border=True)
        st.caption(f"Data: {badge}")
        return
    current = result.current
    value = kpi.format_value(current.value) if current.value is not None else "—"
    delta, color, description = _delta(result)
    st.metric(
        label,
        value,
        delta=delta,
        delta_color=color,
        help=_help(result, trust_sentence),
        border=True,
        chart_data=list(sparkline) if sparkline else None,
        delta_description=description,
    )
    small = " · :orange[small sample]" if current.small_sample else ""
    st.caption(f"n = {current.n:,}{small} · data: {badge}")


def _delta(result) -> tuple[str | None, str, str | None]:
    change = result.change
    if change is None or change.delta is None:
        return None, "off", "no comparison data"
    text = result.kpi.format_delta(change.delta)
    if not change.significant:
        return text, "off", "no significant change"
    color = "normal" if result.kpi.direction == "higher" else "inverse"
    return text, color, f"significant ({change.word})"


def _help(result, trust_sentence: str) -> str:
    kpi, current = result.kpi, result.current
    lines = [kpi.description]
    if current.low is not None and current.high is not None:
        lines.append(
            f"95% interval: {kpi.format_value(current.low)} to {kpi.format_value(current.high)}"
            + ("" if current.exact else f" ({current.note})")
        )
    if result.previous is not None and result.previous.value is not None:
        lines.append(f"Comparison period: {kpi.format_value(result.previous.value)}")
    if result.change is not None and result.change.p_value is not None:
        lines.append(f"Change p-value: {result.change.p_value:.3f}")
    if result.target is not None:
        lines.append(f"Target: {kpi.format_value(result.target)}")
    lines.append(trust_sentence)
    return "\n\n".join(line for line in lines if line)
