"""Open the till window over an open store: the window's own composition (op runner, language, theme,
readers, customer display). ``app.__main__`` calls ``run_window`` for ``python -m app [run]``."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from app.receipts.setup import ReceiptSetup
from app.services import TillServices
from app.services.sync_settings import is_demo_store
from app.startup import collector_back
from app.store.db import Store
from app.ui.context import TillContext
from app.ui.customer import CustomerDisplay, CustomerModel, place
from app.ui.demo import DEMO_STORE_ID, DemoTapButton
from app.ui.i18n import VIETNAMESE, Language
from app.ui.ops import OpRunner, install_excepthook
from app.ui.readers import ReaderHub
from app.ui.status import attach_sync
from app.ui.theme import apply_theme
from app.ui.wedge import WedgeFilter
from app.ui.window import DEFAULT_LOCK_AFTER, TillWindow
from devices.base import ReaderConfig
from devices.registry import discover
from devices.sim import SimReader
from devices.wedge import WedgeReader

if TYPE_CHECKING:
    from sync.engine import SyncEngine

log = logging.getLogger(__name__)


def default_readers() -> list[str]:
    """Every real reader connected now, plus the simulated one."""
    return [*discover(), "sim"]


def lock_after_seconds() -> float:
    """Idle time before the till locks itself: ``LOYALTY_LOCK_AFTER`` seconds, default two minutes."""
    raw = os.environ.get("LOYALTY_LOCK_AFTER", "").strip()
    try:
        value = float(raw) if raw else DEFAULT_LOCK_AFTER
    except ValueError:
        log.warning("LOYALTY_LOCK_AFTER=%r is not a number of seconds: using %s", raw, DEFAULT_LOCK_AFTER)
        return DEFAULT_LOCK_AFTER
    return value if value > 0 else DEFAULT_LOCK_AFTER


class ReaderFinder(QObject):
    """Finds the connected readers on a thread of its own, then starts them on the window's thread: finding
    them loads every driver and asks pcscd and the USB bus, which takes a while (or hangs, with a stuck
    daemon), and the window is drawn meanwhile."""

    found = Signal(list)

    def __init__(self, start: Callable[[list[str]], None], parent: QObject) -> None:
        super().__init__(parent)
        self._start = start
        self.found.connect(self._found)  # queued: emitted on the finder's thread, received on the window's

    def find(self) -> None:
        threading.Thread(target=self._find, name="reader discovery", daemon=True).start()

    def _find(self) -> None:
        try:
            uris = default_readers()
        except Exception:  # a driver's library failing in a new way: the simulated reader still serves
            log.exception("the connected readers could not be listed")
            uris = ["sim"]
        try:
            self.found.emit(uris)
        except RuntimeError:  # the window was closed meanwhile
            log.info("readers found after the window closed: %s", uris)

    def _found(self, uris: list[str]) -> None:
        self._start(uris)


def build_window(
    store: Store,
    svc: TillServices,
    *,
    language: str = VIETNAMESE,
    lock_after: float = DEFAULT_LOCK_AFTER,
) -> tuple[TillWindow, CustomerDisplay]:
    """The window and the customer display, wired, not shown; readers not started."""
    app = QApplication.instance()
    assert isinstance(app, QApplication), "create the QApplication first"
    lang = Language()
    lang.set(language)
    program = svc.programs.active()
    ops = OpRunner(store.path)
    ctx = TillContext(svc, ops, program, store_name=program.name)
    customer = CustomerModel(program.name, program.currency)
    hub = ReaderHub(ReaderConfig(uid_key=svc.core.uid_key))
    window = TillWindow(ctx, lang, customer, hub, lock_after=lock_after)
    for part in (lang, ops, customer, hub):
        part.setParent(window)  # they live and die with the window
    app.installEventFilter(window.idle)
    display = CustomerDisplay(customer)
    # The style sheet last: Qt styles each widget once, instead of again every time a finished part is put
    # into its parent (a quarter of the window's construction; the pixels are the same).
    apply_theme(app)
    return window, display


def attach_wedge(window: TillWindow) -> WedgeFilter | None:
    """When a keyboard-wedge scanner is among the readers, feed it the application's key presses."""
    hub = window.readers
    reader = hub.reader("wedge") if hub is not None else None
    if not isinstance(reader, WedgeReader):
        return None
    app = QApplication.instance()
    assert app is not None
    wedge = WedgeFilter(parent=window)
    wedge.scanned.connect(reader.push_scan)
    app.installEventFilter(wedge)
    window.wedge_filter = wedge
    return wedge


