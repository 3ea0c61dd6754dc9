"""No Python functions inside Polars expressions in code the server runs.

Why a static guard: a Python UDF (``map_elements``, ``map_batches``…) runs on
Polars' worker threads and needs the GIL; with many sessions, a script thread
holding the GIL while it waits for those workers (``DataFrame.to_pandas``)
deadlocks the whole server. The 25-session load test found exactly that (see
pages/ui/formatting.py). This test names the file and line of any new one.
"""

from __future__ import annotations

import re

from tests.load.sessions import REPO_ROOT

SERVER_CODE = (
    "app.py",
    "pages",
    "metrics",
    "charts",
    "connectors",
    "store",
    "exports",
    "benefitboard",
    "validation",
    "canonical",
)
PYTHON_UDF = re.compile(r"\.(map_elements|map_batches|map_groups|map_rows|apply)\(")


def python_udf_calls() -> list[str]:
    found = []
    for entry in SERVER_CODE:
        root = REPO_ROOT / entry
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for path in files:
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                code = line.split("#", 1)[0]
                if PYTHON_UDF.search(code) and "``" not in code:
                    found.append(f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}")
    return found


def test_the_guard_recognises_a_python_udf():
    assert PYTHON_UDF.search('pl.col("x").map_elements(str, return_dtype=pl.Utf8)')
    assert not PYTHON_UDF.search('pl.col("x").str.replace_all("_", " ")')


def test_server_code_has_no_python_udfs_in_polars_expressions():
    assert python_udf_calls() == []
