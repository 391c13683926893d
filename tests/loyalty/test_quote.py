"""Earning rules, one worked example per rule, in VND; then redemption limits; then properties.

Unless a test says otherwise the program earns 1 point per 10.000 ₫, rounded down, and 1 point pays 1.000 ₫.
Times are written in the store's wall clock (Vietnam, UTC+7) and passed to ``quote`` as aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty.errors import CurrencyMismatch, InvalidAmount
from loyalty.money import Money
from loyalty.program import Program, load_program
from loyalty.quote import Basket, BasketLine, Quote, max_redeemable, quote, redemption_value, round_points
from tests.loyalty.helpers import DEFAULT_TOML, basket, line, local, make_program, utc, vnd

# A plain Wednesday noon in the store: no promotion of these tests applies then unless it says so.
NOON = local(2026, 3, 4, 12)


def earn(program: Program, *lines: BasketLine | int, at: datetime = NOON, tier: str | None = None) -> Quote:
    return quote(program, basket(*lines), at=at, tier_code=tier)


def parts(q: Quote) -> dict[str, int]:
    return {c.rule: c.points for c in q.components}


# -- 1. earn rate per step and rounding ---------------------------------------------------------------


def test_earn_rate_one_point_per_step_rounded_down() -> None:
    program = make_program()
    # 125.000 ₫ / 10.000 = 12,5 steps → 12 whole steps → 12 points
    assert earn(program, 125_000).points == 12
    # 9.999 ₫ is not a whole step → 0 points
    assert earn(program, 9_999).points == 0
    # 10.000 ₫ is exactly one step → 1 point
    assert earn(program, 10_000).points == 1


def test_earn_rate_points_per_step() -> None:
    program = make_program({"earn": {"spend_step": 10_000, "points_per_step": 3}})
    # 125.000 ₫ → 12,5 steps × 3 = 37,5 points exactly → rounded once, down → 37 points
    q = earn(program, 125_000)
    assert q.points == 37
    assert parts(q) == {"base": 37}


def test_earn_is_counted_on_the_whole_basket_not_per_line() -> None:
    program = make_program()
    # 5.000 ₫ + 5.000 ₫ + 5.000 ₫ = 15.000 ₫ → 1 step → 1 point (no line alone makes a step)
    assert earn(program, 5_000, 5_000, 5_000).points == 1


@pytest.mark.parametrize(
    ("rounding", "amount", "points"),
    [
        ("down", 125_000, 12),  # 12,5 → 12
        ("down", 129_999, 12),  # 12,9999 → 12
        ("half_up", 125_000, 13),  # 12,5 → 13
        ("half_up", 124_999, 12),  # 12,4999 → 12
        ("half_up", 15_000, 2),  # 1,5 → 2
        ("up", 120_001, 13),  # 12,0001 → 13
        ("up", 120_000, 12),  # exactly 12 → 12
        ("up", 1, 1),  # 0,0001 → 1
    ],
)
def test_earn_rounding_modes(rounding: str, amount: int, points: int) -> None:
    program = make_program({"earn": {"rounding": rounding}})
    assert earn(program, amount).points == points


def test_rounding_helper() -> None:
    assert round_points(Decimal("2.5"), "down") == 2
    assert round_points(Decimal("2.5"), "half_up") == 3
    assert round_points(Decimal("2.1"), "up") == 3
    # negative extras (multiplier below 1) round towards −∞ when rounding down: −2,5 → −3
    assert round_points(Decimal("-2.5"), "down") == -3


# -- 2. minimum spend -----------------------------------------------------------------------------------


def test_minimum_spend() -> None:
    program = make_program({"earn": {"minimum_spend": 20_000}})
    # 19.999 ₫ < 20.000 ₫ minimum → 0 points
    q = earn(program, 19_999)
    assert q.points == 0
    assert parts(q) == {"minimum_spend": 0}
    # 20.000 ₫ reaches the minimum → 2 steps → 2 points
    assert earn(program, 20_000).points == 2


def test_minimum_spend_counts_only_eligible_lines() -> None:
    program = make_program({"earn": {"minimum_spend": 20_000, "excluded_categories": ["tobacco"]}})
    # 15.000 ₫ groceries + 50.000 ₫ tobacco: eligible 15.000 ₫ < 20.000 ₫ → 0 points
    q = earn(program, line(15_000, "grocery"), line(50_000, "tobacco"))
    assert q.points == 0
    assert q.eligible == vnd(15_000)
    assert q.total == vnd(65_000)


# -- 3. excluded categories ---------------------------------------------------------------------------


def test_excluded_categories_earn_nothing() -> None:
    program = make_program({"earn": {"excluded_categories": ["tobacco", "gift_card"]}})
    # 100.000 ₫ grocery + 200.000 ₫ tobacco → eligible 100.000 ₫ → 10 points
    q = earn(program, line(100_000, "grocery"), line(200_000, "tobacco"))
    assert q.points == 10
    assert q.eligible == vnd(100_000)
    # only a 500.000 ₫ gift card → nothing earns
    q = earn(program, line(500_000, "gift_card"))
    assert q.points == 0
    assert parts(q) == {"excluded": 0}
    # a line without category is never excluded
    assert earn(program, line(30_000)).points == 3


# -- 4. category and SKU multipliers ------------------------------------------------------------------


def test_category_multiplier() -> None:
    program = make_program({"earn": {"category_multipliers": {"fresh": "2", "bakery": "1.5"}}})
    # 150.000 ₫ fresh at x2 → 15 base + 15 extra = 30
    q = earn(program, line(150_000, "fresh"))
    assert parts(q) == {"base": 15, "category:fresh": 15}
    assert q.points == 30
    # 50.000 ₫ bakery at x1,5 → 5 base + floor(5 × 0,5 = 2,5) = 2 extra = 7
    assert earn(program, line(50_000, "bakery")).points == 7
    # 150.000 ₫ fresh + 100.000 ₫ grocery → 25 base + 15 extra (fresh line only) = 40
    assert earn(program, line(150_000, "fresh"), line(100_000, "grocery")).points == 40


def test_category_multiplier_below_one_lowers_points() -> None:
    program = make_program({"earn": {"category_multipliers": {"clearance": "0"}}})
    # 100.000 ₫ clearance x0 + 100.000 ₫ other → 20 base − 10 (clearance line's base) = 10
    q = earn(program, line(100_000, "clearance"), line(100_000))
    assert parts(q) == {"base": 20, "category:clearance": -10}
    assert q.points == 10


def test_sku_multiplier() -> None:
    program = make_program({"earn": {"sku_multipliers": {"8934563138165": "3"}}})
    # 40.000 ₫ of the featured SKU at x3 → 4 base + 8 extra = 12
    q = earn(program, line(40_000, sku="8934563138165"), line(10_000, sku="other"))
    assert parts(q) == {"base": 5, "sku:8934563138165": 8}
    assert q.points == 13


def test_category_and_sku_multipliers_add_their_extras() -> None:
    program = make_program(
        {"earn": {"category_multipliers": {"fresh": "2"}, "sku_multipliers": {"SKU1": "3"}}}
    )
    # 100.000 ₫ fresh SKU1 → 10 base + 10 (fresh x2) + 20 (SKU x3) = 40
    q = earn(program, line(100_000, "fresh", "SKU1"))
    assert parts(q) == {"base": 10, "category:fresh": 10, "sku:SKU1": 20}
    assert q.points == 40


# -- 5. tier multipliers ------------------------------------------------------------------------------

TIERS: dict[str, Any] = {
    "tiers": {
        "levels": [
            {"code": "member", "name": "Thành viên", "qualifying_spend": 0},
            {"code": "silver", "name": "Bạc", "qualifying_spend": 5_000_000, "multiplier": "1.25"},
            {"code": "gold", "name": "Vàng", "qualifying_spend": 20_000_000, "multiplier": "1.5"},
        ]
    }
}


def test_tier_multiplier() -> None:
    program = make_program(TIERS)
    # silver x1,25 on 200.000 ₫ → 20 base + 20 × 0,25 = 5 extra = 25
    q = earn(program, 200_000, tier="silver")
    assert parts(q) == {"base": 20, "tier:silver": 5}
    # gold x1,5 on 150.000 ₫ → 15 base + floor(7,5) = 7 extra = 22
    assert earn(program, 150_000, tier="gold").points == 22
    # member x1 → no extra; unknown or missing tier → no extra
    assert parts(earn(program, 150_000, tier="member")) == {"base": 15}
    assert earn(program, 150_000, tier="platinum").points == 15
    assert earn(program, 150_000).points == 15


def test_tier_multiplier_applies_to_the_base_only() -> None:
    program = make_program({**TIERS, "earn": {"category_multipliers": {"fresh": "2"}}})
    # 150.000 ₫ fresh at gold → 15 base + 15 (fresh x2) + floor(15 × 0,5) = 7 (tier) = 37
    q = earn(program, line(150_000, "fresh"), tier="gold")
    assert parts(q) == {"base": 15, "category:fresh": 15, "tier:gold": 7}
    assert q.points == 37


# -- 6. promotions ------------------------------------------------------------------------------------

HAPPY_HOUR: dict[str, Any] = {
    "code": "HAPPY_HOUR",
    "name": "Giờ vàng",
    "multiplier": "2",
    "days_of_week": [0, 1, 2, 3, 4],  # Monday to Friday
    "start_time": "14:00",
    "end_time": "17:00",
}


def promo_program(*promotions: dict[str, Any], **rules: Any) -> Program:
    return make_program({"promotions": list(promotions), **rules})


def test_promotion_hours_window_in_the_stores_time_zone() -> None:
    program = promo_program(HAPPY_HOUR)
    # Monday 2 March 2026, 15:00 in Hồ Chí Minh City (08:00 UTC): 100.000 ₫ → 10 base + 10 extra = 20
    q = earn(program, 100_000, at=utc(2026, 3, 2, 8))
    assert parts(q) == {"base": 10, "promotion:HAPPY_HOUR": 10}
    # Monday 15:00 UTC is 22:00 in the store: no happy hour → 10
    assert earn(program, 100_000, at=utc(2026, 3, 2, 15)).points == 10


@pytest.mark.parametrize(
    ("hour", "minute", "applies"),
    [(13, 59, False), (14, 0, True), (16, 59, True), (17, 0, False)],
)
def test_promotion_hours_start_inclusive_end_exclusive(hour: int, minute: int, applies: bool) -> None:
    program = promo_program(HAPPY_HOUR)
    # Monday 100.000 ₫ → 10, or 20 inside [14:00, 17:00)
    q = earn(program, 100_000, at=local(2026, 3, 2, hour, minute))
    assert q.points == (20 if applies else 10)


def test_promotion_day_of_week_in_the_stores_time_zone() -> None:
    fridays = {"code": "FRI", "name": "Thứ Sáu", "multiplier": "2", "days_of_week": [4]}
    program = promo_program(fridays)
    # Friday 6 March 2026 18:00 UTC is Saturday 01:00 in the store → not Friday → 10 points
    assert earn(program, 100_000, at=utc(2026, 3, 6, 18)).points == 10
    # Thursday 5 March 2026 18:00 UTC is Friday 01:00 in the store → x2 → 20 points
    assert earn(program, 100_000, at=utc(2026, 3, 5, 18)).points == 20
    # Saturday at happy-hour time: HAPPY_HOUR is weekdays only → 10
    assert earn(promo_program(HAPPY_HOUR), 100_000, at=local(2026, 3, 7, 15)).points == 10


def test_promotion_time_zone_is_the_programs() -> None:
    # the same instant, 2 March 2026 08:00 UTC, is 15:00 in Vietnam but 17:00 in Tokyo (outside the window)
    vietnam = promo_program(HAPPY_HOUR)
    tokyo = promo_program(HAPPY_HOUR, timezone="Asia/Tokyo")
    assert earn(vietnam, 100_000, at=utc(2026, 3, 2, 8)).points == 20
    assert earn(tokyo, 100_000, at=utc(2026, 3, 2, 8)).points == 10


def test_promotion_date_range() -> None:
    valentine = {
        "code": "VAL",
        "name": "Valentine",
        "bonus_points": 14,
        "starts_on": "2026-02-14",
        "ends_on": "2026-02-14",
    }
    program = promo_program(valentine)
    # 13 Feb 18:00 UTC = 14 Feb 01:00 in the store → 10 + 14 bonus = 24
    assert earn(program, 100_000, at=utc(2026, 2, 13, 18)).points == 24
    # 14 Feb 23:59 in the store → still the day → 24
    assert earn(program, 100_000, at=local(2026, 2, 14, 23, 59)).points == 24
    # 14 Feb 18:00 UTC = 15 Feb 01:00 in the store → over → 10
    assert earn(program, 100_000, at=utc(2026, 2, 14, 18)).points == 10
    # 13 Feb 23:59 in the store → not yet → 10
    assert earn(program, 100_000, at=local(2026, 2, 13, 23, 59)).points == 10


def test_promotion_on_categories() -> None:
    fresh3 = {"code": "FRESH3", "name": "Rau tươi x3", "multiplier": "3", "categories": ["fresh"]}
    program = promo_program(fresh3)
    # 100.000 ₫ fresh + 100.000 ₫ grocery → 20 base + (3 − 1) × 10 on the fresh line = 20 extra → 40
    q = earn(program, line(100_000, "fresh"), line(100_000, "grocery"))
    assert parts(q) == {"base": 20, "promotion:FRESH3": 20}
    # no fresh line → the promotion does not apply → 20
    assert earn(program, line(200_000, "grocery")).points == 20
    # a line without category never matches a category promotion
    assert earn(program, line(200_000)).points == 20


def test_promotion_minimum_spend() -> None:
    big = {"code": "BIG", "name": "Hoá đơn lớn", "bonus_points": 20, "minimum_spend": 500_000}
    program = promo_program(big)
    # 499.000 ₫ → 49 points, below the 500.000 ₫ minimum → no bonus
    assert earn(program, 499_000).points == 49
    # 500.000 ₫ → 50 + 20 bonus = 70
    assert earn(program, 500_000).points == 70


def test_promotion_minimum_spend_counts_the_promotions_lines() -> None:
    fresh_big = {
        "code": "FRESHBIG",
        "name": "Rau tươi từ 200.000 ₫",
        "bonus_points": 30,
        "categories": ["fresh"],
        "minimum_spend": 200_000,
    }
    program = promo_program(fresh_big)
    # 150.000 ₫ fresh + 300.000 ₫ grocery: fresh lines 150.000 ₫ < 200.000 ₫ → 45, no bonus
    assert earn(program, line(150_000, "fresh"), line(300_000, "grocery")).points == 45
    # 200.000 ₫ fresh → 20 + 30 = 50
    assert earn(program, line(200_000, "fresh")).points == 50


def test_promotion_bonus_points_kind() -> None:
    bonus = {"code": "B50", "name": "Tặng 50 điểm", "bonus_points": 50}
    program = promo_program(bonus)
    # 100.000 ₫ → 10 base + 50 fixed bonus = 60, whatever the amount
    q = earn(program, 100_000)
    assert parts(q) == {"base": 10, "promotion:B50": 50}
    assert earn(program, 20_000).points == 52


def test_promotions_stack() -> None:
    program = promo_program(HAPPY_HOUR, {"code": "B5", "name": "Tặng 5", "bonus_points": 5})
    # Monday 15:00: 100.000 ₫ → 10 base + 10 happy hour + 5 bonus = 25
    assert earn(program, 100_000, at=local(2026, 3, 2, 15)).points == 25


def test_promotions_do_not_apply_below_the_programs_minimum_spend() -> None:
    program = promo_program({"code": "B50", "name": "B", "bonus_points": 50}, earn={"minimum_spend": 20_000})
    # 10.000 ₫ < 20.000 ₫ minimum → nothing at all, not even the bonus
    assert earn(program, 10_000).points == 0


# -- 7. per-transaction cap ---------------------------------------------------------------------------


def test_cap_per_transaction() -> None:
    program = make_program({"earn": {"cap_per_transaction": 30}})
    # 500.000 ₫ → 50 points, capped at 30 (cap component −20)
    q = earn(program, 500_000)
    assert q.points == 30
    assert parts(q) == {"base": 50, "cap": -20}
    # 300.000 ₫ → 30, exactly the cap, nothing trimmed
    assert parts(earn(program, 300_000)) == {"base": 30}


def test_cap_applies_after_every_other_rule() -> None:
    program = promo_program(
        {"code": "B50", "name": "B", "bonus_points": 50},
        earn={"cap_per_transaction": 40, "category_multipliers": {"fresh": "2"}},
    )
    # 100.000 ₫ fresh → 10 + 10 (fresh) + 50 (bonus) = 70 → capped at 40
    q = earn(program, line(100_000, "fresh"))
    assert q.points == 40
    assert sum(parts(q).values()) == 40


def test_default_program_worked_example() -> None:
    program = load_program(DEFAULT_TOML)
    # Monday 15:00, gold member: 150.000 ₫ fresh + 55.000 ₫ grocery + 80.000 ₫ tobacco (excluded)
    # eligible 205.000 ₫ → 20,5 base; fresh x2 → +15; gold x1,5 → +10,25; happy hour x2 → +20,5 (on
    # 205.000) = 66,25 exactly → 66 points, rounded once. Shown shares: floors 20+15+10+20 = 65, and the
    # missing point goes to the largest fraction (base's ,5 and happy hour's ,5 tie: the earlier rule wins).
    q = earn(
        program,
        line(150_000, "fresh"),
        line(55_000, "grocery"),
        line(80_000, "tobacco"),
        at=local(2026, 3, 2, 15),
        tier="gold",
    )
    assert parts(q) == {"base": 21, "category:fresh": 15, "tier:gold": 10, "promotion:HAPPY_HOUR": 20}
    assert q.points == 66
    assert q.program_version == "2026.2"


# -- rounding once ------------------------------------------------------------------------------------


@pytest.mark.parametrize("rounding", ["down", "half_up", "up"])
def test_round_once_issue_example(rounding: str) -> None:
    # A 30.000 ₫ line in a x1,5 category during a x1,5 promotion, 1 point per 10.000 ₫:
    # base 3 + category 1,5 + promotion 1,5 = 6 exactly → 6 points in every rounding mode
    # (rounding each rule alone, rounded down, would give 3 + 1 + 1 = 5).
    program = make_program(
        {
            "earn": {"rounding": rounding, "category_multipliers": {"bakery": "1.5"}},
            "promotions": [{"code": "P", "name": "Khuyến mãi", "multiplier": "1.5"}],
        }
    )
    q = earn(program, line(30_000, "bakery"))
    assert q.points == 6
    assert sum(c.points for c in q.components) == 6
    assert {c.rule: c.exact for c in q.components} == {
        "base": Decimal(3),
        "category:bakery": Decimal("1.5"),
        "promotion:P": Decimal("1.5"),
    }


def test_shares_shown_use_the_largest_remainder() -> None:
    program = make_program({"earn": {"category_multipliers": {"a": "1.4", "b": "1.4"}}})
    # 10.000 ₫ a + 10.000 ₫ b: base 2 + 0,4 + 0,4 = 2,8 → 2 points rounded down; shares 2 + 0 + 0
    q = earn(program, line(10_000, "a"), line(10_000, "b"))
    assert (q.points, parts(q)) == (2, {"base": 2, "category:a": 0, "category:b": 0})
    # half up: 2,8 → 3; the missing point goes to the first of the equal fractions
    q = earn(
        make_program({"earn": {"rounding": "half_up", "category_multipliers": {"a": "1.4", "b": "1.4"}}}),
        line(10_000, "a"),
        line(10_000, "b"),
    )
    assert (q.points, parts(q)) == (3, {"base": 2, "category:a": 1, "category:b": 0})


def test_a_sale_never_takes_points_away() -> None:
    program = make_program(
        {
            **TIERS,
            "tiers": {
                "levels": [
                    {"code": "member", "name": "Thành viên", "qualifying_spend": 0, "multiplier": "0"},
                ]
            },
            "earn": {"category_multipliers": {"clearance": "0"}},
        }
    )
    # 100.000 ₫ clearance at tier x0: base 10, category −10, tier −10 → −10 exactly → 0 points
    q = earn(program, line(100_000, "clearance"), tier="member")
    assert q.points == 0
    assert sum(c.points for c in q.components) == 0


@given(
    st.sampled_from(["down", "half_up", "up"]),
    st.lists(
        st.tuples(st.integers(1, 5_000_000), st.sampled_from([None, "a", "b", "x"])), min_size=1, max_size=6
    ),
    st.sampled_from(["1", "1.5", "2", "0.5", "0", "1.37"]),
    st.sampled_from([None, "member", "silver", "gold"]),
    st.integers(1, 7),
)
@settings(max_examples=300, deadline=None)
def test_round_once_properties(
    rounding: str, lines: list[tuple[int, str | None]], mult: str, tier: str | None, pps: int
) -> None:
    program = make_program(
        {
            **TIERS,
            "earn": {
                "rounding": rounding,
                "points_per_step": pps,
                "category_multipliers": {"a": mult, "b": "1.5"},
                "excluded_categories": ["x"],
            },
            "promotions": [{"code": "P", "name": "Khuyến mãi", "multiplier": mult}],
        }
    )
    q = earn(program, *(line(amount, cat) for amount, cat in lines), tier=tier)
    # The shares shown add up to the points awarded, and the points are the exact sum rounded once.
    assert sum(c.points for c in q.components) == q.points
    exact = sum((c.exact for c in q.components if c.exact is not None), Decimal(0))
    if q.eligible.amount:
        assert q.points == max(0, round_points(exact, rounding))  # type: ignore[arg-type]
    # No share is further than one point from its exact value.
    for c in q.components:
        if c.exact is not None:
            assert abs(c.points - c.exact) < 1


# -- redemption ---------------------------------------------------------------------------------------

REDEEM: dict[str, Any] = {
    "redemption": {"point_value": 1_000, "minimum_points": 50, "max_bill_share_percent": 50}
}


def test_max_redeemable_bill_share() -> None:
    program = make_program(REDEEM)
    # bill 300.000 ₫ × 50 % = 150.000 ₫ / 1.000 ₫ per point = 150 points
    assert max_redeemable(program, vnd(300_000)) == 150
    # 99.999 ₫ × 50 % = 49.999 ₫ → 49 points, below the 50-point minimum → 0
    assert max_redeemable(program, vnd(99_999)) == 0
    # 100.000 ₫ × 50 % → 50 points, exactly the minimum
    assert max_redeemable(program, vnd(100_000)) == 50


def test_max_redeemable_balance() -> None:
    program = make_program(REDEEM)
    # bill allows 150 points, member has 1.250 → 150
    assert max_redeemable(program, vnd(300_000), balance=1_250) == 150
    # member has 120 → 120
    assert max_redeemable(program, vnd(300_000), balance=120) == 120
    # member has 40 < 50 minimum → 0
    assert max_redeemable(program, vnd(300_000), balance=40) == 0
    # a member in overdraft can redeem nothing
    assert max_redeemable(program, vnd(300_000), balance=-10) == 0


def test_max_redeemable_minimum_points_zero() -> None:
    program = make_program({"redemption": {"point_value": 1_000}})
    # 100 % of 99.999 ₫ → 99 whole points (99.000 ₫ ≤ bill)
    assert max_redeemable(program, vnd(99_999)) == 99
    assert max_redeemable(program, vnd(999)) == 0


def test_quote_reports_redemption_limits() -> None:
    program = make_program(REDEEM)
    q = quote(program, basket(300_000), at=NOON, balance=120)
    assert q.max_redeemable_points == 120
    assert q.max_redeemable_value == vnd(120_000)


def test_redemption_value() -> None:
    program = make_program({"redemption": {"point_value": 500}})
    # 150 points × 500 ₫ = 75.000 ₫
    assert redemption_value(program, 150) == vnd(75_000)
    assert redemption_value(program, 0) == vnd(0)


def test_redemption_value_in_a_two_decimal_currency() -> None:
    program = make_program({"currency": "USD", "redemption": {"point_value": 5}})
    # 150 points × 5 cents = 7.50 $
    assert redemption_value(program, 150) == Money(750, "USD")


# -- bad baskets ----------------------------------------------------------------------------------------


def test_empty_basket() -> None:
    with pytest.raises(InvalidAmount, match="the basket is empty"):
        quote(make_program(), Basket(()), at=NOON)


@pytest.mark.parametrize("amount", [0, -10_000])
def test_zero_or_negative_line(amount: int) -> None:
    with pytest.raises(InvalidAmount, match="every line must be more than zero"):
        quote(make_program(), basket(50_000, amount), at=NOON)


def test_zero_quantity() -> None:
    bad = Basket.of([BasketLine(vnd(50_000), quantity=0)])
    with pytest.raises(InvalidAmount, match="quantity must be at least 1"):
        quote(make_program(), bad, at=NOON)


def test_wrong_currency_line() -> None:
    mixed = Basket.of([line(50_000), BasketLine(Money(1_000, "USD"))])
    with pytest.raises(CurrencyMismatch, match="The amount is in USD, but this store works in VND"):
        quote(make_program(), mixed, at=NOON)
    usd = Basket.of_total(Money(1_000, "USD"))
    with pytest.raises(CurrencyMismatch):
        quote(make_program(), usd, at=NOON)


def test_basket_total_too_large() -> None:
    big = basket(10**12, 10**12)
    with pytest.raises(InvalidAmount, match="larger than any sale"):
        quote(make_program(), big, at=NOON)


# -- properties ---------------------------------------------------------------------------------------

CATEGORIES = ["fresh", "bakery", "grocery", "tobacco", "gift_card"]
SKUS = ["A", "B", "C"]
multipliers = st.sampled_from(["0", "0.5", "1", "1.25", "1.5", "2", "3", "10"])


@st.composite
def programs(draw: st.DrawFn) -> Program:
    earn_rule: dict[str, Any] = {
        "spend_step": draw(st.sampled_from([1, 1_000, 10_000, 30_000, 100_000, 123_457])),
        "points_per_step": draw(st.integers(1, 5)),
        "rounding": draw(st.sampled_from(["down", "half_up", "up"])),
        "minimum_spend": draw(st.sampled_from([0, 20_000, 100_000])),
        "excluded_categories": draw(st.lists(st.sampled_from(CATEGORIES), max_size=2, unique=True)),
        "category_multipliers": draw(st.dictionaries(st.sampled_from(CATEGORIES), multipliers, max_size=3)),
        "sku_multipliers": draw(st.dictionaries(st.sampled_from(SKUS), multipliers, max_size=2)),
    }
    cap = draw(st.none() | st.integers(1, 500))
    if cap is not None:
        earn_rule["cap_per_transaction"] = cap
    promos = []
    for i in range(draw(st.integers(0, 2))):
        p: dict[str, Any] = {"code": f"P{i}", "name": f"P{i}"}
        if draw(st.booleans()):
            p["multiplier"] = draw(multipliers)
        else:
            p["bonus_points"] = draw(st.integers(1, 100))
        if draw(st.booleans()):
            p["categories"] = draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=2))
        if draw(st.booleans()):
            p["days_of_week"] = draw(st.lists(st.integers(0, 6), max_size=3))
        promos.append(p)
    rules: dict[str, Any] = {
        "earn": earn_rule,
        "promotions": promos,
        "redemption": {
            "point_value": draw(st.sampled_from([1, 500, 1_000, 3_000])),
            "minimum_points": draw(st.sampled_from([0, 10, 50])),
            "max_bill_share_percent": draw(st.integers(1, 100)),
        },
        **TIERS,
    }
    return make_program(rules)


basket_lines = st.builds(
    line,
    st.integers(1, 5_000_000),
    st.none() | st.sampled_from(CATEGORIES),
    st.none() | st.sampled_from(SKUS),
)
moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
tier_codes = st.none() | st.sampled_from(["member", "silver", "gold"])


def base_of(q: Quote) -> int:
    return sum(c.points for c in q.components if c.rule == "base")


@settings(max_examples=150, deadline=None)
@given(programs(), st.lists(basket_lines, min_size=1, max_size=6), moments, tier_codes, basket_lines)
def test_quote_properties(
    program: Program, lines: list[BasketLine], at: datetime, tier: str | None, extra: BasketLine
) -> None:
    q = quote(program, Basket.of(lines), at=at, tier_code=tier)
    assert q.points >= 0
    cap = program.earn.cap_per_transaction
    if cap is not None:
        assert q.points <= cap
    # the components explain the total
    assert sum(c.points for c in q.components) == q.points or q.points == 0
    # deterministic
    assert quote(program, Basket.of(lines), at=at, tier_code=tier) == q
    # adding a line never lowers the base points
    more = quote(program, Basket.of([*lines, extra]), at=at, tier_code=tier)
    assert base_of(more) >= base_of(q)
    assert more.eligible >= q.eligible


@settings(max_examples=100, deadline=None)
@given(programs(), st.integers(1, 10**10), st.none() | st.integers(-1_000, 10**7))
def test_max_redeemable_properties(program: Program, bill: int, balance: int | None) -> None:
    points = max_redeemable(program, vnd(bill), balance)
    red = program.redemption
    assert points >= 0
    if balance is not None:
        assert points <= max(balance, 0)
    value = redemption_value(program, points)
    assert value.amount * 100 <= bill * red.max_bill_share_percent  # value ≤ bill share
    assert points == 0 or points >= red.minimum_points


def test_quote_refuses_a_time_without_zone() -> None:
    from datetime import datetime as naive_datetime

    from loyalty.errors import InvalidInput

    with pytest.raises(InvalidInput):
        quote(make_program(), basket(100000), at=naive_datetime(2026, 1, 1, 12))
