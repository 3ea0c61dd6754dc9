"""The workspace config: one TOML file naming sources, column mappings, segments and targets.

Why a file and not code: the people who own the data (analysts, data engineers)
describe where it lives and what their columns are called; the dashboard's code
stays the same for every company. A wrong config must fail on load with the
file, the key and what was expected — not later as a confusing KeyError in a page.

Credentials never live here: a source names a ``connection`` whose URL comes from
``.streamlit/secrets.toml`` or an environment variable (see ``benefitboard.secrets``).

Example:
    >>> from benefitboard.workspace import DEMO_CONFIG  # workspaces/demo/benefitboard.toml
    >>> cfg = load_workspace(DEMO_CONFIG)
    >>> cfg.dataset_source("responses").name
    'shop_db'
"""

from __future__ import annotations

import importlib
import ipaddress
import tomllib
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from canonical.datasets import DATASETS
from canonical.surveys import CES_SCALES, CesScale, is_ces_scale
from metrics.alert_rules import NotificationSettings, RuleKeyError, read_notifications
from metrics.catalogue import builtin_kpis
from metrics.custom import CUSTOM_AGGREGATIONS, CustomKpiSpec
from metrics.kpi import DIRECTIONS
from metrics.registry import Registry, build_registry
from metrics.settings import MetricSettings

SOURCE_MODES = ("refresh", "live")
SHARED_SOURCE_KEYS = frozenset(
    {"kind", "url", "connection", "timezone", "datasets", "query_timeout_seconds", "mode"}
)
"""Keys every ``[sources.NAME]`` may have; a kind adds its own (``SourceKindRules``)."""
SHARED_DATASET_KEYS = frozenset({"columns", "segments", "timestamp_format"})
"""Keys every ``[sources.NAME.datasets.DATASET]`` may have; a kind adds its own."""


class ConfigError(ValueError):
    """A workspace config that cannot be used, naming the file, the key and what was expected."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        super().__init__(f"{path}: [{key}] {problem}")


class SourceKeyError(ValueError):
    """A mistake a source kind finds in its own keys; the reader adds the file and the full key.

    ``key`` is relative to the table the kind was given (``"url"``, or ``""`` for
    the table itself), so a kind knows neither the file nor where its table sits.
    """

    def __init__(self, key: str, problem: str) -> None:
        self.key, self.problem = key, problem
        super().__init__(f"[{key}] {problem}" if key else problem)


KeyType = type | tuple[type, ...]
"""The TOML type a key takes, as ``isinstance`` reads it (``str``, ``(int, float)``)."""


class SourceKindRules(Protocol):
    """What the workspace config needs from a source kind: its own keys and their rules.

    The reader checks the keys every source shares (``kind``, ``mode``,
    ``timezone``, ``url``, ``connection``, ``query_timeout_seconds``; a dataset's
    ``columns``, ``segments``, ``timestamp_format``); the kind declares the rest
    and checks them, so adding a kind never edits this file. The whole protocol,
    with reading rows, is ``connectors.kinds.SourceKind``.
    """

    @property
    def name(self) -> str:
        """What a workspace writes as ``kind = "..."``."""

    @property
    def supports_live(self) -> bool:
        """True when the kind answers aggregates in place, so ``mode = "live"`` is allowed."""

    @property
    def source_keys(self) -> Mapping[str, KeyType]:
        """Keys of ``[sources.NAME]`` only this kind takes, with their types."""

    @property
    def dataset_keys(self) -> Mapping[str, KeyType]:
        """Keys of ``[sources.NAME.datasets.DATASET]`` only this kind takes (e.g. ``table``)."""

    def check_source(self, raw: Mapping[str, Any]) -> None:
        """Raise SourceKeyError when the source's table (types already checked) breaks a rule."""

    def check_dataset(self, raw: Mapping[str, Any]) -> None:
        """Raise SourceKeyError when a dataset's own keys (types already checked) break a rule."""


