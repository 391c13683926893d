"""Every text of ``app.services.program_text`` listed for Qt Linguist (context ``ProgramText``), and how the
window writes a line: the template translated, each value in the window's language (money and points through
QLocale, multipliers with the locale's decimal sign, days of the week by name, dates as dd/MM/yyyy).

A test checks that these lists and the service's texts are the same, and that each has Vietnamese.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QLocale, QTime

from app.services.program_text import CONTEXT, Days, Line, Names, Place, Points, Value, Word
from app.ui.i18n import money, points
from loyalty.money import Money

TEMPLATES = (
    QT_TRANSLATE_NOOP(
        "ProgramText", "{name}, version {version}: amounts in {currency}, times in {timezone}."
    ),
    QT_TRANSLATE_NOOP("ProgramText", "Points: {points} per {step} spent; a sale's points are rounded down."),
    QT_TRANSLATE_NOOP(
        "ProgramText", "Points: {points} per {step} spent; a sale's points are rounded to the nearest."
    ),
    QT_TRANSLATE_NOOP("ProgramText", "Points: {points} per {step} spent; a sale's points are rounded up."),
    QT_TRANSLATE_NOOP("ProgramText", "Example: a bill of {amount} earns {points} points."),
    QT_TRANSLATE_NOOP("ProgramText", "Bills under {amount} earn nothing."),
    QT_TRANSLATE_NOOP("ProgramText", "Example: a bill of {amount} earns nothing."),
    QT_TRANSLATE_NOOP("ProgramText", "Category {category}: points ×{multiplier}."),
    QT_TRANSLATE_NOOP(
        "ProgramText", "Example: {amount} of {category} earns {points} points instead of {base}."
    ),
    QT_TRANSLATE_NOOP("ProgramText", "Product {sku}: points ×{multiplier}."),
    QT_TRANSLATE_NOOP("ProgramText", "These categories earn nothing: {categories}."),
    QT_TRANSLATE_NOOP("ProgramText", "At most {points} points per sale."),
    QT_TRANSLATE_NOOP("ProgramText", "This program has no tiers."),
    QT_TRANSLATE_NOOP(
        "ProgramText",
        "Tiers go by the spend of the last {months} months; a tier is reviewed every {review} months.",
    ),
    QT_TRANSLATE_NOOP("ProgramText", "{name} ({code}): where everyone starts; points ×{multiplier}."),
    QT_TRANSLATE_NOOP("ProgramText", "{name} ({code}): from {spend} spent; points ×{multiplier}."),
    QT_TRANSLATE_NOOP("ProgramText", "Example: at this tier, a bill of {amount} earns {points} points."),
    QT_TRANSLATE_NOOP("ProgramText", "No promotions."),
    QT_TRANSLATE_NOOP("ProgramText", "{name} ({code}): points ×{multiplier}."),
    QT_TRANSLATE_NOOP("ProgramText", "{name} ({code}): {points} bonus points per sale."),
    QT_TRANSLATE_NOOP("ProgramText", "On {days}."),
    QT_TRANSLATE_NOOP("ProgramText", "From {start} to {end}."),
    QT_TRANSLATE_NOOP("ProgramText", "From {day}."),
    QT_TRANSLATE_NOOP("ProgramText", "Until {day}."),
    QT_TRANSLATE_NOOP("ProgramText", "Only for {categories}."),
    QT_TRANSLATE_NOOP("ProgramText", "Only for bills of {amount} or more."),
    QT_TRANSLATE_NOOP("ProgramText", "Each point pays {value}."),
    QT_TRANSLATE_NOOP("ProgramText", "At least {points} points at a time."),
    QT_TRANSLATE_NOOP("ProgramText", "Points pay at most {percent}% of a bill."),
    QT_TRANSLATE_NOOP(
        "ProgramText", "Example: on a bill of {amount}, up to {points} points ({value}) can pay."
    ),
    QT_TRANSLATE_NOOP("ProgramText", "While the till is offline, a member may spend up to {points} points."),
    QT_TRANSLATE_NOOP(
        "ProgramText", "Spending more than {points} points at once needs a manager's approval."
    ),
    QT_TRANSLATE_NOOP(
        "ProgramText",
        "A return gives back the points that paid for the refunded part; they keep their expiry date but last at least {days} days.",
    ),
    QT_TRANSLATE_NOOP(
        "ProgramText",
        "A return gives back the points that paid for the refunded part, with a full new expiry period.",
    ),
    QT_TRANSLATE_NOOP(
        "ProgramText", "A return does not give back the points that paid for the refunded part."
    ),
    QT_TRANSLATE_NOOP("ProgramText", "No rewards."),
    QT_TRANSLATE_NOOP("ProgramText", "{name} ({code}): {points} points for {amount} off the bill."),
    QT_TRANSLATE_NOOP("ProgramText", "{name} ({code}): {points} points for {percent}% off the bill."),
    QT_TRANSLATE_NOOP(
        "ProgramText", "{name} ({code}): {points} points for {percent}% off the bill, at most {amount}."
    ),
    QT_TRANSLATE_NOOP("ProgramText", "{name} ({code}): {points} points for a free item ({sku})."),
    QT_TRANSLATE_NOOP(
        "ProgramText", "{name} ({code}): {points} points for a free item ({sku}, worth {amount})."
    ),
    QT_TRANSLATE_NOOP("ProgramText", "Points never expire."),
    QT_TRANSLATE_NOOP("ProgramText", "Points expire {months} months after they are earned."),
    QT_TRANSLATE_NOOP(
        "ProgramText", "Points expire at the end of the month, {months} months after they are earned."
    ),
    QT_TRANSLATE_NOOP("ProgramText", "Example: points earned on {earned} expire on {expires}."),
    QT_TRANSLATE_NOOP("ProgramText", "No actions without a purchase."),
    QT_TRANSLATE_NOOP("ProgramText", "{name} ({code}): {points} points each time, no limit."),
    QT_TRANSLATE_NOOP("ProgramText", "{name} ({code}): {points} points each time, up to {cap} a day."),
    QT_TRANSLATE_NOOP("ProgramText", "{name} ({code}): {points} points each time, up to {cap} a week."),
    QT_TRANSLATE_NOOP("ProgramText", "{name} ({code}): {points} points each time, up to {cap} a month."),
    QT_TRANSLATE_NOOP("ProgramText", "{name} ({code}): {points} points each time, up to {cap} a year."),
    QT_TRANSLATE_NOOP("ProgramText", "{name} ({code}): {points} points each time, up to {cap} in all."),
    QT_TRANSLATE_NOOP("ProgramText", "Welcome bonus: {points} points at enrolment."),
    QT_TRANSLATE_NOOP("ProgramText", "No welcome bonus."),
    QT_TRANSLATE_NOOP(
        "ProgramText",
        "Referral: {referrer} points to the member who referred and {referee} points to the new member, after the new member's first purchase.",
    ),
    QT_TRANSLATE_NOOP("ProgramText", "No referral bonus."),
    QT_TRANSLATE_NOOP("ProgramText", "{where}: {old} → {new}"),
    QT_TRANSLATE_NOOP("ProgramText", "Added: {where}"),
    QT_TRANSLATE_NOOP("ProgramText", "Added: {where}: {new}"),
    QT_TRANSLATE_NOOP("ProgramText", "Removed: {where}"),
    QT_TRANSLATE_NOOP("ProgramText", "Removed: {where} (was {old})"),
    QT_TRANSLATE_NOOP("ProgramText", "{where}: new order {new} (was {old})"),
)

WORDS = (
    QT_TRANSLATE_NOOP("ProgramText", "Program name"),
    QT_TRANSLATE_NOOP("ProgramText", "Version"),
    QT_TRANSLATE_NOOP("ProgramText", "Currency"),
    QT_TRANSLATE_NOOP("ProgramText", "Time zone"),
    QT_TRANSLATE_NOOP("ProgramText", "File format"),
    QT_TRANSLATE_NOOP("ProgramText", "Earning"),
    QT_TRANSLATE_NOOP("ProgramText", "Tiers"),
    QT_TRANSLATE_NOOP("ProgramText", "Promotions"),
    QT_TRANSLATE_NOOP("ProgramText", "Paying with points"),
    QT_TRANSLATE_NOOP("ProgramText", "Rewards"),
    QT_TRANSLATE_NOOP("ProgramText", "Expiry"),
    QT_TRANSLATE_NOOP("ProgramText", "Actions"),
    QT_TRANSLATE_NOOP("ProgramText", "Welcome bonus"),
    QT_TRANSLATE_NOOP("ProgramText", "Referral"),
    QT_TRANSLATE_NOOP("ProgramText", "spend step"),
    QT_TRANSLATE_NOOP("ProgramText", "points per step"),
    QT_TRANSLATE_NOOP("ProgramText", "rounding"),
    QT_TRANSLATE_NOOP("ProgramText", "minimum spend"),
    QT_TRANSLATE_NOOP("ProgramText", "category multipliers"),
    QT_TRANSLATE_NOOP("ProgramText", "product multipliers"),
    QT_TRANSLATE_NOOP("ProgramText", "categories that earn nothing"),
    QT_TRANSLATE_NOOP("ProgramText", "points per sale at most"),
    QT_TRANSLATE_NOOP("ProgramText", "months counted"),
    QT_TRANSLATE_NOOP("ProgramText", "review every (months)"),
    QT_TRANSLATE_NOOP("ProgramText", "name"),
    QT_TRANSLATE_NOOP("ProgramText", "qualifying spend"),
    QT_TRANSLATE_NOOP("ProgramText", "multiplier"),
    QT_TRANSLATE_NOOP("ProgramText", "bonus points"),
    QT_TRANSLATE_NOOP("ProgramText", "days"),
    QT_TRANSLATE_NOOP("ProgramText", "from (time)"),
    QT_TRANSLATE_NOOP("ProgramText", "until (time)"),
    QT_TRANSLATE_NOOP("ProgramText", "from (day)"),
    QT_TRANSLATE_NOOP("ProgramText", "until (day)"),
    QT_TRANSLATE_NOOP("ProgramText", "categories"),
    QT_TRANSLATE_NOOP("ProgramText", "minimum bill"),
    QT_TRANSLATE_NOOP("ProgramText", "value of a point"),
    QT_TRANSLATE_NOOP("ProgramText", "minimum points"),
    QT_TRANSLATE_NOOP("ProgramText", "share of a bill at most (%)"),
    QT_TRANSLATE_NOOP("ProgramText", "offline allowance"),
    QT_TRANSLATE_NOOP("ProgramText", "manager approval over"),
    QT_TRANSLATE_NOOP("ProgramText", "points given back on a return"),
    QT_TRANSLATE_NOOP("ProgramText", "expiry of points given back"),
    QT_TRANSLATE_NOOP("ProgramText", "days at least"),
    QT_TRANSLATE_NOOP("ProgramText", "points"),
    QT_TRANSLATE_NOOP("ProgramText", "kind"),
    QT_TRANSLATE_NOOP("ProgramText", "amount"),
    QT_TRANSLATE_NOOP("ProgramText", "percent"),
    QT_TRANSLATE_NOOP("ProgramText", "discount at most"),
    QT_TRANSLATE_NOOP("ProgramText", "product"),
    QT_TRANSLATE_NOOP("ProgramText", "value"),
    QT_TRANSLATE_NOOP("ProgramText", "months"),
    QT_TRANSLATE_NOOP("ProgramText", "end of the month"),
    QT_TRANSLATE_NOOP("ProgramText", "times at most"),
    QT_TRANSLATE_NOOP("ProgramText", "per"),
    QT_TRANSLATE_NOOP("ProgramText", "points to the referrer"),
    QT_TRANSLATE_NOOP("ProgramText", "points to the new member"),
    QT_TRANSLATE_NOOP("ProgramText", "yes"),
    QT_TRANSLATE_NOOP("ProgramText", "no"),
    QT_TRANSLATE_NOOP("ProgramText", "none"),
    QT_TRANSLATE_NOOP("ProgramText", "down"),
    QT_TRANSLATE_NOOP("ProgramText", "half_up"),
    QT_TRANSLATE_NOOP("ProgramText", "up"),
    QT_TRANSLATE_NOOP("ProgramText", "fixed_discount"),
    QT_TRANSLATE_NOOP("ProgramText", "percent_discount"),
    QT_TRANSLATE_NOOP("ProgramText", "free_item"),
    QT_TRANSLATE_NOOP("ProgramText", "day"),
    QT_TRANSLATE_NOOP("ProgramText", "week"),
    QT_TRANSLATE_NOOP("ProgramText", "month"),
    QT_TRANSLATE_NOOP("ProgramText", "year"),
    QT_TRANSLATE_NOOP("ProgramText", "ever"),
    QT_TRANSLATE_NOOP("ProgramText", "grace"),
    QT_TRANSLATE_NOOP("ProgramText", "fresh"),
)


def translated(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def multiplier(value: Decimal) -> str:
    """1.5 as the window writes it: "1,5" in Vietnamese, "1.5" in English (no float on the way)."""
    text = format(value.normalize(), "f")
    return text.replace(".", QLocale().decimalPoint())


def value_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return money(value.amount, value.currency)
    if isinstance(value, Points):
        return points(value.value)
    if isinstance(value, Word):
        return translated(value.text)
    if isinstance(value, Days):
        # Qt numbers the days of the week from 1 = Monday; the program from 0 = Monday.
        return ", ".join(QLocale().dayName(day + 1, QLocale.FormatType.LongFormat) for day in value.days)
    if isinstance(value, Place):
        return " › ".join(translated(p.text) if isinstance(p, Word) else p for p in value.parts)
    if isinstance(value, Names):
        return ", ".join(value.items)
    if isinstance(value, Decimal):
        return multiplier(value)
    if isinstance(value, bool):
        return translated("yes" if value else "no")
    if isinstance(value, int):
        return QLocale().toString(value)
    if isinstance(value, time):
        return QLocale().toString(QTime(value.hour, value.minute), "HH:mm")
    if isinstance(value, date):
        return QLocale().toString(QDate(value.year, value.month, value.day), "dd/MM/yyyy")
    return str(value)


def line_text(line: Line) -> str:
    """The line in the window's language."""
    template = translated(line.text)
    values = {key: value_text(value) for key, value in line.values.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return line.english()
