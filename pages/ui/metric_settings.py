"""The workspace's choices that change numbers, as the metrics engine reads them.

Its own module because both the data door (``pages.ui.data``, for live
verbatims) and the KPI cache (``pages.ui.kpis``) need it, and ``kpis`` already
reads ``data``: defining it in either would make the two import each other.

Example:
    >>> from benefitboard.config import load_workspace
    >>> from benefitboard.workspace import DEMO_CONFIG
    >>> settings_for(load_workspace(DEMO_CONFIG)).csat_scale
    (1, 5)
"""

from __future__ import annotations

from benefitboard.config import WorkspaceConfig
from metrics.settings import MetricSettings


def settings_for(workspace: WorkspaceConfig) -> MetricSettings:
    """How the metrics engine should read this workspace's data."""
    return workspace.metric_settings()
