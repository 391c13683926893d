"""Properties of the ledger's hash chain through the real services (the ledger state machine's operations:
awards, redemptions, returns, actions, adjustments, merges, expiry): after any sequence of them the whole
``check`` finds nothing, and any single-field edit of any entry, made on a copy of the file with the sqlite3
module and the triggers dropped and put back, is reported."""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from app.store.db import open_store
from app.store.integrity import APPEND_ONLY_TRIGGERS, check_database
from app.store.models import LEDGER_KINDS
from app.store.types import format_utc, parse_utc
from tests.services.test_ledger_properties import LedgerMachine

# Every stored column of an entry, and the expiry of the lot it opened (in the entry's hash too).
EDITABLE = (
    "id",
    "member_id",
    "kind",
    "points",
    "amount_minor",
    "currency",
    "receipt_ref",
    "store_id",
    "till_id",
    "seq",
    "staff_id",
    "reason",
    "action_code",
    "program_version",
    "reverses_id",
    "channel",
    "created_at",
    "details",
    "prev_hash",
    "hash",
    "lot_expiry",
)
TEXT_TIMES = {"created_at", "lot_expiry"}


def _other_value(field: str, old: Any, delta: int, max_seq: int) -> Any:
    """A value for ``field`` that differs from ``old`` once SQLite has stored it."""
    if field == "kind":
        return next(k for k in LEDGER_KINDS if k != old)
    if field == "seq":
        return max_seq + abs(delta)
    if field in TEXT_TIMES:
        base = parse_utc(old) if old is not None else parse_utc("2026-01-01T00:00:00.000000Z")
        return format_utc(base + timedelta(seconds=delta))
    if field in ("prev_hash", "hash"):
        return "f" * 64 if old != "f" * 64 else "e" * 64
    if field in ("points", "amount_minor"):
        return delta if old is None else old + delta
    if field == "details":
        return '{"x":1}' if old is None else old + " "
    return "x" if old is None else f"{old}~{delta}"


def _copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _edit(path: Path, entry_id: str, field: str, value: Any) -> None:
    with closing(sqlite3.connect(path)) as conn:
        guards = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        guards = [(n, s) for n, s in guards if n in APPEND_ONLY_TRIGGERS]
        for name, _sql in guards:
            conn.execute(f"DROP TRIGGER {name}")
        if field == "lot_expiry":
            conn.execute("UPDATE lots SET expires_at = ? WHERE id = ?", (value, entry_id))
        else:
            conn.execute(f"UPDATE ledger_entries SET {field} = ? WHERE id = ?", (value, entry_id))
        for _name, sql in guards:
            conn.execute(sql)
        conn.commit()


def _check(path: Path) -> list[str]:
    with open_store(path, migrate=False) as store, store.read() as session:
        return check_database(session)


class ChainMachine(LedgerMachine):
    """The ledger machine's operations, with the full check as an invariant and tampering on copies."""

    @invariant()
    def check_finds_nothing(self) -> None:
        with self.store.read() as session:
            assert check_database(session) == []

    @rule(data=st.data())
    def any_single_edit_of_an_entry_is_detected(self, data: st.DataObject) -> None:
        with self.store.read() as session:
            conn = session.connection()
            rows = conn.exec_driver_sql(
                "SELECT e.*, l.id AS lot_id, l.expires_at AS lot_expiry FROM ledger_entries e "
                "LEFT JOIN lots l ON l.id = e.id ORDER BY e.seq"
            ).mappings()
            entries = [dict(r) for r in rows]
        if not entries:
            return
        entry = data.draw(st.sampled_from(entries), label="entry")
        fields = [f for f in EDITABLE if f != "lot_expiry" or entry["lot_id"] is not None]
        field = data.draw(st.sampled_from(fields), label="field")
        delta = data.draw(st.integers(1, 10_000) | st.integers(-10_000, -1), label="delta")
        value = _other_value(field, entry[field], delta, max_seq=len(entries))
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "copy.sqlite"
            _copy(self.store.path, copy)
            _edit(copy, entry["id"], field, value)
            problems = _check(copy)
        ledger = [p for p in problems if "ledger entr" in p.lower()]
        assert ledger, (field, value, problems)


ChainMachine.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestChain = ChainMachine.TestCase
