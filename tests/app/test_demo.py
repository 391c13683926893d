"""The demo store obeys the same invariants as a real one, and its documented PINs work."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from app.demo import DEMO_STAFF, seed_demo
from app.services import TillServices, bootstrap_till
from app.store import models as m
from app.store.audit import verify_audit_chain
from app.store.db import open_store


def test_demo_store(tmp_path: Path) -> None:
    store = open_store(tmp_path / "till.sqlite")
    bootstrap_till(store, store_id="demo", till_id="t1", store_number=1, till_number=1)
    counts = seed_demo(store, members=40, now=datetime(2026, 11, 1, tzinfo=UTC))
    assert counts["members"] == 40 and counts["sales"] > 100
    svc = TillServices.open(store)
    for code, name, role, pin in DEMO_STAFF:
        actor = svc.staff.sign_in(code, pin)
        assert actor.name == name and actor.role == role
    with store.read() as s:
        sums = dict(
            s.execute(
                select(m.LedgerEntry.member_id, func.sum(m.LedgerEntry.points)).group_by(
                    m.LedgerEntry.member_id
                )
            ).all()
        )
        lots: dict[str, int] = defaultdict(int)
        for member_id, remaining in s.execute(select(m.Lot.member_id, m.Lot.remaining)).all():
            lots[member_id] += remaining
        owed: dict[str, int] = defaultdict(int)
        for member_id, remaining in s.execute(select(m.Overdraft.member_id, m.Overdraft.remaining)).all():
            owed[member_id] += remaining
        members = s.scalars(select(m.Member)).all()
        assert len(members) == 40
        for member in members:
            assert member.balance == sums.get(member.id, 0)
            assert member.balance == lots[member.id] - owed[member.id]
        assert verify_audit_chain(s) == []
        assert s.scalar(select(func.count()).select_from(m.Card)) == counts["cards"]
    # Vietnamese search works on the demo names.
    assert svc.members.search("nguyen")
