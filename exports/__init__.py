"""Exports: charts as PNG, tables as CSV, the executive overview as a one-page PDF/PNG slide.

No Streamlit here: pages call these from download buttons, tests call them
directly. Static images go through Plotly's kaleido, which drives the same
Debian Chromium the browser tests use.
"""
