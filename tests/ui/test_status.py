"""The window's status bar: readers lost and back, the sync state in Vietnamese and English (sent from
another thread, as the engine does), who is signed in."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from app.ui.window import TillWindow
from sync.state import Phase, SyncState, SyncStatus

from .conftest import sign_in

TIMEOUT = 10_000


def test_a_reader_unplugged_and_back_shows(qtbot: QtBot, make_window: Callable[..., TillWindow]) -> None:
    window = make_window()
    bar = window.status_bar
    hub = window.readers
    assert hub is not None
    assert bar.readers.text() == "No card reader"

    hub.start(["sim"])
    qtbot.waitUntil(lambda: bar.readers.text() == "Simulated reader: ready", timeout=TIMEOUT)
    hub.stop()  # the reader goes away
    qtbot.waitUntil(lambda: bar.readers.text() == "Simulated reader: lost", timeout=TIMEOUT)
    assert bar.readers.property("tone") == "error"
    hub.start(["sim"])  # and comes back
    qtbot.waitUntil(lambda: bar.readers.text() == "Simulated reader: ready", timeout=TIMEOUT)
    assert bar.readers.property("tone") == "ok"


def from_engine_thread(status: SyncStatus, **changes: object) -> None:
    """Change the state on a thread of its own, as the sync engine does."""
    thread = threading.Thread(target=lambda: status.update(**changes))
    thread.start()
    thread.join(10)


SYNCED = datetime(2026, 3, 2, 7, 5, tzinfo=UTC)
HOUR = SYNCED.astimezone().strftime("%H:%M")
STATES: list[tuple[dict[str, object], str, str]] = [
    ({"phase": Phase.OFFLINE, "waiting": 3}, "Offline, 3 waiting", "Ngoại tuyến, 3 đang chờ"),
    (
        {"phase": Phase.ONLINE, "waiting": 0, "last_success": SYNCED},
        f"Online, synced {HOUR}",
        f"Trực tuyến, đã đồng bộ lúc {HOUR}",
    ),
    ({"phase": Phase.ONLINE, "waiting": 2}, "Online, 2 waiting", "Trực tuyến, 2 đang chờ"),
    ({"phase": Phase.SYNCING, "pulled": 400, "pull_total": 1000}, "Syncing 40%", "Đang đồng bộ 40%"),
    ({"phase": Phase.SYNCING, "pulled": 0, "pull_total": None}, "Syncing…", "Đang đồng bộ…"),
    (
        {"phase": Phase.REFUSED, "reason": "this till has been revoked"},
        "Refused: this till has been revoked",
        "Bị từ chối: this till has been revoked",
    ),
]


def test_sync_states_in_english_and_vietnamese(qtbot: QtBot, make_window: Callable[..., TillWindow]) -> None:
    window = make_window()
    bar = window.status_bar
    assert bar.sync.text() == "Sync off (not enrolled)"
    status = SyncStatus(SyncState(phase=Phase.STARTING))
    bar.watch_sync(status)
    assert bar.sync.text() == "Connecting to the central service…"

    for changes, english, vietnamese in STATES:
        from_engine_thread(status, **changes)
        qtbot.waitUntil(lambda text=english: bar.sync.text() == text, timeout=TIMEOUT)
        window.language.set("vi")
        qtbot.waitUntil(lambda text=vietnamese: bar.sync.text() == text, timeout=TIMEOUT)
        window.language.set("en")
        qtbot.waitUntil(lambda text=english: bar.sync.text() == text, timeout=TIMEOUT)
    assert bar.sync.property("tone") == "error"  # refused, the last state shown
    assert bar.sync.accessibleName() == "Sync with the central service"


def test_the_signed_in_staff_shows(qtbot: QtBot, make_window: Callable[..., TillWindow]) -> None:
    window = make_window()
    bar = window.status_bar
    assert bar.staff.text() == "Nobody signed in"
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: bar.staff.text() == "Signed in: Mai", timeout=TIMEOUT)
    window.language.set("vi")
    qtbot.waitUntil(lambda: bar.staff.text() == "Đăng nhập: Mai", timeout=TIMEOUT)
    window.sign_out()
    qtbot.waitUntil(lambda: bar.staff.text() == "Chưa có ai đăng nhập", timeout=TIMEOUT)
