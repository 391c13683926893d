"""Lots at the central: what every entry it applies does to its member's lots, by ``loyalty.ledger``'s rules.

The central owns expiry for the tills enrolled with it (docs/sync.md, "Who owns expiry"), so it keeps each
member's lots — one per credit entry, keyed by the entry's id, with the entry's expiry — and what each debit
took from them (``lot_consumptions``). A request's entries are tracked at the end of the request, before their
balances are settled (``central.ledger.finish``), in the order the request applied them:

- a **credit** opens a lot of its points, less what it pays of the member's debt (a balance below zero is
  what open overdrafts owe, and ``central.ledger.settle`` pays them from the credit first);
- a **debit** takes from the lots that were live at the entry's own time (``Account.debit``: soonest expiry
  first, a return's own sale first). When it is dated before the expiry of a lot the central has already
  expired — an offline till's redemption or return pushed after the sweep — what it spends of the expired
  points (``Account.restores``) was taken by the expiry once too often: the central writes a **correction**,
  a ``reverse`` entry naming the expiry with those points, placed before the debit, and gives them back to
  the lot for the debit to take. The member is charged once;
- an **expiry** the central wrote (``central.expiry``) takes what is left of its one lot.

The balance and its overdrafts stay ``central.ledger``'s: lots only say which points expire and when.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, delete, func, or_, select, tuple_, update
from sqlalchemy.orm import Session

from central import models as m
from central.base import ENTRIES, MEMBERS, Posted, Work, among
from central.bulk import insert_rows
from loyalty.ids import derived_id
from loyalty.ledger import Account, Consumption, EntryKind, ExpiredLot, Lot, Overdraft, Restore
from sync.protocol import parse_utc

LOTS = cast(Table, m.CentralLot.__table__)
LOT_USES = cast(Table, m.CentralLotUse.__table__)

_BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)

WriteCorrection = Callable[[Session, Work, str, Restore, "Facts"], Posted]
"""Writes the correction entry of ``Restore`` for the member (a survivor) and returns its posting."""


def expire_entry_id(lot_id: str, expires_at: datetime) -> str:
    """The id of the one expiry entry of a lot: a function of the lot, so two sweeps (two workers, a rerun)
    that both try to write it write the same id, and its claim admits one."""
    return derived_id(f"expire:{lot_id}", int(expires_at.timestamp() * 1000))


def correction_entry_id(expire_id: str, entry_id: str, at: datetime) -> str:
    """The id of the correction a late debit makes to an expiry (one per expiry and debit)."""
    return derived_id(f"correct:{expire_id}:{entry_id}", int(at.timestamp() * 1000))


@dataclass(frozen=True, slots=True)
class Facts:
    """What lot tracking needs of an entry, read from its stored body."""

    id: str
    kind: str
    points: int
    at: datetime
    expires_at: datetime | None
    reverses_id: str | None
    lot_id: str | None
    """The lot an expiry (or a correction of one) is about, from the entry's details."""
    program_version: str

    @classmethod
    def of(cls, body: dict[str, Any]) -> Facts:
        details = body.get("details")
        lot_id = None
        if isinstance(details, str) and '"lot_id"' in details:  # only the central's expiries name one
            parsed = json.loads(details)
            if isinstance(parsed, dict) and isinstance(parsed.get("lot_id"), str):
                lot_id = parsed["lot_id"]
        expires = body.get("expires_at")
        return cls(
            id=str(body["id"]),
            kind=str(body["kind"]),
            points=int(body["points"]),
            at=parse_utc(str(body["created_at"])),
            expires_at=parse_utc(expires) if isinstance(expires, str) else None,
            reverses_id=body.get("reverses_id") if isinstance(body.get("reverses_id"), str) else None,
            lot_id=lot_id,
            program_version=str(body["program_version"]),
        )


@dataclass
class _Member:
    """One member's lots while a request is tracked: the ledger account and what changed, to write back."""

    account: Account
    all_lots: dict[str, Lot]
    """Every lot read or opened, closed ones included (an expired lot a correction gives points back to)."""
    expired: dict[str, ExpiredLot]
    new: set[str] = field(default_factory=set)
    touched: set[str] = field(default_factory=set)
    uses: dict[tuple[str, str], int] = field(default_factory=dict)
    """(entry, lot) -> points taken, for new consumption rows."""
    shrunk: dict[tuple[str, str], int] = field(default_factory=dict)
    """(expiry entry, lot) -> points a correction gave back, for existing consumption rows."""
    expired_changed: set[str] = field(default_factory=set)
    complete: bool = True
    """Every open lot of the member is in ``account``. When not, those read are every open lot up to
    ``bound`` in the order a debit takes them (``_due_key``) and every lot an expiry touched (``_load``): a
    debit covered by lots up to ``bound`` takes what it would take from all of them."""
    bound: tuple[datetime, datetime, str] | None = None


