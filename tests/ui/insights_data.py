"""A till with a year of history for the insight screens: the demo store (members, sales, returns,
redemptions, actions, expiry) seeded once per module through the real use cases, copied for each test."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.demo import seed_demo
from app.services import TillServices, bootstrap_till
from app.store.db import open_store
from app.ui.launch import build_window
from app.ui.window import TillWindow
from tests.services.conftest import FakeClock, Till

DEMO_NOW = datetime(2026, 11, 1, 5, 0, tzinfo=UTC)  # 12:00 in Ho Chi Minh City, a Sunday
DEMO_MEMBERS = 60


def seed_demo_file(folder: Path) -> Path:
    path = folder / "demo.sqlite"
    store = open_store(path)
    bootstrap_till(store, store_id="demo", till_id="t1", store_number=1, till_number=1)
    seed_demo(store, members=DEMO_MEMBERS, now=DEMO_NOW)
    store.close()
    return path


def open_demo_till(source: Path, folder: Path) -> Till:
    """A copy of the seeded store, its clock stopped at DEMO_NOW; the demo's cashier and manager signed in."""
    path = folder / "till.sqlite"
    shutil.copyfile(source, path)
    store = open_store(path)
    clock = FakeClock(DEMO_NOW)
    svc = TillServices.open(store, clock)
    cashier = svc.staff.sign_in("1001", "1111")
    manager = svc.staff.sign_in("9001", "9999")
    return Till(store, svc, clock, cashier, manager, path)


def regular(till: Till) -> str:
    """The member with the most visits (days with a purchase)."""
    days = Counter(who for who, _day in {(who, day) for who, day, _ in till.svc.insights.transactions()})
    return max(days, key=lambda who: (days[who], who))


def shown_window(qtbot: QtBot, till: Till, language: str = "en") -> TillWindow:
    """The real window over another till than the test's own (``make_window`` builds it over ``till``);
    the caller shuts it down."""
    window, display = build_window(till.store, till.svc, language=language, lock_after=600)
    qtbot.addWidget(window)
    qtbot.addWidget(display)
    window.show()
    qtbot.waitExposed(window)
    return window
