"""Tiers: qualifying spend over a rolling window, immediate upgrade, downgrade only at the review date."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty.program import Tiers
from loyalty.tiers import (
    TierState,
    evaluate,
    progress,
    qualifying_spend,
    replay,
    review,
    tier_for_spend,
    window_start,
)
from tests.loyalty.helpers import make_program, utc

PROGRAM = make_program(
    {
        "tiers": {
            "qualifying_months": 12,
            "review_months": 12,
            "levels": [
                {"code": "member", "name": "Thành viên", "qualifying_spend": 0},
                {"code": "silver", "name": "Bạc", "qualifying_spend": 5_000_000, "multiplier": "1.25"},
                {"code": "gold", "name": "Vàng", "qualifying_spend": 20_000_000, "multiplier": "1.5"},
            ],
        }
    }
)
assert PROGRAM.tiers is not None
TIERS: Tiers = PROGRAM.tiers
RANK = {t.code: i for i, t in enumerate(TIERS.levels)}


def test_qualifying_spend_rolling_window() -> None:
    at = utc(2026, 3, 15, 10)
    assert window_start(TIERS, at) == utc(2025, 3, 15, 10)
    spends = [
        (utc(2025, 3, 15, 10), 3_000_000),  # exactly 12 months ago: outside (the window is open there)
        (utc(2025, 3, 15, 11), 2_000_000),  # inside
        (utc(2026, 1, 10), 4_000_000),  # inside
        (utc(2026, 3, 15, 10), 1_000_000),  # at this instant: inside
        (utc(2026, 3, 16), 9_000_000),  # in the future: outside
    ]
    # 2.000.000 + 4.000.000 + 1.000.000 = 7.000.000 ₫
    assert qualifying_spend(TIERS, spends, at) == 7_000_000


def test_qualifying_spend_nets_refunds_and_never_goes_below_zero() -> None:
    at = utc(2026, 3, 15)
    # 6.000.000 ₫ bought − 2.500.000 ₫ refunded = 3.500.000 ₫
    assert (
        qualifying_spend(TIERS, [(utc(2026, 1, 1), 6_000_000), (utc(2026, 2, 1), -2_500_000)], at)
        == 3_500_000
    )
    # a refund of a purchase that left the window: 0, not negative
    assert qualifying_spend(TIERS, [(utc(2025, 1, 1), 6_000_000), (utc(2026, 2, 1), -6_000_000)], at) == 0


@pytest.mark.parametrize(
    ("spend", "code"),
    [
        (0, "member"),
        (4_999_999, "member"),
        (5_000_000, "silver"),
        (19_999_999, "silver"),
        (20_000_000, "gold"),
    ],
)
def test_tier_for_spend(spend: int, code: str) -> None:
    assert tier_for_spend(TIERS, spend).code == code


def test_evaluate_first_time() -> None:
    at = utc(2026, 3, 15)
    # 6.000.000 ₫ in the window → silver, reviewed 12 months later
    assert evaluate(TIERS, None, 6_000_000, at) == TierState("silver", at, utc(2027, 3, 15))


def test_immediate_upgrade_starts_a_new_review_period() -> None:
    state = TierState("silver", utc(2026, 1, 1), utc(2027, 1, 1))
    at = utc(2026, 6, 1)
    # 20.000.000 ₫ reached in June → gold at once, reviewed June next year
    assert evaluate(TIERS, state, 20_000_000, at) == TierState("gold", at, utc(2027, 6, 1))


def test_no_downgrade_before_review() -> None:
    state = TierState("gold", utc(2026, 1, 1), utc(2027, 1, 1))
    # spend fell to 1.000.000 ₫ in December, review is in January → still gold, unchanged
    assert evaluate(TIERS, state, 1_000_000, utc(2026, 12, 31, 23, 59)) == state
    # the same tier's spend, before the review → unchanged too
    assert evaluate(TIERS, state, 25_000_000, utc(2026, 6, 1)) == state


def test_downgrade_at_review() -> None:
    state = TierState("gold", utc(2026, 1, 1), utc(2027, 1, 1))
    at = utc(2027, 1, 1)  # the review instant itself
    # 6.000.000 ₫ in the window at review → silver from now, next review a year later
    assert evaluate(TIERS, state, 6_000_000, at) == TierState("silver", at, utc(2028, 1, 1))


def test_review_keeps_the_tier_when_still_earned() -> None:
    state = TierState("silver", utc(2026, 1, 1), utc(2027, 1, 1))
    # still 5.000.000 ₫ at review → silver kept, same "since", next review a year later
    assert evaluate(TIERS, state, 5_000_000, utc(2027, 1, 2)) == TierState(
        "silver", utc(2026, 1, 1), utc(2028, 1, 1)
    )


def test_review_catches_up_after_a_long_time() -> None:
    state = TierState("gold", utc(2024, 1, 1), utc(2025, 1, 1))
    at = utc(2027, 7, 1)
    # reviews were due in 2025, 2026 and 2027: each applied at its own date; the member went down at the
    # first (January 2025) and the next review is January 2028
    assert evaluate(TIERS, state, 0, at) == TierState("member", utc(2025, 1, 1), utc(2028, 1, 1))


def test_progress() -> None:
    # member with 4.900.000 ₫ → 100.000 ₫ to silver
    p = progress(TIERS, "member", 4_900_000)
    assert (p.current.code, p.next and p.next.code, p.spend_to_next) == ("member", "silver", 100_000)
    # silver with 6.000.000 ₫ → 14.000.000 ₫ to gold
    p = progress(TIERS, "silver", 6_000_000)
    assert (p.current.code, p.next and p.next.code, p.spend_to_next) == ("silver", "gold", 14_000_000)
    # gold is the top: nothing next, 0 to go
    p = progress(TIERS, "gold", 1_000_000)
    assert (p.next, p.spend_to_next) == (None, 0)
    # no tier yet, or one removed from the program → the first tier
    assert progress(TIERS, None, 0).current.code == "member"
    assert progress(TIERS, "platinum", 0).current.code == "member"
    # kept at silver before review with spend already past gold's threshold → 0 to go, never negative
    assert progress(TIERS, "silver", 25_000_000).spend_to_next == 0


# -- property: tier progress is monotone within a review period -----------------------------------------

START = utc(2026, 1, 1)
YEAR_HOURS = 365 * 24


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 25_000_000),
    st.lists(st.tuples(st.integers(0, YEAR_HOURS // 10), st.integers(1, 8_000_000)), max_size=12),
)
def test_tier_progress_is_monotone_within_a_period(first: int, purchases: list[tuple[int, int]]) -> None:
    spends: list[tuple[datetime, int]] = [(START, first)]
    state = evaluate(TIERS, None, first, START)
    p = progress(TIERS, state.code, first)
    at = START
    for gap, amount in purchases:
        at += timedelta(hours=gap)
        if at >= add_year(START):  # stay inside the first review period and the first window
            break
        spends.append((at, amount))
        spend = qualifying_spend(TIERS, spends, at)
        new_state = evaluate(TIERS, state, spend, at)
        new_p = progress(TIERS, new_state.code, spend)
        # the tier never goes down, and the member holds at least the tier their spend earns
        assert RANK[new_state.code] >= RANK[state.code]
        assert RANK[new_state.code] >= RANK[tier_for_spend(TIERS, spend).code]
        assert spend >= p.qualifying_spend
        if new_state.code == state.code:
            assert new_p.spend_to_next <= p.spend_to_next
        # the distance to every tier never grows (an upgrade measures to the *new* next tier)
        for level in TIERS.levels:
            assert max(0, level.qualifying_spend - spend) <= max(
                0, level.qualifying_spend - p.qualifying_spend
            )
        state, p = new_state, new_p


def add_year(moment: datetime) -> datetime:
    return moment.replace(year=moment.year + 1)


# Spends over four years, refunds included: reviews come and go, windows slide, refunds drop out of them.
_HISTORY = st.lists(
    st.tuples(
        st.integers(1, 24 * 200),
        st.integers(-8_000_000, 25_000_000).filter(lambda amount: amount != 0),
    ),
    max_size=25,
)


def _dated(gaps: list[tuple[int, int]]) -> list[tuple[datetime, int]]:
    at, spends = START, []
    for gap, amount in gaps:
        at += timedelta(hours=gap)
        spends.append((at, amount))
    return spends


@settings(max_examples=300, deadline=None)
@given(gaps=_HISTORY, after=st.integers(0, 24 * 800))
def test_replay_is_a_till_reviewing_at_each_sale(gaps: list[tuple[int, int]], after: int) -> None:
    """``replay`` gives what a till holds that enrols the member, reviews the tier after every sale and return
    it records with the spend it has seen so far, and is then asked at ``at`` (the central has no stored tier
    and no clock of its own: it replays the ledger)."""
    spends = _dated(gaps)
    at = (spends[-1][0] if spends else START) + timedelta(hours=after)
    seen: list[tuple[datetime, int]] = []

    def spend_at(when: datetime) -> int:
        return qualifying_spend(TIERS, seen, when)

    state = review(TIERS, None, spend_at, START)
    for when, amount in spends:
        seen.append((when, amount))
        state = review(TIERS, state, spend_at, when)
    assert replay(TIERS, spends, at, start=START) == review(TIERS, state, spend_at, at)
    # Entries after the moment asked about do not count.
    assert replay(TIERS, [*spends, (at + timedelta(hours=1), 90_000_000)], at, start=START) == replay(
        TIERS, spends, at, start=START
    )


@settings(max_examples=200, deadline=None)
@given(
    gaps=st.lists(st.tuples(st.integers(1, 24 * 200), st.integers(1, 25_000_000)), max_size=25),
    looks=st.lists(st.integers(0, 24 * 4 * 365), max_size=8),
)
def test_a_look_in_between_changes_no_tier(gaps: list[tuple[int, int]], looks: list[int]) -> None:
    """Without refunds, a review at any moment between sales (a cashier looking the member up, the nightly
    sweep) leaves the tier where the sales alone put it."""
    spends = _dated(gaps)
    at = START + timedelta(hours=24 * 4 * 365 + 1)
    moments = sorted([*(when for when, _ in spends), *(START + timedelta(hours=h) for h in looks)])
    moments = [when for when in moments if when <= at]

    def spend_at(when: datetime) -> int:
        return qualifying_spend(TIERS, spends, when)

    state = review(TIERS, None, spend_at, START)
    for when in moments:
        state = review(TIERS, state, spend_at, when)
    assert review(TIERS, state, spend_at, at) == replay(TIERS, spends, at, start=START)


def test_replay_upgrades_at_the_sale_and_downgrades_at_the_review() -> None:
    spends = [(utc(2026, 1, 10), 6_000_000), (utc(2026, 2, 1), 15_000_000)]
    assert replay(TIERS, [], utc(2026, 1, 1)).code == "member"
    assert replay(TIERS, spends, utc(2026, 1, 9), start=utc(2026, 1, 1)).code == "member"
    assert replay(TIERS, spends, utc(2026, 1, 10), start=utc(2026, 1, 1)) == TierState(
        "silver", utc(2026, 1, 10), utc(2027, 1, 10)
    )
    gold = TierState("gold", utc(2026, 2, 1), utc(2027, 2, 1))
    assert replay(TIERS, spends, utc(2026, 6, 1), start=utc(2026, 1, 1)) == gold
    # At the review a year on, nothing was bought in the window: back to the first tier from that date.
    assert replay(TIERS, spends, utc(2027, 3, 1), start=utc(2026, 1, 1)) == TierState(
        "member", utc(2027, 2, 1), utc(2028, 2, 1)
    )
