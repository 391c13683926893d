"""The command line in operation, as real processes: one sentence and exit status 2 for every failure, nothing
written by a refused command, the log, backups, restore, maintenance, and two writers at once."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from app.logs import close_logging
from app.services import TillServices
from app.store import open_store
from app.store.operational import retry_when_busy
from loyalty.money import Money
from loyalty.quote import Basket
from tests.app.test_cli import ROOT, run

PIN = {"LOYALTY_PIN": "1111"}
BUSY = "The till's database is busy (another program is writing to it). Try again in a moment."


def _env(extra: dict[str, str] | None = None, *, drop: tuple[str, ...] = ()) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LOYALTY_PIN", "LOYALTY_STAFF", *drop)}
    return {**env, **(extra or {})}


def _cli(
    data_dir: Path, *args: str, env: dict[str, str] | None = None, stdin: int | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
        cwd=ROOT,
        env=env if env is not None else _env(PIN),
        text=True,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.fixture(autouse=True)
def _no_log_left_behind() -> Iterator[None]:
    """``main`` called in this process logs to the till's folder: detach that log after each test."""
    yield
    close_logging()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-till")
    result = run(folder, "run", "--demo-members", "20")
    assert result.returncode == 0, result.stderr
    shutil.rmtree(folder / "backups")
    shutil.rmtree(folder / "logs")
    return folder


@pytest.fixture
def till(tmp_path: Path, demo_template: Path) -> Path:
    folder = tmp_path / "till"
    shutil.copytree(demo_template, folder)
    return folder


def _db(folder: Path) -> Path:
    return folder / "till.sqlite"


def _scalar(folder: Path, sql: str) -> object:
    with closing(sqlite3.connect(_db(folder))) as conn:
        return conn.execute(sql).fetchone()[0]


def _member(folder: Path) -> str:
    return str(
        _scalar(folder, "SELECT member_number FROM members WHERE status = 'active' ORDER BY member_number")
    )


def _written(folder: Path) -> tuple[object, ...]:
    """What a command could have written: audit rows, ledger entries, outbox items, failed sign-ins."""
    return tuple(
        _scalar(folder, sql)
        for sql in (
            "SELECT count(*) FROM audit_log",
            "SELECT count(*) FROM ledger_entries",
            "SELECT count(*) FROM outbox",
            "SELECT COALESCE(SUM(failed_attempts), 0) FROM staff",
        )
    )


