"""Every page on workspaces with only some datasets: no exception, no empty chart, and tiles
only for the KPIs the workspace can have (issue 16, "pages follow the workspace").

The workspaces are ``tests/app/workspace_matrix.py``'s: CSAT only, NPS only, orders only,
growth only, the Olist example and the full demo. One app session per workspace visits
every page in turn, as a reader clicking through the navigation does.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from metrics.registry import DEFAULT_REGISTRY
from tests.app.full_app import whole_app
from tests.app.workspace_matrix import KPIS, PAGES, matrix_workspace  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow

KPI_OF_LABEL = {kpi.label: kpi.id for kpi in DEFAULT_REGISTRY}
OVERVIEW = set(DEFAULT_REGISTRY.overview_ids)
NOT_TRACKED = "Not tracked yet:"


def values(array) -> list[float | None] | list:
    """A trace's data array as a list: plotly writes numbers as base64 typed arrays."""
    if isinstance(array, dict) and "bdata" in array:
        decoded = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
        return [float(v) for v in decoded.ravel()]
    return list(array) if isinstance(array, list | tuple) else []


def has_points(trace: dict) -> bool:
    """True when the trace draws something: each of its data arrays holds a real value."""
    arrays = [values(trace[key]) for key in ("x", "y", "z", "values") if key in trace]
    return bool(arrays) and all(
        any(v is not None and not (isinstance(v, float) and math.isnan(v)) for v in array)
        for array in arrays
    )


def tile_kpis(app: AppTest) -> set[str]:
    """The KPIs the page shows a tile for (``st.metric`` labelled with a KPI's label)."""
    return {KPI_OF_LABEL[m.label] for m in app.metric if m.label in KPI_OF_LABEL}


def captions(app: AppTest) -> list[str]:
    return [c.value for c in app.caption]


def test_every_page_follows_the_workspace(
    matrix_workspace: tuple[str, Path],  # noqa: F811 (the fixture imported above)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name, config = matrix_workspace
    allowed = KPIS[name] if KPIS[name] is not None else set(DEFAULT_REGISTRY.ids)
    app = whole_app(config, monkeypatch).run()
    drawn_charts = 0
    for page in PAGES:
        if page is not None:
            app.switch_page(page).run()
        where = f"{name}, {page or 'overview'}"
        assert not app.exception, (where, [e.value for e in app.exception])
        for chart in app.get("plotly_chart"):
            figure = json.loads(chart.proto.spec)
            assert figure["data"], (where, chart.proto.id, "a chart without traces")
            assert any(has_points(t) for t in figure["data"]), (where, chart.proto.id)
            drawn_charts += 1
        shown = tile_kpis(app)
        assert shown <= allowed, (where, sorted(shown - allowed))
        if page is None:  # the overview: a tile for each KPI it places that the workspace has
            assert shown == allowed & OVERVIEW, (where, sorted(shown ^ (allowed & OVERVIEW)))
            line = [c for c in captions(app) if c.startswith(NOT_TRACKED)]
            untracked = OVERVIEW - allowed
            if untracked:
                assert len(line) == 1, (where, captions(app))
                words = line[0][len(NOT_TRACKED) :].replace("\\", "").split(",")
                named = {KPI_OF_LABEL[w.strip(" .")] for w in words}
                assert named == untracked, (where, line[0])
            else:
                assert line == [], (where, line)
    assert drawn_charts > 0, f"{name}: no page drew a chart"
