"""The KPI registry: every KPI declared once, and the only place pages, exports and tests look.

The built-in KPIs come from ``metrics.catalogue``; a ``Kpi`` is described in
``metrics.kpi``. The workspace adds its targets (which override default targets),
its custom benefit KPIs (``metrics.custom``) and, if it wants, its own choice and
order of overview tiles. Pages ask the registry what to draw: the overview's rows
(``overview_rows``) and each page section's KPIs (``in_section``).

Custom benefit KPIs from the workspace config join without code:

    >>> registry = build_registry([CustomKpiSpec("app_rating", "App rating", aggregation="mean")],
    ...                           targets={"nps": 40})
    >>> registry.get("app_rating").dataset, registry.target("nps"), registry.target("csat")
    ('kpi_values', 40.0, 0.8)
    >>> registry.get("nps").format_value(42.06), registry.get("csat").format_value(0.8734)
    ('42.1', '87.3%')
    >>> [(title, [k.id for k in kpis]) for title, kpis in registry.overview_rows()][0]
    ('Customer benefit', ['nps', 'csat', 'ces'])
    >>> chosen = build_registry(overview=["revenue", "app_rating", "nps"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: overview tiles name unknown KPI ids ['app_rating']; known ids: ...
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from metrics.catalogue import builtin_kpis
from metrics.custom import CustomKpiSpec, custom_kpi
from metrics.kpi import GROUP_TITLES, SECTIONS, Group, Kpi
from metrics.settings import MetricSettings


class Registry:
    """KPIs by id, plus the workspace's targets (which override default targets) and, when it
    chooses them, its overview tiles in its order."""

    def __init__(
        self,
        kpis: Sequence[Kpi],
        targets: Mapping[str, float] | None = None,
        overview: Sequence[str] | None = None,
    ):
        self._kpis: dict[str, Kpi] = {}
        for kpi in kpis:
            if kpi.id in self._kpis:
                raise ValueError(f"KPI id {kpi.id!r} is declared twice")
            self._kpis[kpi.id] = kpi
        unknown = sorted(set(targets or {}) - set(self._kpis))
        if unknown:
            raise ValueError(f"targets for unknown KPI ids {unknown}; known ids: {self.ids}")
        self._targets = {k: float(v) for k, v in (targets or {}).items()}
        if overview is not None:
            unknown = [k for k in overview if k not in self._kpis]
            if unknown:
                raise ValueError(
                    f"overview tiles name unknown KPI ids {unknown}; known ids: {self.ids}"
                )
        self._overview = (
            tuple(dict.fromkeys(overview))
            if overview is not None
            else tuple(k.id for k in kpis if k.on_overview)
        )

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

    def in_section(self, section: str) -> list[Kpi]:
        """The KPIs a page section draws (``metrics.kpi.SECTIONS``), in catalogue order."""
        if section not in SECTIONS:
            raise KeyError(f"unknown page section {section!r}; known: {', '.join(SECTIONS)}")
        return [k for k in self._kpis.values() if section in k.sections]

    @property
    def overview_ids(self) -> tuple[str, ...]:
        """The overview's tiles: the workspace's choice and order, else every KPI declared
        ``on_overview`` in catalogue order."""
        return self._overview

    def overview_rows(self) -> list[tuple[str, list[Kpi]]]:
        """The overview's rows: (title, KPIs) per group in display order, customer benefit
        first; each row keeps the order of ``overview_ids``; empty rows are left out."""
        tiles = [self._kpis[k] for k in self._overview]
        rows = [
            (title, [k for k in tiles if k.group == group]) for group, title in GROUP_TITLES.items()
        ]
        return [(title, kpis) for title, kpis in rows if kpis]

    def __contains__(self, kpi_id: object) -> bool:
        return kpi_id in self._kpis

    def __iter__(self) -> Iterator[Kpi]:
        return iter(self._kpis.values())

    def __len__(self) -> int:
        return len(self._kpis)


def build_registry(
    custom_kpis: Sequence[CustomKpiSpec] = (),
    targets: Mapping[str, float] | None = None,
    overview: Sequence[str] | None = None,
) -> Registry:
    """The built-in KPIs plus the workspace's custom ones, with the workspace's targets and,
    when it chooses them (``overview`` not None), its overview tiles in its order."""
    builtin = builtin_kpis()
    taken = {k.id for k in builtin}
    clash = [c.id for c in custom_kpis if c.id in taken]
    if clash:
        raise ValueError(f"custom KPI ids {clash} clash with built-in KPIs; rename them")
    return Registry([*builtin, *(custom_kpi(c) for c in custom_kpis)], targets or {}, overview)


DEFAULT_REGISTRY = build_registry()
