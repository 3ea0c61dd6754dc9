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
from metrics.benefit_links import FREE_SHIPPING, ON_TIME, BenefitLink
from metrics.engine import MetricUnavailableError
from metrics.periods import Period
from pages.ui import series
from pages.ui.charts import show_chart
from pages.ui.context import PageContext, page_context
from pages.ui.kpis import kpi_results, registry_for
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
SCORES_BY_DELIVERY = ("nps", "csat")
"""The survey scores compared after late and on-time deliveries."""
SCORES_BY_SHIPPING = ("nps",)
"""The survey scores compared after free and paid shipping."""


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
    total = link.linked + link.unlinked
    return (
        f"{link.linked:,} of {total:,} {link.kpi.label} answers in the period came from customers "
        f"with an order in the {link.within_days} days before answering; the rest are left out "
        "of this comparison (not of the tiles)."
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
            on_time = series.by_segment(self.context, ON_TIME_RATE, self.region)
            nps = series.by_segment(self.context, NPS, self.region)
        except MetricUnavailableError as error:
            st.info(f"No on-time rate by {self.region}: {error.reason}.")
            return
        figure = segment_figure(
            on_time,
            self.registry.get(ON_TIME_RATE),
            target=self.target(ON_TIME_RATE),
            beside=(nps, self.registry.get(NPS), self.target(NPS)),
            title=f"On time and NPS by {self.region.replace('_', ' ')}",
            height=self.height,
        )
        show_chart(figure, key="on_time_by_region")

    def links(self, outcome, kpi_ids, key: str, title: str) -> list[BenefitLink]:
        links = []
        for kpi_id in kpi_ids:
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
            frame = series.by_segment(self.context, IN_STOCK, self.category)
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


def normal_layout(page: BenefitsPage) -> None:
    st.subheader("Delivery speed")
    tiles, trend, spread = st.columns([1, 2, 2])
    with tiles:
        page.tiles("benefits.delivery")
    with trend:
        page.delivery_trend()
    with spread:
        page.delivery_distribution()

    st.subheader("On-time delivery, and what a late one does to customers")
    tiles, by_region, linked = st.columns([1, 2, 2])
    with tiles:
        page.tiles("benefits.on_time")
    with by_region:
        page.on_time_by_region()
    with linked:
        links = page.links(ON_TIME, SCORES_BY_DELIVERY, "late_links", "By last delivery")
    sentences(links)

    st.subheader("Cost to the customer")
    tiles, trend, linked = st.columns([1, 2, 2])
    with tiles:
        page.tiles("benefits.cost")
    with trend:
        page.trends("benefits.cost.trend")
    with linked:
        links = page.links(
            FREE_SHIPPING, SCORES_BY_SHIPPING, "shipping_links", "By last order's shipping"
        )
    sentences(links)

    st.subheader("Selection and availability")
    tiles, trend, by_category = st.columns([1, 2, 2])
    with tiles:
        page.tiles("benefits.selection")
    with trend:
        page.trends("benefits.selection.trend")
    with by_category:
        page.in_stock_by_category()
    st.caption(
        "Survey answers carry no product category, so selection can't be tied to the "
        "answers of the customers it touched."
    )


def screen_layout(page: BenefitsPage) -> None:
    st.subheader("Delivery: speed, punctuality and what customers said")
    trend, by_region, linked = st.columns(3)
    with trend:
        page.delivery_trend()
    with by_region:
        page.on_time_by_region()
    with linked:
        page.links(ON_TIME, SCORES_BY_DELIVERY, "late_links", "By last delivery")
    st.subheader("Cost and choice")
    trends = page.registry.in_section("benefits.screen.trend")
    *places, linked = st.columns(len(trends) + 1)
    for place, kpi in zip(places, trends, strict=True):
        with place:
            page.kpi_trend(kpi.id, f"{kpi.id}_trend")
    with linked:
        page.links(FREE_SHIPPING, SCORES_BY_SHIPPING, "shipping_links", "By last order's shipping")


context = page_context()
page_header("Customer benefit", context)
if context is not None:
    page = BenefitsPage(context)
    if context.view.screen:
        screen_layout(page)
    else:
        normal_layout(page)
