"""A member's tier as the central's ledger says it.

The central keeps no tier of its own making: tills evaluate tiers from the entries they hold, and the
central's copy of a member's tier would only ever be one till's view. When the central needs a tier (to price
an online order, to answer a look-up), it replays the member's purchases and refunds from every till and
channel with ``loyalty.tiers.replay``: the rule a till applies at each sale. A member who shops at one till
therefore holds the same tier there and at the central, and a web order earns what that till would give.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.base import ENTRIES, now
from central.ledger import active_program
from loyalty.program import Program
from loyalty.tiers import replay
from sync.protocol import format_utc, parse_utc

# The entries whose amounts count towards a tier, as at a till: purchases and their refunds (a refund is a
# ``reverse`` entry with a negative amount).
_SPENDING = ("earn", "reverse")


def member_tier(session: Session, program: Program, member_id: str, at: datetime) -> str | None:
    """The tier code of the member at ``at`` by the program's tier rules over the central's entries up to
    then; None when the program has no tiers. The member starts at the first tier at their first entry (the
    enrolment's welcome bonus, usually)."""
    if program.tiers is None:
        return None
    rows = session.execute(
        select(ENTRIES.c.created_at, ENTRIES.c.kind, ENTRIES.c.amount_minor)
        .where(ENTRIES.c.member_id == member_id, ENTRIES.c.created_at <= format_utc(at))
        .order_by(ENTRIES.c.created_at)
    ).all()
    if not rows:
        return program.tiers.levels[0].code
    spends = [
        (parse_utc(row.created_at), row.amount_minor)
        for row in rows
        if row.kind in _SPENDING and row.amount_minor is not None
    ]
    return replay(program.tiers, spends, at, start=parse_utc(rows[0].created_at)).code


def current_tier(session: Session, member_id: str, stored: str | None) -> str | None:
    """A look-up's tier: what the ledger earns now under the program installed last. Before any program is
    installed, the tier a till's profile carried (``stored``) is all there is."""
    program = active_program(session)
    if program is None:
        return stored
    return member_tier(session, program, member_id, now())