def attach_demo_tap(window: TillWindow) -> DemoTapButton | None:
    """On the demo store with the simulated reader running: the button that taps demo cards."""
    hub = window.readers
    reader = hub.reader("sim") if hub is not None else None
    if not isinstance(reader, SimReader):
        return None
    button = DemoTapButton(window.ctx, reader)
    window.add_to_top_bar(button)
    return button


def run_window(
    store: Store,
    svc: TillServices,
    *,
    reader_uris: Sequence[str] | None = None,
    exit_when_ready: bool = False,
    receipts: ReceiptSetup | None = None,
) -> int:
    """Show the till until it is closed; returns the exit status. With ``exit_when_ready`` the window
    closes as soon as the event loop runs with it shown (it could take a sign-in): the cold-start mark."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Loyalty Till")
    svc.separate_models = True  # the cashier's hints are scored beside the till, not in it
    window, display = build_window(store, svc, lock_after=lock_after_seconds())
    window.ask_before_closing = True
    if receipts is not None:
        window.receipts.configure(receipts)  # the printer and the address on the receipts
    previous = install_excepthook(lambda text: window.show_message(text, "error"), store.path)
    # Ctrl+C in the terminal that started the till closes it cleanly (the shutdown backup still runs).
    # Python handles signals only when it runs, so a timer lets it look now and then.
    previous_sigint = signal.signal(signal.SIGINT, lambda *_: app.quit())
    wake = QTimer(window)
    wake.timeout.connect(lambda: None)
    wake.start(250)
    hub = window.readers
    assert hub is not None
    sync: SyncEngine | None = None
    try:
        window.show()
        place(display)
        if not exit_when_ready:
            # The day's insight models are fitted in their own process while the first cashier signs in:
            # the first hint then has its segment and prediction.
            QTimer.singleShot(
                2000,
                lambda: window.ctx.ops.advise(
                    svc.counter_hints.warm_up,
                    None,
                    lambda text, _exc: log.warning("the insight models could not be prepared: %s", text),
                ),
            )
        demo = svc.core.till.store_id == DEMO_STORE_ID or is_demo_store(store)

        def start_readers(uris: list[str]) -> None:
            problems = hub.start(uris)
            attach_wedge(window)
            if demo:
                attach_demo_tap(window)
            if problems:
                window.signin.show_message("; ".join(problems))

        if reader_uris:
            start_readers(list(reader_uris))
        else:
            ReaderFinder(start_readers, window).find()  # the window is drawn meanwhile
        sync = attach_sync(window.status_bar, store)  # an enrolled till syncs while it serves
        if sync is not None:
            window.ctx.ops.changed.connect(lambda _change: sync.poke())
        # Once the window is drawn (the first queued call after show()), the collector comes back on.
        QTimer.singleShot(0, collector_back)
        if exit_when_ready:
            QTimer.singleShot(0, lambda: _ready_and_exit(app))
        status = app.exec()
    finally:
        if sync is not None:
            sync.stop()
        window.status_bar.shutdown()
        window.shutdown()
        display.close()
        svc.close()
        sys.excepthook = previous
        signal.signal(signal.SIGINT, previous_sigint if previous_sigint is not None else signal.SIG_DFL)
    return int(status)


def _ready_and_exit(app: QApplication) -> None:
    # Painted and idle: the first queued call after show() runs once the window has been laid out and drawn.
    print("window ready", flush=True)
    app.exit(0)
