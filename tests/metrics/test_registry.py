"""The registry: every KPI declared once, custom KPIs join without code, formats and status."""

from datetime import date

import pytest

from metrics.custom import CustomKpiSpec
from metrics.engine import compute_kpi, compute_kpis
from metrics.kpi import GROUP_TITLES
from metrics.periods import Period
from metrics.registry import DEFAULT_REGISTRY, build_registry
from metrics.settings import MetricSettings
from metrics.status import status_for
from tests.metrics.fixtures import d, frame, nps_answers

JAN = Period(date(2024, 1, 1), date(2024, 1, 31))
REQUIRED_IDS = [
    "nps",
    "csat",
    "ces",
    "delivery_p50_hours",
    "delivery_p90_hours",
    "on_time_rate",
    "shipping_cost_per_order",
    "price_index",
    "skus_offered",
    "in_stock_rate",
    "new_customers",
    "cac",
    "conversion",
    "revenue",
    "mrr",
    "arr",
    "nrr",
    "gross_churn",
]


def test_every_kpi_of_the_catalogue_is_declared_once():
    assert set(REQUIRED_IDS) <= set(DEFAULT_REGISTRY.ids)
    for kpi in DEFAULT_REGISTRY:
        assert kpi.direction in ("higher", "lower")
        assert kpi.group in ("benefit", "amazon", "growth")
        assert kpi.description and kpi.label and kpi.dataset


@pytest.mark.parametrize(
    ("kpi_id", "value", "text"),
    [
        ("nps", 42.06, "42.1"),
        ("csat", 0.8734, "87.3%"),
        ("ces", 5.24, "5.2"),
        ("delivery_p50_hours", 36.0, "36.0 h"),
        ("shipping_cost_per_order", 4.123, "€4.12"),
        ("new_customers", 12345.0, "12,345"),
        ("revenue", 1234567.4, "€1,234,567"),
        ("nps", None, "—"),
        ("nps", -1.6, "−1.6"),  # the minus sign of the changes, not a hyphen
        ("shipping_cost_per_order", -0.4, "−€0.40"),
    ],
)
def test_format_value(kpi_id, value, text):
    assert DEFAULT_REGISTRY.get(kpi_id).format_value(value) == text


def test_format_delta():
    assert DEFAULT_REGISTRY.get("csat").format_delta(-0.012) == "−1.2 pp"
    assert DEFAULT_REGISTRY.get("nps").format_delta(2.5) == "+2.5"
    assert DEFAULT_REGISTRY.get("cac").format_delta(0.4, currency="USD") == "+$0.40"


def test_targets_override_defaults_and_typos_are_refused():
    registry = build_registry(targets={"nps": 45})
    assert registry.target("nps") == 45.0 and registry.target("csat") == 0.80
    with pytest.raises(ValueError, match="unknown KPI ids \\['npss'\\]"):
        build_registry(targets={"npss": 45})


def test_unknown_kpi_lists_the_known_ones():
    with pytest.raises(KeyError, match="unknown KPI 'nope'"):
        DEFAULT_REGISTRY.get("nope")


def kpi_values():
    # app_rating: 4.0, 4.5, 3.5, 5.0 on 1–4 Jan; another KPI's row must not leak in
    rows = [
        {"date": d(f"2024-01-0{i}"), "kpi": "app_rating", "value": v}
        for i, v in enumerate([4.0, 4.5, 3.5, 5.0], start=1)
    ]
    rows.append({"date": d("2024-01-02"), "kpi": "other", "value": 100.0})
    return frame("kpi_values", rows)


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [("mean", 4.25), ("sum", 17.0), ("last", 5.0), ("p50", 4.25), ("p90", 4.85)],
    # p50 / p90 = numpy.quantile([3.5, 4, 4.5, 5], q): rank 2.5 -> 4.25; rank 3.7 -> 4.85
)
def test_custom_kpis_join_the_registry_without_code(aggregation, expected):
    spec = CustomKpiSpec(
        "app_rating",
        "App rating",
        unit="stars",
        aggregation=aggregation,
        direction="higher",
        target=4.0,
    )
    registry = build_registry([spec])
    result = compute_kpi("app_rating", {"kpi_values": kpi_values()}, JAN, registry=registry)
    assert result.current.value == pytest.approx(expected)
    assert result.kpi.dataset == "kpi_values" and result.target == 4.0
    assert result.status == "green"


def test_custom_kpis_take_their_direction_and_decimals_from_the_spec():
    registry = build_registry(
        [
            CustomKpiSpec(
                id="wait_minutes",
                label="Wait",
                aggregation="mean",
                direction="lower",
                target=3.0,
                decimals=2,
            )
        ]
    )
    kpi = registry.get("wait_minutes")
    assert kpi.direction == "lower" and kpi.format_value(2.345) == "2.35"


def test_custom_kpis_must_not_clash_or_use_unknown_aggregations():
    with pytest.raises(ValueError, match="clash with built-in"):
        build_registry([CustomKpiSpec("nps", "Mine")])
    with pytest.raises(ValueError, match="aggregation must be one of"):
        build_registry([CustomKpiSpec("x", "X", aggregation="median")])


