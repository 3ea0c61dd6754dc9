"""What a page in docs/ documents: the names it gives a heading or a table row of their own.

A name counts as documented when it is in backticks in a heading (``### `nps` — NPS``)
or in the first cell of a table row (``| `timezone` | ... |``). Rows belong to the
section of the latest heading that names a TOML table or a dataset in backticks
(``## `[workspace]` ``, ``### `responses` — one survey answer``), so a key is
documented where it belongs, not merely mentioned somewhere.

Example:
    >>> doc = Documented.parse("## `[workspace]`\\n| key |\\n| --- |\\n| `timezone` | IANA |\\n")
    >>> doc.sections["workspace"], sorted(doc.names)
    ({'timezone'}, ['timezone', 'workspace'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
_HEADING = re.compile(r"^#{1,6}\s")
_BACKTICKED = re.compile(r"`([^`]+)`")
_ROW_NAME = re.compile(r"^\|\s*`([^`]+)`\s*\|")


@dataclass
class Documented:
    """Names documented on one page: in headings, and per section in table rows."""

    headings: set[str] = field(default_factory=set)
    sections: dict[str, set[str]] = field(default_factory=dict)

    @property
    def names(self) -> set[str]:
        """Every documented name, wherever it is."""
        return self.headings.union(*self.sections.values())

    @classmethod
    def read(cls, filename: str) -> Documented:
        return cls.parse((DOCS / filename).read_text(encoding="utf-8"))

    @classmethod
    def parse(cls, text: str) -> Documented:
        doc = cls()
        section = ""
        for line in text.splitlines():
            if _HEADING.match(line):
                names = [_table_name(n) for n in _BACKTICKED.findall(line)]
                doc.headings.update(names)
                section = names[0] if names else section
                doc.sections.setdefault(section, set())
            elif match := _ROW_NAME.match(line):
                doc.sections.setdefault(section, set()).add(match.group(1))
        return doc


def _table_name(name: str) -> str:
    """``[sources.NAME]`` and ``[[custom_kpis]]`` name the tables ``sources.NAME``, ``custom_kpis``."""
    return name.strip("[]")
