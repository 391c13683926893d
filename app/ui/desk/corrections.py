"""Corrections on the member page: adjust points with a reason, or reverse one entry of the history.

Every correction shows its effect before it is confirmed — the balance before and after, the lots it takes
points from or the lot it opens (with its expiry), an overdraft it records or pays off — from the services'
rehearsal of the very correction that Enter then records (``app.services.corrections``). A correction carries
one entry id from the moment its form opens: a double Enter, or Enter again after an error, asks for the same
entry and can never apply twice. Only a manager may correct; the services refuse anyone else either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.services import Permission
from app.services.corrections import CorrectionDesk, CorrectionPreview, LotEffect
from app.services.member360 import HistoryLine
from app.services.points import MAX_REASON
from app.services.views import Change, MemberView
from app.ui.context import TillContext
from app.ui.desk.entries import kind_text, signed, when
from app.ui.i18n import parse_points, points
from loyalty.ids import new_id

PREVIEW_DEBOUNCE_MS = 150
MAX_LOT_LINES = 8  # a debit spread over more lots says how many more
ADJUST = "adjust"
REVERSE = "reverse"


@dataclass
class OpenCorrection:
    """A correction from the moment its form opens: its entry id is its idempotency key."""

    kind: str  # ADJUST or REVERSE
    member: MemberView
    target: HistoryLine | None = None  # the entry a reversal undoes
    entry_id: str = field(default_factory=new_id)
    done: bool = False


class CorrectionPanel(QFrame):
    message = Signal(str, str)  # text, tone
    closed = Signal()
    recorded = Signal(object)  # the Change of a correction just recorded

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.ctx = ctx
        self.desk = CorrectionDesk(ctx.svc.core)
        self.open: OpenCorrection | None = None
        self.preview: CorrectionPreview | None = None
        self.previewed_points: int | None = None  # the points the preview shown was made for
        self.problem = ""  # why there is no preview (a sentence), or ""
        self.in_flight = False
        self._asked = 0

        self.title = QLabel()
        self.title.setObjectName("title")
        self.target = QLabel()
        self.target.setWordWrap(True)
        self.points_label = QLabel()
        self.points = QLineEdit()
        self.points.setMaxLength(12)
        self.points.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
        self.points_label.setBuddy(self.points)
        self.points_hint = QLabel()
        self.points_hint.setObjectName("hint")
        self.points_hint.setWordWrap(True)
        self.reason_label = QLabel()
        self.reason = QLineEdit()
        self.reason.setMaxLength(MAX_REASON)
        self.reason_label.setBuddy(self.reason)
        self.preview_title = QLabel()
        self.preview_title.setObjectName("earns")
        self.balance = QLabel()
        self.balance.setObjectName("earns")
        self.lots = QLabel()
        self.overdraft = QLabel()
        for label in (self.balance, self.lots, self.overdraft):
            label.setWordWrap(True)
        self.confirm = QPushButton()
        self.cancel = QPushButton()
        self.cancel.setProperty("secondary", True)
        self.result = QLabel()
        self.result.setObjectName("result")
        self.result.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm, 1)
        buttons.addWidget(self.cancel)
        form = QVBoxLayout()
        form.addWidget(self.title)
        form.addWidget(self.target)
        form.addSpacing(8)
        form.addWidget(self.points_label)
        form.addWidget(self.points)
        form.addWidget(self.points_hint)
        form.addWidget(self.reason_label)
        form.addWidget(self.reason)
        form.addStretch(1)
        effect = QVBoxLayout()
        effect.addWidget(self.preview_title)
        effect.addWidget(self.balance)
        effect.addWidget(self.lots)
        effect.addWidget(self.overdraft)
        effect.addWidget(self.result)
        effect.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(form, 1)
        columns.addSpacing(16)
        columns.addLayout(effect, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)
        self.setTabOrder(self.points, self.reason)
        self.setTabOrder(self.reason, self.confirm)
        self.setTabOrder(self.confirm, self.cancel)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREVIEW_DEBOUNCE_MS)
        self.timer.timeout.connect(self.ask_preview)
        self.points.textEdited.connect(lambda _t: self._points_edited())
        self.points.returnPressed.connect(self._points_entered)
        self.reason.returnPressed.connect(self.submit)
        self.confirm.clicked.connect(self.submit)
        self.cancel.clicked.connect(self.close_form)
        self.retranslate()

    # -- language ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Correction"))
        self.points_label.setText(self.tr("&Points to add or take"))
        self.points.setPlaceholderText(self.tr("e.g. +500 or -200"))
        self.points.setAccessibleName(self.tr("Points to add or take"))
        self.points_hint.setText(self.tr("A plus sign (or none) adds points; a minus sign takes them."))
        self.reason_label.setText(self.tr("R&eason (required)"))
        self.reason.setPlaceholderText(self.tr("e.g. points of a sale rung up on the wrong member"))
        self.reason.setAccessibleName(self.tr("Reason for the correction"))
        self.confirm.setText(self.tr("Confirm (Enter)"))
        self.confirm.setAccessibleName(self.tr("Confirm the correction"))
        self.cancel.setText(self.tr("Close"))
        self.cancel.setAccessibleName(self.tr("Close the correction"))
        self._show()

    # -- opening -------------------------------------------------------------------------------------
    def open_adjust(self, member: MemberView) -> None:
        self._open(OpenCorrection(ADJUST, member))
        self.points.setFocus()

    def open_reverse(self, member: MemberView, line: HistoryLine) -> None:
        self._open(OpenCorrection(REVERSE, member, line))
        self.reason.setFocus()
        self.ask_preview()

    def _open(self, correction: OpenCorrection) -> None:
        self._asked += 1
        self.timer.stop()
        self.open = correction
        self.preview = None
        self.previewed_points = None
        self.problem = ""
        self.in_flight = False
        self.points.clear()
        self.reason.clear()
        self.result.clear()
        self._show()

    def close_form(self) -> None:
        """Close (a correction being written finishes and is reported)."""
        self._asked += 1
        self.timer.stop()
        self.open = None
        self.preview = None
        self.closed.emit()

    # -- the points and the preview ------------------------------------------------------------------
    def typed_points(self) -> tuple[int | None, str]:
        """The signed points typed, or why they are not points (a sentence)."""
        text = self.points.text().strip().replace("−", "-")
        if not text:
            return None, self.tr("Type the points to add (e.g. +500) or to take (e.g. -200).")
        sign = -1 if text.startswith("-") else 1
        magnitude = parse_points(text.lstrip("+-").strip())
        if magnitude is None or magnitude == 0:
            return None, self.tr("Type a whole number of points other than zero, e.g. +500 or -200.")
        return sign * magnitude, ""

    def _points_edited(self) -> None:
        self.preview = None
        self.previewed_points = None
        self.problem = ""
        self._show()
        self.timer.start()

    def _points_entered(self) -> None:
        """Enter in the points: see the effect, then write the reason."""
        self.ask_preview()
        self.reason.setFocus()

    def ask_preview(self) -> None:
        self.timer.stop()
        self._asked += 1
        number = self._asked
        opened, actor = self.open, self.ctx.actor
        if opened is None or opened.done or actor is None:
            return
        desk, reason = self.desk, self.reason.text()
        if opened.kind == ADJUST:
            value, problem = self.typed_points()
            if value is None:
                self.preview, self.problem = None, problem
                self._show()
                return
            member_id = opened.member.id
            self.ctx.ops.query(
                lambda: desk.preview_adjust(actor, member_id, value, reason, entry_id=opened.entry_id),
                lambda preview: self._previewed(number, value, preview),
                lambda text, _exc: self._not_previewed(number, text),
            )
        else:
            assert opened.target is not None
            target_id = opened.target.id
            self.ctx.ops.query(
                lambda: desk.preview_reverse(actor, target_id, reason, entry_id=opened.entry_id),
                lambda preview: self._previewed(number, None, preview),
                lambda text, _exc: self._not_previewed(number, text),
            )

    def _previewed(self, number: int, value: int | None, preview: CorrectionPreview) -> None:
        if number == self._asked:
            self.preview, self.previewed_points, self.problem = preview, value, ""
            self._show()

    def _not_previewed(self, number: int, text: str) -> None:
        if number == self._asked:
            self.preview, self.problem = None, text
            self._show()

    # -- confirm -------------------------------------------------------------------------------------
    def submit(self) -> None:
        """Enter in the reason (or the button): record the correction previewed. Without a preview of these
        very points on screen, Enter shows it first: the manager confirms only what they have seen."""
        opened, actor = self.open, self.ctx.actor
        if self.in_flight or opened is None or actor is None:
            return
        if opened.done:
            self.message.emit(self.tr("This correction is recorded. Close it, or open another."), "info")
            return
        if not actor.can(Permission.ADJUST):
            self.message.emit(
                self.tr("Only a manager can correct points. Ask a manager to sign in."), "error"
            )
            return
        value: int | None = None
        if opened.kind == ADJUST:
            value, problem = self.typed_points()
            if value is None:
                self.message.emit(problem, "error")
                self.points.setFocus()
                return
        reason = self.reason.text().strip()
        if not reason:
            self.message.emit(
                self.tr("Type the reason: it is kept with the correction and in the audit log."), "error"
            )
            self.reason.setFocus()
            return
        if self.preview is None or (opened.kind == ADJUST and self.previewed_points != value):
            self.message.emit(
                self.tr("Check what the correction does, then press Enter again to confirm."), "info"
            )
            self.ask_preview()
            return
        before = self.preview.before
        points_service = self.ctx.svc.points
        if opened.kind == ADJUST:
            assert value is not None
            member_id, amount = opened.member.id, value

            def work() -> Change:
                return points_service.adjust(actor, member_id, amount, reason, entry_id=opened.entry_id)

        else:
            assert opened.target is not None
            target_id = opened.target.id

            def work() -> Change:
                return points_service.reverse_entry(actor, target_id, reason, entry_id=opened.entry_id)

        self.in_flight = True
        self.result.setText(self.tr("Saving…"))
        self._show()
        self.ctx.ops.change(work, lambda change: self._done(opened, before, change), self._failed)

    def _done(self, opened: OpenCorrection, before: MemberView, change: Change) -> None:
        self.in_flight = False
        opened.done = True
        total = sum(e.points for e in change.entries)
        if opened.kind == ADJUST:
            text = self.tr("Adjustment recorded: {points} points. {name} now has {balance} points.")
        else:
            text = self.tr("Reversal recorded: {points} points. {name} now has {balance} points.")
        text = text.format(
            points=signed(total), name=change.member.full_name, balance=points(change.member.balance)
        )
        if change.replayed:
            text = self.tr("Already recorded, nothing new was written.") + " " + text
        self.message.emit(text, "ok")
        self.recorded.emit(change)
        if self.open is not opened:
            return
        self.result.clear()
        desk = self.desk

        def shown(done: CorrectionPreview) -> None:
            if self.open is opened:
                self.preview = done
                self._show()

        self.ctx.ops.query(lambda: desk.recorded(before, change), shown, lambda _t, _e: None)
        self._show()

    def _failed(self, text: str, _exc: BaseException) -> None:
        # The correction stays open with the same entry id: Enter again retries it safely.
        self.in_flight = False
        self.result.clear()
        self._show()
        self.message.emit(text, "error")

    # -- drawing -------------------------------------------------------------------------------------
    def _show(self) -> None:
        opened = self.open
        adjusting = opened is not None and opened.kind == ADJUST
        for widget in (self.points_label, self.points, self.points_hint):
            widget.setVisible(adjusting)
        writable = opened is not None and not opened.done and not self.in_flight
        self.points.setReadOnly(not writable)
        self.reason.setReadOnly(not writable)
        self.confirm.setEnabled(writable and self.preview is not None)
        if opened is None:
            return
        name = opened.member.full_name
        if opened.kind == ADJUST:
            self.title.setText(self.tr("Adjust the points of {name}").format(name=name))
            self.target.setText(
                self.tr(
                    "Now: {balance} points. Adjustments are for mistakes and goodwill; they are audited."
                ).format(balance=points(opened.member.balance))
            )
        else:
            line = opened.target
            assert line is not None
            self.title.setText(self.tr("Reverse an entry of {name}").format(name=name))
            self.target.setText(
                self.tr(
                    "{kind} of {when}: {points} points{receipt}. A new entry will undo it and name it."
                ).format(
                    kind=kind_text(line.kind),
                    when=when(line.at, self.ctx.program),
                    points=signed(line.points),
                    receipt=self.tr(", receipt {receipt}").format(receipt=line.receipt_ref)
                    if line.receipt_ref
                    else "",
                )
            )
        self._show_preview()

    def _show_preview(self) -> None:
        opened, p = self.open, self.preview
        assert opened is not None
        self.preview_title.setText(
            self.tr("What the correction did") if opened.done else self.tr("What the correction does")
        )
        if p is None:
            self.balance.setText(
                self.problem or (self.tr("Working out the effect…") if not opened.done else "")
            )
            _warn(self.balance, bool(self.problem), "earns")
            self.lots.clear()
            self.overdraft.clear()
            return
        _warn(self.balance, False, "earns")
        self.balance.setText(
            self.tr("Balance: {before} → {after} points ({change})").format(
                before=points(p.before.balance), after=points(p.after.balance), change=signed(p.points)
            )
        )
        lines = [self.lot_text(lot) for lot in p.effect.lots[:MAX_LOT_LINES]]
        if len(p.effect.lots) > MAX_LOT_LINES:
            lines.append(
                self.tr("… and {count} more lots.").format(count=points(len(p.effect.lots) - MAX_LOT_LINES))
            )
        self.lots.setText("\n".join(lines) or self.tr("No lot changes."))
        effect = p.effect
        if effect.overdraft_points:
            self.overdraft.setText(
                self.tr(
                    "Overdraft: {points} of these points were already spent. The member owes them; their next "
                    "purchases pay them off."
                ).format(points=points(effect.overdraft_points))
            )
        elif effect.overdraft_paid:
            self.overdraft.setText(
                self.tr("{points} of these points pay off what the member owed (an overdraft).").format(
                    points=points(effect.overdraft_paid)
                )
            )
        else:
            self.overdraft.setText(self.tr("No overdraft."))
        _warn(self.overdraft, effect.overdraft_points > 0)

    def lot_text(self, lot: LotEffect) -> str:
        expiry = (
            when(lot.expires_at, self.ctx.program, with_time=False)
            if lot.expires_at is not None
            else self.tr("never")
        )
        if lot.new:
            return self.tr("New lot of {points} points, expires {expiry}").format(
                points=points(lot.points), expiry=expiry
            )
        return self.tr("{points} points taken from the {kind} of {earned} (expires {expiry})").format(
            points=points(-lot.points),
            kind=kind_text(lot.kind).lower(),
            earned=when(lot.earned_at, self.ctx.program, with_time=False),
            expiry=expiry,
        )


def _warn(label: QLabel, warning: bool, plain: str = "") -> None:
    """Draw a line as something to notice (the theme's ``warning`` label) or as ``plain``."""
    name = "warning" if warning else plain
    if label.objectName() != name:
        label.setObjectName(name)
        label.style().unpolish(label)
        label.style().polish(label)
