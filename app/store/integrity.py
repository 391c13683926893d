"""The full check of a till's file (``python -m app check``): everything that shows an edit made outside the
till's services, each problem as one plain-English sentence.

What is checked, in order:

* SQLite's own ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check`` (the ``sqlite3`` shell has
  foreign keys off, so an edit made there can leave rows pointing at nothing).
* The append-only triggers of ``ledger_entries`` and ``audit_log`` are present and unchanged.
* The audit log's hash chain (``app.store.audit``).
* The ledger's hash chains (``loyalty.chain``): each till's entries in sequence order, with no gap, each one
  linked to the one before and matching its own hash, and the last one matching the head the till recorded
  in its sequence counter — so deleting the last entries shows too.
* The balance cache of every member equals the sum of their entries.
* Lots, lot consumptions and overdrafts agree with the entries (``verify_postings``).
* Staff rows are what the services last wrote (the seal recorded in the audit log, ``staff_seal``).
* Every installed program version still matches its sha256, and the sha256 the audit log recorded.

What a chain kept on the till cannot show: someone who holds the file and knows the scheme can rewrite every
hash after an edit, and the head with them. The central service's copy of the entries (and of the chain's
head) is what covers that, once the till syncs.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any, Protocol, TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.store.audit import verify_audit_chain
from app.store.counters import ledger_counter
from loyalty.audit import canonical_json
from loyalty.chain import ENTRY_FIELDS, GENESIS_HASH, entry_hash

MAX_PER_CHECK = 20
"""Problems reported per kind of check; the rest are counted in one more line."""

APPEND_ONLY_TRIGGERS = {
    "ledger_entries_no_update": (
        "CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries "
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END"
    ),
    "ledger_entries_no_delete": (
        "CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries "
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END"
    ),
    "audit_log_no_update": (
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    ),
    "audit_log_no_delete": (
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    ),
}
"""The triggers migrations 0001 and 0002 leave in place, as they write them (a test compares)."""

# The settings key of the till's own id (app.services.core.TILL_ID; the store cannot import the services).
_TILL_ID_SETTING = "till_id"


def program_digest(body: str) -> str:
    """The sha256 a program version is stored and audited with, over its exact text."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def staff_seal(staff_id: str, code: str, role: str, active: bool, pin_hash: str) -> str:
    """The fingerprint of what a staff row grants: who, which role, whether active, which PIN.

    Every service that writes one of these columns records the new seal in the audit record it writes
    (``details["seal"]``), so ``check`` can tell a row changed with raw SQL from one changed by the till.
    Signing in reads nothing of it. The failure count and lock-out time are left out: they change on every
    wrong PIN and grant nothing.
    """
    fields = {"id": staff_id, "code": code, "role": role, "active": bool(active), "pin_hash": pin_hash}
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def check_database(session: Session) -> list[str]:
    """Every problem found in the open database, as sentences; an empty list means the file is sound."""
    problems: list[str] = []
    for check in (
        sqlite_problems,
        trigger_problems,
        audit_problems,
        ledger_chain_problems,
        balance_problems,
        posting_problems,
        staff_problems,
        program_problems,
    ):
        problems += _capped(check(session))
    return problems


def _capped(found: Iterable[str], limit: int = MAX_PER_CHECK) -> list[str]:
    kept: list[str] = []
    extra = 0
    for problem in found:
        if len(kept) < limit:
            kept.append(problem)
        else:
            extra += 1
    if extra:
        kept.append(f"... and {extra} more problems of the same kind.")
    return kept


def _cursor(session: Session) -> Any:
    """A driver cursor in the session's transaction: the checks stream whole tables, row by row."""
    dbapi = session.connection().connection.dbapi_connection
    if dbapi is None:  # pragma: no cover - a live connection always has one
        raise RuntimeError("connection is closed")
    return dbapi.cursor()


# -- SQLite's own checks ------------------------------------------------------------------------------
def sqlite_problems(session: Session) -> Iterator[str]:
    rows = [str(r[0]) for r in session.execute(text("PRAGMA integrity_check")).all()]
    if rows != ["ok"]:
        yield from (f"integrity: {r}" for r in rows)
    for table, rowid, parent, _fk in session.execute(text("PRAGMA foreign_key_check")).all():
        yield f"Row {rowid} of {table} refers to a row of {parent} that does not exist."


