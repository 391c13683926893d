"""Members, cards, merges and erasures between two tills and the central as a real process: profile edits go
up as ``member_edit`` items and merge field by field, a block beats a link everywhere, a merge made at one till
is followed at the other (an old card finds the survivor), an erasure reaches every till and nothing brings
the person back; and a change of a kind a till does not know stops its pull there instead of being lost."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.services import sync_apply
from app.services.privacy import PrivacyService
from app.services.syncing import TillSyncStore
from app.store import models as m
from app.store.integrity import check_database
from app.sync_commands import status_report, summary
from app.ui.launch import build_window
from app.ui.status import attach_sync
from central import models as cm
from loyalty.errors import CardBlocked
from loyalty.money import Money
from loyalty.quote import Basket
from sync.client import CentralClient
from sync.protocol import ERASED_NAME, ChangeKind

from .conftest import Central, EnrolledTill, MakeTill


@contextmanager
def central_client(till: EnrolledTill) -> Iterator[CentralClient]:
    credentials = TillSyncStore(till.store).credentials()
    assert credentials is not None
    with CentralClient.connect(till.central_url, credentials.token) as client:
        yield client


def sync(*tills: EnrolledTill) -> None:
    for till in tills:
        report = till.engine().sync_once()
        assert report.stopped is None, report.stopped


def enrol(till: EnrolledTill, name: str, phone: str | None = None, email: str | None = None) -> str:
    return till.svc.members.enroll(till.cashier, name, phone=phone, email=email).member.id


def award(till: EnrolledTill, member_id: str, amount: int, receipt: str) -> None:
    till.svc.points.award(till.cashier, member_id, Basket.of_total(Money(amount)), receipt)


def profile(till: EnrolledTill, member_id: str) -> tuple[str, str | None, str | None]:
    view = till.svc.members.get(member_id)
    return view.full_name, view.phone, view.email


def number_of(till: EnrolledTill, member_id: str) -> str:
    return till.svc.members.get(member_id).member_number


def checks_pass(*tills: EnrolledTill) -> None:
    for till in tills:
        with till.store.read() as session:
            assert check_database(session) == []


# -- a change this till does not know ----------------------------------------------------------------------
def _serve(central: Central, store_code: str, kind: str, body: dict[str, Any]) -> int:
    """A change in the store's log as a newer central would write it (the log's numbering kept)."""
    with Session(central.engine) as session, session.begin():
        store = session.scalars(select(cm.Store).where(cm.Store.code == store_code)).one()
        no = session.execute(
            update(cm.Store)
            .where(cm.Store.id == store.id)
            .values(last_change=cm.Store.last_change + 1)
            .returning(cm.Store.last_change)
        ).scalar_one()
        session.add(
            cm.Change(
                store_id=store.id,
                no=no,
                kind=kind,
                origin_till_id=None,
                body=body,
                created_at=datetime.now(UTC),
            )
        )
    return int(no)


@pytest.mark.parametrize(
    ("kind", "body", "sentence"),
    [
        ("voucher", {"code": "TET-2027"}, "needs an update to take in changes of kind 'voucher'"),
        ("card", {"token": "uid:00"}, "needs an update to take in change"),
    ],
    ids=["unknown kind", "unreadable body"],
)
def test_a_change_the_till_cannot_take_in_stops_the_pull_there_and_pushing_goes_on(
    make_till: MakeTill,
    central: Central,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    body: dict[str, Any],
    sentence: str,
) -> None:
    a = make_till()
    b = make_till(a.store_code, 2)
    lan = enrol(a, "Trần Thị Lan")
    sync(a, b)
    no = _serve(central, a.store_code, kind, body)
    award(a, lan, 200_000, "A-1")  # after the change b cannot take in
    assert a.engine().sync_once(pull=False).applied == 1

    report = b.engine().sync_once()
    assert report.stopped is not None and sentence in report.stopped
    assert f"change {no}" in report.stopped
    port = TillSyncStore(b.store)
    assert port.pull_stopped() == report.stopped
    assert port.cursor().endswith(f".{no - 1}")  # right before the change: it waits at the central
    engine = b.engine()
    award(b, lan, 100_000, "B-1")
    again = engine.sync_once()
    assert again.applied == 1 and again.waiting == 0  # b's sale still reaches the central
    assert engine.status.get().pull_stopped == again.stopped
    assert f"The pull stopped: {again.stopped}." in summary(again, engine)
    assert status_report(b.store)["pull_stopped"] == again.stopped
    assert again.stopped is not None and sentence in again.stopped
    central_balance = a.central_member(number_of(a, lan)).balance
    assert b.balance(lan) < central_balance  # a's award waits behind the change

    # The till updated: it takes the change in, and everything after it.
    monkeypatch.setitem(sync_apply._APPLY, kind, lambda _session, _body, _till: True)
    updated = b.engine().sync_once()
    assert updated.stopped is None and port.pull_stopped() is None
    assert status_report(b.store)["pull_stopped"] is None
    assert b.balance(lan) == central_balance
    checks_pass(b)


def test_the_status_bar_says_the_till_needs_an_update(
    qtbot: QtBot, make_till: MakeTill, central: Central
) -> None:
    till = make_till()
    enrol(till, "Trần Thị Lan")
    _serve(central, till.store_code, "voucher", {"code": "TET-2027"})
    window, display = build_window(till.store, till.svc, language="en")
    qtbot.addWidget(window)
    qtbot.addWidget(display)
    bar = window.status_bar
    engine = attach_sync(bar, till.store)
    assert engine is not None
    try:
        qtbot.waitUntil(lambda: bar.sync.text() == "Online, update needed to receive changes", timeout=20_000)
        assert "kind 'voucher'" in bar.sync.toolTip()
        assert TillSyncStore(till.store).waiting() == 0  # the enrolment went up all the same
    finally:
        engine.stop()
        bar.shutdown()
        window.shutdown()


# -- profile edits ------------------------------------------------------------------------------------------
def test_a_profile_edit_at_one_till_is_seen_at_the_other(make_till: MakeTill) -> None:
    a = make_till()
    b = make_till(a.store_code, 2)
    lan = enrol(a, "Tran Thi Lan", phone="0901234567")
    sync(a, b)
    a.svc.members.edit(a.cashier, lan, full_name="Trần Thị Lan", email="lan@example.vn", phone="")
    sync(a, b)
    assert profile(b, lan) == ("Trần Thị Lan", None, "lan@example.vn")
    assert a.central_member(number_of(a, lan)).full_name == "Trần Thị Lan"
    assert b.svc.members.search("tran thi")[0].member_id == lan
    with b.store.read() as session:  # nothing of it went back up from b
        assert session.scalar(select(func.count()).where(m.OutboxItem.entity == "member_edit")) == 0
    checks_pass(a, b)


def test_offline_edits_of_two_fields_resolve_field_by_field(make_till: MakeTill) -> None:
    a = make_till()
    b = make_till(a.store_code, 2)
    lan = enrol(a, "Nguyễn Thị Lan", phone="0901234567")
    sync(a, b)
    # Both offline: a corrects the name, b the e-mail; then both change the phone, b later.
    a.svc.members.edit(a.cashier, lan, full_name="Nguyễn Thị Lành")
    b.svc.members.edit(b.cashier, lan, email="lanh@example.vn")
    a.svc.members.edit(a.cashier, lan, phone="0907654321")
    b.svc.members.edit(b.cashier, lan, phone="0912345678")
    # b comes back first, a after it: the later phone (b's) still wins, and each keeps the other's field.
    sync(b, a, b)
    wanted = ("Nguyễn Thị Lành", "+84912345678", "lanh@example.vn")
    assert profile(a, lan) == wanted and profile(b, lan) == wanted
    central = a.central_member(number_of(a, lan))
    assert central.full_name == wanted[0]
    checks_pass(a, b)


# -- cards ----------------------------------------------------------------------------------------------------
def test_a_block_at_one_till_beats_a_link_at_the_other(make_till: MakeTill) -> None:
    a = make_till()
    b = make_till(a.store_code, 2)
    lan, minh = enrol(a, "Lý Thị Lan"), enrol(a, "Đỗ Văn Minh")
    sync(a, b)
    ref = a.svc.cards.ref_for_uid("04A1B2C3D4E5F6")
    card = a.svc.cards.link(a.cashier, lan, ref)
    sync(a)
    a.svc.cards.block(a.cashier, card.id, "lost")
    sync(a)
    # b has not heard of the card: it links the same card to another member, offline.
    b.svc.cards.link(b.cashier, minh, b.svc.cards.ref_for_uid("04A1B2C3D4E5F6"))
    report = b.engine().sync_once()
    assert report.refused == 1  # "a block beats a link": in the managers' inbox
    for till in (a, b):
        with pytest.raises(CardBlocked):
            till.svc.cards.identify(ref.token)
        held = till.svc.cards.lookup(ref.token)
        assert held is not None and (held.status, held.member_id) == ("blocked", lan)
    with central_client(b) as client:
        reasons = [item.reason.value for item in client.inbox().items]
    assert "card_blocked" in reasons
    sync(a, b)
    checks_pass(a, b)


def test_a_card_linked_and_replaced_at_one_till_works_at_the_other(make_till: MakeTill) -> None:
    a = make_till()
    b = make_till(a.store_code, 2)
    lan = enrol(a, "Lý Thị Lan")
    sync(a, b)
    old = a.svc.cards.link(a.cashier, lan, a.svc.cards.ref_for_uid("04A1B2C3D4E5F7"))
    sync(a, b)
    assert b.svc.cards.identify(a.svc.cards.ref_for_uid("04A1B2C3D4E5F7").token).id == lan
    a.svc.cards.replace(a.manager, old.id, a.svc.cards.ref_for_uid("04A1B2C3D4E5F8"), "damaged")
    sync(a, b, a, b)  # the same changes again: nothing new
    with pytest.raises(CardBlocked):
        b.svc.cards.identify(a.svc.cards.ref_for_uid("04A1B2C3D4E5F7").token)
    assert b.svc.cards.identify(a.svc.cards.ref_for_uid("04A1B2C3D4E5F8").token).id == lan
    assert [c.status for c in b.svc.cards.cards_of(lan)] == ["replaced", "active"]
    checks_pass(a, b)


# -- merges ---------------------------------------------------------------------------------------------------
def test_a_merge_at_one_till_is_followed_at_the_other(make_till: MakeTill) -> None:
    a = make_till()
    b = make_till(a.store_code, 2)
    dup = enrol(a, "Phạm Thị Hoa", phone="0901111222")
    keep = enrol(a, "Phạm Thị Hoa")
    ref = a.svc.cards.ref_for_uid("04C1C2C3C4C5C6")
    a.svc.cards.link(a.cashier, dup, ref)
    award(a, dup, 300_000, "A-1")
    award(a, keep, 100_000, "A-2")
    sync(a, b)
    # b, offline, earns for the duplicate; a merges meanwhile.
    award(b, dup, 200_000, "B-1")
    a.svc.members.merge(a.manager, dup, keep, "enrolled twice")
    sync(a, b, a, b)

    found = b.svc.cards.identify(ref.token)
    assert found.id == keep
    central = a.central_member(number_of(a, keep))
    assert central.balance == found.balance == a.balance(keep) == b.balance(keep)
    assert a.central_member(number_of(a, dup)).balance == a.balance(dup) == b.balance(dup) == 0
    assert b.svc.members.get(dup).status == "merged"
    assert profile(b, keep)[1] == "+84901111222"  # the contact moved with the merge
    assert b.svc.members.by_number(number_of(b, dup)).id == keep
    checks_pass(a, b)


# -- erasures ---------------------------------------------------------------------------------------------------
def test_an_erasure_reaches_everyone_and_a_later_edit_does_not_bring_the_person_back(
    make_till: MakeTill, central: Central
) -> None:
    a = make_till()
    b = make_till(a.store_code, 2)
    lan = enrol(a, "Khúc Thừa Lan", phone="0901234569", email="lan@example.vn")
    award(a, lan, 500_000, "A-1")
    sync(a, b)
    number = number_of(a, lan)
    balance = a.balance(lan)
    b.svc.members.edit(b.cashier, lan, full_name="Khúc Thừa Lành")  # offline, before it hears of the erasure
    PrivacyService(a.svc.core).erase(a.manager, lan, "asked at the counter", confirm_number=number)
    sync(a, a)

    at_central = a.central_member(number)
    assert (at_central.status, at_central.full_name, at_central.balance) == ("erased", ERASED_NAME, balance)
    with Session(central.engine) as session:
        audits = session.scalars(
            select(cm.AuditRecord).where(
                cm.AuditRecord.action == "member.erase", cm.AuditRecord.subject == lan
            )
        ).all()
        assert len(audits) == 1 and audits[0].details["member"] == number
        kinds = session.scalars(
            select(cm.Change.kind).where(cm.Change.body["member_id"].as_string() == lan)
        ).all()
        assert kinds.count(ChangeKind.ERASE.value) == 1

    report = b.engine().sync_once()
    assert report.refused == 1  # b's edit: refused at the central, a sentence in the inbox
    with central_client(b) as client:
        refused = [item for item in client.inbox().items if item.reason.value == "member_erased"]
    assert len(refused) == 1 and refused[0].detail is not None and "erased" in refused[0].detail
    assert a.central_member(number).full_name == ERASED_NAME
    there = b.svc.members.get(lan)
    assert (there.status, there.full_name, there.phone, there.email) == ("erased", ERASED_NAME, None, None)
    assert there.balance == balance
    assert b.svc.members.search("Khúc Thừa") == []
    sync(a, b)
    assert a.central_member(number).full_name == ERASED_NAME
    with b.store.read() as session:
        assert (
            session.scalar(
                select(func.count()).where(
                    m.AuditRecord.action == "member.erase", m.AuditRecord.subject_id == lan
                )
            )
            == 1
        )
    checks_pass(a, b)