def _due_key(lot: Lot) -> tuple[datetime, datetime, str]:
    """Where a lot that expires comes in the order a debit takes lots (``loyalty.ledger.Account.debit``):
    soonest due first, then the oldest, then by id. Lots that never expire come after all of these."""
    assert lot.expires_at is not None
    return (lot.expires_at, lot.created_at, lot.id)


def _lot(row: Any) -> Lot:
    return Lot(row.id, int(row.points), int(row.remaining), row.expires_at, row.created_at)


PREFIX_LOAD = True
"""Read only the soonest-due open lots a redeeming member's debits need (``_load``); off, every open lot of the
member (the tests hold the two alike)."""


def _load(
    session: Session, whole: list[str], need: dict[str, int], earliest_debit: datetime | None
) -> dict[str, _Member]:
    """The lots of the members who spend in the request: every open lot of those in ``whole`` (an expiry
    names its lot, a return takes its sale's lot first), and for the others (``need``: the points their
    debits take) the first open lots in the order a debit takes them that cover those points, with every
    open lot an expiry touched; a debit those do not cover reads the rest first (``_cover``). A member who
    shops daily holds hundreds of open lots, and reading all of them for every redemption was three quarters
    of the central's lot tracking with fifty tills at once."""
    members = sorted({*whole, *need})
    state = {member_id: _Member(Account(), {}, {}) for member_id in members}
    if not members:
        return state
    full = members if not PREFIX_LOAD else sorted(whole)
    partial = (
        {} if not PREFIX_LOAD else {member_id: n for member_id, n in need.items() if member_id not in whole}
    )
    _read_open(session, state, full)
    if partial:
        # What the lots before each lot in the order a debit takes them hold (``_due_key``): a lot is read
        # while that is short of the member's need, so the lots read are the first ones in that order, up to
        # the one that covers the need. A shop's lots share due dates (the end of a month): the order goes
        # on to the time the lot was opened and its id, as the debit's does.
        lot_id = LOTS.c.id.collate("C") if session.get_bind().dialect.name == "postgresql" else LOTS.c.id
        due_before = func.coalesce(
            func.sum(LOTS.c.remaining).over(
                partition_by=LOTS.c.member_id,
                order_by=(LOTS.c.expires_at, LOTS.c.created_at, lot_id),
                rows=(None, -1),
            ),
            0,
        )
        ranked = (
            select(LOTS, due_before.label("due_before"))
            .where(
                among(session, LOTS.c.member_id, sorted(partial)),
                LOTS.c.remaining > 0,
                LOTS.c.expires_at.is_not(None),
            )
            .subquery()
        )
        wanted = ranked.c.due_before < case(partial, value=ranked.c.member_id)
        for row in session.execute(
            select(ranked, wanted.label("wanted")).where(or_(wanted, ranked.c.expire_id.is_not(None)))
        ).all():
            member = state[row.member_id]
            lot = _lot(row)
            _add_open(member, lot)
            if row.wanted and (member.bound is None or _due_key(lot) > member.bound):
                member.bound = _due_key(lot)
        for member_id in partial:
            state[member_id].complete = False  # lots that never expire, and those due later, are not read
    if earliest_debit is not None:
        # Only lots still live at the earliest debit's time can be spent by it: an expiry of a lot due later
        # than that is the only kind a late debit corrects.
        for row in session.execute(
            select(LOTS).where(
                among(session, LOTS.c.member_id, members),
                LOTS.c.expire_id.is_not(None),
                LOTS.c.expired > 0,
                LOTS.c.expires_at > earliest_debit,
            )
        ).all():
            lot = _lot(row)
            state[row.member_id].all_lots[lot.id] = lot
            state[row.member_id].expired[lot.id] = ExpiredLot(lot, int(row.expired), row.expire_id)
    return state


def _add_open(member: _Member, lot: Lot) -> None:
    member.account.lots[lot.id] = lot
    member.all_lots[lot.id] = lot