def trigger_problems(session: Session) -> Iterator[str]:
    """The append-only triggers are present, and say what they said when the migrations wrote them."""
    rows = session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
    stored: dict[str, str] = {str(name): str(sql) for name, sql in rows}
    for name, ddl in APPEND_ONLY_TRIGGERS.items():
        table = "the ledger" if name.startswith("ledger_entries") else "the audit log"
        if name not in stored:
            yield f"The trigger that keeps {table} append-only is missing ({name} was dropped)."
        elif " ".join(stored[name].split()) != " ".join(ddl.split()):
            yield f"The trigger that keeps {table} append-only was changed ({name})."


def audit_problems(session: Session) -> Iterator[str]:
    for p in verify_audit_chain(session):
        yield f"audit row {p.seq}: {p.kind}: {p.message}"


# -- the ledger's chains ------------------------------------------------------------------------------
_CHAIN_COLUMNS = ", ".join(f"l.{name}" if name == "expires_at" else f"e.{name}" for name in ENTRY_FIELDS)


@dataclass(frozen=True)
class _Head:
    seq: int
    hash: str | None


def _heads(session: Session) -> dict[str, _Head]:
    """The head each till's counter recorded, by till id (only tills that wrote here have one)."""
    prefix = ledger_counter("")
    rows = session.execute(
        text("SELECT name, value, hash FROM counters WHERE substr(name, 1, :n) = :prefix"),
        {"n": len(prefix), "prefix": prefix},
    ).all()
    return {str(name)[len(prefix) :]: _Head(int(value), hash_) for name, value, hash_ in rows}


def _local_till(session: Session) -> str | None:
    raw = session.execute(text("SELECT value FROM settings WHERE key = :k"), {"k": _TILL_ID_SETTING}).scalar()
    return None if raw is None else str(json.loads(raw))


def ledger_chain_problems(session: Session) -> Iterator[str]:
    """Walk each till's chain in sequence order.

    An edited entry (any field, the expiry of the lot it opened included) no longer matches its hash; a
    deleted one leaves a gap in the sequence; an inserted, replaced or reordered one does not link to the
    entry before it; entries deleted or added at the end disagree with the head the till recorded.
    """
    heads = _heads(session)
    local = _local_till(session)
    cursor = _cursor(session)
    try:
        cursor.execute(
            f"SELECT {_CHAIN_COLUMNS}, e.prev_hash, e.hash FROM ledger_entries e "
            "LEFT JOIN lots l ON l.id = e.id ORDER BY e.till_id, e.seq"
        )
        seen: set[str] = set()
        for till_id, rows in groupby(cursor, key=itemgetter(ENTRY_FIELDS.index("till_id"))):
            seen.add(till_id)
            yield from _walk_till(till_id, rows, heads.get(till_id), is_local=till_id == local)
    finally:
        cursor.close()
    for till_id, head in heads.items():
        if till_id not in seen and head.seq > 0:
            yield (
                f"All ledger entries of till {till_id} were deleted: "
                f"the till recorded entry {head.seq} as its last."
            )


