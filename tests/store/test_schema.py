from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from app.store import Store, next_value, open_store
from app.store.audit import append_audit
from app.store.counters import peek_value
from app.store.models import Card, LedgerEntry, Lot, Member
from app.store.search import (
    check_member_search,
    fts_match,
    member_ids_matching_name,
    prefix_range,
    rebuild_member_search,
)
from app.store.settings import delete_setting, get_setting, set_setting
from tests.store.factories import make_entry, make_member

ICT = timezone(timedelta(hours=7))


def test_ledger_entries_are_append_only(store: Store) -> None:
    with store.write() as session:
        member = make_member(session)
        entry = make_entry(session, member, seq=1)
        entry_id = entry.id
    for statement in (
        text("UPDATE ledger_entries SET points = 1000 WHERE id = :id"),
        text("DELETE FROM ledger_entries WHERE id = :id"),
    ):
        with pytest.raises(DBAPIError, match="ledger entries are append-only"), store.write() as session:
            session.execute(statement, {"id": entry_id})
    with pytest.raises(DBAPIError, match="append-only"), store.write() as session:
        session.execute(update(LedgerEntry).where(LedgerEntry.id == entry_id).values(reason="changed"))
    with store.read() as session:
        assert session.get_one(LedgerEntry, entry_id).points == 10


def test_audit_log_is_append_only(store: Store) -> None:
    with store.write() as session:
        append_audit(
            session,
            action="login",
            staff_id="s1",
            subject_type=None,
            subject_id=None,
            details={},
            at=datetime.now(UTC),
        )
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="the audit log is append-only"), store.write() as session:
            session.execute(text(statement))


def test_ledger_constraints(store: Store) -> None:
    with store.write() as session:
        member = make_member(session)
        make_entry(session, member, seq=1)
        member_id = member.id
    with pytest.raises(IntegrityError, match="UNIQUE"), store.write() as session:
        make_entry(session, session.get_one(Member, member_id), seq=1)
    with pytest.raises(IntegrityError, match="CHECK"), store.write() as session:
        make_entry(session, session.get_one(Member, member_id), seq=2, kind="gift")
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), store.write() as session:
        make_entry(session, Member(id="no-such-member"), seq=3)


def test_lot_constraints(store: Store) -> None:
    with store.write() as session:
        member = make_member(session)
        entry = make_entry(session, member, seq=1, points=100)
        session.add(Lot(id=entry.id, member_id=member.id, points=100, remaining=100))
        entry_id = entry.id
    with store.write() as session:
        session.get_one(Lot, entry_id).remaining = 40  # lots are consumed in place, unlike entries
    for remaining in (-1, 101):
        with pytest.raises(IntegrityError, match="CHECK"), store.write() as session:
            session.get_one(Lot, entry_id).remaining = remaining


def test_name_search_follows_inserts_updates_and_deletes(store: Store) -> None:
    query = '"nguyen"* AND "an"*'
    search = text(
        "SELECT m.id FROM members_fts JOIN members AS m ON m.rowid = members_fts.rowid "
        "WHERE members_fts MATCH :q ORDER BY m.id"
    )
    with store.write() as session:
        an = make_member(session, "Nguyễn Văn An")
        anh = make_member(session, "NGUYỄN THỊ ANH")
        other = make_member(session, "Trần Thị Bình")
        ids = {"an": an.id, "anh": anh.id, "other": other.id}
    with store.read() as session:
        assert set(session.execute(search, {"q": query}).scalars()) == {ids["an"], ids["anh"]}
        assert session.execute(search, {"q": '"tr"*'}).scalars().all() == [ids["other"]]
    with store.write() as session:
        session.get_one(Member, ids["other"]).full_name = "Nguyễn Ân"
        session.get_one(Member, ids["an"]).full_name = "Lê Văn An"
        session.get_one(Member, ids["anh"]).balance = 500  # not a name change: index untouched
    with store.read() as session:
        assert set(session.execute(search, {"q": query}).scalars()) == {ids["anh"], ids["other"]}
        assert session.execute(search, {"q": '"le"*'}).scalars().all() == [ids["an"]]
    with store.write() as session:
        session.delete(session.get_one(Member, ids["anh"]))
    with store.read() as session:
        assert session.execute(search, {"q": query}).scalars().all() == [ids["other"]]
        assert member_ids_matching_name(session, "nguyễn  ÂN") == [ids["other"]]
        assert member_ids_matching_name(session, "  ") == []
    with store.write() as session:
        assert check_member_search(session)


def test_name_search_survives_vacuum(store: Store) -> None:
    with store.write() as session:
        members = [make_member(session, f"Phạm Văn {chr(65 + i)}") for i in range(10)]
        for member in members[:5]:
            session.delete(member)
        kept = {m.id for m in members[5:]}
    store.vacuum()
    with store.read() as session:
        assert set(member_ids_matching_name(session, "pham van", limit=50)) == kept
    with store.write() as session:
        assert check_member_search(session)
        session.execute(text("UPDATE members SET rowid = rowid + 1000"))  # what a VACUUM may do
        assert not check_member_search(session)
        rebuild_member_search(session)
        assert check_member_search(session)
        assert set(member_ids_matching_name(session, "pham van", limit=50)) == kept


def test_search_helpers() -> None:
    assert fts_match("Nguyễn  Văn An") == '"nguyen"* AND "van"* AND "an"*'
    assert fts_match('"OR" NEAR(') == '"or"* AND "near"*'
    assert fts_match(" -- ") is None
    assert prefix_range("+8490") == ("+8490", "+8491")
    assert prefix_range("") is None


