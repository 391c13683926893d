"""The named RFM segments and the rule table that maps each (R, F, M) cell to one, without NumPy.

The till's counter scores one member at a time against the day's quintile edges; that needs neither NumPy
nor SciPy, so it lives here, apart from the whole-store work in ``loyalty.analytics.rfm`` (whose docstring
cites the published table and explains the order of the rules).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from enum import StrEnum
from numbers import Integral

from loyalty.errors import InvalidInput


class Segment(StrEnum):
    CHAMPIONS = "champions"
    LOYAL = "loyal"
    POTENTIAL_LOYALIST = "potential_loyalist"
    NEW = "new"
    PROMISING = "promising"
    NEED_ATTENTION = "need_attention"
    ABOUT_TO_SLEEP = "about_to_sleep"
    AT_RISK = "at_risk"
    CANT_LOSE_THEM = "cant_lose_them"
    HIBERNATING = "hibernating"
    LOST = "lost"


SEGMENTS: tuple[Segment, ...] = tuple(Segment)
"""Every segment, in the table's order (``segment_codes`` index into it)."""


@dataclass(frozen=True, slots=True)
class SegmentRule:
    segment: Segment
    r: tuple[int, int]  # inclusive range of R
    fm: tuple[float, float]  # inclusive range of (F + M) / 2

    def matches(self, r: int, fm: float) -> bool:
        return self.r[0] <= r <= self.r[1] and self.fm[0] <= fm <= self.fm[1]


RULES: tuple[SegmentRule, ...] = (
    SegmentRule(Segment.CHAMPIONS, (4, 5), (4, 5)),
    SegmentRule(Segment.CANT_LOSE_THEM, (1, 1), (4, 5)),
    SegmentRule(Segment.NEW, (4, 5), (1, 1)),
    SegmentRule(Segment.PROMISING, (3, 4), (1, 1)),
    SegmentRule(Segment.AT_RISK, (1, 2), (2, 5)),
    SegmentRule(Segment.LOST, (1, 1), (1, 2)),  # the table's 0–2: the oldest recency only (see above)
    SegmentRule(Segment.HIBERNATING, (1, 2), (1, 2)),
    SegmentRule(Segment.NEED_ATTENTION, (2, 3), (2, 3)),
    SegmentRule(Segment.ABOUT_TO_SLEEP, (2, 3), (1, 2)),
    SegmentRule(Segment.LOYAL, (2, 5), (3, 5)),
    SegmentRule(Segment.POTENTIAL_LOYALIST, (3, 5), (1, 3)),
)
"""The table's rules in the order they are applied: the first that matches a cell names it."""


def segment_of(r: int, f: int, m: int) -> Segment:
    """The segment of one (R, F, M) cell, each score 1–5."""
    for score in (r, f, m):
        if isinstance(score, bool) or not isinstance(score, Integral) or not 1 <= score <= 5:
            raise InvalidInput(what="RFM score", why="each score is a whole number from 1 to 5")
    fm = (f + m) / 2
    for rule in RULES:
        if rule.matches(int(r), fm):
            return rule.segment
    raise AssertionError(f"no segment rule covers R={r} F={f} M={m}")  # pragma: no cover - a test covers all


@dataclass(frozen=True, slots=True)
class RfmEdges:
    """Quintile edges of the last purchase day (day numbers), the purchase days and the total spent."""

    recency: tuple[float, ...]
    frequency: tuple[float, ...]
    monetary: tuple[float, ...]


def score(edge: tuple[float, ...], value: float) -> int:
    """1 + the number of ``edge`` values strictly below ``value`` (ties share a score); 1 without edges."""
    return 1 + bisect_left(edge, value)


def cell_of(
    edges: RfmEdges, last_day: float, purchase_days: float, total_spent: float
) -> tuple[int, int, int]:
    """One member's (R, F, M) scores against ``edges``: what ``rfm.scores`` gives for a row of one."""
    return (
        score(edges.recency, last_day),
        score(edges.frequency, purchase_days),
        score(edges.monetary, total_spent),
    )
