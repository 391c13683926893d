"""The till window of an enrolled till syncs while it serves: the engine started beside it, its state in the
status bar, a sale sent at once."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.demo import PROGRAM_FILE
from app.paths import database_path
from app.services import SYSTEM, TillServices, bootstrap_till
from app.store.db import open_store
from app.ui.launch import build_window
from app.ui.status import attach_sync
from loyalty.money import Money
from loyalty.quote import Basket

from .conftest import MakeTill

TIMEOUT = 20_000


def test_the_status_bar_follows_the_engine(qtbot: QtBot, make_till: MakeTill) -> None:
    till = make_till()
    lan = till.svc.members.enroll(till.cashier, "Nguyễn Thị Lan", phone="0901234567").member
    window, display = build_window(till.store, till.svc, language="en")
    qtbot.addWidget(window)
    qtbot.addWidget(display)
    bar = window.status_bar
    engine = attach_sync(bar, till.store)
    assert engine is not None
    try:
        qtbot.waitUntil(lambda: bar.sync.text().startswith("Online, synced"), timeout=TIMEOUT)
        assert till.central_member(lan.member_number).entry_count == 1

        # A sale made at the counter: the window pokes the engine, which sends it at once.
        window.ctx.ops.changed.connect(lambda _change: engine.poke())
        window.ctx.ops.change(
            lambda: till.svc.points.award(till.cashier, lan.id, Basket.of_total(Money(200_000)), "HD-9")
        )
        qtbot.waitUntil(lambda: till.central_member(lan.member_number).entry_count == 2, timeout=TIMEOUT)
        qtbot.waitUntil(lambda: bar.sync.text().startswith("Online, synced"), timeout=TIMEOUT)
        assert till.central_member(lan.member_number).balance == till.balance(lan.id)
        engine.stop()
        qtbot.waitUntil(lambda: bar.sync.text() == "Sync stopped", timeout=TIMEOUT)
    finally:
        engine.stop()
        bar.shutdown()
        window.shutdown()


def test_a_till_that_is_not_enrolled_shows_sync_off(qtbot: QtBot, tmp_path: Path) -> None:
    store = open_store(database_path(tmp_path))
    try:
        bootstrap_till(store, store_id="s1", till_id="t1", store_number=1, till_number=1)
        svc = TillServices.open(store)
        svc.programs.install_file(SYSTEM, PROGRAM_FILE)
        window, display = build_window(store, svc, language="en")
        qtbot.addWidget(window)
        qtbot.addWidget(display)
        assert attach_sync(window.status_bar, store) is None
        assert window.status_bar.sync.text() == "Sync off (not enrolled)"
        window.shutdown()
    finally:
        store.close()
