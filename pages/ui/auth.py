"""Sign-in and roles, with Streamlit's built-in OpenID Connect (``st.login``, ``st.user``).

Why two paths:
- With an identity provider configured (``[auth]`` in .streamlit/secrets.toml,
  as ``st.login`` expects), every visitor signs in and must be on the
  workspace's allow-list (``[access]``); the role decides whether customers'
  words, quarantined rows and downloads are shown.
- With none configured, the dashboard is a local tool: the server listens on
  127.0.0.1 (.streamlit/config.toml), and a visitor from another address is
  refused here as a second guard, in case someone overrides the address or
  puts a proxy in front. Who counts as local, proxies' forwarding headers
  included, is ``benefitboard.visitor``'s trust model (docs/SECURITY.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from benefitboard.access import Role, RowLimits, role_for, row_limits, signed_in_email
from benefitboard.config import WorkspaceConfig
from benefitboard.visitor import is_local_visitor
from pages.ui.text import escape_markdown


@dataclass(frozen=True)
class Access:
    """Who is looking: their role, e-mail (None when local), and whether sign-in is on."""

    role: Role
    email: str | None
    signed_in: bool
    rows: RowLimits = ()
    """Row-level limits (segment -> values this person may see); empty: every row."""

    @property
    def sees_customer_data(self) -> bool:
        return self.role == "analyst"


@dataclass
class _SignInCheck:
    secrets: object
    checked_at: float
    configured: bool


_last_check: _SignInCheck | None = None
RECHECK_SECONDS = 30.0


def sign_in_configured() -> bool:
    """True when .streamlit/secrets.toml has an ``[auth]`` section for ``st.login``.

    Why remembered for 30 s: with no secrets file at all (the local default),
    Streamlit looks for the files again on every access, under one lock; 25
    sessions opening a page at once queued there for seconds (load test). The
    answer is kept per ``st.secrets`` object (tests swap it), re-checked every
    30 s, so adding sign-in takes effect without a restart.
    """
    global _last_check
    check, now = _last_check, time.monotonic()
    if (
        check is not None
        and check.secrets is st.secrets
        and now - check.checked_at < RECHECK_SECONDS
    ):
        return check.configured
    try:
        configured = "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises; that means "not configured"
        configured = False
    _last_check = _SignInCheck(st.secrets, now, configured)
    return configured


def require_access(workspace: WorkspaceConfig, *, screen: bool = False) -> Access:
    """Return the visitor's access, or draw the sign-in / refusal screen and stop the run.

    ``screen`` (the leadership screen) draws nothing in the sidebar.
    """
    if not sign_in_configured():
        if _remote_visitor(workspace):
            st.error(
                "This dashboard has no sign-in configured, so it only serves the computer it "
                "runs on. An administrator can configure sign-in in .streamlit/secrets.toml."
            )
            st.stop()
        if not screen:
            st.sidebar.caption("🔓 No sign-in configured: serving this computer only (localhost).")
        return Access("analyst", None, signed_in=False)
    if not st.user.is_logged_in:
        st.title("Benefitboard")
        st.write("Sign in with your company account to see the dashboard.")
        st.button("Sign in", on_click=st.login, type="primary")
        st.stop()
    claims = {key: st.user.get(key) for key in ("email", "email_verified") if key in st.user}
    email, refusal = signed_in_email(claims)
    if refusal is not None:
        shown = st.user.get("email")
        st.error(
            f"{escape_markdown(shown if isinstance(shown, str) else 'This account')} cannot "
            f"sign in: {refusal}. Sign in with an account whose address the identity "
            "provider has verified."
        )
        st.button("Sign out", on_click=st.logout)
        st.stop()
    role = role_for(email, workspace.access)
    if role is None:
        st.error(
            f"{escape_markdown(email or 'This account')} is not on this dashboard's allow-list. "
            "Ask the dashboard's owner to add you to [access] in the workspace config."
        )
        st.button("Sign out", on_click=st.logout)
        st.stop()
    if not screen:
        with st.sidebar:
            st.caption(f"Signed in as {escape_markdown(email)} ({role})")
            st.button("Sign out", on_click=st.logout, key="sign_out")
    return Access(role, email, signed_in=True, rows=row_limits(email, workspace.access))


def _remote_visitor(workspace: WorkspaceConfig) -> bool:
    """True when the visitor is not on this computer, or a forwarding header leaves it unclear."""
    headers = st.context.headers
    pairs = [(name, value) for name in headers for value in headers.get_all(name)]
    address = st.context.ip_address  # None for loopback; not a string without a browser (AppTest)
    peer = address if isinstance(address, str) and address else None
    return not is_local_visitor(peer, pairs, workspace.access.trusted_proxies)