def _read_open(session: Session, state: dict[str, _Member], members: list[str]) -> None:
    """Every open lot of ``members`` into their state, but those it holds already: read before, or changed
    by this request, they are kept as they are here. The members are complete afterwards."""
    if not members:
        return
    for row in session.execute(
        select(LOTS).where(among(session, LOTS.c.member_id, members), LOTS.c.remaining > 0)
    ).all():
        member = state[row.member_id]
        if row.id not in member.all_lots:
            _add_open(member, _lot(row))
    for member_id in members:
        state[member_id].complete = True


def _cover(session: Session, member: _Member, member_id: str, entry: Facts) -> None:
    """Before a debit of a member whose open lots were read in part: the rest of them, unless the lots read
    that were live at the debit's time and come up to ``bound`` in the order a debit takes lots cover it.
    Every open lot before ``bound`` in that order was read, so a debit they cover takes what it would take
    from all of them: no lot read later could come before them."""
    if member.complete:
        return
    bound = member.bound
    covered = (
        0
        if bound is None
        else sum(
            lot.remaining
            for lot in member.account.lots.values()
            if lot.created_at <= entry.at
            and lot.live_at(entry.at)
            and lot.expires_at is not None
            and _due_key(lot) <= bound
        )
    )
    if covered >= -entry.points:
        return
    _read_open(session, {member_id: member}, [member_id])


def track(
    session: Session,
    work: Work,
    write_correction: WriteCorrection,
    balances: dict[str, int] | None = None,
) -> None:
    """Track the lots of the request's postings (in order), writing corrections of expiries where a late
    debit needs them; the corrections are put before their debits in ``work.postings``. ``balances``: the
    members' balances before the postings (default: as stored, before ``settle`` adds the postings)."""
    todo = work.postings
    if not todo:
        return
    work.postings = []
    members = sorted({member_id for member_id, _ in todo})
    stored = {
        row.id: int(row.balance)
        for row in session.execute(
            select(MEMBERS.c.id, MEMBERS.c.balance)
            .where(among(session, MEMBERS.c.id, members))
            .order_by(MEMBERS.c.id)
            .with_for_update(key_share=True)  # the lock settle takes too, in the same order
        )
    }
    balances = (
        stored if balances is None else {member_id: balances.get(member_id, 0) for member_id in members}
    )
    facts = {p.entry_id: Facts.of(p.body) for _, p in todo if p.body is not None}
    unread = [(member_id, p.entry_id) for member_id, p in todo if p.body is None]
    if unread:
        # By (member, id) pairs: two ``= ANY`` lists on the key would make PostgreSQL (before 17) probe the
        # index for every member with every id, a quarter of a million probes for a batch of 500.
        facts.update(
            (row.id, Facts.of(row.body))
            for row in session.execute(
                select(ENTRIES.c.id, ENTRIES.c.body).where(
                    tuple_(ENTRIES.c.member_id, ENTRIES.c.id).in_(unread)
                )
            )
        )
    debit_times = [f.at for f in facts.values() if f.points < 0]
    # A credit opens a lot of its own and takes nothing from the others: only members with a debit (a
    # redemption, a return, an expiry) in the request need their open lots read. A batch of sales reads none.
    whole: set[str] = set()
    need: dict[str, int] = {}
    for member_id, p in todo:
        entry = facts.get(p.entry_id)
        if entry is None or entry.points >= 0:
            continue
        if entry.kind == EntryKind.EXPIRE.value or entry.reverses_id is not None:
            whole.add(member_id)
        else:
            need[member_id] = need.get(member_id, 0) - entry.points
    state = _load(session, sorted(whole), need, min(debit_times) if debit_times else None)
    state.update((member_id, _Member(Account(), {}, {})) for member_id in members if member_id not in state)
    running = dict(balances)
    out: list[tuple[str, Posted]] = []
    for member_id, posted in todo:
        entry = facts.get(posted.entry_id)
        if entry is not None and posted.points != 0:
            for correction in _apply(
                session, work, state[member_id], member_id, entry, running, write_correction
            ):
                out.append((member_id, correction))
                running[member_id] += correction.points
        out.append((member_id, posted))
        running[member_id] += posted.points
    out.extend(work.postings)  # anything else a correction's writing added (nothing, today)
    work.postings = out
    _write(session, work.store_id, members, state)


