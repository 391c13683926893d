"""A loyalty program in plain words: structured lines the window translates and formats.

Each ``Line`` is an English template (the translation key, Qt context ``ProgramText``) and its values as
values: money stays ``Money``, points ``Points``, multipliers ``Decimal``, days ``date``; words the window
translates are ``Word``. So this module stays free of Qt, and the window writes "1.250.000 ₫" or "×1,5" in
its own language. Every template is in ``TEXT``; the window lists them for Qt Linguist
(``app/ui/desk/program_words.py``) and a test checks that both lists agree.

Examples are worked out by the program's own rules (``loyalty.quote``), so what the page says a bill earns
is what the till awards for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from loyalty.ledger import expiry_for
from loyalty.money import Money, exponent
from loyalty.program import Action, Program, Promotion, Reward, Tier
from loyalty.quote import Basket, BasketLine, max_redeemable, quote

CONTEXT = "ProgramText"


class Section(StrEnum):
    SUMMARY = "summary"
    EARN = "earn"
    TIERS = "tiers"
    PROMOTIONS = "promotions"
    REDEMPTION = "redemption"
    REWARDS = "rewards"
    EXPIRY = "expiry"
    ACTIONS = "actions"
    BONUSES = "bonuses"


@dataclass(frozen=True, slots=True)
class Points:
    """A number of points (the window groups its digits)."""

    value: int


@dataclass(frozen=True, slots=True)
class Word:
    """A word or label the window translates (context ``ProgramText``)."""

    text: str


@dataclass(frozen=True, slots=True)
class Days:
    """Days of the week, 0 = Monday (the window names them in its language)."""

    days: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Place:
    """Where in the program a change is: labels (``Word``) and the program's own codes (``str``)."""

    parts: tuple[Word | str, ...]


@dataclass(frozen=True, slots=True)
class Names:
    """The program's own names or codes (categories, products), listed as they are written."""

    items: tuple[str, ...]


Value = Money | Points | Word | Days | Place | Names | Decimal | int | str | date | time | None


@dataclass(frozen=True, slots=True)
class Line:
    section: Section
    text: str  # an English template of TEXT
    values: Mapping[str, Value] = field(default_factory=dict)
    example: bool = False  # an example or a detail of the line before it

    def english(self) -> str:
        """The line in plain English (logs, tests): values written simply."""
        return self.text.format(**{k: _plain(v) for k, v in self.values.items()})


def _plain(value: Value) -> str:
    if isinstance(value, Money):
        return f"{value.amount} {value.currency}"
    if isinstance(value, Points):
        return str(value.value)
    if isinstance(value, Word):
        return value.text
    if isinstance(value, Days):
        return ", ".join(str(d) for d in value.days)
    if isinstance(value, Place):
        return " › ".join(p.text if isinstance(p, Word) else p for p in value.parts)
    if isinstance(value, Names):
        return ", ".join(value.items)
    return "" if value is None else str(value)


