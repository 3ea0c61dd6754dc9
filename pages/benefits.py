"""Customer benefit in depth: delivery speed, on time, cost and choice — and what customers said.

Each benefit sits beside the survey scores of the customers it touched where
the data links them (``metrics.benefit_links``): the NPS and CSAT of customers
whose last delivery was late against those whose delivery was on time, and of
customers whose last order shipped free against paid. Selection has no such
link (survey answers carry no product category), and the page says so.

Which KPIs a section tiles and trends comes from the registry (``sections`` in
``metrics.catalogue``: "benefits.cost" tiles, "benefits.cost.trend" trend charts).
Charts built for particular KPIs (the delivery-time chart and distribution, on time
beside NPS by region, in stock by category, the benefit links) name them once below.
"""

from __future__ import annotations

import pages.ui.preload  # noqa: F401  (first of all: see its docstring)

# isort: split
import streamlit as st

from charts.benefits import delivery_distribution_figure, link_figure, segment_figure
from charts.style import SECOND_SERIES, SERIES
from charts.trends import TrendLine, kpi_trend_figure, trend_figure, trend_window
from metrics.benefit_links import (
    FREE_SHIPPING,
    LINK_LAST_ORDER,
    LINK_OWN_ORDER,
    NOT_LINKED,
    ON_TIME,
    BenefitLink,
)
from metrics.engine import MetricUnavailableError
from metrics.periods import Period
from pages.ui import series
from pages.ui.charts import show_chart
from pages.ui.context import PageContext, page_context
from pages.ui.kpis import kpi_results, registry_for, tracked_kpis
from pages.ui.metric_settings import settings_for
from pages.ui.screen import page_header
from pages.ui.text import escape_markdown
from pages.ui.tiles import tile_row

SCREEN_CHART_HEIGHT = 420
DELIVERY_MEDIAN = "delivery_p50_hours"
DELIVERY_P90 = "delivery_p90_hours"
"""The delivery-time chart draws both; the distribution marks both."""
ON_TIME_RATE = "on_time_rate"
NPS = "nps"
"""On time by region is drawn beside NPS by region."""
IN_STOCK = "in_stock_rate"
"""The KPI split by product category."""
SHIPPING_COST = "shipping_cost_per_order"
"""Free against paid shipping is compared only where orders carry a shipping cost."""
SECTIONS = ("benefits.delivery", "benefits.on_time", "benefits.cost", "benefits.selection")
"""The page's sections, each drawn when the workspace tracks one of its KPIs."""
LINKED_KINDS = ("nps", "proportion", "mean")
"""The kinds of survey KPI a benefit link can compare (``metrics.benefit_links``)."""


def link_sentence(link: BenefitLink) -> str:
    """One line a leader can repeat: both groups' score, the gap, and whether it is real.

    e.g. "NPS after a late delivery: −61.7 (546 answers) · after on time: 48.4 (1,763
    answers) · gap −110.2, significant (p < 0.001)".
    """
    kpi = link.kpi
    (base, base_est), (other, other_est) = ((g.label, g.estimate) for g in link.groups)
    change = link.difference
    if change.delta is None:
        gap = "no comparison: one group has no answers"
    else:
        gap = f"gap {kpi.format_delta(change.delta)}, " + (
            f"significant ({_p_words(change.p_value)})"
            if change.significant
            else "not significant (could be chance)"
        )
    return (
        f"**{kpi.label}** after {other}: **{kpi.format_value(other_est.value)}** "
        f"({other_est.n:,} answers) · after {base}: **{kpi.format_value(base_est.value)}** "
        f"({base_est.n:,} answers) · {gap}"
    )


