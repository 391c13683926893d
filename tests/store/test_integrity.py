"""``check`` against someone who edits the till's file with the sqlite3 shell.

Each test builds a till through the services, then tampers with it the way an attacker holding the file would:
plain ``sqlite3`` (foreign keys off), the append-only triggers dropped first and — to hide the drop — put back
afterwards, so that the one problem left is the one the test is about.
"""

from __future__ import annotations

import hashlib
import itertools
import shutil
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app.store import migrate
from app.store.audit import append_audit
from app.store.db import open_store
from app.store.integrity import APPEND_ONLY_TRIGGERS, check_database, ledger_chain_problems, staff_seal
from app.store.types import format_utc, parse_utc
from loyalty.chain import ENTRY_FIELDS, GENESIS_HASH, entry_hash
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import START, make_till, simple_program
from tests.store.factories import make_entry, make_member


@pytest.fixture(scope="module")
def till_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A till with a little of everything: earnings, a redemption, a return that leaves an overdraft, an
    earning that pays part of it, an expiry. Entries (till t1): 1 earn S1 (Lan, 50), 2 redeem S2 (-40),
    3 reverse S1 (-50: 10 from the lot, 40 overdraft), 4 earn S3 (20, pays 20 of the overdraft),
    5 earn S4 (Bình, 30), 6 expire (-30), 7 earn S5 (Bình, 10)."""
    t = make_till(
        tmp_path_factory.mktemp("integrity"),
        simple_program(expiry={"months": 2}, redemption={"point_value": 1000, "max_bill_share_percent": 100}),
    )
    svc = t.svc
    lan = svc.members.enroll(t.cashier, "Lê Thị Lan").member.id
    binh = svc.members.enroll(t.cashier, "Trần Văn Bình").member.id
    svc.points.award(t.cashier, lan, Basket.of_total(Money(500_000, "VND")), "S1")
    svc.points.redeem(t.cashier, lan, 40, bill=Money(100_000, "VND"), receipt_ref="S2")
    assert svc.points.process_return(t.manager, "S1", Money(500_000, "VND")).overdraft_points == 40
    svc.points.award(t.cashier, lan, Basket.of_total(Money(200_000, "VND")), "S3")
    svc.points.award(t.cashier, binh, Basket.of_total(Money(300_000, "VND")), "S4")
    t.clock.advance(days=100)
    assert svc.points.expire_due() == 30
    svc.points.award(t.cashier, binh, Basket.of_total(Money(100_000, "VND")), "S5")
    t.store.close()
    return t.path


@pytest.fixture
def till_file(till_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "till.sqlite"
    shutil.copyfile(till_template, path)
    return path


def problems_in(path: Path) -> list[str]:
    with open_store(path) as store, store.read() as session:
        return check_database(session)


def tamper(path: Path, *statements: str, restore_triggers: bool = True) -> None:
    """Edit the file as an attacker would: sqlite3 with foreign keys off, the append-only triggers dropped."""
    with closing(sqlite3.connect(path)) as conn:
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        guards = [(name, sql) for name, sql in triggers if name in APPEND_ONLY_TRIGGERS]
        for name, _sql in guards:
            conn.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            conn.execute(statement)
        if restore_triggers:
            for _name, sql in guards:
                conn.execute(sql)
        conn.commit()


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def entry_id(path: Path, seq: int) -> str:
    return str(query(path, f"SELECT id FROM ledger_entries WHERE till_id = 't1' AND seq = {seq}")[0][0])


def test_a_till_used_through_the_services_is_consistent(till_file: Path) -> None:
    assert problems_in(till_file) == []
    rows = query(till_file, "SELECT seq, prev_hash, hash FROM ledger_entries ORDER BY seq")
    assert [r[0] for r in rows] == list(range(1, 8))
    assert all(cur[1] == prev[2] for prev, cur in itertools.pairwise(rows))
    head = query(till_file, "SELECT value, hash FROM counters WHERE name = 'seq:t1'")
    assert head == [(7, rows[-1][2])]


# -- the ledger's chain -------------------------------------------------------------------------------
CHANGED = "Ledger entry {seq} of till t1 was changed after it was written"


@pytest.mark.parametrize(
    ("seq", "edit"),
    [
        (1, "amount_minor = 5000000"),
        (1, "receipt_ref = 'S9'"),
        (2, "staff_id = (SELECT id FROM staff WHERE code = '9001')"),
        (3, "points = -5"),
        (4, "created_at = '2026-03-01T03:00:00.000000Z'"),
        (4, "member_id = (SELECT member_id FROM ledger_entries WHERE seq = 5)"),
        (5, "kind = 'bonus'"),
        (6, "reason = 'nothing to see'"),
        (7, "program_version = 'other'"),
        (7, "details = '{\"note\":1}'"),
        (3, "reverses_id = NULL"),
        (1, "currency = 'USD'"),
        (1, "store_id = 's2'"),
        (2, "channel = 'web'"),
        (5, "action_code = 'review'"),
    ],
)
def test_an_edited_entry_is_reported(till_file: Path, seq: int, edit: str) -> None:
    tamper(till_file, f"UPDATE ledger_entries SET {edit} WHERE seq = {seq}")
    problems = problems_in(till_file)
    assert any(p.startswith(CHANGED.format(seq=seq)) for p in problems), problems


def test_a_changed_amount_alone_is_the_one_problem(till_file: Path) -> None:
    tamper(till_file, "UPDATE ledger_entries SET amount_minor = 900000 WHERE seq = 4")
    assert problems_in(till_file) == [
        "Ledger entry 4 of till t1 was changed after it was written: its content no longer matches its hash "
        f"(member {query(till_file, 'SELECT member_id FROM ledger_entries WHERE seq = 4')[0][0]}, earn 20 points)."
    ]


def test_a_lot_expiry_pushed_out_breaks_the_chain(till_file: Path) -> None:
    tamper(
        till_file,
        f"UPDATE lots SET expires_at = '2099-01-01T00:00:00.000000Z' WHERE id = '{entry_id(till_file, 7)}'",
    )
    problems = problems_in(till_file)
    assert any(p.startswith(CHANGED.format(seq=7)) for p in problems), problems


def test_a_deleted_entry_is_reported(till_file: Path) -> None:
    tamper(till_file, "DELETE FROM ledger_entries WHERE seq = 4")
    problems = problems_in(till_file)
    assert "Ledger entry 4 of till t1 is missing: deleted from the ledger." in problems


def test_deleting_the_last_entry_is_reported(till_file: Path) -> None:
    eid = entry_id(till_file, 7)
    tamper(
        till_file,
        f"DELETE FROM lots WHERE id = '{eid}'",
        f"DELETE FROM ledger_entries WHERE id = '{eid}'",
        "UPDATE members SET balance = balance - 10 WHERE id = (SELECT member_id FROM ledger_entries WHERE seq = 5)",
    )
    assert problems_in(till_file) == [
        "The last ledger entries of till t1 were deleted: its ledger ends at entry 6, "
        "but the till recorded entry 7 as its last."
    ]


def test_deleting_the_last_entry_and_winding_the_counter_back_is_reported(till_file: Path) -> None:
    eid = entry_id(till_file, 7)
    tamper(
        till_file,
        f"DELETE FROM lots WHERE id = '{eid}'",
        f"DELETE FROM ledger_entries WHERE id = '{eid}'",
        "UPDATE members SET balance = balance - 10 WHERE id = (SELECT member_id FROM ledger_entries WHERE seq = 5)",
        "UPDATE counters SET value = 6 WHERE name = 'seq:t1'",
    )
    assert problems_in(till_file) == [
        "The last ledger entry of till t1 (entry 6) is not the one the till wrote."
    ]


def test_deleting_every_entry_is_reported(till_file: Path) -> None:
    tamper(
        till_file,
        "DELETE FROM lot_consumptions",
        "DELETE FROM overdrafts",
        "DELETE FROM lots",
        "DELETE FROM ledger_entries",
        "UPDATE members SET balance = 0",
    )
    assert problems_in(till_file) == [
        "All ledger entries of till t1 were deleted: the till recorded entry 7 as its last."
    ]


def test_an_entry_added_at_the_end_is_reported(till_file: Path) -> None:
    last_hash = query(till_file, "SELECT hash FROM ledger_entries WHERE seq = 7")[0][0]
    tamper(
        till_file,
        "INSERT INTO ledger_entries (id, member_id, kind, points, store_id, till_id, seq, program_version, "
        f"channel, created_at, prev_hash, hash) SELECT 'forged', member_id, 'adjust', 0, store_id, till_id, 8, "
        f"program_version, 'till', created_at, '{last_hash}', '{'f' * 64}' FROM ledger_entries WHERE seq = 7",
    )
    problems = problems_in(till_file)
    assert problems[-1] == (
        "Ledger entry 8 of till t1 was added outside the till: the till recorded entry 7 as its last."
    )
    assert any(p.startswith(CHANGED.format(seq=8)) for p in problems)


def test_an_entry_inserted_in_the_middle_is_reported(till_file: Path) -> None:
    # Make room by renumbering the later entries, as an attacker would, then slip one in.
    tamper(
        till_file,
        "UPDATE ledger_entries SET seq = seq + 100 WHERE seq >= 4",
        "UPDATE ledger_entries SET seq = seq - 99 WHERE seq >= 100",
        "INSERT INTO ledger_entries (id, member_id, kind, points, store_id, till_id, seq, program_version, "
        "channel, created_at, prev_hash, hash) SELECT 'forged', member_id, 'adjust', 0, store_id, till_id, 4, "
        "program_version, 'till', created_at, hash, hash FROM ledger_entries WHERE seq = 3",
        "UPDATE counters SET value = 8 WHERE name = 'seq:t1'",
    )
    problems = problems_in(till_file)
    for seq in (4, 5, 6, 7, 8):
        assert any(p.startswith(CHANGED.format(seq=seq)) for p in problems), (seq, problems)


def test_reordered_entries_are_reported(till_file: Path) -> None:
    tamper(
        till_file,
        "UPDATE ledger_entries SET seq = 100 WHERE seq = 4",
        "UPDATE ledger_entries SET seq = 4 WHERE seq = 5",
        "UPDATE ledger_entries SET seq = 5 WHERE seq = 100",
    )
    problems = problems_in(till_file)
    assert any(p.startswith(CHANGED.format(seq=4)) for p in problems)
    assert any(p.startswith(CHANGED.format(seq=5)) for p in problems)


def test_an_entry_replaced_by_a_well_hashed_forgery_breaks_the_links(till_file: Path) -> None:
    """Someone who hashes one forged entry right, but does not rewrite every entry after it."""
    cols = ", ".join(f"e.{n}" if n != "expires_at" else "l.expires_at" for n in ENTRY_FIELDS)
    with closing(sqlite3.connect(till_file)) as conn:
        row = conn.execute(
            f"SELECT {cols} FROM ledger_entries e LEFT JOIN lots l ON l.id = e.id WHERE e.seq = 4"
        ).fetchone()
    forged = dict(zip(ENTRY_FIELDS, row, strict=True)) | {"amount_minor": 2_000_000}
    tamper(
        till_file,
        f"UPDATE ledger_entries SET amount_minor = 2000000, prev_hash = '{GENESIS_HASH}', "
        f"hash = '{entry_hash(GENESIS_HASH, forged)}' WHERE seq = 4",
    )
    assert problems_in(till_file) == [
        "Ledger entry 4 of till t1 does not follow the entry before it: an entry was inserted, replaced or moved.",
        "Ledger entry 5 of till t1 does not follow the entry before it: an entry was inserted, replaced or moved.",
    ]


def test_chains_are_kept_per_till(store_path: Path) -> None:
    """Entries of another till (pulled from the central) are walked in their own chain."""
    with open_store(store_path) as store, store.write() as session:
        member = make_member(session)
        make_entry(session, member, seq=1, till_id="other", prev_hash="0" * 64, hash="bad")
    with open_store(store_path) as store, store.read() as session:
        assert list(ledger_chain_problems(session)) == [
            "Ledger entry 1 of till other was changed after it was written: its content no longer matches its "
            f"hash (member {member.id}, earn 10 points)."
        ]


# -- lots, consumptions, overdrafts ---------------------------------------------------------------------
def test_lot_remaining_changed_is_reported(till_file: Path) -> None:
    tamper(till_file, f"UPDATE lots SET remaining = 5 WHERE id = '{entry_id(till_file, 7)}'")
    assert problems_in(till_file) == [
        "The lot of ledger entry 7 of till t1 has 5 points left, but the entries leave 10."
    ]


def test_lot_remaining_raised_with_the_balance_is_reported(till_file: Path) -> None:
    """Points conjured into a lot, the cached balance raised to match: the entries still say otherwise."""
    eid = entry_id(till_file, 4)  # S3: its 20 points all went to the overdraft
    tamper(
        till_file,
        f"UPDATE lots SET remaining = 20 WHERE id = '{eid}'",
        f"UPDATE members SET balance = balance + 20 WHERE id = (SELECT member_id FROM lots WHERE id = '{eid}')",
    )
    problems = problems_in(till_file)
    assert "The lot of ledger entry 4 of till t1 has 20 points left, but the entries leave 0." in problems
    assert any("cached balance" in p for p in problems)


def test_a_lot_moved_to_another_member_is_reported(till_file: Path) -> None:
    eid = entry_id(till_file, 7)
    tamper(
        till_file,
        f"UPDATE lots SET member_id = (SELECT member_id FROM ledger_entries WHERE seq = 1) WHERE id = '{eid}'",
    )
    assert problems_in(till_file) == ["The lot of ledger entry 7 of till t1 was moved to another member."]


def test_a_deleted_consumption_is_reported(till_file: Path) -> None:
    tamper(till_file, f"DELETE FROM lot_consumptions WHERE entry_id = '{entry_id(till_file, 2)}'")
    problems = problems_in(till_file)
    assert (
        "Ledger entry 2 of till t1 took 40 points, but its lot consumptions and overdraft account for 0."
        in problems
    )


def test_a_consumption_moved_to_another_members_lot_is_reported(till_file: Path) -> None:
    tamper(
        till_file,
        f"UPDATE lot_consumptions SET lot_id = '{entry_id(till_file, 7)}' "
        f"WHERE entry_id = '{entry_id(till_file, 2)}'",
    )
    problems = problems_in(till_file)
    assert "Ledger entry 2 of till t1 took points from a lot of another member." in problems


def test_a_forgiven_overdraft_is_reported(till_file: Path) -> None:
    tamper(
        till_file,
        "UPDATE overdrafts SET remaining = 0, settled_at = created_at",
        "UPDATE members SET balance = 0 WHERE id = (SELECT member_id FROM overdrafts)",
    )
    problems = problems_in(till_file)
    assert (
        "The overdraft of ledger entry 3 of till t1 has 0 points outstanding, but the entries leave 20."
        in (problems)
    )


def test_a_deleted_overdraft_is_reported(till_file: Path) -> None:
    tamper(till_file, "DELETE FROM overdrafts")
    problems = problems_in(till_file)
    assert (
        "Ledger entry 3 of till t1 took 50 points, but its lot consumptions and overdraft account for 10."
        in problems
    )


def test_an_expiry_before_its_date_is_reported(till_file: Path) -> None:
    eid = entry_id(till_file, 5)
    later = format_utc(
        parse_utc(str(query(till_file, "SELECT created_at FROM ledger_entries WHERE seq = 6")[0][0]))
        + timedelta(days=1)
    )
    tamper(till_file, f"UPDATE lots SET expires_at = '{later}' WHERE id = '{eid}'")
    problems = problems_in(till_file)
    assert "Ledger entry 6 of till t1 expired points of a lot before that lot's expiry date." in problems
    assert any(p.startswith(CHANGED.format(seq=5)) for p in problems)  # the expiry is in the entry's hash


# -- staff --------------------------------------------------------------------------------------------
def test_a_role_given_with_raw_sql_is_reported(till_file: Path) -> None:
    tamper(till_file, "UPDATE staff SET role = 'manager' WHERE code = '1001'")
    assert problems_in(till_file) == [
        "Staff 1001 (Mai) was changed outside the till: role manager, but the till gave them cashier."
    ]


def test_a_pin_or_status_changed_with_raw_sql_is_reported(till_file: Path) -> None:
    tamper(
        till_file,
        "UPDATE staff SET pin_hash = (SELECT pin_hash FROM staff WHERE code = '1001') WHERE code = '9001'",
        "UPDATE staff SET active = 0 WHERE code = '1001'",
    )
    assert problems_in(till_file) == [
        "Staff 1001 (Mai) was changed outside the till: their code, status or PIN is not what it set.",
        "Staff 9001 (Lan) was changed outside the till: their code, status or PIN is not what it set.",
    ]


def test_staff_added_with_raw_sql_is_reported(till_file: Path) -> None:
    tamper(
        till_file,
        "INSERT INTO staff (id, code, name, role, pin_hash, active, failed_attempts, created_at) "
        "SELECT 'intruder', '7777', 'Ghost', 'manager', pin_hash, 1, 0, created_at FROM staff WHERE code = '1001'",
    )
    assert problems_in(till_file) == [
        "Staff 7777 (Ghost) was not added by the till: the audit log has no record of them."
    ]


def test_failed_sign_ins_are_not_tampering(till_file: Path) -> None:
    tamper(till_file, "UPDATE staff SET failed_attempts = 3, locked_until = '2030-01-01T00:00:00.000000Z'")
    assert problems_in(till_file) == []


def test_staff_created_before_seals_are_held_to_their_audited_role(store_path: Path) -> None:
    with open_store(store_path) as store, store.write() as session:
        session.execute(
            text(
                "INSERT INTO staff (id, code, name, role, pin_hash, active, failed_attempts, created_at) "
                "VALUES ('old', '1234', 'Hoa', 'manager', 'x', 1, 0, '2025-01-01T00:00:00.000000Z')"
            )
        )
        append_audit(
            session,
            action="staff.create",
            staff_id="system",
            subject_type="staff",
            subject_id="old",
            details={"code": "1234", "role": "cashier"},
            at=START,
        )
    with open_store(store_path) as store, store.read() as session:
        assert check_database(session) == [
            "Staff 1234 (Hoa) was changed outside the till: role manager, but the till gave them cashier."
        ]


def test_staff_seal_covers_what_grants_access() -> None:
    base = staff_seal("s", "1001", "cashier", True, "h")
    assert staff_seal("s", "1001", "cashier", 1, "h") == base  # as SQLite returns a boolean
    for changed in (
        staff_seal("t", "1001", "cashier", True, "h"),
        staff_seal("s", "1002", "cashier", True, "h"),
        staff_seal("s", "1001", "manager", True, "h"),
        staff_seal("s", "1001", "cashier", False, "h"),
        staff_seal("s", "1001", "cashier", True, "g"),
    ):
        assert changed != base


# -- triggers and programs ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(APPEND_ONLY_TRIGGERS))
def test_a_dropped_append_only_trigger_is_reported(till_file: Path, name: str) -> None:
    with closing(sqlite3.connect(till_file)) as conn:
        conn.execute(f"DROP TRIGGER {name}")
        conn.commit()
    table = "the ledger" if name.startswith("ledger") else "the audit log"
    assert problems_in(till_file) == [
        f"The trigger that keeps {table} append-only is missing ({name} was dropped)."
    ]


def test_a_neutered_trigger_is_reported(till_file: Path) -> None:
    with closing(sqlite3.connect(till_file)) as conn:
        conn.execute("DROP TRIGGER ledger_entries_no_delete")
        conn.execute(
            "CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries BEGIN SELECT 1; END"
        )
        conn.commit()
    assert problems_in(till_file) == [
        "The trigger that keeps the ledger append-only was changed (ledger_entries_no_delete)."
    ]


def test_expected_triggers_are_the_ones_the_migrations_write(store_path: Path) -> None:
    stored = dict(query(store_path, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    for name, ddl in APPEND_ONLY_TRIGGERS.items():
        assert " ".join(stored[name].split()) == " ".join(ddl.split())


def test_an_edited_program_is_reported(till_file: Path) -> None:
    tamper(till_file, "UPDATE program_versions SET body = replace(body, '10000', '100')")
    assert problems_in(till_file) == [
        "Program version t1 was edited: its rules no longer match their stored sha256."
    ]


def test_a_program_edited_with_its_sha256_is_reported(till_file: Path) -> None:
    with closing(sqlite3.connect(till_file)) as conn:
        body = conn.execute("SELECT body FROM program_versions").fetchone()[0].replace("10000", "100")
        digest = hashlib.sha256(body.encode()).hexdigest()
        conn.execute("UPDATE program_versions SET body = ?, sha256 = ?", (body, digest))
        conn.commit()
    assert problems_in(till_file) == [
        "Program version t1 is not the one installed: its sha256 is not the audited one."
    ]


def test_orphan_rows_are_reported(till_file: Path) -> None:
    tamper(
        till_file, "INSERT INTO lot_consumptions (entry_id, lot_id, points) VALUES ('nothing', 'nowhere', 5)"
    )
    problems = problems_in(till_file)
    assert any(p.startswith("Row ") and "of lot_consumptions refers to a row of" in p for p in problems)


# -- migration ------------------------------------------------------------------------------------------
def test_upgrade_from_0001_chains_existing_entries(till_file: Path) -> None:
    """A till at 0001 with entries: the upgrade chains them in seq order and the file checks clean."""
    expected = query(till_file, "SELECT id, prev_hash, hash FROM ledger_entries ORDER BY seq")
    head = query(till_file, "SELECT value, hash FROM counters WHERE name = 'seq:t1'")
    migrate.downgrade(till_file.as_posix(), "0001")
    with closing(sqlite3.connect(till_file)) as conn:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(ledger_entries)")}
        assert "hash" not in columns and "prev_hash" not in columns
        triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert set(APPEND_ONLY_TRIGGERS) <= triggers
    assert problems_in(till_file) == []  # open_store upgrades it (taking a backup first)
    assert query(till_file, "SELECT id, prev_hash, hash FROM ledger_entries ORDER BY seq") == expected
    assert query(till_file, "SELECT value, hash FROM counters WHERE name = 'seq:t1'") == head
    with (
        pytest.raises(sqlite3.DatabaseError, match="append-only"),
        closing(sqlite3.connect(till_file)) as conn,
    ):
        conn.execute("UPDATE ledger_entries SET points = 1")


def test_an_older_file_with_a_broken_reference_is_upgraded_and_the_reference_reported(
    till_file: Path,
) -> None:
    """A reference broken by hand in a file at an older schema is the file's problem, not the upgrade's: the
    file opens (upgraded) and ``check`` names the row, as it does at the head, instead of a failed upgrade."""
    migrate.downgrade(till_file.as_posix(), "0001")
    tamper(till_file, f"DELETE FROM ledger_entries WHERE id = '{entry_id(till_file, 7)}'")
    problems = problems_in(till_file)  # open_store upgrades it to the head first
    assert any(p.startswith("Row ") and "of lots refers to a row of ledger_entries" in p for p in problems)
    assert any("ledger entr" in p.lower() for p in problems)  # and the chain misses the entry
    assert query(till_file, "SELECT count(*) FROM ledger_entries") == [(6,)]
