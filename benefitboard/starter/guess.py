"""Guess which canonical dataset each table can feed, and how: pure functions over profiles.

Why guess from names *and* values: a column called ``review_score`` is a score only
if its values are whole numbers on a survey scale, and ``order_id`` is an order's
key only if no two rows share it. Names say what a column is meant to be; values
rule out what it cannot be. Every choice carries a ``why``, which the written
config shows as a comment, so a person can check it in one read.

What a table cannot give by itself is looked for in its neighbours, found by a
shared id column (``order_id``, ``customer_id``):

- a *lookup* follows ids that are unique in the other table (a review's order, that
  order's customer) for a customer id or a segment, up to two joins away;
- a *sum per key* adds up a numeric column over the rows of a table that repeats the
  key (an order's payments), for an order's amount or shipping cost.

Example (Olist's reviews, orders and payments, a few rows each):
    >>> from benefitboard.starter.profile import profile_frame
    >>> reviews = profile_frame("reviews", pl.DataFrame({
    ...     "review_id": ["r1", "r2", "r3"], "order_id": ["o1", "o2", "o3"],
    ...     "review_score": ["5", "1", "4"],
    ...     "review_answer_timestamp": ["2018-01-02 10:00:00"] * 3}))
    >>> orders = profile_frame("orders", pl.DataFrame({
    ...     "order_id": ["o1", "o2", "o3"], "customer_id": ["c1", "c2", "c1"],
    ...     "order_purchase_timestamp": ["2018-01-01 09:00:00"] * 3}))
    >>> payments = profile_frame("payments", pl.DataFrame({
    ...     "order_id": ["o1", "o1", "o2", "o3"], "payment_value": ["10.5", "4.5", "8", "3"]}))
    >>> guesses = guess_datasets([reviews, orders, payments])
    >>> answers = guesses["responses"]
    >>> answers.table, answers.picks["score"].column, answers.picks["survey"].constant
    ('reviews', 'review_score', 'csat')
    >>> answers.picks["customer_id"].describe()
    'customer_id of orders (by order_id)'
    >>> guesses["orders"].picks["amount"].describe()
    'sum of payment_value in payments per order_id'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from benefitboard.starter.profile import ColumnKind, ColumnProfile, TableProfile
from canonical.datasets import DATASETS, dataset_spec
from canonical.surveys import SURVEYS

MAX_SEGMENT_VALUES = 40
"""A text column with more distinct values than this is too many for a filter (cities)."""
SMALL_TABLE = 20
"""Below this many values, a column's repeats say little about whether it is a category."""
LONG_TEXT = 40
"""Mean length above which a text column is people's words, not a category."""

# ---------------------------------------------------------------------------------------------
# Names: which words make a column (or a table) look like a canonical one.

Pattern = tuple[str, ...]
"""Words that must all be in a column's name, like ("order", "purchase")."""

_ID_WORDS = frozenset({"id", "key", "uuid"})

