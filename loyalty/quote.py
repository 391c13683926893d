"""Quote a basket: the points it earns, rule by rule, and the most points that may be paid with on it.

The order of the rules, documented in the README:
1. Lines in an excluded category earn nothing; the rest is the *eligible amount*.
2. If the eligible amount is below the program's minimum spend, nothing is earned.
3. Base points: ``points_per_step`` for every whole ``spend_step`` of the eligible amount (rounded by the
   program's rounding, default down).
4. Category and SKU multipliers give extra points on their line (multiplier − 1, on that line's base).
5. The member's tier multiplier gives extra points on the base.
6. Each promotion that applies (day of week, hours, dates in the program's time zone; optional categories and
   minimum spend) gives extra points on the base of its lines (multiplier − 1) or fixed bonus points.
7. The per-transaction cap trims the total.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from loyalty.errors import InvalidAmount, InvalidInput
from loyalty.money import Money, check_sale_amount
from loyalty.program import Program, Promotion, Rounding

_ROUNDING = {"down": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "up": ROUND_CEILING}


def round_points(value: Decimal, rounding: Rounding) -> int:
    return int(value.to_integral_value(rounding=_ROUNDING[rounding]))


@dataclass(frozen=True, slots=True)
class BasketLine:
    amount: Money
    category: str | None = None
    sku: str | None = None
    quantity: int = 1


@dataclass(frozen=True, slots=True)
class Basket:
    lines: tuple[BasketLine, ...]

    @classmethod
    def of_total(cls, total: Money) -> Basket:
        return cls((BasketLine(total),))

    @classmethod
    def of(cls, lines: Iterable[BasketLine]) -> Basket:
        return cls(tuple(lines))

    @property
    def currency(self) -> str:
        return self.lines[0].amount.currency if self.lines else "VND"

    @property
    def total(self) -> Money:
        return Money(sum(line.amount.amount for line in self.lines), self.currency)


@dataclass(frozen=True, slots=True)
class QuoteComponent:
    rule: str  # "base", "category:<c>", "sku:<s>", "tier:<code>", "promotion:<code>", "cap", "minimum_spend"
    points: int  # this rule's whole share of the total (the shares add up to the points awarded)
    detail: str
    exact: Decimal | None = None  # the rule's exact share before the single rounding


@dataclass(frozen=True, slots=True)
class Quote:
    program_version: str
    total: Money
    eligible: Money
    points: int
    components: tuple[QuoteComponent, ...]
    max_redeemable_points: int
    max_redeemable_value: Money


def validate_basket(program: Program, basket: Basket) -> None:
    if not basket.lines:
        raise InvalidAmount(amount=0, why="the basket is empty")
    for line in basket.lines:
        if line.amount.currency != program.currency:
            check_sale_amount(line.amount, program.currency)
        if line.amount.amount <= 0:
            raise InvalidAmount(amount=line.amount.amount, why="every line must be more than zero")
        if line.quantity <= 0:
            raise InvalidAmount(amount=line.quantity, why="the quantity must be at least 1")
    check_sale_amount(basket.total, program.currency)


def _promotion_applies(promo: Promotion, local: datetime, eligible: int) -> bool:
    if promo.days_of_week is not None and local.weekday() not in promo.days_of_week:
        return False
    if promo.start_time is not None and promo.end_time is not None:
        t = local.time().replace(tzinfo=None)
        if not promo.start_time <= t < promo.end_time:
            return False
    if promo.starts_on is not None and local.date() < promo.starts_on:
        return False
    if promo.ends_on is not None and local.date() > promo.ends_on:
        return False
    return eligible >= promo.minimum_spend


def _base(program: Program, amount: int) -> Decimal:
    rule = program.earn
    return Decimal(amount) * rule.points_per_step / rule.spend_step


def _apportion(exact: Sequence[Decimal], total: int) -> list[int]:
    """Whole shares of ``total`` in proportion to ``exact`` (largest remainder): every share is its exact
    value rounded down, and the points still missing go one by one to the largest fractions (ties: the
    earlier rule). The shares always add up to ``total``, which the caller rounded once from the exact sum."""
    floors = [int(x.to_integral_value(rounding=ROUND_FLOOR)) for x in exact]
    missing = total - sum(floors)
    # ``total`` is the exact sum rounded down, half up or up: at least the sum of the floors, and at most
    # one more point for each share that has a fraction, so ``missing`` always fits.
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += 1
    return floors


def quote(
    program: Program,
    basket: Basket,
    *,
    at: datetime,
    tier_code: str | None = None,
    balance: int | None = None,
) -> Quote:
    """Points the basket earns under ``program`` at time ``at`` (aware), and its redemption limits.

    Every rule's share is computed exactly (a Decimal fraction of a point), the exact sum is rounded once by
    the program's rounding mode, and the shares shown are that total split by largest remainder, so the
    breakdown always adds up to what is awarded.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput(
            what="Sale time", why="it must carry a time zone (promotions follow the store's clock)"
        )
    validate_basket(program, basket)
    rule = program.earn
    eligible_lines: Sequence[BasketLine] = [
        ln for ln in basket.lines if ln.category is None or ln.category not in rule.excluded_categories
    ]
    eligible = sum(ln.amount.amount for ln in eligible_lines)
    components: list[QuoteComponent] = []
    total_points = 0

    if eligible == 0:
        components.append(QuoteComponent("excluded", 0, "no line of this basket earns points"))
    elif eligible < rule.minimum_spend:
        components.append(
            QuoteComponent("minimum_spend", 0, f"eligible spend {eligible} is below {rule.minimum_spend}")
        )
    else:
        shares = _exact_shares(program, eligible_lines, eligible, at, tier_code)
        exact_total = sum((x for _, x, _ in shares), Decimal(0))
        rounded = round_points(exact_total, rule.rounding)
        for (name, exact, detail), points in zip(
            shares, _apportion([x for _, x, _ in shares], rounded), strict=True
        ):
            components.append(QuoteComponent(name, points, detail, exact))
        if rounded < 0:  # multipliers below 1 outweighed the base: a sale never takes points away
            components.append(QuoteComponent("no_negative", -rounded, "a sale never takes points away"))
        total_points = max(0, rounded)
        cap = rule.cap_per_transaction
        if cap is not None and total_points > cap:
            components.append(QuoteComponent("cap", cap - total_points, f"at most {cap} points per sale"))
            total_points = cap

    max_points = max_redeemable(program, basket.total, balance)
    return Quote(
        program_version=program.version,
        total=basket.total,
        eligible=Money(eligible, program.currency),
        points=total_points,
        components=tuple(components),
        max_redeemable_points=max_points,
        max_redeemable_value=Money(max_points * program.redemption.point_value, program.currency),
    )


