"""The KPI registry: every KPI declared once, and the only place pages, exports and tests look.

The built-in KPIs come from ``metrics.catalogue``; a ``Kpi`` is described in
``metrics.kpi``. The workspace adds its targets (which override default targets)
and its custom benefit KPIs.

Custom benefit KPIs from the workspace config join without code:

    >>> registry = build_registry([CustomKpiSpec("app_rating", "App rating", aggregation="mean")],
    ...                           targets={"nps": 40})
    >>> registry.get("app_rating").dataset, registry.target("nps"), registry.target("csat")
    ('kpi_values', 40.0, 0.8)
    >>> registry.get("nps").format_value(42.06), registry.get("csat").format_value(0.8734)
    ('42.1', '87.3%')
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from metrics.catalogue import builtin_kpis
from metrics.custom import CUSTOM_AGGREGATIONS, KIND_OF_AGGREGATION, custom_formula
from metrics.kpi import Group, Kpi
from metrics.settings import MetricSettings


@dataclass(frozen=True)
class CustomKpiSpec:
    """A custom benefit KPI as the workspace declares it.

    Any object with these attributes works too (``benefitboard.config.CustomKpiConfig``
    is passed as is).
    """

    id: str
    label: str
    unit: str = ""
    aggregation: str = "mean"
    direction: str = "higher"
    target: float | None = None
    decimals: int = 1
    description: str = ""


class Registry:
    """KPIs by id, plus the workspace's targets (which override default targets)."""

    def __init__(self, kpis: Sequence[Kpi], targets: Mapping[str, float] | None = None):
        self._kpis: dict[str, Kpi] = {}
        for kpi in kpis:
            if kpi.id in self._kpis:
                raise ValueError(f"KPI id {kpi.id!r} is declared twice")
            self._kpis[kpi.id] = kpi
        unknown = sorted(set(targets or {}) - set(self._kpis))
        if unknown:
            raise ValueError(f"targets for unknown KPI ids {unknown}; known ids: {self.ids}")
        self._targets = {k: float(v) for k, v in (targets or {}).items()}

    @property
    def ids(self) -> list[str]:
        return list(self._kpis)

    def get(self, kpi_id: str) -> Kpi:
        try:
            return self._kpis[kpi_id]
        except KeyError:
            raise KeyError(f"unknown KPI {kpi_id!r}; known: {', '.join(self._kpis)}") from None

    def target(self, kpi_id: str, settings: MetricSettings | None = None) -> float | None:
        """The workspace target, else the KPI's default target (for ``settings``' scales)."""
        if kpi_id in self._targets:
            return self._targets[kpi_id]
        kpi = self.get(kpi_id)
        return kpi.for_settings(settings).default_target if settings else kpi.default_target

    def in_group(self, group: Group) -> list[Kpi]:
        return [k for k in self._kpis.values() if k.group == group]

    def __contains__(self, kpi_id: object) -> bool:
        return kpi_id in self._kpis

    def __iter__(self) -> Iterator[Kpi]:
        return iter(self._kpis.values())

    def __len__(self) -> int:
        return len(self._kpis)


def custom_kpi(spec: CustomKpiSpec) -> Kpi:
    """A registry ``Kpi`` for one custom benefit KPI read from ``kpi_values``."""
    if spec.aggregation not in CUSTOM_AGGREGATIONS:
        raise ValueError(
            f"custom KPI {spec.id!r}: aggregation must be one of {CUSTOM_AGGREGATIONS}, "
            f"got {spec.aggregation!r}"
        )
    if spec.direction not in ("higher", "lower"):
        raise ValueError(
            f"custom KPI {spec.id!r}: direction must be 'higher' or 'lower', got {spec.direction!r}"
        )
    description = spec.description or (
        f"{spec.aggregation} of kpi_values rows with kpi = '{spec.id}'."
    )
    return Kpi(
        id=spec.id,
        label=spec.label or spec.id,
        unit=spec.unit or "",
        format="decimal",
        direction=spec.direction,  # type: ignore[arg-type]
        dataset="kpi_values",
        description=description,
        default_target=spec.target,
        group="benefit",
        kind=KIND_OF_AGGREGATION[spec.aggregation],
        formula=custom_formula(spec.id, spec.aggregation),
        decimals=int(getattr(spec, "decimals", 1)),
    )


def build_registry(
    custom_kpis: Sequence[CustomKpiSpec] = (), targets: Mapping[str, float] | None = None
) -> Registry:
    """The built-in KPIs plus the workspace's custom ones, with the workspace's targets."""
    builtin = builtin_kpis()
    taken = {k.id for k in builtin}
    clash = [c.id for c in custom_kpis if c.id in taken]
    if clash:
        raise ValueError(f"custom KPI ids {clash} clash with built-in KPIs; rename them")
    return Registry([*builtin, *(custom_kpi(c) for c in custom_kpis)], targets or {})


DEFAULT_REGISTRY = build_registry()
