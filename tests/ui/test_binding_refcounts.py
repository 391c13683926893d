"""The Qt binding must not leak or over-release Python's singletons.

PySide6 6.12.0 on Python 3.11 released one reference to None on every call of a method that returns nothing
(``setText``, ``repaint``, ``processEvents``, …): None's count fell by one per call until the interpreter
aborted with "deallocating None", a few thousand clicks into a shift. pyproject.toml keeps that release out;
this test fails for any binding that brings the bug back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

CALLS = 2000


def _count() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


def test_void_methods_keep_none_true_and_false_alive(qtbot: QtBot) -> None:
    label = QLabel("0")
    qtbot.addWidget(label)
    label.show()
    before = _count()
    for i in range(CALLS):
        label.setText(str(i))
        label.setVisible(True)
        label.setEnabled(i % 2 == 0)
        label.repaint()
        label.isVisible()
        QCoreApplication.processEvents()
    after = _count()
    # Other threads and the collector move these counts by a few; a binding bug moves them by thousands.
    assert all(abs(a - b) < CALLS // 4 for a, b in zip(after, before, strict=True)), (before, after)
