"""KPI tiles: value, change with its significance, target status, sample size and data trust.

Why so much on one tile: a leader glancing at a meeting-room screen should not
have to ask "is that change real?", "is that good?", "how many customers is
that?" or "is this data current?". The tile answers all four, and says "no
significant change" instead of painting noise green or red.

The arrow follows the sign of the change; the colour says whether it is better
or worse for customers (a faster delivery is a *down* arrow in green), and is
grey whenever the change test does not call it.

Example:
    >>> from metrics.registry import DEFAULT_REGISTRY
    >>> sample_words(DEFAULT_REGISTRY.get("nps"), 3106, False)
    '3,106 answers'
    >>> sample_words(DEFAULT_REGISTRY.get("in_stock_rate"), 513966, False)
    'whole catalogue'
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from metrics.change_words import delta_style
from metrics.engine import KpiResult
from metrics.kpi import Kpi
from pages.ui import series
from pages.ui.context import PageContext
from pages.ui.kpis import kpi_results, tracked_ids
from pages.ui.text import escape_markdown
from pages.ui.trust import trust_of
from store.snapshots import DatasetEntry

STATUS_LABEL = {
    "green": ":green[● on target]",
    "amber": ":orange[● near target]",
    "red": ":red[● off target]",
    "none": "",
}


def trust_badge(entry: DatasetEntry | None) -> str:
    """The tile's data-trust mark, coloured (Streamlit Markdown)."""
    if entry is None:
        return ":gray[no data source]"
    if entry.status == "failed":
        return ":red[⛔ source failed]"
    if entry.status in ("stale", "carried"):
        return ":orange[⚠ data not current]"
    if entry.quarantined:
        share = entry.quarantined / max(entry.rows + entry.quarantined, 1)
        return f":orange[⚠ {share:.1%} of rows quarantined]"
    return ":green[✓ data fresh]"


def sample_words(kpi: Kpi, n: int, small_sample: bool) -> str:
    """What the tile's n means: '3,106 answers', 'complete count', or 'n = 12 · small sample'.

    The words come from the KPI's declaration (``population``, ``sample_noun``)."""
    if kpi.population:
        return kpi.population
    if not kpi.is_sample:
        return "complete count"
    noun = kpi.sample_noun
    counted = f"{n:,} {noun}" if noun else f"n = {n:,}"
    return counted + (" · :orange[small sample]" if small_sample else "")


def target_words(result: KpiResult, currency: str = "EUR") -> str:
    """'target ≥ 35.0' (higher is better) or 'target ≤ 36.0 h'; '' without a target."""
    if result.target is None:
        return ""
    sign = "≥" if result.kpi.direction == "higher" else "≤"
    return f"target {sign} {result.kpi.format_value(result.target, currency)}"


def status_line(result: KpiResult, currency: str = "EUR") -> str:
    """The tile's first line: status against the target, and the target ('● off target · target
    ≥ 35.0'); every tile has one, so values line up across a row."""
    target = target_words(result, currency)
    if result.missing or result.status == "none":
        return ":gray[○ no target]" if not target else f":gray[○ no data] · {target}"
    return f"{STATUS_LABEL[result.status]} · {target}"


def kpi_tile(
    result: KpiResult,
    entry: DatasetEntry | None,
    sparkline: Sequence[float] | None = None,
    *,
    currency: str = "EUR",
) -> None:
    """Draw one KPI tile from a metrics ``KpiResult`` in a bordered box coloured by its status."""
    kpi = result.kpi
    status = result.status if not result.missing else "none"
    _, trust_sentence = trust_of(entry)
    with st.container(border=True, key=f"tile_{status}_{kpi.id}"):
        st.markdown(status_line(result, currency))
        if result.missing:
            st.metric(kpi.label, "—", help=f"{escape_markdown(result.missing)}. {trust_sentence}")
            st.caption(f"{escape_markdown(result.missing)} · {trust_badge(entry)}")
            return
        current = result.current
        style = delta_style(result, currency)
        st.metric(
            kpi.label,
            kpi.format_value(current.value, currency),
            delta=style.text,
            delta_color=style.color,  # type: ignore[arg-type]
            delta_arrow=style.arrow,  # type: ignore[arg-type]
            delta_description=style.description,
            help=_help(result, trust_sentence, currency),
            chart_data=list(sparkline) if sparkline else None,
        )
        st.caption(f"{sample_words(kpi, current.n, current.small_sample)} · {trust_badge(entry)}")


def tile_row(
    context: PageContext, kpi_ids: Sequence[str], *, sparklines: bool = True, across: bool = True
) -> None:
    """Tiles for the registry's ``kpi_ids`` in the context's view: side by side, or stacked.

    Only KPIs the workspace tracks get a tile (``kpis.tracked_ids``): one it can never
    compute is named once on the overview instead ("Not tracked yet"), not drawn empty."""
    shown = tuple(tracked_ids(context, kpi_ids))
    if not shown:
        return
    results = kpi_results(context, shown)
    lines = series.sparklines(context, shown) if sparklines else {}
    places = st.columns(len(shown)) if across else [st.container() for _ in shown]
    for place, kpi_id in zip(places, shown, strict=True):
        with place:
            result = results[kpi_id]
            kpi_tile(
                result,
                context.snapshot.datasets.get(result.kpi.dataset),
                lines.get(kpi_id),
                currency=context.workspace.currency,
            )


def _help(result: KpiResult, trust_sentence: str, currency: str) -> str:
    kpi, current = result.kpi, result.current
    lines = [kpi.description]
    if current.low is not None and current.high is not None:
        lines.append(
            f"95% interval: {kpi.format_value(current.low, currency)} to "
            f"{kpi.format_value(current.high, currency)}"
            + ("" if current.exact else f" ({current.note})")
        )
    if result.previous is not None and result.previous.value is not None:
        lines.append(f"Comparison period: {kpi.format_value(result.previous.value, currency)}")
    if result.change is not None and result.change.p_value is not None:
        lines.append(f"Change p-value: {result.change.p_value:.3f}")
    if result.target is not None:
        lines.append(f"Target: {kpi.format_value(result.target, currency)}")
    lines.append(trust_sentence)
    return "\n\n".join(escape_markdown(line) for line in lines if line)