def _p_words(p_value: float | None) -> str:
    if p_value is None:
        return "exact"
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def linked_note(link: BenefitLink) -> str:
    """Which order each answer was tied to, and how many answers each class holds.

    e.g. "Each CSAT answer counts under the order it is about. 3,871 of 3,986 answers in
    the period are compared; left out (not of the tiles): 14 answered before delivery,
    101 not delivered." (An answer written while its order was overdue counts as late:
    ``metrics.benefit_links``.)
    """
    label, total, window = link.kpi.label, link.total, link.within_days
    if link.method == LINK_OWN_ORDER:
        how = f"Each {label} answer counts under the order it is about. "
    elif link.method == LINK_LAST_ORDER:
        how = (
            f"Each {label} answer counts under the customer's last order in the {window} days "
            "before answering. "
        )
    else:
        how = (
            f"{link.by_own_order:,} of {total:,} {label} answers name their order and count "
            f"under it; the other {link.by_last_order:,} under the customer's last order in the "
            f"{window} days before answering. "
        )
    left_out = [f"{n:,} {name}" for name, n in (*link.extra, (NOT_LINKED, link.unlinked)) if n]
    return (
        how
        + f"{link.linked:,} of {total:,} answers in the period are compared"
        + (f"; left out (not of the tiles): {', '.join(left_out)}." if left_out else ".")
    )


