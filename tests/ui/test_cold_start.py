"""What the window's start leaves out, so that it opens within its two seconds: checked by what is loaded and
built, never by a stopwatch. The desk's pages are built when first needed; their libraries (NumPy, rapidfuzz,
pyqtgraph, the sync client, the PDF export) and the readers' libraries nobody asked for stay unloaded; the
garbage collector is off while the till starts and back on, with the start's objects set aside, once it is up.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.startup import collector_paused
from app.ui.desk.pages import DESK_PAGES
from app.ui.desk.shell import DeskPanel
from app.ui.launch import ReaderFinder
from app.ui.window import TillWindow
from tests.services.conftest import Till
from tests.ui.conftest import enrol, sign_in

MakeWindow = Callable[..., TillWindow]
ROOT = Path(__file__).resolve().parents[2]

# Loaded only by what the counter never opens: the desk's pages (charts, analytics, fuzzy matching, the sync
# client of the inbox, the privacy export's PDF) and reader drivers that were not asked for.
NOT_AT_START = (
    "numpy",
    "scipy",
    "pyqtgraph",
    "rapidfuzz",
    "httpx",
    "nfc",
    "smartcard",
    "usb1",
    "devices.nfc",
    "devices.pcsc",
    "loyalty.analytics",
    "app.services.reconcile",
    "app.services.duplicates",
    "sync.protocol",
    "app.ui.desk.charts",
    "app.ui.desk.privacy_pdf",
    *(f"app.ui.desk.{name}" for name in ("members", "member360", "member_insight", "dashboard", "cards")),
    *(f"app.ui.desk.{name}" for name in ("duplicates", "audit", "program", "inbox", "privacy", "staff")),
)


def _start(data_dir: Path, *python_options: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("LOYALTY_NO_WINDOW", None)
    argv = [sys.executable, *python_options, "-m", "app", "--data-dir", str(data_dir), "--reader", "sim"]
    program = ROOT / "resources" / "programs" / "default.toml"
    subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "init", "--program", str(program)],
        check=True,
        capture_output=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )
    done = subprocess.run(
        [*argv, "run", "--no-demo", "--exit-when-ready"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "window ready" in done.stdout.splitlines()
    return done


def test_the_window_opens_without_the_desk_and_its_libraries(tmp_path: Path) -> None:
    # -X importtime lists every module the real `python -m app run` imported, up to its exit just after "ready".
    done = _start(tmp_path, "-X", "importtime")
    loaded = set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", done.stderr, flags=re.MULTILINE))
    assert {"app.ui.window", "app.ui.desk.shell", "app.ui.desk.pages", "devices.sim"} <= loaded
    assert sorted(loaded & set(NOT_AT_START)) == []


WATCH_THE_COLLECTOR = """
import atexit, gc, json, runpy, sys
atexit.register(lambda: print(json.dumps({"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()})))
sys.argv = ["app", *sys.argv[1:]]
runpy.run_module("app", run_name="__main__", alter_sys=True)
"""


def test_the_collector_is_off_while_the_till_starts_and_back_once_it_is_up(tmp_path: Path) -> None:
    # Run as `python -m app` runs it (app.__main__ as the program), watched from its exit.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("LOYALTY_NO_WINDOW", None)
    _start(tmp_path)  # the till made and started once
    argv = ["--data-dir", str(tmp_path), "--reader", "sim", "run", "--no-demo", "--exit-when-ready"]
    done = subprocess.run(
        [sys.executable, "-c", WATCH_THE_COLLECTOR, *argv],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["enabled"] is True
    assert seen["frozen"] > 10_000  # the start's objects, set aside when the window was up
    # Any other command has it back before it starts its work.
    other = subprocess.run(
        [sys.executable, "-c", WATCH_THE_COLLECTOR, "--data-dir", str(tmp_path), "status"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )
    assert json.loads(other.stdout.strip().splitlines()[-1])["enabled"] is True, other.stderr


def test_imported_as_a_module_the_start_leaves_the_collector_alone() -> None:
    importlib.import_module("app.__main__")  # as the tests of the command line do

    assert gc.isenabled()
    assert not collector_paused()


def test_a_reader_opens_without_the_other_drivers() -> None:
    code = (
        "import sys; from devices.registry import open_reader; open_reader('sim'); "
        "print(sorted(m for m in ('devices.nfc', 'devices.pcsc', 'nfc', 'smartcard') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"


def test_the_desk_pages_are_built_when_first_needed(
    qtbot: QtBot, make_window: MakeWindow, till: Till
) -> None:
    member = enrol(till, "Phạm Thu Hà", "0903000111")
    window = make_window()
    desk = window.desk
    assert [desk.built_page(page.key) for page in DESK_PAGES] == [None] * len(DESK_PAGES)
    assert [desk.tabs.tabText(i) for i in range(desk.tabs.count())][:3] == ["Members", "Member", "Insight"]
    sign_in(qtbot, window, "9001", "9999")
    qtbot.keyClick(window, Qt.Key.Key_F9)  # the first tab comes into view: only it is built
    members = desk.built_page("members")
    assert members is not None and desk.tabs.currentWidget() is members
    assert [page.key for page in DESK_PAGES if desk.built_page(page.key) is not None] == ["members"]
    desk.open_member(member.id)  # the member view is built to show them
    assert desk.tabs.currentWidget() is window.desk_member
    insight = window.desk_insight  # built after the member was opened: it follows them all the same
    assert insight.member_id == member.id
    assert desk.tabs.indexOf(insight) == 2 and desk.tabs.tabText(2) == "Insight"
    desk.tabs.setCurrentIndex(desk.tabs.indexOf(window.desk_member))
    desk.tabs.setCurrentIndex(6)  # a tab chosen by the manager is built as it comes into view
    assert desk.tabs.currentWidget() is desk.built_page("audit") is window.desk_audit


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_tabs_of_pages_not_built_say_what_the_pages_say(make_window: MakeWindow, language: str) -> None:
    window = make_window(language=language)
    titles = [window.desk.tabs.tabText(i) for i in range(len(DESK_PAGES))]
    pages = [window.desk.page(page.key) for page in DESK_PAGES]  # every page built now
    assert titles == [type(page).title() for page in pages]  # type: ignore[attr-defined]
    assert titles == [window.desk.tabs.tabText(window.desk.tabs.indexOf(page)) for page in pages]


def test_a_page_added_later_twice_or_unknown_is_refused(qtbot: QtBot, till: Till) -> None:
    from app.ui.context import TillContext
    from app.ui.ops import OpRunner

    ops = OpRunner(till.store.path)
    ctx = TillContext(till.svc, ops, till.svc.programs.active(), store_name="s")
    desk = DeskPanel(ctx)
    qtbot.addWidget(desk)
    desk.add_page_later("one", lambda: DeskPanel(ctx), lambda: "One")
    with pytest.raises(ValueError, match="already"):
        desk.add_page_later("one", lambda: DeskPanel(ctx), lambda: "One")
    with pytest.raises(KeyError):
        desk.set_member_view("two")
    ops.shutdown()


def test_the_connected_readers_are_found_off_the_window_thread(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    started: list[tuple[list[str], bool]] = []
    finder = ReaderFinder(
        lambda uris: started.append((uris, threading.current_thread() is threading.main_thread())), window
    )
    finder.find()  # returns at once; the readers start on the window's thread once found
    qtbot.waitUntil(lambda: bool(started), timeout=60_000)
    uris, on_window_thread = started[0]
    assert uris[-1] == "sim" and on_window_thread
