"""An erasure made at one till reaches the central and the other tills of the store at their next sync
(the central as a real process): the profile anonymised everywhere, cards unlinked, the points kept."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.services.privacy import ERASED_NAME, PrivacyService
from app.store import models as m
from app.store.integrity import check_database
from loyalty.money import Money
from loyalty.quote import Basket

from .conftest import MakeTill


def test_an_erasure_reaches_the_central_and_the_other_tills(make_till: MakeTill) -> None:
    a = make_till()
    b = make_till(a.store_code, 2)
    lan = a.svc.members.enroll(
        a.cashier, "Khúc Thừa Lan", phone="0901234569", email="lan@example.vn", birthday=date(1991, 2, 3)
    ).member
    a.svc.points.award(a.cashier, lan.id, Basket.of_total(Money(800_000)), "A-1")
    a.engine().sync_once()
    b.engine().sync_once()
    assert b.svc.members.get(lan.id).full_name == "Khúc Thừa Lan"
    b.svc.cards.link(b.cashier, lan.id, b.svc.cards.ref_for_uid("04B1B2C3D4E5F6"))
    balance = a.balance(lan.id)

    PrivacyService(a.svc.core).erase(
        a.manager, lan.id, "asked at the counter", confirm_number=lan.member_number
    )
    report = a.engine().sync_once()
    assert report.refused == 0
    central = a.central_member(lan.member_number)
    assert (central.status, central.full_name) == ("erased", ERASED_NAME)
    assert central.balance == balance

    b.engine().sync_once()
    there = b.svc.members.get(lan.id)
    assert (there.status, there.full_name, there.phone, there.email) == ("erased", ERASED_NAME, None, None)
    assert there.balance == balance
    assert b.svc.members.search("Khúc Thừa") == [] and b.svc.members.search("0901234569") == []
    with b.store.read() as session:
        assert session.scalars(select(m.Card).where(m.Card.member_id == lan.id)).all() == []
        assert session.scalar(select(m.AuditRecord.details).where(m.AuditRecord.action == "member.erase"))
        assert check_database(session) == []
    with a.store.read() as session:
        assert check_database(session) == []
