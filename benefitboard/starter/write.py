"""Render what ``init`` guessed as a workspace TOML, every choice with its reason as a comment.

Why comments and not a report beside the file: the config is what the person edits
next, so the reason for each line sits on that line (``ordered_at =
"order_purchase_timestamp"  # its name (no offset)``), and what was left out (a
city column with 999 values, a file that looked like orders but has no amount, the
KPIs nothing feeds) is said where they would add it.

The time zone is never guessed: exports rarely say which zone their plain
timestamps are in, and a wrong zone moves every late-evening answer to the next
day. The file says ``UTC`` and asks, listing which columns carry an offset
(converted exactly) and which do not (read in the zone written).

Example:
    >>> from benefitboard.starter.profile import profile_frame
    >>> import polars as pl
    >>> reviews = profile_frame("reviews", pl.DataFrame({"review_id": ["r1", "r2"],
    ...     "stars": ["5", "2"], "created": ["2025-03-01 10:00:00", "2025-03-02 11:00:00"]}))
    >>> plan = plan_workspace([reviews], name="shop", base_dir=Path("/tmp"), today=date(2025, 3, 3))
    >>> text = render(plan)
    >>> "csat_scale = [1, 5]" in text, "'csat' AS survey" in text, "t.stars AS score" in text
    (True, True, True)
    >>> [k.id for k in plan.shows]
    ['csat', 'csat_mean']
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from benefitboard.config import WorkspaceConfig
from benefitboard.starter.guess import DatasetGuess, Miss, Pick, guess_all
from benefitboard.starter.profile import TableProfile
from benefitboard.starter.query import dataset_query, from_orders_queries, identifier
from benefitboard.text import printable
from canonical.datasets import DATASETS, dataset_spec
from canonical.surveys import SURVEYS
from metrics.availability import Holdings, Untracked, tracked, untracked
from metrics.kpi import Kpi
from metrics.registry import DEFAULT_REGISTRY
from metrics.settings import MetricSettings

OLD_DATA = timedelta(days=30)
"""Newest rows older than this suggest a one-off historical export (freshness off)."""


@dataclass(frozen=True)
class VendorExport:
    """A file in a survey tool's or shop's export layout, read by its ``format``."""

    dataset: str
    table: TableProfile
    format: str


@dataclass(frozen=True)
class Plan:
    """Everything the starter config says, decided; ``render`` only writes it down."""

    name: str
    kind: str
    """files or sql."""
    tables: tuple[TableProfile, ...]
    guesses: Mapping[str, DatasetGuess]
    exports: Mapping[str, VendorExport]
    misses: tuple[Miss, ...]
    base_dir: Path
    today: date
    url: str | None = None
    derived: Mapping[str, str] = field(default_factory=dict)
    """Datasets computed from the orders query (revenue, acquisition): dataset -> query."""
    shows: tuple[Kpi, ...] = ()
    lacking: tuple[Untracked, ...] = ()
    settings: MetricSettings = field(default_factory=MetricSettings)

    @property
    def source_name(self) -> str:
        return "files" if self.kind == "files" else "database"

    @property
    def feeds_nothing(self) -> bool:
        return not (self.guesses or self.exports or self.derived)

    def table(self, name: str) -> TableProfile:
        return next(t for t in self.tables if t.name == name)


def plan_workspace(
    tables: Sequence[TableProfile],
    *,
    name: str,
    base_dir: Path,
    today: date,
    kind: str = "files",
    url: str | None = None,
) -> Plan:
    """Guess every dataset from ``tables`` and what the dashboard can show from them."""
    exports = _vendor_exports(tables)
    vendor_tables = {e.table.name for e in exports.values()}
    plain = [t for t in tables if t.vendor_format is None or t.name not in vendor_tables]
    guesses, misses = guess_all(plain)
    guesses = {d: g for d, g in guesses.items() if d not in exports}
    if kind == "files":  # a query reads a workbook's first sheet only
        guesses = {d: g for d, g in guesses.items() if _readable(g, tables)}
    scale = guesses["responses"].scale if "responses" in guesses else None
    settings = MetricSettings(
        csat_scale=(scale.low, scale.high) if scale and scale.survey == "csat" else (1, 5),
        ces_scale="effort5" if scale and scale.ces_scale == "effort5" else "agreement7",
    )
    derived = _from_orders(guesses, exports, tables) if kind == "files" else {}
    holdings = _expected_holdings(guesses, exports, tables, derived)
    kpis = [k.for_settings(settings) for k in DEFAULT_REGISTRY]
    return Plan(
        name=name,
        kind=kind,
        tables=tuple(tables),
        guesses=guesses,
        exports=exports,
        misses=tuple(m for m in misses if m.dataset not in guesses and m.dataset not in exports),
        base_dir=base_dir,
        today=today,
        url=url,
        derived=derived,
        shows=tuple(tracked(kpis, holdings)),
        lacking=tuple(untracked(kpis, holdings)),
        settings=settings,
    )


def _from_orders(
    guesses: Mapping[str, DatasetGuess],
    exports: Mapping[str, VendorExport],
    tables: Sequence[TableProfile],
) -> dict[str, str]:
    """Revenue and acquisition from the orders, when no table feeds them itself."""
    orders = guesses.get("orders")
    if orders is None:
        return {}
    table = next(t for t in tables if t.name == orders.table)
    queries = from_orders_queries(
        orders, {t.name: t.name for t in tables}, text_timestamps=table.reader != "parquet"
    )
    return {d: q for d, q in queries.items() if d not in guesses and d not in exports}


def _vendor_exports(tables: Sequence[TableProfile]) -> dict[str, VendorExport]:
    """The files a vendor format reads, by the first dataset the format fills."""
    try:
        from connectors.formats.registry import FORMATS
    except ImportError:  # no vendor formats in this install: every file is a plain table
        return {}
    exports: dict[str, VendorExport] = {}
    for table in tables:
        layout = FORMATS.get(table.vendor_format or "")
        if layout is not None:
            dataset = layout.datasets[0]
            exports.setdefault(dataset, VendorExport(dataset, table, layout.name))
    return exports


def _readable(guess: DatasetGuess, tables: Sequence[TableProfile]) -> bool:
    if not guess.needs_query:
        return True
    used = {guess.table} | _tables_used(guess)
    return all(t.first_sheet for t in tables if t.name in used)


def _tables_used(guess: DatasetGuess) -> set[str]:
    used: set[str] = set()
    for pick in [*guess.picks.values(), *guess.segments.values()]:
        used |= {hop.table for hop in pick.path}
        if pick.summed_over:
            used.add(pick.summed_over.table)
    return used


def _expected_holdings(
    guesses: Mapping[str, DatasetGuess],
    exports: Mapping[str, VendorExport],
    tables: Sequence[TableProfile],
    derived: Mapping[str, str],
) -> Holdings:
    """What the refresh should store, as far as the guesses tell (the dry refresh confirms)."""
    columns = {d: frozenset(g.picks) for d, g in guesses.items()}
    columns |= {"revenue": frozenset({"date", "amount"})} if "revenue" in derived else {}
    if "acquisition" in derived:
        columns["acquisition"] = frozenset({"date", "channel", "new_customers"})
    surveys: set[str] | None = set()
    for dataset in exports:
        columns[dataset] = frozenset(dataset_spec(dataset).names)
        if dataset == "responses":
            surveys = None  # the export's reader says which survey; known after the refresh
    answers = guesses.get("responses")
    if answers and surveys is not None:
        pick = answers.picks["survey"]
        if pick.constant is not None:
            surveys.add(pick.constant)
        else:
            table = next(t for t in tables if t.name == answers.table)
            surveys |= {v for v, _ in table.column(pick.column).common} & set(SURVEYS)
    return Holdings(columns, frozenset(surveys) if surveys is not None else None)


# ---------------------------------------------------------------------------------------------
# The TOML.


def _text(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _comment(text: str) -> str:
    """Source names and values in a comment, on one line whatever they hold."""
    return printable(text)


def render(plan: Plan) -> str:
    """The starter workspace file."""
    lines: list[str] = []
    add = lines.append
    add(
        "# Benefitboard workspace written by `python -m benefitboard init` on "
        f"{plan.today.isoformat()}."
    )
    add("# Every line below is a guess from the files' names and values, with its reason after #.")
    add("# Check them (the time zone first), then:")
    add("#   python -m benefitboard --config THIS_FILE refresh")
    add("# Keys: docs/CONFIGURATION.md. Canonical datasets and columns: docs/DATA_CONTRACT.md.")
    add("#")
    add(f"# The dashboard can show {len(plan.shows)} KPIs from these tables:")
    for chunk in _wrapped([k.id for k in plan.shows]):
        add(f"#   {chunk}")
    if plan.lacking:
        add("# and not these, for lack of:")
        for item in plan.lacking:
            add(f"#   {item.kpi.id}: {_comment(item.needs)}")
    add("")
    _workspace(plan, add)
    add("")
    if plan.feeds_nothing:
        add("# No table looked like a canonical dataset (docs/DATA_CONTRACT.md), so there is no")
        add("# source yet; a workspace needs one, like:")
        source: list[str] = []
        _source(plan, source.append)
        lines += [f"# {line}" if line and not line.startswith("#") else line for line in source]
        add("# [sources.files.datasets.orders]")
        add('# path = "orders.csv"')
    else:
        _source(plan, add)
    _freshness(plan, add)
    return "\n".join(lines) + "\n"


def _wrapped(ids: Sequence[str], width: int = 90) -> list[str]:
    chunks, line = [], ""
    for kpi_id in ids:
        if line and len(line) + len(kpi_id) + 2 > width:
            chunks.append(line + ",")
            line = ""
        line = f"{line}, {kpi_id}" if line else kpi_id
    return [*chunks, line] if line else chunks


def _workspace(plan: Plan, add) -> None:
    add("[workspace]")
    add(f"name = {_text(plan.name)}")
    for line in _timezone_question(plan):
        add(line)
    add('timezone = "UTC"                  # CONFIRM: the reporting time zone (an IANA name)')
    add(
        'store = "store"                   # validated snapshots, next to this file (git-ignore it)'
    )
    scale = plan.guesses["responses"].scale if "responses" in plan.guesses else None
    low, high = plan.settings.csat_scale
    if scale and scale.survey == "csat":
        where = f"{plan.guesses['responses'].picks['score'].column} is {scale.label}"
        add(
            f"csat_scale = [{low}, {high}]"
            + " " * 16
            + f"# {_comment(where)}: {_comment(scale.why)}"
        )
    elif "responses" in plan.guesses:
        add(
            f"# csat_scale = [{low}, {high}]        # CHECK: the score column holds several "
            "surveys' answers; 1–5 is the default"
        )
    else:
        add(f"# csat_scale = [{low}, {high}]        # no CSAT answers found; the default scale")
    if scale and scale.survey == "ces":
        add(f'ces_scale = "{plan.settings.ces_scale}"' + " " * 10 + f"# {_comment(scale.why)}")
    else:
        add('# ces_scale = "agreement7"         # no CES answers found; agreement7 or effort5')
    currency = _currency(plan)
    if currency:
        add(f"currency = {_text(currency[0])}" + " " * 18 + f"# {_comment(currency[1])}")
    else:
        add('# currency = "EUR"                # how money is shown: write your ISO code')


def _timezone_question(plan: Plan) -> list[str]:
    naive: list[str] = []
    offset: list[str] = []
    for guess in plan.guesses.values():
        for canonical, pick in guess.picks.items():
            if not pick.local or not isinstance(
                dataset_spec(guess.dataset).column(canonical).dtype, pl.Datetime
            ):
                continue
            column = plan.table(guess.table).column(pick.column)
            if column.kind != "timestamp":
                continue
            where = f"{guess.table}.{pick.column}"
            (offset if column.offset in ("offset", "mixed") else naive).append(where)
    lines = ["# TIME ZONE, please confirm: not guessed, because exports rarely say."]
    if naive:
        said = (
            "These timestamps carry no UTC offset and are read in the source's `timezone` below: "
        )
        lines += _comment_lines(said + ", ".join(naive) + ".")
    if offset:
        lines += _comment_lines(f"These carry an offset and convert exactly: {', '.join(offset)}.")
    lines.append("# Write the zone your company reports in (days start at its midnight), e.g.")
    lines.append('# "Europe/Berlin" or "America/Sao_Paulo", here and in the source.')
    return lines


def _comment_lines(text: str) -> list[str]:
    """A long comment as lines of at most 90 characters."""
    return [f"# {line}" for line in textwrap.wrap(_comment(text), 88, break_on_hyphens=False)]


def _currency(plan: Plan) -> tuple[str, str] | None:
    orders = plan.guesses.get("orders")
    if not orders or "currency" not in orders.picks or not orders.picks["currency"].local:
        return None
    column = plan.table(orders.table).column(orders.picks["currency"].column)
    if column.common and len(column.common[0][0]) == 3 and column.common[0][0].isalpha():
        code = column.common[0][0].upper()
        return code, f"the most common value of {orders.table}.{column.name}"
    return None


def _source(plan: Plan, add) -> None:
    name = plan.source_name
    add(f"[sources.{name}]")
    add(f'kind = "{plan.kind}"')
    if plan.kind == "sql":
        if plan.url:
            add(f"url = {_text(plan.url)}")
        else:
            add(
                f'connection = "{name}"                # its URL: [connections.{name}] url = "..." '
                "in .streamlit/secrets.toml"
            )
    add('timezone = "UTC"                  # CONFIRM: the zone of timestamps without an offset')
    if plan.kind == "files":
        tables = _query_tables(plan)
        if tables:
            add("")
            add(f"[sources.{name}.tables]                # the files the queries below read")
            for table in tables:
                add(f"{table.name} = {_text(_path(plan, table))}")
    for dataset in DATASETS:
        if dataset in plan.exports:
            add("")
            _vendor_dataset(plan, plan.exports[dataset], add)
        elif dataset in plan.guesses:
            add("")
            _dataset(plan, plan.guesses[dataset], add)
        elif dataset in plan.derived:
            add("")
            _derived(plan, dataset, add)
    for miss in plan.misses:
        add("")
        spec = DATASETS[miss.dataset]
        add(
            f"# {miss.dataset} ({spec.row_is} per row): {miss.table} looks like it but has no "
            f"{', '.join(miss.missing)};"
        )
        add("# map those columns or give it a `query` that adds them (docs/CONFIGURATION.md).")
    fed = {*plan.guesses, *plan.exports, *plan.derived}
    unused = [t.name for t in plan.tables if t.name not in _tables_read(plan)]
    if unused:
        add("")
        add(f"# Not used: {_comment(', '.join(unused))} (no dataset looked like them, and no")
        add("# dataset needed them for a lookup or a sum).")
    missing = [d for d in DATASETS if d not in fed]
    if missing:
        add(f"# Datasets nothing feeds yet: {', '.join(missing)}.")


def _query_tables(plan: Plan) -> list[TableProfile]:
    names: set[str] = set()
    for guess in plan.guesses.values():
        if guess.needs_query or (guess.dataset == "orders" and plan.derived):
            names |= {guess.table} | _tables_used(guess)
    return [t for t in plan.tables if t.name in names]


def _tables_read(plan: Plan) -> set[str]:
    names = {e.table.name for e in plan.exports.values()}
    for guess in plan.guesses.values():
        names |= {guess.table} | _tables_used(guess)
    return names


def _path(plan: Plan, table: TableProfile) -> str:
    """A file's path, relative to the config's folder when it is inside it."""
    path = Path(table.location)
    try:
        return path.relative_to(plan.base_dir.resolve()).as_posix()
    except ValueError:
        return os.fspath(path)


def _dataset(plan: Plan, guess: DatasetGuess, add) -> None:
    table = plan.table(guess.table)
    spec = DATASETS[guess.dataset]
    rows = f"{table.rows:,} rows"
    add(f"# {guess.dataset}: {spec.row_is} per row, from {table.name} ({rows}).")
    header = f"[sources.{plan.source_name}.datasets.{guess.dataset}]"
    if guess.needs_query:
        add("# Built by a query, because:")
        for canonical, pick in [*guess.picks.items(), *guess.segments.items()]:
            if not pick.local:
                add(f"#   {canonical}: {_comment(pick.describe())}. {_comment(pick.why)}")
        for canonical, pick in guess.picks.items():
            if pick.local:
                add(f"#   {canonical} = {_comment(pick.column)}: {_comment(pick.why)}")
        add(header)
        relations = {
            t.name: (t.name if plan.kind == "files" else identifier(t.location))
            for t in plan.tables
        }
        query = dataset_query(guess, relations, cast=plan.kind == "files")
        add('query = """')
        add(query.replace("\\", "\\\\"))
        add('"""')
    else:
        add(header)
        if plan.kind == "files":
            add(f"path = {_text(_path(plan, table))}")
            if table.sheet is not None and not table.first_sheet:
                add(f"sheet = {_text(table.sheet)}")
        else:
            add(f"table = {_text(table.location)}")
    _read_options(plan, guess, table, add)
    _segments(guess, add)
    if not guess.needs_query:
        add(f"[sources.{plan.source_name}.datasets.{guess.dataset}.columns]")
        for canonical, pick in guess.picks.items():
            add(f"{canonical} = {_text(pick.column)}" + f"  # {_comment(pick.why)}")
    _unmapped(guess, add)