COLUMN_NAMES: dict[str, dict[str, tuple[Pattern, ...]]] = {
    "responses": {
        "response_id": (("response", "id"), ("review", "id"), ("answer", "id"), ("id",)),
        "survey": (("survey",), ("survey", "type"), ("question", "type"), ("kind",), ("type",)),
        "score": (
            ("score",),
            ("rating",),
            ("stars",),
            ("star",),
            ("nps",),
            ("csat",),
            ("ces",),
            ("satisfaction",),
            ("effort",),
            ("recommend",),
            ("grade",),
            ("value",),
        ),
        "responded_at": (
            ("responded",),
            ("answer",),
            ("answered",),
            ("submitted",),
            ("completed",),
            ("response", "date"),
            ("response", "time"),
            ("created",),
            ("creation",),
            ("date",),
            ("timestamp",),
            ("time",),
        ),
        "customer_id": (("customer", "id"), ("customer",), ("user", "id"), ("client", "id")),
        "comment": (
            ("comment", "message"),
            ("comment",),
            ("message",),
            ("verbatim",),
            ("feedback",),
            ("text",),
            ("reason",),
        ),
        "touchpoint": (("touchpoint",), ("trigger",), ("journey",), ("survey", "name")),
    },
    "orders": {
        "order_id": (("order", "id"), ("order", "number"), ("order", "no"), ("id",)),
        "ordered_at": (
            ("ordered",),
            ("order", "purchase"),
            ("purchase",),
            ("order", "date"),
            ("placed",),
            ("order", "time"),
            ("created",),
            ("date",),
        ),
        "customer_id": (("customer", "id"), ("customer",), ("buyer",), ("user", "id"), ("client",)),
        "amount": (
            ("amount",),
            ("total",),
            ("order", "value"),
            ("payment", "value"),
            ("paid",),
            ("revenue",),
            ("value",),
            ("price",),
        ),
        "promised_at": (
            ("promised",),
            ("estimated", "delivery"),
            ("estimated",),
            ("expected", "delivery"),
            ("eta",),
            ("due",),
        ),
        "delivered_at": (
            ("delivered", "customer"),
            ("delivered", "at"),
            ("delivery", "date"),
            ("delivered",),
        ),
        "shipping_cost": (("shipping", "cost"), ("shipping",), ("freight",), ("postage",)),
        "currency": (("currency",),),
    },
    "contacts": {
        "contact_id": (("contact", "id"), ("ticket", "id"), ("case", "id"), ("id",)),
        "opened_at": (("opened",), ("created",), ("submitted",), ("received",), ("date",)),
        "contact_reason": (("contact", "reason"), ("reason",), ("category",), ("topic",)),
        "closed_at": (("closed",), ("solved",), ("resolved",)),
        "handle_seconds": (("handle", "seconds"), ("handle", "time"), ("duration",)),
        "channel": (("channel",), ("via",)),
        "ces_score": (("ces",), ("effort",)),
        "csat_score": (("csat",), ("satisfaction",)),
        "customer_id": (("customer", "id"), ("customer",), ("requester",), ("user", "id")),
        "comment": (("comment",), ("description",), ("subject",), ("text",)),
    },
    "feedback": {
        "feedback_id": (("feedback", "id"), ("idea", "id"), ("id",)),
        "created_at": (("created",), ("submitted",), ("date",)),
        "theme": (("theme",), ("category",), ("tag",)),
        "source": (("source",), ("origin",)),
        "customer_id": (("customer", "id"), ("customer",), ("account", "id")),
        "account_value": (("account", "value"), ("arr",)),
        "text": (("text",), ("body",), ("description",), ("feedback",)),
        "roadmap_item": (("roadmap",),),
        "status": (("status",),),
    },
    "revenue": {
        "date": (("date",), ("day",)),
        "amount": (("amount",), ("revenue",)),
        "customer_id": (("customer", "id"), ("customer",)),
        "kind": (("kind",), ("movement",)),
        "mrr": (("mrr",),),
    },
    "acquisition": {
        "date": (("date",), ("day",)),
        "channel": (("channel",), ("source",)),
        "new_customers": (("new", "customers"), ("signups",), ("customers",)),
        "spend": (("spend",), ("cost",)),
        "visitors": (("visitors",), ("sessions",)),
        "trials": (("trials",),),
    },
    "selection": {
        "date": (("date",), ("day",)),
        "skus_offered": (("skus", "offered"), ("offered",)),
        "skus_in_stock": (("in", "stock"),),
    },
    "prices": {
        "date": (("date",), ("day",)),
        "item": (("item",), ("sku",), ("product",)),
        "our_price": (("our", "price"),),
        "reference_price": (("reference", "price"), ("competitor",)),
    },
    "kpi_values": {
        "date": (("date",), ("day",)),
        "kpi": (("kpi",), ("metric",)),
        "value": (("value",),),
    },
    "events": {
        "date": (("date",), ("day",)),
        "title": (("title",), ("name",)),
        "kind": (("kind",), ("type",)),
        "link": (("link",), ("url",)),
    },
}
"""Per canonical column, the words of names that mean it, the likeliest first."""

