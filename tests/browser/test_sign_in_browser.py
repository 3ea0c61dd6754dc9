"""Sign-in through a real OpenID Connect provider, in Chromium, on the app as users launch it.

The provider is ``oidc-provider-mock`` (a real OIDC server: discovery document,
authorization form, code exchange, signed ID tokens) on a loopback port; the app
is plain ``streamlit run app.py`` with an ``[auth]`` secrets file pointing at it,
so ``st.login`` runs through Authlib exactly as in a deployment. Nothing here sets
``st.user``: each identity types its subject into the provider's own form.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import oidc_provider_mock
import pytest
from werkzeug.serving import make_server

from pages.ui.text import WORD_JOINER
from tests.browser.conftest import REPO_ROOT
from tests.browser.rendered_page import SCREENSHOT_DIR
from tests.browser.streamlit_server import free_loopback_port, running_streamlit

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANALYST = "pm@shop.example"
VIEWER = "ceo@shop.example"
OUTSIDER = "someone@elsewhere.example"
UNVERIFIED = "cfo@shop.example"
"""On the allow-list by its domain, but the provider says it never checked the address."""
REGIONAL = "north@shop.example"
"""An analyst whose rows are limited to region North ([[access.rows]])."""

ALLOW_LIST = f"""

[access]
analysts = ["{ANALYST}", "{REGIONAL}"]
viewers = ["@shop.example"]

[[access.rows]]
who = ["{REGIONAL}"]
segments = {{ region = ["North"] }}
"""
MAIN = '[data-testid="stMain"]'
SIDEBAR = '[data-testid="stSidebar"]'
WAIT_MS = 90_000


@pytest.fixture(scope="module")
def identity_provider() -> Iterator[str]:
    """A real OpenID Connect provider on 127.0.0.1; yields its issuer URL."""
    users = [
        oidc_provider_mock.User(sub=email, claims={"email": email, "email_verified": verified})
        for email, verified in ((ANALYST, True), (VIEWER, True), (OUTSIDER, True), (REGIONAL, True))
    ] + [
        oidc_provider_mock.User(
            sub=UNVERIFIED, claims={"email": UNVERIFIED, "email_verified": False}
        )
    ]
    server = make_server("127.0.0.1", 0, oidc_provider_mock.app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="module")
def signed_in_app(
    identity_provider: str, demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The app with sign-in configured, served by plain `streamlit run app.py`."""
    folder = tmp_path_factory.mktemp("sign_in")
    config = demo_workspace.parent / "benefitboard-sign-in.toml"  # same store and data
    config.write_text(demo_workspace.read_text() + ALLOW_LIST)
    port = free_loopback_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a-long-random-string-for-the-sign-in-test-only"
