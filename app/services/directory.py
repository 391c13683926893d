"""The manager's member list: search, sort and filter a million members, one page at a time.

A page never loads everything and never skips rows with OFFSET: it continues from the last row shown, by
keyset (``WHERE (key, id) > (:key, :id) ORDER BY key, id LIMIT n``), along an index that holds that order
(migration 0005). An order may come in *segments* — tiers by rank (each tier's members by name), members who
have visited before those who never have — and the cursor says which segment it stopped in.

What the search matches is what the counter's search matches (``MemberService.search``): a name by every
typed word as the prefix of a word of the accent-folded name (the FTS index), an e-mail by its beginning, a
phone number by the E.164 prefixes it may stand for (``phone_search_prefixes``), a member number by its first
digits; and here also a card, by the UID printed on it or read from it.

Two ways to read a page, chosen by how many members a restriction (the search, the tier, the status) lets
through, counted up to ``SMALL_SET``:

- *few*: the members that restriction finds through its own index (the FTS index, a phone range, the tier
  index) are read by rowid, the other restrictions checked on each, and sorted — at most ``SMALL_SET`` rows;
- *many*: the rows are read in the order's index and each is checked until the page is full. At least one
  member in ``SMALL_SET / total`` matches, so a page of 50 reads a few thousand index entries at worst.

The "many" path checks a name with ``instr`` on the folded name (a word starting with the typed word), which
is what the FTS index answers for a prefix query, without reading the index for every row.

A name search with many matches, in an order by name, is the exception: a family name clusters its members in
one place of the name order, after most of a million others. There one typed word splits the matches: the
names that *start* with it are one range of the name index (read in order), and those where it is a later word
(FTS5 ``NOT ^word*``) are few and read by rowid; the page merges the two (``_name_split``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.services.core import Core
from app.store.search import fts_match, prefix_range
from app.store.types import parse_utc
from loyalty.errors import LoyaltyError
from loyalty.identity import normalize_uid, uid_token
from loyalty.program import Program
from loyalty.text import phone_search_prefixes, search_terms

MAX_QUERY = 100
PAGE_SIZE = 50
MAX_PAGE = 500
SMALL_SET = 5000
"""Up to this many members, a restriction's members are read through its own index and sorted; beyond it,
the order's index is walked. Both cost a few thousand rows at worst on a million members."""

_COLUMNS = (
    "m.id, m.member_number, m.full_name, m.phone, m.email, m.tier_code, m.status, m.balance, "
    "m.last_visit_at, m.name_folded"
)
_UID_SEPARATORS = str.maketrans("", "", ": -")


class SortKey(StrEnum):
    NAME = "name"
    NUMBER = "number"
    BALANCE = "balance"
    LAST_VISIT = "last_visit"
    TIER = "tier"


@dataclass(frozen=True, slots=True)
class Sort:
    key: SortKey = SortKey.NAME
    descending: bool = False


@dataclass(frozen=True, slots=True)
class ListCursor:
    """Where the next page starts. Opaque to callers: pass back what a page returned."""

    sort: Sort
    tier: str | None
    segment: int
    after: tuple[Any, ...]  # the last row's values of its segment's keys, as stored


@dataclass(frozen=True, slots=True)
class MemberListRow:
    member_id: str
    member_number: str
    full_name: str
    phone: str | None
    email: str | None
    tier_code: str | None
    tier_name: str | None
    status: str
    balance: int  # the balance kept with the member (what their entries add up to)
    last_visit_at: datetime | None  # their latest purchase


@dataclass(frozen=True, slots=True)
class MemberListPage:
    rows: tuple[MemberListRow, ...]
    next: ListCursor | None  # None: this was the last page
    matched: int | None = None  # on a first page: how many members match, when it is known cheaply
    more_than: int | None = None  # on a first page, when they are too many to count: at least this many


@dataclass(frozen=True, slots=True)
class _Part:
    """One way a member passes a restriction: the rowids it finds through an index, and the same test on one
    row (``m``) that never reaches for an index (the unary ``+`` keeps the planner on the order's index)."""

    found: str | None  # SELECT of member rowids; None when it would find nearly everyone
    check: str
    params: dict[str, Any] = field(default_factory=dict)
    terms: tuple[
        str, ...
    ] = ()  # a name search: the typed words, folded (each a prefix of a word of the name)


