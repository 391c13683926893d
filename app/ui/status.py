"""The till window's status bar: each card reader's state, the sync state, who is signed in.

- **Readers**: the reader hub's events (reader added, reader lost) arrive as Qt signals on the UI thread; each
  reader shows as ready or lost, so a reader unplugged and plugged back shows within the reader's own
  reconnect time.
- **Sync**: the sync engine publishes its state through ``sync.state.SyncStatus`` from the engine's thread.
  ``SyncBridge`` re-emits each new state as a Qt signal through a queued connection, so the bar draws it on
  the UI thread: "Offline, 3 waiting", "Online, synced 14:05", "Syncing 40%", "Refused: <reason>".
- **Staff**: the signed-in member of staff (read from the window's context, which changes on sign-in, lock
  and sign-out; a light timer looks now and then, so the bar needs no hook in each of those).

``attach_sync`` starts the engine of an enrolled till and wires it to the bar; the window's composition
(``app.ui.launch``) calls it and stops the engine when the window closes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from app.services.sync_settings import is_enrolled
from app.store.db import Store
from app.ui.context import TillContext
from app.ui.theme import set_property
from devices.events import ReaderAdded, ReaderEvent, ReaderLost
from sync.state import Phase, SyncState, SyncStatus

if TYPE_CHECKING:
    from sync.engine import SyncEngine

log = logging.getLogger(__name__)

STAFF_POLL_MS = 500


class SyncBridge(QObject):
    """The engine's state changes, from the engine's thread, as a Qt signal delivered on this object's thread."""

    changed = Signal(object)  # a SyncState, on this object's thread
    _forward = Signal(object)  # emitted on the engine's thread

    def __init__(self, status: SyncStatus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.status = status
        # Queued whatever thread emits: the slot always runs in this object's (the UI's) event loop.
        self._forward.connect(self.changed.emit, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] | None = status.subscribe(self._forward.emit)

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None


class TillStatusBar(QStatusBar):
    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setSizeGripEnabled(False)
        self.readers = QLabel()
        self.sync = QLabel()
        self.staff = QLabel()
        for label in (self.readers, self.sync, self.staff):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.addWidget(self.readers, 1)
        self.addWidget(self.sync, 1)
        self.addPermanentWidget(self.staff)
        self._readers: dict[str, tuple[str, bool]] = {}  # uri -> (name, attached)
        self._sync: SyncState | None = None
        self._bridge: SyncBridge | None = None
        self._shown_actor: object = object()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._refresh_staff)
        self._timer.start(STAFF_POLL_MS)
        self.retranslate()

    # -- inputs ----------------------------------------------------------------------------------------------
    def on_reader_event(self, event: ReaderEvent) -> None:
        if isinstance(event, ReaderAdded):
            self._readers[event.reader] = (event.name, True)
        elif isinstance(event, ReaderLost):
            name = self._readers.get(event.reader, (event.name, False))[0]
            self._readers[event.reader] = (event.name or name, False)
        else:
            return
        self._show_readers()

    def watch_sync(self, status: SyncStatus) -> SyncBridge:
        """Show this engine's state from now on."""
        if self._bridge is not None:
            self._bridge.close()
        self._bridge = SyncBridge(status, self)
        self._bridge.changed.connect(self.show_sync)
        self.show_sync(status.get())
        return self._bridge

    def show_sync(self, state: SyncState) -> None:
        self._sync = state
        self._show_sync()

    def shutdown(self) -> None:
        self._timer.stop()
        if self._bridge is not None:
            self._bridge.close()

    # -- drawing ---------------------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.readers.setAccessibleName(self.tr("Card readers"))
        self.sync.setAccessibleName(self.tr("Sync with the central service"))
        self.staff.setAccessibleName(self.tr("Signed-in staff"))
        self._show_readers()
        self._show_sync()
        self._shown_actor = object()
        self._refresh_staff()

    def _show_readers(self) -> None:
        if not self._readers:
            self.readers.setText(self.tr("No card reader"))
            set_property(self.readers, "tone", "error")
            return
        parts = []
        for name, attached in self._readers.values():
            if attached:
                parts.append(self.tr("{reader}: ready").format(reader=name))
            else:
                parts.append(self.tr("{reader}: lost").format(reader=name))
        self.readers.setText(" · ".join(parts))
        all_ready = all(attached for _name, attached in self._readers.values())
        set_property(self.readers, "tone", "ok" if all_ready else "error")

    def sync_text(self, state: SyncState | None) -> str:
        """The sync state in the window's language."""
        if state is None or state.phase is Phase.NOT_ENROLLED:
            return self.tr("Sync off (not enrolled)")
        if state.phase is Phase.STOPPED:
            return self.tr("Sync stopped")
        if state.phase is Phase.SYNCING:
            progress = state.progress
            if progress is not None:
                return self.tr("Syncing {percent}%").format(percent=int(progress * 100))
            return self.tr("Syncing…")
        if state.phase is Phase.OFFLINE:
            return self.tr("Offline, {count} waiting").format(count=state.waiting)
        if state.phase is Phase.REFUSED:
            return self.tr("Refused: {reason}").format(reason=state.reason or "")
        if state.phase is Phase.ONLINE and state.pull_stopped:
            # Sales still go up; what comes down waits behind a change this version cannot take in.
            return self.tr("Online, update needed to receive changes")
        if state.phase is Phase.ONLINE and state.waiting == 0 and state.last_success is not None:
            return self.tr("Online, synced {time}").format(time=_clock(state.last_success))
        if state.phase is Phase.ONLINE:
            return self.tr("Online, {count} waiting").format(count=state.waiting)
        return self.tr("Connecting to the central service…")

    def _show_sync(self) -> None:
        state = self._sync
        self.sync.setText(self.sync_text(state))
        stopped = None if state is None else state.pull_stopped
        bad = stopped is not None or (state is not None and state.phase in (Phase.OFFLINE, Phase.REFUSED))
        set_property(self.sync, "tone", "error" if bad else "ok")
        self.sync.setToolTip(stopped or "")  # the engine's sentence: which kind of change, from which number

    def _refresh_staff(self) -> None:
        actor = self.ctx.actor
        if actor is self._shown_actor:
            return
        self._shown_actor = actor
        if actor is None:
            self.staff.setText(self.tr("Nobody signed in"))
        else:
            self.staff.setText(self.tr("Signed in: {name}").format(name=actor.name))


def _clock(moment: datetime) -> str:
    """HH:MM in the till's own time zone."""
    return moment.astimezone().strftime("%H:%M")


def attach_sync(bar: TillStatusBar, store: Store) -> SyncEngine | None:
    """Start the sync engine of an enrolled till and show its state in ``bar``; None when not enrolled (the
    bar says sync is off)."""
    if not is_enrolled(store):
        bar.show_sync(SyncState(phase=Phase.NOT_ENROLLED))
        return None
    from app.services.syncing import till_engine  # the HTTP client, loaded only for an enrolled till

    engine = till_engine(store, status=SyncStatus())
    bar.watch_sync(engine.status)
    engine.start()
    log.info("sync engine started")
    return engine
