"""Manager corrections on a real SQLite till: reversing one entry (PointsService.reverse_entry) by the ledger's
rules, and the preview of an adjustment or a reversal (app.services.corrections), which is the correction
rehearsed: it writes nothing and says exactly what the correction then does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from app.services.corrections import CorrectionDesk, LotEffect
from app.store import models as m
from app.store.integrity import check_database
from loyalty.errors import InsufficientPoints, InvalidInput, NotFound, PermissionDenied
from loyalty.ids import new_id
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till, make_till, simple_program


@pytest.fixture
def plain(tmp_path: Path) -> Till:
    """1 point per 10.000 ₫, points live six months, no welcome bonus: arithmetic by hand."""
    return make_till(
        tmp_path,
        simple_program(expiry={"months": 6}, redemption={"point_value": 1000, "max_bill_share_percent": 100}),
    )


def _snapshot(till: Till) -> dict[str, Any]:
    with till.store.read() as s:
        tables = [
            row[0]
            for row in s.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            )
        ]
        return {
            t: sorted(map(tuple, s.execute(text(f'SELECT * FROM "{t}"')).all()), key=repr) for t in tables
        }


def _audit(till: Till) -> list[tuple[str, str | None, str | None]]:
    with till.store.read() as s:
        rows = s.execute(select(m.AuditRecord.action, m.AuditRecord.staff_id, m.AuditRecord.subject_id))
        return [(row[0], row[1], row[2]) for row in rows]


def _sale(till: Till, member_id: str, amount: int, receipt: str) -> str:
    return (
        till.svc.points.award(till.cashier, member_id, Basket.of_total(Money(amount)), receipt).entries[0].id
    )


def test_reversing_a_sale_takes_its_points_and_its_spend_back(plain: Till) -> None:
    member = plain.svc.members.enroll(plain.cashier, "Nguyễn Văn An").member
    sale = _sale(plain, member.id, 1_000_000, "HD1")  # +100
    _sale(plain, member.id, 500_000, "HD2")  # +50
    desk = CorrectionDesk(plain.svc.core)
    key = new_id()
    before = _snapshot(plain)
    preview = desk.preview_reverse(plain.manager, sale, "sale rung up on the wrong member", entry_id=key)
    assert _snapshot(plain) == before, "a preview writes nothing"
    assert (preview.before.balance, preview.after.balance, preview.points) == (150, 50, -100)
    assert preview.effect.lots == (
        LotEffect(
            sale, "earn", preview.effect.lots[0].earned_at, preview.effect.lots[0].expires_at, -100, False
        ),
    )
    assert preview.effect.overdraft_points == 0
    change = plain.svc.points.reverse_entry(
        plain.manager, sale, "sale rung up on the wrong member", entry_id=key
    )
    entry = change.entries[0]
    assert (entry.kind, entry.reverses_id, entry.points, entry.id) == ("reverse", sale, -100, key)
    assert entry.amount == Money(-1_000_000) and entry.receipt_ref == "HD1"
    assert change.member.balance == preview.after.balance
    assert desk.recorded(preview.before, change).effect == preview.effect
    assert ("points.reverse", plain.manager.staff_id, sale) in _audit(plain)
    # The same request again (a double Enter) writes nothing new.
    again = plain.svc.points.reverse_entry(
        plain.manager, sale, "sale rung up on the wrong member", entry_id=key
    )
    assert again.replayed and again.entries[0].id == key
    with pytest.raises(InvalidInput, match="nothing is left"):
        plain.svc.points.reverse_entry(plain.manager, sale, "again")
    with plain.store.write() as session:
        assert check_database(session) == []  # chains, caches and lots all agree


def test_reversing_spent_points_records_an_overdraft(plain: Till) -> None:
    member = plain.svc.members.enroll(plain.cashier, "Trần Thị Lan").member
    sale = _sale(plain, member.id, 1_000_000, "HD1")  # +100
    plain.svc.points.redeem(plain.cashier, member.id, 80, bill=Money(200_000), receipt_ref="HD2")
    desk = CorrectionDesk(plain.svc.core)
    preview = desk.preview_reverse(plain.manager, sale, "")
    assert (preview.before.balance, preview.after.balance) == (20, -80)
    assert preview.effect.overdraft_points == 80
    change = plain.svc.points.reverse_entry(plain.manager, sale, "fraudulent sale")
    assert change.overdraft_points == 80 and change.member.balance == -80
    # The next earnings pay the overdraft first.
    _sale(plain, member.id, 1_000_000, "HD3")
    assert plain.svc.members.get(member.id).balance == 20


def test_reversing_a_redemption_gives_the_points_back_with_an_expiry(plain: Till) -> None:
    member = plain.svc.members.enroll(plain.cashier, "Lê Văn Anh").member
    sale = _sale(plain, member.id, 1_000_000, "HD1")
    spent = plain.svc.points.redeem(plain.cashier, member.id, 60, bill=Money(200_000), receipt_ref="HD2")
    desk = CorrectionDesk(plain.svc.core)
    preview = desk.preview_reverse(plain.manager, spent.entries[0].id, "redeemed twice by mistake")
    (lot,) = preview.effect.lots
    assert lot.new and lot.points == 60 and lot.expires_at is not None
    change = plain.svc.points.reverse_entry(plain.manager, spent.entries[0].id, "redeemed twice by mistake")
    assert change.member.balance == 100 == preview.after.balance
    assert change.entries[0].points == 60 and change.entries[0].reverses_id == spent.entries[0].id
    del sale


def test_a_partly_returned_sale_reverses_only_what_is_left(plain: Till) -> None:
    member = plain.svc.members.enroll(plain.cashier, "Phạm Minh Châu").member
    sale = _sale(plain, member.id, 1_000_000, "HD1")
    plain.svc.points.process_return(plain.cashier, "HD1", Money(400_000))  # 40 points back already
    change = plain.svc.points.reverse_entry(plain.manager, sale, "the rest of the sale was voided")
    assert change.entries[0].points == -60
    assert change.entries[0].amount == Money(-600_000)
    assert change.member.balance == 0


def test_what_cannot_be_reversed_is_refused_and_writes_nothing(plain: Till) -> None:
    member = plain.svc.members.enroll(plain.cashier, "Hoàng Đình Minh").member
    sale = _sale(plain, member.id, 1_000_000, "HD1")
    before = _snapshot(plain)
    with pytest.raises(PermissionDenied):
        plain.svc.points.reverse_entry(plain.cashier, sale, "cashier tries")
    with pytest.raises(PermissionDenied):
        CorrectionDesk(plain.svc.core).preview_reverse(plain.cashier, sale, "cashier tries")
    with pytest.raises(InvalidInput, match="Reason"):
        plain.svc.points.reverse_entry(plain.manager, sale, "   ")
    with pytest.raises(NotFound):
        plain.svc.points.reverse_entry(plain.manager, "no-such-entry", "typo")
    assert _snapshot(plain) == before
    first = plain.svc.points.reverse_entry(plain.manager, sale, "voided")
    with pytest.raises(InvalidInput, match="reversal is not reversed"):
        plain.svc.points.reverse_entry(plain.manager, first.entries[0].id, "undo the undo")
    _sale(plain, member.id, 500_000, "HD2")
    plain.clock.advance(days=200)
    plain.svc.points.expire_due()
    with plain.store.read() as s:
        expiry = s.scalars(select(m.LedgerEntry.id).where(m.LedgerEntry.kind == "expire")).first()
    assert expiry is not None
    with pytest.raises(InvalidInput, match="expiry is not reversed"):
        plain.svc.points.reverse_entry(plain.manager, expiry, "goodwill")


def test_adjustment_preview_names_the_lots_it_takes_from_and_matches_the_result(plain: Till) -> None:
    member = plain.svc.members.enroll(plain.cashier, "Võ Thị Lan Anh").member
    older = _sale(plain, member.id, 300_000, "HD1")  # 30, expires first
    plain.clock.advance(days=20)
    newer = _sale(plain, member.id, 500_000, "HD2")  # 50
    desk = CorrectionDesk(plain.svc.core)
    key = new_id()
    before = _snapshot(plain)
    preview = desk.preview_adjust(plain.manager, member.id, -40, "", entry_id=key)
    assert _snapshot(plain) == before
    assert (preview.before.balance, preview.after.balance) == (80, 40)
    assert [(lot.lot_id, lot.points) for lot in preview.effect.lots] == [(older, -30), (newer, -10)]
    change = plain.svc.points.adjust(plain.manager, member.id, -40, "points given twice", entry_id=key)
    assert change.member == preview.after
    recorded = desk.recorded(preview.before, change)
    assert (recorded.after, recorded.effect, recorded.points) == (
        preview.after,
        preview.effect,
        preview.points,
    )
    audit = [row for row in _audit(plain) if row[0] == "points.adjust"]
    assert audit == [("points.adjust", plain.manager.staff_id, member.id)]
    credit = desk.preview_adjust(plain.manager, member.id, 25, "goodwill")
    (lot,) = credit.effect.lots
    assert lot.new and lot.points == 25 and lot.expires_at is not None
    with pytest.raises(InsufficientPoints):
        desk.preview_adjust(plain.manager, member.id, -41, "too much")
    with pytest.raises(PermissionDenied):
        desk.preview_adjust(plain.cashier, member.id, 5, "cashier")
