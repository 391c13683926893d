"""The desk's Privacy page: a customer's request to see or erase their data, and their consents.

Find the member (search, or ``show_member``/``open_for`` from another page), then:

- **Export**: everything the till holds about them, as JSON and as a readable PDF, saved in the till's data
  folder (``exports/``); the page says where. Manager only, audited.
- **Consents**: each purpose's answer with its text version and time, every earlier answer listed; a change is
  a new answer (never an update).
- **Erase**: the personal data goes, the points' arithmetic stays (``app.services.privacy``). Manager only,
  with a reason, and the member number typed again to confirm: nothing is erased by one slip of the hand.

Every service call goes through the op runner; the PDF is drawn here (Qt) and written by the worker.
"""

from __future__ import annotations

import html
from datetime import date, datetime

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QDateTime,
    QEvent,
    QLocale,
    QObject,
    Qt,
    QTime,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.services import Permission
from app.services.members import CONSENT_TEXTS
from app.services.privacy import MAX_REASON, Erasure, ExportFiles, MemberExport, PrivacyService, PrivacyView
from app.services.views import Change, SearchHit
from app.ui.context import TillContext
from app.ui.desk.privacy_pdf import purpose_text, render_export_pdf
from app.ui.i18n import phone, points
from app.ui.scroll import VerticalScroll

DEBOUNCE_MS = 150
SEARCH_ROWS = 8
MAX_QUERY = 100
ROW_HEIGHT = 40


