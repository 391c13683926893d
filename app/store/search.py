"""Building blocks for member search as you type.

Names go through the FTS5 index ``members_fts`` (accent-folded, prefix-indexed up to seven characters, the
longest Vietnamese syllable, so a typed word streams from the index instead of merging every longer term);
phone numbers, e-mail addresses and member numbers are prefix-matched on their ordinary unique indexes with a
half-open range (``col >= low AND col < high``), which SQLite turns into an index range scan, unlike ``LIKE``.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from loyalty.text import search_terms

_SQLITE_CORRUPT = 11


def fts_match(query: str) -> str | None:
    """An FTS5 MATCH expression requiring every typed word as a prefix; None when nothing searchable was typed.

    'Nguyễn An' -> '"nguyen"* AND "an"*'. Each word is quoted so FTS5 operators typed by a user stay words.
    """
    terms = search_terms(query)
    if not terms:
        return None
    return " AND ".join('"' + term.replace('"', '""') + '"*' for term in terms)


def prefix_range(prefix: str) -> tuple[str, str] | None:
    """Bounds ``(low, high)`` such that ``low <= value < high`` exactly when ``value`` starts with ``prefix``."""
    if not prefix:
        return None
    last = ord(prefix[-1])
    if last >= 0x10FFFF:
        return None
    return prefix, prefix[:-1] + chr(last + 1)


def member_ids_matching_name(session: Session, query: str, *, limit: int = 20) -> list[str]:
    """Ids of members whose folded name has every word of ``query`` as a prefix, best matches first."""
    expression = fts_match(query)
    if expression is None:
        return []
    rows = session.execute(
        text(
            "SELECT m.id FROM members_fts JOIN members AS m ON m.rowid = members_fts.rowid "
            "WHERE members_fts MATCH :match ORDER BY members_fts.rank LIMIT :limit"
        ),
        {"match": expression, "limit": limit},
    )
    return [str(row[0]) for row in rows]


def rebuild_member_search(session: Session) -> None:
    """Rebuild the name index from ``members``.

    The index refers to members by rowid, which VACUUM may renumber (members has a TEXT primary key), so run
    this after any VACUUM (``Store.vacuum()`` does), or when ``check_member_search`` fails.
    """
    session.execute(text("INSERT INTO members_fts(members_fts) VALUES ('rebuild')"))
    # Every member is in the index now: no names wait for a catch-up (app.store.name_index).
    session.execute(text("DELETE FROM name_index_gap"))


def check_member_search(session: Session) -> bool:
    """True when the name index agrees with ``members`` (FTS5 'integrity-check').

    FTS5 commands are INSERT statements, so this needs a writer's session (``Store.write()``).
    """
    try:
        session.execute(text("INSERT INTO members_fts(members_fts, rank) VALUES ('integrity-check', 1)"))
    except DatabaseError as exc:
        # A mismatch comes back as SQLITE_CORRUPT_VTAB; anything else is a real failure.
        if getattr(exc.orig, "sqlite_errorcode", 0) & 0xFF == _SQLITE_CORRUPT:
            return False
        raise
    return True
