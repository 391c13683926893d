"""The op runner: service calls off the UI thread, results and failures back on it."""

from __future__ import annotations

import logging
import sqlite3
import sys
import threading

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from app.services.views import Change
from app.ui.ops import OpRunner, install_excepthook
from loyalty.errors import AuthenticationFailed
from loyalty.money import Money
from loyalty.quote import Basket
from tests.services.conftest import Till
from tests.ui.conftest import enrol


def test_results_and_change_records_arrive_on_the_ui_thread(qtbot: QtBot, till: Till) -> None:
    member = enrol(till, "Nguyễn Văn An", "0901234567")
    runner = OpRunner(till.path)
    seen: list[tuple[str, object, bool]] = []
    runner.changed.connect(lambda c: seen.append(("changed", c, _on_main())))

    def award() -> Change:
        assert not _on_main()  # the service call itself runs on the worker
        return till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(250_000)), "R1")

    runner.change(award, lambda c: seen.append(("success", c, _on_main())))
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert [s[0] for s in seen] == ["success", "changed"]
    assert all(on_main for _, _, on_main in seen)
    record = seen[1][1]
    assert isinstance(record, Change) and record.member.balance == 50 + 25
    runner.shutdown()


def test_a_refusal_is_its_sentence_and_anything_else_is_logged(
    qtbot: QtBot, till: Till, caplog: pytest.LogCaptureFixture
) -> None:
    runner = OpRunner(till.path)
    failures: list[str] = []
    runner.failed.connect(failures.append)
    runner.query(lambda: till.svc.staff.sign_in("1001", "0000"))
    qtbot.waitUntil(lambda: len(failures) == 1)
    assert failures == ["Wrong staff code or PIN."]

    def broken() -> None:
        raise ZeroDivisionError("boom")

    got: list[tuple[str, BaseException]] = []
    with caplog.at_level(logging.ERROR):
        runner.query(broken, on_failure=lambda text, exc: got.append((text, exc)))
        qtbot.waitUntil(lambda: len(got) == 1)
    text, exc = got[0]
    assert isinstance(exc, ZeroDivisionError)
    assert "ZeroDivisionError" in text and "log" in text
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)
    runner.shutdown()


def test_a_locked_database_does_not_freeze_the_window(qtbot: QtBot, till: Till) -> None:
    member = enrol(till, "Trần Thị Bình", "0907654321")
    # Another program holds the write lock: the award waits for it on the worker.
    other = sqlite3.connect(till.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    runner = OpRunner(till.path)
    done: list[Change] = []
    runner.change(
        lambda: till.svc.points.award(till.cashier, member.id, Basket.of_total(Money(100_000)), "LOCK-1"),
        done.append,
    )
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(0)
    # The event loop keeps turning while the op is stuck behind the lock.
    qtbot.waitUntil(lambda: len(ticks) >= 5)
    assert runner.pending == 1 and not done
    other.execute("ROLLBACK")
    other.close()
    qtbot.waitUntil(lambda: len(done) == 1, timeout=10_000)
    timer.stop()
    assert done[0].member.balance == 50 + 10
    runner.shutdown()


def test_busy_signal_brackets_the_work(qtbot: QtBot, till: Till) -> None:
    runner = OpRunner(till.path)
    states: list[bool] = []
    runner.busy.connect(states.append)
    gate = threading.Event()
    results: list[int] = []
    runner.query(lambda: gate.wait(10) and 1, results.append)
    runner.query(lambda: 2, results.append)
    assert states == [True]
    gate.set()
    qtbot.waitUntil(lambda: len(results) == 2)
    assert results == [1, 2]  # one worker: in the order they were asked
    assert states == [True, False]
    runner.shutdown()
    runner.query(lambda: 3, results.append)  # a late timer after closing: dropped, not an error
    assert runner.pending == 0 and results == [1, 2]


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_logged_and_shown(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    shown: list[str] = []
    previous = install_excepthook(shown.append)
    try:

        def slot() -> None:
            raise AuthenticationFailed()

        def bad_slot() -> None:
            raise KeyError("missing")

        with caplog.at_level(logging.ERROR):
            QTimer.singleShot(0, slot)
            QTimer.singleShot(0, bad_slot)
            qtbot.waitUntil(lambda: len(shown) == 2)
    finally:
        sys.excepthook = previous
    assert shown[0] == "Wrong staff code or PIN."
    assert "KeyError" in shown[1]
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)


def _on_main() -> bool:
    return threading.current_thread() is threading.main_thread()
