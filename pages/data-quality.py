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

import pages.ui.preload  # noqa: F401  (first of all: see its docstring)

# isort: split
from datetime import UTC, datetime

import polars as pl
import streamlit as st

from benefitboard.access import ANALYST_ONLY
from metrics.pii import masked_frame
from pages.ui import data
from pages.ui.context import PageContext, page_context
from pages.ui.quality import (
    dataset_summary,
    expectation_table,
    history_table,
    needing_attention,
    run_log,
    runs_table,
)
from pages.ui.rows import limited_rows
from pages.ui.tables import show_table
from pages.ui.text import escape_markdown
from pages.ui.trust import problem_of, when
from store.runlog import RunLog
from store.snapshots import DatasetEntry, Snapshot
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


def chosen_dataset(
    snapshot: Snapshot, summary: pl.DataFrame, wanted: str | None = None
) -> DatasetEntry:
    """The dataset the tabs describe (the URL's ``dataset``, else the one most in need of
    attention); the choice goes back into the URL, so a link reopens the same dataset."""
    labels = {
        row["dataset"]: f"{row['dataset']} ({row['source']}) — {row['status']}"
        for row in summary.iter_rows(named=True)
    }
    options = needing_attention(snapshot)
    if wanted is not None and wanted not in options:
        st.toast(f"Ignored 'dataset': no dataset '{escape_markdown(wanted)}' here.", icon="⚠️")
    dataset = st.selectbox(
        "Dataset",
        options,
        index=options.index(wanted) if wanted in options else 0,
        format_func=labels.__getitem__,
        key="data_quality_dataset",
    )
    if dataset != wanted:
        st.query_params["dataset"] = dataset
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
    elif context.row_limits:  # examples come from every row, not only the ones they may see
        table = table.drop("examples")
        st.caption("Example rows are not shown with row-level access.")
    show_table(
        table,
        name=f"Checks of {entry.dataset}",
        column_config={"examples": st.column_config.TextColumn(width="large")},
    )


def chosen_reason(entry: DatasetEntry, counts: pl.DataFrame) -> str | None:
    """The reason whose rows to show (None: every reason), each offered with its row count."""
    tally = dict(counts.iter_rows())
    return st.selectbox(
        "Reason",
        [None, *counts["reason"]],
        format_func=lambda r: (
            f"Every reason ({entry.quarantined:,} rows)"
            if r is None
            else f"{r} ({tally[r]:,} rows)"
        ),
        key=f"data_quality_reason_{entry.dataset}",
    )


def rows_hidden(context: PageContext, counts: pl.DataFrame, dataset: str) -> bool:
    """True, after showing the reason counts, when this viewer may not see the rows themselves."""
    if context.sees_customer_data:
        return False
    show_table(counts, name=f"Quarantine reasons of {dataset}")
    st.caption(f"The rows themselves: {ANALYSTS_ONLY}")
    return True


def page_picker(key: str, pages: int, caption: str) -> None:
    """The page number (in session state under ``key``), beside a caption saying what is shown."""
    left, right = st.columns([1, 3])
    with left:
        st.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key=key)
    with right:
        st.caption(caption)


def live_quarantine_browser(context: PageContext, entry: DatasetEntry) -> None:
    """A live dataset's rows that break a rule, by reason; the database sends one page at a time.

    The rows stay in the source, so nothing was stored: the reasons are counted
    in one aggregate query and each page is fetched as it is shown
    (``data.live_quarantine``), judged as of the refresh, whose count the
    manifest holds. The CSV holds the page shown.
    """
    dataset = entry.dataset
    if not entry.quarantined:
        st.success("No rows of this dataset were quarantined.")
        return
    counts = data.live_quarantine_reasons(context, dataset)
    if rows_hidden(context, counts, dataset):
        return
    reason = chosen_reason(entry, counts)
    page_key = f"data_quality_page_{context.snapshot.id}_{dataset}_{reason}"
    page = data.live_quarantine(
        context, dataset, reason=reason, page=st.session_state.get(page_key, 1), page_size=PAGE_SIZE
    )
    first = (page.page - 1) * PAGE_SIZE + 1 if page.total else 0
    show_table(masked_frame(page.frame), name=f"Quarantined {dataset} rows, page {page.page}")
    page_picker(
        page_key,
        page.pages,
        f"Rows {first:,}–{first + page.frame.height - 1:,} of {page.total:,}, {PAGE_SIZE} per "
        "page, newest first, read from the source database a page at a time.",
    )


def quarantine_browser(context: PageContext, entry: DatasetEntry) -> None:
    """The quarantined rows by reason, a page at a time, and as CSV."""
    limits = context.row_limits
    if entry.live and limits:
        st.info(
            "The quarantined rows of a live dataset are not shown with row-level access: "
            "the source database is asked for them without your limits."
        )
        return
    if entry.live:
        live_quarantine_browser(context, entry)
        return
    snapshot, dataset = context.snapshot, entry.dataset
    rows = snapshot.quarantine(dataset)
    if rows is None:
        st.success("No rows of this dataset were quarantined.")
        return
    rows = limited_rows(rows, limits)  # only the rows this person may see (all without limits)
    counts = reason_counts(rows)
    if rows_hidden(context, counts, dataset):
        return
    reason = chosen_reason(entry, counts)
    page_key = f"data_quality_page_{snapshot.id}_{dataset}_{reason}"
    page = quarantine_page(rows, reason=reason, page=st.session_state.get(page_key, 1))
    st.dataframe(page.rows, hide_index=True, width="stretch")
    page_picker(
        page_key,
        page.pages,
        f"Rows {page.first_row:,}–{page.last_row:,} of {page.matching:,}, {PAGE_SIZE} per "
        "page, in source order. `_source_row` is the row in the source (data rows after a "
        "header).",
    )
    st.download_button(
        "Download these rows (CSV)" if reason else "Download every quarantined row (CSV)",
        data=lambda: quarantine_csv(rows, reason),
        file_name=f"{dataset}-quarantine{'-filtered' if reason else ''}-{snapshot.id}.csv",
        mime="text/csv",
        icon=":material/download:",
    )


def recent_refreshes(log: RunLog, entry: DatasetEntry) -> None:
    show_table(
        history_table(log.dataset_history(entry.dataset, limit=20)),
        name=f"Refreshes of {entry.dataset}",
    )
    st.caption("Every refresh of the workspace:")
    show_table(runs_table(log.runs(limit=20)), name="Refreshes")


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
    show_table(
        summary,
        name="Datasets",
        column_config={
            "problem": st.column_config.TextColumn(width="large"),
            "valid rows": st.column_config.NumberColumn(format="localized"),
            "quarantined rows": st.column_config.NumberColumn(format="localized"),
        },
    )
    entry = chosen_dataset(snapshot, summary, context.view.dataset)
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
