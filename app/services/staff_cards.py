"""Staff cards: a manager approves in place by tapping their card, as well as with their code and PIN.

A staff card is stored as a member's card is: the keyed hash of its UID (``loyalty.identity.uid_token`` with
the store's card key), never the UID. A card is a member's or a staff member's, never both: linking refuses
a card the other table holds (``app.services.cards.new_card`` refuses a staff card for a member).

Linking and unlinking are a manager's (``Permission.MANAGE_STAFF``) and audited. An approval, by card here or
by code and PIN (``StaffService.approve``), writes one ``staff.approve`` record naming the manager, the means
(``card`` or ``pin``), what was approved and for which cashier; the action approved then writes its own record
under the manager's name (a large redemption, a merge...).

A card whose identity rests on an NTAG 424 SUN message (kind ``sun``) approves only on a verified tap: a tap
refused as replayed or cloned never gets here (the reader gives no reference), and a plain read of its UID
(a copied UID) is refused too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.context import Actor, Permission, Role
from app.services.core import Core
from app.store import models as m
from loyalty.errors import InvalidInput, LoyaltyError
from loyalty.identity import CardKind, CardRef

APPROVE = "staff.approve"
LINK = "staff_card.link"
UNLINK = "staff_card.unlink"


# -- what a tap or a link can be refused for ---------------------------------------------------------
class NotAManager(LoyaltyError):
    code = "not_a_manager"
    template = "{name} is not a manager and cannot approve this. Ask a manager."


class NotAStaffCard(LoyaltyError):
    code = "not_a_staff_card"
    template = "This card is not a staff card. The manager taps their own card or types their code and PIN."


class MemberCardNotStaff(LoyaltyError):
    code = "member_card_not_staff"
    template = "This is a member's card, not a manager's. The manager taps their own card or types their code and PIN."


class StaffCardUnlinked(LoyaltyError):
    code = "staff_card_unlinked"
    template = (
        "This staff card was unlinked on {date} and approves nothing. The manager types their code and PIN."
    )


class StaffCardHolderInactive(LoyaltyError):
    code = "staff_card_holder_inactive"
    template = "This staff card belongs to {name}, who can no longer sign in."


class SecureTapNeeded(LoyaltyError):
    code = "secure_tap_needed"
    template = "This secure staff card's tap could not be verified. Tap it again."


class StaffCardTapped(LoyaltyError):
    """A staff card tapped where a member's card is expected: it shows no one and is never enrolled."""

    code = "staff_card_tapped"
    template = "This is a staff card: it does not identify a member. Tap the customer's card or look them up."


class StaffCardConflict(LoyaltyError):
    code = "staff_card_conflict"
    template = "This card is a staff card: it cannot be a member's card."


class MemberCardConflict(LoyaltyError):
    code = "member_card_conflict"
    template = "This card is already a member's card: it cannot be a staff card."


class StaffCardTaken(LoyaltyError):
    code = "staff_card_taken"
    template = "This card is already the staff card of {name}."


class StaffCardKind(LoyaltyError):
    code = "staff_card_kind"
    template = "Only a contactless card can be a staff card: a printed or scanned code cannot."


class UnknownStaff(LoyaltyError):
    code = "unknown_staff"
    template = "No staff member has the code {code}."


class NoStaffCard(LoyaltyError):
    code = "no_staff_card"
    template = "{name} has no such staff card linked."


@dataclass(frozen=True, slots=True)
class StaffCardView:
    id: str
    staff_code: str
    staff_name: str
    role: str
    kind: str
    label: str
    status: str
    created_at: datetime
    status_changed_at: datetime | None


def staff_card_in_use(session: Session, token: str) -> bool:
    """Whether a token is a staff card's (linked now or once): a member's card must not take it."""
    return session.scalar(select(m.StaffCard.id).where(m.StaffCard.token == token)) is not None


def record_approval(
    core: Core,
    session: Session,
    manager: Actor,
    permission: Permission,
    means: str,
    cashier: Actor | None,
    extra: dict[str, Any] | None = None,
) -> None:
    """The one audit record of an approval in place, whatever the means."""
    details: dict[str, Any] = {
        "means": means,
        "approves": permission.name.lower(),
        "cashier": None if cashier is None else cashier.staff_id,
    }
    details.update(extra or {})
    core.audit(session, manager, APPROVE, "staff", manager.staff_id, details)


def _view(card: m.StaffCard, staff: m.Staff) -> StaffCardView:
    return StaffCardView(
        id=card.id,
        staff_code=staff.code,
        staff_name=staff.name,
        role=staff.role,
        kind=card.kind,
        label=card.label,
        status=card.status,
        created_at=card.created_at,
        status_changed_at=card.status_changed_at,
    )


