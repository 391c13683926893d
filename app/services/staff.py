"""Staff: PIN sign-in (argon2 hashes, lock-out after repeated failures) and staff management.

Whatever writes a staff row's code, role, active flag or PIN hash records the row's new seal
(``app.store.integrity.staff_seal``) in the audit record it writes, under ``seal``: that is how ``check``
tells a role given by a manager through the till from one given with raw SQL.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.context import SYSTEM, Actor, Permission, Role
from app.services.core import Core
from app.services.staff_cards import NotAManager, UnknownStaff, record_approval
from app.services.views import StaffView
from app.store import models as m
from app.store.integrity import staff_seal
from loyalty.errors import AuthenticationFailed, Conflict, InvalidInput, LoyaltyError
from loyalty.ids import new_id

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)

# Argon2id with a modest memory cost: a till signs a cashier in within a fraction of a second, and a
# stolen database still costs an attacker real work per guessed PIN.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


class AccountLocked(LoyaltyError):
    code = "account_locked"
    template = "Too many wrong PINs. Try again in {minutes} minutes or ask a manager."


# -- managing staff: what a manager is refused, and what the Staff page lists -------------------------
class LastManager(LoyaltyError):
    """The till must keep one active manager: without one, nobody could add staff, approve or correct."""

    code = "last_manager"
    template = "{name} is the till's last active manager. Add or reactivate another manager first."


class StaffAlreadyInactive(LoyaltyError):
    code = "staff_already_inactive"
    template = "{name} is already deactivated."


class StaffAlreadyActive(LoyaltyError):
    code = "staff_already_active"
    template = "{name} is already active."


class SameRole(LoyaltyError):
    code = "same_role"
    template = "{name} already has this role."


class StaffInactive(LoyaltyError):
    code = "staff_inactive"
    template = "{name} is deactivated. Reactivate them first."


MAX_STAFF_NAME = 120
SIGN_IN = "staff.sign_in"
DEACTIVATE = "staff.deactivate"
REACTIVATE = "staff.reactivate"
RESET_PIN = "staff.reset_pin"
CHANGE_ROLE = "staff.change_role"


@dataclass(frozen=True, slots=True)
class StaffRow:
    """One member of staff as the Staff page and ``staff list`` show them."""

    id: str
    code: str
    name: str
    role: str
    active: bool
    last_sign_in: datetime | None  # from the audit log: None when they never signed in at this till
    locked: bool  # locked out after wrong PINs just now (a PIN reset lifts it)
    created_at: datetime


def hash_pin(pin: str) -> str:
    if not pin.isdigit() or not 4 <= len(pin) <= 8:
        raise InvalidInput(what="PIN", why="use 4 to 8 digits")
    return _hasher.hash(pin)


def _sealed(staff: m.Staff) -> dict[str, object]:
    """The audit details that record a staff row as the services wrote it."""
    return {
        "code": staff.code,
        "role": staff.role,
        "active": staff.active,
        "seal": staff_seal(staff.id, staff.code, staff.role, staff.active, staff.pin_hash),
    }


class StaffService:
    def __init__(self, core: Core) -> None:
        self.core = core

    def sign_in(self, code: str, pin: str) -> Actor:
        core = self.core
        with core.write() as session:
            staff, details = self._check_pin(session, code, pin)
            actor = Actor(staff.id, staff.name, Role(staff.role))
            core.audit(session, actor, "staff.sign_in", "staff", staff.id, details)
            return actor

    def approve(self, code: str, pin: str, permission: Permission, *, cashier: Actor | None = None) -> Actor:
        """A manager approves in place with their code and PIN, the cashier staying signed in. Wrong PINs
        count towards the lock-out as at sign-in; one ``staff.approve`` record names the manager and the
        means (``app.services.staff_cards`` approves by card)."""
        core = self.core
        with core.write() as session:
            staff, details = self._check_pin(session, code, pin)
            manager = Actor(staff.id, staff.name, Role(staff.role))
            if not manager.can(permission):
                raise NotAManager(name=staff.name)
            record_approval(core, session, manager, permission, "pin", cashier, details)
            return manager

    def _check_pin(self, session: Session, code: str, pin: str) -> tuple[m.Staff, dict[str, object]]:
        """The staff member whose code and PIN these are, and the audit details of a PIN hash renewed on the
        way (its new seal); a wrong PIN is counted and committed before it is refused."""
        core = self.core
        staff = session.scalars(select(m.Staff).where(m.Staff.code == code.strip())).first()
        at = core.now()
        if staff is None or not staff.active:
            # Same message as a wrong PIN: do not tell a stranger which staff codes exist.
            raise AuthenticationFailed()
        if staff.locked_until is not None and staff.locked_until > at:
            minutes = max(1, int((staff.locked_until - at).total_seconds() // 60) + 1)
            raise AccountLocked(minutes=minutes)
        try:
            _hasher.verify(staff.pin_hash, pin)
        except (VerificationError, InvalidHashError):
            staff.failed_attempts += 1
            if staff.failed_attempts >= MAX_FAILURES:
                staff.locked_until = at + LOCKOUT
                staff.failed_attempts = 0
            core.audit(session, SYSTEM, "staff.sign_in_failed", "staff", staff.id, {"code": staff.code})
            session.commit()  # the failure count must survive the error raised below
            raise AuthenticationFailed() from None
        staff.failed_attempts = 0
        staff.locked_until = None
        details: dict[str, object] = {}
        if _hasher.check_needs_rehash(staff.pin_hash):
            staff.pin_hash = _hasher.hash(pin)
            details = _sealed(staff)
        return staff, details

    def create(self, actor: Actor, code: str, name: str, role: Role, pin: str) -> StaffView:
        actor.require(Permission.MANAGE_STAFF)
        code = code.strip()
        if not code.isdigit() or not 2 <= len(code) <= 8:
            raise InvalidInput(what="Staff code", why="use 2 to 8 digits")
        if not name.strip():
            raise InvalidInput(what="Name", why="it is empty")
        if len(name.strip()) > MAX_STAFF_NAME:
            raise InvalidInput(what="Name", why="it is longer than 120 characters")
        pin_hash = hash_pin(pin)
        core = self.core
        with core.write() as session:
            if session.scalar(select(m.Staff.id).where(m.Staff.code == code)) is not None:
                raise Conflict(what="Staff code", ref=code)
            staff = m.Staff(
                id=new_id(),
                code=code,
                name=name.strip(),
                role=role.value,
                pin_hash=pin_hash,
                active=True,
                created_at=core.now(),
            )
            session.add(staff)
            session.flush()
            core.audit(session, actor, "staff.create", "staff", staff.id, _sealed(staff))
            return StaffView(staff.id, staff.code, staff.name, staff.role, staff.active)

    def list(self) -> list[StaffView]:
        with self.core.read() as session:
            return [
                StaffView(s.id, s.code, s.name, s.role, s.active)
                for s in session.scalars(select(m.Staff).order_by(m.Staff.code))
            ]

    # -- managing staff (manager only, audited with the row's new seal) ---------------------------------
    # A change takes effect at the person's next sign-in (an Actor signed in keeps its role until then), and
    # at once for approvals in place, which read the row on every approval.
    def roster(self, actor: Actor) -> builtins.list[StaffRow]:
        """Every member of staff, by code, with their last sign-in at this till (manager only: the list
        names the codes half of every sign-in)."""
        actor.require(Permission.MANAGE_STAFF)
        audit = m.AuditRecord
        with self.core.read() as session:
            last: dict[str | None, datetime] = {
                subject: at
                for subject, at in session.execute(
                    select(audit.subject_id, func.max(audit.at))
                    .where(audit.action == SIGN_IN)
                    .group_by(audit.subject_id)
                )
            }
            at = self.core.now()
            return [
                StaffRow(
                    s.id,
                    s.code,
                    s.name,
                    s.role,
                    s.active,
                    last.get(s.id),
                    s.locked_until is not None and s.locked_until > at,
                    s.created_at,
                )
                for s in session.scalars(select(m.Staff).order_by(m.Staff.code))
            ]

    def deactivate(self, actor: Actor, code: str) -> StaffView:
        """They can no longer sign in, approve, or approve with their staff card; the row and its history
        stay (``reactivate`` brings them back)."""
        actor.require(Permission.MANAGE_STAFF)
        core = self.core
        with core.write() as session:
            staff = _staff_row(session, code)
            if not staff.active:
                raise StaffAlreadyInactive(name=staff.name)
            _keep_a_manager(session, staff)
            staff.active = False
            core.audit(session, actor, DEACTIVATE, "staff", staff.id, _sealed(staff))
            return _view(staff)

    def reactivate(self, actor: Actor, code: str) -> StaffView:
        actor.require(Permission.MANAGE_STAFF)
        core = self.core
        with core.write() as session:
            staff = _staff_row(session, code)
            if staff.active:
                raise StaffAlreadyActive(name=staff.name)
            staff.active = True
            staff.failed_attempts, staff.locked_until = 0, None
            core.audit(session, actor, REACTIVATE, "staff", staff.id, _sealed(staff))
            return _view(staff)

    def reset_pin(self, actor: Actor, code: str, pin: str) -> StaffView:
        """A new PIN (4 to 8 digits) for someone who forgot theirs; it also lifts a lock-out. The audit
        record names who and when, never the PIN (its seal is a hash of the new hash)."""
        actor.require(Permission.MANAGE_STAFF)
        pin_hash = hash_pin(pin)  # outside the write: argon2 takes a moment, the till's writes do not wait
        core = self.core
        with core.write() as session:
            staff = _staff_row(session, code)
            if not staff.active:
                raise StaffInactive(name=staff.name)
            staff.pin_hash = pin_hash
            staff.failed_attempts, staff.locked_until = 0, None
            core.audit(session, actor, RESET_PIN, "staff", staff.id, _sealed(staff))
            return _view(staff)

    def change_role(self, actor: Actor, code: str, role: Role) -> StaffView:
        actor.require(Permission.MANAGE_STAFF)
        core = self.core
        with core.write() as session:
            staff = _staff_row(session, code)
            if staff.role == role.value:
                raise SameRole(name=staff.name)
            if role is not Role.MANAGER:
                _keep_a_manager(session, staff)
            was = staff.role
            staff.role = role.value
            core.audit(session, actor, CHANGE_ROLE, "staff", staff.id, {**_sealed(staff), "was": was})
            return _view(staff)


def _view(staff: m.Staff) -> StaffView:
    return StaffView(staff.id, staff.code, staff.name, staff.role, staff.active)


def _staff_row(session: Session, code: str) -> m.Staff:
    staff = session.scalars(select(m.Staff).where(m.Staff.code == code.strip())).first()
    if staff is None:
        raise UnknownStaff(code=code.strip())
    return staff


def _keep_a_manager(session: Session, leaving: m.Staff) -> None:
    """Refuse a change that leaves the till without an active manager (``leaving`` stops being one)."""
    if leaving.role != Role.MANAGER.value or not leaving.active:
        return
    others = session.scalar(
        select(func.count())
        .select_from(m.Staff)
        .where(m.Staff.role == Role.MANAGER.value, m.Staff.active.is_(True), m.Staff.id != leaving.id)
    )
    if not others:
        raise LastManager(name=leaving.name)
