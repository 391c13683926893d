"""The keyboard-wedge scanner's key filter: scanner bursts become scans on any screen, a person's typing
stays in the field.

A wedge scanner types what it reads, very fast, then Enter. ``devices.wedge.WedgeDecoder`` decides from the
timing; this filter feeds it every key press of the application, holds keys back while a burst might still
be a scan, gives them back to the focused field when it was a person (in order, nothing lost), and hands a
complete scan to the wedge reader, which turns it into an ordinary card event.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from devices.wedge import ENTER, Hold, Release, Scan, WedgeDecoder

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_COMMAND_MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


class WedgeFilter(QObject):
    """Install on the application (``app.installEventFilter``); ``scanned`` carries each complete scan."""

    scanned = Signal(str)

    def __init__(
        self,
        decoder: WedgeDecoder | None = None,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.decoder = decoder or WedgeDecoder()
        self.clock = clock
        self._replaying = False
        self._target: QWidget | None = None
        self._last_at = float("-inf")
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(int(self.decoder.max_gap * 1000) + 5)
        self.timer.timeout.connect(self.flush)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        focus = QApplication.focusWidget()
        if watched is not focus or focus is None:
            return False  # a key press is filtered once, at the widget it is sent to
        if event.modifiers() & _COMMAND_MODIFIERS or event.isAutoRepeat():
            self.flush(force=True)
            return False
        if event.key() in _ENTER_KEYS:
            key = ENTER
        else:
            key = event.text()
            if len(key) != 1 or not key.isprintable():
                self.flush(force=True)
                return False  # Tab, arrows, F-keys, Esc: never part of a scan
        self._target = focus
        self._last_at = self.clock()
        action = self.decoder.feed(key, self._last_at)
        if isinstance(action, Scan):
            self.timer.stop()
            self.scanned.emit(action.text)
            return True
        if isinstance(action, Release):
            self._replay(action.keys)
        if isinstance(action, Release | Hold):
            self.timer.start()  # whatever is still held goes back once the gap shows a person
        return True

    def flush(self, force: bool = False) -> None:
        """Give back held keys once the gap shows a person typing (or at once when ``force``)."""
        now = float("inf") if force else self.clock()
        released = self.decoder.flush(now)
        if released is not None:
            self._replay(released.keys)
        elif not force and now - self._last_at <= self.decoder.max_gap:
            self.timer.start()  # the timer came early: look again

    def _replay(self, keys: str) -> None:
        target = self._target if self._target is not None else QApplication.focusWidget()
        if target is None or not keys:
            return
        self._replaying = True
        try:
            for ch in keys:
                if ch == ENTER:
                    code, text = Qt.Key.Key_Return, "\r"
                else:
                    code, text = _key_code(ch), ch
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(
                        target, QKeyEvent(kind, code, Qt.KeyboardModifier.NoModifier, text)
                    )
        finally:
            self._replaying = False


def _key_code(ch: str) -> Qt.Key:
    upper = ch.upper()
    if len(upper) == 1 and ("0" <= upper <= "9" or "A" <= upper <= "Z" or upper in " .,-+@_/:"):
        return Qt.Key(ord(upper))
    return Qt.Key.Key_unknown