def _exact_shares(
    program: Program,
    eligible_lines: Sequence[BasketLine],
    eligible: int,
    at: datetime,
    tier_code: str | None,
) -> list[tuple[str, Decimal, str]]:
    """(rule, exact points, detail) for every rule that applies, in the documented order."""
    rule = program.earn
    base = _base(program, eligible)
    shares: list[tuple[str, Decimal, str]] = [
        ("base", base, f"{rule.points_per_step} per {rule.spend_step} on {eligible}")
    ]
    for line in eligible_lines:
        for kind, key, table in (
            ("category", line.category, rule.category_multipliers),
            ("sku", line.sku, rule.sku_multipliers),
        ):
            if key is None or key not in table or table[key] == 1:
                continue
            mult = table[key]
            shares.append(
                (
                    f"{kind}:{key}",
                    _base(program, line.amount.amount) * (mult - 1),
                    f"x{mult} on {line.amount.amount}",
                )
            )
    tier = program.tier(tier_code)
    if tier is not None and tier.multiplier != 1:
        shares.append((f"tier:{tier.code}", base * (tier.multiplier - 1), f"{tier.name} x{tier.multiplier}"))
    local = at.astimezone(program.zone)
    for promo in program.promotions:
        promo_lines = [
            ln
            for ln in eligible_lines
            if promo.categories is None or (ln.category is not None and ln.category in promo.categories)
        ]
        promo_amount = sum(ln.amount.amount for ln in promo_lines)
        if not promo_lines or not _promotion_applies(promo, local, promo_amount):
            continue
        if promo.multiplier is not None:
            if promo.multiplier == 1:
                continue
            extra = _base(program, promo_amount) * (promo.multiplier - 1)
            detail = f"{promo.name} x{promo.multiplier}"
        else:
            extra = Decimal(promo.bonus_points or 0)
            detail = f"{promo.name} +{promo.bonus_points}"
        shares.append((f"promotion:{promo.code}", extra, detail))
    return shares


def max_redeemable(program: Program, bill: Money, balance: int | None = None) -> int:
    """The most points that may pay part of ``bill``: the bill share limit, the balance, the minimum."""
    red = program.redemption
    limit = bill.amount * red.max_bill_share_percent // 100 // red.point_value
    if balance is not None:
        limit = min(limit, max(balance, 0))
    return limit if limit >= red.minimum_points else 0


def redemption_value(program: Program, points: int) -> Money:
    return Money(points * program.redemption.point_value, program.currency)
