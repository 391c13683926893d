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
    from app.services.member_facts import CounterHints
    from app.services.model_process import ModelProcess, RemoteInsights


@dataclass
class TillServices:
    core: Core
    members: MemberService
    cards: CardService
    points: PointsService
    staff: StaffService
    programs: ProgramService
    separate_models: bool = False
    """Whether the cashier's hints are scored by the day's models in a process of their own (the window's
    choice: ``ModelProcess``) rather than by this process's insights service (tools, tests)."""

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
    def model_process(self) -> ModelProcess | None:
        """The day's models in a process beside the till, when ``separate_models``; started at the first
        question."""
        if not self.separate_models:
            return None
        from app.services.model_process import ModelProcess

        return ModelProcess(self.core.store.path)

    @cached_property
    def counter_hints(self) -> CounterHints:
        """The cashier's hint for the member on screen."""
        from app.services.member_facts import CounterHints

        process = self.model_process
        return CounterHints(self.core, process if process is not None else self.insights)

    @cached_property
    def desk_insights(self) -> InsightsService | RemoteInsights:
        """The desk's insights (a member's, the fit, the store's figures): from the model process when there
        is one, else computed here."""
        process = self.model_process
        if process is None:
            return self.insights
        from app.services.model_process import RemoteInsights

        return RemoteInsights(self.core, process)

    def close(self) -> None:
        """End what the services started beside the till: the model process, if one was started."""
        process = self.__dict__.get("model_process")
        if process is not None:
            process.close()

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
