"""Upgrading to 0003 normalises stored phone numbers again through phonenumbers and lists the duplicates this
reveals for a manager to merge; it never merges by itself and loses no number."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from app.services import SYSTEM, Actor, Role, TillServices
from app.store import migrate
from app.store import models as m
from app.store.db import open_store
from app.store.engine import create_store_engine

MANAGER = Actor("m1", "Manager", Role.MANAGER)

# (id, name, phone as the old hand-written normaliser stored it, enrolled)
MEMBERS = [
    ("a", "Lan Trước", "+84912345678", "2025-01-01T00:00:00.000000Z"),  # enrolled first: keeps the number
    ("b", "Lan Sau", "+840912345678", "2025-02-01T00:00:00.000000Z"),  # "+84 0912…" kept its 0 before
    ("c", "Số Lạ", "+8412345", "2025-03-01T00:00:00.000000Z"),  # not a valid number
    ("d", "Bình Thường", "+84987654321", "2025-04-01T00:00:00.000000Z"),  # already right
]


def _old_database(path: Path) -> None:
    engine = create_store_engine(path)
    migrate.upgrade(engine, "0002_ledger_chain")
    with engine.begin() as conn:
        for i, (mid, name, phone, created) in enumerate(MEMBERS):
            conn.exec_driver_sql(
                "INSERT INTO members (id, member_number, full_name, name_folded, phone, referral_code, status, "
                "balance, preferred_language, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 'active', 0, 'vi', ?, ?)",
                (mid, f"00101000000{i}", name, name.lower(), phone, f"REF{i}", created, created),
            )
    engine.dispose()


def test_upgrade_normalises_phones_and_lists_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "till.sqlite"
    _old_database(path)
    store = open_store(path)
    with store.read() as s:
        phones = dict(s.execute(select(m.Member.id, m.Member.phone)).all())
        rows = s.execute(
            select(
                m.MemberDuplicate.member_id,
                m.MemberDuplicate.duplicate_of_id,
                m.MemberDuplicate.reason,
                m.MemberDuplicate.value,
                m.MemberDuplicate.old_value,
            ).order_by(m.MemberDuplicate.member_id)
        ).all()
    assert phones == {"a": "+84912345678", "b": None, "c": "+8412345", "d": "+84987654321"}
    assert [tuple(r) for r in rows] == [
        ("b", "a", "phone", "+84912345678", "+840912345678"),
        ("c", None, "invalid_phone", None, "+8412345"),
    ]
    assert list((tmp_path / "backups").iterdir()), "the file was backed up before the upgrade"
    store.close()


def test_the_duplicates_are_listed_for_a_manager(tmp_path: Path) -> None:
    from app.services import bootstrap_till
    from tests.services.conftest import simple_program

    path = tmp_path / "till.sqlite"
    _old_database(path)
    store = open_store(path)
    bootstrap_till(store, store_id="s", till_id="t", store_number=1, till_number=1)
    svc = TillServices.open(store)
    svc.programs.install(SYSTEM, simple_program())
    listed = svc.members.duplicates(MANAGER)
    assert sorted((d.full_name, d.reason, d.duplicate_of_name or "") for d in listed) == [
        ("Lan Sau", "phone", "Lan Trước"),
        ("Số Lạ", "invalid_phone", ""),
    ]
    # nothing was merged: both members stand, with their points and numbers
    assert {v.status for v in (svc.members.get("a"), svc.members.get("b"))} == {"active"}
    store.close()
