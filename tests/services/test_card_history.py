"""A card's history and look-up through the real services: linked, blocked, replaced, issued as a
replacement, moved by a merge, each with who and why; a card this till has no record of still has one."""

from __future__ import annotations

from sqlalchemy import update

from app.store import models as m
from loyalty.identity import CardKind, CardRef
from tests.services.conftest import Till


def test_a_cards_life_from_link_to_replacement(till: Till) -> None:
    cards = till.svc.cards
    lan = till.svc.members.enroll(till.cashier, "Nguyễn Thị Lan").member
    old = cards.link(till.cashier, lan.id, cards.ref_for_uid("04AA000000AA01"))
    till.clock.advance(hours=1)
    cards.block(till.cashier, old.id, "lost at the market")
    till.clock.advance(days=2)
    new = cards.replace(till.manager, old.id, cards.ref_for_uid("04BB000000BB02"), "customer came back")

    assert [(e.event, e.staff, e.reason, e.member_number, e.other_card) for e in cards.history(old.id)] == [
        ("linked", "Mai", None, lan.member_number, None),
        ("blocked", "Mai", "lost at the market", None, None),
        ("replaced", "Lan", "customer came back", None, new.label),
    ]
    history = cards.history(new.id)
    assert [(e.event, e.staff, e.reason, e.other_card) for e in history] == [
        ("issued", "Lan", "customer came back", old.label)
    ]
    assert history[0].at == till.clock.now

    looked_up = cards.lookup(cards.ref_for_uid("04AA000000AA01").token)
    assert looked_up is not None and looked_up.status == "replaced" and looked_up.replaced_by_id == new.id
    assert cards.lookup(cards.ref_for_uid("04CC000000CC03").token) is None


def test_a_merge_moves_the_card_and_says_so(till: Till) -> None:
    keep = till.svc.members.enroll(till.cashier, "Trần Văn Bình").member
    dup = till.svc.members.enroll(till.cashier, "Tran Van Binh").member
    card = till.svc.cards.link(till.cashier, dup.id, till.svc.cards.ref_for_uid("04DD000000DD04"))
    till.svc.members.merge(till.manager, dup.id, keep.id, "same person")
    assert [(e.event, e.staff, e.member_number, e.reason) for e in till.svc.cards.history(card.id)] == [
        ("linked", "Mai", dup.member_number, None),
        ("moved", "Lan", keep.member_number, "same person"),
    ]


def test_a_card_without_a_record_here_still_has_a_history(till: Till) -> None:
    """A card pulled from the central (made and blocked at another till) has no audit record here."""
    member = till.svc.members.enroll(till.cashier, "Lê Thị Hoa").member
    with till.store.write() as s:
        card = m.Card(
            token=CardRef("tok-elsewhere", CardKind.UID, "UID …EE05").token,
            kind="uid",
            status="active",
            member_id=member.id,
            label="UID …EE05",
            created_at=till.clock.now,
        )
        s.add(card)
        s.flush()
        s.execute(
            update(m.Card)
            .where(m.Card.id == card.id)
            .values(status="blocked", status_reason="stolen", status_changed_at=till.clock.now)
        )
        card_id = card.id
    assert [(e.event, e.staff, e.reason) for e in till.svc.cards.history(card_id)] == [
        ("added", None, None),
        ("blocked", None, "stolen"),
    ]