def _read_options(plan: Plan, guess: DatasetGuess, table: TableProfile, add) -> None:
    if plan.kind == "files" and table.encoding != "utf-8":
        add(f'encoding = "{table.encoding}"              # the file is not UTF-8 text')
    formats = {
        plan.table(guess.table).column(p.column).timestamp_format
        for p in guess.picks.values()
        if p.local
    } - {None}
    if len(formats) == 1:
        fmt = formats.pop()
        add(f"timestamp_format = {_text(str(fmt))}  # dates written day/month or month/day: check")
    elif len(formats) > 1:
        add(
            f"# timestamps in several forms ({', '.join(sorted(map(str, formats)))}): "
            "a query can bring them to one"
        )


def _segments(guess: DatasetGuess, add) -> None:
    if guess.segments:
        names = ", ".join(_text(s) for s in guess.segments)
        add(f"segments = [{names}]")
        for name, pick in guess.segments.items():
            add(f"#   {_comment(name)}: {_comment(pick.why)}")
    else:
        add("# segments = []                    # no text column with few values was found")
    for name, distinct in guess.crowded:
        add(f"#   not {_comment(name)}: {distinct:,} values, too many for a filter")


def _unmapped(guess: DatasetGuess, add) -> None:
    spec = DATASETS[guess.dataset]
    absent = [c.name for c in spec.columns if c.name not in guess.picks]
    if absent:
        add(f"# Not found for {guess.dataset} (optional): {', '.join(absent)}.")


