"""The sale's lines, when the cashier wants category or product points (F5 in the sale).

Most sales are a bill total and nothing more. When a line earns differently (a category with its own
multiplier, an excluded category, a product with extra points), the cashier types that line here: category
or product code (a scanner types the code into the product field), and its amount. The lines are parts of the
bill: what the bill has beyond them is an ordinary line, so the total stays what the customer pays.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import TillContext
from app.ui.i18n import money
from loyalty.errors import InvalidAmount, LoyaltyError
from loyalty.money import Money
from loyalty.program import Program
from loyalty.quote import BasketLine

MAX_LINES = 100  # a receipt's worth; the quote and the ledger stay small
MAX_SKU = 32
MAX_AMOUNT_TEXT = 20


def program_categories(program: Program) -> list[str]:
    """Every category the program treats differently: with a multiplier, excluded, or in a promotion."""
    found = set(program.earn.category_multipliers) | set(program.earn.excluded_categories)
    for promotion in program.promotions:
        found |= set(promotion.categories or ())
    return sorted(found)


class SaleLines(QFrame):
    """Category or product lines of the open sale; hidden until the cashier asks for them."""

    changed = Signal()  # the lines are not what they were
    message = Signal(str, str)  # text, tone

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lines")
        self.ctx = ctx
        self._lines: list[BasketLine] = []

        self.heading = QLabel()
        self.category = QComboBox()
        self.sku = QLineEdit()
        self.sku.setMaxLength(MAX_SKU)
        self.amount = QLineEdit()
        self.amount.setMaxLength(MAX_AMOUNT_TEXT)
        self.amount.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
        self.add_button = QPushButton()
        self.add_button.setProperty("secondary", True)
        self.remove_button = QPushButton()
        self.remove_button.setProperty("secondary", True)
        self.category_label, self.sku_label, self.amount_label = QLabel(), QLabel(), QLabel()
        self.category_label.setBuddy(self.category)
        self.sku_label.setBuddy(self.sku)
        self.amount_label.setBuddy(self.amount)
        self.table = QTableWidget(0, 3)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(160)

        grid = QGridLayout()
        grid.addWidget(self.category_label, 0, 0)
        grid.addWidget(self.sku_label, 0, 1)
        grid.addWidget(self.amount_label, 0, 2)
        grid.addWidget(self.category, 1, 0)
        grid.addWidget(self.sku, 1, 1)
        grid.addWidget(self.amount, 1, 2)
        grid.addWidget(self.add_button, 1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(grid)
        layout.addWidget(self.table)
        layout.addWidget(self.remove_button)

        self.setTabOrder(self.category, self.sku)
        self.setTabOrder(self.sku, self.amount)
        self.setTabOrder(self.amount, self.add_button)
        self.sku.returnPressed.connect(self.amount.setFocus)
        self.amount.returnPressed.connect(self.add_line)
        self.add_button.clicked.connect(self.add_line)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.installEventFilter(self)
        self.retranslate()
        self.hide()

    # -- language ------------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.heading.setText(
            self.tr("Lines that earn differently (the rest of the bill earns as usual). Enter adds a line.")
        )
        self.heading.setWordWrap(True)
        self.category_label.setText(self.tr("Cate&gory"))
        self.sku_label.setText(self.tr("Product &code"))
        self.amount_label.setText(self.tr("A&mount"))
        self.sku.setPlaceholderText(self.tr("scan or type"))
        self.amount.setPlaceholderText(self.tr("e.g. 120.000"))
        self.add_button.setText(self.tr("Add line"))
        self.remove_button.setText(self.tr("Remove the chosen line (Delete)"))
        self.category.setAccessibleName(self.tr("Line category"))
        self.sku.setAccessibleName(self.tr("Line product code"))
        self.amount.setAccessibleName(self.tr("Line amount"))
        self.table.setAccessibleName(self.tr("Lines of the sale"))
        self.add_button.setAccessibleName(self.tr("Add the line"))
        self.remove_button.setAccessibleName(self.tr("Remove the chosen line"))
        # Table headers get no language-change event of their own.
        self.table.setHorizontalHeaderLabels([self.tr("Category"), self.tr("Product"), self.tr("Amount")])
        current = self.category.currentData()
        self.category.clear()
        self.category.addItem(self.tr("(no category)"), None)
        for code in program_categories(self.ctx.program):
            self.category.addItem(code, code)
        self.category.setCurrentIndex(max(0, self.category.findData(current)))
        self._refresh_table()

    # -- the lines -----------------------------------------------------------------------------------
    def lines(self) -> list[BasketLine]:
        return list(self._lines)

    def total(self) -> Money:
        return Money(sum(line.amount.amount for line in self._lines), self.ctx.currency)

    def open_lines(self) -> None:
        self.show()
        self.category.setFocus()

    def clear(self) -> None:
        had = bool(self._lines)
        self._lines.clear()
        for field in (self.sku, self.amount):
            field.clear()
        self.category.setCurrentIndex(0)
        self._refresh_table()
        self.hide()
        if had:
            self.changed.emit()

    def add_line(self) -> None:
        if len(self._lines) >= MAX_LINES:
            self.message.emit(self.tr("A sale has at most {n} lines.").format(n=MAX_LINES), "error")
            return
        category = self.category.currentData()
        sku = self.sku.text().strip() or None
        if sku is not None and not all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in sku):
            self.message.emit(self.tr("A product code has only letters, digits, - _ and ."), "error")
            self.sku.setFocus()
            return
        if category is None and sku is None:
            self.message.emit(self.tr("Choose a category or type a product code for the line."), "error")
            self.category.setFocus()
            return
        try:
            amount = Money.parse(self.amount.text().strip(), self.ctx.currency)
            if amount.amount <= 0:
                raise InvalidAmount(amount=amount.amount, why="it must be more than zero")
        except LoyaltyError:
            self.message.emit(
                self.tr("The line's amount is not an amount: type it in đồng, e.g. 120.000."), "error"
            )
            self.amount.setFocus()
            return
        self._lines.append(BasketLine(amount, category=category, sku=sku))
        self.sku.clear()
        self.amount.clear()
        self._refresh_table()
        self.message.emit("", "info")
        self.changed.emit()
        self.category.setFocus()

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows and self._lines:
            rows = [len(self._lines) - 1]  # nothing chosen: the last line typed
        for row in rows:
            if 0 <= row < len(self._lines):
                del self._lines[row]
        if rows:
            self._refresh_table()
            self.changed.emit()

    def _refresh_table(self) -> None:
        self.table.setRowCount(len(self._lines))
        for row, line in enumerate(self._lines):
            cells = (line.category or "—", line.sku or "—", money(line.amount.amount, line.amount.currency))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.remove_button.setEnabled(bool(self._lines))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        ):
            self.remove_selected()
            return True
        return super().eventFilter(watched, event)
