"""Program files: loading, validation, and readable errors that name the place to fix."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty.errors import ProgramError
from loyalty.program import load_program, loads_program, parse_program
from tests.loyalty.helpers import DEFAULT_TOML, make_program, program_data


def problems(rules: dict[str, Any]) -> str:
    with pytest.raises(ProgramError) as err:
        make_program(rules)
    assert err.value.code == "program_invalid"
    assert err.value.message.startswith("The loyalty program file is not valid: ")
    return err.value.message


def test_default_program_loads() -> None:
    program = load_program(DEFAULT_TOML)
    assert program.version == "2026.2"
    assert program.currency == "VND"
    assert program.timezone == "Asia/Ho_Chi_Minh"
    assert program.earn.spend_step == 10_000
    assert program.earn.minimum_spend == 20_000
    assert program.earn.category_multipliers["fresh"] == Decimal(2)
    assert program.earn.excluded_categories == {"tobacco", "gift_card"}
    assert program.tiers is not None
    assert [t.code for t in program.tiers.levels] == ["member", "silver", "gold"]
    assert program.tier("gold") is not None
    assert program.tier("platinum") is None
    assert program.reward("VOUCHER50K") is not None
    assert program.expiry is not None and program.expiry.end_of_month
    assert set(program.actions) == {"recycling", "review", "survey"}
    assert program.referral.referrer_points == 100


def test_default_program_canonical_json_round_trips() -> None:
    program = load_program(DEFAULT_TOML)
    again = loads_program(program.canonical_json(), "json")
    assert again == program
    assert again.canonical_json() == program.canonical_json()


def test_minimal_program_has_the_documented_defaults() -> None:
    program = make_program()
    assert program.currency == "VND"
    assert program.timezone == "Asia/Ho_Chi_Minh"
    assert program.earn.points_per_step == 1
    assert program.earn.rounding == "down"
    assert program.redemption.max_bill_share_percent == 100
    assert program.redemption.restore_on_return is True
    # README: restored points keep their expiry but live at least 30 days from the refund
    assert (program.redemption.restore_expiry, program.redemption.restore_grace_days) == ("grace", 30)
    assert program.tiers is None and program.expiry is None


def test_program_from_json_text() -> None:
    program = loads_program(json.dumps(program_data({"earn": {"rounding": "half_up"}})))
    assert program.earn.rounding == "half_up"


def test_unknown_key_is_named() -> None:
    # a typo would otherwise silently disable a rule
    msg = problems({"earn": {"spend_stepp": 5}})
    assert "earn.spend_stepp" in msg
    assert "Extra inputs are not permitted" in msg


def test_bad_value_is_named_with_its_place() -> None:
    assert "earn.spend_step" in problems({"earn": {"spend_step": 0}})
    assert "earn.rounding" in problems({"earn": {"rounding": "nearest"}})
    assert "redemption.max_bill_share_percent" in problems({"redemption": {"max_bill_share_percent": 150}})
    assert "earn.category_multipliers.fresh" in problems({"earn": {"category_multipliers": {"fresh": -1}}})


def test_missing_required_section_is_named() -> None:
    data = program_data()
    del data["redemption"]
    with pytest.raises(ProgramError, match="redemption: Field required"):
        parse_program(data)


def tiers(*spends: int) -> dict[str, Any]:
    return {
        "tiers": {
            "levels": [
                {"code": f"t{i}", "name": f"T{i}", "qualifying_spend": s} for i, s in enumerate(spends)
            ]
        }
    }


def test_tiers_must_be_in_order() -> None:
    msg = problems(tiers(0, 20_000_000, 5_000_000))
    assert "tiers: tiers must be listed from lowest to highest" in msg
    assert "tiers: " in problems(tiers(0, 5_000_000, 5_000_000))  # ties are refused too


def test_first_tier_must_need_zero() -> None:
    assert "tiers: the first tier must need a qualifying spend of 0" in problems(tiers(1, 5_000_000))


def test_tiers_need_a_level_and_unique_codes() -> None:
    assert "tiers: at least one tier is needed" in problems({"tiers": {"levels": []}})
    dup = {
        "tiers": {
            "levels": [
                {"code": "a", "name": "A", "qualifying_spend": 0},
                {"code": "a", "name": "B", "qualifying_spend": 10},
            ]
        }
    }
    assert "tier codes must be unique" in problems(dup)


def promo(**rules: Any) -> dict[str, Any]:
    return {"promotions": [{"code": "P", "name": "Promo", **rules}]}


def test_promotion_with_both_multiplier_and_bonus() -> None:
    msg = problems(promo(multiplier="2", bonus_points=10))
    assert "promotions.0: a promotion gives either a multiplier or bonus_points (exactly one)" in msg
    assert "promotions.0" in problems(promo())  # neither is wrong too


def test_promotion_hours_and_dates_are_checked() -> None:
    assert "give both start_time and end_time" in problems(promo(multiplier="2", start_time="14:00"))
    assert "end_time must be after start_time" in problems(
        promo(multiplier="2", start_time="17:00", end_time="14:00")
    )
    assert "ends_on must not be before starts_on" in problems(
        promo(multiplier="2", starts_on="2026-02-10", ends_on="2026-02-01")
    )
    assert "promotions.0.days_of_week" in problems(promo(multiplier="2", days_of_week=[7]))


def test_duplicate_promotion_codes() -> None:
    data = {
        "promotions": [
            {"code": "P", "name": "A", "multiplier": "2"},
            {"code": "P", "name": "B", "bonus_points": 5},
        ]
    }
    assert "promotion code 'P' is used twice" in problems(data)


def test_bad_time_zone() -> None:
    msg = problems({"timezone": "Asia/Saigon_City"})
    assert "timezone: unknown time zone 'Asia/Saigon_City'" in msg
    assert "timezone" in problems({"timezone": "../../etc/passwd"})
    assert "timezone" in problems({"timezone": "Asia"})
    assert make_program({"timezone": "Asia/Saigon"}).zone.key == "Asia/Saigon"


def test_bad_currency() -> None:
    msg = problems({"currency": "XXX"})
    assert "currency: unknown currency 'XXX'" in msg


def test_rewards_are_validated_by_kind() -> None:
    def reward(**r: Any) -> dict[str, Any]:
        return {"rewards": [{"code": "R", "name": "Reward", "points": 50, **r}]}

    assert "rewards.0: a fixed_discount reward needs an amount" in problems(reward(kind="fixed_discount"))
    assert "rewards.0: a percent_discount reward needs a percent" in problems(reward(kind="percent_discount"))
    assert "rewards.0: a free_item reward needs the sku" in problems(reward(kind="free_item"))
    assert "rewards.0.kind" in problems(reward(kind="cashback"))
    assert "rewards.0.percent" in problems(reward(kind="percent_discount", percent=120))
    assert "rewards.0.points" in problems(reward(kind="fixed_discount", amount=50_000, points=0))
    ok = make_program(reward(kind="percent_discount", percent=10, max_discount=200_000))
    assert ok.reward("R") is not None
    two = {
        "rewards": [
            {"code": "R", "name": "A", "points": 5, "kind": "free_item", "sku": "1"},
            {"code": "R", "name": "B", "points": 5, "kind": "free_item", "sku": "2"},
        ]
    }
    assert "reward code 'R' is used twice" in problems(two)


def test_several_problems_are_all_reported() -> None:
    msg = problems({"currency": "XXX", "earn": {"spend_step": -1}})
    assert "currency" in msg and "earn.spend_step" in msg


def test_not_valid_json_or_toml() -> None:
    with pytest.raises(ProgramError, match="the file is not valid JSON"):
        loads_program("{not json", "json")
    with pytest.raises(ProgramError, match="the file is not valid TOML"):
        loads_program("version = ", "toml")


@pytest.mark.parametrize("text", ["[]", "42", '"a program"', "null"])
def test_top_level_must_be_an_object(text: str) -> None:
    with pytest.raises(ProgramError, match="the file must hold one object"):
        loads_program(text, "json")


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ProgramError, match=r"cannot read missing\.toml"):
        load_program(tmp_path / "missing.toml")
    bad = tmp_path / "latin1.json"
    bad.write_bytes(b"\xff\xfe{")
    with pytest.raises(ProgramError, match=r"cannot read latin1\.json"):
        load_program(bad)


def test_json_file_by_suffix(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(program_data()), encoding="utf-8")
    assert load_program(path).version == "test.1"


# -- bounded input: size and nesting ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("[" * 100_000, "json"),
        ('{"a": ' * 5_000 + "1" + "}" * 5_000, "json"),
        ("a = " + "[" * 100_000, "toml"),
        ("a = " + "{ b = " * 3_000 + "1" + " }" * 3_000, "toml"),
        ("a" + ".b" * 5_000 + " = 1", "toml"),  # dotted keys nest without any bracket
    ],
)
def test_a_deeply_nested_file_is_a_clean_error(text: str, fmt: str) -> None:
    with pytest.raises(ProgramError, match="nests deeper than 8 levels"):
        loads_program(text, fmt)  # type: ignore[arg-type]


def test_brackets_inside_strings_and_comments_do_not_count() -> None:
    text = DEFAULT_TOML.read_text(encoding="utf-8")
    text = text.replace('name = "Thẻ Thành Viên', 'name = "[[[[[[[[[[[[{{{{{{{{ Thẻ Thành Viên', 1)
    text += "\n# [[[[[[[[[[[[[[[[[[[[ a comment\n"
    assert loads_program(text, "toml").name.startswith("[[[[")


def test_a_huge_file_is_refused_before_it_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_text(" " * (300 * 1024) + "{}", encoding="utf-8")
    with pytest.raises(ProgramError, match="larger than 256 KiB"):
        load_program(path)
    with pytest.raises(ProgramError, match="larger than 256 KiB"):
        loads_program(" " * (300 * 1024) + "{}")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="[]{}\"'#=ab.,:1\n \\", max_size=400), st.sampled_from(["json", "toml"]))
def test_any_text_gives_a_program_or_a_program_error(text: str, fmt: str) -> None:
    # Never a RecursionError, TypeError or other traceback: a program, or one readable error.
    try:
        program = loads_program(text, fmt)  # type: ignore[arg-type]
    except ProgramError as err:
        assert err.message.startswith("The loyalty program file is not valid: ")
    else:
        assert program.version


def test_canonical_text_is_the_same_in_every_process() -> None:
    """Sets (excluded categories, days of the week) are written sorted: the text a program is stored and
    hashed as must not depend on the interpreter's hash seed, or reinstalling the same file is refused."""
    import os
    import subprocess
    import sys

    code = (
        "import hashlib, pathlib; from loyalty.program import load_program; "
        f"print(hashlib.sha256(load_program(pathlib.Path({str(DEFAULT_TOML)!r})).canonical_json().encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in (0, 1, 2, 3, 4, 5)
    }
    assert len(digests) == 1, digests
