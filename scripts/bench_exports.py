"""What downloads cost: a page's server render with its download buttons, and each export.

    .venv/bin/python scripts/bench_exports.py                 # 20k-response demo, 7 renders
    .venv/bin/python scripts/bench_exports.py --renders 11 --config path/to/benefitboard.toml

Two sets of figures:

- **Page renders** (Streamlit's AppTest: the server side of one viewer's rerun,
  script start to finish, caches warm): every page of the dashboard as an
  analyst, who sees every download button. Downloads are *deferred* (a
  callable handed to ``st.download_button``), so a render should cost the same
  with and without them: no image is exported and no CSV is encoded until a
  click. The run counts the exports done while rendering to prove it.
- **Exports on click** (what one click costs the server): a chart as PNG (the
  first one starts kaleido's Chromium), the overview slide as PNG and PDF, a
  table as CSV.

Measurements only: it never fails on a slow step (tests do not time things).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from bench_render import demo_config  # noqa: E402 (the same fixed-seed demo)

PAGES = (
    "pages/overview.py",
    "pages/benefits.py",
    "pages/growth.py",
    "pages/drilldown.py",
    "pages/effort.py",
    "pages/feedback.py",
    "pages/data-quality.py",
)


def seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def page_renders(renders: int) -> tuple[dict[str, list[float]], dict[str, int], list]:
    """Seconds per warm rerun of each page, the exports done while rendering, and the
    deferred downloads the renders registered: [(file name, callable), ...]."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.testing.v1 import AppTest

    import exports.images
    import exports.slide
    import exports.tables

    registered: list = []
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        registered.append((file_name or "", data_callable))
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    done = dict.fromkeys(("chart_image", "table_csv", "slide_file"), 0)
    modules = {
        "chart_image": exports.images,
        "table_csv": exports.tables,
        "slide_file": exports.slide,
    }
    real = {name: getattr(modules[name], name) for name in done}

    def counting(name):
        def call(*args, **kwargs):
            done[name] += 1
            return real[name](*args, **kwargs)

        return call

    MediaFileManager.add_deferred = record
    for name in done:  # the download buttons call them through their modules
        setattr(modules[name], name, counting(name))
    times: dict[str, dict[bool, list[float]]] = {}
    try:
        at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
        at.run()
        for page in PAGES:
            at.switch_page(page).run()  # first render: caches fill
            if at.exception:
                raise SystemExit(f"{page}: {at.exception[0].value}")
            times[page] = {True: [], False: []}
            for _ in range(renders):  # interleaved, so drift and load hit both alike
                for offered in (True, False):
                    with downloads_offered(offered):
                        times[page][offered].append(seconds(at.run))
                    if at.exception:
                        raise SystemExit(f"{page}: {at.exception[0].value}")
        rendered = dict(done)
    finally:
        MediaFileManager.add_deferred = original
        for name, function in real.items():
            setattr(modules[name], name, function)
    return times, rendered, registered


@contextmanager
def downloads_offered(offered: bool) -> Iterator[None]:
    """Renders with the download buttons (as an analyst sees them) or without (the baseline)."""
    import pages.ui.charts
    import pages.ui.downloads
    import pages.ui.tables

    modules = (pages.ui.downloads, pages.ui.charts, pages.ui.tables)
    real = pages.ui.downloads.downloads_allowed
    if not offered:
        for module in modules:
            module.downloads_allowed = lambda context, images=False: False
    try:
        yield
    finally:
        for module in modules:
            module.downloads_allowed = real


def export_costs(registered: list) -> list[tuple[str, float, int]]:
    """Run registered downloads as clicks would: (what, seconds, bytes)."""
    charts = [make for name, make in registered if name.endswith(".png") and "overview" not in name]
    tables = [make for name, make in registered if name.endswith(".csv")]
    slides = {name[-3:]: make for name, make in registered if name.startswith("executive-overview")}
    steps = [
        ("chart PNG, first (starts Chromium)", charts[:1]),
        ("chart PNG, warm (median of 5)", charts[1:6]),
        ("table CSV (median of 5)", tables[:5]),
        ("overview slide PDF", [slides["pdf"]] if "pdf" in slides else []),
        ("overview slide PNG (3200×1800)", [slides["png"]] if "png" in slides else []),
    ]
    costs = []
    for what, makers in steps:
        if not makers:
            continue
        timed = []
        for make in makers:
            started = time.perf_counter()
            data = make()
            timed.append(time.perf_counter() - started)
        costs.append((what, statistics.median(timed), len(data)))
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, help="workspace to serve (default: the demo)")
    parser.add_argument("--responses", type=int, default=20_000, help="demo size (default 20k)")
    parser.add_argument("--workdir", type=Path, help="where to keep the demo (default: temp)")
    parser.add_argument("--renders", type=int, default=7, help="measured reruns per page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_exports_") as scratch:
        workdir = args.workdir or Path(scratch) / "demo"
        workdir.mkdir(parents=True, exist_ok=True)
        config = args.config or demo_config(workdir, args.responses)
        os.environ["BENEFITBOARD_CONFIG"] = str(config.resolve())
        times, done, registered = page_renders(args.renders)
        print(f"\nWarm page render (AppTest, {args.renders} reruns each, median seconds)")
        print(f"{'page':28} {'with downloads':>15} {'without':>8} {'difference':>11}")
        for page, by_mode in times.items():
            with_, without = (statistics.median(by_mode[m]) for m in (True, False))
            print(f"{page:28} {with_:15.3f} {without:8.3f} {with_ - without:+11.3f}")
        print(
            f"exports made while rendering: {done['chart_image']} chart images, "
            f"{done['table_csv']} CSV files, {done['slide_file']} slides "
            f"(downloads offered over all renders: {len(registered)})"
        )
        if registered:
            print("\nOne click on a download (seconds, bytes)")
            for what, spent, size in export_costs(registered):
                print(f"{what:36} {spent:8.3f} {size:>10,}")


if __name__ == "__main__":
    main()
