"""Enrolment as the till's enrol screen uses it: one id per form (a retry never enrols twice), the card
linked in the same transaction, the consent texts with their versions; and a blocked or replaced card
refused with its reason and its day."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.services.members import CONSENT_TEXTS
from app.store import models as m
from loyalty.errors import CardBlocked, Conflict, InvalidInput
from loyalty.ids import new_id
from tests.services.conftest import Till


def _count(till: Till, model: type[m.Base]) -> int:
    with till.store.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_the_same_enrolment_sent_twice_enrols_once(till: Till) -> None:
    key = new_id()
    first = till.svc.members.enroll(till.cashier, "Đỗ Thị Hằng", phone="0912000111", member_id=key)
    again = till.svc.members.enroll(till.cashier, "Đỗ Thị Hằng", phone="0912000111", member_id=key)
    assert first.member.id == key and not first.replayed
    assert (
        again.replayed and again.member.id == key and again.member.member_number == first.member.member_number
    )
    assert [e.points for e in again.entries] == [e.points for e in first.entries] == [50]
    assert _count(till, m.Member) == 1
    assert again.member.balance == 50  # the welcome bonus once
    # Without the key, the same phone number is another person: refused, as before.
    with pytest.raises(Conflict):
        till.svc.members.enroll(till.cashier, "Đỗ Thị Hằng", phone="0912000111")


def test_an_enrolment_key_that_is_not_an_id_is_refused(till: Till) -> None:
    with pytest.raises(InvalidInput):
        till.svc.members.enroll(till.cashier, "Lý Văn Tú", member_id="../../etc")
    assert _count(till, m.Member) == 0


def test_a_card_is_linked_with_the_enrolment_or_nothing_is_written(till: Till) -> None:
    ref = till.svc.cards.ref_for_uid("04A1A2A3A4A5A6")
    change = till.svc.members.enroll(till.cashier, "Mạc Văn Khoa", card=ref)
    assert till.svc.cards.identify(ref.token).id == change.member.id
    with till.store.read() as s:
        actions = list(s.scalars(select(m.AuditRecord.action)))
    assert "card.link" in actions
    # The same card again: the whole enrolment is refused, no half-made member is left behind.
    with pytest.raises(Conflict):
        till.svc.members.enroll(till.cashier, "Mạc Thị Lụa", phone="0933000222", card=ref)
    assert _count(till, m.Member) == 1 and _count(till, m.Card) == 1


def test_consent_texts_carry_their_version_and_are_recorded_as_answered(till: Till) -> None:
    purposes = [c.purpose for c in CONSENT_TEXTS]
    assert purposes == ["marketing", "personalisation"]
    for consent in CONSENT_TEXTS:
        assert consent.version and consent.text("vi") != consent.text("en")
    answers = (CONSENT_TEXTS[0].answer(True), CONSENT_TEXTS[1].answer(False))
    member = till.svc.members.enroll(till.cashier, "Tăng Thị Nhung", consents=answers).member
    recorded = till.svc.members.consents(member.id)
    assert recorded["marketing"].granted and recorded["marketing"].text_version == CONSENT_TEXTS[0].version
    assert not recorded["personalisation"].granted


def test_a_blocked_card_is_refused_with_its_reason_and_day(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Kiều Văn Lực").member
    ref = till.svc.cards.ref_for_uid("04B1B2B3B4B5B6")
    card = till.svc.cards.link(till.cashier, member.id, ref)
    till.clock.advance(hours=15)  # 2026-03-02 18:00 UTC is already the 3rd in Ho Chi Minh City
    till.svc.cards.block(till.cashier, card.id, "  lost at the market ")
    with pytest.raises(CardBlocked) as refused:
        till.svc.cards.identify(ref.token)
    err = refused.value
    assert err.params["reason"] == "lost at the market" and err.params["date"] == date(2026, 3, 3)
    assert err.message == (
        "This card was blocked on 2026-03-03 (lost at the market). Ask the customer for their current card "
        "or look them up by phone."
    )
    with pytest.raises(CardBlocked) as again:
        till.svc.cards.block(till.cashier, card.id, "stolen")  # blocking twice says when and why it was
    assert again.value.params["reason"] == "lost at the market"


def test_a_replaced_card_says_it_was_replaced(till: Till) -> None:
    member = till.svc.members.enroll(till.cashier, "Quách Thị Yến").member
    old = till.svc.cards.ref_for_uid("04C1C2C3C4C5C6")
    card = till.svc.cards.link(till.cashier, member.id, old)
    till.svc.cards.replace(till.manager, card.id, till.svc.cards.ref_for_uid("04D1D2D3D4D5D6"), "worn")
    with pytest.raises(CardBlocked) as refused:
        till.svc.cards.identify(old.token)
    assert refused.value.params["status"] == "replaced"
    assert refused.value.message.startswith("This card was replaced by a new card on 2026-03-02.")


def test_a_card_without_a_recorded_day_keeps_the_plain_sentence() -> None:
    err = CardBlocked.of_card("blocked", None, None)
    assert err.message.startswith("This card is blocked.")
