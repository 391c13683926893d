"""A member's personal data on request: exported whole (and nothing about anyone else), erased without
breaking the ledger's arithmetic; consents are history, never overwritten."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.services.insights import InsightsService
from app.services.members import ConsentInput
from app.services.privacy import ERASED_NAME, ERASED_OUTBOX, PrivacyService
from app.store import models as m
from app.store.integrity import check_database
from app.store.search import check_member_search
from loyalty.analytics.hints import HintKind
from loyalty.errors import InvalidInput, PermissionDenied
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till

MARKETING = ConsentInput("marketing", True, "2026-01")
PERSONAL = ConsentInput("personalisation", True, "2026-01")


def _privacy(till: Till) -> PrivacyService:
    return PrivacyService(till.svc.core)


def _enrol_quynh(till: Till) -> str:
    """A member with every kind of personal data: profile, consents, a card, purchases, a redemption, a
    hint, a referral (of someone else)."""
    svc = till.svc
    member = svc.members.enroll(
        till.cashier,
        "Ưng Xuyến Quỳnh",
        phone="0977111222",
        email="quynh@example.vn",
        birthday=date(1990, 5, 17),
        consents=(MARKETING, PERSONAL),
    ).member
    svc.cards.link(till.cashier, member.id, svc.cards.ref_for_uid("04A1B2C3D4E5F6"))
    svc.points.award(till.cashier, member.id, Basket.of_total(Money(1_200_000)), "HD1")
    svc.points.redeem(till.cashier, member.id, 60, bill=Money(300_000), receipt_ref="HD2")
    InsightsService(svc.core).record_hint(till.cashier, member.id, next(iter(HintKind)).value, True)
    return member.id


def _enrol_other(till: Till, referral_code: str) -> str:
    """Someone else, referred by the member: their referral bonus lands on the member's ledger."""
    svc = till.svc
    other = svc.members.enroll(
        till.cashier,
        "Trần Văn Bảo",
        phone="0988000111",
        email="bao@example.vn",
        birthday=date(1985, 1, 2),
        referral_code=referral_code,
    ).member
    svc.points.award(till.cashier, other.id, Basket.of_total(Money(500_000)), "HD9")
    return other.id


def test_export_holds_everything_about_the_member_and_nothing_about_others(till: Till) -> None:
    member_id = _enrol_quynh(till)
    referral = till.svc.members.get(member_id).referral_code
    other_id = _enrol_other(till, referral)
    other = till.svc.members.get(other_id)
    privacy = _privacy(till)
    privacy.set_consent(till.cashier, member_id, "marketing", True)  # asked again: a third answer
    with pytest.raises(PermissionDenied):
        privacy.export(till.cashier, member_id)
    export = privacy.export(till.manager, member_id)
    data = export.data
    profile = data["member"]
    assert profile["full_name"] == "Ưng Xuyến Quỳnh"
    assert (profile["phone"], profile["email"], profile["birthday"]) == (
        "+84977111222",
        "quynh@example.vn",
        "1990-05-17",
    )
    assert profile["members_referred"] == 1 and profile["was_referred"] is False
    assert [(c["purpose"], c["granted"]) for c in data["consents"]] == [
        ("marketing", True),
        ("personalisation", True),
        ("marketing", True),
    ]
    assert data["consents"][0]["text"]["vi"].startswith("Tôi đồng ý")
    assert len(data["cards"]) == 1 and data["cards"][0]["kind"] == "uid"
    with till.store.read() as session:
        entries = session.scalars(select(m.LedgerEntry.id).where(m.LedgerEntry.member_id == member_id)).all()
    assert sorted(e["id"] for e in data["history"]) == sorted(entries)
    assert {e["kind"] for e in data["history"]} >= {"bonus", "earn", "redeem"}
    assert data["hints"] and data["points"]["lots"]
    assert [a["action"] for a in data["audit"]] == ["member.consent"]
    dumped = export.json_text()
    for secret in (
        other.id,
        other.member_number,
        other.full_name,
        "+84988000111",
        "bao@example.vn",
        "1985-01-02",
    ):
        assert secret not in dumped
    # The export itself is audited: who looked, when.
    with till.store.read() as session:
        assert (
            session.scalar(select(m.AuditRecord.staff_id).where(m.AuditRecord.action == "member.export"))
            == till.manager.staff_id
        )


