"""The built-in KPI catalogue: every KPI's definition and placement, in display order.

Each entry names its formula (``metrics.survey``, ``delivery``, ``assortment``,
``growth``), the kind of estimate it is (``metrics.kinds``), how to show it and
where: on the overview (``on_overview``), in which page sections, and what its n
counts. Adding a KPI on an existing measure means an entry here, its formula and a
test; the pages pick it up from the registry.
CES and its easy share change meaning on the 1–5 effort scale: ``adapt`` turns
them into lower-is-better / 1–2-is-easy KPIs when the workspace says so.
"""

from __future__ import annotations

import dataclasses

import metrics.assortment as assortment
import metrics.delivery as delivery
import metrics.growth as growth
import metrics.survey as survey
from metrics.kpi import Kpi
from metrics.settings import MetricSettings


def _ces_for_scale(kpi: Kpi, settings: MetricSettings) -> Kpi:
    if settings.ces_scale == "agreement7":
        return kpi
    return dataclasses.replace(
        kpi,
        label="CES (effort)",
        direction="lower",
        default_target=2.0,
        description="Mean answer on the 1–5 effort scale (1 = very low effort); lower is better.",
    )


def _easy_share_for_scale(kpi: Kpi, settings: MetricSettings) -> Kpi:
    if settings.ces_scale == "agreement7":
        return kpi
    return dataclasses.replace(
        kpi, description="Share of CES answers 1–2 on the 1–5 effort scale ('easy')."
    )


def _csat_mean_for_scale(kpi: Kpi, settings: MetricSettings) -> Kpi:
    """Three quarters of the way up the CSAT scale is the target: 4.0 on 1–5, 7.75 on 1–10."""
    low, high = settings.csat_scale
    return dataclasses.replace(
        kpi,
        default_target=low + 0.75 * (high - low),
        description=f"Mean CSAT answer on the {low}–{high} scale.",
    )


