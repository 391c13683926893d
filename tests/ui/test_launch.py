"""Opening the window from the command line: when it can open, and the real composition running."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.ui.display import why_no_window
from app.ui.launch import default_readers, lock_after_seconds


def test_no_window_without_a_display_or_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("LOYALTY_NO_WINDOW", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    assert "no display" in (why_no_window() or "")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # a platform chosen explicitly needs no desktop
    assert why_no_window() is None
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.setenv("DISPLAY", ":0")
    assert why_no_window() is None
    monkeypatch.setenv("LOYALTY_NO_WINDOW", "1")
    assert "LOYALTY_NO_WINDOW" in (why_no_window() or "")


def test_lock_after_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOYALTY_LOCK_AFTER", "30")
    assert lock_after_seconds() == 30
    monkeypatch.setenv("LOYALTY_LOCK_AFTER", "soon")
    assert lock_after_seconds() == 120
    monkeypatch.delenv("LOYALTY_LOCK_AFTER")
    assert lock_after_seconds() == 120


def test_default_readers_include_the_simulated_one() -> None:
    assert default_readers()[-1] == "sim"


RUN_WINDOW = """
import json, sys, tempfile
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from app.ui.customer import CustomerDisplay
from app.ui.launch import run_window
from app.ui.window import TillWindow
from tests.services.conftest import make_till

app = QApplication(sys.argv[:1])
till = make_till(Path(tempfile.mkdtemp()))
hook = sys.excepthook
seen = {}

def look_then_quit():
    windows = QApplication.topLevelWidgets()
    window = next(w for w in windows if isinstance(w, TillWindow) and w.isVisible())
    seen["signin"] = window.pages.currentWidget() is window.signin
    seen["display"] = any(isinstance(w, CustomerDisplay) and w.isVisible() for w in windows)
    seen["hook"] = sys.excepthook is not hook
    seen["readers"] = [r.uri for r in window.readers.readers]
    for widget in windows:
        widget.close()
    QApplication.quit()

QTimer.singleShot(0, look_then_quit)
seen["status"] = run_window(till.store, till.svc, reader_uris=["sim"])
seen["hook_back"] = sys.excepthook is hook
print(json.dumps(seen))
"""


def test_run_window_opens_the_till_and_its_customer_display() -> None:
    # In a process of its own: run_window runs the application's event loop to its end.
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", RUN_WINDOW],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "signin": True,
        "display": True,
        "hook": True,
        "readers": ["sim"],
        "status": 0,
        "hook_back": True,
    }


def test_run_exit_when_ready_opens_the_window_and_closes_without_a_backup(tmp_path: Path) -> None:
    """The cold-start mark of the benchmark: a real `python -m app run`, offscreen, window up, then closed."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("LOYALTY_NO_WINDOW", None)
    argv = [sys.executable, "-m", "app", "--data-dir", str(tmp_path), "--reader", "sim"]
    program = Path(__file__).resolve().parents[2] / "resources" / "programs" / "default.toml"
    subprocess.run(
        [*argv, "init", "--program", str(program)], check=True, capture_output=True, env=env, timeout=120
    )
    done = subprocess.run(
        [*argv, "run", "--no-demo", "--exit-when-ready"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "window ready" in done.stdout.splitlines()
    assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())
