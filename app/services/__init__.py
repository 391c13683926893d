"""The till's use cases, Qt-free. ``TillServices`` bundles them over one store; each use case enforces its
own permissions and returns a change record (``app.services.views``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from app.services.cards import CardService
from app.services.context import SYSTEM, Actor, Clock, Permission, Role, utc_now
from app.services.core import Core, bootstrap_till
from app.services.members import ConsentInput, MemberService
from app.services.points import PointsService
from app.services.programs import ProgramService
from app.services.staff import StaffService
from app.services.staff_cards import StaffCardService
from app.store.db import Store

if TYPE_CHECKING:
    from app.services.insights import InsightsService


@dataclass
class TillServices:
    core: Core
    members: MemberService
    cards: CardService
    points: PointsService
    staff: StaffService
    programs: ProgramService

    @classmethod
    def open(cls, store: Store, clock: Clock = utc_now) -> TillServices:
        core = Core.open(store, clock)
        return cls(
            core=core,
            members=MemberService(core),
            cards=CardService(core),
            points=PointsService(core),
            staff=StaffService(core),
            programs=ProgramService(core),
        )

    @cached_property
    def insights(self) -> InsightsService:
        """Manager insights (one per till: it keeps the day's model fit). Built on first use so that NumPy and
        SciPy stay out of the till's start."""
        from app.services.insights import InsightsService

        return InsightsService(self.core)

    @cached_property
    def staff_cards(self) -> StaffCardService:
        """Staff cards: link and unlink (a manager's), and a manager's approval by a tap of their card."""
        return StaffCardService(self.core)


__all__ = [
    "SYSTEM",
    "Actor",
    "ConsentInput",
    "Permission",
    "Role",
    "TillServices",
    "bootstrap_till",
]