def _lots_then(account: Account, at: datetime) -> Account:
    """The member's open lots that were opened by ``at``: a lot opened later (at another till, pushed
    earlier) cannot pay for an earlier debit."""
    return Account.of(0, (lot for lot in account.lots.values() if lot.created_at <= at))


def _apply(
    session: Session,
    work: Work,
    member: _Member,
    member_id: str,
    entry: Facts,
    running: dict[str, int],
    write_correction: WriteCorrection,
) -> list[Posted]:
    account = member.account
    if entry.points > 0:
        debt = -running[member_id]
        # What the member owes is paid from the credit first (``settle`` does the same with the overdrafts):
        # only the rest can expire.
        account.overdrafts = {"debt": Overdraft("debt", debt, debt, _BEGINNING)} if debt > 0 else {}
        posting = account.credit(entry.id, entry.points, entry.at, entry.expires_at)
        account.overdrafts = {}
        assert posting.new_lot is not None
        member.all_lots[entry.id] = posting.new_lot
        member.new.add(entry.id)
        return []
    if entry.kind == EntryKind.EXPIRE.value:
        if entry.lot_id is not None:  # the central's own: one lot, what was left of it
            posting = account.expire_lot(entry.id, entry.lot_id, -entry.points, entry.at)
            account.overdrafts = {}
        else:
            # A till's expiry from before the central owned expiry: what was left of the lots due by then.
            found = account.expire(entry.id, entry.at)
            if found is None:
                return []
            posting = found
        _took(member, entry.id, posting.consumptions)
        for c in posting.consumptions:
            member.expired[c.lot_id] = ExpiredLot(member.all_lots[c.lot_id], c.points, entry.id)
            member.expired_changed.add(c.lot_id)
        return []
    _cover(session, member, member_id, entry)
    corrections: list[Posted] = []
    for restore in _lots_then(account, entry.at).restores(
        -entry.points, entry.at, member.expired.values(), first=entry.reverses_id
    ):
        corrections.append(write_correction(session, work, member_id, restore, entry))
        _give_back(member, restore)
    then = _lots_then(account, entry.at)
    posting = then.debit(entry.id, -entry.points, entry.at, allow_overdraft=True, first=entry.reverses_id)
    # The central's overdrafts follow the balance (``central.ledger.settle``), not the lots.
    account.apply(replace(posting, new_overdraft=None))
    _took(member, entry.id, posting.consumptions)
    if posting.new_overdraft is not None:
        # Short of the lots opened by then: in time order this debit ran up a debt that the credits made
        # since (opened later, pushed first) paid back; those points are spent, not left to expire.
        later = Account.of(0, (lot for lot in account.lots.values() if lot.created_at > entry.at))
        if later.lots:
            paid = later.debit(entry.id, posting.new_overdraft.points, entry.at, allow_overdraft=True)
            account.apply(replace(paid, new_overdraft=None, points=0))
            _took(member, entry.id, paid.consumptions)
    return corrections


def _took(member: _Member, entry_id: str, consumptions: Iterable[Consumption]) -> None:
    for c in consumptions:
        if not c.points:
            continue
        member.uses[(entry_id, c.lot_id)] = member.uses.get((entry_id, c.lot_id), 0) + c.points
        member.touched.add(c.lot_id)
        lot = member.account.lots.get(c.lot_id) or replace(member.all_lots[c.lot_id], remaining=0)
        member.all_lots[c.lot_id] = lot


def _give_back(member: _Member, restore: Restore) -> None:
    """The expiry of the lot took ``restore.points`` too many: back into the lot (for the late debit to
    take), and off what the expiry took."""
    lot = member.all_lots[restore.lot_id]
    known = member.expired[restore.lot_id]
    member.expired[restore.lot_id] = replace(known, expired=known.expired - restore.points)
    member.expired_changed.add(restore.lot_id)
    _posting, back = member.account.unexpire(restore.expire_id, lot, restore.points, lot.created_at)
    member.all_lots[restore.lot_id] = member.account.lots[restore.lot_id]
    member.touched.add(restore.lot_id)
    key = (restore.expire_id, restore.lot_id)
    if key in member.uses:  # the expiry was tracked in this same request
        member.uses[key] -= back
    else:
        member.shrunk[key] = member.shrunk.get(key, 0) + back


