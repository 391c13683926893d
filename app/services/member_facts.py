"""One member's facts for the insights and the cashier's hint, without NumPy or SciPy.

The member 360's insight and the counter's hint read the same things of one member: their sales net of
refunds (a merged member's included), their points movements, balance, lots, tier step, birthday and consent.
From the sales comes the member's summary (``MemberSummary``); what the day's models say of that summary (RFM
cell, segment, predicted value) is asked of a ``Scorer``:

* on the desk and in the command line, the insights service scores in its own process (``InsightsService``);
* at the counter, a separate, low-priority process holds the models (``app.services.model_process``), so the
  till's own process never loads NumPy and SciPy, never holds the fit's hundreds of megabytes and never
  waits behind the day's refit: without an answer in time, the hint goes on the member's own facts.

``CounterHints`` is the cashier's side: the facts from a read session of its own (not the till's one
database worker: a hint is advice and must never hold up a sale), scored by the model process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.services.accounts import load_account, load_member, member_view, surviving_member_id
from app.services.context import Actor, Permission
from app.services.core import Core
from app.store import models as m
from app.store.types import parse_utc
from loyalty.analytics.hints import Hint, HintInput, HintKind, RewardOption, TierStep, hints
from loyalty.analytics.history import HistoricValue, PointsMovement, historic_value
from loyalty.analytics.segments import Segment
from loyalty.errors import Detail, InvalidInput, NotFound
from loyalty.program import Program

UNIT_DAYS = 7
"""The models' time unit: weeks."""
HORIZON_DAYS = 90
"""Expected purchases are given for the next 90 days."""
PERSONALISATION = "personalisation"

# Merged members and whom they were merged into. "!= 'active'" lets SQLite use the partial index of members who
# are not active: the merged are a handful, and every cashier's hint asks (a scan of a million members took a
# second on the till's one database worker).
MERGED_MEMBERS = (
    "SELECT s.rowid, t.rowid FROM members s JOIN members t ON t.id = s.merged_into_id "
    "WHERE s.status = 'merged' AND s.status != 'active'"
)


# -- what is said of a member ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Prediction:
    p_alive: float
    expected_purchases: float  # in the next ``horizon_days``
    expected_spend: float | None  # per purchase, minor units; None without a spend model
    clv: float | None  # discounted, over the next months, minor units
    horizon_days: int = HORIZON_DAYS


@dataclass(frozen=True, slots=True)
class MemberSummary:
    """One member's purchase history as the models read it (days are the store's local day numbers)."""

    x: float  # repeat purchase days
    tx: float  # weeks from the first purchase day to the last
    age: float  # weeks from the first purchase day to the day asked about (T)
    money: float  # mean amount of the repeat purchase days, minor units (0 without one)
    last_day: int
    purchase_days: int
    total: float  # everything bought, net of refunds, minor units


@dataclass(frozen=True, slots=True)
class MemberScore:
    """What the day's models say of one member's summary."""

    cell: tuple[int, int, int]  # R, F, M
    segment: Segment
    prediction: Prediction | None  # None without a fitted purchase model


Scorer = Callable[[MemberSummary, date], MemberScore | None]
"""The day's models applied to a member's summary as of a day; None when there are none (yet)."""


class Models(Protocol):
    """Where the day's models are: this process (``InsightsService``) or one beside it (``ModelProcess``)."""

    def score(self, summary: MemberSummary, as_of: date) -> MemberScore | None:
        """What the models of ``as_of`` say of the member, at once; None while there are none yet."""
        ...

    def warm_up(self, as_of: date) -> None:
        """Have the models of ``as_of`` fitted, without waiting for it."""
        ...

    def close(self) -> None:
        """Let go of what holds the models (a process beside the till)."""
        ...


@dataclass(frozen=True, slots=True)
class MemberInsight:
    member_id: str
    as_of: date
    history: HistoricValue
    scores: tuple[int, int, int] | None  # R, F, M; None before a first sale
    segment: Segment | None
    prediction: Prediction | None  # None before a first sale or without a fitted model
    hints: tuple[Hint, ...]


