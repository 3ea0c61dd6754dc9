"""Data quality: what each refresh read, what it rejected and why, and what is in force now.

Nothing is dropped silently: per source and dataset the page shows the last
refresh, freshness, valid and quarantined rows, every check of the run with
pass/fail and example rows, the recent history, and the quarantined rows
themselves, browsable by reason and downloadable as CSV.

Great Expectations Data Docs: the refresh builds them for its run and stores
them zipped inside the snapshot (``data_docs.zip``), so they live and expire
with the data they describe. The page offers that zip as a download rather
than serving the HTML, because:
- Streamlit serves files only from ``./static`` beside app.py; copying each
  snapshot's docs there would put workspace data inside the code checkout and
  serve every workspace's docs to anyone who can reach the app;
- embedding them (``st.components.v1.html``) would show one page without its
  links, styles or scripts, which GX loads from public CDNs (not reachable
  from every network).
The same results appear on this page, in the "Checks" tab, drawn from the run
log, so nobody needs the zip to see what failed; engineers who want GX's own
report unzip it and open ``index.html``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import streamlit as st

from benefitboard.access import ANALYST_ONLY
from pages.ui.context import PageContext, page_context
from pages.ui.quality import (
    dataset_summary,
    expectation_table,
    history_table,
    needing_attention,
    run_log,
    runs_table,
)
from pages.ui.text import escape_markdown
from pages.ui.trust import problem_of, when
from store import DatasetEntry, Snapshot
from store.runlog import RunLog
from validation.contracts import contracts_for_workspace
from validation.quarantine import PAGE_SIZE, quarantine_csv, quarantine_page, reason_counts

ANALYSTS_ONLY = f"Shown to analysts only ({ANALYST_ONLY}): they can hold customers' own words."


def header(snapshot: Snapshot, log: RunLog) -> None:
    run = log.run(snapshot.run_id) if snapshot.run_id is not None else None
    days = (datetime.now(UTC) - datetime.fromisoformat(snapshot.created_at)).days
    ago = "today" if days < 1 else f"{days} day{'s' if days != 1 else ''} ago"
    caption = f"Snapshot {snapshot.id} · last refresh {when(snapshot.created_at)} ({ago})"
    if run is not None:
        caption += f" · refresh {run['run_id']}: {run['status']}, {run['seconds'] or 0:.1f} s"
    st.caption(caption)


def chosen_dataset(snapshot: Snapshot, summary: pl.DataFrame) -> DatasetEntry:
    """The dataset the tabs describe; the one most in need of attention comes first."""
    labels = {
        row["dataset"]: f"{row['dataset']} ({row['source']}) — {row['status']}"
        for row in summary.iter_rows(named=True)
    }
    dataset = st.selectbox(
        "Dataset",
        needing_attention(snapshot),
        format_func=labels.__getitem__,
        key="data_quality_dataset",
    )
    entry = snapshot.datasets[dataset]
    name, problem = escape_markdown(dataset), escape_markdown(problem_of(entry))
    if entry.status == "carried":
        st.warning(
            f"The latest refresh of **{name}** failed ({problem}). The dashboard keeps showing "
            f"the last good data, loaded {when(entry.loaded_at)}; the checks below are those of "
            "the failed refresh.",
            icon="⚠️",
        )
    elif entry.status == "failed":
        st.error(f"**{name}** has no data: {problem}", icon="⛔")
    return entry


def checks_of_the_run(context: PageContext, log: RunLog, entry: DatasetEntry) -> None:
    run_id = context.snapshot.run_id
    results = log.expectations_of_run(run_id, entry.dataset) if run_id is not None else []
    if not results:
        st.info(
            "No checks ran on this dataset in this refresh: its source could not be read. "
            + escape_markdown("; ".join(entry.failures))
        )
        return
    table = expectation_table(results)
    failed = table.filter(~table["result"].str.contains("passed")).height
    st.caption(f"{table.height} checks, {failed} not passed")
    if not context.sees_customer_data:
        table = table.drop("examples")
        st.caption(f"Example rows: {ANALYSTS_ONLY}")
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={"examples": st.column_config.TextColumn(width="large")},
    )


def quarantine_browser(context: PageContext, entry: DatasetEntry) -> None:
    """The quarantined rows by reason, a page at a time, and as CSV."""
    snapshot, dataset = context.snapshot, entry.dataset
    rows = snapshot.quarantine(dataset)
    if rows is None:
        st.success("No rows of this dataset were quarantined.")
        return
    counts = reason_counts(rows)
    if not context.sees_customer_data:
        st.dataframe(counts, hide_index=True, width="stretch")
        st.caption(f"The rows themselves: {ANALYSTS_ONLY}")
        return
    tally = dict(counts.iter_rows())
    reason = st.selectbox(
        "Reason",
        [None, *counts["reason"]],
        format_func=lambda r: (
            f"Every reason ({entry.quarantined:,} rows)"
            if r is None
            else f"{r} ({tally[r]:,} rows)"
        ),
        key=f"data_quality_reason_{dataset}",
    )
    page_key = f"data_quality_page_{snapshot.id}_{dataset}_{reason}"
    page = quarantine_page(rows, reason=reason, page=st.session_state.get(page_key, 1))
    st.dataframe(page.rows, hide_index=True, width="stretch")
    left, right = st.columns([1, 3])
    with left:
        st.number_input(
            f"Page (of {page.pages:,})", min_value=1, max_value=page.pages, step=1, key=page_key
        )
    with right:
        st.caption(
            f"Rows {page.first_row:,}–{page.last_row:,} of {page.matching:,}, {PAGE_SIZE} per "
            "page, in source order. `_source_row` is the row in the source (data rows after a "
            "header)."
        )
    st.download_button(
        "Download these rows (CSV)" if reason else "Download every quarantined row (CSV)",
        data=lambda: quarantine_csv(rows, reason),
        file_name=f"{dataset}-quarantine{'-filtered' if reason else ''}-{snapshot.id}.csv",
        mime="text/csv",
        icon=":material/download:",
    )


def recent_refreshes(log: RunLog, entry: DatasetEntry) -> None:
    st.dataframe(
        history_table(log.dataset_history(entry.dataset, limit=20)),
        hide_index=True,
        width="stretch",
    )
    st.caption("Every refresh of the workspace:")
    st.dataframe(runs_table(log.runs(limit=20)), hide_index=True, width="stretch")


def data_docs(context: PageContext) -> None:
    snapshot = context.snapshot
    if not snapshot.has_data_docs:
        st.info("This snapshot has no Data Docs (it was written before they were kept).")
        return
    st.write(
        "Great Expectations' own report of this refresh: every suite, every expectation, "
        "observed values and unexpected examples. Unzip it and open `index.html`."
    )
    if not context.sees_customer_data:
        st.caption(f"The download: {ANALYSTS_ONLY}")
        return
    st.download_button(
        "Download the Data Docs (zip)",
        data=snapshot.data_docs_zip,
        file_name=f"data-docs-{snapshot.id}.zip",
        mime="application/zip",
        icon=":material/download:",
    )


context = page_context()
st.title("Data quality")
if context is not None:
    snapshot = context.snapshot
    log = run_log(str(context.workspace.store_dir))
    header(snapshot, log)
    summary = dataset_summary(snapshot, contracts_for_workspace(context.workspace))
    st.dataframe(
        summary,
        hide_index=True,
        width="stretch",
        column_config={
            "problem": st.column_config.TextColumn(width="large"),
            "valid rows": st.column_config.NumberColumn(format="localized"),
            "quarantined rows": st.column_config.NumberColumn(format="localized"),
        },
    )
    entry = chosen_dataset(snapshot, summary)
    checks, quarantined, history, docs = st.tabs(
        ["Checks", f"Quarantined rows ({entry.quarantined:,})", "Recent refreshes", "Data Docs"]
    )
    with checks:
        checks_of_the_run(context, log, entry)
    with quarantined:
        quarantine_browser(context, entry)
    with history:
        recent_refreshes(log, entry)
    with docs:
        data_docs(context)