def test_export_files_are_written_into_the_exports_folder(till: Till) -> None:
    member_id = _enrol_quynh(till)
    privacy = _privacy(till)
    export = privacy.export(till.manager, member_id)
    files = privacy.write_export(export, b"%PDF-1.4 test")
    assert files.json_path.parent == till.path.parent / "exports"
    assert (
        json.loads(files.json_path.read_text(encoding="utf-8"))["member"]["member_number"]
        == export.member_number
    )
    assert files.pdf_path is not None and files.pdf_path.read_bytes().startswith(b"%PDF")
    assert not list(files.json_path.parent.glob("*.part"))


def _fts_terms(till: Till) -> set[str]:
    with till.store.write() as session:
        session.execute(
            text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms USING fts5vocab(main, members_fts, row)")
        )
        return {str(t) for (t,) in session.execute(text("SELECT term FROM temp.fts_terms"))}


def _fts_pages(till: Till) -> bytes:
    with till.store.read() as session:
        return b"".join(
            bytes(block) for (block,) in session.execute(text("SELECT block FROM members_fts_data"))
        )


def test_erasure_removes_every_personal_field_and_keeps_the_arithmetic(till: Till) -> None:
    member_id = _enrol_quynh(till)
    referral = till.svc.members.get(member_id).referral_code
    _enrol_other(till, referral)
    svc = till.svc
    before = svc.members.get(member_id)
    with till.store.read() as session:
        entries_before = session.execute(
            text("SELECT count(*), sum(points) FROM ledger_entries WHERE member_id = :id"), {"id": member_id}
        ).one()
        consents_before = session.execute(
            text(
                "SELECT id, purpose, granted, text_version, recorded_at FROM consents WHERE member_id = :id"
            ),
            {"id": member_id},
        ).all()
    assert {"xuyen", "quynh"} <= _fts_terms(till)
    assert b"xuyen" in _fts_pages(till)  # the name's terms are in the index's pages before

    privacy = _privacy(till)
    with pytest.raises(PermissionDenied):
        privacy.erase(till.cashier, member_id, "customer asked", confirm_number=before.member_number)
    with pytest.raises(InvalidInput):
        privacy.erase(till.manager, member_id, "", confirm_number=before.member_number)
    with pytest.raises(InvalidInput):
        privacy.erase(till.manager, member_id, "customer asked", confirm_number="0010100000000")
    erased = privacy.erase(
        till.manager, member_id, "customer asked at the counter", confirm_number=before.member_number
    )
    assert erased.cards == 1

    after = svc.members.get(member_id)
    assert after.status == "erased"
    assert (after.full_name, after.phone, after.email, after.birthday) == (ERASED_NAME, None, None, None)
    assert after.member_number == before.member_number and after.balance == before.balance
    assert after.referral_code != before.referral_code
    with till.store.read() as session:
        row = session.get(m.Member, member_id)
        assert row is not None and row.name_folded == "" and row.preferred_language == "vi"
        assert (
            session.execute(
                text("SELECT count(*), sum(points) FROM ledger_entries WHERE member_id = :id"),
                {"id": member_id},
            ).one()
            == entries_before
        )
        # Consents: the old answers are untouched, each withdrawn by a new one.
        consents = session.execute(
            text(
                "SELECT id, purpose, granted, text_version, recorded_at FROM consents WHERE member_id = :id ORDER BY id"
            ),
            {"id": member_id},
        ).all()
        assert consents[: len(consents_before)] == consents_before
        assert [(c.purpose, c.granted) for c in consents[len(consents_before) :]] == [
            ("marketing", False),
            ("personalisation", False),
        ]
        assert session.scalars(select(m.Card).where(m.Card.member_id == member_id)).all() == []
        assert session.scalars(select(m.HintUse).where(m.HintUse.member_id == member_id)).all() == []
        # What sync sends: the profile's copies are anonymised, and the erasure itself waits to go.
        payloads = session.scalars(
            select(m.OutboxItem.payload).where(
                m.OutboxItem.entity == "member", m.OutboxItem.entity_id == member_id
            )
        ).all()
        assert payloads and all(p["full_name"] == ERASED_NAME and p["phone"] is None for p in payloads)
        erasure = session.scalars(select(m.OutboxItem).where(m.OutboxItem.entity == ERASED_OUTBOX)).one()
        assert erasure.entity_id == member_id and erasure.payload["member_id"] == member_id
        assert set(erasure.payload) == {"member_id", "erased_at", "staff_id"}  # nothing personal
        assert session.scalar(select(m.AuditRecord.details).where(m.AuditRecord.action == "member.erase"))
        assert check_database(session) == []
    # No trace of the person in the database's tables or its name index.
    with till.store.read() as session:
        dump = "\n".join(
            str(tuple(r))
            for t in ("members", "consents", "cards", "outbox", "member_duplicates", "hint_uses")
            for r in session.execute(text(f"SELECT * FROM {t}"))
        )
    for secret in ("Quỳnh", "Ưng", "0977111222", "quynh@example.vn", "1990-05-17", "04A1B2C3D4E5F6"):
        assert secret not in dump
    assert not {"xuyen", "quynh"} & _fts_terms(till)
    assert b"xuyen" not in _fts_pages(till) and b"quynh" not in _fts_pages(till)
    with till.store.write() as session:
        assert check_member_search(session)
    assert svc.members.search("Xuyến Quỳnh") == []
    assert svc.members.search("0977111222") == []
    assert svc.members.search("quynh@example") == []
    with pytest.raises(InvalidInput):
        privacy.erase(till.manager, member_id, "again", confirm_number=before.member_number)


