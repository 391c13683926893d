"""Returns: reverse the points earned on the refunded part, in proportion, and restore the points that
paid for it when the program says so.

Amounts are cumulative, so that several partial returns of one receipt add up exactly to a full return:
the points reversed so far are always ``floor(earned * refunded_so_far / paid)``; each return reverses
the difference, rounded down; restored points likewise with ``ceil``. The customer keeps the rounding in
their favour on a partial return, and a full return reverses and restores every point exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from loyalty.errors import Detail, InvalidAmount, ReturnNotAllowed


@dataclass(frozen=True, slots=True)
class ReturnPlan:
    points_to_reverse: int  # taken back from the member (earned on the refunded part)
    points_to_restore: int  # given back (redeemed on the refunded part)
    refunded_after: int  # cumulative refunded amount after this return


def _share(points: int, part: int, whole: int) -> int:
    return points * part // whole


def _share_up(points: int, part: int, whole: int) -> int:
    return -(-points * part // whole)


def plan_return(
    *,
    sale_amount: int,
    earned_points: int,
    redeemed_points: int,
    refunded_before: int,
    refund_now: int,
    restore_redeemed: bool,
) -> ReturnPlan:
    if sale_amount <= 0:
        raise ReturnNotAllowed(why="the original sale has no amount to refund")
    if earned_points < 0 or redeemed_points < 0 or refunded_before < 0:
        raise ReturnNotAllowed(why="the sale's records are inconsistent (negative points or refunds)")
    if refund_now <= 0:
        raise InvalidAmount(amount=refund_now, why="the refund must be more than zero")
    if refunded_before + refund_now > sale_amount:
        left = sale_amount - refunded_before
        raise ReturnNotAllowed(why=Detail("only {left} of this receipt is left to refund", left=left))
    after = refunded_before + refund_now
    reverse = _share(earned_points, after, sale_amount) - _share(earned_points, refunded_before, sale_amount)
    restore = 0
    if restore_redeemed:
        # Restored points round up: on a partial return the customer gets the benefit of the doubt both
        # ways (fewer points taken back, more points given back); a full return still adds up exactly.
        restore = _share_up(redeemed_points, after, sale_amount) - _share_up(
            redeemed_points, refunded_before, sale_amount
        )
    return ReturnPlan(reverse, restore, after)
