"""Next best action: the hints a cashier sees when a member taps, ranked by transparent rules.

Each hint carries its reason as numbers (points, dates, amounts), never a finished sentence: the window formats
the numbers for its language and translates the template, exactly as it does with ``LoyaltyError`` (the English
template is the translation key, context ``Hint``). ``describe`` renders the English text for logs and the
command line.

The rules, in rank order (the first hint is the one the cashier's member panel shows):

1. ``points_expiring`` — points whose last usable day is within ``EXPIRY_NOTICE_DAYS``: how many and when,
   with the nearest reward they could still buy ("320 points expire on 31/12 — 80 points to Voucher 50.000 ₫").
2. ``reward_ready`` — the balance pays for a reward now: the dearest one it pays for.
3. ``win_back`` — a lapsed member (segment at risk, can't lose them, hibernating or lost, or P(alive) below
   ``LAPSED_P_ALIVE``) is at the counter: welcome them back, with the days since their last visit.
4. ``reward_close`` — a reward is within ``REWARD_REACH`` of its price in points.
5. ``tier_close`` — the next tier is within ``TIER_REACH`` of its qualifying spend.
6. ``birthday`` — the member's birthday is this month.
7. ``referral`` — a champion: ask them to bring a friend, with the referral bonus.
8. ``ask_consent`` — the member was never asked about personalised offers: ask.

Facts about the member's own account (1, 2, 4, 5) and the consent question (8) are *service* hints, shown
for everyone. Hints that use the member's profile (3, 6, 7) are *personalised*: only for members who consented
to personalisation. Hints 3 and 7 rest on predictions; they need at least ``MIN_VISITS`` visits over
``MIN_HISTORY_DAYS`` days, so a new member gets none.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from loyalty.analytics.segments import Segment
from loyalty.errors import InvalidInput

EXPIRY_NOTICE_DAYS = 30
REWARD_REACH = 0.25  # missing points at most this share of the reward's price
TIER_REACH = 0.20  # missing spend at most this share of the next tier's qualifying spend
LAPSED_P_ALIVE = 0.5
MIN_VISITS = 3
MIN_HISTORY_DAYS = 56
LAPSED_SEGMENTS = frozenset({Segment.AT_RISK, Segment.CANT_LOSE_THEM, Segment.HIBERNATING, Segment.LOST})


class HintKind(StrEnum):
    POINTS_EXPIRING = "points_expiring"
    REWARD_READY = "reward_ready"
    WIN_BACK = "win_back"
    REWARD_CLOSE = "reward_close"
    TIER_CLOSE = "tier_close"
    BIRTHDAY = "birthday"
    REFERRAL = "referral"
    ASK_CONSENT = "ask_consent"


RANK: dict[HintKind, int] = {kind: i + 1 for i, kind in enumerate(HintKind)}
PERSONALISED = frozenset({HintKind.WIN_BACK, HintKind.BIRTHDAY, HintKind.REFERRAL})
PREDICTIVE = frozenset({HintKind.WIN_BACK, HintKind.REFERRAL})


@dataclass(frozen=True, slots=True)
class RewardOption:
    code: str
    name: str
    points: int


@dataclass(frozen=True, slots=True)
class TierStep:
    """The member's next tier: its name, its qualifying spend and what is still missing (minor units)."""

    name: str
    qualifying_spend: int
    missing: int


@dataclass(frozen=True, slots=True)
class HintInput:
    """Everything the rules read about one member, on one day."""

    today: date
    balance: int
    lots: Sequence[tuple[int, date | None]]  # (remaining points, last usable day or None)
    rewards: Sequence[RewardOption]
    minimum_points: int = 0
    next_tier: TierStep | None = None
    personalisation: bool | None = None  # consent: True granted, False declined, None never asked
    birthday: date | None = None
    visits: int = 0
    first_visit: date | None = None
    last_visit: date | None = None
    segment: Segment | None = None
    p_alive: float | None = None
    referral_points: int = 0


@dataclass(frozen=True, slots=True)
class Hint:
    kind: HintKind
    points: int | None = None  # points concerned: expiring, the balance, missing for a reward
    on: date | None = None  # the day: last usable day of expiring points, the birthday
    reward: str | None = None  # the reward's name
    reward_points: int | None = None
    missing_points: int | None = None
    amount: int | None = None  # money (minor units): spend missing for the next tier
    tier: str | None = None
    days: int | None = None  # days since the last visit
    visits: int | None = None
    p_alive: float | None = None

    @property
    def rank(self) -> int:
        return RANK[self.kind]

    @property
    def personalised(self) -> bool:
        return self.kind in PERSONALISED

    @property
    def template(self) -> str:
        """The English template (and translation key) for this hint's numbers."""
        if self.kind is HintKind.POINTS_EXPIRING:
            if self.reward is None:
                return TEMPLATES["points_expiring"]
            if self.missing_points:
                return TEMPLATES["points_expiring_reward_close"]
            return TEMPLATES["points_expiring_reward_ready"]
        if self.kind is HintKind.WIN_BACK and self.p_alive is not None:
            return TEMPLATES["win_back_p_alive"]
        return TEMPLATES[self.kind.value]

    def params(self) -> dict[str, object]:
        """The template's values, unformatted (ints, dates, text): the window formats them in its locale."""
        return {
            "points": self.points,
            "date": self.on,
            "reward": self.reward,
            "reward_points": self.reward_points,
            "missing": self.missing_points,
            "amount": self.amount,
            "tier": self.tier,
            "days": self.days,
            "visits": self.visits,
            "percent": None if self.p_alive is None else round(self.p_alive * 100),
        }