def builtin_kpis() -> list[Kpi]:
    """The built-in catalogue, in display order (the overview's and the pages' order too)."""
    return [
        Kpi(
            id="nps",
            label="NPS",
            survey="nps",
            on_overview=True,
            sections=("drilldown.survey",),
            sample_noun="answers",
            group="benefit",
            dataset="responses",
            kind="nps",
            columns=("survey", "score"),
            formula=survey.nps_stats,
            format="points",
            unit="points",
            direction="higher",
            default_target=30.0,
            breakdown=survey.nps_breakdown,
            description="100 × (share of 9–10 − share of 0–6) of NPS answers on 0–10.",
        ),
        Kpi(
            id="csat",
            label="CSAT",
            survey="csat",
            on_overview=True,
            sections=("drilldown.survey",),
            sample_noun="answers",
            group="benefit",
            dataset="responses",
            kind="proportion",
            columns=("survey", "score"),
            formula=survey.csat_stats,
            format="percent",
            unit="share",
            direction="higher",
            default_target=0.8,
            description=(
                "Share of CSAT answers in the two highest values of the scale (4–5 on 1–5)."
            ),
        ),
        Kpi(
            id="csat_mean",
            label="CSAT (mean stars)",
            survey="csat",
            sections=("drilldown.survey",),
            sample_noun="answers",
            group="benefit",
            dataset="responses",
            kind="mean",
            columns=("survey", "score"),
            formula=survey.csat_mean_stats,
            format="score",
            unit="score",
            direction="higher",
            default_target=4.0,
            adapt=_csat_mean_for_scale,
            description="Mean CSAT answer on the workspace's scale (1–5: mean stars).",
        ),
        Kpi(
            id="ces",
            label="CES",
            survey="ces",
            on_overview=True,
            sections=("drilldown.survey",),
            sample_noun="answers",
            group="benefit",
            dataset="responses",
            kind="mean",
            columns=("survey", "score"),
            formula=survey.ces_stats,
            format="score",
            unit="score",
            direction="higher",
            default_target=5.5,
            breakdown=survey.ces_breakdown,
            adapt=_ces_for_scale,
            description=(
                "Mean answer on the 7-point agreement scale ('it was easy': 1 strongly disagree … "
                "7 strongly agree)."
            ),
        ),
        Kpi(
            id="ces_easy_share",
            label="CES easy share",
            survey="ces",
            sample_noun="answers",
            group="benefit",
            dataset="responses",
            kind="proportion",
            columns=("survey", "score"),
            formula=survey.ces_easy_stats,
            format="percent",
            unit="share",
            direction="higher",
            default_target=0.7,
            adapt=_easy_share_for_scale,
            description="Share of CES answers 5–7 on the 7-point agreement scale ('easy').",
        ),
        Kpi(
            id="delivery_p50_hours",
            label="Delivery time (median)",
            on_overview=True,
            sections=("benefits.delivery",),
            sample_noun="deliveries",
            group="amazon",
            dataset="orders",
            kind="quantile",
            formula=delivery.delivery_quantile(0.5),
            format="hours",
            unit="h",
            direction="lower",
            default_target=48.0,
            columns=("delivered_at",),
            description="Median hours from ordered_at to delivered_at over delivered orders.",
        ),
        Kpi(
            id="delivery_p90_hours",
            label="Delivery time (p90)",
            sections=("benefits.delivery",),
            sample_noun="deliveries",
            group="amazon",
            dataset="orders",
            kind="quantile",
            formula=delivery.delivery_quantile(0.9),
            format="hours",
            unit="h",
            direction="lower",
            default_target=96.0,
            columns=("delivered_at",),
            description=(
                "90th percentile of hours from ordered_at to delivered_at over delivered orders."
            ),
        ),
        Kpi(
            id="on_time_rate",
            label="On-time delivery",
            on_overview=True,
            sections=("benefits.on_time",),
            sample_noun="deliveries",
            group="amazon",
            dataset="orders",
            kind="proportion",
            formula=delivery.on_time_stats,
            format="percent",
            unit="share",
            direction="higher",
            default_target=0.95,
            columns=("delivered_at", "promised_at"),
            description=(
                "Share of delivered orders with a promised date and delivered_at ≤ promised_at."
            ),
        ),
        Kpi(
            id="shipping_cost_per_order",
            label="Shipping cost per order",
            on_overview=True,
            sections=("benefits.cost",),
            sample_noun="orders",
            group="amazon",
            dataset="orders",
            kind="mean",
            formula=delivery.shipping_cost_stats,
            format="currency",
            unit="currency",
            direction="lower",
            default_target=None,
            columns=("shipping_cost",),
            description="Σ shipping_cost / orders with a shipping cost.",
        ),
        Kpi(
            id="price_index",
            label="Price index",
            on_overview=True,
            sections=("benefits.cost", "benefits.cost.trend", "benefits.screen.trend"),
            sample_noun="price checks",
            group="amazon",
            dataset="prices",
            kind="ratio",
            columns=("our_price", "reference_price"),
            formula=assortment.price_index_stats,
            format="index",
            unit="index",
            direction="lower",
            default_target=100.0,
            description=(
                "100 × Σ our_price / Σ reference_price (below 100: cheaper than the reference)."
            ),
        ),
        Kpi(
            id="skus_offered",
            label="SKUs offered",
            on_overview=True,
            sections=("benefits.selection",),
            population="whole catalogue",
            group="amazon",
            dataset="selection",
            kind="census",
            columns=("skus_offered",),
            formula=assortment.skus_offered_stats,
            format="count",
            unit="SKUs",
            direction="higher",
            default_target=None,
            description="Mean over the period's days with a snapshot of that day's Σ skus_offered.",
        ),
        Kpi(
            id="in_stock_rate",
            label="In-stock rate",
            on_overview=True,
            sections=(
                "benefits.selection",
                "benefits.selection.trend",
                "benefits.screen.trend",
            ),
            population="whole catalogue",
            group="amazon",
            dataset="selection",
            kind="proportion",
            formula=assortment.in_stock_stats,
            format="percent",
            unit="share",
            direction="higher",
            default_target=0.95,
            columns=("skus_offered", "skus_in_stock"),
            description="Σ skus_in_stock / Σ skus_offered over snapshots that report stock.",
        ),
        Kpi(
            id="new_customers",
            label="New customers",
            on_overview=True,
            sections=("growth.acquisition", "growth.acquisition.trend", "growth.screen"),
            group="growth",
            dataset="acquisition",
            kind="census",
            columns=("new_customers",),
            formula=growth.new_customers_stats,
            format="count",
            unit="customers",
            direction="higher",
            default_target=None,
            description="Σ new_customers.",
        ),
        Kpi(
            id="cac",
            label="CAC",
            on_overview=True,
            sections=("growth.acquisition", "growth.screen"),
            group="growth",
            dataset="acquisition",
            kind="census",
            formula=growth.cac_stats,
            format="currency",
            unit="currency",
            direction="lower",
            default_target=None,
            columns=("new_customers", "spend"),
            description="Σ spend / Σ new_customers (blended over all channels).",
        ),
        Kpi(
            id="conversion",
            label="Conversion",
            sections=("growth.acquisition", "growth.screen"),
            sample_noun="visitors",
            group="growth",
            dataset="acquisition",
            kind="proportion",
            formula=growth.conversion_stats,
            format="percent",
            unit="share",
            direction="higher",
            default_target=None,
            columns=("new_customers", "visitors"),
            description="Σ new_customers / Σ visitors over rows that report visitors.",
        ),
        Kpi(
            id="revenue",
            label="Revenue",
            on_overview=True,
            sections=(
                "growth.revenue",
                "growth.revenue.trend",
                "growth.screen",
                "growth.screen.trend",
            ),
            group="growth",
            dataset="revenue",
            kind="census",
            columns=("amount",),
            formula=growth.revenue_stats,
            format="currency0",
            unit="currency",
            direction="higher",
            default_target=None,
            description=(
                "Σ amount of recognised revenue (rows that are not new/expansion/contraction/churn"
                " MRR movements)."
            ),
        ),
        Kpi(
            id="mrr",
            label="MRR",
            sections=("growth.revenue", "growth.screen"),
            group="growth",
            dataset="revenue",
            kind="census",
            formula=growth.mrr_stats,
            format="currency0",
            unit="currency",
            direction="higher",
            default_target=None,
            columns=("mrr",),
            description="Σ mrr on the latest day of the period with MRR snapshots.",
        ),
        Kpi(
            id="arr",
            label="ARR",
            sections=("growth.revenue",),
            group="growth",
            dataset="revenue",
            kind="census",
            formula=growth.arr_stats,
            format="currency0",
            unit="currency",
            direction="higher",
            default_target=None,
            columns=("mrr",),
            description="12 × MRR.",
        ),
        Kpi(
            id="nrr",
            label="Net revenue retention",
            on_overview=True,
            sections=("growth.revenue", "growth.revenue.trend", "growth.screen"),
            group="growth",
            dataset="revenue",
            kind="census",
            formula=growth.nrr_stats,
            format="percent",
            unit="share",
            direction="higher",
            default_target=1.0,
            columns=("kind", "mrr", "amount"),
            lookback=True,
            description=(
                "(starting MRR + expansion − contraction − churn) / starting MRR; starting MRR = Σ"
                " mrr on the last snapshot day before the period."
            ),
        ),
        Kpi(
            id="gross_churn",
            label="Gross revenue churn",
            sections=("growth.revenue",),
            group="growth",
            dataset="revenue",
            kind="census",
            formula=growth.gross_churn_stats,
            format="percent",
            unit="share",
            direction="lower",
            default_target=None,
            columns=("kind", "mrr", "amount"),
            lookback=True,
            description="(contraction + churn) / starting MRR.",
        ),
    ]