# -- reading one member ----------------------------------------------------------------------------------
def today(core: Core, program: Program) -> date:
    """The store's local day now (the program's time zone)."""
    return core.now().astimezone(program.zone).date()


def current_day(core: Core) -> date:
    """The store's local day now, in the active program's zone."""
    with core.read() as session:
        return today(core, core.program(session))


def day_of(stamp: str, program: Program) -> int:
    """The store's local day number (``date.toordinal``) of a stored UTC time."""
    return parse_utc(stamp).astimezone(program.zone).date().toordinal()


def survivors(session: Session) -> dict[int, int]:
    """rowid of every merged member -> rowid of the member it finally leads to."""
    rows = session.execute(text(MERGED_MEMBERS)).all()
    step = {int(a): int(b) for a, b in rows}
    resolved: dict[int, int] = {}
    for start, target in step.items():
        seen = {start}
        end = target
        while end in step and end not in seen:  # a chain of merges leads to its last survivor
            seen.add(end)
            end = step[end]
        resolved[start] = end
    return resolved


def _rowids(rowids: list[int]) -> str:
    return ", ".join(str(int(r)) for r in rowids)


def member_sales(session: Session, program: Program, rowids: list[int]) -> list[tuple[int, int]]:
    """(local day, amount net of refunds) of every sale of these members (rowids); refunded in full: out."""
    rows = session.execute(
        text(
            "SELECT e.created_at, e.amount_minor + COALESCE((SELECT SUM(r.amount_minor) FROM ledger_entries r "
            "  WHERE r.reverses_id = e.id AND r.kind = 'reverse' AND r.amount_minor IS NOT NULL), 0) "
            "FROM ledger_entries e JOIN members m ON m.id = e.member_id "
            f"WHERE m.rowid IN ({_rowids(rowids)}) "
            "AND e.kind = 'earn' AND e.amount_minor IS NOT NULL"
        )
    ).all()
    return [(day_of(str(stamp), program), int(amount)) for stamp, amount in rows if amount and amount > 0]


def member_points(session: Session, rowids: list[int]) -> list[PointsMovement]:
    rows = session.execute(
        text(
            "SELECT e.kind, e.points, (e.kind = 'reverse' AND e.points > 0 AND EXISTS (SELECT 1 FROM "
            "  ledger_entries x WHERE x.id = e.reverses_id AND x.kind = 'redeem')) "
            "FROM ledger_entries e JOIN members m ON m.id = e.member_id "
            f"WHERE m.rowid IN ({_rowids(rowids)})"
        )
    ).all()
    return [PointsMovement(str(kind), int(points), bool(restores)) for kind, points, restores in rows]


def consent(session: Session, member_id: str, purpose: str) -> bool | None:
    """The member's newest answer for ``purpose``; None when never asked."""
    granted = session.scalar(
        select(m.Consent.granted)
        .where(m.Consent.member_id == member_id, m.Consent.purpose == purpose)
        .order_by(m.Consent.recorded_at.desc(), m.Consent.id.desc())
        .limit(1)
    )
    return None if granted is None else bool(granted)


def member_summary(sales: list[tuple[int, int]], as_of: date) -> MemberSummary | None:
    """The summary of one member's sales up to ``as_of``; None before a first purchase."""
    end = as_of.toordinal()
    per_day: dict[int, int] = {}
    for day, amount in sales:
        if day <= end:
            per_day[day] = per_day.get(day, 0) + amount
    if not per_day:
        return None
    days = sorted(per_day)
    repeat = [per_day[d] for d in days[1:]]
    x = len(days) - 1
    return MemberSummary(
        x=float(x),
        tx=(days[-1] - days[0]) / UNIT_DAYS,
        age=(end - days[0]) / UNIT_DAYS,
        money=sum(repeat) / x if x else 0.0,
        last_day=days[-1],
        purchase_days=len(days),
        total=float(sum(per_day.values())),
    )