TEMPLATES: dict[str, str] = {
    "points_expiring": "{points} points expire on {date}.",
    "points_expiring_reward_close": "{points} points expire on {date} — {missing} points to {reward}.",
    "points_expiring_reward_ready": "{points} points expire on {date} — enough for {reward} now.",
    "reward_ready": "{points} points: enough for {reward} ({reward_points} points) now.",
    "win_back": "Welcome back: last visit {days} days ago, {visits} visits before.",
    "win_back_p_alive": "Welcome back: last visit {days} days ago; {percent}% likely to keep coming.",
    "reward_close": "{missing} points to {reward} ({reward_points} points).",
    "tier_close": "{amount} more spend reaches {tier}.",
    "birthday": "Birthday on {date}: wish them a happy birthday.",
    "referral": "A regular ({visits} visits): ask them to bring a friend — {points} points each.",
    "ask_consent": "No answer on personalised offers yet: ask whether they want them.",
}
"""Every English template a hint can show (the window lists them for translation)."""


def _expiring(data: HintInput) -> tuple[int, date] | None:
    """Points on the soonest last usable day within the notice period (today included)."""
    horizon = data.today + timedelta(days=EXPIRY_NOTICE_DAYS)
    days = sorted(
        {d for points, d in data.lots if points > 0 and d is not None and data.today <= d <= horizon}
    )
    if not days:
        return None
    first = days[0]
    return sum(points for points, d in data.lots if d == first and points > 0), first


def _affordable(data: HintInput, points: int) -> RewardOption | None:
    if points < data.minimum_points:
        return None
    best = [r for r in data.rewards if r.points <= points]
    return max(best, key=lambda r: (r.points, r.code)) if best else None


def _nearest(data: HintInput, points: int) -> RewardOption | None:
    above = [r for r in data.rewards if r.points > points]
    return min(above, key=lambda r: (r.points, r.code)) if above else None


def _enough_history(data: HintInput) -> bool:
    return (
        data.visits >= MIN_VISITS
        and data.first_visit is not None
        and (data.today - data.first_visit).days >= MIN_HISTORY_DAYS
    )


def _birthday_this_year(birthday: date, year: int) -> date:
    try:
        return birthday.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28)


def hints(data: HintInput) -> list[Hint]:
    """The member's hints, best first (see the module's rules)."""
    if data.visits < 0:
        raise InvalidInput(what="Visits", why="a count of visits cannot be negative")
    found: list[Hint] = []
    balance = max(0, data.balance)  # a member who owes points (an overdraft) can spend nothing
    ready = _affordable(data, balance)
    nearest = _nearest(data, balance)
    expiring = _expiring(data)
    mentioned = False
    if expiring is not None:
        points, day = expiring
        if ready is not None:
            found.append(
                Hint(HintKind.POINTS_EXPIRING, points=points, on=day, reward=ready.name, missing_points=0)
            )
            mentioned = True
        elif nearest is not None:
            missing = nearest.points - balance
            found.append(
                Hint(
                    HintKind.POINTS_EXPIRING,
                    points=points,
                    on=day,
                    reward=nearest.name,
                    missing_points=missing,
                )
            )
            mentioned = True
        else:
            found.append(Hint(HintKind.POINTS_EXPIRING, points=points, on=day))
    if ready is not None and not mentioned:
        found.append(
            Hint(HintKind.REWARD_READY, points=balance, reward=ready.name, reward_points=ready.points)
        )
    personal = data.personalisation is True
    history = _enough_history(data)
    lapsed = data.segment in LAPSED_SEGMENTS or (data.p_alive is not None and data.p_alive < LAPSED_P_ALIVE)
    if personal and history and lapsed and data.last_visit is not None:
        found.append(
            Hint(
                HintKind.WIN_BACK,
                days=(data.today - data.last_visit).days,
                visits=data.visits,
                p_alive=None if data.p_alive is None or math.isnan(data.p_alive) else data.p_alive,
            )
        )
    if ready is None and not mentioned and nearest is not None:
        missing = nearest.points - balance
        if missing <= REWARD_REACH * nearest.points:
            found.append(
                Hint(
                    HintKind.REWARD_CLOSE,
                    points=balance,
                    reward=nearest.name,
                    reward_points=nearest.points,
                    missing_points=missing,
                )
            )
    step = data.next_tier
    if step is not None and 0 < step.missing <= TIER_REACH * step.qualifying_spend:
        found.append(Hint(HintKind.TIER_CLOSE, amount=step.missing, tier=step.name))
    if personal and data.birthday is not None and data.birthday.month == data.today.month:
        found.append(Hint(HintKind.BIRTHDAY, on=_birthday_this_year(data.birthday, data.today.year)))
    if personal and history and data.segment is Segment.CHAMPIONS and data.referral_points > 0:
        found.append(Hint(HintKind.REFERRAL, visits=data.visits, points=data.referral_points))
    if data.personalisation is None:
        found.append(Hint(HintKind.ASK_CONSENT))
    return sorted(found, key=lambda h: h.rank)


def best_hint(data: HintInput) -> Hint | None:
    """The one hint the cashier's member panel shows."""
    ranked = hints(data)
    return ranked[0] if ranked else None


def _group_thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def describe(
    hint: Hint,
    *,
    money: Callable[[int], str] = lambda amount: _group_thousands(amount) + " ₫",
    day: Callable[[date], str] = lambda d: f"{d.day:02d}/{d.month:02d}",
) -> str:
    """The hint in English, numbers formatted by ``money`` and ``day`` (defaults: '50.000 ₫', '31/12')."""
    values: dict[str, object] = {}
    for key, value in hint.params().items():
        if value is None:
            values[key] = ""
        elif key == "amount" and isinstance(value, int):
            values[key] = money(value)
        elif isinstance(value, date):
            values[key] = day(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            values[key] = _group_thousands(value)
        else:
            values[key] = value
    return hint.template.format(**values)