# Every template a line can carry, by a short key. The English text is the translation key.
TEXT: dict[str, str] = {
    # summary
    "summary": "{name}, version {version}: amounts in {currency}, times in {timezone}.",
    # earning
    "earn.rate.down": "Points: {points} per {step} spent; a sale's points are rounded down.",
    "earn.rate.half_up": "Points: {points} per {step} spent; a sale's points are rounded to the nearest.",
    "earn.rate.up": "Points: {points} per {step} spent; a sale's points are rounded up.",
    "earn.example": "Example: a bill of {amount} earns {points} points.",
    "earn.minimum": "Bills under {amount} earn nothing.",
    "earn.minimum.example": "Example: a bill of {amount} earns nothing.",
    "earn.category": "Category {category}: points ×{multiplier}.",
    "earn.category.example": "Example: {amount} of {category} earns {points} points instead of {base}.",
    "earn.sku": "Product {sku}: points ×{multiplier}.",
    "earn.excluded": "These categories earn nothing: {categories}.",
    "earn.cap": "At most {points} points per sale.",
    # tiers
    "tiers.none": "This program has no tiers.",
    "tiers.window": "Tiers go by the spend of the last {months} months; a tier is reviewed every {review} months.",
    "tiers.first": "{name} ({code}): where everyone starts; points ×{multiplier}.",
    "tiers.level": "{name} ({code}): from {spend} spent; points ×{multiplier}.",
    "tiers.example": "Example: at this tier, a bill of {amount} earns {points} points.",
    # promotions
    "promotions.none": "No promotions.",
    "promotion.multiplier": "{name} ({code}): points ×{multiplier}.",
    "promotion.bonus": "{name} ({code}): {points} bonus points per sale.",
    "promotion.days": "On {days}.",
    "promotion.hours": "From {start} to {end}.",
    "promotion.from": "From {day}.",
    "promotion.until": "Until {day}.",
    "promotion.categories": "Only for {categories}.",
    "promotion.minimum": "Only for bills of {amount} or more.",
    # paying with points
    "redemption.value": "Each point pays {value}.",
    "redemption.minimum": "At least {points} points at a time.",
    "redemption.share": "Points pay at most {percent}% of a bill.",
    "redemption.share.example": "Example: on a bill of {amount}, up to {points} points ({value}) can pay.",
    "redemption.offline": "While the till is offline, a member may spend up to {points} points.",
    "redemption.approval": "Spending more than {points} points at once needs a manager's approval.",
    "redemption.restore.grace": (
        "A return gives back the points that paid for the refunded part; they keep their expiry date but "
        "last at least {days} days."
    ),
    "redemption.restore.fresh": (
        "A return gives back the points that paid for the refunded part, with a full new expiry period."
    ),
    "redemption.restore.none": "A return does not give back the points that paid for the refunded part.",
    # rewards
    "rewards.none": "No rewards.",
    "reward.fixed": "{name} ({code}): {points} points for {amount} off the bill.",
    "reward.percent": "{name} ({code}): {points} points for {percent}% off the bill.",
    "reward.percent.max": "{name} ({code}): {points} points for {percent}% off the bill, at most {amount}.",
    "reward.item": "{name} ({code}): {points} points for a free item ({sku}).",
    "reward.item.value": "{name} ({code}): {points} points for a free item ({sku}, worth {amount}).",
    # expiry
    "expiry.none": "Points never expire.",
    "expiry.months": "Points expire {months} months after they are earned.",
    "expiry.end_of_month": "Points expire at the end of the month, {months} months after they are earned.",
    "expiry.example": "Example: points earned on {earned} expire on {expires}.",
    # actions
    "actions.none": "No actions without a purchase.",
    "action.free": "{name} ({code}): {points} points each time, no limit.",
    "action.day": "{name} ({code}): {points} points each time, up to {cap} a day.",
    "action.week": "{name} ({code}): {points} points each time, up to {cap} a week.",
    "action.month": "{name} ({code}): {points} points each time, up to {cap} a month.",
    "action.year": "{name} ({code}): {points} points each time, up to {cap} a year.",
    "action.ever": "{name} ({code}): {points} points each time, up to {cap} in all.",
    # bonuses
    "bonus.welcome": "Welcome bonus: {points} points at enrolment.",
    "bonus.welcome.none": "No welcome bonus.",
    "bonus.referral": (
        "Referral: {referrer} points to the member who referred and {referee} points to the new member, "
        "after the new member's first purchase."
    ),
    "bonus.referral.none": "No referral bonus.",
    # changes between two versions
    "change.changed": "{where}: {old} → {new}",
    "change.added": "Added: {where}",
    "change.added.value": "Added: {where}: {new}",
    "change.removed": "Removed: {where}",
    "change.removed.value": "Removed: {where} (was {old})",
    "change.reordered": "{where}: new order {new} (was {old})",
}

