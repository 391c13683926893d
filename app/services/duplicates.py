"""Likely duplicate members, for a manager to merge, and a preview of what a merge does.

Finding them never compares every member with every other (a million members are half a trillion pairs).
Members are put into blocks by a key that two records of one person share, and only members of one block
are compared:

* **phone**: the last ``PHONE_TAIL`` digits of the number as stored (and of the numbers the phone clean-up
  took away, kept in ``member_duplicates``). However a number is written, '+84 90 123 4567', '0901234567' or
  '84-90-123-4567', a country code, an international prefix or a trunk 0 come before the national number,
  and the national number ends the digits; so every way of writing one number lands in one block. SQLite
  groups the tails; only blocks of two or more are normalised with ``phonenumbers`` (it costs tens of
  microseconds a number) and split by the E.164 form. A national number shorter than ``PHONE_TAIL`` digits
  (a few small countries) written once with and once without a trunk 0 would be missed.
* **e-mail**: the address, trimmed, in lower case (grouped by SQLite).
* **name and birthday**: members with the same birthday form a block, read in birthday order as a stream;
  within a block, names (accent-folded, ``members.name_folded``) are compared with RapidFuzz's token-sort
  ratio, which ignores word order ('lan nguyen thi' is 'nguyen thi lan'). A block larger than
  ``LARGE_BLOCK`` (a default birthday typed for many members) is split again by the given name (the last
  word of a Vietnamese name), so no block costs more than a few million comparisons.

The preview of a merge is the merge itself, rehearsed: ``MemberService.merge`` runs unchanged in a
transaction that is always rolled back, and the survivor is read in that transaction before the rollback,
so what the manager confirms is what is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from itertools import combinations, groupby
from operator import itemgetter
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.services.accounts import load_account, load_member, member_view
from app.services.cards import card_view
from app.services.context import Actor, Permission, Role
from app.services.core import Core
from app.services.members import MemberService, latest_consents
from app.services.views import CardView, MemberView
from app.store import models as m
from loyalty.errors import LoyaltyError
from loyalty.text import normalize_phone

PHONE_TAIL = 8
"""Digits at the end of a phone number that put it in a block (national numbers here have 9 or 10)."""
NAME_SIMILARITY = 85
"""Token-sort ratio (0-100) from which two folded names count as similar: 'nguyen thi lan' and
'nguyen thi lanh' score 96, 'nguyen van an' and 'tran van an' 85, 'nguyen thi lan' and 'nguyen lan' 83."""
LARGE_BLOCK = 2000
"""Members of one birthday compared all together up to this many; beyond, split by given name."""
FIND_LIMIT = 1000
"""Pairs returned at most (the strongest first); the total found is reported beside them."""

REASONS = ("phone", "email", "name_birthday")
STEPS = 4  # phone, e-mail, name and birthday, members' details: the finder's progress counts these

Progress = Callable[[int, int], None]
Stop = Callable[[], bool]


class FindingStopped(Exception):
    """The search was stopped before it finished (the page that asked for it went away)."""


@dataclass(frozen=True, slots=True)
class MemberBrief:
    id: str
    member_number: str
    full_name: str
    phone: str | None
    email: str | None
    birthday: date | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """Two members who are probably one person. ``keep`` enrolled first: the suggested survivor."""

    keep: MemberBrief
    merge: MemberBrief
    reasons: tuple[str, ...]  # of REASONS, in that order
    name_score: int  # token-sort ratio of the folded names, 0-100
    phone: str | None = None  # the number they share (E.164), when that is a reason
    email: str | None = None  # the address they share, when that is a reason


@dataclass(frozen=True, slots=True)
class Findings:
    pairs: tuple[DuplicatePair, ...]
    total: int  # pairs found; ``pairs`` holds the first FIND_LIMIT of them


@dataclass(frozen=True, slots=True)
class CleanupRow:
    """A member the phone clean-up (migration 0003) found sharing a number, or with a number that is not
    valid, waiting for a manager."""

    id: int
    reason: str  # 'phone', 'invalid_phone' (or 'email', 'name_birthday' when listed by other means)
    value: str | None  # the number they share, normalised
    old_value: str | None  # what the member had before it was taken away
    found_at: datetime
    member: MemberBrief
    duplicate_of: MemberBrief | None


@dataclass(frozen=True, slots=True)
class LotBrief:
    points: int  # what is left of the lot
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class ConsentBrief:
    purpose: str
    granted: bool
    text_version: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class MemberSide:
    """One member as a merge sees them: balance, live lots, debt, cards, consents."""

    member: MemberView
    lots: tuple[LotBrief, ...]  # soonest expiry first, never-expiring last
    owed: int  # overdraft points
    cards: tuple[CardView, ...]
    consents: tuple[ConsentBrief, ...]  # each purpose's newest answer


@dataclass(frozen=True, slots=True)
class MergePreview:
    keep: MemberSide
    merge: MemberSide
    after: MemberSide  # the survivor once merged


class DuplicateService:
    def __init__(self, core: Core) -> None:
        self.core = core

    # -- finding ------------------------------------------------------------------------------------------
    def find(
        self,
        actor: Actor,
        *,
        limit: int = FIND_LIMIT,
        progress: Progress | None = None,
        stop: Stop | None = None,
    ) -> Findings:
        """Pairs of active members who share a phone number (once normalised), an e-mail address (in any
        case), or a birthday and a similar name. Staff who enrol may look (they meet duplicates first);
        only a manager merges. ``progress(done, STEPS)`` is called after each step; ``stop()`` returning
        True ends the search with ``FindingStopped``."""
        actor.require(Permission.ENROLL)
        found: dict[tuple[str, str], _Found] = defaultdict(_Found)

        def step(done: int) -> None:
            if stop is not None and stop():
                raise FindingStopped
            if progress is not None:
                progress(done, STEPS)

        step(0)
        with self.core.read() as session:
            for ids, number in _phone_pairs(session, self.core.phone_region, stop):
                found[ids].add("phone", phone=number)
            step(1)
            for ids, address in _email_pairs(session):
                found[ids].add("email", email=address)
            step(2)
            for ids, score in _name_birthday_pairs(session, stop):
                found[ids].add("name_birthday", score=score)
            step(3)
            briefs = _briefs(session, {member_id for ids in found for member_id in ids})
        pairs = [_pair(briefs, ids, f) for ids, f in found.items() if ids[0] in briefs and ids[1] in briefs]
        pairs.sort(key=_strength)
        step(STEPS)
        return Findings(tuple(pairs[: max(0, limit)]), len(pairs))

    def cleanup_list(self, actor: Actor) -> list[CleanupRow]:
        """What the phone clean-up listed and nobody has settled yet, oldest first (members still active)."""
        actor.require(Permission.ENROLL)
        dup = m.MemberDuplicate
        with self.core.read() as session:
            rows = session.execute(
                select(
                    dup.id,
                    dup.reason,
                    dup.value,
                    dup.old_value,
                    dup.found_at,
                    dup.member_id,
                    dup.duplicate_of_id,
                )
                .where(dup.resolved_at.is_(None))
                .order_by(dup.id)
            ).all()
            briefs = _briefs(
                session, {r.member_id for r in rows} | {r.duplicate_of_id for r in rows if r.duplicate_of_id}
            )
            out = []
            for r in rows:
                member = briefs.get(r.member_id)
                other = briefs.get(r.duplicate_of_id) if r.duplicate_of_id else None
                if member is None or (r.duplicate_of_id and other is None):
                    continue  # merged or erased since
                out.append(
                    CleanupRow(
                        r.id,
                        r.reason,
                        r.value,
                        r.old_value,
                        r.found_at,
                        member.brief,
                        None if other is None else other.brief,
                    )
                )
            return out

    # -- the preview of a merge ---------------------------------------------------------------------------
    def preview(self, actor: Actor, merge_id: str, keep_id: str) -> MergePreview:
        """What merging ``merge_id`` into ``keep_id`` does, without doing it: both members as they are and
        the survivor as the merge leaves it. The same refusals as the merge (a merged member, a member
        merged into themselves)."""
        actor.require(Permission.ENROLL)
        sides: dict[str, MemberSide] = {}

        def before(session: Session) -> None:
            sides["keep"] = _side(self.core, session, keep_id)
            sides["merge"] = _side(self.core, session, merge_id)

        def after(session: Session) -> None:
            sides["after"] = _side(self.core, session, keep_id)

        rehearsal = _Rehearsal.of(self.core, before, after)
        # The rehearsal writes nothing, so it runs with a manager's rights: anyone who may look sees what a
        # merge would do; the merge itself checks the person who confirms it.
        rehearsing = Actor(actor.staff_id, actor.name, Role.MANAGER)
        MemberService(rehearsal).merge(rehearsing, merge_id, keep_id, "preview")
        return MergePreview(sides["keep"], sides["merge"], sides["after"])


# -- blocks -------------------------------------------------------------------------------------------------
@dataclass
class _Found:
    reasons: set[str] = field(default_factory=set)
    phone: str | None = None
    email: str | None = None
    score: int | None = None

    def add(
        self, reason: str, *, phone: str | None = None, email: str | None = None, score: int | None = None
    ) -> None:
        self.reasons.add(reason)
        self.phone = phone or self.phone
        self.email = email or self.email
        self.score = score if score is not None else self.score


def _ids(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


# The digits of a stored number, in SQL: what phone numbers may contain besides digits is taken out.
_DIGITS = "phone"
for _ch in (" ", "-", "(", ")", ".", "+"):
    _DIGITS = f"replace({_DIGITS}, '{_ch}', '')"
_DIGITS = f"replace({_DIGITS}, char(9), '')"

_PHONES = text(
    "WITH p(id, phone, tail) AS MATERIALIZED ("
    f"  SELECT id, phone, substr({_DIGITS}, -:tail) FROM ("
    "    SELECT id, phone FROM members WHERE status = 'active' AND phone IS NOT NULL"
    "    UNION ALL"
    "    SELECT d.member_id, d.old_value FROM member_duplicates d JOIN members x ON x.id = d.member_id"
    "    WHERE x.status = 'active' AND d.old_value IS NOT NULL AND d.resolved_at IS NULL"
    "      AND d.reason IN ('phone', 'invalid_phone')"
    "  )"
    ") "
    "SELECT tail, id, phone FROM p WHERE tail IN ("
    "  SELECT tail FROM p WHERE length(tail) > 0 GROUP BY tail HAVING count(DISTINCT id) > 1"
    ") ORDER BY tail"
)


def _phone_pairs(session: Session, region: str, stop: Stop | None) -> Iterator[tuple[tuple[str, str], str]]:
    """Members whose numbers are one number once normalised: every pair of them, with that number."""
    normalised: dict[str, str | None] = {}

    def e164(raw: str) -> str | None:
        if raw not in normalised:
            try:
                normalised[raw] = normalize_phone(raw, region)
            except LoyaltyError:
                normalised[raw] = None  # not a valid number: it matches nothing
        return normalised[raw]

    rows = session.execute(_PHONES, {"tail": PHONE_TAIL})
    for count, (_tail, block) in enumerate(groupby(rows, key=itemgetter(0))):
        if stop is not None and count % 1000 == 0 and stop():
            raise FindingStopped
        by_number: dict[str, set[str]] = defaultdict(set)
        for _t, member_id, raw in block:
            number = e164(raw)
            if number is not None:
                by_number[number].add(member_id)
        for number, members in by_number.items():
            for a, b in combinations(sorted(members), 2):
                yield (a, b), number


_EMAILS = text(
    "WITH e(id, address) AS MATERIALIZED ("
    "  SELECT id, lower(trim(email)) FROM members WHERE status = 'active' AND email IS NOT NULL"
    "  UNION ALL"
    "  SELECT d.member_id, lower(trim(d.old_value)) FROM member_duplicates d JOIN members x ON x.id = d.member_id"
    "  WHERE x.status = 'active' AND d.old_value IS NOT NULL AND d.resolved_at IS NULL AND d.reason = 'email'"
    ") "
    "SELECT address, id FROM e WHERE address IN ("
    "  SELECT address FROM e GROUP BY address HAVING count(DISTINCT id) > 1"
    ") ORDER BY address"
)


def _email_pairs(session: Session) -> Iterator[tuple[tuple[str, str], str]]:
    for address, block in groupby(session.execute(_EMAILS), key=itemgetter(0)):
        members = sorted({member_id for _a, member_id in block})
        for a, b in combinations(members, 2):
            yield (a, b), address


_BIRTHDAYS = text(
    "SELECT birthday, id, name_folded FROM members WHERE status = 'active' AND birthday IS NOT NULL "
    "ORDER BY birthday"
)


def _name_birthday_pairs(session: Session, stop: Stop | None) -> Iterator[tuple[tuple[str, str], int]]:
    """Members born the same day whose folded names are similar, with the names' score."""
    for count, (_day, block) in enumerate(groupby(session.execute(_BIRTHDAYS), key=itemgetter(0))):
        if stop is not None and count % 1000 == 0 and stop():
            raise FindingStopped
        members = [(member_id, name) for _d, member_id, name in block]
        if len(members) < 2:
            continue
        if len(members) <= LARGE_BLOCK:
            yield from similar_names(members)
            continue
        by_given: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for member_id, name in members:
            by_given[name.rsplit(" ", 1)[-1]].append((member_id, name))
        for group in by_given.values():
            yield from similar_names(group)


