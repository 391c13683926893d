"""The ledger maths of an expiry owned by another ledger (the central): one lot expired by name, the
correction that gives back what a debit dated before the expiry spent, and which points those are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from loyalty.ledger import Account, ExpiredLot, Lot

T0 = datetime(2026, 1, 5, 3, tzinfo=UTC)
EXPIRES = datetime(2027, 2, 1, tzinfo=UTC)


@given(points=st.integers(1, 10_000), data=st.data())
def test_an_expiry_that_missed_a_redemption_is_paid_back_by_its_correction(
    points: int, data: st.DataObject
) -> None:
    """A till redeemed ``spent`` of a lot before its date; the central, not knowing, expired all of it. Here
    the expiry leaves ``spent`` owed, and the correction pays exactly that: the member lost the lot once."""
    spent = data.draw(st.integers(0, points))
    account = Account()
    account.credit("lot", points, T0, EXPIRES)
    if spent:
        account.debit("redeem", spent, EXPIRES - timedelta(days=3))
    account.expire_lot("expire", "lot", points, EXPIRES + timedelta(hours=1))
    account.check()
    assert account.balance == -spent and account.owed() == spent
    if spent:
        lot = Lot("lot", points, 0, EXPIRES, T0)
        _posting, back = account.unexpire("correction", lot, spent, EXPIRES + timedelta(days=1))
        assert back == 0  # all of it paid what the expiry left owed
    account.check()
    assert (account.balance, account.owed(), account.available(EXPIRES)) == (0, 0, 0)


@given(
    lots=st.lists(
        st.tuples(st.integers(1, 500), st.integers(0, 500), st.integers(-40, 40)), min_size=1, max_size=5
    ),
    live=st.lists(st.tuples(st.integers(1, 500), st.integers(1, 60)), max_size=3),
    points=st.integers(1, 3000),
    before=st.integers(1, 30),
)
def test_a_late_debit_restores_no_more_than_the_expiries_took(
    lots: list[tuple[int, int, int]], live: list[tuple[int, int]], points: int, before: int
) -> None:
    """Restores come only from lots live at the debit's time, never exceed what each expiry took, nor the
    debit; and giving them back then debiting takes exactly what the debit would have taken had it arrived
    before the expiries (soonest expiry first)."""
    at = EXPIRES - timedelta(days=before)
    account = Account()
    expired: list[ExpiredLot] = []
    whole = Account()  # the same member had the debit arrived before the expiries
    for i, (size, drawn, days) in enumerate(lots):
        gone = min(drawn, size)
        lot = Lot(f"x{i}", size, 0, EXPIRES + timedelta(days=days), T0)
        expired.append(ExpiredLot(lot, gone, f"e{i}"))
        if gone:
            whole.credit(lot.id, gone, T0, lot.expires_at)
    for i, (size, days) in enumerate(live):
        due = at + timedelta(days=days)
        account.credit(f"l{i}", size, T0, due)
        whole.credit(f"l{i}", size, T0, due)
    restores = account.restores(points, at, expired)
    took = {e.lot.id: e.expired for e in expired}
    assert sum(r.points for r in restores) <= points
    for r in restores:
        lot = next(e.lot for e in expired if e.lot.id == r.lot_id)
        assert lot.expires_at is not None and lot.expires_at > at
        assert 0 < r.points <= took[r.lot_id]
        _posting, back = account.unexpire(r.expire_id, lot, r.points, at)
        assert back == r.points
    mine = account.debit("late", points, at, allow_overdraft=True)
    theirs = whole.debit("late", points, at, allow_overdraft=True)
    assert {c.lot_id: c.points for c in mine.consumptions} == {
        c.lot_id: c.points for c in theirs.consumptions
    }
