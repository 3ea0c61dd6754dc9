"""Data quality: what each refresh read, what it rejected and why, and what is in force now.

Nothing is dropped silently: every quarantined row is here, with the rule it
broke and its row number in the source, and can be downloaded as CSV.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from pages.ui.context import page_context
from pages.ui.tiles import trust_of

context = page_context()
st.title("Data quality")
if context is not None:
    snapshot = context.snapshot
    st.caption(f"Snapshot {snapshot.id}, written {snapshot.created_at}")
    summary = pl.DataFrame(
        [
            {
                "dataset": e.dataset,
                "source": e.source,
                "trust": trust_of(e)[0],
                "valid rows": e.rows,
                "quarantined rows": e.quarantined,
                "loaded at (UTC)": e.loaded_at,
                "newest record": e.newest_record,
                "problems": "; ".join(e.failures),
            }
            for e in snapshot.datasets.values()
        ]
    )
    st.dataframe(summary, hide_index=True, width="stretch")
    for entry in snapshot.datasets.values():
        if entry.failures:
            st.error(f"**{entry.dataset}** ({entry.source}): " + "; ".join(entry.failures))
    with_quarantine = [e.dataset for e in snapshot.datasets.values() if e.quarantined]
    st.subheader("Quarantined rows")
    if not with_quarantine:
        st.success("No rows were quarantined in this snapshot.")
    else:
        dataset = st.selectbox("Dataset", with_quarantine, key="quarantine_dataset")
        rows = snapshot.quarantine(dataset)
        frame = rows.collect() if rows is not None else pl.DataFrame()
        st.write(f"{frame.height:,} rows of **{dataset}** failed validation.")
        st.dataframe(frame.head(1000), hide_index=True, width="stretch")
        st.download_button(
            "Download quarantined rows (CSV)",
            frame.write_csv(),
            file_name=f"{dataset}-quarantine-{snapshot.id}.csv",
            mime="text/csv",
        )