TABLE_WORDS: dict[str, frozenset[str]] = {
    "responses": frozenset(
        {"review", "reviews", "survey", "surveys", "responses", "answers", "nps", "csat"}
    ),
    "orders": frozenset({"order", "orders", "sales", "purchases"}),
    "contacts": frozenset({"contacts", "tickets", "ticket", "support", "cases", "conversations"}),
    "feedback": frozenset({"feedback", "ideas", "requests"}),
    "revenue": frozenset({"revenue", "mrr", "subscriptions", "billing"}),
    "acquisition": frozenset({"acquisition", "marketing", "campaigns", "signups"}),
    "selection": frozenset({"selection", "catalog", "catalogue", "assortment", "stock"}),
    "prices": frozenset({"prices", "pricing"}),
    "kpi_values": frozenset({"kpi", "kpis", "kpi_values", "metrics"}),
    "events": frozenset({"events", "releases", "changelog", "incidents"}),
}
"""Words in a table's name that say which dataset it is; a daily dataset needs one of them."""

EVENT_DATASETS = frozenset({"responses", "orders", "contacts", "feedback"})
"""Datasets of one row per thing that happened, found by their key and time; the others are
daily figures, found only in a table whose name says so (any table has a date column)."""


def words(name: str) -> tuple[str, ...]:
    """The words of a column or table name, lower-case.

    >>> words("orderPurchase_Timestamp"), words("Review Score (1-5)")
    (('order', 'purchase', 'timestamp'), ('review', 'score', '1', '5'))
    """
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return tuple(w for w in re.split(r"[^0-9a-zA-Z]+", spaced.lower()) if w)


def name_rank(name: str, canonical: str, patterns: Sequence[Pattern]) -> int | None:
    """How well ``name`` matches: 0 for the canonical name itself, then the first pattern all of
    whose words it has (1, 2, …); None when it matches none.

    >>> name_rank("score", "score", [("score",)])
    0
    >>> name_rank("review_score", "score", [("rating",), ("score",)])
    2
    >>> name_rank("shipping_limit_date", "ordered_at", [("order", "date")]) is None
    True
    """
    if name.lower() == canonical:
        return 0
    have = set(words(name))
    for rank, pattern in enumerate(patterns, 1):
        if set(pattern) <= have:
            return rank
    return None


def is_id_like(column: ColumnProfile) -> bool:
    """A column named like an identifier (``order_id``, ``customerId``, ``key``).

    >>> from benefitboard.starter.profile import profile_frame
    >>> is_id_like(profile_frame("t", pl.DataFrame({"orderId": ["a"]})).columns[0])
    True
    """
    return bool(set(words(column.name)) & _ID_WORDS) or column.name.lower().endswith("id")


# ---------------------------------------------------------------------------------------------
# Survey scales.


@dataclass(frozen=True)
class Scale:
    """The survey a score column answers, on which scale, and why we think so."""

    survey: str
    low: int
    high: int
    label: str
    why: str
    ces_scale: str | None = None
    """For CES: agreement7 or effort5 (the workspace's ``ces_scale``)."""


