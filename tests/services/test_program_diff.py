"""What changed between two program versions: a structured diff that leaves nothing out (replaying it on the
older version gives the newer one), and the program in plain words with examples worked out by the till's
own arithmetic."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.demo import PROGRAM_FILE
from app.services.program_diff import ProgramChange, apply_changes, diff_programs, program_json
from app.services.program_text import (
    TEXT,
    Days,
    Line,
    Names,
    Place,
    Points,
    Section,
    Word,
    change_lines,
    describe,
    earned,
    example_bill,
)
from loyalty.money import Money
from loyalty.program import Program, load_program, parse_program
from loyalty.quote import Basket
from tests.services.conftest import START, Till

TODAY = date(2026, 3, 2)

# -- random programs ------------------------------------------------------------------------------------------
CODES = st.sampled_from(["a", "b", "c", "d", "e"])
CATEGORIES = st.sampled_from(["fresh", "bakery", "dairy", "tobacco"])
MULTIPLIERS = st.sampled_from(["0.5", "1", "1.5", "2", "3"])
SMALL = st.integers(1, 500)


@st.composite
def tiers(draw: st.DrawFn) -> dict[str, Any] | None:
    if draw(st.booleans()):
        return None
    codes = draw(st.lists(CODES, min_size=1, max_size=4, unique=True))
    spends = sorted(
        draw(st.lists(st.integers(1, 10**8), min_size=len(codes) - 1, max_size=len(codes) - 1, unique=True))
    )
    levels = [
        {"code": code, "name": f"Tier {code}", "qualifying_spend": spend, "multiplier": draw(MULTIPLIERS)}
        for code, spend in zip(codes, [0, *spends], strict=True)
    ]
    return {
        "qualifying_months": draw(st.integers(1, 24)),
        "review_months": draw(st.integers(1, 24)),
        "levels": levels,
    }


@st.composite
def promotion(draw: st.DrawFn, code: str) -> dict[str, Any]:
    promo: dict[str, Any] = {"code": code, "name": f"Promo {code}"}
    if draw(st.booleans()):
        promo["multiplier"] = draw(MULTIPLIERS)
    else:
        promo["bonus_points"] = draw(SMALL)
    if draw(st.booleans()):
        promo["days_of_week"] = draw(st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True))
    if draw(st.booleans()):
        promo["start_time"], promo["end_time"] = "14:00", draw(st.sampled_from(["15:00", "17:00"]))
    if draw(st.booleans()):
        promo["categories"] = draw(st.lists(CATEGORIES, min_size=1, max_size=3, unique=True))
    return promo


@st.composite
def reward(draw: st.DrawFn, code: str, minimum: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["fixed_discount", "percent_discount", "free_item"]))
    found: dict[str, Any] = {
        "code": code,
        "name": f"Reward {code}",
        "points": draw(st.integers(max(minimum, 1), 1000)),
        "kind": kind,
    }
    if kind == "fixed_discount":
        found["amount"] = draw(st.integers(1000, 10**6))
    elif kind == "percent_discount":
        found["percent"] = draw(st.integers(1, 100))
        if draw(st.booleans()):
            found["max_discount"] = draw(st.integers(1000, 10**6))
    else:
        found["sku"] = draw(st.sampled_from(["893000001", "893000002"]))
        found["value"] = draw(st.integers(0, 10**5))
    return found


@st.composite
def programs(draw: st.DrawFn) -> Program:
    minimum = draw(st.integers(0, 100))
    earn: dict[str, Any] = {
        "spend_step": draw(st.sampled_from([1000, 10000, 20000])),
        "points_per_step": draw(st.integers(1, 3)),
        "rounding": draw(st.sampled_from(["down", "half_up", "up"])),
        "minimum_spend": draw(st.sampled_from([0, 20000])),
        "category_multipliers": draw(st.dictionaries(CATEGORIES, MULTIPLIERS, max_size=3)),
        "excluded_categories": draw(st.lists(CATEGORIES, max_size=2, unique=True)),
    }
    if draw(st.booleans()):
        earn["cap_per_transaction"] = draw(st.integers(1, 10000))
    data: dict[str, Any] = {
        "version": draw(st.sampled_from(["v1", "v2"])),
        "name": draw(st.sampled_from(["Thẻ", "Card"])),
        "earn": earn,
        "tiers": draw(tiers()),
        "promotions": [draw(promotion(code)) for code in draw(st.lists(CODES, max_size=3, unique=True))],
        "redemption": {
            "point_value": draw(st.sampled_from([500, 1000])),
            "minimum_points": minimum,
            "max_bill_share_percent": draw(st.integers(1, 100)),
            "offline_allowance": draw(st.integers(0, 300)),
            "restore_on_return": draw(st.booleans()),
        },
        "rewards": [draw(reward(code, minimum)) for code in draw(st.lists(CODES, max_size=4, unique=True))],
        "expiry": draw(
            st.none()
            | st.builds(
                lambda months, end: {"months": months, "end_of_month": end}, st.integers(1, 36), st.booleans()
            )
        ),
        "actions": {
            code: {
                "name": f"Action {code}",
                "points": draw(SMALL),
                "cap": draw(st.none() | st.integers(1, 5)),
                "period": draw(st.sampled_from(["day", "week", "month", "year", "ever"])),
            }
            for code in draw(st.lists(CODES, max_size=3, unique=True))
        },
        "welcome_bonus": draw(st.integers(0, 100)),
        "referral": {
            "referrer_points": draw(st.integers(0, 100)),
            "referee_points": draw(st.integers(0, 100)),
        },
    }
    if data["tiers"] is None:
        del data["tiers"]
    return parse_program(data)


@given(programs())
@settings(max_examples=150, deadline=None)
def test_a_program_does_not_differ_from_itself(program: Program) -> None:
    assert diff_programs(program, program) == []


@given(programs(), programs())
@settings(max_examples=300, deadline=None)
def test_replaying_the_changes_gives_the_newer_version(before: Program, after: Program) -> None:
    changes = diff_programs(before, after)
    assert apply_changes(program_json(before), changes) == program_json(after)
    assert (changes == []) == (program_json(before) == program_json(after))
    for change in changes:
        # Every change is in words, whatever it touches.
        lines = change_lines(change, before, after, TODAY)
        assert lines and all(line.text in TEXT.values() for line in lines)
        assert all(line.english() for line in lines)


# -- what the diff says ------------------------------------------------------------------------------------------
def _default() -> Program:
    return load_program(PROGRAM_FILE)


def _changed(program: Program, **edits: Any) -> Program:
    data = program_json(program)
    for dotted, value in edits.items():
        *parents, last = dotted.split("__")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _DELETE:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return parse_program(data)


_DELETE = object()


def test_rules_matched_by_their_code_show_old_and_new_values() -> None:
    before = _default()
    after = _changed(
        before,
        version="2026.3",
        rewards__0__points=60,
        earn__category_multipliers__fresh="3",
        actions__survey=_DELETE,
        expiry=None,
    )
    changes = {c.path: c for c in diff_programs(before, after)}
    assert changes[("rewards", "COFFEE", "points")] == ProgramChange(
        ("rewards", "COFFEE", "points"), "changed", 50, 60
    )
    assert changes[("earn", "category_multipliers", "fresh")].new == "3"
    assert changes[("actions", "survey")].kind == "removed"
    assert changes[("expiry",)].kind == "removed"
    assert changes[("version",)].old == "2026.2"
    assert len(changes) == 5


def test_a_new_reward_is_one_addition_and_a_new_order_is_said() -> None:
    before = _default()
    data = program_json(before)
    data["rewards"] = [
        *reversed(data["rewards"]),
        {"code": "NEW", "name": "Mới", "points": 80, "kind": "fixed_discount", "amount": 80000},
    ]
    after = parse_program(data)
    changes = diff_programs(before, after)
    assert [c.kind for c in changes] == ["added", "reordered"]
    assert changes[0].path == ("rewards", "NEW")
    assert changes[1].new == ["TEN_PERCENT", "VOUCHER50K", "COFFEE", "NEW"]
    words = [line.english() for c in changes for line in change_lines(c, before, after, TODAY)]
    assert words[0] == "Added: Rewards › NEW"
    assert words[1] == "Mới (NEW): 80 points for 80000 VND off the bill."


def test_values_are_typed_for_the_window() -> None:
    before = _default()
    after = _changed(before, earn__spend_step=20000, tiers__levels__1__multiplier="1.5", welcome_bonus=80)
    lines = {c.path: change_lines(c, before, after, TODAY)[0] for c in diff_programs(before, after)}
    spend = lines[("earn", "spend_step")]
    assert spend.values["old"] == Money(10000, "VND") and spend.values["new"] == Money(20000, "VND")
    assert spend.values["where"] == Place((Word("Earning"), Word("spend step")))
    tier = lines[("tiers", "levels", "silver", "multiplier")]
    assert tier.values["new"] == Decimal("1.5")
    assert tier.values["where"] == Place((Word("Tiers"), "silver", Word("multiplier")))
    assert lines[("welcome_bonus",)].values["new"] == Points(80)


# -- the program in words ----------------------------------------------------------------------------------------
def test_the_program_in_words_covers_every_part_with_its_values() -> None:
    program = _default()
    lines = describe(program, TODAY)
    assert {line.section for line in lines} == set(Section)
    assert all(line.text in TEXT.values() for line in lines)
    by_text = {line.text: line for line in lines}
    rate = by_text[TEXT["earn.rate.down"]]
    assert rate.values == {"points": Points(1), "step": Money(10000, "VND")}
    assert by_text[TEXT["earn.minimum"]].values["amount"] == Money(20000, "VND")
    assert by_text[TEXT["earn.excluded"]].values["categories"] == Names(("gift_card", "tobacco"))
    assert by_text[TEXT["promotion.days"]].values["days"] == Days((0, 1, 2, 3, 4))
    actions = [line for line in lines if line.section is Section.ACTIONS]
    assert [line.english() for line in actions] == [
        "Đổi vỏ chai tái chế (recycling): 5 points each time, up to 4 a month.",
        "Đánh giá sản phẩm (review): 10 points each time, up to 2 a month.",
        "Khảo sát khách hàng (survey): 20 points each time, up to 1 a year.",
    ]
    expiry = [line for line in lines if line.section is Section.EXPIRY]
    assert expiry[1].values == {"earned": TODAY, "expires": date(2027, 3, 31)}


def test_examples_are_what_the_till_awards(till: Till) -> None:
    program = _default()
    bill = example_bill(program)
    assert bill == 250_000
    example = next(line for line in describe(program, TODAY) if line.text == TEXT["earn.example"])
    member = till.svc.members.enroll(till.cashier, "Lê Thu Hà").member
    # The test till's clock is a Monday at 10:00 in the store: outside the happy hour.
    assert till.clock.now == START
    awarded = till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(bill)), "HD1")
    assert example.values["points"] == Points(awarded.entries[0].points) == Points(earned(program, bill))


def test_a_line_without_values_is_its_template() -> None:
    assert Line(Section.TIERS, TEXT["tiers.none"]).english() == "This program has no tiers."