def _walk_till(
    till_id: str, rows: Iterable[Sequence[Any]], head: _Head | None, *, is_local: bool
) -> Iterator[str]:
    n = len(ENTRY_FIELDS)
    expected_seq = 1
    prev_hash = GENESIS_HASH
    last_seq = 0
    last_hash: str | None = None
    for row in rows:
        entry = dict(zip(ENTRY_FIELDS, row[:n], strict=True))
        stored_prev, stored_hash = row[n], row[n + 1]
        seq = entry["seq"]
        where = f"Ledger entry {seq} of till {till_id}"
        if not isinstance(seq, int):
            yield f"{where} has a sequence number that is not a number."
            continue
        if seq > expected_seq:
            missing = (
                f"Ledger entry {expected_seq}"
                if seq == expected_seq + 1
                else f"Ledger entries {expected_seq} to {seq - 1}"
            )
            verb = "is" if seq == expected_seq + 1 else "are"
            yield f"{missing} of till {till_id} {verb} missing: deleted from the ledger."
        elif stored_prev != prev_hash:
            yield f"{where} does not follow the entry before it: an entry was inserted, replaced or moved."
        if stored_hash is None or entry_hash(stored_prev or "", entry) != stored_hash:
            yield (
                f"{where} was changed after it was written: its content no longer matches its hash "
                f"(member {entry['member_id']}, {entry['kind']} {entry['points']} points)."
            )
        prev_hash = stored_hash or ""
        expected_seq = seq + 1
        last_seq, last_hash = seq, stored_hash
    if head is None:
        if is_local and last_seq:
            yield f"Till {till_id} has ledger entries but no record of where its chain ends."
        return
    if head.seq > last_seq:
        yield (
            f"The last ledger entries of till {till_id} were deleted: its ledger ends at entry {last_seq}, "
            f"but the till recorded entry {head.seq} as its last."
        )
    elif head.seq < last_seq:
        added = (
            f"Ledger entry {last_seq} of till {till_id} was"
            if last_seq == head.seq + 1
            else f"Ledger entries {head.seq + 1} to {last_seq} of till {till_id} were"
        )
        yield f"{added} added outside the till: the till recorded entry {head.seq} as its last."
    elif head.hash != last_hash:
        yield f"The last ledger entry of till {till_id} (entry {last_seq}) is not the one the till wrote."


def balance_problems(session: Session) -> Iterator[str]:
    """The balance cache is only a cache: it must equal the sum of the member's entries."""
    drift = session.execute(
        text(
            "SELECT m.member_number, m.balance, COALESCE(SUM(e.points), 0) FROM members m "
            "LEFT JOIN ledger_entries e ON e.member_id = m.id GROUP BY m.id "
            "HAVING m.balance != COALESCE(SUM(e.points), 0)"
        )
    )
    for number, balance, total in drift:
        yield f"member {number}: cached balance {balance} but entries sum to {total}"


# -- lots, consumptions and overdrafts against the entries --------------------------------------------
_ENTRY_ROWS = (
    "SELECT member_id, id, till_id, seq, kind, points, created_at, reverses_id, channel FROM ledger_entries "
    "ORDER BY member_id"
)
_LOT_ROWS = (
    "SELECT e.member_id, l.id, l.member_id, l.points, l.remaining, l.expires_at, l.created_at "
    "FROM ledger_entries e JOIN lots l ON l.id = e.id ORDER BY e.member_id"
)
_CONSUMPTION_ROWS = (
    "SELECT e.member_id, c.entry_id, c.lot_id, c.points FROM ledger_entries e "
    "JOIN lot_consumptions c ON c.entry_id = e.id ORDER BY e.member_id, c.id"
)
_OVERDRAFT_ROWS = (
    "SELECT member_id, id, entry_id, points, remaining, created_at, settled_at FROM overdrafts "
    "ORDER BY member_id"
)


@dataclass(frozen=True, slots=True)
class _Entry:
    id: str
    till_id: str
    seq: int
    kind: str
    points: int
    created_at: str
    reverses_id: str | None = None
    channel: str = "till"

    @property
    def ref(self) -> str:
        return f"ledger entry {self.seq} of till {self.till_id}"

    @property
    def subject(self) -> str:
        """``ref`` at the start of a sentence."""
        return f"Ledger entry {self.seq} of till {self.till_id}"


