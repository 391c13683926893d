"""The actions screen (F7, with a member shown): the program's non-purchase actions (recycling drop-off,
review, survey, ...), one key each, with their points, their cap and what is left of it this period.

What is left comes from the same count ``record_action`` enforces (``app/services/action_caps.py``), so a
key the screen offers is a key the services accept. Each action gets one entry id when the screen opens: a
double press, or a retry after an error, records it once. Recording the same action again for the same
customer means opening the screen again (F7), a deliberate step.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QEvent, QLocale, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.services.action_caps import ActionCaps
from app.services.views import ActionStanding, Change, MemberView
from app.ui.context import TillContext
from app.ui.i18n import points
from loyalty.ids import new_id

MAX_REFERENCE = 64
MAX_KEYS = 9  # actions beyond the ninth have a button but no number key


class ActionsPanel(QFrame):
    message = Signal(str, str)  # text, tone
    recorded = Signal(object)  # the Change of an action just recorded

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.ctx = ctx
        self.version = ctx.program.version  # the program whose actions these keys are
        self.caps = ActionCaps(ctx.svc.core)
        self.member: MemberView | None = None
        self.standings: dict[str, ActionStanding] = {}
        self.entry_ids: dict[str, str] = {}
        self.in_flight: set[str] = set()
        self.recorded_now: set[str] = set()  # recorded since the screen opened: their key would replay
        self._asked = 0

        self.title = QLabel()
        self.title.setObjectName("title")
        self.who = QLabel()
        self.who.setObjectName("earns")
        self.who.setWordWrap(True)
        self.reference = QLineEdit()
        self.reference.setMaxLength(MAX_REFERENCE)
        self.reference_label = QLabel()
        self.reference_label.setBuddy(self.reference)
        self.reference_hint = QLabel()
        self.reference_hint.setObjectName("hint")
        self.reference_hint.setWordWrap(True)
        self.keys_hint = QLabel()
        self.keys_hint.setObjectName("hint")
        self.keys_hint.setWordWrap(True)
        self.back = QPushButton()
        self.back.setProperty("secondary", True)

        # One row per action of the program: its key and name, then what is left of its cap.
        self.codes = list(ctx.program.actions)
        self.buttons: dict[str, QPushButton] = {}
        self.cap_labels: dict[str, QLabel] = {}
        rows = QGridLayout()
        rows.setColumnStretch(0, 3)
        rows.setColumnStretch(1, 2)
        for row, code in enumerate(self.codes):
            button = QPushButton()
            button.setAutoDefault(True)  # Enter on a focused action records it
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _checked=False, c=code: self.record(c))
            label = QLabel()
            label.setWordWrap(True)
            self.buttons[code] = button
            self.cap_labels[code] = label
            rows.addWidget(button, row, 0)
            rows.addWidget(label, row, 1)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setVisible(not self.codes)

        reference_row = QHBoxLayout()
        reference_row.addWidget(self.reference_label)
        reference_row.addWidget(self.reference, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.who)
        layout.addWidget(self.keys_hint)
        layout.addLayout(rows)
        layout.addWidget(self.empty)
        layout.addSpacing(8)
        layout.addLayout(reference_row)
        layout.addWidget(self.reference_hint)
        layout.addStretch(1)
        layout.addWidget(self.back)

        previous: QWidget | None = None
        for code in self.codes:
            if previous is not None:
                self.setTabOrder(previous, self.buttons[code])
            previous = self.buttons[code]
        if previous is not None:
            self.setTabOrder(previous, self.reference)

        # Number keys 1-9 (top row and keypad) while this screen has the focus. Typing in the reference
        # field keeps its digits: a line edit takes plain keys before shortcuts do.
        self.number_keys: list[QShortcut] = []
        for index, code in enumerate(self.codes[:MAX_KEYS]):
            digit = Qt.Key(Qt.Key.Key_1.value + index)
            for combo in (QKeySequence(digit), QKeySequence(Qt.KeyboardModifier.KeypadModifier | digit)):
                key = QShortcut(combo, self, lambda c=code: self.record(c))
                key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.number_keys.append(key)
        self.reference.returnPressed.connect(self._reference_entered)
        self.ctx.ops.changed.connect(self._changed)
        self.retranslate()

    # -- language ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Actions"))
        self.title.setText(self.tr("Actions without a purchase"))
        self.keys_hint.setText(
            self.tr("Press the action's number (or click it) to record it for this member.")
        )
        self.reference_label.setText(self.tr("Re&ference"))
        self.reference.setPlaceholderText(self.tr("optional"))
        self.reference.setAccessibleName(self.tr("Reference of the action"))
        self.reference_hint.setText(
            self.tr(
                "A review or survey number, a bag label…: kept with the next action recorded. Enter goes "
                "back to the actions."
            )
        )
        self.empty.setText(self.tr("This program has no actions without a purchase."))
        self.back.setText(self.tr("Back (Esc)"))
        self.back.setAccessibleName(self.tr("Back to the member"))
        self._show()

    # -- opening -----------------------------------------------------------------------------------
    def open_for(self, member: MemberView) -> None:
        """F7: the actions for this member, each with a fresh entry id, and what is left of their caps."""
        self.member = member
        self.entry_ids = {code: new_id() for code in self.codes}
        self.recorded_now = set()
        self.standings = {}
        self.reference.clear()
        self._show()
        self.focus_first()
        self._ask_standings()

    def focus_first(self) -> None:
        for code in self.codes:
            if self.buttons[code].isEnabled():
                self.buttons[code].setFocus()
                return
        self.back.setFocus()

    def _ask_standings(self) -> None:
        if self.member is None:
            return
        self._asked += 1
        number, member_id, caps = self._asked, self.member.id, self.caps
        self.ctx.ops.query(
            lambda: caps.standings(member_id),
            lambda found: self._got_standings(number, member_id, found),
            lambda sentence, _exc: self.message.emit(sentence, "error"),
        )

    def _got_standings(self, number: int, member_id: str, found: tuple[ActionStanding, ...]) -> None:
        if number != self._asked or self.member is None or self.member.id != member_id:
            return
        had_focus = self.focusWidget()
        self.standings = {s.code: s for s in found}
        self._show()
        if self.isVisible() and had_focus is not None and not had_focus.isEnabled():
            self.focus_first()  # the action just used up its cap: move on to one still open

    def _changed(self, change: Change) -> None:
        if self.member is not None and change.member.id == self.member.id:
            self.member = change.member
            self._show()

    # -- recording -----------------------------------------------------------------------------------
    def record(self, code: str) -> None:
        """A number key, Enter on an action or a click: record the action with its entry id."""
        member, actor = self.member, self.ctx.actor
        if member is None or actor is None or code in self.in_flight or code not in self.entry_ids:
            return
        standing = self.standings.get(code)
        if standing is not None and standing.reached:
            self.message.emit(self.cap_text(standing), "error")
            return
        reference = self.reference.text().strip() or None
        entry_id, service = self.entry_ids[code], self.ctx.svc.points
        self.in_flight.add(code)
        self._show()
        self.ctx.ops.change(
            lambda: service.record_action(actor, member.id, code, reference=reference, entry_id=entry_id),
            lambda change: self._done(code, change),
            lambda sentence, _exc: self._failed(code, sentence),
        )

    def _done(self, code: str, change: Change) -> None:
        self.in_flight.discard(code)
        if self.entry_ids.get(code) == change.entries[0].id:
            self.recorded_now.add(code)
        earned = sum(e.points for e in change.entries)
        name = self.ctx.program.actions[code].name
        text = self.tr("{action}: +{points} points. New balance: {balance} points.").format(
            action=name, points=points(earned), balance=points(change.member.balance)
        )
        if change.replayed:
            text = (
                self.tr("Already recorded, nothing new was written. To record it again, press F7 again.")
                + " "
                + text
            )
        elif self.member is not None and self.member.id == change.member.id:
            self.reference.clear()
        self.message.emit(text, "ok")
        self.recorded.emit(change)
        self._ask_standings()

    def _failed(self, code: str, sentence: str) -> None:
        # The action keeps its entry id: pressing its key again retries it safely.
        self.in_flight.discard(code)
        self._show()
        self.message.emit(sentence, "error")
        self._ask_standings()  # a cap reached elsewhere shows at once

    def _reference_entered(self) -> None:
        self.focus_first()
        self.message.emit(
            self.tr("Now press the number of the action to record it with this reference."), "info"
        )

    # -- drawing -------------------------------------------------------------------------------------
    def cap_text(self, s: ActionStanding) -> str:
        """What is left of the action's cap, or why its key is off, in one sentence."""
        if s.cap is None:
            return self.tr("No limit")
        left, cap = points(s.left or 0), points(s.cap)
        if not s.reached:
            texts = {
                "day": self.tr("{left} of {cap} left today"),
                "week": self.tr("{left} of {cap} left this week"),
                "month": self.tr("{left} of {cap} left this month"),
                "year": self.tr("{left} of {cap} left this year"),
                "ever": self.tr("{left} of {cap} left (for good)"),
            }
            return texts.get(s.period, texts["ever"]).format(left=left, cap=cap)
        again = ""
        if s.period_ends is not None:
            local = s.period_ends.astimezone(self.ctx.program.zone).date()
            again = QLocale().toString(QDate(local.year, local.month, local.day), "dd/MM/yyyy")
        texts = {
            "day": self.tr("Limit reached: {cap} today. Again from tomorrow."),
            "week": self.tr("Limit reached: {cap} this week. Again from {date}."),
            "month": self.tr("Limit reached: {cap} this month. Again from {date}."),
            "year": self.tr("Limit reached: {cap} this year. Again from {date}."),
            "ever": self.tr("Limit reached: {cap} per member, for good."),
        }
        return texts.get(s.period, texts["ever"]).format(cap=cap, date=again)

    def _show(self) -> None:
        m = self.member
        self.who.setText(
            ""
            if m is None
            else self.tr("{name}: {points} points").format(name=m.full_name, points=points(m.balance))
        )
        for index, code in enumerate(self.codes):
            action = self.ctx.program.actions[code]
            key = f"{index + 1}. " if index < MAX_KEYS else ""
            button = self.buttons[code]
            button.setText(
                self.tr("{key}{action}: +{points} points").format(
                    key=key, action=action.name, points=points(action.points)
                )
            )
            button.setAccessibleName(self.tr("Record {action}").format(action=action.name))
            standing = self.standings.get(code)
            label = self.cap_labels[code]
            if standing is None:
                label.setText(self.tr("Counting…") if action.cap is not None else self.tr("No limit"))
                _style(label, "hint")
            else:
                text = self.cap_text(standing)
                if code in self.recorded_now and not standing.reached:
                    text = self.tr("Recorded just now. {limit}").format(limit=text)
                label.setText(text)
                _style(label, "warning" if standing.reached else "")
            label.setAccessibleName(self.tr("Limit of {action}").format(action=action.name))
            button.setEnabled(m is not None and not (standing is not None and standing.reached))


def _style(label: QLabel, name: str) -> None:
    """Draw a label as the theme's ``name`` (``warning``: a limit reached) or as plain text."""
    if label.objectName() != name:
        label.setObjectName(name)
        label.style().unpolish(label)
        label.style().polish(label)
