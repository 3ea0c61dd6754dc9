"""Alerts: the workspace's rules, what each said after the last refresh, and the messages sent.

A team trusts alerts it can check: each rule with its KPI, segment, test and
channels beside its latest evaluation, and every message tried (sent or failed,
when, to which channel, with the pinned link it carried). Everything comes from
the run log (``store/alert_log.py``); channels are shown by name only, never by
address. docs/ALERTS.md explains the rules.
"""

from __future__ import annotations

import pages.ui.preload  # noqa: F401  (first of all: see its docstring)

# isort: split
import polars as pl
import streamlit as st

from benefitboard.config import WorkspaceConfig
from pages.ui.context import page_context
from pages.ui.screen import page_header
from pages.ui.tables import show_table
from store.alert_log import AlertLog


def rules_table(workspace: WorkspaceConfig, latest: dict[str, dict]) -> pl.DataFrame:
    """One row per rule: what it watches and what it said after the last refresh."""
    rows = []
    for rule in workspace.notifications.rules:
        seen = latest.get(rule.name, {})
        rows.append(
            {
                "rule": rule.name,
                "KPI": rule.kpi or "(data)",
                "segment": rule.segment_words,
                "test": rule.when.replace("_", " "),
                "channels": ", ".join(rule.channels),
                "state": seen.get("state", "not evaluated yet"),
                "last evaluation": seen.get("headline", ""),
                "evaluated at": seen.get("evaluated_at", ""),
            }
        )
    return pl.DataFrame(rows) if rows else pl.DataFrame(schema={c: pl.String for c in RULE_COLUMNS})


RULE_COLUMNS = ("rule", "KPI", "segment", "test", "channels", "state", "last evaluation",
                "evaluated at")  # fmt: skip


def deliveries_table(deliveries: list[dict]) -> pl.DataFrame:
    """Messages tried, newest first: when, rule, channel, sent or failed, title, link, error."""
    columns = ("sent_at", "rule", "channel", "status", "title", "link", "error")
    return pl.DataFrame(
        [{c: d.get(c) for c in columns} for d in deliveries],
        schema={c: pl.String for c in columns},
        orient="row",
    )


context = page_context()
page_header("Alerts", context)
if context is not None:
    workspace = context.workspace
    if not workspace.notifications.rules:
        st.info(
            "This workspace has no `[[alerts]]` rules yet; docs/ALERTS.md shows how to add them."
        )
    log = AlertLog(workspace.store_dir)
    st.subheader("Rules and their last evaluation")
    show_table(rules_table(workspace, log.latest_evaluations()), name="alert_rules")
    st.subheader("Messages sent")
    show_table(
        deliveries_table(log.deliveries(limit=200)),
        name="alert_messages",
        column_config={"link": st.column_config.LinkColumn("link", display_text="open view")},
    )