def posting_problems(session: Session) -> Iterator[str]:
    """Lots, lot consumptions and overdrafts against a replay of the entries, member by member.

    The entries are chained, so they are the truth; the other three tables are what the entries did, and are
    replayed from the stored rows in the order the till wrote them (each till's sequence; tills merged by
    time), the way ``loyalty.ledger.Account`` applies postings:

    * a credit (points > 0) opened exactly one lot, of the entry's member, with the entry's points and time;
      it paid the member's open overdrafts first, oldest first, and the lot kept what was left;
    * a debit (points < 0) took its points from lots of the same member opened before it, no more than each
      had left and only while they were live (an expiry only from lots due by then, and all that was left),
      and any shortfall is its overdraft, of the same member and time;
    * a zero-point entry did none of that;
    * after the replay, every lot's remaining points, every overdraft's outstanding points and its settled
      time are what the replay leaves.

    So an edit of a lot (points, remaining, member, expiry once used by an expiry), of a consumption (added,
    removed, moved, resized) or of an overdraft (forgiven, moved, resized) shows, as does the balance cache
    (``balance_problems``) — and the lot's expiry is in the entry's hash besides. Which live lot a debit
    drew on is not re-derived (a return takes its sale's own lot first, other debits the soonest-expiring):
    moving a consumption between two live lots of one member and fixing both lots by hand goes unseen.
    """
    cursors = [_cursor(session) for _ in range(4)]
    try:
        for cursor, sql in zip(
            cursors, (_ENTRY_ROWS, _LOT_ROWS, _CONSUMPTION_ROWS, _OVERDRAFT_ROWS), strict=True
        ):
            cursor.execute(sql)
        streams = [_groups(cursor) for cursor in cursors]
        for member_id, (entries, lots, consumptions, overdrafts) in _merge(streams):
            try:
                yield from _replay_member(member_id, entries, lots, consumptions, overdrafts)
            except (TypeError, KeyError):
                yield f"The points of member {member_id} are stored with values the till never writes."
    finally:
        for cursor in cursors:
            cursor.close()


def _groups(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[str, list[Sequence[Any]]]]:
    for member_id, group in groupby(rows, key=itemgetter(0)):
        yield member_id, list(group)


def _merge(
    streams: list[Iterator[tuple[str, list[Sequence[Any]]]]],
) -> Iterator[tuple[str, list[list[Sequence[Any]]]]]:
    """Join streams grouped by member id (each in member id order) into one group of each per member."""
    heads = [next(s, None) for s in streams]
    while True:
        keys = [h[0] for h in heads if h is not None]
        if not keys:
            return
        key = min(keys)
        out: list[list[Sequence[Any]]] = []
        for i, h in enumerate(heads):
            if h is not None and h[0] == key:
                out.append(h[1])
                heads[i] = next(streams[i], None)
            else:
                out.append([])
        yield key, out


class Written(Protocol):
    """What places an entry in write order: its till, its sequence there and its stored time text."""

    @property
    def till_id(self) -> str: ...
    @property
    def seq(self) -> int: ...
    @property
    def created_at(self) -> str: ...


W = TypeVar("W", bound=Written)


def write_order(entries: Iterable[W]) -> list[W]:
    """Each till's entries in sequence order; entries of several tills merged by time (the stored text,
    fixed-width, so text order is time order).

    The order ``posting_problems`` replays a member's entries in, and the one a till rebuilds a member's lots
    and overdrafts in when an entry arrives late (``app.services.sync_apply``): one function, so the two
    cannot drift apart."""
    by_till: dict[str, list[W]] = defaultdict(list)
    for e in entries:
        by_till[e.till_id].append(e)
    # Tills in id order: entries of two tills at the same instant keep one order, whatever order they came in.
    lists = [sorted(by_till[till], key=lambda e: e.seq) for till in sorted(by_till)]
    if len(lists) == 1:
        return lists[0]
    return list(heapq.merge(*lists, key=lambda e: e.created_at))


