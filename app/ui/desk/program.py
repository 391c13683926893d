"""The desk's Program page: the active program in plain words, the versions this till holds and what changed
between two of them, and a new version installed from its file.

The words come from ``app.services.program_text`` (Qt-free lines, translated and formatted here by
``program_words``); the changes from ``app.services.program_diff``. A file is checked before it can be
installed: a file with mistakes shows each one on its line, in the file's own text, and a good file shows
what installing it would change. Installing is for managers (the service refuses anyone else).
"""

from __future__ import annotations

import html
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QEvent, QLocale, Qt, QTime, Signal
from PySide6.QtGui import QColor, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.services import Permission
from app.services.program_diff import diff_programs
from app.services.program_history import FileCheck, Problem, ProgramDesk, VersionView
from app.services.program_text import Line, Section, change_lines, describe
from app.ui.context import TillContext
from app.ui.desk.program_words import line_text
from app.ui.errors import CONTEXT as ERRORS
from loyalty.errors import Detail
from loyalty.program import Program

ROW_HEIGHT = 40
MAX_PATH = 1000
SECTION_ORDER = list(Section)
PROBLEM_LINE = QColor("#6b1f1f")  # a line with a mistake, on the theme's dark background


class ProgramPage(QWidget):
    message = Signal(str, str)  # text, tone

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.desk = ProgramDesk(ctx.svc.core, ctx.svc.programs)
        self.versions: list[VersionView] = []
        self.programs: dict[str, Program] = {}  # versions read so far (a version never changes)
        self.selected: str | None = None
        self.compare_to: str | None = None
        self.check: FileCheck | None = None
        self.checking = False
        self.installing = False
        self.dialog: QFileDialog | None = None
        self._asked = 0

        self.heading = QLabel()
        self.heading.setObjectName("title")
        self.heading.setWordWrap(True)
        self.versions_label = QLabel()
        self.table = QTableWidget(0, 3)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.versions_label.setBuddy(self.table)
        self.compare_label = QLabel()
        self.compare_box = QComboBox()
        self.compare_label.setBuddy(self.compare_box)

        # A new version from a file.
        self.file_label = QLabel()
        self.path = QLineEdit()
        self.path.setMaxLength(MAX_PATH)
        self.path.setClearButtonEnabled(True)
        self.file_label.setBuddy(self.path)
        self.browse_button = QPushButton()
        self.browse_button.setProperty("secondary", True)
        self.browse_button.setAutoDefault(True)
        self.check_button = QPushButton()
        self.check_button.setAutoDefault(True)
        self.file_hint = QLabel()
        self.file_hint.setObjectName("hint")
        self.file_hint.setWordWrap(True)

        # The right side: the rules (or what changed), or the file being checked.
        self.reading = QTextBrowser()
        self.reading.setOpenLinks(False)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.problems_label = QLabel()
        self.problems = QListWidget()
        self.problems_label.setBuddy(self.problems)
        self.file_view = QPlainTextEdit()
        self.file_view.setReadOnly(True)
        self.file_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.changes_view = QTextBrowser()
        self.install_button = QPushButton()
        self.install_button.setAutoDefault(True)
        self.back_button = QPushButton()
        self.back_button.setProperty("secondary", True)
        self.back_button.setAutoDefault(True)
        file_page = QWidget()
        file_column = QVBoxLayout(file_page)
        file_column.setContentsMargins(0, 0, 0, 0)
        file_column.addWidget(self.verdict)
        file_column.addWidget(self.problems_label)
        self.file_split = QSplitter(Qt.Orientation.Vertical)
        self.file_split.addWidget(self.problems)
        self.file_split.addWidget(self.file_view)
        self.file_split.addWidget(self.changes_view)
        self.file_split.setStretchFactor(0, 1)
        self.file_split.setStretchFactor(1, 3)
        self.file_split.setStretchFactor(2, 3)
        file_column.addWidget(self.file_split, 1)
        file_buttons = QHBoxLayout()
        file_buttons.addWidget(self.install_button)
        file_buttons.addStretch(1)
        file_buttons.addWidget(self.back_button)
        file_column.addLayout(file_buttons)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.reading)
        self.stack.addWidget(file_page)
        self.file_page = file_page

        left = QVBoxLayout()
        left.addWidget(self.versions_label)
        left.addWidget(self.table, 1)
        compare_row = QHBoxLayout()
        compare_row.addWidget(self.compare_label)
        compare_row.addWidget(self.compare_box, 1)
        left.addLayout(compare_row)
        left.addSpacing(12)
        left.addWidget(self.file_label)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse_button)
        left.addLayout(path_row)
        left.addWidget(self.check_button)
        left.addWidget(self.file_hint)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addWidget(self.stack, 3)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addLayout(body, 1)

        self.setTabOrder(self.table, self.compare_box)
        self.setTabOrder(self.compare_box, self.path)
        self.setTabOrder(self.path, self.browse_button)
        self.setTabOrder(self.browse_button, self.check_button)

        self.table.itemSelectionChanged.connect(self._version_chosen)
        self.compare_box.activated.connect(lambda _i: self._compare_chosen())
        self.path.returnPressed.connect(self.check_file)
        self.check_button.clicked.connect(self.check_file)
        self.browse_button.clicked.connect(self.browse)
        self.install_button.clicked.connect(self.install)
        self.back_button.clicked.connect(self.show_rules)
        self.problems.itemActivated.connect(self._go_to_problem)
        self.problems.itemClicked.connect(self._go_to_problem)
        self.retranslate()

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("ProgramPage", "Program")

    # -- language ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Program"))
        self.versions_label.setText(self.tr("&Versions on this till"))
        self.table.setHorizontalHeaderLabels([self.tr("Version"), self.tr("Installed"), self.tr("By")])
        self.table.setAccessibleName(self.tr("Program versions"))
        self.compare_label.setText(self.tr("&Compare with"))
        self.compare_box.setAccessibleName(self.tr("Version to compare with"))
        self.file_label.setText(self.tr("New version from a &file (TOML or JSON)"))
        self.path.setPlaceholderText(self.tr("Path of the program file"))
        self.path.setAccessibleName(self.tr("Path of the program file"))
        self.browse_button.setText(self.tr("Choose a file…"))
        self.browse_button.setAccessibleName(self.tr("Choose a program file"))
        self.check_button.setText(self.tr("Check the file (Enter)"))
        self.check_button.setAccessibleName(self.tr("Check the program file"))
        self.reading.setAccessibleName(self.tr("The program in plain words"))
        self.problems_label.setText(self.tr("&Mistakes in the file"))
        self.problems.setAccessibleName(self.tr("Mistakes in the file, line by line"))
        self.file_view.setAccessibleName(self.tr("The file's text"))
        self.changes_view.setAccessibleName(self.tr("What installing the file changes"))
        self.back_button.setText(self.tr("Back to the rules"))
        self.back_button.setAccessibleName(self.tr("Back to the rules"))
        self.install_button.setAccessibleName(self.tr("Install this version"))
        self._fill_versions()
        self._show_reading()
        self._show_check()

    # -- loading ----------------------------------------------------------------------------------------
    def activated(self) -> None:
        """Shown in the desk: read the versions again (another till may have sent a new one); who may
        install may have changed since (another sign-in)."""
        self._show_check()
        self.load()

    def load(self) -> None:
        self._asked += 1
        number = self._asked
        desk = self.desk
        self.ctx.ops.query(
            desk.history,
            lambda versions: self._loaded(number, versions),
            lambda text, _exc: self.message.emit(text, "error"),
        )

    def _loaded(self, number: int, versions: list[VersionView]) -> None:
        if number != self._asked:
            return
        self.versions = versions
        if self.selected not in {v.version for v in versions}:
            active = next((v for v in versions if v.active), None)
            self.selected = active.version if active else (versions[0].version if versions else None)
        self._fill_versions()
        self._need(self.selected, self.compare_to)

    def _need(self, *versions: str | None) -> None:
        """Read the programs of ``versions`` not read yet, then draw."""
        missing = [v for v in versions if v is not None and v not in self.programs]
        if not missing:
            self._show_reading()
            return
        desk = self.desk

        def read() -> dict[str, Program]:
            return {v: desk.program(v) for v in missing}

        def done(found: dict[str, Program]) -> None:
            self.programs.update(found)
            self._show_reading()

        self.ctx.ops.query(read, done, lambda text, _exc: self.message.emit(text, "error"))

    def _fill_versions(self) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.versions))
        for row, v in enumerate(self.versions):
            version = v.version + ("  ✓" if v.active else "")
            by = self.tr("the till's set-up") if v.installed_by == "system" else (v.installed_by or "—")
            cells = (version, self._when(v.loaded_at), by)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, v.version)
                item.setToolTip(v.name)
                self.table.setItem(row, col, item)
            if v.version == self.selected:
                self.table.selectRow(row)
        self.table.blockSignals(False)
        self.compare_box.blockSignals(True)
        self.compare_box.clear()
        self.compare_box.addItem(self.tr("— nothing: show the rules"), None)
        for v in self.versions:
            if v.version != self.selected:
                self.compare_box.addItem(self.tr("version {version}").format(version=v.version), v.version)
        index = self.compare_box.findData(self.compare_to) if self.compare_to else 0
        self.compare_box.setCurrentIndex(max(index, 0))
        if index < 0:
            self.compare_to = None
        self.compare_box.blockSignals(False)

    def _version_chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        item = self.table.item(rows[0].row(), 0)
        version = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if version is None or version == self.selected:
            return
        self.selected = version
        if self.compare_to == version:
            self.compare_to = None
        self._fill_versions()
        self.show_rules()
        self._need(self.selected, self.compare_to)

    def _compare_chosen(self) -> None:
        self.compare_to = self.compare_box.currentData()
        self.show_rules()
        self._need(self.selected, self.compare_to)

    def show_version(self, version: str, compare_to: str | None = None) -> None:
        """Show ``version`` (compared with ``compare_to``): as choosing them in the list and the box."""
        self.selected, self.compare_to = version, compare_to
        self._fill_versions()
        self.show_rules()
        self._need(version, compare_to)

    # -- the rules and the changes -------------------------------------------------------------------------
    def show_rules(self) -> None:
        self.stack.setCurrentWidget(self.reading)
        self._show_reading()

    def _today(self) -> date:
        """Today in the store's calendar (the expiry example is dated from it)."""
        return self.ctx.svc.core.now().astimezone(self.ctx.program.zone).date()

    def _show_reading(self) -> None:
        program = self.programs.get(self.selected or "")
        if program is None:
            self.heading.setText(self.tr("Program"))
            self.reading.setHtml(_paragraph(self.tr("Reading the program…")))
            return
        active = any(v.active and v.version == program.version for v in self.versions)
        title = (
            self.tr("{name}, version {version} (active)") if active else self.tr("{name}, version {version}")
        )
        self.heading.setText(title.format(name=program.name, version=program.version))
        today = self._today()
        older = self.programs.get(self.compare_to or "")
        if self.compare_to is not None and older is None:
            self.reading.setHtml(_paragraph(self.tr("Reading the program…")))
        elif older is not None:
            changes = diff_programs(older, program)
            lines = [line for c in changes for line in change_lines(c, older, program, today)]
            heading = self.tr("What changed from version {old} to version {new}").format(
                old=older.version, new=program.version
            )
            empty = self.tr("The two versions have the same rules.")
            self.reading.setHtml(self.lines_html(lines, heading, empty))
        else:
            self.reading.setHtml(self.lines_html(describe(program, today)))

    def section_title(self, section: Section) -> str:
        return {
            Section.SUMMARY: self.tr("The program"),
            Section.EARN: self.tr("Earning points"),
            Section.TIERS: self.tr("Tiers"),
            Section.PROMOTIONS: self.tr("Promotions"),
            Section.REDEMPTION: self.tr("Paying with points"),
            Section.REWARDS: self.tr("Rewards"),
            Section.EXPIRY: self.tr("Expiry"),
            Section.ACTIONS: self.tr("Actions without a purchase"),
            Section.BONUSES: self.tr("Bonuses"),
        }[section]

    def lines_html(self, lines: list[Line], heading: str = "", empty: str = "") -> str:
        """Lines under their sections' titles (in the program's order), examples indented."""
        out = [f"<h2>{html.escape(heading)}</h2>"] if heading else []
        if not lines and empty:
            out.append(_paragraph(empty))
        ordered = sorted(enumerate(lines), key=lambda pair: (SECTION_ORDER.index(pair[1].section), pair[0]))
        current: Section | None = None
        for _i, line in ordered:
            if line.section is not current:
                current = line.section
                out.append(f"<h3>{html.escape(self.section_title(current))}</h3>")
            text = html.escape(line_text(line))
            if line.example:
                out.append(f"<p style='margin-left:28px'><i>{text}</i></p>")
            else:
                out.append(f"<p>{text}</p>")
        return "".join(out)

    # -- a new version from a file ---------------------------------------------------------------------------
    def browse(self) -> None:
        """A non-modal file dialog: the till keeps serving while it is open."""
        if self.dialog is None:
            self.dialog = QFileDialog(self)
            self.dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
            # Qt's own dialog: it follows the till's theme and language, which a desktop's dialog would not.
            self.dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
            self.dialog.fileSelected.connect(self._file_chosen)
        self.dialog.setWindowTitle(self.tr("Choose a program file"))
        self.dialog.setNameFilters([self.tr("Program files (*.toml *.json)"), self.tr("All files (*)")])
        current = Path(self.path.text().strip()).expanduser()
        if current.parent.is_dir():
            self.dialog.setDirectory(str(current.parent))
        self.dialog.open()

    def _file_chosen(self, path: str) -> None:
        self.path.setText(path)
        self.check_file()

    def check_file(self) -> None:
        text = self.path.text().strip()
        if not text:
            self.message.emit(self.tr("Type the path of the program file, or choose it."), "error")
            self.path.setFocus()
            return
        path = Path(text).expanduser()
        self._asked += 1
        number = self._asked
        self.checking = True
        self.check = None
        self._show_check()
        self.stack.setCurrentWidget(self.file_page)
        desk = self.desk
        self.ctx.ops.query(
            lambda: desk.check_file(path),
            lambda check: self._checked(number, check),
            lambda sentence, _exc: self._not_checked(number, sentence),
        )

    def _checked(self, number: int, check: FileCheck) -> None:
        if number != self._asked:
            return
        self.checking = False
        self.check = check
        self._show_check()
        if check.problems:
            self.problems.setCurrentRow(0)
            self.problems.setFocus()
        elif self.install_button.isEnabled():
            self.install_button.setFocus()

    def _not_checked(self, number: int, sentence: str) -> None:
        if number != self._asked:
            return
        self.checking = False
        self._show_check()
        self.message.emit(sentence, "error")

    def _show_check(self) -> None:
        check = self.check
        actor = self.ctx.actor
        manager = actor is not None and actor.can(Permission.SETTINGS)
        self.file_hint.setText(
            self.tr("The file is checked first: mistakes are shown on their lines, and nothing is installed.")
            if manager
            else self.tr("Only a manager can install a program; anyone can check a file.")
        )
        self.problems.clear()
        self.file_view.setExtraSelections([])
        if check is None:
            self.verdict.setText(self.tr("Checking the file…") if self.checking else "")
            _tone(self.verdict, "")
            self.file_view.setPlainText("")
            self.changes_view.clear()
            self.install_button.setText(self.tr("Install"))
            self.install_button.setEnabled(False)
            for widget in (self.problems_label, self.problems, self.changes_view):
                widget.setVisible(False)
            return
        self.file_view.setPlainText(numbered(check.text))
        bad = [p for p in check.problems if p.line is not None]
        selections = []
        for problem in bad:
            block = self.file_view.document().findBlockByNumber((problem.line or 1) - 1)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = QTextCursor(block)
            selection.format.setBackground(PROBLEM_LINE)
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selections.append(selection)
        self.file_view.setExtraSelections(selections)
        for problem in check.problems:
            item = QListWidgetItem(self.problem_text(problem))
            item.setData(Qt.ItemDataRole.UserRole, problem.line)
            self.problems.addItem(item)
        has_problems = bool(check.problems)
        self.problems_label.setVisible(has_problems)
        self.problems.setVisible(has_problems)
        self.changes_view.setVisible(check.program is not None and not has_problems)
        program = check.program
        if has_problems or program is None:
            count = len(check.problems)
            self.verdict.setText(
                self.tr(
                    "This file cannot be installed: {count} mistake(s). Fix them in the file, then check it again."
                ).format(count=count)
            )
            _tone(self.verdict, "warning")
            self.install_button.setText(self.tr("Install"))
            self.install_button.setEnabled(False)
            return
        active = check.active
        is_active = active is not None and active.version == program.version
        if check.installed == "same" and is_active:
            self.verdict.setText(
                self.tr("Version {version} is installed and active already: nothing to do.").format(
                    version=program.version
                )
            )
        elif check.installed == "same":
            self.verdict.setText(
                self.tr(
                    "Version {version} is on this till already; installing makes it active again."
                ).format(version=program.version)
            )
        else:
            self.verdict.setText(
                self.tr(
                    "The file is correct: {name}, version {version}. Check what it changes, then install it."
                ).format(name=program.name, version=program.version)
            )
        _tone(self.verdict, "earns")
        today = self._today()
        if active is not None and not is_active:
            lines = [line for c in check.changes for line in change_lines(c, active, program, today)]
            heading = self.tr("What changes from the active version {old}").format(old=active.version)
            self.changes_view.setHtml(
                self.lines_html(lines, heading, self.tr("The two versions have the same rules."))
            )
        else:
            self.changes_view.setHtml(self.lines_html(describe(program, today)))
        self.install_button.setText(
            self.tr("Install version {version} and make it active").format(version=program.version)
        )
        self.install_button.setEnabled(
            manager and not self.installing and not (is_active and check.installed == "same")
        )

    def problem_text(self, problem: Problem) -> str:
        # A loader's sentence is translated, and so are the validator's common kinds of problem; its other
        # words (the program's own checks) stay as written.
        why = _detail_text(problem.detail) if problem.detail is not None else self.validator_text(problem)
        where = f"{problem.where}: " if problem.where else ""
        if problem.line is None:
            return f"{where}{why}"
        return self.tr("Line {line}: {problem}").format(line=problem.line, problem=f"{where}{why}")

    def validator_text(self, problem: Problem) -> str:
        values = dict(problem.context)
        texts = {
            "missing": self.tr("this setting is required"),
            "extra_forbidden": self.tr("this setting is not known: check its spelling"),
            "greater_than": self.tr("must be more than {gt}"),
            "greater_than_equal": self.tr("must be {ge} or more"),
            "less_than": self.tr("must be less than {lt}"),
            "less_than_equal": self.tr("must be {le} or less"),
            "literal_error": self.tr("must be one of {expected}"),
            "int_type": self.tr("must be a whole number"),
            "int_parsing": self.tr("must be a whole number"),
            "int_from_float": self.tr("must be a whole number"),
            "string_type": self.tr("must be text in quotes"),
            "string_too_short": self.tr("must not be empty"),
            "string_too_long": self.tr("is too long: at most {max_length} characters"),
            "string_pattern_mismatch": self.tr("may hold only letters, digits and _ . -"),
            "bool_type": self.tr("must be true or false"),
            "bool_parsing": self.tr("must be true or false"),
            "decimal_type": self.tr('must be a number written as text, such as "1.5"'),
            "decimal_parsing": self.tr('must be a number written as text, such as "1.5"'),
            "list_type": self.tr("must be a list in square brackets"),
            "dict_type": self.tr("must be a table of settings"),
            "model_type": self.tr("must be a table of settings"),
            "time_type": self.tr('must be a time such as "14:00"'),
            "time_parsing": self.tr('must be a time such as "14:00"'),
            "date_type": self.tr("must be a day such as 2026-03-01"),
            "date_from_datetime_parsing": self.tr("must be a day such as 2026-03-01"),
        }
        template = texts.get(problem.kind)
        if template is None:
            return problem.message
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            return problem.message

    def _go_to_problem(self, item: QListWidgetItem) -> None:
        line = item.data(Qt.ItemDataRole.UserRole)
        if not isinstance(line, int):
            return
        block = self.file_view.document().findBlockByNumber(line - 1)
        cursor = QTextCursor(block)
        self.file_view.setTextCursor(cursor)
        self.file_view.centerCursor()

    def install(self) -> None:
        check, actor = self.check, self.ctx.actor
        if check is None or not check.ok or actor is None or self.installing:
            return
        path = Path(check.path)
        self.installing = True
        self._show_check()
        desk = self.desk
        self.ctx.ops.query(
            lambda: desk.install_file(actor, path),
            self._installed,
            self._not_installed,
        )

    def _installed(self, program: Program) -> None:
        self.installing = False
        self.ctx.program = program  # the window's screens follow the active program from now on
        self.programs[program.version] = program
        self.check = None
        self.selected, self.compare_to = program.version, None
        self.message.emit(
            self.tr("Version {version} is installed and active: the next sale follows its rules.").format(
                version=program.version
            ),
            "ok",
        )
        self.show_rules()
        self.load()

    def _not_installed(self, sentence: str, _exc: BaseException) -> None:
        self.installing = False
        self._show_check()
        self.message.emit(sentence, "error")

    def _when(self, moment: datetime) -> str:
        local = moment.astimezone(self.ctx.program.zone)
        value = QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))
        return QLocale().toString(value, "dd/MM/yyyy HH:mm")


def numbered(text: str) -> str:
    """The file's lines with their numbers in front, as the mistakes name them ("Line 5")."""
    lines = text.splitlines()
    width = len(str(len(lines)))
    return "\n".join(f"{n:>{width}} │ {line}" for n, line in enumerate(lines, start=1))


def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def _detail_text(detail: Detail) -> str:
    """A loader's sentence in the window's language (as ``app.ui.errors`` writes an error's details)."""
    text = QCoreApplication.translate(ERRORS, detail.text)
    try:
        return text.format(**detail.params)
    except (KeyError, IndexError, ValueError):
        return str(detail)


def _tone(label: QLabel, name: str) -> None:
    if label.objectName() != name:
        label.setObjectName(name)
        label.style().unpolish(label)
        label.style().polish(label)