class StaffCardService:
    def __init__(self, core: Core) -> None:
        self.core = core

    # -- approving ---------------------------------------------------------------------------------
    def approve_by_card(
        self, token: str, permission: Permission, *, secure: bool = False, cashier: Actor | None = None
    ) -> Actor:
        """The manager whose card this is, when they may give ``permission``; the approval is audited.

        ``token`` is what the reader made of the tap (``MemberRef.value``; a member number's ``code:``
        token for a printed code); ``secure`` says the tap was a verified SUN message."""
        core = self.core
        with core.write() as session:
            card, staff = self._active_card(session, token, secure)
            manager = Actor(staff.id, staff.name, Role(staff.role))
            if not manager.can(permission):
                raise NotAManager(name=staff.name)
            record_approval(core, session, manager, permission, "card", cashier, {"card": card.id})
            return manager

    def holder(self, token: str, *, secure: bool = False) -> StaffCardView:
        """Whose staff card a tap is, for the sign-in screen to fill in the staff code: the PIN is still
        asked, so nothing is signed in or audited here. Refused in the same words as an approval."""
        with self.core.read() as session:
            card, staff = self._active_card(session, token, secure)
            return _view(card, staff)

    def _active_card(self, session: Session, token: str, secure: bool) -> tuple[m.StaffCard, m.Staff]:
        card = session.scalars(select(m.StaffCard).where(m.StaffCard.token == token)).first()
        if card is None:
            if token.startswith("code:") or (
                session.scalar(select(m.Card.id).where(m.Card.token == token)) is not None
            ):
                raise MemberCardNotStaff()
            raise NotAStaffCard()
        if card.status != "active":
            raise StaffCardUnlinked(date=self._day(session, card.status_changed_at or card.created_at))
        if card.kind == CardKind.SUN.value and not secure:
            raise SecureTapNeeded()
        staff = session.get(m.Staff, card.staff_id)
        if staff is None or not staff.active:
            raise StaffCardHolderInactive(name="?" if staff is None else staff.name)
        return card, staff

    def _day(self, session: Session, at: datetime) -> date:
        return at.astimezone(self.core.program(session).zone).date()

    # -- linking -----------------------------------------------------------------------------------
    def link(self, actor: Actor, staff_code: str, ref: CardRef) -> StaffCardView:
        """Give ``ref`` to the staff member with ``staff_code`` (manager only, audited). A card once unlinked
        may be linked again, to anyone."""
        actor.require(Permission.MANAGE_STAFF)
        if ref.kind not in (CardKind.UID, CardKind.SUN) or not ref.token.startswith("uid:"):
            raise StaffCardKind()
        core = self.core
        with core.write() as session:
            staff = _staff(session, staff_code)
            if not staff.active:
                raise StaffCardHolderInactive(name=staff.name)
            if session.scalar(select(m.Card.id).where(m.Card.token == ref.token)) is not None:
                raise MemberCardConflict()
            at = core.now()
            card = session.scalars(select(m.StaffCard).where(m.StaffCard.token == ref.token)).first()
            if card is not None and card.status == "active":
                holder = session.get(m.Staff, card.staff_id)
                raise StaffCardTaken(name="?" if holder is None else holder.name)
            if card is None:
                card = m.StaffCard(token=ref.token, created_at=at)
                session.add(card)
            card.kind, card.label, card.staff_id = ref.kind.value, ref.label, staff.id
            card.status, card.status_changed_at = "active", at
            session.flush()
            core.audit(
                session, actor, LINK, "staff_card", card.id, {"staff": staff.code, "label": card.label}
            )
            return _view(card, staff)

    def unlink(
        self, actor: Actor, staff_code: str, reason: str, token: str | None = None
    ) -> list[StaffCardView]:
        """Unlink a staff member's cards (only the one with ``token`` when given): a lost card, someone
        leaving. Manager only, with a reason, audited."""
        actor.require(Permission.MANAGE_STAFF)
        reason = reason.strip()
        if not reason:
            raise InvalidInput(what="Reason", why="say why the card is unlinked (lost, left the store)")
        core = self.core
        with core.write() as session:
            staff = _staff(session, staff_code)
            query = select(m.StaffCard).where(
                m.StaffCard.staff_id == staff.id, m.StaffCard.status == "active"
            )
            if token is not None:
                query = query.where(m.StaffCard.token == token)
            cards = list(session.scalars(query.order_by(m.StaffCard.created_at)))
            if not cards:
                raise NoStaffCard(name=staff.name)
            at = core.now()
            for card in cards:
                card.status, card.status_changed_at = "unlinked", at
                core.audit(
                    session,
                    actor,
                    UNLINK,
                    "staff_card",
                    card.id,
                    {"staff": staff.code, "label": card.label, "reason": reason},
                )
            return [_view(card, staff) for card in cards]

    def list(self, actor: Actor, *, include_unlinked: bool = False) -> list[StaffCardView]:
        """The staff cards, by staff code then age (manager only)."""
        actor.require(Permission.MANAGE_STAFF)
        with self.core.read() as session:
            query = select(m.StaffCard, m.Staff).join(m.Staff, m.Staff.id == m.StaffCard.staff_id)
            if not include_unlinked:
                query = query.where(m.StaffCard.status == "active")
            rows = session.execute(query.order_by(m.Staff.code, m.StaffCard.created_at)).all()
            return [_view(card, staff) for card, staff in rows]


def _staff(session: Session, code: str) -> m.Staff:
    staff = session.scalars(select(m.Staff).where(m.Staff.code == code.strip())).first()
    if staff is None:
        raise UnknownStaff(code=code.strip())
    return staff
