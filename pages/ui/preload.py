"""Import everything app.py and the pages import, once, before any session's script runs.

Importing this module is the first statement of app.py and of every page file.

Why: Streamlit runs each session's script in a thread of its own, so on a fresh
server a room opening one link starts 25 scripts that import polars, plotly and
our modules at the same moment. Python's import system is only safe for that
when no two modules import each other: where packages do (polars's and many
others' ``__init__`` re-export their submodules, which import the package
back), concurrent first imports hand some threads half-built modules, and the
scripts fail with ``ImportError: cannot import name ...``, shown to the viewer as
Streamlit's redacted error. The load test of 25 sessions on a fresh clone saw
exactly that in all 25.

Python holds a module's import lock while the module runs, and a thread that
imports a module being imported waits for it. So the first session's thread
runs the imports below, every other session waits at its own
``import pages.ui.preload`` until they are done, and then finds every module
complete. Later runs pay nothing: the module is already imported.

(Our own packages also keep their roots free of imports, so they have no such
cycle; tests/architecture checks both.)
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from benefitboard.config import BUILT_IN_SOURCE_KINDS

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE_SCRIPTS = tuple(
    sorted(path for path in (REPO_ROOT / "pages").glob("*.py") if path.name != "__init__.py")
)
ENTRY_SCRIPTS = (REPO_ROOT / "app.py", *PAGE_SCRIPTS)
IMPORTED_WHILE_RENDERING = (
    "pandas",  # plotly's validators and Streamlit's tables import it on first use
    "pyarrow",  # Streamlit sends tables as Arrow
    "sqlalchemy.dialects.sqlite",  # the embedded demo database, opened on first read
    "streamlit.emojis",  # page icons, checked on first render
    "streamlit.material_icon_names",
    "streamlit.components.v2.manifest_scanner",
    "pyarrow.pandas_compat",
    "zoneinfo",
    "plotly.animation",
    "plotly.exceptions",
    "plotly.files",
    "plotly.graph_objs._deprecations",
    "plotly.io._json",  # Streamlit sends figures as plotly JSON
    "plotly.offline",
    "plotly.tools",
    "pyarrow.vendored.version",
    "apscheduler.triggers.cron",  # the workspace loader checks [schedule] and digest cron lines
    *BUILT_IN_SOURCE_KINDS.values(),  # a source kind is imported when a workspace names it
)
"""Modules the first render imports on demand, found by rendering every page after this
module (tests/architecture/test_threaded_imports.py keeps the list complete)."""


def modules_imported_by(source: str) -> list[str]:
    """The modules a script's top-level import statements name, in order.

    ``from package import name`` counts ``package.name`` when that is a module,
    else ``package``: both are what running the statement imports.

    >>> modules_imported_by("import polars as pl\\nfrom pages.ui import data\\n"
    ...                     "from metrics.kpi import Kpi\\nfrom __future__ import annotations")
    ['polars', 'pages.ui.data', 'metrics.kpi']
    """
    names: list[str] = []
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.Import):
            names.extend(alias.name for alias in statement.names)
        elif (
            isinstance(statement, ast.ImportFrom)
            and statement.level == 0
            and statement.module
            and statement.module != "__future__"
        ):
            for alias in statement.names:
                submodule = f"{statement.module}.{alias.name}"
                names.append(submodule if _is_module(submodule) else statement.module)
    return list(dict.fromkeys(names))


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:  # the parent is not a package
        return False


def import_all(scripts: Iterable[Path], modules: Iterable[str]) -> list[str]:
    """Import the scripts' top-level imports, then ``modules``; returns their names."""
    names = [name for script in scripts for name in modules_imported_by(script.read_text())]
    names = [name for name in dict.fromkeys([*names, *modules]) if name != __name__]
    for name in names:
        importlib.import_module(name)
    _import_plotly_graph_objects()
    return names


PLOTLY_GRAPH_OBJECTS = ("Figure", "Layout", "Bar", "Heatmap", "Scatter", "Waterfall")
"""The plotly classes the charts draw with; each imports its own tree of modules."""


def _import_plotly_graph_objects() -> None:
    """plotly imports each class, and each class's parts, on first use (module ``__getattr__``).

    The walk covers the classes the charts use: all 1,500 modules would cost 50 MB.
    """
    import plotly.graph_objects as go

    def walk(module: ModuleType) -> None:
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            if isinstance(value, ModuleType) and value.__name__.startswith(module.__name__):
                walk(value)

    for name in PLOTLY_GRAPH_OBJECTS:
        getattr(go, name)
        parts = getattr(go, name.lower(), None)  # Figure has no module of parts
        if isinstance(parts, ModuleType):
            walk(parts)


PRELOADED = import_all(ENTRY_SCRIPTS, IMPORTED_WHILE_RENDERING)
"""The modules imported here."""
