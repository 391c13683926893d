"""GUI tests: real widgets on Qt's offscreen platform, a real SQLite till, the real reader registry."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.views import MemberView
from app.ui.i18n import TRANSLATIONS_DIR
from app.ui.launch import build_window
from app.ui.window import TillWindow
from tests.services.conftest import Till, make_till


def _build_translations() -> None:
    """Compile the .ts catalogues when the .qm are missing or older (``make`` does this on install)."""
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    for ts in TRANSLATIONS_DIR.glob("*.ts"):
        qm = ts.with_suffix(".qm")
        if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
            subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(qm)], check=True)


_build_translations()


@pytest.fixture
def till(tmp_path: Path) -> Iterator[Till]:
    t = make_till(tmp_path)
    yield t
    t.store.close()


def enrol(till: Till, name: str, phone: str) -> MemberView:
    return till.svc.members.enroll(till.cashier, name, phone=phone).member


@pytest.fixture
def make_window(qtbot: QtBot, till: Till) -> Iterator[Callable[..., TillWindow]]:
    """Build the real window over the test till (English unless asked), shown and active."""
    built: list[TillWindow] = []

    def make(language: str = "en", lock_after: float = 600.0) -> TillWindow:
        window, display = build_window(till.store, till.svc, language=language, lock_after=lock_after)
        qtbot.addWidget(window)
        qtbot.addWidget(display)
        window.show()
        window.activateWindow()
        qtbot.waitExposed(window)
        built.append(window)
        return window

    yield make
    for window in built:
        window.shutdown()


def sign_in(qtbot: QtBot, window: TillWindow, code: str = "1001", pin: str = "1111") -> None:
    window.signin.code.clear()
    window.signin.pin.clear()
    qtbot.keyClicks(window.signin.code, code)
    qtbot.keyClicks(window.signin.pin, pin)
    qtbot.keyClick(window.signin.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.ctx.actor is not None)
