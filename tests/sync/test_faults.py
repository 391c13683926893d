"""Faults between a till and the central, with real processes and a fault-injecting proxy: a reply lost after
the central committed, 5xx answers, timeouts, the till killed with SIGKILL while it syncs, and the central
killed with SIGKILL while batches arrive. After each, the central holds every entry the till committed
exactly once, and agrees with the till to the point."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from app.paths import backup_dir, database_path
from app.services import TillServices
from app.store.backups import restore_backup, take_backup
from app.store.db import open_store
from loyalty.money import Money
from loyalty.quote import Basket
from sync.client import Unavailable
from sync.state import Phase, SyncState
from tests.central.process import free_port, start_central, stop_central

from .conftest import Central, EnrolledTill, MakeTill
from .proxy import FaultProxy, fault_proxy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def proxy(central: Central) -> Iterator[FaultProxy]:
    with fault_proxy(central.url) as running:
        yield running


def serve(till: EnrolledTill, sales: int, name: str = "Nguyễn Thị Lan", phone: str = "0901234567") -> str:
    member = till.svc.members.enroll(till.cashier, name, phone=phone).member
    for n in range(sales):
        till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(100_000 + n * 1000)), f"R{n}")
    return member.id


def local_entries(till: EnrolledTill, member_id: str) -> int:
    with till.store.read() as session:
        return int(
            session.execute(
                text("SELECT count(*) FROM ledger_entries WHERE member_id = :m"), {"m": member_id}
            ).scalar_one()
        )


def assert_agrees(till: EnrolledTill, member_id: str) -> None:
    view = till.svc.members.get(member_id)
    central = till.central_member(view.member_number)
    assert (central.balance, central.entry_count) == (view.balance, local_entries(till, member_id))


def wait_for(condition: object, timeout: float = 30.0) -> None:
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        time.sleep(0.02)


def test_a_reply_lost_after_the_commit_is_sent_again_and_counted_once(
    make_till: MakeTill, proxy: FaultProxy
) -> None:
    till = make_till(url=proxy.url)
    lan = serve(till, 3)
    proxy.drop_reply(1)

    report = till.engine().sync_with_retry(attempts=5)

    assert proxy.outcomes("/v1/push") == ["drop", "forwarded"]
    # The central applied the batch the first time; the second time it says so, item by item.
    assert (report.applied, report.duplicate) == (0, 5)
    assert_agrees(till, lan)


def test_5xx_and_timeouts_back_off_then_succeed(make_till: MakeTill, proxy: FaultProxy) -> None:
    till = make_till(url=proxy.url)
    lan = serve(till, 2)
    proxy.fail(2, prefix="/v1/push")
    proxy.stall(1, seconds=3.0)  # longer than the engine's timeout: the push committed, its reply never came
    engine = till.engine(timeout=1.0)
    seen: list[SyncState] = []
    engine.status.subscribe(seen.append)

    engine.start()
    try:
        wait_for(lambda: engine.status.get().phase is Phase.ONLINE and engine.status.get().waiting == 0)
    finally:
        engine.stop()

    assert proxy.outcomes("/v1/push")[:3] == ["fail", "fail", "stall"]
    backoffs = [state.retry_in for state in seen if state.phase is Phase.OFFLINE and state.retry_in]
    assert len(backoffs) >= 3  # one wait after each fault
    assert seen[-1].phase is Phase.STOPPED and seen[-2].phase is Phase.ONLINE
    assert_agrees(till, lan)


@pytest.mark.slow
def test_a_till_killed_while_it_syncs_counts_nothing_twice(make_till: MakeTill) -> None:
    till = make_till()
    lan = serve(till, 120)
    data = ["-m", "app", "--data-dir", str(till.data_dir)]
    sync = subprocess.Popen(
        [sys.executable, *data, "sync", "--batch", "7", "--interval", "60"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert sync.stdout is not None
        for line in sync.stdout:
            lines.append(line)
            if sum("waiting" in seen for seen in lines) >= 4:  # a few batches are through
                break
        os.kill(sync.pid, signal.SIGKILL)
        sync.wait(timeout=10)
    finally:
        if sync.poll() is None:
            sync.kill()
            sync.wait()
        if sync.stdout:
            sync.stdout.close()
    assert sync.returncode == -signal.SIGKILL, lines
    assert any("syncing" in line for line in lines), lines

    again = subprocess.run(
        [sys.executable, *data, "sync", "--once"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert again.returncode == 0, again.stderr
    assert "0 waiting" in again.stdout
    assert_agrees(till, lan)


def test_two_tills_syncing_at_once_agree(make_till: MakeTill) -> None:
    a = make_till()
    b = make_till(a.store_code, 2)
    lan = serve(a, 2)
    a.engine().sync_once()
    b.engine().sync_once()
    failures: list[BaseException] = []

    def work(till: EnrolledTill, prefix: str) -> None:
        try:
            engine = till.engine(batch_size=3)
            for n in range(6):
                till.svc.points.award(till.cashier, lan, Basket.of_total(Money(50_000)), f"{prefix}{n}")
                engine.sync_once()
        except BaseException as err:  # reported below, on the test's thread
            failures.append(err)

    threads = [threading.Thread(target=work, args=(t, p)) for t, p in ((a, "A"), (b, "B"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures
    for till in (a, b, a):
        till.engine().sync_once()
    assert a.balance(lan) == b.balance(lan)
    assert_agrees(a, lan)
    assert_agrees(b, lan)


def test_a_till_restored_from_a_backup_starts_a_new_epoch_and_counts_nothing_twice(
    make_till: MakeTill,
) -> None:
    till = make_till()
    lan = serve(till, 1)
    till.engine().sync_once()
    backup = take_backup(database_path(till.data_dir), backup_dir(till.data_dir)).backup.path
    till.svc.points.award(till.cashier, lan, Basket.of_total(Money(400_000)), "after-backup")
    till.engine().sync_once()  # the central has it; the backup does not
    central_before = till.central_member(till.svc.members.get(lan).member_number)
    till.close()

    restore_backup(backup, database_path(till.data_dir), backup_dir(till.data_dir))
    restored = replace(till, store=open_store(database_path(till.data_dir)))
    restored.svc = TillServices.open(restored.store)
    restored.cashier = restored.svc.staff.sign_in("1001", "1111")
    sale = restored.svc.points.award(restored.cashier, lan, Basket.of_total(Money(150_000)), "after-restore")
    engine = restored.engine()
    engine.sync_once()

    credentials = engine.port.credentials()
    assert credentials is not None and credentials.epoch == 2  # its numbers start afresh
    assert engine.port.waiting() == 0
    central = restored.central_member(restored.svc.members.get(lan).member_number)
    # Every entry exactly once at the central: the one the restore lost here is still there, the new one
    # (which reuses the lost one's ledger number) is added once, under the new epoch.
    assert central.entry_count == central_before.entry_count + 1
    assert central.balance - central_before.balance == sum(e.points for e in sale.entries) > 0


def test_the_central_killed_in_the_middle_of_a_push_counts_everything_once(
    make_till: MakeTill, central: Central
) -> None:
    """The central is killed with SIGKILL while a till's batches arrive (a batch in its transaction, or a reply
    on its way), then started again on the same database: the till sends what was not acknowledged, and the
    central holds every entry once — whatever the kill interrupted."""
    port = free_port()
    db_url = central.engine.url.render_as_string(hide_password=False)
    first = start_central(db_url, port)
    second: subprocess.Popen[str] | None = None
    try:
        till = make_till(url=f"http://127.0.0.1:{port}")
        lan = serve(till, 300)
        start = waiting(till)
        engine = till.engine(batch_size=10, timeout=30.0)
        outcome: list[BaseException | None] = []

        def push() -> None:
            try:
                engine.sync_once(pull=False)
                outcome.append(None)
            except BaseException as err:  # the central went away: said by the engine, checked below
                outcome.append(err)

        pushing = threading.Thread(target=push)
        pushing.start()
        wait_for(lambda: waiting(till) < start - 20 or bool(outcome), timeout=180)  # a few batches are in
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        pushing.join(timeout=120)
        assert outcome and isinstance(outcome[0], Unavailable), outcome  # the till knows it did not finish
        assert 0 < waiting(till) < start

        second = start_central(db_url, port)
        report = till.engine(timeout=30.0).sync_once()
        assert report.waiting == 0
        assert_agrees(till, lan)
    finally:
        for process in (first, second):
            if process is not None:
                stop_central(process)


def waiting(till: EnrolledTill) -> int:
    with till.store.read() as session:
        return int(session.execute(text("SELECT count(*) FROM outbox WHERE acked_at IS NULL")).scalar_one())
