"""Exports: charts as PNG, tables as CSV, the executive overview as a one-page PDF/PNG slide.

No Streamlit here: pages call these from download buttons, tests call them
directly. Static images go through Plotly's kaleido, which drives the same
Debian Chromium the browser tests use.
"""

from exports.images import ExportError, chart_image, figure_image, images_available
from exports.slide import SlideStamp, overview_slide, slide_file
from exports.tables import table_csv

__all__ = [
    "ExportError",
    "SlideStamp",
    "chart_image",
    "figure_image",
    "images_available",
    "overview_slide",
    "slide_file",
    "table_csv",
]
