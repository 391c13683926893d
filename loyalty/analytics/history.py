"""Historic value of one member: what they have spent and done so far, from their sales and points entries.

Definitions (the member 360 shows these):

* a *sale* is one purchase net of its refunds; a sale refunded in full is no sale. A *visit* is a day with at
  least one sale (``summary``'s purchase day);
* total spend is the sum of the sales, the average basket total spend / sales;
* tenure runs from enrolment (or, without it, the first visit) to the day the figures are for;
* points earned are every credit the member was given for buying or acting — earnings, bonuses (welcome,
  referral), actions and positive adjustments; redeemed are points spent on bills and rewards, net of those
  given back when a paid-with-points sale was returned; expired are points that lapsed;
* the redemption rate is redeemed / earned (None before anything was earned).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from loyalty.errors import InvalidInput

EARNING_KINDS = frozenset({"earn", "bonus", "action", "adjust"})
"""Kinds whose positive entries count as points earned (a manager's credit included)."""


@dataclass(frozen=True, slots=True)
class PointsMovement:
    """One ledger entry as the history reads it. ``restores_redemption`` marks the reversal that gives back
    points redeemed on a returned sale (it cancels a redemption rather than earning anything)."""

    kind: str
    points: int
    restores_redemption: bool = False


@dataclass(frozen=True, slots=True)
class HistoricValue:
    total_spend: int
    sales: int
    visits: int
    average_basket: int | None  # minor units, rounded down; None without a sale
    first_visit: date | None
    last_visit: date | None
    tenure_days: int
    points_earned: int
    points_redeemed: int
    points_expired: int
    redemption_rate: float | None


def historic_value(
    sales: Iterable[tuple[date, int]],
    points: Iterable[PointsMovement],
    as_of: date,
    *,
    enrolled_on: date | None = None,
) -> HistoricValue:
    """The member's historic value as of ``as_of`` from their sales ``(day, net amount)`` and points entries.
    Sales after ``as_of`` are ignored; a sale with a net amount of 0 or less (refunded in full) is no sale."""
    total = count = 0
    days: set[date] = set()
    for day, amount in sales:
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise InvalidInput(what="Sale amount", why="money is counted in whole minor units")
        if day > as_of or amount <= 0:
            continue
        total += amount
        count += 1
        days.add(day)
    earned = redeemed = expired = 0
    for move in points:
        if move.kind in EARNING_KINDS and move.points > 0:
            earned += move.points
        elif move.kind == "redeem" or (move.kind == "reverse" and move.restores_redemption):
            redeemed -= move.points
        elif move.kind == "expire":
            expired -= move.points
    first = min(days) if days else None
    start = enrolled_on or first
    return HistoricValue(
        total_spend=total,
        sales=count,
        visits=len(days),
        average_basket=total // count if count else None,
        first_visit=first,
        last_visit=max(days) if days else None,
        tenure_days=max(0, (as_of - start).days) if start is not None else 0,
        points_earned=earned,
        points_redeemed=max(0, redeemed),
        points_expired=expired,
        redemption_rate=max(0, redeemed) / earned if earned else None,
    )
