"""The desk's "Dashboard" page: the store's loyalty figures for the manager.

Key figures as numbers (members, buyers, active members, the North Star, the points liability, what members
owe, the redemption rate, enrolments, what cashiers did with hints, the state of the lifetime-value models),
charts (the North Star week by week, enrolments per day, points issued vs redeemed by month, the liability by
month of expiry, segment sizes, the cohort retention heat map) and three tables — cohorts, segments, the
liability's expiry schedule — each exported as CSV into the till's ``exports`` folder.

The figures come from ``store_metrics`` of the desk's insights (the model process beside the till, or this
process's ``InsightsService``), asked on the op runner's study thread — never in front of a sale or a hint —
with a "computing…" state while they come. The charts are built the first time the page is shown, which is when pyqtgraph and NumPy
are first imported: a till that never opens the dashboard never loads them.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Sequence
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEvent, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.paths import exports_dir
from app.services.views import Change
from app.ui.context import TillContext
from app.ui.errors import sentence
from app.ui.i18n import money, points
from app.ui.insight_text import SEGMENTS, day_month, full_date, month_year, percent, segment_name

if TYPE_CHECKING:
    from app.services.insight_figures import StoreMetrics
    from app.ui.desk.charts import Chart

MIN_REFRESH_MS = 30_000
"""After a sale, the figures are read again at most once every 30 seconds while the dashboard is in view.

Why a debounce rather than recomputing only what a sale changed: the service already keeps the expensive part
incremental (the day's model fit is kept, and each new sale moves only its member's RFM segment), but the
cohorts, the North Star and the points figures are re-read from the ledger — at a busy store a refresh per
sale would keep the till's one database worker busy and make the cashier's own operations wait behind it. A
manager's figures a few seconds old are as good as fresh: at most one refresh per 30 s while the page is in
view, none while it is not (it refreshes when it comes back into view), and "Refresh now" for the impatient."""

SECTION_STYLE = "font-size: 20px; font-weight: bold; color: #ffe14d;"
FIGURE_STYLE = "font-size: 26px; font-weight: bold;"
FIGURES = (
    "members",
    "buyers",
    "active",
    "north_star",
    "liability",
    "owed",
    "redemption_rate",
    "enrolments",
    "hints",
)
RETENTION, REPEAT = "retention", "repeat"
# The cohorts' colour scale, in the heat map and behind the table's cells: near-black (no one came back)
# through green to yellow (everyone did).
HEAT_STOPS = ((0.0, (24, 24, 24)), (0.5, (47, 214, 122)), (1.0, (255, 225, 77)))


def heat_rgb(share: float) -> QColor:
    """The colour of a share in [0, 1] on the cohorts' scale."""
    share = max(0.0, min(1.0, share))
    for (lo, low), (hi, high) in pairwise(HEAT_STOPS):
        if share <= hi:
            t = (share - lo) / (hi - lo)
            return QColor(*(round(a + (b - a) * t) for a, b in zip(low, high, strict=True)))
    return QColor(*HEAT_STOPS[-1][1])


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    """Write a table as CSV (UTF-8 with a byte-order mark, which spreadsheets need to read Vietnamese),
    under a temporary name first so that a half-written file never looks done."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with partial.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    os.replace(partial, path)
    return path


def _share(value: float) -> str:
    """A share for a CSV cell: 0.4167; empty for a month still to come."""
    return "" if math.isnan(value) else f"{value:.4f}"


def _month(day: date | None) -> str:
    return "" if day is None else day.isoformat()[:7]


class _Table(QWidget):
    """A titled table with its export button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setStyleSheet(SECTION_STYLE)
        self.export_button = QPushButton()
        self.export_button.setProperty("secondary", True)
        self.export_button.setAutoDefault(True)
        self.export_button.setEnabled(False)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(40)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.top = QHBoxLayout()
        self.top.addWidget(self.title, 1)
        self.top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(self.top)
        layout.addWidget(self.table)

    def fill(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        table = self.table
        table.setColumnCount(len(header))
        table.setHorizontalHeaderLabels(list(header))
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c > 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        # Tall enough for every row (the page scrolls, not the table), within reason.
        shown = min(len(rows), 14)
        scrollbar = table.horizontalScrollBar().sizeHint().height()  # wide tables scroll sideways
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + shown * 40 + scrollbar + 8)
        self.export_button.setEnabled(bool(rows))


