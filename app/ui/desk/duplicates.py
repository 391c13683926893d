"""The desk's Duplicates page: members who are probably one person, the merge previewed, then confirmed.

The likely duplicates are found off the UI thread, with progress (``DuplicateService.find``: shared phone
number once normalised, shared e-mail, similar name with the same birthday); beside them, what the phone
clean-up listed. Choosing a pair previews the merge (the merge itself, rehearsed): both members and the
survivor afterwards, with balances, lots and their expiry, cards and consents (the stricter one wins). The
member who enrolled first is kept unless the manager swaps them. Merging needs a reason and a manager: a
cashier gets the approval box in place. The merge is one audited change.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QEvent, QLocale, Qt, QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from app.services import Actor, Permission
from app.services.duplicates import (
    CleanupRow,
    DuplicatePair,
    DuplicateService,
    Findings,
    MemberSide,
    MergePreview,
)
from app.services.points import MAX_REASON
from app.services.views import Change
from app.ui.approval import ApprovalBox
from app.ui.context import TillContext
from app.ui.desk.background import BackgroundJob
from app.ui.i18n import phone, points
from app.ui.readers import card_digits

ROW_HEIGHT = 40
CONSENT_PURPOSES = ("marketing", "personalisation")


class DuplicatesPage(QWidget):
    member_requested = Signal(str)
    message = Signal(str, str)

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = DuplicateService(ctx.svc.core)
        self.findings: Findings | None = None
        self.pairs: list[DuplicatePair] = []
        self.cleanup: list[CleanupRow] = []
        self.choice: tuple[str, str] | None = None  # (merge id, keep id) previewed or being previewed
        self.preview: MergePreview | None = None
        self.in_flight = False
        self._preview_asked = 0
        self.job = BackgroundJob(ctx.ops.store_path, self)

        self.find_button = QPushButton()
        self.find_button.setAutoDefault(True)
        self.stop_button = QPushButton()
        self.stop_button.setProperty("secondary", True)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.pairs_title = QLabel()
        self.pairs_title.setObjectName("earns")
        self.pairs_table = _table(2, stretch=(0, 1))
        self.cleanup_title = QLabel()
        self.cleanup_title.setWordWrap(True)
        self.cleanup_table = _table(2, stretch=(0,))
        self.preview_title = QLabel()
        self.preview_title.setObjectName("earns")
        self.preview_title.setWordWrap(True)
        self.preview_table = _table(3, stretch=(0, 1, 2), rows_selectable=False)
        self.swap_button = QPushButton()
        self.swap_button.setProperty("secondary", True)
        self.open_button = QPushButton()
        self.open_button.setProperty("secondary", True)
        self.reason = QLineEdit()
        self.reason.setMaxLength(MAX_REASON)
        self.reason_label = QLabel()
        self.reason_label.setBuddy(self.reason)
        self.merge_button = QPushButton()
        self.merge_button.setAutoDefault(True)
        self.approval = ApprovalBox(ctx, wide=True)  # code, PIN and buttons in one row: the page fits 800 px

        # The preview's own buttons sit in the top row: the preview keeps the height.
        top = QHBoxLayout()
        top.addWidget(self.find_button)
        top.addWidget(self.stop_button)
        top.addWidget(self.progress, 1)
        top.addWidget(self.summary, 2)
        top.addWidget(self.swap_button)
        top.addWidget(self.open_button)
        left = QVBoxLayout()
        left.addWidget(self.pairs_title)
        left.addWidget(self.pairs_table, 3)
        left.addWidget(self.cleanup_title)
        left.addWidget(self.cleanup_table, 1)
        reason_row = QHBoxLayout()
        reason_row.addWidget(self.reason_label)
        reason_row.addWidget(self.reason, 1)
        reason_row.addWidget(self.merge_button)
        right = QVBoxLayout()
        right.addWidget(self.preview_title)
        right.addWidget(self.preview_table, 1)
        right.addLayout(reason_row)
        right.addWidget(self.approval)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(columns, 1)

        self.setTabOrder(self.find_button, self.pairs_table)
        self.setTabOrder(self.pairs_table, self.cleanup_table)
        self.setTabOrder(self.cleanup_table, self.reason)
        self.setTabOrder(self.reason, self.merge_button)
        self.setTabOrder(self.merge_button, self.swap_button)
        self.setTabOrder(self.swap_button, self.open_button)

        self.find_button.clicked.connect(self.look)
        self.stop_button.clicked.connect(self.job.stop)
        self.refresh_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.look)
        self.refresh_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.job.progressed.connect(self._progressed)
        self.job.finished.connect(self._found)
        self.job.failed.connect(self._not_found)
        self.job.stopped.connect(self._stopped)
        self.pairs_table.itemSelectionChanged.connect(self._pair_chosen)
        self.cleanup_table.itemSelectionChanged.connect(self._cleanup_chosen)
        self.swap_button.clicked.connect(self.swap)
        self.open_button.clicked.connect(self._open_member)
        self.reason.returnPressed.connect(self.merge)
        self.merge_button.clicked.connect(self.merge)
        self.approval.approved.connect(self._approved)
        self.approval.cancelled.connect(lambda: self._say(self.tr("Nothing was merged."), "info"))
        self.retranslate()

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("DuplicatesPage", "Duplicates")

    # -- language ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Duplicates"))
        self.find_button.setText(self.tr("Find again (F5)"))
        self.find_button.setAccessibleName(self.tr("Find likely duplicates"))
        self.stop_button.setText(self.tr("Stop"))
        self.stop_button.setAccessibleName(self.tr("Stop looking for duplicates"))
        self.progress.setAccessibleName(self.tr("Progress of the search"))
        self.pairs_title.setText(self.tr("Likely duplicates"))
        self.pairs_table.setAccessibleName(self.tr("Likely duplicates"))
        self.pairs_table.setHorizontalHeaderLabels([self.tr("Pair"), self.tr("Why")])
        self.cleanup_title.setText(self.tr("Found when phone numbers were cleaned up"))
        self.cleanup_table.setAccessibleName(self.tr("Members found when phone numbers were cleaned up"))
        self.cleanup_table.setHorizontalHeaderLabels([self.tr("Member"), self.tr("Number they had")])
        self.preview_table.setAccessibleName(self.tr("What the merge does"))
        self.preview_table.setHorizontalHeaderLabels(
            [self.tr("Kept"), self.tr("Merged in"), self.tr("After")]
        )
        self.swap_button.setText(self.tr("Keep the other one"))
        self.swap_button.setAccessibleName(self.tr("Keep the other member instead"))
        self.open_button.setText(self.tr("Open the kept member"))
        self.open_button.setAccessibleName(self.tr("Open the kept member's page"))
        self.reason_label.setText(self.tr("&Reason"))
        self.reason.setPlaceholderText(self.tr("e.g. same person, enrolled twice"))
        self.reason.setAccessibleName(self.tr("Reason for the merge"))
        self.merge_button.setText(self.tr("&Merge (manager)"))
        self.merge_button.setAccessibleName(self.tr("Merge the two members"))
        self._fill_pairs()
        self._fill_cleanup()
        self._fill_preview()
        self._draw()

    # -- coming into view --------------------------------------------------------------------------
    def activated(self) -> None:
        """The first time the page is shown, the search starts; afterwards F5 runs it again."""
        if self.findings is None and not self.job.running:
            self.look()
        self.pairs_table.setFocus()

    # -- finding -----------------------------------------------------------------------------------
    def look(self) -> None:
        actor = self.ctx.actor
        if actor is None or self.job.running:
            return
        service = self.service
        self.progress.setRange(0, 0)
        self.progress.setValue(0)
        self.summary.setText(self.tr("Looking for members who are probably one person…"))
        self.job.start(lambda progress, stop: service.find(actor, progress=progress, stop=stop))
        self._load_cleanup()
        self._draw()

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _found(self, findings: Findings) -> None:
        self.findings = findings
        self.pairs = list(findings.pairs)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self._fill_pairs()
        self._draw()

    def _not_found(self, text: str, _exc: object) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.summary.setText("")
        self._say(text, "error")
        self._draw()

    def _stopped(self) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.summary.setText(self.tr("The search was stopped. Press F5 to look again."))
        self._draw()

    def _load_cleanup(self) -> None:
        actor = self.ctx.actor
        if actor is None:
            return
        service = self.service

        def shown(rows: list[CleanupRow]) -> None:
            self.cleanup = rows
            self._fill_cleanup()

        self.ctx.ops.query(
            lambda: service.cleanup_list(actor), shown, lambda text, _exc: self._say(text, "error")
        )

    def _fill_pairs(self) -> None:
        table = self.pairs_table
        table.blockSignals(True)
        table.setRowCount(len(self.pairs))
        for row, pair in enumerate(self.pairs):
            cells = (
                self._who(pair.keep.full_name, pair.keep.member_number)
                + "\n"
                + self._who(pair.merge.full_name, pair.merge.member_number),
                self._why(pair) + "\n" + self.tr("names {score}% alike").format(score=pair.name_score),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, col, item)
        table.blockSignals(False)
        if self.findings is not None and not self.job.running:
            total = self.findings.total - (len(self.findings.pairs) - len(self.pairs))
            if total == 0:
                self.summary.setText(
                    self.tr(
                        "No likely duplicates: no two members share a phone, an e-mail, or a birthday and a name."
                    )
                )
            elif total > len(self.pairs):
                self.summary.setText(
                    self.tr("Likely duplicates found: {total}; the {shown} most likely are listed.").format(
                        total=points(total), shown=points(len(self.pairs))
                    )
                )
            else:
                self.summary.setText(self.tr("Likely duplicates found: {total}.").format(total=points(total)))

    def _fill_cleanup(self) -> None:
        table = self.cleanup_table
        table.blockSignals(True)
        table.setRowCount(len(self.cleanup))
        region = self.ctx.svc.core.phone_region
        for row, entry in enumerate(self.cleanup):
            same = (
                self.tr("same number as {who}").format(
                    who=self._who(entry.duplicate_of.full_name, entry.duplicate_of.member_number)
                )
                if entry.duplicate_of is not None
                else self.tr("not a valid number")
            )
            cells = (
                self._who(entry.member.full_name, entry.member.member_number) + "\n" + same,
                # As it was typed before the clean-up, and when the clean-up found it.
                (entry.old_value or phone(entry.value, region))
                + "\n"
                + self.tr("found {day}").format(day=self._day(entry.found_at)),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, col, item)
        table.blockSignals(False)
        self.cleanup_title.setVisible(bool(self.cleanup))
        self.cleanup_table.setVisible(bool(self.cleanup))

    # -- choosing and previewing -------------------------------------------------------------------------
    def _pair_chosen(self) -> None:
        rows = self.pairs_table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.pairs):
            return
        pair = self.pairs[rows[0].row()]
        self.choose(pair.merge.id, pair.keep.id)

    def _cleanup_chosen(self) -> None:
        rows = self.cleanup_table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.cleanup):
            return
        entry = self.cleanup[rows[0].row()]
        if entry.duplicate_of is None:
            self.choice, self.preview = None, None
            self._fill_preview()
            self._draw()
            self._say(
                self.tr(
                    "Member no. {number} had a phone number that is not valid ({old}): correct it on the member's "
                    "page; there is nobody to merge."
                ).format(number=entry.member.member_number, old=entry.old_value or ""),
                "info",
            )
            return
        self.choose(entry.member.id, entry.duplicate_of.id)

    def choose(self, merge_id: str, keep_id: str) -> None:
        """Preview merging ``merge_id`` into ``keep_id``."""
        actor = self.ctx.actor
        if actor is None:
            return
        self.approval.close_box()
        self.choice = (merge_id, keep_id)
        self.preview = None
        self._preview_asked += 1
        number = self._preview_asked
        service = self.service
        self._fill_preview()
        self._draw()
        self.ctx.ops.query(
            lambda: service.preview(actor, merge_id, keep_id),
            lambda preview: self._previewed(number, preview),
            lambda text, _exc: self._not_previewed(number, text),
        )

    def _previewed(self, number: int, preview: MergePreview) -> None:
        if number != self._preview_asked:
            return
        self.preview = preview
        self._say("", "info")
        self._fill_preview()
        self._draw()

    def _not_previewed(self, number: int, text: str) -> None:
        if number == self._preview_asked:
            self.choice = None
            self._fill_preview()
            self._draw()
            self._say(text, "error")

    def swap(self) -> None:
        if self.choice is not None and not self.in_flight:
            merge_id, keep_id = self.choice
            self.choose(keep_id, merge_id)

    # -- merging ------------------------------------------------------------------------------------------
    def merge(self) -> None:
        actor, preview = self.ctx.actor, self.preview
        if actor is None or self.in_flight or self.approval.waiting:
            return
        if self.choice is None:
            self._say(
                self.tr("Choose a pair in the list first: the merge is shown before it is done."), "error"
            )
            self.pairs_table.setFocus()
            return
        if preview is None:
            self._say(self.tr("Wait for the preview of the merge, then press Merge."), "info")
            return
        if not self.reason.text().strip():
            self._say(self.tr("Type why these two are one person, then press Merge."), "error")
            self.reason.setFocus()
            return
        if not actor.can(Permission.MERGE):
            self.approval.ask(
                self.tr("Merging members needs a manager: no. {merge} into no. {keep}.").format(
                    merge=preview.merge.member.member_number, keep=preview.keep.member.member_number
                ),
                Permission.MERGE,
            )
            self._draw()
            return
        self._merge(actor)

    def _approved(self, manager: Actor) -> None:
        self._merge(manager)

    def _merge(self, actor: Actor) -> None:
        preview, choice = self.preview, self.choice
        if preview is None or choice is None:
            return
        merge_id, keep_id = choice
        reason = self.reason.text().strip()
        members = self.ctx.svc.members
        self.in_flight = True
        self._draw()
        self.ctx.ops.change(
            lambda: members.merge(actor, merge_id, keep_id, reason),
            lambda change: self._merged(preview, change),
            self._not_merged,
        )

    def _merged(self, preview: MergePreview, change: Change) -> None:
        self.in_flight = False
        gone = preview.merge.member.id
        self.pairs = [p for p in self.pairs if gone not in (p.keep.id, p.merge.id)]
        self.choice, self.preview = None, None
        self.reason.clear()
        self._fill_pairs()
        self._fill_preview()
        self._load_cleanup()
        self._draw()
        self._say(
            self.tr(
                "No. {merge} is merged into {name} (no. {keep}): {points} points now, cards and history together."
            ).format(
                merge=preview.merge.member.member_number,
                name=change.member.full_name,
                keep=change.member.member_number,
                points=points(change.member.balance),
            ),
            "ok",
        )
        self.pairs_table.setFocus()

    def _not_merged(self, text: str, _exc: BaseException) -> None:
        self.in_flight = False
        self._draw()
        self._say(text, "error")

    # -- drawing ------------------------------------------------------------------------------------------
    def _draw(self) -> None:
        running = self.job.running
        self.find_button.setEnabled(not running)
        self.stop_button.setVisible(running)
        self.progress.setVisible(running)
        has_preview = self.preview is not None
        self.swap_button.setEnabled(self.choice is not None and not self.in_flight)
        self.open_button.setEnabled(has_preview)
        self.merge_button.setEnabled(has_preview and not self.in_flight and not self.approval.waiting)
        self.reason.setReadOnly(self.in_flight)
        preview = self.preview
        if self.choice is None:
            self.preview_title.setText(self.tr("Choose a pair to see what merging them does."))
        elif preview is None:
            self.preview_title.setText(self.tr("Working out the merge…"))
        else:
            self.preview_title.setText(
                self.tr("Merge no. {merge} into no. {keep}: {name} keeps their number.").format(
                    merge=preview.merge.member.member_number,
                    keep=preview.keep.member.member_number,
                    name=preview.keep.member.full_name,
                )
            )

    def _fill_preview(self) -> None:
        table = self.preview_table
        preview = self.preview
        labels = [
            self.tr("Member"),
            self.tr("Balance"),
            self.tr("Points, expiry"),
            self.tr("Overdraft"),
            self.tr("Cards"),
            self.tr("Consents"),
        ]
        if preview is None:
            table.setRowCount(0)
            return
        table.setRowCount(len(labels))
        table.setVerticalHeaderLabels(labels)
        for col, side in enumerate((preview.keep, preview.merge, preview.after)):
            for row, text in enumerate(self._side_cells(side)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, col, item)

    def _side_cells(self, side: MemberSide) -> list[str]:
        """One column of the preview: who (name, number, contacts, birthday), balance, lots with their
        expiry, overdraft, cards, consents."""
        m = side.member
        region = self.ctx.svc.core.phone_region
        who = [m.full_name, self.tr("no. {number}").format(number=m.member_number)]
        who += [line for line in (phone(m.phone, region), m.email or "") if line]
        if m.birthday is not None:
            who.append(self.tr("born {day}").format(day=self._birthday(m.birthday)))
        # Lots that expire the same day read as one line: the manager compares days, not lots.
        by_day: dict[str | None, int] = {}
        for lot in side.lots:
            day = None if lot.expires_at is None else self._day(lot.expires_at)
            by_day[day] = by_day.get(day, 0) + lot.points
        lots = [
            self.tr("{points} points, expire {day}").format(points=points(total), day=day)
            if day is not None
            else self.tr("{points} points, no expiry").format(points=points(total))
            for day, total in by_day.items()
        ]
        cards = [
            self.tr("{digits} ({status})").format(
                digits=card_digits(c.label), status=self._card_status(c.status)
            )
            for c in side.cards
        ]
        consents = {c.purpose: c for c in side.consents}
        purposes = {"marketing": self.tr("Marketing"), "personalisation": self.tr("Personal offers")}
        answers = []
        for purpose in CONSENT_PURPOSES:
            c = consents.get(purpose)
            if c is None:
                answer = self.tr("not asked")
            elif c.granted:
                answer = self.tr("yes (text {version})").format(version=c.text_version)
            else:
                answer = self.tr("no (text {version})").format(version=c.text_version)
            answers.append(self.tr("{purpose}: {answer}").format(purpose=purposes[purpose], answer=answer))
        return [
            "\n".join(who),
            self.tr("{points} points").format(points=points(m.balance)),
            "\n".join(lots) or self.tr("none"),
            self.tr("{points} points owed").format(points=points(side.owed))
            if side.owed
            else self.tr("none"),
            "\n".join(cards) or self.tr("none"),
            "\n".join(answers),
        ]

    # -- small helpers ------------------------------------------------------------------------------------
    def _why(self, pair: DuplicatePair) -> str:
        names = {
            "phone": self.tr("same phone"),
            "email": self.tr("same e-mail"),
            "name_birthday": self.tr("name alike, same birthday"),
        }
        return ", ".join(names[r] for r in pair.reasons)

    def _who(self, name: str, number: str) -> str:
        return self.tr("{name} (no. {number})").format(name=name, number=number)

    def _card_status(self, status: str) -> str:
        return {
            "active": self.tr("works"),
            "blocked": self.tr("blocked"),
            "replaced": self.tr("replaced"),
        }.get(status, status)

    def _day(self, at: datetime) -> str:
        local = at.astimezone(self.ctx.program.zone)
        moment = QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))
        return QLocale().toString(moment, "dd/MM/yyyy")

    def _birthday(self, day: date | None) -> str:
        if day is None:
            return ""
        return QLocale().toString(QDate(day.year, day.month, day.day), "dd/MM/yyyy")

    def _open_member(self) -> None:
        if self.preview is not None:
            self.member_requested.emit(self.preview.keep.member.id)

    def _say(self, text: str, tone: str) -> None:
        self.message.emit(text, tone)


def _table(columns: int, *, stretch: tuple[int, ...], rows_selectable: bool = True) -> QTableWidget:
    """A read-only table whose ``stretch`` columns share the width and wrap their text; rows grow to fit
    (never a sideways scroll bar)."""
    table = QTableWidget(0, columns)
    table.setWordWrap(True)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(
        QAbstractItemView.SelectionMode.SingleSelection
        if rows_selectable
        else QAbstractItemView.SelectionMode.NoSelection
    )
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    rows = table.verticalHeader()
    rows.setVisible(not rows_selectable)  # the preview's rows are named; a list's are not
    rows.setMinimumSectionSize(ROW_HEIGHT)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header = table.horizontalHeader()
    for column in range(columns):
        mode = (
            QHeaderView.ResizeMode.Stretch if column in stretch else QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(column, mode)
    return table