# Labels of the program's parts and fields, for the place of a change, and words some values are.
WORDS: tuple[str, ...] = (
    # sections
    "Program name",
    "Version",
    "Currency",
    "Time zone",
    "File format",
    "Earning",
    "Tiers",
    "Promotions",
    "Paying with points",
    "Rewards",
    "Expiry",
    "Actions",
    "Welcome bonus",
    "Referral",
    # fields
    "spend step",
    "points per step",
    "rounding",
    "minimum spend",
    "category multipliers",
    "product multipliers",
    "categories that earn nothing",
    "points per sale at most",
    "months counted",
    "review every (months)",
    "name",
    "qualifying spend",
    "multiplier",
    "bonus points",
    "days",
    "from (time)",
    "until (time)",
    "from (day)",
    "until (day)",
    "categories",
    "minimum bill",
    "value of a point",
    "minimum points",
    "share of a bill at most (%)",
    "offline allowance",
    "manager approval over",
    "points given back on a return",
    "expiry of points given back",
    "days at least",
    "points",
    "kind",
    "amount",
    "percent",
    "discount at most",
    "product",
    "value",
    "months",
    "end of the month",
    "times at most",
    "per",
    "points to the referrer",
    "points to the new member",
    # values
    "yes",
    "no",
    "none",
    "down",
    "half_up",
    "up",
    "fixed_discount",
    "percent_discount",
    "free_item",
    "day",
    "week",
    "month",
    "year",
    "ever",
    "grace",
    "fresh",
)

_SECTION_LABELS = {
    "name": "Program name",
    "version": "Version",
    "currency": "Currency",
    "timezone": "Time zone",
    "schema_version": "File format",
    "earn": "Earning",
    "tiers": "Tiers",
    "promotions": "Promotions",
    "redemption": "Paying with points",
    "rewards": "Rewards",
    "expiry": "Expiry",
    "actions": "Actions",
    "welcome_bonus": "Welcome bonus",
    "referral": "Referral",
}

_FIELD_LABELS = {
    "spend_step": "spend step",
    "points_per_step": "points per step",
    "rounding": "rounding",
    "minimum_spend": "minimum spend",
    "category_multipliers": "category multipliers",
    "sku_multipliers": "product multipliers",
    "excluded_categories": "categories that earn nothing",
    "cap_per_transaction": "points per sale at most",
    "qualifying_months": "months counted",
    "review_months": "review every (months)",
    "name": "name",
    "qualifying_spend": "qualifying spend",
    "multiplier": "multiplier",
    "bonus_points": "bonus points",
    "days_of_week": "days",
    "start_time": "from (time)",
    "end_time": "until (time)",
    "starts_on": "from (day)",
    "ends_on": "until (day)",
    "categories": "categories",
    "point_value": "value of a point",
    "minimum_points": "minimum points",
    "max_bill_share_percent": "share of a bill at most (%)",
    "offline_allowance": "offline allowance",
    "manager_approval_over": "manager approval over",
    "restore_on_return": "points given back on a return",
    "restore_expiry": "expiry of points given back",
    "restore_grace_days": "days at least",
    "points": "points",
    "kind": "kind",
    "amount": "amount",
    "percent": "percent",
    "max_discount": "discount at most",
    "sku": "product",
    "value": "value",
    "months": "months",
    "end_of_month": "end of the month",
    "cap": "times at most",
    "period": "per",
    "referrer_points": "points to the referrer",
    "referee_points": "points to the new member",
}
_MONEY_FIELDS = frozenset(
    {"spend_step", "minimum_spend", "qualifying_spend", "point_value", "amount", "max_discount", "value"}
)
_POINT_FIELDS = frozenset(
    {
        "points_per_step",
        "cap_per_transaction",
        "bonus_points",
        "minimum_points",
        "offline_allowance",
        "manager_approval_over",
        "points",
        "welcome_bonus",
        "referrer_points",
        "referee_points",
    }
)
_WORD_FIELDS = frozenset({"rounding", "kind", "period", "restore_expiry"})
_LIST_FIELDS = frozenset({"excluded_categories", "categories"})


def _line(section: Section, key: str, example: bool = False, **values: Value) -> Line:
    return Line(section, TEXT[key], values, example)