def member_insight(
    core: Core, session: Session, program: Program, as_of: date, member_id: str, score: Scorer
) -> MemberInsight:
    """Historic value, what ``score`` says of the member, and the ranked hints, as of the local day ``as_of``."""
    member_id = surviving_member_id(session, member_id)
    member = load_member(session, member_id)
    rowid = int(session.scalar(text("SELECT rowid FROM members WHERE id = :id"), {"id": member_id}))
    rowids = [rowid, *(r for r, s in survivors(session).items() if s == rowid)]
    sales = member_sales(session, program, rowids)
    zone = program.zone
    history = historic_value(
        ((date.fromordinal(d), a) for d, a in sales),
        member_points(session, rowids),
        as_of,
        enrolled_on=None if member.created_at is None else member.created_at.astimezone(zone).date(),
    )
    summary = member_summary(sales, as_of)
    scored = None if summary is None else score(summary, as_of)
    account = load_account(session, member)
    view = member_view(session, program, member, core.now(), account=account)
    lots = [
        (
            lot.remaining,
            None
            if lot.expires_at is None
            else (lot.expires_at - timedelta(seconds=1)).astimezone(zone).date(),
        )
        for lot in account.lots.values()
    ]
    next_tier = None
    if view.tier is not None and view.tier.next_code is not None:
        target = program.tier(view.tier.next_code)
        if target is not None:
            next_tier = TierStep(target.name, target.qualifying_spend, view.tier.spend_to_next)
    prediction = None if scored is None else scored.prediction
    data = HintInput(
        today=as_of,
        balance=view.balance,
        lots=lots,
        rewards=tuple(RewardOption(r.code, r.name, r.points) for r in program.rewards),
        minimum_points=program.redemption.minimum_points,
        next_tier=next_tier,
        personalisation=consent(session, member_id, PERSONALISATION),
        birthday=member.birthday,
        visits=history.visits,
        first_visit=history.first_visit,
        last_visit=history.last_visit,
        segment=None if scored is None else scored.segment,
        p_alive=None if prediction is None else prediction.p_alive,
        referral_points=program.referral.referrer_points,
    )
    return MemberInsight(
        member_id,
        as_of,
        history,
        None if scored is None else scored.cell,
        None if scored is None else scored.segment,
        prediction,
        tuple(hints(data)),
    )


def read_member_insight(core: Core, member_id: str, score: Scorer) -> MemberInsight:
    """``member_insight`` as of today, in a read of its own."""
    with core.read() as session:
        program = core.program(session)
        return member_insight(core, session, program, today(core, program), member_id, score)


def record_hint(core: Core, actor: Actor, member_id: str, hint_kind: str, used: bool) -> None:
    """Record that the cashier used (``used``) or dismissed a hint shown for the member."""
    actor.require(Permission.SELL)
    try:
        kind = HintKind(hint_kind)
    except ValueError:
        raise InvalidInput(
            what="Hint", why=Detail("{kind} is not a kind of hint", kind=repr(hint_kind))
        ) from None
    if not isinstance(used, bool):
        raise InvalidInput(what="Hint", why="say whether it was used (yes or no)")
    with core.write() as session:
        if session.get(m.Member, member_id) is None:
            raise NotFound(what="member", ref=member_id)
        session.add(
            m.HintUse(
                member_id=member_id,
                hint_kind=kind.value,
                used=used,
                staff_id=actor.staff_id,
                recorded_at=core.now(),
            )
        )


# -- the cashier's side ----------------------------------------------------------------------------------
class CounterHints:
    """The cashier's hints: the member's facts read here, scored by ``models`` (the model process)."""

    def __init__(self, core: Core, models: Models) -> None:
        self.core = core
        self.models = models

    def warm_up(self) -> None:
        """Have today's models fitted before the first member is tapped."""
        self.models.warm_up(current_day(self.core))

    def member(self, member_id: str) -> MemberInsight:
        return read_member_insight(self.core, member_id, self.models.score)

    def hints(self, member_id: str) -> tuple[Hint, ...]:
        return self.member(member_id).hints

    def best_hint(self, member_id: str) -> Hint | None:
        ranked = self.hints(member_id)
        return ranked[0] if ranked else None

    def record_hint(self, actor: Actor, member_id: str, hint_kind: str, used: bool) -> None:
        record_hint(self.core, actor, member_id, hint_kind, used)
