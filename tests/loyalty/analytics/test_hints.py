from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from loyalty.analytics.hints import (
    TEMPLATES,
    Hint,
    HintInput,
    HintKind,
    RewardOption,
    TierStep,
    best_hint,
    describe,
    hints,
)
from loyalty.analytics.rfm import Segment
from loyalty.errors import InvalidInput

TODAY = date(2026, 12, 10)
VOUCHER = RewardOption("VOUCHER50K", "a 50.000 ₫ voucher", 400)
COFFEE = RewardOption("COFFEE", "a free coffee", 100)
BASE = HintInput(today=TODAY, balance=0, lots=(), rewards=(VOUCHER,), personalisation=False)


def kinds(data: HintInput) -> list[HintKind]:
    return [h.kind for h in hints(data)]


def test_points_expiring_with_the_reward_they_could_still_reach() -> None:
    data = replace(BASE, balance=320, lots=[(320, date(2026, 12, 31))])
    (hint,) = hints(data)
    assert hint == Hint(
        HintKind.POINTS_EXPIRING, points=320, on=date(2026, 12, 31), reward=VOUCHER.name, missing_points=80
    )
    assert describe(hint) == "320 points expire on 31/12 — 80 points to a 50.000 ₫ voucher."


def test_points_expiring_that_already_pay_for_a_reward() -> None:
    data = replace(
        BASE,
        balance=450,
        lots=[(200, date(2026, 12, 31)), (250, date(2027, 11, 30))],
        rewards=(VOUCHER, COFFEE),
    )
    assert kinds(data) == [HintKind.POINTS_EXPIRING]  # no separate "reward ready": the expiry hint says it
    assert describe(hints(data)[0]) == "200 points expire on 31/12 — enough for a 50.000 ₫ voucher now."


def test_only_the_soonest_expiry_within_thirty_days_is_told() -> None:
    data = replace(
        BASE,
        balance=90,
        lots=[(30, date(2026, 12, 31)), (40, date(2026, 12, 20)), (20, date(2027, 1, 31))],
        rewards=(),
    )
    assert describe(hints(data)[0]) == "40 points expire on 20/12."
    assert hints(replace(data, lots=[(20, date(2027, 1, 31))])) == []  # 52 days away: not yet


def test_reward_ready_and_reward_close() -> None:
    ready = hints(replace(BASE, balance=420, rewards=(VOUCHER, COFFEE)))
    assert describe(ready[0]) == "420 points: enough for a 50.000 ₫ voucher (400 points) now."
    close = hints(replace(BASE, balance=300))
    assert describe(close[0]) == "100 points to a 50.000 ₫ voucher (400 points)."
    assert hints(replace(BASE, balance=299)) == []  # 101 missing: more than a quarter of the price
    assert hints(replace(BASE, balance=420, minimum_points=500)) != ready  # under the program's minimum


def test_tier_close() -> None:
    step = TierStep("Vàng", qualifying_spend=20_000_000, missing=1_000_000)
    (hint,) = hints(replace(BASE, next_tier=step))
    assert describe(hint) == "1.000.000 ₫ more spend reaches Vàng."
    assert describe(hint, money=lambda amount: f"{amount / 1000:g}k") == "1000k more spend reaches Vàng."
    assert hints(replace(BASE, next_tier=replace(step, missing=4_000_001))) == []


LAPSED = replace(
    BASE,
    visits=12,
    first_visit=date(2025, 3, 1),
    last_visit=date(2026, 8, 1),
    segment=Segment.AT_RISK,
    p_alive=0.31,
    birthday=date(1990, 12, 24),
)


def test_personalised_hints_only_with_consent() -> None:
    assert kinds(LAPSED) == []  # declined: service facts only, and there are none
    assert kinds(replace(LAPSED, personalisation=None)) == [HintKind.ASK_CONSENT]
    consented = replace(LAPSED, personalisation=True)
    assert kinds(consented) == [HintKind.WIN_BACK, HintKind.BIRTHDAY]
    win_back, birthday = hints(consented)
    assert describe(win_back) == "Welcome back: last visit 131 days ago; 31% likely to keep coming."
    assert describe(birthday) == "Birthday on 24/12: wish them a happy birthday."
    assert win_back.personalised and birthday.personalised


