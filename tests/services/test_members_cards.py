"""Enrolment, search, cards, staff sign-in, merges and the audit log through the real services."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from app.services import ConsentInput
from app.services.staff import AccountLocked
from app.store import models as m
from app.store.audit import verify_audit_chain
from loyalty.errors import (
    AuthenticationFailed,
    CardBlocked,
    Conflict,
    InvalidInput,
    MemberInactive,
    NotFound,
    PermissionDenied,
    UnknownCard,
)
from loyalty.identity import CardKind
from loyalty.money import Money
from loyalty.quote import Basket
from loyalty.text import luhn_valid
from tests.services.conftest import Till


def test_enroll_records_everything(till: Till) -> None:
    change = till.svc.members.enroll(
        till.cashier,
        "  Nguyễn   Văn An ",
        phone="0912 345 678",
        email="An.Nguyen@Example.VN",
        birthday=date(1990, 5, 17),
        consents=(
            ConsentInput("marketing", True, "2026-01"),
            ConsentInput("personalisation", False, "2026-01"),
        ),
    )
    member = change.member
    assert member.full_name == "Nguyễn Văn An"
    assert member.phone == "+84912345678"
    assert member.email == "an.nguyen@example.vn"
    assert luhn_valid(member.member_number) and member.member_number.startswith("00101")
    assert [e.kind for e in change.entries] == ["bonus"] and member.balance == 50
    consents = till.svc.members.consents(member.id)
    assert consents["marketing"].granted and not consents["personalisation"].granted
    with till.store.read() as s:
        outbox = list(s.scalars(select(m.OutboxItem.entity)))
    assert outbox.count("member") == 1 and outbox.count("ledger_entry") == 1


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"full_name": ""}, InvalidInput),
        ({"full_name": "!!!"}, InvalidInput),
        ({"full_name": "A", "phone": "12ab"}, InvalidInput),
        ({"full_name": "A", "email": "not-an-email"}, InvalidInput),
        ({"full_name": "A", "birthday": date(1800, 1, 1)}, InvalidInput),
        ({"full_name": "A", "referral_code": "NOPE1234"}, NotFound),
    ],
)
def test_enroll_bad_input(till: Till, kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        till.svc.members.enroll(till.cashier, **kwargs)  # type: ignore[arg-type]
    with till.store.read() as s:
        assert s.scalar(select(func.count()).select_from(m.Member)) == 0


def test_duplicate_phone_is_refused(till: Till) -> None:
    till.svc.members.enroll(till.cashier, "Lan", phone="0912345678")
    with pytest.raises(Conflict):
        till.svc.members.enroll(till.cashier, "Lan B", phone="+84 912 345 678")


def test_search_accent_insensitive_prefix_phone_email_number(till: Till) -> None:
    an = till.svc.members.enroll(till.cashier, "Nguyễn Văn An", phone="0912345678", email="an@x.vn").member
    till.svc.members.enroll(till.cashier, "Nguyễn Thị Anh", phone="0987654321")
    till.svc.members.enroll(till.cashier, "Đặng Văn Ấn")
    names = lambda q: [h.full_name for h in till.svc.members.search(q)]  # noqa: E731
    assert names("nguyen van an") == ["Nguyễn Văn An"]
    assert names("NGUYEN VAN AN") == ["Nguyễn Văn An"]
    assert set(names("nguy an")) == {"Nguyễn Văn An", "Nguyễn Thị Anh"}
    assert names("dang") == ["Đặng Văn Ấn"]
    assert set(names("an")) == {"Nguyễn Văn An", "Nguyễn Thị Anh", "Đặng Văn Ấn"}
    assert names("0912") == ["Nguyễn Văn An"]
    assert names("+84 98765") == ["Nguyễn Thị Anh"]
    assert names("an@") == ["Nguyễn Văn An"]
    assert names(an.member_number[:8]) != []
    assert names('"; DROP TABLE members; --') == []
    assert names("   ") == []
    assert till.svc.members.by_number(an.member_number).id == an.id
    with pytest.raises(InvalidInput):
        till.svc.members.by_number(an.member_number[:-1] + str((int(an.member_number[-1]) + 1) % 10))


def test_card_link_identify_block_replace(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Lê Thị Hoa").member
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(500000)), "HD1")
    ref = till.svc.cards.ref_for_uid("04:A2:2B:3C:4D:5E:80")
    card = till.svc.cards.link(till.cashier, member.id, ref)
    assert card.label == "…5E80"
    assert till.svc.cards.identify(ref.token).balance == 100
    with pytest.raises(Conflict):
        till.svc.cards.link(till.cashier, member.id, ref)
    with pytest.raises(UnknownCard):
        till.svc.cards.identify(till.svc.cards.ref_for_uid("04112233445566").token)
    # The raw UID is never stored.
    with till.store.read() as s:
        assert "04A22B3C4D5E80" not in str(s.execute(text("SELECT * FROM cards")).all()).upper()
    new_ref = till.svc.cards.ref_for_uid("04998877665544")
    with pytest.raises(PermissionDenied):
        till.svc.cards.replace(till.cashier, card.id, new_ref, "lost")
    new = till.svc.cards.replace(till.manager, card.id, new_ref, "lost")
    with pytest.raises(CardBlocked):
        till.svc.cards.identify(ref.token)
    assert till.svc.cards.identify(new_ref.token).balance == 100  # the balance stays with the member
    blocked = till.svc.cards.block(till.cashier, new.id, "stolen")
    assert blocked.status == "blocked"
    with pytest.raises(CardBlocked):
        till.svc.cards.identify(new_ref.token)
    barcode = till.svc.cards.ref_for_code(member.member_number, CardKind.QR)
    till.svc.cards.link(till.cashier, member.id, barcode)
    assert till.svc.cards.identify(barcode.token).id == member.id


def test_sign_in_and_lockout(till: Till) -> None:
    with pytest.raises(AuthenticationFailed):
        till.svc.staff.sign_in("1001", "0000")
    with pytest.raises(AuthenticationFailed):
        till.svc.staff.sign_in("7777", "1111")  # unknown code: the same message
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            till.svc.staff.sign_in("1001", "0000")
    with pytest.raises(AccountLocked):
        till.svc.staff.sign_in("1001", "1111")
    till.clock.advance(minutes=6)
    assert till.svc.staff.sign_in("1001", "1111").name == "Mai"
    with till.store.read() as s:
        pin_hash = s.scalars(select(m.Staff.pin_hash).where(m.Staff.code == "1001")).one()
    assert pin_hash.startswith("$argon2id$") and "1111" not in pin_hash


def test_merge_moves_points_cards_and_keeps_expiry(till: Till) -> None:
    keep = till.svc.members.enroll(till.cashier, "Nguyễn Văn An", phone="0912000001").member
    dup = till.svc.members.enroll(till.cashier, "Nguyen Van An", email="an@x.vn").member
    till.svc.points.award(till.cashier, dup.id, Basket.of_total(Money(1_000_000)), "HD1")
    ref = till.svc.cards.ref_for_uid("04010203040506")
    till.svc.cards.link(till.cashier, dup.id, ref)
    with till.store.read() as s:
        moving = sorted(
            (lot.remaining, lot.expires_at)
            for lot in s.scalars(select(m.Lot).where(m.Lot.member_id == dup.id, m.Lot.remaining > 0))
        )
    with pytest.raises(PermissionDenied):
        till.svc.members.merge(till.cashier, dup.id, keep.id, "duplicate")
    change = till.svc.members.merge(till.manager, dup.id, keep.id, "same person, two sign-ups")
    assert change.member.balance == 50 + 50 + 100
    assert change.member.email == "an@x.vn"
    assert till.svc.cards.identify(ref.token).id == keep.id
    assert till.svc.members.by_number(dup.member_number).id == keep.id
    with pytest.raises(MemberInactive):
        till.svc.points.award(till.cashier, dup.id, Basket.of_total(Money(100000)), "HD2")
    with till.store.read() as s:
        src = s.get(m.Member, dup.id)
        assert src is not None and src.status == "merged" and src.balance == 0
        transferred = s.scalars(
            select(m.Lot)
            .join(m.LedgerEntry, m.LedgerEntry.id == m.Lot.id)
            .where(m.Lot.member_id == keep.id, m.LedgerEntry.kind == "transfer")
        ).all()
        # Each moved lot keeps its points and its expiry date.
        assert sorted((lot.remaining, lot.expires_at) for lot in transferred) == moving


def test_history_newest_first_with_paging(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Lê Văn Hùng").member
    for i in range(5):
        till.clock.advance(minutes=1)
        till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(100000 * (i + 1))), f"HD{i}")
    page = till.svc.members.history(member.id, limit=3)
    assert [e.receipt_ref for e in page] == ["HD4", "HD3", "HD2"]
    rest = till.svc.members.history(member.id, limit=10, before_seq=page[-1].id)
    assert [e.receipt_ref for e in rest] == ["HD1", "HD0", None]
    seqs = [e.seq for e in page + rest]
    assert seqs == sorted(seqs, reverse=True)


def test_sensitive_actions_are_audited_and_chain_verifies(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Phan Thị Châu").member
    till.svc.points.adjust(till.manager, member.id, 100, "goodwill after complaint")
    card = till.svc.cards.link(till.cashier, member.id, till.svc.cards.ref_for_uid("04AABBCCDDEEFF"))
    till.svc.cards.block(till.cashier, card.id, "lost")
    with till.store.read() as s:
        actions = list(s.scalars(select(m.AuditRecord.action).order_by(m.AuditRecord.seq)))
        assert {"points.adjust", "card.link", "card.block", "staff.sign_in", "program.install"} <= set(
            actions
        )
        assert verify_audit_chain(s) == []


def test_ledger_is_append_only_in_the_file(till: Till) -> None:
    import sqlite3

    member = till.svc.members.enroll(till.cashier, "Tạ Văn Bảo").member
    till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(100000)), "HD1")
    con = sqlite3.connect(till.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE ledger_entries SET points = 1000")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM ledger_entries")
    con.close()