def _one_sentence(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr and "usage:" not in stderr
    return lines[0]


def _ambiguous_name(folder: Path) -> str:
    """A family name that at least two demo members share."""
    store = open_store(_db(folder))
    try:
        svc = TillServices.open(store)
        for family in ("nguyen", "tran", "le", "pham", "hoang", "vo", "thi", "van"):
            if len(svc.members.search(family, limit=3)) >= 2:
                return family
    finally:
        store.close()
    raise AssertionError("no shared name in the demo store")


ODD = [
    # (arguments, what the sentence says, run as a real process too)
    (["members", "search", "--", "--"], "give a name, phone, e-mail or member number", True),
    (["members", "show", "٠١٠١٠٠٠٠٠٠٠٨١"], "No member matches", True),
    (["members", "history", "０１０１０００００００８１"], "No member matches", False),
    (["bogus"], "invalid choice", True),
    (["--store-number", "x", "run"], "not a whole number", False),
    (["--keep-backups", "0", "backup"], "between 1 and", False),
    (["members"], "required", False),
    (
        ["--staff", "1001", "redeem", "{member}", "١٢٣", "500.000", "--receipt", "R1"],
        "Points is not valid",
        True,
    ),
    (
        ["--staff", "1001", "redeem", "{member}", "1.00", "500.000", "--receipt", "R1"],
        "Points is not valid",
        False,
    ),
    (
        ["--staff", "1001", "redeem", "{member}", "9" * 13, "500.000", "--receipt", "R1"],
        "Points is not valid",
        False,
    ),
    (["--staff", "1001", "award", "{member}", "١٢٣.٠٠٠", "--receipt", "R1"], "is not valid", False),
    (["--staff", "1001", "award", "{member}", "1" * 5000, "--receipt", "R1"], "Amount is not valid", False),
    (["--staff", "1001", "award", "{member}", "12.5", "--receipt", "R1"], "group thousands", False),
    (["--staff", "1001", "award", "{member}", "100.000", "--receipt", "R\x071"], "control characters", False),
    (
        ["--staff", "1001", "award", "{member}", "100.000", "--receipt", " "],
        "Receipt number is not valid",
        False,
    ),
    (["--staff", "1001", "award", "٠١٠١٠٠٠٠٠٠٠٨١", "100.000", "--receipt", "R1"], "No member matches", False),
    (
        ["--staff", "1001", "award", "{ambiguous}", "100.000", "--receipt", "R1"],
        "use the member number",
        True,
    ),
    (["award", "{member}", "100.000", "--receipt", "R1"], "give --staff CODE", True),
]


def test_odd_arguments_and_refused_commands_are_one_sentence_and_write_nothing(
    till: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every case through ``main`` in this process; the marked ones also as a real process (exit status)."""
    from app.__main__ import main

    member, ambiguous = _member(till), _ambiguous_name(till)
    before = _written(till)
    monkeypatch.delenv("LOYALTY_STAFF", raising=False)
    monkeypatch.setenv("LOYALTY_PIN", "1111")  # a command that got as far as signing in would write
    for args, expected, as_process in ODD:
        words = [a.format(member=member, ambiguous=ambiguous) for a in args]
        assert main(["--data-dir", str(till), *words]) == 2, words
        captured = capsys.readouterr()
        assert expected in _one_sentence(captured.err), (words, captured.err)
        assert captured.out == ""
        if as_process:
            result = run(till, *words, env=_env(PIN))
            assert result.returncode == 2, (words, result.stdout, result.stderr)
            assert expected in _one_sentence(result.stderr), (words, result.stderr)
        assert _written(till) == before, words
    log = (till / "logs" / "till.log").read_text(encoding="utf-8")
    assert "refused (not_found)" in log and "refused (usage)" in log


def test_no_pin_ends_cleanly_and_writes_nothing(till: Path) -> None:
    member = _member(till)
    before = _written(till)
    sale = ("--staff", "1001", "award", member, "100.000", "--receipt", "PIN-1")
    empty = run(till, *sale, env=_env({"LOYALTY_PIN": ""}))
    assert empty.returncode == 2
    assert "LOYALTY_PIN is set but empty" in _one_sentence(empty.stderr)
    # End of input at the prompt (no terminal: a new session has none, so getpass reads standard input).
    eof = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(till), *sale],
        cwd=ROOT,
        env=_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        start_new_session=True,
        timeout=120,
        check=False,
    )
    assert eof.returncode == 2, eof.stderr
    assert "error: no PIN was given: nothing was done" in eof.stderr and "Traceback" not in eof.stderr
    assert _written(till) == before


def _read_until(stream: int, marker: bytes, limit_s: float = 60.0) -> bytes:
    seen = b""
    deadline = time.monotonic() + limit_s
    while marker not in seen:
        assert time.monotonic() < deadline, f"no {marker!r} in {seen!r}"
        chunk = os.read(stream, 1024)
        assert chunk, f"stream closed before {marker!r}: {seen!r}"
        seen += chunk
    return seen


def test_ctrl_c_at_the_pin_prompt_ends_cleanly_and_writes_nothing(till: Path) -> None:
    member = _member(till)
    before = _written(till)
    sale = ["--staff", "1001", "award", member, "1.000", "--receipt", "INT-1"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(till), *sale],
        cwd=ROOT,
        env=_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert proc.stderr is not None
        seen = _read_until(proc.stderr.fileno(), b"PIN for staff 1001: ")
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    stderr = (seen + err).decode()
    assert proc.returncode == 2, stderr
    assert "error: no PIN was given: nothing was done" in stderr and "Traceback" not in stderr
    assert _written(till) == before


def test_a_wrong_pin_is_audited_and_nothing_else_is_written(till: Path) -> None:
    audit, entries, outbox, failures = _written(till)
    wrong = run(
        till,
        "--staff",
        "1001",
        "award",
        _member(till),
        "100.000",
        "--receipt",
        "W-1",
        env=_env({"LOYALTY_PIN": "0"}),
    )
    assert wrong.returncode == 2 and "Wrong staff code or PIN" in _one_sentence(wrong.stderr)
    assert _written(till) == (audit + 1, entries, outbox, failures + 1)  # type: ignore[operator]


def test_an_empty_database_file_is_refused_with_the_way_to_the_backups(tmp_path: Path) -> None:
    (tmp_path / "till.sqlite").touch()
    result = run(tmp_path, "members", "search", "lan")
    assert result.returncode == 2
    line = _one_sentence(result.stderr)
    assert "empty (0 bytes)" in line and str(tmp_path / "backups") in line
    assert (tmp_path / "till.sqlite").stat().st_size == 0


def _modes_stop_us() -> bool:
    import tempfile

    with tempfile.NamedTemporaryFile() as probe:
        os.chmod(probe.name, 0o444)
        return not os.access(probe.name, os.W_OK)


def test_a_read_only_database_is_refused_before_anything_is_written(till: Path) -> None:
    db = _db(till)
    before = db.read_bytes()
    args = [sys.executable, "-m", "app", "--data-dir", str(till), "expire"]
    if _modes_stop_us():
        db.chmod(0o444)
        try:
            result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
        finally:
            db.chmod(0o644)
    else:
        # Root writes whatever the mode says, but not on a read-only mount (private to this command).
        if shutil.which("unshare") is None:
            pytest.skip("unshare is not installed")
        script = f'mount --bind {till} {till} && mount -o remount,bind,ro {till} && exec "$@"'
        result = subprocess.run(
            ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 2 and "mount" in result.stderr:
            pytest.skip(f"no private mounts here: {result.stderr.strip()}")
    assert result.returncode == 2, result.stderr
    line = _one_sentence(result.stderr)
    assert str(db) in line and "read-only" in line and "Nothing was written" in line
    assert db.read_bytes() == before


_CRASHING = """
import sys
import app.__main__ as cli

def broken(args):
    raise RuntimeError("something the till did not expect")

cli.cmd_expire = broken
sys.exit(cli.main(sys.argv[1:]))
"""


def test_an_unexpected_error_is_one_sentence_and_its_traceback_goes_to_the_log(till: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _CRASHING, "--data-dir", str(till), "expire"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    line = _one_sentence(result.stderr)
    log_file = till / "logs" / "till.log"
    assert "unexpected problem" in line and "RuntimeError" in line and str(log_file) in line
    log = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and "something the till did not expect" in log


def test_the_log_has_utc_iso_times_commands_and_migrations(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    assert run(tmp_path, "backup").returncode == 0
    lines = (tmp_path / "logs" / "till.log").read_text(encoding="utf-8").splitlines()
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|WARNING|ERROR|CRITICAL) \[\d+\] ")
    assert lines and all(stamp.match(line) for line in lines), lines[:3]
    text = "\n".join(lines)
    assert "init: started" in text and "init: finished with status 0" in text
    assert "Running upgrade" in text  # the migrations of the new database
    assert "manual backup of" in text and "written and verified" in text
    # The times are UTC: the newest line is within a minute of the UTC clock.
    newest = time.strptime(lines[-1][:19], "%Y-%m-%dT%H:%M:%S")
    assert abs(time.mktime(newest) - time.mktime(time.gmtime())) < 600


def test_backup_maintenance_and_restore(till: Path) -> None:
    member = _member(till)
    backups = till / "backups"
    first = run(till, "maintenance")
    assert first.returncode == 0, first.stderr
    assert "expiry:" in first.stdout and "backup: " in first.stdout and "written and verified" in first.stdout
    again = run(till, "maintenance")
    assert again.returncode == 0 and "backup: not due" in again.stdout
    for _ in range(3):
        assert run(till, "--keep-backups", "2", "backup").returncode == 0
    kept = sorted(p.name for p in backups.iterdir())
    assert len(kept) == 2 and all(name.startswith("till-manual-") for name in kept)
    balance = _scalar(till, f"SELECT balance FROM members WHERE member_number = '{member}'")
    sale = run(
        till, "--staff", "1001", "award", member, "500.000", "--receipt", "AFTER-BACKUP", env=_env(PIN)
    )
    assert sale.returncode == 0, sale.stderr
    assert _scalar(till, f"SELECT balance FROM members WHERE member_number = '{member}'") != balance

    not_ours = till / "notes.sqlite"
    not_ours.write_text("shopping list\n")
    refused = run(till, "restore", str(not_ours))
    assert refused.returncode == 2 and "not a Loyalty Till database" in _one_sentence(refused.stderr)

    holder = _cli(
        till,
        "--staff",
        "1001",
        "award",
        member,
        "1.000",
        "--receipt",
        "HOLD",
        env=_env(),
        stdin=subprocess.PIPE,
    )
    try:
        assert holder.stderr is not None
        _read_until(holder.stderr.fileno(), b"PIN for staff")  # the database is open in that process now
        busy = run(till, "restore", str(backups / kept[-1]))
        assert busy.returncode == 2 and "open in another program" in _one_sentence(busy.stderr)
    finally:
        holder.kill()
        holder.communicate(timeout=60)

    restored = run(till, "restore", str(backups / kept[-1]))
    assert restored.returncode == 0, restored.stderr
    assert "was kept as" in restored.stdout
    assert _scalar(till, f"SELECT balance FROM members WHERE member_number = '{member}'") == balance
    aside = [p for p in till.iterdir() if p.name.startswith("till-before-restore-")]
    assert aside and all(p.name.endswith((".sqlite", ".sqlite-wal", ".sqlite-shm")) for p in aside)
    assert run(till, "check").returncode == 0


@pytest.mark.slow
def test_a_database_that_stays_busy_is_a_sentence_and_nothing_is_written(till: Path) -> None:
    before = _written(till)
    holder = sqlite3.connect(_db(till), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer that does not let go
    try:
        result = run(
            till, "--staff", "1001", "award", _member(till), "100.000", "--receipt", "BUSY-1", env=_env(PIN)
        )
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 2
    assert _one_sentence(result.stderr) == f"error: {BUSY}"
    assert _written(till) == before


def _awards_in_process(folder: Path, count: int) -> Iterator[str]:
    store = open_store(_db(folder))
    try:
        svc = TillServices.open(store)
        cashier = retry_when_busy(svc.staff.sign_in, "1002", "2222")
        member_id = str(
            _scalar(folder, "SELECT id FROM members WHERE status = 'active' ORDER BY member_number DESC")
        )
        for i in range(count):
            change = retry_when_busy(
                svc.points.award, cashier, member_id, Basket.of_total(Money(120_000)), f"LOOP-{i}"
            )
            yield change.entries[0].id
    finally:
        store.close()


def test_two_writers_both_succeed_and_nothing_is_lost(till: Path) -> None:
    """Command lines and an in-process writer (as the window is) award at the same time: all succeed."""
    member = _member(till)
    entries_before = int(_scalar(till, "SELECT count(*) FROM ledger_entries"))  # type: ignore[call-overload]
    commands = [
        _cli(till, "--staff", "1001", "award", member, f"{100 + i}.000", "--receipt", f"TWO-{i}")
        for i in range(4)
    ]
    written = list(_awards_in_process(till, 40))
    results = [(p.wait(timeout=300), *p.communicate()) for p in commands]
    for code, out, err in results:
        assert code == 0, err
        assert "already recorded" not in out
    assert len(set(written)) == 40
    receipts = {
        r[0]
        for r in sqlite3.connect(_db(till)).execute(
            "SELECT receipt_ref FROM ledger_entries WHERE receipt_ref LIKE 'TWO-%' OR receipt_ref LIKE 'LOOP-%'"
        )
    }
    assert receipts == {f"TWO-{i}" for i in range(4)} | {f"LOOP-{i}" for i in range(40)}
    assert int(_scalar(till, "SELECT count(*) FROM ledger_entries")) >= entries_before + 44  # type: ignore[call-overload]
    check = run(till, "check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_maintenance_reviews_tiers_and_members_duplicates_is_for_managers(
    till: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.__main__ import main

    assert main(["--data-dir", str(till), "maintenance"]) == 0
    out = capsys.readouterr().out
    assert "tier reviews: 0 members changed tier" in out
    monkeypatch.setenv("LOYALTY_PIN", "1111")
    assert main(["--data-dir", str(till), "--staff", "1001", "members", "duplicates"]) == 2
    assert "Only a manager" in capsys.readouterr().err
    monkeypatch.setenv("LOYALTY_PIN", "9999")
    assert main(["--data-dir", str(till), "--staff", "9001", "members", "duplicates"]) == 0
    assert "0 to review" in capsys.readouterr().out


def test_output_closed_by_its_reader_is_not_an_error(till: Path) -> None:
    """`python -m app members search nguyen | head -1`: the reader going away ends the command quietly."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(till), "members", "search", "nguyen"],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the command has printed anything: its first write finds no reader
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0, err
    assert "error" not in err