def test_no_predictive_hint_without_enough_history() -> None:
    short = replace(LAPSED, personalisation=True, visits=2)
    assert kinds(short) == [HintKind.BIRTHDAY]  # the birthday is a fact, not a prediction
    recent = replace(LAPSED, personalisation=True, first_visit=date(2026, 11, 1))
    assert kinds(recent) == [HintKind.BIRTHDAY]


def test_win_back_from_the_model_alone_and_without_it() -> None:
    by_model = replace(LAPSED, personalisation=True, segment=Segment.LOYAL, birthday=None)
    assert kinds(by_model) == [HintKind.WIN_BACK]  # P(alive) 0.31 < 0.5
    by_segment = replace(by_model, segment=Segment.LOST, p_alive=None)
    assert describe(hints(by_segment)[0]) == "Welcome back: last visit 131 days ago, 12 visits before."
    assert kinds(replace(by_model, p_alive=0.9)) == []


def test_champions_are_asked_for_a_referral() -> None:
    champion = replace(
        LAPSED, personalisation=True, segment=Segment.CHAMPIONS, p_alive=0.97, referral_points=100
    )
    assert kinds(champion) == [HintKind.BIRTHDAY, HintKind.REFERRAL]
    assert (
        describe(hints(champion)[1]) == "A regular (12 visits): ask them to bring a friend — 100 points each."
    )
    assert kinds(replace(champion, referral_points=0)) == [HintKind.BIRTHDAY]


def test_hints_are_ranked_and_the_best_is_first() -> None:
    everything = replace(
        LAPSED,
        personalisation=True,
        balance=330,
        lots=[(330, date(2026, 12, 31))],
        next_tier=TierStep("Bạc", 5_000_000, 400_000),
    )
    ranked = hints(everything)
    assert [h.kind for h in ranked] == [
        HintKind.POINTS_EXPIRING,
        HintKind.WIN_BACK,
        HintKind.TIER_CLOSE,
        HintKind.BIRTHDAY,
    ]
    assert [h.rank for h in ranked] == sorted(h.rank for h in ranked)
    assert best_hint(everything) == ranked[0]
    assert best_hint(BASE) is None


def test_a_birthday_on_29_february_in_a_common_year() -> None:
    data = replace(BASE, today=date(2027, 2, 3), personalisation=True, birthday=date(2000, 2, 29))
    assert hints(data)[0].on == date(2027, 2, 28)


def test_every_template_formats_with_every_hints_numbers() -> None:
    samples = [
        Hint(HintKind.POINTS_EXPIRING, points=1, on=TODAY),
        Hint(HintKind.POINTS_EXPIRING, points=1, on=TODAY, reward="r", missing_points=2),
        Hint(HintKind.POINTS_EXPIRING, points=1, on=TODAY, reward="r", missing_points=0),
        Hint(HintKind.REWARD_READY, points=1, reward="r", reward_points=1),
        Hint(HintKind.WIN_BACK, days=1, visits=3),
        Hint(HintKind.WIN_BACK, days=1, visits=3, p_alive=0.2),
        Hint(HintKind.REWARD_CLOSE, points=1, reward="r", reward_points=2, missing_points=1),
        Hint(HintKind.TIER_CLOSE, amount=1, tier="t"),
        Hint(HintKind.BIRTHDAY, on=TODAY),
        Hint(HintKind.REFERRAL, visits=3, points=1),
        Hint(HintKind.ASK_CONSENT),
    ]
    assert {h.template for h in samples} == set(TEMPLATES.values())
    for hint in samples:
        text = describe(hint)
        assert "{" not in text and "None" not in text


def test_a_member_who_owes_points_gets_no_reward_hint() -> None:
    assert hints(replace(BASE, balance=-40, rewards=(COFFEE,))) == []
    with pytest.raises(InvalidInput):
        hints(replace(BASE, visits=-1))
