"""Staff: PIN sign-in (argon2 hashes, lock-out after repeated failures) and staff management.

Whatever writes a staff row's code, role, active flag or PIN hash records the row's new seal
(``app.store.integrity.staff_seal``) in the audit record it writes, under ``seal``: that is how ``check``
tells a role given by a manager through the till from one given with raw SQL.
"""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from app.services.context import SYSTEM, Actor, Permission, Role
from app.services.core import Core
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
            actor = Actor(staff.id, staff.name, Role(staff.role))
            core.audit(session, actor, "staff.sign_in", "staff", staff.id, details)
            return actor

    def create(self, actor: Actor, code: str, name: str, role: Role, pin: str) -> StaffView:
        actor.require(Permission.MANAGE_STAFF)
        code = code.strip()
        if not code.isdigit() or not 2 <= len(code) <= 8:
            raise InvalidInput(what="Staff code", why="use 2 to 8 digits")
        if not name.strip():
            raise InvalidInput(what="Name", why="it is empty")
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