def score_scale(column: ColumnProfile) -> Scale | None:
    """The survey scale of a score column, from its name and the values seen; None if it is
    not whole numbers between 0 and 10.

    >>> from benefitboard.starter.profile import profile_frame
    >>> def scale(name, values):
    ...     found = score_scale(profile_frame("t", pl.DataFrame({name: values})).columns[0])
    ...     return found and (found.survey, found.low, found.high, found.label)
    >>> scale("review_score", [1, 5, 4]), scale("nps", [0, 9, 10]), scale("rating", [2, 8, 10])
    (('csat', 1, 5, '1–5 stars'), ('nps', 0, 10, '0–10 NPS'), ('csat', 1, 10, '1–10'))
    >>> scale("effort", [1, 4]), scale("ease", [3, 7]), scale("score", [0, 3, 6])
    (('ces', 1, 5, '1–5 effort'), ('csat', 1, 7, '1–7'), ('nps', 0, 10, '0–10 NPS'))
    >>> scale("amount", [12.5, 3.0]) is None, scale("score", [0, 42]) is None
    (True, True)
    """
    if column.kind != "integer" or column.low is None or column.high is None:
        return None
    low, high = column.low, column.high
    if low < 0 or high > 10:
        return None
    have = set(words(column.name))
    seen = f"values seen: {_values(column)}"
    if have & {"nps", "recommend", "likelihood", "promoter"}:
        return Scale("nps", 0, 10, "0–10 NPS", f"named like NPS; {seen}")
    if have & {"ces", "effort", "easy"} and high <= 7:
        if high <= 5:
            return Scale("ces", 1, 5, "1–5 effort", f"named like effort; {seen}", "effort5")
        return Scale("ces", 1, 7, "1–7 agreement", f"named like effort; {seen}", "agreement7")
    if low == 0:
        return Scale("nps", 0, 10, "0–10 NPS", f"a 0 is only on the NPS scale; {seen}")
    stars = bool(have & {"star", "stars", "review", "rating"})
    if high <= 5:
        label = "1–5 stars" if stars else "1–5"
        return Scale("csat", 1, 5, label, f"{seen}, so a 1–5 satisfaction scale")
    if high <= 7:
        return Scale("csat", 1, 7, "1–7", f"{seen}, so a 1–7 satisfaction scale")
    return Scale(
        "csat",
        1,
        10,
        "1–10",
        f"{seen}; no 0 seen, so 1–10 satisfaction (if it is NPS, write 'nps' and check for 0s)",
    )


def _values(column: ColumnProfile) -> str:
    if column.values:
        return ", ".join(f"{v:g}" for v in column.values)
    return f"{column.low:g} to {column.high:g}"


# ---------------------------------------------------------------------------------------------
# Where a canonical column comes from.


@dataclass(frozen=True)
class Hop:
    """A join from the previous table to ``table`` on the column ``key`` both have."""

    table: str
    key: str


@dataclass(frozen=True)
class Pick:
    """Where one canonical column's values come from, and why we think so."""

    column: str = ""
    """The source column (in the dataset's own table, the last hop's, or the summed table)."""
    path: tuple[Hop, ...] = ()
    """A lookup: the joins from the dataset's own table to the table holding ``column``."""
    summed_over: Hop | None = None
    """A sum per key: the table whose rows repeat the key, and the key."""
    constant: str | None = None
    """A value written in the config ('csat' AS survey)."""
    why: str = ""

    @property
    def local(self) -> bool:
        return not self.path and self.summed_over is None and self.constant is None

    def describe(self) -> str:
        """The pick in a few words, for comments.

        >>> path = (Hop("orders", "order_id"), Hop("customers", "customer_id"))
        >>> Pick("customer_state", path).describe()
        'customer_state of customers (by order_id, then customer_id)'
        """
        if self.constant is not None:
            return f"the constant {self.constant!r}"
        if self.summed_over is not None:
            hop = self.summed_over
            return f"sum of {self.column} in {hop.table} per {hop.key}"
        if self.path:
            keys = ", then ".join(h.key for h in self.path)
            return f"{self.column} of {self.path[-1].table} (by {keys})"
        return self.column


@dataclass(frozen=True)
class DatasetGuess:
    """One canonical dataset fed by one table (with lookups and sums from its neighbours)."""

    dataset: str
    table: str
    picks: Mapping[str, Pick]
    """canonical column -> where it comes from (only the columns found)."""
    segments: Mapping[str, Pick] = field(default_factory=dict)
    """segment name -> where it comes from."""
    crowded: tuple[tuple[str, int], ...] = ()
    """Text columns left out as segments for having too many values: (column, distinct)."""
    scale: Scale | None = None
    """responses: the score's survey scale."""
    fit: float = 0.0
    notes: tuple[str, ...] = ()

    @property
    def needs_query(self) -> bool:
        return not all(p.local for p in (*self.picks.values(), *self.segments.values()))


@dataclass(frozen=True)
class Miss:
    """A table that looked like a dataset but lacks a required column: said in the config."""

    dataset: str
    table: str
    missing: tuple[str, ...]


