"""Manager insights from the till's store: the data the pure analytics (``loyalty.analytics``) read, and what
they say — store metrics, a member's historic and predicted value, segment and next best action — plus the
record of what cashiers do with the hints.

What is read, and how:

* **sales** — every ``earn`` entry with an amount is one sale; refunds (``reverse`` entries with a negative
  amount that name the sale) are netted into it, and a sale refunded in full is dropped. A merged member's
  sales count for the member they were merged into. Days are the store's local days (the program's time zone);
* **the model fit** — BG/NBD and Gamma-Gamma on every buyer's summary in weeks, fitted once a day (the first
  call of the day) and kept with the RFM quintile edges and segment book; sales recorded later the same day
  update the segment book one by one (``RfmBook.add_sale``), refunds wait for the next day's refit;
* **points** — open lots by their last usable day (liability), entries per month and kind (issued vs redeemed),
  enrolments per day, consents (the newest answer per purpose wins).

Everything here reads; ``record_hint`` is the one write. No Qt: the window calls these through its op runner.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.services.context import Actor
from app.services.core import Core
from app.services.insight_figures import HintUsage, ModelFit, StoreMetrics
from app.services.member_facts import (
    HORIZON_DAYS,
    UNIT_DAYS,
    MemberInsight,
    MemberScore,
    MemberSummary,
    Prediction,
    day_of,
    member_insight,
    record_hint,
    survivors,
)
from app.services.member_facts import today as local_today
from app.store import models as m
from app.store.types import parse_utc
from loyalty.analytics import clv, metrics
from loyalty.analytics.hints import Hint
from loyalty.analytics.metrics import Liability, PointsFlow
from loyalty.analytics.params import CannotFit
from loyalty.analytics.rfm import RfmBook, RfmEdges
from loyalty.analytics.segments import cell_of, segment_of
from loyalty.analytics.summary import summarize_arrays
from loyalty.errors import LoyaltyError
from loyalty.program import Program

log = logging.getLogger(__name__)

CLV_MONTHS = 12
MONTH_DAYS = 30
MONTHLY_DISCOUNT = 0.01
ENROLMENT_DAYS = 30
NORTH_STAR_WEEKS = 13
_CHUNK = 100_000  # sales read per step
_ORDINAL_OF_JULIAN_DAY = 1721424.5  # julianday('0001-01-01') is 1721425.5 and date(1, 1, 1).toordinal() is 1

IntArray = NDArray[np.int64]


# -- the day's snapshot ----------------------------------------------------------------------------------
@dataclass
class _Snapshot:
    as_of: date
    high_water: int  # the ledger's largest rowid when the book was last brought up to date
    fit: ModelFit
    edges: RfmEdges
    book: RfmBook
    survivors: dict[int, int] = field(default_factory=dict)  # merged member rowid -> surviving rowid
    sales: _Sales | None = None  # every sale read so far, refunds and merges applied: the dashboard's input


@dataclass(frozen=True, slots=True)
class _Sales:
    member: IntArray  # members.rowid of the (surviving) member
    day: IntArray  # local day, date.toordinal()
    amount: NDArray[np.float64]  # net of refunds, minor units
    entry: IntArray  # ledger_entries.rowid of the sale

    def live(self) -> _Sales:
        """The sales not refunded in full (a refund after the read can bring one to nothing)."""
        keep = self.amount > 0
        if bool(keep.all()):
            return self
        return _Sales(self.member[keep], self.day[keep], self.amount[keep], self.entry[keep])


def _joined(old: _Sales, new: _Sales) -> _Sales:
    return _Sales(
        np.concatenate([old.member, new.member]),
        np.concatenate([old.day, new.day]),
        np.concatenate([old.amount, new.amount]),
        np.concatenate([old.entry, new.entry]),
    )


def _by_member_and_day(sales: _Sales) -> _Sales:
    """The sales sorted by member, then day: the summary, the cohorts and the North Star each find them in
    that order and skip a sort of their own (three sorts of every sale became one)."""
    if sales.member.size < 2:
        return sales
    order = np.lexsort((sales.day, sales.member))
    return _Sales(sales.member[order], sales.day[order], sales.amount[order], sales.entry[order])


def _follow_merges(sales: _Sales, survivors: dict[int, int]) -> None:
    """Move the sales of members merged since the read to whom they were merged into (in place)."""
    merged = np.fromiter(survivors, dtype=np.int64)
    moved = np.isin(sales.member, merged)
    if bool(moved.any()):
        sales.member[moved] = [survivors[int(w)] for w in sales.member[moved]]


@dataclass
class _FlowBook:
    """Points moved, summed by (the stored time cut to ``width`` characters, kind, positive, restores a
    redemption), over the ledger up to rowid ``high_water``. Entries are never changed once written, so the
    next read adds only the entries written since."""

    width: int
    high_water: int = 0
    sums: dict[tuple[str, str, bool, bool], int] = field(default_factory=dict)


def _fixed_offset_minutes(zone: ZoneInfo, year: int) -> int | None:
    """The zone's UTC offset in minutes when it is the same all year (no daylight saving), else None."""
    offsets = {
        datetime(year, month, 1, 12, tzinfo=UTC).astimezone(zone).utcoffset() for month in (1, 4, 7, 10)
    }
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    return None if offset is None else int(offset.total_seconds() // 60)


def _stamp_width(zone: ZoneInfo, year: int) -> int:
    """How much of a stored UTC time (ISO 8601) decides its local day in ``zone``: the hour (13 characters)
    when every offset the zone had from 2000 to ``year`` is whole hours, ten minutes (15) when whole tens of
    minutes, else the minute (16)."""
    offsets = {
        int(
            (
                datetime(y, month, 15, 12, tzinfo=UTC).astimezone(zone).utcoffset() or timedelta()
            ).total_seconds()
        )
        for y in range(2000, year + 2)
        for month in range(1, 13)
    }
    if all(o % 3600 == 0 for o in offsets):
        return 13
    if all(o % 600 == 0 for o in offsets):
        return 15
    return 16


def _local_day_of_stamp(stamp: str, zone: ZoneInfo) -> date:
    """The local day of a stored UTC time cut to its hour, ten minutes or minute."""
    padded = stamp + {13: ":00", 15: "0", 16: ""}[len(stamp)]
    return datetime.fromisoformat(padded).replace(tzinfo=UTC).astimezone(zone).date()


class InsightsService:
    def __init__(self, core: Core) -> None:
        self.core = core
        self._snapshot: _Snapshot | None = None
        self._flow: _FlowBook | None = None
        self._flow_lock = threading.Lock()
        # The day's refit reads every sale and fits both models: seconds on a large store. It runs under this
        # lock; the cashier's hint never waits for it (``hints``): it takes the snapshot there is, or none,
        # and asks for the refit on a thread of its own, off the till's one database worker.
        self._refit = threading.RLock()
        self._background: threading.Thread | None = None

    # -- time --------------------------------------------------------------------------------------------
    def _zone(self, program: Program) -> ZoneInfo:
        return program.zone

    def today(self, program: Program) -> date:
        return local_today(self.core, program)

    def _local_day_sql(self, column: str, program: Program, year: int) -> str | None:
        """SQL for the local day number of a UTC text column (fixed-offset zones only)."""
        minutes = _fixed_offset_minutes(self._zone(program), year)
        if minutes is None:
            return None
        return (
            f"CAST(julianday(date({column}, '{minutes:+d} minutes')) - {_ORDINAL_OF_JULIAN_DAY} AS INTEGER)"
        )

    def _day_of(self, stamp: str, program: Program) -> int:
        return day_of(stamp, program)

    # -- sales -------------------------------------------------------------------------------------------
    def _survivors(self, session: Session) -> dict[int, int]:
        return survivors(session)

    def _sales(
        self,
        session: Session,
        program: Program,
        as_of: date,
        *,
        after_rowid: int = 0,
        survivors: dict[int, int] | None = None,
    ) -> _Sales:
        """Every sale net of its refunds (refunded in full: left out), as arrays, read in chunks so that a
        store's ten million entries never become ten million Python rows at once.

        With ``after_rowid`` (the sales since the snapshot, asked on the till's database worker between two
        sales), each new sale's refunds are looked up through the index of what entries reverse, not
        aggregated over the whole ledger, and ``survivors`` (the snapshot's merges) spares a scan of the
        members: the look-up stays milliseconds on a store of ten million entries."""
        day_sql = self._local_day_sql("e.created_at", program, as_of.year)
        day_column = day_sql if day_sql is not None else "e.created_at"
        if after_rowid:
            refunded = (
                "COALESCE((SELECT SUM(r.amount_minor) FROM ledger_entries r WHERE r.reverses_id = e.id "
                "AND r.kind = 'reverse' AND r.amount_minor IS NOT NULL), 0)"
            )
            joined = ""
        else:
            refunded = "COALESCE(r.refunded, 0)"
            joined = (
                "LEFT JOIN (SELECT reverses_id, SUM(amount_minor) AS refunded FROM ledger_entries "
                "  WHERE kind = 'reverse' AND amount_minor IS NOT NULL AND reverses_id IS NOT NULL "
                "  GROUP BY reverses_id) r ON r.reverses_id = e.id "
            )
        result = session.execute(
            text(
                f"SELECT m.rowid, {day_column}, e.amount_minor + {refunded}, e.rowid "
                "FROM ledger_entries e JOIN members m ON m.id = e.member_id "
                f"{joined}"
                "WHERE e.kind = 'earn' AND e.amount_minor IS NOT NULL AND e.rowid > :after"
            ),
            {"after": after_rowid},
        )
        chunks: list[NDArray[np.int64]] = []
        for part in result.partitions(_CHUNK):
            rows = (
                [tuple(row) for row in part]
                if day_sql is not None
                else [(who, self._day_of(str(day), program), amount, row) for who, day, amount, row in part]
            )
            chunk = np.asarray(rows, dtype=np.int64).reshape(-1, 4)
            chunks.append(chunk[chunk[:, 2] > 0])
        table = np.concatenate(chunks) if chunks else np.zeros((0, 4), dtype=np.int64)
        if table.shape[0] > 1 and not bool((np.diff(table[:, 3]) > 0).all()):
            table = table[np.argsort(table[:, 3], kind="stable")]  # in ledger order: refunds find their sale
        member = np.ascontiguousarray(table[:, 0])
        if survivors is None:
            survivors = self._survivors(session)
        if survivors:  # a merged member's sales count for the member they were merged into
            merged = np.fromiter(survivors, dtype=np.int64)
            moved = np.isin(member, merged)
            member[moved] = [survivors[int(w)] for w in member[moved]]
        return _Sales(
            member,
            np.ascontiguousarray(table[:, 1]),
            table[:, 2].astype(np.float64),
            np.ascontiguousarray(table[:, 3]),
        )

    def _refund_read_sales(self, session: Session, sales: _Sales, read_up_to: int) -> None:
        """Net the refunds written after ``read_up_to`` into the sales read before it (in place)."""
        rows = session.execute(
            text(
                "SELECT e.rowid, SUM(r.amount_minor) FROM ledger_entries r "
                "JOIN ledger_entries e ON e.id = r.reverses_id "
                "WHERE r.rowid > :after AND r.kind = 'reverse' AND r.amount_minor IS NOT NULL "
                "AND e.rowid <= :after GROUP BY e.rowid"
            ),
            {"after": read_up_to},
        ).all()
        for sale, refunded in rows:
            at = int(np.searchsorted(sales.entry, int(sale)))
            if at < sales.entry.size and int(sales.entry[at]) == int(sale):
                sales.amount[at] += float(refunded)

    def transactions(self, as_of: date | None = None) -> Iterator[tuple[str, date, int]]:
        """Every sale up to ``as_of`` (default today) as ``(member id, local day, net amount)``: what
        ``loyalty.analytics.summary.summarize`` reads."""
        with self.core.read() as session:
            program = self.core.program(session)
            end = as_of or self.today(program)
            sales = self._sales(session, program, end)
            ids: dict[int, str] = {
                int(r): str(i) for r, i in session.execute(text("SELECT rowid, id FROM members"))
            }
        for who, day, amount in zip(
            sales.member.tolist(), sales.day.tolist(), sales.amount.tolist(), strict=True
        ):
            if day <= end.toordinal():
                yield ids[who], date.fromordinal(day), int(amount)

    # -- the day's model ---------------------------------------------------------------------------------
    def _high_water(self, session: Session) -> int:
        return int(session.execute(text("SELECT COALESCE(max(rowid), 0) FROM ledger_entries")).scalar_one())

    def _refresh(self, session: Session, program: Program, as_of: date) -> _Snapshot:
        """The day's snapshot: refitted on a new day, brought up to date sale by sale within the day."""
        with self._refit:
            return self._refresh_locked(session, program, as_of)

    def _current(self, session: Session, program: Program, as_of: date) -> _Snapshot | None:
        """The snapshot without waiting: today's brought up to date when nobody is refitting, else the last
        one there is (yesterday's figures are good enough for a hint), else None; a missing or old snapshot
        starts the refit in the background."""
        snap = self._snapshot
        if snap is not None and snap.as_of == as_of and self._refit.acquire(blocking=False):
            try:
                return self._refresh_locked(session, program, as_of)
            finally:
                self._refit.release()
        if snap is None or snap.as_of != as_of:
            self.warm_up(as_of)
        return snap

    def warm_up(self, as_of: date | None = None, *, figures: bool = False) -> None:
        """Refit the models of ``as_of`` (default today) on a background thread (once at a time), with its
        own read session; with ``figures``, then read the store's figures once too (the model process
        does, so that the dashboard's first opening only adds what was written since)."""
        running = self._background
        if running is not None and running.is_alive():
            return

        def refit() -> None:
            try:
                with self.core.read() as session:
                    program = self.core.program(session)
                    day = as_of or self.today(program)
                    self._refresh(session, program, day)
                if figures and day == self.today(program):
                    self.store_metrics()
            except Exception:  # advice, not a sale: logged, and the next hint asks again
                log.exception("the insights refit failed")

        self._background = threading.Thread(target=refit, name="insights-refit", daemon=True)
        self._background.start()

    def _refresh_locked(self, session: Session, program: Program, as_of: date) -> _Snapshot:
        high_water = self._high_water(session)
        snap = self._snapshot
        if snap is not None and snap.as_of == as_of:
            if high_water > snap.high_water:
                new = self._sales(
                    session, program, as_of, after_rowid=snap.high_water, survivors=snap.survivors
                )
                for who, day, amount in zip(
                    new.member.tolist(), new.day.tolist(), new.amount.tolist(), strict=True
                ):
                    if day <= as_of.toordinal():
                        snap.book.add_sale(who, day, amount)
                if snap.sales is not None:
                    self._refund_read_sales(session, snap.sales, snap.high_water)
                    snap.sales = _joined(snap.sales, new)
                merged = self._survivors(session)
                if merged != snap.survivors:
                    if snap.sales is not None:
                        _follow_merges(snap.sales, merged)
                    snap.survivors = merged
                snap.high_water = high_water
            return snap
        sales = self._sales(session, program, as_of)
        summary = summarize_arrays(sales.member, sales.day, sales.amount, as_of.toordinal(), UNIT_DAYS)
        fit = _fit(summary.frequency, summary.recency, summary.T, summary.monetary_value)
        purchase_days = summary.frequency + 1
        book = RfmBook.build(summary.customer.tolist(), summary.last_day, purchase_days, summary.total_amount)
        snap = _Snapshot(as_of, high_water, fit, book.edges, book, self._survivors(session), sales)
        self._snapshot = snap
        return snap

    def model_fit(self) -> ModelFit:
        with self.core.read() as session:
            program = self.core.program(session)
            return self._refresh(session, program, self.today(program)).fit

    # -- store metrics -----------------------------------------------------------------------------------
    def store_metrics(self, as_of: date | None = None) -> StoreMetrics:
        """The dashboard's figures as of ``as_of`` (default today, in the store's time zone)."""
        core = self.core
        with core.read() as session:
            program = core.program(session)
            today = self.today(program)
            end = as_of or today
            snap = self._refresh(session, program, today) if end == today else None
            # Today's figures from the sales the day's snapshot keeps up to date; a past day's read afresh.
            cached = None if snap is None else snap.sales
            sales = _by_member_and_day(
                cached.live() if cached is not None else self._sales(session, program, end)
            )
            summary = summarize_arrays(sales.member, sales.day, sales.amount, end.toordinal(), UNIT_DAYS)
            if snap is None:  # a past day: fitted afresh, not kept
                fit = _fit(summary.frequency, summary.recency, summary.T, summary.monetary_value)
                book = RfmBook.build(
                    summary.customer.tolist(), summary.last_day, summary.frequency + 1, summary.total_amount
                )
            else:
                fit, book = snap.fit, snap.book
            trend_start = end - timedelta(days=7 * (NORTH_STAR_WEEKS - 1))
            series = metrics.north_star_series(sales.member, sales.day, trend_start, end)
            trend = tuple(
                (trend_start + timedelta(days=7 * i), int(series[7 * i])) for i in range(NORTH_STAR_WEEKS)
            )
            flow = self._points_flow(session, program, end)
            members = session.scalar(
                select(func.count()).select_from(m.Member).where(m.Member.status == "active")
            )
            owed = session.scalar(select(func.coalesce(func.sum(m.Overdraft.remaining), 0))) or 0
            return StoreMetrics(
                as_of=end,
                members=int(members or 0),
                buyers=len(summary),
                active=metrics.active_members(summary.last_day, end),
                north_star=int(series[-1]),
                north_star_trend=trend,
                liability=self._liability(session, program, end),
                point_value=program.redemption.point_value,
                owed_points=int(owed),
                flow=flow,
                redemption_rate=metrics.redemption_rate(flow),
                enrolments=self._enrolments(session, program, end),
                cohorts=metrics.cohort_table(sales.member, sales.day, end),
                segments=book.sizes(),
                fit=fit,
                hint_usage=self._hint_usage(session),
            )

    def _liability(self, session: Session, program: Program, as_of: date) -> Liability:
        # Open points by the instant they expire, from the index of open lots by expiry alone (a handful of
        # distinct instants: a program's expiries fall on local midnights), then each instant's last usable
        # day: the local day of the instant just before it.
        rows = session.execute(
            text("SELECT expires_at, SUM(remaining) FROM lots WHERE remaining > 0 GROUP BY expires_at")
        ).all()
        lots: list[tuple[int, date | None]] = [(0, None)]
        for expires, points in rows:
            if expires is None:
                lots.append((int(points), None))
            else:
                last = parse_utc(str(expires)) - timedelta(seconds=1)
                lots.append((int(points), last.astimezone(program.zone).date()))
        return metrics.points_liability(lots, program.redemption.point_value, as_of)

    def _points_flow(self, session: Session, program: Program, as_of: date) -> tuple[PointsFlow, ...]:
        """Points issued, redeemed and expired by month, from the flow book: the entries written since the
        last read are summed and added (a store's ten million entries are read once, not at every refresh).
        Sums are kept per hour of the stored UTC time (per ten minutes or per minute in a zone whose offset is
        not whole hours), which falls on one local day."""
        zone = program.zone
        width = _stamp_width(zone, as_of.year)
        # The EXISTS reads the one entry named (its primary key): whether the reversal restores a redemption.
        restores = (
            "(e.kind = 'reverse' AND e.points > 0 AND EXISTS (SELECT 1 FROM ledger_entries x "
            "WHERE x.id = e.reverses_id AND x.kind = 'redeem'))"
        )
        with self._flow_lock:
            book = self._flow
            if book is None or book.width != width:
                book = self._flow = _FlowBook(width)
            high_water = self._high_water(session)
            if high_water > book.high_water:
                rows = session.execute(
                    text(
                        f"SELECT substr(e.created_at, 1, {width}) AS at, e.kind, e.points > 0 AS positive, "
                        f"{restores} AS restores, SUM(e.points) FROM ledger_entries e "
                        "WHERE e.rowid > :after AND e.rowid <= :upto GROUP BY at, e.kind, positive, restores"
                    ),
                    {"after": book.high_water, "upto": high_water},
                ).all()
                for at, kind, positive, restored, points in rows:
                    key = (str(at), str(kind), bool(positive), bool(restored))
                    book.sums[key] = book.sums.get(key, 0) + int(points)
                book.high_water = high_water
            sums = list(book.sums.items())
        days: dict[str, date] = {}
        entries: list[tuple[date, str, int, bool]] = []
        for (at, kind, _positive, restored), points in sums:
            day = days.get(at)
            if day is None:
                day = days[at] = _local_day_of_stamp(at, zone)
            if day <= as_of:
                entries.append((day, kind, points, restored))
        return metrics.points_flow(entries)

    def _enrolments(self, session: Session, program: Program, as_of: date) -> tuple[tuple[date, int], ...]:
        first = as_of - timedelta(days=ENROLMENT_DAYS - 1)
        since = datetime.combine(first - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
        stamps = session.scalars(select(m.Member.created_at).where(m.Member.created_at >= since)).all()
        zone = self._zone(program)
        return metrics.enrolments_per_day((s.astimezone(zone).date() for s in stamps), first, as_of)

    def _hint_usage(self, session: Session) -> tuple[HintUsage, ...]:
        rows = session.execute(
            select(m.HintUse.hint_kind, m.HintUse.used, func.count()).group_by(
                m.HintUse.hint_kind, m.HintUse.used
            )
        ).all()
        counts: dict[str, list[int]] = {}
        for kind, used, n in rows:
            counts.setdefault(kind, [0, 0])[0 if used else 1] += int(n)
        return tuple(HintUsage(kind, used, dismissed) for kind, (used, dismissed) in sorted(counts.items()))

    # -- one member --------------------------------------------------------------------------------------
    def member(self, member_id: str, *, wait: bool = True) -> MemberInsight:
        """The member 360's insights: historic value, predicted value, RFM segment and ranked hints.

        ``wait=False`` never waits for the day's refit: without a snapshot yet, the member's own facts stand
        alone (no segment, no prediction) while it runs."""
        core = self.core
        with core.read() as session:
            program = core.program(session)
            as_of = self.today(program)
            snap = self._refresh(session, program, as_of) if wait else self._current(session, program, as_of)

            def score(summary: MemberSummary, _as_of: date) -> MemberScore | None:
                return None if snap is None else score_member(snap.fit, snap.edges, summary)

            return member_insight(core, session, program, as_of, member_id, score)

    def scoring_models(self, as_of: date, *, wait: bool = False) -> tuple[ModelFit, RfmEdges] | None:
        """The models to score members as of ``as_of``. Without ``wait``: that day's when fitted, else the
        last ones there are (yesterday's are good enough for a hint) while that day's refit runs in the
        background, else None (what the model process answers the counter with). With ``wait``: that
        day's, fitted first if need be (the desk)."""
        if wait:
            with self.core.read() as session:
                fitted = self._refresh(session, self.core.program(session), as_of)
            return fitted.fit, fitted.edges
        snap = self._snapshot
        if snap is None or snap.as_of != as_of:
            self.warm_up(as_of)
        return None if snap is None else (snap.fit, snap.edges)

    def fit_as_of(self, as_of: date) -> ModelFit:
        """The models fitted as of ``as_of`` (fitted now if need be)."""
        with self.core.read() as session:
            return self._refresh(session, self.core.program(session), as_of).fit

    def score(self, summary: MemberSummary, as_of: date) -> MemberScore | None:
        """What the models of ``as_of`` say of a member, without waiting (``Models``, in this process)."""
        models = self.scoring_models(as_of)
        return None if models is None else score_member(models[0], models[1], summary)

    def close(self) -> None:
        """Nothing to let go of: the models live in this object (``Models``)."""

    def hints(self, member_id: str) -> tuple[Hint, ...]:
        """The hints at once: never behind the day's refit (see ``member(wait=False)``)."""
        return self.member(member_id, wait=False).hints

    def best_hint(self, member_id: str) -> Hint | None:
        ranked = self.hints(member_id)
        return ranked[0] if ranked else None

    def record_hint(self, actor: Actor, member_id: str, hint_kind: str, used: bool) -> None:
        """Record that the cashier used (``used``) or dismissed a hint shown for the member."""
        record_hint(self.core, actor, member_id, hint_kind, used)


# -- pure helpers ----------------------------------------------------------------------------------------
def _fit(
    frequency: IntArray,
    recency: NDArray[np.float64],
    age: NDArray[np.float64],
    monetary: NDArray[np.float64],
) -> ModelFit:
    errors: list[CannotFit] = []
    bgnbd = gamma_gamma = None
    try:
        bgnbd = clv.fit_bgnbd(frequency, recency, age)
    except CannotFit as err:
        errors.append(err)
    try:
        gamma_gamma = clv.fit_gamma_gamma(frequency, monetary)
    except CannotFit as err:
        errors.append(err)
    problems = tuple(err.message for err in errors)
    return ModelFit(bgnbd, gamma_gamma, problems, int(frequency.size), errors=tuple(errors))


def score_member(fit: ModelFit, edges: RfmEdges, summary: MemberSummary) -> MemberScore:
    """What the day's models say of one member."""
    cell = cell_of(edges, summary.last_day, summary.purchase_days, summary.total)
    prediction = _predict(fit, summary.x, summary.tx, summary.age, summary.money)
    return MemberScore(cell, segment_of(*cell), prediction)


def _predict(fit: ModelFit, x: float, tx: float, age: float, money: float) -> Prediction | None:
    if fit.bgnbd is None:
        return None
    try:
        scorer = clv.Scorer(fit.bgnbd, [x], [tx], [age])
        purchases = float(scorer.expected_purchases(HORIZON_DAYS / UNIT_DAYS)[0])
        spend = value = None
        if fit.gamma_gamma is not None:
            spend = float(clv.expected_spend(fit.gamma_gamma, [x], [money])[0])
            value = float(
                clv.discounted_clv(
                    fit.bgnbd,
                    fit.gamma_gamma,
                    [x],
                    [tx],
                    [age],
                    [money],
                    periods=CLV_MONTHS,
                    period_length=MONTH_DAYS / UNIT_DAYS,
                    discount_rate=MONTHLY_DISCOUNT,
                    scorer=scorer,
                )[0]
            )
    except LoyaltyError:
        return None
    p_alive = float(scorer.p_alive[0])
    if not all(math.isfinite(v) for v in (p_alive, purchases)):
        return None
    return Prediction(p_alive, purchases, spend, value)
