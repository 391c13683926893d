"""A receipt as rows: the one layout that the slip, the PDF and the printer each draw in their own way.

Numbers, money and dates are written by a ``Formats`` the renderer gives: the window's (QLocale, in
``app.ui``) on screen and in the PDF, ``PlainFormats`` here for paper, which has no Qt. Both write
1.250.000 ₫ in Vietnamese and 1,250,000 ₫ in English, dates as dd/MM/yyyy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol

from app.receipts.labels import VIETNAMESE, labels
from app.receipts.model import Receipt
from loyalty.money import Money, exponent

Style = Literal["title", "heading", "center", "pair", "total", "detail", "rule", "note"]
CURRENCY_SYMBOLS = {"VND": "₫", "USD": "$", "EUR": "€"}


@dataclass(frozen=True, slots=True)
class Row:
    """``title``/``heading``/``center``/``note``: ``left`` alone; ``pair``/``total``/``detail``: a label on the
    left and its value on the right (``detail`` is a line of a breakdown, indented); ``rule``: a line."""

    style: Style
    left: str = ""
    right: str = ""


class Formats(Protocol):
    def money(self, value: Money) -> str: ...
    def points(self, value: int) -> str: ...
    def date(self, value: date) -> str: ...
    def datetime(self, value: datetime) -> str: ...


@dataclass(frozen=True, slots=True)
class PlainFormats:
    """Numbers as the window writes them, without Qt (for paper)."""

    language: str

    def _group(self, value: int) -> str:
        text = f"{abs(value):,}"
        if self.language == VIETNAMESE:
            text = text.replace(",", ".")
        return ("-" if value < 0 else "") + text

    def money(self, value: Money) -> str:
        places = exponent(value.currency)
        whole, frac = divmod(abs(value.amount), 10**places) if places else (abs(value.amount), 0)
        text = self._group(whole)
        if places:
            text += ("," if self.language == VIETNAMESE else ".") + str(frac).rjust(places, "0")
        sign = "-" if value.amount < 0 else ""
        return f"{sign}{text} {CURRENCY_SYMBOLS.get(value.currency, value.currency)}"

    def points(self, value: int) -> str:
        return self._group(value)

    def date(self, value: date) -> str:
        return f"{value:%d/%m/%Y}"

    def datetime(self, value: datetime) -> str:
        return f"{value:%d/%m/%Y %H:%M}"


def signed(fmt: Formats, value: int) -> str:
    """Points with their direction: +45, −100 (a true minus sign, which reads better than a hyphen)."""
    if value > 0:
        return "+" + fmt.points(value)
    if value < 0:
        return "−" + fmt.points(-value)
    return fmt.points(0)


def receipt_rows(receipt: Receipt, language: str, fmt: Formats) -> list[Row]:
    words = labels(language)
    r = receipt
    rows = [Row("title", r.store.name)]
    rows += [Row("center", line) for line in r.store.address]
    rows.append(Row("heading", words[f"title.{r.kind}"]))
    if r.copy:
        rows.append(Row("heading", words["copy"]))
    rows.append(Row("rule"))
    rows.append(Row("pair", words["till"], r.store.till))
    rows.append(Row("pair", words["number"], r.number))
    if r.receipt_ref:
        rows.append(Row("pair", words["receipt_ref"], r.receipt_ref))
    rows.append(Row("pair", words["date"], fmt.datetime(r.issued_at)))
    rows.append(Row("pair", words["cashier"], r.cashier))
    rows.append(Row("pair", words["member"], r.member_number))
    rows.append(Row("rule"))
    if r.bill is not None:
        rows.append(Row("pair", words["bill"], fmt.money(r.bill)))
    if r.kind == "sale":
        rows.append(Row("total", words["earned"], signed(fmt, r.earned)))
        for line in r.breakdown:
            key = f"rule.{line.rule}"
            text = words[key].format(name=line.name) if key in words else line.rule
            rows.append(Row("detail", text, signed(fmt, line.points)))
    if r.bonus:
        rows.append(Row("pair", words["bonus"], signed(fmt, r.bonus)))
    if r.redeemed:
        rows.append(Row("total", words["redeemed"], signed(fmt, -r.redeemed)))
        if r.reward:
            rows.append(Row("detail", words["reward"], r.reward))
        if r.redeemed_value is not None and r.redeemed_value.amount:
            rows.append(Row("detail", words["redeemed_value"], fmt.money(r.redeemed_value)))
    if r.refund is not None:
        rows.append(Row("pair", words["refund"], fmt.money(r.refund)))
    if r.kind == "return":
        rows.append(Row("total", words["reversed"], signed(fmt, -r.reversed_points)))
        if r.restored_points:
            rows.append(Row("pair", words["restored"], signed(fmt, r.restored_points)))
        if r.overdraft_points:
            rows.append(Row("pair", words["overdraft"], fmt.points(r.overdraft_points)))
    if r.kind == "action":
        rows.append(Row("pair", words["action"], r.action or ""))
        rows.append(Row("total", words["action_points"], signed(fmt, r.action_points)))
    rows.append(Row("rule"))
    rows.append(Row("total", words["balance"], fmt.points(r.balance)))
    if r.balance_value is not None:
        rows.append(Row("pair", words["balance_value"], fmt.money(r.balance_value)))
    if r.expiring_points and r.usable_until is not None:
        text = words["expiring"].format(points=fmt.points(r.expiring_points), date=fmt.date(r.usable_until))
        rows.append(Row("note", text))
    if r.replayed:
        rows.append(Row("note", words["replayed"]))
    rows.append(Row("rule"))
    rows.append(Row("center", words["thanks"]))
    return rows


def plain_text(rows: list[Row]) -> str:
    """The rows as lines of text, for a screen reader and for logs."""
    out = []
    for row in rows:
        if row.style == "rule":
            continue
        out.append(f"{row.left}: {row.right}" if row.right else row.left)
    return "\n".join(out)