class _Tables:
    """The inspected tables, and the joins between them through shared id columns."""

    def __init__(self, tables: Sequence[TableProfile]) -> None:
        self.by_name = {t.name: t for t in tables}

    def parents(self, table: TableProfile) -> list[Hop]:
        """Tables where one of ``table``'s id columns is unique (a row's order, its customer)."""
        hops = []
        for column in table.columns:
            if not is_id_like(column) or column.kind in ("timestamp", "date", "empty"):
                continue
            for other in self.by_name.values():
                if other.name == table.name or column.name not in other.names:
                    continue
                if other.column(column.name).unique:
                    hops.append(Hop(other.name, column.name))
        return hops

    def paths(self, table: TableProfile, depth: int = 2) -> list[tuple[Hop, ...]]:
        """Lookup paths from ``table``, nearest first, visiting each table once."""
        found: list[tuple[Hop, ...]] = []
        frontier: list[tuple[Hop, ...]] = [()]
        seen = {table.name}
        for _ in range(depth):
            nxt = []
            for path in frontier:
                last = self.by_name[path[-1].table] if path else table
                for hop in self.parents(last):
                    if hop.table not in seen:
                        seen.add(hop.table)
                        nxt.append((*path, hop))
            found += nxt
            frontier = nxt
        return found

    def children(self, table: TableProfile, key: str) -> list[TableProfile]:
        """Tables that repeat ``table``'s unique ``key`` (an order's payments, its items)."""
        return [
            other
            for other in self.by_name.values()
            if other.name != table.name and key in other.names and not other.column(key).unique
        ]


_KINDS: dict[str, frozenset[ColumnKind]] = {
    "timestamp": frozenset({"timestamp", "date"}),
    "date": frozenset({"date", "timestamp"}),
    "float": frozenset({"integer", "number"}),
    "int": frozenset({"integer"}),
    "text": frozenset({"text", "integer", "number", "boolean"}),
}


def _kind_of(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Datetime):
        return "timestamp"
    if dtype == pl.Date:
        return "date"
    if dtype == pl.Float64:
        return "float"
    if dtype == pl.Utf8:
        return "text"
    return "int"


def _best_local(
    table: TableProfile, dataset: str, canonical: str, used: set[str]
) -> tuple[ColumnProfile, int] | None:
    spec = dataset_spec(dataset)
    kinds = _KINDS[_kind_of(spec.column(canonical).dtype)]
    patterns = COLUMN_NAMES[dataset].get(canonical, ())
    best: tuple[ColumnProfile, int] | None = None
    for column in table.columns:
        if column.name in used or column.kind not in kinds:
            continue
        rank = name_rank(column.name, canonical, patterns)
        if rank is None or not _fits(dataset, canonical, column):
            continue
        if best is None or rank < best[1]:
            best = (column, rank)
    return best


def _fits(dataset: str, canonical: str, column: ColumnProfile) -> bool:
    """Values that rule a column out whatever its name."""
    spec = dataset_spec(dataset)
    if canonical == spec.key:
        return column.unique
    if canonical.endswith("_id"):
        return column.kind == "text" or column.kind == "integer"
    if canonical == "score" or canonical.endswith("_score"):
        return score_scale(column) is not None
    if canonical == "survey":
        return {v for v, _ in column.common} <= set(SURVEYS) and column.distinct <= 3
    if canonical in ("comment", "text"):
        return column.kind == "text" and column.distinct > 1
    if spec.column(canonical).dtype == pl.Utf8 and canonical not in ("item", "title", "link"):
        return column.kind != "text" or column.mean_length <= LONG_TEXT  # a category, not words
    return True