BUILT_IN_SOURCE_KINDS: Mapping[str, str] = {"sql": "connectors.sql", "files": "connectors.files"}
"""The built-in source kinds: name -> the module whose ``SOURCE_KIND`` implements it.

Module names, not imports (as datasette lists its built-in plugins): this layer
sits below ``connectors`` and must not import it. A module is imported the first
time a workspace names its kind, so a workspace of files never imports the sql
kind. Other kinds join with ``register_source_kind``.
"""

SOURCE_KINDS: dict[str, SourceKindRules] = {}
"""The source kinds loaded or registered so far, by name (see ``source_kind_rules``)."""


def register_source_kind(kind: SourceKindRules) -> None:
    """Let workspaces write ``kind = "<kind.name>"``; the kind checks its own keys on load."""
    SOURCE_KINDS[kind.name] = kind


def source_kind_names() -> tuple[str, ...]:
    """Every kind a workspace may name, built-in ones first.

    >>> source_kind_names()[:2]
    ('sql', 'files')
    """
    return tuple(dict.fromkeys([*BUILT_IN_SOURCE_KINDS, *SOURCE_KINDS]))


def source_kind_rules(name: str) -> SourceKindRules | None:
    """The kind called ``name`` (importing a built-in one on first use), or None if unknown.

    >>> source_kind_rules("files").supports_live, source_kind_rules("ftp")
    (False, None)
    """
    if name not in SOURCE_KINDS and name in BUILT_IN_SOURCE_KINDS:
        module = importlib.import_module(BUILT_IN_SOURCE_KINDS[name])
        SOURCE_KINDS[name] = module.SOURCE_KIND
    return SOURCE_KINDS.get(name)


@dataclass(frozen=True)
class DatasetMapping:
    """How one source table, query or file becomes one canonical dataset.

    ``table``/``query`` (sql) and ``path``/``delimiter``/``encoding`` (files) hold
    the built-in kinds' own keys, typed for their readers; any other kind's own
    keys are in ``options``. Which keys a dataset may have is the kind's rule.
    """

    dataset: str
    columns: Mapping[str, str]
    """canonical column -> source column; unlisted canonical columns keep their own name."""
    segments: tuple[str, ...] = ()
    table: str | None = None
    query: str | None = None
    path: str | None = None
    delimiter: str | None = None
    encoding: str = "utf-8"
    timestamp_format: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    """The kind's own keys without a field above, as its ``dataset_keys`` declare them."""

    def source_column(self, canonical_name: str) -> str:
        return self.columns.get(canonical_name, canonical_name)


_KIND_MAPPING_FIELDS = frozenset({"table", "query", "path", "delimiter", "encoding"})
"""Kinds' own dataset keys that DatasetMapping holds as typed fields rather than in ``options``."""


@dataclass(frozen=True)
class SourceConfig:
    """One place data comes from, read by its ``kind`` (``sql``: a database; ``files``: files)."""

    name: str
    kind: str
    base_dir: Path
    datasets: Mapping[str, DatasetMapping]
    url: str | None = None
    connection: str | None = None
    timezone: str = "UTC"
    query_timeout_seconds: float = 60.0
    mode: str = "refresh"
    """"refresh" copies the rows into the store; "live" (kinds that support it: sql) leaves
    them in the database, which filters and aggregates per view (docs/SCALING.md)."""
    options: Mapping[str, Any] = field(default_factory=dict)
    """The kind's own keys of ``[sources.NAME]``, as its ``source_keys`` declare them."""

    @property
    def live(self) -> bool:
        return self.mode == "live"


