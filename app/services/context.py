"""Who is acting, where, and when: the context every use case runs in.

Permissions are enforced here, in the services, so a button hidden in the UI is a convenience and never
the only guard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from loyalty.errors import PermissionDenied


class Role(StrEnum):
    CASHIER = "cashier"
    MANAGER = "manager"


class Permission(StrEnum):
    SELL = "record sales and redemptions"
    RETURN = "process returns"
    ENROLL = "enrol members"
    BLOCK_CARD = "block a card"
    LARGE_REDEMPTION = "approve a large redemption"
    ADJUST = "adjust points"
    REPLACE_CARD = "replace a card"
    MERGE = "merge members"
    MANAGE_STAFF = "manage staff"
    SETTINGS = "change settings or the program"
    READ_AUDIT = "read the audit log"
    PRIVACY = "export or erase a member's personal data"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.CASHIER: frozenset(
        {Permission.SELL, Permission.RETURN, Permission.ENROLL, Permission.BLOCK_CARD},
    ),
    Role.MANAGER: frozenset(Permission),
}


@dataclass(frozen=True, slots=True)
class Actor:
    """A signed-in member of staff."""

    staff_id: str
    name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return permission in _GRANTS[self.role]

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise PermissionDenied(action=permission.value)


# The demo/bootstrap actor used by commands that run without a person (seeding, migrations). It is never
# returned by sign-in and has no PIN.
SYSTEM = Actor("system", "System", Role.MANAGER)


def utc_now() -> datetime:
    return datetime.now(UTC)


Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class TillIdentity:
    store_id: str
    till_id: str
    store_number: int  # numeric, for member numbers printed on cards
    till_number: int
