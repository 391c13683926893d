"""RFM scores and named segments.

Scores
    Each member who has bought gets three scores from 1 to 5, 5 best, by quintile of the members who have
    bought: R from the day of the last purchase (later is better), F from the number of purchase days, M from
    the total spent. A value's score is 1 + the number of quintile edges (the 20th, 40th, 60th and 80th
    percentiles) strictly below it, so equal values always share a score (with most members at one visit,
    every one-visit member has F = 1). The edges are dates, counts and amounts: between two refreshes a
    member's scores change only when that member buys (``RfmBook``), and a refresh moves the edges.

Segments
    From the widely used 11-segment RFM table published by Putler ("RFM Analysis For Successful Customer
    Segmentation", putler.com), which gives for each segment a range of R and a range of the combined F/M
    score. Here F/M = (F + M) / 2, and a range written from 0 in the table starts at the lowest score, 1:

    =====================  ======  ======
    segment                R       F/M
    =====================  ======  ======
    Champions              4–5     4–5
    Loyal                  2–5     3–5
    Potential loyalist     3–5     1–3
    New                    4–5     0–1
    Promising              3–4     0–1
    Need attention         2–3     2–3
    About to sleep         2–3     0–2
    At risk                0–2     2–5
    Can't lose them        0–1     4–5
    Hibernating            1–2     1–2
    Lost                   0–2     0–2
    =====================  ======  ======

    The published ranges overlap, so they are applied in a fixed order and the first that matches wins
    (``RULES``): the narrower rule before the wider one it sits in, so that every segment keeps cells of
    its own. On scores from 1 to 5 the table's Lost and Hibernating ranges are the same cells; Lost is kept
    for the oldest recency (R = 1) and Hibernating takes R = 2. ``SEGMENT_BY_CELL`` is the resulting map of
    all 125 (R, F, M) cells; a test checks that each cell has exactly one segment and each segment a cell.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from loyalty.analytics.segments import (
    RULES,
    SEGMENTS,
    RfmEdges,
    Segment,
    SegmentRule,
    segment_of,
)
from loyalty.errors import InvalidInput

__all__ = [
    "QUINTILES",
    "RULES",
    "SEGMENTS",
    "SEGMENT_BY_CELL",
    "MemberRfm",
    "RfmBook",
    "RfmEdges",
    "Segment",
    "SegmentRule",
    "fit_edges",
    "scores",
    "segment_codes",
    "segment_of",
    "segment_sizes",
]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

QUINTILES = (0.2, 0.4, 0.6, 0.8)


def _cell_map() -> IntArray:
    table = np.empty((5, 5, 5), dtype=np.int64)
    for r in range(1, 6):
        for f in range(1, 6):
            for m in range(1, 6):
                table[r - 1, f - 1, m - 1] = SEGMENTS.index(segment_of(r, f, m))
    return table


SEGMENT_BY_CELL: IntArray = _cell_map()
"""Index into ``SEGMENTS`` of every (R-1, F-1, M-1) cell."""


# -- scores ----------------------------------------------------------------------------------------------
def _array(values: ArrayLike, what: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or not np.isfinite(array).all():
        raise InvalidInput(what=what, why="give one finite number per member")
    return array


def fit_edges(last_day: ArrayLike, purchase_days: ArrayLike, total_spent: ArrayLike) -> RfmEdges:
    """Quintile edges over the members who have bought (one value each)."""
    values = [
        _array(last_day, "Last purchase day"),
        _array(purchase_days, "Purchase days"),
        _array(total_spent, "Total spent"),
    ]
    if not values[0].shape == values[1].shape == values[2].shape:
        raise InvalidInput(what="RFM data", why="give the same members in each column")
    if values[0].size == 0:
        return RfmEdges((), (), ())
    edges = [tuple(float(e) for e in np.quantile(v, QUINTILES)) for v in values]
    return RfmEdges(*edges)


def scores(
    edges: RfmEdges, last_day: ArrayLike, purchase_days: ArrayLike, total_spent: ArrayLike
) -> IntArray:
    """(n, 3) array of R, F, M scores against ``edges``."""
    columns = (
        _array(last_day, "Last purchase day"),
        _array(purchase_days, "Purchase days"),
        _array(total_spent, "Total spent"),
    )
    out = np.ones((columns[0].size, 3), dtype=np.int64)
    for j, (column, edge) in enumerate(
        zip(columns, (edges.recency, edges.frequency, edges.monetary), strict=True)
    ):
        if edge:
            # 1 + the number of edges strictly below the value: ties share a score.
            out[:, j] += np.searchsorted(np.asarray(edge), column, side="left")
    return out


def segment_codes(rfm: IntArray) -> IntArray:
    """Index into ``SEGMENTS`` for each row of R, F, M scores."""
    return np.asarray(SEGMENT_BY_CELL[rfm[:, 0] - 1, rfm[:, 1] - 1, rfm[:, 2] - 1], dtype=np.int64)


def segment_sizes(codes: IntArray) -> dict[Segment, int]:
    counts = np.bincount(codes, minlength=len(SEGMENTS))
    return {segment: int(counts[i]) for i, segment in enumerate(SEGMENTS)}


# -- incremental -----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MemberRfm:
    last_day: int  # day number of the last purchase
    purchase_days: int
    total_spent: float
    scores: tuple[int, int, int]
    segment: Segment


class RfmBook:
    """Every member's RFM state, kept up to date sale by sale.

    ``add_sale`` changes one member: their own numbers, their scores against the current edges and the
    segment counts — constant work per sale. ``refresh`` recomputes the edges from everyone (say nightly);
    only then do other members' scores move. Sales must come in day order per member: a sale on a day
    before the member's last purchase day counts as a new purchase day, and the next refresh is exact
    again only if the caller rebuilds the book from the history."""

    def __init__(self, edges: RfmEdges | None = None) -> None:
        self.edges = edges or RfmEdges((), (), ())
        self._members: dict[Hashable, MemberRfm] = {}
        self._counts: Counter[Segment] = Counter()

    @classmethod
    def build(
        cls,
        members: Sequence[Hashable],
        last_day: ArrayLike,
        purchase_days: ArrayLike,
        total_spent: ArrayLike,
    ) -> RfmBook:
        """A book of ``members`` with edges fitted to them."""
        book = cls(fit_edges(last_day, purchase_days, total_spent))
        book._load(members, np.asarray(last_day), np.asarray(purchase_days), np.asarray(total_spent))
        return book

    def _load(
        self,
        members: Sequence[Hashable],
        last_day: NDArray[np.generic],
        days: NDArray[np.generic],
        total: FloatArray,
    ) -> None:
        rfm = scores(self.edges, last_day, days, total)
        codes = segment_codes(rfm)
        self._members = {
            member: MemberRfm(
                int(last_day[i]),
                int(days[i]),
                float(total[i]),
                (int(rfm[i, 0]), int(rfm[i, 1]), int(rfm[i, 2])),
                SEGMENTS[int(codes[i])],
            )
            for i, member in enumerate(members)
        }
        self._counts = Counter(state.segment for state in self._members.values())

    def __len__(self) -> int:
        return len(self._members)

    def get(self, member: Hashable) -> MemberRfm | None:
        return self._members.get(member)

    def sizes(self) -> dict[Segment, int]:
        return {segment: self._counts.get(segment, 0) for segment in SEGMENTS}

    def _score(self, last_day: int, days: int, total: float) -> tuple[tuple[int, int, int], Segment]:
        rfm = scores(self.edges, [last_day], [days], [total])[0]
        cell = (int(rfm[0]), int(rfm[1]), int(rfm[2]))
        return cell, SEGMENTS[int(SEGMENT_BY_CELL[cell[0] - 1, cell[1] - 1, cell[2] - 1])]

    def add_sale(self, member: Hashable, day: int, amount: float) -> MemberRfm:
        """Record one sale (``day`` a day number, ``amount`` net of refunds) and return the member's state."""
        before = self._members.get(member)
        if before is None:
            last, days, total = day, 1, float(amount)
        else:
            new_day = day != before.last_day
            last, days, total = (
                max(day, before.last_day),
                before.purchase_days + new_day,
                before.total_spent + amount,
            )
        cell, segment = self._score(last, days, total)
        after = MemberRfm(last, days, total, cell, segment)
        if before is not None:
            self._counts[before.segment] -= 1
        self._counts[segment] += 1
        self._members[member] = after
        return after

    def refresh(self) -> None:
        """Fit the edges to everyone again and rescore everyone."""
        members = list(self._members)
        states = list(self._members.values())
        last = np.asarray([s.last_day for s in states], dtype=np.int64)
        days = np.asarray([s.purchase_days for s in states], dtype=np.int64)
        total = np.asarray([s.total_spent for s in states], dtype=np.float64)
        self.edges = fit_edges(last, days, total)
        self._load(members, last, days, total)
