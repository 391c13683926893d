"""Returns: proportional reverse of earned points, restore of redeemed points, partial returns add up."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty.errors import InvalidAmount, ReturnNotAllowed
from loyalty.returns import ReturnPlan, plan_return


def test_proportional_reverse_and_restore() -> None:
    # sale 500.000 ₫ earned 50 points and used 100 points; 200.000 ₫ refunded (40 %)
    # → reverse 50 × 200/500 = 20, restore 100 × 200/500 = 40
    plan = plan_return(
        sale_amount=500_000,
        earned_points=50,
        redeemed_points=100,
        refunded_before=0,
        refund_now=200_000,
        restore_redeemed=True,
    )
    assert plan == ReturnPlan(points_to_reverse=20, points_to_restore=40, refunded_after=200_000)


def test_no_restore_when_the_program_says_so() -> None:
    plan = plan_return(
        sale_amount=500_000,
        earned_points=50,
        redeemed_points=100,
        refunded_before=0,
        refund_now=200_000,
        restore_redeemed=False,
    )
    assert (plan.points_to_reverse, plan.points_to_restore) == (20, 0)


def test_partial_reverse_rounds_in_the_customers_favour() -> None:
    # sale 300.000 ₫ earned 10 points; 100.000 ₫ refunded → 10 / 3 = 3,33 → 3 reversed
    plan = plan_return(
        sale_amount=300_000,
        earned_points=10,
        redeemed_points=0,
        refunded_before=0,
        refund_now=100_000,
        restore_redeemed=True,
    )
    assert plan.points_to_reverse == 3


def test_several_partial_returns_add_up_to_a_full_return() -> None:
    # sale 500.000 ₫ earned 47, redeemed 13; refunds of 100.000, 150.000 and 250.000 ₫
    # cumulative reverse: floor(47 × 100/500) = 9, floor(47 × 250/500) = 23, 47 → steps 9, 14, 24 = 47
    # cumulative restore rounds up (the customer's favour): ceil(13 × 100/500) = 3, ceil(13 × 250/500) = 7,
    # 13 → steps 3, 4, 6 = 13
    refunded = 0
    steps = []
    for part in (100_000, 150_000, 250_000):
        plan = plan_return(
            sale_amount=500_000,
            earned_points=47,
            redeemed_points=13,
            refunded_before=refunded,
            refund_now=part,
            restore_redeemed=True,
        )
        refunded = plan.refunded_after
        steps.append((plan.points_to_reverse, plan.points_to_restore))
    assert steps == [(9, 3), (14, 4), (24, 6)]
    assert refunded == 500_000
    full = plan_return(
        sale_amount=500_000,
        earned_points=47,
        redeemed_points=13,
        refunded_before=0,
        refund_now=500_000,
        restore_redeemed=True,
    )
    assert (full.points_to_reverse, full.points_to_restore) == (47, 13)


def test_over_refund_is_refused() -> None:
    # 400.000 ₫ of a 500.000 ₫ sale already refunded; 200.000 ₫ more is too much
    with pytest.raises(ReturnNotAllowed) as err:
        plan_return(
            sale_amount=500_000,
            earned_points=50,
            redeemed_points=0,
            refunded_before=400_000,
            refund_now=200_000,
            restore_redeemed=True,
        )
    assert (
        err.value.message == "This return cannot be processed: only 100000 of this receipt is left to refund"
    )


def test_bad_refunds() -> None:
    with pytest.raises(InvalidAmount, match="the refund must be more than zero"):
        plan_return(
            sale_amount=500_000,
            earned_points=50,
            redeemed_points=0,
            refunded_before=0,
            refund_now=0,
            restore_redeemed=True,
        )
    with pytest.raises(ReturnNotAllowed, match="no amount to refund"):
        plan_return(
            sale_amount=0,
            earned_points=0,
            redeemed_points=0,
            refunded_before=0,
            refund_now=1,
            restore_redeemed=True,
        )


@st.composite
def refund_sequences(draw: st.DrawFn) -> tuple[int, list[int]]:
    """A sale amount and refunds that add up to it (the last one completes the full return)."""
    sale = draw(st.integers(1, 10**9))
    cuts = sorted(set(draw(st.lists(st.integers(1, sale), max_size=8))) | {sale})
    parts = [b - a for a, b in zip([0, *cuts], cuts, strict=False)]
    return sale, [p for p in parts if p > 0]


@settings(max_examples=300, deadline=None)
@given(refund_sequences(), st.integers(0, 10**6), st.integers(0, 10**6), st.booleans())
def test_returns_after_partial_redemption_keep_every_invariant(
    sale_refunds: tuple[int, list[int]], earned: int, redeemed: int, restore: bool
) -> None:
    sale, refunds = sale_refunds
    refunded = reversed_total = restored_total = 0
    for part in refunds:
        plan = plan_return(
            sale_amount=sale,
            earned_points=earned,
            redeemed_points=redeemed,
            refunded_before=refunded,
            refund_now=part,
            restore_redeemed=restore,
        )
        assert plan.points_to_reverse >= 0
        assert plan.points_to_restore >= 0
        assert plan.refunded_after == refunded + part
        refunded = plan.refunded_after
        reversed_total += plan.points_to_reverse
        restored_total += plan.points_to_restore
        assert reversed_total <= earned
        assert restored_total <= (redeemed if restore else 0)
        # never more than the refunded share (the customer keeps the rounding)
        assert reversed_total * sale <= earned * refunded
        # refunding more than what is left of the receipt is refused
        with pytest.raises(ReturnNotAllowed):
            plan_return(
                sale_amount=sale,
                earned_points=earned,
                redeemed_points=redeemed,
                refunded_before=refunded,
                refund_now=sale - refunded + 1,
                restore_redeemed=restore,
            )
    assert refunded == sale
    assert reversed_total == earned
    assert restored_total == (redeemed if restore else 0)
