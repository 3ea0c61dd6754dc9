"""How long the executive overview takes to render fully in Chromium, against a bare Streamlit page.

    .venv/bin/python scripts/bench_render.py                 # 120k-response demo, 5 loads each
    .venv/bin/python scripts/bench_render.py --loads 9 --config path/to/benefitboard.toml
    .venv/bin/python scripts/bench_render.py --screenshot docs/images/overview.png

"Fully rendered" is what a viewer sees finished: the script has run, every
Plotly chart has drawn its SVG and every tile its sparkline. Each load opens a
fresh browser context (no browser cache), so it measures what a new viewer of
an already running server waits for. The baseline is a bare Streamlit page with
one Plotly chart, served and measured the same way in the same run; the ratio
overview / baseline is the figure issue 8 sets a target for.

The first load of each server is reported apart: it includes the server
reading the snapshot and computing the KPIs (shared by every later viewer).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402
from tests.browser.rendered_page import wait_until_rendered  # noqa: E402
from tests.browser.streamlit_server import running_streamlit  # noqa: E402

DEMO_END = date(2026, 10, 31)
DEMO_NOW = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
BARE_APP = """
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Bare", layout="wide")
st.plotly_chart(go.Figure(go.Scatter(x=list(range(30)), y=[i % 7 for i in range(30)])))
"""
SPARKLINES_DRAWN_JS = """() =>
    [...document.querySelectorAll('[data-testid="stMetricChart"]')]
        .every(chart => chart.querySelector('svg, canvas'))"""


def demo_config(folder: Path, responses: int) -> Path:
    """A refreshed demo workspace (fixed seed and dates) in ``folder``, made once and reused."""
    config = folder / "benefitboard.toml"
    if (folder / "store" / "CURRENT").exists():
        return config
    from benefitboard.demo import create_demo_workspace
    from benefitboard.refresh import refresh_workspace

    print(f"Generating and refreshing a {responses:,}-response demo workspace in {folder} …")
    config = create_demo_workspace(folder, seed=7, end_date=DEMO_END, responses=responses)
    report = refresh_workspace(config, now=DEMO_NOW)
    if report.status != "ok":
        raise SystemExit(f"the demo refresh did not succeed: {report.summary()}")
    return config


def load_seconds(browser, url: str, screenshot: Path | None = None) -> float:
    """Seconds from navigation until the page is fully drawn, in a fresh browser context."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded")
        wait_until_rendered(page)
        page.wait_for_function(SPARKLINES_DRAWN_JS, timeout=60_000)
        elapsed = time.perf_counter() - started
        if page.locator('[data-testid="stException"]').count():
            raise SystemExit(f"{url} shows an exception; fix it before measuring")
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=screenshot)
        return elapsed
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, help="workspace to serve (default: the demo)")
    parser.add_argument("--responses", type=int, default=120_000, help="demo size (default 120k)")
    parser.add_argument("--workdir", type=Path, help="where to keep the demo (default: temp)")
    parser.add_argument("--loads", type=int, default=5, help="measured loads per page")
    parser.add_argument("--screenshot", type=Path, help="also save the overview (1920×1080) here")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise SystemExit("Chromium is not installed: apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="bench_render_") as scratch:
        scratch_dir = Path(scratch)
        workdir = args.workdir or scratch_dir / "demo"
        workdir.mkdir(parents=True, exist_ok=True)
        config = args.config or demo_config(workdir, args.responses)
        (scratch_dir / "bare.py").write_text(BARE_APP)
        with (
            running_streamlit(
                "app.py",
                cwd=REPO_ROOT,
                log_path=scratch_dir / "app.log",
                env={"BENEFITBOARD_CONFIG": str(config.resolve())},
            ) as app_url,
            running_streamlit(
                "bare.py", cwd=scratch_dir, log_path=scratch_dir / "bare.log"
            ) as bare,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            pages = {
                "bare Streamlit + 1 Plotly chart": bare,
                "executive overview": app_url,
                "executive overview, screen mode": f"{app_url}/?screen=1",
            }
            first = {name: load_seconds(browser, url) for name, url in pages.items()}
            times: dict[str, list[float]] = {name: [] for name in pages}
            for _ in range(args.loads):  # interleaved, so drift hits every page alike
                for name, url in pages.items():
                    times[name].append(load_seconds(browser, url))
            if args.screenshot:
                load_seconds(browser, app_url, screenshot=args.screenshot)
            browser.close()

    print(f"\nFull render in headless Chromium at 1920×1080, {args.loads} loads each (seconds)")
    print(f"{'page':34} {'first load':>10} {'median':>8} {'min':>6} {'max':>6}")
    for name, values in times.items():
        print(
            f"{name:34} {first[name]:10.2f} {statistics.median(values):8.2f} "
            f"{min(values):6.2f} {max(values):6.2f}"
        )
    baseline = statistics.median(times["bare Streamlit + 1 Plotly chart"])
    for name in ("executive overview", "executive overview, screen mode"):
        ratio = statistics.median(times[name]) / baseline
        print(f"ratio {name} / bare page: {ratio:.2f}")
    if args.screenshot:
        print(f"screenshot: {args.screenshot}")


if __name__ == "__main__":
    main()
