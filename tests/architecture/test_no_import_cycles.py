"""No module of the application imports itself back, through any chain of imports.

`lint-imports` checks the layers and, with its ``acyclic_siblings`` contract,
cycles between the modules of one package (pyproject.toml). It does not see a
cycle through a package's ``__init__``, so this test checks the whole module graph
with grimp, import-linter's graph library, plus the edge no import statement shows:
importing ``metrics.kpi`` first imports ``metrics``. A package root that re-exports
its submodules (``metrics/__init__`` importing ``metrics.kpi``) is therefore a cycle,
and under Streamlit, where many sessions' threads import at once, such a cycle
handed threads half-built modules (pages/ui/preload.py tells the story).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import grimp
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
APPLICATION_PACKAGES = (
    "canonical",
    "benefitboard",
    "connectors",
    "validation",
    "store",
    "metrics",
    "charts",
    "exports",
    "pages",
    "bench",
)


def import_cycles(
    modules: Iterable[str], imports: Callable[[str], Iterable[str]]
) -> list[list[str]]:
    """Every group of modules that import each other in a circle (Tarjan's algorithm, iterative).

    >>> graph = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}
    >>> import_cycles(graph, lambda m: graph[m])
    [['a', 'b', 'c']]
    """
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(modules):
        if root in index:
            continue
        work = [(root, iter(sorted(imports(root))))]
        index[root] = lowest[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, pending = work[-1]
            for imported in pending:
                if imported not in index:
                    index[imported] = lowest[imported] = len(index)
                    stack.append(imported)
                    on_stack.add(imported)
                    work.append((imported, iter(sorted(imports(imported)))))
                    break
                if imported in on_stack:
                    lowest[module] = min(lowest[module], index[imported])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    lowest[parent] = min(lowest[parent], lowest[module])
                if lowest[module] == index[module]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == module:
                            break
                    if len(group) > 1 or module in imports(module):
                        cycles.append(sorted(group))
    return sorted(cycles)


def cycles_in(packages: Iterable[str], search_path: Path) -> list[list[str]]:
    """The import cycles among the modules of ``packages`` found under ``search_path``."""
    sys.path.insert(0, str(search_path))
    try:
        graph = grimp.build_graph(*packages, cache_dir=None)
    finally:
        sys.path.remove(str(search_path))
    return import_cycles(graph.modules, lambda module: imports_of(graph, module))


def imports_of(graph: grimp.ImportGraph, module: str) -> set[str]:
    """What importing ``module`` imports: its import statements and its parent packages.

    >>> class Graph:
    ...     def find_modules_directly_imported_by(self, module):
    ...         return {"canonical.datasets"}
    >>> sorted(imports_of(Graph(), "metrics.engine.core"))
    ['canonical.datasets', 'metrics', 'metrics.engine']
    """
    parts = module.split(".")
    parents = {".".join(parts[:end]) for end in range(1, len(parts))}
    return set(graph.find_modules_directly_imported_by(module)) | parents


def describe(cycles: list[list[str]]) -> str:
    return "\n".join(" <-> ".join(group) for group in cycles)


def test_the_application_has_no_import_cycle():
    cycles = cycles_in(APPLICATION_PACKAGES, REPO_ROOT)
    assert not cycles, (
        "these modules import each other; move what they share into a module both can "
        f"import (docs/ARCHITECTURE.md):\n{describe(cycles)}"
    )


@pytest.fixture
def package_with_an_init_cycle(tmp_path):
    """``planted/__init__`` re-exports ``planted.a``; ``b`` and ``c`` import each other;
    ``facade`` is a subpackage whose root re-exports its module ``x``."""
    package = tmp_path / "planted_cycle_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from planted_cycle_pkg.a import VALUE\n")
    (package / "a.py").write_text("VALUE = 1\n\n\ndef again():\n    import planted_cycle_pkg\n")
    (package / "b.py").write_text("import planted_cycle_pkg.c\n")
    (package / "c.py").write_text("from planted_cycle_pkg import b\n")
    (package / "d.py").write_text("import planted_cycle_pkg.a\n")
    (package / "facade").mkdir()
    (package / "facade" / "__init__.py").write_text("from planted_cycle_pkg.facade.x import X\n")
    (package / "facade" / "x.py").write_text("X = 1\n")
    return tmp_path


def test_a_planted_cycle_is_found(package_with_an_init_cycle):
    cycles = cycles_in(["planted_cycle_pkg"], package_with_an_init_cycle)
    assert cycles == [
        ["planted_cycle_pkg", "planted_cycle_pkg.a"],
        ["planted_cycle_pkg.b", "planted_cycle_pkg.c"],
        ["planted_cycle_pkg.facade", "planted_cycle_pkg.facade.x"],
    ]
