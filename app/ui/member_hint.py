"""The cashier's hint: the one next best action for the member at the counter, under their balance.

The hint is asked for when the member is shown, on the op runner's worker, and only after the member and the
sale are already on screen: the member's display never waits for it, and an answer about a member the
cashier has since left is dropped. Which hints a member may get (personalised ones only with their consent)
is the service's decision; this card shows the first it returns.

"Done" (the cashier acted on it) and "Dismiss" record what happened through ``InsightsService.record_hint``:
once per hint shown — the buttons are disabled at the first press, so a double click records once — and a
kind already answered during this visit is not offered again when a sale refreshes the member.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.context import TillContext
from app.ui.insight_text import hint_text

if TYPE_CHECKING:
    from loyalty.analytics.hints import Hint

log = logging.getLogger(__name__)


class HintCard(QFrame):
    recorded = Signal(str, bool)  # hint kind, used: after the record is written
    shown_hint = Signal(object)  # the hint now shown, or None: after each answer from the worker

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.ctx = ctx
        self.member_id: str | None = None
        self.hint: Hint | None = None
        self.answered = False  # the newest question has its answer (the hint, or none)
        self._asked = 0
        self._answered_kinds: set[str] = set()  # kinds recorded during this visit
        self._recording = False
        self.caption = QLabel()
        self.caption.setObjectName("hint")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setObjectName("earns")
        self.done_button = QPushButton()
        self.dismiss_button = QPushButton()
        self.dismiss_button.setProperty("secondary", True)
        for button in (self.done_button, self.dismiss_button):
            button.setAutoDefault(True)
        self.done_button.clicked.connect(lambda _checked: self.record(used=True))
        self.dismiss_button.clicked.connect(lambda _checked: self.record(used=False))
        buttons = QHBoxLayout()
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.setVisible(False)
        self.retranslate()

    # -- asking --------------------------------------------------------------------------------------
    def show_for(self, member_id: str, *, new_visit: bool) -> None:
        """Ask for the member's best hint. ``new_visit``: the member was just identified (a tap, a search),
        not refreshed after a sale; what was answered for the previous visit no longer counts."""
        if new_visit or member_id != self.member_id:
            self._answered_kinds = set()
            self._clear()
        self.member_id = member_id
        self._asked += 1
        self.answered = False
        number = self._asked
        # After the window has queued its own work for this member (the sale's quote): the hint is advice and
        # must not hold up what the cashier is doing.
        QTimer.singleShot(0, self, lambda: self._ask(number, member_id))

    def _ask(self, number: int, member_id: str) -> None:
        if number != self._asked:
            return
        svc = self.ctx.svc
        self.ctx.ops.advise(
            lambda: svc.counter_hints.hints(member_id),
            lambda ranked: self._answer(number, ranked),
            lambda text, _exc: self._failed(number, text),
        )

    def _answer(self, number: int, ranked: tuple[Hint, ...]) -> None:
        if number != self._asked:
            return  # the cashier has moved on to another member (or the member changed again)
        fresh = [h for h in ranked if h.kind.value not in self._answered_kinds]
        self.answered = True
        if self._recording:
            return  # the hint shown is being recorded: its answer decides what comes next
        self.hint = fresh[0] if fresh else None
        self._render()
        self.shown_hint.emit(self.hint)

    def _failed(self, number: int, text: str) -> None:
        # Advice that could not be computed is simply not shown: the cashier's work goes on.
        log.warning("the hint could not be computed: %s", text)
        if number == self._asked:
            self.answered = True
            self._clear()
            self.shown_hint.emit(None)

    def _clear(self) -> None:
        self.hint = None
        self._recording = False
        self.setVisible(False)

    # -- answering -----------------------------------------------------------------------------------
    def record(self, *, used: bool) -> None:
        """Record that the cashier used (Done) or dismissed the hint shown; once per hint shown."""
        hint, member_id, actor = self.hint, self.member_id, self.ctx.actor
        if hint is None or member_id is None or actor is None or self._recording:
            return
        self._recording = True
        self._set_buttons(False)
        kind = hint.kind.value
        svc = self.ctx.svc
        self.ctx.ops.change(
            lambda: svc.counter_hints.record_hint(actor, member_id, kind, used),
            lambda _none: self._recorded(member_id, kind, used),
            lambda text, _exc: self._not_recorded(member_id, text),
        )

    def _recorded(self, member_id: str, kind: str, used: bool) -> None:
        if member_id == self.member_id:
            self._answered_kinds.add(kind)
            self._clear()
        self.recorded.emit(kind, used)

    def _not_recorded(self, member_id: str, text: str) -> None:
        if member_id != self.member_id:
            return
        self._recording = False
        self._set_buttons(True)
        self.caption.setText(text)  # the sentence says why; the buttons are there to try again

    def _set_buttons(self, enabled: bool) -> None:
        self.done_button.setEnabled(enabled)
        self.dismiss_button.setEnabled(enabled)

    # -- drawing -------------------------------------------------------------------------------------
    def _render(self) -> None:
        hint = self.hint
        self.setVisible(hint is not None)
        self.caption.setText(self.tr("Hint for this customer"))
        self._set_buttons(hint is not None and not self._recording)
        if hint is not None:
            self.text.setText(hint_text(hint, self.ctx.currency))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Hint for this customer"))
        self.done_button.setText(self.tr("Done"))
        self.done_button.setAccessibleName(self.tr("Hint done: record that it was used"))
        self.dismiss_button.setText(self.tr("Dismiss"))
        self.dismiss_button.setAccessibleName(self.tr("Dismiss the hint"))
        self.caption.setText(self.tr("Hint for this customer"))
        if self.hint is not None:
            self.text.setText(hint_text(self.hint, self.ctx.currency))
