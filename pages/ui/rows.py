"""Row-level access on the pages: a limited person's view, filter choices and rows.

Why at these three places: every number, split, "what changed" row, verbatim,
export and live query of a page is computed from the view's segment filters and
the context's frames. So a limited person (``[[access.rows]]``, pure rules in
``benefitboard.access``) gets a view whose filters always hold their limits, a
filter bar that offers only their values, and frames that hold only their rows.
A dataset that lacks a limited segment cannot be narrowed to it: like any filter
on a column a dataset lacks, the limit makes its KPIs unavailable (shown as
missing), and its frame is empty. The safe side.

Caches stay shared: results are keyed by the view's filters, which hold the
limits, so a limited person and anyone filtering to the same values get the
same, correct numbers; the one cache built from whole frames (the comment
index) is keyed by the limits too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TypeVar

import polars as pl

from benefitboard.access import RowLimits, limited_filters
from pages.ui.state import ViewState

Rows = TypeVar("Rows", pl.DataFrame, pl.LazyFrame)


def limited_view(view: ViewState, limits: RowLimits) -> tuple[ViewState, list[str]]:
    """``view`` with its segment filters held to ``limits``, and a notice per refused value.

    >>> view, notices = limited_view(ViewState(segments={"region": ("South",)}),
    ...                              (("region", ("North",)),))
    >>> dict(view.segments), notices
    ({'region': ('North',)}, ['Your access is limited to region North: region South is not shown.'])
    """
    if not limits:
        return view, []
    filters, denied = limited_filters(view.segments, limits)
    allowed = dict(limits)
    notices = [
        f"Your access is limited to {segment} {', '.join(allowed[segment])}: "
        f"{segment} {', '.join(values)} is not shown."
        for segment, values in denied.items()
    ]
    return view.with_(segments=filters), notices


def limited_values(
    values: Mapping[str, tuple[str, ...]], limits: RowLimits
) -> dict[str, tuple[str, ...]]:
    """The filter bar's choices: a limited segment offers only the allowed values present."""
    allowed = dict(limits)
    return {
        segment: tuple(v for v in found if segment not in allowed or v in allowed[segment])
        for segment, found in values.items()
    }


class LimitedFrames(Mapping[str, pl.DataFrame]):
    """A context's frames holding only the rows a limited person may see.

    Filtered on each access; the shared, unfiltered frames stay cached for everyone.
    """

    def __init__(self, frames: Mapping[str, pl.DataFrame], limits: RowLimits) -> None:
        self._frames = frames
        self.limits = limits

    def __getitem__(self, dataset: str) -> pl.DataFrame:
        return limited_rows(self._frames[dataset], self.limits)

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)


def limited_rows(frame: Rows, limits: RowLimits) -> Rows:
    """The rows of ``frame`` inside ``limits`` (a frame without a limited column: no rows).

    >>> frame = pl.DataFrame({"region": ["North", "South"], "score": [9, 3]})
    >>> limited_rows(frame, (("region", ("North",)),))["score"].to_list()
    [9]
    >>> limited_rows(frame.lazy(), (("plan", ("pro",)),)).collect().height
    0
    """
    for segment, values in limits:
        if segment not in frame.collect_schema().names():
            return frame.clear()
        frame = frame.filter(pl.col(segment).is_in(list(values)))
    return frame