def _line_of(section: Section, key: str, values: dict[str, Value]) -> Line:
    return Line(section, TEXT[key], values)


def _round_amount(program: Program, amount: int) -> int:
    """A round example amount: ``amount`` in whole currency units (250.000 ₫, 250.00 $)."""
    return int(amount * 10 ** exponent(program.currency))


def _no_promotions(program: Program) -> Program:
    """The program without its promotions: examples show what any bill earns, at any hour."""
    return program.model_copy(update={"promotions": []})


_EXAMPLE_AT = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)  # examples ignore promotions; any time will do


def earned(program: Program, amount: int, *, tier: str | None = None, line: BasketLine | None = None) -> int:
    """Points a bill earns under ``program`` (promotions left out), by the till's own arithmetic."""
    basket = Basket.of((line,)) if line is not None else Basket.of_total(Money(amount, program.currency))
    return quote(_no_promotions(program), basket, at=_EXAMPLE_AT, tier_code=tier).points


def example_bill(program: Program) -> int:
    """A typical bill for the examples: 25 spend steps, at least the minimum spend, rounded up to a
    round amount."""
    rule = program.earn
    unit = _round_amount(program, 1000) if exponent(program.currency) == 0 else _round_amount(program, 10)
    wanted = max(rule.spend_step * 25, rule.minimum_spend)
    return max(unit, -(-wanted // unit) * unit)


# -- the program in words ----------------------------------------------------------------------------
def describe(program: Program, today: date) -> list[Line]:
    """The whole program, section by section. ``today`` dates the expiry example."""
    return [
        _line(
            Section.SUMMARY,
            "summary",
            name=program.name,
            version=program.version,
            currency=program.currency,
            timezone=program.timezone,
        ),
        *earn_lines(program),
        *tier_lines(program),
        *promotion_lines(program),
        *redemption_lines(program),
        *reward_lines(program),
        *expiry_lines(program, today),
        *action_lines(program),
        *bonus_lines(program),
    ]


def earn_lines(program: Program) -> list[Line]:
    rule = program.earn
    currency = program.currency
    s = Section.EARN
    bill = example_bill(program)
    lines = [
        _line(
            s,
            f"earn.rate.{rule.rounding}",
            points=Points(rule.points_per_step),
            step=Money(rule.spend_step, currency),
        ),
        _line(s, "earn.example", True, amount=Money(bill, currency), points=Points(earned(program, bill))),
    ]
    if rule.minimum_spend > 0:
        lines.append(_line(s, "earn.minimum", amount=Money(rule.minimum_spend, currency)))
        under = rule.minimum_spend - 1
        if under > 0:
            lines.append(_line(s, "earn.minimum.example", True, amount=Money(under, currency)))
    for category, multiplier in sorted(rule.category_multipliers.items()):
        lines.append(_line(s, "earn.category", category=category, multiplier=multiplier))
        if category not in rule.excluded_categories:
            part = BasketLine(Money(bill, currency), category=category)
            lines.append(
                _line(
                    s,
                    "earn.category.example",
                    True,
                    amount=Money(bill, currency),
                    category=category,
                    points=Points(earned(program, bill, line=part)),
                    base=Points(earned(program, bill)),
                )
            )
    for sku, multiplier in sorted(rule.sku_multipliers.items()):
        lines.append(_line(s, "earn.sku", sku=sku, multiplier=multiplier))
    if rule.excluded_categories:
        lines.append(_line(s, "earn.excluded", categories=Names(tuple(sorted(rule.excluded_categories)))))
    if rule.cap_per_transaction is not None:
        lines.append(_line(s, "earn.cap", points=Points(rule.cap_per_transaction)))
    return lines


def tier_line(program: Program, tier: Tier, *, first: bool) -> Line:
    if first:
        return _line(Section.TIERS, "tiers.first", name=tier.name, code=tier.code, multiplier=tier.multiplier)
    return _line(
        Section.TIERS,
        "tiers.level",
        name=tier.name,
        code=tier.code,
        spend=Money(tier.qualifying_spend, program.currency),
        multiplier=tier.multiplier,
    )


def tier_lines(program: Program) -> list[Line]:
    s = Section.TIERS
    tiers = program.tiers
    if tiers is None:
        return [_line(s, "tiers.none")]
    lines = [_line(s, "tiers.window", months=tiers.qualifying_months, review=tiers.review_months)]
    bill = example_bill(program)
    for i, tier in enumerate(tiers.levels):
        lines.append(tier_line(program, tier, first=i == 0))
        lines.append(
            _line(
                s,
                "tiers.example",
                True,
                amount=Money(bill, program.currency),
                points=Points(earned(program, bill, tier=tier.code)),
            )
        )
    return lines


def promotion_head(program: Program, promo: Promotion) -> Line:
    s = Section.PROMOTIONS
    if promo.multiplier is not None:
        return _line(s, "promotion.multiplier", name=promo.name, code=promo.code, multiplier=promo.multiplier)
    return _line(
        s, "promotion.bonus", name=promo.name, code=promo.code, points=Points(promo.bonus_points or 0)
    )


def promotion_conditions(program: Program, promo: Promotion) -> list[Line]:
    s = Section.PROMOTIONS
    lines = []
    if promo.days_of_week is not None:
        lines.append(_line(s, "promotion.days", True, days=Days(tuple(sorted(promo.days_of_week)))))
    if promo.start_time is not None and promo.end_time is not None:
        lines.append(_line(s, "promotion.hours", True, start=promo.start_time, end=promo.end_time))
    if promo.starts_on is not None:
        lines.append(_line(s, "promotion.from", True, day=promo.starts_on))
    if promo.ends_on is not None:
        lines.append(_line(s, "promotion.until", True, day=promo.ends_on))
    if promo.categories is not None:
        lines.append(
            _line(s, "promotion.categories", True, categories=Names(tuple(sorted(promo.categories))))
        )
    if promo.minimum_spend > 0:
        lines.append(_line(s, "promotion.minimum", True, amount=Money(promo.minimum_spend, program.currency)))
    return lines


def promotion_lines(program: Program) -> list[Line]:
    if not program.promotions:
        return [_line(Section.PROMOTIONS, "promotions.none")]
    lines: list[Line] = []
    for promo in program.promotions:
        lines.append(promotion_head(program, promo))
        lines += promotion_conditions(program, promo)
    return lines


def redemption_lines(program: Program) -> list[Line]:
    red = program.redemption
    currency = program.currency
    s = Section.REDEMPTION
    lines = [_line(s, "redemption.value", value=Money(red.point_value, currency))]
    if red.minimum_points > 0:
        lines.append(_line(s, "redemption.minimum", points=Points(red.minimum_points)))
    lines.append(_line(s, "redemption.share", percent=red.max_bill_share_percent))
    bill = example_bill(program)
    most = max_redeemable(program, Money(bill, currency))
    lines.append(
        _line(
            s,
            "redemption.share.example",
            True,
            amount=Money(bill, currency),
            points=Points(most),
            value=Money(most * red.point_value, currency),
        )
    )
    if red.offline_allowance > 0:
        lines.append(_line(s, "redemption.offline", points=Points(red.offline_allowance)))
    if red.manager_approval_over is not None:
        lines.append(_line(s, "redemption.approval", points=Points(red.manager_approval_over)))
    if not red.restore_on_return:
        lines.append(_line(s, "redemption.restore.none"))
    elif red.restore_expiry == "fresh":
        lines.append(_line(s, "redemption.restore.fresh"))
    else:
        lines.append(_line(s, "redemption.restore.grace", days=red.restore_grace_days))
    return lines


def reward_line(program: Program, reward: Reward) -> Line:
    s = Section.REWARDS
    common: dict[str, Value] = {"name": reward.name, "code": reward.code, "points": Points(reward.points)}
    currency = program.currency
    if reward.kind == "fixed_discount":
        return _line_of(s, "reward.fixed", {**common, "amount": Money(reward.amount or 0, currency)})
    if reward.kind == "percent_discount":
        if reward.max_discount is not None:
            values = {**common, "percent": reward.percent, "amount": Money(reward.max_discount, currency)}
            return _line_of(s, "reward.percent.max", values)
        return _line_of(s, "reward.percent", {**common, "percent": reward.percent})
    if reward.value:
        values = {**common, "sku": reward.sku, "amount": Money(reward.value, currency)}
        return _line_of(s, "reward.item.value", values)
    return _line_of(s, "reward.item", {**common, "sku": reward.sku})


def reward_lines(program: Program) -> list[Line]:
    if not program.rewards:
        return [_line(Section.REWARDS, "rewards.none")]
    return [reward_line(program, reward) for reward in program.rewards]


def expiry_lines(program: Program, today: date) -> list[Line]:
    s = Section.EXPIRY
    expiry = program.expiry
    if expiry is None:
        return [_line(s, "expiry.none")]
    key = "expiry.end_of_month" if expiry.end_of_month else "expiry.months"
    # Noon in the store's zone on the day: the example reads the same in every time zone.
    moment = datetime(today.year, today.month, today.day, 12, tzinfo=program.zone)
    due = expiry_for(expiry, moment, program.zone)
    assert due is not None
    local_due = due.astimezone(program.zone)
    # At the end of the month, points are gone at the first instant of the next month: the last day they
    # count is the day before.
    last_day = local_due.date() - timedelta(days=1) if expiry.end_of_month else local_due.date()
    return [
        _line(s, key, months=expiry.months),
        _line(s, "expiry.example", True, earned=today, expires=last_day),
    ]


def action_line(code: str, action: Action) -> Line:
    s = Section.ACTIONS
    if action.cap is None:
        return _line(s, "action.free", name=action.name, code=code, points=Points(action.points))
    return _line(
        s,
        f"action.{action.period}",
        name=action.name,
        code=code,
        points=Points(action.points),
        cap=action.cap,
    )


def action_lines(program: Program) -> list[Line]:
    if not program.actions:
        return [_line(Section.ACTIONS, "actions.none")]
    return [action_line(code, action) for code, action in program.actions.items()]


def bonus_lines(program: Program) -> list[Line]:
    s = Section.BONUSES
    lines = [
        _line(s, "bonus.welcome", points=Points(program.welcome_bonus))
        if program.welcome_bonus
        else _line(s, "bonus.welcome.none")
    ]
    ref = program.referral
    if ref.referrer_points or ref.referee_points:
        lines.append(
            _line(
                s, "bonus.referral", referrer=Points(ref.referrer_points), referee=Points(ref.referee_points)
            )
        )
    else:
        lines.append(_line(s, "bonus.referral.none"))
    return lines


# -- a change between two versions, in words ------------------------------------------------------------
def place_of(path: tuple[str, ...]) -> Place:
    """The labels of a change's path: 'Tiers › gold › multiplier'."""
    parts: list[Word | str] = []
    for i, part in enumerate(path):
        if i == 0:
            parts.append(Word(_SECTION_LABELS.get(part, part)))
        elif path[:2] == ("tiers", "levels") and i == 1:
            continue  # the tiers' list is the section itself
        elif _is_key(path, i):
            parts.append(part)  # a code of the program: a tier, promotion, reward, action, category
        else:
            parts.append(Word(_FIELD_LABELS.get(part, part)))
    return Place(tuple(parts))


def _is_key(path: tuple[str, ...], i: int) -> bool:
    """Whether ``path[i]`` is one of the program's own codes rather than a field name."""
    parent = path[:i]
    if parent in (("tiers", "levels"), ("promotions",), ("rewards",), ("actions",)):
        return True
    return parent in (("earn", "category_multipliers"), ("earn", "sku_multipliers"))


def value_of(path: tuple[str, ...], value: Any, currency: str) -> Value:
    """A value of the program's dumped JSON, as the window should write it."""
    name = next((path[i] for i in range(len(path) - 1, -1, -1) if not _is_key(path, i)), "")
    if value is None:
        return Word("none")
    if isinstance(value, bool):
        return Word("yes" if value else "no")
    if path[:2] in (("earn", "category_multipliers"), ("earn", "sku_multipliers")) and len(path) == 3:
        return Decimal(str(value))
    if name in _MONEY_FIELDS and isinstance(value, int):
        return Money(value, currency)
    if (name in _POINT_FIELDS or path == ("welcome_bonus",)) and isinstance(value, int):
        return Points(value)
    if name == "multiplier" and isinstance(value, str):
        return Decimal(value)
    if name in _WORD_FIELDS and isinstance(value, str):
        return Word(value)
    if name == "days_of_week" and isinstance(value, list):
        return Days(tuple(int(d) for d in value))
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return Names(tuple(value))
    if name in ("start_time", "end_time") and isinstance(value, str):
        return time.fromisoformat(value)
    if name in ("starts_on", "ends_on") and isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(value, int | str):
        return value
    return str(value)


def change_lines(change: Any, before: Program, after: Program, today: date) -> list[Line]:
    """A ``ProgramChange`` (``app.services.program_diff``) in words, with the description of a rule added or
    removed under it."""
    path: tuple[str, ...] = change.path
    where = place_of(path)
    section = _section_of(path)
    currency = after.currency
    if change.kind == "changed":
        return [
            Line(
                section,
                TEXT["change.changed"],
                {
                    "where": where,
                    "old": value_of(path, change.old, before.currency),
                    "new": value_of(path, change.new, currency),
                },
            )
        ]
    if change.kind == "reordered":
        return [
            Line(
                section,
                TEXT["change.reordered"],
                {"where": where, "old": Names(tuple(change.old)), "new": Names(tuple(change.new))},
            )
        ]
    program = after if change.kind == "added" else before
    detail = _described(path, program, today)
    if detail is not None:
        key = "change.added" if change.kind == "added" else "change.removed"
        return [Line(section, TEXT[key], {"where": where}), *[_as_detail(d) for d in detail]]
    if change.kind == "added":
        value = value_of(path, change.new, currency)
        return [Line(section, TEXT["change.added.value"], {"where": where, "new": value})]
    value = value_of(path, change.old, before.currency)
    return [Line(section, TEXT["change.removed.value"], {"where": where, "old": value})]


def _as_detail(line: Line) -> Line:
    return Line(line.section, line.text, line.values, True)


def _described(path: tuple[str, ...], program: Program, today: date) -> list[Line] | None:
    """The description of a whole rule or section at ``path`` in ``program`` (None for a plain value)."""
    if path == ("tiers",):
        return tier_lines(program)
    if path == ("expiry",):
        return expiry_lines(program, today)
    if len(path) == 3 and path[:2] == ("tiers", "levels"):
        levels = program.tiers.levels if program.tiers is not None else []
        for i, tier in enumerate(levels):
            if tier.code == path[2]:
                return [tier_line(program, tier, first=i == 0)]
    if len(path) == 2 and path[0] == "promotions":
        for promo in program.promotions:
            if promo.code == path[1]:
                return [promotion_head(program, promo), *promotion_conditions(program, promo)]
    if len(path) == 2 and path[0] == "rewards":
        found = program.reward(path[1])
        if found is not None:
            return [reward_line(program, found)]
    if len(path) == 2 and path[0] == "actions" and path[1] in program.actions:
        return [action_line(path[1], program.actions[path[1]])]
    return None


def _section_of(path: tuple[str, ...]) -> Section:
    head = path[0] if path else ""
    return {
        "earn": Section.EARN,
        "tiers": Section.TIERS,
        "promotions": Section.PROMOTIONS,
        "redemption": Section.REDEMPTION,
        "rewards": Section.REWARDS,
        "expiry": Section.EXPIRY,
        "actions": Section.ACTIONS,
        "welcome_bonus": Section.BONUSES,
        "referral": Section.BONUSES,
    }.get(head, Section.SUMMARY)
