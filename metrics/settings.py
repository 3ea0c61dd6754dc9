"""How the metrics engine reads the data: time zone, sample floor, survey scales, confidence.

One frozen object travels through every calculation, so a tile, its trend and
its export can never disagree about, say, which CSAT scale was used.

Example:
    >>> MetricSettings(timezone="Europe/Berlin", csat_scale=(1, 7)).csat_top2
    (6, 7)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from canonical.surveys import CES_SCALES, CesScale
from metrics.distributions import normal_quantile

Filters = Mapping[str, Sequence[str]]
"""Segment filters: segment column -> allowed values. An empty list means "no filter"."""


@dataclass(frozen=True)
class MetricSettings:
    """Workspace-level choices that change numbers.

    - ``timezone``: the reporting time zone; UTC timestamps become local days in it.
    - ``min_sample``: below this many observations an estimate is flagged ``small_sample``.
    - ``csat_scale``: (lowest, highest) CSAT answer; top-2-box = the two highest values.
    - ``ces_scale``: ``agreement7`` (1 strongly disagree … 7 strongly agree that it was
      easy; higher is better, "easy" = 5–7) or ``effort5`` (1 very low … 5 very high
      effort; lower is better, "easy" = 1–2).
    - ``confidence``: of every interval and test (0.95 → z = 1.95996…, the "1.96").
    - ``amber_tolerance``: a value on the wrong side of its target but within this
      fraction of the target is amber, not red (see ``metrics.status``).
    - ``currency``: ISO code used when formatting money.
    """

    timezone: str = "UTC"
    min_sample: int = 30
    csat_scale: tuple[int, int] = (1, 5)
    ces_scale: CesScale = "agreement7"
    confidence: float = 0.95
    amber_tolerance: float = 0.05
    currency: str = "EUR"

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown reporting time zone {self.timezone!r}; use an IANA name such as "
                "'Europe/Berlin' or 'America/New_York'"
            ) from None
        if self.min_sample < 1:
            raise ValueError(f"min_sample must be at least 1, got {self.min_sample}")
        low, high = self.csat_scale
        if high - low < 2:
            raise ValueError(
                f"csat_scale {self.csat_scale} needs at least three points for a top-2-box"
            )
        if self.ces_scale not in CES_SCALES:
            raise ValueError(
                f"ces_scale must be one of {tuple(CES_SCALES)}, got {self.ces_scale!r}"
            )
        if not 0.5 <= self.confidence < 1:
            raise ValueError(f"confidence must be in [0.5, 1), got {self.confidence}")
        if not 0 <= self.amber_tolerance < 1:
            raise ValueError(f"amber_tolerance must be in [0, 1), got {self.amber_tolerance}")

    @property
    def z(self) -> float:
        """Two-sided normal quantile of ``confidence`` (1.959963984540054 at 95%)."""
        return _two_sided_z(self.confidence)

    @property
    def alpha(self) -> float:
        """Significance level of change tests: 1 − confidence."""
        return 1.0 - self.confidence

    @property
    def csat_top2(self) -> tuple[int, int]:
        high = self.csat_scale[1]
        return high - 1, high

    @property
    def ces_range(self) -> tuple[int, int]:
        """(lowest, highest) valid CES answer."""
        return CES_SCALES[self.ces_scale]

    @property
    def ces_easy(self) -> tuple[int, int]:
        """The answers that count as "easy": 5–7 on agreement7, 1–2 on effort5."""
        return (5, 7) if self.ces_scale == "agreement7" else (1, 2)

    @property
    def ces_best(self) -> int:
        """The answer that means "no effort at all": 7 on agreement7, 1 on effort5."""
        return 7 if self.ces_scale == "agreement7" else 1

    @property
    def ces_worst(self) -> int:
        return 1 if self.ces_scale == "agreement7" else 5


@lru_cache(maxsize=16)
def _two_sided_z(confidence: float) -> float:
    return float(normal_quantile(0.5 + confidence / 2))


DEFAULT_SETTINGS = MetricSettings()
"""UTC, n ≥ 30, CSAT 1–5, CES agreement7, 95% — the defaults of every public function."""