def _replay_member(
    member_id: str,
    entry_rows: list[Sequence[Any]],
    lot_rows: list[Sequence[Any]],
    consumption_rows: list[Sequence[Any]],
    overdraft_rows: list[Sequence[Any]],
) -> list[str]:
    problems: list[str] = []
    say: Callable[[str], None] = problems.append
    entries = write_order([_Entry(*row[1:]) for row in entry_rows])
    by_id = {e.id: e for e in entries}
    lots = {row[1]: row for row in lot_rows}  # lot id (= its entry's id) -> row
    consumptions: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for _m, entry_id, lot_id, points in consumption_rows:
        consumptions[entry_id].append((lot_id, points))
    overdrafts: dict[str, Sequence[Any]] = {}
    for row in overdraft_rows:
        od_id, entry_id = row[1], row[2]
        entry = by_id.get(entry_id)
        if entry is None or entry.points >= 0:
            say(f"Overdraft {od_id} of member {member_id} was not recorded by a debit of that member.")
        elif entry_id in overdrafts:
            say(f"{entry.subject} has more than one overdraft.")
        else:
            overdrafts[entry_id] = row

    # The central's corrections of its expiries (docs/sync.md, "Who owns expiry"): a credit naming an expiry
    # that took points an earlier-dated debit spent. It pays what the expiry left owing first; the rest was
    # the expiry's to begin with, so it opens no lot and the expiry is short by that much.
    corrections = {
        e.id
        for e in entries
        if e.kind == "reverse"
        and e.points > 0
        and e.channel == "central"
        and e.reverses_id is not None
        and e.reverses_id in by_id
        and by_id[e.reverses_id].kind == "expire"
    }
    given_back: dict[str, int] = defaultdict(int)  # expiry id -> points its corrections gave back
    expiry_sums: dict[str, tuple[int, int]] = {}  # expiry id -> (points, consumptions + overdraft)
    lot_left: dict[str, int] = {}  # replayed remaining of the lots opened so far
    lot_expiry: dict[str, str | None] = {}
    od_left: dict[str, int] = {}  # replayed outstanding points of open overdrafts, by entry id
    od_order: dict[str, tuple[str, str]] = {}
    od_settled: dict[str, str | None] = {}
    for e in entries:
        lot = lots.get(e.id)
        taken = consumptions.get(e.id, [])
        od = overdrafts.get(e.id)
        if e.id in corrections:
            if taken or od is not None or lot is not None:
                say(f"{e.subject} corrected an expiry but is recorded with lots or an overdraft of its own.")
            left = e.points
            for od_id in sorted(od_left, key=lambda k: od_order[k]):
                if left == 0:
                    break
                pay = min(left, od_left[od_id])
                left -= pay
                od_left[od_id] -= pay
                if od_left[od_id] == 0:
                    del od_left[od_id]
                    od_settled[od_id] = e.created_at
            assert e.reverses_id is not None
            given_back[e.reverses_id] += left
            continue
        if e.points > 0:
            if taken or od is not None:
                say(f"{e.subject} added points but is recorded as spending them too.")
            if lot is None:
                say(f"{e.subject} added {e.points} points but the lot holding them is missing.")
                continue
            _l, lot_id, lot_member, points, _remaining, expires_at, created_at = lot
            if lot_member != member_id:
                say(f"The lot of {e.ref} was moved to another member.")
            if points != e.points:
                say(f"The lot of {e.ref} holds {points} points, but the entry added {e.points}.")
            if created_at != e.created_at:
                say(f"The lot of {e.ref} has another time than its entry.")
            left = e.points
            for od_id in sorted(od_left, key=lambda k: od_order[k]):
                if left == 0:
                    break
                pay = min(left, od_left[od_id])
                left -= pay
                od_left[od_id] -= pay
                if od_left[od_id] == 0:
                    del od_left[od_id]
                    od_settled[od_id] = e.created_at
            lot_left[lot_id] = left
            lot_expiry[lot_id] = expires_at
            continue
        if lot is not None:
            say(f"{e.subject} took points away, yet a lot of points is recorded for it.")
        if e.points == 0:
            if taken or od is not None:
                say(f"{e.subject} moved no points, yet lots or an overdraft are recorded for it.")
            continue
        need = -e.points
        got = 0
        for lot_id, points in taken:
            got += points
            if lot_id not in lot_left:
                where = "of another member" if lot_id not in lots else "opened after it"
                say(f"{e.subject} took points from a lot {where}.")
                continue
            expiry = lot_expiry[lot_id]
            if points > lot_left[lot_id]:
                say(f"{e.subject} took {points} points from a lot that had {lot_left[lot_id]} left.")
            elif e.kind == "expire":
                if expiry is None or expiry > e.created_at:
                    say(f"{e.subject} expired points of a lot before that lot's expiry date.")
                elif points != lot_left[lot_id]:
                    say(f"{e.subject} expired only part of what was left in a lot.")
            elif expiry is not None and expiry <= e.created_at:
                say(f"{e.subject} spent points of a lot that had already expired.")
            lot_left[lot_id] -= points
        short = 0
        if od is not None:
            _m, od_id, _entry_id, points, _remaining, created_at, _settled = od
            short = points
            if created_at != e.created_at:
                say(f"The overdraft of {e.ref} has another time than its entry.")
            if points > 0:
                od_left[e.id] = points
                od_order[e.id] = (created_at, od_id)
                od_settled[e.id] = None
        if e.kind == "expire":
            expiry_sums[e.id] = (need, got + short)  # its corrections may come later: checked at the end
        elif got + short != need:
            say(
                f"{e.subject} took {need} points, but its lot consumptions and overdraft "
                f"account for {got + short}."
            )

    for expiry_id, (need, found) in expiry_sums.items():
        if found + given_back.get(expiry_id, 0) != need:
            say(
                f"{by_id[expiry_id].subject} took {need} points, but its lot consumptions and overdraft "
                f"account for {found + given_back.get(expiry_id, 0)}."
            )
    for lot_id, row in lots.items():
        if lot_id in lot_left and row[4] != lot_left[lot_id]:
            say(
                f"The lot of {by_id[lot_id].ref} has {row[4]} points left, "
                f"but the entries leave {lot_left[lot_id]}."
            )
    for entry_id, row in overdrafts.items():
        expected = od_left.get(entry_id, 0)
        if row[4] != expected:
            say(
                f"The overdraft of {by_id[entry_id].ref} has {row[4]} points outstanding, "
                f"but the entries leave {expected}."
            )
        elif entry_id in od_settled and row[6] != od_settled[entry_id]:
            say(f"The overdraft of {by_id[entry_id].ref} has a settled time the entries do not give.")
    return problems


