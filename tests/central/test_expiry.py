"""The central owns expiry: its lots follow every entry it applies, its sweep expires what is left of each due
lot exactly once (however many sweeps run), and an entry dated before an expiry that arrives after it is
corrected once, so the member is charged once. On SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from central import models as m
from central import service
from central.expiry import sweep
from central.lots import expire_entry_id
from loyalty.ledger import EntryKind
from sync.protocol import format_utc

from .tillmodel import Till, enroll, statuses

_stores = itertools.count()
EARNED = datetime(2026, 1, 10, 3, tzinfo=UTC)
EXPIRES = datetime(2027, 2, 1, tzinfo=UTC)
BEFORE = EXPIRES - timedelta(days=3)
AFTER = EXPIRES + timedelta(hours=1)


def _tills(client: TestClient, engine: Engine) -> tuple[Till, Till]:
    store = f"EX{next(_stores)}"
    with Session(engine) as session, session.begin():
        found = service.create_store(session, store, store)
        codes = [service.new_enrollment_code(session, found) for _ in range(2)]
    return enroll(client, codes[0], "A"), enroll(client, codes[1], "B")


def _member(client: TestClient, till: Till) -> str:
    member = till.new_member()
    till.push(client, till.outbox[-1:])
    return member.id


def _earn(till: Till, member_id: str, points: int, at: datetime = EARNED) -> str:
    item = till.entry(member_id, points, created_at=format_utc(at), expires_at=format_utc(EXPIRES))
    return item.id


def _balance(engine: Engine, member_id: str) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(m.Member.balance).where(m.Member.id == member_id)) or 0)


def _entries(engine: Engine, member_id: str, kind: str) -> list[tuple[str, int, str | None]]:
    with Session(engine) as session:
        return [
            (row.id, int(row.points), row.body.get("reverses_id"))
            for row in session.execute(
                select(m.Entry.id, m.Entry.points, m.Entry.body)
                .where(m.Entry.member_id == member_id, m.Entry.kind == kind)
                .order_by(m.Entry.created_at, m.Entry.id)
            )
        ]


def _overdrafts(engine: Engine, member_id: str) -> int:
    with Session(engine) as session:
        return int(
            session.scalar(
                select(func.count()).select_from(m.Overdraft).where(m.Overdraft.member_id == member_id)
            )
            or 0
        )


def test_a_lot_is_expired_once_for_what_is_left(client: TestClient, engine: Engine) -> None:
    a, b = _tills(client, engine)
    member = _member(client, a)
    lot = _earn(a, member, 100)
    a.redeem(member, 30)  # now, well before the expiry
    assert statuses(a.push(client, a.outbox[1:])) == ["applied", "applied"]
    b.pull_all(client)

    assert sweep(engine, BEFORE) == (0, 0)  # not due yet
    assert sweep(engine, AFTER) == (1, 70)
    assert sweep(engine, AFTER + timedelta(days=1)) == (0, 0)  # a rerun finds nothing left
    expiries = _entries(engine, member, EntryKind.EXPIRE.value)
    assert [(e[0], e[1]) for e in expiries] == [(expire_entry_id(lot, EXPIRES), -70)]
    assert _balance(engine, member) == 0
    # Both tills pull the one expiry, as an entry of the central.
    for till in (a, b):
        pulled = [c["body"] for c in till.pull_all(client) if c["kind"] == "entry"]
        assert [(e["kind"], e["points"], e["channel"]) for e in pulled] == [("expire", -70, "central")]


def test_sweeps_at_once_expire_a_lot_once(client: TestClient, engine: Engine) -> None:
    a, _b = _tills(client, engine)
    members = [_member(client, a) for _ in range(6)]
    for member in members:
        _earn(a, member, 50)
    a.push(client, a.outbox[len(members) :])
    results: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(sweep(engine, AFTER, batch=2))
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(lots for lots, _ in results) == 6
    assert sum(points for _, points in results) == 300
    for member in members:
        assert [e[1] for e in _entries(engine, member, "expire")] == [-50]
        assert _balance(engine, member) == 0


def test_a_redemption_made_before_the_expiry_and_pushed_after_it_is_corrected_once(
    client: TestClient, engine: Engine
) -> None:
    a, b = _tills(client, engine)
    member = _member(client, a)
    _earn(a, member, 100)
    a.push(client, a.outbox[1:])
    b.pull_all(client)
    # Till B redeems 40 offline three days before the expiry; the central expires the lot before it hears.
    late = b.entry(member, -40, EntryKind.REDEEM, created_at=format_utc(BEFORE))
    assert sweep(engine, AFTER) == (1, 100)
    assert _balance(engine, member) == 0
    assert statuses(b.push(client, [late])) == ["applied"]
    # Charged once: 100 earned, 40 redeemed, 60 expired.
    assert _balance(engine, member) == 0
    expiry = _entries(engine, member, "expire")[0][0]
    corrections = _entries(engine, member, "reverse")
    assert [(points, names) for _id, points, names in corrections] == [(40, expiry)]
    assert _overdrafts(engine, member) == 0
    # The push again changes nothing; neither does another sweep.
    assert statuses(b.push(client, [late])) == ["duplicate"]
    assert sweep(engine, AFTER + timedelta(days=2)) == (0, 0)
    assert len(_entries(engine, member, "reverse")) == 1 and _balance(engine, member) == 0
    # Till A pulls the correction before the redemption it corrects.
    kinds = [(c["body"]["kind"], c["body"]["points"]) for c in a.pull_all(client) if c["kind"] == "entry"]
    assert kinds == [("expire", -100), ("reverse", 40), ("redeem", -40)]
    with Session(engine) as session:
        lot = session.execute(select(m.CentralLot.remaining, m.CentralLot.expired)).one()
    assert (lot.remaining, lot.expired) == (0, 60)


def test_a_return_dated_before_the_expiry_takes_the_sale_back_once(
    client: TestClient, engine: Engine
) -> None:
    a, _b = _tills(client, engine)
    member = _member(client, a)
    sale = _earn(a, member, 100)
    a.push(client, a.outbox[1:])
    ret = a.entry(member, -100, EntryKind.REVERSE, reverses_id=sale, created_at=format_utc(BEFORE))
    assert sweep(engine, AFTER) == (1, 100)
    assert statuses(a.push(client, [ret])) == ["applied"]
    # Earned 100, returned 100 before it expired: nothing expired in the end, and nothing is owed.
    assert _balance(engine, member) == 0
    assert sorted(e[1] for e in _entries(engine, member, "reverse")) == [-100, 100]
    assert _overdrafts(engine, member) == 0


def test_a_return_after_the_expiry_leaves_the_expiry_alone(client: TestClient, engine: Engine) -> None:
    a, _b = _tills(client, engine)
    member = _member(client, a)
    sale = _earn(a, member, 100)
    a.redeem(member, 30)
    a.push(client, a.outbox[1:])
    assert sweep(engine, AFTER) == (1, 70)
    # The till takes back only what the sale's points were spent on (issue 6: expired points not twice).
    ret = a.entry(member, -30, EntryKind.REVERSE, reverses_id=sale, created_at=format_utc(AFTER))
    assert statuses(a.push(client, [ret])) == ["applied"]
    assert [e[1] for e in _entries(engine, member, "reverse")] == [-30]
    assert _balance(engine, member) == -30  # the 30 spent are owed, as a recorded overdraft
    assert _overdrafts(engine, member) == 1


def test_points_that_paid_an_overdraft_do_not_expire(client: TestClient, engine: Engine) -> None:
    a, b = _tills(client, engine)
    member = _member(client, a)
    _earn(a, member, 50)
    a.push(client, a.outbox[1:])
    b.pull_all(client)
    # Both tills redeem the 50 offline: the second is an overdraft of 50.
    first, second = a.redeem(member, 50), b.redeem(member, 50)
    a.push(client, [first])
    b.push(client, [second])
    assert _balance(engine, member) == -50
    _earn(a, member, 80)
    a.push(client, a.outbox[-1:])
    assert _balance(engine, member) == 30
    # Only the 30 left of the 80 expire: the 50 that paid the debt are gone already.
    assert sweep(engine, AFTER) == (1, 30)
    assert _balance(engine, member) == 0
