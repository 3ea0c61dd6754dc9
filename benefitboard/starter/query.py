"""The SQL a guessed dataset needs when its table cannot be mapped as it is.

Why SQL: a files source runs a dataset's ``query`` with polars over the source's
``tables`` and a sql source runs it in the database, so one text covers both
(docs/CONFIGURATION.md, "Shaping files with a query"). Only the casts differ: CSV
values are text, so a sum over a file casts to ``DOUBLE``; a database's numbers
are numbers already.

Example (reviews answer a 1–5 CSAT survey, the customer is the order's):
    >>> guess = DatasetGuess("responses", "reviews", {
    ...     "response_id": Pick("review_id"), "survey": Pick(constant="csat"),
    ...     "score": Pick("review_score"), "responded_at": Pick("answered"),
    ...     "customer_id": Pick("customer_id", (Hop("orders", "order_id"),))})
    >>> print(dataset_query(guess, {"reviews": "reviews", "orders": "orders"}, cast=True))
    SELECT t.review_id AS response_id,
           'csat' AS survey,
           t.review_score AS score,
           t.answered AS responded_at,
           j1.customer_id AS customer_id
    FROM reviews t
    LEFT JOIN orders j1 ON j1.order_id = t.order_id
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from benefitboard.starter.guess import DatasetGuess, Hop, Pick

_PLAIN = re.compile(r"[a-z_][a-z0-9_]*")
_RESERVED = frozenset(
    {
        "all",
        "and",
        "as",
        "by",
        "case",
        "date",
        "desc",
        "end",
        "from",
        "group",
        "in",
        "is",
        "join",
        "key",
        "limit",
        "not",
        "null",
        "on",
        "or",
        "order",
        "select",
        "table",
        "time",
        "timestamp",
        "to",
        "user",
        "value",
        "values",
        "when",
        "where",
        "with",
    }
)


def identifier(name: str) -> str:
    """A column or table name as SQL reads it: quoted unless plain lower-case and not a keyword.

    >>> identifier("order_id"), identifier("Order ID"), identifier("order"), identifier('a"b')
    ('order_id', '"Order ID"', '"order"', '"a""b"')
    """
    if _PLAIN.fullmatch(name) and name not in _RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """>>> literal("it's")
    "'it''s'"
    """
    return "'" + value.replace("'", "''") + "'"


def dataset_query(guess: DatasetGuess, relations: Mapping[str, str], *, cast: bool) -> str:
    """SELECT the canonical columns (and segments) of ``guess`` from its table and neighbours.

    ``relations`` maps a table's profile name to what the query writes in FROM (the
    files source's table name, or the database table's quoted name); ``cast`` adds
    the casts text values need before a sum.
    """
    ctes, body = query_parts(guess, relations, cast=cast)
    return _with(ctes) + body


def _with(ctes: list[str]) -> str:
    return "WITH " + ",\n".join(ctes) + "\n" if ctes else ""


def query_parts(
    guess: DatasetGuess, relations: Mapping[str, str], *, cast: bool
) -> tuple[list[str], str]:
    """``dataset_query`` as its common table expressions and its SELECT, to build on."""
    joins: dict[tuple[Hop, ...], str] = {}
    sums: dict[tuple[Hop, str], str] = {}
    ctes: list[str] = []
    select: list[str] = []

    def join_alias(path: tuple[Hop, ...]) -> str:
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            if prefix not in joins:
                joins[prefix] = f"j{len(joins) + 1}"
        return joins[path]

    def source_of(pick: Pick) -> str:
        if pick.constant is not None:
            return literal(pick.constant)
        if pick.summed_over is not None:
            hop = pick.summed_over
            if (hop, pick.column) not in sums:
                name = f"s{len(sums) + 1}"
                sums[(hop, pick.column)] = name
                value = identifier(pick.column)
                total = f"SUM(CAST({value} AS DOUBLE))" if cast else f"SUM({value})"
                ctes.append(
                    f"{name} AS (\n    SELECT {identifier(hop.key)}, {total} AS total\n"
                    f"    FROM {relations[hop.table]} GROUP BY {identifier(hop.key)}\n)"
                )
            return f"{sums[(hop, pick.column)]}.total"
        if pick.path:
            return f"{join_alias(pick.path)}.{identifier(pick.column)}"
        return f"t.{identifier(pick.column)}"

    for canonical, pick in [*guess.picks.items(), *guess.segments.items()]:
        select.append(f"{source_of(pick)} AS {identifier(canonical)}")
    lines = ["SELECT " + ",\n       ".join(select)]
    lines.append(f"FROM {relations[guess.table]} t")
    for path, alias in joins.items():
        previous = joins[path[:-1]] if len(path) > 1 else "t"
        key = identifier(path[-1].key)
        lines.append(
            f"LEFT JOIN {relations[path[-1].table]} {alias} ON {alias}.{key} = {previous}.{key}"
        )
    for (hop, _), name in sums.items():
        key = identifier(hop.key)
        lines.append(f"LEFT JOIN {name} ON {name}.{key} = t.{key}")
    return ctes, "\n".join(lines)


def from_orders_queries(
    orders: DatasetGuess, relations: Mapping[str, str], *, text_timestamps: bool
) -> dict[str, str]:
    """Revenue (what orders were worth, per day and segment) and acquisition (customers on
    the day of their first order in the data), as queries over the orders query (files only:
    the day of a timestamp is written differently in each database).

    >>> orders = DatasetGuess("orders", "orders", {"order_id": Pick("id"),
    ...     "ordered_at": Pick("placed"), "customer_id": Pick("buyer"),
    ...     "amount": Pick("total")}, segments={"region": Pick("region")})
    >>> print(from_orders_queries(orders, {"orders": "orders"}, text_timestamps=True)["revenue"])
    WITH o AS (
    SELECT t.id AS order_id,
           t.placed AS ordered_at,
           t.buyer AS customer_id,
           t.total AS amount,
           t.region AS region
    FROM orders t
    )
    SELECT SUBSTR(ordered_at, 1, 10) AS date, SUM(CAST(amount AS DOUBLE)) AS amount, region
    FROM o
    GROUP BY 1, 3
    """
    ctes, body = query_parts(orders, relations, cast=text_timestamps)
    ctes = [*ctes, f"o AS (\n{body}\n)"]
    day = "SUBSTR({}, 1, 10)" if text_timestamps else "CAST({} AS DATE)"
    amount = "SUM(CAST(amount AS DOUBLE))" if text_timestamps else "SUM(amount)"
    segments = [identifier(s) for s in orders.segments]
    columns = ", ".join([f"{day.format('ordered_at')} AS date", f"{amount} AS amount", *segments])
    groups = ", ".join(["1", *(str(n + 3) for n in range(len(segments)))])
    revenue = _with(ctes) + f"SELECT {columns}\nFROM o\nGROUP BY {groups}"
    firsts = (
        "firsts AS (\n    SELECT customer_id, MIN(ordered_at) AS first_order\n"
        "    FROM o GROUP BY customer_id\n)"
    )
    acquisition = _with([*ctes, firsts]) + (
        f"SELECT {day.format('first_order')} AS date, 'all' AS channel, "
        "COUNT(*) AS new_customers\nFROM firsts\nGROUP BY 1"
    )
    return {"revenue": revenue, "acquisition": acquisition}