# -- staff --------------------------------------------------------------------------------------------
def staff_problems(session: Session) -> Iterator[str]:
    """Each staff row against the last seal the services recorded for it in the audit log.

    Rows written before seals existed are held to the code and role their ``staff.create`` record gives.
    """
    sealed: dict[str, dict[str, Any]] = {}
    created: dict[str, dict[str, Any]] = {}
    records = session.execute(
        text(
            "SELECT subject_id, action, details FROM audit_log "
            "WHERE subject_type = 'staff' AND details != '{}' ORDER BY seq"
        )
    )
    for subject_id, action, details in records:
        try:
            parsed = json.loads(details)
        except (TypeError, ValueError):
            continue  # the audit chain check reports it
        if not isinstance(parsed, dict):
            continue
        if "seal" in parsed:
            sealed[subject_id] = parsed
        if action == "staff.create":
            created[subject_id] = parsed
    staff = session.execute(text("SELECT id, code, name, role, active, pin_hash FROM staff ORDER BY code"))
    for staff_id, code, name, role, active, pin_hash in staff:
        who = f"Staff {code} ({name})"
        record = sealed.get(staff_id)
        if record is not None:
            if staff_seal(staff_id, code, role, active, pin_hash) == record["seal"]:
                continue
            was = record.get("role")
            if was is not None and was != role:
                yield f"{who} was changed outside the till: role {role}, but the till gave them {was}."
            else:
                yield f"{who} was changed outside the till: their code, status or PIN is not what it set."
            continue
        legacy = created.get(staff_id)
        if legacy is None:
            yield f"{who} was not added by the till: the audit log has no record of them."
        elif legacy.get("role") != role or legacy.get("code") != code:
            was = legacy.get("role")
            yield f"{who} was changed outside the till: role {role}, but the till gave them {was}."


# -- programs -----------------------------------------------------------------------------------------
def program_problems(session: Session) -> Iterator[str]:
    """Each stored program version against its sha256, and that sha256 against the one audited when it was
    installed (so rewriting the text and its sha256 together shows too)."""
    audited: dict[str, str] = {}
    for subject_id, details in session.execute(
        text("SELECT subject_id, details FROM audit_log WHERE action = 'program.install' ORDER BY seq")
    ):
        try:
            digest = json.loads(details).get("sha256")
        except (TypeError, ValueError, AttributeError):
            continue
        if isinstance(digest, str):
            audited[subject_id] = digest
    for version, body, sha256 in session.execute(
        text("SELECT version, body, sha256 FROM program_versions ORDER BY version")
    ):
        if program_digest(str(body)) != sha256:
            yield f"Program version {version} was edited: its rules no longer match their stored sha256."
        elif version in audited and audited[version] != sha256:
            yield f"Program version {version} is not the one installed: its sha256 is not the audited one."
