"""Sessions import in parallel: the app's modules import cleanly from 16 threads at once.

The CI run of the plain ``streamlit run app.py`` launch failed because 25 sessions'
first imports raced through package roots that re-exported their submodules
(pages/ui/preload.py). Before the fix this check failed in every run
(``_DeadlockError`` and ``cannot import name 'builtin_kpis' from partially
initialized module 'metrics.catalogue'``).
"""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.architecture.import_from_threads import REPO_ROOT

ENTRY_SCRIPTS = [REPO_ROOT / "app.py", *sorted((REPO_ROOT / "pages").glob("*.py"))]
"""Read from the folder, not from the preload, so that a new page is checked too."""


def test_the_application_modules_import_from_16_threads_at_once():
    run = subprocess.run(
        [sys.executable, "-B", "-m", "tests.architecture.import_from_threads"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert " 0 failed imports" in run.stdout


def test_every_entry_script_imports_the_preload_before_anything_else():
    for script in ENTRY_SCRIPTS:
        if script.name == "__init__.py":
            continue
        imports = [
            statement
            for statement in ast.parse(script.read_text()).body
            if isinstance(statement, ast.Import | ast.ImportFrom)
            and getattr(statement, "module", None) != "__future__"
        ]
        first = imports[0]
        assert isinstance(first, ast.Import), script.name
        assert [alias.name for alias in first.names] == ["pages.ui.preload"], script.name


def test_rendering_every_page_imports_nothing_the_preload_left_out(demo_workspace):
    run = subprocess.run(
        [sys.executable, "-B", "-m", "tests.architecture.render_imports", str(demo_workspace)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, (
        "add these to IMPORTED_WHILE_RENDERING in pages/ui/preload.py:\n" + run.stdout + run.stderr
    )
    pages = sum(1 for s in ENTRY_SCRIPTS if s.parent.name == "pages" and s.stem != "__init__")
    assert f"{pages} pages rendered; 0 modules imported" in run.stdout