class DashboardPage(QWidget):
    message = Signal(str, str)  # text, tone: the desk passes it to the window's message line
    refreshed = Signal(object)  # the StoreMetrics shown, after each refresh
    exported = Signal(object)  # the Path of a CSV file written

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.metrics: StoreMetrics | None = None
        self.computed_at: datetime | None = None
        self.loading = False
        self.error: str | None = None
        self.dirty = True  # something changed since the figures shown were read
        self.min_interval_ms = MIN_REFRESH_MS
        self._since_refresh = QElapsedTimer()
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setSingleShot(True)
        self.refresh_timer.timeout.connect(self._timer_fired)
        self.charts: dict[str, Chart] = {}
        self.chart_titles: dict[str, QLabel] = {}

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # no steps to count: it only says "working"
        self.busy.setVisible(False)
        self.busy.setMaximumWidth(200)
        self.refresh_button = QPushButton()
        self.refresh_button.setProperty("secondary", True)
        self.refresh_button.setAutoDefault(True)
        self.refresh_button.clicked.connect(lambda _checked: self.refresh())
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.busy)
        top.addWidget(self.refresh_button)

        # Key figures: a caption over a big number, five to a row.
        figures = QGridLayout()
        figures.setHorizontalSpacing(24)
        self.figure_captions: dict[str, QLabel] = {}
        self.figures: dict[str, QLabel] = {}
        for i, key in enumerate(FIGURES):
            caption, value = QLabel(), QLabel("—")
            caption.setObjectName("hint")
            caption.setWordWrap(True)
            value.setStyleSheet(FIGURE_STYLE)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row, column = 2 * (i // 5), i % 5
            figures.addWidget(caption, row, column)
            figures.addWidget(value, row + 1, column)
            self.figure_captions[key], self.figures[key] = caption, value
        self.model = QLabel()
        self.model.setWordWrap(True)

        self.charts_box = QWidget()
        self.charts_grid = QGridLayout(self.charts_box)
        self.charts_grid.setContentsMargins(0, 0, 0, 0)

        self.cohort_table = _Table()
        self.cohort_measure = QComboBox()
        self.cohort_measure.addItem("", RETENTION)
        self.cohort_measure.addItem("", REPEAT)
        self.cohort_measure.currentIndexChanged.connect(lambda _i: self._measure_changed())
        self.cohort_table.top.insertWidget(1, self.cohort_measure)
        self.partial_note = QLabel()
        self.partial_note.setObjectName("hint")
        self.segment_table = _Table()
        self.liability_table = _Table()
        self.cohort_table.export_button.clicked.connect(lambda _c: self.export("cohorts"))
        self.segment_table.export_button.clicked.connect(lambda _c: self.export("segments"))
        self.liability_table.export_button.clicked.connect(lambda _c: self.export("liability"))

        body = QWidget()
        page_column = QVBoxLayout(body)
        page_column.addLayout(top)
        page_column.addLayout(figures)
        page_column.addWidget(self.model)
        page_column.addWidget(self.charts_box)
        page_column.addWidget(self.cohort_table)
        page_column.addWidget(self.partial_note)
        tables = QHBoxLayout()
        tables.addWidget(self.segment_table, 1)
        tables.addWidget(self.liability_table, 1)
        page_column.addLayout(tables)
        page_column.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(body)
        self.body = body
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)
        self.ctx.ops.changed.connect(self._changed)
        self.retranslate()

    @staticmethod
    def title() -> str:
        """The desk tab's name in the window's language."""
        return QCoreApplication.translate("DashboardPage", "Dashboard")

    # -- when to read ------------------------------------------------------------------------------
    def activated(self) -> None:
        """The page came into view: build the charts once; read the figures if there are none yet or
        something changed while the page was away."""
        self._build_charts()
        if self.metrics is None and not self.loading:
            self.refresh()
        elif self.dirty:
            self._schedule()
        self.refresh_button.setFocus()

    def _changed(self, _change: Change) -> None:
        self.dirty = True
        if self.isVisible():
            self._schedule()

    def _schedule(self) -> None:
        """A refresh when the last one is at least ``min_interval_ms`` old (see MIN_REFRESH_MS)."""
        if self.loading or self.refresh_timer.isActive():
            return  # a read on its way (a change after it started is seen when it ends), or one planned
        waited = self._since_refresh.elapsed() if self._since_refresh.isValid() else self.min_interval_ms
        self.refresh_timer.start(max(0, self.min_interval_ms - waited))

    def _timer_fired(self) -> None:
        if self.dirty and self.isVisible():
            self.refresh()  # out of view, the figures stay marked dirty until the page is shown again

    def refresh(self) -> None:
        """Read the figures now (the page's "Refresh now", and each planned refresh)."""
        if self.loading:
            return
        self.refresh_timer.stop()
        self.loading = True
        self.dirty = False
        self.error = None
        self._since_refresh.start()
        self._render_status()
        svc = self.ctx.svc
        zone = self.ctx.program.zone

        def read() -> tuple[StoreMetrics, datetime]:
            return svc.desk_insights.store_metrics(), svc.core.now().astimezone(zone)

        self.ctx.ops.study(read, lambda result: self._loaded(*result), self._failed)

    def _loaded(self, metrics: StoreMetrics, computed_at: datetime) -> None:
        self.loading = False
        self.metrics, self.computed_at = metrics, computed_at
        self.redraw()
        self.refreshed.emit(metrics)
        if self.dirty and self.isVisible():
            self._schedule()  # a sale arrived while the figures were being read

    def _failed(self, text: str, _exc: BaseException) -> None:
        self.loading = False
        self.dirty = True  # the figures shown are older than they should be: read again when next shown
        self.error = text
        self._render_status()
        self.message.emit(text, "error")

    # -- exports -----------------------------------------------------------------------------------
    def export_folder(self) -> Path:
        return exports_dir(self.ctx.svc.core.store.path.parent)

    def table_rows(self, name: str) -> tuple[list[str], list[list[object]]]:
        """The header (in the window's language) and the rows of one table, as written to CSV: months as
        2026-03, shares as fractions (0.4167), money in whole minor units."""
        m = self.metrics
        assert m is not None
        if name == "cohorts":
            shares = m.cohorts.retention if self._measure() == RETENTION else m.cohorts.repeat_rate
            width = shares.shape[1] if shares.ndim == 2 else 0
            header = [self.tr("Cohort"), self.tr("Members")] + [
                self.tr("Month {n}").format(n=k) for k in range(width)
            ]
            rows: list[list[object]] = [
                [_month(cohort), int(m.cohorts.sizes[i]), *(_share(float(v)) for v in shares[i])]
                for i, cohort in enumerate(m.cohorts.cohorts)
            ]
            return header, rows
        if name == "segments":
            total = sum(m.segments.values())
            header = [self.tr("Segment"), self.tr("Members"), self.tr("Share")]
            return header, [
                [segment_name(s), n, _share(n / total) if total else ""] for s, n in m.segments.items()
            ]
        header = [
            self.tr("Expires in"),
            self.tr("Points"),
            self.tr("Value ({currency})").format(currency=self.ctx.currency),
        ]
        return header, [
            [_month(b.month) if b.month is not None else self.tr("No expiry"), b.points, b.value]
            for b in m.liability.schedule
        ]

    def export(self, name: str) -> None:
        """Write one table as CSV into the exports folder (on the worker); the message line says where."""
        if self.metrics is None:
            return
        header, rows = self.table_rows(name)
        stem = {"cohorts": f"cohorts-{self._measure()}", "segments": "segments", "liability": "liability"}[
            name
        ]
        now = self.computed_at or datetime.now()
        path = self.export_folder() / f"{stem}-{now:%Y%m%d-%H%M%S}.csv"
        self.ctx.ops.query(
            lambda: write_csv(path, header, rows),
            self._exported,
            lambda text, _exc: self.message.emit(text, "error"),
        )

    def _exported(self, path: Path) -> None:
        self.message.emit(self.tr("Table saved as {path}").format(path=str(path)), "ok")
        self.exported.emit(path)

    # -- drawing -----------------------------------------------------------------------------------
    def _build_charts(self) -> None:
        if self.charts:
            return
        from app.ui.desk.charts import Chart  # pyqtgraph and NumPy: only once the dashboard is shown

        for i, key in enumerate(("north_star", "enrolments", "flow", "expiry", "segments", "cohorts")):
            frame = QFrame()
            frame.setObjectName("panel")
            box = QVBoxLayout(frame)
            title = QLabel()
            title.setWordWrap(True)
            title.setStyleSheet(SECTION_STYLE)
            chart = Chart()
            box.addWidget(title)
            box.addWidget(chart)
            self.charts_grid.addWidget(frame, i // 2, i % 2)
            self.charts[key], self.chart_titles[key] = chart, title
        self._retranslate_charts()
        if self.metrics is not None:
            self._render_charts()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Dashboard"))
        self.refresh_button.setText(self.tr("Refresh now"))
        self.refresh_button.setAccessibleName(self.tr("Compute the figures again now"))
        self.busy.setAccessibleName(self.tr("Computing"))
        captions = {
            "members": self.tr("Members"),
            "buyers": self.tr("Members who bought"),
            "active": self.tr("Active (bought in 90 days)"),
            "north_star": self.tr("North Star: repeat customers, 90 days"),
            "liability": self.tr("Points liability"),
            "owed": self.tr("Points owed by members"),
            "redemption_rate": self.tr("Redemption rate"),
            "enrolments": self.tr("Enrolments, 30 days"),
            "hints": self.tr("Hints used / dismissed"),
        }
        for key, label in self.figure_captions.items():
            label.setText(captions[key])
        self.cohort_table.title.setText(self.tr("Cohorts by month of first purchase"))
        self.cohort_measure.setItemText(0, self.tr("Retention"))
        self.cohort_measure.setItemText(1, self.tr("Repeat purchase"))
        self.cohort_measure.setAccessibleName(self.tr("Cohort measure"))
        self.segment_table.title.setText(self.tr("Segments"))
        self.liability_table.title.setText(self.tr("Points liability by month of expiry"))
        for table, what in (
            (self.cohort_table, self.tr("Export the cohort table as CSV")),
            (self.segment_table, self.tr("Export the segment table as CSV")),
            (self.liability_table, self.tr("Export the expiry schedule as CSV")),
        ):
            table.export_button.setText(self.tr("Export CSV"))
            table.export_button.setAccessibleName(what)
            table.table.setAccessibleName(table.title.text())
        self.partial_note.setText(self.tr("* this month: the figure can still change."))
        self._retranslate_charts()
        self.redraw()

    def _retranslate_charts(self) -> None:
        titles = {
            "north_star": self.tr("North Star: repeat customers in the last 90 days, week by week"),
            "enrolments": self.tr("Enrolments per day, last 30 days"),
            "flow": self.tr("Points issued, redeemed and expired, by month"),
            "expiry": self.tr("Points liability by month of expiry"),
            "segments": self.tr("Members by segment"),
            "cohorts": self.tr("Cohorts: {measure}, by months since the first purchase").format(
                measure=self.cohort_measure.currentText()
            ),
        }
        for key, title in self.chart_titles.items():
            title.setText(titles[key])
            self.charts[key].setAccessibleName(titles[key])

    def _render_status(self) -> None:
        self.busy.setVisible(self.loading)
        self.refresh_button.setEnabled(not self.loading)
        if self.loading:
            self.status.setText(self.tr("Computing the figures…"))
        elif self.error is not None:
            self.status.setText(self.error)
        elif self.metrics is not None and self.computed_at is not None:
            self.status.setText(
                self.tr("Figures as of {date}, computed at {time}.").format(
                    date=full_date(self.metrics.as_of), time=f"{self.computed_at:%H:%M}"
                )
            )
        else:
            self.status.setText(self.tr("The figures are computed when the dashboard is opened."))

    def redraw(self) -> None:
        self._render_status()
        m = self.metrics
        if m is None:
            return
        currency = self.ctx.currency
        used = sum(u.used for u in m.hint_usage)
        dismissed = sum(u.dismissed for u in m.hint_usage)
        values = {
            "members": points(m.members),
            "buyers": points(m.buyers),
            "active": points(m.active),
            "north_star": points(m.north_star),
            "liability": money(m.liability.value, currency),
            "owed": self.tr("{points} points").format(points=points(m.owed_points)),
            "redemption_rate": "—" if m.redemption_rate is None else percent(m.redemption_rate, 1),
            "enrolments": points(sum(n for _, n in m.enrolments)),
            "hints": f"{points(used)} / {points(dismissed)}",
        }
        for key, text in values.items():
            self.figures[key].setText(text)
        self.figure_captions["liability"].setText(
            self.tr("Points liability: {points} points").format(points=points(m.liability.points))
        )
        fit = m.fit
        if fit.bgnbd is not None and fit.gamma_gamma is not None:
            self.model.setText(
                self.tr("Lifetime-value models fitted today on {buyers} members who bought.").format(
                    buyers=points(fit.buyers)
                )
            )
        else:
            reasons = " ".join(sentence(err) for err in fit.errors)
            self.model.setText(
                self.tr("Not enough history for lifetime-value predictions yet: {reasons}").format(
                    reasons=reasons
                )
            )
        self._render_cohorts()
        total = sum(m.segments.values())
        self.segment_table.fill(
            self.table_rows("segments")[0],
            [
                [segment_name(s), points(n), percent(n / total, 1) if total else ""]
                for s, n in m.segments.items()
            ],
        )
        self.liability_table.fill(
            header=self.table_rows("liability")[0],
            rows=[
                [
                    month_year(b.month) if b.month is not None else self.tr("No expiry"),
                    points(b.points),
                    money(b.value, currency),
                ]
                for b in m.liability.schedule
            ],
        )
        self._render_charts()

    def _measure(self) -> str:
        return str(self.cohort_measure.currentData() or RETENTION)

    def _measure_changed(self) -> None:
        self._retranslate_charts()
        self._render_cohorts()

    def _render_cohorts(self) -> None:
        m = self.metrics
        if m is None:
            return
        table = self.cohort_table
        c = m.cohorts
        shares = c.retention if self._measure() == RETENTION else c.repeat_rate
        header = self.table_rows("cohorts")[0]
        rows = [
            [month_year(cohort), points(int(c.sizes[i]))] + ["" for _ in range(len(header) - 2)]
            for i, cohort in enumerate(c.cohorts)
        ]
        table.fill(header, rows)
        for i in range(len(c.cohorts)):
            for k in range(len(header) - 2):
                value = float(shares[i, k])
                if math.isnan(value):
                    continue
                item = table.table.item(i, k + 2)
                assert item is not None
                partial = bool(c.partial[i, k])
                item.setText(percent(value) + ("*" if partial else ""))
                # A heat map in the table too: the brighter, the more of the cohort came back.
                item.setBackground(QBrush(heat_rgb(value)))
                item.setForeground(QBrush(QColor("#000000" if value > 0.3 else "#ffffff")))
        if "cohorts" in self.charts:
            self._draw_heat()

    def _render_charts(self) -> None:
        m = self.metrics
        if m is None or not self.charts:
            return
        from app.ui.desk.charts import BLUE, GREEN, ORANGE, YELLOW

        self.charts["north_star"].draw_line(
            [day_month(d) for d, _ in m.north_star_trend], [n for _, n in m.north_star_trend], YELLOW
        )
        self.charts["enrolments"].draw_bars(
            [day_month(d) for d, _ in m.enrolments],
            [(self.tr("Enrolments"), [n for _, n in m.enrolments], GREEN)],
        )
        months = [month_year(f.month) for f in m.flow]
        self.charts["flow"].draw_bars(
            months,
            [
                (self.tr("Issued"), [f.issued for f in m.flow], GREEN),
                (self.tr("Redeemed"), [f.redeemed for f in m.flow], YELLOW),
                (self.tr("Expired"), [f.expired for f in m.flow], ORANGE),
            ],
        )
        schedule = m.liability.schedule
        self.charts["expiry"].draw_bars(
            [month_year(b.month) if b.month is not None else self.tr("No expiry") for b in schedule],
            [(self.tr("Points"), [b.points for b in schedule], BLUE)],
        )
        order = [s for s in SEGMENTS if any(str(k) == s for k in m.segments)]
        sizes = {str(k): n for k, n in m.segments.items()}
        self.charts["segments"].draw_hbars(
            [segment_name(s) for s in order], [sizes[s] for s in order], YELLOW
        )
        self._draw_heat()

    def _draw_heat(self) -> None:
        m = self.metrics
        chart = self.charts.get("cohorts")
        if m is None or chart is None:
            return
        c = m.cohorts
        shares = c.retention if self._measure() == RETENTION else c.repeat_rate
        chart.draw_heat(
            [month_year(d) for d in c.cohorts],
            [QLocale().toString(k) for k in range(shares.shape[1] if shares.ndim == 2 else 0)],
            shares,
            HEAT_STOPS,
        )
