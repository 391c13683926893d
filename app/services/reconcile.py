"""The reconciliation inbox: overdrafts recorded at this till and, for an enrolled till, the central's inbox.

**Overdrafts here.** An overdraft is recorded when points were taken from a member who had already spent
them (a return after a redemption, a merge that moved a debt, another till's redemption pulled after this
till's own). Each one is an item until a manager decides, and stays listed afterwards:

- *recover from the next earnings*: the member's next earnings pay it back (they do whether or not anyone
  decides: the decision is recorded, in the audit log, so the item leaves the open list);
- *write off*, with a reason (manager, audited): an ``adjust`` entry credits what is still owed, which pays
  the overdraft at once by the ledger's own rule (oldest overdraft first), so ``check`` replays it like any
  credit. A member's older overdraft is written off first: the credit would pay it first anyway.

An overdraft paid back by earnings is resolved by itself. The decisions are read back from the audit log,
which is where they are recorded (who, when, why), so no table needs a column for them.

**The central's inbox** (conflicts, rejected items, overdrafts from offline redemptions at several tills) is
read through the sync client, off the database worker (the window calls it on a thread of its own). A till
that syncs leaves write-offs to the central: its ``adjust`` entry reaches every till at the next pull, so
one decision settles the debt everywhere and no two tills can write off the same points twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.accounts import NewEntry, load_account, member_view, sweep_expired, write_entry
from app.services.context import Actor, Permission
from app.services.core import TILL_ID, Core
from app.services.sync_settings import CENTRAL_URL, TOKEN, VERIFY_TLS
from app.services.views import Change
from app.store import models as m
from app.store.settings import get_setting
from app.store.types import parse_utc
from loyalty.errors import Detail, InvalidInput, NotFound
from loyalty.ids import new_id
from loyalty.ledger import EntryKind
from sync.client import CentralClient, CentralError, Refused
from sync.protocol import InboxEntry, InboxResolveRequest, InboxResolveResponse, Resolution

Decision = Literal["recover", "write_off", "paid"]
Status = Literal["open", "resolved", "all"]

RECOVER = "overdraft.recover"
WRITE_OFF = "overdraft.write_off"
CENTRAL_RESOLVE = "inbox.resolve"
MAX_REASON = 500
CENTRAL_TIMEOUT = httpx.Timeout(10.0, connect=3.0)
CENTRAL_PAGE = 200
CENTRAL_MAX = 1000  # items read in one look: the inbox is a work list, not an archive


@dataclass(frozen=True, slots=True)
class OverdraftItem:
    """An overdraft recorded at this till, with its facts and what was decided."""

    id: str
    member_id: str
    member_number: str
    member_name: str
    member_status: str
    points: int  # owed when it was recorded
    remaining: int  # still owed
    reason: str  # why it was recorded, as the till wrote it (e.g. "return after the points were spent")
    created_at: datetime
    settled_at: datetime | None
    entry_id: str  # the entry that took the points
    entry_kind: str
    entry_points: int
    receipt_ref: str | None
    till_id: str
    own_till: bool
    staff: str | None  # who made that entry (a name when known here)
    program_version: str
    decision: Decision | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    note: str | None = None
    write_off_entry: str | None = None

    @property
    def resolved(self) -> bool:
        return self.decision is not None


@dataclass(frozen=True, slots=True)
class CentralItem:
    """An item of the central's inbox, with what this till knows of the people it names."""

    entry: InboxEntry
    created_at: datetime
    resolved_at: datetime | None
    member_number: str | None
    member_name: str | None
    resolved_by: str | None  # a name when the manager is staff of this till, else their staff id
    from_this_till: bool


@dataclass(frozen=True, slots=True)
class CentralInbox:
    state: Literal["not_enrolled", "offline", "refused", "ok"]
    items: tuple[CentralItem, ...] = ()
    reason: str = ""  # why the central could not be read (its own words, for the log and a tooltip)
    more: bool = False  # more items than one look reads


@dataclass(frozen=True, slots=True)
class CentralOutcome:
    state: Literal["done", "not_enrolled", "offline", "refused"]
    reason: str = ""
    response: InboxResolveResponse | None = None


