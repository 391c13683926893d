"""Whether the till window can open here. Qt-free, so the command line can ask before importing Qt."""

from __future__ import annotations

import importlib.util
import os
import sys


def why_no_window() -> str | None:
    """None when the window can open; otherwise the reason, in words."""
    if os.environ.get("LOYALTY_NO_WINDOW", "").strip() not in ("", "0"):
        return "LOYALTY_NO_WINDOW is set"
    if importlib.util.find_spec("PySide6") is None:
        return "PySide6 is not installed (run make)"
    # A platform chosen explicitly (offscreen, vnc, eglfs, linuxfb) needs no desktop session.
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    ):
        return "there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    return None