def guess_dataset(tables: _Tables, table: TableProfile, dataset: str) -> DatasetGuess | Miss | None:
    """How ``table`` feeds ``dataset``; a Miss when it looks like one but lacks a required
    column; None when it does not look like one at all."""
    spec = DATASETS[dataset]
    table_words = set(words(table.name))
    named_for_it = bool(table_words & TABLE_WORDS[dataset])
    if dataset not in EVENT_DATASETS and not named_for_it:
        return None
    picks: dict[str, Pick] = {}
    used: set[str] = set()
    fit = 3.0 if named_for_it else 0.0
    for column in spec.columns:
        found = _best_local(table, dataset, column.name, used)
        if found is None:
            continue
        source, rank = found
        used.add(source.name)
        picks[column.name] = Pick(source.name, why=_why(column.name, source, rank))
        fit += (2.0 if column.required else 1.0) / (1 + 0.1 * rank)
    if spec.key and spec.key not in picks:
        return None  # an event dataset is found by its key first
    if spec.time_column not in picks:
        return None
    others = [
        c.name for c in table.columns if c.kind in ("timestamp", "date") and c.name not in used
    ]
    if others:  # the sent date beside the answered date: say which was not taken
        chosen = picks[spec.time_column]
        why = f"{chosen.why}; other time columns: {', '.join(others)}"
        picks[spec.time_column] = Pick(chosen.column, why=why)
    scale = None
    if dataset == "responses" and "score" in picks:
        scale = _survey(table, picks)
    for name in ("customer_id",):
        if name in spec.names and name not in picks:
            found_lookup = _lookup(tables, table, dataset, name)
            if found_lookup:
                picks[name] = found_lookup
    if "customer_id" in picks:
        picks["customer_id"] = _person(tables, table, picks["customer_id"])
    if spec.key:
        for column in spec.columns:
            if column.dtype == pl.Float64 and column.name not in picks:
                summed = _sum_per_key(tables, table, dataset, column.name, picks[spec.key].column)
                if summed:
                    picks[column.name] = summed
    missing = tuple(c for c in spec.required if c not in picks)
    if missing:  # said in the config only when the table's name says it is one
        return Miss(dataset, table.name, missing) if named_for_it else None
    segments, crowded = _segments(tables, table, dataset, {p.column for p in picks.values()})
    return DatasetGuess(dataset, table.name, picks, segments, crowded, scale, fit)


def _why(canonical: str, column: ColumnProfile, rank: int) -> str:
    named = "the canonical name" if rank == 0 else "its name"
    facts = []
    if column.unique:
        facts.append("unique")
    if column.kind in ("timestamp", "date"):
        facts.append(
            {"offset": "with UTC offsets", "mixed": "some with offsets"}.get(
                column.offset or "", "no offset" if column.kind == "timestamp" else "dates"
            )
        )
    return f"{named}" + (f" ({', '.join(facts)})" if facts else "")


def _survey(table: TableProfile, picks: dict[str, Pick]) -> Scale | None:
    """The scale of the score column; a constant survey when no column says which survey."""
    score = table.column(picks["score"].column)
    scale = score_scale(score)
    if scale is None or "survey" in picks:  # a survey column: one score column, many scales
        return None
    if "survey" not in picks:
        picks["survey"] = Pick(
            constant=scale.survey, why=f"{score.name} is {scale.label}: {scale.why}"
        )
    return scale


def _lookup(tables: _Tables, table: TableProfile, dataset: str, canonical: str) -> Pick | None:
    patterns = COLUMN_NAMES[dataset].get(canonical, ())
    for path in tables.paths(table):
        other = tables.by_name[path[-1].table]
        for column in other.columns:
            if column.name == path[-1].key:
                continue
            rank = name_rank(column.name, canonical, patterns)
            if rank is not None and _fits(dataset, canonical, column):
                return Pick(column.name, path, why=f"looked up: {column.name} of {other.name}")
    return None


_PERSON: tuple[Pattern, ...] = (("customer",), ("user",), ("person",), ("client",))


def _person(tables: _Tables, table: TableProfile, pick: Pick) -> Pick:
    """A customer id that never repeats is one per order (Olist's ``customer_id``); the person
    is then an id one join further that does repeat (``customer_unique_id``)."""
    holder = tables.by_name[pick.path[-1].table] if pick.path else table
    if pick.column not in holder.names or not holder.column(pick.column).unique:
        return pick
    for hop in tables.parents(holder):
        if hop.key != pick.column:
            continue
        other = tables.by_name[hop.table]
        for column in other.columns:
            if (
                column.name == hop.key
                or column.unique
                or not is_id_like(column)
                or name_rank(column.name, "customer_id", _PERSON) is None
            ):
                continue
            why = (
                f"{pick.column} never repeats in {holder.name} (one per row), "
                f"{column.name} of {other.name} does: the person"
            )
            return Pick(column.name, (*pick.path, hop), why=why)
    return pick


