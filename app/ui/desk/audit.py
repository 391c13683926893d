"""The desk's Audit page: who did what, to whom, when; the hash chains checked on demand; an export to CSV.

Filters (staff, action, member, days) narrow the log; pages of ``PAGE_SIZE`` rows come newest first by keyset
(``AuditLogService.page``), so paging costs the same at the end of a large log as at its start. A row about a
member (the member, one of their cards, one of their ledger entries) opens that member with Enter or a
double-click. Checking the chains and exporting read the whole database: they run on their own thread
(``BackgroundJob``) with progress, and the till can serve meanwhile. The export goes to a file in the till's
data folder unless the manager picks another (a non-modal file dialog).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QEvent, QLocale, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import Permission
from app.services.audit_log import (
    PAGE_SIZE,
    AuditFilter,
    AuditLogService,
    AuditPage,
    AuditRow,
    ChainProblem,
    ChainVerdict,
)
from app.services.views import StaffView
from app.ui.context import TillContext
from app.ui.desk.background import BackgroundJob
from app.ui.i18n import points
from app.ui.theme import set_property
from loyalty.errors import InvalidInput, NotFound

ROW_HEIGHT = 40
MAX_PROBLEMS_SHOWN = 20
MAX_MEMBER_TEXT = 40
SYSTEM_STAFF = "system"
DATE_FORMAT = "dd/MM/yyyy"


class AuditLogPage(QWidget):
    member_requested = Signal(str)
    message = Signal(str, str)

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = AuditLogService(ctx.svc.core)
        self.where = AuditFilter()
        self.page: AuditPage | None = None
        self.rows: list[AuditRow] = []
        self.staff: list[StaffView] = []
        self.action_codes: list[str] = []
        self.verdict: ChainVerdict | None = None
        self.exported: tuple[int, Path] | None = None
        self.loading = False
        self._asked = 0
        self.check_job = BackgroundJob(ctx.ops.store_path, self)
        self.export_job = BackgroundJob(ctx.ops.store_path, self)
        self.dialog: QFileDialog | None = None

        # Filters.
        self.staff_box = QComboBox()
        self.action_box = QComboBox()
        self.member_field = QLineEdit()
        self.member_field.setMaxLength(MAX_MEMBER_TEXT)
        self.since_field = QLineEdit()
        self.until_field = QLineEdit()
        for field in (self.since_field, self.until_field):
            field.setMaxLength(10)
            field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.staff_label, self.action_label, self.member_label = QLabel(), QLabel(), QLabel()
        self.since_label, self.until_label = QLabel(), QLabel()
        for label, buddy in (
            (self.staff_label, self.staff_box),
            (self.action_label, self.action_box),
            (self.member_label, self.member_field),
            (self.since_label, self.since_field),
            (self.until_label, self.until_field),
        ):
            label.setBuddy(buddy)
        self.show_button = QPushButton()
        self.show_button.setAutoDefault(True)
        self.clear_button = QPushButton()
        self.clear_button.setProperty("secondary", True)

        # The rows.
        self.table = QTableWidget(0, 5)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        for column in range(5):  # member and details share what the others leave; the full text is a tooltip
            stretch = column in (3, 4)
            header.setSectionResizeMode(
                column, QHeaderView.ResizeMode.Stretch if stretch else QHeaderView.ResizeMode.ResizeToContents
            )
        self.newer_button = QPushButton()
        self.older_button = QPushButton()
        self.open_button = QPushButton()
        for button in (self.newer_button, self.older_button, self.open_button, self.clear_button):
            button.setProperty("secondary", True)
            button.setAutoDefault(True)
        self.page_line = QLabel()
        self.refused = QLabel()
        self.refused.setObjectName("warning")
        self.refused.setWordWrap(True)

        # The chains.
        self.check_button = QPushButton()
        self.check_button.setAutoDefault(True)
        self.check_stop = QPushButton()
        self.check_stop.setProperty("secondary", True)
        self.check_progress = QProgressBar()
        self.verdict_line = QLabel()
        self.verdict_line.setObjectName("message")
        self.verdict_line.setWordWrap(True)
        set_property(self.verdict_line, "tone", "info")
        self.problems_line = QLabel()
        self.problems_line.setWordWrap(True)
        self.problems_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # The export.
        self.path_field = QLineEdit()
        self.path_label = QLabel()
        self.path_label.setBuddy(self.path_field)
        self.choose_button = QPushButton()
        self.choose_button.setProperty("secondary", True)
        self.export_button = QPushButton()
        self.export_button.setAutoDefault(True)
        self.export_progress = QProgressBar()

        filters = QGridLayout()
        filters.addWidget(self.staff_label, 0, 0)
        filters.addWidget(self.staff_box, 0, 1)
        filters.addWidget(self.action_label, 0, 2)
        filters.addWidget(self.action_box, 0, 3)
        filters.addWidget(self.member_label, 0, 4)
        filters.addWidget(self.member_field, 0, 5)
        filters.addWidget(self.since_label, 1, 0)
        filters.addWidget(self.since_field, 1, 1)
        filters.addWidget(self.until_label, 1, 2)
        filters.addWidget(self.until_field, 1, 3)
        filter_buttons = QHBoxLayout()
        filter_buttons.addWidget(self.show_button)
        filter_buttons.addWidget(self.clear_button)
        filters.addLayout(filter_buttons, 1, 4, 1, 2)
        for column in (1, 3, 5):
            filters.setColumnStretch(column, 1)
        paging = QHBoxLayout()
        paging.addWidget(self.newer_button)
        paging.addWidget(self.older_button)
        paging.addWidget(self.page_line, 1)
        paging.addWidget(self.open_button)
        # The check and the export share one row: the records keep the height.
        tools = QHBoxLayout()
        tools.addWidget(self.check_button)
        tools.addWidget(self.check_stop)
        tools.addWidget(self.check_progress)
        tools.addSpacing(16)
        tools.addWidget(self.path_label)
        tools.addWidget(self.path_field, 1)
        tools.addWidget(self.choose_button)
        tools.addWidget(self.export_button)
        tools.addWidget(self.export_progress)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.refused)
        layout.addWidget(self.table, 1)
        layout.addLayout(paging)
        layout.addLayout(tools)
        layout.addWidget(self.verdict_line)
        layout.addWidget(self.problems_line)

        self.setTabOrder(self.staff_box, self.action_box)
        self.setTabOrder(self.action_box, self.member_field)
        self.setTabOrder(self.member_field, self.since_field)
        self.setTabOrder(self.since_field, self.until_field)
        self.setTabOrder(self.until_field, self.show_button)
        self.setTabOrder(self.show_button, self.table)
        self.setTabOrder(self.table, self.older_button)
        self.setTabOrder(self.older_button, self.newer_button)
        self.setTabOrder(self.newer_button, self.check_button)
        self.setTabOrder(self.check_button, self.path_field)
        self.setTabOrder(self.path_field, self.export_button)

        for field in (self.member_field, self.since_field, self.until_field):
            field.returnPressed.connect(self.apply)
        self.show_button.clicked.connect(self.apply)
        self.clear_button.clicked.connect(self.clear_filters)
        self.newer_button.clicked.connect(self.newer)
        self.older_button.clicked.connect(self.older)
        self.open_button.clicked.connect(self.open_row)
        self.table.activated.connect(lambda _index: self.open_row())
        self.check_button.clicked.connect(self.check_chains)
        self.check_stop.clicked.connect(self.check_job.stop)
        self.check_job.progressed.connect(lambda done, total: _advance(self.check_progress, done, total))
        self.check_job.finished.connect(self._checked)
        self.check_job.failed.connect(self._check_failed)
        self.check_job.stopped.connect(self._check_stopped)
        self.choose_button.clicked.connect(self.choose_file)
        self.export_button.clicked.connect(self.export)
        self.path_field.returnPressed.connect(self.export)
        self.export_job.progressed.connect(lambda done, total: _advance(self.export_progress, done, total))
        self.export_job.finished.connect(self._exported)
        self.export_job.failed.connect(self._export_failed)
        self.export_job.stopped.connect(self._draw)
        self.retranslate()

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("AuditLogPage", "Audit")

    # -- language ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Audit log"))
        self.staff_label.setText(self.tr("&Staff"))
        self.staff_box.setAccessibleName(self.tr("Only what this member of staff did"))
        self.action_label.setText(self.tr("&Action"))
        self.action_box.setAccessibleName(self.tr("Only this action"))
        self.member_label.setText(self.tr("&Member"))
        self.member_field.setPlaceholderText(self.tr("member no. or phone"))
        self.member_field.setAccessibleName(self.tr("Only what is about this member"))
        self.since_label.setText(self.tr("&From"))
        self.until_label.setText(self.tr("&To"))
        for field in (self.since_field, self.until_field):
            field.setPlaceholderText(self.tr("dd/mm/yyyy"))
        self.since_field.setAccessibleName(self.tr("From this day"))
        self.until_field.setAccessibleName(self.tr("Up to this day"))
        self.show_button.setText(self.tr("Show (Enter)"))
        self.show_button.setAccessibleName(self.tr("Show the records that match"))
        self.clear_button.setText(self.tr("Clear"))
        self.clear_button.setAccessibleName(self.tr("Clear the filters"))
        self.table.setAccessibleName(self.tr("Audit records"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("Staff"), self.tr("Action"), self.tr("Member"), self.tr("Details")]
        )
        self.newer_button.setText(self.tr("Newer"))
        self.newer_button.setAccessibleName(self.tr("Newer records"))
        self.older_button.setText(self.tr("Older"))
        self.older_button.setAccessibleName(self.tr("Older records"))
        self.open_button.setText(self.tr("Open the member (Enter)"))
        self.open_button.setAccessibleName(self.tr("Open the member of the chosen record"))
        self.check_button.setText(self.tr("Check the hash chains"))
        self.check_button.setAccessibleName(self.tr("Check the audit log and ledger hash chains"))
        self.check_stop.setText(self.tr("Stop"))
        self.check_stop.setAccessibleName(self.tr("Stop the check"))
        self.check_progress.setAccessibleName(self.tr("Progress of the check"))
        self.verdict_line.setAccessibleName(self.tr("Verdict of the check"))
        self.path_label.setText(self.tr("E&xport to"))
        self.path_field.setAccessibleName(self.tr("File to export the records to"))
        self.choose_button.setText(self.tr("Choose…"))
        self.choose_button.setAccessibleName(self.tr("Choose the file"))
        self.export_button.setText(self.tr("Export to CSV"))
        self.export_button.setAccessibleName(self.tr("Export the records that match to a CSV file"))
        self.export_progress.setAccessibleName(self.tr("Progress of the export"))
        self._fill_boxes()
        self._fill_rows()
        self._show_verdict()
        self._draw()

    # -- coming into view --------------------------------------------------------------------------
    def activated(self) -> None:
        """Shown: the filters' choices and the newest records, read again (the log grows)."""
        actor = self.ctx.actor
        if actor is None:
            return
        if not actor.can(Permission.READ_AUDIT):
            self.rows, self.page = [], None
            self.refused.setText(
                self.tr(
                    "Only a manager can read the audit log. Ask a manager to sign in (Ctrl+L, then switch)."
                )
            )
            self._fill_rows()
            self._draw()
            return
        self.refused.setText("")
        if not self.path_field.text().strip():
            self.path_field.setText(str(self.default_path()))
        service, staff = self.service, self.ctx.svc.staff

        def choices() -> tuple[list[StaffView], list[str]]:
            return staff.list(), service.actions(actor)

        def shown(found: tuple[list[StaffView], list[str]]) -> None:
            self.staff, self.action_codes = found
            self._fill_boxes()

        self.ctx.ops.query(choices, shown, lambda text, _exc: self._say(text, "error"))
        self._load()
        self.table.setFocus()

    def default_path(self) -> Path:
        """A new file in the till's data folder, named for the moment it was proposed."""
        folder = self.ctx.svc.core.store.path.parent / "exports"
        stamp = self.ctx.svc.core.now().astimezone(self.ctx.program.zone).strftime("%Y%m%d-%H%M%S")
        return folder / f"audit-{stamp}.csv"

    # -- filters -----------------------------------------------------------------------------------
    def apply(self) -> None:
        """Enter: read the filters and show the newest records that match."""
        actor = self.ctx.actor
        if actor is None:
            return
        since, problem = self._day(self.since_field)
        if problem:
            return
        until, problem = self._day(self.until_field)
        if problem:
            return
        if since is not None and until is not None and until < since:
            self._say(self.tr("The end day comes before the start day: swap them."), "error")
            self.until_field.setFocus()
            return
        zone = self.ctx.program.zone
        where = AuditFilter(
            staff_id=self.staff_box.currentData(),
            action=self.action_box.currentData(),
            since=None if since is None else datetime(since.year(), since.month(), since.day(), tzinfo=zone),
            until=None
            if until is None
            else datetime(until.year(), until.month(), until.day(), tzinfo=zone) + timedelta(days=1),
        )
        text = self.member_field.text().strip()
        if not text:
            self.where = where
            self._load()
            return
        members = self.ctx.svc.members

        def member_of() -> str:
            try:
                return members.by_number(text).id
            except (NotFound, InvalidInput):
                hits = members.search(text, limit=2)
                if len(hits) == 1:
                    return hits[0].member_id
                raise

        def found(member_id: str) -> None:
            self.where = AuditFilter(where.staff_id, where.action, member_id, where.since, where.until)
            self._load()

        def not_found(_text: str, _exc: BaseException) -> None:
            self._say(
                self.tr(
                    "No single member matches {text}: type their member number or full phone number."
                ).format(text=text),
                "error",
            )
            self.member_field.setFocus()
            self.member_field.selectAll()

        self.ctx.ops.query(member_of, found, not_found)

    def _day(self, field: QLineEdit) -> tuple[QDate | None, bool]:
        text = field.text().strip()
        if not text:
            return None, False
        day = QDate.fromString(text, "d/M/yyyy")
        if not day.isValid():
            self._say(self.tr("Type the day as dd/mm/yyyy, e.g. 02/03/2026."), "error")
            field.setFocus()
            field.selectAll()
            return None, True
        return day, False

    def clear_filters(self) -> None:
        for field in (self.member_field, self.since_field, self.until_field):
            field.clear()
        self.staff_box.setCurrentIndex(0)
        self.action_box.setCurrentIndex(0)
        self.where = AuditFilter()
        self._load()

    def _fill_boxes(self) -> None:
        for box, items in (
            (
                self.staff_box,
                [(self.tr("Anyone"), None), (self.tr("System"), SYSTEM_STAFF)]
                + [(f"{s.name} ({s.code})", s.id) for s in self.staff],
            ),
            (
                self.action_box,
                [(self.tr("Any action"), None)] + [(self.action_name(a), a) for a in self.action_codes],
            ),
        ):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            for text, data in items:
                box.addItem(text, data)
            index = box.findData(chosen)
            box.setCurrentIndex(max(index, 0))
            box.blockSignals(False)

    # -- pages -------------------------------------------------------------------------------------
    def _load(self, *, before: int | None = None, after: int | None = None) -> None:
        actor = self.ctx.actor
        if actor is None:
            return
        self._asked += 1
        number = self._asked
        self.loading = True
        self._draw()
        service, where = self.service, self.where
        self.ctx.ops.query(
            lambda: service.page(actor, where, before=before, after=after),
            lambda page: self._shown(number, page),
            lambda text, _exc: self._not_shown(number, text),
        )

    def _shown(self, number: int, page: AuditPage) -> None:
        if number != self._asked:
            return
        self.loading = False
        self.page = page
        self.rows = list(page.rows)
        self._fill_rows()
        self._draw()
        if self.rows:
            self.table.selectRow(0)

    def _not_shown(self, number: int, text: str) -> None:
        if number == self._asked:
            self.loading = False
            self._draw()
            self._say(text, "error")

    def older(self) -> None:
        if self.page is not None and self.page.older and self.rows:
            self._load(before=self.rows[-1].seq)

    def newer(self) -> None:
        if self.page is not None and self.page.newer and self.rows:
            self._load(after=self.rows[0].seq)

    def _fill_rows(self) -> None:
        table = self.table
        table.setRowCount(len(self.rows))
        for row, record in enumerate(self.rows):
            cells = (
                self._when(record.at),
                self._staff(record),
                self.action_name(record.action),
                self._member(record),
                self.details_text(record),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, col, item)
            if record.member_number is not None:
                member = table.item(row, 3)
                assert member is not None  # set just above
                member.setToolTip(
                    self.tr("{name} (no. {number})").format(
                        name=record.member_name or "", number=record.member_number
                    )
                )

    def open_row(self) -> None:
        """Enter or a double-click on a record: its member's page."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.rows):
            self._say(self.tr("Choose a record first."), "error")
            return
        record = self.rows[rows[0].row()]
        if record.member_id is None:
            self._say(self.tr("This record is not about a member."), "info")
            return
        self.member_requested.emit(record.member_id)

    # -- the chains --------------------------------------------------------------------------------
    def check_chains(self) -> None:
        actor = self.ctx.actor
        if actor is None or self.check_job.running:
            return
        service = self.service
        self.verdict = None
        self.check_progress.setRange(0, 0)
        self.verdict_line.setText(self.tr("Checking every audit record and ledger entry…"))
        set_property(self.verdict_line, "tone", "info")
        self.problems_line.setText("")
        self.check_job.start(lambda progress, stop: service.verify(actor, progress=progress, stop=stop))
        self._draw()

    def _checked(self, verdict: ChainVerdict) -> None:
        self.verdict = verdict
        _advance(self.check_progress, 1, 1)
        self._show_verdict()
        self._draw()

    def _check_failed(self, text: str, _exc: object) -> None:
        self.verdict_line.setText(text)
        set_property(self.verdict_line, "tone", "error")
        self._draw()

    def _check_stopped(self) -> None:
        self.verdict_line.setText(self.tr("The check was stopped before the end: no verdict."))
        set_property(self.verdict_line, "tone", "info")
        self._draw()

    def _show_verdict(self) -> None:
        verdict = self.verdict
        if verdict is None:
            if not self.check_job.running and not self.verdict_line.text():
                self.verdict_line.setText(
                    self.tr(
                        "The hash chains show whether anything was changed outside the till. Check them now."
                    )
                )
            return
        counts = self.tr(
            "{records} audit records and {entries} ledger entries of {tills} till(s) checked."
        ).format(
            records=points(verdict.audit_records), entries=points(verdict.ledger_entries), tills=verdict.tills
        )
        if verdict.intact:
            self.verdict_line.setText(
                self.tr("Intact: nothing was changed, removed or added outside the till. {counts}").format(
                    counts=counts
                )
            )
            set_property(self.verdict_line, "tone", "ok")
            self.problems_line.setText("")
            return
        audit, ledger = len(verdict.of("audit")), len(verdict.of("ledger"))
        self.verdict_line.setText(
            self.tr(
                "Broken: the database was changed outside the till ({audit} problem(s) in the audit log, "
                "{ledger} in the ledger). Keep this file and call the store's support. {counts}"
            ).format(audit=audit, ledger=ledger, counts=counts)
        )
        set_property(self.verdict_line, "tone", "error")
        lines = [self.problem_text(p) for p in verdict.problems[:MAX_PROBLEMS_SHOWN]]
        if len(verdict.problems) > MAX_PROBLEMS_SHOWN:
            lines.append(
                self.tr("… and {count} more.").format(count=len(verdict.problems) - MAX_PROBLEMS_SHOWN)
            )
        self.problems_line.setText("\n".join(lines))

    def problem_text(self, p: ChainProblem) -> str:
        values = {"seq": p.seq, "first": p.seq, "last": p.last, "till": p.till_id}
        if p.chain == "audit":
            texts = {
                "edited": self.tr("Audit record {seq} was changed after it was written."),
                "missing": self.tr("Audit records {first} to {last} are missing: they were deleted."),
                "broken_link": self.tr(
                    "Audit record {seq} does not follow the record before it: a record was inserted, replaced or "
                    "moved."
                ),
                "unreadable": self.tr("Audit record {seq} has details that cannot be read."),
                "truncated": self.tr("Audit records {first} to {last} were removed from the end."),
            }
        else:
            texts = {
                "edited": self.tr("Ledger entry {seq} of till {till} was changed after it was written."),
                "missing": self.tr(
                    "Ledger entries {first} to {last} of till {till} are missing: they were deleted."
                ),
                "broken_link": self.tr(
                    "Ledger entry {seq} of till {till} does not follow the entry before it: an entry was inserted, "
                    "replaced or moved."
                ),
                "truncated": self.tr(
                    "Ledger entries {first} to {last} of till {till} were removed from the end."
                ),
                "added": self.tr(
                    "Ledger entries {first} to {last} of till {till} were added outside the till."
                ),
                "head_changed": self.tr(
                    "The last ledger entry of till {till} (entry {seq}) is not the one the till wrote."
                ),
                "no_head": self.tr("Till {till} has ledger entries but no record of where its chain ends."),
            }
        template = texts.get(p.kind)
        if template is None:
            return f"{p.chain} {p.kind} {p.seq}"
        return template.format(**values)

    # -- the export --------------------------------------------------------------------------------
    def choose_file(self) -> None:
        """A non-modal file dialog (the window keeps running); the chosen name goes into the field."""
        if self.dialog is None:
            self.dialog = QFileDialog(self, self.tr("Export the audit records to"))
            self.dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            self.dialog.setNameFilter(self.tr("CSV files (*.csv)"))
            self.dialog.setDefaultSuffix("csv")
            self.dialog.fileSelected.connect(self._file_chosen)
        current = Path(self.path_field.text().strip() or self.default_path())
        self.dialog.setDirectory(str(current.parent))
        self.dialog.selectFile(current.name)
        self.dialog.open()

    def _file_chosen(self, name: str) -> None:
        if name:
            self.path_field.setText(name)
            self.export_button.setFocus()

    def export(self) -> None:
        actor = self.ctx.actor
        if actor is None or self.export_job.running:
            return
        text = self.path_field.text().strip()
        if not text:
            self._say(self.tr("Type the file to export to, or press Choose…"), "error")
            self.path_field.setFocus()
            return
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.ctx.svc.core.store.path.parent / path
        if path.exists():
            self._say(
                self.tr("{path} already exists: choose another name, nothing was overwritten.").format(
                    path=path
                ),
                "error",
            )
            self.path_field.setFocus()
            self.path_field.selectAll()
            return
        service, where = self.service, self.where
        self.export_progress.setRange(0, 0)
        self.export_job.start(
            lambda progress, stop: (
                service.export_csv(actor, where, path, progress=progress, stop=stop),
                path,
            )
        )
        self._draw()

    def _exported(self, result: tuple[int, Path]) -> None:
        self.exported = result
        count, path = result
        _advance(self.export_progress, 1, 1)
        self._draw()
        self._say(self.tr("{count} records written to {path}.").format(count=points(count), path=path), "ok")
        self.path_field.setText(str(self.default_path()))  # the next export gets a name of its own

    def _export_failed(self, text: str, _exc: object) -> None:
        self._draw()
        self._say(text, "error")

    # -- drawing -----------------------------------------------------------------------------------
    def _draw(self) -> None:
        allowed = self.ctx.actor is not None and self.ctx.actor.can(Permission.READ_AUDIT)
        self.refused.setVisible(bool(self.refused.text()))
        for widget in (
            self.staff_box,
            self.action_box,
            self.member_field,
            self.since_field,
            self.until_field,
            self.show_button,
            self.clear_button,
            self.path_field,
            self.choose_button,
        ):
            widget.setEnabled(allowed)
        page = self.page
        self.newer_button.setEnabled(allowed and page is not None and page.newer and not self.loading)
        self.older_button.setEnabled(allowed and page is not None and page.older and not self.loading)
        self.open_button.setEnabled(allowed and bool(self.rows))
        self.check_button.setEnabled(allowed and not self.check_job.running)
        self.check_stop.setVisible(self.check_job.running)
        self.check_progress.setVisible(self.check_job.running)
        self.export_button.setEnabled(allowed and not self.export_job.running)
        self.export_progress.setVisible(self.export_job.running)
        if self.loading:
            self.page_line.setText(self.tr("Reading…"))
        elif page is None:
            self.page_line.setText("")
        elif not self.rows:
            self.page_line.setText(self.tr("No record matches."))
        else:
            self.page_line.setText(
                self.tr("Records {newest} to {oldest}, newest first ({size} a page).").format(
                    newest=self.rows[0].seq, oldest=self.rows[-1].seq, size=PAGE_SIZE
                )
            )

    # -- what a row says ---------------------------------------------------------------------------
    def action_name(self, action: str) -> str:
        names = {
            "program.install": self.tr("Program installed"),
            "staff.create": self.tr("Staff added"),
            "staff.sign_in": self.tr("Signed in"),
            "staff.sign_in_failed": self.tr("Wrong PIN"),
            "staff.approve": self.tr("Manager approved"),
            "staff_card.link": self.tr("Staff card linked"),
            "staff_card.unlink": self.tr("Staff card unlinked"),
            "staff.deactivate": self.tr("Staff deactivated"),
            "staff.reactivate": self.tr("Staff reactivated"),
            "staff.reset_pin": self.tr("PIN reset"),
            "staff.change_role": self.tr("Role changed"),
            "card.link": self.tr("Card linked"),
            "card.block": self.tr("Card blocked"),
            "card.replace": self.tr("Card replaced"),
            "member.merge": self.tr("Members merged"),
            "member.consent": self.tr("Consent recorded"),
            "points.adjust": self.tr("Points adjusted"),
            "redeem.large": self.tr("Large redemption approved"),
            "return": self.tr("Return"),
            "audit.export": self.tr("Audit log exported"),
            "points.reverse": self.tr("Entry reversed"),
            "member.export": self.tr("Member's data exported"),
            "member.erase": self.tr("Member's data erased"),
            "overdraft.recover": self.tr("Overdraft left to recover"),
            "overdraft.write_off": self.tr("Overdraft written off"),
            "inbox.resolve": self.tr("Inbox item resolved"),
        }
        return names.get(action, action)

    def details_text(self, record: AuditRow) -> str:
        d = record.details
        reason = str(d.get("reason", ""))
        if record.action == "points.adjust":
            return self.tr("{points} points: {reason}").format(points=_signed(d.get("points")), reason=reason)
        if record.action == "member.merge":
            return self.tr("no. {source} into no. {target}: {reason}").format(
                source=d.get("source", ""), target=d.get("target", ""), reason=reason
            )
        if record.action == "card.link":
            return self.tr("to member no. {number}").format(number=d.get("member", ""))
        if record.action == "staff.approve":
            return self.tr("by card") if d.get("means") == "card" else self.tr("with code and PIN")
        if record.action == "staff_card.link":
            return self.tr("to staff {code}").format(code=d.get("staff", ""))
        if record.action in ("staff.deactivate", "staff.reactivate", "staff.reset_pin"):
            return self.tr("staff {code}").format(code=d.get("code", ""))
        if record.action == "staff.change_role":
            roles = {"cashier": self.tr("cashier"), "manager": self.tr("manager")}
            return self.tr("staff {code}: {was} → {role}").format(
                code=d.get("code", ""),
                was=roles.get(str(d.get("was", "")), d.get("was", "")),
                role=roles.get(str(d.get("role", "")), d.get("role", "")),
            )
        if record.action == "return":
            return self.tr("receipt {receipt}: {reversed} points taken back, {restored} given back").format(
                receipt=d.get("receipt", ""),
                reversed=points(d.get("reversed") or 0),
                restored=points(d.get("restored") or 0),
            )
        if record.action in ("redeem.large", "points.reverse", "overdraft.write_off"):
            text = self.tr("{points} points").format(points=_signed(d.get("points")))
            return f"{text}: {reason}" if reason else text
        if record.action == "member.consent":
            answer = self.tr("yes") if d.get("granted") else self.tr("no")
            purposes = {"marketing": self.tr("marketing"), "personalisation": self.tr("personalisation")}
            purpose = str(d.get("purpose", ""))
            return self.tr("{purpose}: {answer} (text {version})").format(
                purpose=purposes.get(purpose, purpose), answer=answer, version=d.get("text_version", "")
            )
        if reason:  # blocks, replacements, erasures, recoveries: the reason says it
            return reason
        # Anything else as it was recorded, without the long fingerprints.
        return "; ".join(f"{k}: {v}" for k, v in sorted(d.items()) if k not in ("seal", "sha256"))

    def _staff(self, record: AuditRow) -> str:
        if record.staff_name:
            return record.staff_name
        if record.staff_id in (None, SYSTEM_STAFF):
            return self.tr("System")
        return record.staff_id or ""

    def _member(self, record: AuditRow) -> str:
        """The member's name (their number is in the tooltip: the name is what fits)."""
        if record.member_number is None:
            return ""
        return record.member_name or record.member_number

    def _when(self, at: datetime) -> str:
        local = at.astimezone(self.ctx.program.zone)
        moment = QDateTime(
            QDate(local.year, local.month, local.day), QTime(local.hour, local.minute, local.second)
        )
        return QLocale().toString(moment, "dd/MM/yyyy HH:mm:ss")

    def _say(self, text: str, tone: str) -> None:
        self.message.emit(text, tone)


def _advance(bar: QProgressBar, done: int, total: int) -> None:
    bar.setRange(0, max(total, 1))
    bar.setValue(min(done, max(total, 1)))


def _signed(value: object) -> str:
    if not isinstance(value, int):
        return str(value or "")
    return ("+" if value > 0 else "") + points(value)