def test_erasure_takes_the_records_merged_into_the_member_and_old_exports(till: Till) -> None:
    svc = till.svc
    keep = svc.members.enroll(till.cashier, "Ưng Xuyến Quỳnh", phone="0977111222").member
    twin = svc.members.enroll(
        till.cashier, "Ưng X. Quỳnh", email="quynh@example.vn", birthday=date(1990, 5, 17)
    ).member
    svc.points.award(till.cashier, twin.id, Basket.of_total(Money(400_000)), "HD5")
    svc.members.merge(till.manager, twin.id, keep.id, "enrolled twice")
    privacy = _privacy(till)
    privacy.write_export(privacy.export(till.manager, keep.id), None)
    assert list(privacy.exports_folder.glob(f"{keep.member_number}-*"))
    with pytest.raises(InvalidInput):
        privacy.erase(till.manager, twin.id, "asked", confirm_number=twin.member_number)
    erased = privacy.erase(till.manager, keep.id, "asked", confirm_number=keep.member_number)
    assert erased.merged == (twin.member_number,) and erased.files == 1
    merged = svc.members.get(twin.id)
    assert merged.status == "merged" and merged.full_name == ERASED_NAME and merged.birthday is None
    assert not list(Path(privacy.exports_folder).glob(f"{keep.member_number}-*"))
    with till.store.read() as session:
        assert check_database(session) == []


def test_consent_changes_are_new_versions_never_overwritten(till: Till) -> None:
    svc = till.svc
    member = svc.members.enroll(till.cashier, "Lê Thu Hà", consents=(MARKETING,)).member
    with till.store.read() as session:
        first = session.execute(text("SELECT * FROM consents WHERE member_id = :id"), {"id": member.id}).all()
    till.clock.advance(days=3)
    svc.members.record_consent(till.cashier, member.id, ConsentInput("marketing", False, "2026-01"))
    till.clock.advance(days=3)
    _privacy(till).set_consent(till.cashier, member.id, "marketing", True)
    with till.store.read() as session:
        rows = session.execute(
            text("SELECT * FROM consents WHERE member_id = :id ORDER BY id"), {"id": member.id}
        ).all()
    assert rows[:1] == first  # the first answer is kept as it was
    assert [r.granted for r in rows] == [1, 0, 1]
    assert len({r.recorded_at for r in rows}) == 3
    view = _privacy(till).view(member.id)
    assert [c.granted for c in view.consents] == [True, False, True]
    assert view.current()["marketing"].granted
    assert svc.members.consents(member.id)["marketing"].granted