class BenefitsPage:
    """The page's parts, each drawable in the normal or the leadership-screen layout."""

    def __init__(self, context: PageContext):
        self.context = context
        self.registry = registry_for(context.workspace)
        self.settings = settings_for(context.workspace)
        self.currency = context.workspace.currency
        self.grain = context.view.grain
        start, end = trend_window(context.period.start, context.period.end, self.grain)
        self.window = Period(start, end)
        self.height = SCREEN_CHART_HEIGHT if context.view.screen else None
        segments = context.workspace.segments
        common = [s for s in segments("orders") if s in segments("responses")]
        self.region = "region" if "region" in common else (common[0] if common else None)
        self.category = next(iter(segments("selection")), None)
        self.tracked = {kpi.id for kpi in tracked_kpis(context, list(self.registry))}
        self.scores = self.survey_scores()
        self.beside = NPS if NPS in self.scores else next(iter(self.scores), None)
        """The survey KPI drawn beside on time by region (NPS when the workspace has it)."""

    def survey_scores(self) -> list[str]:
        """The survey KPIs the benefit links compare: each survey's first KPI in the registry
        (NPS, CSAT, CES) that the workspace tracks — a CSAT-only shop compares CSAT."""
        first: dict[str, str] = {}
        for kpi in self.registry:
            if kpi.survey and kpi.kind in LINKED_KINDS:
                first.setdefault(kpi.survey, kpi.id)
        return [kpi_id for kpi_id in first.values() if kpi_id in self.tracked]

    def has(self, section: str) -> bool:
        """Whether the workspace tracks any KPI of a page section (else the section is left out)."""
        return any(kpi.id in self.tracked for kpi in self.registry.in_section(section))

    def options(self) -> dict:
        return {
            "grain": self.grain,
            "events": series.events(self.context),
            "window": (self.window.start, self.window.end),
            "period": (self.context.period.start, self.context.period.end),
            "currency": self.currency,
            "height": self.height,
        }

    def target(self, kpi_id: str) -> float | None:
        return self.registry.target(kpi_id, self.settings)

    def tiles(self, section: str) -> None:
        """The section's tiles (``Kpi.sections``), stacked."""
        kpi_ids = [kpi.id for kpi in self.registry.in_section(section)]
        tile_row(self.context, kpi_ids, sparklines=False, across=False)

    def trends(self, section: str) -> None:
        """A trend chart for each KPI of a ``….trend`` section, one under the other."""
        for kpi in self.registry.in_section(section):
            if kpi.id in self.tracked:
                self.kpi_trend(kpi.id, f"{kpi.id}_trend")

    def delivery_trend(self) -> None:
        lines = []
        for kpi_id, color in ((DELIVERY_MEDIAN, SERIES), (DELIVERY_P90, SECOND_SERIES)):
            try:
                frame = series.trend(self.context, kpi_id, self.window, self.grain)
            except MetricUnavailableError as error:
                st.info(f"No delivery times: {error.reason}.")
                return
            lines.append(TrendLine(self.registry.get(kpi_id).label, frame, color=color))
        kpi = self.registry.get(DELIVERY_MEDIAN)
        targets = [
            (self.target(kpi_id), f"{word} target {kpi.format_value(self.target(kpi_id))}")
            for kpi_id, word in ((DELIVERY_MEDIAN, "median"), (DELIVERY_P90, "p90"))
        ]
        figure = trend_figure(
            lines, kpi, targets=targets, title=f"Delivery time by {self.grain}", **self.options()
        )
        show_chart(figure, key="delivery_trend")

    def delivery_distribution(self) -> None:
        try:
            current = series.delivery_hours(self.context, series.current_period(self.context))
        except MetricUnavailableError as error:
            st.info(f"No delivery times: {error.reason}.")
            return
        before = series.comparison_period(self.context)
        previous = series.delivery_hours(self.context, before) if before else None
        results = kpi_results(self.context, (DELIVERY_MEDIAN, DELIVERY_P90))
        figure = delivery_distribution_figure(
            current,
            previous,
            median=results[DELIVERY_MEDIAN].current.value,
            p90=results[DELIVERY_P90].current.value,
            height=self.height,
        )
        show_chart(figure, key="delivery_distribution")

    def on_time_by_region(self) -> None:
        if self.region is None:
            st.info("Orders and survey answers share no segment (such as region) to compare by.")
            return
        try:
            on_time = series.largest_by_segment(self.context, ON_TIME_RATE, self.region)
            scores = (
                series.largest_by_segment(self.context, self.beside, self.region, like=on_time)
                if self.beside
                else None
            )
        except MetricUnavailableError as error:
            st.info(f"No on-time rate by {self.region}: {error.reason}.")
            return
        figure = segment_figure(
            on_time,
            self.registry.get(ON_TIME_RATE),
            target=self.target(ON_TIME_RATE),
            beside=(
                (scores, self.registry.get(self.beside), self.target(self.beside))
                if scores is not None and self.beside
                else None
            ),
            title=f"On time{f' and {self.registry.get(self.beside).label}' if self.beside else ''}"
            f" by {self.region.replace('_', ' ')}",
            height=self.height,
        )
        show_chart(figure, key="on_time_by_region")

    def links(self, outcome, key: str, title: str) -> list[BenefitLink]:
        """Every survey score the workspace has, after each ``outcome`` of the last order."""
        links = []
        for kpi_id in self.scores:
            try:
                links.append(series.benefit_link(self.context, kpi_id, outcome.id))
            except MetricUnavailableError as error:
                label = self.registry.get(kpi_id).label
                st.info(f"{label} can't be tied to orders: {error.reason}.")
        if links:
            figure = link_figure(
                [(link.frame(), link.kpi) for link in links], title=title, height=self.height
            )
            show_chart(figure, key=key)
        return links

    def kpi_trend(self, kpi_id: str, key: str) -> None:
        kpi = self.registry.get(kpi_id)
        try:
            frame = series.trend(self.context, kpi_id, self.window, self.grain)
        except MetricUnavailableError as error:
            st.info(f"No {kpi.label}: {error.reason}.")
            return
        figure = kpi_trend_figure(
            frame, kpi, target=self.target(kpi_id), title=f"{kpi.label} by {self.grain}",
            **self.options(),
        )  # fmt: skip
        show_chart(figure, key=key)

    def in_stock_by_category(self) -> None:
        if self.category is None:
            return
        try:
            frame = series.largest_by_segment(self.context, IN_STOCK, self.category)
        except MetricUnavailableError as error:
            st.info(f"No in-stock rate by {self.category}: {error.reason}.")
            return
        figure = segment_figure(
            frame,
            self.registry.get(IN_STOCK),
            target=self.target(IN_STOCK),
            title=f"In stock by {self.category.replace('_', ' ')}",
            height=self.height,
        )
        show_chart(figure, key="in_stock_by_category")


