"""Sign-in and roles in the running app: allowed, refused and role-limited users."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import streamlit.runtime.context
from streamlit.testing.v1 import AppTest

from tests.app.full_app import AUTH

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ACCESS = '\n[access]\nanalysts = ["pm@shop.example"]\nviewers = ["@shop.example"]\n'


@pytest.fixture
def guarded_workspace(demo_workspace: Path) -> Path:
    """The demo workspace with an allow-list (same store and data: a sibling config file)."""
    config = demo_workspace.parent / "benefitboard-access.toml"
    config.write_text(demo_workspace.read_text() + ACCESS)
    return config


def app_for(config: Path, monkeypatch, user: dict | None) -> AppTest:
    monkeypatch.setenv("BENEFITBOARD_CONFIG", str(config))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    return at


def test_without_an_identity_provider_the_app_is_local_only(demo_workspace, monkeypatch):
    monkeypatch.setenv("BENEFITBOARD_CONFIG", str(demo_workspace))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("serving this computer only" in c.value for c in at.sidebar.caption)
    assert len(at.metric) >= 8


def local_app_seen_from(demo_workspace: Path, monkeypatch, peer: str, headers: list) -> AppTest:
    """The app without sign-in, for a browser connection with this address and these headers.

    AppTest has no browser connection (``AppTest.context`` cannot seed headers or
    the address), so the connection Streamlit's server would record is put
    where ``st.context`` reads it.
    """
    connection = SimpleNamespace(
        headers=[("Host", "localhost:8501"), *headers], cookies={}, remote_ip=peer
    )
    monkeypatch.setattr(streamlit.runtime.context, "_get_client_context", lambda: connection)
    monkeypatch.setenv("BENEFITBOARD_CONFIG", str(demo_workspace))
    return AppTest.from_file(APP, default_timeout=60)


@pytest.mark.parametrize(
    ("peer", "headers"),
    [
        ("203.0.113.9", []),
        ("127.0.0.1", [("X-Real-IP", "203.0.113.9")]),
        ("127.0.0.1", [("Forwarded", "for=203.0.113.9")]),
        ("::1", [("forwarded", 'for="[2001:db8::1]:4711"')]),
        ("127.0.0.1", [("X-Forwarded-For", "127.0.0.1, 203.0.113.9")]),
    ],
)
def test_without_an_identity_provider_a_visitor_from_elsewhere_is_refused(
    demo_workspace, monkeypatch, peer, headers
):
    # a proxy on this computer makes the connection loopback; its header names the visitor
    at = local_app_seen_from(demo_workspace, monkeypatch, peer, headers).run()
    assert not at.exception
    assert "only serves the computer it runs on" in at.error[0].value
    assert len(at.metric) == 0


def test_without_an_identity_provider_a_local_proxy_for_a_local_browser_is_served(
    demo_workspace, monkeypatch
):
    headers = [("X-Real-IP", "127.0.0.1"), ("Forwarded", 'for="[::1]:4711";proto=https')]
    at = local_app_seen_from(demo_workspace, monkeypatch, "127.0.0.1", headers).run()
    assert not at.exception
    assert not at.error
    assert len(at.metric) >= 8


def test_a_visitor_who_has_not_signed_in_sees_only_the_sign_in(guarded_workspace, monkeypatch):
    at = app_for(guarded_workspace, monkeypatch, {"is_logged_in": False}).run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert len(at.metric) == 0


def test_an_account_off_the_allow_list_is_refused(guarded_workspace, monkeypatch):
    user = {"is_logged_in": True, "email": "mallory@elsewhere.example"}
    at = app_for(guarded_workspace, monkeypatch, user).run()
    assert not at.exception
    assert "not on this dashboard's allow-list" in at.error[0].value
    assert len(at.metric) == 0
    assert [b.label for b in at.button] == ["Sign out"]


def test_a_viewer_sees_the_kpis_but_not_the_verbatims_page(guarded_workspace, monkeypatch):
    user = {"is_logged_in": True, "email": "ceo@shop.example"}
    at = app_for(guarded_workspace, monkeypatch, user).run()
    assert not at.exception
    assert len(at.metric) >= 8
    signed_in = [c.value for c in at.sidebar.caption if c.value.startswith("Signed in as")]
    assert signed_in == ["Signed in as ceo\u2060@shop\\.example (viewer)"]  # no mail link
    assert "Refresh data" not in [b.label for b in at.sidebar.button]  # analysts only
    with pytest.raises(Exception, match="verbatims"):
        at.switch_page("pages/verbatims.py").run()


def test_an_analyst_may_open_the_verbatims(guarded_workspace, monkeypatch):
    user = {"is_logged_in": True, "email": "pm@shop.example"}
    at = app_for(guarded_workspace, monkeypatch, user).run()
    assert any(c.value.endswith("(analyst)") for c in at.sidebar.caption)
    assert "Refresh data" in [b.label for b in at.sidebar.button]
    at.switch_page("pages/verbatims.py").run()
    assert not at.exception
    assert [t.value for t in at.title][:1] == ["Verbatims"]