def similar_names(members: list[tuple[str, str]]) -> Iterator[tuple[tuple[str, str], int]]:
    """Every pair of (member id, folded name) whose names score at least NAME_SIMILARITY."""
    if len(members) < 2:
        return
    names = [name for _id, name in members]
    scores = process.cdist(
        names, names, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_SIMILARITY, dtype=np.uint8
    )
    for i, j in np.argwhere(np.triu(scores, k=1) >= NAME_SIMILARITY):
        a, b = members[int(i)][0], members[int(j)][0]
        if a != b:
            yield _ids(a, b), int(scores[i, j])


def name_score(a: str, b: str) -> int:
    """The token-sort ratio of two folded names, 0-100."""
    return int(fuzz.token_sort_ratio(a, b))


# -- members' details ---------------------------------------------------------------------------------------
_BRIEF_COLUMNS = (
    m.Member.id,
    m.Member.member_number,
    m.Member.full_name,
    m.Member.phone,
    m.Member.email,
    m.Member.birthday,
    m.Member.created_at,
    m.Member.name_folded,
)
_CHUNK = 500  # ids per IN (...) query: well under SQLite's limit on bound parameters


def _briefs(session: Session, ids: Iterable[str]) -> dict[str, _Brief]:
    """Active members by id (merged or erased ones are left out: they cannot be merged)."""
    wanted = sorted(ids)
    out: dict[str, _Brief] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = session.execute(
            select(*_BRIEF_COLUMNS).where(m.Member.id.in_(chunk), m.Member.status == "active")
        )
        for row in rows:
            out[row.id] = _Brief(MemberBrief(*row[:-1]), row.name_folded)
    return out