def test_member_derived_fields(store: Store) -> None:
    with store.write() as session:
        member = make_member(
            session, "Đặng Thị Hồng", email="Hong.Dang@Example.COM", birthday=date(1990, 2, 28)
        )
        member_id = member.id
    with store.read() as session:
        member = session.get_one(Member, member_id)
        assert member.name_folded == "dang thi hong"
        assert member.email == "hong.dang@example.com"
        assert member.status == "active" and member.balance == 0 and member.preferred_language == "vi"
        assert member.birthday == date(1990, 2, 28)
        assert member.created_at.tzinfo is UTC


def test_counters_are_monotonic(store: Store) -> None:
    with store.write() as session:
        assert peek_value(session, "till_seq") is None
        values = [next_value(session, "till_seq") for _ in range(5)]
        assert next_value(session, "member_number", start=100_000) == 100_000
    assert values == [1, 2, 3, 4, 5]
    with pytest.raises(RuntimeError), store.write() as session:
        assert next_value(session, "till_seq") == 6
        raise RuntimeError("sale abandoned")
    with store.write() as session:
        assert next_value(session, "till_seq") == 6  # the abandoned number was never committed
        assert next_value(session, "member_number", start=100_000) == 100_001
        assert peek_value(session, "till_seq") == 6


def test_utc_datetimes_round_trip_and_naive_ones_are_refused(store: Store) -> None:
    local = datetime(2025, 3, 1, 6, 30, 15, 123, tzinfo=ICT)
    with store.write() as session:
        member = make_member(session, tier_since=local)
        member_id = member.id
    with store.read() as session:
        stored = session.execute(
            text("SELECT tier_since FROM members WHERE id = :id"), {"id": member_id}
        ).scalar()
        assert stored == "2025-02-28T23:30:15.000123Z"
        loaded = session.get_one(Member, member_id).tier_since
        assert loaded == local and loaded is not None and loaded.tzinfo is UTC
        found = session.scalars(
            select(Member.id).where(Member.tier_since >= datetime(2025, 2, 28, tzinfo=UTC))
        )
        assert member_id in set(found)
    with pytest.raises(StatementError, match="naive datetime"), store.write() as session:
        make_member(session, tier_since=datetime(2025, 3, 1, 6, 30))


def test_read_sessions_cannot_write_and_writes_roll_back_on_error(store: Store) -> None:
    with pytest.raises(DBAPIError, match="readonly"), store.read() as session:
        make_member(session)
    with pytest.raises(ValueError, match="boom"), store.write() as session:
        make_member(session, "Rolled Back")
        raise ValueError("boom")
    with store.read() as session:
        assert session.scalars(select(Member)).all() == []
    with store.write() as session:
        make_member(session, "Kept")  # the read-only pragma does not leak into pooled connections
    with store.read() as session:
        assert [m.full_name for m in session.scalars(select(Member))] == ["Kept"]


def test_reader_keeps_its_snapshot_while_a_writer_commits(store: Store) -> None:
    with store.read() as reader:
        assert reader.scalars(select(Member)).all() == []
        with store.write() as writer:
            make_member(writer, "Committed Meanwhile")
        assert reader.scalars(select(Member)).all() == []  # repeatable read inside the transaction
    with store.read() as reader:
        assert len(reader.scalars(select(Member)).all()) == 1


def test_transactional_ddl(store: Store) -> None:
    with pytest.raises(RuntimeError), store.write() as session:
        session.execute(text("CREATE TABLE scratch (x)"))
        raise RuntimeError("roll it back")
    with store.read() as session:
        assert (
            session.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'scratch'")).scalar() == 0
        )


def test_settings(store: Store) -> None:
    with store.write() as session:
        assert get_setting(session, "store_id", "none") == "none"
        set_setting(session, "store_id", "S1")
        set_setting(session, "limits", {"offline_redeem": 500, "vi": "điểm"})
    with store.write() as session:
        assert get_setting(session, "store_id") == "S1"
        assert get_setting(session, "limits") == {"offline_redeem": 500, "vi": "điểm"}
        set_setting(session, "store_id", "S2")
        delete_setting(session, "limits")
    with store.read() as session:
        assert get_setting(session, "store_id") == "S2"
        assert get_setting(session, "limits") is None


def test_cards_link_to_members(store: Store) -> None:
    with store.write() as session:
        member = make_member(session)
        session.add(Card(token="tok-1", kind="uid", member=member, label="UID …9F3A"))
        member_id = member.id
    with store.read() as session:
        card = session.scalars(select(Card).where(Card.token == "tok-1")).one()
        assert card.member_id == member_id and card.status == "active"
    with pytest.raises(IntegrityError, match="CHECK"), store.write() as session:
        session.add(Card(token="tok-2", kind="magstripe", member_id=member_id, label="x"))


def test_counters_never_repeat_across_threads_and_connections(store: Store, store_path: Path) -> None:
    handed_out: list[int] = []
    lock = threading.Lock()

    def take(target: Store) -> None:
        for _ in range(25):
            with target.write() as session:
                value = next_value(session, "till_seq")
            with lock:
                handed_out.append(value)

    with open_store(store_path) as second:  # a second opener of a live database passes the checks too
        threads = [threading.Thread(target=take, args=(s,)) for s in (store, store, second, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(handed_out) == list(range(1, 101))
