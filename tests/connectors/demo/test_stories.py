"""The long-run stories a leadership team would recognise, true in the two-year demo."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from connectors.demo.generate import DemoSummary
from connectors.demo.story import (
    CHECKOUT_OUTAGE_DAYS_BEFORE_END,
    FASTER_REFUNDS_DAYS_BEFORE_END,
    FREE_SHIPPING_DAYS_BEFORE_END,
)
from tests.connectors.demo.tables import END, read_table

OUTAGE_DAY = END - timedelta(days=CHECKOUT_OUTAGE_DAYS_BEFORE_END)
FASTER_REFUNDS_DAY = END - timedelta(days=FASTER_REFUNDS_DAYS_BEFORE_END)
FREE_SHIPPING_DAY = END - timedelta(days=FREE_SHIPPING_DAYS_BEFORE_END)


def day_of(column: str) -> pl.Expr:
    return pl.col(column).str.slice(0, 10).str.to_date()


def test_planted_events_are_dated_from_the_end(two_year: DemoSummary) -> None:
    events = read_table(two_year.path, "company_events")
    dated = {title: (day, kind) for day, title, kind, _ in events.iter_rows()}
    assert dated["Checkout outage"] == ("2026-02-25", "incident")  # 270 days before 2026-11-22
    assert dated["Faster refunds"] == ("2025-11-22", "release")
    assert dated["Free shipping for plus and pro"] == ("2025-08-24", "programme")
    assert dated["Carrier change in North region"] == ("2026-10-24", "incident")
    assert OUTAGE_DAY.isoformat() == "2026-02-25"
    black_fridays = events.filter(pl.col("title") == "Black Friday week")["date"].to_list()
    assert black_fridays == ["2024-11-29", "2025-11-28"]


def test_plan_correction_is_rare_but_the_hardest_contact(two_year: DemoSummary) -> None:
    contacts = read_table(two_year.path, "support_contacts")
    by_reason = contacts.group_by("reason").agg(
        share=pl.len() / contacts.height,
        ces=pl.col("ces_score").mean(),
        handle_minutes=pl.col("handle_seconds").mean() / 60,
    )
    stats = {row["reason"]: row for row in by_reason.iter_rows(named=True)}
    plan_fix = stats.pop("plan correction")
    assert 0.005 <= plan_fix["share"] <= 0.05
    assert plan_fix["ces"] < 2.6
    assert 30 <= plan_fix["handle_minutes"] <= 40
    assert all(plan_fix["ces"] < other["ces"] - 1 for other in stats.values())
    assert all(plan_fix["handle_minutes"] > other["handle_minutes"] for other in stats.values())
    refunds = stats["refund request"]
    assert 0.25 <= refunds["share"] <= 0.35
    assert refunds["ces"] == max(s["ces"] for s in stats.values())
    assert 3 <= refunds["handle_minutes"] <= 5.5


def test_faster_refunds_made_refund_contacts_easier(two_year: DemoSummary) -> None:
    refunds = read_table(two_year.path, "support_contacts").filter(
        pl.col("reason") == "refund request"
    )
    ces = dict(
        refunds.group_by(after=day_of("opened_at") >= FASTER_REFUNDS_DAY)
        .agg(pl.col("ces_score").mean())
        .iter_rows()
    )
    assert ces[True] - ces[False] >= 0.5
    assert ces[True] >= 6.2
    kpis = read_table(two_year.path, "custom_kpis").filter(pl.col("kpi") == "return_refund_days")
    refund_days = dict(
        kpis.group_by(after=day_of("date") >= FASTER_REFUNDS_DAY + timedelta(days=14))
        .agg(pl.col("value").mean())
        .iter_rows()
    )
    assert refund_days[False] > 5.0
    assert refund_days[True] < 3.5


def test_payment_failures_spike_on_the_checkout_outage(two_year: DemoSummary) -> None:
    days = (
        read_table(two_year.path, "support_contacts")
        .filter(pl.col("reason") == "payment failed")
        .select(away=(day_of("opened_at") - OUTAGE_DAY).dt.total_days())["away"]
    )
    on_outage = (days == 0).sum()
    usual_per_day = (days.abs() > 7).sum() / (730 - 15)
    assert on_outage >= 6 * usual_per_day


def test_free_shipping_cut_shipping_cost_for_plus_and_pro(two_year: DemoSummary) -> None:
    orders = read_table(two_year.path, "orders").with_columns(
        after=day_of("ordered_at") >= FREE_SHIPPING_DAY, paying_plan=pl.col("plan") != "basic"
    )
    cost = {
        (after, paying): value
        for after, paying, value in orders.group_by("after", "paying_plan")
        .agg(pl.col("shipping_cost").mean())
        .iter_rows()
    }
    assert cost[(False, True)] - cost[(True, True)] >= 1.0
    assert abs(cost[(False, False)] - cost[(True, False)]) < 0.5


def test_orders_peak_in_december_and_dip_on_sundays(two_year: DemoSummary) -> None:
    orders = read_table(two_year.path, "orders").with_columns(day=day_of("ordered_at"))
    per_day = orders.group_by("day").len()
    month = per_day.group_by(pl.col("day").dt.strftime("%Y-%m")).agg(pl.col("len").mean())
    daily = dict(month.iter_rows())
    assert daily["2025-12"] > 1.2 * daily["2025-11"]
    assert daily["2025-12"] > 1.2 * daily["2026-01"]
    weekday = dict(
        per_day.group_by(pl.col("day").dt.weekday()).agg(pl.col("len").mean()).iter_rows()
    )
    assert weekday[7] == min(weekday.values())  # Sunday
    assert weekday[7] < 0.8 * weekday[1]


def test_price_index_drifts_from_103_to_98(two_year: DemoSummary) -> None:
    index = (
        read_table(two_year.path, "price_checks")
        .group_by("date")
        .agg(index=100 * pl.col("our_price").sum() / pl.col("competitor_price").sum())
        .sort("date")["index"]
    )
    assert index.len() == 730
    assert 102 <= index.head(30).mean() <= 104
    assert 97 <= index.tail(30).mean() <= 99


def test_selection_grows_a_quarter_with_a_december_stock_dip(two_year: DemoSummary) -> None:
    catalog = (
        read_table(two_year.path, "catalog_daily")
        .group_by("date")
        .agg(pl.col("skus_offered").sum(), pl.col("skus_in_stock").sum())
        .sort("date")
        .with_columns(in_stock=pl.col("skus_in_stock") / pl.col("skus_offered"))
    )
    growth = catalog["skus_offered"].tail(7).mean() / catalog["skus_offered"].head(7).mean()
    assert 1.2 <= growth <= 1.3
    outside_december = catalog.filter(~pl.col("date").str.contains("-12-"))["in_stock"]
    assert 0.94 <= outside_december.mean() <= 0.97
    assert catalog["in_stock"].min() < outside_december.mean() - 0.03


def test_referral_is_the_cheapest_channel_and_paid_search_the_dearest(
    two_year: DemoSummary,
) -> None:
    cac = dict(
        read_table(two_year.path, "marketing_daily")
        .group_by("channel")
        .agg(pl.col("spend").sum() / pl.col("new_customers").sum())
        .iter_rows()
    )
    assert cac["referral"] < cac["organic"] < cac["social"] < cac["paid_search"]


def test_mrr_moves_by_exactly_its_movements(two_year: DemoSummary) -> None:
    revenue = read_table(two_year.path, "revenue_daily")
    movements = (
        revenue.filter(pl.col("kind") != "recurring")
        .group_by("date", "plan")
        .agg(pl.col("amount").sum())
    )
    mrr = revenue.filter(pl.col("kind") == "recurring").select("date", "plan", "mrr")
    steps = (
        mrr.join(movements, on=["date", "plan"])
        .sort("plan", "date")
        .with_columns(before=pl.col("mrr").shift(1).over("plan"))
        .drop_nulls("before")
    )
    assert ((steps["mrr"] - steps["before"] - steps["amount"]).abs() < 0.005).all()
    kinds = {
        row["kind"]: row
        for row in revenue.group_by("kind")
        .agg(
            low=pl.col("amount").min(),
            high=pl.col("amount").max(),
            has_mrr=pl.col("mrr").is_not_null().mean(),
        )
        .iter_rows(named=True)
    }
    assert kinds["churn"]["high"] <= 0 and kinds["contraction"]["high"] <= 0
    assert kinds["new"]["low"] >= 0 and kinds["expansion"]["low"] >= 0
    assert kinds["recurring"]["has_mrr"] == 1.0
    assert all(kinds[k]["has_mrr"] == 0.0 for k in ("new", "expansion", "contraction", "churn"))


def test_churn_is_about_two_percent_a_month_and_nrr_about_105(two_year: DemoSummary) -> None:
    revenue = read_table(two_year.path, "revenue_daily").with_columns(
        month=pl.col("date").str.slice(0, 7)
    )
    mrr_by_day = (
        revenue.filter(pl.col("kind") == "recurring").group_by("date").agg(pl.col("mrr").sum())
    )
    start_of_month = (
        mrr_by_day.sort("date")
        .with_columns(month=pl.col("date").str.slice(0, 7), before=pl.col("mrr").shift(1))
        .group_by("month")
        .agg(pl.col("before").first())
    )
    moves = revenue.filter(pl.col("kind").is_in(["expansion", "contraction", "churn"])).pivot(
        on="kind", index="month", values="amount", aggregate_function="sum"
    )
    months = (
        moves.join(start_of_month, on="month")
        .drop_nulls("before")
        .sort("month")
        .filter(
            pl.col("month").is_between(pl.lit("2025-11"), pl.lit("2026-10"))
        )  # the last 12 full months
    )
    assert months.height == 12
    churn_rate = (-months["churn"] / months["before"]).mean()
    assert 0.015 <= churn_rate <= 0.027
    retained = (
        months["before"] + months["expansion"] + months["contraction"] + months["churn"]
    ) / months["before"]
    assert 1.02 <= retained.product() <= 1.08