@dataclass(frozen=True, slots=True)
class _Brief:
    brief: MemberBrief
    folded: str


def _pair(briefs: dict[str, _Brief], ids: tuple[str, str], found: _Found) -> DuplicatePair:
    a, b = briefs[ids[0]], briefs[ids[1]]
    # The member who enrolled first keeps: their number is the one on older receipts and cards.
    keep, merge = sorted((a, b), key=lambda x: (x.brief.created_at, x.brief.member_number))
    score = found.score if found.score is not None else name_score(a.folded, b.folded)
    reasons = tuple(r for r in REASONS if r in found.reasons)
    return DuplicatePair(keep.brief, merge.brief, reasons, score, found.phone, found.email)


def _strength(pair: DuplicatePair) -> tuple[Any, ...]:
    """Strongest first: more reasons, a shared number or address before a similar name, closer names."""
    return (
        -len(pair.reasons),
        "phone" not in pair.reasons,
        "email" not in pair.reasons,
        -pair.name_score,
        pair.keep.member_number,
        pair.merge.member_number,
    )


# -- one member as a merge sees them ------------------------------------------------------------------------
def _side(core: Core, session: Session, member_id: str) -> MemberSide:
    row = load_member(session, member_id)
    at = core.now()
    account = load_account(session, row)
    view = member_view(session, core.program(session), row, at, account=account)
    lots = sorted(
        (LotBrief(lot.remaining, lot.expires_at) for lot in account.lots.values() if lot.live_at(at)),
        key=lambda lot: (lot.expires_at is None, lot.expires_at or at),
    )
    cards = session.scalars(select(m.Card).where(m.Card.member_id == member_id).order_by(m.Card.created_at))
    consents = latest_consents(session, member_id)
    return MemberSide(
        view,
        tuple(lots),
        account.owed(),
        tuple(card_view(c) for c in cards),
        tuple(
            ConsentBrief(c.purpose, c.granted, c.text_version, c.recorded_at)
            for _purpose, c in sorted(consents.items())
        ),
    )


# -- the rehearsal ------------------------------------------------------------------------------------------
class _Rehearsed(Exception):
    """Raised inside a rehearsal's transaction so that the store rolls it back."""


@dataclass
class _Rehearsal(Core):
    """A core whose write transaction reads the members before and after the use case, then rolls back."""

    before: Callable[[Session], None] | None = None
    after: Callable[[Session], None] | None = None

    @classmethod
    def of(
        cls, core: Core, before: Callable[[Session], None], after: Callable[[Session], None]
    ) -> _Rehearsal:
        shared = {f.name: getattr(core, f.name) for f in fields(core) if f.init}
        return cls(**shared, before=before, after=after)

    @contextmanager
    def write(self) -> Iterator[Session]:
        try:
            with self.store.write() as session:
                if self.before is not None:
                    self.before(session)
                yield session
                session.flush()
                if self.after is not None:
                    self.after(session)
                raise _Rehearsed  # the store rolls back on any exception leaving its block
        except _Rehearsed:
            pass
