"""Cards: identify a member from a card, link a card, block a lost one, replace it (balance kept)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.accounts import load_member, member_view, surviving_member_id
from app.services.context import Actor, Permission
from app.services.core import Core
from app.services.staff_cards import StaffCardConflict, StaffCardTapped, staff_card_in_use
from app.services.views import CardEventView, CardView, MemberView
from app.store import models as m
from loyalty.errors import CardBlocked, Conflict, InvalidInput, NotFound, UnknownCard
from loyalty.identity import CardKind, CardRef, code_token, uid_label, uid_token


def card_view(card: m.Card) -> CardView:
    return CardView(
        id=card.id,
        member_id=card.member_id,
        kind=card.kind,
        status=card.status,
        label=card.label,
        created_at=card.created_at,
        replaced_by_id=card.replaced_by_id,
        status_reason=card.status_reason,
    )


class CardService:
    def __init__(self, core: Core) -> None:
        self.core = core

    # -- turning what a reader saw into a token ------------------------------------------------------
    def ref_for_uid(self, uid: str | bytes) -> CardRef:
        return CardRef(uid_token(self.core.uid_key, uid), CardKind.UID, uid_label(uid))

    @staticmethod
    def ref_for_code(member_number: str, kind: CardKind = CardKind.BARCODE) -> CardRef:
        number = member_number.strip()
        return CardRef(code_token(number), kind, "#" + number[-4:])

    # -- identify --------------------------------------------------------------------------------------
    def identify(self, token: str) -> MemberView:
        """The member behind a card token. A blocked or replaced card is refused with a clear reason."""
        core = self.core
        with core.read() as session:
            card = session.scalars(select(m.Card).where(m.Card.token == token)).first()
            if card is None:
                if staff_card_in_use(session, token):
                    raise StaffCardTapped()  # never shown as unknown: nobody is offered to enrol it
                raise UnknownCard()
            if card.status != "active":
                raise _refusal(core, session, card)
            member = load_member(session, surviving_member_id(session, card.member_id))
            return member_view(session, core.program(session), member, core.now())

    def cards_of(self, member_id: str) -> list[CardView]:
        with self.core.read() as session:
            rows = session.scalars(
                select(m.Card).where(m.Card.member_id == member_id).order_by(m.Card.created_at)
            )
            return [card_view(c) for c in rows]

    def lookup(self, token: str) -> CardView | None:
        """The card behind a token whatever its status (the desk shows a blocked card too); None when no
        card has it."""
        with self.core.read() as session:
            card = session.scalars(select(m.Card).where(m.Card.token == token)).first()
            return None if card is None else card_view(card)

    def history(self, card_id: str) -> list[CardEventView]:
        """What happened to a card, oldest first: linked, blocked, replaced (and the card it replaced),
        moved by a merge, each with who, when and why, from the audit log. What the log of this till does
        not hold (a card pulled from the central, blocked at another till) comes from the card itself."""
        with self.core.read() as session:
            card = _card(session, card_id)
            before = session.scalars(select(m.Card).where(m.Card.replaced_by_id == card.id)).first()
            labels = {card.id: card.label}
            if before is not None:
                labels[before.id] = before.label
            events: list[CardEventView] = []
            subjects = [card.id] + ([before.id] if before is not None else [])
            rows = session.execute(
                select(m.AuditRecord, m.Staff.name)
                .outerjoin(m.Staff, m.Staff.id == m.AuditRecord.staff_id)
                .where(m.AuditRecord.subject_type == "card", m.AuditRecord.subject_id.in_(subjects))
                .order_by(m.AuditRecord.seq)
            ).all()
            merges = session.execute(
                select(m.AuditRecord, m.Staff.name)
                .outerjoin(m.Staff, m.Staff.id == m.AuditRecord.staff_id)
                .where(
                    m.AuditRecord.subject_type == "member",
                    m.AuditRecord.subject_id == card.member_id,
                    m.AuditRecord.action == "member.merge",
                )
                .order_by(m.AuditRecord.seq)
            ).all()
            for record, staff_name in rows:
                event = _card_event(record, staff_name or record.staff_id, card.id, labels, session)
                if event is not None:
                    events.append(event)
            for record, staff_name in merges:
                details = _details(record.details)
                if card.id in details.get("cards", ()):
                    events.append(
                        CardEventView(
                            record.at,
                            "moved",
                            staff_name or record.staff_id,
                            _text(details.get("reason")),
                            member_number=_text(details.get("target")),
                        )
                    )
            kinds = {e.event for e in events}
            if not kinds & {"linked", "issued"}:
                events.insert(0, CardEventView(card.created_at, "added", None))
            if card.status == "blocked" and "blocked" not in kinds:
                events.append(
                    CardEventView(
                        card.status_changed_at or card.created_at, "blocked", None, card.status_reason
                    )
                )
            events.sort(key=lambda e: e.at)
            return events

    # -- changes ---------------------------------------------------------------------------------------
    def link(self, actor: Actor, member_id: str, ref: CardRef) -> CardView:
        actor.require(Permission.ENROLL)
        core = self.core
        with core.write() as session:
            member = session.get(m.Member, member_id)
            if member is None:
                raise NotFound(what="member", ref=member_id)
            card = link_card(core, session, actor, member, ref)
            return card_view(card)

    def block(self, actor: Actor, card_id: str, reason: str) -> CardView:
        """Block a lost or stolen card at once (any cashier may: speed protects the customer)."""
        actor.require(Permission.BLOCK_CARD)
        if not reason.strip():
            raise InvalidInput(what="Reason", why="say why the card is blocked (lost, stolen, damaged)")
        core = self.core
        with core.write() as session:
            card = _card(session, card_id)
            if card.status != "active":
                raise _refusal(core, session, card)
            card.status, card.status_reason, card.status_changed_at = "blocked", reason.strip(), core.now()
            core.outbox(session, "card", card.id, "upsert", card_payload(card))
            core.audit(session, actor, "card.block", "card", card.id, {"reason": reason.strip()})
            return card_view(card)

    def replace(self, actor: Actor, card_id: str, new: CardRef, reason: str) -> CardView:
        """Replace a card (manager only): the old one stops working, the new one belongs to the same
        member, so the balance, tier and history stay as they are."""
        actor.require(Permission.REPLACE_CARD)
        if not reason.strip():
            raise InvalidInput(what="Reason", why="say why the card is replaced")
        core = self.core
        with core.write() as session:
            old = _card(session, card_id)
            if old.status == "replaced":
                raise _refusal(core, session, old)
            card = new_card(core, session, old.member_id, new)
            old.status, old.status_reason, old.status_changed_at = "replaced", reason.strip(), core.now()
            old.replaced_by_id = card.id
            core.outbox(session, "card", old.id, "upsert", card_payload(old))
            core.audit(
                session,
                actor,
                "card.replace",
                "card",
                old.id,
                {"new_card": card.id, "reason": reason.strip()},
            )
            return card_view(card)


def new_card(core: Core, session: Session, member_id: str, ref: CardRef) -> m.Card:
    """A new active card of ``member_id`` (in the caller's transaction); a card already known is refused."""
    if not ref.token:
        raise InvalidInput(what="Card", why="the card gave no identity")
    if session.scalar(select(m.Card.id).where(m.Card.token == ref.token)) is not None:
        raise Conflict(what="This card", ref="it is already linked to a member")
    if staff_card_in_use(session, ref.token):
        raise StaffCardConflict()
    at = core.now()
    card = m.Card(
        token=ref.token,
        kind=ref.kind.value,
        status="active",
        member_id=member_id,
        label=ref.label,
        created_at=at,
        status_changed_at=at,
    )
    session.add(card)
    session.flush()
    core.outbox(session, "card", card.id, "upsert", card_payload(card))
    return card


def link_card(core: Core, session: Session, actor: Actor, member: m.Member, ref: CardRef) -> m.Card:
    """Link a card to ``member`` and audit it (linking alone, or as part of an enrolment)."""
    card = new_card(core, session, member.id, ref)
    core.audit(session, actor, "card.link", "card", card.id, {"member": member.member_number})
    return card


def _details(raw: str) -> dict[str, Any]:
    try:
        parsed = json.loads(raw)
    except (TypeError, ValueError):
        return {}  # the audit chain check reports a record that is not JSON
    return parsed if isinstance(parsed, dict) else {}


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _card_event(
    record: m.AuditRecord, staff: str | None, card_id: str, labels: dict[str, str], session: Session
) -> CardEventView | None:
    details = _details(record.details)
    reason = _text(details.get("reason"))
    if record.subject_id != card_id:
        # The card this one replaced: its replacement is the moment this card was issued.
        if record.action != "card.replace" or details.get("new_card") != card_id:
            return None
        return CardEventView(
            record.at, "issued", staff, reason, other_card=labels.get(record.subject_id or "")
        )
    if record.action == "card.link":
        return CardEventView(record.at, "linked", staff, member_number=_text(details.get("member")))
    if record.action == "card.block":
        return CardEventView(record.at, "blocked", staff, reason)
    if record.action == "card.replace":
        new_id = _text(details.get("new_card"))
        new = session.get(m.Card, new_id) if new_id else None
        return CardEventView(
            record.at, "replaced", staff, reason, other_card=None if new is None else new.label
        )
    return None


def _refusal(core: Core, session: Session, card: m.Card) -> CardBlocked:
    """Why a card no longer works, with the reason and the day (in the store's calendar) it stopped."""
    changed = card.status_changed_at
    on = changed.astimezone(core.program(session).zone).date() if changed is not None else None
    return CardBlocked.of_card(card.status, card.status_reason, on)


def _card(session: Session, card_id: str) -> m.Card:
    card = session.get(m.Card, card_id)
    if card is None:
        raise NotFound(what="card", ref=card_id)
    return card


def card_payload(card: m.Card) -> dict[str, object]:
    return {
        "id": card.id,
        "token": card.token,
        "kind": card.kind,
        "status": card.status,
        "member_id": card.member_id,
        "label": card.label,
        "replaced_by_id": card.replaced_by_id,
        "status_reason": card.status_reason,
    }