class Reconciliation:
    def __init__(self, core: Core) -> None:
        self.core = core

    # -- overdrafts here ---------------------------------------------------------------------------------
    def overdrafts(self, status: Status = "open", member_id: str | None = None) -> list[OverdraftItem]:
        """Overdrafts recorded at this till, oldest first (open), or newest decided first (resolved)."""
        with self.core.read() as session:
            items = _overdraft_items(session, member_id)
        if status == "open":
            return [i for i in items if not i.resolved]
        if status == "resolved":
            return sorted((i for i in items if i.resolved), key=_decided_key, reverse=True)
        return items

    def recover(self, actor: Actor, overdraft_id: str, note: str = "") -> OverdraftItem:
        """Decide that the member's next earnings pay the overdraft back (manager, audited)."""
        actor.require(Permission.ADJUST)
        text = _reason(note, required=False)
        core = self.core
        with core.write() as session:
            item = _open_item(session, overdraft_id)
            core.audit(
                session,
                actor,
                RECOVER,
                "overdraft",
                item.id,
                {"member": item.member_number, "remaining": item.remaining, "reason": text},
            )
            return _one(session, overdraft_id)

    def write_off(self, actor: Actor, overdraft_id: str, reason: str) -> Change:
        """Credit what the member still owes on the overdraft (manager, reason, audited)."""
        actor.require(Permission.ADJUST)
        text = _reason(reason, required=True)
        core = self.core
        with core.write() as session:
            if get_setting(session, TOKEN) is not None and get_setting(session, CENTRAL_URL) is not None:
                raise InvalidInput(
                    what="Overdraft",
                    why="this till syncs with the central service: write it off from the central's item, so "
                    "every till learns it once",
                )
            item = _open_item(session, overdraft_id)
            older = session.execute(
                select(m.Overdraft.created_at)
                .where(
                    m.Overdraft.member_id == item.member_id,
                    m.Overdraft.remaining > 0,
                    m.Overdraft.id != item.id,
                    (m.Overdraft.created_at < item.created_at)
                    | ((m.Overdraft.created_at == item.created_at) & (m.Overdraft.id < item.id)),
                )
                .order_by(m.Overdraft.created_at)
                .limit(1)
            ).scalar()
            if older is not None:
                raise InvalidInput(
                    what="Overdraft",
                    why=Detail(
                        "the member owes an older overdraft (of {date}): write that one off first",
                        date=older.astimezone(core.program(session).zone).date(),
                    ),
                )
            member = session.get(m.Member, item.member_id)
            assert member is not None
            program = core.program(session)
            at = core.now()
            account = load_account(session, member)
            sweep_expired(core, session, member, account, at)
            # No expiry: the credit pays the overdraft whole and leaves nothing to spend.
            posting = account.credit(new_id(), item.remaining, at, None)
            entry = write_entry(
                core,
                session,
                member,
                program,
                actor.staff_id,
                posting,
                NewEntry(
                    EntryKind.ADJUST,
                    reason=f"overdraft written off: {text}",
                    details={"overdraft": item.id, "write_off": True},
                ),
                at,
            )
            core.audit(
                session,
                actor,
                WRITE_OFF,
                "overdraft",
                item.id,
                {"member": item.member_number, "points": item.remaining, "reason": text, "entry": entry.id},
            )
            return Change(
                operation="write_off",
                member=member_view(session, program, member, at, account=account),
                entries=(entry,),
            )

    # -- the central's inbox --------------------------------------------------------------------------------
    def enrolled(self) -> bool:
        with self.core.read() as session:
            return get_setting(session, TOKEN) is not None and get_setting(session, CENTRAL_URL) is not None

    def central_inbox(self, status: Status = "open") -> CentralInbox:
        """The central's inbox items (network: never call it on the database worker or the UI thread)."""
        client = self._client()
        if client is None:
            return CentralInbox("not_enrolled")
        entries: list[InboxEntry] = []
        more = True
        try:
            with client:
                after = 0
                while more and len(entries) < CENTRAL_MAX:
                    page = client.inbox(after=after, limit=CENTRAL_PAGE, status=status)
                    entries += page.items
                    more = page.more
                    if not page.items:
                        break
                    after = page.items[-1].id
        except Refused as err:
            return CentralInbox("refused", reason=err.detail)
        except CentralError as err:
            return CentralInbox("offline", reason=str(err))
        with self.core.read() as session:
            items = _central_items(session, entries)
        return CentralInbox("ok", tuple(items), more=more)

    def resolve_central(
        self, actor: Actor, item_id: int, action: Resolution, reason: str = ""
    ) -> CentralOutcome:
        """Forward a manager's decision on a central inbox item (network; recorded here in the audit log)."""
        actor.require(Permission.ADJUST)
        text = _reason(reason, required=action != "recover")
        client = self._client()
        if client is None:
            return CentralOutcome("not_enrolled")
        request = InboxResolveRequest(action=action, staff_id=actor.staff_id, reason=text or None)
        try:
            with client:
                response = client.resolve_inbox(item_id, request)
        except Refused as err:
            return CentralOutcome("refused", err.detail)
        except CentralError as err:
            return CentralOutcome("offline", str(err))
        core = self.core
        with core.write() as session:
            core.audit(
                session,
                actor,
                CENTRAL_RESOLVE,
                "inbox_item",
                str(item_id),
                {"action": action, "reason": text, "entry": response.entry_id},
            )
        return CentralOutcome("done", response=response)

    def _client(self) -> CentralClient | None:
        with self.core.read() as session:
            url = get_setting(session, CENTRAL_URL)
            token = get_setting(session, TOKEN)
            verify = bool(get_setting(session, VERIFY_TLS, True))
        if url is None or token is None:
            return None
        return CentralClient.connect(url, token, verify=verify, timeout=CENTRAL_TIMEOUT)


