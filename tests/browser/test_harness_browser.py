"""The browser harness itself, checked on a tiny throwaway app (independent of Benefitboard's).

When the overview test fails, these say whether the harness or the app is at fault.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.rendered_page import SCREENSHOT_DIR, OpenRenderedPage
from tests.browser.streamlit_server import StreamlitStartError, running_streamlit

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TINY_APP = """
import streamlit as st

st.set_page_config(page_title="Harness check")
st.title("Harness check")
if st.query_params.get("fail") == "yes":
    raise ValueError("deliberate failure for the harness test")
promoters, detractors = st.columns(2)
promoters.metric("Promoters", "2")
detractors.metric("Detractors", "1")
"""


@pytest.fixture(scope="module")
def tiny_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("tiny_app")
    (folder / "tiny_app.py").write_text(TINY_APP)
    with running_streamlit(
        "tiny_app.py", cwd=folder, log_path=folder / "streamlit.log"
    ) as base_url:
        yield base_url


def test_rendered_page_shows_the_tiles(
    tiny_app_url: str, open_rendered_page: OpenRenderedPage
) -> None:
    page = open_rendered_page(tiny_app_url, name="harness-tiny-app", width=1280, height=720)
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert [label.strip() for label in labels] == ["Promoters", "Detractors"]
    assert [value.strip() for value in values] == ["2", "1"]
    assert page.title() == "Harness check"
    assert (SCREENSHOT_DIR / "harness-tiny-app.png").stat().st_size > 0


def test_rendered_page_fails_on_an_exception_with_the_server_log(
    tiny_app_url: str, open_rendered_page: OpenRenderedPage
) -> None:
    with pytest.raises(pytest.fail.Exception) as failure:
        open_rendered_page(f"{tiny_app_url}/?fail=yes", name="harness-tiny-app-exception")
    on_page, _, server_log = str(failure.value).partition("Server log (end):")
    assert "shows 1 exception(s)" in on_page
    assert "ValueError: deliberate failure for the harness test" in on_page
    assert "ValueError: deliberate failure for the harness test" in server_log


def test_server_that_cannot_start_reports_its_output(tmp_path: Path) -> None:
    with (
        pytest.raises(StreamlitStartError, match=r"does_not_exist\.py"),
        running_streamlit("does_not_exist.py", cwd=tmp_path, log_path=tmp_path / "log"),
    ):
        pass
