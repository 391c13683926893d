"""The member panel: who tapped, their tier, balance and what it is worth, progress to the next tier,
points expiring soon, and a reward they can afford."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDate, QEvent, QLocale
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from app.services.views import MemberView, TierView
from app.ui.context import TillContext
from app.ui.i18n import money, points
from app.ui.member_hint import HintCard
from loyalty.program import Program, Reward


def tier_progress(tier: TierView | None) -> int | None:
    """Percent of the way to the next tier (None at the top tier or without tiers)."""
    if tier is None or tier.next_code is None:
        return None
    goal = tier.qualifying_spend + tier.spend_to_next
    if goal <= 0:
        return 100
    return max(0, min(100, tier.qualifying_spend * 100 // goal))


def affordable_reward(program: Program, balance: int) -> Reward | None:
    """The most valuable reward (by points) the balance pays for."""
    fits = [r for r in program.rewards if r.points <= balance]
    return max(fits, key=lambda r: r.points) if fits else None


def cheapest_reward(program: Program) -> Reward | None:
    return min(program.rewards, key=lambda r: r.points) if program.rewards else None


class MemberPanel(QFrame):
    def __init__(
        self, program: Program, parent: QWidget | None = None, *, ctx: TillContext | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self._program = program
        self._ctx = ctx
        # The next best action for the member shown (with the op runner to ask for it and record the answer).
        self.hint_card = HintCard(ctx) if ctx is not None else None
        self.member: MemberView | None = None
        self.secure = False
        self.name = QLabel()
        self.name.setObjectName("memberName")
        self.name.setWordWrap(True)
        self.number = QLabel()
        self.tier = QLabel()
        self.tier.setObjectName("tierBadge")
        self.secure_badge = QLabel()
        self.secure_badge.setObjectName("secureBadge")
        self.balance = QLabel()
        self.balance.setObjectName("balance")
        self.value = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.progress_text = QLabel()
        self.progress_text.setWordWrap(True)
        self.expiring = QLabel()
        self.expiring.setWordWrap(True)
        self.reward = QLabel()
        self.reward.setWordWrap(True)

        badges = QHBoxLayout()
        badges.addWidget(self.tier)
        badges.addWidget(self.secure_badge)
        badges.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.name)
        layout.addWidget(self.number)
        layout.addLayout(badges)
        layout.addSpacing(8)
        layout.addWidget(self.balance)
        layout.addWidget(self.value)
        layout.addSpacing(8)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.expiring)
        layout.addWidget(self.reward)
        if self.hint_card is not None:
            layout.addWidget(self.hint_card)
        layout.addStretch(1)
        self.retranslate()

    @property
    def program(self) -> Program:
        """The active program: the window's, which follows an install on the desk or a version pulled by sync."""
        return self._ctx.program if self._ctx is not None else self._program

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_member(self, member: MemberView, *, secure: bool | None = None) -> None:
        self.member = member
        if secure is not None:
            self.secure = secure
        self.retranslate()
        if self.hint_card is not None:
            # Shown with ``secure`` when the member is identified (a new visit); without it after a change.
            self.hint_card.show_for(member.id, new_visit=secure is not None)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Member"))
        self.progress.setAccessibleName(self.tr("Progress to the next tier"))
        self.secure_badge.setText(self.tr("Secure card"))
        m = self.member
        if m is None:
            return
        currency = self.program.currency
        self.name.setText(m.full_name)
        self.number.setText(self.tr("Member no. {number}").format(number=m.member_number))
        self.tier.setVisible(m.tier is not None)
        self.tier.setText(m.tier.name if m.tier else "")
        self.secure_badge.setVisible(self.secure)
        self.balance.setText(self.tr("{points} points").format(points=points(m.balance)))
        worth = m.balance * self.program.redemption.point_value
        self.value.setText(self.tr("worth {money}").format(money=money(worth, currency)))
        percent = tier_progress(m.tier)
        self.progress.setVisible(percent is not None)
        if m.tier is not None and percent is not None and m.tier.next_name:
            self.progress.setValue(percent)
            self.progress_text.setText(
                self.tr("{money} more spending to {tier}").format(
                    money=money(m.tier.spend_to_next, currency), tier=m.tier.next_name
                )
            )
        elif m.tier is not None:
            self.progress_text.setText(self.tr("Top tier"))
        else:
            self.progress_text.setText("")
        if m.expiring_points and m.next_expiry is not None:
            # Points expire at an instant (the first of the next day or month): the last day they can be
            # used is the day before it, in the store's calendar.
            last = (m.next_expiry - timedelta(microseconds=1)).astimezone(self.program.zone).date()
            day = QLocale().toString(QDate(last.year, last.month, last.day), "dd/MM/yyyy")
            self.expiring.setText(
                self.tr("{points} points expire soon (usable until {date})").format(
                    points=points(m.expiring_points), date=day
                )
            )
            self.expiring.setVisible(True)
        elif m.lapsed_points:
            # An enrolled till leaves expiry to the central: points past their date are out of the balance
            # already, and the central's expiry entry will follow at the next sync.
            self.expiring.setText(
                self.tr("{points} points are past their date (not in the balance)").format(
                    points=points(m.lapsed_points)
                )
            )
            self.expiring.setVisible(True)
        else:
            self.expiring.setVisible(False)
        reward = affordable_reward(self.program, m.balance)
        if reward is not None:
            self.reward.setText(
                self.tr("Can take: {reward} ({points} points)").format(
                    reward=reward.name, points=points(reward.points)
                )
            )
        else:
            first = cheapest_reward(self.program)
            self.reward.setText(
                ""
                if first is None
                else self.tr("{points} more points for {reward}").format(
                    points=points(first.points - m.balance), reward=first.name
                )
            )
