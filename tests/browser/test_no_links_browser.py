"""No text from a URL or from the data becomes a link, checked in Chromium's rendered page.

Streamlit's Markdown turns bare URLs, ``www.`` names and e-mail addresses into
links (GitHub-flavoured autolinks), after backslash escapes are resolved, so an
escaped comment saying "sign in again at https://evil.example/login" was a
clickable phishing link on the dashboard. AppTest only sees the Markdown source,
so this is checked on the page the browser draws: after each page renders, the
document holds no ``<a>`` pointing at the planted addresses, while the planted
text itself is on the page (the check is not passing on an empty page).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest

from benefitboard.refresh import refresh_workspace
from tests.browser.conftest import REPO_ROOT
from tests.browser.streamlit_server import running_streamlit
from tests.files_workspace import answers_workspace

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHISHING = "https://evil.example/login"
HOSTILE_COMMENTS = (
    f"Session expired - sign in again at {PHISHING}",
    "Better prices at www.evil.example today",
    "Write to phish@evil.example for a refund",
    "Details: mailto:phish@evil.example",
)
HOSTILE_REGION = "[evil](http://evil.example)"
LINKS_TO_PLANTED = 'a[href*="evil.example"], a[href^="mailto:"]'
WORD_JOINER = "\u2060"
WAIT_MS = 90_000


def write_hostile_workspace(folder: Path, now: datetime) -> Path:
    """A files workspace whose comments and one region value are links waiting to happen."""
    lines = ["response_id,survey,score,responded_at,comment,region"]
    for number in range(1, 41):
        when = (now - timedelta(days=2 + number % 10)).strftime("%Y-%m-%d %H:%M:%S")
        comment = HOSTILE_COMMENTS[number % len(HOSTILE_COMMENTS)]
        region = HOSTILE_REGION if number % 2 else "North"
        lines.append(f'R{number},nps,{number % 11},{when},"{comment}","{region}"')
    return answers_workspace(folder, "Links", lines, segments=["region"])


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("links")
    config = write_hostile_workspace(folder, datetime.now(UTC))
    report = refresh_workspace(config)
    assert report.status == "ok", report.summary()
    with running_streamlit(
        "app.py",
        cwd=REPO_ROOT,
        log_path=folder / "streamlit.log",
        env={"BENEFITBOARD_CONFIG": str(config)},
    ) as base_url:
        yield base_url


def rendered(page, url: str) -> str:
    """Open url, wait for the page to finish its run; the visible text, word joiners removed."""
    page.goto(url)
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=WAIT_MS)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT_MS
    )
    return page.locator("body").inner_text().replace(WORD_JOINER, "")


@pytest.fixture
def browser_page(chromium_browser):
    context = chromium_browser.new_context(viewport={"width": 1600, "height": 1200})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        (f"/effort?reason={quote('Session expired - sign in again at ' + PHISHING)}", PHISHING),
        (f"/feedback?theme={quote(PHISHING)}", PHISHING),
    ],
    ids=["effort-reason", "feedback-theme"],
)
def test_a_link_in_a_url_parameter_is_shown_as_text(app_url, browser_page, path, shown):
    rendered(browser_page, f"{app_url}{path}")
    # The page says what the link asked for. Waited for, not read at once: on a busy machine
    # the title can show before the run that writes the rest has started.
    browser_page.wait_for_function(
        "(shown) => document.body.innerText.replaceAll('\\u2060', '').includes(shown)",
        arg=shown,
        timeout=WAIT_MS,
    )
    assert browser_page.locator(LINKS_TO_PLANTED).count() == 0


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        (f"kpi={quote(PHISHING, safe='')}", PHISHING),
        ("cmp=phish@evil.example", "phish@evil.example"),
    ],
    ids=["kpi", "comparison"],
)
def test_a_link_in_an_ignored_url_parameter_is_quoted_as_text(app_url, browser_page, query, shown):
    """An unknown value is ignored with a notice (a toast) that quotes it."""
    browser_page.goto(f"{app_url}/?{query}")
    toast = browser_page.locator('[data-testid="stToast"]').filter(has_text="evil")
    toast.first.wait_for(timeout=WAIT_MS)
    assert shown in toast.first.inner_text().replace(WORD_JOINER, "")
    assert browser_page.locator(LINKS_TO_PLANTED).count() == 0


@pytest.mark.parametrize("path", ["/verbatims", "/drilldown?split=region", "/"])
def test_links_in_comments_and_segment_values_are_shown_as_text(hostile_app, browser_page, path):
    text = rendered(browser_page, f"{hostile_app}{path}")
    if path == "/verbatims":
        assert PHISHING in text and "www.evil.example" in text and HOSTILE_REGION in text
        assert "Write to [email] for a refund" in text  # addresses are masked before display
    assert browser_page.locator(LINKS_TO_PLANTED).count() == 0
