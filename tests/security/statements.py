"""Every SQL statement any engine sends, with its parameters: the witness of the injection tests.

A SQLAlchemy ``before_cursor_execute`` listener on the Engine class sees each
statement exactly as the driver receives it (after expanding IN lists), in
this process, from every engine: the source's, the run log's, the app's.

    with recorded_statements() as statements:
        live_aggregate(...)
    assert_never_in_sql(statements, PAYLOADS)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa

PAYLOADS = (
    "x' OR '1'='1",
    "'; DROP TABLE survey_responses;--",
    "1); SELECT pg_sleep(5);--",
    "North' UNION SELECT name FROM sqlite_master--",
    "region; DROP TABLE company_events",
    "\u2019; DROP TABLE survey_responses;--",  # a typographic apostrophe
    "\u02bc OR \u02bc1\u02bc=\u02bc1",  # modifier-letter apostrophes
    "%' OR 1=1 --",
    "\\'; DELETE FROM survey_responses; --",
    '" OR ""="',
)
"""SQL-injection attempts: quotes closing a literal, stacked statements, comments, UNION,
LIKE wildcards, Unicode look-alike quotes, backslash escapes, a hostile identifier."""
NEVER_IN_SQL = ("DROP", "DELETE", "pg_sleep")
"""Words no statement Benefitboard or SQLAlchemy's reflection sends contains (SQLite's
reflection itself reads sqlite_master with a UNION, so those words are only checked as part
of whole payloads)."""


@dataclass
class Statements:
    """What was sent: (SQL text, parameters) per execution."""

    executed: list[tuple[str, object]] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [text for text, _ in self.executed]

    def parameter_values(self) -> list[str]:
        """Every bound value, flattened (executemany lists and dicts included), as text."""
        values: list[str] = []

        def walk(value: object) -> None:
            if isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list | tuple):
                for item in value:
                    walk(item)
            else:
                values.append(str(value))

        for _, parameters in self.executed:
            walk(parameters)
        return values


@contextmanager
def recorded_statements() -> Iterator[Statements]:
    statements = Statements()

    def record(connection, cursor, statement, parameters, context, executemany) -> None:
        statements.executed.append((statement, parameters))

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)


def assert_never_in_sql(statements: Statements, payloads: Iterable[str]) -> None:
    """No payload and no tell-tale word appears in any statement's text."""
    assert statements.executed, "nothing was recorded: the witness saw no statement"
    for text in statements.texts:
        for payload in payloads:
            assert payload not in text, (payload, text)
        for word in NEVER_IN_SQL:
            assert word not in text, (word, text)


def assert_only_quoted(statements: Statements, identifier: str) -> None:
    """``identifier`` reaches SQL text only as one quoted identifier (or as a bound value)."""
    assert statements.executed, "nothing was recorded: the witness saw no statement"
    quoted = '"' + identifier.replace('"', '""') + '"'
    for text in statements.texts:
        rest = text.replace(quoted, "")
        assert identifier not in rest, text
        for word in NEVER_IN_SQL:
            assert word not in rest, (word, text)
