"""AppTest runs of the whole app (app.py and the page), on every run, as the server does.

Why: Streamlit's legacy multipage mode treats the ``pages/`` folder beside
app.py as standalone pages. AppTest switches that detection back on before
every run, so after the first run it executes the page file *alone* — without
app.py's filter bar, share panel and page context (the page then reads the
previous run's context from session state). On a real server the detection
ends with app.py's first ``st.navigation`` call (docs/ARCHITECTURE.md,
"Launching"); ``whole_app`` keeps it off for AppTest, so a widget change reruns
app.py like it does in a browser.

    def test_x(demo_workspace, monkeypatch):
        at = whole_app(demo_workspace, monkeypatch).run()
        at.sidebar.selectbox(key="filter_grain").set_value("month").run()
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

APP = str(Path(__file__).resolve().parents[2] / "app.py")
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "benefitboard",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
}
"""An ``[auth]`` section for AppTest's secrets: sign-in configured (no provider is called)."""


class _DeclaredPagesOnly(PagesManager):
    """A PagesManager that never falls back to running a ``pages/`` file alone."""

    def __init__(self, *args, **kwargs) -> None:
        PagesManager.uses_pages_directory = False
        super().__init__(*args, **kwargs)


def whole_app(config_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """An AppTest of app.py on the workspace ``config_path`` whose every run runs app.py."""
    monkeypatch.setenv("BENEFITBOARD_CONFIG", str(config_path))
    monkeypatch.setattr(app_test_module, "PagesManager", _DeclaredPagesOnly)
    return AppTest.from_file(APP, default_timeout=60)


def declared_pages_only() -> None:
    """For a script run outside pytest: every AppTest from now on keeps the detection off."""
    app_test_module.PagesManager = _DeclaredPagesOnly  # type: ignore[misc]
