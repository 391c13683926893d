"""Esc on a desk page with something open over it (a form, a wait for a card).

The window's Esc shortcut leaves the desk. While a page has a form open, Esc belongs to the page: it closes
the form. Qt asks a focused widget first whether it wants a key that is also a shortcut (a
``ShortcutOverride`` event); the page's event filter says yes, then handles the key press itself.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent


def escape_claimed(event: QEvent, close: Callable[[], None]) -> bool:
    """For an event filter: True when ``event`` was Esc, claimed (before the window's shortcut) or handled by
    calling ``close``."""
    if not isinstance(event, QKeyEvent) or event.key() != Qt.Key.Key_Escape:
        return False
    if event.type() == QEvent.Type.ShortcutOverride:
        event.accept()
        return True
    if event.type() == QEvent.Type.KeyPress:
        close()
        return True
    return False