# -- reading ------------------------------------------------------------------------------------------------
def _reason(text: str, *, required: bool) -> str:
    cleaned = " ".join((text or "").split())
    if required and not cleaned:
        raise InvalidInput(what="Reason", why="say why: a reason is required to write off points")
    if len(cleaned) > MAX_REASON:
        raise InvalidInput(
            what="Reason", why=Detail("it is longer than {limit} characters", limit=MAX_REASON)
        )
    return cleaned


def _decided_key(item: OverdraftItem) -> datetime:
    moment = item.decided_at or item.settled_at or item.created_at
    return moment


_ITEM_COLUMNS = (
    m.Overdraft.id,
    m.Overdraft.member_id,
    m.Member.member_number,
    m.Member.full_name,
    m.Member.status,
    m.Overdraft.points,
    m.Overdraft.remaining,
    m.Overdraft.reason,
    m.Overdraft.created_at,
    m.Overdraft.settled_at,
    m.LedgerEntry.id,
    m.LedgerEntry.kind,
    m.LedgerEntry.points,
    m.LedgerEntry.receipt_ref,
    m.LedgerEntry.till_id,
    m.Staff.name,
    m.LedgerEntry.staff_id,
    m.LedgerEntry.program_version,
)


def _overdraft_items(
    session: Session, member_id: str | None = None, overdraft_id: str | None = None
) -> list[OverdraftItem]:
    query = (
        select(*_ITEM_COLUMNS)
        .join(m.Member, m.Member.id == m.Overdraft.member_id)
        .join(m.LedgerEntry, m.LedgerEntry.id == m.Overdraft.entry_id)
        .outerjoin(m.Staff, m.Staff.id == m.LedgerEntry.staff_id)
        .order_by(m.Overdraft.created_at, m.Overdraft.id)
    )
    if member_id is not None:
        query = query.where(m.Overdraft.member_id == member_id)
    if overdraft_id is not None:
        query = query.where(m.Overdraft.id == overdraft_id)
    rows = session.execute(query).all()
    own_till = get_setting(session, TILL_ID)
    decisions = _decisions(session, [r[0] for r in rows])
    items = []
    for r in rows:
        decided = decisions.get(r[0])
        item = OverdraftItem(
            id=r[0],
            member_id=r[1],
            member_number=r[2],
            member_name=r[3],
            member_status=r[4],
            points=r[5],
            remaining=r[6],
            reason=r[7],
            created_at=r[8],
            settled_at=r[9],
            entry_id=r[10],
            entry_kind=r[11],
            entry_points=r[12],
            receipt_ref=r[13],
            till_id=r[14],
            own_till=r[14] == own_till,
            staff=r[15] or r[16],
            program_version=r[17],
        )
        if decided is not None:
            action, at, who, details = decided
            item = _decided(item, "write_off" if action == WRITE_OFF else "recover", at, who, details)
        elif item.remaining == 0:
            item = _decided(item, "paid", item.settled_at, None, {})
        items.append(item)
    return items


