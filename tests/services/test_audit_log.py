"""The audit log for a manager, through the real services and a real SQLite file: filters and keyset pages,
the CSV export, and the hash chains checked on demand (a row edited with raw sqlite3 is caught)."""

from __future__ import annotations

import csv
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app.services import TillServices, audit_log
from app.services.audit_log import AuditFilter, AuditLogService, Stopped
from app.store.db import open_store
from app.store.integrity import check_database
from loyalty.errors import InvalidInput, PermissionDenied
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till


def _story(till: Till) -> dict[str, str]:
    """A morning at the till: a member, a card linked and blocked, an adjustment a day later."""
    lan = till.svc.members.enroll(till.cashier, "Nguyễn Thị Lan", phone="0901234567").member
    other = till.svc.members.enroll(till.cashier, "Trần Văn Bình", phone="0912345678").member
    card = till.svc.cards.link(till.cashier, lan.id, till.svc.cards.ref_for_uid("04AABBCCDDEE01"))
    till.svc.cards.block(till.cashier, card.id, "lost")
    till.svc.cards.link(till.cashier, other.id, till.svc.cards.ref_for_uid("04AABBCCDDEE02"))
    till.svc.points.award(till.cashier, lan.id, Basket.of_total(Money(1_000_000)), "HD9")
    till.svc.points.process_return(till.cashier, "HD9", Money(500_000))
    till.clock.advance(days=1)
    till.svc.points.adjust(till.manager, lan.id, 100, "goodwill")
    return {"lan": lan.id, "other": other.id, "card": card.id}


def _service(till: Till) -> AuditLogService:
    return AuditLogService(till.svc.core)


def test_only_a_manager_reads_the_log(till: Till) -> None:
    with pytest.raises(PermissionDenied) as refused:
        _service(till).page(till.cashier, AuditFilter())
    assert refused.value.message == "Only a manager can read the audit log. Ask a manager to sign in."
    with pytest.raises(PermissionDenied):
        _service(till).verify(till.cashier)


def test_filters_by_member_staff_action_and_time(till: Till) -> None:
    ids = _story(till)
    service = _service(till)
    about_lan = service.page(till.manager, AuditFilter(member_id=ids["lan"]))
    # The member's own record, their card's, and none of the other member's.
    assert [r.action for r in about_lan.rows] == ["points.adjust", "return", "card.block", "card.link"]
    assert {r.member_id for r in about_lan.rows} == {ids["lan"]}
    assert about_lan.rows[0].member_number is not None and about_lan.rows[0].member_name == "Nguyễn Thị Lan"
    by_cashier = service.page(till.manager, AuditFilter(staff_id=till.cashier.staff_id))
    assert {r.staff_name for r in by_cashier.rows} == {"Mai"}
    assert [r.action for r in by_cashier.rows][:4] == ["return", "card.link", "card.block", "card.link"]
    blocks = service.page(till.manager, AuditFilter(action="card.block"))
    assert [(r.action, r.details["reason"]) for r in blocks.rows] == [("card.block", "lost")]
    today = till.clock.now.replace(hour=0, minute=0)
    assert [r.action for r in service.page(till.manager, AuditFilter(since=today)).rows] == ["points.adjust"]
    assert "points.adjust" not in {
        r.action for r in service.page(till.manager, AuditFilter(until=today)).rows
    }
    assert service.page(till.manager, AuditFilter(action="card.block", since=today)).rows == ()
    with pytest.raises(InvalidInput):
        service.page(till.manager, AuditFilter(since=today, until=today - timedelta(days=1)))
    assert {"card.block", "card.link", "points.adjust", "staff.sign_in"} <= set(service.actions(till.manager))


def test_pages_are_keysets_newest_first(till: Till) -> None:
    _story(till)
    service = _service(till)
    everything = [r.seq for r in service.page(till.manager, AuditFilter(), limit=500).rows]
    assert everything == sorted(everything, reverse=True) and len(everything) >= 8
    first = service.page(till.manager, AuditFilter(), limit=3)
    assert [r.seq for r in first.rows] == everything[:3] and first.older and not first.newer
    second = service.page(till.manager, AuditFilter(), before=first.rows[-1].seq, limit=3)
    assert [r.seq for r in second.rows] == everything[3:6] and second.newer and second.older
    back = service.page(till.manager, AuditFilter(), after=second.rows[0].seq, limit=3)
    assert [r.seq for r in back.rows] == everything[:3] and not back.newer and back.older
    last = service.page(till.manager, AuditFilter(), before=everything[-2], limit=3)
    assert [r.seq for r in last.rows] == everything[-1:] and not last.older


