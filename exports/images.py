"""Plotly figures to PNG or PDF bytes, through kaleido and the system's Chromium.

Why a shared server: each one-off export starts a browser (3–4 s); kaleido's
sync server keeps one running, so the second and later exports of a session
take a fraction of a second. It is started lazily, on the first export, so
the dashboard pays nothing until someone downloads an image.

Example:
    >>> import plotly.graph_objects as go
    >>> png = figure_image(go.Figure(go.Bar(x=["a"], y=[1])))
    >>> png[:4]
    b'\\x89PNG'
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
import warnings

import plotly.graph_objects as go

FORMATS = ("png", "pdf", "svg")
CHART_WIDTH_PER_HEIGHT = 16 / 9
CHART_WIDTH_RANGE = (640, 1400)
DEFAULT_CHART_HEIGHT = 450
_server_lock = threading.Lock()
_server_started = False
_export_lock = threading.Lock()
"""One export at a time: kaleido's sync server matches answers to callers by queue order,
so two threads exporting at once (two analysts clicking together) could swap images."""


class ExportError(RuntimeError):
    """A figure could not be turned into an image, with what to do about it."""


def figure_image(
    figure: go.Figure, fmt: str = "png", *, width: int = 1200, height: int = 675, scale: float = 2
) -> bytes:
    """Render ``figure`` as ``fmt`` bytes (PNG at 2× scale by default: sharp on slides)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    _ensure_server()
    try:
        with _export_lock, warnings.catch_warnings():
            # Plotly passes default browser options that a running server ignores; harmless.
            warnings.filterwarnings("ignore", message="The kopts argument is ignored")
            return figure.to_image(format=fmt, width=width, height=height, scale=scale)
    except Exception as error:  # kaleido raises several types when Chromium is missing or dies
        raise ExportError(
            f"could not render the chart as {fmt.upper()}: {type(error).__name__}: {error}. "
            "Static export needs Chromium (Debian: apt-get install chromium)."
        ) from error


def chart_image(figure: go.Figure, fmt: str = "png") -> bytes:
    """A dashboard chart as a file for a slide or a document: white, at its on-page height.

    The page draws charts in Streamlit's theme, which Plotly's static export
    does not know; the file gets a plain white template instead, so it reads
    the same pasted anywhere, with a margin round it. The width follows the chart's height (16:9,
    within ``CHART_WIDTH_RANGE``), so a short bar chart is not stretched across
    a slide. The page's figure is copied, never changed.

    >>> chart_image(go.Figure(go.Bar(x=["a"], y=[1]), layout={"height": 360}))[:4]
    b'\\x89PNG'
    """
    copy = go.Figure(figure)
    height = int(copy.layout.height or DEFAULT_CHART_HEIGHT)
    low, high = CHART_WIDTH_RANGE
    width = min(max(round(height * CHART_WIDTH_PER_HEIGHT), low), high)
    top = copy.layout.margin.t if copy.layout.margin.t is not None else 56
    copy.update_layout(
        template="plotly_white",
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 32, "r": 32, "t": top + 16, "b": 24},  # the page's tight margins crop
    )
    return figure_image(copy, fmt, width=width, height=height)


@functools.cache
def images_available() -> bool:
    """Whether this machine can export images (a Chromium is installed); checked once.

    Pages ask before offering a PNG or PDF button, so nobody clicks one that can only fail.
    """
    return bool(
        os.environ.get("BROWSER_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def _ensure_server() -> None:
    global _server_started
    if _server_started:
        return
    with _server_lock:
        if _server_started:
            return
        if not images_available():
            raise ExportError(
                "Static export needs Chromium, and none was found "
                "(Debian: apt-get install chromium)."
            )
        import kaleido

        kaleido.start_sync_server(silence_warnings=True)
        _server_started = True
