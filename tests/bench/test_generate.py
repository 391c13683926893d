"""The benchmark dataset generator makes a till database the application accepts as its own, with a ledger
that keeps the ledger's invariants; and the benchmark report has the rows DESIGN.md's targets need.

No timing is asserted anywhere here: only the shape and the correctness of what is produced.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from app.services import TillServices
from app.store.db import open_store
from app.store.models import APPLICATION_ID
from app.store.types import format_utc, parse_utc
from bench.generate import (
    CASHIER,
    MARKER_KEY,
    TILLS,
    GenerateConfig,
    dataset_is_complete,
    generate,
    ts,
    v7,
)
from bench.run import OPTIONAL_ROWS, ROWS, bench_cold, format_table, run_benchmarks
from loyalty.ledger import expiry_for
from loyalty.money import Money
from loyalty.quote import Basket
from loyalty.text import fold, luhn_valid

MEMBERS = 300
ENTRIES = 3000
CONFIG = GenerateConfig(members=MEMBERS, entries=ENTRIES, end_date=date(2026, 5, 1), seed=99)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "tiny.sqlite"
    generate(path, CONFIG, log=lambda _message: None)
    return path


@pytest.fixture
def raw(dataset: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(dataset)) as conn:
        yield conn


def scalar(conn: sqlite3.Connection, sql: str, *args: object) -> Any:
    return conn.execute(sql, args).fetchone()[0]


def test_helpers_match_the_app_formats() -> None:
    for us in (0, 1_714_521_600_000_000, 1_777_777_777_123_456):
        assert ts(us) == format_utc(parse_utc(ts(us)))
    value = uuid.UUID(v7(1_714_521_600_123_456, 5, 1))
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert value.int >> 80 == 1_714_521_600_123
    assert v7(1000, 1, 0) < v7(1000, 2, 0) < v7(2000, 0, 0)


def test_sizes_marker_and_file_identity(dataset: Path, raw: sqlite3.Connection) -> None:
    assert scalar(raw, "SELECT count(*) FROM members") == MEMBERS
    assert scalar(raw, "SELECT count(*) FROM ledger_entries") == ENTRIES
    assert scalar(raw, "PRAGMA application_id") == APPLICATION_ID
    assert scalar(raw, "PRAGMA journal_mode") == "wal"
    assert dataset_is_complete(dataset, MEMBERS, ENTRIES)
    assert not dataset_is_complete(dataset, MEMBERS + 1, ENTRIES)
    assert scalar(raw, "SELECT count(*) FROM settings WHERE key = ?", MARKER_KEY) == 1


def test_integrity_and_foreign_keys(raw: sqlite3.Connection) -> None:
    assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    # The dropped indexes and triggers are all back, exactly as the migration wrote them.
    names = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')")}
    for expected in (
        "ix_ledger_entries_member_history",
        "ix_lots_open_by_member",
        "members_fts_after_insert",
        "ledger_entries_no_update",
    ):
        assert expected in names
    raw.execute("INSERT INTO members_fts(members_fts, rank) VALUES ('integrity-check', 1)")


def test_balance_cache_is_the_sum_of_entries(raw: sqlite3.Connection) -> None:
    wrong = scalar(
        raw,
        "SELECT count(*) FROM members m WHERE m.balance != "
        "(SELECT coalesce(sum(points), 0) FROM ledger_entries e WHERE e.member_id = m.id)",
    )
    assert wrong == 0


def test_lots_hold_the_balance_and_consumptions_add_up(raw: sqlite3.Connection) -> None:
    assert scalar(raw, "SELECT count(*) FROM overdrafts") == 0
    wrong = scalar(
        raw,
        "SELECT count(*) FROM members m WHERE m.balance != "
        "(SELECT coalesce(sum(remaining), 0) FROM lots l WHERE l.member_id = m.id)",
    )
    assert wrong == 0
    assert (
        scalar(
            raw,
            "SELECT count(*) FROM lots l WHERE l.points - l.remaining != "
            "(SELECT coalesce(sum(points), 0) FROM lot_consumptions c WHERE c.lot_id = l.id)",
        )
        == 0
    )
    assert (
        scalar(
            raw,
            "SELECT count(*) FROM ledger_entries e WHERE e.kind IN ('redeem', 'expire') AND -e.points != "
            "(SELECT coalesce(sum(points), 0) FROM lot_consumptions c WHERE c.entry_id = e.id)",
        )
        == 0
    )
    # Every credit made a lot of the same size; nothing else did.
    assert (
        scalar(
            raw,
            "SELECT count(*) FROM ledger_entries e LEFT JOIN lots l ON l.id = e.id "
            "WHERE (e.points > 0) != (l.id IS NOT NULL) OR (l.id IS NOT NULL AND l.points != e.points)",
        )
        == 0
    )


def test_entries_look_like_the_tills(raw: sqlite3.Connection) -> None:
    kinds = dict(raw.execute("SELECT kind, count(*) FROM ledger_entries GROUP BY kind").fetchall())
    assert {"earn", "redeem", "bonus", "action", "expire"} <= set(kinds)
    assert kinds["earn"] == max(kinds.values())
    assert kinds["bonus"] == MEMBERS  # one welcome bonus each
    versions = {r[0] for r in raw.execute("SELECT DISTINCT program_version FROM ledger_entries")}
    assert versions == {scalar(raw, "SELECT version FROM program_versions")}
    rows = raw.execute(
        "SELECT id, created_at, till_id, seq FROM ledger_entries ORDER BY created_at, id"
    ).fetchall()
    assert all(uuid.UUID(r[0]).version == 7 for r in rows)
    assert all(r[1] == format_utc(parse_utc(r[1])) for r in rows)
    assert [r[0] for r in rows] == sorted(r[0] for r in rows), "ids sort by time"
    for till_id, _ in TILLS:
        seqs = [r[3] for r in rows if r[2] == till_id]
        assert seqs == list(range(1, len(seqs) + 1)), "per-till sequence counts up in time order"
    assert scalar(raw, "SELECT count(*) FROM ledger_entries WHERE kind = 'redeem' AND points < -2000") == 0


def test_lot_expiry_follows_the_program(dataset: Path, raw: sqlite3.Connection) -> None:
    with closing(open_store(dataset, quick_check=False)) as store:
        program = TillServices.open(store).programs.active()
    assert program.expiry is not None
    for expires_at, created_at in raw.execute("SELECT expires_at, created_at FROM lots"):
        due = expiry_for(program.expiry, parse_utc(created_at), program.zone)
        assert due is not None
        assert expires_at == format_utc(due)
    # The morning expiry runs removed everything due by the end of the history.
    last_close = scalar(raw, "SELECT max(created_at) FROM ledger_entries")
    assert scalar(raw, "SELECT count(*) FROM lots WHERE remaining > 0 AND expires_at <= ?", last_close) == 0


def test_members_are_valid(raw: sqlite3.Connection) -> None:
    rows = raw.execute(
        "SELECT full_name, name_folded, member_number, phone, email, referral_code FROM members"
    )
    seen_numbers = set()
    for full_name, folded, number, phone, email, referral in rows:
        assert fold(full_name) == folded
        assert luhn_valid(number) and len(number) == 13
        seen_numbers.add(number)
        assert phone is None or (phone.startswith("+849") and len(phone) == 12)
        assert email is None or email == email.lower()
        assert len(referral) == 8
    assert len(seen_numbers) == MEMBERS
    assert scalar(raw, "SELECT count(*) FROM members WHERE full_name != name_folded") > 0, "accents kept"
    assert scalar(raw, "SELECT count(*) FROM cards WHERE kind = 'uid'") > 0


def test_the_till_continues_where_the_data_ends(dataset: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    with closing(sqlite3.connect(dataset)) as src, closing(sqlite3.connect(copy)) as dst:
        src.backup(dst)
    store = open_store(copy)
    try:
        # Just after the last day of history (22:00 in the store's time zone): no points fall due meanwhile.
        svc = TillServices.open(store, lambda: datetime(2026, 5, 1, 16, 0, tzinfo=UTC))
        cashier = svc.staff.sign_in(CASHIER[0], CASHIER[2])
        with closing(sqlite3.connect(copy)) as conn:
            till_id = svc.core.till.till_id
            max_seq = scalar(conn, "SELECT max(seq) FROM ledger_entries WHERE till_id = ?", till_id)
            member_id, balance = conn.execute(
                "SELECT id, balance FROM members ORDER BY balance DESC"
            ).fetchone()
            token = scalar(conn, "SELECT token FROM cards WHERE kind = 'uid' AND status = 'active'")
            numbers_before = scalar(conn, "SELECT value FROM counters WHERE name = 'member_number'")
            named, name = conn.execute(
                "SELECT id, full_name FROM members WHERE full_name != name_folded ORDER BY rowid DESC"
            ).fetchone()
        change = svc.points.award(cashier, member_id, Basket.of_total(Money(250_000)), "TEST-1")
        (entry,) = change.entries
        assert entry.seq == max_seq + 1
        assert change.member.balance == balance + entry.points
        redeemed = svc.points.redeem(cashier, member_id, 50, bill=Money(500_000), receipt_ref="TEST-2")
        assert redeemed.member.balance == change.member.balance - 50
        enrolled = svc.members.enroll(cashier, "Phạm Thị Test")
        assert int(enrolled.member.member_number[5:12]) == numbers_before + 1
        assert svc.cards.identify(str(token)).balance >= 0
        # Accent-insensitive search finds a generated name typed without accents, as prefixes.
        words = fold(name).split()
        query = " ".join([words[0], words[1][:2]])
        hits = svc.members.search(query, limit=100)
        assert named in {h.member_id for h in hits}
        for hit in hits:
            hit_words = fold(hit.full_name).split()
            assert any(w.startswith(words[0]) for w in hit_words)
            assert any(w.startswith(words[1][:2]) for w in hit_words)
    finally:
        store.close()


def test_report_has_every_row(dataset: Path, tmp_path: Path) -> None:
    copy = tmp_path / "report.sqlite"
    with closing(sqlite3.connect(dataset)) as src, closing(sqlite3.connect(copy)) as dst:
        src.backup(dst)
    report = run_benchmarks(copy, samples=4, warmup=1, cold_samples=1, log=lambda _m: None)
    assert set(report["results"]) == {key for key, _, _ in ROWS} - OPTIONAL_ROWS
    assert {"cores", "sqlite", "python"} <= set(report["machine"])
    for key, row in report["results"].items():
        assert "target" in row and "ok" in row
        if key != "rss":
            assert {"n", "p50_ms", "p95_ms", "p99_ms", "baseline", "ratio_p50"} <= set(row)
            assert row["n"] >= 1
    assert report["results"]["award"]["baseline"]["p99_ms"] > 0
    table = format_table(report)
    for key, label, _target in ROWS:
        assert (label.strip() in table) == (key in report["results"])
    assert "SQLite" in table
    with closing(sqlite3.connect(copy)) as conn:
        assert scalar(conn, "SELECT count(*) FROM sqlite_master WHERE name = 'bench_baseline'") == 0


def test_the_unclean_shutdown_row_on_request(dataset: Path, tmp_path: Path) -> None:
    copy = tmp_path / "cold.sqlite"
    with closing(sqlite3.connect(dataset)) as src, closing(sqlite3.connect(copy)) as dst:
        src.backup(dst)
    rows = bench_cold(copy, 1, full_check=True)
    assert set(rows) == {"cold_open", "cold_process", "cold_open_checked"}
    assert rows["cold_open_checked"]["n"] == 1