class PrivacyPage(QWidget):
    member_requested = Signal(str)
    message = Signal(str, str)  # text, tone

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = PrivacyService(ctx.svc.core)
        self.hits: list[SearchHit] = []
        self.member_id: str | None = None
        self.view: PrivacyView | None = None
        self.files: ExportFiles | None = None
        self.busy = False
        self._searched = 0
        self._viewed = 0

        # Finding the member.
        self.heading = QLabel()
        self.heading.setObjectName("title")
        self.search_label = QLabel()
        self.field = QLineEdit()
        self.field.setMaxLength(MAX_QUERY)
        self.field.setClearButtonEnabled(True)
        self.search_label.setBuddy(self.field)
        self.table = QTableWidget(0, 2)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.search_hint = QLabel()
        self.search_hint.setObjectName("hint")
        self.search_hint.setWordWrap(True)

        # The member.
        self.name = QLabel()
        self.name.setObjectName("earns")
        self.name.setWordWrap(True)
        self.profile = QLabel()
        self.profile.setWordWrap(True)
        self.profile.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.consents_label = QLabel()
        self.consents_label.setObjectName("earns")
        self.consent_lines: dict[str, QLabel] = {}
        self.consent_buttons: dict[str, QPushButton] = {}
        consent_grid = QGridLayout()
        for row, wording in enumerate(CONSENT_TEXTS):
            line = QLabel()
            line.setWordWrap(True)
            button = QPushButton()
            button.setProperty("secondary", True)
            button.setAutoDefault(True)
            button.clicked.connect(lambda _c=False, purpose=wording.purpose: self.toggle_consent(purpose))
            self.consent_lines[wording.purpose] = line
            self.consent_buttons[wording.purpose] = button
            consent_grid.addWidget(line, row, 0)
            consent_grid.addWidget(button, row, 1)
        consent_grid.setColumnStretch(0, 1)
        self.consent_history = QTextBrowser()
        self.consent_history.setMaximumHeight(150)

        self.export_button = QPushButton()
        self.export_button.setAutoDefault(True)
        self.export_result = QLabel()
        self.export_result.setObjectName("hint")
        self.export_result.setWordWrap(True)
        self.export_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.erase_box = QFrame()
        self.erase_box.setObjectName("panel")
        self.erase_title = QLabel()
        self.erase_title.setObjectName("warning")
        self.erase_explain = QLabel()
        self.erase_explain.setWordWrap(True)
        self.reason_label = QLabel()
        self.reason = QLineEdit()
        self.reason.setMaxLength(MAX_REASON)
        self.reason_label.setBuddy(self.reason)
        self.confirm_label = QLabel()
        self.confirm = QLineEdit()
        self.confirm.setMaxLength(20)
        self.confirm.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.confirm_label.setBuddy(self.confirm)
        self.erase_button = QPushButton()
        self.erase_button.setAutoDefault(True)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        erase_column = QVBoxLayout(self.erase_box)
        erase_column.addWidget(self.erase_title)
        erase_column.addWidget(self.erase_explain)
        for widget in (self.reason_label, self.reason, self.confirm_label, self.confirm):
            erase_column.addWidget(widget)
        erase_column.addWidget(self.erase_button)

        left = QVBoxLayout()
        left.addWidget(self.search_label)
        left.addWidget(self.field)
        left.addWidget(self.search_hint)
        left.addWidget(self.table, 1)
        # What the till holds of the member (it scrolls: the page fits the till's screen whatever they hold)...
        held = QVBoxLayout()
        held.addWidget(self.name)
        held.addWidget(self.profile)
        held.addWidget(self.consents_label)
        held.addLayout(consent_grid)
        held.addWidget(self.consent_history, 1)
        self.member_box = QWidget()
        self.member_box.setLayout(held)
        self.held_scroll = QScrollArea()
        self.held_scroll.setWidgetResizable(True)
        self.held_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.held_scroll.setWidget(self.member_box)
        # ... and what the manager can do with it, always in view.
        acts = QVBoxLayout()
        acts.addWidget(self.export_button)
        acts.addWidget(self.export_result)
        acts.addWidget(self.erase_box)
        acts.addWidget(self.hint)
        acts.addStretch(1)
        self.actions_box = QWidget()
        self.actions_box.setLayout(acts)
        # In view at 1280×800; it scrolls (to the focused field by itself) only where a long text needs more.
        self.actions_scroll = VerticalScroll(self.actions_box)
        body = QHBoxLayout()
        body.addLayout(left, 5)
        body.addWidget(self.held_scroll, 7)
        body.addWidget(self.actions_scroll, 5)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addLayout(body, 1)

        self.setTabOrder(self.field, self.table)
        self.setTabOrder(self.table, self.export_button)
        self.setTabOrder(self.export_button, self.reason)
        self.setTabOrder(self.reason, self.confirm)
        self.setTabOrder(self.confirm, self.erase_button)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self._search)
        self.field.textEdited.connect(lambda _t: self.timer.start())
        self.field.returnPressed.connect(self._take_first)
        self.field.installEventFilter(self)
        self.table.activated.connect(lambda index: self._take_row(index.row()))
        self.export_button.clicked.connect(self.export)
        self.erase_button.clicked.connect(self.erase)
        self.confirm.returnPressed.connect(self.erase)
        self.reason.textEdited.connect(lambda _t: self._show())
        self.confirm.textEdited.connect(lambda _t: self._show())
        self.retranslate()

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("PrivacyPage", "Privacy")

    # -- language ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Privacy"))
        self.heading.setText(self.tr("A customer's personal data"))
        self.search_label.setText(self.tr("&Find the member"))
        self.field.setPlaceholderText(self.tr("Name, phone, e-mail or member number"))
        self.field.setAccessibleName(self.tr("Search the member"))
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Member number")])
        self.table.setAccessibleName(self.tr("Members found"))
        self.consents_label.setText(self.tr("Consents"))
        self.consent_history.setAccessibleName(self.tr("Every consent answer"))
        self.export_button.setText(self.tr("Export the data (JSON, PDF)"))
        self.export_button.setAccessibleName(self.tr("Export the member's personal data"))
        self.erase_title.setText(self.tr("Erase the personal data"))
        self.erase_explain.setText(
            self.tr(
                "Name, phone, e-mail, birthday, consents and cards go, at every till; the points stay. "
                "No undo."
            )
        )
        self.reason_label.setText(self.tr("&Reason"))
        self.reason.setPlaceholderText(self.tr("e.g. the customer asked at the counter (no names here)"))
        self.reason.setAccessibleName(self.tr("Reason for the erasure"))
        self.confirm_label.setText(self.tr("Type the member &number"))
        self.confirm.setAccessibleName(self.tr("The member number, typed again to confirm"))
        self.erase_button.setText(self.tr("Erase the personal data"))
        self.erase_button.setAccessibleName(self.tr("Erase the member's personal data"))
        for purpose, button in self.consent_buttons.items():
            button.setAccessibleName(
                self.tr("Change the answer for {purpose}").format(purpose=purpose_text(purpose))
            )
        self._fill_hits()
        self._show()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_wrapped()

    def _fit_wrapped(self) -> None:
        """Wrapped texts in the narrow right column get the height their width needs: a layout sizes them
        for a guessed width and would cut the warning in half."""
        for label in (self.erase_explain, self.hint, self.export_result):
            width = label.width()
            if width > 0:
                label.setMinimumHeight(label.heightForWidth(width))

    # -- finding the member ----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Down and self.table.rowCount():
                self.table.setFocus()
                self.table.selectRow(0)
                return True
        return super().eventFilter(watched, event)

    def activated(self) -> None:
        if self.member_id is None:
            self.field.setFocus()
        else:
            self._load()

    def _search(self) -> None:
        query = self.field.text().strip()
        self._searched += 1
        number = self._searched
        if not query:
            self._found(number, [])
            return
        members = self.ctx.svc.members
        self.ctx.ops.query(
            lambda: members.search(query, limit=SEARCH_ROWS),
            lambda hits: self._found(number, hits),
            lambda text, _exc: self.message.emit(text, "error"),
        )

    @property
    def searching(self) -> bool:
        return self.timer.isActive()

    def _found(self, number: int, hits: list[SearchHit]) -> None:
        if number != self._searched:
            return
        self.hits = hits
        self._fill_hits()

    def _fill_hits(self) -> None:
        self.table.setRowCount(len(self.hits))
        for row, hit in enumerate(self.hits):
            name = self.tr("(personal data erased)") if not hit.full_name.strip("—") else hit.full_name
            for col, text in enumerate((name, hit.member_number)):
                item = QTableWidgetItem(text)
                item.setToolTip(hit.email or "")
                self.table.setItem(row, col, item)
        typed = bool(self.field.text().strip())
        self.search_hint.setText(
            self.tr("No member found.")
            if typed and not self.hits and not self.searching
            else self.tr("Enter takes the first member found; Down arrow moves to the list.")
        )

    def _take_first(self) -> None:
        if self.hits:
            self._take_row(0)

    def _take_row(self, row: int) -> None:
        if 0 <= row < len(self.hits):
            self.show_member(self.hits[row].member_id)

    def show_member(self, member_id: str) -> None:
        """Show ``member_id`` on this page (from a search, or from another page)."""
        if member_id != self.member_id:
            self.files = None
            self.reason.clear()
            self.confirm.clear()
        self.member_id = member_id
        self.view = None
        self._show()
        self._load()

    def open_for(self, member_id: str) -> None:
        """Bring this page forward in the desk with ``member_id`` on it (e.g. from the member's 360 page)."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QTabWidget):
            parent = parent.parentWidget()
        if isinstance(parent, QTabWidget):
            parent.setCurrentWidget(self)
        self.show_member(member_id)
        self.export_button.setFocus()

    def _load(self) -> None:
        member_id = self.member_id
        if member_id is None:
            return
        self._viewed += 1
        number = self._viewed
        service = self.service
        self.ctx.ops.query(
            lambda: service.view(member_id),
            lambda view: self._viewed_member(number, view),
            lambda text, _exc: self.message.emit(text, "error"),
        )

    def _viewed_member(self, number: int, view: PrivacyView) -> None:
        if number != self._viewed or view.member.id != self.member_id:
            return
        self.view = view
        self._show()

    # -- drawing -------------------------------------------------------------------------------------
    def _show(self) -> None:
        QTimer.singleShot(0, self._fit_wrapped)  # once the new texts are laid out
        view = self.view
        actor = self.ctx.actor
        manager = actor is not None and actor.can(Permission.PRIVACY)
        self.held_scroll.setVisible(self.member_id is not None)
        self.actions_scroll.setVisible(self.member_id is not None)
        if view is None:
            self.name.setText(self.tr("Reading the member…") if self.member_id else "")
            self.profile.setText("")
            for widget in (self.export_button, self.erase_button, *self.consent_buttons.values()):
                widget.setEnabled(False)
            self.hint.setText("")
            return
        member = view.member
        erased = member.status == "erased"
        region = self.ctx.svc.core.phone_region
        self.name.setText(
            self.tr("Member {number}: personal data erased").format(number=member.member_number)
            if erased
            else self.tr("{name} (member {number})").format(
                name=member.full_name, number=member.member_number
            )
        )
        facts = [
            (self.tr("Phone"), phone(member.phone, region) or "—"),
            (self.tr("E-mail"), member.email or "—"),
            (self.tr("Birthday"), self._day(member.birthday) if member.birthday else "—"),
            (self.tr("Points"), points(member.balance)),
            (self.tr("Cards"), QLocale().toString(view.cards)),
            (self.tr("Entries in the history"), QLocale().toString(view.entries)),
        ]
        if view.merged:
            facts.append((self.tr("Records merged into it"), ", ".join(view.merged)))
        if erased and view.erased_at is not None:
            facts.append((self.tr("Erased on"), self._when(view.erased_at)))
        self.profile.setText(
            "<table cellspacing='0' cellpadding='2'>"
            + "".join(
                f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td><td>{html.escape(v)}</td></tr>"
                for k, v in facts
            )
            + "</table>"
        )
        current = view.current()
        for wording in CONSENT_TEXTS:
            answer = current.get(wording.purpose)
            line, button = self.consent_lines[wording.purpose], self.consent_buttons[wording.purpose]
            if answer is None:
                text = self.tr("{purpose}: never asked").format(purpose=purpose_text(wording.purpose))
            else:
                text = (
                    self.tr("{purpose}: agreed (text {version}, {when})")
                    if answer.granted
                    else self.tr("{purpose}: refused or withdrawn (text {version}, {when})")
                ).format(
                    purpose=purpose_text(wording.purpose),
                    version=answer.text_version,
                    when=self._when(answer.recorded_at),
                )
            line.setText(text)
            granted = answer is not None and answer.granted
            button.setText(self.tr("Withdraw") if granted else self.tr("Record agreement"))
            button.setEnabled(not erased and not self.busy)
        self.consent_history.setHtml(self.consent_history_html(view))
        files = self.files
        self.export_result.setText(
            self.tr("Saved: {json} and {pdf}").format(json=str(files.json_path), pdf=str(files.pdf_path))
            if files is not None
            else ""
        )
        self.export_button.setEnabled(manager and not self.busy)
        self.erase_box.setVisible(not erased)
        ready = bool(self.reason.text().strip()) and self.confirm.text().strip() == member.member_number
        self.erase_button.setEnabled(manager and not erased and not self.busy and ready)
        if not manager:
            self.hint.setText(
                self.tr("Only a manager can export or erase personal data. Ask a manager to sign in.")
            )
        elif erased:
            self.hint.setText(
                self.tr("This member's personal data is erased: the points stay, without the person.")
            )
        elif not ready:
            self.hint.setText(
                self.tr("To erase: give the reason and type the member number {number}.").format(
                    number=member.member_number
                )
            )
        else:
            self.hint.setText("")

    def consent_history_html(self, view: PrivacyView) -> str:
        """Every answer, newest first, with the words it answered."""
        english = QLocale().language() != QLocale.Language.Vietnamese
        agreed, refused = self.tr("agreed"), self.tr("refused or withdrawn")
        out = []
        for c in reversed(view.consents):
            version = self.tr("text {version}").format(version=c.text_version)
            answer = agreed if c.granted else refused
            head = f"{self._when(c.recorded_at)} — {purpose_text(c.purpose)}: "
            words = (c.text_en if english else c.text_vi) or ""
            out.append(
                f"<p>{html.escape(head)}<b>{html.escape(answer)}</b> ({html.escape(version)})"
                + (f"<br/><i>{html.escape(words)}</i>" if words else "")
                + "</p>"
            )
        if not out:
            nothing = self.tr("No consent was asked.")
            out.append(f"<p>{html.escape(nothing)}</p>")
        return "".join(out)

    def _when(self, moment: datetime) -> str:
        local = moment.astimezone(self.ctx.program.zone)
        value = QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))
        return QLocale().toString(value, "dd/MM/yyyy HH:mm")

    @staticmethod
    def _day(day: date) -> str:
        return QLocale().toString(QDate(day.year, day.month, day.day), "dd/MM/yyyy")

    # -- consents --------------------------------------------------------------------------------------
    def toggle_consent(self, purpose: str) -> None:
        view, actor = self.view, self.ctx.actor
        if view is None or actor is None or self.busy:
            return
        answer = view.current().get(purpose)
        granted = not (answer is not None and answer.granted)
        service, member_id = self.service, view.member.id
        self.busy = True
        self._show()

        def done(_none: None) -> None:
            self.busy = False
            self.message.emit(
                (
                    self.tr("Recorded: {purpose}, agreed.")
                    if granted
                    else self.tr("Recorded: {purpose}, withdrawn.")
                ).format(purpose=purpose_text(purpose)),
                "ok",
            )
            self._load()

        self.ctx.ops.query(
            lambda: service.set_consent(actor, member_id, purpose, granted), done, self._failed
        )

    # -- export ----------------------------------------------------------------------------------------
    def export(self) -> None:
        view, actor = self.view, self.ctx.actor
        if view is None or actor is None or self.busy:
            return
        self.busy = True
        self._show()
        service, member_id = self.service, view.member.id
        self.ctx.ops.query(lambda: service.export(actor, member_id), self._exported, self._failed)

    def _exported(self, export: MemberExport) -> None:
        # Drawn here (Qt, the UI thread), written by the worker.
        title = self.tr("Personal data of member {number}").format(number=export.member_number)
        pdf = render_export_pdf(export, self.ctx.program.zone, title)
        service = self.service
        self.ctx.ops.query(lambda: service.write_export(export, pdf), self._saved, self._failed)

    def _saved(self, files: ExportFiles) -> None:
        self.busy = False
        self.files = files
        self.message.emit(
            self.tr("The member's data is saved in {folder} as JSON and PDF.").format(
                folder=str(files.json_path.parent)
            ),
            "ok",
        )
        self._show()

    # -- erasure ---------------------------------------------------------------------------------------
    def erase(self) -> None:
        view, actor = self.view, self.ctx.actor
        if view is None or actor is None or self.busy:
            return
        if not actor.can(Permission.PRIVACY):
            self.message.emit(
                self.tr("Only a manager can export or erase personal data. Ask a manager to sign in."),
                "error",
            )
            return
        if not self.erase_button.isEnabled():
            self.message.emit(
                self.tr("Give the reason and type the member number {number} to erase.").format(
                    number=view.member.member_number
                ),
                "error",
            )
            return
        self.busy = True
        self._show()
        service, member_id = self.service, view.member.id
        reason, typed = self.reason.text(), self.confirm.text()
        self.ctx.ops.query(
            lambda: service.erase(actor, member_id, reason, confirm_number=typed), self._erased, self._failed
        )

    def _erased(self, erasure: Erasure) -> None:
        self.busy = False
        self.files = None
        self.reason.clear()
        self.confirm.clear()
        # Every screen showing this member refreshes (the counter, if they are being served).
        self.ctx.ops.changed.emit(Change(operation="erase", member=erasure.member))
        self.message.emit(
            self.tr(
                "The personal data of member {number} is erased; {cards} card(s) unlinked. The central service "
                "learns it at the next sync."
            ).format(number=erasure.member.member_number, cards=erasure.cards),
            "ok",
        )
        self.hits = []
        self.field.clear()
        self._fill_hits()
        self._load()

    def _failed(self, sentence: str, _exc: BaseException) -> None:
        self.busy = False
        self.message.emit(sentence, "error")
        self._show()
