"""Plotly figures to PNG or PDF bytes, through kaleido and the system's Chromium.

Why a shared server: each one-off export starts a browser (3–4 s); kaleido's
sync server keeps one running, so the second and later exports of a session
take a fraction of a second. It is started lazily, on the first export, so
the dashboard pays nothing until someone downloads an image.

Example:
    >>> import plotly.graph_objects as go
    >>> png = figure_image(go.Figure(go.Bar(x=["a"], y=[1])))  # doctest: +SKIP
    >>> png[:4]  # doctest: +SKIP
    b'\\x89PNG'
"""

from __future__ import annotations

import shutil
import threading
import warnings

import plotly.graph_objects as go

FORMATS = ("png", "pdf", "svg")
_server_lock = threading.Lock()
_server_started = False


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
        with warnings.catch_warnings():
            # Plotly passes default browser options that a running server ignores; harmless.
            warnings.filterwarnings("ignore", message="The kopts argument is ignored")
            return figure.to_image(format=fmt, width=width, height=height, scale=scale)
    except Exception as error:  # kaleido raises several types when Chromium is missing or dies
        raise ExportError(
            f"could not render the chart as {fmt.upper()}: {type(error).__name__}: {error}. "
            "Static export needs Chromium (Debian: apt-get install chromium)."
        ) from error


def _ensure_server() -> None:
    global _server_started
    if _server_started:
        return
    with _server_lock:
        if _server_started:
            return
        if not (shutil.which("chromium") or shutil.which("chromium-browser")):
            raise ExportError(
                "Static export needs Chromium, and none was found "
                "(Debian: apt-get install chromium)."
            )
        import kaleido

        kaleido.start_sync_server(silence_warnings=True)
        _server_started = True
