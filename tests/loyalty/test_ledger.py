"""Ledger maths: expiry dates and lots (worked examples), then a stateful property test of ``Account``."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from loyalty.errors import InsufficientPoints, InvalidInput
from loyalty.ledger import (
    Account,
    Lot,
    Overdraft,
    Posting,
    add_months,
    earliest_expiry,
    expiry_for,
)
from loyalty.program import Expiry
from tests.loyalty.helpers import VN, local, utc

HCM = ZoneInfo("Asia/Ho_Chi_Minh")

# -- expiry dates ---------------------------------------------------------------------------------------


def test_expiry_n_months_later() -> None:
    # earned 15 March 2026 10:00 in the store, 12 months → 15 March 2027 10:00 in the store
    earned = local(2026, 3, 15, 10)
    due = expiry_for(Expiry(months=12), earned, HCM)
    assert due == local(2027, 3, 15, 10)
    assert due is not None and due.tzinfo is UTC  # stored in UTC like the moment it came from


def test_expiry_end_of_month() -> None:
    # earned 15 March 2026, 12 months, end of month → the first instant of 1 April 2027 in the store
    # = 31 March 2027 17:00 UTC
    due = expiry_for(Expiry(months=12, end_of_month=True), local(2026, 3, 15, 10), HCM)
    assert due == datetime(2027, 4, 1, tzinfo=VN)
    assert due == utc(2027, 3, 31, 17)


def test_expiry_31_january_plus_one_month() -> None:
    # 31 Jan 2026 + 1 month = 28 Feb 2026 (not a leap year): the day is clamped to the month's end
    assert expiry_for(Expiry(months=1), local(2026, 1, 31, 9), HCM) == local(2026, 2, 28, 9)
    # 31 Jan 2028 + 1 month = 29 Feb 2028 (leap year)
    assert expiry_for(Expiry(months=1), local(2028, 1, 31, 9), HCM) == local(2028, 2, 29, 9)
    # with end of month: 31 Jan + 1 month → end of February → 1 March 00:00 in the store
    assert expiry_for(Expiry(months=1, end_of_month=True), local(2026, 1, 31, 9), HCM) == datetime(
        2026, 3, 1, tzinfo=VN
    )


def test_expiry_uses_the_stores_calendar() -> None:
    # 31 Jan 2026 20:00 UTC is already 1 Feb 03:00 in the store → + 1 month = 1 March 03:00 in the store
    assert expiry_for(Expiry(months=1), utc(2026, 1, 31, 20), HCM) == local(2026, 3, 1, 3)
    # end of month: earned in February (local) → end of March → 1 April 00:00 in the store
    assert expiry_for(Expiry(months=1, end_of_month=True), utc(2026, 1, 31, 20), HCM) == datetime(
        2026, 4, 1, tzinfo=VN
    )


def test_no_expiry() -> None:
    assert expiry_for(None, utc(2026, 1, 1), HCM) is None


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime(2026, 1, 31), 1, datetime(2026, 2, 28)),
        (datetime(2026, 3, 31), -1, datetime(2026, 2, 28)),
        (datetime(2028, 2, 29), 12, datetime(2029, 2, 28)),
        (datetime(2026, 12, 15), 1, datetime(2027, 1, 15)),
        (datetime(2026, 1, 15), -1, datetime(2025, 12, 15)),
        (datetime(2026, 5, 31), 24, datetime(2028, 5, 31)),
    ],
)
def test_add_months(start: datetime, months: int, expected: datetime) -> None:
    assert add_months(start, months) == expected


# -- lots: worked examples ------------------------------------------------------------------------------

T0 = utc(2026, 1, 1)


def days(n: int) -> datetime:
    return T0 + timedelta(days=n)


def test_credit_creates_a_lot() -> None:
    acc = Account()
    posting = acc.credit("e1", 100, T0, days(365))
    assert posting.points == 100
    assert posting.new_lot == Lot("e1", 100, 100, days(365), T0)
    assert acc.balance == 100
    assert acc.available(T0) == 100
    acc.check()


def test_debit_consumes_the_soonest_expiring_lots_first() -> None:
    acc = Account()
    acc.credit("late", 100, T0, days(300))
    acc.credit("never", 100, T0, None)
    acc.credit("soon", 100, T0, days(30))
    # 150 points: 100 from the lot expiring in 30 days, then 50 from the one expiring in 300; never-expiring last
    posting = acc.debit("d1", 150, days(1))
    assert [(c.lot_id, c.points) for c in posting.consumptions] == [("soon", 100), ("late", 50)]
    assert posting.lot_remaining == {"soon": 0, "late": 50}
    assert acc.balance == 150
    assert set(acc.lots) == {"late", "never"}
    acc.check()


def test_debit_never_consumes_an_expired_lot() -> None:
    acc = Account()
    acc.credit("old", 100, T0, days(30))
    acc.credit("new", 50, T0, days(90))
    # on day 31 the old lot is past its expiry even though no expire entry was written yet
    assert acc.available(days(31)) == 50
    with pytest.raises(InsufficientPoints) as err:
        acc.debit("d1", 60, days(31))
    assert err.value.message == "Not enough points: 60 asked, 50 available."
    posting = acc.debit("d2", 50, days(31))
    assert [c.lot_id for c in posting.consumptions] == ["new"]


def test_expiry_removes_only_what_is_left() -> None:
    acc = Account()
    acc.credit("a", 100, T0, days(30))
    acc.credit("b", 100, T0, days(60))
    acc.debit("d", 70, days(1))  # 70 of lot a spent, 30 left
    assert acc.expire("x0", days(29)) is None  # nothing due yet
    posting = acc.expire("x1", days(30))  # expiry is due at its instant
    assert posting is not None
    assert posting.points == -30
    assert [(c.lot_id, c.points) for c in posting.consumptions] == [("a", 30)]
    assert acc.balance == 100
    acc.check()


def test_overdraft_and_its_payoff() -> None:
    acc = Account()
    acc.credit("e1", 50, T0, days(365))
    # a return takes back 80 points after 50 were... there are only 50: 30 become an overdraft
    posting = acc.debit("r1", 80, days(1), allow_overdraft=True)
    assert posting.new_overdraft == Overdraft("r1", 30, 30, days(1))
    assert acc.balance == -30
    assert acc.available(days(1)) == 0
    acc.check()
    # the next 20 earned points pay part of the overdraft and create no spendable points
    p2 = acc.credit("e2", 20, days(2), days(400))
    assert [(p.overdraft_id, p.points) for p in p2.payoffs] == [("r1", 20)]
    assert p2.new_lot is not None and p2.new_lot.remaining == 0
    assert acc.available(days(2)) == 0
    assert acc.balance == -10
    # the next 25: 10 pay the rest, 15 are spendable
    p3 = acc.credit("e3", 25, days(3), days(400))
    assert [(p.overdraft_id, p.points) for p in p3.payoffs] == [("r1", 10)]
    assert acc.available(days(3)) == 15
    assert acc.balance == 15
    assert not acc.overdrafts
    acc.check()


def test_bad_point_counts() -> None:
    acc = Account()
    with pytest.raises(InvalidInput, match="a credit must add at least one point"):
        acc.credit("e", 0, T0, None)
    with pytest.raises(InvalidInput, match="a debit must take at least one point"):
        acc.debit("d", -5, T0)


def test_account_of_and_earliest_expiry() -> None:
    lots = [Lot("a", 10, 10, days(5), T0), Lot("b", 10, 0, days(1), T0), Lot("c", 10, 4, None, T0)]
    acc = Account.of(14, lots)
    assert set(acc.lots) == {"a", "c"}  # spent lots are not open
    acc.check()
    assert earliest_expiry(acc.lots.values()) == days(5)
    assert earliest_expiry([]) is None


def test_check_detects_a_wrong_cached_balance() -> None:
    acc = Account.of(15, [Lot("a", 10, 10, None, T0)])
    with pytest.raises(AssertionError, match="balance 15 != lots 10"):
        acc.check()


def test_overdraft_next_to_an_expired_lot_whose_expiry_is_not_written_yet() -> None:
    # found by the state machine: a return on day 31 when the only lot expired on day 30 but the expire
    # entry has not run yet. The 100 expired points cannot pay the return, so all 40 become an overdraft;
    # the stale lot stays open until the expiry entry removes it.
    acc = Account()
    acc.credit("old", 100, T0, days(30))
    acc.debit("r1", 40, days(31), allow_overdraft=True)
    assert acc.available(days(31)) == 0
    assert acc.owed() == 40
    assert acc.balance == 60  # 100 (expired, not yet written off) − 40 owed
    acc.check()
    posting = acc.expire("x1", days(31))
    assert posting is not None and posting.points == -100
    assert acc.balance == -40
    acc.check()


def test_check_detects_spendable_points_next_to_an_overdraft() -> None:
    acc = Account.of(
        -20 + 10, [Lot("a", 10, 10, days(90), T0)], [Overdraft("o", 20, 20, days(1))]
    )  # a lot still live when the overdraft was recorded
    with pytest.raises(AssertionError, match="spendable lots must not owe an overdraft"):
        acc.check()


# -- stateful property test -----------------------------------------------------------------------------

MAX_LOT = 400


def sort_key(lot: Lot) -> tuple[int, datetime]:
    return (1, lot.created_at) if lot.expires_at is None else (0, lot.expires_at)


class AccountMachine(RuleBasedStateMachine):
    """Random credits, debits (with and without overdraft) and expiries at advancing times."""

    def __init__(self) -> None:
        super().__init__()
        self.account = Account()
        self.now = T0
        self.seq = 0
        self.postings: list[Posting] = []
        self.lot_points: dict[str, int] = {}  # every lot ever created -> its points
        self.taken: dict[str, int] = {}  # lot id -> points consumed from it (debits, expiry) or paid off

    def next_id(self) -> str:
        self.seq += 1
        return f"e{self.seq:05d}"

    def record(self, posting: Posting) -> None:
        self.postings.append(posting)
        for c in posting.consumptions:
            self.taken[c.lot_id] += c.points

    @initialize(start=st.integers(0, 10_000))
    def start(self, start: int) -> None:
        self.now = T0 + timedelta(hours=start)

    @rule(hours=st.integers(0, 24 * 120))
    def advance(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule(points=st.integers(1, MAX_LOT), expires_in=st.none() | st.integers(1, 24 * 400))
    def credit(self, points: int, expires_in: int | None) -> None:
        expires_at = None if expires_in is None else self.now + timedelta(hours=expires_in)
        owed = self.account.owed()
        available = self.account.available(self.now)
        posting = self.account.credit(self.next_id(), points, self.now, expires_at)
        self.record(posting)
        assert posting.new_lot is not None
        paid = sum(p.points for p in posting.payoffs)
        # overdrafts are paid off first; only what is left becomes spendable
        assert paid == min(points, owed)
        assert posting.new_lot.remaining == points - paid
        assert self.account.owed() == owed - paid
        assert self.account.available(self.now) == available + points - paid
        self.lot_points[posting.new_lot.id] = points
        self.taken[posting.new_lot.id] = paid

    @rule(points=st.integers(1, 2 * MAX_LOT), allow_overdraft=st.booleans())
    def debit(self, points: int, allow_overdraft: bool) -> None:
        before = copy.deepcopy(self.account)
        available = before.available(self.now)
        live = {lot.id: lot for lot in before.lots.values() if lot.live_at(self.now)}
        if points > available and not allow_overdraft:
            with pytest.raises(InsufficientPoints):
                self.account.debit(self.next_id(), points, self.now)
            assert self.account == before  # a refused debit changes nothing
            return
        posting = self.account.debit(self.next_id(), points, self.now, allow_overdraft=allow_overdraft)
        self.record(posting)
        assert posting.points == -points
        consumed = {c.lot_id: c.points for c in posting.consumptions}
        # only live lots are consumed, never more than they hold
        assert set(consumed) <= set(live)
        assert all(0 < n <= live[lot_id].remaining for lot_id, n in consumed.items())
        shortfall = posting.new_overdraft.points if posting.new_overdraft else 0
        assert sum(consumed.values()) + shortfall == points
        assert shortfall == max(0, points - available)
        # soonest-expiring first: lots are taken in expiry order, all but the last one in full, and every
        # live lot left untouched expires no sooner than the last lot taken
        order = list(consumed)
        keys = [sort_key(live[i]) for i in order]
        assert keys == sorted(keys)
        assert all(consumed[i] == live[i].remaining for i in order[:-1])
        untouched = [lot for lot in live.values() if lot.id not in consumed]
        if order:
            assert all(sort_key(lot) >= keys[-1] for lot in untouched)
        # an overdraft only when every live point is used up
        if shortfall:
            assert not untouched and all(consumed[i] == live[i].remaining for i in order)

    @rule(hours=st.integers(0, 24 * 200))
    def expire(self, hours: int) -> None:
        self.now += timedelta(hours=hours)
        before = copy.deepcopy(self.account)
        due = {
            lot.id: lot.remaining
            for lot in before.lots.values()
            if lot.expires_at is not None and lot.expires_at <= self.now
        }
        posting = self.account.expire(self.next_id(), self.now)
        if posting is None:
            assert not due
            assert self.account == before
            return
        self.record(posting)
        # exactly what was left of the due lots, nothing that was spent
        assert {c.lot_id: c.points for c in posting.consumptions} == due
        assert posting.points == -sum(due.values())
        assert all(lot_id not in self.account.lots for lot_id in due)
        assert self.account.owed() == before.owed()

    @precondition(lambda self: bool(self.account.overdrafts))
    @invariant()
    def no_spendable_points_while_owing(self) -> None:
        assert self.account.available(self.now) == 0

    @invariant()
    def ledger_invariants(self) -> None:
        acc = self.account
        acc.check()
        # a balance is the sum of its entries
        assert acc.balance == sum(p.points for p in self.postings)
        for lot in acc.lots.values():
            assert 0 < lot.remaining <= lot.points
            # the open lot holds exactly what nothing has taken from it
            assert lot.remaining == self.lot_points[lot.id] - self.taken[lot.id]
        for lot_id, points in self.lot_points.items():
            assert 0 <= self.taken[lot_id] <= points
            if lot_id not in acc.lots:
                assert self.taken[lot_id] == points
        for od in acc.overdrafts.values():
            assert 0 < od.remaining <= od.points
        # the store persists postings as they are: replaying them, or reloading the open lots and
        # overdrafts, gives the same account
        replayed = Account()
        for posting in self.postings:
            replayed.apply(posting)
        assert replayed == acc
        assert Account.of(acc.balance, acc.lots.values(), acc.overdrafts.values()) == acc


AccountMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestAccount = AccountMachine.TestCase
