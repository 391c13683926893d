"""One receipt number used at two tills of a store while they were offline, with the central as a real process.

Each till numbers its own receipts, so two tills can award the same number; the central keeps both awards.
Every till then holds both entries (none is dropped at a pull), every balance is the central's, the store's
checks are clean, the pull says in the log which two entries share the number, and pushes sent again change
nothing. A return by that number takes this till's own sale, and a till that made neither says so in a
sentence instead of picking one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.services.receipts import ReceiptBook
from app.services.returns_preview import ReturnDesk
from app.services.syncing import TillSyncStore
from app.store import models as m
from app.store.integrity import check_database
from loyalty.errors import ReturnNotAllowed
from loyalty.money import Money
from loyalty.quote import Basket
from sync.port import PushBatch
from sync.protocol import InboxEntry, ItemStatus, PushRequest, Reason

from .conftest import EnrolledTill, MakeTill
from .test_members_sync import central_client, enrol, number_of, sync

RECEIPT = "HD1"


@dataclass
class Clash:
    a: EnrolledTill
    b: EnrolledTill
    members: list[str]  # the member ids (one or two)
    a_entry: str
    b_entry: str
    batches: list[tuple[EnrolledTill, PushBatch]]


def _award(till: EnrolledTill, member_id: str, amount: int) -> str:
    change = till.svc.points.award(till.cashier, member_id, Basket.of_total(Money(amount)), RECEIPT)
    return change.entries[0].id


def _stored_batch(till: EnrolledTill) -> tuple[EnrolledTill, PushBatch]:
    """The batch the till's next push sends (kept by the till until answered), to send again later."""
    batch = TillSyncStore(till.store).batch(500)
    assert batch is not None
    return till, batch


def _clash(make_till: MakeTill, *, two_members: bool) -> Clash:
    a = make_till()
    b = make_till(a.store_code, 2)
    members = [enrol(a, "Trần Thị Lan")] + ([enrol(a, "Lê Văn Minh")] if two_members else [])
    sync(a, b)
    a_entry = _award(a, members[0], 120_000)  # both offline: neither knows of the other's award
    b_entry = _award(b, members[-1], 80_000)
    batches = [_stored_batch(a), _stored_batch(b)]
    sync(a, b)
    sync(a, b)
    return Clash(a, b, members, a_entry, b_entry, batches)


def _receipt_items(till: EnrolledTill) -> list[InboxEntry]:
    with central_client(till) as client:
        return [e for e in client.inbox(status="all").items if e.kind == "receipt"]


def _earns(till: EnrolledTill) -> set[str]:
    with till.store.read() as session:
        return set(
            session.scalars(
                select(m.LedgerEntry.id).where(
                    m.LedgerEntry.kind == "earn", m.LedgerEntry.receipt_ref == RECEIPT
                )
            )
        )


@pytest.mark.parametrize("two_members", [False, True], ids=["one member", "two members"])
def test_both_tills_keep_both_awards_and_agree_with_the_central(
    make_till: MakeTill, two_members: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="app.services.sale_by_receipt")
    clash = _clash(make_till, two_members=two_members)
    a, b = clash.a, clash.b
    both = {clash.a_entry, clash.b_entry}

    assert _earns(a) == both
    assert _earns(b) == both
    for till in (a, b):
        for member_id in clash.members:
            assert till.balance(member_id) == till.central_member(number_of(till, member_id)).balance
        with till.store.read() as session:
            assert check_database(session) == []
    # Each till said, on taking in the other's award, which two entries share the number.
    warnings = [r.getMessage() for r in caplog.records if "awarded at two tills" in r.getMessage()]
    assert any(clash.a_entry in w and clash.b_entry in w for w in warnings)
    assert len(warnings) == 2
    # The central put the second award in the managers' inbox, naming the first (a pushed first).
    receipts = _receipt_items(a)
    assert len(receipts) == 1
    (item,) = receipts
    assert item.item_id == clash.b_entry and item.member_id == clash.members[-1]
    assert item.reason is Reason.RECEIPT_TWICE and item.detail is not None
    assert clash.a_entry in item.detail and number_of(a, clash.members[0]) in item.detail

    # The pushes sent again (a lost reply, twice): nothing is counted again, anywhere.
    for _ in range(2):
        for till, batch in clash.batches:
            settings = TillSyncStore(till.store).settings()
            assert settings is not None
            with central_client(till) as client:
                answer = client.push(
                    PushRequest(till_id=settings.till_id, epoch=batch.epoch, items=list(batch.items))
                )
            assert {r.status for r in answer.results} == {ItemStatus.DUPLICATE}
    sync(a, b)
    assert _earns(a) == both and _earns(b) == both
    assert _receipt_items(b) == receipts  # one inbox item however often the pushes come
    for till in (a, b):
        for member_id in clash.members:
            assert till.balance(member_id) == till.central_member(number_of(till, member_id)).balance


def test_a_second_award_of_a_known_receipt_is_still_refused(make_till: MakeTill) -> None:
    """The guard against awarding one receipt twice stays: once the other till's award has been pulled, this
    till refuses another sale under the number."""
    a = make_till()
    b = make_till(a.store_code, 2)
    lan = enrol(a, "Trần Thị Lan")
    sync(a, b)
    _award(a, lan, 120_000)
    sync(a, b)
    with pytest.raises(Exception, match="already earned points"):
        _award(b, lan, 80_000)


def test_a_return_by_the_number_takes_this_tills_own_sale(make_till: MakeTill) -> None:
    clash = _clash(make_till, two_members=True)
    a, b = clash.a, clash.b
    lan, minh = clash.members

    assert ReturnDesk(a.svc.core).receipt_info(RECEIPT).bill == Money(120_000)
    assert ReturnDesk(b.svc.core).receipt_info(RECEIPT).bill == Money(80_000)
    assert ReceiptBook(a.svc.core).find(RECEIPT).entries[0].id == clash.a_entry
    assert ReceiptBook(b.svc.core).find(RECEIPT).entries[0].id == clash.b_entry

    before = a.balance(lan), a.balance(minh)
    returned = a.svc.points.process_return(a.manager, RECEIPT, Money(120_000))
    assert returned.entries[0].reverses_id == clash.a_entry
    assert returned.member is not None and returned.member.id == lan
    assert a.balance(minh) == before[1]
    assert a.balance(lan) < before[0]
    sync(a, b)
    for till in (a, b):
        for member_id in (lan, minh):
            assert till.balance(member_id) == till.central_member(number_of(till, member_id)).balance
    # b's own sale is still whole: nothing was refunded on it.
    assert ReturnDesk(b.svc.core).receipt_info(RECEIPT).refunded == Money(0)


def test_a_till_that_made_neither_sale_asks_instead_of_picking_one(make_till: MakeTill) -> None:
    clash = _clash(make_till, two_members=True)
    c = make_till(clash.a.store_code, 3)
    sync(c)
    numbers = [number_of(c, member_id) for member_id in clash.members]

    with pytest.raises(ReturnNotAllowed) as refused:
        ReturnDesk(c.svc.core).receipt_info(RECEIPT)
    message = refused.value.message
    assert "was used for 2 sales at other tills" in message
    assert "make the return at the till that made the sale" in message
    assert all(number in message for number in numbers)
    with pytest.raises(ReturnNotAllowed):
        c.svc.points.process_return(c.manager, RECEIPT, Money(10_000))
    with c.store.read() as session:
        assert session.scalar(select(m.LedgerEntry.id).where(m.LedgerEntry.kind == "reverse")) is None