_DERIVED_WHY = {
    "revenue": (
        "# revenue: what the orders above were worth, per day (the order's local date) and "
        "segment.",
        "# Every order counts: add a WHERE to leave out cancelled ones (e.g. on a status).",
    ),
    "acquisition": (
        "# acquisition: new customers, each on the day of their first order in these files;",
        "# customers who ordered before the files begin count as new on their first order here.",
    ),
}


def _derived(plan: Plan, dataset: str, add) -> None:
    for line in _DERIVED_WHY[dataset]:
        add(line)
    add(f"[sources.{plan.source_name}.datasets.{dataset}]")
    add('query = """')
    add(plan.derived[dataset].replace("\\", "\\\\"))
    add('"""')
    segments = plan.guesses["orders"].segments if dataset == "revenue" else {}
    if segments:
        add(f"segments = [{', '.join(_text(s) for s in segments)}]")


def _vendor_dataset(plan: Plan, export: VendorExport, add) -> None:
    table = export.table
    add(
        f"# {export.dataset}: {table.name} is a {export.format} export, read as the vendor "
        "writes it"
    )
    add(f"[sources.{plan.source_name}.datasets.{export.dataset}]")
    add(f"path = {_text(_path(plan, table))}")
    if table.sheet is not None and not table.first_sheet:
        add(f"sheet = {_text(table.sheet)}")
    add(f'format = "{export.format}"')
    if export.dataset == "responses":
        add('# survey = "csat"                 # if the export is not the vendor\'s default survey')


