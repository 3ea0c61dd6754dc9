"""An insight in one line a leader can repeat: what moved, by how much, where it came from, and
what customers went through.

Plain text (no Markdown markup; pages escape it), in the KPI's own units and formats, e.g.
"NPS in region North −30.0 (95% interval −38.0 to −22.0): 40.0 → 10.0 · North accounts for
−7.5 of the −6.2 change overall · after a late delivery −62.0, after an on-time one +48.0 ·
On-time delivery in region North 92.0% → 56.0%".

Example:
    >>> from metrics.insights import ChangeTest
    >>> from metrics.insight_tests import Contribution, Insight
    >>> from metrics.registry import DEFAULT_REGISTRY
    >>> test = ChangeTest("nps", "region", "North", -30.0, -38.0, -22.0, 1e-5, 40.0, 10.0)
    >>> insight = Insight(test, DEFAULT_REGISTRY.get("nps"),
    ...                   Contribution("region", "North", -7.5, -6.2))
    >>> for part in insight_sentence(insight).split(SEPARATOR):
    ...     print(part)
    NPS in region North −30.0 (95% interval −38.0 to −22.0): 40.0 → 10.0
    North accounts for −7.5 of the −6.2 change overall
"""

from __future__ import annotations

from metrics.insight_tests import Contribution, Insight
from metrics.insights import ChangeTest
from metrics.kpi import Kpi

SEPARATOR = " · "


def scope_words(test: ChangeTest) -> str:
    """'in region North', or '' for the whole view."""
    if test.segment is None:
        return ""
    return f" in {test.segment.replace('_', ' ')} {test.value}"


def insight_sentence(insight: Insight, currency: str = "EUR") -> str:
    """The insight's line: change and interval, contribution, linked benefit (see module doc)."""
    parts = [_change(insight.kpi, insight.test, currency)]
    if insight.contribution is not None:
        parts.append(_contribution(insight.kpi, insight.test, insight.contribution, currency))
    link = insight.link
    if link is not None and link.difference.delta is not None:
        (base, base_est), (other, other_est) = ((g.label, g.estimate) for g in link.groups)
        kpi = link.kpi
        parts.append(
            f"after a {other} delivery {_signed(kpi, other_est.value, currency)}, "
            f"after an {base.replace(' ', '-')} one {_signed(kpi, base_est.value, currency)}"
        )
    related = insight.related
    if related is not None and related.previous is not None:
        kpi = related.kpi
        before = kpi.format_value(related.previous.value, currency)
        now = kpi.format_value(related.current.value, currency)
        parts.append(f"{kpi.label}{scope_words(insight.test)} {before} → {now}")
    return SEPARATOR.join(parts)


def _change(kpi: Kpi, test: ChangeTest, currency: str) -> str:
    head = f"{kpi.label}{scope_words(test)} {kpi.format_delta(test.delta, currency)}"
    if test.low is not None and test.high is not None:
        low, high = kpi.format_delta(test.low, currency), kpi.format_delta(test.high, currency)
        head += f" (95% interval {low} to {high})"
    before, now = (
        kpi.format_value(test.previous, currency),
        kpi.format_value(test.current, currency),
    )
    return f"{head}: {before} → {now}"


def _contribution(kpi: Kpi, test: ChangeTest, found: Contribution, currency: str) -> str:
    part, total = kpi.format_delta(found.contribution, currency), kpi.format_delta(found.total)
    if test.segment is not None:
        return f"{found.value} accounts for {part} of the {total} change overall"
    where = f"{found.segment.replace('_', ' ')} {found.value}"
    return f"largest contribution: {where}, {part} of the {total}"


def _signed(kpi: Kpi, value: float | None, currency: str) -> str:
    """Scores with their sign where they can be negative (NPS), as the example reads."""
    if kpi.kind == "nps":
        return kpi.format_delta(value, currency)
    return kpi.format_value(value, currency)
