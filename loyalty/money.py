"""Money as an integer count of minor units plus an ISO 4217 code. Never floats.

VND has no minor unit (exponent 0), so 125.000 ₫ is ``Money(125000, "VND")``; USD 12.34 is
``Money(1234, "USD")``. Formatting for people is the UI's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from loyalty.errors import CurrencyMismatch, Detail, InvalidAmount, InvalidInput, UnknownCurrency

# Exponents of the currencies a store is likely to meet; extend as stores need them.
CURRENCY_EXPONENTS: dict[str, int] = {
    "VND": 0,
    "USD": 2,
    "EUR": 2,
    "JPY": 0,
    "KRW": 0,
    "THB": 2,
    "SGD": 2,
    "CNY": 2,
    "GBP": 2,
    "AUD": 2,
}

DEFAULT_CURRENCY = "VND"
# Nothing sold at a counter costs more than this (10^12 VND is about 40 million USD): anything larger
# is a typing accident or a scanner gone wrong, and it would overflow the points maths of a real store.
MAX_MINOR_UNITS = 10**12

# What a person may type for an amount: '1.000.000.000.000 ₫' with spaces around fits easily.
MAX_AMOUNT_TEXT = 40

# What Money.parse accepts once symbols, spaces and group separators are gone: ASCII digits only (no
# exponents, no 'Infinity'/'NaN', no superscripts or other scripts' digits that str.isdigit accepts).
_GROUPED = re.compile(r"-?[0-9]{1,3}(?:[.,][0-9]{3})+")
_WHOLE = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_AMOUNT_CHARS = re.compile(r"[0-9.,-]+")


MAX_COUNT_DIGITS = 12
_COUNT = re.compile(r"[0-9]{1,3}(?:([.,])[0-9]{3})(?:\1[0-9]{3})*|[0-9]+")


def parse_count(text: str, what: str = "Points") -> int:
    """A whole number typed by a person (points, a count): ASCII digits only, optionally grouped by three
    ('1.250' or '1,250'), at most 12 digits. Other scripts' digits ('١٢٣'), which ``int()`` accepts, are
    refused."""
    raw = text.strip()
    if len(raw) > MAX_COUNT_DIGITS + MAX_COUNT_DIGITS // 3 or not _COUNT.fullmatch(raw):
        raise InvalidInput(
            what=what,
            why=Detail(
                "{text} is not a whole number: use the digits 0-9, e.g. 1250 or 1.250", text=repr(text[:20])
            ),
        )
    digits = raw.replace(".", "").replace(",", "")
    if len(digits) > MAX_COUNT_DIGITS:
        raise InvalidInput(what=what, why=Detail("it has more than {limit} digits", limit=MAX_COUNT_DIGITS))
    return int(digits)


def exponent(currency: str) -> int:
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise UnknownCurrency(currency=currency) from None


@dataclass(frozen=True, slots=True, order=False)
class Money:
    amount: int
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise InvalidAmount(amount=repr(self.amount), why="money is counted in whole minor units")
        exponent(self.currency)
        if abs(self.amount) > MAX_MINOR_UNITS:
            raise InvalidAmount(amount=self.amount, why="it is larger than any sale this till accepts")

    @classmethod
    def parse(cls, text: str, currency: str = DEFAULT_CURRENCY) -> Money:
        """Parse what a person typed. For VND '125.000', '125,000' and '125000' all mean 125000 ₫;
        for two-decimal currencies '12.34' means 1234 minor units."""
        exp = exponent(currency)
        if len(text) > MAX_AMOUNT_TEXT:
            raise InvalidAmount(
                amount=text[:20] + "…",
                why=Detail("it is longer than {limit} characters", limit=MAX_AMOUNT_TEXT),
            )
        raw = text.strip().replace(" ", "").replace("\u00a0", "")
        for sym in ("₫", "đ", "VND", "$", "€"):
            raw = raw.replace(sym, "")
        if not raw:
            raise InvalidAmount(amount=text, why="it is empty")
        if not _AMOUNT_CHARS.fullmatch(raw):
            # Other scripts' digits ('٣٠٠.٠٠٠', '２５０.０００') are refused for what they are, not as a grouping slip.
            raise InvalidAmount(amount=text, why="use digits only")
        if exp == 0:
            # Thousands separators must group by three ('1.250.000'); '12.5' is a typing slip, not 125 ₫.
            if ("." in raw or "," in raw) and not _GROUPED.fullmatch(raw):
                raise InvalidAmount(amount=text, why="group thousands by three digits, e.g. 125.000")
            cleaned = raw.replace(".", "").replace(",", "")
            if not _WHOLE.fullmatch(cleaned):
                raise InvalidAmount(amount=text, why="use digits only")
            return cls(int(cleaned), currency)
        cleaned = raw.replace(",", "")
        if not _DECIMAL.fullmatch(cleaned):
            raise InvalidAmount(amount=text, why="use digits only")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise InvalidAmount(amount=text, why="use digits only") from None
        scaled = value.scaleb(exp)
        if scaled != scaled.to_integral_value():
            raise InvalidAmount(
                amount=text,
                why=Detail("{currency} has {places} decimal places", currency=currency, places=exp),
            )
        return cls(int(scaled), currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(got=other.currency, expected=self.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    def require_positive(self, what: str = "amount") -> Money:
        if self.amount <= 0:
            raise InvalidAmount(
                amount=self.amount, why=Detail("the {what} must be more than zero", what=what)
            )
        return self

    @staticmethod
    def zero(currency: str = DEFAULT_CURRENCY) -> Money:
        return Money(0, currency)


def check_sale_amount(amount: Money, store_currency: str) -> Money:
    """The checks every sale amount passes before it earns or pays anything."""
    if amount.currency != store_currency:
        raise CurrencyMismatch(got=amount.currency, expected=store_currency)
    return amount.require_positive("sale amount")