def _write(session: Session, store_id: str, members: list[str], state: dict[str, _Member]) -> None:
    """The request's lot changes for all its members, one statement per kind of change (a batch of a till's
    sales touches hundreds of members: a statement per member was half of a push's time). In member order,
    then lot order, as the rows were locked."""
    new_rows: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    expired: list[dict[str, Any]] = []
    uses: list[dict[str, Any]] = []
    shrunk: list[dict[str, Any]] = []
    for member_id in members:
        member = state[member_id]
        for lot_id in sorted(member.new):
            lot = member.all_lots[lot_id]
            new_rows.append(
                {
                    "member_id": member_id,
                    "id": lot_id,
                    "store_id": store_id,
                    "points": lot.points,
                    "remaining": lot.remaining,
                    "expires_at": lot.expires_at,
                    "created_at": lot.created_at,
                    "expire_id": None,
                    "expired": 0,
                }
            )
        changed += [
            {"b_member": member_id, "b_lot": lot_id, "b_remaining": member.all_lots[lot_id].remaining}
            for lot_id in sorted(member.touched - member.new)
        ]
        expired += [
            {
                "b_member": member_id,
                "b_lot": lot_id,
                "b_expired": member.expired[lot_id].expired,
                "b_expire_id": member.expired[lot_id].expire_id,
            }
            for lot_id in sorted(member.expired_changed)
        ]
        uses += [
            {"member_id": member_id, "entry_id": entry_id, "lot_id": lot_id, "points": points}
            for (entry_id, lot_id), points in sorted(member.uses.items())
            if points > 0
        ]
        shrunk += [
            {"b_member": member_id, "b_entry": entry_id, "b_lot": lot_id, "b_back": back}
            for (entry_id, lot_id), back in sorted(member.shrunk.items())
        ]
    insert_rows(session, LOTS, new_rows)
    if changed:
        session.execute(
            update(LOTS)
            .where(LOTS.c.member_id == bindparam("b_member"), LOTS.c.id == bindparam("b_lot"))
            .values(remaining=bindparam("b_remaining")),
            changed,
        )
    if expired:
        session.execute(
            update(LOTS)
            .where(LOTS.c.member_id == bindparam("b_member"), LOTS.c.id == bindparam("b_lot"))
            .values(expired=bindparam("b_expired"), expire_id=bindparam("b_expire_id")),
            expired,
        )
    insert_rows(session, LOT_USES, uses)
    if shrunk:
        one_use = (
            (LOT_USES.c.member_id == bindparam("b_member"))
            & (LOT_USES.c.entry_id == bindparam("b_entry"))
            & (LOT_USES.c.lot_id == bindparam("b_lot"))
        )
        session.execute(
            update(LOT_USES).where(one_use).values(points=LOT_USES.c.points - bindparam("b_back")), shrunk
        )
        session.execute(
            delete(LOT_USES).where(one_use, LOT_USES.c.points <= 0),
            [{k: row[k] for k in ("b_member", "b_entry", "b_lot")} for row in shrunk],
        )


def _no_correction(_s: Session, _w: Work, _m: str, restore: Restore, _f: Facts) -> Posted:
    raise AssertionError(f"a replay in time order corrects no expiry ({restore})")  # pragma: no cover


def rebuild(session: Session, batch: int = 500) -> int:
    """Fill the lots of every member from their entries (a central that kept no lots before, migration
    0003): each member's entries replayed in time order, from a balance of zero, by the same tracking as a
    push. Returns how many members were replayed."""
    done = 0
    after = ""
    while True:
        members = session.execute(
            select(MEMBERS.c.id, MEMBERS.c.store_id)
            .where(MEMBERS.c.id > after)
            .order_by(MEMBERS.c.id)
            .limit(batch)
        ).all()
        if not members:
            return done
        after = members[-1].id
        for member_id, store_id in members:
            rows = session.execute(
                select(
                    ENTRIES.c.id,
                    ENTRIES.c.points,
                    ENTRIES.c.till_id,
                    ENTRIES.c.hash,
                    ENTRIES.c.program_version,
                )
                .where(ENTRIES.c.member_id == member_id)
                .order_by(ENTRIES.c.created_at, ENTRIES.c.id)
            ).all()
            if not rows:
                continue
            work = Work(store_id=store_id, writer_id="", now=datetime.now(UTC))
            for row in rows:
                work.post(
                    member_id, Posted(row.id, int(row.points), row.till_id, row.hash, row.program_version)
                )
            track(session, work, _no_correction, balances={member_id: 0})
            done += 1
