"""The survey vocabulary every layer shares: which surveys an answer can belong to, and the CES
scales a workspace can choose.

Why here: validation checks answers against these, the metrics engine reads them,
the workspace config offers them and the demo generates them; declared once in the
lowest layer, they cannot drift apart.

Example:
    >>> SURVEYS, CES_SCALES["effort5"]
    (('nps', 'csat', 'ces'), (1, 5))
"""

from __future__ import annotations

from typing import Literal, TypeGuard

SURVEYS = ("nps", "csat", "ces")
"""The ``survey`` values of the responses dataset."""

CesScale = Literal["agreement7", "effort5"]
CES_SCALES: dict[str, tuple[int, int]] = {"agreement7": (1, 7), "effort5": (1, 5)}
"""CES scale name -> (lowest, highest) answer. agreement7: 1 strongly disagree … 7 strongly
agree that it was easy (higher is better); effort5: 1 very low … 5 very high effort (lower is
better)."""


def is_ces_scale(name: str) -> TypeGuard[CesScale]:
    """True when ``name`` is a CES scale a workspace may choose (and typed as one after).

    >>> is_ces_scale("effort5"), is_ces_scale("effort7")
    (True, False)
    """
    return name in CES_SCALES