@dataclass(frozen=True)
class RowRule:
    """Row-level access: whom it limits, and to which values of which segments.

    ``who`` holds addresses and ``@domains`` like the role lists; a person it names sees
    only rows whose segment values are listed (a regional manager: region = North).
    """

    who: tuple[str, ...]
    segments: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class AccessConfig:
    """Who may open the dashboard once sign-in is configured, and with which role.

    Entries are e-mail addresses or domains written ``@example.com``. Analysts
    also see customers' words, quarantined rows and downloads; viewers see
    KPIs and charts.
    """

    analysts: tuple[str, ...] = ()
    viewers: tuple[str, ...] = ()
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    """Proxies whose forwarding headers name the visitor, for the local-only guard
    (``benefitboard/visitor.py``); none by default, so every such header counts."""
    rows: tuple[RowRule, ...] = ()
    """Row-level limits (``[[access.rows]]``), checked in order; see benefitboard.access."""


@dataclass(frozen=True)
class WorkspaceConfig:
    """Everything a workspace declares; paths are already resolved against the file's folder."""

    path: Path
    name: str
    timezone: str
    store_dir: Path
    sources: Mapping[str, SourceConfig]
    min_sample: int = 30
    csat_scale: tuple[int, int] = (1, 5)
    ces_scale: CesScale = "agreement7"
    currency: str = "EUR"
    targets: Mapping[str, float] = field(default_factory=dict)
    custom_kpis: tuple[CustomKpiSpec, ...] = ()
    expectations: tuple[Mapping[str, Any], ...] = ()
    max_age_hours: Mapping[str, float] = field(default_factory=dict)
    keep_snapshots: int = 20
    pin_retention_days: int = 365
    as_of: date | None = None
    """``[workspace] as_of``: the date a historical export is read as of. Relative periods end
    there at the latest, and freshness measures the data's age against the end of that day."""
    access: AccessConfig = field(default_factory=lambda: AccessConfig())
    taxonomy: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Feedback theme -> keywords that tag survey comments and contact notes into it."""
    overview_tiles: tuple[str, ...] | None = None
    """``[overview] tiles``: the KPI ids the executive overview shows, in order; None keeps the
    registry's defaults (every KPI declared ``on_overview``, in catalogue order)."""
    notifications: NotificationSettings = field(default_factory=NotificationSettings)
    """``[[alerts]]``, ``[[digests]]``, ``[notifications]`` and ``[schedule]`` (docs/ALERTS.md)."""

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    def dataset_source(self, dataset: str) -> SourceConfig | None:
        """The source that provides ``dataset``, or None when the workspace has no such data."""
        for source in self.sources.values():
            if dataset in source.datasets:
                return source
        return None

    def datasets(self) -> tuple[str, ...]:
        return tuple(d for s in self.sources.values() for d in s.datasets)

    def segments(self, dataset: str) -> tuple[str, ...]:
        source = self.dataset_source(dataset)
        return source.datasets[dataset].segments if source else ()

    def metric_settings(self) -> MetricSettings:
        """How the metrics engine reads this workspace's data (pages, alerts and init alike)."""
        return MetricSettings(
            timezone=self.timezone,
            min_sample=self.min_sample,
            csat_scale=self.csat_scale,
            ces_scale=self.ces_scale,
            currency=self.currency,
        )

    def registry(self) -> Registry:
        """Built-in KPIs plus the workspace's custom ones, with its targets and overview tiles."""
        return build_registry(self.custom_kpis, self.targets, self.overview_tiles)


def load_workspace(path: Path | str) -> WorkspaceConfig:
    """Read and check a workspace TOML file; raise ConfigError naming the key on any mistake."""
    path = Path(path).resolve()
    if not path.is_file():
        raise ConfigError(path, "file", "workspace config not found; set BENEFITBOARD_CONFIG")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, "file", f"is not valid TOML: {error}") from None
    return _Reader(path).workspace(raw)


