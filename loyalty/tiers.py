"""Tiers: qualifying spend over a rolling window, immediate upgrade, downgrade only at the review date."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate

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
    """The member's tier at ``at`` when the window's spend is ``spend`` whatever the date (see ``review``)."""
    return review(tiers, state, lambda _when: spend, at)


def review(
    tiers: Tiers, state: TierState | None, spend_at: Callable[[datetime], int], at: datetime
) -> TierState:
    """The member's tier at ``at``; ``spend_at(when)`` is the qualifying spend of the window ending ``when``.

    Every review date that has passed is applied at its own date, with the spend of the window that ends
    on it: a member who comes back months after their review is reviewed as of that date, not as of today,
    and a till that was off for years catches up one review period at a time. Between reviews a member never
    goes down. An upgrade happens at once (from ``at``) and starts a new review period.
    """
    if state is None:
        earned = tier_for_spend(tiers, spend_at(at))
        return TierState(earned.code, at, add_months(at, tiers.review_months))
    while state.review_at <= at:
        when = state.review_at
        earned = tier_for_spend(tiers, spend_at(when))
        since = state.since if earned.code == state.code else when
        state = TierState(earned.code, since, add_months(when, tiers.review_months))
    earned = tier_for_spend(tiers, spend_at(at))
    if _rank(tiers, earned.code) > _rank(tiers, state.code):
        return TierState(earned.code, at, add_months(at, tiers.review_months))
    return state


def replay(
    tiers: Tiers, spends: Sequence[tuple[datetime, int]], at: datetime, start: datetime | None = None
) -> TierState:
    """The member's tier at ``at`` as a ledger says it, from the purchases and refunds alone.

    ``spends`` are ``(when, amount)`` in time order (refunds negative). The member starts at the first tier
    at ``start`` (their enrolment; the first spend when not given), and the tier is reviewed (``review``) at
    every spend's time, then at ``at``. A till does the same at each sale and return it records, so the
    central, evaluating the same entries, holds the same tier as the till of a member who shops at one
    till; nothing depends on when anyone asked.
    """
    times = [when for when, _ in spends]
    totals = [0, *accumulate(amount for _, amount in spends)]

    def spend_at(when: datetime) -> int:
        # Sum of the window (when - qualifying months, when] from prefix sums: O(log n) per review.
        upto = totals[bisect_right(times, when)]
        before = totals[bisect_right(times, window_start(tiers, when))]
        return max(0, upto - before)

    first = start if start is not None else (times[0] if times else at)
    state = review(tiers, None, spend_at, min(first, at))
    for when in times:
        if when > at:
            break
        if when >= first:
            state = review(tiers, state, spend_at, when)
    return review(tiers, state, spend_at, at)


def review_due(state: TierState | None, at: datetime) -> bool:
    return state is None or state.review_at <= at


def progress(tiers: Tiers, code: str | None, spend: int) -> TierProgress:
    current = next((t for t in tiers.levels if t.code == code), tiers.levels[0])
    rank = _rank(tiers, current.code)
    nxt = tiers.levels[rank + 1] if rank + 1 < len(tiers.levels) else None
    to_next = 0 if nxt is None else max(0, nxt.qualifying_spend - spend)
    return TierProgress(current, nxt, spend, to_next)
