"""Import the application's modules from many threads at once, as Streamlit's sessions do.

Run in a fresh interpreter (``python -B -m tests.architecture.import_from_threads``):
third-party libraries are imported first, in the main thread, so that what is
tested is our own modules; 16 threads then import all of them, each in its own
random order, starting together. Prints one line per failed import and exits 1
if there was any.
"""

from __future__ import annotations

import importlib
import random
import sys
import threading
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("canonical", "benefitboard", "connectors", "store", "metrics", "charts", "exports")
THREADS = 16
THIRD_PARTY = ("numpy", "polars", "plotly.express", "plotly.graph_objects", "sqlalchemy")


def application_modules() -> list[str]:
    """Every importable module of the packages (page scripts and ``__main__`` excluded)."""
    names = []
    for package in PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            parts = path.relative_to(REPO_ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if parts[-1] != "__main__":
                names.append(".".join(parts))
    return names


def import_from_threads(modules: list[str], threads: int) -> list[str]:
    """Each thread imports every module in its own order; the failures, as text."""
    failures: list[str] = []
    start = threading.Barrier(threads)

    def work(seed: int) -> None:
        order = random.Random(seed).sample(modules, len(modules))
        start.wait()
        for name in order:
            try:
                importlib.import_module(name)
            except Exception as error:
                failures.append(f"{name}: {type(error).__name__}: {error}")

    workers = [threading.Thread(target=work, args=(seed,)) for seed in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return failures


def main() -> int:
    sys.setswitchinterval(1e-4)  # switch threads often: the races show up in one run
    for name in THIRD_PARTY:
        importlib.import_module(name)
    modules = application_modules()
    failures = import_from_threads(modules, THREADS)
    print(f"{len(modules)} modules, {THREADS} threads: {len(failures)} failed imports")
    print("\n".join(failures[:20]))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