def _sum_per_key(
    tables: _Tables, table: TableProfile, dataset: str, canonical: str, key: str
) -> Pick | None:
    patterns = COLUMN_NAMES[dataset].get(canonical, ())
    best: tuple[int, Pick] | None = None
    for child in tables.children(table, key):
        for column in child.columns:
            if column.kind not in ("integer", "number") or is_id_like(column):
                continue
            rank = name_rank(column.name, canonical, patterns)
            if rank is None or (best and best[0] <= rank):
                continue
            why = f"{table.name} has no {canonical}: {child.name} repeats {key}, so its sum"
            best = (rank, Pick(column.name, summed_over=Hop(child.name, key), why=why))
    return best[1] if best else None


def _segments(
    tables: _Tables, table: TableProfile, dataset: str, used: set[str]
) -> tuple[dict[str, Pick], tuple[tuple[str, int], ...]]:
    """Low-cardinality text columns of the table and of the tables it looks up."""
    canonical = set(dataset_spec(dataset).names)
    segments: dict[str, Pick] = {}
    crowded: list[tuple[str, int]] = []
    places: list[tuple[tuple[Hop, ...], TableProfile]] = [((), table)]
    places += [(path, tables.by_name[path[-1].table]) for path in tables.paths(table)]
    for path, where in places:
        for column in where.columns:
            name = column.name
            if (
                column.kind != "text"
                or is_id_like(column)
                or column.mean_length > LONG_TEXT
                or column.distinct < 2
                or name in segments
                or name in canonical
                or (not path and name in used)
            ):
                continue
            # Values that mostly differ are labels (names, cities of few customers each), not
            # groups; in a few rows only all-different values are sure to be labels.
            labels = column.unique or (
                column.non_null >= SMALL_TABLE and column.distinct * 2 > column.non_null
            )
            if labels:
                continue
            if column.distinct > MAX_SEGMENT_VALUES:
                crowded.append((name, column.distinct))
                continue
            counts = ", ".join(f"{v} {n:,}" for v, n in column.common[:4])
            more = ", …" if column.distinct > 4 else ""
            why = f"{column.distinct} values ({counts}{more})"
            segments[name] = Pick(name, path, why=why if not path else f"{why}; looked up")
    return segments, tuple(crowded)


def guess_datasets(tables: Sequence[TableProfile]) -> dict[str, DatasetGuess]:
    """The best table for each canonical dataset (a table feeds at most one event dataset)."""
    guesses, _ = guess_all(tables)
    return guesses


def guess_all(
    tables: Sequence[TableProfile],
) -> tuple[dict[str, DatasetGuess], list[Miss]]:
    """Each dataset's best table, and the near misses (for the config's comments)."""
    index = _Tables(tables)
    candidates: list[DatasetGuess] = []
    misses: list[Miss] = []
    for table in tables:
        for dataset in DATASETS:
            found = guess_dataset(index, table, dataset)
            if isinstance(found, DatasetGuess):
                candidates.append(found)
            elif isinstance(found, Miss):
                misses.append(found)
    chosen: dict[str, DatasetGuess] = {}
    taken: set[str] = set()
    for guess in sorted(candidates, key=lambda g: -g.fit):
        event = guess.dataset in EVENT_DATASETS
        if guess.dataset in chosen or (event and guess.table in taken):
            continue
        chosen[guess.dataset] = guess
        if event:
            taken.add(guess.table)
    kept = [m for m in misses if m.dataset not in chosen]
    return {d: chosen[d] for d in DATASETS if d in chosen}, _one_miss_each(kept)


def _one_miss_each(misses: Iterable[Miss]) -> list[Miss]:
    best: dict[str, Miss] = {}
    for miss in misses:
        if miss.dataset not in best or len(miss.missing) < len(best[miss.dataset].missing):
            best[miss.dataset] = miss
    return list(best.values())