def sentences(links: list[BenefitLink]) -> None:
    for link in links:
        st.markdown(link_sentence(link))
    if links:
        st.caption(escape_markdown(linked_note(links[0])))


NEEDS = (
    "This page needs orders (delivery times, promised dates or shipping costs), price "
    "checks or a daily catalogue; this workspace has none of them yet (docs/KPIS.md, "
    '"Faster, cheaper, more choice").'
)
"""What the page says when the workspace tracks none of its sections' KPIs."""


def normal_layout(page: BenefitsPage) -> None:
    """Each section only when the workspace tracks one of its KPIs; links only with scores."""
    if page.has("benefits.delivery"):
        st.subheader("Delivery speed")
        tiles, trend, spread = st.columns([1, 2, 2])
        with tiles:
            page.tiles("benefits.delivery")
        with trend:
            page.delivery_trend()
        with spread:
            page.delivery_distribution()

    if page.has("benefits.on_time"):
        st.subheader("On-time delivery, and what a late one does to customers")
        tiles, by_region, linked = st.columns([1, 2, 2])
        with tiles:
            page.tiles("benefits.on_time")
        with by_region:
            page.on_time_by_region()
        with linked:
            links = page.links(ON_TIME, "late_links", "By last delivery")
        sentences(links)

    if page.has("benefits.cost"):
        st.subheader("Cost to the customer")
        tiles, trend, linked = st.columns([1, 2, 2])
        with tiles:
            page.tiles("benefits.cost")
        with trend:
            page.trends("benefits.cost.trend")
        with linked:
            links = (
                page.links(FREE_SHIPPING, "shipping_links", "By last order's shipping")
                if SHIPPING_COST in page.tracked
                else []
            )
        sentences(links)

    if page.has("benefits.selection"):
        st.subheader("Selection and availability")
        tiles, trend, by_category = st.columns([1, 2, 2])
        with tiles:
            page.tiles("benefits.selection")
        with trend:
            page.trends("benefits.selection.trend")
        with by_category:
            if IN_STOCK in page.tracked:
                page.in_stock_by_category()
        if page.scores:
            st.caption(
                "Survey answers carry no product category, so selection can't be tied to the "
                "answers of the customers it touched."
            )

    if not any(page.has(section) for section in SECTIONS):
        st.info(NEEDS)


def screen_layout(page: BenefitsPage) -> None:
    delivery = page.has("benefits.delivery") or page.has("benefits.on_time")
    if delivery:
        st.subheader("Delivery: speed, punctuality and what customers said")
        trend, by_region, linked = st.columns(3)
        with trend:
            if page.has("benefits.delivery"):
                page.delivery_trend()
        if page.has("benefits.on_time"):
            with by_region:
                page.on_time_by_region()
            with linked:
                page.links(ON_TIME, "late_links", "By last delivery")
    trends = [k for k in page.registry.in_section("benefits.screen.trend") if k.id in page.tracked]
    shipping = SHIPPING_COST in page.tracked and bool(page.scores)
    if trends or shipping:
        st.subheader("Cost and choice")
        *places, linked = st.columns(len(trends) + 1)
        for place, kpi in zip(places, trends, strict=True):
            with place:
                page.kpi_trend(kpi.id, f"{kpi.id}_trend")
        if shipping:
            with linked:
                page.links(FREE_SHIPPING, "shipping_links", "By last order's shipping")
    if not delivery and not trends and not shipping:
        st.info(NEEDS)


context = page_context()
page_header("Customer benefit", context)
if context is not None:
    page = BenefitsPage(context)
    if context.view.screen:
        screen_layout(page)
    else:
        normal_layout(page)