@dataclass(frozen=True, slots=True)
class _Restriction:
    parts: tuple[_Part, ...]  # a member passes if any part lets them through

    @property
    def found(self) -> str | None:
        if any(p.found is None for p in self.parts):
            return None
        return " UNION ".join(str(p.found) for p in self.parts)

    @property
    def check(self) -> str:
        if len(self.parts) == 1:
            return self.parts[0].check
        return "(" + " OR ".join(f"({p.check})" for p in self.parts) + ")"

    @property
    def params(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for p in self.parts:
            merged.update(p.params)
        return merged


@dataclass(frozen=True, slots=True)
class _Segment:
    where: str  # what puts a member in this segment ("" for everyone); indexable
    keys: tuple[str, ...]  # the order within it; the last key is unique
    descending: bool
    params: dict[str, Any] = field(default_factory=dict)


class MemberDirectory:
    """Read-only: the member list of the manager's desk."""

    def __init__(self, core: Core, *, small_set: int = SMALL_SET) -> None:
        self.core = core
        self.small_set = small_set

    def list_members(
        self,
        query: str = "",
        tier: str | None = None,
        status: str | None = None,
        sort: Sort | None = None,
        after: ListCursor | None = None,
        limit: int = PAGE_SIZE,
    ) -> MemberListPage:
        """A page of members matching ``query`` (name, phone, e-mail, member number or card UID), in
        ``tier`` and with ``status`` when given, in ``sort`` order, starting after ``after``."""
        sort = sort or Sort()
        if after is not None and (after.sort != sort or after.tier != tier):
            raise ValueError("a cursor continues the order and filter it was made for")
        core = self.core
        with core.read() as session:
            program = core.program(session)
            restrictions = self.restrictions(query, tier, status)
            return list_page(
                session, program, restrictions, tier, sort, after, limit, small_set=self.small_set
            )

    def restrictions(self, query: str, tier: str | None, status: str | None) -> list[_Restriction]:
        found: list[_Restriction] = []
        searched = search_restriction(query[:MAX_QUERY], self.core.phone_region, self.core.uid_key)
        if searched is not None:
            found.append(searched)
        if tier is not None:
            found.append(
                _Restriction(
                    (
                        _Part(
                            "SELECT rowid FROM members WHERE tier_code = :f_tier",
                            "+m.tier_code = :f_tier",
                            {"f_tier": tier},
                        ),
                    )
                )
            )
        if status is not None:
            # Nearly every member is active: only the others are worth finding through their own index.
            rare = None if status == "active" else _RARE_STATUS
            found.append(_Restriction((_Part(rare, "+m.status = :f_status", {"f_status": status}),)))
        return found


_RARE_STATUS = "SELECT rowid FROM members WHERE status = :f_status AND status != 'active'"


def search_restriction(query: str, region: str, uid_key: bytes) -> _Restriction | None:
    """What a typed search lets through, matched as the counter's search matches it."""
    q = query.strip()
    if not q:
        return None
    parts: list[_Part] = []
    digits = "".join(ch for ch in q if "0" <= ch <= "9")
    if "@" in q:
        parts.append(_range_part("email", q.lower(), "q_email"))
    elif len(digits) >= 3 and all("0" <= ch <= "9" or ch in " +-.()" for ch in q):
        for i, prefix in enumerate(sorted(phone_search_prefixes(q, region))):
            parts.append(_range_part("phone", prefix, f"q_phone{i}"))
        parts.append(_range_part("member_number", digits, "q_number"))
    else:
        match = fts_match(q)
        if match is not None:
            terms = search_terms(q)
            params: dict[str, Any] = {"q_match": match}
            checks = []
            for i, term in enumerate(terms):
                params[f"q_word{i}"] = " " + term
                checks.append(f"instr(' ' || m.name_folded, :q_word{i}) > 0")
            parts.append(
                _Part(
                    "SELECT rowid FROM members_fts WHERE members_fts MATCH :q_match",
                    " AND ".join(checks),
                    params,
                    tuple(terms),
                )
            )
    card = _card_token(q, uid_key)
    if card is not None:
        parts.append(
            _Part(
                "SELECT mc.rowid FROM cards AS c JOIN members AS mc ON mc.id = c.member_id "
                "WHERE c.token = :q_card",
                "m.id IN (SELECT c.member_id FROM cards AS c WHERE c.token = :q_card)",
                {"q_card": card},
            )
        )
    if not parts:
        # Nothing searchable was typed (only punctuation): nobody matches.
        return _Restriction((_Part("SELECT rowid FROM members WHERE 0", "0"),))
    return _Restriction(tuple(parts))


def _range_part(column: str, prefix: str, name: str) -> _Part:
    bounds = prefix_range(prefix)
    if bounds is None:
        return _Part("SELECT rowid FROM members WHERE 0", "0")
    params = {f"{name}_lo": bounds[0], f"{name}_hi": bounds[1]}
    return _Part(
        f"SELECT rowid FROM members WHERE {column} >= :{name}_lo AND {column} < :{name}_hi",
        f"(+m.{column} >= :{name}_lo AND +m.{column} < :{name}_hi)",
        params,
    )


def _card_token(query: str, uid_key: bytes) -> str | None:
    """The card token of a typed card UID (hexadecimal, 4, 7 or 10 bytes), or None."""
    compact = query.translate(_UID_SEPARATORS)
    if len(compact) not in (8, 14, 20) or any(ch not in "0123456789abcdefABCDEF" for ch in compact):
        return None
    try:
        normalize_uid(compact)
    except LoyaltyError:
        return None
    return uid_token(uid_key, compact)


# -- orders -------------------------------------------------------------------------------------------------
def segments(session: Session, program: Program, sort: Sort, tier: str | None) -> list[_Segment]:
    """The order ``sort`` as segments read one after the other."""
    desc = sort.descending
    if sort.key is SortKey.NAME:
        if tier is not None:
            # One tier by name: the tier index holds exactly that order.
            return [_Segment("m.tier_code = :s_tier", ("name_folded", "id"), desc, {"s_tier": tier})]
        return [_Segment("", ("name_folded", "id"), desc)]
    if sort.key is SortKey.NUMBER:
        return [_Segment("", ("member_number",), desc)]
    if sort.key is SortKey.BALANCE:
        return [_Segment("", ("balance", "id"), desc)]
    if sort.key is SortKey.LAST_VISIT:
        # Members who never bought come last, whichever way the visits are ordered.
        return [
            _Segment("m.last_visit_at IS NOT NULL", ("last_visit_at", "id"), desc),
            _Segment("m.last_visit_at IS NULL", ("id",), desc),
        ]
    codes = [tier] if tier is not None else tier_order(session, program, highest_first=desc)
    result = [
        _Segment(f"m.tier_code = :s_tier{i}", ("name_folded", "id"), False, {f"s_tier{i}": code})
        for i, code in enumerate(codes)
    ]
    if tier is None:
        result.append(_Segment("m.tier_code IS NULL", ("name_folded", "id"), False))
    return result


def tier_order(session: Session, program: Program, *, highest_first: bool) -> list[str]:
    """Tier codes by rank (the program's), then codes members still hold that the program no longer has."""
    ranked = [level.code for level in program.tiers.levels] if program.tiers is not None else []
    if highest_first:
        ranked.reverse()
    others: list[str] = []
    previous = ""
    while True:
        # One index seek per distinct code: a loose scan of the tier index, never a read of every member.
        code = session.execute(
            text("SELECT min(tier_code) FROM members WHERE tier_code > :previous"), {"previous": previous}
        ).scalar()
        if code is None:
            break
        if code not in ranked:
            others.append(str(code))
        previous = str(code)
    return ranked + others


# -- reading a page ---------------------------------------------------------------------------------------
def list_page(
    session: Session,
    program: Program,
    restrictions: list[_Restriction],
    tier: str | None,
    sort: Sort,
    after: ListCursor | None,
    limit: int,
    *,
    small_set: int = SMALL_SET,
) -> MemberListPage:
    limit = max(1, min(limit, MAX_PAGE))
    order = segments(session, program, sort, tier)
    few = _smallest(session, restrictions, small_set)
    driver = None if few is None else few[0]
    checks = [r for r in restrictions if r is not driver]
    params: dict[str, Any] = {}
    for r in restrictions:
        params.update(r.params)
    if few is not None:
        params["few"] = json.dumps(few[1])
    split = None
    if few is None and any(seg.keys[0] == "name_folded" for seg in order[start_of(after) :]):
        split = _name_split(session, restrictions, small_set)
        if split is not None:
            params["split_lo"], params["split_hi"] = split[0]
            params["split_few"] = json.dumps(split[1])
    rows: list[Any] = []
    start = start_of(after)
    for index in range(start, len(order)):
        segment = order[index]
        keyset = after.after if after is not None and index == after.segment else None
        if split is not None and segment.keys[0] == "name_folded":
            sql, seg_params = split_statement(segment, keyset, checks, limit - len(rows))
        else:
            sql, seg_params = page_statement(segment, keyset, few is not None, checks, limit - len(rows))
        found = session.execute(text(sql), {**params, **segment.params, **seg_params}).all()
        rows += [(index, row) for row in found]
        if len(rows) >= limit:
            break
    cursor = None
    if len(rows) >= limit:
        # A full page: the next one starts after its last row (and may turn out empty).
        index, last = rows[-1]
        cursor = ListCursor(sort, tier, index, tuple(last._mapping[k] for k in order[index].keys))
    matched, more_than = (None, None)
    if after is None:
        matched, more_than = _count(session, restrictions, few, checks, params, small_set)
    return MemberListPage(
        rows=tuple(_row(program, row) for _index, row in rows),
        next=cursor,
        matched=matched,
        more_than=more_than,
    )


def start_of(after: ListCursor | None) -> int:
    return after.segment if after is not None else 0


def _name_split(
    session: Session, restrictions: list[_Restriction], small_set: int
) -> tuple[tuple[str, str], list[int]] | None:
    """For a name search with too many matches to sort, ordered by name: a way to read them in name order.

    Walking the name index and checking each row costs the rows *before* the first matches, and a family
    name clusters its members in one place of that order ("tran" after every "an", "le" and "nguyen": most
    of a million rows). So a typed word ``t`` splits the matches in two: names that start with ``t``, one
    range of the name index, read in order; and names where ``t`` is a later word (FTS5 ``NOT ^t*``), read
    by rowid and sorted when they are few. The first word whose second part is at most ``small_set`` is
    used; None when no word splits the matches that way (then they are spread across the names, and the
    walk meets them early)."""
    named = [r for r in restrictions if len(r.parts) == 1 and r.parts[0].terms]
    if len(named) != 1:
        return None
    part = named[0].parts[0]
    match = str(part.params["q_match"])
    for term in dict.fromkeys(part.terms):
        bounds = prefix_range(term)
        if bounds is None:
            continue
        later = f'({match}) NOT ^"{term.replace(chr(34), chr(34) * 2)}"*'
        rowids = list(
            session.execute(
                text("SELECT rowid FROM members_fts WHERE members_fts MATCH :later LIMIT :cap"),
                {"later": later, "cap": small_set + 1},
            ).scalars()
        )
        if len(rowids) <= small_set:
            return bounds, rowids
    return None


def _smallest(
    session: Session, restrictions: list[_Restriction], small_set: int
) -> tuple[_Restriction, list[int]] | None:
    """The restriction that lets fewest members through, with their rowids, if they are at most
    ``SMALL_SET``. Each restriction is counted up to ``SMALL_SET + 1`` members only: beyond that, how many
    does not matter. The rowids found are the page's source and its count."""
    candidates = [r for r in restrictions if r.found is not None]
    if len(candidates) == 1 and len(candidates[0].parts) == 1:
        # One restriction to weigh (the usual search): read its members once, up to one more than few.
        only = candidates[0]
        bounded = text(f"{only.found} LIMIT :cap")
        ids = list(session.execute(bounded, {**only.params, "cap": small_set + 1}).scalars())
        return (only, ids) if len(ids) <= small_set else None
    best: tuple[int, _Restriction] | None = None
    for r in candidates:
        # Part by part (a UNION would be read whole before its LIMIT): the sum is at least the union's count.
        count = 0
        for part in r.parts:
            bounded = text(f"SELECT count(*) FROM ({part.found} LIMIT :cap)")
            count += int(session.execute(bounded, {**part.params, "cap": small_set + 1}).scalar() or 0)
        if count <= small_set and (best is None or count < best[0]):
            best = (count, r)
    if best is None:
        return None
    chosen = best[1]
    return chosen, list(session.execute(text(str(chosen.found)), chosen.params).scalars())


def _listed(name: str = "few") -> str:
    """The rowids of a JSON list passed as parameter ``name``."""
    return f"SELECT value FROM json_each(:{name})"


def page_statement(
    segment: _Segment,
    keyset: tuple[Any, ...] | None,
    few: bool | str,
    checks: list[_Restriction],
    limit: int,
    *,
    within: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """A page of ``segment``. ``few``: the members are read by rowid from a JSON list (True: the parameter
    ``few``; a string: the parameter of that name); else along the order's index. ``within``: one more
    condition, which may use that index (a range of it)."""
    conditions: list[str] = [] if within is None else [within]
    params: dict[str, Any] = {"limit": limit}
    if few:
        # Few members: read them by rowid and sort them; NOT INDEXED keeps the planner off the order's index.
        source = "members AS m NOT INDEXED"
        name = few if isinstance(few, str) else "few"
        conditions.append(f"m.rowid IN ({_listed(name)})")
    else:
        source = "members AS m"
    if segment.where:
        conditions.append(segment.where)
    if keyset is not None:
        names = [f"k_{i}" for i in range(len(segment.keys))]
        params.update(zip(names, keyset, strict=True))
        left = ", ".join(f"m.{k}" for k in segment.keys)
        right = ", ".join(f":{n}" for n in names)
        sign = "<" if segment.descending else ">"
        conditions.append(f"({left}) {sign} ({right})" if len(names) > 1 else f"{left} {sign} {right}")
    conditions += [r.check for r in checks]
    where = " AND ".join(conditions) if conditions else "1"
    direction = " DESC" if segment.descending else ""
    order = ", ".join(f"m.{k}{direction}" for k in segment.keys)
    return f"SELECT {_COLUMNS} FROM {source} WHERE {where} ORDER BY {order} LIMIT :limit", params


def split_statement(
    segment: _Segment, keyset: tuple[Any, ...] | None, checks: list[_Restriction], limit: int
) -> tuple[str, dict[str, Any]]:
    """A page of a name-ordered segment from the two parts of ``_name_split``: the range of names that start
    with the word (the order's own index), and the few where it is a later word (by rowid), merged."""
    in_range, params = page_statement(
        segment,
        keyset,
        False,
        checks,
        limit,
        within="m.name_folded >= :split_lo AND m.name_folded < :split_hi",
    )
    later, _ = page_statement(segment, keyset, "split_few", checks, limit)
    direction = " DESC" if segment.descending else ""
    order = ", ".join(f"{k}{direction}" for k in segment.keys)
    sql = f"SELECT * FROM ({in_range}) UNION ALL SELECT * FROM ({later}) ORDER BY {order} LIMIT :limit"
    return sql, params


def _count(
    session: Session,
    restrictions: list[_Restriction],
    few: tuple[_Restriction, list[int]] | None,
    checks: list[_Restriction],
    params: dict[str, Any],
    small_set: int,
) -> tuple[int | None, int | None]:
    if not restrictions:
        return int(session.execute(text("SELECT count(*) FROM members")).scalar() or 0), None
    if few is None:
        return None, small_set
    if not checks:
        return len(few[1]), None
    where = " AND ".join(r.check for r in checks)
    sql = f"SELECT count(*) FROM members AS m NOT INDEXED WHERE m.rowid IN ({_listed()}) AND {where}"
    return int(session.execute(text(sql), params).scalar() or 0), None


def _row(program: Program, row: Any) -> MemberListRow:
    tier = program.tier(row.tier_code) if row.tier_code is not None else None
    return MemberListRow(
        member_id=row.id,
        member_number=row.member_number,
        full_name=row.full_name,
        phone=row.phone,
        email=row.email,
        tier_code=row.tier_code,
        tier_name=tier.name if tier is not None else row.tier_code,
        status=row.status,
        balance=int(row.balance),
        last_visit_at=None if row.last_visit_at is None else parse_utc(str(row.last_visit_at)),
    )
