"""What a KPI is: its identity, its unit and format, its direction and how it is computed.

A ``Kpi`` says what the number is (label, unit, format, direction, default target),
where it comes from (dataset, optional columns it needs) and how it is computed
(``formula`` returns sufficient statistics per group, ``kind`` turns them into a
value with an interval and a change test — see ``metrics.kinds``). ``format_value``
renders it the same on every page and in every export.

Where it shows is declared on it too: ``on_overview`` puts it on the executive
overview (in its group's row, in catalogue order, unless the workspace chooses its
own tiles), ``sections`` names the page sections that draw its tile or trend, and
``sample_noun`` / ``population`` say in a leader's words what its n counts. Pages
iterate the registry, so a new KPI appears on them by its declaration alone.

Formats: points (NPS, '42.1'), percent (fractions 0..1, '87.3%'), score ('5.2'),
hours ('36.0 h'), currency ('€4.12'), currency0 ('€12,345'), count ('12,345'),
index ('98.1'), decimal (``decimals`` places, for custom KPIs).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from canonical.surveys import SURVEYS
from metrics.kinds import KINDS
from metrics.settings import MetricSettings
from metrics.stats import Estimate
from metrics.view import KpiView

Direction = Literal["higher", "lower"]
DIRECTIONS: tuple[Direction, ...] = ("higher", "lower")
"""Which way is better: every KPI, built-in or custom, names one."""
Group = Literal["benefit", "amazon", "growth"]
GROUP_TITLES: dict[Group, str] = {
    "benefit": "Customer benefit",
    "amazon": "Faster, cheaper, more choice",
    "growth": "Growth",
}
"""The groups in display order, with the title of their row on the executive overview."""
SECTIONS = (
    "drilldown.survey",
    "benefits.delivery",
    "benefits.on_time",
    "benefits.cost",
    "benefits.cost.trend",
    "benefits.selection",
    "benefits.selection.trend",
    "benefits.screen.trend",
    "growth.acquisition",
    "growth.acquisition.trend",
    "growth.revenue",
    "growth.revenue.trend",
    "growth.screen",
    "growth.screen.trend",
)
"""The page sections a KPI can be placed in: ``<page>.<section>`` draws its tile there,
``<page>.<section>.trend`` its trend chart (``screen``: the leadership-screen layout)."""
Formula = Callable[[KpiView], pl.DataFrame]
Breakdown = Callable[[Mapping[str, Any], MetricSettings], dict[str, Estimate]]

FORMATS = (
    "points",
    "percent",
    "score",
    "hours",
    "currency",
    "currency0",
    "count",
    "index",
    "decimal",
)
_CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF "}


@dataclass(frozen=True)
class Kpi:
    """One KPI, declared once. ``format_value`` renders it the same everywhere."""

    id: str
    label: str
    unit: str
    format: str
    direction: Direction
    dataset: str
    description: str
    default_target: float | None
    group: Group
    kind: str
    formula: Formula = field(repr=False, compare=False)
    columns: tuple[str, ...] = ()
    """The canonical columns of ``dataset`` the KPI's value is computed from, besides the
    time column: without one of them (absent, or holding no value) the KPI has no data,
    never a number (``metrics.availability`` decides from them which KPIs a workspace tracks)."""
    lookback: bool = False
    """True when the formula needs days before the period (starting MRR)."""
    decimals: int = 1
    breakdown: Breakdown | None = field(default=None, repr=False, compare=False)
    adapt: Callable[[Kpi, MetricSettings], Kpi] | None = field(
        default=None, repr=False, compare=False
    )
    on_overview: bool = False
    """A tile on the executive overview, in its group's row (unless the workspace chooses)."""
    sections: tuple[str, ...] = ()
    """The page sections (``SECTIONS``) that draw this KPI's tile or trend."""
    sample_noun: str = ""
    """What n counts, in a leader's words ('answers', 'deliveries'); '' shows 'n = 1,234'."""
    survey: str = ""
    """For survey KPIs, which survey's answers they read (one of ``canonical.surveys.SURVEYS``:
    the drill-down shows that survey's spread); '' for the others."""
    population: str = ""
    """Set when the KPI reads every unit, not a sample (e.g. 'whole catalogue' for KPIs over
    every SKU every day): the tile shows these words instead of an n that means nothing."""

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(
                f"KPI {self.id!r}: format must be one of {FORMATS}, got {self.format!r}"
            )
        if self.kind not in KINDS:
            raise ValueError(f"KPI {self.id!r}: kind must be one of {KINDS}, got {self.kind!r}")
        if self.direction not in DIRECTIONS:
            raise ValueError(
                f"KPI {self.id!r}: direction must be one of {DIRECTIONS}, got {self.direction!r}"
            )
        if self.survey and self.survey not in SURVEYS:
            raise ValueError(
                f"KPI {self.id!r}: survey must be one of {SURVEYS}, got {self.survey!r}"
            )
        unknown = [s for s in self.sections if s not in SECTIONS]
        if unknown:
            raise ValueError(f"KPI {self.id!r}: unknown sections {unknown}; known: {SECTIONS}")

    @property
    def is_sample(self) -> bool:
        """True when n counts a sample (answers, deliveries…), so small samples are flagged."""
        return self.kind != "census" and not self.population

    def for_settings(self, settings: MetricSettings) -> Kpi:
        """The KPI as it reads under ``settings`` (e.g. CES on a lower-is-better effort scale)."""
        return self.adapt(self, settings) if self.adapt else self

    def format_value(self, value: float | None, currency: str = "EUR") -> str:
        """'42.1' (points), '87.3%' (percent), '5.2' (score), '36.0 h', '€4.12', '12,345'.

        A negative value takes the minus sign (U+2212), as changes do ('−1.6', not '-1.6'),
        so "31.1 → −1.6" reads as one typeface's numbers on a tile or in a message.
        """
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "—"
        d = self.decimals
        if self.format in ("currency", "currency0"):
            symbol = _CURRENCY_SYMBOLS.get(currency, f"{currency} ")
            places = 2 if self.format == "currency" else 0
            sign = "−" if value < 0 else ""
            return f"{sign}{symbol}{abs(value):,.{places}f}"
        if self.format == "percent":
            text = f"{100 * value:.{d}f}%"
        elif self.format == "hours":
            text = f"{value:.{d}f} h"
        elif self.format == "count":
            text = f"{value:,.0f}"
        else:
            text = f"{value:,.{d}f}"
        return "−" + text[1:] if text.startswith("-") else text

    def format_delta(self, delta: float | None, currency: str = "EUR") -> str:
        """A change with its sign: '+2.5' points, '−1.2 pp' for shares, '+€0.40'."""
        if delta is None or (isinstance(delta, float) and math.isnan(delta)):
            return "—"
        sign = "+" if delta > 0 else "−" if delta < 0 else "±"
        if self.format == "percent":
            return f"{sign}{100 * abs(delta):.{self.decimals}f} pp"
        return sign + self.format_value(abs(delta), currency)

    def better(self, delta: float) -> bool:
        """Whether a change of ``delta`` is an improvement for this KPI."""
        return delta > 0 if self.direction == "higher" else delta < 0
