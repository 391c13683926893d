"""The desk's Inbox page: what needs a manager's decision after offline work — overdrafts recorded at this till
and, when the till syncs, the central's items (conflicts, rejected items, overdrafts from offline redemptions
at several tills, receipt numbers two tills awarded points for) — each with its facts and its resolutions; resolved items are kept and shown with a filter.

This till's overdrafts are read through the op runner like any query. The central is asked on a thread of its
own (``BackgroundJob``), never on the database worker: a slow or absent network never holds a sale. When the
central cannot be reached the page says so in one sentence, and this till's part still works.

Resolutions (``app.services.reconcile``): recover from the next earnings, or write off with a reason (manager,
audited); a conflict, a rejected item or a receipt awarded twice is dismissed with a reason once looked at. A till that syncs writes
off through the central, whose entry reaches every till.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QEvent, QLocale, Qt, QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.services import Permission
from app.services.reconcile import (
    MAX_REASON,
    CentralInbox,
    CentralItem,
    CentralOutcome,
    OverdraftItem,
    Reconciliation,
    Status,
)
from app.services.views import Change
from app.ui.context import TillContext
from app.ui.desk.background import BackgroundJob
from app.ui.i18n import points
from app.ui.theme import set_property

ROW_HEIGHT = 40
STATUSES: tuple[Status, ...] = ("open", "resolved", "all")


@dataclass(frozen=True, slots=True)
class Chosen:
    source: Literal["till", "central"]
    key: str  # the overdraft's id, or the central item's number


class InboxPage(QWidget):
    member_requested = Signal(str)
    message = Signal(str, str)  # text, tone

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = Reconciliation(ctx.svc.core)
        self.status: Status = "open"
        self.local: list[OverdraftItem] = []
        self.central: CentralInbox | None = None
        self.central_loading = False
        self.chosen: Chosen | None = None
        self.busy = False
        self._asked = 0
        self.net = BackgroundJob(ctx.ops.store_path, self)  # the central, off the database worker
        self.act = BackgroundJob(ctx.ops.store_path, self)  # a decision sent to the central

        self.heading = QLabel()
        self.heading.setObjectName("title")
        self.filter_label = QLabel()
        self.filter_box = QComboBox()
        self.filter_label.setBuddy(self.filter_box)
        self.refresh_button = QPushButton()
        self.refresh_button.setProperty("secondary", True)
        self.refresh_button.setAutoDefault(True)

        self.local_label = QLabel()
        self.local_table = _table(4, stretch=1)
        self.local_label.setBuddy(self.local_table)
        self.local_empty = QLabel()
        self.local_empty.setObjectName("hint")
        self.local_empty.setWordWrap(True)
        self.central_label = QLabel()
        self.central_state = QLabel()
        self.central_state.setObjectName("hint")
        self.central_state.setWordWrap(True)
        self.central_table = _table(5, stretch=2)
        self.central_label.setBuddy(self.central_table)

        self.facts = QTextBrowser()
        self.facts.setOpenLinks(False)
        self.reason_label = QLabel()
        self.reason = QLineEdit()
        self.reason.setMaxLength(MAX_REASON)
        self.reason_label.setBuddy(self.reason)
        self.recover_button = QPushButton()
        self.write_off_button = QPushButton()
        self.dismiss_button = QPushButton()
        self.open_member_button = QPushButton()
        for button in (
            self.recover_button,
            self.write_off_button,
            self.dismiss_button,
            self.open_member_button,
        ):
            button.setAutoDefault(True)
        self.recover_button.setProperty("secondary", True)
        self.open_member_button.setProperty("secondary", True)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.filter_label)
        top.addWidget(self.filter_box)
        top.addWidget(self.refresh_button)
        lists = QVBoxLayout()
        lists.addWidget(self.local_label)
        lists.addWidget(self.local_table, 1)
        lists.addWidget(self.local_empty)
        lists.addWidget(self.central_label)
        lists.addWidget(self.central_state)
        lists.addWidget(self.central_table, 1)
        side = QVBoxLayout()
        side.addWidget(self.facts, 1)
        side.addWidget(self.reason_label)
        side.addWidget(self.reason)
        buttons = QHBoxLayout()
        buttons.addWidget(self.write_off_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addWidget(self.recover_button)
        side.addLayout(buttons)
        below = QHBoxLayout()
        below.addWidget(self.hint, 1)
        below.addWidget(self.open_member_button)
        side.addLayout(below)
        body = QHBoxLayout()
        body.addLayout(lists, 1)
        body.addLayout(side, 1)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addLayout(body, 1)

        self.setTabOrder(self.filter_box, self.local_table)
        self.setTabOrder(self.local_table, self.central_table)
        self.setTabOrder(self.central_table, self.reason)
        self.setTabOrder(self.reason, self.write_off_button)

        self.filter_box.activated.connect(lambda _i: self._filter_chosen())
        self.refresh_button.clicked.connect(self.load)
        self.local_table.itemSelectionChanged.connect(lambda: self._picked("till"))
        self.central_table.itemSelectionChanged.connect(lambda: self._picked("central"))
        self.recover_button.clicked.connect(lambda: self.resolve("recover"))
        self.write_off_button.clicked.connect(lambda: self.resolve("write_off"))
        self.dismiss_button.clicked.connect(lambda: self.resolve("dismiss"))
        self.open_member_button.clicked.connect(self._open_member)
        self.reason.returnPressed.connect(lambda: self.resolve("write_off"))
        self.net.finished.connect(self._central_loaded)
        self.net.failed.connect(self._central_failed)
        self.act.finished.connect(self._central_resolved)
        self.act.failed.connect(self._failed)
        self.refresh_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.load)
        self.refresh_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.retranslate()

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("InboxPage", "Inbox")

    # -- language ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Reconciliation inbox"))
        self.heading.setText(self.tr("Reconciliation inbox"))
        self.filter_label.setText(self.tr("&Show"))
        current = self.status
        self.filter_box.blockSignals(True)
        self.filter_box.clear()
        for status, text in zip(
            STATUSES, (self.tr("Open items"), self.tr("Resolved items"), self.tr("All items")), strict=True
        ):
            self.filter_box.addItem(text, status)
        self.filter_box.setCurrentIndex(STATUSES.index(current))
        self.filter_box.blockSignals(False)
        self.filter_box.setAccessibleName(self.tr("Which items to show"))
        self.refresh_button.setText(self.tr("Refresh (F5)"))
        self.refresh_button.setAccessibleName(self.tr("Read the inbox again"))
        self.local_label.setText(self.tr("&Overdrafts recorded at this till"))
        self.local_table.setHorizontalHeaderLabels(
            [self.tr("Recorded"), self.tr("Member"), self.tr("Owed"), self.tr("Status")]
        )
        self.local_table.setAccessibleName(self.tr("Overdrafts recorded at this till"))
        self.central_label.setText(self.tr("The &central service's items"))
        self.central_table.setHorizontalHeaderLabels(
            [self.tr("No."), self.tr("Kind"), self.tr("Member"), self.tr("Points"), self.tr("Status")]
        )
        self.central_table.setAccessibleName(self.tr("The central service's inbox items"))
        self.facts.setAccessibleName(self.tr("The item's facts"))
        self.reason_label.setText(self.tr("&Reason (required to write off or dismiss)"))
        self.reason.setPlaceholderText(self.tr("e.g. goodwill: the return was the store's mistake"))
        self.reason.setAccessibleName(self.tr("Reason for the decision"))
        self.recover_button.setText(self.tr("Recover from next earnings"))
        self.recover_button.setAccessibleName(
            self.tr("Recover the overdraft from the member's next earnings")
        )
        self.write_off_button.setText(self.tr("Write off (Enter)"))
        self.write_off_button.setAccessibleName(self.tr("Write off what the member owes"))
        self.dismiss_button.setText(self.tr("Dismiss"))
        self.dismiss_button.setAccessibleName(self.tr("Dismiss the item"))
        self.open_member_button.setText(self.tr("Open the member"))
        self.open_member_button.setAccessibleName(self.tr("Open the member of this item"))
        self._fill_local()
        self._fill_central()
        self._show_chosen()

    # -- loading ------------------------------------------------------------------------------------------
    def activated(self) -> None:
        self.load()

    def _filter_chosen(self) -> None:
        status = self.filter_box.currentData()
        if status in STATUSES and status != self.status:
            self.status = status
            self.chosen = None
            self.load()

    def load(self) -> None:
        """Read this till's overdrafts (database worker) and the central's items (a thread of their own)."""
        self._asked += 1
        number = self._asked
        service, status = self.service, self.status
        self.ctx.ops.query(
            lambda: (service.overdrafts(status), service.enrolled()),
            lambda found: self._local_loaded(number, found),
            lambda text, _exc: self.message.emit(text, "error"),
        )

    def _local_loaded(self, number: int, found: tuple[list[OverdraftItem], bool]) -> None:
        if number != self._asked:
            return
        self.local, enrolled = found
        self._fill_local()
        if enrolled:
            self._ask_central()
        else:
            self.central = CentralInbox("not_enrolled")
            self._fill_central()
        self._show_chosen()

    def _ask_central(self) -> None:
        service, status = self.service, self.status
        if self.net.start(lambda _progress, _stop: service.central_inbox(status)):
            self.central_loading = True
            self._fill_central()

    def _central_loaded(self, inbox: CentralInbox) -> None:
        self.central_loading = False
        self.central = inbox
        self._fill_central()
        self._show_chosen()

    def _central_failed(self, sentence: str, _exc: object) -> None:
        self.central_loading = False
        self.central = CentralInbox("offline", reason=sentence)
        self._fill_central()

    # -- the lists -------------------------------------------------------------------------------------
    def _fill_local(self) -> None:
        table = self.local_table
        table.blockSignals(True)
        table.setRowCount(len(self.local))
        for row, item in enumerate(self.local):
            owed = self.tr("{remaining} of {points}").format(
                remaining=points(item.remaining), points=points(item.points)
            )
            cells = (
                self._day(item.created_at),
                self.member_name(item.member_name, item.member_status),
                owed,
                self.decision_text(item),
            )
            _fill_row(table, row, cells, item.id)
        self._reselect(table, "till")
        table.blockSignals(False)
        self.local_empty.setVisible(not self.local)
        self.local_empty.setText(
            self.tr("No open overdraft at this till.")
            if self.status == "open"
            else self.tr("No overdraft at this till to show.")
        )

    def _fill_central(self) -> None:
        inbox = self.central
        table = self.central_table
        items = list(inbox.items) if inbox is not None else []
        table.blockSignals(True)
        table.setRowCount(len(items))
        for row, item in enumerate(items):
            e = item.entry
            member = (
                self.member_name(item.member_name or "", "")
                if item.member_number
                else (self.tr("not known here") if e.member_id else "—")
            )
            amount = (
                "—"
                if e.points is None
                else self.tr("{remaining} of {points}").format(
                    remaining=points(e.remaining or 0), points=points(e.points)
                )
            )
            cells = (f"#{e.id}", self.kind_text(e.kind), member, amount, self.central_status(item))
            _fill_row(table, row, cells, str(e.id))
        self._reselect(table, "central")
        table.blockSignals(False)
        state = "loading" if self.central_loading else (inbox.state if inbox is not None else "loading")
        sentences = {
            "loading": self.tr("Asking the central service…"),
            "not_enrolled": self.tr(
                "This till does not sync with a central service: only the overdrafts recorded here are listed."
            ),
            "offline": self.tr(
                "The central service cannot be reached now, so its items are not shown. This till's overdrafts "
                "above can still be resolved; press F5 to ask again."
            ),
            "refused": self.tr("The central service refused to show its inbox: {reason}"),
            "ok": self.tr("No item at the central service.")
            if not items
            else (self.tr("Only the first {count} items are shown.") if inbox and inbox.more else ""),
        }
        text = sentences[state].format(reason=inbox.reason if inbox else "", count=len(items))
        self.central_state.setText(text)
        self.central_state.setVisible(bool(text))
        self.central_state.setToolTip(inbox.reason if inbox is not None and state == "offline" else "")
        set_property(self.central_state, "tone", "error" if state in ("offline", "refused") else "")
        self.central_table.setVisible(bool(items))

    def _reselect(self, table: QTableWidget, source: str) -> None:
        chosen = self.chosen
        if chosen is None or chosen.source != source:
            table.clearSelection()
            return
        for row in range(table.rowCount()):
            cell = table.item(row, 0)
            if cell is not None and cell.data(Qt.ItemDataRole.UserRole) == chosen.key:
                table.selectRow(row)
                return
        table.clearSelection()

    def _picked(self, source: Literal["till", "central"]) -> None:
        table = self.local_table if source == "till" else self.central_table
        rows = table.selectionModel().selectedRows()
        if not rows:
            return
        cell = table.item(rows[0].row(), 0)
        if cell is None:
            return
        self.chosen = Chosen(source, str(cell.data(Qt.ItemDataRole.UserRole)))
        other = self.central_table if source == "till" else self.local_table
        other.blockSignals(True)
        other.clearSelection()
        other.blockSignals(False)
        self._show_chosen()

    def choose(self, source: Literal["till", "central"], key: str) -> None:
        """Select an item (as a click in its list would)."""
        self.chosen = Chosen(source, key)
        self._fill_local()
        self._fill_central()
        self._show_chosen()

    def chosen_local(self) -> OverdraftItem | None:
        if self.chosen is None or self.chosen.source != "till":
            return None
        return next((i for i in self.local if i.id == self.chosen.key), None)

    def chosen_central(self) -> CentralItem | None:
        if self.chosen is None or self.chosen.source != "central" or self.central is None:
            return None
        return next((i for i in self.central.items if str(i.entry.id) == self.chosen.key), None)

    # -- the chosen item ---------------------------------------------------------------------------------
    def _show_chosen(self) -> None:
        local, central = self.chosen_local(), self.chosen_central()
        actor = self.ctx.actor
        manager = actor is not None and actor.can(Permission.ADJUST)
        enrolled = self.central is not None and self.central.state != "not_enrolled"
        for button in (self.recover_button, self.write_off_button, self.dismiss_button):
            button.setVisible(False)
            button.setEnabled(False)
        self.reason.setEnabled(False)
        self.open_member_button.setEnabled(False)
        if local is None and central is None:
            self.facts.setHtml(_paragraph(self.tr("Choose an item to see its facts and what can be done.")))
            self.hint.setText("")
            return
        open_item = False
        if local is not None:
            self.facts.setHtml(self.local_facts(local))
            open_item = not local.resolved
            self.recover_button.setVisible(True)
            self.write_off_button.setVisible(True)
            self.write_off_button.setEnabled(manager and open_item and not enrolled and not self.busy)
            self.recover_button.setEnabled(manager and open_item and not self.busy)
            self.open_member_button.setEnabled(True)
            hint = ""
            if open_item and enrolled:
                hint = self.tr(
                    "This till syncs: write the debt off from the central service's item for this member, so "
                    "every till learns it once."
                )
        else:
            assert central is not None
            self.facts.setHtml(self.central_facts(central))
            open_item = central.entry.resolution is None
            overdraft = central.entry.kind == "overdraft"
            self.recover_button.setVisible(overdraft)
            self.write_off_button.setVisible(overdraft)
            self.dismiss_button.setVisible(not overdraft)
            for button in (self.recover_button, self.write_off_button, self.dismiss_button):
                button.setEnabled(manager and open_item and not self.busy)
            self.open_member_button.setEnabled(central.member_number is not None)
            hint = ""
        self.reason.setEnabled(manager and open_item and not self.busy)
        if open_item and not manager:
            hint = self.tr("Only a manager can resolve an item. Ask a manager to sign in.")
        elif not open_item:
            hint = self.tr("This item is resolved: it stays listed under Resolved items.")
        self.hint.setText(hint)

    def local_facts(self, item: OverdraftItem) -> str:
        facts = [
            (
                self.tr("Member"),
                f"{self.member_name(item.member_name, item.member_status)} ({item.member_number})",
            ),
            (self.tr("Recorded"), self._when(item.created_at)),
            (self.tr("Owed when recorded"), self.tr("{points} points").format(points=points(item.points))),
            (self.tr("Still owed"), self.tr("{points} points").format(points=points(item.remaining))),
            (self.tr("Why"), self.overdraft_reason(item.reason)),
            (
                self.tr("The entry"),
                self.tr("{kind}: {points} points, receipt {receipt}").format(
                    kind=self.entry_kind(item.entry_kind),
                    points=points(item.entry_points),
                    receipt=item.receipt_ref or "—",
                ),
            ),
            (
                self.tr("Where"),
                self.tr("this till")
                if item.own_till
                else self.tr("another till ({till})").format(till=item.till_id),
            ),
            (self.tr("By"), item.staff or "—"),
            (self.tr("Program version"), item.program_version),
            (self.tr("Status"), self.decision_text(item)),
        ]
        if item.decided_at is not None and item.decision != "paid":
            facts.append((self.tr("Decided"), f"{self._when(item.decided_at)}, {item.decided_by or '—'}"))
        if item.note:
            facts.append((self.tr("Reason"), item.note))
        return _facts_html(self.tr("Overdraft at this till"), facts)

    def central_facts(self, item: CentralItem) -> str:
        e = item.entry
        facts = [
            (self.tr("Kind"), self.kind_text(e.kind)),
            (self.tr("Why"), self.reason_text(e.reason.value)),
            (self.tr("Recorded"), self._when(item.created_at)),
            (
                self.tr("Member"),
                f"{self.member_name(item.member_name or '', '')} ({item.member_number})"
                if item.member_number
                else (self.tr("not known here") if e.member_id else "—"),
            ),
            (
                self.tr("From"),
                self.tr("this till")
                if item.from_this_till
                else self.tr("another till ({till})").format(till=e.till_id),
            ),
        ]
        if e.points is not None:
            facts.append(
                (self.tr("Owed when recorded"), self.tr("{points} points").format(points=points(e.points)))
            )
            facts.append(
                (self.tr("Still owed"), self.tr("{points} points").format(points=points(e.remaining or 0)))
            )
        if e.detail:
            facts.append((self.tr("The central's words"), e.detail))
        facts.append((self.tr("Status"), self.central_status(item)))
        if item.resolved_at is not None:
            facts.append((self.tr("Decided"), f"{self._when(item.resolved_at)}, {item.resolved_by or '—'}"))
        if e.note:
            facts.append((self.tr("Reason"), e.note))
        return _facts_html(self.tr("Item {number} of the central service").format(number=e.id), facts)

    # -- resolving ----------------------------------------------------------------------------------------
    def resolve(self, action: Literal["recover", "write_off", "dismiss"]) -> None:
        actor = self.ctx.actor
        if actor is None or self.busy:
            return
        local, central = self.chosen_local(), self.chosen_central()
        reason = self.reason.text().strip()
        if action != "recover" and not reason:
            if (local is not None and action == "write_off") or central is not None:
                self.message.emit(self.tr("Type the reason first: it is kept with the decision."), "error")
                self.reason.setFocus()
            return
        if local is not None:
            if action == "dismiss" or local.resolved:
                return
            self.busy = True
            self._show_chosen()
            service, item_id = self.service, local.id
            if action == "recover":
                self.ctx.ops.query(
                    lambda: service.recover(actor, item_id, reason),
                    lambda _item: self._resolved(self.tr("Decided: the member's next earnings pay it back.")),
                    self._failed,
                )
            else:
                self.ctx.ops.change(
                    lambda: service.write_off(actor, item_id, reason),
                    self._written_off,
                    self._failed,
                )
            return
        if central is not None and central.entry.resolution is None:
            self.busy = True
            self._show_chosen()
            service, number = self.service, central.entry.id
            if not self.act.start(lambda _p, _s: service.resolve_central(actor, number, action, reason)):
                self.busy = False
                self._show_chosen()

    def _written_off(self, change: Change) -> None:
        entry = change.entries[0] if change.entries else None
        self._resolved(
            self.tr("Written off: {points} points credited to {name}; the overdraft is settled.").format(
                points=points(entry.points if entry else 0),
                name=self.member_name(change.member.full_name, change.member.status),
            )
        )

    def _central_resolved(self, outcome: CentralOutcome) -> None:
        self.busy = False
        if outcome.state == "done":
            self._resolved(
                self.tr("The central service recorded the decision; it reaches every till at the next sync.")
            )
            return
        sentences = {
            "not_enrolled": self.tr("This till does not sync with a central service."),
            "offline": self.tr(
                "The central service cannot be reached now: nothing was decided. Try again later."
            ),
            "refused": self.tr("The central service refused the decision: {reason}"),
        }
        self.message.emit(sentences[outcome.state].format(reason=outcome.reason), "error")
        self._show_chosen()

    def _resolved(self, sentence: str) -> None:
        self.busy = False
        self.reason.clear()
        self.message.emit(sentence, "ok")
        self.load()

    def _failed(self, sentence: str, _exc: object) -> None:
        self.busy = False
        self.message.emit(sentence, "error")
        self._show_chosen()

    def _open_member(self) -> None:
        local, central = self.chosen_local(), self.chosen_central()
        member_id = local.member_id if local is not None else (central.entry.member_id if central else None)
        if member_id:
            self.member_requested.emit(member_id)

    # -- words ----------------------------------------------------------------------------------------------
    def member_name(self, name: str, status: str) -> str:
        return self.tr("(personal data erased)") if status == "erased" else name

    def decision_text(self, item: OverdraftItem) -> str:
        if item.decision == "write_off":
            return self.tr("Written off")
        if item.decision == "recover":
            return (
                self.tr("Recovered from next earnings")
                if item.remaining == 0
                else self.tr("Recovering from next earnings")
            )
        if item.decision == "paid":
            return self.tr("Paid back by earnings")
        return self.tr("Open")

    def central_status(self, item: CentralItem) -> str:
        resolution = item.entry.resolution
        if resolution == "write_off":
            return self.tr("Written off")
        if resolution == "recover":
            return self.tr("Recovering from next earnings")
        if resolution == "dismiss":
            return self.tr("Dismissed")
        return self.tr("Open")

    def kind_text(self, kind: str) -> str:
        return {
            "overdraft": self.tr("Overdraft"),
            "conflict": self.tr("Conflict"),
            "rejected": self.tr("Rejected item"),
            "receipt": self.tr("Receipt awarded twice"),
        }.get(kind, kind)

    def entry_kind(self, kind: str) -> str:
        return {
            "redeem": self.tr("Redemption"),
            "reverse": self.tr("Return"),
            "transfer": self.tr("Transfer (merge)"),
            "adjust": self.tr("Adjustment"),
            "expire": self.tr("Expiry"),
        }.get(kind, kind)

    def overdraft_reason(self, reason: str) -> str:
        known = {
            "return after the points were spent": self.tr("a return after the points were spent"),
            "referral bonus reversed after the points were spent": self.tr(
                "a referral bonus taken back after the points were spent"
            ),
            "overdraft moved by a merge": self.tr("a debt moved here by a merge"),
            "redeem at another till": self.tr("a redemption at another till, offline"),
            "reverse at another till": self.tr("a return at another till"),
            "transfer at another till": self.tr("a merge at another till"),
            "adjust at another till": self.tr("an adjustment at another till"),
        }
        return known.get(reason, reason)

    def reason_text(self, reason: str) -> str:
        known = {
            "overdraft": self.tr("Redemptions at several tills, offline, spent more than the member had."),
            "invalid_payload": self.tr("A till sent something the central service could not read."),
            "hash_mismatch": self.tr("An entry was changed at the till after it was written."),
            "id_mismatch": self.tr("The item's id does not match what it carries."),
            "foreign_till": self.tr("The item belongs to another store or till."),
            "unknown_member": self.tr("The member is not known at the central service."),
            "member_number_taken": self.tr("Another member of the store has this member number."),
            "same_id_different_content": self.tr("Sent twice with different content."),
            "seq_taken": self.tr("Another item holds this place in the till's queue."),
            "entry_seq_taken": self.tr("Another entry holds this place in the till's ledger."),
            "missing_seq": self.tr("An earlier item of the till is missing."),
            "not_a_till_entry": self.tr("A till sent an entry in another channel's name."),
            "merged_elsewhere": self.tr("The member was merged into another member at another till first."),
            "invalid_merge": self.tr("The merge cannot be done."),
            "card_blocked": self.tr("A card blocked at the central service was linked at a till."),
            "card_taken": self.tr("The card is linked to another member of the store."),
            "member_erased": self.tr(
                "The member's personal data was erased: the change would bring it back."
            ),
            "receipt_awarded_twice": self.tr(
                "Another till of the store awarded points for the same receipt number. Both count: "
                "check it was two sales, not one sale rung up twice."
            ),
        }
        return known.get(reason, reason)

    def _day(self, moment: datetime) -> str:
        local = moment.astimezone(self.ctx.program.zone)
        return QLocale().toString(QDate(local.year, local.month, local.day), "dd/MM/yyyy")

    def _when(self, moment: datetime) -> str:
        local = moment.astimezone(self.ctx.program.zone)
        value = QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))
        return QLocale().toString(value, "dd/MM/yyyy HH:mm")


def _table(columns: int, stretch: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)  # the member's name takes the room
    return table


def _fill_row(table: QTableWidget, row: int, cells: tuple[str, ...], key: str) -> None:
    for col, text in enumerate(cells):
        item = QTableWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, key)
        table.setItem(row, col, item)


def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def _facts_html(title: str, facts: list[tuple[str, str]]) -> str:
    rows = "".join(
        f"<tr><td style='padding-right:12px'><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>"
        for k, v in facts
    )
    return f"<h3>{html.escape(title)}</h3><table cellspacing='0' cellpadding='3'>{rows}</table>"
