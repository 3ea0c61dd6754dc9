"""What the test command collects besides tests/: the examples in the application's docstrings.

pyproject.toml runs pytest with ``--doctest-modules`` over the application packages. A page
script in pages/ (``pages/overview.py``, …) is not a module to import: importing it runs it,
drawing the page outside Streamlit. They hold no examples (their helpers in ``pages/ui`` do), so
they are left out of collection here; the app tests (tests/app) run them through Streamlit.
"""

from pathlib import Path

import pytest

PAGE_SCRIPTS = Path(__file__).parent / "pages"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Skip the page scripts directly in pages/ (not pages/__init__.py, not pages/ui)."""
    is_page_script = (
        collection_path.parent == PAGE_SCRIPTS
        and collection_path.suffix == ".py"
        and collection_path.name != "__init__.py"
    )
    return True if is_page_script else None