def _decided(
    item: OverdraftItem, decision: Decision, at: datetime | None, who: str | None, details: dict[str, Any]
) -> OverdraftItem:
    note = details.get("reason")
    entry = details.get("entry")
    return OverdraftItem(
        **{
            **{name: getattr(item, name) for name in OverdraftItem.__slots__},
            "decision": decision,
            "decided_at": at,
            "decided_by": who,
            "note": note if isinstance(note, str) and note else None,
            "write_off_entry": entry if isinstance(entry, str) else None,
        }
    )


def _decisions(
    session: Session, overdraft_ids: Iterable[str]
) -> dict[str, tuple[str, datetime, str | None, dict[str, Any]]]:
    """The first decision the audit log records for each overdraft: (action, when, who, details)."""
    wanted = set(overdraft_ids)
    if not wanted:
        return {}
    found: dict[str, tuple[str, datetime, str | None, dict[str, Any]]] = {}
    rows = session.execute(
        select(
            m.AuditRecord.subject_id,
            m.AuditRecord.action,
            m.AuditRecord.at,
            m.Staff.name,
            m.AuditRecord.staff_id,
            m.AuditRecord.details,
        )
        .outerjoin(m.Staff, m.Staff.id == m.AuditRecord.staff_id)
        .where(m.AuditRecord.subject_type == "overdraft", m.AuditRecord.action.in_((RECOVER, WRITE_OFF)))
        .order_by(m.AuditRecord.seq)
    )
    for subject_id, action, at, name, staff_id, details in rows:
        if subject_id in wanted and subject_id not in found:
            try:
                parsed = json.loads(details)
            except (TypeError, ValueError):
                parsed = {}
            found[subject_id] = (action, at, name or staff_id, parsed if isinstance(parsed, dict) else {})
    return found


def _one(session: Session, overdraft_id: str) -> OverdraftItem:
    items = _overdraft_items(session, overdraft_id=overdraft_id)
    if not items:
        raise NotFound(what="overdraft", ref=overdraft_id)
    return items[0]


def _open_item(session: Session, overdraft_id: str) -> OverdraftItem:
    item = _one(session, overdraft_id)
    if item.decision == "paid":
        raise InvalidInput(
            what="Overdraft", why="nothing is left to write off: the member's earnings paid it back"
        )
    if item.resolved:
        raise InvalidInput(what="Overdraft", why="a manager has decided on it already")
    return item


def _central_items(session: Session, entries: list[InboxEntry]) -> list[CentralItem]:
    member_ids = {e.member_id for e in entries if e.member_id is not None}
    members: dict[str, tuple[str, str]] = {}
    if member_ids:
        for mid, member_number, full_name in session.execute(
            select(m.Member.id, m.Member.member_number, m.Member.full_name).where(m.Member.id.in_(member_ids))
        ):
            members[mid] = (member_number, full_name)
    staff_ids = {e.resolved_by for e in entries if e.resolved_by is not None}
    staff: dict[str, str] = {}
    if staff_ids:
        staff = dict(session.execute(select(m.Staff.id, m.Staff.name).where(m.Staff.id.in_(staff_ids))).all())
    own_till = get_setting(session, TILL_ID)
    items = []
    for e in entries:
        known = members.get(e.member_id or "")
        number: str | None = known[0] if known is not None else None
        name: str | None = known[1] if known is not None else None
        items.append(
            CentralItem(
                entry=e,
                created_at=parse_utc(e.created_at),
                resolved_at=None if e.resolved_at is None else parse_utc(e.resolved_at),
                member_number=number,
                member_name=name,
                resolved_by=None if e.resolved_by is None else staff.get(e.resolved_by, e.resolved_by),
                from_this_till=e.till_id == own_till,
            )
        )
    return items
