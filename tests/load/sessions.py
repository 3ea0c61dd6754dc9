"""Load test: many concurrent sessions on the real app, while a refresh runs.

Bounded by design (loopback only, a fixed number of sessions, a deadline per
page and for the whole run), so it runs in CI and by hand with the full 25:

    .venv/bin/python -m tests.load.sessions --sessions 25
    .venv/bin/python -m tests.load.sessions --sessions 25 --clients browser

It starts the app (scripts/serve.py, as ./scripts/run.sh does) on a refreshed
demo workspace, opens ``--sessions`` sessions at once — half on the executive
overview, half on the survey drill-down — starts a refresh of the same
workspace in a subprocess at the same moment, and reports errors, p50/p95
seconds until each page is rendered, and the server's peak memory.

Two kinds of client:
- ``websocket`` (default): each session speaks Streamlit's own protocol, as a
  browser tab does (tests/load/ws_client.py); "rendered" means the server
  finished the page's script run and every element arrived. This measures the
  server, which is what 25 viewers share.
- ``browser``: real headless Chromium pages; "rendered" means tiles or a chart
  drawn and no script running. On a 2-core machine 25 Chromium tabs mostly
  measure Chromium itself (all tabs share the same two cores as the server).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.load.ws_client import open_page

REPO_ROOT = Path(__file__).resolve().parents[2]
RENDERED = '[data-testid="stMetric"], .js-plotly-plot .main-svg'
EXCEPTION = '[data-testid="stException"]'
PAGES = ("/", "/drilldown")
PAGE_DEADLINE_S = 60.0
CLIENTS = ("websocket", "browser")


@dataclass
class LoadReport:
    sessions: int
    clients: str = "websocket"
    seconds: list[float] = field(default_factory=list)
    seconds_by_page: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    refresh_seconds: float | None = None
    wall_seconds: float = 0.0

    def rendered(self, page: str, seconds: float) -> None:
        self.seconds.append(seconds)
        self.seconds_by_page.setdefault(page, []).append(seconds)

    def percentile(self, q: float, seconds: list[float] | None = None) -> float | None:
        """The nearest-rank percentile of the render times (all pages, or ``seconds``)."""
        ordered = sorted(self.seconds if seconds is None else seconds)
        if not ordered:
            return None
        index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
        return ordered[index]

    def summary(self) -> str:
        p50, p95 = self.percentile(0.5), self.percentile(0.95)
        lines = [
            f"sessions: {self.sessions} ({self.clients} clients), rendered: "
            f"{len(self.seconds)}, errors: {len(self.errors)}",
            f"time to rendered page: p50 {p50:.2f} s, p95 {p95:.2f} s, max {max(self.seconds):.2f} s"
            if self.seconds
            else "no page rendered",
        ]
        for page, seconds in sorted(self.seconds_by_page.items()):
            lines.append(
                f"  {page}: {len(seconds)} sessions, p50 {self.percentile(0.5, seconds):.2f} s, "
                f"p95 {self.percentile(0.95, seconds):.2f} s"
            )
        lines += [
            f"server peak memory (RSS): {self.peak_rss_mb:.0f} MB",
            f"concurrent refresh: {self.refresh_seconds:.1f} s"
            if self.refresh_seconds
            else "concurrent refresh: not run",
            f"wall time: {self.wall_seconds:.1f} s",
        ]
        lines += [f"  error: {e}" for e in self.errors[:10]]
        return "\n".join(lines)


async def _open(browser, url: str, report: LoadReport) -> None:
    context = await browser.new_context(viewport={"width": 1600, "height": 900})
    page = await context.new_page()
    started = time.perf_counter()
    try:
        await page.goto(url, timeout=PAGE_DEADLINE_S * 1000)
        await page.wait_for_selector(RENDERED, timeout=PAGE_DEADLINE_S * 1000)
        # Wait until the script run is over (Streamlit shows a running indicator meanwhile).
        await page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
            timeout=PAGE_DEADLINE_S * 1000,
        )
        report.rendered(urlsplit(url).path, time.perf_counter() - started)
        if await page.locator(EXCEPTION).count():
            shown = (await page.locator(EXCEPTION).first.inner_text()).strip().splitlines()
            report.errors.append(f"{url}: the page shows an exception: {' '.join(shown[:3])}")
    except Exception as error:  # a timeout or a crash is an error of the run, not of this tool
        report.errors.append(f"{url}: {type(error).__name__}: {str(error).splitlines()[0]}")
    finally:
        await context.close()


async def _run_sessions(base_url: str, sessions: int, report: LoadReport) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        urls = [base_url.rstrip("/") + PAGES[i % len(PAGES)] for i in range(sessions)]
        await asyncio.wait_for(
            asyncio.gather(*(_open(browser, url, report) for url in urls)),
            timeout=PAGE_DEADLINE_S * 3,
        )
        await browser.close()


async def _open_over_websocket(base_url: str, page: str, report: LoadReport) -> None:
    try:
        timing = await open_page(base_url, page.strip("/"), timeout=PAGE_DEADLINE_S)
    except Exception as error:  # a timeout or a refused connection is an error of the run
        report.errors.append(f"{page}: {type(error).__name__}: {error}")
        return
    report.rendered(page, timing.seconds)
    report.errors += [f"{page}: the page shows an exception: {e}" for e in timing.exceptions]


async def _run_websocket_sessions(base_url: str, sessions: int, report: LoadReport) -> None:
    pages = [PAGES[i % len(PAGES)] for i in range(sessions)]
    await asyncio.wait_for(
        asyncio.gather(*(_open_over_websocket(base_url, page, report) for page in pages)),
        timeout=PAGE_DEADLINE_S * 3,
    )


def _run_in_own_loop(base_url: str, sessions: int, report: LoadReport) -> None:
    run = _run_sessions if report.clients == "browser" else _run_websocket_sessions
    try:
        asyncio.run(run(base_url, sessions, report))
    except Exception as error:  # e.g. the whole-run deadline: reported, not raised in a thread
        report.errors.append(f"load run stopped: {type(error).__name__}: {error}")


def _watch_memory(pid: int, report: LoadReport, stop: threading.Event) -> None:
    status = Path(f"/proc/{pid}/status")
    while not stop.is_set():
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    report.peak_rss_mb = max(report.peak_rss_mb, int(line.split()[1]) / 1024)
        except OSError:
            return
        stop.wait(0.2)


def run_load(
    base_url: str,
    server_pid: int | None,
    config: Path | None,
    sessions: int,
    clients: str = "websocket",
) -> LoadReport:
    """Open ``sessions`` pages at once (and refresh ``config`` meanwhile, if given)."""
    if clients not in CLIENTS:
        raise ValueError(f"clients must be one of {CLIENTS}, not {clients!r}")
    report = LoadReport(sessions, clients)
    stop = threading.Event()
    watcher = None
    if server_pid:
        watcher = threading.Thread(target=_watch_memory, args=(server_pid, report, stop))
        watcher.start()
    refresh = None
    started = time.perf_counter()
    if config is not None:
        refresh = subprocess.Popen(
            [sys.executable, "-m", "benefitboard", "--config", str(config), "refresh"],
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    try:
        # Its own thread and event loop: a caller (pytest with the sync Playwright
        # fixtures) may already run one in this thread.
        runner = threading.Thread(target=_run_in_own_loop, args=(base_url, sessions, report))
        runner.start()
        runner.join()
    finally:
        if refresh is not None:
            code = refresh.wait(timeout=300)
            report.refresh_seconds = time.perf_counter() - started
            if code != 0:
                report.errors.append(f"the concurrent refresh exited with {code}")
        stop.set()
        if watcher:
            watcher.join()
    report.wall_seconds = time.perf_counter() - started
    return report


def server_errors(log: Path, limit: int = 3) -> str:
    """The last ``limit`` tracebacks in the server's log (empty if there are none)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    blocks = text.split("Traceback (most recent call last):")[1:]
    return "\n".join("Traceback:" + block[:3000] for block in blocks[-limit:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--clients", choices=CLIENTS, default="websocket")
    parser.add_argument("--responses", type=int, default=120_000)
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 100:
        parser.error("--sessions must be between 1 and 100")
    from benefitboard.demo import create_demo_workspace
    from benefitboard.refresh import refresh_workspace
    from tests.browser.streamlit_server import running_streamlit_process

    with tempfile.TemporaryDirectory() as folder:
        print(f"Generating and refreshing a demo workspace ({args.responses:,} responses)…")
        config = create_demo_workspace(
            Path(folder), end_date=date(2026, 10, 31), responses=args.responses
        )
        refresh_workspace(config)
        print(f"Starting the app and opening {args.sessions} {args.clients} sessions…")
        with running_streamlit_process(
            "app.py",
            cwd=REPO_ROOT,
            log_path=Path(folder) / "app.log",
            env={"BENEFITBOARD_CONFIG": str(config)},
        ) as (base_url, pid):
            report = run_load(base_url, pid, config, args.sessions, args.clients)
        if report.errors:  # the server's side of the story, before the folder goes
            print(server_errors(Path(folder) / "app.log"))
    print(report.summary())
    return 0 if not report.errors else 1


if __name__ == "__main__":
    sys.exit(main())
