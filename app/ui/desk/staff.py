"""The desk's Staff page: who can sign in at this till, and a manager's changes to it — add someone, deactivate
or reactivate them, reset a forgotten PIN, change a role.

Every change opens a form in place under the list (no dialog box) that says what will happen; Enter confirms,
Esc closes it. A change holds from the person's next sign-in, and at once for a manager's approval in place
(the services read the row on every approval). The till keeps one active manager: the services refuse to
deactivate or demote the last one, and the page says so in a sentence.

A cashier sees no buttons; the list itself is a manager's (it names the staff codes, half of every sign-in),
so the page shows the services' refusal in its place. Permissions stay with the services either way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import pairwise

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QEvent, QLocale, QObject, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import Actor, Permission, Role
from app.services.staff import MAX_STAFF_NAME, StaffRow
from app.services.views import StaffView
from app.ui.context import TillContext
from app.ui.desk.escape import escape_claimed
from app.ui.scroll import VerticalScroll

ADD = "add"
DEACTIVATE = "deactivate"
REACTIVATE = "reactivate"
RESET_PIN = "reset_pin"
CHANGE_ROLE = "change_role"
ROLES = (Role.CASHIER, Role.MANAGER)
ROW_HEIGHT = 40


class StaffPage(QWidget):
    message = Signal(str, str)  # text, tone

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[StaffRow] = []
        self.selected: StaffRow | None = None
        self.refused = ""  # the services' refusal to list the staff (a cashier), as a sentence
        self.mode: str | None = None  # the form open now, if any
        self.target: StaffRow | None = None  # whom the open form changes
        self.in_flight = False
        self.loading = False
        self._asked = 0
        self._choose_code: str | None = None  # the row to choose once the list is loaded again
        self._shown_for: Actor | None = None  # who was signed in when the list was last asked for

        self.intro = QLabel()
        self.intro.setObjectName("hint")
        self.intro.setWordWrap(True)
        self.permission_note = QLabel()
        self.permission_note.setObjectName("warning")
        self.permission_note.setWordWrap(True)
        self.table = _table(5, stretch=(1,))
        self.add_button = QPushButton()
        self.active_button = QPushButton()
        self.pin_button = QPushButton()
        self.role_button = QPushButton()
        for button in (self.active_button, self.pin_button, self.role_button):
            button.setProperty("secondary", True)
        self.buttons = (self.add_button, self.active_button, self.pin_button, self.role_button)
        for button in self.buttons:
            button.setAutoDefault(True)

        # The form in place: its fields are shown as the change needs them.
        self.form = QFrame()
        self.form.setObjectName("panel")
        self.form_title = QLabel()
        self.form_title.setObjectName("earns")
        self.form_title.setWordWrap(True)
        self.code_label, self.code = QLabel(), QLineEdit()
        self.code.setMaxLength(8)
        self.code.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.name_label, self.name = QLabel(), QLineEdit()
        self.name.setMaxLength(MAX_STAFF_NAME)
        self.role_label, self.role = QLabel(), QComboBox()
        self.role.addItems(["", ""])  # texts set in retranslate, in ROLES order
        self.pin_label, self.pin = QLabel(), QLineEdit()
        self.pin_again_label, self.pin_again = QLabel(), QLineEdit()
        for field in (self.pin, self.pin_again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setMaxLength(8)
            field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)
        self.fields: tuple[tuple[QLabel, QWidget], ...] = (
            (self.code_label, self.code),
            (self.name_label, self.name),
            (self.role_label, self.role),
            (self.pin_label, self.pin),
            (self.pin_again_label, self.pin_again),
        )
        self.effect = QLabel()
        self.effect.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("fieldError")
        self.problem.setWordWrap(True)
        self.confirm = QPushButton()
        self.cancel = QPushButton()
        self.cancel.setProperty("secondary", True)
        for button in (self.confirm, self.cancel):
            button.setAutoDefault(True)

        grid = QGridLayout()
        for row, (label, widget) in enumerate(self.fields):
            label.setBuddy(widget)
            grid.addWidget(label, row, 0)
            grid.addWidget(widget, row, 1)
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(6)
        form_buttons = QHBoxLayout()
        form_buttons.addWidget(self.confirm, 1)
        form_buttons.addWidget(self.cancel)
        form_layout = QVBoxLayout(self.form)
        form_layout.addWidget(self.form_title)
        form_layout.addLayout(grid)
        form_layout.addWidget(self.effect)
        form_layout.addWidget(self.problem)
        form_layout.addStretch(1)

        button_row = QHBoxLayout()
        for button in self.buttons:
            button_row.addWidget(button)
        button_row.addStretch(1)
        # The form opens beside the list, not under it: every row stays in sight while a change is typed.
        columns = QHBoxLayout()
        columns.addWidget(self.table, 2)
        # The form's fields scroll rather than make the window taller than the till's screen (add needs five
        # fields); its buttons stay in sight below them.
        self.form_scroll = VerticalScroll(self.form)
        self.side = QWidget()
        side_layout = QVBoxLayout(self.side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.form_scroll, 1)
        side_layout.addLayout(form_buttons)
        columns.addWidget(self.side, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.permission_note)
        layout.addLayout(button_row)
        layout.addLayout(columns, 1)

        order = (
            self.table,
            *self.buttons,
            self.code,
            self.name,
            self.role,
            self.pin,
            self.pin_again,
            self.confirm,
            self.cancel,
        )
        for first, second in pairwise(order):
            self.setTabOrder(first, second)

        self.table.itemSelectionChanged.connect(self._row_chosen)
        self.add_button.clicked.connect(lambda: self.open_form(ADD))
        self.active_button.clicked.connect(self._toggle_active)
        self.pin_button.clicked.connect(lambda: self.open_form(RESET_PIN))
        self.role_button.clicked.connect(lambda: self.open_form(CHANGE_ROLE))
        self.confirm.clicked.connect(self.submit)
        self.cancel.clicked.connect(self.close_form)
        self.role.currentIndexChanged.connect(lambda _i: self._draw_form())
        for field in (self.code, self.name, self.pin):
            field.returnPressed.connect(self.focusNextChild)
        self.pin_again.returnPressed.connect(self.submit)
        for child in (self, self.table, *self.buttons, self.form, self.role, self.confirm, self.cancel):
            child.installEventFilter(self)
        for _label, widget in self.fields:
            widget.installEventFilter(self)
        self.retranslate()
        self._draw()

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("StaffPage", "Staff")

    # -- language ----------------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Staff"))
        self.intro.setText(
            self.tr(
                "Who can sign in at this till. A change holds from the person's next sign-in, and at once for "
                "a manager's approval."
            )
        )
        self.table.setAccessibleName(self.tr("Staff of this till"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Code"), self.tr("Name"), self.tr("Role"), self.tr("Status"), self.tr("Last sign-in")]
        )
        self.add_button.setText(self.tr("&Add staff…"))
        self.add_button.setAccessibleName(self.tr("Add a member of staff"))
        self.pin_button.setText(self.tr("Reset the &PIN…"))
        self.pin_button.setAccessibleName(self.tr("Give the chosen person a new PIN"))
        self.role_button.setText(self.tr("Change the &role…"))
        self.role_button.setAccessibleName(self.tr("Change the chosen person's role"))
        self.code_label.setText(self.tr("Staff &code"))
        self.code.setPlaceholderText(self.tr("2 to 8 digits, e.g. 1002"))
        self.code.setAccessibleName(self.tr("Staff code"))
        self.name_label.setText(self.tr("&Name"))
        self.name.setPlaceholderText(self.tr("as colleagues call them, e.g. Bình"))
        self.name.setAccessibleName(self.tr("Name"))
        self.role_label.setText(self.tr("R&ole"))
        self.role.setAccessibleName(self.tr("Role"))
        for index, role in enumerate(ROLES):
            self.role.setItemText(index, self.role_text(role.value))
        self.pin_label.setText(self.tr("P&IN"))
        self.pin.setPlaceholderText(self.tr("4 to 8 digits"))
        self.pin.setAccessibleName(self.tr("PIN"))
        self.pin_again_label.setText(self.tr("PIN a&gain"))
        self.pin_again.setPlaceholderText(self.tr("the same digits once more"))
        self.pin_again.setAccessibleName(self.tr("PIN again"))
        self.confirm.setAccessibleName(self.tr("Confirm the change"))
        self.cancel.setText(self.tr("Cancel (Esc)"))
        self.cancel.setAccessibleName(self.tr("Close the form without changing anything"))
        self.form.setAccessibleName(self.tr("Staff change"))
        self._write_rows()
        self._draw()

    # -- loading -------------------------------------------------------------------------------------------
    def activated(self) -> None:
        """Come into view: list the staff again (who is signed in may have changed since)."""
        self.refresh()
        if self.mode is None:
            self.table.setFocus()

    def refresh(self) -> None:
        actor = self.ctx.actor
        self._asked += 1
        number = self._asked
        if actor != self._shown_for:
            # Someone else signed in: nothing of the last person's list or form stays on screen meanwhile.
            self._shown_for = actor
            self.close_form()
            self.rows, self.refused, self.selected = [], "", None
            self._fill()
        if actor is None:
            return
        staff = self.ctx.svc.staff
        self.loading = True
        self._draw()
        self.ctx.ops.query(
            lambda: staff.roster(actor),
            lambda rows: self._loaded(number, rows, ""),
            lambda text, _exc: self._loaded(number, [], text),
        )

    def _loaded(self, number: int, rows: list[StaffRow], refused: str) -> None:
        if number != self._asked:
            return
        self.loading = False
        self.rows, self.refused = rows, refused
        self._fill()

    def _fill(self) -> None:
        chosen = self._choose_code or (self.selected.code if self.selected is not None else None)
        self._choose_code = None
        self._write_rows()
        index = next((i for i, r in enumerate(self.rows) if r.code == chosen), 0 if self.rows else None)
        self.selected = None
        if index is not None:
            self.table.selectRow(index)
        self._row_chosen()

    def _write_rows(self) -> None:
        table = self.table
        table.blockSignals(True)
        table.setRowCount(len(self.rows))
        for row, staff in enumerate(self.rows):
            cells = (
                staff.code,
                staff.name,
                self.role_text(staff.role),
                self._status(staff),
                self._when(staff.last_sign_in) if staff.last_sign_in is not None else self.tr("Never"),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, col, item)
        table.blockSignals(False)

    def _row_chosen(self) -> None:
        self._choose_code = None  # a row chosen while the list reloads stays chosen
        rows = self.table.selectionModel().selectedRows()
        index = rows[0].row() if rows else -1
        self.selected = self.rows[index] if 0 <= index < len(self.rows) else None
        self._draw()

    # -- the forms -----------------------------------------------------------------------------------------
    def _toggle_active(self) -> None:
        chosen = self.selected
        self.open_form(REACTIVATE if chosen is not None and not chosen.active else DEACTIVATE)

    def open_form(self, mode: str) -> None:
        """Open the form of a change under the list (the buttons and their shortcuts come here)."""
        actor = self.ctx.actor
        if self.in_flight or actor is None:
            return
        if not actor.can(Permission.MANAGE_STAFF):
            self._say(self.tr("Only a manager can manage staff. Ask a manager to sign in."), "error")
            return
        if mode != ADD and self.selected is None:
            self._say(self.tr("Choose the person in the list first."), "error")
            self.table.setFocus()
            return
        self.mode = mode
        self.target = None if mode == ADD else self.selected
        for field in (self.code, self.name, self.pin, self.pin_again):
            field.clear()
        self.problem.clear()
        if mode == ADD:
            self.role.setCurrentIndex(0)
        elif mode == CHANGE_ROLE and self.target is not None:
            other = Role.CASHIER if self.target.role == Role.MANAGER.value else Role.MANAGER
            self.role.setCurrentIndex(ROLES.index(other))
        self._draw()
        first = {ADD: self.code, RESET_PIN: self.pin, CHANGE_ROLE: self.role}.get(mode, self.confirm)
        first.setFocus()

    def close_form(self) -> None:
        if self.mode is None:
            return
        self.mode = None
        self.target = None
        for field in (self.pin, self.pin_again):
            field.clear()
        self._draw()
        self.table.setFocus()

    def submit(self) -> None:
        """Enter (or Confirm): check what was typed, then make the change the form describes."""
        mode, target, actor = self.mode, self.target, self.ctx.actor
        if mode is None or actor is None or self.in_flight:
            return
        staff = self.ctx.svc.staff
        work: Callable[[], StaffView]
        if mode == ADD:
            code, name, role = self.code.text().strip(), self.name.text().strip(), self._role()
            if not code:
                self._refuse(self.tr("Type the new person's staff code (2 to 8 digits)."), self.code)
                return
            if not name:
                self._refuse(self.tr("Type the new person's name."), self.name)
                return
            pin = self._typed_pin()
            if pin is None:
                return

            def work() -> StaffView:
                return staff.create(actor, code, name, role, pin)

            done = self.tr("{name} ({code}) is added as {role}: they sign in with their code and PIN.")
        else:
            assert target is not None
            code = target.code
            if mode == DEACTIVATE:

                def work() -> StaffView:
                    return staff.deactivate(actor, code)

                done = self.tr("{name} ({code}) is deactivated: they can no longer sign in or approve.")
            elif mode == REACTIVATE:

                def work() -> StaffView:
                    return staff.reactivate(actor, code)

                done = self.tr("{name} ({code}) is active again and can sign in.")
            elif mode == RESET_PIN:
                new_pin = self._typed_pin()
                if new_pin is None:
                    return

                def work() -> StaffView:
                    return staff.reset_pin(actor, code, new_pin)

                done = self.tr("{name} ({code}) has a new PIN: the old one no longer works.")
            else:
                role = self._role()

                def work() -> StaffView:
                    return staff.change_role(actor, code, role)

                done = self.tr("{name} ({code}) is now {role}, from their next sign-in.")
        self.in_flight = True
        self.problem.clear()
        self._draw()
        self.ctx.ops.change(work, lambda view: self._done(view, done), self._failed)

    def _done(self, view: StaffView, template: str) -> None:
        self.in_flight = False
        self._say(
            template.format(name=view.name, code=view.code, role=self.role_text(view.role).lower()), "ok"
        )
        self._choose_code = view.code
        self.close_form()
        self.refresh()

    def _failed(self, text: str, _exc: BaseException) -> None:
        # The form stays open with what was typed: the manager corrects it and presses Enter again.
        self.in_flight = False
        self.problem.setText(text)
        self._draw()
        self._say(text, "error")

    def _typed_pin(self) -> str | None:
        pin, again = self.pin.text(), self.pin_again.text()
        if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
            self._refuse(self.tr("The PIN must be 4 to 8 digits."), self.pin)
            return None
        if pin != again:
            self.pin_again.clear()
            self._refuse(
                self.tr("The two PINs differ. Type the PIN again in the second field."), self.pin_again
            )
            return None
        return pin

    def _refuse(self, text: str, field: QWidget) -> None:
        self.problem.setText(text)
        self._say(text, "error")
        field.setFocus()

    def _role(self) -> Role:
        return ROLES[max(0, self.role.currentIndex())]

    # -- drawing ---------------------------------------------------------------------------------------------
    def _draw(self) -> None:
        actor = self.ctx.actor
        manager = actor is not None and actor.can(Permission.MANAGE_STAFF)
        if actor is None:
            note = self.tr("Sign in as a manager to see and change the staff.")
        elif not manager:
            note = self.refused or self.tr("Only a manager can manage staff. Ask a manager to sign in.")
        else:
            note = self.refused
        self.permission_note.setText(note)
        self.permission_note.setVisible(bool(note))
        for button in self.buttons:
            button.setVisible(manager)
        busy = self.in_flight or self.mode is not None
        chosen = self.selected
        self.add_button.setEnabled(not busy)
        for button in (self.active_button, self.pin_button, self.role_button):
            button.setEnabled(not busy and chosen is not None)
        self.pin_button.setEnabled(self.pin_button.isEnabled() and chosen is not None and chosen.active)
        if chosen is not None and not chosen.active:
            self.active_button.setText(self.tr("R&eactivate…"))
            self.active_button.setAccessibleName(self.tr("Let the chosen person sign in again"))
        else:
            self.active_button.setText(self.tr("&Deactivate…"))
            self.active_button.setAccessibleName(self.tr("Stop the chosen person from signing in"))
        self.form.setVisible(manager and self.mode is not None)
        self.side.setVisible(manager and self.mode is not None)
        self.intro.setVisible(self.mode is None)  # the open form says what its change does
        self._draw_form()

    def _draw_form(self) -> None:
        mode, target = self.mode, self.target
        if mode is None:
            return
        shown = {
            ADD: (self.code, self.name, self.role, self.pin, self.pin_again),
            RESET_PIN: (self.pin, self.pin_again),
            CHANGE_ROLE: (self.role,),
        }.get(mode, ())
        for label, field in self.fields:
            label.setVisible(field in shown)
            field.setVisible(field in shown)
        for _label, field in self.fields:
            if isinstance(field, QLineEdit):
                field.setReadOnly(self.in_flight)
        self.role.setEnabled(not self.in_flight)
        self.confirm.setEnabled(not self.in_flight)
        who = "" if target is None else self.tr("{name} ({code})").format(name=target.name, code=target.code)
        if mode == ADD:
            self.form_title.setText(self.tr("Add a member of staff"))
            self.effect.setText(
                self.tr(
                    "They sign in with this code and PIN. Give them the PIN in person; it is stored only as a "
                    "hash."
                )
            )
            self.confirm.setText(self.tr("Add (Enter)"))
        elif mode == DEACTIVATE:
            self.form_title.setText(self.tr("Deactivate {who}?").format(who=who))
            self.effect.setText(
                self.tr(
                    "They can no longer sign in, approve, or approve with their staff card. What they recorded "
                    "stays, and they can be reactivated later. Someone signed in now stays signed in until they "
                    "sign out."
                )
            )
            self.confirm.setText(self.tr("Deactivate (Enter)"))
        elif mode == REACTIVATE:
            self.form_title.setText(self.tr("Reactivate {who}?").format(who=who))
            self.effect.setText(self.tr("They can sign in again with their code and their PIN."))
            self.confirm.setText(self.tr("Reactivate (Enter)"))
        elif mode == RESET_PIN:
            self.form_title.setText(self.tr("New PIN for {who}").format(who=who))
            self.effect.setText(
                self.tr(
                    "The old PIN stops working at once and a lock-out after wrong PINs is lifted. The audit log "
                    "records the reset, never the PIN."
                )
            )
            self.confirm.setText(self.tr("Set the new PIN (Enter)"))
        else:
            role = self.role_text(self._role().value).lower()
            self.form_title.setText(self.tr("Change the role of {who}").format(who=who))
            self.effect.setText(
                self.tr(
                    "{who} becomes {role} from their next sign-in; their approvals change at once."
                ).format(who=who, role=role)
            )
            self.confirm.setText(self.tr("Change the role (Enter)"))

    # -- words -----------------------------------------------------------------------------------------------
    def role_text(self, role: str) -> str:
        names = {Role.CASHIER.value: self.tr("Cashier"), Role.MANAGER.value: self.tr("Manager")}
        return names.get(role, role)

    def _status(self, staff: StaffRow) -> str:
        if not staff.active:
            return self.tr("Deactivated")
        if staff.locked:
            return self.tr("Locked out (wrong PINs)")
        return self.tr("Active")

    def _when(self, at: datetime) -> str:
        local = at.astimezone(self.ctx.program.zone)
        moment = QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))
        return QLocale().toString(moment, "dd/MM/yyyy HH:mm")

    def _say(self, text: str, tone: str) -> None:
        self.message.emit(text, tone)

    # -- Esc -------------------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # With a form open, Esc closes it: claim it before the window's Esc shortcut, which leaves the desk.
        if self.mode is not None and escape_claimed(event, self._escape):
            return True
        return super().eventFilter(watched, event)

    def _escape(self) -> None:
        self.close_form()
        self._say(self.tr("Nothing was changed."), "info")


def _table(columns: int, *, stretch: tuple[int, ...]) -> QTableWidget:
    """A read-only list, one row chosen at a time; the ``stretch`` columns share the width (no sideways
    scroll bar)."""
    table = QTableWidget(0, columns)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)  # Tab leaves the list for the buttons
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    header = table.horizontalHeader()
    for column in range(columns):
        mode = (
            QHeaderView.ResizeMode.Stretch if column in stretch else QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(column, mode)
    return table
