"""The one error type connectors raise, naming where the problem is so a person can fix it."""

from __future__ import annotations

from collections.abc import Sequence


class SourceError(RuntimeError):
    """A source could not be read as its canonical dataset.

    Carries the pieces separately (source, dataset, column, rows) so the
    refresh run log and the data-quality page can show them in columns, and
    renders them as one sentence for people reading a terminal.
    """

    def __init__(
        self,
        source: str,
        dataset: str,
        problem: str,
        *,
        column: str | None = None,
        rows: Sequence[int] = (),
        hint: str = "",
    ) -> None:
        self.source, self.dataset, self.column = source, dataset, column
        self.rows, self.problem, self.hint = tuple(rows), problem, hint
        where = f"source {source!r}, dataset {dataset!r}"
        if column:
            where += f", column {column!r}"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:10])
            more = f" and {len(self.rows) - 10} more" if len(self.rows) > 10 else ""
            where += f", rows {shown}{more}"
        super().__init__(f"{where}: {problem}" + (f" — {hint}" if hint else ""))
