"""A redeeming member's open lots are read in part (``central.lots._load``: the soonest due that cover the
request's debits, the rest only when a debit needs them): the central then holds exactly what it holds when
every open lot is read. A hypothesis property over a member's earnings (due at the same time, never, or long
past), an expiry sweep, then redemptions and returns dated anywhere (before the lots they might take were
opened, after some were due), late earnings among them, pushed in one request or two. On SQLite and
PostgreSQL.

Lots often share a due date (the end of a month) and sometimes the time they were opened: the order a debit
takes them in goes on to their ids, and the part read follows it."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, aliased

from central import lots
from central import models as m
from central.expiry import sweep
from loyalty.ledger import EntryKind
from sync.protocol import format_utc

from .tillmodel import enroll, statuses

BASE = datetime(2026, 1, 1, 3, tzinfo=UTC)
_stores = itertools.count()

# An earning: (day it was made, days until it is due or None for never, points).
_EARN = st.tuples(st.integers(0, 30), st.none() | st.integers(1, 90), st.integers(1, 60))
# A debit: (day it was made, points, a return of which earning or None for a redemption).
_DEBIT = st.tuples(
    st.integers(0, 75), st.integers(1, 60), st.integers(0, 999).map(lambda n: n if n < 100 else None)
)  # a return one time in ten: it reads every lot of its member
_PLAN = st.fixed_dictionaries(
    {
        "earns": st.lists(_EARN, min_size=1, max_size=25),
        "debits": st.lists(_DEBIT, min_size=1, max_size=8),
        "late_earns": st.lists(_EARN, max_size=3),
        "sweep_day": st.none() | st.integers(0, 80),
        "split": st.integers(0, 10),
        # Entries of a day all at the same time: lots alike in due date and age, told apart by their ids.
        "same_time": st.booleans(),
    }
)


@contextmanager
def _reading_in_part(on: bool) -> Iterator[None]:
    before = lots.PREFIX_LOAD
    lots.PREFIX_LOAD = on
    try:
        yield
    finally:
        lots.PREFIX_LOAD = before


class _Script:
    """One store's run of a plan, the same for every store: entries carry the plan's times, so two stores'
    rows can be compared by time instead of by id."""

    def __init__(self, client: TestClient, code: str, same_time: bool = False) -> None:
        self.client = client
        self.same_time = same_time
        self.till = enroll(client, code)
        self.member = self.till.new_member().id
        self.till.push(client, self.till.outbox[-1:])
        self.pushed = len(self.till.outbox)
        self.tick = itertools.count(1)
        self.earned: list[str] = []

    def _at(self, day: int) -> datetime:
        # A second apart within a day: every entry's time differs, and the order of a day's entries is the
        # order they were made in. Ids grow in that order too (UUIDv7), at both stores alike.
        return BASE + timedelta(days=day, seconds=0 if self.same_time else next(self.tick))

    def earn(self, day: int, due_in: int | None, points: int) -> None:
        at = self._at(day)
        expires = None if due_in is None else format_utc(BASE + timedelta(days=day + due_in))
        item = self.till.entry(self.member, points, created_at=format_utc(at), expires_at=expires)
        self.earned.append(item.id)

    def debit(self, day: int, points: int, returns: int | None) -> None:
        at = format_utc(self._at(day))
        if returns is None:
            self.till.entry(self.member, -points, EntryKind.REDEEM, created_at=at)
        else:
            sale = self.earned[returns % len(self.earned)]
            self.till.entry(self.member, -points, EntryKind.REVERSE, reverses_id=sale, created_at=at)

    def push_waiting(self, split: int) -> None:
        """Push what waits: the first ``split`` items in one request, the others in a second."""
        waiting = self.till.outbox[self.pushed :]
        for part in (waiting[:split], waiting[split:]):
            if part:
                assert set(statuses(self.till.push(self.client, part))) == {"applied"}
        self.pushed = len(self.till.outbox)


def _held(engine: Engine, member_id: str) -> dict[str, Any]:
    """What the central holds of the member, by the entries' times (ids differ from store to store)."""
    debit, lot_entry = aliased(m.Entry), aliased(m.Entry)
    with Session(engine) as session:
        member = session.execute(
            select(m.Member.balance, m.Member.entry_count).where(m.Member.id == member_id)
        ).one()
        # A correction the central writes is dated when it is written, which differs from store to store.
        entries = [
            (kind, points, None if body.get("channel") == "central" and kind == "reverse" else at)
            for kind, points, at, body in session.execute(
                select(m.Entry.kind, m.Entry.points, m.Entry.created_at, m.Entry.body).where(
                    m.Entry.member_id == member_id
                )
            )
        ]
        held_lots = session.execute(
            select(
                m.CentralLot.created_at,
                m.CentralLot.expires_at,
                m.CentralLot.points,
                m.CentralLot.remaining,
                m.CentralLot.expired,
                m.CentralLot.expire_id.is_not(None),
            ).where(m.CentralLot.member_id == member_id)
        ).all()
        uses = session.execute(
            select(debit.kind, debit.created_at, lot_entry.created_at, m.CentralLotUse.points)
            .join(
                debit, (debit.member_id == m.CentralLotUse.member_id) & (debit.id == m.CentralLotUse.entry_id)
            )
            .join(
                lot_entry,
                (lot_entry.member_id == m.CentralLotUse.member_id) & (lot_entry.id == m.CentralLotUse.lot_id),
            )
            .where(m.CentralLotUse.member_id == member_id)
        ).all()
        overdrafts = session.execute(
            select(m.Overdraft.points, m.Overdraft.remaining).where(m.Overdraft.member_id == member_id)
        ).all()
    return {
        "member": tuple(member),
        "entries": sorted(entries, key=repr),
        "lots": sorted((tuple(row) for row in held_lots), key=repr),
        "uses": sorted((tuple(row) for row in uses), key=repr),
        "overdrafts": sorted(tuple(row) for row in overdrafts),
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=_PLAN)
def test_lots_read_in_part_hold_what_all_lots_hold(
    client: TestClient, engine: Engine, new_code: Callable[[str], str], plan: dict[str, Any]
) -> None:
    n = next(_stores)
    scripts = {
        on: _Script(client, new_code(f"LP{n}{'P' if on else 'A'}"), plan["same_time"]) for on in (True, False)
    }
    for script in scripts.values():
        for earn in plan["earns"]:
            script.earn(*earn)
        script.push_waiting(len(script.till.outbox))
    if plan["sweep_day"] is not None:
        sweep(engine, BASE + timedelta(days=plan["sweep_day"], hours=12))
    for on, script in scripts.items():
        for debit in plan["debits"]:
            script.debit(*debit)
        for earn in plan["late_earns"]:
            script.earn(*earn)
        with _reading_in_part(on):
            script.push_waiting(plan["split"])
    assert _held(engine, scripts[True].member) == _held(engine, scripts[False].member)


