"""The desk's "Insight" page: one member's value to the store and the next best actions for them.

- historic value: spend, sales and visits, average basket, first and last visit, tenure, points earned,
  redeemed and expired, redemption rate;
- predicted value from the store's lifetime-value models: expected purchases and spend over the next 90 days,
  the discounted 12-month CLV, the probability that the member is still a customer (P(alive)) — or why there
  is no prediction: no purchase yet, too little of the member's own history (the same rule that keeps
  predictive hints from new members), or a store whose history the models cannot fit yet;
- the RFM scores and named segment;
- every hint, best first, each with its reason in numbers.

The member is the one opened from the desk (``follow_member``) or found with the page's own search. The figures
are read on the op runner's worker; the page reads them again when it comes into view after a change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.views import Change, MemberView
from app.ui.context import TillContext
from app.ui.errors import sentence
from app.ui.i18n import money, points
from app.ui.insight_text import full_date, hint_kind_name, hint_text, percent, segment_name
from app.ui.search import SearchPanel

if TYPE_CHECKING:
    from app.services.insight_figures import ModelFit
    from app.services.member_facts import MemberInsight

SECTION_STYLE = "font-size: 20px; font-weight: bold; color: #ffe14d;"
HISTORIC = (
    "total_spend",
    "sales",
    "visits",
    "average_basket",
    "first_visit",
    "last_visit",
    "tenure",
    "points_earned",
    "points_redeemed",
    "points_expired",
    "redemption_rate",
)
PREDICTED = ("p_alive", "purchases", "spend_per_purchase", "spend", "clv")


class _Facts(QWidget):
    """Captions and values in two columns of pairs."""

    def __init__(self, keys: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        self.captions: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        half = (len(keys) + 1) // 2
        for i, key in enumerate(keys):
            caption, value = QLabel(), QLabel()
            caption.setObjectName("hint")
            caption.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row, column = i % half, 2 * (i // half)
            grid.addWidget(caption, row, column)
            grid.addWidget(value, row, column + 1)
            self.captions[key], self.values[key] = caption, value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)


def _section(parent_layout: QVBoxLayout) -> QLabel:
    label = QLabel()
    label.setStyleSheet(SECTION_STYLE)
    parent_layout.addSpacing(8)
    parent_layout.addWidget(label)
    return label


class MemberInsightPage(QWidget):
    message = Signal(str, str)  # text, tone: the desk passes it to the window's message line
    loaded = Signal(object)  # the MemberInsight shown, after each answer from the worker

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.member_id: str | None = None
        self.member: MemberView | None = None
        self.insight: MemberInsight | None = None
        self.fit: ModelFit | None = None
        self.loading = False
        self.error: str | None = None
        self._asked = 0
        self._stale = False  # a change or a new member arrived while the page was out of view

        # The page's own search (the waiting screen's, without its big prompt).
        self.search = SearchPanel(ctx)
        self.search.prompt.setVisible(False)
        search_layout = self.search.layout()
        if search_layout is not None:
            first = search_layout.itemAt(0)
            if first is not None and first.spacerItem() is not None:
                search_layout.removeItem(first)  # the waiting screen centres its prompt; here it sits on top
        self.search.member_chosen.connect(self.show_member_id)
        self.search.message.connect(self.message.emit)

        self.name = QLabel()
        self.name.setObjectName("memberName")
        self.name.setWordWrap(True)
        self.number = QLabel()
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # no steps to count: it only says "working"
        self.busy.setVisible(False)

        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.name)
        column.addWidget(self.number)
        column.addWidget(self.state)
        column.addWidget(self.busy)
        self.content = QWidget()
        sections = QVBoxLayout(self.content)
        sections.setContentsMargins(0, 0, 0, 0)
        self.historic_title = _section(sections)
        self.historic = _Facts(HISTORIC)
        sections.addWidget(self.historic)
        self.predicted_title = _section(sections)
        self.predicted = _Facts(PREDICTED)
        sections.addWidget(self.predicted)
        self.prediction_note = QLabel()
        self.prediction_note.setWordWrap(True)
        sections.addWidget(self.prediction_note)
        self.segment_title = _section(sections)
        self.segment = QLabel()
        self.segment.setWordWrap(True)
        sections.addWidget(self.segment)
        self.hints_title = _section(sections)
        self.hints = QTableWidget(0, 3)
        self.hints.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.hints.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.hints.setWordWrap(True)
        self.hints.verticalHeader().setVisible(False)
        self.hints.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.hints.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.hints.setMinimumHeight(200)
        sections.addWidget(self.hints)
        self.no_hints = QLabel()
        sections.addWidget(self.no_hints)
        column.addWidget(self.content)
        column.addStretch(1)
        self.content.setVisible(False)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # The page scrolls down, never sideways: long captions and hints wrap to its width.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        self.scroll_area = scroll

        row = QHBoxLayout(self)
        row.addWidget(self.search, 1)
        row.addWidget(scroll, 2)
        self.ctx.ops.changed.connect(self._changed)
        self.retranslate()

    @staticmethod
    def title() -> str:
        """The desk tab's name in the window's language."""
        return QCoreApplication.translate("MemberInsightPage", "Insight")

    # -- which member ------------------------------------------------------------------------------
    def follow_member(self, member_id: str) -> None:
        """The desk opened a member: this page shows them too, read now if in view, else when it is."""
        if member_id == self.member_id and not self._stale and self.insight is not None:
            return
        self.member_id = member_id
        self.insight = None
        self.member = None
        if self.isVisible():
            self.load()
        else:
            self._stale = True
            self.redraw()

    def show_member_id(self, member_id: str) -> None:
        """A member chosen in the page's own search."""
        self.member_id = member_id
        self.insight = None
        self.member = None
        self.load()

    def activated(self) -> None:
        """The page came into view: read what changed while it was away; the cursor in the search."""
        if self._stale and self.member_id is not None:
            self.load()
        self.search.field.setFocus()

    def _changed(self, change: Change) -> None:
        if self.member_id is None or change.member.id != self.member_id:
            return
        if self.isVisible():
            self.load()
        else:
            self._stale = True

    # -- reading -----------------------------------------------------------------------------------
    def load(self) -> None:
        member_id = self.member_id
        if member_id is None:
            return
        self._stale = False
        self._asked += 1
        number = self._asked
        self.loading = True
        self.error = None
        self.redraw()
        svc = self.ctx.svc

        def read() -> tuple[MemberView, MemberInsight, ModelFit]:
            insights = svc.desk_insights
            insight = insights.member(member_id)
            # A merged member's insight is their survivor's: name the member the figures are about.
            return svc.members.get(insight.member_id), insight, insights.model_fit()

        self.ctx.ops.study(
            read,
            lambda result: self._loaded(number, *result),
            lambda text, _exc: self._failed(number, text),
        )

    def _loaded(self, number: int, member: MemberView, insight: MemberInsight, fit: ModelFit) -> None:
        if number != self._asked:
            return  # another member was chosen meanwhile
        self.loading = False
        self.member, self.insight, self.fit = member, insight, fit
        self.redraw()
        self.loaded.emit(insight)

    def _failed(self, number: int, text: str) -> None:
        if number != self._asked:
            return
        self.loading = False
        self.error = text
        self.redraw()
        self.message.emit(text, "error")

    # -- drawing -----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Member insight"))
        self.search.field.setAccessibleName(self.tr("Find a member for the insight"))
        self.historic_title.setText(self.tr("Historic value"))
        self.predicted_title.setText(self.tr("Predicted value (next 90 days)"))
        self.segment_title.setText(self.tr("RFM segment"))
        self.hints_title.setText(self.tr("Next best actions, best first"))
        self.hints.setAccessibleName(self.tr("Next best actions"))
        self.busy.setAccessibleName(self.tr("Computing"))
        captions = {
            "total_spend": self.tr("Total spend"),
            "sales": self.tr("Sales"),
            "visits": self.tr("Visits (days with a purchase)"),
            "average_basket": self.tr("Average basket"),
            "first_visit": self.tr("First visit"),
            "last_visit": self.tr("Last visit"),
            "tenure": self.tr("Member for"),
            "points_earned": self.tr("Points earned"),
            "points_redeemed": self.tr("Points redeemed"),
            "points_expired": self.tr("Points expired"),
            "redemption_rate": self.tr("Redemption rate"),
            "p_alive": self.tr("Still a customer (P(alive))"),
            "purchases": self.tr("Expected purchases"),
            "spend_per_purchase": self.tr("Expected spend per purchase"),
            "spend": self.tr("Expected spend"),
            "clv": self.tr("Lifetime value, next 12 months (discounted)"),
        }
        for facts in (self.historic, self.predicted):
            for key, label in facts.captions.items():
                label.setText(captions[key])
        self.redraw()

    def redraw(self) -> None:
        insight, member = self.insight, self.member
        self.busy.setVisible(self.loading)
        if member is not None:
            self.name.setText(member.full_name)
            self.number.setText(self.tr("Member no. {number}").format(number=member.member_number))
        else:
            self.name.setText(self.tr("Member insight"))
            self.number.setText("")
        if self.loading:
            self.state.setText(self.tr("Computing the member's figures…"))
        elif self.error is not None:
            self.state.setText(self.error)
        elif insight is None:
            self.state.setText(
                self.tr("Open a member from the desk, or find one here: name, phone or member number.")
            )
        else:
            self.state.setText(self.tr("Figures as of {date}.").format(date=full_date(insight.as_of)))
        self.content.setVisible(insight is not None and not self.loading)
        if insight is None:
            return
        self._render_history(insight)
        self._render_prediction(insight)
        if insight.scores is not None and insight.segment is not None:
            r, f, m = insight.scores
            self.segment.setText(
                self.tr("{segment} — recency {r}, frequency {f}, monetary {m} (each 1 to 5, 5 best)").format(
                    segment=segment_name(insight.segment), r=r, f=f, m=m
                )
            )
        else:
            self.segment.setText(self.tr("No segment before a first purchase."))
        self._render_hints(insight)

    def _render_history(self, insight: MemberInsight) -> None:
        h = insight.history
        currency = self.ctx.currency
        dash = "—"
        values = {
            "total_spend": money(h.total_spend, currency),
            "sales": points(h.sales),
            "visits": points(h.visits),
            "average_basket": dash if h.average_basket is None else money(h.average_basket, currency),
            "first_visit": dash if h.first_visit is None else full_date(h.first_visit),
            "last_visit": dash if h.last_visit is None else full_date(h.last_visit),
            "tenure": self.tr("{days} days").format(days=points(h.tenure_days)),
            "points_earned": points(h.points_earned),
            "points_redeemed": points(h.points_redeemed),
            "points_expired": points(h.points_expired),
            "redemption_rate": dash if h.redemption_rate is None else percent(h.redemption_rate),
        }
        for key, text in values.items():
            self.historic.values[key].setText(text)

    def _render_prediction(self, insight: MemberInsight) -> None:
        from loyalty.analytics.hints import MIN_HISTORY_DAYS, MIN_VISITS  # loaded by the worker already

        h = insight.history
        p = insight.prediction
        days = 0 if h.first_visit is None else (insight.as_of - h.first_visit).days
        enough = h.visits >= MIN_VISITS and days >= MIN_HISTORY_DAYS
        note = ""
        if h.visits == 0:
            note = self.tr("Not enough history: no purchase yet, so nothing to predict from.")
        elif p is None:
            reasons = [] if self.fit is None else [sentence(err) for err in self.fit.errors]
            note = self.tr(
                "Not enough history: the store's purchases cannot be modelled yet, so there is no prediction."
            )
            if reasons:
                note += "\n" + "\n".join(reasons)
        elif not enough:
            # The model would answer (P(alive) is 100% for anyone who never came back), but from one or two
            # visits that answer is the store's average, not the member's: say so rather than show it.
            note = self.tr(
                "Not enough history: {visits} visit(s), the first {days} days ago; a prediction needs at "
                "least {min_visits} visits, the first at least {min_days} days ago."
            ).format(
                visits=points(h.visits), days=points(days), min_visits=MIN_VISITS, min_days=MIN_HISTORY_DAYS
            )
        show = p is not None and enough
        self.predicted.setVisible(show)
        self.prediction_note.setText(note)
        self.prediction_note.setVisible(bool(note))
        if p is None or not show:
            return
        currency = self.ctx.currency
        dash = "—"
        spend = None if p.expected_spend is None else p.expected_spend * p.expected_purchases
        values = {
            "p_alive": percent(p.p_alive),
            "purchases": self._decimal(p.expected_purchases),
            "spend_per_purchase": dash
            if p.expected_spend is None
            else money(round(p.expected_spend), currency),
            "spend": dash if spend is None else money(round(spend), currency),
            "clv": dash if p.clv is None else money(round(p.clv), currency),
        }
        for key, text in values.items():
            self.predicted.values[key].setText(text)

    @staticmethod
    def _decimal(value: float) -> str:
        return QLocale().toString(value, "f", 2)

    def _render_hints(self, insight: MemberInsight) -> None:
        self.hints.setHorizontalHeaderLabels([self.tr("#"), self.tr("Hint"), self.tr("Kind")])
        ranked = insight.hints
        self.hints.setRowCount(len(ranked))
        for row, hint in enumerate(ranked):
            kind = self.tr("Personalised") if hint.personalised else self.tr("Service")
            cells = (
                str(row + 1),
                hint_text(hint, self.ctx.currency),
                f"{hint_kind_name(hint.kind.value)} · {kind}",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setToolTip(text)
                self.hints.setItem(row, column, item)
        self.hints.setVisible(bool(ranked))
        self.no_hints.setVisible(not ranked)
        self.no_hints.setText(self.tr("No hint for this member today."))