def _freshness(plan: Plan, add) -> None:
    old = []
    for dataset, guess in plan.guesses.items():
        pick = guess.picks.get(DATASETS[dataset].time_column)
        if pick is None or not pick.local:
            continue
        day = _day(plan.table(guess.table).column(pick.column).newest)
        if day and plan.today - day > OLD_DATA:
            old.append((dataset, day))
    if not old:
        return
    last = max(day for _, day in old)
    listed = ", ".join(f"{dataset} {day.isoformat()}" for dataset, day in old)
    add("")
    add(f"# The newest rows are old ({listed}),")
    add("# so the dashboard will call this data stale. For a historical export that will not")
    add("# grow, either date it in")
    if _takes_as_of():
        add(f"# [workspace] with as_of = {last.isoformat()} (periods end there, freshness counts")
        add("# from there), or switch the check off per dataset (0 = off):")
    else:
        add("# [freshness], per dataset (0 = off):")
    add("# [freshness]")
    for dataset, _ in old:
        add(f"# {dataset} = 0")


def _takes_as_of() -> bool:
    """Whether this version's workspace file has ``[workspace] as_of`` (historical exports)."""
    return "as_of" in {f.name for f in fields(WorkspaceConfig)}


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


__all__ = ["Pick", "Plan", "VendorExport", "plan_workspace", "render"]