def test_a_redemption_reads_only_the_lots_it_needs(
    client: TestClient, engine: Engine, new_code: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forty open lots due on forty days: a redemption of what the first three hold reads those three; one
    of more than all of them hold reads them all, takes them all and records the rest as an overdraft."""
    script = _Script(client, new_code("LPREAD"))
    for day in range(40):
        script.earn(day, 100, 10)
    script.push_waiting(len(script.till.outbox))
    read: list[int] = []
    load = lots._load

    def counting(*args: Any, **kwargs: Any) -> Any:
        state = load(*args, **kwargs)
        read.extend(len(member.account.lots) for member in state.values())
        return state

    monkeypatch.setattr(lots, "_load", counting)
    script.debit(45, 25, None)
    script.push_waiting(1)
    assert read == [3]
    held = _held(engine, script.member)
    made_in_order = sorted(held["lots"], key=lambda row: row[0])
    assert [row[3] for row in made_in_order][:4] == [0, 0, 5, 10]  # what each has left
    script.debit(46, 500, None)
    script.push_waiting(1)
    assert read == [3, 38]
    held = _held(engine, script.member)
    assert held["member"][0] == 400 - 25 - 500
    assert [row[3] for row in held["lots"]] == [0] * 40
    assert held["overdrafts"] == [(125, 125)]