client_id = "benefitboard"
client_secret = "sign-in-test-secret"
server_metadata_url = "{identity_provider}/.well-known/openid-configuration"
"""
    )
    with running_streamlit(
        "app.py",
        cwd=REPO_ROOT,
        log_path=folder / "streamlit.log",
        env={"BENEFITBOARD_CONFIG": str(config)},
        port=port,
        options=["--secrets.files", str(secrets)],
    ) as base_url:
        yield base_url


@pytest.fixture
def browser_page(chromium_browser):
    """A fresh browser context (no cookies) per identity."""
    context = chromium_browser.new_context(viewport={"width": 1600, "height": 1000})
    yield context.new_page()
    context.close()


def sign_in(page, base_url: str, email: str) -> None:
    """Press "Sign in", type the subject into the provider's form, authorize, come back."""
    page.goto(base_url)
    page.get_by_role("button", name="Sign in").click(timeout=WAIT_MS)
    page.get_by_placeholder("sub").fill(email, timeout=WAIT_MS)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base_url}/**", timeout=WAIT_MS)


def shown(text: str) -> str:
    """Text as a reader sees it: the app puts an invisible word joiner before each ``@`` so
    that Markdown makes no mail link of an address (pages/ui/text.py)."""
    return text.replace(WORD_JOINER, "")


def sidebar_text(page) -> str:
    return shown(page.locator(SIDEBAR).inner_text())


def wait_for_signed_in(page, email: str, role: str) -> None:
    page.locator(SIDEBAR).get_by_text("Signed in as").wait_for(timeout=WAIT_MS)
    assert f"Signed in as {email} ({role})" in sidebar_text(page)
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=WAIT_MS)


def test_an_analyst_signs_in_gets_words_downloads_and_refresh_and_signs_out(
    signed_in_app, browser_page
):
    page = browser_page
    sign_in(page, signed_in_app, ANALYST)
    wait_for_signed_in(page, ANALYST, "analyst")
    page.locator('[data-testid="stDownloadButton"]').first.wait_for(timeout=WAIT_MS)
    page.screenshot(path=SCREENSHOT_DIR / "sign-in-analyst.png")
    sidebar = sidebar_text(page)
    assert "Verbatims" in sidebar
    assert page.get_by_role("button", name="Refresh data").count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0
    page.locator(SIDEBAR).get_by_role("button", name="Sign out").click()
    # Streamlit ends the session at the provider too (RP-initiated logout), which asks to
    # confirm and then sends the browser back to the app.
    page.get_by_role("button", name="End session").click(timeout=WAIT_MS)
    page.wait_for_url(f"{signed_in_app}/**", timeout=WAIT_MS)
    page.get_by_role("button", name="Sign in").wait_for(timeout=WAIT_MS)
    page.goto(signed_in_app)  # the session cookie is gone, not just this page's state
    page.get_by_role("button", name="Sign in").wait_for(timeout=WAIT_MS)
    assert page.locator('[data-testid="stMetric"]').count() == 0


def test_a_viewer_gets_no_verbatims_no_downloads_and_no_refresh(signed_in_app, browser_page):
    page = browser_page
    sign_in(page, signed_in_app, VIEWER)
    wait_for_signed_in(page, VIEWER, "viewer")
    page.wait_for_timeout(2_000)  # the page has drawn its charts (and would have its downloads)
    page.screenshot(path=SCREENSHOT_DIR / "sign-in-viewer.png")
    assert "Verbatims" not in sidebar_text(page)
    assert page.locator('[data-testid="stDownloadButton"]').count() == 0
    assert page.get_by_role("button", name="Refresh data").count() == 0
    page.goto(f"{signed_in_app}/verbatims")  # a deep link does not open it either
    page.locator(MAIN).get_by_text("Executive overview").first.wait_for(timeout=WAIT_MS)
    assert "Verbatims" not in page.locator(MAIN).inner_text()


def test_an_address_off_the_allow_list_is_refused(signed_in_app, browser_page):
    page = browser_page
    sign_in(page, signed_in_app, OUTSIDER)
    refusal = page.get_by_text("is not on this dashboard's allow-list")
    refusal.wait_for(timeout=WAIT_MS)
    assert f"{OUTSIDER} is not on this dashboard's allow-list" in shown(refusal.inner_text())
    assert page.locator('[data-testid="stMetric"]').count() == 0


def test_an_address_the_provider_has_not_verified_is_refused(signed_in_app, browser_page):
    page = browser_page
    sign_in(page, signed_in_app, UNVERIFIED)
    page.get_by_text("the identity provider has not verified this address").wait_for(
        timeout=WAIT_MS
    )
    assert page.locator('[data-testid="stMetric"]').count() == 0


def test_a_signed_in_regional_manager_sees_only_their_region(signed_in_app, browser_page):
    """Row-level access from the identity the provider vouched for, not from a test's user."""
    page = browser_page
    sign_in(page, signed_in_app, REGIONAL)
    wait_for_signed_in(page, REGIONAL, "analyst")
    page.goto(f"{signed_in_app}/drilldown?split=region")
    page.locator(MAIN).get_by_text("What changed").first.wait_for(timeout=WAIT_MS)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=WAIT_MS)
    text = shown(page.locator("body").inner_text())
    assert "North" in text
    assert not [region for region in ("South", "West", "East") if region in text]