class _Reader:
    """Walks the parsed TOML, checking each key's type, so errors can name the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.path, key, problem)

    def table(self, raw: Mapping[str, Any], key: str, name: str, required: bool = False) -> dict:
        value = raw.get(name)
        if value is None:
            if required:
                raise self.fail(key, f"missing table [{key}.{name}]".replace("[.", "["))
            return {}
        if not isinstance(value, dict):
            raise self.fail(f"{key}.{name}".lstrip("."), f"expected a table, got {value!r}")
        return value

    def get(self, raw: Mapping[str, Any], key: str, name: str, kind: type | tuple, default=None):
        value = raw.get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            raise self.fail(f"{key}.{name}", f"expected a number, got {value!r}")
        if not isinstance(value, kind):
            expected = kind.__name__ if isinstance(kind, type) else "a number"
            raise self.fail(f"{key}.{name}", f"expected {expected}, got {value!r}")
        return value

    def unknown_keys(self, raw: Mapping[str, Any], key: str, allowed: set[str]) -> None:
        extra = sorted(set(raw) - allowed)
        if extra:
            raise self.fail(key, f"unknown key(s) {extra}; expected some of {sorted(allowed)}")

    def timezone(self, value: str, key: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise self.fail(
                key, f"unknown time zone {value!r}; use an IANA name like 'Europe/Berlin'"
            ) from None
        return value

    def workspace(self, raw: Mapping[str, Any]) -> WorkspaceConfig:
        self.unknown_keys(
            raw,
            "",
            {"workspace", "sources", "targets", "custom_kpis", "expectations", "freshness"}
            | {"access", "taxonomy", "overview"}
            | {"alerts", "digests", "notifications", "schedule"},
        )
        ws = self.table(raw, "", "workspace", required=True)
        self.unknown_keys(
            ws,
            "workspace",
            {"name", "timezone", "store", "min_sample", "csat_scale", "ces_scale", "currency"}
            | {"keep_snapshots", "pin_retention_days", "as_of"},
        )
        tz = self.timezone(self.get(ws, "workspace", "timezone", str, "UTC"), "workspace.timezone")
        csat = ws.get("csat_scale", [1, 5])
        if not (
            isinstance(csat, list)
            and len(csat) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in csat)
            and csat[0] < csat[1]
        ):
            raise self.fail("workspace.csat_scale", f"expected [low, high] integers, got {csat!r}")
        ces = self.get(ws, "workspace", "ces_scale", str, "agreement7")
        if not is_ces_scale(ces):
            raise self.fail(
                "workspace.ces_scale", f"expected one of {tuple(CES_SCALES)}, got {ces!r}"
            )
        sources_raw = self.table(raw, "", "sources", required=True)
        sources = {name: self.source(name, body) for name, body in sources_raw.items()}
        self._check_each_dataset_once(sources)
        targets = self.targets(self.table(raw, "", "targets"))
        custom_kpis = self.custom_kpis(raw.get("custom_kpis", []))
        overview_tiles = self.overview(self.table(raw, "", "overview"), custom_kpis)
        access = self.access(self.table(raw, "", "access"))
        self._check_row_rules(access.rows, sources)
        return WorkspaceConfig(
            path=self.path,
            name=self.get(ws, "workspace", "name", str, self.path.parent.name),
            timezone=tz,
            store_dir=(self.path.parent / self.get(ws, "workspace", "store", str, "store")),
            sources=sources,
            min_sample=self.get(ws, "workspace", "min_sample", int, 30),
            csat_scale=(csat[0], csat[1]),
            ces_scale=ces,
            currency=self.get(ws, "workspace", "currency", str, "EUR"),
            targets=targets,
            custom_kpis=custom_kpis,
            expectations=self.expectations(raw.get("expectations", [])),
            max_age_hours=self.freshness(self.table(raw, "", "freshness")),
            keep_snapshots=self.get(ws, "workspace", "keep_snapshots", int, 20),
            pin_retention_days=self.get(ws, "workspace", "pin_retention_days", int, 365),
            as_of=self.as_of(ws.get("as_of")),
            access=access,
            taxonomy=self.taxonomy(self.table(raw, "", "taxonomy")),
            overview_tiles=overview_tiles,
            notifications=self.notifications(raw, custom_kpis, sources),
        )

    def notifications(
        self,
        raw: Mapping[str, Any],
        custom_kpis: tuple[CustomKpiSpec, ...],
        sources: Mapping[str, SourceConfig],
    ) -> NotificationSettings:
        """Alert rules, digests and the schedule, checked against the KPIs and segments."""
        known = {k.id: k.dataset for k in builtin_kpis()}
        known |= {k.id: "kpi_values" for k in custom_kpis}
        segments = {ds: m.segments for s in sources.values() for ds, m in s.datasets.items()}
        try:
            return read_notifications(raw, known_kpis=known, segments=segments)
        except RuleKeyError as error:
            raise self.fail(error.key, error.problem) from None

    def access(self, raw: Mapping[str, Any]) -> AccessConfig:
        self.unknown_keys(raw, "access", {"analysts", "viewers", "trusted_proxies", "rows"})
        lists = {}
        for role in ("analysts", "viewers"):
            entries = raw.get(role, [])
            if not isinstance(entries, list) or not all(
                isinstance(e, str) and "@" in e and " " not in e for e in entries
            ):
                raise self.fail(
                    f"access.{role}",
                    f"expected a list of e-mail addresses or '@domain' entries, got {entries!r}",
                )
            lists[role] = tuple(e.strip().lower() for e in entries)
        return AccessConfig(
            **lists, trusted_proxies=self.trusted_proxies(raw), rows=self.row_rules(raw)
        )

    def _check_row_rules(
        self, rules: tuple[RowRule, ...], sources: Mapping[str, SourceConfig]
    ) -> None:
        """A limit on a segment no dataset declares would limit nothing: refuse it at load."""
        declared = {
            segment
            for source in sources.values()
            for dataset in source.datasets.values()
            for segment in dataset.segments
        }
        for number, rule in enumerate(rules, 1):
            for segment, _ in rule.segments:
                if segment not in declared:
                    raise self.fail(
                        f"access.rows[{number}].segments.{segment}",
                        f"no dataset declares the segment {segment!r}; declared: "
                        f"{sorted(declared)}",
                    )

    def row_rules(self, raw: Mapping[str, Any]) -> tuple[RowRule, ...]:
        entries = raw.get("rows", [])
        if not isinstance(entries, list):
            raise self.fail("access.rows", "expected [[access.rows]] tables")
        rules = []
        for number, entry in enumerate(entries, 1):
            key = f"access.rows[{number}]"
            if not isinstance(entry, dict):
                raise self.fail(key, f"expected a table with who and segments, got {entry!r}")
            self.unknown_keys(entry, key, {"who", "segments"})
            who, segments = entry.get("who"), entry.get("segments")
            if (
                not isinstance(who, list)
                or not who
                or not all(isinstance(e, str) and "@" in e and " " not in e for e in who)
            ):
                raise self.fail(
                    f"{key}.who",
                    f"expected a list of e-mail addresses or '@domain' entries, got {who!r}",
                )
            if not isinstance(segments, dict) or not segments:
                raise self.fail(
                    f"{key}.segments",
                    'expected a table of segment = [values], like { region = ["North"] }, '
                    f"got {segments!r}",
                )
            limits = []
            for segment, values in segments.items():
                if (
                    not isinstance(values, list)
                    or not values
                    or not all(isinstance(v, str) for v in values)
                ):
                    raise self.fail(
                        f"{key}.segments.{segment}",
                        f"expected a non-empty list of values, got {values!r}",
                    )
                limits.append((segment, tuple(values)))
            rules.append(RowRule(tuple(e.strip().lower() for e in who), tuple(limits)))
        return tuple(rules)

    def trusted_proxies(
        self, raw: Mapping[str, Any]
    ) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        key, entries = "access.trusted_proxies", raw.get("trusted_proxies", [])
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise self.fail(
                key,
                f"expected a list of IP addresses or networks like '10.0.0.0/8', got {entries!r}",
            )
        networks = []
        for entry in entries:
            try:
                networks.append(ipaddress.ip_network(entry.strip()))
            except ValueError as error:
                raise self.fail(
                    key,
                    f"{entry!r} is not an IP address or network ({error}); "
                    "write an address like '127.0.0.1' or a network like '10.0.0.0/8'",
                ) from None
        return tuple(networks)

    def source(self, name: str, raw: Any) -> SourceConfig:
        key = f"sources.{name}"
        if not isinstance(raw, dict):
            raise self.fail(key, f"expected a table, got {raw!r}")
        kind = self.get(raw, key, "kind", str)
        rules = source_kind_rules(kind) if kind else None
        if rules is None:  # first: which other keys are allowed depends on the kind
            raise self.fail(f"{key}.kind", f"expected one of {source_kind_names()}, got {kind!r}")
        self.unknown_keys(raw, key, {*SHARED_SOURCE_KEYS, *rules.source_keys})
        mode = self.get(raw, key, "mode", str, "refresh")
        if mode not in SOURCE_MODES:
            raise self.fail(f"{key}.mode", f"expected one of {SOURCE_MODES}, got {mode!r}")
        if mode == "live" and not rules.supports_live:
            raise self.fail(
                f"{key}.mode",
                f"live mode reads a database in place; a {kind!r} source can only be copied "
                '(remove `mode` or write mode = "refresh")',
            )
        url = self.get(raw, key, "url", str)
        connection = self.get(raw, key, "connection", str)
        timeout = self.get(raw, key, "query_timeout_seconds", (int, float), 60.0)
        if timeout <= 0:  # PostgreSQL reads statement_timeout = 0 as "no limit"
            raise self.fail(
                f"{key}.query_timeout_seconds", f"expected seconds above 0, got {timeout!r}"
            )
        options = self.own_keys(raw, key, rules.source_keys)
        self.kind_check(rules.check_source, raw, key)
        if url and has_password(url):
            raise self.fail(
                f"{key}.url",
                "contains a password; put it in .streamlit/secrets.toml under "
                f"[connections.{name}] url = '...' and write connection = '{name}' here",
            )
        datasets_raw = self.table(raw, key, "datasets", required=True)
        datasets = {
            ds: self.mapping(f"{key}.datasets.{ds}", ds, body, rules)
            for ds, body in datasets_raw.items()
        }
        return SourceConfig(
            name=name,
            kind=kind,
            base_dir=self.path.parent,
            datasets=datasets,
            url=url,
            connection=connection,
            timezone=self.timezone(self.get(raw, key, "timezone", str, "UTC"), f"{key}.timezone"),
            query_timeout_seconds=float(timeout),
            mode=mode,
            options=options,
        )

    def mapping(self, key: str, dataset: str, raw: Any, rules: SourceKindRules) -> DatasetMapping:
        if dataset not in DATASETS:
            raise self.fail(key, f"unknown dataset {dataset!r}; expected one of {sorted(DATASETS)}")
        if not isinstance(raw, dict):
            raise self.fail(key, f"expected a table, got {raw!r}")
        self.unknown_keys(raw, key, {*SHARED_DATASET_KEYS, *rules.dataset_keys})
        columns = self.table(raw, key, "columns")
        spec = DATASETS[dataset]
        for canonical_name, source_name in columns.items():
            if canonical_name not in spec.names:
                raise self.fail(
                    f"{key}.columns.{canonical_name}",
                    f"{canonical_name!r} is not a canonical column of {dataset}; "
                    f"expected one of {list(spec.names)} (declare other columns as segments)",
                )
            if not isinstance(source_name, str) or not source_name:
                raise self.fail(f"{key}.columns.{canonical_name}", "expected a source column name")
        segments = raw.get("segments", [])
        if not isinstance(segments, list) or not all(isinstance(s, str) and s for s in segments):
            raise self.fail(f"{key}.segments", f"expected a list of column names, got {segments!r}")
        clash = sorted(set(segments) & set(spec.names))
        if clash:
            raise self.fail(f"{key}.segments", f"{clash} are canonical columns, not segments")
        own = self.own_keys(raw, key, rules.dataset_keys)
        self.kind_check(rules.check_dataset, own, key)
        typed = {k: v for k, v in own.items() if k in _KIND_MAPPING_FIELDS}
        return DatasetMapping(
            dataset=dataset,
            columns=dict(columns),
            segments=tuple(segments),
            timestamp_format=self.get(raw, key, "timestamp_format", str),
            options={k: v for k, v in own.items() if k not in typed},
            **typed,
        )

    def own_keys(
        self, raw: Mapping[str, Any], key: str, declared: Mapping[str, KeyType]
    ) -> dict[str, Any]:
        """The kind's own keys that ``raw`` sets, each checked against its declared type."""
        return {
            name: self.get(raw, key, name, kind) for name, kind in declared.items() if name in raw
        }

    def kind_check(
        self, check: Callable[[Mapping[str, Any]], None], raw: Mapping[str, Any], key: str
    ) -> None:
        """Run a kind's rule on its table, turning its SourceKeyError into a ConfigError."""
        try:
            check(raw)
        except SourceKeyError as problem:
            raise self.fail(
                f"{key}.{problem.key}" if problem.key else key, problem.problem
            ) from None

    def targets(self, raw: Mapping[str, Any]) -> dict[str, float]:
        return {k: float(self.get(raw, "targets", k, (int, float))) for k in raw}

    def freshness(self, raw: Mapping[str, Any]) -> dict[str, float]:
        """Hours per dataset; ``false`` or ``"off"`` switch the check off (stored as 0)."""
        hours = {}
        for dataset, value in raw.items():
            if dataset not in DATASETS:
                raise self.fail(f"freshness.{dataset}", "unknown dataset")
            if value is False or value == "off":
                hours[dataset] = 0.0
            elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise self.fail(
                    f"freshness.{dataset}",
                    f'expected hours (a number >= 0) or "off", got {value!r}',
                )
            else:
                hours[dataset] = float(value)
        return hours

    def as_of(self, value: Any) -> date | None:
        """A TOML date (``as_of = 2018-08-31``) or the same as text; not a date and time."""
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail("workspace.as_of", f"expected a date like 2018-08-31, got {value!r}")

    def custom_kpis(self, raw: Any) -> tuple[CustomKpiSpec, ...]:
        if not isinstance(raw, list):
            raise self.fail("custom_kpis", "expected an array of tables [[custom_kpis]]")
        kpis = []
        for i, body in enumerate(raw):
            key = f"custom_kpis[{i}]"
            if not isinstance(body, dict):
                raise self.fail(key, f"expected a table, got {body!r}")
            allowed = {"id", "label", "unit", "aggregation", "direction", "target"}
            self.unknown_keys(body, key, allowed | {"decimals", "description"})
            kpi_id = self.get(body, key, "id", str)
            if not kpi_id or not kpi_id.replace("_", "").isalnum():
                raise self.fail(f"{key}.id", f"expected a name like 'app_rating', got {kpi_id!r}")
            aggregation = self.get(body, key, "aggregation", str, "mean")
            if aggregation not in CUSTOM_AGGREGATIONS:
                raise self.fail(
                    f"{key}.aggregation",
                    f"expected one of {CUSTOM_AGGREGATIONS}, got {aggregation!r}",
                )
            direction = self.get(body, key, "direction", str, "higher")
            if direction not in DIRECTIONS:
                raise self.fail(
                    f"{key}.direction", f"expected one of {DIRECTIONS}, got {direction!r}"
                )
            target = self.get(body, key, "target", (int, float))
            kpis.append(
                CustomKpiSpec(
                    id=kpi_id,
                    label=self.get(body, key, "label", str, kpi_id),
                    unit=self.get(body, key, "unit", str, ""),
                    aggregation=aggregation,
                    direction=direction,
                    target=None if target is None else float(target),
                    decimals=self.get(body, key, "decimals", int, 1),
                    description=self.get(body, key, "description", str, ""),
                )
            )
        ids = [k.id for k in kpis]
        if len(ids) != len(set(ids)):
            raise self.fail("custom_kpis", f"duplicate ids in {ids}")
        return tuple(kpis)

    def overview(
        self, raw: Mapping[str, Any], custom_kpis: tuple[CustomKpiSpec, ...]
    ) -> tuple[str, ...] | None:
        """``[overview] tiles = ["nps", "csat", ...]``: which KPIs the overview shows, in order
        (built-in or custom ids); without it the overview shows the registry's defaults."""
        self.unknown_keys(raw, "overview", {"tiles"})
        if "tiles" not in raw:
            return None
        tiles = raw["tiles"]
        known = [k.id for k in builtin_kpis()] + [k.id for k in custom_kpis]
        if not (isinstance(tiles, list) and tiles and all(isinstance(t, str) for t in tiles)):
            raise self.fail(
                "overview.tiles", f"expected a non-empty list of KPI ids, got {tiles!r}"
            )
        unknown = [t for t in tiles if t not in known]
        if unknown:
            raise self.fail(
                "overview.tiles", f"unknown KPI id(s) {unknown}; expected some of {known}"
            )
        if len(set(tiles)) != len(tiles):
            raise self.fail("overview.tiles", f"each KPI at most once, got {tiles!r}")
        return tuple(tiles)

    def expectations(self, raw: Any) -> tuple[Mapping[str, Any], ...]:
        if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
            raise self.fail("expectations", "expected an array of tables [[expectations]]")
        for i, body in enumerate(raw):
            if body.get("dataset") not in DATASETS:
                raise self.fail(
                    f"expectations[{i}].dataset", f"unknown dataset {body.get('dataset')!r}"
                )
            if not isinstance(body.get("expectation"), str):
                raise self.fail(
                    f"expectations[{i}].expectation",
                    "expected a Great Expectations class name like 'ExpectColumnValuesToBeBetween'",
                )
        return tuple(raw)

    def taxonomy(self, raw: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
        """``[taxonomy.themes.NAME] keywords = [...]``: the words and phrases that mean a theme."""
        self.unknown_keys(raw, "taxonomy", {"themes"})
        taxonomy: dict[str, tuple[str, ...]] = {}
        for theme, body in self.table(raw, "taxonomy", "themes").items():
            key = f"taxonomy.themes.{theme}"
            if not theme.strip():
                raise self.fail(key, "a theme needs a name")
            if not isinstance(body, dict):
                raise self.fail(key, f"expected a table with `keywords`, got {body!r}")
            self.unknown_keys(body, key, {"keywords"})
            keywords = body.get("keywords")
            if not (
                isinstance(keywords, list)
                and keywords
                and all(isinstance(k, str) and k.strip("* ") for k in keywords)
            ):
                raise self.fail(
                    f"{key}.keywords",
                    'expected a non-empty list of words or phrases, e.g. ["referral*", '
                    f'"refer a friend"] (a trailing * allows any ending), got {keywords!r}',
                )
            taxonomy[theme] = tuple(k.strip() for k in keywords)
        return taxonomy

    def _check_each_dataset_once(self, sources: Mapping[str, SourceConfig]) -> None:
        seen: dict[str, str] = {}
        for source in sources.values():
            for dataset in source.datasets:
                if dataset in seen:
                    raise self.fail(
                        f"sources.{source.name}.datasets.{dataset}",
                        f"dataset {dataset!r} is already provided by source {seen[dataset]!r}; "
                        "each dataset comes from one source",
                    )
                seen[dataset] = source.name


def has_password(url: str) -> bool:
    """True when a URL carries credentials (``user:password@``)."""
    netloc = url.split("://", 1)[-1].split("/", 1)[0]
    return "@" in netloc and ":" in netloc.split("@", 1)[0]
