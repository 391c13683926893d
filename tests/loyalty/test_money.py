"""Money: integer minor units plus an ISO 4217 code; parsing what a cashier types."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty.errors import CurrencyMismatch, InvalidAmount, LoyaltyError, UnknownCurrency
from loyalty.money import MAX_MINOR_UNITS, Money, check_sale_amount, exponent


def test_vnd_has_no_minor_unit_and_usd_has_two() -> None:
    assert exponent("VND") == 0
    assert exponent("USD") == 2
    assert Money(125_000).currency == "VND"


def test_arithmetic_stays_in_integers() -> None:
    # 125.000 ₫ + 30.000 ₫ − 5.000 ₫ = 150.000 ₫
    total = Money(125_000) + Money(30_000) - Money(5_000)
    assert total == Money(150_000, "VND")
    assert isinstance(total.amount, int)
    assert -Money(1) == Money(-1)
    assert Money(1) < Money(2) <= Money(2) and Money(3) > Money(2) >= Money(2)
    assert Money.zero().is_zero


@pytest.mark.parametrize("amount", [1.5, 100.0, True, False, "100", None])
def test_money_refuses_non_integer_amounts(amount: object) -> None:
    with pytest.raises(InvalidAmount) as err:
        Money(amount)  # type: ignore[arg-type]
    assert "whole minor units" in err.value.message
    assert err.value.code == "invalid_amount"


def test_money_refuses_huge_amounts() -> None:
    Money(MAX_MINOR_UNITS)  # 10^12 is the most a till accepts
    with pytest.raises(InvalidAmount, match="larger than any sale"):
        Money(MAX_MINOR_UNITS + 1)
    with pytest.raises(InvalidAmount):
        Money(-(MAX_MINOR_UNITS + 1))


def test_money_refuses_unknown_currency() -> None:
    with pytest.raises(UnknownCurrency) as err:
        Money(100, "XYZ")
    assert err.value.message == "XYZ is not a known currency code."
    with pytest.raises(UnknownCurrency):
        Money(100, "vnd")  # codes are upper case


def test_mixing_currencies_is_refused() -> None:
    with pytest.raises(CurrencyMismatch, match=r"USD.*VND"):
        Money(100, "VND") + Money(100, "USD")
    with pytest.raises(CurrencyMismatch):
        _ = Money(100, "VND") < Money(100, "USD")


def test_check_sale_amount() -> None:
    assert check_sale_amount(Money(50_000), "VND") == Money(50_000)
    with pytest.raises(CurrencyMismatch) as err:
        check_sale_amount(Money(1_234, "USD"), "VND")
    assert err.value.message == "The amount is in USD, but this store works in VND."
    with pytest.raises(InvalidAmount, match="sale amount must be more than zero"):
        check_sale_amount(Money(0), "VND")
    with pytest.raises(InvalidAmount):
        check_sale_amount(Money(-5_000), "VND")


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("125.000", "VND", 125_000),  # Vietnamese thousands separator
        ("125,000", "VND", 125_000),  # English thousands separator
        ("125000", "VND", 125_000),
        (" 125.000 ₫ ", "VND", 125_000),
        ("125.000đ", "VND", 125_000),
        ("1 250 000", "VND", 1_250_000),
        ("125\u00a0000 VND", "VND", 125_000),
        ("-5.000", "VND", -5_000),
        ("12.34", "USD", 1_234),  # 12.34 $ = 1234 cents
        ("$1,234.50", "USD", 123_450),
        ("12", "USD", 1_200),
        ("0.5", "EUR", 50),
        ("500", "JPY", 500),
    ],
)
def test_money_parse(text: str, currency: str, expected: int) -> None:
    assert Money.parse(text, currency) == Money(expected, currency)


@pytest.mark.parametrize(
    ("text", "currency", "why"),
    [
        ("abc", "VND", "use digits only"),
        ("", "VND", "it is empty"),
        ("   ", "VND", "it is empty"),
        ("₫", "VND", "it is empty"),
        ("12a", "VND", "use digits only"),
        ("abc", "USD", "use digits only"),
        ("12.345", "USD", "USD has 2 decimal places"),
        ("--5", "VND", "use digits only"),
        ("²", "VND", "use digits only"),  # a superscript is a digit to str.isdigit, not to int()
        ("٣٠٠.٠٠٠", "VND", "use digits only"),  # other scripts' digits, grouped: not a grouping slip
        ("２５０.０００", "VND", "use digits only"),
        ("١٢٫٥", "USD", "use digits only"),
        ("Infinity", "USD", "use digits only"),
        ("NaN", "USD", "use digits only"),
        ("sNaN", "USD", "use digits only"),
        ("1e999999999", "USD", "use digits only"),
    ],
)
def test_money_parse_refuses_what_is_not_an_amount(text: str, currency: str, why: str) -> None:
    with pytest.raises(InvalidAmount) as err:
        Money.parse(text, currency)
    assert why in err.value.message
    assert repr(text) in err.value.message or text in err.value.message


def test_money_parse_unknown_currency() -> None:
    with pytest.raises(UnknownCurrency):
        Money.parse("100", "ABC")


def test_money_parse_too_large() -> None:
    with pytest.raises(InvalidAmount, match="larger than any sale"):
        Money.parse("9" * 20)


@settings(max_examples=300)
@given(st.integers(min_value=-MAX_MINOR_UNITS, max_value=MAX_MINOR_UNITS))
def test_money_parse_round_trips_vnd(amount: int) -> None:
    assert Money.parse(str(amount)) == Money(amount)
    # and with Vietnamese grouping: 1234567 -> "1.234.567"
    grouped = f"{amount:,}".replace(",", ".")
    assert Money.parse(grouped) == Money(amount)


@settings(max_examples=300)
@given(st.text(max_size=12))
def test_money_parse_raises_only_typed_errors(text: str) -> None:
    for currency in ("VND", "USD"):
        try:
            value = Money.parse(text, currency)
        except LoyaltyError:
            continue
        assert isinstance(value.amount, int)


@pytest.mark.parametrize("text", ["12.5", "1.2.3", "1,25", "125.00"])
def test_vnd_thousands_must_group_by_three(text: str) -> None:
    # A slip like '12.5' must not silently become 125 ₫.
    with pytest.raises(InvalidAmount, match="group thousands by three"):
        Money.parse(text, "VND")


def test_vnd_grouped_amounts_parse() -> None:
    assert Money.parse("1.250.000", "VND") == Money(1_250_000)
    assert Money.parse("1,250,000", "VND") == Money(1_250_000)


def test_an_amount_text_is_bounded() -> None:
    with pytest.raises(InvalidAmount, match="longer than 40 characters"):
        Money.parse("1" * 10_000)
    with pytest.raises(InvalidAmount, match="digits only"):
        Money.parse("١٢٣")