def test_export_writes_the_filtered_rows_and_is_audited(till: Till, tmp_path: Path) -> None:
    ids = _story(till)
    service = _service(till)
    seen: list[tuple[int, int]] = []
    path = tmp_path / "exports" / "lan.csv"
    count = service.export_csv(
        till.manager, AuditFilter(member_id=ids["lan"]), path, progress=lambda d, t: seen.append((d, t))
    )
    assert count == 4 and seen[-1] == (4, 4)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["action"] for r in rows] == [
        "card.link",
        "card.block",
        "return",
        "points.adjust",
    ]  # oldest first
    assert rows[3]["member_name"] == "Nguyễn Thị Lan" and rows[3]["staff_name"] == "Lan"
    assert '"reason": "goodwill"' in rows[3]["details"]
    assert not list(tmp_path.glob("exports/*.partial"))
    exported = service.page(till.manager, AuditFilter(action="audit.export")).rows
    assert [(r.staff_name, r.details["rows"]) for r in exported] == [("Lan", 4)]
    with pytest.raises(InvalidInput):
        service.export_csv(till.manager, AuditFilter(), tmp_path / "lan.txt")


def _tamper(path: Path, *statements: str) -> None:
    """Edit the file as someone with the sqlite3 shell would: the append-only triggers dropped first."""
    con = sqlite3.connect(path)
    try:
        con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        con.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        con.execute("DROP TRIGGER IF EXISTS ledger_entries_no_update")
        con.execute("DROP TRIGGER IF EXISTS ledger_entries_no_delete")
        for statement in statements:
            con.execute(statement)
        con.commit()
    finally:
        con.close()


def _verify_reopened(till: Till) -> tuple[object, list[str]]:
    till.store.close()
    store = open_store(till.path)
    try:
        svc = TillServices.open(store, till.clock)
        verdict = AuditLogService(svc.core).verify(till.manager)
        with store.read() as session:
            problems = check_database(session)
        return verdict, problems
    finally:
        store.close()
        till.store = open_store(till.path)


def test_an_intact_database_gets_a_clean_verdict_with_progress(till: Till) -> None:
    ids = _story(till)
    for i in range(3):
        till.svc.points.award(till.cashier, ids["lan"], Basket.of_total(Money(500_000)), f"HD{i}")
    seen: list[tuple[int, int]] = []
    verdict = _service(till).verify(till.manager, progress=lambda d, t: seen.append((d, t)))
    assert verdict.intact and verdict.tills == 1
    with till.store.read() as session:
        entries = session.execute(text("SELECT count(*) FROM ledger_entries")).scalar_one()
        records = session.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
    assert (verdict.ledger_entries, verdict.audit_records) == (entries, records) and entries >= 8
    assert seen[-1] == (verdict.audit_records + verdict.ledger_entries,) * 2


def test_a_check_can_be_stopped(till: Till, monkeypatch: pytest.MonkeyPatch) -> None:
    _story(till)
    monkeypatch.setattr(audit_log, "PROGRESS_EVERY", 1)  # stop() is asked at every row
    with pytest.raises(Stopped):
        _service(till).verify(till.manager, stop=lambda: True)


def test_an_audit_record_edited_with_sqlite3_breaks_the_verdict(till: Till) -> None:
    _story(till)
    _tamper(
        till.path, "UPDATE audit_log SET details = '{\"reason\":\"found again\"}' WHERE action = 'card.block'"
    )
    verdict, problems = _verify_reopened(till)
    assert not verdict.intact  # type: ignore[attr-defined]
    (problem,) = verdict.problems  # type: ignore[attr-defined]
    assert (problem.chain, problem.kind) == ("audit", "edited")
    assert any(f"record {problem.seq} was changed" in p for p in problems)  # the full check agrees


def test_a_ledger_entry_edited_or_deleted_breaks_the_verdict(till: Till) -> None:
    _story(till)
    _tamper(till.path, "UPDATE ledger_entries SET points = points + 1000 WHERE kind = 'adjust'")
    verdict, _problems = _verify_reopened(till)
    assert [(p.chain, p.kind, p.till_id) for p in verdict.problems] == [("ledger", "edited", "t1")]  # type: ignore[attr-defined]
    _tamper(till.path, "DELETE FROM ledger_entries WHERE seq = 1")
    verdict, _problems = _verify_reopened(till)
    kinds = {(p.chain, p.kind) for p in verdict.problems}  # type: ignore[attr-defined]
    assert ("ledger", "missing") in kinds