def test_status_against_target():
    # higher is better, target 40: 41 green; 39 within 5% of 40 (2) amber; 30 red unless its
    # interval reaches 40
    assert status_for(41, 35, 47, 40, "higher") == "green"
    assert status_for(39, 38.5, 39.5, 40, "higher") == "amber"
    assert status_for(30, 28, 32, 40, "higher") == "red"
    assert status_for(30, 20, 41, 40, "higher") == "amber"
    assert status_for(50, 49, 51, 48, "lower") == "amber"  # 2 over 48: within 2.4
    assert status_for(30, None, None, None, "higher") == "none"


def test_tiles_carry_status_and_target():
    answers = nps_answers([10] * 40)
    (result,) = compute_kpis(
        ["nps"], {"responses": answers}, JAN, registry=build_registry(targets={"nps": 50})
    )
    assert result.current.value == 100.0 and result.target == 50.0 and result.status == "green"


def test_effort_scale_changes_only_the_ces_kpis():
    registry = build_registry()
    effort = MetricSettings(ces_scale="effort5")
    assert registry.get("ces").for_settings(effort).direction == "lower"
    assert registry.target("ces", effort) == 2.0 and registry.target("ces") == 5.5
    assert registry.get("nps").for_settings(effort) == registry.get("nps")


def test_the_overview_rows_come_from_the_catalogue_in_its_order():
    rows = [(title, [k.id for k in kpis]) for title, kpis in DEFAULT_REGISTRY.overview_rows()]
    for title, ids in rows:
        group = next(g for g, t in GROUP_TITLES.items() if t == title)
        assert ids == [k.id for k in DEFAULT_REGISTRY.in_group(group) if k.on_overview]
    # the tiles the overview has always shown, in their order (new KPIs may join a row)
    shown = [
        ("Customer benefit", ["nps", "csat", "ces"]),
        (
            "Faster, cheaper, more choice",
            [
                "delivery_p50_hours",
                "on_time_rate",
                "shipping_cost_per_order",
                "price_index",
                "skus_offered",
                "in_stock_rate",
            ],
        ),
        ("Growth", ["new_customers", "cac", "revenue", "nrr"]),
    ]
    assert [title for title, _ in rows] == [title for title, _ in shown]
    for (_, ids), (_, always) in zip(rows, shown, strict=True):
        assert [i for i in ids if i in always] == always


def test_page_sections_list_their_kpis_in_catalogue_order():
    def ids(section: str) -> list[str]:
        return [k.id for k in DEFAULT_REGISTRY.in_section(section)]

    assert ids("benefits.delivery") == ["delivery_p50_hours", "delivery_p90_hours"]
    assert ids("benefits.cost") == ["shipping_cost_per_order", "price_index"]
    assert ids("benefits.screen.trend") == ["price_index", "in_stock_rate"]
    assert ids("growth.revenue") == ["revenue", "mrr", "arr", "nrr", "gross_churn"]
    assert ids("growth.screen") == ["new_customers", "cac", "conversion", "revenue", "mrr", "nrr"]
    with pytest.raises(KeyError, match="unknown page section"):
        DEFAULT_REGISTRY.in_section("benefits.nowhere")


def test_a_new_kpi_reaches_the_overview_and_its_section_by_its_declaration_alone():
    from dataclasses import replace

    from metrics.catalogue import builtin_kpis
    from metrics.registry import Registry

    csat = DEFAULT_REGISTRY.get("csat")
    new = replace(csat, id="csat_new", label="CSAT (new)", sections=("benefits.cost",))
    registry = Registry([*builtin_kpis(), new])
    benefit_row = registry.overview_rows()[0][1]
    assert [k.id for k in benefit_row] == ["nps", "csat", "ces", "csat_new"]
    assert "csat_new" in [k.id for k in registry.in_section("benefits.cost")]


def test_placement_is_checked_where_it_is_declared():
    from dataclasses import replace

    with pytest.raises(ValueError, match="unknown sections"):
        replace(DEFAULT_REGISTRY.get("nps"), sections=("overview.top",))
    with pytest.raises(ValueError, match="overview tiles name unknown KPI ids"):
        build_registry(overview=["nps", "app_rating"])
    chosen = build_registry(overview=["revenue", "nps"])
    assert [(t, [k.id for k in ks]) for t, ks in chosen.overview_rows()] == [
        ("Customer benefit", ["nps"]),
        ("Growth", ["revenue"]),
    ]


def test_what_n_counts_is_declared_with_the_kpi():
    assert DEFAULT_REGISTRY.get("nps").sample_noun == "answers"
    assert DEFAULT_REGISTRY.get("in_stock_rate").population == "whole catalogue"
    assert not DEFAULT_REGISTRY.get("in_stock_rate").is_sample
    assert not DEFAULT_REGISTRY.get("revenue").is_sample
    assert DEFAULT_REGISTRY.get("conversion").is_sample
    custom = build_registry([CustomKpiSpec("app_rating", "App rating")]).get("app_rating")
    assert custom.sample_noun == "daily values"
