"""Which KPIs a workspace can compute at all, and for each of the others what it lacks.

Why: the pages were built around the demo shop, which has every dataset. A real
workspace (reviews and orders only, say) then showed a "no data" tile for every
KPI it can never have: NPS without NPS answers, CAC without marketing spend. A
tile that can never fill is noise, so pages draw only the KPIs the workspace
*tracks*, and the overview names the others once ("Not tracked yet: …") with
what to add.

"Tracks" is decided from what the refresh stored, never from the period on
screen: a KPI the workspace tracks that has no rows this month keeps its tile,
which says "no data" and why. ``Holdings`` is that stored state: per dataset,
the canonical columns that hold at least one value (the connector stores an
unmapped optional column as nulls, so a column of nulls is a column the source
does not provide), and which surveys have answers. A KPI is tracked when its
dataset is held, every one of its inputs (``kpi_inputs``: the dataset's time
column and the KPI's ``columns``) holds values, and, for a survey KPI, its
survey has answers.

Example (the Olist sample: reviews as CSAT, orders, revenue and first orders, no spend):
    >>> from metrics.registry import DEFAULT_REGISTRY
    >>> olist = Holdings(
    ...     columns={"responses": frozenset({"responded_at", "survey", "score"}),
    ...              "acquisition": frozenset({"date", "channel", "new_customers"})},
    ...     surveys=frozenset({"csat"}))
    >>> [k.id for k in tracked(DEFAULT_REGISTRY, olist)]
    ['csat', 'csat_mean', 'new_customers']
    >>> lacks(DEFAULT_REGISTRY.get("nps"), olist)
    'NPS answers in responses'
    >>> lacks(DEFAULT_REGISTRY.get("cac"), olist)
    'the spend column of acquisition'
    >>> lacks(DEFAULT_REGISTRY.get("price_index"), olist)
    'a prices dataset'
    >>> how_to_add(untracked([DEFAULT_REGISTRY.get("cac")], olist)[0])
    "map a spend column in the workspace's acquisition dataset (see docs/KPIS.md, `cac`)"
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from canonical.datasets import dataset_spec
from metrics.kpi import Kpi


@dataclass(frozen=True)
class Holdings:
    """What the workspace's stored data holds, as far as KPIs care."""

    columns: Mapping[str, frozenset[str]]
    """Dataset → its canonical columns holding at least one value. A dataset the workspace
    does not declare, or whose refresh failed with no data kept, is absent."""
    surveys: frozenset[str] | None = None
    """The surveys (``canonical.surveys.SURVEYS``) with at least one answer; None when
    unknown (a live source is not scanned for them), and then every survey counts as held."""


@dataclass(frozen=True)
class Untracked:
    """A KPI the workspace can't compute, and what it lacks (``lacks``' words)."""

    kpi: Kpi
    needs: str
    dataset_absent: bool
    absent_columns: tuple[str, ...]


def kpi_inputs(kpi: Kpi) -> tuple[str, ...]:
    """The canonical columns ``kpi``'s value is computed from: its dataset's time column and
    the columns it declares (``Kpi.columns``).

    >>> from metrics.registry import DEFAULT_REGISTRY
    >>> kpi_inputs(DEFAULT_REGISTRY.get("on_time_rate"))
    ('ordered_at', 'delivered_at', 'promised_at')
    """
    time_column = dataset_spec(kpi.dataset).time_column
    return tuple(dict.fromkeys([time_column, *kpi.columns]))


def lacks(kpi: Kpi, holdings: Holdings) -> str | None:
    """What the workspace lacks to compute ``kpi``, in a reader's words; None when it tracks it."""
    found = _lacking(kpi, holdings)
    return found.needs if found else None


def tracked(kpis: Iterable[Kpi], holdings: Holdings) -> list[Kpi]:
    """The KPIs of ``kpis`` the workspace can compute, in their order."""
    return [kpi for kpi in kpis if _lacking(kpi, holdings) is None]


def untracked(kpis: Iterable[Kpi], holdings: Holdings) -> list[Untracked]:
    """The KPIs of ``kpis`` the workspace can't compute, each with what it lacks, in order."""
    return [found for kpi in kpis if (found := _lacking(kpi, holdings)) is not None]


def how_to_add(item: Untracked) -> str:
    """One instruction that makes ``item`` tracked, pointing to the KPI's section of the docs.

    >>> from metrics.registry import DEFAULT_REGISTRY
    >>> print(how_to_add(untracked([DEFAULT_REGISTRY.get("nps")], Holdings({}))[0]))
    add a responses dataset to a source in the workspace file and refresh (see docs/KPIS.md, `nps`)
    """
    kpi = item.kpi
    if item.dataset_absent:
        step = f"add a {kpi.dataset} dataset to a source in the workspace file and refresh"
    elif item.absent_columns:
        names = " and ".join(item.absent_columns)
        noun = "columns" if len(item.absent_columns) > 1 else "column"
        step = f"map a {names} {noun} in the workspace's {kpi.dataset} dataset"
    else:
        step = f"collect {item.needs}, with survey = '{kpi.survey}'"
    return f"{step} (see docs/KPIS.md, `{kpi.id}`)"


def _lacking(kpi: Kpi, holdings: Holdings) -> Untracked | None:
    held = holdings.columns.get(kpi.dataset)
    if held is None:
        return Untracked(kpi, f"a {kpi.dataset} dataset", True, ())
    absent = tuple(c for c in kpi_inputs(kpi) if c not in held)
    if absent:
        noun = "columns" if len(absent) > 1 else "column"
        needs = f"the {' and '.join(absent)} {noun} of {kpi.dataset}"
        return Untracked(kpi, needs, False, absent)
    if kpi.survey and holdings.surveys is not None and kpi.survey not in holdings.surveys:
        return Untracked(kpi, f"{kpi.survey.upper()} answers in {kpi.dataset}", False, ())
    return None
