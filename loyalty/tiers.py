"""Tiers: qualifying spend over a rolling window, immediate upgrade, downgrade only at the review date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from loyalty.ledger import add_months
from loyalty.program import Tier, Tiers


@dataclass(frozen=True, slots=True)
class TierState:
    code: str
    since: datetime
    review_at: datetime


@dataclass(frozen=True, slots=True)
class TierProgress:
    current: Tier
    next: Tier | None
    qualifying_spend: int
    spend_to_next: int  # 0 when at the top tier


def window_start(tiers: Tiers, at: datetime) -> datetime:
    return add_months(at, -tiers.qualifying_months)


def qualifying_spend(tiers: Tiers, spends: Iterable[tuple[datetime, int]], at: datetime) -> int:
    """Net spend in the rolling window ``(at - qualifying_months, at]``. Refunds come in as negative
    amounts; the sum never goes below zero."""
    start = window_start(tiers, at)
    return max(0, sum(amount for when, amount in spends if start < when <= at))


def tier_for_spend(tiers: Tiers, spend: int) -> Tier:
    best = tiers.levels[0]
    for tier in tiers.levels:
        if spend >= tier.qualifying_spend:
            best = tier
    return best


def _rank(tiers: Tiers, code: str) -> int:
    for i, tier in enumerate(tiers.levels):
        if tier.code == code:
            return i
    return 0  # a tier removed from the program: the member is treated as at the bottom


def evaluate(tiers: Tiers, state: TierState | None, spend: int, at: datetime) -> TierState:
    """The member's tier after a change of qualifying spend (or just time passing) at ``at``.

    An upgrade happens at once and starts a new review period. Before the review date a member never goes
    down; at the review date the member takes the tier the window's spend earns (down, or the same again).
    """
    earned = tier_for_spend(tiers, spend)
    if state is None:
        return TierState(earned.code, at, add_months(at, tiers.review_months))
    current_rank = _rank(tiers, state.code)
    earned_rank = _rank(tiers, earned.code)
    if earned_rank > current_rank:
        return TierState(earned.code, at, add_months(at, tiers.review_months))
    if at >= state.review_at:
        review_at = state.review_at
        while review_at <= at:  # a till off for a long time catches up, one review period at a time
            review_at = add_months(review_at, tiers.review_months)
        since = at if earned.code != state.code else state.since
        return TierState(earned.code, since, review_at)
    return state


def progress(tiers: Tiers, code: str | None, spend: int) -> TierProgress:
    current = next((t for t in tiers.levels if t.code == code), tiers.levels[0])
    rank = _rank(tiers, current.code)
    nxt = tiers.levels[rank + 1] if rank + 1 < len(tiers.levels) else None
    to_next = 0 if nxt is None else max(0, nxt.qualifying_spend - spend)
    return TierProgress(current, nxt, spend, to_next)
