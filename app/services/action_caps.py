"""How many times a member has recorded a non-purchase action in its cap period, and what is left of the cap.

``record_action`` refuses an action over its cap with the count made here, and the till shows what is left
with the same count: the screen and the rule can never disagree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.accounts import load_member
from app.services.core import Core
from app.services.views import ActionStanding
from app.store import models as m
from loyalty.actions import period_end, period_start
from loyalty.program import Action, Program


def actions_in_period(
    session: Session, program: Program, member_id: str, code: str, action: Action, at: datetime
) -> int:
    """Entries of action ``code`` the member has in the cap period containing ``at`` (ever, for 'ever')."""
    query = select(func.count()).where(
        m.LedgerEntry.member_id == member_id,
        m.LedgerEntry.kind == "action",
        m.LedgerEntry.action_code == code,
    )
    start = period_start(action.period, at, program.zone)
    if start is not None:
        query = query.where(m.LedgerEntry.created_at >= start)
    return int(session.scalar(query) or 0)


class ActionCaps:
    """Read-only: the program's actions as they stand for one member."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def standings(self, member_id: str) -> tuple[ActionStanding, ...]:
        """Every action of the active program, in the program's order, with what is left of its cap."""
        core = self.core
        with core.read() as session:
            program = core.program(session)
            member = load_member(session, member_id)
            at = core.now()
            found = []
            for code, action in program.actions.items():
                used = 0
                ends = None
                if action.cap is not None:
                    used = actions_in_period(session, program, member.id, code, action, at)
                    ends = period_end(
                        action.period, period_start(action.period, at, program.zone), program.zone
                    )
                found.append(
                    ActionStanding(
                        code=code,
                        name=action.name,
                        points=action.points,
                        cap=action.cap,
                        period=action.period,
                        used=used,
                        period_ends=ends,
                    )
                )
            return tuple(found)
